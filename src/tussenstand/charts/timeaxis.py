"""Time on a continuous axis: a period sits at its end (``Period.decimal_year("end")``, as the goal
assessment measures time); ticks carry compact Dutch period labels."""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes

from tussenstand.nlformat import fmt_period_short
from tussenstand.periods import Period, parse_period, parse_period_label

#: the least distance between two labelled period ticks, as a share of the time axis: a label
#: such as ``2025-`` / ``2026`` is about a twelfth of a chart's width
MIN_TICK_GAP = 1 / 12


def as_period(value: object, where: str = "") -> Period:
    """``value`` as a :class:`Period` (a period code such as ``2027`` or ``2026-H1``)."""
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}onbekende periode {value!r}: {exc}") from exc


def period_x(period: Period) -> float:
    """The position of a period on the time axis: its end as a decimal year."""
    return period.decimal_year("end")


def add_period_columns(data: pd.DataFrame, period_col: str, what: str) -> pd.DataFrame:
    """Add ``_period`` (a :class:`Period`) and ``_x`` (its position) to prepared chart data.

    A CBS label with ``*`` (provisional) sets the row's ``voorlopig`` flag.
    """
    periods = []
    for i, value in enumerate(data[period_col]):
        if isinstance(value, Period):
            periods.append(value)
            continue
        try:
            parsed = parse_period_label(value)
        except ValueError as exc:
            raise ValueError(f"{what}: rij {i}, kolom {period_col!r}: {exc}") from exc
        periods.append(parsed.period)
        if parsed.provisional:
            data.loc[i, "voorlopig"] = True
    data["_period"] = periods
    data["_x"] = [period_x(p) for p in periods]
    return data


def set_period_ticks(ax: Axes, periods: Iterable[Period], max_labels: int = 8) -> None:
    """At most ``max_labels`` period ticks on the x axis (:func:`~tussenstand.nlformat.fmt_period_short`),
    the latest period always labelled.

    Every ``step``-th period is a candidate (counted back from the latest); of those, a label
    closer than :data:`MIN_TICK_GAP` of the axis to the one after it is left out. Periods of
    different kinds on one axis (monthly measurements with a yearly baseline and a target year)
    are then never labelled on top of each other.
    """
    unique = sorted(set(periods), key=period_x)
    if not unique:
        return
    step = max(1, math.ceil(len(unique) / max_labels))
    span = period_x(unique[-1]) - period_x(unique[0])
    shown: list[Period] = []
    for p in unique[::-1][::step]:  # the latest period first: it is always labelled
        if not shown or period_x(shown[-1]) - period_x(p) >= MIN_TICK_GAP * span:
            shown.append(p)
    shown.reverse()
    ax.set_xticks([period_x(p) for p in shown], [fmt_period_short(p) for p in shown])
    ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    ax.grid(axis="x", visible=False)
