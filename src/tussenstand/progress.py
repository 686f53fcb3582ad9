"""The progress engine: where does a goal stand at a report period?

:func:`assess_goal` takes one :class:`~tussenstand.goals.Goal`, the tidy measurements of its series
and a report period, and returns a :class:`GoalAssessment`: the resolved target, the value expected
on the straight path from the starting point to the target, the latest measurement, a status and
one Dutch explanation. :data:`STATUS_RULES_NL` states the rules in plain Dutch for the report's
method page; the code below follows it step by step.

Time axis: a value counts at the *end* of its period (the baseline of 2023 at 31-12-2023, the target
of 2027 at 31-12-2027, a measurement of school year 2024-2025 at 31-07-2025).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from tussenstand.goals import COMPARISON_NL, Goal
from tussenstand.periods import Period, PeriodError, parse_period


class Status(Enum):
    """The status of a goal at a report period; ``.label`` is what the reader sees."""

    BEREIKT = "bereikt"
    OP_KOERS = "op koers"
    ACHTER_OP_SCHEMA = "achter op schema"
    VERKEERDE_RICHTING = "verkeerde richting"
    NOG_NIET_TE_BEOORDELEN = "nog niet te beoordelen"
    NULMETING_ONTBREEKT = "nulmeting ontbreekt"
    GEEN_METING = "geen meting"

    @property
    def label(self) -> str:
        return self.value

    @property
    def order(self) -> int:
        """Stable sort order for tables: from reached to no data."""
        return _STATUS_ORDER.index(self)

    @classmethod
    def ordered(cls) -> list[Status]:
        return list(_STATUS_ORDER)


_STATUS_ORDER = (
    Status.BEREIKT,
    Status.OP_KOERS,
    Status.ACHTER_OP_SCHEMA,
    Status.VERKEERDE_RICHTING,
    Status.NOG_NIET_TE_BEOORDELEN,
    Status.NULMETING_ONTBREEKT,
    Status.GEEN_METING,
)

# For goals per district: the goal stands as its worst district (first in this list wins).
_DISTRICT_SEVERITY = (
    Status.VERKEERDE_RICHTING,
    Status.ACHTER_OP_SCHEMA,
    Status.GEEN_METING,
    Status.NOG_NIET_TE_BEOORDELEN,
    Status.OP_KOERS,
    Status.BEREIKT,
)

STATUS_RULES_NL = """\
## Hoe we de stand van een doel bepalen

Elk doel uit het beleidsplan heeft een **startpunt** (de nulmeting), een **doelwaarde** en een
**doeljaar**. Een cijfer telt mee op het moment dat de periode voorbij is: de nulmeting van 2023 op
31 december 2023, een doel voor 2027 op 31 december 2027, een meting over schooljaar 2024-2025 op
31 juli 2025. Voor een rapport over een periode tellen alleen metingen over perioden die aan het eind
van die rapportperiode voorbij zijn. Ontbrekende cijfers tellen niet mee.

### De doelwaarde

- **Een niveau** ("minstens 60%", "maximaal 1.100 huishoudens"): de doelwaarde is dat niveau.
- **Een verandering** ("20% minder dan 244 nachten"): de doelwaarde rekenen we uit vanaf de
  nulmeting: 244 min 20% = 195,2 nachten.
- **Een plafond op groei** ("de kosten zijn maximaal 9% gestegen ten opzichte van € 2.864"): de
  doelwaarde is een bovengrens: € 2.864 plus 9% = € 3.121,76.
- **Gelijk blijven** ("gelijk op het niveau van 79,91"): de doelwaarde is de nulmeting. Omdat
  cijfers altijd wat schommelen, rekenen we een afwijking tot 2% (tenzij het plan iets anders zegt)
  nog als gelijk. "Gelijk of lager" is een bovengrens zonder marge.
- **Groei per jaar** ("stijgt met minimaal 10% per jaar"): elk jaar 10% bovenop het jaar ervoor,
  tot het doeljaar. Heeft het plan geen nulmeting, dan geldt de eerste meting als startpunt.
