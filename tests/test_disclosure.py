"""Personal-data guard (BSN elfproef, names, birth dates) and small-numbers suppression."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tussenstand.disclosure import (
    PersonalDataError,
    apply_disclosure,
    check_no_personal_data,
    find_personal_data,
    format_published_value,
    is_person_count_unit,
    is_valid_bsn,
    looks_like_person_name,
)


def make_bsns(n: int, seed: int = 1) -> list[str]:
    """Valid BSNs built with the elfproef: choose 8 digits, solve the 9th."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        digits = [rng.randint(0, 9) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check == 10 or digits[0] == 0:
            continue
        out.append("".join(map(str, digits)) + str(check))
    return out


def test_elfproef_known_numbers():
    assert is_valid_bsn("111222333")  # the well-known test BSN
    assert is_valid_bsn("123456782")
    assert is_valid_bsn(123456782)
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("12345678a")
    assert not is_valid_bsn("1234567820")
    assert all(is_valid_bsn(b) for b in make_bsns(50))


def test_bsn_column_is_refused_by_its_values():
    df = pd.DataFrame({"klantnummer": make_bsns(20), "waarde": range(20)})
    with pytest.raises(PersonalDataError) as err:
        check_no_personal_data(df, "export.csv")
    msg = str(err.value)
    assert "export.csv" in msg and "'klantnummer'" in msg and "elfproef" in msg
    assert err.value.findings[0].kind == "bsn"


def test_nine_digit_ids_that_are_not_bsns_pass():
    rng = np.random.default_rng(7)
    ids = [str(x) for x in rng.integers(100_000_000, 999_999_999, size=200)]
    # roughly 1 in 11 random numbers passes the elfproef; the column as a whole is not a BSN column
    assert 0 < sum(is_valid_bsn(i) for i in ids) < 50
    df = pd.DataFrame({"dossier_id": ids, "waarde": 1.0})
    check_no_personal_data(df, "dossiers.csv")  # no error


@pytest.mark.parametrize("header", ["BSN", "burgerservicenummer", "Bsn_client"])
def test_bsn_header_is_refused(header):
    df = pd.DataFrame({header: ["", ""], "waarde": [1, 2]})
    with pytest.raises(PersonalDataError, match="BSN"):
        check_no_personal_data(df, "x.csv")


@pytest.mark.parametrize("header", ["naam", "Voornaam", "achternaam", "client_naam", "Name"])
def test_name_headers_are_refused(header):
    with pytest.raises(PersonalDataError, match="namen van personen"):
        check_no_personal_data(pd.DataFrame({header: ["x"]}), "x.csv")


def test_name_values_are_refused_but_places_and_sources_are_not():
    persons = [
        "Jan de Vries",
        "Maria van den Berg",
        "J.P. Jansen",
        "Bakker, A.",
        "Fatima El Amrani",
    ]
    df = pd.DataFrame({"contact": persons})
    findings = find_personal_data(df)
    assert [f.kind for f in findings] == ["naam"]
    ok = pd.DataFrame(
        {
            "gemeente_naam": [
                "Heemskerk",
                "Den Helder",
                "Hollands Kroon",
                "Horst aan de Maas",
                "Texel",
            ],
            "bron": [
                "Suite4SD",
                "GGD Gezondheidsmonitor",
                "Gemeente Heemskerk (registratie)",
                "MantelZ",
                "Jaarverslag Brede school",
            ],
            "gebied": ["Oud Heemskerk", "Broekpolder", "Centrum", "Wijk 1", "Noorddorp"],
        }
    )
    assert find_personal_data(ok) == []
    assert not looks_like_person_name("Oud Heemskerk")


