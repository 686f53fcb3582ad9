"""Demography: the number of inhabitants, the age structure beside Nederland's (and the plan's own
table), and the households by composition.

A municipal merger breaks every series of the gemeente: the growth of the number of inhabitants is
computed after the last break only, the age structure shows only years with today's territory, and
the merger is said in words. A gemeente missing from an incomplete household file is said to be
missing from that file; its household composition then comes from the wijk- en buurtkaart, as
whole percentages.
"""

from __future__ import annotations

import pandas as pd

from tussenstand import charts
from tussenstand.nlformat import (
    MISSING,
    ROUNDED_PERCENT_UNIT,
    fmt_list,
    fmt_percent,
)
from tussenstand.report.context import Report, current_segment
from tussenstand.report.data_notes import change_text, gap_text
from tussenstand.report.output import show, show_chart, show_table
from tussenstand.report.text import value_text
from tussenstand.schema import NATIONAL_CODE
from tussenstand.sources import plan_figures
from tussenstand.sources.geo import AGE_BANDS, GEO_BRON, HOUSEHOLD_SHARES


def show_demography(report: Report) -> None:
    data = report.published
    inh = data[
        (data["indicator"] == "inwoners")
        & data["gemeente"].isin(report.members)
        & data["waarde"].notna()
    ]
    if inh.empty:
        show("Er zijn geen CBS-cijfers over het aantal inwoners in de gebruikte CBS-bestanden.")
    else:
        show(_population_sentence(report, inh))
        for code in report.members:
            for change in report.territory_changes(code):
                show(change_text(change))
        result = charts.trend_chart(
            inh,
            title=_population_title(report, inh),
            unit="aantal",
            indicator_label="Inwoners",
            ylabel="inwoners op 1 januari",
            y_from_zero=False,
            threshold=report.config.disclosure_threshold,
        )
        show_chart(report, result, "inwoners")
    _show_age_structure(report)
    _show_households(report)


def _population_sentence(report: Report, inh: pd.DataFrame) -> str:
    """Per member the latest number of inhabitants and the change since six years earlier (or
    since the first year of today's territory, when a merger is more recent)."""
    parts = []
    for code in report.members:
        s = inh[inh["gemeente"] == code].sort_values("periode_eind")
        if s.empty:
            continue
        last = s.iloc[-1]
        segment = current_segment(s)
        earlier = (
            segment[segment["periode"].astype(str) <= str(int(last["periode"]) - 6)]
            if str(last["periode"]).isdigit()
            else segment.iloc[:0]
        )
        if earlier.empty and len(segment) > 1:
            earlier = segment.iloc[:1]
        text = (
            f"{report.member_name(code)} had op 1 januari {last['periode']} "
            f"{value_text(report, last['waarde'], 'aantal', bool(last['onderdrukt']))} inwoners"
        )
        if len(earlier) and not (last["onderdrukt"] or earlier["onderdrukt"].iloc[-1]):
            e = earlier.iloc[-1]
            change = (last["waarde"] - e["waarde"]) / e["waarde"] * 100
            more = "meer" if change >= 0 else "minder"
            text += (
                f", {fmt_percent(abs(change), 1)} {more} dan in {e['periode']} "
                f"({value_text(report, e['waarde'], 'aantal')})"
            )
        parts.append(text)
    return "; ".join(parts) + "."


def _population_title(report: Report, inh: pd.DataFrame) -> str:
    if len(report.members) > 1:
        return "Inwoners per gemeente in de regio"
    s = current_segment(inh)
    first, last = s["waarde"].iloc[0], s["waarde"].iloc[-1]
    verb = (
        "groeit" if last > first * 1.005 else ("krimpt" if last < first * 0.995 else "is stabiel")
    )
    since = s["periode"].iloc[0]
    if len(s) < len(inh):
        return f"Het inwonertal van {report.name} {verb} sinds {since} (na de herindeling)"
    return f"Het inwonertal van {report.name} {verb} sinds {since}"