- **In elke wijk** ("in elke wijk minimaal vijf bewonersinitiatieven"): elke wijk moet het niveau
  halen; we beoordelen elke wijk apart.

### De rechte lijn

Tussen het startpunt en de doelwaarde in het doeljaar trekken we een rechte lijn (bij groei per
jaar een lijn die elk jaar met hetzelfde percentage stijgt). Die lijn zegt waar de waarde had
moeten staan op het moment van de laatste meting. We vergelijken een meting altijd met de lijn op
het moment van *die meting*, niet met vandaag: een gezondheidsmonitor die eens per vier jaar meet
beoordelen we dus naar de stand in het jaar van de meting, en we noemen altijd van wanneer de
laatste meting is.

### De status

- **Bereikt**: de laatste meting haalt de doelwaarde (bij "minstens" erop of erboven, bij
  "hoogstens" erop of eronder, bij "gelijk" binnen de marge). Bij doelen die al gehaald waren bij
  de start (gelijk blijven, een plafond op groei) is een doel pas bereikt als de meting over het
  doeljaar (of later) het haalt; daarvóór is zo'n doel op koers.
- **Op koers**: het doel is nog niet gehaald, maar de laatste meting ligt op of voorbij de rechte
  lijn. Bij een plafond op groei: de kosten liggen op of onder de rechte lijn naar het plafond.
- **Achter op schema**: de waarde beweegt de goede kant op (of staat stil), maar minder snel dan de
  rechte lijn. Bij een plafond op groei: de kosten stijgen sneller dan de lijn naar het plafond,
  maar zitten er nog onder.
- **Verkeerde richting**: de laatste meting staat verder van het doel af dan het startpunt: een
  daling waar een stijging nodig is (of omgekeerd), een waarde die buiten de marge van "gelijk
  blijven" is geraakt, of een plafond dat is overschreden.
- **Nog niet te beoordelen**: er is maar één meting en die geldt zelf als startpunt (het plan had
  geen nulmeting, of de nulmeting stond nog open); pas de volgende meting laat een richting zien.
- **Nulmeting ontbreekt**: het plan noemt de nulmeting nog niet (in het plan staat "x\\*": het
  cijfer kwam later beschikbaar) en er is nog geen meting over die periode. Zodra die meting er
  is, wordt zij de nulmeting en rekenen we de doelwaarde daarmee uit. Een meting over een latere
  periode tonen we wel, maar die vervangt de nulmeting niet: dat zou het doel veranderen.
- **Geen meting**: er is (na de nulmeting) nog geen meting.

### Doelen per wijk

Een doel dat voor elke wijk geldt, beoordelen we per wijk met dezelfde regels (met de nulmeting
van het plan als startpunt, of anders de eerste meting in die wijk). Het doel is bereikt als
elke wijk het haalt. Anders krijgt het doel de status van de wijk die er het slechtst voor staat
(verkeerde richting, dan achter op schema, dan een wijk zonder meting, dan nog niet te
beoordelen, dan op koers): een doel voor elke wijk is zo sterk als de zwakste wijk.

### De prognose

Zijn er minstens twee punten (de nulmeting telt mee), dan trekken we de best passende rechte lijn
door alle punten en verlengen die tot het doeljaar. Die prognose zegt of het doel gehaald wordt
als de ontwikkeling zo doorgaat. Het is een rekensom, geen voorspelling: bij weinig of
schommelende metingen is zij onzeker.

### Illustratieve en voorlopige cijfers

