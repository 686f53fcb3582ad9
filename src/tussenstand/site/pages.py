"""The pages that depend on which reports exist: their Markdown text.

``reports/<code>/index.qmd``
    One page per monitored municipality or region with its reports, newest first
    (:func:`unit_page_text`).
``_generated/overzicht.md``, ``statusregels.md``, ``bronnen.md``, ``illustratief.md``
    Fragments included by ``index.qmd`` (home overview and map), ``methode.qmd`` (status rules)
    and ``data.qmd`` (CBS tables with their download dates, reports with illustrative data).
``_variables.yml``
    The build stamp: which tussenstand made the site (:func:`build_stamp_variables`), shown in the
    footer of every page (``page-footer`` in ``_quarto.yml`` reads it with ``{{< var stempel >}}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import yaml

from tussenstand.buildinfo import BuildInfo
from tussenstand.frameworks import MonitoredUnit
from tussenstand.handoff import TABLE_META_SUFFIX, HandoffError, TableMeta
from tussenstand.markdown import attribute, escape
from tussenstand.nlformat import fmt_date, fmt_int, fmt_list
from tussenstand.progress import STATUS_RULES_NL
from tussenstand.site.discovery import ReportEntry, period_sort_key
from tussenstand.site.files import SiteError
from tussenstand.site.map import MAP_SOURCE
from tussenstand.site.notebooks import status_text_nl
from tussenstand.sources.cbs_tables import table_title

#: the Quarto variable (``_variables.yml``) with the build stamp
STAMP_VARIABLE = "stempel"


def _latest_per_unit(reports: Sequence[ReportEntry]) -> dict[str, ReportEntry]:
    latest: dict[str, ReportEntry] = {}
    for r in reports:
        cur = latest.get(r.summary.gemeente)
        if cur is None or period_sort_key(r.summary.periode) > period_sort_key(cur.summary.periode):
            latest[r.summary.gemeente] = r
    return latest


def unit_page_text(
    unit: MonitoredUnit, reports: Sequence[ReportEntry], names: Mapping[str, str] | None = None
) -> str:
    """``reports/<code>/index.qmd``: the reports of one municipality or region, newest first.

    ``names`` maps member codes to names (a region's municipalities)."""
    front = {
        "title": unit.name,
        "subtitle": "Rapporten van tussenstand",
        "lang": "nl",
        "toc": False,
    }
    lines = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).rstrip(), "---", ""]
    if unit.is_region and unit.members:
        member_names = [escape((names or {}).get(m, m)) for m in unit.members]
        lines += [f"Regio van de gemeenten {fmt_list(member_names)}.", ""]
    ordered = sorted(reports, key=lambda r: period_sort_key(r.summary.periode), reverse=True)
    if not ordered:
        lines.append(f"Voor {escape(unit.name)} is nog geen rapport gepubliceerd.")
        return "\n".join(lines) + "\n"
    lines += [
        "| Periode | Status van de doelen | Gebouwd op |",
        "|---|---|---|",
    ]
    for r in ordered:
        link = Path(r.notebook).relative_to(Path("reports") / unit.code).as_posix()
        extra = " (illustratieve gegevens)" if r.summary.illustratief else ""
        lines.append(
            f"| [{escape(r.summary.periode_label)}]({link}) | {escape(status_text_nl(r.summary))}{extra} "
            f"| {fmt_date(r.summary.gebouwd_op)} |"
        )
    lines += ["", "Elk rapport is ook als PDF te downloaden vanaf de rapportpagina."]
    return "\n".join(lines) + "\n"


def overview_text(
    units: Sequence[MonitoredUnit],
    reports: Sequence[ReportEntry],
    map_file: Path | None,
    map_note: str,
) -> str:
    """``_generated/overzicht.md`` (included by ``index.qmd``; links are relative to the root)."""
    latest = _latest_per_unit(reports)
    lines = ["## Gevolgde gemeenten en regio's", ""]
    if not units:
        lines.append(
            "Er worden nog geen gemeenten gevolgd: voeg een kader toe in `data/raw/kaders/`."
        )
        return "\n".join(lines) + "\n"
    n_reports = len(reports)
    lines += [
        f"tussenstand volgt {fmt_int(len(units))} gemeente(n) en regio('s); "
        f"er {'is' if n_reports == 1 else 'zijn'} {fmt_int(n_reports)} rapport(en) gepubliceerd. "
        "Per gemeente of regio de status van de doelen in het laatste rapport:",
        "",
        "| Gemeente of regio | Laatste rapport | Doelen | Status van de doelen |",
        "|---|---|--:|---|",
    ]
    for unit in units:
        name = f"[{escape(unit.name)}](reports/{unit.code}/index.qmd)"
        r = latest.get(unit.code)
        if r is None:
            lines.append(f"| {name} | nog geen rapport | | |")
            continue
        n = fmt_int(r.summary.aantal_doelen) if r.has_summary else ""
        extra = " (illustratieve gegevens)" if r.summary.illustratief else ""
        lines.append(
            f"| {name} | [{escape(r.summary.periode_label)}]({r.notebook.as_posix()}) | {n} | "
            f"{escape(status_text_nl(r.summary))}{extra} |"
        )
    lines += ["", "## Kaart", ""]
    if map_file is not None:
        monitored = fmt_list(u.name for u in units)
        alt = (
            f"Kaart van Nederland met de gemeentegrenzen; gemarkeerd zijn de gemeenten die "
            f"tussenstand volgt: {monitored}."
        )
        lines += [
            # empty caption (an image alone in a paragraph with alt text becomes a captioned
            # figure in Pandoc); the alt text goes in fig-alt
            f'![]({map_file.as_posix()}){{fig-alt="{attribute(alt)}"}}',
            "",
            f"[{MAP_SOURCE}.]{{.bronregel}}",
        ]
    else:
        lines.append(map_note)
    return "\n".join(lines) + "\n"


