"""The one chart style: colours, a style per series role, the rcParams, Dutch numbers on the axes,
titles, and figures made without pyplot."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.ticker import Formatter, MaxNLocator

from tussenstand.nlformat import fmt_euro, fmt_number, fmt_percent

# ----- colours ------------------------------------------------------------------------------------
#: Okabe-Ito, the colour-blind-safe palette (Okabe & Ito 2008).
OKABE_ITO = {
    "oranje": "#E69F00",
    "hemelsblauw": "#56B4E9",
    "blauwgroen": "#009E73",
    "geel": "#F0E442",
    "blauw": "#0072B2",
    "vermiljoen": "#D55E00",
    "paars": "#CC79A7",
    "zwart": "#000000",
}

#: The named colours of the report. Series are told apart by line style and marker as well.
COLORS = {
    "gemeente": OKABE_ITO["blauw"],
    "nederland": OKABE_ITO["oranje"],
    "vergelijkingsgroep": OKABE_ITO["blauwgroen"],
    "regio": OKABE_ITO["paars"],
    "doel": OKABE_ITO["vermiljoen"],
    "verwacht_pad": "#4D4D4D",
    "projectie": OKABE_ITO["hemelsblauw"],
    "neutraal": "#8C8C8C",
    "watermerk": OKABE_ITO["vermiljoen"],
}

ROLE_STYLES = {
    "gemeente": {"color": COLORS["gemeente"], "linestyle": "-", "marker": "o", "linewidth": 2.2},
    "nederland": {"color": COLORS["nederland"], "linestyle": "--", "marker": "s", "linewidth": 1.8},
    "vergelijkingsgroep": {
        "color": COLORS["vergelijkingsgroep"],
        "linestyle": "-.",
        "marker": "^",
        "linewidth": 1.8,
    },
    "regio": {"color": COLORS["regio"], "linestyle": ":", "marker": "D", "linewidth": 1.8},
    # further municipalities side by side (a region report): own colour, line style and marker
    "gemeente_2": {
        "color": OKABE_ITO["vermiljoen"],
        "linestyle": "-",
        "marker": "v",
        "linewidth": 1.8,
    },
    "gemeente_3": {"color": OKABE_ITO["zwart"], "linestyle": "--", "marker": "P", "linewidth": 1.8},
    "gemeente_4": {
        "color": OKABE_ITO["hemelsblauw"],
        "linestyle": "-.",
        "marker": "X",
        "linewidth": 1.8,
    },
}
ROLES = tuple(ROLE_STYLES)
EXTRA_MEMBER_ROLES = ("gemeente_2", "gemeente_3", "gemeente_4")

#: characters per line of a y-axis label (the height of a chart's axes in 9-point text)
AXIS_LABEL_WIDTH = 36
FIGSIZE = (7.0, 4.2)  # inches: about 16 cm wide on A4
#: The file format of a saved chart. SVG is vector graphics: sharp at every size on screen and in
#: the typst PDF (a 150 dpi PNG is soft in print), smaller in the PDF, and quicker to write
#: (constrained layout and drawing once, by the SVG renderer itself; see scripts/benchmark.py).
#: Text is drawn as outlines (``svg.fonttype: path``): the same glyphs in every browser and in
#: typst, with no font needed.
CHART_FORMAT = "svg"
#: No software version or date in a saved chart: the same chart gives the same bytes (stable
#: content hashes in the run manifest).
CHART_METADATA = {"Creator": None, "Date": None}
#: resolution of a PNG made from a figure (a chart shown in a notebook before it is saved)
PNG_DPI = 150


# ----- rcParams -----------------------------------------------------------------------------------
def style_rc() -> dict[str, Any]:
    """The rcParams of the report style (seaborn ``whitegrid`` + our fonts, colours and spines)."""
    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("paper"))
    rc.update(
        {
            # DejaVu Sans ships with matplotlib: the same glyphs (and PNG bytes) on every machine
            "font.family": ["sans-serif"],
            "font.sans-serif": ["DejaVu Sans"],
            "font.size": 10,
            "axes.titlesize": 11.5,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "legend.title_fontsize": 9,
            "figure.titlesize": 11.5,
            "figure.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#555555",
            "axes.linewidth": 0.8,
            "axes.labelcolor": "#222222",
            "text.color": "#222222",
            "xtick.color": "#222222",
            "ytick.color": "#222222",
            "xtick.bottom": True,
            "ytick.left": False,
            "grid.color": "#E3E3E3",
            "grid.linewidth": 0.8,
            "lines.linewidth": 2.0,
            "lines.markersize": 5.5,
            "axes.prop_cycle": mpl.cycler(
                color=[
                    COLORS["gemeente"],
                    COLORS["nederland"],
                    COLORS["vergelijkingsgroep"],
                    COLORS["regio"],
                    COLORS["doel"],
                    COLORS["projectie"],
                    OKABE_ITO["geel"],
                    OKABE_ITO["zwart"],
                ]
            ),
            "axes.unicode_minus": True,
            "axes.formatter.use_locale": False,
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": PNG_DPI,
            "savefig.facecolor": "white",
            "legend.frameon": False,
            "svg.hashsalt": "tussenstand",  # stable ids in the SVG (clip paths, markers)
            "svg.fonttype": "path",
        }
    )
    return rc


def apply_style() -> None:
    """Make the report style the default for every plot in this process (e.g. a notebook)."""
    sns.set_theme(style="whitegrid", context="paper", rc=style_rc())
    mpl.rcParams.update(style_rc())


@contextmanager
def styled() -> Iterator[None]:
    """The report style for the figures made inside the block, whatever the process default."""
    with mpl.rc_context(style_rc()):
        yield


# ----- figures ------------------------------------------------------------------------------------
#: the height of the legend's row under the panels, as a share of the panels' height: the row
#: itself is next to nothing, the constrained layout makes room for the legend it holds
LEGEND_ROW = 0.001
#: the invisible axes of the legend's row
LEGEND_GID = "legenda"


def new_figure(
    figsize: tuple[float, float] = FIGSIZE, *, legend_row: bool = False
) -> tuple[Figure, Axes]:
    """A figure with one axes, without pyplot: never auto-displayed, never leaked.

    ``legend_row``: a row under the axes for :func:`legend_below`."""
    fig, axes = new_panels(1, figsize, legend_row=legend_row)
    return fig, axes[0]


def new_panels(
    ncols: int,
    figsize: tuple[float, float],
    *,
    sharey: bool = False,
    legend_row: bool = False,
) -> tuple[Figure, list[Axes]]:
    """A figure with ``ncols`` axes side by side, without pyplot (the panels are ``fig.axes[:ncols]``).

    ``legend_row``: a row under the panels, as wide as all of them, for :func:`legend_below`."""
    fig = _figure(figsize)
    if not legend_row:
        axes = fig.subplots(1, ncols, sharey=sharey, squeeze=False)
        return fig, list(axes[0])
    grid = fig.add_gridspec(2, ncols, height_ratios=[1, LEGEND_ROW])
    panels = [fig.add_subplot(grid[0, 0])]
    for col in range(1, ncols):
        panel = fig.add_subplot(grid[0, col], sharey=panels[0] if sharey else None)
        if sharey:  # as subplots(sharey=True): the values only on the left
            panel.yaxis.set_tick_params(labelleft=False)
        panels.append(panel)
    row = fig.add_subplot(grid[1, :])
    row.set_axis_off()
    row.set_gid(LEGEND_GID)
    return fig, panels


def legend_below(
    fig: Figure, handles: list[Artist], labels: list[str], *, max_cols: int = 4
) -> Legend:
    """The legend in its own row under the panels (made with ``legend_row=True``), centred, in as
    many columns (at most ``max_cols``) as fit in the figure's width.

    The constrained layout makes room for it under the tick labels and above the notes: it never
    covers data, tick labels or notes, whatever the number and length of the entries."""
    row = next((ax for ax in fig.axes if ax.get_gid() == LEGEND_GID), None)
    if row is None:
        raise ValueError("legend_below: maak de figuur met legend_row=True")
    renderer = fig.canvas.get_renderer()
    width = fig.bbox.width * 0.98
    for ncol in range(max(1, min(max_cols, len(labels))), 0, -1):
        legend = row.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1.0),
            borderaxespad=0.0,
            ncol=ncol,
        )
        if legend.get_window_extent(renderer).width <= width:
            break
    return legend


def _figure(figsize: tuple[float, float]) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def set_title(ax: Axes, title: str) -> None:
    """The chart's title (the finding) above everything, from the figure's left edge (not the
    axes': long category labels on the y axis would push it out of the figure), wrapped."""
    ax.figure.suptitle(textwrap.fill(title, 64), x=0.01, ha="left")


# ----- Dutch numbers on axes ----------------------------------------------------------------------
class DutchFormatter(Formatter):
    """Tick labels in Dutch notation; decimals follow the tick spacing; ``%`` or ``€`` by unit."""

    def __init__(self, unit: str | None = None):
        self.unit = (unit or "").strip().lower()
        self._tick_values: list[float] = []

    def set_locs(self, locs):
        self._tick_values = list(locs)

    def _decimals(self) -> int:
        """The fewest decimals (at most 3) that show every tick value exactly: 2,5 not 3."""
        locs = [x for x in self._tick_values if math.isfinite(x)]
        scale = max((abs(x) for x in locs), default=1) or 1
        for decimals in range(4):
            if all(abs(round(x, decimals) - x) <= 1e-9 * scale for x in locs):
                return decimals
        return 3

    def __call__(self, x, pos=None) -> str:
        decimals = self._decimals()
        if self.unit.startswith("%"):
            return fmt_percent(x, decimals)
        if self.unit in {"euro", "€", "eur"}:
            return fmt_euro(x, 0) if decimals == 0 else fmt_number(x, decimals)
        return fmt_number(x, decimals)


def dutch_formatter(unit: str | None = None) -> DutchFormatter:
    """A matplotlib tick formatter in Dutch notation (for ad-hoc plots in notebooks)."""
    return DutchFormatter(unit)


def format_value_axis(ax: Axes, unit: str, ylabel: str | None) -> None:
    """The y axis of a chart over time: Dutch numbers in the unit, round steps, a label."""
    ax.yaxis.set_major_formatter(DutchFormatter(unit))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    label = ylabel if ylabel is not None else axis_label(unit)
    if label:
        # a long unit ('uitkeringen per 10.000 inwoners van 18 jaar en ouder') on two lines: on
        # one it runs past the axis into the title
        ax.set_ylabel(textwrap.fill(label, AXIS_LABEL_WIDTH))


def axis_label(unit: str) -> str:
    """The axis label for a unit: the unit itself, ``procent`` for a bare ``%``."""
    if not unit:
        return ""
    if unit.strip() == "%":
        return "procent"
    return unit
