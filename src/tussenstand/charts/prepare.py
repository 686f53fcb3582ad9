"""The data under a chart: the tidy measurement schema checked, flags filled in, values made
numeric and suppressed values blanked before anything is drawn or written."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: flags of the tidy schema; a missing flag column counts as false
FLAG_COLUMNS = ("illustratief", "voorlopig", "onderdrukt", "reeksbreuk")


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Refuse anything but a DataFrame with ``columns`` (the message names chart and columns)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: verwacht een pandas DataFrame, kreeg {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: kolom(men) {', '.join(missing)} ontbreken in de grafiekdata "
            f"(aanwezig: {', '.join(map(str, df.columns))})"
        )


def as_flag(series: pd.Series) -> pd.Series:
    """A flag column as booleans, missing as false."""
    return series.fillna(False).astype(bool)


def prepare(
    df: pd.DataFrame, columns: Iterable[str], what: str, value_col: str = "waarde"
) -> pd.DataFrame:
    """Copy, add missing flags, coerce values, blank out suppressed values."""
    require_columns(df, [*columns, value_col, "bron"], what)
    data = df.copy()
    for col in FLAG_COLUMNS:
        data[col] = as_flag(data[col]) if col in data.columns else False
    for col in ("tabel", "peildatum", "ontbreekt_reden", "eenheid"):
        if col not in data.columns:
            data[col] = ""
        data[col] = data[col].astype("string").fillna("")
    try:
        data[value_col] = pd.to_numeric(data[value_col], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: kolom {value_col!r} bevat niet-numerieke waarden") from exc
    data.loc[data["onderdrukt"], value_col] = np.nan
    return data.reset_index(drop=True)


def chart_unit(data: pd.DataFrame, unit: str | None) -> str:
    """``unit`` when given, else the one ``eenheid`` of the data (``""`` when there are several)."""
    if unit is not None:
        return unit
    units = [u for u in data["eenheid"].unique() if u]
    return units[0] if len(units) == 1 else ""


def public_columns(data: pd.DataFrame) -> pd.DataFrame:
    """The data without the working columns (``_period``, ``_x``): what the CSV holds."""
    return data.drop(columns=[c for c in data.columns if str(c).startswith("_")])


def segments(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """One series (sorted in time) split at its series breaks: a row flagged ``reeksbreuk`` starts
    a new segment. A line is drawn within a segment, never across a break."""
    if rows.empty:
        return []
    starts = as_flag(rows["reeksbreuk"]).to_numpy().cumsum() if "reeksbreuk" in rows else None
    if starts is None or not starts.any():
        return [rows]
    return [g for _, g in rows.groupby(starts, sort=True)]
