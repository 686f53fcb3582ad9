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
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
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
def new_figure(figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """A figure with one axes, without pyplot: never auto-displayed, never leaked."""
    fig = _figure(figsize)
    return fig, fig.subplots(1, 1)


def new_panels(
    ncols: int, figsize: tuple[float, float], *, sharey: bool = False
) -> tuple[Figure, list[Axes]]:
    """A figure with ``ncols`` axes side by side, without pyplot."""
    fig = _figure(figsize)
    axes = fig.subplots(1, ncols, sharey=sharey, squeeze=False)
    return fig, list(axes[0])


def _figure(figsize: tuple[float, float]) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def set_title(ax: Axes, title: str) -> None:
    """The chart's title (the finding) above the axes, wrapped."""
    ax.set_title(textwrap.fill(title, 64), loc="left", pad=10)


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
        ax.set_ylabel(label)


def axis_label(unit: str) -> str:
    """The axis label for a unit: the unit itself, ``procent`` for a bare ``%``."""
    if not unit:
        return ""
    if unit.strip() == "%":
        return "procent"
    return unit
