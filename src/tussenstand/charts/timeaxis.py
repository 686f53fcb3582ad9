"""Time on a continuous axis: a period sits at its end (``Period.decimal_year("end")``, as the goal
assessment measures time); ticks carry compact Dutch period labels."""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes

from tussenstand.periods import Period, parse_period, parse_period_label


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


def short_period_label(p: Period) -> str:
    """A compact tick label (the alt text and tables use the full ``label_nl``)."""
    if p.kind == "year":
        return str(p.year)
    if p.kind == "half":
        return f"{p.part}e hj\n{p.year}"
    if p.kind == "quarter":
        return f"{p.part}e kw\n{p.year}"
    if p.kind == "month":
        return f"{p.label_nl[:3]}\n{p.year}"
    return f"{p.year}-\n{p.year + 1}"


def set_period_ticks(ax: Axes, periods: Iterable[Period], max_labels: int = 8) -> None:
    """At most ``max_labels`` period ticks on the x axis, the latest period always labelled."""
    unique = sorted(set(periods), key=period_x)
    if not unique:
        return
    step = max(1, math.ceil(len(unique) / max_labels))
    shown = unique[::-1][::step][::-1]  # keep the latest period labelled
    ax.set_xticks([period_x(p) for p in shown], [short_period_label(p) for p in shown])
    ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    ax.grid(axis="x", visible=False)
