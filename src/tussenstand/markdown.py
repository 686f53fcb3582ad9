"""Markdown for Quarto: the one escaper and the one table writer.

Reports and site pages are Markdown that Quarto turns into HTML and a typst PDF. Text that comes
from data (a municipality's name, a file name, a caption) goes through :func:`escape`, so that a
``*`` or ``[`` in it is shown, not interpreted; table cells are Markdown on purpose (``**Totaal**``)
and only lose what would break the table (``|``, line breaks).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

#: characters with a meaning in Pandoc Markdown inside a line of text
_SPECIAL = re.compile(r"([\\`*_\[\]|<>#])")

#: characters of body text on one line of an A4 page (typst, 10.5 pt, 2,2 cm margins)
LINE_CHARACTERS = 85


def escape(text: object) -> str:
    """``text`` as literal Markdown: special characters get a backslash, line breaks a space."""
    return _SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def attribute(text: object) -> str:
    """``text`` inside a double-quoted attribute (``{fig-alt="..."}``)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _cell(value: Any) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table(df: pd.DataFrame, align: str | None = None) -> str:
    """A pipe table (Quarto renders it in HTML and typst). ``align``: one of l/r/c per column.

    Cells are Markdown (bold totals stay bold); a ``|`` in a cell is escaped. Every column has a
    name: a screen reader reads a cell with its column's header, and an empty header says nothing
    (WCAG 1.3.1); a label/value table names both columns (``Gegeven``, ``Waarde``).
    """
    cols = [str(c) for c in df.columns]
    unnamed = [i + 1 for i, c in enumerate(cols) if not c.strip()]
    if unnamed:
        raise ValueError(
            f"markdown.table: kolom {', '.join(map(str, unnamed))} heeft geen naam "
            f"(kolommen: {', '.join(repr(c) for c in cols)}); geef elke kolom een kop"
        )
    align = align or "l" * len(cols)
    if len(align) != len(cols):
        raise ValueError(
            f"markdown.table: {len(align)} uitlijningen ({align!r}) voor {len(cols)} kolommen "
            f"({', '.join(cols) or 'geen'})"
        )
    rows = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    # Pandoc (and so Quarto, in HTML and in the typst PDF) sizes the columns of a wide pipe table
    # by the number of dashes under each header: give a column dashes in proportion to its
    # longest text, so that a long indicator name gets room and a year does not.
    widths = column_widths(cols, rows, align)
    lines = [
        "| " + " | ".join(cols) + " |",
        "|" + "|".join(_rule(a, max(w, 3)) for a, w in zip(align, widths, strict=True)) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def column_widths(cols: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[int]:
    """Relative column widths in characters. A number column (right-aligned) gets what it needs
    never to wrap: its longest cell or header word, plus padding. The text columns share the rest
    of a line in proportion to their longest text (10..45), at least 10 each."""
    need = {
        i: max([*(len(r[i]) for r in rows), *(len(w) for w in c.split()), 3]) + 2
        for i, (c, a) in enumerate(zip(cols, align, strict=True))
        if a == "r"
    }
    text = {
        i: min(max([len(c), *(len(r[i]) for r in rows), 10]), 45)
        for i, c in enumerate(cols)
        if i not in need
    }
    rest = max(LINE_CHARACTERS - sum(need.values()), 10 * len(text))
    scale = min(1.0, rest / sum(text.values())) if text else 1.0
    return [need[i] if i in need else max(10, round(text[i] * scale)) for i in range(len(cols))]


def _rule(align: str, width: int) -> str:
    if align == "r":
        return "-" * (width - 1) + ":"
    if align == "c":
        return ":" + "-" * (width - 2) + ":"
    return ":" + "-" * (width - 1)
