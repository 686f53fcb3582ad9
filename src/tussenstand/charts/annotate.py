"""What a chart says besides its data: the source line, the watermark on illustrative data and
the notes on gaps, suppressed values and provisional figures."""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.figure import Figure

from tussenstand.charts.prepare import as_flag, require_columns
from tussenstand.charts.style import COLORS
from tussenstand.charts.timeaxis import period_x
from tussenstand.nlformat import fmt_date, fmt_int, fmt_list, fmt_period

WATERMARK_TEXT = "Illustratief"
WATERMARK_GID = "watermerk"
ILLUSTRATIVE_PREFIX = "ILLUSTRATIEF – geen echte gegevens."
PROCESSING = "bewerking tussenstand"
SUPPRESSED_NOTE = "Onderdrukte waarden (kleine aantallen) zijn niet getoond."

_CBS_TABLE = re.compile(r"^\d{5}[a-z]{3}$", re.I)


def source_line(data: pd.DataFrame) -> str:
    """``Bron: CBS StatLine, tabel 86050NED (peildatum 12 maart 2026); bewerking tussenstand``.

    Built from the distinct ``bron`` / ``tabel`` / ``peildatum`` rows, in order of appearance:
    tables with the same source and date are joined (``tabellen 82972NED en 85098NED``); a
    ``tabel`` that is not a CBS table id is named as ``bestand``; CBS figures without a peildatum
    say ``downloaddatum onbekend`` (a file date is never a peildatum). When any row is ``illustratief``
    the line starts with ``ILLUSTRATIEF – geen echte gegevens.``
    """
    require_columns(data, ["bron"], "bronregel")
    frame = data.copy()
    for col in ("tabel", "peildatum"):
        frame[col] = frame[col].astype("string").fillna("") if col in frame else ""
    frame["bron"] = frame["bron"].astype("string").fillna("").str.strip()
    groups: dict[tuple[str, str], list[str]] = {}
    for bron, tabel, peildatum in frame[["bron", "tabel", "peildatum"]].itertuples(index=False):
        if not bron:
            continue
        tables = groups.setdefault((bron, str(peildatum).strip()), [])
        tabel = str(tabel).strip()
        if tabel and tabel not in tables:
            tables.append(tabel)
    if not groups:
        raise ValueError("bronregel: de kolom 'bron' is leeg; elke grafiek moet zijn bron noemen")
    parts = []
    for (bron, peildatum), tables in groups.items():
        text = bron
        cbs = [t for t in tables if _CBS_TABLE.match(t)]
        files = [t for t in tables if not _CBS_TABLE.match(t)]
        if cbs:
            text += f", {'tabel' if len(cbs) == 1 else 'tabellen'} {fmt_list(cbs)}"
        if files:
            text += f", {'bestand' if len(files) == 1 else 'bestanden'} {fmt_list(files)}"
        if peildatum:
            text += f" (peildatum {fmt_date(peildatum)})"
        elif bron.startswith("CBS"):
            text += " (downloaddatum onbekend)"
        parts.append(text)
    line = "Bron: " + "; ".join(parts) + "; " + PROCESSING
    if is_illustrative(data):
        line = f"{ILLUSTRATIVE_PREFIX} {line}"
    return line


def is_illustrative(data: pd.DataFrame) -> bool:
    """True when any row is flagged ``illustratief``."""
    return "illustratief" in data.columns and bool(as_flag(data["illustratief"]).any())


def add_watermark(fig: Figure) -> None:
    """The visible ``Illustratief`` across the figure."""
    fig.text(
        0.5,
        0.5,
        WATERMARK_TEXT,
        transform=fig.transFigure,
        fontsize=54,
        fontweight="bold",
        color=COLORS["watermerk"],
        alpha=0.22,
        rotation=25,
        ha="center",
        va="center",
        zorder=100,
        gid=WATERMARK_GID,
    )


def gap_notes(data: pd.DataFrame, value_col: str, label_col: str | None) -> list[str]:
    """Notes on suppressed values, missing values (per series, with CBS's reason) and provisional
    figures, for prepared data with period columns."""
    notes = []
    if data["onderdrukt"].any():
        notes.append(SUPPRESSED_NOTE)
    missing = data[data[value_col].isna() & ~data["onderdrukt"]]
    if len(missing):
        items = []
        keys = [label_col, "ontbreekt_reden"] if label_col else ["ontbreekt_reden"]
        for key, rows in missing.groupby(keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            who = f"{key[0]} " if label_col else ""
            reason = key[-1]
            periods = sorted(set(rows["_period"]), key=period_x)
            when = (
                fmt_list(fmt_period(q) for q in periods)
                if len(periods) <= 3
                else f"{fmt_int(len(periods))} perioden ({fmt_period(periods[0])} tot en met "
                f"{fmt_period(periods[-1])})"
            )
            items.append(f"{who}{when}" + (f" ({reason})" if reason else ""))
        notes.append("Geen gegevens voor " + fmt_list(items) + ".")
    if data["voorlopig"].any():
        notes.append("Open punten zijn voorlopige cijfers.")
    return notes