def _show_age_structure(report: Report) -> None:
    bands = [f"aandeel_{b}" for b in AGE_BANDS]
    data = report.published
    own = data[data["indicator"].isin(bands) & data["gemeente"].isin(report.members[:1])]
    own = _todays_territory(own)
    national = national_age_shares(report)
    years = [y for y in ("2009", "2018", "2024") if y in set(own["periode"])]
    if not years and len(own):  # a recent merger: the latest year of today's territory
        years = [own.sort_values("periode_eind")["periode"].iloc[-1]]
    frames = [own[own["periode"].isin(years)]]
    if not national.empty:
        frames.append(national[national["periode"].isin(years)])
    plan = _plan_age_table(report)
    if plan is not None:
        frames.append(plan)
    frames = [f for f in frames if len(f)]
    if not frames:
        show(
            f"Er zijn geen cijfers over de leeftijdsopbouw van {report.name} (binnen de huidige "
            "gemeentegrenzen) in de gebruikte CBS-bestanden."
        )
        return
    shown = pd.concat(frames, ignore_index=True)
    title = _age_title(report, own[own["periode"].isin(years)], plan)
    result = charts.age_structure_chart(shown, title=title)
    show_chart(report, result, "leeftijdsopbouw")
    if plan is not None:
        show(_plan_age_sentence(report, plan))
    show(age_sources_sentence(shown[shown["gemeente_naam"].notna() & shown["tabel"].notna()]))


def _todays_territory(rows: pd.DataFrame) -> pd.DataFrame:
    """Only the periods after the last series break (a municipal merger): an age structure of an
    older territory is not the same gemeente's."""
    flagged = rows[rows["reeksbreuk"].fillna(False).astype(bool)]
    if flagged.empty:
        return rows
    return rows[rows["periode_start"] >= flagged["periode_start"].max()]


def age_sources_sentence(shown: pd.DataFrame) -> str:
    """Which of the gemeente's shares are exact and which the source rounded to whole percents,
    per year; how Nederland's are computed where no CBS table gives them."""
    cbs = shown[shown["bron"].astype(str).str.startswith("CBS")]
    own = cbs[cbs["gemeente"] != NATIONAL_CODE] if "gemeente" in cbs else cbs
    parts = []
    exact = own[own["eenheid"] == "%"]
    if len(exact):
        parts.append(
            "Exact, berekend uit aantallen inwoners: "
            + _bands_per_year(exact, with_table=True)
            + "."
        )
    rounded = own[own["eenheid"] == ROUNDED_PERCENT_UNIT]
    if len(rounded):
        parts.append(
            "Door het CBS op hele procenten afgerond (gemeentecijfers bij de wijk- en buurtkaart) "
            "en zo getoond: " + _bands_per_year(rounded) + "."
        )
    national = cbs[cbs["eenheid"].astype(str).str.contains("afgeronde gemeentecijfers")]
    if len(national):
        years = sorted(set(national["periode"].astype(str)))
        parts.append(
            f"Het aandeel voor Nederland in {fmt_list(years)} is, waar geen CBS-tabel het geeft, "
            "het naar inwoners gewogen gemiddelde van de afgeronde gemeentecijfers."
        )
    return " ".join(parts)


def _bands_per_year(rows: pd.DataFrame, *, with_table: bool = False) -> str:
    """``2009 (alle leeftijdsgroepen; tabel 80860ned) en 2024 (0-15 jaar en 65+ jaar; ...)``."""
    items = []
    for year, g in sorted(rows.groupby(rows["periode"].astype(str)), key=lambda kv: kv[0]):
        bands = [b for b in AGE_BANDS if f"aandeel_{b}" in set(g["indicator"])]
        what = (
            "alle leeftijdsgroepen"
            if len(bands) == len(AGE_BANDS)
            else fmt_list(_band(f"aandeel_{b}") for b in bands)
        )
        if with_table:
            tables = sorted(set(g["tabel"].astype(str)))
            what += f"; {'tabel' if len(tables) == 1 else 'tabellen'} {fmt_list(tables)}"
        items.append(f"{year} ({what})")
    return fmt_list(items)


def _band(indicator: str) -> str:
    band = str(indicator).removeprefix("aandeel_")
    return charts.AGE_BAND_LABELS.get(band, band)


def national_age_shares(report: Report) -> pd.DataFrame:
    """Nederland's age shares: CBS 80860ned up to 2009, the Kerncijfers wijken en buurten tables
    from 2016 where they were fetched, else the inhabitant-weighted shares from the geo files (the
    national series has them; see :mod:`tussenstand.sources.cbs_national`)."""
    data = report.published
    bands = [f"aandeel_{b}" for b in AGE_BANDS]
    return data[data["indicator"].isin(bands) & (data["gemeente"] == NATIONAL_CODE)]


