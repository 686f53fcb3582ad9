"""One report (a monitored unit x a report period): opening it, and picking series out of its data.

:func:`open_report` reads the measurements the cleaning stage wrote, blanks what may not be
published (:func:`tussenstand.disclosure.apply_disclosure`) and judges every goal
(:func:`tussenstand.progress.assess_goal`, on the internal values; the assessment says which of
its values a reader may not see). The selection helpers below
give the chapters the rows they show: published values, one kind of period at a time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tussenstand import charts
from tussenstand.cleaning import Comparison, comparison, region_codes
from tussenstand.config import ProjectConfig, load_config
from tussenstand.disclosure import apply_disclosure
from tussenstand.downloads import Downloads
from tussenstand.frameworks import (
    Framework,
    MonitoredUnit,
    find_unit,
    framework_for,
    load_frameworks,
)
from tussenstand.goals import Goal
from tussenstand.handoff import QUALITY_FILE, FileGap, QualitySummary, TerritoryChange
from tussenstand.periods import Period, parse_period, parse_report_period
from tussenstand.progress import GoalAssessment, Status, assess_goal
from tussenstand.schema import MEASUREMENTS_FILE, NATIONAL_CODE, NATIONAL_NAME, read_measurements
from tussenstand.sources.distribution import (
    DISTRIBUTION_FILE,
    empty_distribution,
    read_distribution,
)
from tussenstand.units import project_units

FIGURES_FOLDER = "data"
COMPARISON_LABEL = "Vergelijkingsgroep (mediaan)"
#: where the template notebook, run on its own, writes its report:
#: ``data/processed/<code>/<periode>/rapport/`` (never ``reports/``)
STANDALONE_FOLDER = "rapport"


class ReportError(RuntimeError):
    """The report cannot be made (e.g. the cleaning step has not run)."""


# ----- opening a report ---------------------------------------------------------------------------
@dataclass
class Report:
    """Everything one report (unit x period) shows."""

    config: ProjectConfig
    unit: MonitoredUnit
    framework: Framework
    period: Period
    measurements: pd.DataFrame  # internal: real values, `onderdrukt` marked
    published: pd.DataFrame  # what may be shown: suppressed values blanked
    output_dir: Path
    relative_to: Path
    assessments: dict[str, GoalAssessment] = field(default_factory=dict)
    comparison_codes: tuple[str, ...] = ()
    regions: dict[str, list[str]] = field(default_factory=dict)
    chart_count: int = 0
    #: what the cleaning stage found (``kwaliteit.json``): incomplete files, mergers
    quality: QualitySummary | None = None
    #: the unit's reports, one folder per period (``reports/<code>/``; for the template notebook
    #: run on its own ``data/processed/<code>/``, with the report in ``history_inner``): where the
    #: previous report is looked for (:mod:`tussenstand.report.changes`)
    history_dir: Path | None = None
    history_inner: str = ""
    #: every table shown and every chart saved, for the report's workbook (``write_summary``)
    downloads: Downloads = field(default_factory=Downloads)

    #: the comparison group as chosen (the framework's own, or the default one, in words)
    comparison: Comparison = field(default_factory=lambda: Comparison(()))
    #: every gemeente's published value and rank for the framework's CBS series in the periods
    #: the report may show (``verdeling.parquet``, :mod:`tussenstand.sources.distribution`)
    distribution: pd.DataFrame = field(default_factory=empty_distribution)

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / FIGURES_FOLDER

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(self.unit.members)

    @property
    def illustrative(self) -> bool:
        own = self.measurements[self.measurements["gemeente"].isin(self.members)]
        return bool(own["illustratief"].any())

    def file_gaps(self, table: str | None = None, code: str | None = None) -> list[FileGap]:
        """Members missing from incomplete CBS files (optionally of one table and member)."""
        gaps = self.quality.onvolledige_bestanden if self.quality else []
        return [
            g
            for g in gaps
            if (table is None or g.tabel.lower() == table.lower())
            and (code is None or g.gemeente == code)
        ]

    def territory_changes(self, code: str | None = None) -> list[TerritoryChange]:
        """The members' municipal mergers (optionally of one member), oldest first."""
        changes = self.quality.herindelingen if self.quality else []
        return [c for c in changes if code is None or c.gemeente == code]

    def member_name(self, code: str) -> str:
        names = self.measurements.loc[self.measurements["gemeente"] == code, "gemeente_naam"]
        if len(names) and str(names.iloc[0]).strip():
            return str(names.iloc[0])
        return next((m.name for m in self.framework.municipalities if m.code == code), code)


