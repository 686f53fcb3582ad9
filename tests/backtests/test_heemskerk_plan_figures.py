"""Backtests: the report reproduces what the Heemskerk plan (seed 003) itself publishes.

Ground truth is the plan's own text: the share of 65-plussers (21,6% in 2018, 23,7% in 2024,
25,8% prognosis 2030, par. 3.1), the budget per 'maatschappelijke opgave' (par. 3.3, total
EUR 45.128.079) and the inhabitants on 1 January 2018 and 2024 (39.145 and 39.450 in the plan,
rounded; CBS gives 39.146 and 39.452).
"""

from __future__ import annotations

from unittest import mock

import pytest

from tussenstand import report as rapport
from tussenstand.cleaning import clean

PLAN_65PLUS = {"2018": "21,6%", "2024": "23,7%", "2030": "25,8%"}
PLAN_BUDGET = {
    "Vitaal en weerbaar": 1_874_008,
    "Zorg en wonen": 12_476_129,
    "Opgroeien en zelfontplooiing": 14_984_774,
    "Financieel fit": 11_440_518,
    "Ontmoeten en omzien naar elkaar": 4_352_650,
}


@pytest.fixture(scope="module")
def heemskerk(project_root, cbs_dir, tmp_path_factory):
    clean("GM0396", "2026-H1", project_root=project_root, cbs_dir=cbs_dir)
    out = tmp_path_factory.mktemp("rapport")
    return rapport.open_report(
        "GM0396", "2026-H1", project_root=project_root, cbs_dir=cbs_dir, output_dir=out
    )


def shown_text(function, report) -> str:
    """Everything a chapter function displays as text (charts are saved but not displayed)."""
    texts: list[str] = []
    with (
        mock.patch(
            "tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)
        ),
        mock.patch("tussenstand.charts.show_chart"),
    ):
        function(report)
    return "\n".join(texts)


def test_share_of_65_plus_as_the_plan_publishes_it(heemskerk):
    text = shown_text(rapport.show_demography, heemskerk)
    for year, share in PLAN_65PLUS.items():
        assert f"{share} ({'prognose ' if year == '2030' else ''}{year})" in text


def test_inhabitants_match_cbs_and_the_plan_within_rounding(heemskerk):
    data = heemskerk.published
    inh = data[(data["gemeente"] == "GM0396") & (data["indicator"] == "inwoners")].set_index(
        "periode"
    )["waarde"]
    assert inh["2024"] == 39452 and abs(inh["2024"] - 39450) <= 5
    assert inh["2018"] == 39146 and abs(inh["2018"] - 39145) <= 5
    text = shown_text(rapport.show_demography, heemskerk)
    assert "op 1 januari 2024 39.452 inwoners" in text
    assert "0,8% meer dan in 2018 (39.146)" in text


def test_budget_per_opgave_and_shares(heemskerk):
    text = shown_text(rapport.show_finances, heemskerk)
    total = sum(PLAN_BUDGET.values())
    assert total == 45_128_079
    assert "**€\u00a045.128.079**" in text
    for name, amount in PLAN_BUDGET.items():
        share = f"{amount / total * 100:.1f}".replace(".", ",") + "%"
        amount_text = f"€\u00a0{amount:,}".replace(",", ".")
        assert f"| {name} | {amount_text} | {share} |" in text
    csv = (heemskerk.figures_dir / "budget-per-thema.csv").read_text(encoding="utf-8-sig")
    assert "4352650" in csv and "Ontmoeten en omzien naar elkaar" in csv


def test_every_goal_of_the_plan_is_in_the_summary_table(heemskerk):
    table = rapport.goals_table(heemskerk)
    assert len(table) == 28
    ids = table["Doel"].str.split(":").str[0]
    assert ids.tolist()[:5] == ["VW-1", "VW-2", "VW-3", "VW-4", "VW-5"]
    assert (
        table["Doel"].iloc[0] == "VW-1: Volwassenen en ouderen die voldoen aan de beweegrichtlijnen"
    )
    zw1 = table[ids == "ZW-1"].iloc[0]
    assert zw1["Nulmeting"] == "244 (2023)"
    assert zw1["Streefwaarde"] == "hoogstens 195,2 (2027)"
    oz6 = table[ids == "OZ-6"].iloc[0]
    assert oz6["Streefwaarde"].endswith("(schooljaar 2026-2027)")
    assert sum(rapport.status_counts(heemskerk).values()) == 28


def test_wmo_bbv_indicator_is_per_10000_as_cbs_per_1000_times_ten(heemskerk, cbs_dir):
    import pandas as pd

    raw = pd.read_csv(cbs_dir / "86050NED.csv", sep=";", encoding="utf-8-sig", dtype=str)
    row = raw[
        (raw["RegioS"].str.strip() == "Heemskerk")
        & (raw["Perioden"].str.strip() == "2023")
        & (raw["TypeMaatwerkvoorziening"].str.strip() == "Totaal")
    ].iloc[0]
    per_1000 = float(row["WmoClientenPer1000Inwoners_2"])
    data = heemskerk.published
    value = data[
        (data["gemeente"] == "GM0396")
        & (data["indicator"] == "wmo_clienten_per_10000")
        & (data["periode"] == "2023")
    ]["waarde"].iloc[0]
    assert value == pytest.approx(per_1000 * 10)
