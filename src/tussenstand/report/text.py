"""How the report words things: published values, periods, changes, ranks, targets and baselines.

Every phrase a chapter builds from data lives here, so that a value, a change or a target reads the
same in the summary table, under a goal and in a chart title. Every value goes through
:func:`tussenstand.disclosure.format_published_value` (:func:`value_text` for a row of data,
:meth:`GoalAssessment.text <tussenstand.progress.GoalAssessment.text>` for a goal's figures): a
small count reads ``< 10``, and no change is computed from one.
"""

from __future__ import annotations

import pandas as pd

from tussenstand import badges
from tussenstand.disclosure import format_published_value
from tussenstand.frameworks import Indicator
from tussenstand.goals import Goal
from tussenstand.nlformat import (
    MISSING,
    MISSING_TEXT,
    fmt_change,
    fmt_int,
    fmt_list,
    fmt_number,
    fmt_period,
    fmt_value,
)
from tussenstand.periods import Period
from tussenstand.progress import GoalAssessment
from tussenstand.report.context import (
    Report,
    current_segment,
    series_rows,
)

#: why a change or a comparison is not given
SMALL_NUMBERS = "kleine aantallen"

ILLUSTRATIVE_BANNER = (
    "**Let op: illustratieve gegevens.** Een deel van de cijfers in dit rapport komt uit "
    "*illustratieve* registraties: geen echte gegevens van de gemeente, maar voorbeeldreeksen die laten "
    "zien hoe het rapport werkt zolang de echte registraties er niet zijn. Ze zijn overal gemarkeerd "
    "met 'illustratief'."
)


# ----- values and periods -------------------------------------------------------------------------
def value_text(report: Report, value: float | None, unit: str, suppressed: bool = False) -> str:
    """A published value: ``< 10`` when suppressed, else as :func:`tussenstand.nlformat.fmt_value`."""
    return format_published_value(value, unit, suppressed, report.config.disclosure_threshold)


def with_period(value: str, period: Period | None) -> str:
    """``244 (2023)``; the value alone without a period."""
    return f"{value} ({fmt_period(period)})" if period else value


def provisional(flag: bool) -> str:
    """What a provisional CBS figure gets behind its value."""
    return " (voorlopig)" if flag else ""


def is_count(unit: str | None) -> bool:
    """Absolute numbers (persons, places): not comparable with Nederland or other gemeenten."""
    return (unit or "").strip() in ("aantal", "aantal per wijk")


def is_percentage(unit: str | None) -> bool:
    return (unit or "").strip().startswith("%")


# ----- change and rank ----------------------------------------------------------------------------
def change_text(previous: float, last: float, unit: str | None, since: str | None = None) -> str:
    """'stijgt (+1,2 procentpunt sinds 2022)': percentage points for percentages, else the relative
    change; 'gelijk' within 0,1 procentpunt or 1%."""
    if is_percentage(unit):
        change, suffix, same = last - previous, " procentpunt", 0.1
    elif previous == 0:
        return "gelijk" if last == 0 else ("stijgt" if last > 0 else "daalt")
    else:
        change, suffix, same = (last - previous) / abs(previous) * 100, "%", 1
    if abs(change) < same:
        return "gelijk" + (f" sinds {since}" if since else "")
    word = "stijgt" if change > 0 else "daalt"
    return f"{word} ({fmt_change(change, 1, suffix=suffix)}" + (
        f" sinds {since})" if since else ")"
    )


def direction_text(report: Report, series: str, unit: str | None = None) -> str:
    """Per member: the change between its two latest measurements of the same kind of period;
    never across a series break (a new CBS table, a municipal merger), and no change (and no
    direction) when either is a suppressed small number."""
    data = series_rows(report, series, report.members)
    unit = unit or (str(data["eenheid"].iloc[0]) if len(data) else None)
    parts = []
    for code in report.members:
        s = data[data["gemeente"] == code]
        if len(s) < 2:
            continue
        if len(current_segment(s)) < 2:  # a series break between the two latest: no change
            text = "niet te vergelijken met eerder (reeksbreuk)"
        elif s["onderdrukt"].iloc[-2:].any():
            text = f"geen richting: {SMALL_NUMBERS}"
        else:
            text = change_text(
                float(s["waarde"].iloc[-2]),
                float(s["waarde"].iloc[-1]),
                unit,
                fmt_period(s["periode"].iloc[-2]),
            )
        parts.append(text if len(report.members) == 1 else f"{report.member_name(code)} {text}")
    return "; ".join(parts) if parts else "één meting"