def open_report(
    gemeente: str,
    periode: str,
    *,
    project_root: str | Path | None = None,
    cbs_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
) -> Report:
    """Open the report of ``gemeente`` (GM code or region code) for ``periode``.

    Reads the measurements the cleaning notebook wrote (``data/processed/<code>/<periode>/``).
    ``output_dir`` is where figures and their CSV go (``<output_dir>/data/``); by default the
    processed folder of this report, so that running the template notebook never touches
    ``reports/``. Image links are written relative to ``output_dir`` when it is given (papermill
    runs the notebook there), else relative to the working directory.
    """
    config = load_config(Path(project_root) if project_root else None, cbs_dir=cbs_dir)
    period = parse_report_period(periode)
    frameworks = load_frameworks(config.frameworks_dir)
    unit = find_unit(project_units(config, frameworks), gemeente)
    framework = framework_for(frameworks, unit)
    source = config.processed_unit_dir(unit.code, period) / MEASUREMENTS_FILE
    if not source.is_file():
        raise ReportError(
            f"{source.relative_to(config.root)} ontbreekt: voer eerst de opschoonstap uit "
            f"(notebooks/01_opschonen.ipynb, of `tussenstand run --gemeente {unit.code} --periode {period}`)"
        )
    measurements = read_measurements(source)
    quality_path = source.with_name(QUALITY_FILE)
    quality = QualitySummary.read(quality_path) if quality_path.is_file() else None
    published = apply_disclosure(
        measurements, threshold=config.disclosure_threshold, blank_values=True
    )
    group = comparison(config, framework, list(unit.members))
    if output_dir:
        # a build: the report goes to reports/<code>/<periode>/, beside the unit's earlier ones
        out = Path(output_dir).resolve()
        relative_to = out
        history_dir, history_inner = config.reports_dir / unit.code, ""
    else:
        out = config.processed_unit_dir(unit.code, period) / STANDALONE_FOLDER
        relative_to = Path.cwd()
        history_dir, history_inner = config.processed_dir / unit.code, STANDALONE_FOLDER
    report = Report(
        config=config,
        unit=unit,
        framework=framework,
        period=period,
        measurements=measurements,
        published=published,
        output_dir=out,
        relative_to=relative_to,
        comparison_codes=tuple(_comparison_codes(group, measurements, unit)),
        regions=region_codes(config, list(unit.members)),
        quality=quality,
        history_dir=history_dir,
        history_inner=history_inner,
        comparison=group,
        distribution=read_distribution(source.with_name(DISTRIBUTION_FILE)),
    )
    if not unit.is_region:
        report.assessments = {
            goal.id: assess_goal(
                goal,
                goal_measurements(report, goal),
                period,
                threshold=config.disclosure_threshold,
            )
            for goal in framework.goals
        }
    charts.apply_style()
    return report


def _comparison_codes(
    group: Comparison, measurements: pd.DataFrame, unit: MonitoredUnit
) -> list[str]:
    """The comparison group as the cleaning stage chose it, limited to gemeenten with data."""
    present = set(measurements["gemeente"])
    return [c for c in group.codes if c in present and c not in unit.members]


# ----- goals --------------------------------------------------------------------------------------
def goal_measurements(report: Report, goal: Goal, *, published: bool = False) -> pd.DataFrame:
    """The members' rows of the goal's series: internal values, or the published ones."""
    data = report.published if published else report.measurements
    return data[(data["indicator"] == goal.series) & data["gemeente"].isin(report.members)]