Illustratieve cijfers (geen echte registratie) en voorlopige cijfers van het CBS worden als zodanig
gemarkeerd; de status op basis van illustratieve cijfers zegt niets over de werkelijkheid.
"""

Source = Literal["plan", "plan_pending", "first_measurement"]


# ----- result types --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    """One counted measurement."""

    period: Period
    value: float
    illustrative: bool = False
    provisional: bool = False


@dataclass(frozen=True)
class DistrictAssessment:
    """Where one district stands for a goal that holds for every district."""

    district: str
    latest_value: float | None
    latest_period: Period | None
    meets: bool | None
    status: Status
    start_value: float | None = None
    expected_value: float | None = None


@dataclass(frozen=True)
class GoalAssessment:
    """Where one goal stands at a report period (see :data:`STATUS_RULES_NL`)."""

    goal_id: str
    report_period: Period
    kind: str
    comparison: str
    unit: str
    target_value: float | None
    target_period: Period
    baseline_value: float | None
    baseline_period: Period | None
    #: where the starting point comes from: ``plan`` (the plan's baseline), ``plan_pending`` (the
    #: plan said 'x*'; the measurement over that very period fills it in) or
    #: ``first_measurement`` (no baseline in the plan); None without a starting point
    baseline_source: Source | None
    expected_value: float | None  # on the path at the end of the report period
    expected_at_latest: float | None  # on the path at the end of the latest measurement's period
    latest_value: float | None
    latest_period: Period | None
    share_covered: float | None
    status: Status
    projection: float | None
    projection_meets_target: bool | None
    districts: tuple[DistrictAssessment, ...] = ()
    illustrative: bool = False
    latest_provisional: bool = False
    measurement_count: int = 0
    months_since_latest: int | None = None
    explanation_nl: str = ""

    def to_row(self) -> dict[str, object]:
        """One row of the summary table (see :func:`assess_goals` for the columns)."""
        return {
            "doel": self.goal_id,
            "status": self.status.label,
            "status_volgorde": self.status.order,
            "nulmeting": self.baseline_value,
            "nulmeting_periode": self.baseline_period.label_nl if self.baseline_period else None,
            "vergelijking": COMPARISON_NL[self.comparison],
            "doelwaarde": self.target_value,
            "doelperiode": self.target_period.label_nl,
            "verwacht": self.expected_value,
            "laatste_waarde": self.latest_value,
            "laatste_periode": self.latest_period.label_nl if self.latest_period else None,
            "aandeel_afgelegd": self.share_covered,
            "prognose": self.projection,
            "prognose_haalt_doel": self.projection_meets_target,
            "illustratief": self.illustrative,
            "toelichting": self.explanation_nl,
        }


# ----- preparing the measurements -----------------------------------------------------------------
def _as_period(value: Period | str | int) -> Period:
    return value if isinstance(value, Period) else parse_period(value)


def _truthy(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def _prepare(
    goal: Goal, measurements: pd.DataFrame | None, report: Period
) -> dict[str, list[Point]]:
    """Counted points per district (``""`` = whole municipality), sorted by period end."""
    if measurements is None or len(measurements) == 0:
        return {}
    missing = [c for c in ("periode", "waarde") if c not in measurements.columns]
    if missing:
        raise ValueError(
            f"metingen voor doel {goal.id} (reeks {goal.series}): kolom(men) {', '.join(missing)} "
            f"ontbreken; aanwezig: {', '.join(map(str, measurements.columns))}"
        )
    values = pd.to_numeric(measurements["waarde"], errors="coerce")
    bad = measurements["waarde"].notna() & values.isna()
    if bad.any():
        row = measurements.index[bad.to_numpy()][0]
        raise ValueError(
            f"metingen voor doel {goal.id} (reeks {goal.series}), rij {row}, kolom waarde: "
            f"{measurements.loc[row, 'waarde']!r} is geen getal"
        )
    areas = (
        measurements["gebied"].astype("string").fillna("").str.strip()
        if "gebied" in measurements.columns
        else pd.Series("", index=measurements.index, dtype="string")
    )
    periods: dict[str, Period] = {}
    out: dict[str, dict[str, Point]] = {}
    for pos, (row, label) in enumerate(measurements["periode"].items()):
        value = values.iloc[pos]
        if pd.isna(value):
            continue
        key = str(label)
        if key not in periods:
            try:
                periods[key] = parse_period(key)
            except PeriodError as exc:
                raise ValueError(
                    f"metingen voor doel {goal.id} (reeks {goal.series}), rij {row}, kolom periode: {exc}"
                ) from None
        period = periods[key]
        if not period.is_before_or_in(report):
            continue
        area = str(areas.iloc[pos])
        bucket = out.setdefault(area, {})
        if period.code in bucket:
            where = f"gebied '{area}'" if area else "hele gemeente"
            raise ValueError(
                f"metingen voor doel {goal.id} (reeks {goal.series}): meer dan één waarde voor "
                f"periode {period.code} ({where}); verwacht één rij per periode en gebied"
            )
        bucket[period.code] = Point(
            period,
            float(value),
            _truthy(measurements["illustratief"].iloc[pos])
            if "illustratief" in measurements
            else False,
            _truthy(measurements["voorlopig"].iloc[pos]) if "voorlopig" in measurements else False,
        )
    return {
        area: sorted(points.values(), key=lambda p: (p.period.end, p.period.start))
        for area, points in out.items()
    }


# ----- the arithmetic -----------------------------------------------------------------------------
def _t(period: Period) -> float:
    return period.decimal_year("end")


@dataclass(frozen=True)
class _Start:
    value: float
    period: Period | None
    source: Source
    point: Point | None = None  # the measurement that stands in for a missing baseline


@dataclass(frozen=True)
class _Rule:
    comparison: str
    target: float
    tolerance: float  # absolute, for equal

    @property
    def eps(self) -> float:
        return 1e-9 * max(1.0, abs(self.target))

    def meets(self, x: float) -> bool:
        return self.near(x, self.target)

    def near(self, x: float, reference: float) -> bool:
        """x is at or beyond ``reference`` in the goal's sense."""
        if self.comparison == "at_least":
            return x >= reference - self.eps
        if self.comparison == "at_most":
            return x <= reference + self.eps
        return abs(x - reference) <= self.tolerance + self.eps

    def gap(self, x: float) -> float:
        if self.comparison == "at_least":
            return max(0.0, self.target - x)
        if self.comparison == "at_most":
            return max(0.0, x - self.target)
        return max(0.0, abs(x - self.target) - self.tolerance)


