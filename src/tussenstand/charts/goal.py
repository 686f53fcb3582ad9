"""The goal chart: a goal's measurements with its baseline, target, the straight expected path and
the projection; a goal per district becomes a bar per district.

The reference points come from the goal's assessment (:class:`tussenstand.progress.GoalAssessment`):
the chart draws what the assessment judged, it never judges itself. What the assessment marks as
suppressed (a small count, or a value computed from one) is neither drawn nor written to the CSV,
and the alt text gives it as ``< 10`` (:func:`tussenstand.disclosure.format_published_value`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes

from tussenstand.charts.annotate import gap_notes
from tussenstand.charts.bars import district_goal_chart
from tussenstand.charts.prepare import as_flag, chart_unit, prepare, public_columns, segments
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import (
    COLORS,
    format_value_axis,
    legend_below,
    new_figure,
    set_title,
    styled,
)
from tussenstand.charts.timeaxis import add_period_columns, as_period, period_x, set_period_ticks
from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.nlformat import fmt_period
from tussenstand.periods import Period

if TYPE_CHECKING:  # annotations only: the chart package does not need the analysis at run time
    from tussenstand.goals import Goal
    from tussenstand.progress import GoalAssessment


def goal_chart(
    measurements: pd.DataFrame,
    assessment: GoalAssessment,
    goal: Goal | None = None,
    *,
    title: str,
    unit: str | None = None,
    target_period: Period | str | None = None,
    goal_label: str | None = None,
    source: str | None = None,
    period_col: str = "periode",
    value_col: str = "waarde",
) -> ChartResult:
    """A goal: measurements, baseline, target, the straight expected path and the projection.

    ``assessment`` gives the reference points: baseline, target, the latest measurement, the value
    expected on the straight path (at the latest measurement, else at the report period), the
    projection and the status. ``goal`` (the framework goal) names the indicator when there is no
    ``goal_label``; ``unit`` defaults to the assessment's and ``target_period`` overrides the
    assessment's. Measurements per district (non-empty ``gebied``) give a
    :func:`district_goal_chart` with the target as level line. ``source`` (e.g. the plan's name)
    is added to the source line for the baseline and target, and is the whole source line when
    there is no measurement yet.
    """
    if _per_district(measurements):
        return district_goal_chart(
            measurements,
            _finite(assessment.target_value),
            title=title,
            unit=unit or assessment.unit,
            value_col=value_col,
            period_col=period_col,
            threshold=assessment.threshold,
        )
    data = prepare(measurements, [period_col], "doelgrafiek", value_col)
    data = add_period_columns(data, period_col, "doelgrafiek")
    unit = unit if unit is not None else (assessment.unit or chart_unit(data, None))
    label = goal_label or (goal.indicator if goal is not None else None) or "meting"
    points = GoalPoints.of(assessment, target_period)

    with styled():
        fig, ax = new_figure(legend_row=True)
        _plot_measurements(ax, data, value_col)
        _plot_reference(ax, points)
        set_period_ticks(
            ax,
            [*data["_period"], *(p for p in (points.baseline_period, points.target_period) if p)],
        )
        format_value_axis(ax, unit, None)
        _set_value_range(ax, data, points, value_col)
        legend_below(fig, *ax.get_legend_handles_labels(), max_cols=3)
        set_title(ax, title)

    alt = _goal_alt(label, data, points, unit, value_col)
    notes = gap_notes(data, value_col, None)
    return finish(fig, data, title, alt, notes, _plotted(data, points), _source_frame(data, source))


@dataclass(frozen=True)
class GoalPoints:
    """The reference points of a goal chart, read from the goal's assessment: only what may be
    shown (a suppressed value is None here, named in ``suppressed``)."""

    baseline_value: float | None
    baseline_period: Period | None
    target_value: float | None
    target_period: Period
    latest_value: float | None
    latest_period: Period | None
    #: on the straight path from baseline to target, at ``expected_period``
    expected_value: float | None
    expected_period: Period | None
    projection: float | None
    status: str
    #: which of the values above a reader may not see (``baseline``, ``target``, ``latest``,
    #: ``expected``)
    suppressed: frozenset[str] = frozenset()
    threshold: int = DEFAULT_THRESHOLD

    @classmethod
    def of(
        cls, assessment: GoalAssessment, target_period: Period | str | None = None
    ) -> GoalPoints:
        """The points of ``assessment``; ``target_period`` overrides the assessment's."""
        # on the straight path at the latest measurement; else at the end of the report period
        expected_value = _finite(assessment.published("expected_at_latest"))
        expected_period = assessment.latest_period
        expected_name = "expected_at_latest"
        if expected_value is None and not assessment.is_suppressed("expected_at_latest"):
            expected_value = _finite(assessment.published("expected_value"))
            expected_period = assessment.report_period
            expected_name = "expected_value"
        hidden = {
            short
            for short, name in (
                ("baseline", "baseline_value"),
                ("target", "target_value"),
                ("latest", "latest_value"),
                ("expected", expected_name),
            )
            if assessment.is_suppressed(name)
        }
        return cls(
            baseline_value=_finite(assessment.published("baseline_value")),
            baseline_period=assessment.baseline_period,
            target_value=_finite(assessment.published("target_value")),
            target_period=as_period(target_period or assessment.target_period, "streefwaarde: "),
            latest_value=_finite(assessment.published("latest_value")),
            latest_period=assessment.latest_period,
            expected_value=expected_value,
            expected_period=expected_period,
            projection=_finite(assessment.projection),
            status=assessment.status.label,
            suppressed=frozenset(hidden),
            threshold=assessment.threshold,
        )

    def text(self, name: str, unit: str) -> str:
        """Point ``name`` (``baseline``, ``target``, ``latest``, ``expected``, ``projection``) as
        a reader sees it: ``< 10`` for a small count, ``onderdrukt`` for a value computed from one."""
        value = getattr(self, "projection" if name == "projection" else f"{name}_value")
        return format_published_value(
            value,
            unit,
            name in self.suppressed,
            self.threshold,
            computed=name not in ("baseline", "latest"),
            with_unit=True,
        )

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_period is not None

    @property
    def has_target(self) -> bool:
        return self.target_value is not None

    @property
    def has_expected(self) -> bool:
        return self.expected_value is not None and self.expected_period is not None

    @property
    def has_projection(self) -> bool:
        """A projection drawn from the latest measurement to the target period."""
        return (
            self.projection is not None
            and self.latest_value is not None
            and self.latest_period is not None
        )


def _finite(value: float | None) -> float | None:
    """``value`` as a float; None when it is None or NaN."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _per_district(measurements: pd.DataFrame) -> bool:
    return "gebied" in measurements.columns and bool(
        (measurements["gebied"].fillna("") != "").any()
    )


# ----- drawing --------------------------------------------------------------------------------
def _plot_measurements(ax: Axes, data: pd.DataFrame, value_col: str) -> None:
    """The measured line (broken at every series break); provisional figures as open markers."""
    rows = data.sort_values("_x")
    for i, part in enumerate(segments(rows)):
        ax.plot(
            part["_x"],
            part[value_col],
            color=COLORS["gemeente"],
            linewidth=2.2,
            marker="o",
            label="meting" if i == 0 else "_nolegend_",
            zorder=4,
        )
    prov = rows[rows["voorlopig"]]
    if len(prov):
        ax.plot(
            prov["_x"],
            prov[value_col],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            color=COLORS["gemeente"],
            zorder=5,
        )


def _plot_reference(ax: Axes, points: GoalPoints) -> None:
    """Baseline, target (marker and faint level line), the straight path and the projection."""
    if points.has_baseline:
        ax.plot(
            [period_x(points.baseline_period)],
            [points.baseline_value],
            linestyle="none",
            marker="D",
            markersize=8,
            color=COLORS["verwacht_pad"],
            label="nulmeting",
            zorder=6,
        )
    if points.has_target:
        ax.axhline(points.target_value, color=COLORS["doel"], linewidth=0.9, alpha=0.5, zorder=1)
        ax.plot(
            [period_x(points.target_period)],
            [points.target_value],
            linestyle="none",
            marker="*",
            markersize=14,
            color=COLORS["doel"],
            label="streefwaarde",
            zorder=6,
        )
        if points.has_baseline:
            ax.plot(
                [period_x(points.baseline_period), period_x(points.target_period)],
                [points.baseline_value, points.target_value],
                linestyle="--",
                linewidth=1.4,
                color=COLORS["verwacht_pad"],
                label="verwacht pad (rechte lijn)",
                zorder=2,
            )
    if points.has_projection:
        ax.plot(
            [period_x(points.latest_period), period_x(points.target_period)],
            [points.latest_value, points.projection],
            linestyle=":",
            linewidth=2.0,
            color=COLORS["projectie"],
            label="projectie",
            zorder=3,
        )


def _set_value_range(ax: Axes, data: pd.DataFrame, points: GoalPoints, value_col: str) -> None:
    """From zero to a little above the highest value drawn, when nothing is negative."""
    values = [
        v
        for v in [
            *data[value_col].dropna(),
            points.baseline_value,
            points.target_value,
            points.projection,
        ]
        if v is not None
    ]
    if values and min(values) >= 0:
        ax.set_ylim(bottom=0, top=max(values) * 1.12 if max(values) > 0 else 1)


# ----- what comes with the figure -------------------------------------------------------------
def _goal_alt(label: str, data: pd.DataFrame, points: GoalPoints, unit: str, value_col: str) -> str:
    """The alt text: baseline, target, latest measurement, expected value, projection, status;
    every value as a reader may see it (``< 10`` for a small count)."""
    parts = [f"Doelgrafiek voor {label}."]
    if points.baseline_period is not None and (
        points.baseline_value is not None or "baseline" in points.suppressed
    ):
        parts.append(
            f"Nulmeting {points.text('baseline', unit)} in {fmt_period(points.baseline_period)}."
        )
    if "target" in points.suppressed:
        parts.append(
            f"Streefwaarde in {fmt_period(points.target_period)}: berekend uit een nulmeting onder "
            "de drempel voor kleine aantallen, daarom niet gepubliceerd."
        )
    elif points.has_target:
        parts.append(
            f"Streefwaarde {points.text('target', unit)} in {fmt_period(points.target_period)}."
        )
    latest_period = points.latest_period
    if latest_period is not None and (
        points.latest_value is not None or "latest" in points.suppressed
    ):
        latest = points.text("latest", unit)
    else:
        value, latest_period = _latest_after_baseline(data, points, value_col)
        latest = format_published_value(value, unit, with_unit=True) if value is not None else None
    if latest is not None:
        parts.append(f"Laatste meting {latest} in {fmt_period(latest_period)}.")
    elif points.baseline_value is not None or "baseline" in points.suppressed:
        parts.append("Na de nulmeting is er nog geen meting.")
    else:
        parts.append("Er is nog geen meting.")
    if "expected" in points.suppressed:
        parts.append(
            "De rechte lijn van nulmeting naar streefwaarde begint bij een klein aantal en is niet "
            "getoond."
        )
    elif points.expected_period is not None and points.expected_value is not None:
        parts.append(
            f"Op de rechte lijn van nulmeting naar streefwaarde was in "
            f"{fmt_period(points.expected_period)} "
            f"{points.text('expected', unit)} verwacht."
        )
    if points.projection is not None:
        parts.append(
            f"Bij de huidige ontwikkeling komt de waarde in "
            f"{fmt_period(points.target_period)} uit op {points.text('projection', unit)}."
        )
    if points.status:
        parts.append(f"Status: {points.status}.")
    return " ".join(parts)


def _latest_after_baseline(
    data: pd.DataFrame, points: GoalPoints, value_col: str
) -> tuple[float | None, Period | None]:
    """The latest measured value after the baseline period (the baseline row is not a 'latest
    measurement'); (None, None) when there is none."""
    measured = data[data[value_col].notna()].sort_values("_x")
    if points.baseline_period is not None:
        measured = measured[[p.end > points.baseline_period.end for p in measured["_period"]]]
    if not len(measured):
        return None, None
    return measured.iloc[-1][value_col], measured.iloc[-1]["_period"]


def _plotted(data: pd.DataFrame, points: GoalPoints) -> pd.DataFrame:
    """The CSV: the measurements (``reeks`` ``meting``), then one row per reference point."""
    reference = []
    if points.has_baseline:
        reference.append(_reference_row("nulmeting", points.baseline_period, points.baseline_value))
    if points.has_target:
        reference.append(_reference_row("streefwaarde", points.target_period, points.target_value))
    if points.has_expected:
        reference.append(
            _reference_row("verwacht pad", points.expected_period, points.expected_value)
        )
    if points.has_projection:
        reference.append(_reference_row("projectie", points.target_period, points.projection))
    measured_rows = public_columns(data.sort_values("_x")).assign(reeks="meting")
    plotted = pd.concat([measured_rows, pd.DataFrame(reference)], ignore_index=True)
    return plotted[["reeks", *[c for c in plotted.columns if c != "reeks"]]]


def _reference_row(series: str, period: Period, value: float) -> dict[str, str | float]:
    return {"reeks": series, "periode": period.code, "waarde": float(value)}


def _source_frame(data: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """The rows the source line is built from: the measurements' sources, then ``source``."""
    if not source:
        return data
    plan = pd.DataFrame({"bron": [source], "tabel": [""], "peildatum": [""]})
    frame = pd.concat(
        [data[["bron", "tabel", "peildatum", "illustratief"]], plan], ignore_index=True
    )
    frame["illustratief"] = as_flag(frame["illustratief"])
    return frame
