"""A chart leaves the process: ``save_chart`` writes the PNG and the CSV of the plotted data,
``show_chart`` shows it in a notebook with its alt text and caption, ``tick_labels`` reads back
what an axis shows (for checks and tests)."""

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
from tussenstand.charts.style import PNG_DPI
from tussenstand.downloads import write_csv

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def save_chart(result: ChartResult, folder: str | os.PathLike, name: str) -> dict[str, Path]:
    """Write ``name.png`` (150 dpi) and ``name.csv`` (the plotted data) into ``folder``.

    The CSV is for a Dutch reader opening it in Excel (:func:`tussenstand.downloads.write_csv`:
    ``;``-separated, decimal comma, no thousands separator, UTF-8 with BOM, booleans as
    ``ja``/``nee``, dates ISO). Suppressed values are already empty in ``result.data``. PNG bytes
    carry no software version or date, so the same chart gives the same file (stable content
    hashes in the run manifest). Both files are written atomically. Returns ``{"png": path, "csv": path}`` and remembers it in ``result.paths``.
    """
    if not _NAME.match(name or ""):
        raise ValueError(
            f"ongeldige bestandsnaam {name!r} voor een grafiek: gebruik letters, "
            "cijfers, '-', '_' en '.' (geen map, geen extensie nodig)"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, csv = folder / f"{name}.png", folder / f"{name}.csv"
    write_atomic(
        png, lambda p: result.fig.savefig(p, format="png", dpi=PNG_DPI, metadata={"Software": None})
    )
    write_csv(result.data, csv)
    result.paths = {"png": png, "csv": csv}
    return dict(result.paths)


# ----- notebooks ----------------------------------------------------------------------------------
def show_chart(
    result: ChartResult, *, relative_to: str | os.PathLike | None = None, embed_png: bool = True
) -> None:
    """Show a chart in a notebook: the figure with its alt text and the source line as caption.

    After :func:`save_chart` this emits one output whose ``text/markdown`` is
    ``![<source line and notes>](<png relative to relative_to, default cwd>){fig-alt="<alt>"}``
    (what Quarto renders, in HTML and PDF) and whose ``text/plain`` is the alt text plus the source
    line (deterministic, for nbval). With ``embed_png`` the PNG is also in the same output
    (``image/png`` with the alt text in its metadata), for viewers without the files (nbconvert,
    GitHub); Quarto prefers the Markdown. Not yet saved: the figure is shown from memory with the
    alt text in its metadata, followed by the caption as Markdown. Either way the figure is never
    shown twice.
    """
    from IPython.display import display

    if not isinstance(result, ChartResult):
        raise TypeError("show_chart verwacht het ChartResult van een grafiekfunctie")
    plain = f"{result.alt_text}\n{result.caption}"
    if "png" in result.paths:
        bundle: dict[str, Any] = {
            "text/markdown": result.markdown(relative_to),
            "text/plain": plain,
        }
        metadata: dict[str, Any] = {}
        if embed_png:
            bundle["image/png"] = base64.b64encode(Path(result.paths["png"]).read_bytes()).decode()
            metadata = {"image/png": {"alt": result.alt_text}}
        display(bundle, raw=True, metadata=metadata)
        return
    buf = io.BytesIO()
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
    fig.canvas.draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]
