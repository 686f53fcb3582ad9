"""What a reader downloads: the CSV files (for Excel with Dutch settings) and the Excel workbooks.

CSV (:func:`write_csv`): ``;``-separated, decimal comma, no thousands separator, UTF-8 with BOM,
flags as ``ja``/``nee``, dates ISO; every digit of a number is kept (Excel reads it back as the
number). Used for the data behind every chart (:func:`tussenstand.charts.save_chart`) and for the
site's overview of all goals.

The workbook of a report (:class:`Downloads`, :func:`write_workbook`): while the report runs,
:mod:`tussenstand.report.output` hands every table it shows and every chart it saves to the report's
:class:`Downloads`; at the end :func:`tussenstand.report.write_summary` writes them as one ``.xlsx``
(:func:`workbook_name`, beside the charts' CSVs in ``data/``):

- a first sheet ``Inhoud``: what the workbook is (report, period, build date), the rule for small
  numbers, a warning when data are illustrative, and one row per sheet (what it holds, its source
  line, the CSV with the same data);
- one sheet per table, with the report's own column names; tables of one kind (the facts of every
  goal, the goals per theme) share a sheet, with a first column saying which goal or theme a row
  belongs to. A cell that is a number in the report (``39.450``, ``23,7%``, ``€ 45.128.079``) is a
  number in Excel with the same format; any other text stays text, a suppressed count ``< 10`` too
  (it is what the report shows);
- one sheet per chart with the rows of its CSV: values as numbers (percentages in percent, as the
  ``eenheid`` column says), flags ``ja``/``nee``, a suppressed value empty with the reason in
  ``ontbreekt_reden``;
- data sheets with typed rows (``Doelen``: every goal with baseline, target, latest measurement and
  status as numbers, :func:`goal_frame`; the site's overview of all goals has the same columns).

Sheet names are Dutch, at most 31 characters (Excel's limit) and unique.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tussenstand import badges
from tussenstand.atomic import write_atomic
from tussenstand.nlformat import MISSING, is_missing, parse_number
from tussenstand.periods import Period

if TYPE_CHECKING:
    from tussenstand.handoff import GoalRecord

CONTENTS_SHEET = "Inhoud"
#: Excel's limit for a sheet name, and the characters it does not allow in one
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: a column without a name in the report (the label column of a label/value table)
UNNAMED_COLUMN = "Onderdeel"

TABLE = "tabel"
CHART = "grafiek"
DATA = "gegevens"


@dataclass
class Part:
    """What becomes one sheet: tables of the same ``sheet`` are stacked."""

    kind: str
    sheet: str
    title: str
    frames: list[pd.DataFrame] = field(default_factory=list)
    source: str = ""
    csv: str = ""


@dataclass
class Downloads:
    """The tables and chart data of one report, in the order the report shows them."""

    parts: list[Part] = field(default_factory=list)

    def add_table(
        self,
        frame: pd.DataFrame,
        title: str,
        *,
        sheet: str | None = None,
        label: tuple[str, str] | None = None,
    ) -> None:
        """A table as the report shows it (cells are the report's texts). Tables with the same
        ``sheet`` share one sheet; ``label`` (column, value) is put before their columns."""
        # a status badge is Markdown for the page; the workbook gets its text
        frame = frame.apply(
            lambda col: (
                col.map(lambda v: badges.without_badges(v) if isinstance(v, str) else v)
                if col.dtype == object
                else col
            )
        )
        if label is not None:
            frame.insert(0, label[0], label[1])
        if sheet is not None:
            for part in self.parts:
                if part.kind == TABLE and part.sheet == sheet:
                    part.frames.append(frame)
                    return
        self.parts.append(Part(TABLE, sheet or title, sheet or title, [frame]))

    def add_chart(self, name: str, title: str, data: pd.DataFrame, caption: str) -> None:
        """The data behind a chart saved as ``name.svg`` / ``name.csv``."""
        self.parts.append(Part(CHART, name, title, [data.copy()], caption, f"{name}.csv"))

    def add_data(self, sheet: str, title: str, frame: pd.DataFrame, source: str = "") -> None:
        """Structured rows (typed values) on a sheet of their own."""
        self.parts.append(Part(DATA, sheet, title, [frame.copy()], source))


def workbook_name(code: str, period: Period | str) -> str:
    """``tussenstand-GM0396-2026-H1.xlsx``."""
    return f"tussenstand-{code}-{period}.xlsx"


def write_workbook(
    path: str | Path, downloads: Downloads, about: Sequence[tuple[str, str]] = ()
) -> Path:
    """Write the workbook atomically; ``about`` are the first rows of the contents sheet
    (label, text)."""
    wb = Workbook()
    contents = wb.active
    contents.title = CONTENTS_SHEET
    used = {CONTENTS_SHEET.lower()}
    index_rows = []
    for part in downloads.parts:
        name = _sheet_name(part.sheet, used)
        ws = wb.create_sheet(name)
        if part.kind == TABLE:
            frame = pd.concat(part.frames, ignore_index=True, sort=False)
            _write_frame(ws, frame, _table_cell)
        else:
            _write_frame(ws, part.frames[0], _data_cell)
        index_rows.append((name, part.kind, part.title, part.source, part.csv))
    _write_contents(contents, about, index_rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, lambda p: wb.save(p))


# ----- sheets -------------------------------------------------------------------------------------
def _sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique sheet name (Excel compares names without case)."""
    base = _BAD_SHEET_CHARS.sub("-", str(wanted)).strip().strip("'") or "Blad"
    name, n = base[:MAX_SHEET_NAME], 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _write_frame(ws: Worksheet, frame: pd.DataFrame, convert) -> None:
    headers = [str(c) if str(c).strip() else UNNAMED_COLUMN for c in frame.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # rows counted here: openpyxl's ``max_row`` scans every cell on each call
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        for col, value in enumerate(row, start=1):
            _set(ws.cell(row=number, column=col), *convert(value))
    ws.freeze_panes = "A2"
    _fit_columns(ws)


def _set(cell, value: Any, number_format: str | None) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if number_format:
        cell.number_format = number_format


def _write_contents(
    ws: Worksheet, about: Sequence[tuple[str, str]], rows: list[tuple[str, ...]]
) -> None:
    for label, text in about:
        ws.append([label, text])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.append([])
    ws.append(["Blad", "Soort", "Titel", "Bron en toelichting", "Zelfde gegevens als CSV"])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = Font(bold=True)
    for name, kind, title, source, csv in rows:
        ws.append([name, kind, title, source or None, csv or None])
        link = ws.cell(row=ws.max_row, column=1)
        link.hyperlink = f"#'{name}'!A1"
        link.style = "Hyperlink"
    _fit_columns(ws, widest=80)


def _fit_columns(ws: Worksheet, widest: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                length = max(len(line) for line in str(cell.value).splitlines() or [""])
                widths[cell.column] = max(widths.get(cell.column, 0), length)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(widest, max(8, width + 2))


# ----- cells --------------------------------------------------------------------------------------
#: Markdown emphasis in a table cell (``**Totaal**``, ``**op koers** (illustratief)``)
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"^\*(.+)\*$")


def _table_cell(value: object) -> tuple[Any, str | None]:
    """A table cell as the report shows it: a number in the report's notation becomes the number
    with that format; ``–`` (no value) an empty cell; other text stays text, without Markdown
    emphasis."""
    if is_missing(value):
        return None, None
    if not isinstance(value, str):
        return _data_cell(value)
    text = _EMPHASIS.sub(r"\1", _STRONG.sub(r"\1", value.strip()))
    if text in ("", MISSING):
        return None, None
    number = parse_number(text)
    if number is None:
        return text, None
    decimals = "." + "0" * number.decimals if number.decimals else ""
    if number.kind == "procent":
        return number.value / 100, f"0{decimals}%"
    if number.kind == "euro":
        return number.value, f'"€" #,##0{decimals}'
    return (int(number.value) if not number.decimals else number.value), f"#,##0{decimals}"


def _data_cell(value: object) -> tuple[Any, str | None]:
    """A value of chart data or a data sheet: numbers as numbers, flags as ``ja``/``nee``,
    periods by their code, missing values empty."""
    if isinstance(value, bool | np.bool_):
        return ("ja" if value else "nee"), None
    if is_missing(value):
        return None, None
    if isinstance(value, int | np.integer):
        return int(value), None
    if isinstance(value, float | np.floating):
        return float(value), None
    if isinstance(value, Period):
        return value.code, None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10], None
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or None, None
    return str(value), None


# ----- CSV ----------------------------------------------------------------------------------------
def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a CSV file for Excel with Dutch settings (see the module docstring),
    atomically; a file that already holds the same text is left as it is."""
    text_frame = csv_frame(frame)
    return write_atomic(
        Path(path),
        lambda p: text_frame.to_csv(
            p, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n"
        ),
        keep_unchanged=True,
    )


def csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Every cell as Dutch text: decimal comma, no thousands separator, ja/nee, ISO dates."""
    out = pd.DataFrame(index=data.index)
    for col in data.columns:
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "ja", False: "nee"})
        elif pd.api.types.is_float_dtype(s):
            out[col] = [_csv_float(v) for v in s]
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype("string").fillna("")
        else:
            out[col] = [_csv_cell(v) for v in s]
    return out


