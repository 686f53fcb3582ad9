"""Areas table: pairs recognised by their values, name -> code, comparison groups, regions."""

from __future__ import annotations

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


def test_comparison_group_and_region_members(cbs_dir):
    areas = load_areas(cbs_dir)
    group = comparison_group(areas, "GM0396")
    assert "GM0396" in set(group["gemeente"])
    assert group["gemeentegrootte"].nunique() == 1
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
