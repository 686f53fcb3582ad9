"""Population, age groups and households: CBS tables, geo files and the Heemskerk plan figures."""

from __future__ import annotations

import pytest

from tussenstand.sources.demographics import (
    UNIT_ROUNDED_PCT,
    DemographicsError,
    geo_series,
    households,
    inhabitants,
    plan_households,
    plan_population_by_age,
    population_by_age,
    read_plan_figures,
)


@pytest.fixture
def plan_file(project_root):
    return project_root / "data" / "raw" / "plancijfers" / "heemskerk_demografie.csv"


def test_plan_65plus_shares(plan_file):
    df = plan_population_by_age(plan_file)
    share = df[df["leeftijd"] == "65plus"].set_index("jaar")["aandeel"]
    assert round(share[2018], 1) == 21.6
    assert round(share[2024], 1) == 23.7
    assert round(share[2030], 1) == 25.8
    assert df.groupby("jaar")["aantal"].sum().to_dict() == {2018: 39145, 2024: 39452, 2030: 40000}
    assert df.set_index("jaar")["prognose"].groupby(level=0).all().to_dict() == {
        2018: False, 2024: False, 2030: True}
    assert df["bron"].str.contains("Beleidsplan Sociaal domein 2024 en verder").all()


def test_plan_households_add_up(plan_file):
    hh = plan_households(plan_file).pivot(index="jaar", columns="type", values="aantal")
    assert hh.loc[2030, "paar_met_kinderen"] == 4700
    assert hh["paar_zonder_kinderen"].tolist() == [5245, 5320, 5400]
    parts = hh["paar_met_kinderen"] + hh["paar_zonder_kinderen"] + hh["eenouder"]
    assert (abs(parts - hh["meerpersoons"]) <= 5).all()


def test_heemskerk_inhabitants_from_geo(cbs_dir):
    inw = inhabitants(cbs_dir, "GM0396").set_index("jaar")["inwoners"]
    assert inw[2018] == 39146
    assert inw[2024] == 39452
    assert "GM0998" not in set(inhabitants(cbs_dir)["gemeente"])


def test_geo_shares_are_flagged_as_rounded(cbs_dir):
    df = population_by_age(cbs_dir, "GM0396")
    geo = df[df["jaar"] == 2024].set_index("leeftijd")
    assert geo.loc["65plus", "aandeel"] == 24 and geo["aandeel_afgerond"].all()
    old = df[df["jaar"] == 1999].set_index("leeftijd")
    assert old.loc["65plus", "aantal"] == 5020 and not old["aandeel_afgerond"].any()
    assert old.loc["65plus", "aandeel"] == pytest.approx(5020 / 35710 * 100)
    series = geo_series(cbs_dir)
    assert (series.loc[series["indicator"] == "aandeel_65plus", "eenheid"] == UNIT_ROUNDED_PCT).all()


def test_households_from_cbs_table(cbs_dir):
    hh = households(cbs_dir, "GM0396")
    y2018 = hh[hh["jaar"] == 2018].set_index("type")["aantal"]
    assert y2018["eenpersoons"] == 5780
    assert y2018["paar_zonder_kinderen"] == 5245  # the figure the plan's OCR garbled
    assert y2018["eenouder"] == 1404
    assert y2018["totaal"] == 17282


def test_bad_plan_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("gemeente;gemeente_naam;onderwerp;categorie;jaar;waarde;prognose;bron\n"
                    "GM0396;Heemskerk;leeftijd;65plus;2018;8,4;nee;plan\n", encoding="utf-8")
    with pytest.raises(DemographicsError, match="regel 2, kolom waarde"):
        read_plan_figures(path)