def _csv_float(v: Any) -> str:
    """A number for the CSV file: every digit up to 10 decimals, a decimal comma, no thousands
    separator (a file format that Excel reads back as the number, not display text)."""
    if is_missing(v):
        return ""
    text = f"{float(v):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def _csv_cell(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "ja" if v else "nee"
    if isinstance(v, float | np.floating):
        return _csv_float(v)
    if is_missing(v):
        return ""
    if isinstance(v, Period):
        return v.code
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10] if getattr(v, "hour", 0) == 0 else v.isoformat()
    return str(v)


# ----- the goals as rows --------------------------------------------------------------------------
#: the columns of a goal's row (the report's sheet ``Doelen``, the site's overview of all goals)
GOAL_COLUMNS = {
    "thema": "Thema",
    "id": "Doel",
    "indicator": "Indicator",
    "eenheid": "Eenheid",
    "nulmeting": "Nulmeting",
    "nulmeting_periode": "Periode nulmeting",
    "vergelijking": "Vergelijking",
    "streefwaarde": "Streefwaarde",
    "streefwaarde_periode": "Periode streefwaarde",
    "laatste_meting": "Laatste meting",
    "laatste_meting_periode": "Periode laatste meting",
    "status": "Status",
    "illustratief": "Illustratief",
    "onderdrukt": "Niet gepubliceerd",
}


def goal_frame(records: Sequence[GoalRecord], threshold: int) -> pd.DataFrame:
    """One row per goal: baseline, target and latest measurement as numbers with their periods,
    the status. A value that is not published (small numbers) is empty, and ``Niet
    gepubliceerd`` says which and why (``laatste meting: kleine aantallen (< 10)``)."""
    rows = []
    for record in records:
        row = {label: getattr(record, key) for key, label in GOAL_COLUMNS.items()}
        row["Niet gepubliceerd"] = "; ".join(
            f"{name.replace('_', ' ')}: kleine aantallen (< {threshold})"
            for name in record.onderdrukt
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(GOAL_COLUMNS.values()))
    for col in ("Nulmeting", "Streefwaarde", "Laatste meting"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["Illustratief"] = frame["Illustratief"].astype(bool)
    return frame
