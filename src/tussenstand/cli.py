"""The ``tussenstand`` command: list, run, build, render and fetch.

``build`` and ``run`` first fetch the CBS tables the reports need when the project's own CBS folder
lacks them (not when a folder was chosen with --cbs-dir or $TUSSENSTAND_CBS_DIR).

Exit status: 0 success, 1 a run or step failed, 2 a mistake in what the user gave, found before
anything runs: an option (an unknown gemeente, a period of the wrong form, ``--jobs 0``, a
``--cbs-dir`` or ``$TUSSENSTAND_CBS_DIR`` that does not exist), ``tussenstand.yml``, or a framework
in ``data/raw/kaders`` (its form, or a reference to a series or municipality code that the data do
not have, see :mod:`tussenstand.references`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tussenstand.config import CBS_DIR_ENV, CONFIG_FILE, ConfigError, ProjectConfig, load_config
from tussenstand.periods import REPORT_PERIOD_FORMS, Period, PeriodError, parse_report_period

if TYPE_CHECKING:
    from tussenstand.frameworks import MonitoredUnit

CBS_DIR_OPTION = click.option(
    "--cbs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Map met CBS-tabellen (wint van $TUSSENSTAND_CBS_DIR en tussenstand.yml).",
)


# ----- helpers ----------------------------------------------------------------------------------
class InputMistake(click.ClickException):
    """A mistake in what the user gave (an option, tussenstand.yml, a framework): exit status 2."""

    exit_code = 2


def _config(cbs_dir: Path | None = None, *, cbs_dir_must_exist: bool = True) -> ProjectConfig:
    """The project configuration. A CBS folder the user named (``--cbs-dir`` or
    ``$TUSSENSTAND_CBS_DIR``) must exist, except for ``fetch``, which fills it."""
    try:
        config = load_config(cbs_dir=cbs_dir)
    except ConfigError as exc:
        raise InputMistake(str(exc)) from exc
    named = f"--cbs-dir {cbs_dir}" if cbs_dir else None
    if named is None and os.environ.get(CBS_DIR_ENV):
        named = f"{CBS_DIR_ENV}={os.environ[CBS_DIR_ENV]}"
    if cbs_dir_must_exist and named and not config.cbs_dir.is_dir():
        raise InputMistake(
            f"{named}: de map {config.cbs_dir} bestaat niet. Wijs een bestaande map met "
            f"CBS-tabellen aan, of haal de tabellen op met `tussenstand fetch --cbs-dir "
            f"{config.cbs_dir}`."
        )
    return config


def _load_units(config: ProjectConfig) -> list[MonitoredUnit]:
    """The monitored gemeenten and regio's: those of the frameworks in data/raw/kaders, after
    checking every framework's references to the data (series, municipality codes), and those
    ``gemeenten`` in tussenstand.yml adds (:func:`tussenstand.units.project_units`)."""
    from tussenstand import frameworks, references
    from tussenstand.sources.areas import AreasError
    from tussenstand.units import project_units

    try:
        loaded = frameworks.load_frameworks(config.frameworks_dir)
        frameworks.units_of(loaded)  # two frameworks naming one gemeente: before anything else
        notices = references.check_references(loaded, config.cbs_dir)
        units = project_units(config, loaded)
    except frameworks.FrameworkError as exc:
        raise InputMistake(f"fout in de beleidskaders in {config.frameworks_dir}:\n{exc}") from exc
    except ConfigError as exc:  # a code or province in `gemeenten` that CBS does not have
        raise InputMistake(str(exc)) from exc
    except AreasError as exc:  # `gemeenten` set, but no areas table in the CBS folder
        raise click.ClickException(str(exc)) from exc
    except (ValueError, OSError) as exc:  # pydantic errors, unreadable files
        raise click.ClickException(
            f"kaders in {config.frameworks_dir} niet te lezen: {exc}"
        ) from exc
    if not units:
        raise InputMistake(
            f"geen gemeenten of regio's gevonden: voeg een kader (*.yaml) toe aan {config.frameworks_dir}"
        )
    for notice in notices:
        click.secho(f"Let op: {notice}", fg="yellow", err=True)
    return list(units)


def _areas_first(config: ProjectConfig, cbs_dir: Path | None) -> None:
    """`build` and `run` with ``gemeenten`` in tussenstand.yml: the units come from CBS's areas
    table, so on a fresh machine the missing tables are fetched before the units are read (under
    the build lock, as `build` fetches them: a second build stops instead of fetching too)."""
    if not config.municipalities or cbs_dir is not None or os.environ.get(CBS_DIR_ENV):
        return
    from tussenstand.locks import BuildLocked, build_lock
    from tussenstand.sources.areas import area_files

    if area_files(config.cbs_dir):
        return
    try:
        with build_lock(config.reports_dir):
            _fetch_missing_tables(config, cbs_dir)
    except BuildLocked as exc:
        raise click.ClickException(str(exc)) from None


def _choose_unit(config: ProjectConfig, units: list[MonitoredUnit], code: str) -> MonitoredUnit:
    from tussenstand.frameworks import find_unit

    try:
        return find_unit(units, code)
    except LookupError as exc:
        hint = ""
        if not config.municipalities.everything:
            hint = (
                f". Een gemeente zonder eigen kader komt erbij met 'gemeenten: alle' (of haar "
                f"code of provincie) in {CONFIG_FILE}"
            )
        raise click.BadParameter(f"{exc}{hint}", param_hint="--gemeente") from exc


def _choose_period(config: ProjectConfig, label: str) -> Period:
    configured = ", ".join(p.code for p in config.periods)
    try:
        period = parse_report_period(label)
    except PeriodError as exc:
        raise click.BadParameter(
            f"ongeldige periode {label!r}: gebruik {REPORT_PERIOD_FORMS}; "
            f"geconfigureerde periodes: {configured}",
            param_hint="--periode",
        ) from exc
    if period not in config.periods:
        click.echo(
            f"Let op: periode {period.code} staat niet in {CONFIG_FILE} (geconfigureerd: {configured}); "
            f"het rapport wordt gemaakt, maar `tussenstand build` werkt het niet bij. Voeg de periode "
            f"toe aan 'periodes' in {CONFIG_FILE} om dat wel te doen.",
            err=True,
        )
    return period


def _require_cbs_dir(config: ProjectConfig) -> None:
    if not config.cbs_dir.is_dir():
        raise click.ClickException(
            f"CBS-map {config.cbs_dir} bestaat niet: haal de tabellen op met `tussenstand fetch` "
            "of wijs een map aan met --cbs-dir of TUSSENSTAND_CBS_DIR"
        )


def _fetch_missing_tables(config: ProjectConfig, cbs_dir: Path | None) -> None:
    """Before `build` and `run`: download with cbsodata the tables the reports need that the
    project's own CBS folder lacks (a fresh machine gets its data with its first command). Never
    into a folder the user chose with --cbs-dir or $TUSSENSTAND_CBS_DIR: that folder is theirs.
    Offline this fails with what is missing and three ways to get it (exit status 1)."""
    if cbs_dir is not None or os.environ.get(CBS_DIR_ENV):
        return
    from tussenstand.sources import cbs_fetch
    from tussenstand.sources.cbs_tables import missing_data_message

    missing = cbs_fetch.missing_tables(config.cbs_dir)
    if not missing:
        return
    click.echo(
        f"De CBS-map {config.cbs_dir} mist {len(missing)} tabel(len) die de rapporten gebruiken; "
        f"ophalen bij CBS StatLine: {', '.join(missing)}",
        err=True,
    )
    try:
        config.cbs_dir.mkdir(parents=True, exist_ok=True)
        cbs_fetch.fetch_tables(missing, config.cbs_dir)
    except (cbs_fetch.CBSFetchError, OSError) as exc:
        still = cbs_fetch.missing_tables(config.cbs_dir)
        raise click.ClickException(
            f"ophalen bij CBS mislukt: {exc}\n{missing_data_message(config.cbs_dir, still)}"
        ) from None


def _get_cbs_data(config: ProjectConfig, cbs_dir: Path | None) -> None:
    """What a build needs first, under the build lock: the missing CBS tables fetched (into the
    project's own folder), then a CBS folder that exists."""
    _fetch_missing_tables(config, cbs_dir)
    _require_cbs_dir(config)


def _build(config: ProjectConfig, units: list[MonitoredUnit], periods: Sequence[Period], **kwargs):
    from tussenstand import runner

    try:
        return runner.build(config, units, periods, **kwargs)
    except runner.RunnerError as exc:
        raise click.ClickException(str(exc)) from exc


def _report_failures(summary) -> None:
    for result in summary.failures:
        click.secho(f"MISLUKT: {result.message}", fg="red", err=True)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def find_quarto() -> str | None:
    """The quarto command: on PATH, or beside this Python (pip package quarto-cli in the venv)."""
    found = shutil.which("quarto")
    if found:
        return found
    beside = Path(sys.executable).parent / "quarto"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def _missing_reports(config: ProjectConfig, units: list[MonitoredUnit]) -> list[str]:
    missing = []
    for unit in units:
        for period in config.periods:
            folder = config.report_dir(unit.code, period)
            if not all((folder / name).is_file() for name in config.notebooks):
                missing.append(f"{unit.code} {period.code}")
    return missing


# ----- commands ---------------------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tussenstand")
def main() -> None:
    """Tussenstand: van beleidskader en CBS-cijfers naar een evaluatiewebsite en pdf per gemeente."""


@main.command("list")
@CBS_DIR_OPTION
def list_command(cbs_dir: Path | None) -> None:
    """Toon de gemonitorde gemeenten en regio's, hun kader en de rapportperiodes."""
    config = _config(cbs_dir)
    units = _load_units(config)
    own = [u for u in units if not u.standard]
    standard = [u for u in units if u.standard]
    municipalities = sum(1 for u in units if u.kind == "gemeente")
    regions = len(units) - municipalities
    counts = (
        _count(municipalities, "gemeente", "gemeenten"),
        _count(regions, "regio", "regio's"),
        _count(municipalities - len(standard), "gemeente", "gemeenten"),
    )
    click.echo(
        f"{counts[0]} en {counts[1]}: {counts[2]} met een eigen kader"
        + (f", {len(standard)} met de basisset" if standard else "")
        + f" (gemeenten in {CONFIG_FILE}: {config.municipalities.text_nl})."
    )
    width = max(len(u.code) for u in units)
    click.echo("Gemeenten en regio's met een eigen kader:")
    for unit in own:
        kind = "regio" if unit.kind == "regio" else "gemeente"
        click.echo(f"  {unit.code:<{width}}  {unit.name}  ({kind}, kader: {unit.framework_id})")
    if standard:
        click.echo(f"Gemeenten met de basisset (kader: {standard[0].framework_id}):")
        for unit in standard:
            click.echo(f"  {unit.code:<{width}}  {unit.name}")
    click.echo("Periodes: " + ", ".join(p.code for p in config.periods))
    click.echo("Notebooks: " + ", ".join(config.notebooks))
    click.echo(f"CBS-map: {config.cbs_dir}")


@main.command()
@click.option(
    "--gemeente", "code", required=True, help="Code van de gemeente of regio, bijv. GM0396."
)
@click.option("--periode", "label", required=True, help="Rapportperiode, bijv. 2026-H2.")
@CBS_DIR_OPTION
def run(code: str, label: str, cbs_dir: Path | None) -> None:
    """Voer de notebooks uit voor één gemeente en één periode (altijd, ook als er niets veranderde)."""
    config = _config(cbs_dir)
    _areas_first(config, cbs_dir)
    unit = _choose_unit(config, _load_units(config), code)
    period = _choose_period(config, label)
    summary = _build(
        config,
        [unit],
        [period],
        jobs=1,
        force=True,
        progress=False,
        before=lambda: _get_cbs_data(config, cbs_dir),
    )
    _report_failures(summary)
    if not summary.ok:
        sys.exit(1)
    click.echo(f"Rapport klaar: {config.report_dir(unit.code, period)}")


@main.command("build")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal runs tegelijk (standaard: het aantal processorkernen).",
)
@click.option("--force", is_flag=True, help="Voer alles opnieuw uit, ook wat niet veranderde.")
@CBS_DIR_OPTION
def build_command(jobs: int | None, force: bool, cbs_dir: Path | None) -> None:
    """Voer de notebooks uit voor alle gemeenten en periodes waarvan de invoer veranderde."""
    config = _config(cbs_dir)
    _areas_first(config, cbs_dir)
    units = _load_units(config)
    summary = _build(
        config,
        units,
        config.periods,
        jobs=jobs,
        force=force,
        progress=True,
        before=lambda: _get_cbs_data(config, cbs_dir),
    )
    _report_failures(summary)
    click.echo(summary.text_nl())
    if not summary.ok:
        sys.exit(1)


