"""The themes: one chapter per theme of the plan with its goals (facts, chart, districts) and the
indicators that measure it."""

from __future__ import annotations

import pandas as pd

from tussenstand import charts
from tussenstand.goals import Goal
from tussenstand.nlformat import MISSING, fmt_euro, fmt_int, fmt_list, fmt_period
from tussenstand.progress import GoalAssessment
from tussenstand.report.context import Report, goal_measurements
from tussenstand.report.indicators import show_indicator
from tussenstand.report.output import show, show_chart, show_table, slug
from tussenstand.report.text import (
    baseline_label,
    baseline_text,
    expected_text,
    latest_text,
    status_badge,
    target_with_period,
    value_text,
)


def show_themes(report: Report) -> None:
    """One chapter (level-2 heading) per theme: its goals, then the indicators that measure it."""
    fw = report.framework
    goals = fw.goals_by_theme()
    indicators = fw.indicators_by_theme()
    word = "Ambitie" if fw.is_regional else ("Opgave" if fw.kind == "smart" else "Thema")
    for number, theme in enumerate(fw.themes, start=1):
        show(f"## {word} {number}: {theme.name}")
        if theme.description:
            show(theme.description)
        if theme.budget is not None:
            show(f"Budget {theme.budget.year}: {fmt_euro(theme.budget.amount)}.")
        if not report.unit.is_region:
            for goal in goals[theme.id]:
                show_goal(report, goal)
        shown = [i for i in indicators[theme.id] if i.series and not i.bbv]
        for ind in shown:
            show_indicator(report, ind, heading_level=3)
        if not goals[theme.id] and not [i for i in indicators[theme.id] if i.series]:
            show("Voor dit thema is nog geen indicator met open gegevens gekoppeld.")
        bbv = [i.name for i in indicators[theme.id] if i.bbv]
        if bbv:
            show(
                f"BBV-indicatoren bij dit thema: {fmt_list(bbv)} (zie het hoofdstuk BBV-indicatoren)."
            )


def show_goal(report: Report, goal: Goal) -> None:
    """One goal: the plan's sentence, its facts, the explanation of its status, its chart and,
    for a goal per district, the latest counts per district."""
    a = report.assessments[goal.id]
    # one output: typst keeps the heading on the page of the plan's sentence under it
    show(f"### {goal.id}: {goal.indicator}\n\n> " + goal.text.replace("\n", " "))
    show_table(
        report,
        _goal_facts(report, goal, a),
        "ll",
        "Kenmerken per doel",
        sheet="Kenmerken per doel",
        label=("Doel", f"{goal.id}: {goal.indicator}"),
    )
    show(_goal_explanation(report, goal, a))
    data = goal_measurements(report, goal, published=True)
    if data["waarde"].notna().any():
        title = f"{goal.id}: {a.status.label}"
        result = charts.goal_chart(
            data, a, goal, title=title, unit=goal.unit, source=report.framework.source.document
        )
        show_chart(report, result, f"doel-{slug(goal.id)}")
    breakdown = district_breakdown(
        report, f"{goal.series}_per_wijk", goal.unit, total_series=goal.series
    )
    if breakdown is not None:
        table, caption = breakdown
        show(caption)
        show_table(
            report,
            table,
            "l" + "r" * (table.shape[1] - 1),
            "Doelen per wijk",
            sheet="Doelen per wijk",
            label=("Doel", f"{goal.id}: {goal.indicator}"),
        )


def _goal_facts(report: Report, goal: Goal, a: GoalAssessment) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Gegeven": [
                baseline_label(a),
                "Doel",
                "Laatste meting",
                "Verwacht op het rechte pad",
                "Status",
            ],
            "Waarde": [
                baseline_text(report, goal, a),
                target_with_period(goal, a),
                latest_text(report, goal, a),
                expected_text(goal, a),
                status_badge(a),
            ],
        }
    )


