"""The trend chart: an indicator over time for the gemeente, Nederland, a comparison group and a
region (or several municipalities side by side), and the comparison group's median series."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from tussenstand.charts.annotate import gap_notes
from tussenstand.charts.prepare import as_flag, chart_unit, prepare, public_columns, segments
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import (
    COLORS,
    EXTRA_MEMBER_ROLES,
    ROLE_STYLES,
    ROLES,
    format_value_axis,
    legend_below,
    new_figure,
    set_title,
    styled,
)
from tussenstand.charts.timeaxis import add_period_columns, period_x, set_period_ticks
from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.nlformat import fmt_list, fmt_period, value_unit


def infer_role(label: str) -> str | None:
    """``Nederland`` -> nederland, a label with ``vergelijk``/``mediaan`` -> vergelijkingsgroep,
    ``regio`` -> regio; ``None`` otherwise (then the first such series is the gemeente)."""
    text = str(label).lower()
    if text.startswith("nederland") or text == "nl01":
        return "nederland"
    if "vergelijk" in text or "mediaan" in text or "gemiddelde" in text:
        return "vergelijkingsgroep"
    if "regio" in text:
        return "regio"
    return None


def comparison_median(
    df: pd.DataFrame,
    label: str = "Vergelijkingsgroep (mediaan)",
    *,
    period_col: str = "periode",
    value_col: str = "waarde",
    series_label_col: str = "gemeente_naam",
) -> pd.DataFrame:
    """One series: per period the **median** over the municipalities of a comparison group.

    The median, not the mean: a few small municipalities with extreme rates do not pull it, and
    every municipality counts once whatever its size. Suppressed and missing values are left out of
    the median; the result names every source table of the group and keeps ``illustratief`` when
    any member is illustrative.
    """
    data = prepare(df, [period_col, series_label_col], "vergelijkingsgroep", value_col)
    rows = []
    for period, group in data.groupby(period_col, sort=False):
        values = group[value_col].dropna()
        first = group.iloc[0]
        rows.append(
            {
                series_label_col: label,
                period_col: period,
                value_col: float(values.median()) if len(values) else np.nan,
                "eenheid": first["eenheid"],
                "bron": first["bron"],
                "tabel": first["tabel"],
                "peildatum": first["peildatum"],
                "ontbreekt_reden": "" if len(values) else "geen waarden in de groep",
                "illustratief": bool(group["illustratief"].any()),
                "voorlopig": bool(group["voorlopig"].any()),
                "onderdrukt": False,
                # a break in most of the group (a new CBS table), not one member's merger
                "reeksbreuk": bool(
                    as_flag(group.loc[group[value_col].notna(), "reeksbreuk"]).sum() * 2
                    > max(len(values), 1)
                ),
                "aantal_gemeenten": int(len(values)),
            }
        )
    return pd.DataFrame(rows)


def trend_chart(
    df: pd.DataFrame,
    series_label_col: str = "gemeente_naam",
    *,
    title: str,
    unit: str | None = None,
    indicator_label: str | None = None,
    ylabel: str | None = None,
    roles: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    period_col: str = "periode",
    value_col: str = "waarde",
    y_from_zero: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartResult:
    """An indicator over time: gemeente vs Nederland vs vergelijkingsgroep vs regio.

    ``df`` holds one row per series x period (the tidy schema; a comparison group is best passed
    as one series, see :func:`comparison_median`). ``roles`` maps a series label to ``gemeente``,
    ``nederland``, ``vergelijkingsgroep`` or ``regio`` (default: inferred from the label, the first
    other series is the gemeente). Missing and suppressed values are gaps in the line (the alt
    text gives a suppressed count as ``< 10``, with ``threshold``); a period flagged
    ``reeksbreuk`` gets a vertical line labelled ``reeksbreuk`` before it, and the series' line is
    not drawn across it (a new CBS table, a municipal merger).
    """
    data = prepare(df, [series_label_col, period_col], "trendgrafiek", value_col)
    if data.empty:
        raise ValueError("trendgrafiek: geen gegevens om te tonen")
    data = add_period_columns(data, period_col, "trendgrafiek")
    unit = chart_unit(data, unit)
    labels = list(order) if order else list(dict.fromkeys(data[series_label_col]))
    unknown = set(labels) - set(data[series_label_col])
    if unknown:
        raise ValueError(
            f"trendgrafiek: reeks(en) {', '.join(sorted(map(str, unknown)))} "
            f"staan niet in kolom {series_label_col!r}"
        )
    role_of = _assign_roles(labels, roles)

    with styled():
        fig, ax = new_figure(legend_row=True)
        for label in labels:
            rows = data[data[series_label_col] == label].sort_values("_x")
            _plot_series(ax, rows, label, role_of[label], value_col)
        _mark_series_breaks(ax, data)
        set_period_ticks(ax, data["_period"])
        format_value_axis(ax, unit, ylabel)
        if y_from_zero and (data[value_col].dropna() >= 0).all():
            ax.set_ylim(bottom=0)
        ax.set_ylim(top=ax.get_ylim()[1] * 1.04)
        _add_legend(ax, labels, role_of)
        set_title(ax, title)

    alt = _trend_alt(data, labels, series_label_col, value_col, unit, indicator_label, threshold)
    notes = gap_notes(data, value_col, series_label_col)
    plotted = public_columns(
        data.sort_values([series_label_col, "_x"], key=_label_sort(labels, series_label_col))
    )
    return finish(fig, data, title, alt, notes, plotted)


def _plot_series(ax: Axes, rows: pd.DataFrame, label: str, role: str, value_col: str) -> None:
    """One series: the line in its role's style (broken at every series break), filled markers,
    open markers where provisional."""
    style = dict(ROLE_STYLES.get(role, ROLE_STYLES["gemeente"]))
    marker = style.pop("marker")
    zorder = 4 if role == "gemeente" else 3
    for i, part in enumerate(segments(rows)):
        ax.plot(
            part["_x"],
            part[value_col],
            label=str(label) if i == 0 else "_nolegend_",
            marker=None,
            zorder=zorder,
            **style,
        )
    final = rows[~rows["voorlopig"]]
    prov = rows[rows["voorlopig"]]
    ax.plot(
        final["_x"],
        final[value_col],
        linestyle="none",
        marker=marker,
        color=style["color"],
        zorder=zorder,
    )
    if len(prov):
        ax.plot(
            prov["_x"],
            prov[value_col],
            linestyle="none",
            marker=marker,
            markerfacecolor="white",
            color=style["color"],
            zorder=zorder,
        )


def _add_legend(ax: Axes, labels: list[str], role_of: Mapping[str, str]) -> None:
    """The legend under the axes; it repeats colour + line style + marker, never colour alone."""
    handles = [
        mpl.lines.Line2D(
            [],
            [],
            marker=ROLE_STYLES[role_of[lb]]["marker"],
            **{k: v for k, v in ROLE_STYLES[role_of[lb]].items() if k != "marker"},
        )
        for lb in labels
    ]
    legend_below(
        ax.figure, handles, [textwrap.shorten(str(lb), 48, placeholder="…") for lb in labels]
    )


def _label_sort(labels: list[str], col: str) -> Callable[[pd.Series], pd.Series]:
    rank = {lb: i for i, lb in enumerate(labels)}

    def key(s: pd.Series) -> pd.Series:
        return s.map(rank) if s.name == col else s

    return key


def _assign_roles(labels: list[str], roles: Mapping[str, str] | None) -> dict[str, str]:
    roles = dict(roles or {})
    for label, role in roles.items():
        if role not in ROLE_STYLES:
            raise ValueError(
                f"onbekende rol {role!r} voor reeks {label!r}; kies uit {', '.join(ROLES)}"
            )
    out: dict[str, str] = {}
    for label in labels:
        out[label] = roles.get(label) or infer_role(label) or ""
    if "gemeente" not in out.values():
        for label in labels:
            if not out[label]:
                out[label] = "gemeente"
                break
    extra = iter(EXTRA_MEMBER_ROLES)
    for label in labels:  # further unnamed series: further municipalities, then a regio style
        if not out[label]:
            out[label] = next(extra, "regio")
    return out


def _mark_series_breaks(ax: Axes, data: pd.DataFrame) -> None:
    breaks = sorted(set(data.loc[data["reeksbreuk"], "_x"]))
    all_x = sorted(set(data["_x"]))
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for bx in breaks:
        before = [x for x in all_x if x < bx]
        line_x = (before[-1] + bx) / 2 if before else bx - 0.25
        ax.axvline(line_x, color=COLORS["neutraal"], linestyle=(0, (4, 3)), linewidth=1.0, zorder=1)
        ax.text(
            line_x,
            0.98,
            " reeksbreuk",
            transform=trans,
            rotation=90,
            ha="right",
            va="top",
            fontsize=8,
            color="#444444",
        )


def _trend_alt(
    data: pd.DataFrame,
    labels: list[str],
    label_col: str,
    value_col: str,
    unit: str,
    indicator_label: str | None,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    periods = sorted(set(data["_period"]), key=period_x)
    what = indicator_label or ""
    head = "Lijngrafiek"
    if what:
        head += f" van {what}"
    if unit:
        head += f" ({unit})"
    head += f" van {fmt_period(periods[0])} tot en met {fmt_period(periods[-1])}"
    head += f" voor {fmt_list(map(str, labels))}."
    parts = [head]

    def value(row: pd.Series) -> str:
        return format_published_value(
            row[value_col],
            value_unit(row["eenheid"], unit),
            bool(row["onderdrukt"]),
            threshold,
            with_unit=True,
        )

    for label in labels:
        rows = data[
            (data[label_col] == label) & (data[value_col].notna() | data["onderdrukt"])
        ].sort_values("_x")
        if rows.empty:
            parts.append(f"{label}: geen gegevens.")
            continue
        # never compare across a series break: the earlier value is the first after the last one
        current = segments(rows)[-1]
        last, first = current.iloc[-1], current.iloc[0]
        text = f"{label}: {value(last)} in {fmt_period(last['_period'])}"
        if len(current) > 1:
            after = ", na de reeksbreuk" if len(current) < len(rows) else ""
            text += f" (in {fmt_period(first['_period'])}{after}: {value(first)})"
        parts.append(text + ".")
    breaks = sorted(set(data.loc[data["reeksbreuk"], "_period"]), key=period_x)
    if breaks:
        parts.append(
            "Reeksbreuk vanaf "
            + fmt_list(fmt_period(p) for p in breaks)
            + ": de cijfers ervoor en erna zijn niet helemaal vergelijkbaar."
        )
    return " ".join(parts)
