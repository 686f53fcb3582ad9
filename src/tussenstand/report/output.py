"""How a chapter puts something on the page: Markdown into the notebook, a table shown (and kept
for the report's workbook), a chart saved and linked.

Quarto renders the notebook's Markdown outputs in HTML and in the typst PDF. Tests read what a
chapter shows by replacing :func:`IPython.display.display` in this module.
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown, display

from tussenstand import charts, markdown
from tussenstand.report.context import Report


def show(*texts: str) -> None:
    """Show each text as Markdown below the running cell."""
    for text in texts:
        display(Markdown(text))


def show_table(
    report: Report,
    frame: pd.DataFrame,
    align: str | None,
    title: str,
    *,
    sheet: str | None = None,
    label: tuple[str, str] | None = None,
) -> None:
    """Show a table (Markdown) and put it in the report's workbook: on a sheet of its own named
    ``title``, or with the other tables of ``sheet`` (``label``: a first column saying which goal
    or theme the rows belong to)."""
    report.downloads.add_table(frame, title, sheet=sheet, label=label)
    show(markdown.table(frame, align))


def show_chart(report: Report, result: charts.ChartResult, name: str) -> None:
    """Save a chart with the CSV behind it in the report's figures folder, put its data in the
    report's workbook, and show it."""
    report.chart_count += 1
    charts.save_chart(result, report.figures_dir, name)
    report.downloads.add_chart(name, result.title, result.data, result.caption)
    # The image is linked, not embedded: Quarto and Jupyter show it from the file beside the
    # report, and the stored notebooks stay small.
    charts.show_chart(result, relative_to=report.relative_to, embed_image=False)


def slug(text: str) -> str:
    """A file name part: ``ZW-1`` -> ``zw-1``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "grafiek"
