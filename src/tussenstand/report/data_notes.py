"""How the report words what is known about its data: incomplete CBS files, municipal mergers
(series breaks) and download dates.

One wording for each, used by the chapters that need it (demography, indicators, introduction,
accountability), so that a gap in a local file is always called that, never a gap in what CBS
published.
"""

from __future__ import annotations

from tussenstand.handoff import FileGap, FileProblem, TerritoryChange
from tussenstand.markdown import escape
from tussenstand.nlformat import fmt_date, fmt_int
from tussenstand.sources.municipalities import describe

UNKNOWN_DOWNLOAD_DATE = "downloaddatum onbekend"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def gap_text(gap: FileGap) -> str:
    """'Het bestand 71486ned.csv bevat 185 van de 342 gemeenten van 2024; de cijfers van Schagen
    ontbreken in dat bestand. ...' (the file is incomplete, not CBS's publication)."""
    return (
        f"Het bestand {escape(gap.bestand)} bevat {fmt_int(gap.aanwezig)} van de "
        f"{fmt_int(gap.verwacht)} gemeenten van {gap.jaar}; de cijfers van "
        f"{escape(gap.gemeente_naam)} ontbreken in dat bestand. Het bestand is dus een onvolledige kopie van CBS-tabel "
        f"{gap.tabel}; met een volledige kopie (bijvoorbeeld via `tussenstand fetch`) komen deze "
        "cijfers in het rapport."
    )


def problem_text(problem: FileProblem) -> str:
    return escape(capitalize(problem.probleem)) + "."


def change_text(change: TerritoryChange) -> str:
    """The merger and what it means for the figures, as one or two sentences (Markdown)."""
    what = escape(capitalize(describe(change)))
    if change.soort == "nieuw":
        return f"{what}; cijfers over eerdere jaren zijn er niet."
    return (
        f"{what}. Cijfers van daarvóór gaan over een ander grondgebied: grafieken onderbreken de "
        "lijn daar (reeksbreuk) en het rapport berekent geen verandering over de herindeling heen."
    )


def peildatum_text(peildatum: object) -> str:
    """``peildatum 22 april 2025``, or ``downloaddatum onbekend`` when there is none."""
    text = str(peildatum or "").strip()
    return f"peildatum {fmt_date(text)}" if text else UNKNOWN_DOWNLOAD_DATE
