"""``samenvatting.json``: one executed report as the site lists it (home page, listings, its own page).

Written through :class:`tussenstand.handoff.ReportSummary`, the model the site reads it with, and
stamped with the tussenstand version and git commit that built it (:mod:`tussenstand.buildinfo`).
"""

from __future__ import annotations

from datetime import date

from tussenstand.buildinfo import build_info
from tussenstand.handoff import SUMMARY_FILE, GoalRecord, IndicatorRecord, ReportSummary
from tussenstand.nlformat import fmt_period
from tussenstand.report.context import Report, latest_values, status_counts


def summary_record(report: Report, built_on: date | None = None) -> ReportSummary:
    own = report.measurements[report.measurements["gemeente"].isin(report.members)]
    dates = sorted({str(d) for d in own["peildatum"] if d})
    stamp = build_info(report.config.root)
    return ReportSummary(
        gemeente=report.unit.code,
        gemeente_naam=report.unit.name,
        periode=report.period.code,
        periode_label=fmt_period(report.period),
        kader=report.framework.id,
        status_counts=status_counts(report),
        aantal_doelen=len(report.assessments),
        peildata=dates,
        gebouwd_op=built_on or date.today(),
        illustratief=report.illustrative,
        versie=stamp.version,
        commit=stamp.commit,
        doelen=goal_records(report),
        indicatoren=indicator_records(report),
    )


def goal_records(report: Report) -> list[GoalRecord]:
    """Per goal of the plan (in its order) the status and the period of the latest measurement."""
    return [
        GoalRecord(
            id=goal.id,
            status=a.status.label,
            laatste_meting=a.latest_period.code if a.latest_period else "",
            illustratief=a.illustrative,
        )
        for goal in report.framework.goals
        if (a := report.assessments.get(goal.id)) is not None
    ]


def indicator_records(report: Report) -> list[IndicatorRecord]:
    """Per indicator of the plan with a series: the latest period with a published figure (or a
    suppressed one) of any member."""
    records = []
    for ind in report.framework.indicators:
        if not ind.series:
            continue
        latest = latest_values(report, ind.series)
        own = latest[latest["gemeente"].isin(report.members)].sort_values("periode_eind")
        records.append(
            IndicatorRecord(
                id=ind.id, laatste_meting=str(own["periode"].iloc[-1]) if len(own) else ""
            )
        )
    return records


def write_summary(report: Report) -> None:
    """Write ``samenvatting.json`` next to the report (the site's home page reads it).

    Returns nothing, so that the notebook cell that calls it shows nothing."""
    summary_record(report).write(report.output_dir / SUMMARY_FILE)
