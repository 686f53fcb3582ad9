"""Indicators: one chart and sentence per indicator (members, Nederland, the comparison group and
the region), and the chapter of BBV indicators."""

from __future__ import annotations

import pandas as pd

from tussenstand import charts
from tussenstand.frameworks import Indicator
from tussenstand.nlformat import fmt_int, fmt_list, fmt_period, value_unit
from tussenstand.report.context import Report, indicator_frame
from tussenstand.report.data_notes import gap_text
from tussenstand.report.output import show, show_chart, show_table, slug
from tussenstand.report.text import (
    direction_text,
    is_count,
    national_rank_text,
    rank_text,
    value_text,
)
from tussenstand.schema import NATIONAL_NAME


def show_indicator(report: Report, ind: Indicator, *, heading_level: int = 3) -> None:
    """A heading, who chose the indicator, its chart and the sentence under it."""
    frame = indicator_frame(report, ind.series)
    own = frame[frame["gemeente"].isin(report.members) & frame["waarde"].notna()]
    show(f"{'#' * heading_level} {ind.name}")
    if report.framework.is_standard:
        chosen = "Indicator uit de basisset (er is voor deze gemeente geen eigen kader)."
    elif ind.chosen_by == "plan":
        chosen = "Indicator uit het plan."
    else:
        chosen = "Indicator gekozen door de onderzoeker, niet door het plan."
    show(f"{chosen} {ind.note or ''} Eenheid: {ind.unit}.".strip())
    if own.empty:
        gaps = report.file_gaps(ind.cbs_table) if ind.cbs_table else []
        if gaps:
            show(" ".join(gap_text(g) for g in gaps))
        else:
            show(
                f"Geen cijfers voor {report.name} in de gebruikte CBS-bestanden ({ind.cbs_table or ind.source})."
            )
        return
    sentence = indicator_sentence(report, ind, frame)
    # A long monthly series would crowd the chart: show the last 24 months.
    periods = frame["periode"].astype(str)
    if periods.str.fullmatch(r"\d{4}-\d{2}").all():
        keep = sorted(set(periods))[-24:]
        frame = frame[periods.isin(keep)]
    result = charts.trend_chart(
        frame,
        title=sentence_title(report, ind, frame),
        unit=ind.unit,
        indicator_label=ind.name,
        threshold=report.config.disclosure_threshold,
    )
    show_chart(report, result, f"indicator-{slug(ind.id)}")
    show(sentence)
    show_national_position(report, ind, frame)


def national_rows(report: Report, ind: Indicator, frame: pd.DataFrame) -> pd.DataFrame:
    """Every gemeente's row of the indicator's series in the period of the members' latest
    measurement in ``frame`` (the kind of period the chart shows); empty for counts of persons
    (not ranked) and when the cleaning stage wrote no ranks for it."""
    if is_count(ind.unit) or not ind.series:
        return report.distribution.iloc[:0]
    latest = _latest_by_label(frame)
    own = latest[latest["gemeente"].isin(report.members)]
    if own.empty:
        return report.distribution.iloc[:0]
    period = own.sort_values("periode_eind")["periode"].iloc[-1]
    dist = report.distribution
    return dist[(dist["indicator"] == ind.series) & (dist["periode"] == period)]


def show_national_position(report: Report, ind: Indicator, frame: pd.DataFrame) -> None:
    """Where the members stand among all gemeenten: the strip of every gemeente's value with the
    members and the comparison group marked, and the rank (:func:`national_rank_text`)."""
    rows = national_rows(report, ind, frame)
    if rows.empty or not rows["waarde"].notna().any():
        return
    period = rows["periode"].iloc[0]
    unit = value_unit(rows["eenheid"].iloc[0], ind.unit)
    nl = frame[(frame["gemeente_naam"] == NATIONAL_NAME) & (frame["periode"] == period)]
    national = nl["waarde"].dropna()
    members = {code: report.member_name(code) for code in report.members}
    result = charts.distribution_chart(
        rows,
        members,
        title=_position_title(report, ind, rows),
        comparison=() if report.unit.is_region else report.comparison_codes,
        national=float(national.iloc[0]) if len(national) else None,
        unit=unit,
        threshold=report.config.disclosure_threshold,
    )
    show_chart(report, result, f"verdeling-{slug(ind.id)}")
    show(national_rank_text(report, rows, unit))


def _position_title(report: Report, ind: Indicator, rows: pd.DataFrame) -> str:
    period = fmt_period(rows["periode"].iloc[0])
    own = rows[rows["gemeente"].isin(report.members) & rows["rang"].notna()]
    if len(report.members) == 1 and len(own):
        r = own.iloc[0]
        return (
            f"{ind.name}: {report.name} op plaats {fmt_int(int(r['rang']))} van "
            f"{fmt_int(int(r['aantal']))} gemeenten ({period})"
        )
    return f"{ind.name} in alle gemeenten ({period})"


def _latest_by_label(frame: pd.DataFrame) -> pd.DataFrame:
    """Per series its latest published row: a value, or a suppressed small number."""
    data = frame[frame["waarde"].notna() | frame["onderdrukt"]].sort_values("periode_eind")
    return data.groupby("gemeente_naam", as_index=False).tail(1)