def status_counts(report: Report) -> dict[str, int]:
    """Status label -> number of goals, in the order of :meth:`Status.ordered`; no zero counts."""
    counts = Counter(a.status for a in report.assessments.values())
    return {s.label: counts[s] for s in Status.ordered() if counts[s]}


# ----- series -------------------------------------------------------------------------------------
def series_rows(report: Report, series: str, codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Published rows of ``series`` for the whole gemeente (no districts) with a value or a
    suppression, in one kind of period (the members' most recent kind), oldest first."""
    data = report.published[
        (report.published["indicator"] == series) & (report.published["gebied"].fillna("") == "")
    ]
    data = data[data["waarde"].notna() | data["onderdrukt"]]
    data = one_frequency(data, report.members).sort_values("periode_eind", kind="stable")
    return data if codes is None else data[data["gemeente"].isin(codes)]


def current_segment(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one series (one gemeente, one kind of period) from its last series break on,
    oldest first: a change is never computed across a break (a new CBS table, a municipal
    merger)."""
    rows = rows.sort_values("periode_eind", kind="stable")
    flags = rows["reeksbreuk"].fillna(False).astype(bool).to_numpy()
    if not flags.any():
        return rows
    last = int(flags.nonzero()[0][-1])
    return rows.iloc[last:]


def latest_values(report: Report, series: str) -> pd.DataFrame:
    """Per gemeente (and NL) the latest period with a value of ``series`` (published values)."""
    data = series_rows(report, series)
    return data.groupby("gemeente", as_index=False).tail(1)


def indicator_frame(report: Report, series: str, *, with_regions: bool = True) -> pd.DataFrame:
    """Members, Nederland (labelled :data:`~tussenstand.schema.NATIONAL_NAME`), the comparison
    median and the members' regions for one series, published values."""
    data = report.published[
        (report.published["indicator"] == series) & (report.published["gebied"].fillna("") == "")
    ]
    parts = [data[data["gemeente"].isin(report.members)]]
    units = set(data["eenheid"].dropna())
    if units and units <= {"aantal"}:
        # Absolute counts: Nederland or a group is on another scale; only the members compare.
        return one_frequency(parts[0], report.members)
    nl = data[data["gemeente"] == NATIONAL_CODE]
    if len(nl):
        parts.append(nl.assign(gemeente_naam=NATIONAL_NAME))
    group = data[data["gemeente"].isin(report.comparison_codes)]
    if len(group) and not report.unit.is_region:
        parts.append(charts.comparison_median(group, COMPARISON_LABEL))
    if with_regions:
        for codes in report.regions.values():
            rows = data[data["gemeente"].isin(codes)]
            if rows["waarde"].notna().any():
                names = (
                    rows["gemeente_naam"]
                    .astype(str)
                    .str.replace(r"\s*\((JZ|AM)\)$", "", regex=True)
                )
                parts.append(rows.assign(gemeente_naam="Regio " + names))
    frames = [p for p in parts if len(p)]
    frame = pd.concat(frames, ignore_index=True) if frames else data.iloc[:0]
    # the schema's columns also when only the group's median has rows (a gemeente missing from
    # a file, such as one formed after it)
    frame = frame.reindex(columns=list(dict.fromkeys([*data.columns, *frame.columns])))
    return one_frequency(frame, report.members)


def one_frequency(frame: pd.DataFrame, members: tuple[str, ...]) -> pd.DataFrame:
    """Keep one kind of period (years, half-years, quarters or months) so that a chart compares
    like with like: the kind whose latest measurement for the members is the most recent, and of
    those the one with the most measurements."""
    if frame.empty:
        return frame
    kinds = pd.Series([parse_period(str(c)).kind for c in frame["periode"]], index=frame.index)
    own = frame["gemeente"].isin(members) & frame["waarde"].notna()
    if not own.any():
        own = frame["waarde"].notna()
    score = {}
    for kind in set(kinds[own]):
        rows = frame[own & (kinds == kind)]
        score[kind] = (rows["periode_eind"].max(), len(rows))
    if not score:
        return frame
    best = max(score, key=lambda k: score[k])
    return frame[kinds == best]
