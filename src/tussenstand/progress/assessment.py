"""What the progress engine hands on: the assessment of one goal at one report period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tussenstand.goals import COMPARISON_NL
from tussenstand.periods import Period
from tussenstand.progress.status import Status

#: Where the starting point of a goal comes from: the plan's baseline (``plan``), the measurement
#: over the period the plan left open with 'x*' (``plan_pending``) or, without a baseline in the
#: plan, the first measurement (``first_measurement``).
Source = Literal["plan", "plan_pending", "first_measurement"]


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
