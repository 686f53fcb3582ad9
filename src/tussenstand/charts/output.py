"""A chart leaves the process: ``save_chart`` writes the image (SVG) and the CSV of the plotted
data, ``show_chart`` shows it in a notebook with its alt text and caption, ``tick_labels`` reads
back what an axis shows (for checks and tests)."""

from __future__ import annotations

import base64
import io
import os
import re
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes

from tussenstand.atomic import write_atomic
from tussenstand.charts.result import ChartResult
from tussenstand.charts.style import CHART_FORMAT, CHART_METADATA, styled
from tussenstand.downloads import write_csv

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: the notebook output type of a saved chart, by format
_MIME = {"svg": "image/svg+xml", "png": "image/png"}


def save_chart(result: ChartResult, folder: str | os.PathLike, name: str) -> dict[str, Path]:
    """Write ``name.svg`` (:data:`~tussenstand.charts.style.CHART_FORMAT`) and ``name.csv`` (the
    plotted data) into ``folder``.

    The figure is laid out (constrained layout) and drawn once, by the SVG renderer, in the report
    style; the layout is then fixed. The CSV is
    for a Dutch reader opening it in Excel (:func:`tussenstand.downloads.write_csv`: ``;``-separated,
    decimal comma, no thousands separator, UTF-8 with BOM, booleans as ``ja``/``nee``, dates ISO). Suppressed values are already empty in
    ``result.data``. The image carries no software version or date, so the same chart gives the
    same file (stable content hashes in the run manifest). Both files are written atomically.
    Returns ``{"image": path, "csv": path}`` and remembers it in ``result.paths``.
    """
    if not _NAME.match(name or ""):
        raise ValueError(
            f"ongeldige bestandsnaam {name!r} voor een grafiek: gebruik letters, "
            "cijfers, '-', '_' en '.' (geen map, geen extensie nodig)"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    image, csv = folder / f"{name}.{CHART_FORMAT}", folder / f"{name}.csv"

    def draw(path: Path) -> None:
        with styled():
            result.fig.savefig(path, format=CHART_FORMAT, metadata=CHART_METADATA)
            # Constrained layout starts from the current positions, so a second run can move
            # things by a hair: from now on the layout is fixed, every later save gives the same
            # bytes. (None, not "none": no placeholder engine that makes savefig draw twice.)
            result.fig.set_layout_engine(None)

    write_atomic(image, draw)
    write_csv(result.data, csv)
    result.paths = {"image": image, "csv": csv}
    return dict(result.paths)


# ----- notebooks ----------------------------------------------------------------------------------
def show_chart(
    result: ChartResult, *, relative_to: str | os.PathLike | None = None, embed_image: bool = True
) -> None:
    """Show a chart in a notebook: the figure with its alt text and the source line as caption.

    After :func:`save_chart` this emits one output whose ``text/markdown`` is
    ``![<source line and notes>](<image relative to relative_to, default cwd>){fig-alt="<alt>"}``
    (what Quarto renders, in HTML and PDF) and whose ``text/plain`` is the alt text plus the source
    line (deterministic, for nbval). With ``embed_image`` the image is also in the same output
    (``image/svg+xml`` with the alt text in its metadata), for viewers without the files
    (nbconvert, GitHub); Quarto prefers the Markdown. Not yet saved: the figure is shown from
    memory as a PNG with the alt text in its metadata, followed by the caption as Markdown. Either
    way the figure is never shown twice.
    """
    from IPython.display import display

    if not isinstance(result, ChartResult):
        raise TypeError("show_chart verwacht het ChartResult van een grafiekfunctie")
    plain = f"{result.alt_text}\n{result.caption}"
    if "image" in result.paths:
        bundle: dict[str, Any] = {
            "text/markdown": result.markdown(relative_to),
            "text/plain": plain,
        }
        metadata: dict[str, Any] = {}
        if embed_image:
            path = Path(result.paths["image"])
            mime = _MIME[path.suffix.lstrip(".")]
            data = path.read_bytes()
            bundle[mime] = (
                data.decode() if mime.endswith("+xml") else base64.b64encode(data).decode()
            )
            metadata = {mime: {"alt": result.alt_text}}
        display(bundle, raw=True, metadata=metadata)
        return
    buf = io.BytesIO()
    with styled():
        result.fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    display(
        {"image/png": base64.b64encode(buf.getvalue()).decode(), "text/plain": result.alt_text},
        raw=True,
        metadata={"image/png": {"alt": result.alt_text}},
    )
    display({"text/markdown": result.markdown(), "text/plain": result.caption}, raw=True)


def tick_labels(result_or_ax: ChartResult | Axes, axis: str = "y") -> list[str]:
    """The rendered tick labels of an axis (first axes of a chart), for checks and tests."""
    if isinstance(result_or_ax, ChartResult):
        fig = result_or_ax.fig
        ax = fig.axes[0]
    else:
        ax = result_or_ax
        fig = ax.figure
    with styled():
        fig.canvas.draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]
