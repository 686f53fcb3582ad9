"""The evaluation report: what each chapter of ``notebooks/02_rapport.ipynb`` shows.

The notebook stays thin: it opens a :class:`Report` for its parameters and calls one ``show_*``
function per chapter. Each function builds tables (Markdown through :mod:`tussenstand.markdown`,
so Quarto renders them in HTML and in the typst PDF), charts (:mod:`tussenstand.charts`, saved with
the CSV behind them) and a sentence of interpretation, all in Dutch. Published values pass the
small-numbers rule (:func:`tussenstand.disclosure.apply_disclosure`); goal statuses are judged on
the internal values.

Where things are:

``context``
    :class:`Report`, :func:`open_report` and the selection of series (one kind of period, published
    values, Nederland, the comparison group and the region).
``text``
    How values, periods, changes, ranks, targets and baselines are worded.
``output``
    Markdown into the notebook; a chart saved with its CSV and linked.
``introduction``, ``summary``, ``changes``, ``demography``, ``finances``, ``themes``,
``indicators``, ``region``, ``accountability``
    The chapters of ``02_rapport.ipynb``, in the notebook's order (``indicators`` also holds the
    BBV chapter; ``themes`` the goals).
``summary_file``
    ``samenvatting.json`` for the site.
``quality``
    The data-quality summary of ``01_opschonen.ipynb``.
"""

from __future__ import annotations

from tussenstand.report.accountability import show_accountability, sources_table
from tussenstand.report.changes import (
    goals_without_measurement,
    new_goal_measurements,
    new_indicator_figures,
    previous_report,
    show_changes,
    status_changes,
)
from tussenstand.report.context import (
    Report,
    ReportError,
    current_segment,
    goal_measurements,
    indicator_frame,
    latest_values,
    one_frequency,
    open_report,
    series_rows,
    status_counts,
)
from tussenstand.report.demography import national_age_shares, show_demography
from tussenstand.report.finances import show_finances
from tussenstand.report.indicators import (
    indicator_sentence,
    sentence_title,
    show_bbv_indicators,
    show_indicator,
)
from tussenstand.report.introduction import show_introduction
from tussenstand.report.quality import show_quality
from tussenstand.report.region import show_region
from tussenstand.report.summary import (
    goals_overview,
    goals_table,
    indicator_overview,
    show_summary,
)
from tussenstand.report.summary_file import summary_record, write_summary
from tussenstand.report.text import change_text, direction_text, is_count, is_percentage, rank_text
from tussenstand.report.themes import district_breakdown, show_goal, show_themes

__all__ = [
    "Report",
    "ReportError",
    "change_text",
    "current_segment",
    "direction_text",
    "district_breakdown",
    "goal_measurements",
    "goals_without_measurement",
    "goals_overview",
    "goals_table",
    "indicator_frame",
    "indicator_overview",
    "indicator_sentence",
    "is_count",
    "is_percentage",
    "latest_values",
    "new_goal_measurements",
    "new_indicator_figures",
    "national_age_shares",
    "one_frequency",
    "previous_report",
    "open_report",
    "rank_text",
    "sentence_title",
    "series_rows",
    "show_accountability",
    "show_bbv_indicators",
    "show_changes",
    "show_demography",
    "show_finances",
    "show_goal",
    "show_indicator",
    "show_introduction",
    "show_quality",
    "show_region",
    "show_summary",
    "show_themes",
    "sources_table",
    "status_changes",
    "status_counts",
    "summary_record",
    "write_summary",
]
