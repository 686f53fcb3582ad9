"""The Dutch sentence that explains a goal's status (what the report prints under each goal)."""

from __future__ import annotations

from collections.abc import Sequence

from tussenstand.goals import COMPARISON_NL, Goal
from tussenstand.nlformat import fmt_number, fmt_value
from tussenstand.periods import Period
from tussenstand.progress.assessment import DistrictAssessment, GoalAssessment
from tussenstand.progress.rules import Start
from tussenstand.progress.status import DISTRICT_SEVERITY, Status


def _num(x: float) -> str:
    return fmt_number(x, max_decimals=2)


def format_value(x: float | None, unit: str) -> str:
    """A value with its unit, rounded as in the report's tables (:func:`tussenstand.nlformat.fmt_value`):
    ``23,7%``, ``€ 2.864``, ``195,2 nachten``, ``640 per 10.000 inwoners``."""
    return fmt_value(x, unit, with_unit=True, missing="onbekend")


def per_district_unit(unit: str) -> str:
    """'aantal per wijk' says 'per wijk' once: 'in elke wijk minstens 1', 'Wijk 4 (0)'."""
    return "aantal" if unit.strip() == "aantal per wijk" else unit


def _when(period: Period | None) -> str:
    return period.label_nl if period is not None else "onbekende periode"


def _target_phrase(goal: Goal, target: float | None, start: Start | None) -> str:
    t = goal.target
    unit = goal.unit
    comp = COMPARISON_NL[goal.comparison]
    tp = goal.target_period_obj.label_nl
    start_txt = (
        f"{format_value(start.value, unit)} in {_when(start.period)}" if start is not None else None
    )
    if t.kind == "every_district":
        return f"in elke wijk {comp} {format_value(t.value, per_district_unit(unit))} in {tp}"
    if t.kind == "level":
        return f"{comp} {format_value(t.value, unit)} in {tp}"
    if t.kind == "stay":
        if start_txt is None:
            return f"in {tp} {comp} het niveau van de nulmeting"
        margin = f" (marge {_num(goal.tolerance_percent)}%)" if goal.comparison == "equal" else ""
        return f"in {tp} {comp} {format_value(target, unit)}{margin}, het niveau van {_when(start.period)}"
    if t.kind == "change":
        if t.percent is not None:
            how = f"{_num(abs(t.percent))}% {'meer' if t.percent > 0 else 'minder'}"
        else:
            pts = " procentpunt" if unit.strip() == "%" else ""
            how = f"{_num(abs(t.amount))}{pts} {'meer' if t.amount > 0 else 'minder'}"
        if target is None:
            return f"in {tp} {how} dan de nulmeting"
        return f"{comp} {format_value(target, unit)} in {tp} ({how} dan {start_txt})"
    # growth_per_year
    if t.percent is not None:
        how = f"{_num(t.percent)}% per jaar"
    else:
        how = f"{format_value(t.amount, unit)} per jaar"
    if target is None:
        return f"groei van {how} tot {tp}"
    return f"{comp} {format_value(target, unit)} in {tp} (groei van {how} vanaf {start_txt})"


def _expect_word(comparison: str) -> str:
    return {"at_least": "minstens", "at_most": "hoogstens", "equal": "ongeveer"}[comparison]


def starting_point(a: GoalAssessment) -> Start | None:
    """The starting point the assessment used (None when it had none)."""
    if a.baseline_source is None or a.baseline_value is None:
        return None
    return Start(a.baseline_value, a.baseline_period, a.baseline_source)


def explain(goal: Goal, a: GoalAssessment) -> str:
    """Why ``goal`` has the status of ``a``: one paragraph, with the figures it rests on."""
    unit = goal.unit
    report = a.report_period
    status = a.status
    target = a.target_value
    start = starting_point(a)
    phrase = _target_phrase(goal, target, start)
    latest_v, latest_p = a.latest_value, a.latest_period
    lead = status.label[0].upper() + status.label[1:]
    latest_txt = f"de laatste meting ({_when(latest_p)}) is {format_value(latest_v, unit)}"
    if status == Status.BEREIKT:
        main = f"{lead}: {latest_txt}; het doel is {phrase}."
    elif status in (Status.OP_KOERS, Status.ACHTER_OP_SCHEMA):
        sloped = abs(a.expected_at_latest - target) > 1e-9 * max(1.0, abs(target))
        if sloped:
            main = (
                f"{lead}: {latest_txt}, en op de rechte lijn van het startpunt naar het doel hoort daar "
                f"{_expect_word(goal.comparison)} {format_value(a.expected_at_latest, unit)} bij"
            )
            if (
                status == Status.ACHTER_OP_SCHEMA
                and goal.comparison == "at_most"
                and target > start.value
            ):
                main += " (de waarde stijgt sneller dan de lijn naar het plafond)"
            elif (
                status == Status.ACHTER_OP_SCHEMA
                and goal.comparison == "at_least"
                and target < start.value
            ):
                main += " (de waarde daalt sneller dan de lijn naar de ondergrens)"
            main += f"; het doel is {phrase}."
        else:
            main = f"{lead}: {latest_txt}; het doel is {phrase}."
    elif status == Status.VERKEERDE_RICHTING:
        main = (
            f"{lead}: {latest_txt}, verder van het doel af dan het startpunt van "
            f"{format_value(start.value, unit)} ({_when(start.period)}); het doel is {phrase}."
        )
    elif status == Status.NOG_NIET_TE_BEOORDELEN:
        main = (
            f"{lead}: er is één meting ({_when(latest_p)}: {format_value(latest_v, unit)}) en die geldt "
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
                f" Er is wel een latere meting ({_when(latest_p)}: {format_value(latest_v, unit)}), "
                "maar die vervangt de nulmeting niet: zonder nulmeting is de streefwaarde niet te berekenen."
            )
    else:  # GEEN_METING
        if start is not None and start.source == "plan":
            main = (
                f"{lead}: na de nulmeting ({format_value(start.value, unit)} in {_when(start.period)}) "
                f"is er tot en met {report.label_nl} nog geen nieuwe meting; het doel is {phrase}."
            )
        else:
            main = (
                f"{lead}: er is tot en met {report.label_nl} nog geen meting; het doel is {phrase}."
            )

    return " ".join([main, *_notes(goal, a, start)])


def _notes(goal: Goal, a: GoalAssessment, start: Start | None) -> list[str]:
    """What the reader should know besides the status: where the start comes from, how old the
    latest measurement is, the projection, provisional and illustrative figures."""
    status, unit = a.status, goal.unit
    latest_p = a.latest_period
    notes: list[str] = []
    if start is not None and status != Status.NOG_NIET_TE_BEOORDELEN:
        if start.source == "first_measurement" and goal.target.kind != "level":
            notes.append(
                f"Het plan heeft geen nulmeting; de eerste meting ({_when(start.period)}: "
                f"{format_value(start.value, unit)}) geldt als startpunt."
            )
        elif (
            start.source == "first_measurement"
            and latest_p is not None
            and latest_p != start.period
        ):
            notes.append(
                f"Het plan heeft geen nulmeting; de eerste meting ({_when(start.period)}) geldt als startpunt."
            )
        elif start.source == "plan_pending":
            notes.append(
                f"De nulmeting stond in het plan nog open (x*); de meting over {_when(start.period)} "
                f"({format_value(start.value, unit)}) geldt als nulmeting."
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
) -> str:
    phrase = _target_phrase(goal, goal.target.value, None)
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
                    f" ({format_value(d.latest_value, per_district_unit(goal.unit))})"
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
