"""Texts that collide on a drawn chart: tick labels, legend entries, titles, axis labels, notes and
the labels inside the axes that overlap each other or stick out of the figure.

Matplotlib knows where every text ends up once the figure is drawn (``get_window_extent``); this
module reads those boxes back. It is what the tests use to keep every chart kind readable with long
Dutch labels, many periods and several series.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from tussenstand.charts.annotate import WATERMARK_GID
from tussenstand.charts.result import ChartResult

#: pixels two boxes may share before they count as overlapping (anti-aliasing, rounding)
TOLERANCE_PX = 0.5


@dataclass(frozen=True)
class Collision:
    """Two texts that overlap, or one text (``second`` empty) that sticks out of the figure."""

    first: str
    second: str = ""

    def __str__(self) -> str:
        if not self.second:
            return f"{self.first!r} valt buiten de figuur"
        return f"{self.first!r} overlapt {self.second!r}"


def text_collisions(chart: ChartResult | Figure) -> list[Collision]:
    """Every pair of visible texts of a chart whose boxes overlap, and every text outside the
    figure. The watermark (meant to lie across everything) is left out."""
    fig = chart.fig if isinstance(chart, ChartResult) else chart
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(_name(kind, t), t.get_window_extent(renderer)) for kind, t in _texts(fig)]
    found = [
        Collision(a_name)
        for a_name, a in boxes
        if not _inside(a, fig.bbox)  # the figure's box in display pixels
    ]
    for (a_name, a), (b_name, b) in combinations(boxes, 2):
        if _overlap(a, b):
            found.append(Collision(a_name, b_name))
    return found


def _texts(fig: Figure) -> list[tuple[str, Text]]:
    """The figure's visible, non-empty texts with what they are."""
    # the figure's own texts: suptitle, notes (supxlabel), anything placed with fig.text
    out: list[tuple[str, Text]] = [
        ("figuurtekst", t) for t in fig.texts if t.get_gid() != WATERMARK_GID
    ]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    for legend in legends:
        if legend is not None and legend.get_visible():
            out += [("legenda", t) for t in legend.get_texts()]
            out.append(("legendatitel", legend.get_title()))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis, kind in ((ax.xaxis, "x-as"), (ax.yaxis, "y-as")):
            if ax.axison and axis.get_visible():  # the legend's row has no axes drawn
                out += [(kind, t) for t in _tick_labels(axis)]
                out.append((kind, axis.label))
        # the titles (left, centre, right) and the labels placed in the axes
        out += [
            ("in de grafiek", t)
            for t in ax.get_children()
            if isinstance(t, Text) and t.get_gid() != WATERMARK_GID
        ]
    return [(k, t) for k, t in out if t.get_visible() and t.get_text().strip()]


def _tick_labels(axis: Axis) -> list[Text]:
    """The tick labels the axis draws: visible, inside the view interval."""
    lo, hi = sorted(axis.get_view_interval())
    margin = (hi - lo) * 1e-9
    labels = []
    for tick in axis.get_major_ticks(len(axis.get_majorticklocs())):
        if lo - margin <= tick.get_loc() <= hi + margin:
            labels += [tick.label1, tick.label2]
    return labels


def _name(kind: str, text: Text) -> str:
    return f"{kind} {' '.join(text.get_text().split())}"


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX
        and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX
    )


def _inside(box: Bbox, figure: Bbox) -> bool:
    return (
        box.x0 >= figure.x0 - TOLERANCE_PX
        and box.y0 >= figure.y0 - TOLERANCE_PX
        and box.x1 <= figure.x1 + TOLERANCE_PX
        and box.y1 <= figure.y1 + TOLERANCE_PX
    )
