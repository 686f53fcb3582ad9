"""Demography: the number of inhabitants, the age structure beside Nederland's (and the plan's own
table), and the households by composition."""

from __future__ import annotations

import pandas as pd

from tussenstand import charts, markdown
from tussenstand.nlformat import MISSING, fmt_list, fmt_percent
from tussenstand.report.context import Report
from tussenstand.report.output import show, show_chart
from tussenstand.report.text import value_text
from tussenstand.schema import NATIONAL_CODE
from tussenstand.sources import plan_figures
from tussenstand.sources.geo import AGE_BANDS, UNIT_NATIONAL_FROM_ROUNDED, UNIT_ROUNDED_PCT


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
    parts = []
    for code in report.members:
        s = inh[inh["gemeente"] == code].sort_values("periode_eind")
        if s.empty:
            continue
        last = s.iloc[-1]
        earlier = (
            s[s["periode"].astype(str) <= str(int(last["periode"]) - 6)]
            if str(last["periode"]).isdigit()
            else s.iloc[:0]
        )
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
    s = inh.sort_values("periode_eind")
    first, last = s["waarde"].iloc[0], s["waarde"].iloc[-1]
    verb = (
        "groeit" if last > first * 1.005 else ("krimpt" if last < first * 0.995 else "is stabiel")
    )
    return f"Het inwonertal van {report.name} {verb} sinds {s['periode'].iloc[0]}"


def _show_age_structure(report: Report) -> None:
    bands = [f"aandeel_{b}" for b in AGE_BANDS]
    data = report.published
    own = data[data["indicator"].isin(bands) & data["gemeente"].isin(report.members[:1])]
    national = national_age_shares(report)
    years = [y for y in ("2009", "2018", "2024") if y in set(own["periode"])]
    frames = [own[own["periode"].isin(years)]]
    if not national.empty:
        frames.append(national[national["periode"].isin(years)])
    plan = _plan_age_table(report)
    if plan is not None:
        frames.append(plan)
    shown = pd.concat([f for f in frames if len(f)], ignore_index=True)
    if shown.empty:
        return
    title = _age_title(report, own, plan)
    result = charts.age_structure_chart(shown, title=title)
    show_chart(report, result, "leeftijdsopbouw")
    if plan is not None:
        show(_plan_age_sentence(report, plan))
    sentence = age_sources_sentence(
        own[own["periode"].isin(years)],
        national[national["periode"].isin(years)] if not national.empty else national,
    )
    if sentence:
        show(sentence)


def age_sources_sentence(own: pd.DataFrame, national: pd.DataFrame) -> str:
    """Where the CBS age shares shown come from, per year: rounded (the geo files' whole percents)
    or exact (computed from counts, with the tables named), and how Nederland's were computed."""
    rounded = sorted(set(own.loc[own["eenheid"] == UNIT_ROUNDED_PCT, "periode"]))
    exact_rows = own[own["eenheid"] != UNIT_ROUNDED_PCT]
    exact = sorted(set(exact_rows["periode"]))
    tables = sorted(set(exact_rows["tabel"]))
    parts = []
    if rounded:
        parts.append(
            f"De CBS-aandelen van {fmt_list(rounded)} komen uit de gemeentecijfers bij de wijk- en "
            "buurtkaart en zijn op hele procenten afgerond"
        )
    if exact:
        source = f"{'tabel' if len(tables) == 1 else 'tabellen'} {fmt_list(tables)}"
        parts.append(
            f"{'die' if rounded else 'De CBS-aandelen'} van {fmt_list(exact)} zijn exact ({source})"
        )
    text = "; ".join(parts) + "." if parts else ""
    weighted = sorted(
        set(national.loc[national["eenheid"] == UNIT_NATIONAL_FROM_ROUNDED, "periode"])
    )
    if weighted:
        text += (
            f" Het aandeel voor Nederland in {fmt_list(weighted)} is berekend als het naar inwoners "
            "gewogen gemiddelde van alle gemeenten."
        )
    return text.strip()


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


#: household series (CBS 71486ned; the geo files give the total only) -> label in the table
HOUSEHOLD_TYPES = {
    "huishoudens_eenpersoons": "eenpersoons",
    "huishoudens_paar_zonder_kinderen": "paar zonder kinderen",
    "huishoudens_paar_met_kinderen": "paar met kinderen",
    "huishoudens_eenouder": "eenoudergezin",
    "huishoudens_totaal": "totaal",
}


def _show_households(report: Report) -> None:
    """Households by composition in 2018 and the latest year, the share of one-person households,
    and what is missing where the CBS extracts give only a total."""
    data = report.published
    hh = data[
        data["indicator"].isin(HOUSEHOLD_TYPES)
        & data["gemeente"].isin(report.members)
        & (data["waarde"].notna() | data["onderdrukt"])
    ]
    if hh.empty:
        show(
            "De huishoudenstabel van het CBS (71486ned) heeft geen cijfers voor "
            f"{report.name} in de gebruikte CBS-bestanden."
        )
        return
    years = sorted(set(hh["periode"]))
    pick = [y for y in ("2018", years[-1]) if y in years]
    shown = hh[hh["periode"].isin(pick)]
    tables = sorted(set(shown["tabel"]), key=lambda t: (t.startswith("geo/"), t))
    show(
        f"**Huishoudens naar samenstelling** (CBS, {'tabel' if len(tables) == 1 else 'bronnen'} "
        f"{fmt_list(tables)}; {fmt_list(pick)})"
    )
    table = _household_table(report, hh, pick)
    show(markdown.table(table, "l" * (table.shape[1] - len(pick)) + "r" * len(pick)))
    for y in pick:
        year = shown[(shown["periode"] == y) & shown["gemeente"].isin(report.members)]
        if set(year["indicator"]) == {"huishoudens_totaal"}:
            show(_only_total_note(y, year))
    shares = _one_person_shares(report, hh)
    if shares:
        show(f"Het aandeel eenpersoonshuishoudens was {fmt_list(shares)}.")
    with_breakdown = set(hh.loc[hh["indicator"] != "huishoudens_totaal", "gemeente"])
    missing = [report.member_name(c) for c in report.members if c not in with_breakdown]
    if missing and len(report.members) > 1:
        show(
            f"Voor {fmt_list(missing)} ontbreekt de samenstelling van de huishoudens in de gebruikte "
            "CBS-bestanden (het extract van tabel 71486ned is afgekapt); waar een totaal staat, komt "
            "dat uit de gemeentecijfers bij de wijk- en buurtkaart."
        )


def _household_table(report: Report, hh: pd.DataFrame, years: list[str]) -> pd.DataFrame:
    """One row per member and household type, one column per year; the member column only in a
    report of more than one gemeente."""
    rows = []
    for code in report.members:
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


def _one_person_shares(report: Report, hh: pd.DataFrame) -> list[str]:
    """Per member: one-person households as a share of all, in the latest year that has both."""
    shares = []
    for code in report.members:
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
