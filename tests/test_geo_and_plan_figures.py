"""Population, age groups and households: the geo files, the national series and the Heemskerk
plan figures, against figures read by hand."""

from __future__ import annotations

import pytest

from tussenstand.sources.cbs_national import build_national_series
from tussenstand.sources.geo import UNIT_ROUNDED_PCT, geo_series, read_geo
from tussenstand.sources.plan_figures import (
    PlanFiguresError,
    plan_households,
    plan_population_by_age,
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
        2018: False,
        2024: False,
        2030: True,
    }
    assert df["bron"].str.contains("Beleidsplan Sociaal domein 2024 en verder").all()


def test_plan_households_add_up(plan_file):
    hh = plan_households(plan_file).pivot(index="jaar", columns="type", values="aantal")
    assert hh.loc[2030, "paar_met_kinderen"] == 4700
    assert hh["paar_zonder_kinderen"].tolist() == [5245, 5320, 5400]
    parts = hh["paar_met_kinderen"] + hh["paar_zonder_kinderen"] + hh["eenouder"]
    assert (abs(parts - hh["meerpersoons"]) <= 5).all()


def test_heemskerk_inhabitants_from_geo(cbs_dir):
    geo = read_geo(cbs_dir)
    inw = geo[geo["gemeente"] == "GM0396"].set_index("jaar")["inwoners"]
    assert inw[2018] == 39146
    assert inw[2024] == 39452
    assert "GM0998" not in set(geo["gemeente"])


@pytest.fixture(scope="module")
def national(cbs_dir):
    return build_national_series(cbs_dir)


def _value(df, gemeente, indicator, periode):
    row = df[
        (df["gemeente"] == gemeente) & (df["indicator"] == indicator) & (df["periode"] == periode)
    ]
    assert len(row) == 1, (gemeente, indicator, periode)
    return row.iloc[0]


def test_geo_shares_are_flagged_as_rounded_and_80860_shares_are_exact(cbs_dir, national):
    # geo 2018, Heemskerk: '65plus': 22 (whole percents, read from the GeoJSON)
    share = _value(national, "GM0396", "aandeel_65plus", "2018")
    assert share["waarde"] == 22 and share["eenheid"] == UNIT_ROUNDED_PCT
    # 2024: the exact share from the counts in 85383NED wins over the geo file's rounded 24:
    # 39.452 inhabitants, 30.103 younger than 65 (read from the CSV)
    exact = _value(national, "GM0396", "aandeel_65plus", "2024")
    assert exact["waarde"] == pytest.approx((39452 - 30103) / 39452 * 100)
    assert exact["eenheid"] == "%" and exact["tabel"] == "85383NED"
    # 80860ned, Heemskerk 1999: 5.020 of 35.710 inhabitants were 65 or older (read from the CSV)
    old = _value(national, "GM0396", "aandeel_65plus", "1999")
    assert old["waarde"] == pytest.approx(5020 / 35710 * 100) and old["eenheid"] == "%"
    assert _value(national, "GM0396", "inwoners_65plus", "1999")["waarde"] == 5020
    series = geo_series(cbs_dir)
    assert (
        series.loc[series["indicator"] == "aandeel_65plus", "eenheid"] == UNIT_ROUNDED_PCT
    ).all()


def test_households_from_cbs_table(national):
    # 71486ned, Heemskerk 2018 (read from the CSV): the plan's OCR garbled 'paar zonder kinderen'
    assert _value(national, "GM0396", "huishoudens_eenpersoons", "2018")["waarde"] == 5780
    assert _value(national, "GM0396", "huishoudens_paar_zonder_kinderen", "2018")["waarde"] == 5245
    assert _value(national, "GM0396", "huishoudens_eenouder", "2018")["waarde"] == 1404
    assert _value(national, "GM0396", "huishoudens_totaal", "2018")["waarde"] == 17282


def test_bad_plan_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "gemeente;gemeente_naam;onderwerp;categorie;jaar;waarde;prognose;bron\n"
        "GM0396;Heemskerk;leeftijd;65plus;2018;8,4;nee;plan\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanFiguresError, match="regel 2, kolom waarde"):
        read_plan_figures(path)
