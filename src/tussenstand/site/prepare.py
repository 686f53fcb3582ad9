"""Everything Quarto needs before it renders: :func:`prepare_site`.

Finds the executed reports (:mod:`.discovery`), prepares their notebooks (:mod:`.notebooks`),
draws the map (:mod:`.map`) and writes the generated pages and the build stamp (:mod:`.pages`).
Idempotent: preparing twice gives the same files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tussenstand.buildinfo import build_info
from tussenstand.config import ProjectConfig
from tussenstand.frameworks import MonitoredUnit
from tussenstand.handoff import SUMMARY_FILE
from tussenstand.site.discovery import ReportEntry, find_reports
from tussenstand.site.files import write_if_changed
from tussenstand.site.goal_overview import write_goal_overview
from tussenstand.site.map import GEO_FILE, MAP_FILE, draw_map
from tussenstand.site.notebooks import prepare_cleaning_notebook, prepare_report_notebook
from tussenstand.site.pages import (
    build_stamp_variables,
    illustrative_text,
    overview_text,
    sources_text,
    status_rules_text,
    unit_page_text,
)

#: fragments included by the hand-written pages (a folder starting with '_' is never rendered)
GENERATED_DIR = "_generated"
#: Quarto's project variables (docs/authoring/variables): the build stamp
VARIABLES_FILE = "_variables.yml"


@dataclass
class SitePlan:
    """What :func:`prepare_site` prepared (paths relative to the project root)."""

    root: Path
    reports: list[ReportEntry] = field(default_factory=list)
    units: list[MonitoredUnit] = field(default_factory=list)
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


def _unit_of_report(entry: ReportEntry) -> MonitoredUnit:
    """The unit of a report on disk that no framework mentions (any more): from its summary.

    A GM code is a municipality (its own only member); any other code a region whose members are
    not known here."""
    s = entry.summary
    if s.gemeente.upper().startswith("GM"):
        return MonitoredUnit(s.gemeente, s.gemeente_naam, "gemeente", s.kader, (s.gemeente,))
    return MonitoredUnit(s.gemeente, s.gemeente_naam, "regio", s.kader, ())


def prepare_site(config: ProjectConfig, units: Iterable[MonitoredUnit]) -> SitePlan:
    """Write the generated pages and prepare every executed report notebook (idempotent)."""
    root = config.root
    by_code: dict[str, MonitoredUnit] = {}
    for unit in units:
        by_code.setdefault(unit.code, unit)
    plan = SitePlan(root=root)
    plan.reports = find_reports(config, by_code)
    # reports on disk of units no framework mentions any more still get a page (the listing shows them)
    for r in plan.reports:
        if r.summary.gemeente not in by_code:
            by_code[r.summary.gemeente] = _unit_of_report(r)
    plan.units = list(by_code.values())

    have = {(r.summary.gemeente, r.summary.periode) for r in plan.reports}
    plan.missing = [
        (u.code, str(p)) for u in plan.units for p in config.periods if (u.code, str(p)) not in have
    ]
    for r in plan.reports:
        if not r.has_summary:
            plan.warnings.append(
                f"Let op: {r.notebook.parent.as_posix()} heeft geen {SUMMARY_FILE}; "
                "de statusoverzichten van dat rapport blijven leeg."
            )

    extra_paths = {str(config.cbs_dir): "<CBS-map>"}
    for r in plan.reports:
        downloads = [d.relative_to(r.notebook.parent).as_posix() for d in r.downloads]
        cleaning = r.cleaning_notebook.name if r.cleaning_notebook else None
        prepare_report_notebook(
            root / r.notebook, r.summary, downloads, cleaning, root=root, extra_paths=extra_paths
        )
        if r.cleaning_notebook:
            prepare_cleaning_notebook(
                root / r.cleaning_notebook, r.summary, root=root, extra_paths=extra_paths
            )

    by_unit: dict[str, list[ReportEntry]] = {}
    for r in plan.reports:
        by_unit.setdefault(r.summary.gemeente, []).append(r)
    names = {u.code: u.name for u in plan.units}
    for unit in plan.units:
        page = Path("reports") / unit.code / "index.qmd"
        write_if_changed(root / page, unit_page_text(unit, by_unit.get(unit.code, []), names))
        plan.unit_pages.append(page)

    geo = config.geo_dir / GEO_FILE
    map_note = (
        f"*Geen kaart: het bestand met gemeentegrenzen (`geo/{GEO_FILE}`) staat niet in de "
        "map met CBS-gegevens. `tussenstand fetch` haalt geen grenzen op, want CBS levert geen "
        "geometrie via OData; zet de gemeentegrenzen van de wijk- en buurtkaart (CBS en PDOK, als "
        "GeoJSON met `gemeentecode`) in die map om de kaart te tonen.*"
    )
    if geo.is_file():
        highlight = set()
        for u in plan.units:
            highlight.add(u.code)
            highlight.update(u.members)
        plan.map_file = Path("reports") / MAP_FILE
        draw_map(geo, highlight, root / plan.map_file)
    else:
        (root / "reports" / MAP_FILE).unlink(missing_ok=True)

    gen = root / GENERATED_DIR
    fragments = {
        "overzicht.md": overview_text(plan.units, plan.reports, plan.map_file, map_note),
        "statusregels.md": status_rules_text(),
        "bronnen.md": sources_text(config.cbs_dir),
        "illustratief.md": illustrative_text(plan.reports),
        # the overview of all goals (workbook and CSV in reports/), offered on the data page
        "doelenoverzicht.md": write_goal_overview(
            root / "reports", plan.reports, config.disclosure_threshold
        ),
    }
    for name, text in fragments.items():
        write_if_changed(gen / name, text)
        plan.fragments.append(Path(GENERATED_DIR) / name)
    write_if_changed(root / VARIABLES_FILE, build_stamp_variables(build_info(root), date.today()))
    return plan