def _plan_age_table(report: Report) -> pd.DataFrame | None:
    for path in sorted(report.config.plan_figures_dir.glob("*.csv")):
        try:
            plan = plan_figures.plan_population_by_age(path)
        except plan_figures.PlanFiguresError:
            continue
        plan = plan[plan["gemeente"].isin(report.members[:1])]
        if plan.empty:
            continue
        return pd.DataFrame(
            {
                "gemeente_naam": plan["gemeente_naam"] + " (beleidsplan)",
                "indicator": "aandeel_" + plan["leeftijd"],
                "periode": plan["jaar"].astype(str),
                "waarde": plan["aandeel"],
                "eenheid": "%",
                "bron": plan["bron"],
                "tabel": plan["tabel"],
                "peildatum": "",
                "prognose": plan["prognose"],
                "illustratief": False,
                "onderdrukt": False,
            }
        )
    return None


def _age_title(report: Report, own: pd.DataFrame, plan: pd.DataFrame | None) -> str:
    if plan is not None:
        return f"Het aandeel 65-plussers in {report.name} groeit volgens het plan door tot 2030"
    s = own[own["indicator"] == "aandeel_65plus"].sort_values("periode_eind")
    if len(s) >= 2 and s["waarde"].iloc[-1] > s["waarde"].iloc[0]:
        return f"Het aandeel 65-plussers in {report.member_name(report.members[0])} groeit"
    return f"Leeftijdsopbouw van {report.member_name(report.members[0])}"


def _plan_age_sentence(report: Report, plan: pd.DataFrame) -> str:
    old = plan[plan["indicator"] == "aandeel_65plus"].set_index("periode")["waarde"]
    parts = []
    for year, share in old.items():
        prog = bool(plan[(plan["periode"] == year)]["prognose"].any())
        parts.append(f"{fmt_percent(share, 1)} ({'prognose ' if prog else ''}{year})")
    return "Volgens de tabel in het beleidsplan is het aandeel 65-plussers " + fmt_list(parts) + "."


#: household series (CBS 71486ned; the geo files give the total and shares) -> label in the table
HOUSEHOLD_TYPES = {
    "huishoudens_eenpersoons": "eenpersoons",
    "huishoudens_paar_zonder_kinderen": "paar zonder kinderen",
    "huishoudens_paar_met_kinderen": "paar met kinderen",
    "huishoudens_eenouder": "eenoudergezin",
    "huishoudens_totaal": "totaal",
}


def _show_households(report: Report) -> None:
    """Households by composition in 2018 and the latest year (CBS 71486ned), the share of
    one-person households; for a member missing from an incomplete 71486ned file, that fact and the
    composition as whole percentages from the wijk- en buurtkaart."""
    data = report.published
    hh = data[
        data["indicator"].isin(HOUSEHOLD_TYPES)
        & data["gemeente"].isin(report.members)
        & (data["waarde"].notna() | data["onderdrukt"])
    ]
    composed = [
        c
        for c in report.members
        if (hh["gemeente"].eq(c) & hh["indicator"].ne("huishoudens_totaal")).any()
    ]
    if composed:
        _show_household_counts(report, hh[hh["gemeente"].isin(composed)], composed)
    others = [c for c in report.members if c not in composed]
    for code in others:
        for gap in report.file_gaps("71486ned", code):
            show(gap_text(gap))
    shares = data[
        data["indicator"].isin(HOUSEHOLD_SHARES.values())
        & data["gemeente"].isin(others)
        & data["waarde"].notna()
    ]
    if len(shares):
        _show_household_shares(report, shares, hh[hh["gemeente"].isin(others)])
    unexplained = [
        report.member_name(c)
        for c in others
        if not report.file_gaps("71486ned", c) and not shares["gemeente"].eq(c).any()
    ]
    if unexplained:
        show(
            f"Voor {fmt_list(unexplained)} staat de samenstelling van de huishoudens niet in "
            "tabel 71486ned of in de gemeentecijfers bij de wijk- en buurtkaart."
        )


def _show_household_counts(report: Report, hh: pd.DataFrame, members: list[str]) -> None:
    years = sorted(set(hh["periode"]))
    pick = [y for y in ("2018", years[-1]) if y in years]
    shown = hh[hh["periode"].isin(pick)]
    tables = sorted(set(shown["tabel"]), key=lambda t: (t.startswith("geo/"), t))
    show(
        f"**Huishoudens naar samenstelling** (CBS, {'tabel' if len(tables) == 1 else 'bronnen'} "
        f"{fmt_list(tables)}; {fmt_list(pick)})"
    )
    table = _household_table(report, hh, pick, members)
    show_table(
        report,
        table,
        "l" * (table.shape[1] - len(pick)) + "r" * len(pick),
        "Huishoudens naar samenstelling",
    )
    for y in pick:
        year = shown[shown["periode"] == y]
        if set(year["indicator"]) == {"huishoudens_totaal"}:
            show(_only_total_note(y, year))
    shares = _one_person_shares(report, hh, members)
    if shares:
        show(f"Het aandeel eenpersoonshuishoudens was {fmt_list(shares)}.")


