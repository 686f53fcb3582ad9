"""What a report leaves for the site and its readers at the end: ``samenvatting.json`` and the
report's workbook.

``samenvatting.json`` is one executed report as the site lists it (home page, listings, its own
page, the overview of all goals), written through :class:`tussenstand.handoff.ReportSummary`, the
model the site reads it with, and stamped with the tussenstand version and git commit that built it
(:mod:`tussenstand.buildinfo`). The workbook (:mod:`tussenstand.downloads`) holds every table the
report showed and the data behind every chart, with a sheet ``Doelen`` of the goals' figures.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tussenstand import markdown
from tussenstand.buildinfo import build_info
from tussenstand.downloads import Downloads, goal_frame, workbook_name, write_workbook
from tussenstand.goals import COMPARISON_NL
from tussenstand.handoff import SUMMARY_FILE, GoalRecord, IndicatorRecord, ReportSummary
from tussenstand.nlformat import fmt_date, fmt_period
from tussenstand.report.context import Report, latest_values, status_counts
from tussenstand.report.text import ILLUSTRATIVE_BANNER


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


#: the values of an assessment a goal record carries, by the record's name
GOAL_VALUES = {
    "nulmeting": "baseline_value",
    "streefwaarde": "target_value",
    "laatste_meting": "latest_value",
}


def goal_records(report: Report) -> list[GoalRecord]:
    """Per goal of the plan (by theme, in the plan's order) its status and figures as published:
    a suppressed value is None and named in ``onderdrukt``."""
    records = []
    themes = {t.id: t.name for t in report.framework.themes}
    for goal in report.framework.goals:
        a = report.assessments.get(goal.id)
        if a is None:
            continue
        records.append(
            GoalRecord(
                id=goal.id,
                thema=themes.get(goal.theme, goal.theme),
                indicator=goal.indicator,
                eenheid=goal.unit,
                status=a.status.label,
                illustratief=a.illustrative,
                nulmeting=a.published("baseline_value"),
                nulmeting_periode=a.baseline_period.code if a.baseline_period else "",
                vergelijking=COMPARISON_NL[a.comparison],
                streefwaarde=a.published("target_value"),
                streefwaarde_periode=a.target_period.code,
                laatste_meting=a.published("latest_value"),
                laatste_meting_periode=a.latest_period.code if a.latest_period else "",
                onderdrukt=[name for name, field in GOAL_VALUES.items() if a.is_suppressed(field)],
            )
        )
    return records


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
                id=ind.id, laatste_meting_periode=str(own["periode"].iloc[-1]) if len(own) else ""
            )
        )
    return records


def write_summary(report: Report) -> None:
    """Write the report's workbook and ``samenvatting.json`` next to the report (the site reads
    both).

    Returns nothing, so that the notebook cell that calls it shows nothing."""
    record = summary_record(report)
    write_report_workbook(report, record)
    record.write(report.output_dir / SUMMARY_FILE)


def workbook_path(report: Report) -> Path:
    """``<report>/data/tussenstand-<code>-<periode>.xlsx``, beside the charts' CSVs."""
    return report.figures_dir / workbook_name(report.unit.code, report.period)


def workbook_text(report: Report) -> str:
    """The sentence that offers the workbook, with a link relative to where the report is read
    (the report folder in a build)."""
    path = workbook_path(report)
    link = Path(os.path.relpath(path, report.relative_to)).as_posix()
    return (
        "Alle tabellen van dit rapport en de cijfers achter elke grafiek staan in één "
        f"Excel-bestand: [{markdown.escape(path.name)}]({link}). De cijfers van elke grafiek staan "
        "ook in een CSV-bestand naast de grafiek."
    )


def write_report_workbook(report: Report, record: ReportSummary | None = None) -> Path:
    """One workbook with every table the report showed and the data behind every chart (see
    :mod:`tussenstand.downloads`), the goals' figures first."""
    record = record or summary_record(report)
    threshold = report.config.disclosure_threshold
    parts = Downloads()
    if record.doelen:
        parts.add_data(
            "Doelen",
            "Alle doelen: nulmeting, streefwaarde, laatste meting en status",
            goal_frame(record.doelen, threshold),
            f"Beleidsplan: {report.framework.source.document}; metingen: zie de bladen per doel.",
        )
    parts.parts += report.downloads.parts
    about = [
        ("Rapport", f"{record.title}, {record.periode_label}"),
        ("Gemeente of regio", f"{record.gemeente_naam} ({record.gemeente})"),
        (
            "Gebouwd op",
            fmt_date(record.gebouwd_op)
            + (f" (tussenstand {record.versie})" if record.versie else ""),
        ),
        (
            "Kleine aantallen",
            f"Aantallen personen onder de {threshold} zijn niet gepubliceerd. In de tabellen staat "
            f"zo'n aantal als '< {threshold}', zoals in het rapport; in de gegevensbladen is de "
            "waarde leeg en zegt de kolom ontbreekt_reden (of 'Niet gepubliceerd') waarom.",
        ),
        (
            "Bronnen",
            "CBS StatLine (CC BY 4.0, Bron: CBS), het beleidsplan en registraties van de gemeente; "
            "elk gegevensblad noemt zijn bron in de kolommen bron, tabel en peildatum.",
        ),
    ]
    if record.illustratief:
        about.append(("Illustratief", ILLUSTRATIVE_BANNER.replace("**", "").replace("*", "")))
    return write_workbook(workbook_path(report), parts, about)