@main.command()
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal Quarto-processen tegelijk (standaard: het aantal processorkernen).",
)
@click.option(
    "--volledig",
    is_flag=True,
    help="Render alle pagina's opnieuw, ook wat niet veranderde sinds de vorige render.",
)
@CBS_DIR_OPTION
def render(jobs: int | None, volledig: bool, cbs_dir: Path | None) -> None:
    """Maak de website en de pdf's met Quarto van de uitgevoerde rapporten (alleen wat veranderde)."""
    config = _config(cbs_dir)
    units = _load_units(config)
    missing = _missing_reports(config, units)
    total = len(units) * len(config.periods)
    if len(missing) == total:
        raise click.ClickException(
            "er zijn nog geen uitgevoerde rapporten: voer eerst `tussenstand build` uit"
        )
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" en {len(missing) - 10} meer" if len(missing) > 10 else ""
        )
        click.secho(
            f"Let op: {len(missing)} van {total} rapporten ontbreken ({shown}); "
            "voer `tussenstand build` uit om ze te maken.",
            fg="yellow",
            err=True,
        )
    else:
        click.echo(f"Alle {total} uitgevoerde rapporten staan klaar in {config.reports_dir}.")

    from tussenstand import site

    # Without Quarto the site module still prepares every page, then says how to get Quarto.
    quarto = find_quarto()
    if quarto is not None:
        quarto_bin = str(Path(quarto).parent)
        if quarto_bin not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = quarto_bin + os.pathsep + os.environ.get("PATH", "")
    try:
        status = site.render_site(config, units=units, quarto=quarto, jobs=jobs, full=volledig)
    except site.SiteError as exc:  # a missing or unreadable _quarto.yml, a broken summary
        raise click.ClickException(f"{exc}; {site.SITE_DIR}/ is niet gewijzigd.") from None
    if status:
        sys.exit(int(status))
    if quarto is not None:
        index = config.root / "_site" / "index.html"
        click.echo(f"Website klaar: open {index} in een browser.")


