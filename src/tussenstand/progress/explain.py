"""The Dutch sentence that explains a goal's status (what the report prints under each goal).

Every value in it goes through :func:`tussenstand.disclosure.format_published_value` (via
:meth:`GoalAssessment.text <tussenstand.progress.assessment.GoalAssessment.text>` or
:func:`format_value`): a small count reads ``< 10``, and what is computed from it (a target, the
straight path, a projection) is not given.
"""

from __future__ import annotations

from collections.abc import Sequence

from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.goals import COMPARISON_NL, Goal
from tussenstand.nlformat import fmt_int, fmt_number
from tussenstand.periods import Period
from tussenstand.progress.assessment import DistrictAssessment, GoalAssessment
from tussenstand.progress.status import DISTRICT_SEVERITY, Status

UNKNOWN = "onbekend"
#: under a goal whose projection would rest on a small count
WITHHELD_NOTE = (
    "Een prognose staat er niet bij: die zou rusten op een aantal onder de {threshold} dat niet "
    "gepubliceerd wordt."
)


def _num(x: float) -> str:
    return fmt_number(x, max_decimals=2)


def format_value(
    x: float | None, unit: str, suppressed: bool = False, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """A value with its unit, rounded as in the report's tables (:func:`tussenstand.nlformat.fmt_value`):
    ``23,7%``, ``€ 2.864``, ``195,2 nachten``, ``640 per 10.000 inwoners``; ``< 10`` when
    suppressed (:func:`tussenstand.disclosure.format_published_value`)."""
    return format_published_value(x, unit, suppressed, threshold, with_unit=True, missing=UNKNOWN)


def _value(a: GoalAssessment, name: str, unit: str) -> str:
    """A value of the assessment with its unit, as a reader may see it."""
    return a.text(name, unit, with_unit=True, missing=UNKNOWN)


def per_district_unit(unit: str) -> str:
    """'aantal per wijk' says 'per wijk' once: 'in elke wijk minstens 1', 'Wijk 4 (0)'."""
    return "aantal" if unit.strip() == "aantal per wijk" else unit


def _when(period: Period | None) -> str:
    return period.label_nl if period is not None else "onbekende periode"


def _target_phrase(goal: Goal, a: GoalAssessment | None) -> str:
    """The goal in words with the figures it rests on; ``a`` (None for a goal per district, whose
    level comes from the plan) gives the target and the starting point as a reader may see them."""
    t = goal.target
    unit = goal.unit
    comp = COMPARISON_NL[goal.comparison]
    tp = goal.target_period_obj.label_nl
    start = a is not None and a.baseline_source is not None and a.baseline_value is not None
    start_txt = (
        f"{_value(a, 'baseline_value', unit)} in {_when(a.baseline_period)}" if start else None
    )
    # a target computed from a suppressed starting point is not given: only how it is computed
    target = (
        (None if a.is_suppressed("target_value") else a.target_value) if a is not None else t.value
    )
    target_txt = _value(a, "target_value", unit) if a is not None else format_value(t.value, unit)
    if t.kind == "every_district":
        return f"in elke wijk {comp} {format_value(t.value, per_district_unit(unit))} in {tp}"
    if t.kind == "level":
        return f"{comp} {target_txt} in {tp}"
    if t.kind == "stay":
        if start_txt is None or target is None:
            return f"in {tp} {comp} het niveau van de nulmeting" + (
                f" ({start_txt})" if start_txt else ""
            )
        margin = f" (marge {_num(goal.tolerance_percent)}%)" if goal.comparison == "equal" else ""
        return f"in {tp} {comp} {target_txt}{margin}, het niveau van {_when(a.baseline_period)}"
    if t.kind == "change":
        if t.percent is not None:
            how = f"{_num(abs(t.percent))}% {'meer' if t.percent > 0 else 'minder'}"
        else:
            pts = " procentpunt" if unit.strip() == "%" else ""
            how = f"{_num(abs(t.amount))}{pts} {'meer' if t.amount > 0 else 'minder'}"
        if target is None:
            return f"in {tp} {how} dan " + (start_txt or "de nulmeting")
        return f"{comp} {target_txt} in {tp} ({how} dan {start_txt})"
    # growth_per_year
    if t.percent is not None:
        how = f"{_num(t.percent)}% per jaar"
    else:
        how = f"{format_value(t.amount, unit)} per jaar"
    if target is None:
        return f"groei van {how} tot {tp}" + (f" vanaf {start_txt}" if start_txt else "")
    return f"{comp} {target_txt} in {tp} (groei van {how} vanaf {start_txt})"


def _expect_word(comparison: str) -> str:
    return {"at_least": "minstens", "at_most": "hoogstens", "equal": "ongeveer"}[comparison]


def explain(goal: Goal, a: GoalAssessment) -> str:
    """Why ``goal`` has the status of ``a``: one paragraph, with the figures it rests on as a
    reader may see them."""
    unit = goal.unit
    report = a.report_period
    status = a.status
    target = a.target_value
    has_start = a.baseline_source is not None and a.baseline_value is not None
    phrase = _target_phrase(goal, a)
    latest_p = a.latest_period
    latest = _value(a, "latest_value", unit)
    lead = status.label[0].upper() + status.label[1:]
    latest_txt = f"de laatste meting ({_when(latest_p)}) is {latest}"
    if status == Status.BEREIKT:
        main = f"{lead}: {latest_txt}; het doel is {phrase}."
    elif status in (Status.OP_KOERS, Status.ACHTER_OP_SCHEMA):
        sloped = abs(a.expected_at_latest - target) > 1e-9 * max(1.0, abs(target))
        if a.is_suppressed("expected_at_latest"):
            main = (
                f"{lead}: {latest_txt}, gemeten aan de rechte lijn van het startpunt naar het doel "
                "(die lijn begint bij een klein aantal en wordt daarom niet getoond); "
                f"het doel is {phrase}."
            )
        elif sloped:
            main = (
                f"{lead}: {latest_txt}, en op de rechte lijn van het startpunt naar het doel hoort daar "
                f"{_expect_word(goal.comparison)} {_value(a, 'expected_at_latest', unit)} bij"
            )
            if (
                status == Status.ACHTER_OP_SCHEMA
                and goal.comparison == "at_most"
                and target > a.baseline_value
            ):
                main += " (de waarde stijgt sneller dan de lijn naar het plafond)"
            elif (
                status == Status.ACHTER_OP_SCHEMA
                and goal.comparison == "at_least"
                and target < a.baseline_value
            ):
                main += " (de waarde daalt sneller dan de lijn naar de ondergrens)"
            main += f"; het doel is {phrase}."
        else:
            main = f"{lead}: {latest_txt}; het doel is {phrase}."
    elif status == Status.VERKEERDE_RICHTING:
        main = (
            f"{lead}: {latest_txt}, verder van het doel af dan het startpunt van "
            f"{_value(a, 'baseline_value', unit)} ({_when(a.baseline_period)}); het doel is {phrase}."
        )
    elif status == Status.NOG_NIET_TE_BEOORDELEN:
        main = (
            f"{lead}: er is één meting ({_when(latest_p)}: {latest}) en die geldt "
            f"als startpunt; pas een volgende meting laat zien of de waarde naar het doel gaat; het doel is {phrase}."
        )
    elif status == Status.NULMETING_ONTBREEKT:
        bp = goal.baseline.period_obj if goal.baseline is not None else None
        over = f" voor {_when(bp)}" if bp is not None else ""
        main = (
            f"{lead}: het plan noemt de nulmeting{over} nog niet (x*) en tot en met "
            f"{report.label_nl} is er nog geen meting over die periode; het doel is {phrase}."
        )
        if latest_p is not None:
            main += (
                f" Er is wel een latere meting ({_when(latest_p)}: {latest}), "
                "maar die vervangt de nulmeting niet: zonder nulmeting is de streefwaarde niet te berekenen."
            )
    else:  # GEEN_METING
        if has_start and a.baseline_source == "plan":
            main = (
                f"{lead}: na de nulmeting ({_value(a, 'baseline_value', unit)} in "
                f"{_when(a.baseline_period)}) is er tot en met {report.label_nl} nog geen nieuwe "
                f"meting; het doel is {phrase}."
            )
        else:
            main = (
                f"{lead}: er is tot en met {report.label_nl} nog geen meting; het doel is {phrase}."
            )

    return " ".join([main, *_notes(goal, a)])


def _notes(goal: Goal, a: GoalAssessment) -> list[str]:
    """What the reader should know besides the status: where the start comes from, how old the
    latest measurement is, the projection (or why there is none), provisional and illustrative
    figures."""
    status, unit = a.status, goal.unit
    latest_p = a.latest_period
    source, start_p = a.baseline_source, a.baseline_period
    notes: list[str] = []
    if (
        source is not None
        and a.baseline_value is not None
        and status != Status.NOG_NIET_TE_BEOORDELEN
    ):
        if source == "first_measurement" and goal.target.kind != "level":
            notes.append(
                f"Het plan heeft geen nulmeting; de eerste meting ({_when(start_p)}: "
                f"{_value(a, 'baseline_value', unit)}) geldt als startpunt."
            )
        elif source == "first_measurement" and latest_p is not None and latest_p != start_p:
            notes.append(
                f"Het plan heeft geen nulmeting; de eerste meting ({_when(start_p)}) geldt als startpunt."
            )
        elif source == "plan_pending":
            notes.append(
                f"De nulmeting stond in het plan nog open (x*); de meting over {_when(start_p)} "
                f"({_value(a, 'baseline_value', unit)}) geldt als nulmeting."
            )
    months = a.months_since_latest
    if latest_p is not None and months is not None and months >= 12:
        freq = goal.measurement.frequency
        src = goal.measurement.source
        how = (
            f" ({src}, {freq.lower()})" if freq and src else (f" ({freq.lower()})" if freq else "")
        )
        notes.append(f"Let op: de laatste meting is van {_when(latest_p)}{how}.")
    if a.projection is not None and status not in (Status.BEREIKT,):
        verdict = "dan gehaald" if a.projection_meets_target else "dan niet gehaald"
        notes.append(
            f"Zet de lijn van de metingen door, dan komt de waarde in "
            f"{goal.target_period_obj.label_nl} uit op {format_value(a.projection, unit)}: "
            f"het doel wordt {verdict}."
        )
    elif a.projection_withheld and status not in (Status.BEREIKT,):
        notes.append(WITHHELD_NOTE.format(threshold=fmt_int(a.threshold)))
    if a.latest_provisional:
        notes.append("Het laatste cijfer is voorlopig.")
    if a.illustrative:
        notes.append("Let op: dit zijn illustratieve cijfers, geen echte registratie.")
    return notes


def explain_districts(
    goal: Goal,
    status: Status,
    rows: Sequence[DistrictAssessment],
    report: Period,
    illustrative: bool,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    phrase = _target_phrase(goal, None)
    lead = status.label[0].upper() + status.label[1:]
    measured = [d for d in rows if d.latest_value is not None]
    if not measured:
        return (
            f"{lead}: er zijn tot en met {report.label_nl} nog geen cijfers per wijk; "
            f"het doel is {phrase}."
        )
    meeting = [d for d in rows if d.meets]
    main = f"{lead}: in {len(meeting)} van de {len(rows)} wijken is het doel ({phrase}) gehaald"
    groups = {}
    for d in rows:
        if not d.meets:
            groups.setdefault(d.status, []).append(d)
    parts = []
    for st in DISTRICT_SEVERITY:
        if st in groups:
            names = ", ".join(
                d.district
                + (
                    f" ({format_value(d.latest_value, per_district_unit(goal.unit), d.suppressed, threshold)})"
                    if d.latest_value is not None
                    else ""
                )
                for d in groups[st]
            )
            parts.append(f"{st.label}: {names}")
    if parts:
        main += "; " + "; ".join(parts)
    main += "."
    notes = []
    if status not in (Status.BEREIKT,):
        notes.append(
            "Een doel voor elke wijk krijgt de stand van de wijk die er het slechtst voor staat."
        )
    periods = sorted({d.latest_period for d in measured}, key=lambda p: p.end)
    if len(periods) == 1:
        notes.append(f"De cijfers zijn van {_when(periods[0])}.")
    else:
        notes.append(
            f"De laatste cijfers per wijk zijn van {_when(periods[0])} tot {_when(periods[-1])}."
        )
    if illustrative:
        notes.append("Let op: dit zijn illustratieve cijfers, geen echte registratie.")
    return " ".join([main, *notes])
