"""The progress engine on the goals of the Heemskerk plan (seed 003, 'Doelstellingen' tables).

Every goal below is the plan's own sentence with its own numbers; the measurement series are
realistic continuations (the plan was written in 2024), chosen so that each status occurs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from tussenstand.goals import parse_goal
from tussenstand.periods import parse_period
from tussenstand.progress import (
    STATUS_RULES_NL,
    SUMMARY_COLUMNS,
    Status,
    assess_goal,
    assess_goals,
    format_value,
)

GOALS_YAML = """
- id: ZW-1
  theme: zorg-en-wonen
  text: "In 2027 is het gemiddelde aantal nachten in de daklozenvoorziening, gedurende de gehele
    opvangperiode, afgenomen met 20% ten opzichte van 244 nachten in 2023."
  result_area: "Afname verblijfsduur in daklozenvoorziening"
  indicator: "Gemiddeld aantal nachten in de daklozenvoorziening per opvangperiode"
  unit: nachten
  baseline: {value: 244, period: 2023}
  target: {kind: change, percent: -20}
  target_period: 2027
  direction: down
  measurement: {source: "Registraties BCT", frequency: "1X per jaar"}

- id: ZW-4
  theme: zorg-en-wonen
  text: "In 2027 zijn de jaarlijkse gemiddelde Wmo-maatwerkkosten per gebruiker maximaal met 9%
    toegenomen ten opzichte van € 2.864 in 2023."
  result_area: "Gemiddelde kosten van Wmo-maatwerk stabiliseren"
  indicator: "Gemiddelde Wmo-maatwerkkosten per gebruiker"
  unit: euro
  baseline: {value: 2864, period: 2023}
  target: {kind: change, percent: 9, comparison: at_most}
  target_period: 2027
  direction: stable
  measurement: {source: Basisregistratie, frequency: "2X per jaar"}

- id: ZW-5
  theme: zorg-en-wonen
  text: "In 2027 is het aantal gebruikers van Wmo-maatwerkvoorzieningen per 1.000 inwoners gelijk
    op het niveau van 79,91 in 2023."
  indicator: "Gebruikers van Wmo-maatwerkvoorzieningen per 1.000 inwoners"
  unit: "per 1.000 inwoners"
  baseline: {value: 79.91, period: 2023}
  target: {kind: stay}
  target_period: 2027
  direction: stable
  measurement: {source: Basisregistratie, frequency: "2X per jaar"}

- id: OZ-3
  theme: opgroeien-en-zelfontplooiing
  text: "In 2027 is het aantal jeugdigen (per 1.000 jeugdigen tot 18) met specialistische jeugdhulp
    gelijk of lager dan het aantal jeugdigen met specialistische jeugdhulp ten opzichte van 141 in 2023."
  indicator: "Jeugdigen met specialistische jeugdhulp per 1.000 jeugdigen tot 18 jaar"
  unit: "per 1.000 jeugdigen"
  baseline: {value: 141, period: 2023}
  target: {kind: stay, comparison: at_most}
  target_period: 2027
  direction: down
  measurement: {source: Basisadministratie, frequency: "1X per jaar"}

- id: OZ-6
  theme: opgroeien-en-zelfontplooiing
  text: "In het schooljaar 2026-2027 is het aantal nieuwe vroegtijdig schoolverlaters 10% lager dan
    x* in 2023-2024."
  indicator: "Nieuwe vroegtijdig schoolverlaters"
  unit: aantal
  baseline: {status: pending, period: "2023-2024",
             note: "De cijfers over het schooljaar 2023-2024 komen in het najaar 2024 beschikbaar."}
  target: {kind: change, percent: -10}
  target_period: "2026-2027"
  direction: down
  measurement: {source: "Jaarverslag Leerplein", frequency: "1x per schooljaar"}

- id: VW-1
  theme: vitaal-en-weerbaar
  text: "In 2027 voldoet minstens 60% van de volwassenen en ouderen aan de beweegrichtlijnen ten
    opzichte van 56% in 2020."
  indicator: "Volwassenen en ouderen die voldoen aan de beweegrichtlijnen"
  unit: "%"
  baseline: {value: 56, period: 2020}
  target: {kind: level, value: 60}
  target_period: 2027
  direction: up
  measurement: {source: "GGD Gezondheidsmonitor", frequency: "1X per 4 jaar"}

