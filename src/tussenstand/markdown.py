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
#: the longest cell of a right-aligned column that is sized never to wrap (a number); a column
#: with longer cells shares the line with the text columns
NUMBER_COLUMN_MAX = 20

#: a span with attributes, ``[op koers]{.status .status-op-koers}``: the reader sees its text only
_SPAN = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\{[^}]*\}")
#: a backslash escape (``\*``): the reader sees the character
_ESCAPED = re.compile(r"\\(.)")


def escape(text: object) -> str:
    """``text`` as literal Markdown: special characters get a backslash, line breaks a space."""
    return _SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def attribute(text: object) -> str:
    """``text`` inside a double-quoted attribute (``{fig-alt="..."}``)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def visible_text(text: str) -> str:
    """What a reader sees of a cell's Markdown: a span's text without its attributes (a status
    badge), an escaped character once."""
    return _ESCAPED.sub(r"\1", _SPAN.sub(r"\1", text))


def visible_length(text: str) -> int:
    """The number of characters of :func:`visible_text`."""
    return len(visible_text(text))


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
    """Relative column widths in characters, as the reader sees them (:func:`visible_text`).

    A number column (right-aligned, no cell longer than :data:`NUMBER_COLUMN_MAX`) gets what it
    needs never to wrap: its longest cell or header word, plus padding. The other columns (text,
    and right-aligned texts such as a value per municipality of a region) share the rest of a line
    in proportion to their longest text (10..45), and never get less than their longest word (up
    to 45): cells are not hyphenated, so a word wider than its column (a file name such as
    ``heemskerk_illustratief.csv``) would run into the next column."""
    longest = [max([0, *(visible_length(r[i]) for r in rows)]) for i in range(len(cols))]
    number = {
        i: max([longest[i], *(len(w) for w in cols[i].split()), 3]) + 2
        for i, a in enumerate(align)
        if a == "r" and longest[i] <= NUMBER_COLUMN_MAX
    }
    shared = [i for i in range(len(cols)) if i not in number]
    want = {i: min(max(len(cols[i]), longest[i], 10), 45) for i in shared}
    floor = {i: max(10, min(_longest_word(cols[i], [r[i] for r in rows]) + 1, 45)) for i in shared}
    want = {i: max(want[i], floor[i]) for i in shared}
    room = LINE_CHARACTERS - sum(number.values()) - sum(floor.values())
    flexible = sum(want[i] - floor[i] for i in shared)
    # every column at its floor already (flexible 0): nothing to share, even when the floors
    # together are wider than a line (pandoc then scales all columns down alike)
    share = 1.0 if room >= flexible or flexible == 0 else max(room, 0) / flexible
    return [
        number[i] if i in number else floor[i] + round((want[i] - floor[i]) * share)
        for i in range(len(cols))
    ]


#: where a line may break inside a cell's text: spaces, and after a hyphen or a slash
_BREAKS = re.compile(r"\s+|(?<=[-/])")


def _longest_word(header: str, cells: Sequence[str]) -> int:
    """The longest piece of text without a place to break, in a column (header or cell)."""
    words = [w for text in (header, *cells) for w in _BREAKS.split(visible_text(text))]
    return max((len(w) for w in words), default=0)


def _rule(align: str, width: int) -> str:
    if align == "r":
        return "-" * (width - 1) + ":"
    if align == "c":
        return ":" + "-" * (width - 2) + ":"
    return ":" + "-" * (width - 1)
