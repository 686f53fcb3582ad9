"""Everything Quarto needs before it renders: :func:`prepare_site`.

Finds the executed reports (:mod:`.discovery`), prepares their notebooks (:mod:`.notebooks`),
draws the map (:mod:`.map`) and writes the generated pages and the build stamp (:mod:`.pages`).
Idempotent: preparing twice gives the same files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tussenstand import scrub as scrub_module
from tussenstand.buildinfo import build_info
from tussenstand.config import ProjectConfig
from tussenstand.frameworks import MonitoredUnit
from tussenstand.handoff import SUMMARY_FILE
from tussenstand.site import notebooks as notebooks_module
from tussenstand.site.discovery import ReportEntry, find_reports
from tussenstand.site.files import write_if_changed
from tussenstand.site.goal_overview import write_goal_overview
from tussenstand.site.map import GEO_FILE, MAP_FILE, draw_map
from tussenstand.site.notebooks import prepare_cleaning_notebook, prepare_report_notebook
from tussenstand.site.pages import (
    build_stamp_variables,
    has_own_plan,
    illustrative_text,
    overview_text,
    reports_text,
    sources_text,
    status_rules_text,
    unit_page_text,
)

#: fragments included by the hand-written pages (a folder starting with '_' is never rendered)
GENERATED_DIR = "_generated"
#: Quarto's project variables (docs/authoring/variables): the build stamp
VARIABLES_FILE = "_variables.yml"
#: which notebooks are prepared already (:class:`PreparedNotebooks`), in reports/
PREPARED_FILE = ".site-voorbereid.json"


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


class PreparedNotebooks:
    """Which executed notebooks are prepared already, so that a render of 700 reports does not
    read and rewrite every notebook again (``reports/.site-voorbereid.json``).

    A notebook counts as prepared when its size and modification time are those it had right after
    it was prepared, with the same inputs (its report's summary, downloads and data-quality page)
    and the same code preparing it (:mod:`tussenstand.site.notebooks`, :mod:`tussenstand.scrub`).
    A notebook the runner rebuilt, or anyone edited, is prepared again."""

    def __init__(self, reports_dir: Path, root: Path, extra_paths: dict[str, str]) -> None:
        self.path = reports_dir / PREPARED_FILE
        self.root = root
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        code = hashlib.sha256()
        for module in (notebooks_module, scrub_module):
            code.update(Path(module.__file__ or "").read_bytes())
        code.update(json.dumps([str(root), extra_paths], sort_keys=True).encode())
        self.code = code.hexdigest()
        self.known: dict = data.get("notebooks", {}) if data.get("code") == self.code else {}
        self.now: dict[str, list] = {}

    def _key(self, inputs: tuple) -> str:
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()

    def needs(self, notebook: Path, inputs: tuple) -> bool:
        """Whether ``notebook`` (relative to the project root) must be prepared (again)."""
        known = self.known.get(notebook.as_posix())
        try:
            st = (self.root / notebook).stat()
        except OSError:
            return True
        return known != [self._key(inputs), st.st_size, st.st_mtime_ns]

    def done(self, notebook: Path, inputs: tuple) -> None:
        st = (self.root / notebook).stat()
        self.now[notebook.as_posix()] = [self._key(inputs), st.st_size, st.st_mtime_ns]

    def save(self) -> None:
        if self.path.parent.is_dir():
            text = json.dumps({"code": self.code, "notebooks": self.now}, sort_keys=True)
            write_if_changed(self.path, text)


def _unit_of_report(entry: ReportEntry) -> MonitoredUnit:
    """The unit of a report on disk that no framework mentions (any more): from its summary.

    A GM code is a municipality (its own only member); any other code a region whose members are
    not known here."""
    s = entry.summary
    if s.gemeente.upper().startswith("GM"):
        return MonitoredUnit(s.gemeente, s.gemeente_naam, "gemeente", s.kader, (s.gemeente,))
    return MonitoredUnit(s.gemeente, s.gemeente_naam, "regio", s.kader, ())


def unit_provinces(cbs_dir: Path, units: Iterable[MonitoredUnit]) -> dict[str, str]:
    """Unit code -> province, from the newest CBS areas table; a region gets the province of its
    members when they share one. Empty when the CBS folder has no areas table (the tables on the
    site then have no province column)."""
    from tussenstand.sources.areas import AreasError, load_areas  # noqa: PLC0415 (pandas)

    try:
        areas = load_areas(cbs_dir)
    except (AreasError, OSError):
        return {}
    of = dict(zip(areas["gemeente"], areas["provincie"], strict=True))
    provinces: dict[str, str] = {}
    for unit in units:
        found = {of.get(m) for m in (unit.members or (unit.code,))}
        if len(found) == 1 and None not in found:
            provinces[unit.code] = str(found.pop())
    return provinces


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
    prepared = PreparedNotebooks(config.reports_dir, root, extra_paths)
    for r in plan.reports:
        downloads = [d.relative_to(r.notebook.parent).as_posix() for d in r.downloads]
        cleaning = r.cleaning_notebook.name if r.cleaning_notebook else None
        inputs = (r.summary.model_dump_json(), downloads, cleaning)
        if prepared.needs(r.notebook, inputs):
            prepare_report_notebook(
                root / r.notebook,
                r.summary,
                downloads,
                cleaning,
                root=root,
                extra_paths=extra_paths,
            )
        prepared.done(r.notebook, inputs)
        if r.cleaning_notebook:
            if prepared.needs(r.cleaning_notebook, inputs):
                prepare_cleaning_notebook(
                    root / r.cleaning_notebook, r.summary, root=root, extra_paths=extra_paths
                )
            prepared.done(r.cleaning_notebook, inputs)
    prepared.save()

    by_unit: dict[str, list[ReportEntry]] = {}
    for r in plan.reports:
        by_unit.setdefault(r.summary.gemeente, []).append(r)
    names = {u.code: u.name for u in plan.units}
    provinces = unit_provinces(config.cbs_dir, plan.units)
    for unit in plan.units:
        page = Path("reports") / unit.code / "index.qmd"
        text = unit_page_text(unit, by_unit.get(unit.code, []), names, provinces.get(unit.code, ""))
        write_if_changed(root / page, text)
        plan.unit_pages.append(page)

    geo = config.geo_dir / GEO_FILE
    map_note = (
        f"*Geen kaart: het bestand met gemeentegrenzen (`geo/{GEO_FILE}`) staat niet in de "
        "map met CBS-gegevens. `tussenstand fetch` haalt geen grenzen op, want CBS levert geen "
        "geometrie via OData; zet de gemeentegrenzen van de wijk- en buurtkaart (CBS en PDOK, als "
        "GeoJSON met `gemeentecode`) in die map om de kaart te tonen.*"
    )
    if geo.is_file():
        own, standard = set(), set()
        for u in plan.units:
            (own if has_own_plan(u) else standard).update({u.code, *u.members})
        plan.map_file = Path("reports") / MAP_FILE
        draw_map(geo, own, root / plan.map_file, also=standard)
    else:
        (root / "reports" / MAP_FILE).unlink(missing_ok=True)

    gen = root / GENERATED_DIR
    fragments = {
        "overzicht.md": overview_text(plan.units, plan.reports, plan.map_file, map_note, provinces),
        "rapporten.md": reports_text(plan.units, plan.reports, provinces),
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