def _resolve_target(goal: Goal, start: _Start | None) -> float | None:
    target = goal.target
    if target.kind in ("level", "every_district"):
        return target.value
    if start is None:
        return None
    if target.kind == "stay":
        return start.value
    if target.kind == "change":
        if target.percent is not None:
            return start.value * (1 + target.percent / 100)
        return start.value + target.amount
    # growth_per_year
    years = _years_to_target(goal, start)
    if target.percent is not None:
        return start.value * (1 + target.percent / 100) ** years
    return start.value + target.amount * years


def _years_to_target(goal: Goal, start: _Start) -> float:
    if start.period is None:
        return 0.0
    return max(0.0, _t(goal.target_period_obj) - _t(start.period))


def _path_value(goal: Goal, start: _Start, target: float, at: float) -> float:
    """The value on the path from the start to the target at time ``at`` (decimal year).

    A level the start already meets ("minstens 50%" from 55%) has no path: the bound itself holds
    all the time. Only a change ("maximaal 9% gestegen") moves its bound along a line.
    """
    if start.period is None:
        return target
    if goal.target.kind in ("level", "every_district", "stay") and _rule(goal, target).meets(
        start.value
    ):
        return target
    t0, t1 = _t(start.period), _t(goal.target_period_obj)
    if at <= t0:
        return start.value
    if at >= t1 or t1 <= t0:
        return target
    if goal.target.kind == "growth_per_year" and goal.target.percent is not None:
        return start.value * (1 + goal.target.percent / 100) ** (at - t0)
    return start.value + (target - start.value) * (at - t0) / (t1 - t0)


