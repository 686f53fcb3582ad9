"""The age structure chart: the share of each age band over the years, one panel per series
(gemeente, Nederland), prognoses hatched."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from tussenstand.charts.annotate import SUPPRESSED_NOTE
from tussenstand.charts.prepare import as_flag, prepare, public_columns
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import (
    COLORS,
    FIGSIZE,
    DutchFormatter,
    legend_below,
    new_panels,
    styled,
)
from tussenstand.charts.timeaxis import add_period_columns, as_period, period_x
from tussenstand.nlformat import fmt_list, fmt_period, fmt_value, value_unit
from tussenstand.periods import Period

AGE_BAND_LABELS = {
    "0_15": "0-15 jaar",
    "15_25": "15-25 jaar",
    "25_45": "25-45 jaar",
    "45_65": "45-65 jaar",
    "65plus": "65+ jaar",
}


def _band_label(code: str) -> str:
    text = str(code)
    for prefix in ("aandeel_", "inwoners_"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return AGE_BAND_LABELS.get(text, str(code))


def age_structure_chart(
    df: pd.DataFrame,
    *,
    title: str,
    series_label_col: str = "gemeente_naam",
    band_col: str = "indicator",
    period_col: str = "periode",
    value_col: str = "waarde",
    prognosis_col: str = "prognose",
    prognosis_periods: Iterable[Period | str] = (),
) -> ChartResult:
    """Shares per age band over the years, one panel per series (gemeente, Nederland).

    Values in ``%`` are used as they are; counts (``eenheid`` ``aantal``) become shares of the
    series' total in that period. A period is a prognosis when the row's ``prognose`` column is true
    or it is in ``prognosis_periods``: its bars are hatched and labelled ``prognose``.
    Band codes ``aandeel_0_15`` / ``inwoners_65plus`` get Dutch labels (``0-15 jaar``, ``65+ jaar``).
    """
    data = prepare(df, [series_label_col, band_col, period_col], "leeftijdsopbouw", value_col)
    data = add_period_columns(data, period_col, "leeftijdsopbouw")
    progn = {as_period(p) for p in prognosis_periods}
    flag = as_flag(data[prognosis_col]) if prognosis_col in data.columns else False
    data["prognose"] = flag | data["_period"].isin(progn)
    data["aandeel"] = _shares(data, series_label_col, period_col, value_col)
    data["leeftijd"] = [_band_label(c) for c in data[band_col]]
    series = list(dict.fromkeys(data[series_label_col]))
    bands = list(dict.fromkeys(data["leeftijd"]))
    periods = sorted(set(data["_period"]), key=period_x)

    with styled():
        fig, axes = new_panels(
            len(series),
            (FIGSIZE[0] if len(series) < 2 else 8.0, 4.0),
            sharey=True,
            legend_row=True,
        )
        for ax, name in zip(axes, series, strict=True):
            _plot_panel(ax, str(name), data[data[series_label_col] == name], bands, periods)
        axes[0].set_ylabel("aandeel van de inwoners")
        legend_below(fig, *_period_legend(axes))
        fig.suptitle(textwrap.fill(title, 90), x=0.01, ha="left")
    alt = _age_alt(data, series_label_col, series, bands, periods)
    notes = [SUPPRESSED_NOTE] if data["onderdrukt"].any() else []
    if data["prognose"].any():
        notes.append("Gearceerde staven zijn een prognose, geen meting.")
    return finish(fig, data, title, alt, notes, public_columns(data))


def _shares(
    data: pd.DataFrame, series_label_col: str, period_col: str, value_col: str
) -> pd.Series:
    """Percentages as they are; counts as a share of the series' total in their period."""
    units = set(data["eenheid"])
    if units <= {"aantal"} and units:
        totals = data.groupby([series_label_col, period_col])[value_col].transform("sum")
        return data[value_col] / totals * 100
    return data[value_col]


def _plot_panel(
    ax: Axes, name: str, sub: pd.DataFrame, bands: list[str], periods: list[Period]
) -> None:
    """One series' panel: per age band a bar per period, light to dark; a prognosis hatched."""
    greys = sns.light_palette(COLORS["gemeente"], n_colors=len(periods) + 1)[1:]
    width = 0.8 / len(periods)
    for i, p in enumerate(periods):
        if not (sub["_period"] == p).any():
            continue  # a period of another panel: its place stays empty, no legend entry
        rows = sub[sub["_period"] == p].set_index("leeftijd").reindex(bands)
        is_prog = bool(rows["prognose"].fillna(False).any())
        label = fmt_period(p) + (" (prognose)" if is_prog else "")
        ax.bar(
            np.arange(len(bands)) + (i - (len(periods) - 1) / 2) * width,
            rows["aandeel"].to_numpy(dtype=float),
            width=width * 0.95,
            color="white" if is_prog else greys[i],
            edgecolor=COLORS["gemeente"] if is_prog else "white",
            hatch="///" if is_prog else None,
            linewidth=0.8,
            label=label,
        )
    ax.set_xticks(np.arange(len(bands)), [_tick_label(b) for b in bands])
    ax.set_title(name, loc="left", fontsize=10)
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(DutchFormatter("%"))


def _tick_label(band: str) -> str:
    """A band under its bars: the ages above ``jaar`` (``0-15`` / ``jaar``), so that five bands
    fit side by side under a third of the figure."""
    return band.replace(" ", "\n", 1)


def _period_legend(axes: list[Axes]) -> tuple[list, list[str]]:
    """One legend entry per period (and prognosis) over all panels, in the order drawn."""
    entries: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    return list(entries.values()), list(entries)


def _share_text(row: pd.Series) -> str:
    """A share with the precision of its source: whole percents where the source rounded."""
    return fmt_value(row["aandeel"], value_unit(row["eenheid"], "%"))


def _age_alt(
    data: pd.DataFrame, series_label_col: str, series: list, bands: list[str], periods: list[Period]
) -> str:
    """The alt text: per series the share of each band in the first and the last period."""
    parts = [
        f"Staafdiagram van de leeftijdsopbouw (aandeel per leeftijdsgroep) voor "
        f"{fmt_list(map(str, series))} in {fmt_list(fmt_period(p) for p in periods)}."
    ]
    for name in series:
        sub = data[data[series_label_col] == name]
        first_p, last_p = periods[0], periods[-1]
        changes = []
        for band in bands:
            a = sub[(sub["leeftijd"] == band) & (sub["_period"] == first_p)]
            b = sub[(sub["leeftijd"] == band) & (sub["_period"] == last_p)]
            if (
                len(a)
                and len(b)
                and not (pd.isna(a["aandeel"].iloc[0]) or pd.isna(b["aandeel"].iloc[0]))
            ):
                if first_p == last_p:  # one period: its shares, not a change
                    changes.append(f"{band} {_share_text(b.iloc[0])}")
                else:
                    changes.append(
                        f"{band} van {_share_text(a.iloc[0])} naar {_share_text(b.iloc[0])}"
                    )
        if changes:
            last_text = fmt_period(last_p) + (
                " (prognose)" if sub[sub["_period"] == last_p]["prognose"].any() else ""
            )
            span = last_text if first_p == last_p else f"{fmt_period(first_p)} tot {last_text}"
            parts.append(f"{name}, {span}: " + "; ".join(changes) + ".")
    return " ".join(parts)