def status_rules_text() -> str:
    """``_generated/statusregels.md``: the status rules as :mod:`tussenstand.progress` states them."""
    return STATUS_RULES_NL.rstrip() + "\n"


def sources_text(cbs_dir: Path) -> str:
    """``_generated/bronnen.md``: the CBS tables in the CBS folder, with their titles and download
    dates.

    The date comes from the table's sidecar ``<tabel>.meta.json`` (:class:`TableMeta`, written by
    ``tussenstand fetch``); without one the download date is unknown, and says so: a file's
    modification date is not when CBS published or we downloaded the figures. The title is the
    sidecar's, else the project's own for a supported table
    (:func:`~tussenstand.sources.cbs_tables.table_title`)."""
    if not cbs_dir.is_dir():
        return (
            "*De map met CBS-tabellen is niet gevonden; zet haar met `--cbs-dir` of "
            "`TUSSENSTAND_CBS_DIR`.*\n"
        )
    rows = []
    tables = sorted(
        {
            p.name.split(".")[0]
            for p in cbs_dir.iterdir()
            if p.is_file() and (p.suffix.lower() == ".csv" or p.name.endswith(TABLE_META_SUFFIX))
        }
    )
    for table in tables:
        try:
            meta = TableMeta.for_table(cbs_dir / f"{table}.csv")
        except HandoffError as exc:
            raise SiteError(f"{cbs_dir.name}/{exc}") from None
        titel = (meta.titel if meta else "") or table_title(table)
        when = meta.download_datum if meta else None
        date_text = f"gedownload op {fmt_date(when)}" if when else "downloaddatum onbekend"
        url = f"https://opendata.cbs.nl/#/CBS/nl/dataset/{table}/table"
        rows.append(f"| [{escape(table)}]({url}) | {escape(titel) or '–'} | {date_text} |")
    if not rows:
        return "*In de map met CBS-tabellen staan (nog) geen tabellen.*\n"
    return (
        "\n".join(
            [
                "| Tabel | Onderwerp | Peildatum |",
                "|---|---|---|",
                *rows,
                "",
                "Bron: CBS, CC BY 4.0.",
            ]
        )
        + "\n"
    )


def illustrative_text(reports: Sequence[ReportEntry]) -> str:
    """``_generated/illustratief.md``: the reports with illustrative (not real) data."""
    flagged = [r for r in reports if r.summary.illustratief]
    if not flagged:
        return "Geen van de gepubliceerde rapporten bevat illustratieve gegevens.\n"
    lines = [
        "Deze rapporten bevatten illustratieve (niet echte) registratiecijfers, omdat de gemeente "
        "voor die doelen (nog) geen registratie aanleverde. Ze zijn in het rapport gemarkeerd.",
        "",
    ]
    lines += [
        f"- [{escape(r.summary.gemeente_naam)}, {escape(r.summary.periode_label)}]({r.notebook.as_posix()})"
        for r in flagged
    ]
    return "\n".join(lines) + "\n"


def build_stamp_text(info: BuildInfo, on: date) -> str:
    """``Website gemaakt op 30 november 2026 met tussenstand 0.1.0 (commit 1a2b3c4d5e6f)``."""
    return f"Website gemaakt op {fmt_date(on)} met {info.text_nl}"


def build_stamp_variables(info: BuildInfo, on: date) -> str:
    """``_variables.yml``: the build stamp as a Quarto variable (Markdown)."""
    header = (
        "# Written by `tussenstand render` (tussenstand.site); do not edit: the next render\n"
        "# replaces it. Shown in the footer of every page (_quarto.yml, page-footer).\n"
    )
    return header + yaml.safe_dump(
        {STAMP_VARIABLE: escape(build_stamp_text(info, on))}, allow_unicode=True, sort_keys=False
    )
