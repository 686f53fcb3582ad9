"""One chart style for the whole report, with a source line, alt text and the data behind each chart.

Every chart function returns a :class:`ChartResult`: the matplotlib ``Figure``, the ``data`` that was
plotted (what :func:`save_chart` writes as CSV next to the PNG), the ``title`` (the finding, passed
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

In a notebook, save first and then show: ``show_chart(save_chart(result, folder, name))`` (or
``save_chart`` then ``show_chart(result)``). :func:`show_chart` then emits one Markdown output
``![source line](figuren/name.png){fig-alt="..."}``: Quarto renders that as a figure with the alt
text and the source line as caption, in HTML and in the typst PDF. Quarto ignores alt text in an
image output's metadata and only knows ``fig-alt`` as a static cell option, which cannot carry
numbers computed at run time; a Markdown output can, and its text is deterministic for nbval.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from tussenstand.atomic import write_atomic
from tussenstand.nlformat import (
    fmt_date,
    fmt_euro,
    fmt_list,
    fmt_number,
    fmt_percent,
    fmt_period,
    fmt_value,
    is_missing,
)
from tussenstand.periods import Period, parse_period, parse_period_label

# ----- colours and style --------------------------------------------------------------------------
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
        "color": COLORS["vergelijkingsgroep"], "linestyle": "-.", "marker": "^", "linewidth": 1.8,
    },
    "regio": {"color": COLORS["regio"], "linestyle": ":", "marker": "D", "linewidth": 1.8},
    # further municipalities side by side (a region report): own colour, line style and marker
    "gemeente_2": {"color": OKABE_ITO["vermiljoen"], "linestyle": "-", "marker": "v", "linewidth": 1.8},
    "gemeente_3": {"color": OKABE_ITO["zwart"], "linestyle": "--", "marker": "P", "linewidth": 1.8},
    "gemeente_4": {"color": OKABE_ITO["hemelsblauw"], "linestyle": "-.", "marker": "X", "linewidth": 1.8},
}
ROLES = tuple(ROLE_STYLES)
EXTRA_MEMBER_ROLES = ("gemeente_2", "gemeente_3", "gemeente_4")

FIGSIZE = (7.0, 4.2)  # inches: about 16 cm wide on A4, ~1050 px at 150 dpi
PNG_DPI = 150
WATERMARK_TEXT = "Illustratief"
WATERMARK_GID = "watermerk"
ILLUSTRATIVE_PREFIX = "ILLUSTRATIEF – geen echte gegevens."
PROCESSING = "bewerking tussenstand"
SUPPRESSED_NOTE = "Onderdrukte waarden (kleine aantallen) zijn niet getoond."

_FLAG_COLUMNS = ("illustratief", "voorlopig", "onderdrukt", "reeksbreuk")
_CBS_TABLE = re.compile(r"^\d{5}[a-z]{3}$", re.I)


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
                color=[COLORS["gemeente"], COLORS["nederland"], COLORS["vergelijkingsgroep"],
                       COLORS["regio"], COLORS["doel"], COLORS["projectie"], OKABE_ITO["geel"],
                       OKABE_ITO["zwart"]]
            ),
            "axes.unicode_minus": True,
            "axes.formatter.use_locale": False,
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": PNG_DPI,
            "savefig.facecolor": "white",
            "legend.frameon": False,
            "svg.hashsalt": "tussenstand",
        }
    )
    return rc


def apply_style() -> None:
    """Make the report style the default for every plot in this process (e.g. a notebook)."""
    sns.set_theme(style="whitegrid", context="paper", rc=style_rc())
    mpl.rcParams.update(style_rc())


@contextmanager
def _styled():
    with mpl.rc_context(style_rc()):
        yield


def _new_figure(figsize: tuple[float, float] = FIGSIZE, ncols: int = 1, **kw) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols, **kw)
    return fig, axes


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


# ----- the result --------------------------------------------------------------------------------
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

    def _repr_markdown_(self) -> str:  # a bare ChartResult at the end of a cell shows itself
        return _markdown(self)


# ----- data preparation ----------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: verwacht een pandas DataFrame, kreeg {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: kolom(men) {', '.join(missing)} ontbreken in de grafiekdata "
            f"(aanwezig: {', '.join(map(str, df.columns))})"
        )


def _flag(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(bool)


def _prepare(df: pd.DataFrame, columns: Iterable[str], what: str, value_col: str = "waarde"
             ) -> pd.DataFrame:
    """Copy, add missing flags, coerce values, blank out suppressed values."""
    _require(df, [*columns, value_col, "bron"], what)
    data = df.copy()
    for col in _FLAG_COLUMNS:
        data[col] = _flag(data[col]) if col in data.columns else False
    for col in ("tabel", "peildatum", "ontbreekt_reden", "eenheid"):
        if col not in data.columns:
            data[col] = ""
        data[col] = data[col].astype("string").fillna("")
    try:
        data[value_col] = pd.to_numeric(data[value_col], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: kolom {value_col!r} bevat niet-numerieke waarden") from exc
    data.loc[data["onderdrukt"], value_col] = np.nan
    return data.reset_index(drop=True)


def _period(value: object, where: str = "") -> Period:
    if isinstance(value, Period):
        return value
    try:
        return parse_period(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}onbekende periode {value!r}: {exc}") from exc


def _x(period: Period) -> float:
    return period.decimal_year("end")


def _add_period_columns(data: pd.DataFrame, period_col: str, what: str) -> pd.DataFrame:
    periods = []
    for i, value in enumerate(data[period_col]):
        if isinstance(value, Period):
            periods.append(value)
            continue
        try:
            parsed = parse_period_label(value)
        except ValueError as exc:
            raise ValueError(f"{what}: rij {i}, kolom {period_col!r}: {exc}") from exc
        periods.append(parsed.period)
        if parsed.provisional:
            data.loc[i, "voorlopig"] = True
    data["_period"] = periods
    data["_x"] = [_x(p) for p in periods]
    return data


def _unit(data: pd.DataFrame, unit: str | None) -> str:
    if unit is not None:
        return unit
    units = [u for u in data["eenheid"].unique() if u]
    return units[0] if len(units) == 1 else ""


def _short_period_label(p: Period) -> str:
    """A compact tick label (the alt text and tables use the full ``label_nl``)."""
    if p.kind == "year":
        return str(p.year)
    if p.kind == "half":
        return f"{p.part}e hj\n{p.year}"
    if p.kind == "quarter":
        return f"{p.part}e kw\n{p.year}"
    if p.kind == "month":
        return f"{p.label_nl[:3]}\n{p.year}"
    return f"{p.year}-\n{p.year + 1}"


def _set_period_ticks(ax, periods: Iterable[Period], max_labels: int = 8) -> None:
    unique = sorted(set(periods), key=_x)
    if not unique:
        return
    step = max(1, math.ceil(len(unique) / max_labels))
    shown = unique[::-1][::step][::-1]  # keep the latest period labelled
    ax.set_xticks([_x(p) for p in shown], [_short_period_label(p) for p in shown])
    ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    ax.grid(axis="x", visible=False)


def _format_y(ax, unit: str, ylabel: str | None) -> None:
    ax.yaxis.set_major_formatter(DutchFormatter(unit))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    label = ylabel if ylabel is not None else _axis_label(unit)
    if label:
        ax.set_ylabel(label)


def _axis_label(unit: str) -> str:
    if not unit:
        return ""
    if unit.strip() == "%":
        return "procent"
    return unit


# ----- source line, watermark, notes --------------------------------------------------------------
def source_line(data: pd.DataFrame) -> str:
    """``Bron: CBS StatLine, tabel 86050NED (peildatum 12 maart 2026); bewerking tussenstand``.

    Built from the distinct ``bron`` / ``tabel`` / ``peildatum`` rows, in order of appearance:
    tables with the same source and date are joined (``tabellen 82972NED en 85098NED``); a
    ``tabel`` that is not a CBS table id is named as ``bestand``. When any row is ``illustratief``
    the line starts with ``ILLUSTRATIEF – geen echte gegevens.``
    """
    _require(data, ["bron"], "bronregel")
    frame = data.copy()
    for col in ("tabel", "peildatum"):
        frame[col] = frame[col].astype("string").fillna("") if col in frame else ""
    frame["bron"] = frame["bron"].astype("string").fillna("").str.strip()
    groups: dict[tuple[str, str], list[str]] = {}
    for bron, tabel, peildatum in frame[["bron", "tabel", "peildatum"]].itertuples(index=False):
        if not bron:
            continue
        tables = groups.setdefault((bron, str(peildatum).strip()), [])
        tabel = str(tabel).strip()
        if tabel and tabel not in tables:
            tables.append(tabel)
    if not groups:
        raise ValueError("bronregel: de kolom 'bron' is leeg; elke grafiek moet zijn bron noemen")
    parts = []
    for (bron, peildatum), tables in groups.items():
        text = bron
        cbs = [t for t in tables if _CBS_TABLE.match(t)]
        files = [t for t in tables if not _CBS_TABLE.match(t)]
        if cbs:
            text += f", {'tabel' if len(cbs) == 1 else 'tabellen'} {fmt_list(cbs)}"
        if files:
            text += f", {'bestand' if len(files) == 1 else 'bestanden'} {fmt_list(files)}"
        if peildatum:
            text += f" (peildatum {fmt_date(peildatum)})"
        parts.append(text)
    line = "Bron: " + "; ".join(parts) + "; " + PROCESSING
    if "illustratief" in data.columns and _flag(data["illustratief"]).any():
        line = f"{ILLUSTRATIVE_PREFIX} {line}"
    return line


def _is_illustrative(data: pd.DataFrame) -> bool:
    return "illustratief" in data.columns and bool(_flag(data["illustratief"]).any())


def _watermark(fig: Figure) -> None:
    fig.text(
        0.5, 0.5, WATERMARK_TEXT, transform=fig.transFigure, fontsize=54, fontweight="bold",
        color=COLORS["watermerk"], alpha=0.22, rotation=25, ha="center", va="center", zorder=100,
        gid=WATERMARK_GID,
    )


def _gap_notes(data: pd.DataFrame, value_col: str, label_col: str | None) -> list[str]:
    notes = []
    if data["onderdrukt"].any():
        notes.append(SUPPRESSED_NOTE)
    missing = data[data[value_col].isna() & ~data["onderdrukt"]]
    if len(missing):
        items = []
        keys = [label_col, "ontbreekt_reden"] if label_col else ["ontbreekt_reden"]
        for key, rows in missing.groupby(keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            who = f"{key[0]} " if label_col else ""
            reason = key[-1]
            periods = sorted(set(rows["_period"]), key=_x)
            when = (fmt_list(fmt_period(q) for q in periods) if len(periods) <= 3
                    else f"{len(periods)} perioden ({fmt_period(periods[0])} tot en met "
                         f"{fmt_period(periods[-1])})")
            items.append(f"{who}{when}" + (f" ({reason})" if reason else ""))
        notes.append("Geen gegevens voor " + fmt_list(items) + ".")
    if data["voorlopig"].any():
        notes.append("Open punten zijn voorlopige cijfers.")
    return notes


def _finish(fig: Figure, data: pd.DataFrame, title: str, alt: str, notes: list[str],
            plotted: pd.DataFrame, source_frame: pd.DataFrame | None = None) -> ChartResult:
    illustrative = _is_illustrative(data)
    if illustrative:
        _watermark(fig)
    if notes:
        fig.supxlabel("\n".join(textwrap.fill(n, 110) for n in notes), x=0.01, ha="left",
                      fontsize=7.5, color="#444444")
    line = source_line(data if source_frame is None else source_frame)
    _freeze_layout(fig)
    alt_text = " ".join(p for p in [title.rstrip(".") + ".", alt, *notes] if p)
    if illustrative:
        alt_text = f"{ILLUSTRATIVE_PREFIX} {alt_text}"
    return ChartResult(fig=fig, data=plotted.reset_index(drop=True), title=title,
                       alt_text=alt_text, source_line=line, notes=tuple(notes),
                       illustrative=illustrative)


def _freeze_layout(fig: Figure) -> None:
    """Run the constrained layout once, then fix it: every later save gives the same pixels."""
    with _styled():
        fig.canvas.draw()
    fig.set_layout_engine("none")


def _set_title(ax, title: str) -> None:
    ax.set_title(textwrap.fill(title, 64), loc="left", pad=10)


def _public_columns(data: pd.DataFrame) -> pd.DataFrame:
    return data.drop(columns=[c for c in data.columns if str(c).startswith("_")])


# ----- trend chart ---------------------------------------------------------------------------------
def infer_role(label: str) -> str | None:
    """``Nederland`` -> nederland, a label with ``vergelijk``/``mediaan`` -> vergelijkingsgroep,
    ``regio`` -> regio; ``None`` otherwise (then the first such series is the gemeente)."""
    text = str(label).lower()
    if text.startswith("nederland") or text == "nl01":
        return "nederland"
    if "vergelijk" in text or "mediaan" in text or "gemiddelde" in text:
        return "vergelijkingsgroep"
    if "regio" in text:
        return "regio"
    return None


def comparison_median(df: pd.DataFrame, label: str = "Vergelijkingsgroep (mediaan)", *,
                      period_col: str = "periode", value_col: str = "waarde",
                      series_label_col: str = "gemeente_naam") -> pd.DataFrame:
    """One series: per period the **median** over the municipalities of a comparison group.

    The median, not the mean: a few small municipalities with extreme rates do not pull it, and
    every municipality counts once whatever its size. Suppressed and missing values are left out of
    the median; the result names every source table of the group and keeps ``illustratief`` when
    any member is illustrative.
    """
    data = _prepare(df, [period_col, series_label_col], "vergelijkingsgroep", value_col)
    rows = []
    for period, group in data.groupby(period_col, sort=False):
        values = group[value_col].dropna()
        first = group.iloc[0]
        rows.append({
            series_label_col: label,
            period_col: period,
            value_col: float(values.median()) if len(values) else np.nan,
            "eenheid": first["eenheid"],
            "bron": first["bron"],
            "tabel": first["tabel"],
            "peildatum": first["peildatum"],
            "ontbreekt_reden": "" if len(values) else "geen waarden in de groep",
            "illustratief": bool(group["illustratief"].any()),
            "voorlopig": bool(group["voorlopig"].any()),
            "onderdrukt": False,
            "reeksbreuk": bool(group["reeksbreuk"].any()),
            "aantal_gemeenten": int(len(values)),
        })
    return pd.DataFrame(rows)


def trend_chart(
    df: pd.DataFrame,
    series_label_col: str = "gemeente_naam",
    *,
    title: str,
    unit: str | None = None,
    indicator_label: str | None = None,
    ylabel: str | None = None,
    roles: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    period_col: str = "periode",
    value_col: str = "waarde",
    y_from_zero: bool = True,
) -> ChartResult:
    """An indicator over time: gemeente vs Nederland vs vergelijkingsgroep vs regio.

    ``df`` holds one row per series x period (the tidy schema; a comparison group is best passed
    as one series, see :func:`comparison_median`). ``roles`` maps a series label to ``gemeente``,
    ``nederland``, ``vergelijkingsgroep`` or ``regio`` (default: inferred from the label, the first
    other series is the gemeente). Missing and suppressed values are gaps in the line; a period
    flagged ``reeksbreuk`` gets a vertical line labelled ``reeksbreuk`` before it.
    """
    data = _prepare(df, [series_label_col, period_col], "trendgrafiek", value_col)
    if data.empty:
        raise ValueError("trendgrafiek: geen gegevens om te tonen")
    data = _add_period_columns(data, period_col, "trendgrafiek")
    unit = _unit(data, unit)
    labels = list(order) if order else list(dict.fromkeys(data[series_label_col]))
    unknown = set(labels) - set(data[series_label_col])
    if unknown:
        raise ValueError(f"trendgrafiek: reeks(en) {', '.join(sorted(map(str, unknown)))} "
                         f"staan niet in kolom {series_label_col!r}")
    role_of = _assign_roles(labels, roles)

    with _styled():
        fig, ax = _new_figure()
        for label in labels:
            rows = data[data[series_label_col] == label].sort_values("_x")
            style = dict(ROLE_STYLES.get(role_of[label], ROLE_STYLES["gemeente"]))
            marker = style.pop("marker")
            zorder = 4 if role_of[label] == "gemeente" else 3
            ax.plot(rows["_x"], rows[value_col], label=str(label), marker=None, zorder=zorder,
                    **style)
            final = rows[~rows["voorlopig"]]
            prov = rows[rows["voorlopig"]]
            ax.plot(final["_x"], final[value_col], linestyle="none", marker=marker,
                    color=style["color"], zorder=zorder)
            if len(prov):
                ax.plot(prov["_x"], prov[value_col], linestyle="none", marker=marker,
                        markerfacecolor="white", color=style["color"], zorder=zorder)
        _mark_series_breaks(ax, data)
        _set_period_ticks(ax, data["_period"])
        _format_y(ax, unit, ylabel)
        if y_from_zero and (data[value_col].dropna() >= 0).all():
            ax.set_ylim(bottom=0)
        ax.set_ylim(top=ax.get_ylim()[1] * 1.04)
        # the legend repeats colour + line style + marker, never colour alone
        handles = [
            mpl.lines.Line2D([], [], marker=ROLE_STYLES[role_of[lb]]["marker"],
                             **{k: v for k, v in ROLE_STYLES[role_of[lb]].items() if k != "marker"})
            for lb in labels
        ]
        longest = max(len(str(lb)) for lb in labels)
        ncol = min(4, len(labels)) if longest <= 16 else min(2, len(labels))
        ax.legend(handles, [textwrap.shorten(str(lb), 48, placeholder="…") for lb in labels],
                  loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol)
        _set_title(ax, title)

    alt = _trend_alt(data, labels, series_label_col, value_col, unit, indicator_label)
    notes = _gap_notes(data, value_col, series_label_col)
    plotted = _public_columns(data.sort_values([series_label_col, "_x"], key=_label_sort(labels,
                                                                                         series_label_col)))
    return _finish(fig, data, title, alt, notes, plotted)


def _label_sort(labels: list[str], col: str):
    rank = {lb: i for i, lb in enumerate(labels)}

    def key(s: pd.Series) -> pd.Series:
        return s.map(rank) if s.name == col else s

    return key


def _assign_roles(labels: list[str], roles: Mapping[str, str] | None) -> dict[str, str]:
    roles = dict(roles or {})
    for label, role in roles.items():
        if role not in ROLE_STYLES:
            raise ValueError(f"onbekende rol {role!r} voor reeks {label!r}; kies uit "
                             f"{', '.join(ROLES)}")
    out: dict[str, str] = {}
    for label in labels:
        out[label] = roles.get(label) or infer_role(label) or ""
    if "gemeente" not in out.values():
        for label in labels:
            if not out[label]:
                out[label] = "gemeente"
                break
    extra = iter(EXTRA_MEMBER_ROLES)
    for label in labels:  # further unnamed series: further municipalities, then a regio style
        if not out[label]:
            out[label] = next(extra, "regio")
    return out


def _mark_series_breaks(ax, data: pd.DataFrame) -> None:
    breaks = sorted(set(data.loc[data["reeksbreuk"], "_x"]))
    all_x = sorted(set(data["_x"]))
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for bx in breaks:
        before = [x for x in all_x if x < bx]
        line_x = (before[-1] + bx) / 2 if before else bx - 0.25
        ax.axvline(line_x, color=COLORS["neutraal"], linestyle=(0, (4, 3)), linewidth=1.0,
                   zorder=1)
        ax.text(line_x, 0.98, " reeksbreuk", transform=trans, rotation=90, ha="right", va="top",
                fontsize=8, color="#444444")


def _trend_alt(data, labels, label_col, value_col, unit, indicator_label) -> str:
    periods = sorted(set(data["_period"]), key=_x)
    what = indicator_label or ""
    head = "Lijngrafiek"
    if what:
        head += f" van {what}"
    if unit:
        head += f" ({unit})"
    head += f" van {fmt_period(periods[0])} tot en met {fmt_period(periods[-1])}"
    head += f" voor {fmt_list(map(str, labels))}."
    parts = [head]
    for label in labels:
        rows = data[(data[label_col] == label) & data[value_col].notna()].sort_values("_x")
        if rows.empty:
            parts.append(f"{label}: geen gegevens.")
            continue
        last, first = rows.iloc[-1], rows.iloc[0]
        text = (f"{label}: {fmt_value(last[value_col], unit, with_unit=True)} in "
                f"{fmt_period(last['_period'])}")
        if len(rows) > 1:
            text += (f" (in {fmt_period(first['_period'])}: "
                     f"{fmt_value(first[value_col], unit, with_unit=True)})")
        parts.append(text + ".")
    breaks = sorted(set(data.loc[data["reeksbreuk"], "_period"]), key=_x)
    if breaks:
        parts.append("Reeksbreuk vanaf " + fmt_list(fmt_period(p) for p in breaks)
                     + ": de cijfers ervoor en erna zijn niet helemaal vergelijkbaar.")
    return " ".join(parts)


# ----- goal chart ----------------------------------------------------------------------------------
def _attr(objs: Iterable[Any], *names: str, default: Any = None) -> Any:
    for obj in objs:
        if obj is None:
            continue
        for name in names:
            value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
            if value is not None:
                return value
    return default


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "value") and not isinstance(value, int | float):
        value = value.value  # e.g. a projection object
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _status_text(status: Any) -> str:
    if status is None:
        return ""
    for name in ("label_nl", "label"):
        value = getattr(status, name, None)
        if isinstance(value, str):
            return value
    value = getattr(status, "value", status)
    return str(value)


def goal_chart(
    measurements: pd.DataFrame,
    assessment: Any,
    goal: Any = None,
    *,
    title: str,
    unit: str | None = None,
    target_period: Period | str | None = None,
    goal_label: str | None = None,
    source: str | None = None,
    period_col: str = "periode",
    value_col: str = "waarde",
) -> ChartResult:
    """A goal: measurements, baseline, target, the straight expected path and the projection.

    ``assessment`` is a ``tussenstand.progress.GoalAssessment`` (read by attribute name:
    ``baseline_value``, ``baseline_period``, ``target_value``, ``target_period``, ``unit``,
    ``expected_at_latest`` (else ``expected_value`` at ``report_period``), ``latest_value``,
    ``latest_period``, ``projection``, ``status`` (its ``.label``));
    ``goal`` is the framework goal, used for ``target_period``, ``unit`` and a label when the
    assessment does not carry them. Measurements per district (non-empty ``gebied``) give a
    :func:`district_goal_chart` with the target as level line. ``source`` (e.g. the plan's name)
    is added to the source line for the baseline and target, and is the whole source line when
    there is no measurement yet.
    """
    objs = (assessment, goal)
    if "gebied" in measurements.columns and (measurements["gebied"].fillna("") != "").any():
        return district_goal_chart(
            measurements, _number(_attr(objs, "target_value", "streefwaarde")), title=title,
            unit=unit or _attr(objs, "unit", "eenheid"), value_col=value_col,
            period_col=period_col,
        )
    data = _prepare(measurements, [period_col], "doelgrafiek", value_col)
    data = _add_period_columns(data, period_col, "doelgrafiek")
    unit = unit if unit is not None else (_attr(objs, "unit", "eenheid") or _unit(data, None))
    label = goal_label or _attr([goal], "indicator", "label_nl", "title", "name", "id") or "meting"

    baseline_value = _number(_attr(objs, "baseline_value", "nulmeting"))
    baseline_period = _attr(objs, "baseline_period")
    target_value = _number(_attr(objs, "target_value", "streefwaarde"))
    target_period = target_period or _attr(objs, "target_period", "streefperiode")
    if target_value is not None and target_period is None:
        raise ValueError(f"doelgrafiek {label!r}: de periode van de streefwaarde ontbreekt "
                         "(geef target_period mee)")
    baseline_period = _period(baseline_period, "nulmeting: ") if baseline_period else None
    target_period = _period(target_period, "streefwaarde: ") if target_period else None
    latest_value = _number(_attr([assessment], "latest_value"))
    latest_period = _attr([assessment], "latest_period")
    latest_period = _period(latest_period, "laatste meting: ") if latest_period else None
    # on the straight path at the latest measurement; else at the end of the report period
    expected_value = _number(_attr([assessment], "expected_at_latest"))
    expected_period = latest_period
    if expected_value is None:
        expected_value = _number(_attr([assessment], "expected_value"))
        report_period = _attr([assessment], "report_period")
        expected_period = _period(report_period) if report_period else latest_period
    projection = _number(_attr([assessment], "projection", "projected_value"))
    status = _status_text(_attr([assessment], "status"))

    reference: list[dict[str, Any]] = []
    with _styled():
        fig, ax = _new_figure()
        rows = data.sort_values("_x")
        ax.plot(rows["_x"], rows[value_col], color=COLORS["gemeente"], linewidth=2.2,
                marker="o", label="meting", zorder=4)
        prov = rows[rows["voorlopig"]]
        if len(prov):
            ax.plot(prov["_x"], prov[value_col], linestyle="none", marker="o",
                    markerfacecolor="white", color=COLORS["gemeente"], zorder=5)
        if baseline_value is not None and baseline_period is not None:
            ax.plot([_x(baseline_period)], [baseline_value], linestyle="none", marker="D",
                    markersize=8, color=COLORS["verwacht_pad"], label="nulmeting", zorder=6)
            reference.append(_ref_row("nulmeting", baseline_period, baseline_value))
        if target_value is not None and target_period is not None:
            ax.axhline(target_value, color=COLORS["doel"], linewidth=0.9, alpha=0.5, zorder=1)
            ax.plot([_x(target_period)], [target_value], linestyle="none", marker="*",
                    markersize=14, color=COLORS["doel"], label="streefwaarde", zorder=6)
            reference.append(_ref_row("streefwaarde", target_period, target_value))
            if baseline_value is not None and baseline_period is not None:
                ax.plot([_x(baseline_period), _x(target_period)], [baseline_value, target_value],
                        linestyle="--", linewidth=1.4, color=COLORS["verwacht_pad"],
                        label="verwacht pad (rechte lijn)", zorder=2)
        if expected_value is not None and expected_period is not None:
            reference.append(_ref_row("verwacht pad", expected_period, expected_value))
        if (projection is not None and target_period is not None and latest_value is not None
                and latest_period is not None):
            ax.plot([_x(latest_period), _x(target_period)], [latest_value, projection],
                    linestyle=":", linewidth=2.0, color=COLORS["projectie"], label="projectie",
                    zorder=3)
            reference.append(_ref_row("projectie", target_period, projection))
        periods = list(data["_period"]) + [p for p in (baseline_period, target_period) if p]
        _set_period_ticks(ax, periods)
        _format_y(ax, unit, None)
        values = [v for v in [*data[value_col].dropna(), baseline_value, target_value, projection]
                  if v is not None]
        if values and min(values) >= 0:
            ax.set_ylim(bottom=0, top=max(values) * 1.12 if max(values) > 0 else 1)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
        _set_title(ax, title)

    parts = [f"Doelgrafiek voor {label}."]
    if baseline_value is not None and baseline_period is not None:
        parts.append(f"Nulmeting {fmt_value(baseline_value, unit, with_unit=True)} in "
                     f"{fmt_period(baseline_period)}.")
    if target_value is not None:
        parts.append(f"Streefwaarde {fmt_value(target_value, unit, with_unit=True)} in "
                     f"{fmt_period(target_period)}.")
    measured = data[data[value_col].notna()].sort_values("_x")
    if baseline_period is not None:
        # the baseline row is not a 'latest measurement'
        measured = measured[[p.end > baseline_period.end for p in measured["_period"]]]
    if latest_value is None and len(measured):
        latest_value, latest_period = measured.iloc[-1][value_col], measured.iloc[-1]["_period"]
    if latest_value is not None:
        parts.append(f"Laatste meting {fmt_value(latest_value, unit, with_unit=True)} in "
                     f"{fmt_period(latest_period)}.")
    elif baseline_value is not None:
        parts.append("Na de nulmeting is er nog geen meting.")
    else:
        parts.append("Er is nog geen meting.")
    if expected_value is not None and expected_period is not None:
        parts.append(f"Op de rechte lijn van nulmeting naar streefwaarde was in "
                     f"{fmt_period(expected_period)} "
                     f"{fmt_value(expected_value, unit, with_unit=True)} verwacht.")
    if projection is not None and target_period is not None:
        parts.append(f"Bij de huidige ontwikkeling komt de waarde in {fmt_period(target_period)} "
                     f"uit op {fmt_value(projection, unit, with_unit=True)}.")
    if status:
        parts.append(f"Status: {status}.")
    notes = _gap_notes(data, value_col, None)
    measured_rows = _public_columns(data.sort_values("_x")).assign(reeks="meting")
    plotted = pd.concat([measured_rows, pd.DataFrame(reference)], ignore_index=True)
    plotted = plotted[["reeks", *[c for c in plotted.columns if c != "reeks"]]]
    source_frame = data
    if source:
        plan = pd.DataFrame({"bron": [source], "tabel": [""], "peildatum": [""]})
        source_frame = pd.concat([data[["bron", "tabel", "peildatum", "illustratief"]], plan],
                                 ignore_index=True)
        source_frame["illustratief"] = _flag(source_frame["illustratief"])
    return _finish(fig, data, title, " ".join(parts), notes, plotted, source_frame)


def _ref_row(series: str, period: Period, value: float) -> dict[str, Any]:
    return {"reeks": series, "periode": period.code, "waarde": float(value)}


def district_goal_chart(
    measurements: pd.DataFrame,
    level: float | None,
    *,
    title: str,
    unit: str | None = None,
    period: Period | str | None = None,
    level_label: str = "streefwaarde",
    area_col: str = "gebied",
    period_col: str = "periode",
    value_col: str = "waarde",
) -> ChartResult:
    """A goal per district (wijk): one horizontal bar per district with the level as a line.

    Shows ``period`` (default: the latest period in the data). A suppressed or missing value gets
    no bar but the text ``onderdrukt`` / ``geen meting``.
    """
    data = _prepare(measurements, [area_col, period_col], "wijkgrafiek", value_col)
    data = _add_period_columns(data, period_col, "wijkgrafiek")
    data = data[data[area_col].fillna("") != ""]
    if data.empty:
        raise ValueError(f"wijkgrafiek: geen rijen met een waarde in kolom {area_col!r}")
    shown = _period(period) if period is not None else max(data["_period"], key=_x)
    data = data[data["_period"] == shown].reset_index(drop=True)
    unit = _unit(data, unit)
    data = data.sort_values(value_col, ascending=True, na_position="first").reset_index(drop=True)
    with _styled():
        fig, ax = _new_figure(figsize=(FIGSIZE[0], max(2.6, 0.45 * len(data) + 1.6)))
        ypos = np.arange(len(data))
        values = data[value_col]
        ax.barh(ypos, values.fillna(0), color=COLORS["gemeente"],
                height=0.6)
        vmax = max([v for v in [*values.dropna(), level] if v is not None] or [1])
        for y, (_, row) in zip(ypos, data.iterrows(), strict=True):
            if pd.isna(row[value_col]):
                text = "onderdrukt" if row["onderdrukt"] else "geen meting"
                ax.text(vmax * 0.01, y, text, va="center", ha="left", fontsize=8.5,
                        color="#444444", style="italic")
            else:
                ax.text(row[value_col] + vmax * 0.01, y, fmt_value(row[value_col], unit),
                        va="center", ha="left", fontsize=8.5)
        if level is not None:
            ax.axvline(level, color=COLORS["doel"], linewidth=1.6, linestyle="--",
                       label=f"{level_label}: {fmt_value(level, unit)}")
            ax.legend(loc="lower right")
        ax.set_yticks(ypos, data[area_col].astype(str).tolist())
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(DutchFormatter(unit))
        ax.set_xlim(0, vmax * 1.18)
        ax.set_xlabel(_axis_label(unit))
        _set_title(ax, title)
    measured = data[data[value_col].notna()]
    parts = [f"Staafdiagram per wijk, {fmt_period(shown)}."]
    parts += [f"{r[area_col]}: {fmt_value(r[value_col], unit, with_unit=True)}."
              for _, r in measured.sort_values(value_col, ascending=False).iterrows()]
    if level is not None:
        above = int((measured[value_col] >= level).sum())
        parts.append(f"{level_label.capitalize()} {fmt_value(level, unit, with_unit=True)}; "
                     f"{above} van de {len(measured)} wijken met een meting zitten op of boven "
                     "dat niveau.")
    notes = _gap_notes(data, value_col, area_col)
    return _finish(fig, data, title, " ".join(parts), notes, _public_columns(data))


# ----- bar chart (budget per theme) ------------------------------------------------------------------
def bar_chart(
    df: pd.DataFrame,
    *,
    category_col: str,
    title: str,
    value_col: str = "waarde",
    unit: str | None = "euro",
    show_share: bool = True,
    sort: bool = True,
    what: str = "bedrag",
) -> ChartResult:
    """Horizontal bars, e.g. the budget per theme, labelled ``€ 4.352.650 (9,6%)``.

    Shares are of the total of the bars shown (suppressed values count as unknown: they get no bar
    and no share, and the total is then named as the total of the known values). The CSV holds the
    share as column ``aandeel`` (percent).
    """
    data = _prepare(df, [category_col], "staafdiagram", value_col)
    if data.empty:
        raise ValueError("staafdiagram: geen gegevens om te tonen")
    unit = _unit(data, unit)
    total = data[value_col].sum(min_count=1)
    data["aandeel"] = data[value_col] / total * 100 if total else np.nan
    if sort:
        data = data.sort_values(value_col, ascending=True, na_position="first")
    data = data.reset_index(drop=True)

    def label(row) -> str:
        text = fmt_value(row[value_col], unit)
        if show_share and not pd.isna(row["aandeel"]):
            text += f" ({fmt_percent(row['aandeel'], 1)})"
        return text

    with _styled():
        fig, ax = _new_figure(figsize=(FIGSIZE[0], max(2.6, 0.5 * len(data) + 1.4)))
        ypos = np.arange(len(data))
        ax.barh(ypos, data[value_col].fillna(0), color=COLORS["gemeente"], height=0.62)
        vmax = data[value_col].max() if data[value_col].notna().any() else 1
        for y, (_, row) in zip(ypos, data.iterrows(), strict=True):
            text = label(row) if not pd.isna(row[value_col]) else (
                "onderdrukt" if row["onderdrukt"] else "onbekend")
            ax.text((0 if pd.isna(row[value_col]) else row[value_col]) + vmax * 0.01, y, text,
                    va="center", ha="left", fontsize=8.5)
        ax.set_yticks(ypos, [textwrap.fill(str(c), 28) for c in data[category_col]])
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(DutchFormatter(unit))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.set_xlim(0, vmax * 1.45)
        _set_title(ax, title)
    known = data[data[value_col].notna()].sort_values(value_col, ascending=False)
    parts = [f"Staafdiagram van het {what} per {category_col.replace('_', ' ')}, totaal "
             f"{fmt_value(total, unit, with_unit=True)}."]
    parts += [f"{r[category_col]}: {label(r)}." for _, r in known.iterrows()]
    notes = [SUPPRESSED_NOTE] if data["onderdrukt"].any() else []
    return _finish(fig, data, title, " ".join(parts), notes, _public_columns(data))


# ----- age structure ---------------------------------------------------------------------------------
AGE_BAND_LABELS = {
    "0_15": "0-15 jaar",
    "15_25": "15-25 jaar",
    "25_45": "25-45 jaar",
    "45_65": "45-65 jaar",
    "65plus": "65+ jaar",
}


def _band_label(code: str) -> str:
    text = str(code)
    for prefix in ("aandeel_", "inwoners_"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return AGE_BAND_LABELS.get(text, str(code))


def age_structure_chart(
    df: pd.DataFrame,
    *,
    title: str,
    series_label_col: str = "gemeente_naam",
    band_col: str = "indicator",
    period_col: str = "periode",
    value_col: str = "waarde",
    prognosis_col: str = "prognose",
    prognosis_periods: Iterable[Period | str] = (),
) -> ChartResult:
    """Shares per age band over the years, one panel per series (gemeente, Nederland).

    Values in ``%`` are used as they are; counts (``eenheid`` ``aantal``) become shares of the
    series' total in that period. A period is a prognosis when the row's ``prognose`` column is true
    or it is in ``prognosis_periods``: its bars are hatched and labelled ``prognose``.
    Band codes ``aandeel_0_15`` / ``inwoners_65plus`` get Dutch labels (``0-15 jaar``, ``65+ jaar``).
    """
    data = _prepare(df, [series_label_col, band_col, period_col], "leeftijdsopbouw", value_col)
    data = _add_period_columns(data, period_col, "leeftijdsopbouw")
    progn = {_period(p) for p in prognosis_periods}
    flag = _flag(data[prognosis_col]) if prognosis_col in data.columns else False
    data["prognose"] = flag | data["_period"].isin(progn)
    units = set(data["eenheid"])
    if units <= {"aantal"} and units:
        totals = data.groupby([series_label_col, period_col])[value_col].transform("sum")
        data["aandeel"] = data[value_col] / totals * 100
    else:
        data["aandeel"] = data[value_col]
    data["leeftijd"] = [_band_label(c) for c in data[band_col]]
    series = list(dict.fromkeys(data[series_label_col]))
    bands = list(dict.fromkeys(data["leeftijd"]))
    periods = sorted(set(data["_period"]), key=_x)
    greys = sns.light_palette(COLORS["gemeente"], n_colors=len(periods) + 1)[1:]

    with _styled():
        fig, axes = _new_figure(figsize=(FIGSIZE[0] if len(series) < 2 else 8.0, 4.0),
                                ncols=len(series), sharey=True, squeeze=False)
        axes = axes[0]
        width = 0.8 / len(periods)
        for ax, name in zip(axes, series, strict=True):
            sub = data[data[series_label_col] == name]
            for i, p in enumerate(periods):
                rows = sub[sub["_period"] == p].set_index("leeftijd").reindex(bands)
                is_prog = bool(rows["prognose"].fillna(False).any())
                label = fmt_period(p) + (" (prognose)" if is_prog else "")
                ax.bar(np.arange(len(bands)) + (i - (len(periods) - 1) / 2) * width,
                       rows["aandeel"].to_numpy(dtype=float), width=width * 0.95,
                       color="white" if is_prog else greys[i],
                       edgecolor=COLORS["gemeente"] if is_prog else "white",
                       hatch="///" if is_prog else None, linewidth=0.8, label=label)
            ax.set_xticks(np.arange(len(bands)), [textwrap.fill(b, 10) for b in bands])
            ax.set_title(str(name), loc="left", fontsize=10)
            ax.grid(axis="x", visible=False)
            ax.yaxis.set_major_formatter(DutchFormatter("%"))
        axes[0].set_ylabel("aandeel van de inwoners")
        axes[-1].legend(loc="upper left", fontsize=8)
        fig.suptitle(textwrap.fill(title, 90), x=0.01, ha="left")
    parts = [f"Staafdiagram van de leeftijdsopbouw (aandeel per leeftijdsgroep) voor "
             f"{fmt_list(map(str, series))} in {fmt_list(fmt_period(p) for p in periods)}."]
    for name in series:
        sub = data[data[series_label_col] == name]
        first_p, last_p = periods[0], periods[-1]
        changes = []
        for band in bands:
            a = sub[(sub["leeftijd"] == band) & (sub["_period"] == first_p)]["aandeel"]
            b = sub[(sub["leeftijd"] == band) & (sub["_period"] == last_p)]["aandeel"]
            if len(a) and len(b) and not (pd.isna(a.iloc[0]) or pd.isna(b.iloc[0])):
                changes.append(f"{band} van {fmt_percent(a.iloc[0])} naar {fmt_percent(b.iloc[0])}")
        if changes:
            last_text = fmt_period(last_p) + (" (prognose)" if sub[sub["_period"] == last_p]
                                              ["prognose"].any() else "")
            parts.append(f"{name}, {fmt_period(first_p)} tot {last_text}: "
                         + "; ".join(changes) + ".")
    notes = [SUPPRESSED_NOTE] if data["onderdrukt"].any() else []
    if data["prognose"].any():
        notes.append("Gearceerde staven zijn een prognose, geen meting.")
    return _finish(fig, data, title, " ".join(parts), notes, _public_columns(data))


# ----- saving and showing ----------------------------------------------------------------------------
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Every cell as Dutch text: decimal comma, no thousands separator, ja/nee, ISO dates."""
    out = pd.DataFrame(index=data.index)
    for col in data.columns:
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.map({True: "ja", False: "nee"})
        elif pd.api.types.is_float_dtype(s):
            out[col] = [_csv_float(v) for v in s]
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype("string").fillna("")
        else:
            out[col] = [_csv_cell(v) for v in s]
    return out


def _csv_float(v: Any) -> str:
    if is_missing(v):
        return ""
    text = f"{float(v):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def _csv_cell(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "ja" if v else "nee"
    if isinstance(v, float | np.floating):
        return _csv_float(v)
    if is_missing(v):
        return ""
    if isinstance(v, Period):
        return v.code
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10] if getattr(v, "hour", 0) == 0 else v.isoformat()
    return str(v)