def sentence_title(report: Report, ind: Indicator, frame: pd.DataFrame) -> str:
    """A chart title that states the finding; Nederland is compared only in the same period and
    never for absolute counts."""
    latest = _latest_by_label(frame)
    own = latest[latest["gemeente"].isin(report.members)]
    national = frame[(frame["gemeente_naam"] == NATIONAL_NAME) & frame["waarde"].notna()]
    if len(report.members) > 1:
        return f"{ind.name} per gemeente in {report.name}" + (
            "" if national.empty else ", naast Nederland"
        )
    nl = national[national["periode"] == own["periode"].iloc[0]] if len(own) else national.iloc[:0]
    if own.empty or nl.empty or is_count(ind.unit) or bool(own["onderdrukt"].iloc[0]):
        # a suppressed latest value is not compared: 'lower than Nederland' tells part of it
        return f"{ind.name} in {report.name}: {direction_text(report, ind.series, ind.unit)}"
    o, n = own["waarde"].iloc[0], nl["waarde"].iloc[0]
    close = abs(o - n) <= 0.05 * abs(n)  # within 5% of Nederland's value, also for percentages
    if close:
        rel = "ongeveer gelijk aan"
    else:
        rel = "hoger dan" if o > n else "lager dan"
    return f"{ind.name} in {report.name} {rel} Nederland ({fmt_period(own['periode'].iloc[0])})"


def indicator_sentence(report: Report, ind: Indicator, frame: pd.DataFrame) -> str:
    """'Laatste meting: Heemskerk 23,7% (2024); Nederland 20,5% (2024).' and the rank."""
    latest = _latest_by_label(frame)
    texts = []
    for code in report.members:
        row = latest[latest["gemeente"] == code]
        if row.empty:
            continue
        r = row.iloc[0]
        unit = value_unit(r["eenheid"], ind.unit)
        texts.append(
            f"{report.member_name(code)} {value_text(report, r['waarde'], unit, bool(r['onderdrukt']))}"
            f" ({fmt_period(r['periode'])}{', voorlopig' if bool(r['voorlopig']) else ''})"
        )
    national = frame[(frame["gemeente_naam"] == NATIONAL_NAME) & frame["waarde"].notna()]
    own = latest[latest["gemeente"].isin(report.members)]
    same = national[national["periode"].isin(own["periode"])]
    nl = (same if len(same) else national).sort_values("periode_eind").tail(1)
    sentence = "Laatste meting: " + fmt_list(texts)
    if len(nl) and not is_count(ind.unit):
        nl_unit = value_unit(nl["eenheid"].iloc[0], ind.unit)
        sentence += f"; Nederland {value_text(report, nl['waarde'].iloc[0], nl_unit)} ({fmt_period(nl['periode'].iloc[0])})"
    rank = rank_text(report, ind)
    return sentence + "." + (f" {rank}" if rank else "")


# ----- BBV ----------------------------------------------------------------------------------------
#: how the strip chart under each indicator is read (once, at the start of the BBV chapter)
POSITION_EXPLAINED = (
    "Onder de grafiek van elke indicator staat een smalle grafiek met het cijfer van elke "
    "gemeente van Nederland in dezelfde periode: de gemeente van dit rapport is gemarkeerd en "
    "genoemd, de vergelijkingsgroep staat in groen, Nederland als stippellijn. De plaats telt van "
    "laag naar hoog (1 = laagste waarde) en zegt niet of een hoog of laag cijfer beter is. "
    "Aantallen worden niet gerangschikt: die hangen vooral af van de grootte van de gemeente."
)


def comparison_text(report: Report) -> str:
    """The default comparison group in words: 'De vergelijkingsgroep bestaat uit de 18 andere
    gemeenten van 20.000 tot 50.000 inwoners in Noord-Holland (...).' (a framework's own group is
    named by its label instead)."""
    group = report.comparison
    if not group.description:
        return (
            f"De vergelijkingsgroep bestaat uit de {fmt_int(len(report.comparison_codes))} "
            "gemeenten van dezelfde grootteklasse in dezelfde provincie."
        )
    wider = f": van die grootte zijn er {group.wider}" if group.wider else ""
    return (
        f"De vergelijkingsgroep bestaat uit {group.description}{wider} (grootteklasse en provincie "
        f"volgens CBS Gebieden in Nederland {group.year})."
    )


def show_bbv_indicators(report: Report) -> None:
    """Who the report is compared with, then every BBV indicator of the framework."""
    fw = report.framework
    bbv = [i for i in fw.indicators if i.bbv]
    names = [report.member_name(c) for c in report.comparison_codes]
    if report.unit.is_region:
        show(
            f"In dit regiorapport staan de {fmt_int(len(report.members))} gemeenten naast elkaar en naast Nederland."
        )
    elif fw.comparison:
        show(
            f"De vergelijkingsgroep is *{fw.comparison.label}*: {fmt_list(names)}. "
            + (fw.comparison.note or "")
        )
    elif names:
        show(
            f"{comparison_text(report)} In de grafieken staat hun mediaan; de leden staan in de verantwoording."
        )
    if any(i.series and not is_count(i.unit) for i in bbv) and len(report.distribution):
        show(POSITION_EXPLAINED)
    if not bbv:
        show("Dit beleidskader koppelt geen BBV-indicatoren.")
        return
    for ind in bbv:
        if ind.series:
            show_indicator(report, ind, heading_level=3)
    without = [i for i in bbv if not i.series]
    if without:
        show("**BBV-indicatoren zonder open bron in deze monitor**")
        table = pd.DataFrame(
            {
                "Indicator": [i.name for i in without],
                "Eenheid": [i.unit for i in without],
                "Bron": [i.source for i in without],
            }
        )
        show_table(report, table, "lll", "BBV zonder open bron")
