"""The introduction: what the report covers, how old its CBS figures are, and where the plan stands."""

from __future__ import annotations

import pandas as pd

from tussenstand.nlformat import fmt_date, fmt_list, fmt_period
from tussenstand.report.context import Report
from tussenstand.report.output import show
from tussenstand.report.text import ILLUSTRATIVE_BANNER


def show_introduction(report: Report) -> None:
    fw = report.framework
    period = fmt_period(report.period)
    kind = "regio" if report.unit.is_region else "gemeente"
    members = ""
    if report.unit.is_region:
        members = f" De regio bestaat uit {fmt_list(report.member_name(c) for c in report.members)}."
    text = (
        f"Dit rapport beschrijft de tussenstand van *{fw.title}* voor de {kind} "
        f"**{report.name}** over de periode **{period}**.{members} "
        + (f"Het plan gaat over {fw.years.start}" if fw.years.start == fw.years.end
           else f"Het plan loopt van {fw.years.start} tot en met {fw.years.end}")
        + (f"; de tussentijdse evaluatie is in {fw.evaluation_year}" if fw.evaluation_year else "")
        + f". Alleen metingen over perioden die uiterlijk aan het eind van {period} "
        "afgelopen zijn, tellen mee."
    )
    cbs = report.measurements[report.measurements["gemeente"].isin(report.members)
                              & report.measurements["bron"].str.startswith("CBS")
                              & report.measurements["waarde"].notna()]
    if len(cbs):
        newest = cbs.sort_values("periode_eind").iloc[-1]
        months_old = ((pd.Timestamp(report.period.end) - newest["periode_eind"]).days) // 30
        if months_old >= 6:
            text += (f" De recentste CBS-cijfers in dit rapport gaan over {fmt_period(newest['periode'])}"
                     f" (peildatum {fmt_date(newest['peildatum'])}); CBS publiceert met enige vertraging.")
    if report.period.end.year < fw.years.start:
        text += (f" Let op: {period} ligt vóór de start van het plan ({fw.years.start}); "
                 "dit rapport toont dus de uitgangssituatie, niet de voortgang.")
    elif report.period.start.year > fw.years.end:
        text += (f" Let op: {period} ligt na het einde van het plan ({fw.years.end}); "
                 "het rapport volgt de thema's van het plan met de cijfers van nu.")
    show(text)
    if report.illustrative:
        show(f"::: {{.callout-warning}}\n{ILLUSTRATIVE_BANNER}\n:::")