def rank_text(report: Report, ind: Indicator) -> str:
    """Where the (first) member stands in its comparison group at the latest common period."""
    if report.unit.is_region or not report.comparison_codes or is_count(ind.unit):
        return ""
    data = report.published[
        (report.published["indicator"] == ind.series)
        & (report.published["gebied"].fillna("") == "")
        & report.published["waarde"].notna()
    ]
    own = data[data["gemeente"] == report.members[0]].sort_values("periode_eind")
    if own.empty:
        return ""
    period = own["periode"].iloc[-1]
    group = data[
        (data["periode"] == period)
        & data["gemeente"].isin((*report.comparison_codes, report.members[0]))
    ]
    if len(group) < 3:
        return ""
    # like the place among all gemeenten: ties share the lowest place (1, 2, 2, 4)
    own_value = float(group.loc[group["gemeente"] == report.members[0], "waarde"].iloc[0])
    place = int((group["waarde"] < own_value).sum()) + 1
    return (
        f"In {fmt_period(period)} staat {report.name} op plaats {fmt_int(place)} van {fmt_int(len(group))} "
        f"({report.name} en de {fmt_int(len(group) - 1)} gemeenten van de vergelijkingsgroep met een cijfer; "
        "1 = laagste waarde)."
    )


def national_rank_text(report: Report, rows: pd.DataFrame, unit: str) -> str:
    """Where the members stand among all gemeenten in one period (``rows``: every gemeente's row
    of one series and period, from ``report.distribution``): 'plaats 177 van 333 (1 = laagste
    waarde)', ties, a suppressed or unpublished value (no place, and why), the comparison group's
    places, and how many gemeenten have no published figure."""
    if rows.empty:
        return ""
    period = fmt_period(rows["periode"].iloc[0])
    ranked, total = int(rows["aantal"].iloc[0]), int(rows["totaal"].iloc[0])
    single = len(report.members) == 1
    parts = [_member_place(report, rows, code, unit, single) for code in report.members]
    if single and parts[0][0]:
        text = f"Onder alle gemeenten staat {report.name} in {period} op {parts[0][1]}"
    elif single:
        text = f"{report.name} krijgt in {period} geen plaats onder alle gemeenten: {parts[0][1]}."
    else:
        text = (
            f"Plaats onder alle {fmt_int(ranked)} gemeenten met een cijfer in {period} "
            f"(1 = laagste waarde): {fmt_list(p for _, p in parts)}."
        )
    group = rows[rows["gemeente"].isin(report.comparison_codes) & rows["rang"].notna()]
    if len(group) and not report.unit.is_region:
        low, high = int(group["rang"].min()), int(group["rang"].max())
        text += (
            f" De {fmt_int(len(group))} gemeenten van de vergelijkingsgroep met een cijfer staan op "
            f"plaats {fmt_int(low)} tot en met {fmt_int(high)}."
        )
    if ranked < total:
        text += (
            f" {fmt_int(total - ranked)} van de {fmt_int(total)} gemeenten hebben geen "
            "gepubliceerd cijfer (niet gepubliceerd door het CBS, of onderdrukt) en tellen niet mee."
        )
    return text


def _member_place(
    report: Report, rows: pd.DataFrame, code: str, unit: str, single: bool
) -> tuple[bool, str]:
    """(ranked, text) for one member: 'plaats 66 van 335 (1 = laagste waarde). 7 andere ...' for
    the only member, 'Texel plaats 12' for one of several, and why a member has no place."""
    name = report.member_name(code)
    row = rows[rows["gemeente"] == code]
    if row.empty:
        why = "het CBS-bestand heeft geen rij voor de gemeente"
        return False, why if single else f"{name} geen plaats ({why})"
    r = row.iloc[0]
    if pd.isna(r["rang"]):
        if bool(r["onderdrukt"]):
            why = f"het cijfer is {value_text(report, None, unit, True)} ({SMALL_NUMBERS})"
        else:
            reason = str(r["ontbreekt_reden"] or "").strip()
            why = "er is geen gepubliceerd cijfer" + (f" ({reason})" if reason else "")
        return False, why if single else f"{name} geen plaats ({why})"
    place, shared = int(r["rang"]), int(r["gedeeld"]) - 1
    if not single:
        tie = f" (gedeeld met {fmt_int(shared)})" if shared else ""
        return True, f"{name} plaats {fmt_int(place)}{tie}"
    text = f"plaats {fmt_int(place)} van {fmt_int(int(r['aantal']))} (1 = laagste waarde)."
    if shared:
        others = "andere gemeente heeft" if shared == 1 else "andere gemeenten hebben"
        text += (
            f" {fmt_int(shared)} {others} hetzelfde cijfer en "
            f"{'deelt' if shared == 1 else 'delen'} die plaats."
        )
    return True, text