def save_chart(result: ChartResult, folder: str | os.PathLike, name: str) -> dict[str, Path]:
    """Write ``name.png`` (150 dpi) and ``name.csv`` (the plotted data) into ``folder``.

    The CSV is for a Dutch reader opening it in Excel: ``;``-separated, decimal comma, no
    thousands separator, UTF-8 with BOM, booleans as ``ja``/``nee``, dates ISO. Suppressed values
    are already empty in ``result.data``. PNG bytes carry no software version or date, so the same
    chart gives the same file (stable content hashes in the run manifest). Both files are written
    atomically. Returns ``{"png": path, "csv": path}`` and remembers it in ``result.paths``.
    """
    if not _NAME.match(name or ""):
        raise ValueError(f"ongeldige bestandsnaam {name!r} voor een grafiek: gebruik letters, "
                         "cijfers, '-', '_' en '.' (geen map, geen extensie nodig)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, csv = folder / f"{name}.png", folder / f"{name}.csv"
    write_atomic(png, lambda p: result.fig.savefig(p, format="png", dpi=PNG_DPI,
                                                    metadata={"Software": None}))
    frame = _csv_frame(result.data)
    write_atomic(csv, lambda p: frame.to_csv(p, sep=";", index=False, encoding="utf-8-sig",
                                              lineterminator="\n"))
    result.paths = {"png": png, "csv": csv}
    return dict(result.paths)


def _md_attr(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _md_text(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text.replace("\n", " "))


def _markdown(result: ChartResult, relative_to: str | os.PathLike | None = None) -> str:
    if "png" not in result.paths:
        return f"*{_md_text(result.caption)}*"
    png = Path(result.paths["png"])
    base = Path(relative_to) if relative_to is not None else Path.cwd()
    try:
        rel = Path(os.path.relpath(png.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        rel = png.resolve().as_posix()
    return (f"![{_md_text(result.caption)}]({rel})"
            f'{{fig-alt="{_md_attr(result.alt_text)}"}}')


def show_chart(result: ChartResult | Mapping[str, Path], *, relative_to: str | os.PathLike | None
               = None, embed_png: bool = True) -> None:
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
        bundle: dict[str, Any] = {"text/markdown": _markdown(result, relative_to),
                                  "text/plain": plain}
        metadata: dict[str, Any] = {}
        if embed_png:
            import base64

            bundle["image/png"] = base64.b64encode(Path(result.paths["png"]).read_bytes()).decode()
            metadata = {"image/png": {"alt": result.alt_text}}
        display(bundle, raw=True, metadata=metadata)
        return
    import base64
    import io

    buf = io.BytesIO()
    result.fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    display({"image/png": base64.b64encode(buf.getvalue()).decode(), "text/plain":
             result.alt_text}, raw=True, metadata={"image/png": {"alt": result.alt_text}})
    display({"text/markdown": f"*{_md_text(result.caption)}*", "text/plain": result.caption},
            raw=True)


def tick_labels(result_or_ax: ChartResult | Any, axis: str = "y") -> list[str]:
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
