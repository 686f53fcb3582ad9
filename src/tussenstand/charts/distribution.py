"""The distribution chart: one indicator in one period for every gemeente, as a strip of dots, with
the report's gemeente(n) and its comparison group marked. The same compact chart for every
indicator, so that a reader learns to read it once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.transforms import offset_copy

from tussenstand.charts.annotate import SUPPRESSED_NOTE
from tussenstand.charts.prepare import chart_unit, prepare, public_columns
from tussenstand.charts.result import ChartResult, finish
from tussenstand.charts.style import (
    COLORS,
    EXTRA_MEMBER_ROLES,
    ROLE_STYLES,
    DutchFormatter,
    axis_label,
    new_figure,
    set_title,
    styled,
)
from tussenstand.disclosure import DEFAULT_THRESHOLD, format_published_value
from tussenstand.nlformat import fmt_int, fmt_period

#: height of the strip chart in inches (the width is the report's)
STRIP_HEIGHT = 2.3
#: the golden ratio spreads the dots over the strip's height without randomness (same PNG each run)
_SPREAD = (np.sqrt(5) - 1) / 2
#: what a gemeente is in the chart (the CSV's column ``rol``)
ROLE_OTHER, ROLE_GROUP, ROLE_MEMBER = "overige gemeente", "vergelijkingsgroep", "gemeente"


def distribution_chart(
    data: pd.DataFrame,
    members: Mapping[str, str],
    *,
    title: str,
    comparison: Sequence[str] = (),
    national: float | None = None,
    unit: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChartResult:
    """Every gemeente's value of one series in one period, as dots on one line.

    ``data``: the tidy rows of that series and period for all gemeenten (with ``rang``, ``aantal``
    and ``totaal`` as :mod:`tussenstand.sources.distribution` computes them); ``members``: code ->
    name of the report's gemeente(n), marked and named; ``comparison``: the codes of the comparison
    group, highlighted; ``national``: Nederland's value in the same period, a dashed line. Values
    without a published figure (suppressed, or not published by CBS) are not drawn; a note says
    how many there are.
    """
    prepared = prepare(data, ["gemeente", "gemeente_naam", "periode"], "verdelingsgrafiek")
    if prepared["periode"].nunique() != 1:
        raise ValueError("verdelingsgrafiek: verwacht de rijen van één periode")
    unit = chart_unit(prepared, unit)
    period = str(prepared["periode"].iloc[0])
    group = set(comparison) - set(members)
    prepared["rol"] = np.where(
        prepared["gemeente"].isin(list(members)),
        ROLE_MEMBER,
        np.where(prepared["gemeente"].isin(list(group)), ROLE_GROUP, ROLE_OTHER),
    )
    shown = prepared[prepared["waarde"].notna()].sort_values(["waarde", "gemeente"], kind="stable")
    if shown.empty:
        raise ValueError("verdelingsgrafiek: geen gemeente met een waarde")
    y = ((np.arange(len(shown)) * _SPREAD) % 1.0 - 0.5) * 0.7
    shown = shown.assign(_y=y)
    member_styles = dict(zip(members, ("gemeente", *EXTRA_MEMBER_ROLES), strict=False))

    with styled():
        rows = -(-(2 + len(members) + (national is not None)) // 4)  # legend rows
        fig, ax = new_figure(figsize=(7.0, STRIP_HEIGHT + 0.2 * (rows - 1)))
        others = shown[shown["rol"] == ROLE_OTHER]
        ax.scatter(
            others["waarde"],
            others["_y"],
            s=11,
            color=COLORS["neutraal"],
            alpha=0.55,
            linewidths=0,
            label=f"overige gemeenten ({fmt_int(len(others))})",
            zorder=2,
        )
        in_group = shown[shown["rol"] == ROLE_GROUP]
        if len(in_group):
            ax.scatter(
                in_group["waarde"],
                in_group["_y"],
                s=30,
                marker="^",
                color=COLORS["vergelijkingsgroep"],
                edgecolors="white",
                linewidths=0.4,
                label=f"vergelijkingsgroep ({fmt_int(len(in_group))})",
                zorder=3,
            )
        if national is not None and np.isfinite(national):
            ax.axvline(
                national,
                color=COLORS["nederland"],
                linestyle="--",
                linewidth=1.6,
                label=f"Nederland: {format_published_value(national, unit)}",
                zorder=1,
            )
        for code, name in members.items():
            row = shown[shown["gemeente"] == code]
            if row.empty:
                continue
            style = ROLE_STYLES[member_styles.get(code, "gemeente")]
            value = float(row["waarde"].iloc[0])
            ax.scatter(
                [value],
                [0.0],
                s=95,
                marker=style["marker"],
                color=style["color"],
                edgecolors="black",
                linewidths=0.9,
                label=f"{name}: {format_published_value(value, unit)}",
                zorder=5,
            )
            if len(members) == 1:
                ax.annotate(
                    name,
                    (value, 0.0),
                    xytext=(0, 13),
                    textcoords="offset points",
                    ha="center",
                    fontsize=9,
                    fontweight="bold",
                    color=style["color"],
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                    zorder=6,
                )
        ax.set_ylim(-0.55, 0.62)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.xaxis.set_major_formatter(DutchFormatter(unit))
        ax.set_xlabel(axis_label(unit))
        # below the tick labels and the axis label (36 points under the axes), outside the axes:
        # the constrained layout makes room for it
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=offset_copy(ax.transAxes, fig=fig, y=-36, units="points"),
            ncol=min(4, 2 + len(members) + (national is not None)),
            fontsize=8,
            handletextpad=0.3,
            columnspacing=1.2,
        )
        set_title(ax, title)

    notes = _notes(prepared)
    alt = _alt_text(prepared, shown, members, group, national, unit, period, threshold)
    csv = public_columns(prepared).sort_values(["rang", "gemeente"], na_position="last")
    return finish(fig, prepared, title, alt, notes, csv)


def _notes(prepared: pd.DataFrame) -> list[str]:
    notes = []
    if prepared["onderdrukt"].any():
        notes.append(SUPPRESSED_NOTE)
    missing = prepared[prepared["waarde"].isna() & ~prepared["onderdrukt"]]
    if len(missing):
        notes.append(
            f"{fmt_int(len(missing))} van de {fmt_int(len(prepared))} gemeenten hebben geen "
            "gepubliceerd cijfer en staan niet in de grafiek."
        )
    if prepared["voorlopig"].any():
        notes.append("Voorlopige cijfers.")
    return notes


def _alt_text(
    prepared: pd.DataFrame,
    shown: pd.DataFrame,
    members: Mapping[str, str],
    group: set[str],
    national: float | None,
    unit: str,
    period: str,
    threshold: int,
) -> str:
    def value(v: float) -> str:
        return format_published_value(v, unit, with_unit=True)

    low, high = shown.iloc[0], shown.iloc[-1]
    parts = [
        f"Stripdiagram van {fmt_int(len(shown))} gemeenten met een cijfer in {fmt_period(period)}: "
        f"laagste {value(low['waarde'])} ({low['gemeente_naam']}), mediaan "
        f"{value(float(shown['waarde'].median()))}, hoogste {value(high['waarde'])} "
        f"({high['gemeente_naam']})."
    ]
    for code, name in members.items():
        row = prepared[prepared["gemeente"] == code]
        if row.empty:
            parts.append(f"{name}: geen cijfer.")
            continue
        r = row.iloc[0]
        if pd.isna(r["waarde"]):
            text = format_published_value(None, unit, bool(r["onderdrukt"]), threshold)
            parts.append(f"{name}: {text}, niet in de rangorde.")
        else:
            parts.append(
                f"{name}: {value(r['waarde'])}, plaats {fmt_int(int(r['rang']))} van "
                f"{fmt_int(int(r['aantal']))} (1 = laagste)."
            )
    ranked = shown[shown["gemeente"].isin(list(group))]
    if len(ranked):
        parts.append(
            f"Vergelijkingsgroep ({fmt_int(len(ranked))} gemeenten): van {value(ranked['waarde'].min())} "
            f"tot {value(ranked['waarde'].max())}."
        )
    if national is not None and np.isfinite(national):
        parts.append(f"Nederland: {value(national)}.")
    return " ".join(parts)