- id: VW-4
  theme: vitaal-en-weerbaar
  text: "In 2027 is er een absolute afname van 5% naar 46% van volwassenen en oudere inwoners met
    overgewicht ten opzichte van 51% in 2020."
  indicator: "Volwassenen en ouderen met overgewicht"
  unit: "%"
  baseline: {value: 51, period: 2020}
  target: {kind: level, value: 46}
  target_period: 2027
  direction: down
  measurement: {source: "GGD Gezondheidsmonitor volwassenen", frequency: "1X per 4 jaar"}

- id: FF-1
  theme: financieel-fit
  text: "In 2027 is het aantal toekenningen van minimaregelingen gestegen met 10% ten opzichte van
    5.377 in 2023."
  indicator: "Toekenningen van minimaregelingen"
  unit: aantal
  baseline: {value: 5377, period: 2023}
  target: {kind: change, percent: 10}
  target_period: 2027
  direction: up
  measurement: {source: Suite4SD, frequency: "2X per jaar"}

- id: FF-3
  theme: financieel-fit
  text: "In 2027 hebben maximaal 1.100 huishoudens problematische schulden ten opzichte van 1.240
    in 2023."
  indicator: "Huishoudens met problematische schulden"
  unit: huishoudens
  baseline: {value: 1240, period: 2023}
  target: {kind: level, value: 1100}
  target_period: 2027
  direction: down
  measurement: {source: "Schuldenproblematiek in beeld (cbs.nl)", frequency: "1X per jaar"}

- id: OO-2
  theme: ontmoeten-en-omzien
  text: "In 2027 is er in elke wijk minimaal één openbare ontmoetingsplek met een activiteitenaanbod
    en een inloopfunctie voor inwoners met een ontmoetingsbehoefte."
  indicator: "Openbare ontmoetingsplekken met activiteitenaanbod per wijk"
  unit: aantal
  target: {kind: every_district, value: 1}
  target_period: 2027
  direction: up
  measurement: {source: Tellen, frequency: "1X per jaar",
                districts: [Centrum, Noord, Zuid, Oost]}

- id: OO-3
  theme: ontmoeten-en-omzien
  text: "In 2027 worden in elke wijk minimaal vijf bewonersinitiatieven via het wijkplatform
    gepubliceerd (geen 0-meting)."
  indicator: "Bewonersinitiatieven op het wijkplatform per wijk"
  unit: aantal per wijk
  target: {kind: every_district, value: 5}
  target_period: 2027
  direction: up
  measurement: {source: Wijkplatform, frequency: "1X per jaar"}

- id: OO-4
  theme: ontmoeten-en-omzien
  text: "Tot 2027 stijgt het percentage inwoners dat deelneemt aan het wijkplatform met minimaal 10%
    per jaar (geen 0-meting)."
  indicator: "Inwoners die deelnemen aan het wijkplatform"
  unit: "%"
  target: {kind: growth_per_year, percent: 10}
  target_period: 2027
  direction: up
  measurement: {source: Wijkplatform, frequency: "1X per jaar"}

- id: OO-5
  theme: ontmoeten-en-omzien
  text: "In 2027 is het percentage inwoners per wijk dat eenzaamheid ervaart maximaal 45% ten
    opzichte van 48,1% in 2022."
  indicator: "Inwoners die eenzaamheid ervaren, per wijk"
  unit: "%"
  baseline: {value: 48.1, period: 2022}
  target: {kind: every_district, value: 45}
  target_period: 2027
  direction: down
  measurement: {source: "GGD gezondheidsmonitor", frequency: "1X per 4 jaar"}