#: household shares of the wijk- en buurtkaart -> label in the table
HOUSEHOLD_SHARE_LABELS = {
    "aandeel_huishoudens_eenpersoons": "eenpersoonshuishoudens",
    "aandeel_huishoudens_zonder_kinderen": "meerpersoonshuishoudens zonder kinderen",
    "aandeel_huishoudens_met_kinderen": "huishoudens met kinderen (ook eenoudergezinnen)",
}


def _show_household_shares(report: Report, shares: pd.DataFrame, totals: pd.DataFrame) -> None:
    """The composition as a share of all households, whole percentages as the source gives them,
    with the number of households of the same year."""
    years = sorted(set(shares["periode"].astype(str)))
    members = [c for c in report.members if shares["gemeente"].eq(c).any()]
    files = sorted(set(shares["tabel"].astype(str)))
    show(
        f"**Samenstelling van de huishoudens** ({GEO_BRON}, {'bestand' if len(files) == 1 else 'bestanden'} "
        f"{fmt_list(files)}; aandeel van alle huishoudens, door het CBS afgerond op hele procenten)"
    )
    rows = []
    for code in members:
        own = shares[shares["gemeente"] == code]
        for key, label in HOUSEHOLD_SHARE_LABELS.items():
            s = own[own["indicator"] == key].set_index("periode")
            row = {"Gemeente": report.member_name(code), "Huishoudens": label}
            for y in years:
                row[y] = (
                    value_text(
                        report, s.at[y, "waarde"], s.at[y, "eenheid"], bool(s.at[y, "onderdrukt"])
                    )
                    if y in s.index
                    else MISSING
                )
            rows.append(row)
        total = totals[
            (totals["gemeente"] == code) & (totals["indicator"] == "huishoudens_totaal")
        ].set_index("periode")
        row = {"Gemeente": report.member_name(code), "Huishoudens": "aantal huishoudens"}
        for y in years:
            row[y] = (
                value_text(report, total.at[y, "waarde"], "aantal", bool(total.at[y, "onderdrukt"]))
                if y in total.index
                else MISSING
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    if len(report.members) == 1:
        table = table.drop(columns="Gemeente")
    show_table(
        report,
        table,
        "l" * (table.shape[1] - len(years)) + "r" * len(years),
        "Samenstelling huishoudens",
    )


def _household_table(
    report: Report, hh: pd.DataFrame, years: list[str], members: list[str]
) -> pd.DataFrame:
    """One row per member and household type, one column per year; the member column only in a
    report of more than one gemeente."""
    rows = []
    for code in members:
        for key, label in HOUSEHOLD_TYPES.items():
            s = hh[(hh["gemeente"] == code) & (hh["indicator"] == key)].set_index("periode")
            row = {"Gemeente": report.member_name(code), "Huishoudens": label}
            for y in years:
                row[y] = (
                    value_text(report, s.at[y, "waarde"], "aantal", bool(s.at[y, "onderdrukt"]))
                    if y in s.index
                    else MISSING
                )
            rows.append(row)
    table = pd.DataFrame(rows)
    return table.drop(columns="Gemeente") if len(report.members) == 1 else table


def _only_total_note(year: str, rows: pd.DataFrame) -> str:
    source = fmt_list(sorted(set(rows["tabel"])))
    return (
        f"Voor {year} staat in de gebruikte CBS-bestanden alleen het totaal aantal huishoudens ({source}"
        + (", de gemeentecijfers bij de wijk- en buurtkaart" if source.startswith("geo/") else "")
        + "); de samenstelling ontbreekt daar."
    )


def _one_person_shares(report: Report, hh: pd.DataFrame, members: list[str]) -> list[str]:
    """Per member: one-person households as a share of all, in the latest year that has both."""
    shares = []
    for code in members:
        # a share computed from a suppressed count would give it back: only published values
        known = hh[hh["waarde"].notna() & ~hh["onderdrukt"]]
        one = known[(known["indicator"] == "huishoudens_eenpersoons") & (known["gemeente"] == code)]
        tot = known[(known["indicator"] == "huishoudens_totaal") & (known["gemeente"] == code)]
        merged = one.merge(tot[["periode", "waarde"]], on="periode", suffixes=("", "_totaal"))
        if len(merged):
            last = merged.sort_values("periode_eind").iloc[-1]
            shares.append(
                f"{fmt_percent(last['waarde'] / last['waarde_totaal'] * 100, 1)} in "
                f"{report.member_name(code)} ({last['periode']})"
            )
    return shares