def _goal_explanation(report: Report, goal: Goal, a: GoalAssessment) -> str:
    """Why the goal has its status, where the measurement comes from, and the supplier's notes
    on the measurements (not on the plan's baseline, which speaks for itself)."""
    rows = goal_measurements(report, goal)
    if a.baseline_source == "plan" and a.baseline_period is not None:
        rows = rows[rows["periode"] != a.baseline_period.code]
    notes = sorted({n for n in rows["opmerking"] if n})
    return (
        a.explanation_nl
        + f" Bron van de meting: {goal.measurement.source}"
        + (f" ({goal.measurement.frequency})." if goal.measurement.frequency else ".")
        + (f" Opmerking bij de registratie: {'; '.join(notes)}." if notes else "")
    )


# ----- per district -------------------------------------------------------------------------------
def district_breakdown(
    report: Report, series: str, unit: str, total_series: str | None = None
) -> tuple[pd.DataFrame, str] | None:
    """The latest two measurements per district of a detail series (``<reeks>_per_wijk``); None
    when the series has no district rows.

    Small counts show as '< 10'. When the total over all districts is published (``total_series``)
    and only one district in a period is suppressed, the next smallest district is withheld too
    (shown as 'x'): otherwise the suppressed count is the total minus the others."""
    data = _first_member_rows(report, report.published, series, districts=True)
    if data.empty:
        return None
    totals = _first_member_rows(report, report.published, total_series or "", districts=False)
    with_total = set(totals.loc[totals["waarde"].notna(), "periode"])
    latest_two = (
        data.drop_duplicates("periode").sort_values("periode_eind")["periode"].tolist()[-2:]
    )
    columns: dict[str, dict[str, str]] = {}
    withheld = False
    for period in latest_two:
        texts, withheld_here = _district_cells(
            report, data, series, unit, period, period in with_total
        )
        columns[fmt_period(period)] = texts
        withheld = withheld or withheld_here
    areas = sorted(set(data["gebied"]))
    table = pd.DataFrame(
        {
            "Wijk": areas,
            **{label: [texts.get(a, MISSING) for a in areas] for label, texts in columns.items()},
        }
    )
    return table, _district_caption(report, data, withheld)


def _first_member_rows(
    report: Report, data: pd.DataFrame, series: str, *, districts: bool
) -> pd.DataFrame:
    """The rows of ``series`` for the report's first member: per district, or the whole gemeente."""
    per_district = data["gebied"].fillna("") != ""
    return data[
        (data["indicator"] == series)
        & data["gemeente"].isin(report.members[:1])
        & (per_district if districts else ~per_district)
    ]


def _district_cells(
    report: Report, data: pd.DataFrame, series: str, unit: str, period: str, total_published: bool
) -> tuple[dict[str, str], bool]:
    """District -> published text in ``period``, and whether a second district was withheld.

    With the total published, one suppressed district could be recovered as the total minus the
    others: then the smallest shown district (by its internal value) is withheld as well ('x')."""
    cells = data[data["periode"] == period]
    texts = {
        r.gebied: value_text(report, r.waarde, unit, bool(r.onderdrukt)) for r in cells.itertuples()
    }
    if len(cells[cells["onderdrukt"]]) != 1 or not total_published:
        return texts, False
    internal = _first_member_rows(report, report.measurements, series, districts=True)
    shown = internal[(internal["periode"] == period) & ~internal["onderdrukt"]]
    if not len(shown):
        return texts, False
    texts[shown.sort_values("waarde", kind="stable")["gebied"].iloc[0]] = "x"
    return texts, True


def _district_caption(report: Report, data: pd.DataFrame, withheld: bool) -> str:
    files = sorted(set(data["tabel"]))
    threshold = fmt_int(report.config.disclosure_threshold)
    return (
        f"**Per wijk** (bron: {fmt_list(files)}"
        + (", illustratieve gegevens" if data["illustratief"].any() else "")
        + f"). Aantallen onder de {threshold} staan als '< {threshold}'."
        + (
            " 'x': niet gepubliceerd, omdat het onderdrukte aantal anders uit het totaal terug te "
            "rekenen is."
            if withheld
            else ""
        )
    )