"""

GOALS = {g["id"]: parse_goal(g, "heemskerk.yaml") for g in yaml.safe_load(GOALS_YAML)}


def series(*rows: tuple, illustrative: bool = False, provisional: bool = False) -> pd.DataFrame:
    """Tidy rows (periode, waarde[, gebied]) as the cleaning stage writes them."""
    frame = pd.DataFrame(
        [(r[0], float(r[1]), r[2] if len(r) > 2 else "") for r in rows],
        columns=["periode", "waarde", "gebied"],
    )
    frame["illustratief"] = illustrative
    frame["voorlopig"] = provisional
    return frame


# ----- 20% fewer nights (relative change, lower is better) ---------------------------------------
def test_fewer_nights_on_course_with_resolved_target_and_straight_path():
    a = assess_goal(GOALS["ZW-1"], series(("2024", 230), ("2025", 214)), "2025")
    assert a.target_value == pytest.approx(195.2)
    assert a.comparison == "at_most"
    # end of 2023 -> end of 2027; end of 2025 is halfway: 244 - 48,8 / 2
    assert a.expected_value == pytest.approx(219.6)
    assert a.latest_value == 214 and a.latest_period == parse_period("2025")
    assert a.share_covered == pytest.approx(30 / 48.8)
    assert a.status is Status.OP_KOERS
    assert "195,2 nachten" in a.explanation_nl and "219,6 nachten" in a.explanation_nl
    assert a.explanation_nl.startswith("Op koers")


def test_fewer_nights_wrong_direction():
    a = assess_goal(GOALS["ZW-1"], series(("2024", 250), ("2025", 262)), "2025")
    assert a.status is Status.VERKEERDE_RICHTING
    assert a.share_covered < 0
    assert a.projection > 244 and a.projection_meets_target is False


def test_fewer_nights_behind_and_reached():
    behind = assess_goal(GOALS["ZW-1"], series(("2024", 240), ("2025", 230)), "2025")
    assert behind.status is Status.ACHTER_OP_SCHEMA
    reached = assess_goal(
        GOALS["ZW-1"], series(("2024", 230), ("2025", 214), ("2026", 190)), "2026"
    )
    assert reached.status is Status.BEREIKT
    assert reached.share_covered > 1


def test_only_measurements_known_at_the_report_period_count():
    data = series(("2024", 230), ("2025", 214), ("2026", 300))
    a = assess_goal(GOALS["ZW-1"], data, "2025-H2")
    assert a.latest_period == parse_period("2025") and a.status is Status.OP_KOERS
    # half a year later: the path moved on, but the latest measurement is judged at its own time
    later = assess_goal(GOALS["ZW-1"], data.iloc[:2], "2026-H1")
    assert later.expected_value < 219.6
    assert later.expected_at_latest == pytest.approx(219.6)
    assert later.status is Status.OP_KOERS


def test_missing_values_are_ignored_and_no_measurement_after_baseline():
    data = series(("2023", 244), ("2024", 230))
    data.loc[1, "waarde"] = math.nan
    a = assess_goal(GOALS["ZW-1"], data, "2025")
    assert a.status is Status.GEEN_METING
    assert a.latest_value is None and a.baseline_value == 244
    assert "nog geen nieuwe meting" in a.explanation_nl
    assert assess_goal(GOALS["ZW-1"], None, "2025").status is Status.GEEN_METING


# ----- ceiling on growth: costs may rise at most 9% ----------------------------------------------
def test_cost_ceiling_resolves_and_judges_against_the_rising_ceiling():
    goal = GOALS["ZW-4"]
    on_course = assess_goal(goal, series(("2024-H1", 2890), ("2024-H2", 2920)), "2024-H2")
    assert on_course.target_value == pytest.approx(3121.76)  # 2.864 + 9%
    assert on_course.comparison == "at_most"
    # a quarter of the way (end 2023 -> end 2027): 2.864 + 257,76 / 4
    assert on_course.expected_value == pytest.approx(2928.44)
    assert on_course.status is Status.OP_KOERS
    assert "€\u00a03.121,76" in on_course.explanation_nl  # as in the tables: Babel, no-break space

    faster = assess_goal(goal, series(("2024-H1", 2900), ("2024-H2", 2960)), "2024-H2")
    assert faster.status is Status.ACHTER_OP_SCHEMA
    assert "sneller dan de lijn naar het plafond" in faster.explanation_nl

    over = assess_goal(goal, series(("2024-H2", 2960), ("2025-H1", 3150)), "2025-H1")
    assert over.status is Status.VERKEERDE_RICHTING

    held = assess_goal(goal, series(("2025-H2", 3000), ("2027-H2", 3100)), "2027-H2")
    assert held.status is Status.BEREIKT


# ----- staying at a level -----------------------------------------------------------------------
def test_stay_at_level_with_default_margin():
    goal = GOALS["ZW-5"]
    within = assess_goal(goal, series(("2024-H1", 79.2), ("2024-H2", 80.6)), "2024-H2")
    assert within.target_value == pytest.approx(79.91)
    assert within.expected_value == pytest.approx(79.91)
    assert within.comparison == "equal"
    assert within.status is Status.OP_KOERS  # 80,6 is within 2% of 79,91
    assert within.share_covered is None  # nothing to cover when the target is the baseline

    away = assess_goal(goal, series(("2024-H2", 80.6), ("2025-H1", 82.1)), "2025-H1")
    assert away.status is Status.VERKEERDE_RICHTING  # 82,1 is 2,7% above

    at_target = assess_goal(goal, series(("2026-H2", 81.0), ("2027-H1", 80.3)), "2027-H1")
    assert at_target.status is Status.BEREIKT  # a measurement in the target year holds the level


def test_equal_or_lower_has_no_margin():
    goal = GOALS["OZ-3"]
    assert assess_goal(goal, series(("2024", 138)), "2024").status is Status.OP_KOERS
    worse = assess_goal(goal, series(("2024", 138), ("2025", 143)), "2025")
    assert worse.target_value == 141
    assert worse.status is Status.VERKEERDE_RICHTING


# ----- baseline still pending, school years -------------------------------------------------------
def test_pending_baseline_school_years():
    goal = GOALS["OZ-6"]
    nothing = assess_goal(goal, series(("2022-2023", 31)), "2025")  # before the baseline year
    assert nothing.status is Status.NULMETING_ONTBREEKT
    assert nothing.target_value is None
    assert "x*" in nothing.explanation_nl and "schooljaar 2023-2024" in nothing.explanation_nl

    first = assess_goal(goal, series(("2023/2024", 28)), "2025")
    assert first.status is Status.NOG_NIET_TE_BEOORDELEN
    assert first.baseline_value == 28 and first.baseline_source == "plan_pending"
    assert first.target_value == pytest.approx(25.2)

    data = series(("2023/2024", 28), ("2024/2025", 26.5))
    second = assess_goal(goal, data, "2025")
    # one of three school years (31-07-2024 -> 31-07-2027) gone: 28 - 2,8 / 3
    assert second.expected_at_latest == pytest.approx(28 - 2.8 / 3, abs=0.01)
    assert second.status is Status.OP_KOERS
    assert "geldt als nulmeting" in second.explanation_nl
    # the school year 2024-2025 ends on 31 July 2025: not yet known in the first half of 2025
    assert assess_goal(goal, data, "2025-H1").status is Status.NOG_NIET_TE_BEOORDELEN


def test_a_later_measurement_does_not_stand_in_for_a_pending_baseline():
    """'10% lower than x* in 2023-2024': a figure over 2024-2025 is shown, but not used as baseline."""
    later = assess_goal(GOALS["OZ-6"], series(("2024/2025", 38)), "2026-H1")
    assert later.status is Status.NULMETING_ONTBREEKT
    assert later.target_value is None and later.baseline_value is None
    assert later.latest_value == 38 and later.latest_period.code == "2024/2025"
    assert "vervangt de nulmeting niet" in later.explanation_nl


# ----- measured once every four years -------------------------------------------------------------
def test_four_yearly_health_monitor_is_judged_at_its_own_year():
    a = assess_goal(GOALS["VW-1"], series(("2024", 57.5)), "2026-H2")
    # path 56% (end 2020) -> 60% (end 2027); the 2024 measurement is compared with end 2024
    assert a.expected_at_latest == pytest.approx(56 + 4 * 4 / 7, abs=0.01)
    assert a.expected_value == pytest.approx(56 + 4 * 6 / 7, abs=0.01)
    assert a.status is Status.ACHTER_OP_SCHEMA
    assert a.months_since_latest == 24
    assert "laatste meting is van 2024" in a.explanation_nl and "1x per 4 jaar" in a.explanation_nl

    overweight = assess_goal(GOALS["VW-4"], series(("2024", 47.0)), "2026-H2")
    assert overweight.target_value == 46 and overweight.comparison == "at_most"
    assert overweight.status is Status.OP_KOERS  # 47 below the line value 48,14


# ----- relative rise and absolute level ----------------------------------------------------------
def test_minimaregelingen_rise_ten_percent_with_projection():
    data = series(("2024-H1", 5450), ("2024-H2", 5600), ("2025-H1", 5700))
    a = assess_goal(GOALS["FF-1"], data, "2025-H1")
    assert a.target_value == pytest.approx(5914.7)
    # end 2023 -> end 2027; the first half of 2025 ends 1 + 181/365 years after the start
    assert a.expected_value == pytest.approx(5377 + 537.7 * (1 + 181 / 365) / 4)
    assert a.status is Status.OP_KOERS
    xs = [parse_period(p).decimal_year() for p in ("2023", "2024-H1", "2024-H2", "2025-H1")]
    slope, intercept = np.polyfit(xs, [5377, 5450, 5600, 5700], 1)
    assert a.projection == pytest.approx(slope * 2028.0 + intercept)
    assert a.projection_meets_target is True
    assert "5.914,7" in a.explanation_nl


def test_debts_absolute_level():
    goal = GOALS["FF-3"]
    on_course = assess_goal(goal, series(("2024", 1200), ("2025", 1150)), "2025")
    assert on_course.target_value == 1100
    assert on_course.expected_value == pytest.approx(1170)
    assert on_course.status is Status.OP_KOERS
    assert "hoogstens 1.100 huishoudens" in on_course.explanation_nl
    reached = assess_goal(goal, series(("2024", 1200), ("2025", 1150), ("2026", 1080)), "2026")
    assert reached.status is Status.BEREIKT


# ----- growth per year without a baseline --------------------------------------------------------
def test_growth_per_year_starts_at_first_measurement():
    goal = GOALS["OO-4"]
    one = assess_goal(goal, series(("2024", 4.0)), "2024")
    assert one.status is Status.NOG_NIET_TE_BEOORDELEN
    assert one.target_value == pytest.approx(4.0 * 1.1**3)

    a = assess_goal(goal, series(("2024", 4.0), ("2025", 4.5)), "2025")
    assert a.baseline_source == "first_measurement" and a.baseline_value == 4.0
    assert a.expected_at_latest == pytest.approx(4.4)  # one year of 10% growth
    assert a.status is Status.OP_KOERS
    assert "geen nulmeting" in a.explanation_nl and "eerste meting" in a.explanation_nl

    assert (
        assess_goal(goal, series(("2024", 4.0), ("2025", 4.2)), "2025").status
        is Status.ACHTER_OP_SCHEMA
    )
    assert (
        assess_goal(goal, series(("2024", 4.0), ("2025", 3.8)), "2025").status
        is Status.VERKEERDE_RICHTING
    )


# ----- per district ----------------------------------------------------------------------------
def test_meeting_place_in_every_district():
    goal = GOALS["OO-2"]
    first = series(
        ("2024", 1, "Centrum"), ("2024", 2, "Noord"), ("2024", 0, "Zuid"), ("2024", 1, "Oost")
    )
    a = assess_goal(goal, first, "2024")
    assert a.status is Status.NOG_NIET_TE_BEOORDELEN  # Zuid has none yet, and only one count
    assert {d.district: d.meets for d in a.districts} == {
        "Centrum": True,
        "Noord": True,
        "Zuid": False,
        "Oost": True,
    }
    assert a.share_covered == pytest.approx(0.75)
    assert a.latest_value == 0  # the weakest district
    assert "3 van de 4 wijken" in a.explanation_nl

    both = pd.concat(
        [
            first,
            series(
                ("2025", 1, "Centrum"),
                ("2025", 2, "Noord"),
                ("2025", 1, "Zuid"),
                ("2025", 1, "Oost"),
            ),
        ]
    )
    assert assess_goal(goal, both, "2025").status is Status.BEREIKT
    # a listed district without any count cannot be called reached
    no_oost = both[both["gebied"] != "Oost"]
    missing = assess_goal(goal, no_oost, "2025")
    assert missing.status is Status.GEEN_METING
    assert [d.district for d in missing.districts if d.status is Status.GEEN_METING] == ["Oost"]


def test_resident_initiatives_worst_district_decides():
    goal = GOALS["OO-3"]  # districts come from the data
    data = series(
        ("2024", 3, "Noord"),
        ("2024", 6, "Zuid"),
        ("2024", 2, "Centrum"),
        ("2025", 4, "Noord"),
        ("2025", 7, "Zuid"),
        ("2025", 1, "Centrum"),
    )
    a = assess_goal(goal, data, "2025")
    by = {d.district: d for d in a.districts}
    assert by["Zuid"].status is Status.BEREIKT
    assert by["Noord"].status is Status.OP_KOERS  # 3 -> 5 over three years: 3,67 expected in 2025
    assert by["Noord"].expected_value == pytest.approx(3 + 2 / 3)
    assert by["Centrum"].status is Status.VERKEERDE_RICHTING
    assert a.status is Status.VERKEERDE_RICHTING
    assert a.target_value == 5
    assert "Centrum (1)" in a.explanation_nl


def test_loneliness_per_district_against_plan_baseline():
    goal = GOALS["OO-5"]
    data = series(("2024", 44.0, "Noord"), ("2024", 46.5, "Zuid"), ("2024", 47.0, "Centrum"))
    a = assess_goal(goal, data, "2026")
    by = {d.district: d.status for d in a.districts}
    # path 48,1% (end 2022) -> 45% (end 2027): 46,86% at end 2024
    assert by == {
        "Centrum": Status.ACHTER_OP_SCHEMA,
        "Noord": Status.BEREIKT,
        "Zuid": Status.OP_KOERS,
    }
    assert a.status is Status.ACHTER_OP_SCHEMA
    assert a.latest_value == 47.0  # the weakest district for an upper limit
    assert a.expected_value == pytest.approx(48.1 - 3.1 * 4 / 5, abs=0.01)


def test_district_goal_without_district_rows():
    a = assess_goal(GOALS["OO-3"], series(("2024", 4)), "2024")
    assert a.status is Status.GEEN_METING
    assert "per wijk" in a.explanation_nl


# ----- flags, errors, table, rules text ----------------------------------------------------------
def test_illustrative_and_provisional_are_reported():
    a = assess_goal(
        GOALS["FF-3"], series(("2024", 1200), illustrative=True, provisional=True), "2024"
    )
    assert a.illustrative and a.latest_provisional
    assert "illustratieve cijfers" in a.explanation_nl and "voorlopig" in a.explanation_nl


def test_bad_measurements_give_clear_errors():
    with pytest.raises(ValueError, match=r"ZW-1.*rij 1.*periode.*'2024x'"):
        assess_goal(GOALS["ZW-1"], series(("2024", 230), ("2024x", 214)), "2025")
    with pytest.raises(ValueError, match=r"meer dan één waarde voor periode 2024"):
        assess_goal(GOALS["ZW-1"], series(("2024", 230), ("2024", 214)), "2025")
    with pytest.raises(ValueError, match=r"kolom\(men\) waarde"):
        assess_goal(GOALS["ZW-1"], pd.DataFrame({"periode": ["2024"]}), "2025")
    frame = series(("2024", 230)).astype({"waarde": object})
    frame.loc[0, "waarde"] = "veel"
    with pytest.raises(ValueError, match=r"rij 0, kolom waarde"):
        assess_goal(GOALS["ZW-1"], frame, "2025")


def test_assess_goals_summary_table_from_tidy_frame():
    tidy = pd.concat(
        [
            series(("2024", 230), ("2025", 214)).assign(indicator="reg_ZW-1"),
            series(("2024", 1200), ("2025", 1300)).assign(indicator="reg_FF-3"),
        ],
        ignore_index=True,
    )
    goals = [GOALS["ZW-1"], GOALS["FF-3"], GOALS["VW-1"]]
    table = assess_goals(goals, tidy, "2025")
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert list(table["doel"]) == ["ZW-1", "FF-3", "VW-1"]
    assert list(table["status"].astype(str)) == ["op koers", "verkeerde richting", "geen meting"]
    assert table["status"].cat.ordered
    assert table.sort_values("status")["doel"].tolist() == ["ZW-1", "FF-3", "VW-1"]
    assert table.loc[0, "doelwaarde"] == pytest.approx(195.2)
    assert table.loc[0, "vergelijking"] == "hoogstens"
    assert table.loc[2, "nulmeting_periode"] == "2020"
    same = assess_goals(goals, {"reg_ZW-1": tidy[tidy["indicator"] == "reg_ZW-1"]}, "2025")
    assert same.loc[0, "toelichting"] == table.loc[0, "toelichting"]
    with pytest.raises(ValueError, match="indicator"):
        assess_goals(goals, tidy.drop(columns="indicator"), "2025")


def test_status_labels_order_and_rules_text():
    assert [s.label for s in Status.ordered()] == [
        "bereikt",
        "op koers",
        "achter op schema",
        "verkeerde richting",
        "nog niet te beoordelen",
        "nulmeting ontbreekt",
        "geen meting",
    ]
    assert sorted(Status, key=lambda s: s.order)[0] is Status.BEREIKT
    for words in (
        "Bereikt",
        "Op koers",
        "Achter op schema",
        "Verkeerde richting",
        "Nulmeting ontbreekt",
        "Geen meting",
        "rechte lijn",
        "vier jaar",
        "elke wijk",
        "Gelijk blijven",
        "plafond",
        "195,2",
        "€ 3.121,76",
        "eerste meting",
    ):
        assert words in STATUS_RULES_NL, words


def test_format_value_dutch():
    assert format_value(13601.04, "euro") == "€\u00a013.601,04"
    assert format_value(45128079, "euro") == "€\u00a045.128.079"
    assert format_value(58.2857, "%") == "58,3%"  # the tables' rounding, also in the explanation
    assert format_value(640, "aantal per 10.000 inwoners") == "640 per 10.000 inwoners"
    assert format_value(23.7, "%") == "23,7%"
    assert format_value(39450, "aantal") == "39.450"
    assert format_value(195.2, "nachten") == "195,2 nachten"
    assert format_value(None, "%") == "onbekend"


def test_every_goal_of_the_encoded_heemskerk_plan(project_root):
    """The engine handles every goal of the real framework file, with no data and at the target."""
    from tussenstand.frameworks import load_framework

    framework = load_framework(project_root / "data" / "raw" / "kaders" / "heemskerk.yaml")
    assert len(framework.goals) >= 20
    by_id = {g.id: g for g in framework.goals}
    for goal in framework.goals:
        empty = assess_goal(goal, None, "2025")
        expected = (
            Status.NULMETING_ONTBREEKT if goal.baseline_status == "pending" else Status.GEEN_METING
        )
        assert empty.status is expected, goal.id
        assert empty.explanation_nl.startswith(expected.label.capitalize()), goal.id
        if goal.target.kind in ("every_district", "growth_per_year") or empty.target_value is None:
            continue
        at_target = assess_goal(goal, series(("2027", empty.target_value)), "2027")
        assert at_target.status is Status.BEREIKT, goal.id
    assert assess_goal(by_id["ZW-1"], None, "2025").target_value == pytest.approx(195.2)
    assert assess_goal(by_id["ZW-4"], None, "2025").target_value == pytest.approx(3121.76)
    assert assess_goal(by_id["FF-1"], None, "2025").target_value == pytest.approx(5914.7)


def test_level_already_met_at_the_start_is_a_bound_not_a_path():
    goal = parse_goal(
        {**yaml.safe_load(GOALS_YAML)[5], "id": "VW-X", "baseline": {"value": 62, "period": 2020}}
    )  # 'minstens 60%' while the start was already 62%
    a = assess_goal(goal, series(("2024", 60.5)), "2024")
    assert a.expected_value == 60 and a.expected_at_latest == 60
    assert a.status is Status.OP_KOERS  # above the minimum, before the target year
    assert assess_goal(goal, series(("2024", 59.0)), "2024").status is Status.VERKEERDE_RICHTING
    assert assess_goal(goal, series(("2027", 61.0)), "2027").status is Status.BEREIKT
