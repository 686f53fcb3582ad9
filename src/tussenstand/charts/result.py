""":class:`ChartResult`, what every chart function returns, and :func:`finish`, the last step
every chart function takes: watermark, notes, source line and alt text. The layout (constrained)
is computed when the chart is saved or shown, by the renderer that draws it."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from tussenstand.charts.annotate import (
    ILLUSTRATIVE_PREFIX,
    add_watermark,
    is_illustrative,
    source_line,
)
from tussenstand.markdown import attribute, escape


@dataclass
class ChartResult:
    """A chart with everything a reader needs next to it."""

    fig: Figure = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    title: str
    alt_text: str = field(repr=False)
    source_line: str
    notes: tuple[str, ...] = ()
    illustrative: bool = False
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        """The source line followed by the notes: what shows under the figure."""
        parts = [self.source_line, *self.notes]
        return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)

    def markdown(self, relative_to: str | os.PathLike | None = None) -> str:
        """``![caption](image){fig-alt="alt text"}`` once saved (the image relative to
        ``relative_to``, default the working directory), else the caption in italics. The caption
        is literal text (:func:`tussenstand.markdown.escape`), the alt text a quoted attribute."""
        if "image" not in self.paths:
            return f"*{escape(self.caption)}*"
        image = Path(self.paths["image"])
        base = Path(relative_to) if relative_to is not None else Path.cwd()
        try:
            rel = Path(os.path.relpath(image.resolve(), base.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            rel = image.resolve().as_posix()
        return f'![{escape(self.caption)}]({rel}){{fig-alt="{attribute(self.alt_text)}"}}'

    def _repr_markdown_(self) -> str:  # a bare ChartResult at the end of a cell shows itself
        return self.markdown()


def finish(
    fig: Figure,
    data: pd.DataFrame,
    title: str,
    alt: str,
    notes: list[str],
    plotted: pd.DataFrame,
    source_frame: pd.DataFrame | None = None,
) -> ChartResult:
    """The drawn figure as a :class:`ChartResult`.

    ``data`` is the prepared data (its flags decide the watermark), ``alt`` the chart's own
    description (the title and the notes are added to it), ``plotted`` what the CSV will hold and
    ``source_frame`` the rows the source line is built from (default ``data``).
    """
    illustrative = is_illustrative(data)
    if illustrative:
        add_watermark(fig)
    if notes:
        fig.supxlabel(
            "\n".join(textwrap.fill(n, 110) for n in notes),
            x=0.01,
            ha="left",
            fontsize=7.5,
            color="#444444",
        )
    line = source_line(data if source_frame is None else source_frame)
    alt_text = " ".join(p for p in [title.rstrip(".") + ".", alt, *notes] if p)
    if illustrative:
        alt_text = f"{ILLUSTRATIVE_PREFIX} {alt_text}"
    return ChartResult(
        fig=fig,
        data=plotted.reset_index(drop=True),
        title=title,
        alt_text=alt_text,
        source_line=line,
        notes=tuple(notes),
        illustrative=illustrative,
    )
