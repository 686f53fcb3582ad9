"""The introduction: what the report covers, how old its CBS figures are, and where the plan stands."""

from __future__ import annotations

import pandas as pd

from tussenstand.nlformat import fmt_list, fmt_period
from tussenstand.report.context import Report
from tussenstand.report.data_notes import peildatum_text
from tussenstand.report.output import show
from tussenstand.report.summary_file import workbook_text
from tussenstand.report.text import ILLUSTRATIVE_BANNER


def show_introduction(report: Report) -> None:
    """What the report covers; how old its newest CBS figures are when that is half a year or
    more; a warning when the report period lies outside the plan's years."""
    fw = report.framework
    period = fmt_period(report.period)
    if fw.is_standard:
        show(_standard_text(report) + _cbs_delay_note(report))
        return
    kind = "regio" if report.unit.is_region else "gemeente"
    members = ""
    if report.unit.is_region:
        members = (
            f" De regio bestaat uit {fmt_list(report.member_name(c) for c in report.members)}."
        )
    text = (
        f"Dit rapport beschrijft de tussenstand van *{fw.title}* voor de {kind} "
        f"**{report.name}** over de periode **{period}**.{members} "
        + (
            f"Het plan gaat over {fw.years.start}"
            if fw.years.start == fw.years.end
            else f"Het plan loopt van {fw.years.start} tot en met {fw.years.end}"
        )
        + (f"; de tussentijdse evaluatie is in {fw.evaluation_year}" if fw.evaluation_year else "")
        + f". Alleen metingen over perioden die uiterlijk aan het eind van {period} "
        "afgelopen zijn, tellen mee."
    )
    show(text + _cbs_delay_note(report) + _plan_years_note(report))
    if report.illustrative:
        show(f"::: {{.callout-warning}}\n{ILLUSTRATIVE_BANNER}\n:::")
    show(workbook_text(report))


def _standard_text(report: Report) -> str:
    """For a gemeente without a framework of its own: what the basisset is, and how to add a plan."""
    return (
        f"Dit rapport beschrijft de tussenstand van de gemeente **{report.name}** over de periode "
        f"**{fmt_period(report.period)}**. Voor {report.name} is (nog) geen eigen beleidskader in "
        f"deze monitor opgenomen: het rapport volgt de *{report.framework.title}*, de verplichte "
        "BBV-indicatoren van het sociaal domein die het CBS per gemeente publiceert, met de context "
        "die de beleidsplannen gebruiken. Het geeft dus geen oordeel over doelen, wel waar de "
        "gemeente staat: in de tijd, naast Nederland, naast de gemeenten van haar grootteklasse en "
        "tussen alle gemeenten. Met een eigen kader in de monitor volgt het rapport ook de doelen "
        "uit het beleidsplan van de gemeente. Alleen metingen over "
        f"perioden die uiterlijk aan het eind van {fmt_period(report.period)} afgelopen zijn, "
        "tellen mee."
    )


def _cbs_delay_note(report: Report) -> str:
    """The period of the newest CBS figure when it ended half a year or more before the report's,
    with its download date (``downloaddatum onbekend`` when no file of that period has one)."""
    data = report.measurements
    cbs = data[
        data["gemeente"].isin(report.members)
        & data["bron"].str.startswith("CBS")
        & data["waarde"].notna()
    ]
    if not len(cbs):
        return ""
    end = cbs["periode_eind"].max()
    newest = cbs[cbs["periode_eind"] == end].sort_values("peildatum")
    months_old = ((pd.Timestamp(report.period.end) - end).days) // 30
    if months_old < 6:
        return ""
    # the latest known download date of those figures; unknown only when none has one
    return (
        f" De recentste CBS-cijfers in dit rapport gaan over {fmt_period(newest['periode'].iloc[-1])}"
        f" ({peildatum_text(newest['peildatum'].iloc[-1])}); CBS publiceert met enige vertraging."
    )


def _plan_years_note(report: Report) -> str:
    fw = report.framework
    period = fmt_period(report.period)
    if report.period.end.year < fw.years.start:
        return (
            f" Let op: {period} ligt vóór de start van het plan ({fw.years.start}); "
            "dit rapport toont dus de uitgangssituatie, niet de voortgang."
        )
    if report.period.start.year > fw.years.end:
        return (
            f" Let op: {period} ligt na het einde van het plan ({fw.years.end}); "
            "het rapport volgt de thema's van het plan met de cijfers van nu."
        )
    return ""
