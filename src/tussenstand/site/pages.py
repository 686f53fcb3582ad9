"""The pages that depend on which reports exist: their Markdown text.

``reports/<code>/index.qmd``
    One page per monitored municipality or region with its reports, newest first
    (:func:`unit_page_text`).
``_generated/overzicht.md``, ``statusregels.md``, ``bronnen.md``, ``illustratief.md``
    Fragments included by ``index.qmd`` (home overview and map), ``methode.qmd`` (status rules)
    and ``data.qmd`` (CBS tables with their download dates, reports with illustrative data).
``_generated/rapporten.md``
    Included by ``rapporten.qmd``: every report in one searchable, sortable table
    (:func:`reports_text`); the home page's table of every unit is in ``overzicht.md``
    (:func:`overview_text`). Both are real HTML tables with a small script (``tabel.js``,
    :func:`table_html`).
``_variables.yml``
    The build stamp: when and with which tussenstand a page was made (:func:`build_stamp_variables`),
    shown in the footer of every page (``page-footer`` in ``_quarto.yml`` reads it with
    ``{{< var stempel >}}``).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
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
#: the script of the site's searchable, sortable tables (next to this module)
TABLE_SCRIPT = "tabel.js"
#: how a table names a unit's framework: a plan of its own, or the standard framework
PLAN_OWN = "eigen beleidsplan"
PLAN_STANDARD = "basisset"


def has_own_plan(unit: MonitoredUnit) -> bool:
    """A unit monitored with a plan of its own, not with the standard framework (``basisset``)."""
    return not unit.standard


def output_href(path: Path | str) -> str:
    """The page Quarto makes of a render target (``.../02_rapport.ipynb`` -> ``.../02_rapport.html``).

    Generated pages link to the pages of other units as HTML: Quarto then need not look up 700
    notebooks to resolve the links, and a unit renders on its own (:mod:`.quarto`)."""
    return Path(path).with_suffix(".html").as_posix()


def _latest_per_unit(reports: Sequence[ReportEntry]) -> dict[str, ReportEntry]:
    latest: dict[str, ReportEntry] = {}
    for r in reports:
        cur = latest.get(r.summary.gemeente)
        if cur is None or period_sort_key(r.summary.periode) > period_sort_key(cur.summary.periode):
            latest[r.summary.gemeente] = r
    return latest


def _status_cell(r: ReportEntry) -> str:
    extra = " (illustratieve gegevens)" if r.summary.illustratief else ""
    return status_text_nl(r.summary) + extra


def _plan_text(unit: MonitoredUnit) -> str:
    return PLAN_OWN if has_own_plan(unit) else PLAN_STANDARD


def unit_page_text(
    unit: MonitoredUnit,
    reports: Sequence[ReportEntry],
    names: Mapping[str, str] | None = None,
    province: str = "",
) -> str:
    """``reports/<code>/index.qmd``: the reports of one municipality or region, newest first.

    ``names`` maps member codes to names (a region's municipalities); ``province`` is shown when
    known."""
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
    where = f" ({escape(province)})" if province else ""
    if has_own_plan(unit):
        lines += [f"tussenstand volgt {escape(unit.name)}{where} met een eigen beleidsplan.", ""]
    else:
        lines += [
            f"tussenstand volgt {escape(unit.name)}{where} met de basisset: de indicatoren die het "
            "CBS voor elke gemeente publiceert, zonder doelen van een eigen beleidsplan.",
            "",
        ]
    ordered = sorted(reports, key=lambda r: period_sort_key(r.summary.periode), reverse=True)
    if not ordered:
        lines.append(f"Voor {escape(unit.name)} is nog geen rapport gepubliceerd.")
        return "\n".join(lines) + "\n"
    lines += [
        "| Periode | Status van de doelen | Gebouwd op |",
        "|---|---|---|",
    ]
    for r in ordered:
        link = output_href(Path(r.notebook).relative_to(Path("reports") / unit.code))
        lines.append(
            f"| [{escape(r.summary.periode_label)}]({link}) | {escape(_status_cell(r))} "
            f"| {fmt_date(r.summary.gebouwd_op)} |"
        )
    lines += ["", "Elk rapport is ook als PDF te downloaden vanaf de rapportpagina."]
    return "\n".join(lines) + "\n"


# ----- searchable, sortable tables (home page, Rapporten) ------------------------------------------
@dataclass(frozen=True)
class Column:
    """A column of a site table; ``numeric`` columns sort as numbers."""

    header: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell: ``html`` (escaped already) and the value it sorts by (default its text)."""

    html: str
    key: str | None = None


@dataclass(frozen=True)
class Row:
    """A table row: the first cell is the row's header; ``data`` are the values the filters test
    (``zoek``: the words a search matches, ``eigen``: ``ja`` for a plan of its own, ...)."""

    cells: tuple[Cell, ...]
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filter:
    """A filter above a table: ``kind`` ``zoek`` (text), ``keuze`` (one of ``options``, value ->
    label) or ``vinkje`` (a checkbox that keeps the rows whose value is ``ja``)."""

    field: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()


@functools.cache
def table_script() -> str:
    """The JavaScript of the site's tables (``tabel.js`` next to this module)."""
    return resources.files("tussenstand.site").joinpath(TABLE_SCRIPT).read_text(encoding="utf-8")


def _attrs(data: Mapping[str, str]) -> str:
    return "".join(f' data-{k}="{html.escape(v)}"' for k, v in data.items())


def _filter_html(table_id: str, f: Filter) -> str:
    control_id = f"{table_id}-{f.field}"
    label = html.escape(f.label)
    if f.kind == "vinkje":
        return (
            f'<div class="form-check"><input class="form-check-input" type="checkbox" '
            f'id="{control_id}" data-filter="{f.field}"><label class="form-check-label" '
            f'for="{control_id}">{label}</label></div>'
        )
    if f.kind == "keuze":
        options = "".join(
            f'<option value="{html.escape(value)}">{html.escape(text)}</option>'
            for value, text in (("", "alle"), *f.options)
        )
        return (
            f'<div><label class="form-label" for="{control_id}">{label}</label>'
            f'<select class="form-select" id="{control_id}" data-filter="{f.field}">{options}'
            "</select></div>"
        )
    return (
        f'<div><label class="form-label" for="{control_id}">{label}</label>'
        f'<input class="form-control" type="search" id="{control_id}" data-filter="{f.field}" '
        'autocomplete="off"></div>'
    )


def table_html(
    table_id: str,
    caption: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    filters: Sequence[Filter],
    noun: str,
) -> str:
    """A raw-HTML block for Quarto: a real ``<table>`` (caption, ``<th scope>`` for columns and for
    the first cell of each row) with filters above it and the script that sorts and filters.

    Without JavaScript the whole table is there and the filters stay hidden; with it, the
    filters appear, each column header becomes a sort button (``aria-sort``), and a polite live
    region says how many rows are shown (``noun``: what a row is, plural). The table carries
    ``data-quarto-disable-processing`` so that Quarto passes it on as written."""
    out = ["```{=html}"]
    if filters:
        out.append(
            f'<div class="tabel-filters" data-tabel-filters="{table_id}" hidden>'
            + "".join(_filter_html(table_id, f) for f in filters)
            + f'<p class="tabel-telling" data-telling="{html.escape(noun)}" aria-live="polite">'
            "</p></div>"
        )
    out.append(
        f'<table id="{table_id}" class="table table-sm tabel-zoekbaar" '
        'data-quarto-disable-processing="true">'
    )
    out.append(f"<caption>{html.escape(caption)}</caption>")
    numeric = ' data-soort="getal"'
    heads = "".join(
        f'<th scope="col"{numeric if c.numeric else ""}>{html.escape(c.header)}</th>'
        for c in columns
    )
    out.append(f"<thead><tr>{heads}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = []
        for i, cell in enumerate(row.cells):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            key = f' data-waarde="{html.escape(cell.key)}"' if cell.key is not None else ""
            cells.append(f"<{tag}{scope}{key}>{cell.html}</{tag}>")
        out.append(f"<tr{_attrs(row.data)}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    out.append(f"<script>\n{table_script()}</script>")
    out.append("```")
    return "\n".join(out) + "\n"


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _plan_cell(unit: MonitoredUnit) -> Cell:
    if has_own_plan(unit):
        return Cell(f"<strong>{PLAN_OWN}</strong>", key=f"0 {PLAN_OWN}")
    return Cell(PLAN_STANDARD, key=f"1 {PLAN_STANDARD}")


def _search_words(*parts: str) -> str:
    return " ".join(p for p in parts if p).casefold()


def _unit_order(unit: MonitoredUnit) -> tuple:
    """Units with a plan of their own first, then by name (municipalities before regions)."""
    return (not has_own_plan(unit), unit.is_region, unit.name.casefold(), unit.code)


def overview_text(
    units: Sequence[MonitoredUnit],
    reports: Sequence[ReportEntry],
    map_file: Path | None,
    map_note: str,
    provinces: Mapping[str, str] | None = None,
) -> str:
    """``_generated/overzicht.md`` (included by ``index.qmd``; links are relative to the root).

    Every monitored unit in one searchable, sortable table with its latest report and the status
    of its goals there; units with a plan of their own first and marked. ``provinces`` (unit code
    -> province) adds a column when given."""
    latest = _latest_per_unit(reports)
    provinces = provinces or {}
    lines = ["## Gevolgde gemeenten en regio's", ""]
    if not units:
        lines.append(
            "Er worden nog geen gemeenten gevolgd: voeg een kader toe in `data/raw/kaders/`."
        )
        return "\n".join(lines) + "\n"
    municipalities = [u for u in units if not u.is_region]
    regions = [u for u in units if u.is_region]
    own = [u for u in units if has_own_plan(u)]
    counted = [
        f"{fmt_int(len(municipalities))} {'gemeente' if len(municipalities) == 1 else 'gemeenten'}"
    ]
    if regions:
        noun = "regio" if len(regions) == 1 else "regio's"
        counted.append(f"{fmt_int(len(regions))} {noun}")
    n_reports = len(reports)
    text = f"tussenstand volgt {fmt_list(counted)}"
    if len(own) < len(units):
        text += (
            f"; {fmt_int(len(own))} daarvan met een eigen beleidsplan, de andere met de basisset "
            "(de indicatoren die het CBS voor elke gemeente publiceert)"
        )
    lines += [
        f"{text}. Er {'is' if n_reports == 1 else 'zijn'} {fmt_int(n_reports)} "
        f"{'rapport' if n_reports == 1 else 'rapporten'} gepubliceerd. De tabel geeft per gemeente "
        "of regio het laatste rapport en de status van de doelen daarin; zoek op naam, code of "
        "provincie en sorteer met de kopjes.",
        "",
    ]
    with_province = bool(provinces)
    columns = [Column("Gemeente of regio")]
    if with_province:
        columns.append(Column("Provincie"))
    columns += [
        Column("Kader"),
        Column("Laatste rapport"),
        Column("Doelen", numeric=True),
        Column("Status van de doelen"),
    ]
    rows = []
    for unit in sorted(units, key=_unit_order):
        province = provinces.get(unit.code, "")
        name = unit.name + (" (regio)" if unit.is_region else "")
        cells = [Cell(_link(f"reports/{unit.code}/index.html", name), key=unit.name)]
        if with_province:
            cells.append(Cell(html.escape(province)))
        cells.append(_plan_cell(unit))
        r = latest.get(unit.code)
        if r is None:
            cells += [Cell("nog geen rapport", key=""), Cell("", key=""), Cell("")]
        else:
            end, _start = period_sort_key(r.summary.periode)
            cells += [
                Cell(_link(output_href(r.notebook), r.summary.periode_label), key=end.isoformat()),
                Cell(
                    fmt_int(r.summary.aantal_doelen) if r.has_summary else "",
                    key=str(r.summary.aantal_doelen) if r.has_summary else "",
                ),
                Cell(html.escape(_status_cell(r))),
            ]
        data = {"zoek": _search_words(unit.name, unit.code, province)}
        if has_own_plan(unit):
            data["eigen"] = "ja"
        rows.append(Row(tuple(cells), data))
    filters = [Filter("zoek", "Zoek een gemeente of regio (naam, code of provincie)", "zoek")]
    if own and len(own) < len(units):
        filters.append(Filter("eigen", "Alleen met een eigen beleidsplan", "vinkje"))
    lines.append(
        table_html(
            "gemeenten",
            "Gemeenten en regio's die tussenstand volgt, met hun laatste rapport",
            columns,
            rows,
            filters,
            "gemeenten en regio's",
        )
    )
    lines += ["## Kaart", ""]
    if map_file is not None:
        lines += [
            # empty caption (an image alone in a paragraph with alt text becomes a captioned
            # figure in Pandoc); the alt text goes in fig-alt
            f'![]({map_file.as_posix()}){{fig-alt="{attribute(map_alt_text(units))}"}}',
            "",
            f"[{MAP_SOURCE}.]{{.bronregel}}",
        ]
    else:
        lines.append(map_note)
    return "\n".join(lines) + "\n"


def map_alt_text(units: Sequence[MonitoredUnit]) -> str:
    """What the home page's map shows, for a reader who cannot see it (its ``fig-alt``)."""
    own = [u for u in units if has_own_plan(u)]
    standard = [u for u in units if not has_own_plan(u)]
    text = "Kaart van Nederland met de gemeentegrenzen; "
    if own:
        text += f"donker gemarkeerd de gemeenten met een eigen beleidsplan: {fmt_list(u.name for u in own)}"
    if standard:
        text += ("; licht gemarkeerd " if own else "gemarkeerd ") + (
            f"de {fmt_int(len(standard))} andere gemeenten die tussenstand volgt met de basisset"
        )
    return text + "."


def reports_text(
    units: Sequence[MonitoredUnit],
    reports: Sequence[ReportEntry],
    provinces: Mapping[str, str] | None = None,
) -> str:
    """``_generated/rapporten.md`` (included by ``rapporten.qmd``): every report in one searchable,
    sortable table, filtered by period and by whether the unit has a plan of its own."""
    if not reports:
        return "*Er zijn nog geen rapporten gepubliceerd: voer `tussenstand build` uit.*\n"
    provinces = provinces or {}
    by_code = {u.code: u for u in units}
    with_province = bool(provinces)
    columns = [Column("Gemeente of regio"), Column("Periode")]
    if with_province:
        columns.append(Column("Provincie"))
    columns += [Column("Kader"), Column("Status van de doelen"), Column("Gebouwd op")]

    def order(r: ReportEntry) -> tuple:
        unit = by_code.get(r.summary.gemeente)
        end, start = period_sort_key(r.summary.periode)
        return (
            *(_unit_order(unit) if unit else (True, False, r.summary.gemeente_naam.casefold(), "")),
            -end.toordinal(),
            -start.toordinal(),
        )

    rows = []
    periods: dict[str, tuple[tuple, str]] = {}
    for r in sorted(reports, key=order):
        s = r.summary
        unit = by_code.get(s.gemeente)
        province = provinces.get(s.gemeente, "")
        end, _start = period_sort_key(s.periode)
        periods[s.periode] = (period_sort_key(s.periode), s.periode_label)
        cells = [
            Cell(_link(output_href(r.notebook), s.gemeente_naam), key=s.gemeente_naam),
            Cell(html.escape(s.periode_label), key=end.isoformat()),
        ]
        if with_province:
            cells.append(Cell(html.escape(province)))
        cells += [
            _plan_cell(unit) if unit else Cell(""),
            Cell(html.escape(_status_cell(r))),
            Cell(fmt_date(s.gebouwd_op), key=s.gebouwd_op.isoformat()),
        ]
        data = {"zoek": _search_words(s.gemeente_naam, s.gemeente, province), "periode": s.periode}
        if unit is not None and has_own_plan(unit):
            data["eigen"] = "ja"
        rows.append(Row(tuple(cells), data))
    options = tuple(
        (code, label)
        for code, (_key, label) in sorted(periods.items(), key=lambda kv: kv[1][0], reverse=True)
    )
    filters = [
        Filter("zoek", "Zoek een gemeente of regio (naam, code of provincie)", "zoek"),
        Filter("periode", "Periode", "keuze", options),
    ]
    if any(u is not None and not has_own_plan(u) for u in by_code.values()):
        filters.append(Filter("eigen", "Alleen met een eigen beleidsplan", "vinkje"))
    n = len(reports)
    intro = (
        f"{fmt_int(n)} {'rapport' if n == 1 else 'rapporten'}, de gemeenten en regio's met een "
        "eigen beleidsplan eerst. Zoek op naam, code of provincie, kies een periode, en sorteer met "
        "de kopjes.\n\n"
    )
    return intro + table_html(
        "rapporten",
        "Alle rapporten per gemeente, regio en periode",
        columns,
        rows,
        filters,
        "rapporten",
    )


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
        f"- [{escape(r.summary.gemeente_naam)}, {escape(r.summary.periode_label)}]"
        f"({output_href(r.notebook)})"
        for r in flagged
    ]
    return "\n".join(lines) + "\n"


def build_stamp_text(info: BuildInfo, on: date) -> str:
    """``Pagina gemaakt op 30 november 2026 met tussenstand 0.1.0 (commit 1a2b3c4d5e6f)``.

    Per page: a render of what changed leaves the other pages (and their stamp) as they were."""
    return f"Pagina gemaakt op {fmt_date(on)} met {info.text_nl}"


def build_stamp_variables(info: BuildInfo, on: date) -> str:
    """``_variables.yml``: the build stamp as a Quarto variable (Markdown)."""
    header = (
        "# Written by `tussenstand render` (tussenstand.site); do not edit: the next render\n"
        "# replaces it. Shown in the footer of every page (_quarto.yml, page-footer).\n"
    )
    return header + yaml.safe_dump(
        {STAMP_VARIABLE: escape(build_stamp_text(info, on))}, allow_unicode=True, sort_keys=False
    )
