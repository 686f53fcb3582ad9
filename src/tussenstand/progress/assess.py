"""The progress engine: where does a goal stand at a report period?

:func:`assess_goal` takes one :class:`~tussenstand.goals.Goal`, the tidy measurements of its series
and a report period, and returns a :class:`~tussenstand.progress.assessment.GoalAssessment`: the
resolved target, the value expected on the straight path from the starting point to the target,
the latest measurement, a status and one Dutch explanation. :func:`assess_goals` makes the summary
table of a plan.

Time axis: a value counts at the *end* of its period (the baseline of 2023 at 31-12-2023, the target
of 2027 at 31-12-2027, a measurement of school year 2024-2025 at 31-07-2025).

Small numbers: a measurement flagged ``onderdrukt`` (or, without that column, a count of persons
below the threshold) is judged on like any other, but the assessment says which of its values a
reader may not see (:attr:`GoalAssessment.suppressed`), and computes no projection and no share
covered from it (:attr:`GoalAssessment.projection_withheld`): with the other points published,
either would give the small count back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from tussenstand.disclosure import DEFAULT_THRESHOLD, is_person_count_unit
from tussenstand.goals import Goal
from tussenstand.periods import Period, PeriodError, parse_period
from tussenstand.progress.assessment import DistrictAssessment, GoalAssessment, Point
from tussenstand.progress.explain import explain, explain_districts
from tussenstand.progress.rules import (
    Start,
    judge,
    months_between,
    path_value,
    projection_at_target,
    resolve_target,
    rule_for,
    start_and_after,
    time_of,
)
from tussenstand.progress.status import DISTRICT_SEVERITY, Status


def _as_period(value: Period | str | int) -> Period:
    return value if isinstance(value, Period) else parse_period(value)


def _truthy(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def _prepare(
    goal: Goal, measurements: pd.DataFrame | None, report: Period, threshold: int
) -> dict[str, list[Point]]:
    """Counted points per district (``""`` = whole municipality), sorted by period end; a point is
    suppressed when its row is ``onderdrukt`` or it is a count of persons (by the goal's unit)
    below ``threshold``."""
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
    flagged = (
        measurements["onderdrukt"].map(_truthy)
        if "onderdrukt" in measurements.columns
        else pd.Series(False, index=measurements.index)
    )
    counts_persons = is_person_count_unit(goal.unit)
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
            bool(flagged.iloc[pos]) or (counts_persons and 0 < value < threshold),
        )
    return {
        area: sorted(points.values(), key=lambda p: (p.period.end, p.period.start))
        for area, points in out.items()
    }


def assess_goal(
    goal: Goal,
    measurements: pd.DataFrame | None,
    report_period: Period | str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> GoalAssessment:
    """Assess one goal at ``report_period`` from the tidy measurements of its series.

    ``measurements`` has at least ``periode`` (period label) and ``waarde`` (float, NaN = missing);
    optionally ``gebied`` (district, ``""`` = whole municipality), ``illustratief`` and
    ``voorlopig`` and ``onderdrukt``. Only measurements over periods that have ended by the end of
    ``report_period`` count. The rules are those of
    :data:`~tussenstand.progress.status.STATUS_RULES_NL`. ``threshold`` is the small-numbers
    threshold (``onthulling.drempel``): without an ``onderdrukt`` column, counts of persons below
    it are suppressed.
    """
    report = _as_period(report_period)
    data = _prepare(goal, measurements, report, threshold)
    if goal.target.kind == "every_district":
        return _assess_districts(goal, data, report, threshold)
    assessment = _assess_series(goal, data.get("", []), report, threshold)
    return replace(assessment, explanation_nl=explain(goal, assessment))


def _suppressed_fields(goal: Goal, start: Start | None, latest: Point | None) -> frozenset[str]:
    """The values of the assessment a reader may not see: the latest measurement when it is a
    small count; a starting point that is a small count (a first measurement, or the measurement
    that filled in the plan's 'x*'), with the straight path from it and a target computed from it.
    """
    hidden: set[str] = set()
    if latest is not None and latest.suppressed:
        hidden.add("latest_value")
    if start is not None and start.point is not None and start.point.suppressed:
        hidden |= {"baseline_value", "expected_value", "expected_at_latest"}
        if goal.target.kind not in ("level", "every_district"):
            hidden.add("target_value")  # 10% lower than the start, the start itself, ...
    return frozenset(hidden)


def _assess_series(
    goal: Goal, points: list[Point], report: Period, threshold: int
) -> GoalAssessment:
    """The status rules on the whole-municipality series of ``goal`` (no explanation yet)."""
    start, after = start_and_after(goal, points)
    target = resolve_target(goal, start)
    rule = rule_for(goal, target)
    result = judge(goal, rule, start, after)
    counted = ([start.point] if start is not None and start.point is not None else []) + list(after)
    latest = result.latest
    if latest is None and result.status == Status.NULMETING_ONTBREEKT and points:
        latest = points[-1]  # shown, not judged: without the baseline there is no target value
        counted = [latest]
    hidden = _suppressed_fields(goal, start, latest)
    # A projection is a weighted sum of all points, the share covered a ratio of the latest and the
    # start: with the other values published, either gives a suppressed count back.
    withheld = any(p.suppressed for p in counted)
    projection = (
        projection_at_target(goal, start, after)
        if start is not None and after and not withheld
        else None
    )
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
        expected_value=(
            path_value(goal, start, target, time_of(report))
            if start is not None and target is not None
            else None
        ),
        expected_at_latest=result.expected_at_latest,
        latest_value=latest.value if latest else None,
        latest_period=latest.period if latest else None,
        share_covered=(
            None
            if hidden & {"latest_value", "baseline_value"}
            else _share_covered(start, target, latest)
        ),
        status=result.status,
        projection=projection,
        projection_meets_target=rule.meets(projection) if projection is not None and rule else None,
        illustrative=any(p.illustrative for p in counted),
        latest_provisional=bool(latest and latest.provisional),
        measurement_count=len(counted),
        months_since_latest=months_between(latest.period, report) if latest else None,
        suppressed=hidden,
        projection_withheld=withheld and start is not None and bool(after),
        threshold=threshold,
    )


def _share_covered(start: Start | None, target: float | None, latest: Point | None) -> float | None:
    """How far the latest measurement has come from the start towards the target (0 = start,
    1 = target); None without a movement to measure."""
    if latest is None or start is None or target is None or latest.period == start.period:
        return None
    span = target - start.value
    if abs(span) <= 1e-9 * max(1.0, abs(target)):
        return None
    return (latest.value - start.value) / span


def _assess_districts(
    goal: Goal, data: dict[str, list[Point]], report: Period, threshold: int
) -> GoalAssessment:
    names = list(goal.measurement.districts or sorted(a for a in data if a))
    rule = rule_for(goal, goal.target.value)
    rows: list[DistrictAssessment] = []
    illustrative = False
    count = 0
    for name in names:
        points = data.get(name, [])
        count += len(points)
        illustrative = illustrative or any(p.illustrative for p in points)
        start, after = start_and_after(goal, points)
        if not points:
            rows.append(DistrictAssessment(name, None, None, None, Status.GEEN_METING))
            continue
        result = judge(goal, rule, start, after)
        latest = result.latest
        start_hidden = bool(start and start.point is not None and start.point.suppressed)
        if latest is None:  # plan baseline, but nothing after it in this district
            rows.append(
                DistrictAssessment(
                    name,
                    None,
                    None,
                    None,
                    Status.GEEN_METING,
                    start.value,
                    start_suppressed=start_hidden,
                )
            )
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
                suppressed=latest.suppressed,
                start_suppressed=start_hidden,
            )
        )
    measured = [d for d in rows if d.latest_value is not None]
    if not measured:
        status = Status.GEEN_METING
    elif all(d.status == Status.BEREIKT for d in rows):
        status = Status.BEREIKT
    else:
        status = next(s for s in DISTRICT_SEVERITY if any(d.status == s for d in rows))
    if measured:
        pick = min if goal.comparison == "at_least" else max
        weakest = pick(measured, key=lambda d: d.latest_value)
        latest_period = max((d.latest_period for d in measured), key=lambda p: p.end)
    else:
        weakest, latest_period = None, None
    baseline = goal.baseline if goal.baseline_status == "known" else None
    expected = None
    if baseline is not None:
        start = Start(baseline.value, baseline.period_obj, "plan")
        expected = path_value(goal, start, goal.target.value, time_of(report))
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
        months_since_latest=months_between(latest_period, report) if latest_period else None,
        explanation_nl=explain_districts(goal, status, rows, report, illustrative, threshold),
        suppressed=frozenset({"latest_value"}) if weakest and weakest.suppressed else frozenset(),
        threshold=threshold,
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
    *,
    threshold: int = DEFAULT_THRESHOLD,
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
    explanation). Values a reader may not see (small counts and what is computed from them) are
    empty.
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
        assessment = assess_goal(goal, by_series.get(goal.series), report, threshold=threshold)
        row = assessment.to_row()
        row.update({"thema": goal.theme, "indicator": goal.indicator, "eenheid": goal.unit})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    frame["status"] = pd.Categorical(
        frame["status"], categories=[s.label for s in Status.ordered()], ordered=True
    )
    return frame
