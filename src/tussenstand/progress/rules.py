"""The arithmetic of the status rules: target, straight path, status and projection of one series.

Every function here follows :data:`tussenstand.progress.status.STATUS_RULES_NL`. Time runs on a
continuous year axis and a value counts at the *end* of its period (:func:`time_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tussenstand.goals import Goal
from tussenstand.periods import Period
from tussenstand.progress.assessment import Point, Source
from tussenstand.progress.status import Status


def time_of(period: Period) -> float:
    return period.decimal_year("end")


@dataclass(frozen=True)
class Start:
    value: float
    period: Period | None
    source: Source
    point: Point | None = None  # the measurement that stands in for a missing baseline


@dataclass(frozen=True)
class Rule:
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


def resolve_target(goal: Goal, start: Start | None) -> float | None:
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
    years = years_to_target(goal, start)
    if target.percent is not None:
        return start.value * (1 + target.percent / 100) ** years
    return start.value + target.amount * years


def years_to_target(goal: Goal, start: Start) -> float:
    if start.period is None:
        return 0.0
    return max(0.0, time_of(goal.target_period_obj) - time_of(start.period))


def path_value(goal: Goal, start: Start, target: float, at: float) -> float:
    """The value on the path from the start to the target at time ``at`` (decimal year).

    A level the start already meets ("minstens 50%" from 55%) has no path: the bound itself holds
    all the time. Only a change ("maximaal 9% gestegen") moves its bound along a line.
    """
    if start.period is None:
        return target
    if goal.target.kind in ("level", "every_district", "stay") and rule_for(goal, target).meets(
        start.value
    ):
        return target
    t0, t1 = time_of(start.period), time_of(goal.target_period_obj)
    if at <= t0:
        return start.value
    if at >= t1 or t1 <= t0:
        return target
    if goal.target.kind == "growth_per_year" and goal.target.percent is not None:
        return start.value * (1 + goal.target.percent / 100) ** (at - t0)
    return start.value + (target - start.value) * (at - t0) / (t1 - t0)


def projection_at_target(goal: Goal, start: Start, after: Sequence[Point]) -> float | None:
    """Least-squares line through the start and the later measurements, at the target period."""
    if start.period is None:
        return None
    xs = [time_of(start.period), *(time_of(p.period) for p in after)]
    ys = [start.value, *(p.value for p in after)]
    if len(set(xs)) < 2:
        return None
    slope, intercept = np.polyfit(np.asarray(xs), np.asarray(ys), 1)
    return float(slope * time_of(goal.target_period_obj) + intercept)


def start_and_after(goal: Goal, points: Sequence[Point]) -> tuple[Start | None, list[Point]]:
    """The starting point and the measurements after it."""
    baseline = goal.baseline
    status = goal.baseline_status
    if status == "known":
        bp = baseline.period_obj
        return Start(baseline.value, bp, "plan"), [p for p in points if p.period.end > bp.end]
    if status == "pending":
        # Only a measurement over the baseline period itself can fill in the plan's 'x*': a later
        # period would change the goal ('10% lower than in 2023-2024').
        bp = baseline.period_obj
        over = [
            p
            for p in points
            if bp is not None and p.period.start == bp.start and p.period.end == bp.end
        ]
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
    return Start(first.value, first.period, source, first), [
        p for p in candidates[1:] if p.period.end > first.period.end
    ]


@dataclass(frozen=True)
class SeriesResult:
    status: Status
    latest: Point | None
    expected_at_latest: float | None


def judge(
    goal: Goal, rule: Rule | None, start: Start | None, after: Sequence[Point]
) -> SeriesResult:
    """The status rules of STATUS_RULES_NL for one series."""
    if start is None or rule is None:
        missing = goal.baseline_status == "pending"
        return SeriesResult(
            Status.NULMETING_ONTBREEKT if missing else Status.GEEN_METING, None, None
        )
    if not after:
        if start.source == "plan":
            return SeriesResult(Status.GEEN_METING, None, None)
        only = start.point
        if goal.target.kind in ("level", "every_district") and rule.meets(start.value):
            return SeriesResult(Status.BEREIKT, only, rule.target)
        return SeriesResult(Status.NOG_NIET_TE_BEOORDELEN, only, start.value)

    latest = after[-1]
    expected = path_value(goal, start, rule.target, time_of(latest.period))
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
    return SeriesResult(status, latest, expected)


def rule_for(goal: Goal, target: float | None) -> Rule | None:
    if target is None:
        return None
    tolerance = abs(target) * goal.tolerance_percent / 100
    return Rule(goal.comparison, target, tolerance)


def months_between(earlier: Period, later: Period) -> int:
    return (later.end.year - earlier.end.year) * 12 + later.end.month - earlier.end.month