def test_birth_dates_are_refused_by_header_and_by_values():
    with pytest.raises(PersonalDataError, match="geboortedata"):
        check_no_personal_data(pd.DataFrame({"geboortedatum": ["01-02-1980"]}), "x.csv")
    # a birth-like header over full dates implying ages 0-110
    df = pd.DataFrame({"geboren op": ["1950-03-01", "1988-12-24", "2012-06-30"]})
    findings = find_personal_data(df, today=date(2026, 1, 1))
    assert [f.kind for f in findings] == ["geboortedatum"]
    # export dates under a neutral header are fine
    assert find_personal_data(pd.DataFrame({"peildatum": ["2026-07-15", "2026-01-15"]})) == []


def test_person_count_units():
    assert is_person_count_unit("aantal")
    assert is_person_count_unit("personen")
    assert is_person_count_unit("aantal huishoudens")
    assert is_person_count_unit("cliënten")
    for unit in ("aantal per wijk", "%", "euro", "nachten", "per 10.000 inwoners"):
        assert not is_person_count_unit(unit), unit


def _rows():
    base = {
        "gemeente": "GM0396",
        "periode": "2024-H1",
        "gebied": "",
        "bron": "x",
        "ontbreekt_reden": "",
    }
    return pd.DataFrame(
        [
            {**base, "indicator": "wmo_clienten_aantal", "waarde": 7.0, "eenheid": "aantal"},
            {
                **base,
                "indicator": "wmo_clienten_per_10000",
                "waarde": 1.8,
                "eenheid": "per 10.000 inwoners",
            },
            {**base, "indicator": "reg_FF-4", "waarde": 45.0, "eenheid": "aantal"},
            {**base, "indicator": "reg_OO-2", "waarde": 1.0, "eenheid": "aantal per wijk"},
            {**base, "indicator": "reg_X", "waarde": 0.0, "eenheid": "aantal"},
            {
                **base,
                "indicator": "wmo_clienten_aantal",
                "waarde": 7.0,
                "eenheid": "aantal",
                "gemeente": "GM0400",
            },
        ]
    ).assign(onderdrukt=False)


def test_small_count_and_its_rate_are_suppressed():
    out = apply_disclosure(_rows(), threshold=10)
    flags = dict(zip(out["indicator"] + "@" + out["gemeente"], out["onderdrukt"], strict=True))
    assert flags["wmo_clienten_aantal@GM0396"] and flags["wmo_clienten_per_10000@GM0396"]
    assert not flags["reg_FF-4@GM0396"]
    assert not flags["reg_OO-2@GM0396"]  # not a count of persons
    assert not flags["reg_X@GM0396"]  # zero discloses nobody
    blanked = out[out["onderdrukt"]]
    assert blanked["waarde"].isna().all()
    assert (blanked["ontbreekt_reden"] == "onderdrukt: kleine aantallen (< 10)").all()


def test_internal_marking_keeps_values_and_input_is_unchanged():
    rows = _rows()
    out = apply_disclosure(rows, threshold=10, blank_values=False)
    assert out["onderdrukt"].sum() == 3
    assert out.loc[out["onderdrukt"], "waarde"].tolist() == [7.0, 1.8, 7.0]
    assert not rows["onderdrukt"].any()


def test_threshold_is_configurable():
    assert apply_disclosure(_rows(), threshold=5)["onderdrukt"].sum() == 0
    out = apply_disclosure(_rows(), threshold=50)
    assert out.set_index("indicator").loc["reg_FF-4", "onderdrukt"]
    with pytest.raises(ValueError, match="geheel getal"):
        apply_disclosure(_rows(), threshold=0)


def test_format_published_value_in_dutch():
    assert format_published_value(7, "aantal", suppressed=True) == "< 10"
    assert format_published_value(7, "aantal", suppressed=True, threshold=5) == "< 5"
    assert format_published_value(39450, "aantal") == "39.450"
    assert format_published_value(13601.04, "euro") == "€\u00a013.601,04"
    assert format_published_value(23.7, "%") == "23,7%"
    assert format_published_value(79.91, "per 1.000 inwoners") == "79,9"
    assert format_published_value(float("nan"), "aantal") == "–"
