"""Horizontal bar charts: a goal per district (wijk) against its level, and an amount per
category (the budget per theme) with its share of the total."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from tussenstand.charts.annotate import SUPPRESSED_NOTE, gap_notes
from tussenstand.charts.prepare import chart_unit, prepare, public_columns
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import (
    COLORS,
    FIGSIZE,
    DutchFormatter,
    axis_label,
    legend_below,
    new_figure,
    set_title,
    styled,
)
from tussenstand.charts.timeaxis import add_period_columns, as_period, period_x
from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.nlformat import fmt_int, fmt_percent, fmt_period, fmt_value
from tussenstand.periods import Period


def district_goal_chart(
    measurements: pd.DataFrame,
    level: float | None,
    *,
    title: str,
    unit: str | None = None,
    period: Period | str | None = None,
    level_label: str = "streefwaarde",
    area_col: str = "gebied",
    period_col: str = "periode",
    value_col: str = "waarde",
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartResult:
    """A goal per district (wijk): one horizontal bar per district with the level as a line.

    Shows ``period`` (default: the latest period in the data). A suppressed or missing value gets
    no bar but the text ``onderdrukt`` / ``geen meting``; the alt text gives a suppressed count
    as ``< 10`` (``threshold``).
    """
    data = prepare(measurements, [area_col, period_col], "wijkgrafiek", value_col)
    data = add_period_columns(data, period_col, "wijkgrafiek")
    data = data[data[area_col].fillna("") != ""]
    if data.empty:
        raise ValueError(f"wijkgrafiek: geen rijen met een waarde in kolom {area_col!r}")
    shown = as_period(period) if period is not None else max(data["_period"], key=period_x)
    data = data[data["_period"] == shown].reset_index(drop=True)
    unit = chart_unit(data, unit)
    data = data.sort_values(value_col, ascending=True, na_position="first").reset_index(drop=True)
    with styled():
        fig, ax = new_figure(
            figsize=(FIGSIZE[0], max(2.6, 0.45 * len(data) + 1.6)), legend_row=level is not None
        )
        ypos = np.arange(len(data))
        values = data[value_col]
        ax.barh(ypos, values.fillna(0), color=COLORS["gemeente"], height=0.6)
        vmax = max([v for v in [*values.dropna(), level] if v is not None] or [1])
        for y, (_, row) in zip(ypos, data.iterrows(), strict=True):
            if pd.isna(row[value_col]):
                text = "onderdrukt" if row["onderdrukt"] else "geen meting"
                ax.text(
                    vmax * 0.01,
                    y,
                    text,
                    va="center",
                    ha="left",
                    fontsize=8.5,
                    color="#444444",
                    style="italic",
                )
            else:
                ax.text(
                    row[value_col] + vmax * 0.01,
                    y,
                    format_published_value(row[value_col], unit),
                    va="center",
                    ha="left",
                    fontsize=8.5,
                )
        if level is not None:
            ax.axvline(
                level,
                color=COLORS["doel"],
                linewidth=1.6,
                linestyle="--",
                label=f"{level_label}: {fmt_value(level, unit)}",
            )
            legend_below(fig, *ax.get_legend_handles_labels())
        ax.set_yticks(ypos, data[area_col].astype(str).tolist())
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(DutchFormatter(unit))
        ax.set_xlim(0, vmax * 1.18)
        ax.set_xlabel(axis_label(unit))
        set_title(ax, title)
    measured = data[data[value_col].notna()]
    parts = [f"Staafdiagram per wijk, {fmt_period(shown)}."]
    parts += [
        f"{r[area_col]}: {format_published_value(r[value_col], unit, with_unit=True)}."
        for _, r in measured.sort_values(value_col, ascending=False).iterrows()
    ]
    parts += [
        f"{r[area_col]}: {format_published_value(None, unit, True, threshold, with_unit=True)}."
        for _, r in data[data["onderdrukt"]].iterrows()
    ]
    if level is not None:
        above = int((measured[value_col] >= level).sum())
        parts.append(
            f"{level_label.capitalize()} {fmt_value(level, unit, with_unit=True)}; "
            f"{fmt_int(above)} van de {fmt_int(len(measured))} wijken met een meting "
            "zitten op of boven dat niveau."
        )
    notes = gap_notes(data, value_col, area_col)
    return finish(fig, data, title, " ".join(parts), notes, public_columns(data))


def bar_chart(
    df: pd.DataFrame,
    *,
    category_col: str,
    title: str,
    value_col: str = "waarde",
    unit: str | None = "euro",
    show_share: bool = True,
    sort: bool = True,
    what: str = "bedrag",
) -> ChartResult:
    """Horizontal bars, e.g. the budget per theme, labelled ``€ 4.352.650 (9,6%)``.

    Shares are of the total of the bars shown (suppressed values count as unknown: they get no bar
    and no share, and the total is then named as the total of the known values). The CSV holds the
    share as column ``aandeel`` (percent).
    """
    data = prepare(df, [category_col], "staafdiagram", value_col)
    if data.empty:
        raise ValueError("staafdiagram: geen gegevens om te tonen")
    unit = chart_unit(data, unit)
    total = data[value_col].sum(min_count=1)
    data["aandeel"] = data[value_col] / total * 100 if total else np.nan
    if sort:
        data = data.sort_values(value_col, ascending=True, na_position="first")
    data = data.reset_index(drop=True)

    def label(row) -> str:
        text = fmt_value(row[value_col], unit)
        if show_share and not pd.isna(row["aandeel"]):
            text += f" ({fmt_percent(row['aandeel'], 1)})"
        return text

    with styled():
        fig, ax = new_figure(figsize=(FIGSIZE[0], max(2.6, 0.5 * len(data) + 1.4)))
        ypos = np.arange(len(data))
        ax.barh(ypos, data[value_col].fillna(0), color=COLORS["gemeente"], height=0.62)
        vmax = data[value_col].max() if data[value_col].notna().any() else 1
        for y, (_, row) in zip(ypos, data.iterrows(), strict=True):
            text = (
                label(row)
                if not pd.isna(row[value_col])
                else ("onderdrukt" if row["onderdrukt"] else "onbekend")
            )
            ax.text(
                (0 if pd.isna(row[value_col]) else row[value_col]) + vmax * 0.01,
                y,
                text,
                va="center",
                ha="left",
                fontsize=8.5,
            )
        ax.set_yticks(ypos, [textwrap.fill(str(c), 28) for c in data[category_col]])
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(DutchFormatter(unit))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.set_xlim(0, vmax * 1.45)
        set_title(ax, title)
    known = data[data[value_col].notna()].sort_values(value_col, ascending=False)
    parts = [
        f"Staafdiagram van het {what} per {category_col.replace('_', ' ')}, totaal "
        f"{fmt_value(total, unit, with_unit=True)}."
    ]
    parts += [f"{r[category_col]}: {label(r)}." for _, r in known.iterrows()]
    notes = [SUPPRESSED_NOTE] if data["onderdrukt"].any() else []
    return finish(fig, data, title, " ".join(parts), notes, public_columns(data))
