"""Accountability: the sources and their peildatum, incomplete CBS files, municipal mergers,
illustrative data, small numbers, the comparison group and how a goal's status is decided."""

from __future__ import annotations

import re

import pandas as pd

from tussenstand.markdown import escape
from tussenstand.nlformat import fmt_date, fmt_int, fmt_list
from tussenstand.progress import STATUS_RULES_NL
from tussenstand.report.context import Report
from tussenstand.report.data_notes import change_text, gap_text, problem_text
from tussenstand.report.indicators import comparison_text
from tussenstand.report.output import show, show_table
from tussenstand.report.text import ILLUSTRATIVE_BANNER
from tussenstand.sources.areas import MIN_COMPARISON


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
            "Peildatum": [
                fmt_date(v) if v else "onbekend (geen downloaddatum)" for v in grouped["peildatum"]
            ],
            "Illustratief": ["ja" if v else "nee" for v in grouped["illustratief"]],
        }
    )


def show_accountability(report: Report) -> None:
    show("### Bronnen")
    show(
        "CBS-cijfers: Bron: CBS StatLine, CC BY 4.0, met het tabelnummer bij elke grafiek. "
        "De peildatum is de dag waarop de tabel bij het CBS is gedownload, zoals het "
        "metadatabestand naast de tabel die vastlegt (`<tabel>.meta.json`, bij de gemeentecijfers "
        "van de wijk- en buurtkaart `gemeenten_<jaar>.meta.json`). Zonder die gegevens is de "
        "downloaddatum onbekend en staat dat er; de datum waarop een bestand voor het laatst is "
        "gewijzigd, geldt nooit als peildatum."
    )
    show_table(report, sources_table(report), "llrrll", "Bronnen")
    _show_incomplete_files(report)
    _show_mergers(report)
    if report.illustrative:
        show("### Illustratieve gegevens")
        show(ILLUSTRATIVE_BANNER + " Nulmetingen en streefwaarden komen altijd uit het plan.")
    show("### Kleine aantallen")
    show(_small_numbers_text(report))
    if report.comparison_codes and not report.framework.comparison and not report.unit.is_region:
        show("### Vergelijkingsgroep")
        names = sorted(report.member_name(c) for c in report.comparison_codes)
        show(
            f"{comparison_text(report)} De {fmt_int(len(names))} gemeenten: {fmt_list(names)}. "
            "Het kader kiest geen eigen vergelijkingsgroep; dan zijn het de gemeenten van dezelfde "
            "CBS-grootteklasse in dezelfde provincie, of, als dat er minder dan "
            f"{fmt_int(MIN_COMPARISON)} zijn, in hetzelfde landsdeel, en anders in heel Nederland."
        )
    if len(report.distribution):
        show("### Plaats onder alle gemeenten")
        show(RANKING_RULES_NL)
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


#: how the place among all gemeenten is computed (the rules of tussenstand.sources.distribution)
RANKING_RULES_NL = (
    "Bij elke indicator die geen aantal is, staat de gemeente tussen alle gemeenten van Nederland "
    "met een gepubliceerd cijfer in dezelfde periode, zoals het CBS-bestand ze heeft. Plaats 1 is "
    "de laagste waarde; gemeenten met hetzelfde cijfer delen de laagste plaats van hun groep (1, "
    "2, 2, 4). Een onderdrukt cijfer (kleine aantallen) en een cijfer dat het CBS niet publiceerde, "
    "krijgen geen plaats en staan niet in de grafiek; het rapport zegt hoeveel gemeenten dat zijn. "
    "Aantallen personen krijgen geen plaats: die hangen vooral af van de grootte van de gemeente. "
    "De plaatsen worden één keer voor alle gemeenten berekend uit de CBS-tabellen."
)


def _show_incomplete_files(report: Report) -> None:
    """Incomplete CBS files: lines cut off or too short, and members missing from a file."""
    quality = report.quality
    problems = quality.bestandsproblemen if quality else []
    gaps = report.file_gaps()
    if not problems and not gaps:
        return
    show("### Onvolledige CBS-bestanden")
    lines = [f"- {problem_text(p)}" for p in problems]
    for gap in gaps:
        extra = (
            f" Wel in het rapport, met die bron erbij: {escape(gap.aanvulling)}."
            if gap.aanvulling
            else ""
        )
        lines.append(f"- {gap_text(gap)}{extra}")
    show("\n".join(lines))


def _show_mergers(report: Report) -> None:
    """The members' municipal mergers: where their series break."""
    changes = report.territory_changes()
    if not changes:
        return
    show("### Herindelingen")
    show("\n".join(f"- {change_text(c)}" for c in changes))
    show(
        "Herindelingen zijn afgeleid uit de gegevens zelf (de gemeentegrenzen in de wijk- en "
        "buurtkaart, de gemeentecodes per jaar en sprongen in het aantal inwoners of "
        "huishoudens); de regels staan in de methodeverantwoording (docs/aqa)."
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
