"""One chart style for the whole report, with a source line, alt text and the data behind each chart.

Every chart function returns a :class:`ChartResult`: the matplotlib ``Figure``, the ``data`` that was
plotted (what :func:`save_chart` writes as CSV next to the image, an SVG), the ``title`` (the finding, passed
by the caller), a Dutch ``alt_text`` with the key numbers, a Dutch ``source_line`` built from the
data's ``bron``, ``tabel`` and ``peildatum`` columns, and ``notes`` (gaps, suppressed values,
provisional figures).

Rules every chart follows:

- Input is the tidy measurement schema (``docs/architectuur.md``): ``periode``, ``waarde``,
  ``eenheid``, ``bron``, ``tabel``, ``peildatum`` and the flags ``illustratief``, ``voorlopig``,
  ``onderdrukt``, ``reeksbreuk`` (missing flag columns count as false).
- Values flagged ``onderdrukt`` are never plotted and never written to the CSV: the value becomes a
  gap and a note says so.
- Illustrative data (any row ``illustratief``) puts a visible watermark ``Illustratief`` on the
  figure and starts the source line with ``ILLUSTRATIEF – geen echte gegevens.``
- Time runs on a continuous axis: a period sits at its end (``Period.decimal_year("end")``, as the
  goal assessment measures time), ticks are labelled with Dutch period labels.
- Numbers on axes and labels are Dutch (:mod:`tussenstand.nlformat`).
- Figures are created without pyplot (``matplotlib.figure.Figure`` with an Agg canvas): they are
  never auto-displayed twice in a notebook, never leak, and are safe in parallel runs.

In a notebook, save first and then show: ``save_chart(result, folder, name)``, then
``show_chart(result)``. :func:`show_chart` then emits one Markdown output
``![source line](figuren/name.svg){fig-alt="..."}``: Quarto renders that as a figure with the alt
text and the source line as caption, in HTML and in the typst PDF. Quarto ignores alt text in an
image output's metadata and only knows ``fig-alt`` as a static cell option, which cannot carry
numbers computed at run time; a Markdown output can, and its text is deterministic for nbval.

The modules, by job:

- :mod:`~tussenstand.charts.style`: colours, role styles, rcParams, Dutch tick labels, figures;
- :mod:`~tussenstand.charts.prepare`: the tidy data checked and prepared for a chart;
- :mod:`~tussenstand.charts.timeaxis`: periods on the continuous time axis and their ticks;
- :mod:`~tussenstand.charts.annotate`: source line, watermark, notes on gaps;
- :mod:`~tussenstand.charts.result`: :class:`ChartResult` and the last step of every chart;
- one module per kind of chart: :mod:`~tussenstand.charts.trend`, :mod:`~tussenstand.charts.goal`,
  :mod:`~tussenstand.charts.bars` (per district, per category),
  :mod:`~tussenstand.charts.age_structure`, :mod:`~tussenstand.charts.distribution` (every
  gemeente's value in one period, the report's gemeente and comparison group marked);
- :mod:`~tussenstand.charts.output`: saving (SVG + CSV) and showing in a notebook;
- :mod:`~tussenstand.charts.collisions`: texts of a drawn chart that overlap or leave the figure.

Import from the package (``from tussenstand import charts``): the names below are its API.
"""

from tussenstand.charts.age_structure import AGE_BAND_LABELS, age_structure_chart
from tussenstand.charts.annotate import (
    ILLUSTRATIVE_PREFIX,
    PROCESSING,
    SUPPRESSED_NOTE,
    WATERMARK_GID,
    WATERMARK_TEXT,
    source_line,
)
from tussenstand.charts.bars import bar_chart, district_goal_chart
from tussenstand.charts.collisions import Collision, text_collisions
from tussenstand.charts.distribution import distribution_chart
from tussenstand.charts.goal import goal_chart
from tussenstand.charts.output import save_chart, show_chart, tick_labels
from tussenstand.charts.result import ChartResult
from tussenstand.charts.style import (
    CHART_FORMAT,
    COLORS,
    EXTRA_MEMBER_ROLES,
    FIGSIZE,
    OKABE_ITO,
    PNG_DPI,
    ROLE_STYLES,
    ROLES,
    DutchFormatter,
    apply_style,
    dutch_formatter,
    style_rc,
)
from tussenstand.charts.trend import comparison_median, infer_role, trend_chart

__all__ = [
    "AGE_BAND_LABELS",
    "COLORS",
    "EXTRA_MEMBER_ROLES",
    "FIGSIZE",
    "ILLUSTRATIVE_PREFIX",
    "OKABE_ITO",
    "CHART_FORMAT",
    "PNG_DPI",
    "PROCESSING",
    "ROLES",
    "ROLE_STYLES",
    "SUPPRESSED_NOTE",
    "WATERMARK_GID",
    "WATERMARK_TEXT",
    "ChartResult",
    "Collision",
    "DutchFormatter",
    "age_structure_chart",
    "apply_style",
    "bar_chart",
    "comparison_median",
    "distribution_chart",
    "district_goal_chart",
    "dutch_formatter",
    "goal_chart",
    "infer_role",
    "save_chart",
    "show_chart",
    "source_line",
    "style_rc",
    "text_collisions",
    "tick_labels",
    "trend_chart",
]
