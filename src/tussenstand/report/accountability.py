"""Accountability: the sources and their peildatum, illustrative data, small numbers, the
comparison group and how a goal's status is decided."""

from __future__ import annotations

import re

import pandas as pd

from tussenstand import markdown
from tussenstand.nlformat import fmt_date, fmt_int, fmt_list
from tussenstand.progress import STATUS_RULES_NL
from tussenstand.report.context import Report
from tussenstand.report.output import show
from tussenstand.report.text import ILLUSTRATIVE_BANNER


def sources_table(report: Report) -> pd.DataFrame:
    """Per source and table of the members' measurements: series, rows, peildatum, illustrative."""
    own = report.measurements[report.measurements["gemeente"].isin(report.members)]
    grouped = (
        own.groupby(["bron", "tabel"], dropna=False)
        .agg(
            reeksen=("indicator", "nunique"),
            rijen=("indicator", "size"),
            peildatum=("peildatum", "max"),
            illustratief=("illustratief", "any"),
        )
        .reset_index()
    )
    return pd.DataFrame(
        {
            "Bron": grouped["bron"],
            "Tabel of bestand": grouped["tabel"],
            "Reeksen": [fmt_int(v) for v in grouped["reeksen"]],
            "Metingen": [fmt_int(v) for v in grouped["rijen"]],
            "Peildatum": [fmt_date(v) if v else "onbekend" for v in grouped["peildatum"]],
            "Illustratief": ["ja" if v else "nee" for v in grouped["illustratief"]],
        }
    )


def show_accountability(report: Report) -> None:
    show("### Bronnen")
    show(
        "CBS-cijfers: Bron: CBS StatLine, CC BY 4.0, met het tabelnummer bij elke grafiek. "
        "De peildatum is de downloaddatum van de tabel (of, zonder downloadgegevens, de datum van "
        "het bestand)."
    )
    show(markdown.table(sources_table(report), "llrrll"))
    if report.illustrative:
        show("### Illustratieve gegevens")
        show(ILLUSTRATIVE_BANNER + " Nulmetingen en streefwaarden komen altijd uit het plan.")
    show("### Kleine aantallen")
    show(_small_numbers_text(report))
    if report.comparison_codes and not report.framework.comparison and not report.unit.is_region:
        show("### Vergelijkingsgroep")
        names = sorted(report.member_name(c) for c in report.comparison_codes)
        show(f"Gemeenten van dezelfde grootteklasse ({fmt_int(len(names))}): {fmt_list(names)}.")
    if report.assessments:
        show("### Hoe de status van een doel wordt bepaald")
        show(_demote_headings(STATUS_RULES_NL))
    else:
        show("### Richting en vergelijking")
        show(
            "Dit beleidskader heeft geen doelen met een streefwaarde; het rapport geeft daarom geen "
            "status. De richting vergelijkt de twee laatste metingen van dezelfde soort periode "
            "(bij percentages in procentpunten); Nederland staat er alleen naast in dezelfde "
            "periode, en absolute aantallen worden niet met Nederland vergeleken."
        )


def _small_numbers_text(report: Report) -> str:
    threshold = fmt_int(report.config.disclosure_threshold)
    suppressed = int(report.measurements["onderdrukt"].sum())
    return (
        f"Aantallen personen onder de {threshold} worden niet gepubliceerd "
        f"(weergegeven als '< {threshold}'), in tabellen, zinnen, grafieken en downloads, en ook "
        "niet wat daaruit volgt: percentages en ratio's ('onderdrukt'), en geen prognose, "
        "streefwaarde, verwacht pad of verandering die op zo'n aantal zou rusten. "
        + (
            f"In de gegevens van dit rapport gaat het om {fmt_int(suppressed)} onderdrukte waarden. "
            if suppressed
            else "In de gegevens van dit rapport hoefde niets onderdrukt te worden. "
        )
        + "CBS-cijfers staan zoals het CBS ze afrondde."
    )


def _demote_headings(text: str) -> str:
    """STATUS_RULES_NL's headings two levels down, under the report's level-3 heading."""
    return re.sub(
        r"^(#{1,4}) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", text, flags=re.M
    )
