"""What the progress engine hands on: the assessment of one goal at one report period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.goals import COMPARISON_NL
from tussenstand.nlformat import MISSING
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
    #: a small count of persons (``onderdrukt``): the status is judged on it, a reader never
    #: sees it nor anything computed from it
    suppressed: bool = False


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
    #: ``latest_value`` is a small count (published as '< 10')
    suppressed: bool = False
    #: ``start_value`` (a first measurement) is a small count, and so ``expected_value`` too
    start_suppressed: bool = False


#: the values of an assessment that can be suppressed (they are, or are computed from, a count)
SUPPRESSIBLE = (
    "baseline_value",
    "target_value",
    "expected_value",
    "expected_at_latest",
    "latest_value",
)

#: of those, the ones that are measurements themselves (a small one is '< 10'); the others are
#: computed from the starting point
MEASURED = ("baseline_value", "latest_value")


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
    #: the fields (of :data:`SUPPRESSIBLE`) whose values a reader may not see: a small count, or
    #: a value computed from one (a target or straight path from a suppressed starting point)
    suppressed: frozenset[str] = frozenset()
    #: no projection (and no share covered) was computed: it would rest on a suppressed count
    projection_withheld: bool = False
    #: the small-numbers threshold the suppression used (``onthulling.drempel``)
    threshold: int = DEFAULT_THRESHOLD

    def is_suppressed(self, name: str) -> bool:
        """Whether the value of field ``name`` may not be shown."""
        if name not in SUPPRESSIBLE:
            raise ValueError(
                f"{name!r} is geen waarde van een beoordeling; kies uit {SUPPRESSIBLE}"
            )
        return name in self.suppressed

    def published(self, name: str) -> float | None:
        """The value of field ``name`` as it may be shown (drawn, written to a CSV): None when it
        is suppressed."""
        return None if self.is_suppressed(name) else getattr(self, name)

    def text(
        self, name: str, unit: str | None = None, *, with_unit: bool = False, missing: str = MISSING
    ) -> str:
        """The value of field ``name`` as a reader sees it, through
        :func:`tussenstand.disclosure.format_published_value`: a suppressed count (the latest
        measurement, a starting point) reads ``< 10``, a suppressed value computed from one (the
        target, the straight path) ``onderdrukt``."""
        return format_published_value(
            getattr(self, name),
            self.unit if unit is None else unit,
            self.is_suppressed(name),
            self.threshold,
            computed=name not in MEASURED,
            with_unit=with_unit,
            missing=missing,
        )

    def to_row(self) -> dict[str, object]:
        """One row of the summary table (see :func:`assess_goals` for the columns); suppressed
        values are empty."""
        return {
            "doel": self.goal_id,
            "status": self.status.label,
            "status_volgorde": self.status.order,
            "nulmeting": self.published("baseline_value"),
            "nulmeting_periode": self.baseline_period.label_nl if self.baseline_period else None,
            "vergelijking": COMPARISON_NL[self.comparison],
            "doelwaarde": self.published("target_value"),
            "doelperiode": self.target_period.label_nl,
            "verwacht": self.published("expected_value"),
            "laatste_waarde": self.published("latest_value"),
            "laatste_periode": self.latest_period.label_nl if self.latest_period else None,
            "aandeel_afgelegd": self.share_covered,
            "prognose": self.projection,
            "prognose_haalt_doel": self.projection_meets_target,
            "illustratief": self.illustrative,
            "toelichting": self.explanation_nl,
        }
