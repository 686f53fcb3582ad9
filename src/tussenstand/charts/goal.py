"""The goal chart: a goal's measurements with its baseline, target, the straight expected path and
the projection; a goal per district becomes a bar per district."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from tussenstand.charts.annotate import gap_notes
from tussenstand.charts.bars import district_goal_chart
from tussenstand.charts.prepare import as_flag, chart_unit, prepare, public_columns
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import COLORS, format_value_axis, new_figure, set_title, styled
from tussenstand.charts.timeaxis import add_period_columns, as_period, period_x, set_period_ticks
from tussenstand.nlformat import fmt_period, fmt_value
from tussenstand.periods import Period


def _attr(objs: Iterable[Any], *names: str, default: Any = None) -> Any:
    for obj in objs:
        if obj is None:
            continue
        for name in names:
            value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
            if value is not None:
                return value
    return default


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "value") and not isinstance(value, int | float):
        value = value.value  # e.g. a projection object
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _status_text(status: Any) -> str:
    if status is None:
        return ""
    for name in ("label_nl", "label"):
        value = getattr(status, name, None)
        if isinstance(value, str):
            return value
    value = getattr(status, "value", status)
    return str(value)


def goal_chart(
    measurements: pd.DataFrame,
    assessment: Any,
    goal: Any = None,
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

    ``assessment`` is a ``tussenstand.progress.GoalAssessment`` (read by attribute name:
    ``baseline_value``, ``baseline_period``, ``target_value``, ``target_period``, ``unit``,
    ``expected_at_latest`` (else ``expected_value`` at ``report_period``), ``latest_value``,
    ``latest_period``, ``projection``, ``status`` (its ``.label``));
    ``goal`` is the framework goal, used for ``target_period``, ``unit`` and a label when the
    assessment does not carry them. Measurements per district (non-empty ``gebied``) give a
    :func:`district_goal_chart` with the target as level line. ``source`` (e.g. the plan's name)
    is added to the source line for the baseline and target, and is the whole source line when
    there is no measurement yet.
    """
    objs = (assessment, goal)
    if "gebied" in measurements.columns and (measurements["gebied"].fillna("") != "").any():
        return district_goal_chart(
            measurements, _number(_attr(objs, "target_value", "streefwaarde")), title=title,
            unit=unit or _attr(objs, "unit", "eenheid"), value_col=value_col,
            period_col=period_col,
        )
    data = prepare(measurements, [period_col], "doelgrafiek", value_col)
    data = add_period_columns(data, period_col, "doelgrafiek")
    unit = unit if unit is not None else (_attr(objs, "unit", "eenheid") or chart_unit(data, None))
    label = goal_label or _attr([goal], "indicator", "label_nl", "title", "name", "id") or "meting"

    baseline_value = _number(_attr(objs, "baseline_value", "nulmeting"))
    baseline_period = _attr(objs, "baseline_period")
    target_value = _number(_attr(objs, "target_value", "streefwaarde"))
    target_period = target_period or _attr(objs, "target_period", "streefperiode")
    if target_value is not None and target_period is None:
        raise ValueError(f"doelgrafiek {label!r}: de periode van de streefwaarde ontbreekt "
                         "(geef target_period mee)")
    baseline_period = as_period(baseline_period, "nulmeting: ") if baseline_period else None
    target_period = as_period(target_period, "streefwaarde: ") if target_period else None
    latest_value = _number(_attr([assessment], "latest_value"))
    latest_period = _attr([assessment], "latest_period")
    latest_period = as_period(latest_period, "laatste meting: ") if latest_period else None
    # on the straight path at the latest measurement; else at the end of the report period
    expected_value = _number(_attr([assessment], "expected_at_latest"))
    expected_period = latest_period
    if expected_value is None:
        expected_value = _number(_attr([assessment], "expected_value"))
        report_period = _attr([assessment], "report_period")
        expected_period = as_period(report_period) if report_period else latest_period
    projection = _number(_attr([assessment], "projection", "projected_value"))
    status = _status_text(_attr([assessment], "status"))

    reference: list[dict[str, Any]] = []
    with styled():
        fig, ax = new_figure()
        rows = data.sort_values("_x")
        ax.plot(rows["_x"], rows[value_col], color=COLORS["gemeente"], linewidth=2.2,
                marker="o", label="meting", zorder=4)
        prov = rows[rows["voorlopig"]]
        if len(prov):
            ax.plot(prov["_x"], prov[value_col], linestyle="none", marker="o",
                    markerfacecolor="white", color=COLORS["gemeente"], zorder=5)
        if baseline_value is not None and baseline_period is not None:
            ax.plot([period_x(baseline_period)], [baseline_value], linestyle="none", marker="D",
                    markersize=8, color=COLORS["verwacht_pad"], label="nulmeting", zorder=6)
            reference.append(_ref_row("nulmeting", baseline_period, baseline_value))
        if target_value is not None and target_period is not None:
            ax.axhline(target_value, color=COLORS["doel"], linewidth=0.9, alpha=0.5, zorder=1)
            ax.plot([period_x(target_period)], [target_value], linestyle="none", marker="*",
                    markersize=14, color=COLORS["doel"], label="streefwaarde", zorder=6)
            reference.append(_ref_row("streefwaarde", target_period, target_value))
            if baseline_value is not None and baseline_period is not None:
                ax.plot([period_x(baseline_period), period_x(target_period)], [baseline_value, target_value],
                        linestyle="--", linewidth=1.4, color=COLORS["verwacht_pad"],
                        label="verwacht pad (rechte lijn)", zorder=2)
        if expected_value is not None and expected_period is not None:
            reference.append(_ref_row("verwacht pad", expected_period, expected_value))
        if (projection is not None and target_period is not None and latest_value is not None
                and latest_period is not None):
            ax.plot([period_x(latest_period), period_x(target_period)], [latest_value, projection],
                    linestyle=":", linewidth=2.0, color=COLORS["projectie"], label="projectie",
                    zorder=3)
            reference.append(_ref_row("projectie", target_period, projection))
        periods = list(data["_period"]) + [p for p in (baseline_period, target_period) if p]
        set_period_ticks(ax, periods)
        format_value_axis(ax, unit, None)
        values = [v for v in [*data[value_col].dropna(), baseline_value, target_value, projection]
                  if v is not None]
        if values and min(values) >= 0:
            ax.set_ylim(bottom=0, top=max(values) * 1.12 if max(values) > 0 else 1)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
        set_title(ax, title)

    parts = [f"Doelgrafiek voor {label}."]
    if baseline_value is not None and baseline_period is not None:
        parts.append(f"Nulmeting {fmt_value(baseline_value, unit, with_unit=True)} in "
                     f"{fmt_period(baseline_period)}.")
    if target_value is not None:
        parts.append(f"Streefwaarde {fmt_value(target_value, unit, with_unit=True)} in "
                     f"{fmt_period(target_period)}.")
    measured = data[data[value_col].notna()].sort_values("_x")
    if baseline_period is not None:
        # the baseline row is not a 'latest measurement'
        measured = measured[[p.end > baseline_period.end for p in measured["_period"]]]
    if latest_value is None and len(measured):
        latest_value, latest_period = measured.iloc[-1][value_col], measured.iloc[-1]["_period"]
    if latest_value is not None:
        parts.append(f"Laatste meting {fmt_value(latest_value, unit, with_unit=True)} in "
                     f"{fmt_period(latest_period)}.")
    elif baseline_value is not None:
        parts.append("Na de nulmeting is er nog geen meting.")
    else:
        parts.append("Er is nog geen meting.")
    if expected_value is not None and expected_period is not None:
        parts.append(f"Op de rechte lijn van nulmeting naar streefwaarde was in "
                     f"{fmt_period(expected_period)} "
                     f"{fmt_value(expected_value, unit, with_unit=True)} verwacht.")
    if projection is not None and target_period is not None:
        parts.append(f"Bij de huidige ontwikkeling komt de waarde in {fmt_period(target_period)} "
                     f"uit op {fmt_value(projection, unit, with_unit=True)}.")
    if status:
        parts.append(f"Status: {status}.")
    notes = gap_notes(data, value_col, None)
    measured_rows = public_columns(data.sort_values("_x")).assign(reeks="meting")
    plotted = pd.concat([measured_rows, pd.DataFrame(reference)], ignore_index=True)
    plotted = plotted[["reeks", *[c for c in plotted.columns if c != "reeks"]]]
    source_frame = data
    if source:
        plan = pd.DataFrame({"bron": [source], "tabel": [""], "peildatum": [""]})
        source_frame = pd.concat([data[["bron", "tabel", "peildatum", "illustratief"]], plan],
                                 ignore_index=True)
        source_frame["illustratief"] = as_flag(source_frame["illustratief"])
    return finish(fig, data, title, " ".join(parts), notes, plotted, source_frame)


def _ref_row(series: str, period: Period, value: float) -> dict[str, Any]:
    return {"reeks": series, "periode": period.code, "waarde": float(value)}