@main.command()
@click.option(
    "--tables",
    "tables",
    multiple=True,
    metavar="ID",
    help="CBS-tabel(len) om op te halen, bijv. --tables 85383NED,86050NED (standaard: alle gebruikte).",
)
@CBS_DIR_OPTION
def fetch(tables: tuple[str, ...], cbs_dir: Path | None) -> None:
    """Haal CBS-tabellen op bij CBS StatLine (internet nodig) en zet ze in de CBS-map."""
    config = _config(cbs_dir, cbs_dir_must_exist=False)
    from tussenstand.sources import cbs_fetch

    ids = [t.strip() for item in tables for t in item.split(",") if t.strip()]
    ids = ids or list(cbs_fetch.DEFAULT_TABLES)
    config.cbs_dir.mkdir(parents=True, exist_ok=True)
    try:
        written = cbs_fetch.fetch_tables(ids, config.cbs_dir)
    except (OSError, ValueError, RuntimeError) as exc:
        raise click.ClickException(
            f"ophalen bij CBS mislukt: {exc}\nZonder internet: zet TUSSENSTAND_CBS_DIR (of --cbs-dir) "
            "naar een map met CBS-tabellen als CSV."
        ) from exc
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"{len(written)} tabel(len) opgehaald in {config.cbs_dir}.")


if __name__ == "__main__":  # pragma: no cover
    main()
