"""What Quarto needs to publish the reports: front matter, scrubbed notebooks, generated pages.

The website is a Quarto project (``_quarto.yml`` at the project root). Quarto renders the executed
report notebooks as they are (it never executes them again); this module prepares them and writes
the pages that depend on which reports exist:

``reports/<code>/<periode>/02_rapport.ipynb``
    The executed report gets a first raw cell with Quarto front matter (title, subtitle, date,
    categories, an HTML and a typst/PDF format, ``execute: enabled: false``), the papermill
    ``injected-parameters`` cell is removed, every code cell is tagged ``remove-input``, private
    metadata is scrubbed (papermill paths and parameters, absolute paths, user names, kernel and
    widget state; :mod:`tussenstand.scrub`), stderr output (warnings) is dropped, and a closing
    Markdown cell lists the CSV downloads and the build date. ``01_opschonen.ipynb`` becomes a
    'Datakwaliteit' page (HTML only).
``reports/<code>/index.qmd``
    One page per monitored municipality or region with its reports (``reports/`` is gitignored).
``_generated/overzicht.md``, ``statusregels.md``, ``bronnen.md``, ``illustratief.md``
    Fragments included by ``index.qmd``, ``methode.qmd`` and ``data.qmd``.
``reports/overzicht-kaart.png``
    The map of the Netherlands on the home page, drawn from ``<cbs_dir>/geo/gemeenten_2024.geojson``.

Everything is idempotent: preparing twice gives the same files. :func:`render_site` renders into a
temporary output folder and swaps it into ``_site/`` only when Quarto succeeded and every internal
link resolves.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

from tussenstand.atomic import write_text_atomic
from tussenstand.config import ProjectConfig
from tussenstand.periods import PeriodError, parse_period, parse_report_period
from tussenstand.scrub import NotebookError, Scrubber, read_notebook, strip_for_publication

GENERATED_DIR = "_generated"
SITE_DIR = "_site"
MAP_FILE = "overzicht-kaart.png"
SAMENVATTING = "samenvatting.json"
DOWNLOADS_DIR = "data"
GEO_FILE = "gemeenten_2024.geojson"
MIN_QUARTO = (1, 8)
MAP_SOURCE = "Bron: CBS/PDOK wijk- en buurtkaart 2024, bewerking tussenstand"
INSTALL_HINT_NL = (
    "Quarto is niet gevonden. Installeer het op een computer met internet met\n"
    '  pip install -e ".[publish]"\n'
    "(dat installeert quarto-cli in de virtuele omgeving) of download Quarto 1.8 of nieuwer van\n"
    "https://quarto.org/docs/get-started/ en start daarna opnieuw: tussenstand render"
)

#: Marks on the cells this module adds, so that preparing again replaces them (idempotence).
MARK_KEY = "tussenstand"
MARK_FRONT_MATTER = "front-matter"
MARK_CLOSING = "slot"


class SiteError(ValueError):
    """A report or generated page cannot be prepared; the message names the file."""


# ----- data classes -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportMeta:
    """What a report page shows about itself, mostly read from ``samenvatting.json``."""

    gemeente: str
    gemeente_naam: str
    periode: str
    periode_label: str
    status_counts: dict[str, int] = field(default_factory=dict)
    aantal_doelen: int | None = None
    peildata: tuple[date, ...] = ()
    gebouwd_op: date | None = None
    illustratief: bool = False

    @property
    def title(self) -> str:
        return f"Tussenstand sociaal domein {self.gemeente_naam}"

    @property
    def status_text_nl(self) -> str:
        """``3 bereikt, 2 op koers en 1 achter op schema`` (in the order the report gave)."""
        parts = [f"{_nl_int(n)} {label}" for label, n in self.status_counts.items() if n]
        return _join_nl(parts) if parts else "geen meetbare doelen in het kader: zie de indicatoren"


@dataclass(frozen=True)
class ReportEntry:
    """One executed report on disk, relative to the project root."""

    meta: ReportMeta
    notebook: Path
    cleaning_notebook: Path | None
    downloads: tuple[Path, ...]
    has_summary: bool


@dataclass(frozen=True)
class UnitInfo:
    code: str
    naam: str
    members: tuple[str, ...] = ()


@dataclass
class SitePlan:
    """What :func:`prepare_site` prepared (paths relative to the project root)."""

    root: Path
    reports: list[ReportEntry] = field(default_factory=list)
    units: list[UnitInfo] = field(default_factory=list)
    unit_pages: list[Path] = field(default_factory=list)
    fragments: list[Path] = field(default_factory=list)
    map_file: Path | None = None
    missing: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text_nl(self) -> str:
        lines = [
            f"{len(self.reports)} rapport(en) voorbereid voor de site, "
            f"{len(self.unit_pages)} pagina('s) per gemeente of regio."
        ]
        if self.missing:
            shown = ", ".join(f"{code} {periode}" for code, periode in self.missing[:10])
            more = f" en {len(self.missing) - 10} meer" if len(self.missing) > 10 else ""
            lines.append(f"Nog niet uitgevoerd (tussenstand build): {shown}{more}.")
        lines.extend(self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str

    def __str__(self) -> str:
        return f"{self.page}: verwijzing naar {self.target} bestaat niet"


# ----- small Dutch formatting helpers -------------------------------------------------------------
def _nl_int(n: int) -> str:
    return format_decimal(n, locale="nl_NL")


def _nl_date(d: date) -> str:
    return format_date(d, format="long", locale="nl_NL")


def _join_nl(parts: Sequence[str]) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        with contextlib.suppress(ValueError):
            return date.fromisoformat(text[:10])
    raise SiteError(f"{where}: verwacht een datum als JJJJ-MM-DD, niet {value!r}")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", str(text))


def _posix(path: Path) -> str:
    return path.as_posix()


# ----- units ------------------------------------------------------------------------------------
def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, Mapping) and obj.get(name) is not None:
            return obj[name]
        value = getattr(obj, name, None)
        if value is not None and not callable(value):
            return value
    return None


def unit_info(unit: Any) -> UnitInfo:
    """A monitored unit (a code, a ``MonitoredUnit`` or a mapping) as code, name and member codes."""
    if isinstance(unit, str):
        return UnitInfo(unit, unit)
    code = _attr(unit, "code", "gemeente", "id")
    if not code:
        raise SiteError(f"eenheid {unit!r} heeft geen code (verwacht een attribuut 'code')")
    naam = _attr(unit, "naam", "name", "gemeente_naam", "titel", "title") or code
    members_raw = _attr(unit, "gemeenten", "members", "leden") or ()
    members = []
    for m in members_raw if not isinstance(members_raw, str) else [members_raw]:
        mcode = m if isinstance(m, str) else _attr(m, "code", "gemeente", "id")
        if mcode:
            members.append(str(mcode))
    if tuple(members) == (str(code),):
        members = []  # a municipality lists itself as its only member
    return UnitInfo(str(code), str(naam), tuple(members))


def _default_units(config: ProjectConfig) -> list[Any]:
    """Monitored units from the frameworks; empty (reports found on disk are used) when unavailable."""
    try:
        from tussenstand.frameworks import monitored_units  # noqa: PLC0415
    except ImportError:
        return []
    try:
        return list(monitored_units(config.frameworks_dir))
    except Exception as exc:  # noqa: BLE001 - the site can still be built from the reports on disk
        print(f"Let op: kaders in {config.frameworks_dir.name} niet gelezen ({exc}); "
              "de site toont alleen de rapporten die er al zijn.", file=sys.stderr)
        return []


# ----- notebook names ---------------------------------------------------------------------------
def report_notebook_name(config: ProjectConfig) -> str:
    """The configured report notebook (the one named ``*rapport*``, else the last)."""
    for name in config.notebooks:
        if "rapport" in name:
            return name
    return config.notebooks[-1]


def cleaning_notebook_name(config: ProjectConfig) -> str | None:
    report = report_notebook_name(config)
    for name in config.notebooks:
        if name != report and "opschon" in name:
            return name
    return None


# ----- samenvatting.json ------------------------------------------------------------------------
def read_summary(path: Path, root: Path | None = None) -> dict:
    where = _posix(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SiteError(f"{where}: geen geldige JSON (regel {exc.lineno}): {exc.msg}") from exc
    if not isinstance(data, dict):
        raise SiteError(f"{where}: verwacht een JSON-object met gemeente, periode, status_counts, ...")
    return data


def meta_from_summary(data: Mapping, where: str, fallback: ReportMeta) -> ReportMeta:
    counts_raw = data.get("status_counts") or {}
    if not isinstance(counts_raw, Mapping):
        raise SiteError(f"{where}, status_counts: verwacht {{status: aantal}}, niet {counts_raw!r}")
    counts: dict[str, int] = {}
    for label, n in counts_raw.items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise SiteError(f"{where}, status_counts[{label!r}]: verwacht een aantal >= 0, niet {n!r}")
        counts[str(label)] = n
    peildata_raw = data.get("peildata") or []
    if isinstance(peildata_raw, str):
        peildata_raw = [peildata_raw]
    peildata = tuple(sorted({_parse_date(p, f"{where}, peildata") for p in peildata_raw}))
    built = data.get("gebouwd_op")
    aantal = data.get("aantal_doelen")
    if aantal is not None and (not isinstance(aantal, int) or isinstance(aantal, bool)):
        raise SiteError(f"{where}, aantal_doelen: verwacht een geheel getal, niet {aantal!r}")
    return ReportMeta(
        gemeente=str(data.get("gemeente") or fallback.gemeente),
        gemeente_naam=str(data.get("gemeente_naam") or fallback.gemeente_naam),
        periode=str(data.get("periode") or fallback.periode),
        periode_label=str(data.get("periode_label") or fallback.periode_label),
        status_counts=counts,
        aantal_doelen=aantal if aantal is not None else (sum(counts.values()) or None),
        peildata=peildata,
        gebouwd_op=_parse_date(built, f"{where}, gebouwd_op") if built else fallback.gebouwd_op,
        illustratief=bool(data.get("illustratief", False)),
    )


def _period_label(code: str) -> str:
    try:
        return parse_report_period(code).label_nl
    except PeriodError:
        with contextlib.suppress(PeriodError):
            return parse_period(code).label_nl
    return code


def _period_sort_key(code: str) -> tuple:
    with contextlib.suppress(PeriodError):
        p = parse_period(code)
        return (p.end, p.start)
    return (date.min, date.min)


# ----- one notebook -----------------------------------------------------------------------------
def _source(cell: Mapping) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _tags(cell: Mapping) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags") or [])


def _is_ours(cell: Mapping) -> bool:
    return MARK_KEY in (cell.get("metadata") or {})


def _front_matter_cell(front: Mapping) -> dict:
    text = "---\n" + yaml.safe_dump(dict(front), allow_unicode=True, sort_keys=False) + "---\n"
    return {"cell_type": "raw", "id": _cell_id(MARK_FRONT_MATTER), "metadata": {MARK_KEY: MARK_FRONT_MATTER},
            "source": text.splitlines(True)}


def _cell_id(mark: str) -> str:
    """A stable nbformat cell id (letters, digits, '-' and '_', at most 64) for a cell we add."""
    return ("tussenstand-" + re.sub(r"[^A-Za-z0-9_-]+", "-", mark))[:64]


def _markdown_cell(text: str, mark: str) -> dict:
    return {"cell_type": "markdown", "id": _cell_id(mark), "metadata": {MARK_KEY: mark},
            "source": text.splitlines(True)}


def _typst_format(meta: ReportMeta) -> dict:
    # Options of Quarto's typst format (docs/reference/formats/typst, docs/output-formats/typst).
    # The default typst template prints title, subtitle and date as the title block; fonts are the
    # ones typst bundles (Libertinus Serif, DejaVu Sans Mono), so no system font is needed.
    return {
        "toc": True,
        "toc-title": "Inhoud",
        "toc-depth": 2,  # chapters: Samenvatting, Demografie, ..., one per theme
        "number-sections": True,
        "papersize": "a4",
        "margin": {"x": "2.2cm", "y": "2.5cm"},
        "fontsize": "10.5pt",
        "mainfont": "Libertinus Serif",
        "page-numbering": "1 / 1",
        "fig-width": 6.3,
        "fig-height": 3.6,
        "fig-format": "png",
        # Pandoc puts every table in a typst figure, and a figure does not break across pages: the
        # rows of a long table (all goals on one page) would pile up at the page foot.
        "include-in-header": [{"text": TYPST_BREAKABLE_FIGURES}],
    }


#: typst show rule that lets a long table (in its figure) continue on the next page
TYPST_BREAKABLE_FIGURES = "#show figure: set block(breakable: true)"


def report_front_matter(meta: ReportMeta, pdf_name: str = "02_rapport.pdf") -> dict:
    """Quarto front matter of a report page (HTML page with a linked PDF).

    ``format-links`` uses the documented link form (text, href, icon; docs/output-formats/
    html-multi-format): the typst format writes ``<notebook>.pdf`` next to the page."""
    front: dict[str, Any] = {
        "title": meta.title,
        "subtitle": meta.periode_label,
        "date": (meta.gebouwd_op or date.today()).isoformat(),
        "date-format": "long",
        "lang": "nl",
        "description": f"{meta.gemeente_naam}, {meta.periode_label}: {meta.status_text_nl}.",
        "categories": [meta.gemeente_naam, meta.periode_label],
        "gemeente": meta.gemeente,
        "gemeente-naam": meta.gemeente_naam,
        "periode": meta.periode,
        "illustratief": meta.illustratief,
        "format": {"html": "default", "typst": _typst_format(meta)},
        "format-links": [{"text": "PDF", "href": pdf_name, "icon": "file-pdf"}],
        "execute": {"enabled": False, "echo": False, "warning": False},
        "echo": False,
        "warning": False,
    }
    return front


def cleaning_front_matter(meta: ReportMeta) -> dict:
    return {
        "title": f"Datakwaliteit {meta.gemeente_naam}",
        "subtitle": meta.periode_label,
        "date": (meta.gebouwd_op or date.today()).isoformat(),
        "date-format": "long",
        "lang": "nl",
        "description": f"Opschoning en controle van de gegevens voor {meta.gemeente_naam}, {meta.periode_label}.",
        "format": {"html": "default"},
        "format-links": False,
        "execute": {"enabled": False, "echo": False, "warning": False},
        "echo": False,
        "warning": False,
    }


def closing_text(meta: ReportMeta, downloads: Sequence[str], cleaning: str | None) -> str:
    lines = ["## Downloads", ""]
    if downloads:
        lines.append("De cijfers achter de grafieken van dit rapport, als CSV (puntkomma als scheidingsteken):")
        lines.append("")
        lines.extend(f"- [{_md_escape(Path(d).name)}]({d})" for d in downloads)
    else:
        lines.append("Bij dit rapport horen geen downloadbare tabellen.")
    if cleaning:
        lines += ["", f"Hoe de gegevens zijn opgeschoond en gecontroleerd: [Datakwaliteit]({cleaning})."]
    built = _nl_date(meta.gebouwd_op or date.today())
    if meta.peildata:
        peil = _join_nl([_nl_date(d) for d in meta.peildata])
        word = "peildatum" if len(meta.peildata) == 1 else "peildata"
        lines += ["", f"*Gebouwd op {built} met gegevens met {word} {peil}.*"]
    else:
        lines += ["", f"*Gebouwd op {built}.*"]
    if meta.illustratief:
        lines += ["", "*Dit rapport bevat illustratieve (niet echte) gegevens; zie de pagina Data.*"]
    return "\n".join(lines) + "\n"


def _read_notebook(path: Path) -> dict:
    try:
        return read_notebook(path)
    except NotebookError as exc:
        raise SiteError(str(exc)) from None


def _write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; returns whether it changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True


def _prepare_notebook(
    path: Path,
    front: Mapping,
    closing: str | None,
    root: Path,
    extra_paths: Mapping[str, str] | None = None,
) -> None:
    nb = _read_notebook(path)
    cells = []
    injected = [c for c in nb["cells"] if "injected-parameters" in _tags(c)]
    run_values = [ln for ln in _source(injected[0]).splitlines()
                  if re.match(r"\s*(gemeente|periode)\s*=", ln)] if injected else []
    for cell in nb["cells"]:
        if _is_ours(cell):
            continue  # added by an earlier prepare: replaced below
        tags = _tags(cell)
        if "injected-parameters" in tags:
            continue  # papermill's parameter values (absolute paths): never published
        if "parameters" in tags and run_values:
            # the template's defaults would mislead a reader of the notebook file: keep the values
            # this report was run with (municipality and period, no paths)
            cell["source"] = "# Parameters van deze uitvoering\n" + "\n".join(run_values)
        if cell.get("cell_type") == "raw" and _source(cell).lstrip().startswith("---") and not cells:
            continue  # an older front matter of the template: ours replaces it
        if cell.get("cell_type") == "code":
            new_tags = [t for t in tags if t != "remove-input"] + ["remove-input"]
            if "parameters" in tags:
                new_tags = [t for t in new_tags if t != "remove-cell"] + ["remove-cell"]
            cell.setdefault("metadata", {})["tags"] = new_tags
        cells.append(cell)
    nb["cells"] = cells
    nb = strip_for_publication(nb, Scrubber(root, extra_paths))
    nb["cells"].insert(0, _front_matter_cell(front))
    if closing:
        nb["cells"].append(_markdown_cell(closing, MARK_CLOSING))
    nb.setdefault("nbformat", 4)
    nb.setdefault("nbformat_minor", 5)
    text = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    _write_atomic(path, text)


def prepare_report_notebook(
    path: Path,
    meta: ReportMeta,
    downloads: Sequence[str] = (),
    cleaning: str | None = None,
    root: Path | None = None,
    extra_paths: Mapping[str, str] | None = None,
) -> None:
    """Make an executed report notebook ready for Quarto, in place (idempotent).

    ``downloads`` and ``cleaning`` are links relative to the notebook's folder; ``root`` is the
    project root (absolute paths under it become relative ones); ``extra_paths`` maps further
    absolute paths (e.g. the CBS folder) to the text that replaces them.
    """
    path = Path(path)
    _prepare_notebook(
        path, report_front_matter(meta, pdf_name=f"{path.stem}.pdf"), closing_text(meta, downloads, cleaning),
        Path(root) if root else path.parent, extra_paths,
    )


def prepare_cleaning_notebook(
    path: Path, meta: ReportMeta, root: Path | None = None, extra_paths: Mapping[str, str] | None = None
) -> None:
    """Make the executed cleaning notebook a 'Datakwaliteit' page (HTML only), in place."""
    path = Path(path)
    _prepare_notebook(path, cleaning_front_matter(meta), None, Path(root) if root else path.parent, extra_paths)


# ----- discovering reports ----------------------------------------------------------------------
def _find_reports(config: ProjectConfig, units: Mapping[str, UnitInfo]) -> list[ReportEntry]:
    root = config.root
    report_name = report_notebook_name(config)
    cleaning_name = cleaning_notebook_name(config)
    entries = []
    if not config.reports_dir.is_dir():
        return entries
    for unit_dir in sorted(config.reports_dir.iterdir()):
        if not unit_dir.is_dir() or unit_dir.name.startswith((".", "_")):
            continue
        for period_dir in sorted(unit_dir.iterdir(), key=lambda p: _period_sort_key(p.name)):
            if not period_dir.is_dir() or period_dir.name.startswith((".", "_")):
                continue
            nb_path = period_dir / report_name
            if not nb_path.is_file():
                continue
            code, periode = unit_dir.name, period_dir.name
            unit = units.get(code)
            fallback = ReportMeta(
                gemeente=code,
                gemeente_naam=unit.naam if unit else code,
                periode=periode,
                periode_label=_period_label(periode),
                gebouwd_op=datetime.fromtimestamp(nb_path.stat().st_mtime).date(),
            )
            summary_path = period_dir / SAMENVATTING
            if summary_path.is_file():
                where = _posix(summary_path.relative_to(root))
                meta = meta_from_summary(read_summary(summary_path, root), where, fallback)
                if meta.gemeente != code or meta.periode != periode:
                    raise SiteError(
                        f"{where}: hoort bij {meta.gemeente} {meta.periode}, maar staat in de map "
                        f"{code}/{periode}"
                    )
            else:
                meta = fallback
            data_dir = period_dir / DOWNLOADS_DIR
            downloads = tuple(
                p.relative_to(root) for p in sorted(data_dir.glob("*.csv")) if p.is_file()
            ) if data_dir.is_dir() else ()
            cleaning = period_dir / cleaning_name if cleaning_name else None
            entries.append(ReportEntry(
                meta=meta,
                notebook=nb_path.relative_to(root),
                cleaning_notebook=cleaning.relative_to(root) if cleaning and cleaning.is_file() else None,
                downloads=downloads,
                has_summary=summary_path.is_file(),
            ))
    return entries


# ----- generated pages --------------------------------------------------------------------------
def _latest_per_unit(reports: Sequence[ReportEntry]) -> dict[str, ReportEntry]:
    latest: dict[str, ReportEntry] = {}
    for r in reports:
        cur = latest.get(r.meta.gemeente)
        if cur is None or _period_sort_key(r.meta.periode) > _period_sort_key(cur.meta.periode):
            latest[r.meta.gemeente] = r
    return latest


def unit_page_text(
    unit: UnitInfo, reports: Sequence[ReportEntry], names: Mapping[str, str] | None = None
) -> str:
    """``reports/<code>/index.qmd``: the reports of one municipality or region, newest first."""
    front = {
        "title": unit.naam,
        "subtitle": "Rapporten van tussenstand",
        "lang": "nl",
        "toc": False,
    }
    lines = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).rstrip(), "---", ""]
    if unit.members:
        member_names = [_md_escape((names or {}).get(m, m)) for m in unit.members]
        lines += [f"Regio van de gemeenten {_join_nl(member_names)}.", ""]
    ordered = sorted(reports, key=lambda r: _period_sort_key(r.meta.periode), reverse=True)
    if not ordered:
        lines.append(f"Voor {_md_escape(unit.naam)} is nog geen rapport gepubliceerd.")
        return "\n".join(lines) + "\n"
    lines += [
        "| Periode | Status van de doelen | Gebouwd op |",
        "|---|---|---|",
    ]
    for r in ordered:
        link = _posix(Path(r.notebook).relative_to(Path("reports") / unit.code))
        built = _nl_date(r.meta.gebouwd_op) if r.meta.gebouwd_op else "onbekend"
        extra = " (illustratieve gegevens)" if r.meta.illustratief else ""
        lines.append(
            f"| [{_md_escape(r.meta.periode_label)}]({link}) | {_md_escape(r.meta.status_text_nl)}{extra} | {built} |"
        )
    lines += ["", "Elk rapport is ook als PDF te downloaden vanaf de rapportpagina."]
    return "\n".join(lines) + "\n"


def overview_text(
    units: Sequence[UnitInfo], reports: Sequence[ReportEntry], map_file: Path | None, map_note: str
) -> str:
    """``_generated/overzicht.md`` (included by ``index.qmd``; links are relative to the root)."""
    latest = _latest_per_unit(reports)
    lines = ["## Gevolgde gemeenten en regio's", ""]
    if not units:
        lines.append("Er worden nog geen gemeenten gevolgd: voeg een kader toe in `data/raw/kaders/`.")
        return "\n".join(lines) + "\n"
    n_reports = len(reports)
    lines += [
        f"tussenstand volgt {_nl_int(len(units))} gemeente(n) en regio('s); "
        f"er {'is' if n_reports == 1 else 'zijn'} {_nl_int(n_reports)} rapport(en) gepubliceerd. "
        "Per gemeente of regio de status van de doelen in het laatste rapport:",
        "",
        "| Gemeente of regio | Laatste rapport | Doelen | Status van de doelen |",
        "|---|---|--:|---|",
    ]
    for unit in units:
        name = f"[{_md_escape(unit.naam)}](reports/{unit.code}/index.qmd)"
        r = latest.get(unit.code)
        if r is None:
            lines.append(f"| {name} | nog geen rapport | | |")
            continue
        n = _nl_int(r.meta.aantal_doelen) if r.meta.aantal_doelen is not None else ""
        extra = " (illustratieve gegevens)" if r.meta.illustratief else ""
        lines.append(
            f"| {name} | [{_md_escape(r.meta.periode_label)}]({_posix(r.notebook)}) | {n} | "
            f"{_md_escape(r.meta.status_text_nl)}{extra} |"
        )
    lines += ["", "## Kaart", ""]
    if map_file is not None:
        monitored = _join_nl([u.naam for u in units])
        alt = (f"Kaart van Nederland met de gemeentegrenzen; gemarkeerd zijn de gemeenten die "
               f"tussenstand volgt: {monitored}.")
        lines += [
            # empty caption (an image alone in a paragraph with alt text becomes a captioned
            # figure in Pandoc); the alt text goes in fig-alt
            f"![]({_posix(map_file)}){{fig-alt=\"{alt.replace(chr(34), '')}\"}}",
            "",
            f"[{MAP_SOURCE}.]{{.bronregel}}",
        ]
    else:
        lines.append(map_note)
    return "\n".join(lines) + "\n"


def status_rules_text() -> str:
    """``_generated/statusregels.md`` from ``tussenstand.progress.STATUS_RULES_NL``."""
    try:
        from tussenstand.progress import STATUS_RULES_NL  # noqa: PLC0415
    except Exception:  # noqa: BLE001 - the method page says so instead of failing the build
        return ("## Hoe we de stand van een doel bepalen\n\n"
                "*De precieze statusregels zijn in deze versie nog niet beschikbaar; "
                "ze volgen uit de module progress van tussenstand.*\n")
    rules = STATUS_RULES_NL
    lines: list[str] = ["## Hoe we de stand van een doel bepalen", ""]
    if isinstance(rules, str):
        return rules.rstrip() + "\n"
    if isinstance(rules, Mapping):
        items = list(rules.items())
    else:
        items = list(rules)
    for item in items:
        if isinstance(item, tuple | list) and len(item) == 2:
            label, rule = item
            label = getattr(label, "value", label)
            lines.append(f"- **{_md_escape(str(label))}**: {rule}")
        else:
            lines.append(f"- {item}")
    return "\n".join(lines) + "\n"


def _sidecar_value(data: Mapping, *keys: str) -> Any:
    for key in keys:
        if data.get(key) not in (None, ""):
            return data[key]
    return None


def sources_text(cbs_dir: Path) -> str:
    """``_generated/bronnen.md``: the CBS tables in the CBS folder, with download dates."""
    if not cbs_dir.is_dir():
        return ("*De map met CBS-tabellen is niet gevonden; zet haar met `--cbs-dir` of "
                "`TUSSENSTAND_CBS_DIR`.*\n")
    rows = []
    tables = sorted({p.name.split(".")[0] for p in cbs_dir.iterdir()
                     if p.is_file() and (p.suffix.lower() == ".csv" or p.name.endswith(".meta.json"))})
    for table in tables:
        sidecar = cbs_dir / f"{table}.meta.json"
        csv = cbs_dir / f"{table}.csv"
        titel, when, how = "", None, ""
        if sidecar.is_file():
            with contextlib.suppress(json.JSONDecodeError, OSError):
                data = json.loads(sidecar.read_text(encoding="utf-8"))
                if isinstance(data, Mapping):
                    titel = str(_sidecar_value(data, "titel", "title", "Title", "ShortTitle") or "")
                    raw = _sidecar_value(data, "gedownload_op", "downloaded", "download_date",
                                         "downloaded_at", "peildatum", "fetched_at", "date")
                    with contextlib.suppress(SiteError):
                        when = _parse_date(raw, sidecar.name) if raw else None
                    how = "gedownload op"
        if when is None and csv.is_file():
            when = datetime.fromtimestamp(csv.stat().st_mtime).date()
            how = "bestandsdatum"
        date_text = f"{how} {_nl_date(when)}" if when else "onbekend"
        url = f"https://opendata.cbs.nl/#/CBS/nl/dataset/{table}/table"
        rows.append(f"| [{_md_escape(table)}]({url}) | {_md_escape(titel) or '–'} | {date_text} |")
    if not rows:
        return "*In de map met CBS-tabellen staan (nog) geen tabellen.*\n"
    return "\n".join([
        "| Tabel | Onderwerp | Peildatum |",
        "|---|---|---|",
        *rows,
        "",
        "Bron: CBS, CC BY 4.0.",
    ]) + "\n"


def illustrative_text(reports: Sequence[ReportEntry]) -> str:
    flagged = [r for r in reports if r.meta.illustratief]
    if not flagged:
        return "Geen van de gepubliceerde rapporten bevat illustratieve gegevens.\n"
    lines = ["Deze rapporten bevatten illustratieve (niet echte) registratiecijfers, omdat de gemeente "
             "voor die doelen (nog) geen registratie aanleverde. Ze zijn in het rapport gemarkeerd.", ""]
    lines += [f"- [{_md_escape(r.meta.gemeente_naam)}, {_md_escape(r.meta.periode_label)}]({_posix(r.notebook)})"
              for r in flagged]
    return "\n".join(lines) + "\n"


# ----- the map ----------------------------------------------------------------------------------
def _rings(geometry: Mapping) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def draw_map(geojson: Path, highlight: Iterable[str], out: Path) -> Path:
    """A PNG map of the Netherlands with the ``highlight`` gemeente codes filled in."""
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import math  # noqa: PLC0415

    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.collections import PolyCollection  # noqa: PLC0415

    try:
        data = json.loads(geojson.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SiteError(f"{geojson.name}: geen geldige GeoJSON (regel {exc.lineno}): {exc.msg}") from exc
    codes = set(highlight)
    other, marked = [], []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("gemeentecode") or props.get("statcode") or "")
        if code == "GM0998" or not feature.get("geometry"):
            continue  # 'Buitenland': no area
        rings = _rings(feature["geometry"])
        (marked if code in codes else other).extend(rings)
    if not other and not marked:
        raise SiteError(f"{geojson.name}: geen gemeentegrenzen gevonden (verwacht Polygon/MultiPolygon)")
    fig, ax = plt.subplots(figsize=(5.5, 6.5), dpi=150)
    ax.add_collection(PolyCollection(other, facecolors="#e6e6e6", edgecolors="#ffffff", linewidths=0.3))
    if marked:
        ax.add_collection(PolyCollection(marked, facecolors="#1f6f8b", edgecolors="#0b3c4d", linewidths=0.5))
    ax.autoscale_view()
    ax.set_aspect(1 / math.cos(math.radians(52.2)))
    ax.set_axis_off()
    fig.text(0.02, 0.01, MAP_SOURCE, fontsize=7, color="#555555")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp-{os.getpid()}.png")
    fig.savefig(tmp, metadata={"Software": None})
    plt.close(fig)
    os.replace(tmp, out)
    return out


# ----- the whole site ---------------------------------------------------------------------------
def prepare_site(config: ProjectConfig, units: Iterable[Any]) -> SitePlan:
    """Write the generated pages and prepare every executed report notebook (idempotent)."""
    root = config.root
    infos: dict[str, UnitInfo] = {}
    for unit in units:
        info = unit_info(unit)
        infos.setdefault(info.code, info)
    plan = SitePlan(root=root)
    plan.reports = _find_reports(config, infos)
    # reports on disk of units no framework mentions any more still get a page (the listing shows them)
    for r in plan.reports:
        if r.meta.gemeente not in infos:
            infos[r.meta.gemeente] = UnitInfo(r.meta.gemeente, r.meta.gemeente_naam)
        elif infos[r.meta.gemeente].naam == r.meta.gemeente and r.meta.gemeente_naam != r.meta.gemeente:
            old = infos[r.meta.gemeente]
            infos[r.meta.gemeente] = UnitInfo(old.code, r.meta.gemeente_naam, old.members)
    plan.units = list(infos.values())

    have = {(r.meta.gemeente, r.meta.periode) for r in plan.reports}
    plan.missing = [(u.code, str(p)) for u in plan.units for p in config.periods if (u.code, str(p)) not in have]
    for r in plan.reports:
        if not r.has_summary:
            plan.warnings.append(f"Let op: {_posix(r.notebook.parent)} heeft geen {SAMENVATTING}; "
                                 "de statusoverzichten van dat rapport blijven leeg.")

    extra_paths = {str(config.cbs_dir): "<CBS-map>"}
    for r in plan.reports:
        nb = root / r.notebook
        downloads = [_posix(d.relative_to(r.notebook.parent)) for d in r.downloads]
        cleaning = r.cleaning_notebook.name if r.cleaning_notebook else None
        prepare_report_notebook(nb, r.meta, downloads, cleaning, root=root, extra_paths=extra_paths)
        if r.cleaning_notebook:
            prepare_cleaning_notebook(root / r.cleaning_notebook, r.meta, root=root, extra_paths=extra_paths)

    by_unit: dict[str, list[ReportEntry]] = {}
    for r in plan.reports:
        by_unit.setdefault(r.meta.gemeente, []).append(r)
    for unit in plan.units:
        page = Path("reports") / unit.code / "index.qmd"
        names = {u.code: u.naam for u in plan.units}
        _write_atomic(root / page, unit_page_text(unit, by_unit.get(unit.code, []), names))
        plan.unit_pages.append(page)

    geo = config.geo_dir / GEO_FILE
    map_note = (f"*Geen kaart: het bestand met gemeentegrenzen (`geo/{GEO_FILE}`) staat niet in de "
                "map met CBS-gegevens.*")
    if geo.is_file():
        highlight = set()
        for u in plan.units:
            highlight.add(u.code)
            highlight.update(u.members)
        plan.map_file = Path("reports") / MAP_FILE
        draw_map(geo, highlight, root / plan.map_file)
    else:
        stale = root / "reports" / MAP_FILE
        if stale.exists():
            stale.unlink()

    gen = root / GENERATED_DIR
    fragments = {
        "overzicht.md": overview_text(plan.units, plan.reports, plan.map_file, map_note),
        "statusregels.md": status_rules_text(),
        "bronnen.md": sources_text(config.cbs_dir),
        "illustratief.md": illustrative_text(plan.reports),
    }
    for name, text in fragments.items():
        _write_atomic(gen / name, text)
        plan.fragments.append(Path(GENERATED_DIR) / name)
    return plan


# ----- Quarto -----------------------------------------------------------------------------------
def quarto_available() -> bool:
    """Whether the ``quarto`` command is on PATH."""
    return shutil.which("quarto") is not None


def quarto_version(quarto: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", out.stdout.strip())
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def render_site(
    config: ProjectConfig,
    units: Iterable[Any] | None = None,
    quarto: str | None = shutil.which("quarto"),
) -> int:
    """Prepare everything, then ``quarto render`` into a temporary folder and swap it into ``_site/``.

    Returns 0 on success (also when Quarto is missing: then it says what is ready and how to install
    Quarto), 1 when Quarto failed or the rendered site has broken internal links; ``_site/`` is then
    left as it was.
    """
    if units is None:
        units = _default_units(config)
    plan = prepare_site(config, units)
    print(plan.text_nl())
    if not quarto:
        print(f"Klaar voor Quarto: {len(plan.reports)} rapport(en), {len(plan.unit_pages)} "
              f"gemeentepagina('s) en de pagina's in {GENERATED_DIR}/.")
        print(INSTALL_HINT_NL)
        return 0
    version = quarto_version(quarto)
    if version is not None and version[:2] < MIN_QUARTO:
        print(f"Let op: Quarto {'.'.join(map(str, version))} gevonden; tussenstand is gemaakt voor "
              f"Quarto {MIN_QUARTO[0]}.{MIN_QUARTO[1]} of nieuwer.", file=sys.stderr)

    root = config.root
    final = root / SITE_DIR
    staging_name = f"{SITE_DIR}.nieuw"
    staging = root / staging_name
    if staging.exists():
        shutil.rmtree(staging)
    cmd = [quarto, "render", "--output-dir", staging_name]
    print("Quarto:", " ".join([Path(quarto).name, *cmd[1:]]))
    result = subprocess.run(cmd, cwd=root, check=False)
    if result.returncode != 0 or not (staging / "index.html").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Quarto is mislukt (code {result.returncode}); {SITE_DIR}/ is niet gewijzigd.", file=sys.stderr)
        return 1
    broken = check_site_links(staging)
    if broken:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"De site heeft {len(broken)} kapotte verwijzing(en); {SITE_DIR}/ is niet gewijzigd:",
              file=sys.stderr)
        for b in broken[:50]:
            print(f"  {b}", file=sys.stderr)
        return 1
    old = root / f"{SITE_DIR}.oud"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
    pdfs = len(list(final.rglob("*.pdf")))
    print(f"Site klaar: {SITE_DIR}/index.html ({pdfs} PDF's).")
    return 0


# ----- link check -------------------------------------------------------------------------------
class _LinkParser(HTMLParser):
    ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src",
             "iframe": "src", "embed": "src", "video": "src", "audio": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.ATTRS.get(tag)
        if not wanted:
            return
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value.strip())


def check_site_links(site_dir: Path) -> list[BrokenLink]:
    """Every internal ``href``/``src`` in the HTML files of ``site_dir`` that points nowhere."""
    site_dir = Path(site_dir)
    broken: list[BrokenLink] = []
    for page in sorted(site_dir.rglob("*.html")):
        parser = _LinkParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "//")):
                continue  # external, mailto:, data:, javascript: or an anchor on the same page
            if not parts.path:
                continue
            rel = unquote(parts.path)
            target = (site_dir / rel.lstrip("/")) if rel.startswith("/") else (page.parent / rel)
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(BrokenLink(_posix(page.relative_to(site_dir)), link))
    return broken
