"""The themes: one chapter per theme of the plan with its goals (facts, chart, districts) and the
indicators that measure it."""

from __future__ import annotations

import pandas as pd

from tussenstand import charts, markdown
from tussenstand.goals import Goal
from tussenstand.nlformat import MISSING, fmt_euro, fmt_int, fmt_list, fmt_period, fmt_value
from tussenstand.report.context import Report, goal_measurements
from tussenstand.report.indicators import show_indicator
from tussenstand.report.output import show, show_chart, slug
from tussenstand.report.text import (
    baseline_label,
    baseline_text,
    latest_text,
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
            show(f"BBV-indicatoren bij dit thema: {fmt_list(bbv)} (zie het hoofdstuk BBV-indicatoren).")


def show_goal(report: Report, goal: Goal) -> None:
    a = report.assessments[goal.id]
    show(f"### {goal.id}: {goal.indicator}")
    show("> " + goal.text.replace("\n", " "))
    facts = pd.DataFrame({
        "": [baseline_label(a), "Doel", "Laatste meting", "Verwacht op het rechte pad", "Status"],
        "Waarde": [
            baseline_text(report, goal, a),
            target_with_period(goal, a),
            latest_text(report, goal, a),
            fmt_value(a.expected_at_latest, goal.unit),
            f"**{a.status.label}**" + (" (illustratieve gegevens)" if a.illustrative else ""),
        ],
    })
    show(markdown.table(facts, "ll"))
    rows = goal_measurements(report, goal)
    if a.baseline_source == "plan" and a.baseline_period is not None:
        rows = rows[rows["periode"] != a.baseline_period.code]  # the plan's baseline speaks for itself
    notes = sorted({n for n in rows["opmerking"] if n})
    show(a.explanation_nl + f" Bron van de meting: {goal.measurement.source}"
         + (f" ({goal.measurement.frequency})." if goal.measurement.frequency else ".")
         + (f" Opmerking bij de registratie: {'; '.join(notes)}." if notes else ""))
    data = goal_measurements(report, goal, published=True)
    if data["waarde"].notna().any():
        title = f"{goal.id}: {a.status.label}"
        result = charts.goal_chart(data, a, goal, title=title, unit=goal.unit, source=report.framework.source.document)
        show_chart(report, result, f"doel-{slug(goal.id)}")
    breakdown = district_breakdown(report, f"{goal.series}_per_wijk", goal.unit, total_series=goal.series)
    if breakdown is not None:
        table, caption = breakdown
        show(caption)
        show(markdown.table(table, "l" + "r" * (table.shape[1] - 1)))


def district_breakdown(report: Report, series: str, unit: str,
                       total_series: str | None = None) -> tuple[pd.DataFrame, str] | None:
    """The latest two measurements per district of a detail series (``<reeks>_per_wijk``); None
    when the series has no district rows.

    Small counts show as '< 10'. When the total over all districts is published (``total_series``)
    and only one district in a period is suppressed, the next smallest district is withheld too
    (shown as 'x'): otherwise the suppressed count is the total minus the others."""
    data = report.published[(report.published["indicator"] == series)
                            & report.published["gemeente"].isin(report.members[:1])
                            & (report.published["gebied"].fillna("") != "")]
    if data.empty:
        return None
    totals = report.published[(report.published["indicator"] == (total_series or ""))
                              & report.published["gemeente"].isin(report.members[:1])
                              & (report.published["gebied"].fillna("") == "")
                              & report.published["waarde"].notna()]
    order = data.drop_duplicates("periode").sort_values("periode_eind")["periode"].tolist()[-2:]
    columns: dict[str, dict[str, str]] = {}
    secondary = False
    for period in order:
        cells = data[data["periode"] == period]
        texts = {r.gebied: value_text(report, r.waarde, unit, bool(r.onderdrukt)) for r in cells.itertuples()}
        hidden = cells[cells["onderdrukt"]]
        if len(hidden) == 1 and period in set(totals["periode"]):
            shown = report.measurements[(report.measurements["indicator"] == series)
                                        & report.measurements["gemeente"].isin(report.members[:1])
                                        & (report.measurements["periode"] == period)
                                        & ~report.measurements["onderdrukt"]
                                        & (report.measurements["gebied"].fillna("") != "")]
            if len(shown):
                texts[shown.sort_values("waarde", kind="stable")["gebied"].iloc[0]] = "x"
                secondary = True
        columns[fmt_period(period)] = texts
    areas = sorted(set(data["gebied"]))
    table = pd.DataFrame({"Wijk": areas, **{label: [texts.get(a, MISSING) for a in areas]
                                            for label, texts in columns.items()}})
    files = sorted(set(data["tabel"]))
    threshold = report.config.disclosure_threshold
    caption = (f"**Per wijk** (bron: {fmt_list(files)}"
               + (", illustratieve gegevens" if data["illustratief"].any() else "")
               + f"). Aantallen onder de {fmt_int(threshold)} staan als '< {fmt_int(threshold)}'."
               + (" 'x': niet gepubliceerd, omdat het onderdrukte aantal anders uit het totaal terug te "
                  "rekenen is." if secondary else ""))
    return table, caption