# ----- goals: baseline, target, latest measurement ---------------------------------------------------
def baseline_text(report: Report, goal: Goal, a: GoalAssessment) -> str:
    """The starting point with its period (``244 (2023)``, ``< 10 (2024)``), or why there is none."""
    if a.baseline_value is None:
        return baseline_missing(goal)
    return with_period(a.text("baseline_value", goal.unit), a.baseline_period)


def target_with_period(goal: Goal, a: GoalAssessment) -> str:
    """``hoogstens 195,2 (2027)``."""
    return f"{target_text(goal, a)} ({fmt_period(a.target_period)})"


def latest_text(report: Report, goal: Goal, a: GoalAssessment) -> str:
    """The latest measurement with its period (``< 10`` when small), or ``geen meting``."""
    if not a.latest_period:
        return MISSING_TEXT
    return with_period(a.text("latest_value", goal.unit), a.latest_period)


def status_badge(a: GoalAssessment) -> str:
    """A goal's status as a badge (colour and text, :mod:`tussenstand.badges`), with illustrative
    and provisional figures named on it: ``[op koers · illustratief]{.status .status-op-koers}``."""
    return badges.status_badge(
        a.status, illustrative=a.illustrative, provisional=a.latest_provisional
    )


def expected_text(goal: Goal, a: GoalAssessment) -> str:
    """The value on the straight path at the latest measurement (``onderdrukt`` when the path
    starts at a small count)."""
    return a.text("expected_at_latest", goal.unit)


def baseline_label(a: GoalAssessment) -> str:
    """'Nulmeting' for the plan's baseline; a first measurement standing in is called what it is."""
    return "Startpunt (eerste meting)" if a.baseline_source == "first_measurement" else "Nulmeting"


def baseline_missing(goal: Goal) -> str:
    """What stands where a goal has no baseline: the plan's 'x*' (still to be measured) or none."""
    return "nog te meten (x*)" if goal.baseline_status == "pending" else "geen nulmeting"


def target_text(goal: Goal, a: GoalAssessment) -> str:
    """The target in words: ``hoogstens 195,2``, ``in elke wijk minstens 1``, ``groei van ...``;
    a target computed from a suppressed starting point is given as how it is computed
    (``-10% t.o.v. nulmeting``), not as a number."""
    word = {"at_least": "minstens", "at_most": "hoogstens", "equal": "gelijk aan"}[a.comparison]
    target = a.text("target_value", goal.unit)
    if goal.target.kind == "every_district":
        return f"in elke wijk {word} {target}"
    t = goal.target
    hidden = a.is_suppressed("target_value")
    if t.kind == "growth_per_year":
        how = (
            f"{fmt_number(t.percent)}% per jaar (relatief)"
            if t.percent is not None
            else f"{fmt_value(t.amount, goal.unit, with_unit=True)} per jaar"
        )
        level = f": {word} {target}" if a.target_value is not None and not hidden else ""
        return f"groei van {how}{level}"
    if a.target_value is None or hidden:
        if t.percent is not None:
            return fmt_change(
                t.percent, 0 if float(t.percent).is_integer() else 1, suffix="% t.o.v. nulmeting"
            )
        if hidden and t.amount is not None:
            return fmt_change(
                t.amount, 0 if float(t.amount).is_integer() else 1, suffix=" t.o.v. nulmeting"
            )
        return "gelijk aan de nulmeting" if hidden and t.kind == "stay" else MISSING
    return f"{word} {target}"
