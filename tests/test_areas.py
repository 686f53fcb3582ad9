"""Areas table: pairs recognised by their values, name -> code, comparison groups, regions."""

from __future__ import annotations

import csv

import pytest

from tussenstand.sources.areas import (
    AreasError,
    comparison_group,
    load_all_areas,
    load_areas,
    name_to_code,
    region_members,
)

SEVEN = ["GM0396", "GM0405", "GM1507", "GM0400", "GM1911", "GM0441", "GM0448"]


def test_latest_year_and_columns_recognised(cbs_dir):
    areas = load_areas(cbs_dir)
    assert areas["jaar"].unique().tolist() == [2025]
    assert len(areas) == 342
    heemskerk = areas.set_index("gemeente").loc["GM0396"]
    assert heemskerk["gemeente_naam"] == "Heemskerk"  # padding stripped
    assert heemskerk["provincie_code"] == "PV27" and heemskerk["provincie"] == "Noord-Holland"
    assert heemskerk["corop_code"] == "CR20" and heemskerk["corop"] == "IJmond"
    assert heemskerk["arbeidsmarktregio_code"] == "AM37"
    assert heemskerk["jeugdzorgregio"] == "IJmond (Midden Kennemerland)"
    assert heemskerk["ggd_regio_code"] == "GG3109"
    assert heemskerk["gemeentegrootte"] == "20 000 tot 50 000 inwoners"
    assert set(SEVEN) <= set(areas["gemeente"])


def test_2024_table_and_xlsx(cbs_dir):
    a24 = load_areas(cbs_dir, 2024)
    assert a24.set_index("gemeente").loc["GM0396", "inwonertal"] == 39452


def test_name_to_code_padding_suffixes_and_regions(cbs_dir):
    names = name_to_code(load_all_areas(cbs_dir))
    assert names["Heemskerk"] == "GM0396"
    assert names["  Heemskerk                              "] == "GM0396"
    assert names["'s-Gravenhage (gemeente)"] == "GM0518"
    assert names["Groningen (gemeente)"] == "GM0014"
    assert names["Groningen (PV)"] == "PV20"
    assert names["IJmond (CR)"] == "CR20"
    assert names["Nederland"] == "NL01"
    assert names["Hollands Kroon"] == "GM1911"
    assert names.get("Appingedam") is None  # historic gemeente, not in today's table
    assert names.get("20 000 tot 50 000 inwoners") is None


def _areas_2025_by_hand(cbs_dir) -> list[dict[str, str]]:
    """86059NED (Gebieden in Nederland 2025) read with the csv module: Code_1 gemeente, Naam_29
    province, Naam_27 landsdeel, Code_52/Omschrijving_53 size class (gemeentegrootte)."""
    with (cbs_dir / "86059NED.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(fh, delimiter=";")]


@pytest.mark.parametrize(
    "code, scope, label",
    [
        (
            "GM0396",
            "provincie",
            "de 18 andere gemeenten van 20.000 tot 50.000 inwoners in Noord-Holland",
        ),
        (
            "GM0405",
            "provincie",
            "de 7 andere gemeenten van 50.000 tot 100.000 inwoners in Noord-Holland",
        ),
        ("GM1507", "provincie", "de 12 andere gemeenten van 20.000 tot 50.000 inwoners in Limburg"),
        # Almere: no other gemeente of 150.000 to 250.000 in Flevoland, four in Oost-Nederland
        (
            "GM0034",
            "landsdeel",
            "de 4 andere gemeenten van 150.000 tot 250.000 inwoners in Oost-Nederland",
        ),
        # Amsterdam: none in Noord-Holland, three in West-Nederland: all of Nederland
        ("GM0363", "nederland", "de 3 andere gemeenten van 250.000 inwoners of meer in Nederland"),
    ],
)
def test_the_default_comparison_group_is_the_size_class_in_the_province(
    cbs_dir, code, scope, label
):
    rows = _areas_2025_by_hand(cbs_dir)
    own = next(r for r in rows if r["Code_1"] == code)
    same = [r for r in rows if r["Code_52"] == own["Code_52"] and r["Code_1"] != code]
    in_province = [r["Code_1"] for r in same if r["Naam_29"] == own["Naam_29"]]
    in_landsdeel = [r["Code_1"] for r in same if r["Naam_27"] == own["Naam_27"]]
    expected = {
        "provincie": in_province,
        "landsdeel": in_landsdeel,
        "nederland": [r["Code_1"] for r in same],
    }[scope]
    # the rule: the province when it has at least 4 others, else the landsdeel, else Nederland
    assert (len(in_province) >= 4) == (scope == "provincie")
    assert (len(in_landsdeel) >= 4) == (scope in ("provincie", "landsdeel"))

    group = comparison_group(load_areas(cbs_dir), code)
    assert group.scope == scope and group.year == 2025
    assert group.codes == tuple(sorted(expected))
    assert code not in group.codes
    assert group.size_class == own["Omschrijving_53"]
    assert group.label_nl == label
    if scope == "nederland":
        assert (
            group.why_wider_nl
            == "in Noord-Holland geen en in West-Nederland 3 andere, minder dan 4"
        )


def test_comparison_group_and_region_members(cbs_dir):
    areas = load_areas(cbs_dir)
    group = comparison_group(areas, "GM0396")
    assert group.size_class == "20 000 tot 50 000 inwoners" and group.scope_name == "Noord-Holland"
    kop = region_members(areas, "GM0400", kind="arbeidsmarktregio")
    assert {"GM0400", "GM1911", "GM0441", "GM0448"} <= set(kop["gemeente"])
    jz = region_members(areas, "GM0396")
    assert set(jz["jeugdzorgregio_code"]) == {"JZ10"}
    with pytest.raises(AreasError, match="GM9999"):
        region_members(areas, "GM9999")
    with pytest.raises(AreasError, match="regiotype"):
        region_members(areas, "GM0396", kind="waterschap")


def test_missing_folder_message(tmp_path):
    with pytest.raises(AreasError, match="tussenstand fetch"):
        load_areas(tmp_path)
