"""The one reader of ``;``-separated CSV files (CBS exports, registrations, plan figures).

Every input CSV of the monitor is read the same way: ``;`` as separator, UTF-8 with or without a
byte-order mark, every cell as text (no guessing of numbers, dates or missing values: the caller
decides what a cell means and can name the row and column when it is wrong), header names
stripped of padding.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_semicolon_csv(path: str | Path, *, skip_blank_lines: bool = True) -> pd.DataFrame:
    """The file as text cells. Raises ``UnicodeDecodeError`` (not UTF-8) or
    ``pandas.errors.ParserError`` (rows that do not fit the header); callers turn those into a
    message for the user."""
    df = pd.read_csv(
        path,
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
        skip_blank_lines=skip_blank_lines,
    )
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    return df
