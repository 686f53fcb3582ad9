"""The one reader of ``;``-separated CSV files (CBS exports, registrations, plan figures).

Every input CSV of the monitor is read the same way: ``;`` as separator, UTF-8 with or without a
byte-order mark, every cell as text (no guessing of numbers, dates or missing values: the caller
decides what a cell means and can name the row and column when it is wrong), header names
stripped of padding. :func:`csv_shape` says whether a file is complete: lines with fewer fields
than the header, a last line without a line break (a file cut off mid-line or mid-number).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CsvShape:
    """How complete a ``;``-separated file is, line by line (header = line 1).

    ``short_rows`` are (line, number of fields) of data lines with fewer fields than the header;
    ``cut_line`` is the last line when the file does not end with a line break (cut off in the middle
    of that line, for example in the middle of a number), else None. ``rows`` counts data lines.
    """

    header_fields: int
    rows: int
    short_rows: tuple[tuple[int, int], ...]
    cut_line: int | None


def csv_shape(path: str | Path) -> CsvShape:
    """Count the fields of every line of ``path`` (blank lines skipped, as the reader skips them)."""
    path = Path(path)
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        if size:
            fh.seek(size - 1)
            ends_with_newline = fh.read(1) in (b"\n", b"\r")
        else:
            ends_with_newline = True
    header = 0
    rows = 0
    last_line = 0
    short: list[tuple[int, int]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for record in csv.reader(fh, delimiter=";"):
            if not record or record == [""]:
                continue
            if not header:
                header = len(record)
                last_line = 1
                continue
            rows += 1
            last_line = 1 + rows
            if len(record) < header:
                short.append((last_line, len(record)))
    cut = last_line if rows and not ends_with_newline else None
    return CsvShape(header, rows, tuple(short), cut)