def _projection(goal: Goal, start: _Start, after: Sequence[Point]) -> float | None:
    """Least-squares line through the start and the later measurements, at the target period."""
    if start.period is None:
        return None
    xs = [_t(start.period), *(_t(p.period) for p in after)]
    ys = [start.value, *(p.value for p in after)]
    if len(set(xs)) < 2:
        return None
    slope, intercept = np.polyfit(np.asarray(xs), np.asarray(ys), 1)
    return float(slope * _t(goal.target_period_obj) + intercept)


def _start_and_after(goal: Goal, points: Sequence[Point]) -> tuple[_Start | None, list[Point]]:
    """The starting point and the measurements after it."""
    baseline = goal.baseline
    status = goal.baseline_status
    if status == "known":
        bp = baseline.period_obj
        return _Start(baseline.value, bp, "plan"), [p for p in points if p.period.end > bp.end]
    if status == "pending":
        # Only a measurement over the baseline period itself can fill in the plan's 'x*': a later
        # period would change the goal ('10% lower than in 2023-2024').
        bp = baseline.period_obj
        over = [p for p in points if bp is not None and p.period.start == bp.start and p.period.end == bp.end]
        if not over:
            return None, []
        candidates = [over[0], *(p for p in points if p.period.end > over[0].period.end)]
        source: Source = "plan_pending"
    else:
        candidates = list(points)
        source = "first_measurement"
    if not candidates:
        return None, []
    first = candidates[0]
    return _Start(first.value, first.period, source, first), [
        p for p in candidates[1:] if p.period.end > first.period.end
    ]


@dataclass(frozen=True)
class _SeriesResult:
    status: Status
    latest: Point | None
    expected_at_latest: float | None


def _judge(
    goal: Goal, rule: _Rule | None, start: _Start | None, after: Sequence[Point]
) -> _SeriesResult:
    """The status rules of STATUS_RULES_NL for one series."""
    if start is None or rule is None:
        missing = goal.baseline_status == "pending"
        return _SeriesResult(
            Status.NULMETING_ONTBREEKT if missing else Status.GEEN_METING, None, None
        )
    if not after:
        if start.source == "plan":
            return _SeriesResult(Status.GEEN_METING, None, None)
        only = start.point
        if goal.target.kind in ("level", "every_district") and rule.meets(start.value):
            return _SeriesResult(Status.BEREIKT, only, rule.target)
        return _SeriesResult(Status.NOG_NIET_TE_BEOORDELEN, only, start.value)

    latest = after[-1]
    expected = _path_value(goal, start, rule.target, _t(latest.period))
    hold = goal.target.kind == "stay" or (start.source == "plan" and rule.meets(start.value))
    if hold:
        at_target = latest.period.end >= goal.target_period_obj.start
        if at_target:
            status = Status.BEREIKT if rule.meets(latest.value) else Status.VERKEERDE_RICHTING
        elif rule.near(latest.value, expected):
            status = Status.OP_KOERS
        elif rule.meets(latest.value):
            status = Status.ACHTER_OP_SCHEMA
        else:
            status = Status.VERKEERDE_RICHTING
    elif rule.meets(latest.value):
        status = Status.BEREIKT
    elif rule.near(latest.value, expected):
        status = Status.OP_KOERS
    elif rule.gap(latest.value) > rule.gap(start.value) + rule.eps:
        status = Status.VERKEERDE_RICHTING
    else:
        status = Status.ACHTER_OP_SCHEMA
    return _SeriesResult(status, latest, expected)


def _rule(goal: Goal, target: float | None) -> _Rule | None:
    if target is None:
        return None
    tolerance = abs(target) * goal.tolerance_percent / 100
    return _Rule(goal.comparison, target, tolerance)


def _months_between(earlier: Period, later: Period) -> int:
    return (later.end.year - earlier.end.year) * 12 + later.end.month - earlier.end.month


# ----- Dutch text -----------------------------------------------------------------------------
def _num(x: float) -> str:
    return format_decimal(round(x, 2) + 0.0, locale="nl_NL", format="#,##0.##")


def format_value(x: float | None, unit: str) -> str:
    """A value with its unit, rounded as in the report's tables (:func:`tussenstand.nlformat.fmt_value`):
    ``23,7%``, ``€ 2.864``, ``195,2 nachten``, ``640 per 10.000 inwoners``."""
    from tussenstand.nlformat import fmt_value

    return fmt_value(x, unit, with_unit=True, missing="onbekend")


def _per_district_unit(unit: str) -> str:
    """'aantal per wijk' says 'per wijk' once: 'in elke wijk minstens 1', 'Wijk 4 (0)'."""
    return "aantal" if unit.strip() == "aantal per wijk" else unit


def _when(period: Period | None) -> str:
    return period.label_nl if period is not None else "onbekende periode"


def _target_phrase(goal: Goal, target: float | None, start: _Start | None) -> str:
    t = goal.target
    unit = goal.unit
    comp = COMPARISON_NL[goal.comparison]
    tp = goal.target_period_obj.label_nl
    start_txt = (
        f"{format_value(start.value, unit)} in {_when(start.period)}" if start is not None else None
    )
    if t.kind == "every_district":
        return f"in elke wijk {comp} {format_value(t.value, _per_district_unit(unit))} in {tp}"
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


def _explain(goal: Goal, a: dict, start: _Start | None, report: Period) -> str:
    unit = goal.unit
    status: Status = a["status"]
    target = a["target_value"]
    phrase = _target_phrase(goal, target, start)
    latest_v, latest_p = a["latest_value"], a["latest_period"]
    lead = status.label[0].upper() + status.label[1:]
    latest_txt = f"de laatste meting ({_when(latest_p)}) is {format_value(latest_v, unit)}"
    if status == Status.BEREIKT:
        main = f"{lead}: {latest_txt}; het doel is {phrase}."
    elif status in (Status.OP_KOERS, Status.ACHTER_OP_SCHEMA):
        sloped = abs(a["expected_at_latest"] - target) > 1e-9 * max(1.0, abs(target))
        if sloped:
            main = (
                f"{lead}: {latest_txt}, en op de rechte lijn van het startpunt naar het doel hoort daar "
                f"{_expect_word(goal.comparison)} {format_value(a['expected_at_latest'], unit)} bij"
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
    months = a["months_since_latest"]
    if latest_p is not None and months is not None and months >= 12:
        freq = goal.measurement.frequency
        src = goal.measurement.source
        how = (
            f" ({src}, {freq.lower()})" if freq and src else (f" ({freq.lower()})" if freq else "")
        )
        notes.append(f"Let op: de laatste meting is van {_when(latest_p)}{how}.")
    if a["projection"] is not None and status not in (Status.BEREIKT,):
        verdict = "dan gehaald" if a["projection_meets_target"] else "dan niet gehaald"
        notes.append(
            f"Zet de lijn van de metingen door, dan komt de waarde in "
            f"{goal.target_period_obj.label_nl} uit op {format_value(a['projection'], unit)}: "
            f"het doel wordt {verdict}."
        )
    if a["latest_provisional"]:
        notes.append("Het laatste cijfer is voorlopig.")
    if a["illustrative"]:
        notes.append("Let op: dit zijn illustratieve cijfers, geen echte registratie.")
    return " ".join([main, *notes])


def _explain_districts(
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
    for st in _DISTRICT_SEVERITY:
        if st in groups:
            names = ", ".join(
                d.district
                + (
                    f" ({format_value(d.latest_value, _per_district_unit(goal.unit))})"
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


# ----- public API -----------------------------------------------------------------------------
def assess_goal(
    goal: Goal, measurements: pd.DataFrame | None, report_period: Period | str
) -> GoalAssessment:
    """Assess one goal at ``report_period`` from the tidy measurements of its series.

    ``measurements`` has at least ``periode`` (period label) and ``waarde`` (float, NaN = missing);
    optionally ``gebied`` (district, ``""`` = whole municipality), ``illustratief`` and
    ``voorlopig``. Only measurements over periods that have ended by the end of ``report_period``
    count. The rules are those of :data:`STATUS_RULES_NL`.
    """
    report = _as_period(report_period)
    data = _prepare(goal, measurements, report)
    if goal.target.kind == "every_district":
        return _assess_districts(goal, data, report)

    points = data.get("", [])
    start, after = _start_and_after(goal, points)
    target = _resolve_target(goal, start)
    rule = _rule(goal, target)
    result = _judge(goal, rule, start, after)
    counted_points = (
        [start.point] if start is not None and start.point is not None else []
    ) + list(after)

    latest = result.latest
    if latest is None and result.status == Status.NULMETING_ONTBREEKT and points:
        latest = points[-1]  # shown, not judged: without the baseline there is no target value
        counted_points = [latest]
    expected = (
        _path_value(goal, start, target, _t(report))
        if start is not None and target is not None
        else None
    )
    share = None
    if (
        latest is not None
        and start is not None
        and target is not None
        and latest.period != start.period
    ):
        span = target - start.value
        if abs(span) > 1e-9 * max(1.0, abs(target)):
            share = (latest.value - start.value) / span
    projection = _projection(goal, start, after) if start is not None and after else None
    a = {
        "status": result.status,
        "target_value": target,
        "latest_value": latest.value if latest else None,
        "latest_period": latest.period if latest else None,
        "expected_at_latest": result.expected_at_latest,
        "months_since_latest": _months_between(latest.period, report) if latest else None,
        "projection": projection,
        "projection_meets_target": rule.meets(projection)
        if projection is not None and rule
        else None,
        "latest_provisional": bool(latest and latest.provisional),
        "illustrative": any(p.illustrative for p in counted_points),
    }
    return GoalAssessment(
        goal_id=goal.id,
        report_period=report,
        kind=goal.target.kind,
        comparison=goal.comparison,
        unit=goal.unit,
        target_value=target,
        target_period=goal.target_period_obj,
        baseline_value=start.value if start else None,
        baseline_period=start.period
        if start
        else (goal.baseline.period_obj if goal.baseline else None),
        baseline_source=start.source if start else None,
        expected_value=expected,
        expected_at_latest=result.expected_at_latest,
        latest_value=a["latest_value"],
        latest_period=a["latest_period"],
        share_covered=share,
        status=result.status,
        projection=projection,
        projection_meets_target=a["projection_meets_target"],
        illustrative=a["illustrative"],
        latest_provisional=a["latest_provisional"],
        measurement_count=len(counted_points),
        months_since_latest=a["months_since_latest"],
        explanation_nl=_explain(goal, a, start, report),
    )


def _assess_districts(goal: Goal, data: dict[str, list[Point]], report: Period) -> GoalAssessment:
    names = list(goal.measurement.districts or sorted(a for a in data if a))
    rule = _rule(goal, goal.target.value)
    rows: list[DistrictAssessment] = []
    illustrative = False
    count = 0
    for name in names:
        points = data.get(name, [])
        count += len(points)
        illustrative = illustrative or any(p.illustrative for p in points)
        start, after = _start_and_after(goal, points)
        if not points:
            rows.append(DistrictAssessment(name, None, None, None, Status.GEEN_METING))
            continue
        result = _judge(goal, rule, start, after)
        latest = result.latest
        if latest is None:  # plan baseline, but nothing after it in this district
            rows.append(DistrictAssessment(name, None, None, None, Status.GEEN_METING, start.value))
            continue
        rows.append(
            DistrictAssessment(
                name,
                latest.value,
                latest.period,
                rule.meets(latest.value),
                result.status,
                start.value if start else None,
                result.expected_at_latest,
            )
        )
    measured = [d for d in rows if d.latest_value is not None]
    if not measured:
        status = Status.GEEN_METING
    elif all(d.status == Status.BEREIKT for d in rows):
        status = Status.BEREIKT
    else:
        status = next(s for s in _DISTRICT_SEVERITY if any(d.status == s for d in rows))
    if measured:
        pick = min if goal.comparison == "at_least" else max
        weakest = pick(measured, key=lambda d: d.latest_value)
        latest_period = max((d.latest_period for d in measured), key=lambda p: p.end)
    else:
        weakest, latest_period = None, None
    baseline = goal.baseline if goal.baseline_status == "known" else None
    expected = None
    if baseline is not None:
        start = _Start(baseline.value, baseline.period_obj, "plan")
        expected = _path_value(goal, start, goal.target.value, _t(report))
    return GoalAssessment(
        goal_id=goal.id,
        report_period=report,
        kind=goal.target.kind,
        comparison=goal.comparison,
        unit=goal.unit,
        target_value=goal.target.value,
        target_period=goal.target_period_obj,
        baseline_value=baseline.value if baseline else None,
        baseline_period=baseline.period_obj if baseline else None,
        baseline_source="plan" if baseline else None,
        expected_value=expected,
        expected_at_latest=None,
        latest_value=weakest.latest_value if weakest else None,
        latest_period=latest_period,
        share_covered=(sum(1 for d in rows if d.meets) / len(rows)) if rows and measured else None,
        status=status,
        projection=None,
        projection_meets_target=None,
        districts=tuple(rows),
        illustrative=illustrative,
        measurement_count=count,
        months_since_latest=_months_between(latest_period, report) if latest_period else None,
        explanation_nl=_explain_districts(goal, status, rows, report, illustrative),
    )


SUMMARY_COLUMNS = (
    "doel",
    "thema",
    "indicator",
    "eenheid",
    "status",
    "status_volgorde",
    "nulmeting",
    "nulmeting_periode",
    "vergelijking",
    "doelwaarde",
    "doelperiode",
    "verwacht",
    "laatste_waarde",
    "laatste_periode",
    "aandeel_afgelegd",
    "prognose",
    "prognose_haalt_doel",
    "illustratief",
    "toelichting",
)


def assess_goals(
    goals: Iterable[Goal],
    measurements: Mapping[str, pd.DataFrame] | pd.DataFrame,
    report_period: Period | str,
) -> pd.DataFrame:
    """The summary table: one row per goal, in the order given.

    ``measurements`` is either a mapping series code -> measurements, or one tidy frame with an
    ``indicator`` column (the series code). Columns (Dutch, as the report shows them):

    ``doel`` goal id, ``thema``, ``indicator`` (the plan's indicator text), ``eenheid``,
    ``status`` (the Dutch label, an ordered categorical in :meth:`Status.ordered` order),
    ``status_volgorde`` (int), ``nulmeting`` and ``nulmeting_periode`` (the starting point actually
    used, with its period as a Dutch label), ``vergelijking`` (minstens / hoogstens / gelijk aan),
    ``doelwaarde``, ``doelperiode``, ``verwacht`` (on the straight path at the end of the report
    period), ``laatste_waarde``, ``laatste_periode``, ``aandeel_afgelegd`` (fraction of the way from
    start to target; for goals per district the share of districts that meet the level),
    ``prognose`` and ``prognose_haalt_doel``, ``illustratief``, ``toelichting`` (the Dutch
    explanation).
    """
    report = _as_period(report_period)
    if isinstance(measurements, pd.DataFrame):
        if "indicator" not in measurements.columns:
            raise ValueError("metingen: kolom 'indicator' (de reekscode) ontbreekt")
        by_series = {str(k): g for k, g in measurements.groupby("indicator", sort=False)}
    else:
        by_series = dict(measurements)
    rows = []
    for goal in goals:
        assessment = assess_goal(goal, by_series.get(goal.series), report)
        row = assessment.to_row()
        row.update({"thema": goal.theme, "indicator": goal.indicator, "eenheid": goal.unit})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    frame["status"] = pd.Categorical(
        frame["status"], categories=[s.label for s in Status.ordered()], ordered=True
    )
    return frame


__all__ = [
    "STATUS_RULES_NL",
    "SUMMARY_COLUMNS",
    "DistrictAssessment",
    "GoalAssessment",
    "Point",
    "Status",
    "assess_goal",
    "assess_goals",
    "format_value",
]
