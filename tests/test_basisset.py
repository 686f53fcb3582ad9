"""Every municipality monitored: the standard framework (basisset.yaml), the `gemeenten` setting in
tussenstand.yml, one unit per municipality and `tussenstand list`.

Expected municipalities come from CBS's areas tables read by hand (csv module), not from the
package's reader."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tussenstand import cli
from tussenstand.config import ConfigError, load_config, parse_municipalities
from tussenstand.frameworks import (
    FrameworkError,
    UnknownUnitError,
    find_unit,
    framework_for,
    load_framework,
    load_frameworks,
    monitored_units,
)
from tussenstand.references import check_references
from tussenstand.units import project_units

#: the seven municipalities with a plan of their own, and their frameworks
PLANS = {
    "GM0396": "heemskerk-2024",
    "GM0405": "hoorn-2020",
    "GM1507": "horst-aan-de-maas-2024",
    "GM0400": "kop-van-noord-holland-2024",
    "GM1911": "kop-van-noord-holland-2024",
    "GM0441": "kop-van-noord-holland-2024",
    "GM0448": "kop-van-noord-holland-2024",
}
#: the BBV indicators of the social domain that CBS publishes per gemeente (the issue's list)
BBV_SERIES = {
    "jongeren_jeugdhulp_pct",
    "jongeren_jeugdbescherming_pct",
    "jongeren_jeugdreclassering_pct",
    "wmo_clienten_per_10000",
    "bijstand_per_10000",
    "reintegratie_per_10000",
}


def areas_by_hand(path: Path) -> list[dict[str, str]]:
    """The rows of a CBS 'Gebieden in Nederland' CSV, values stripped."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(fh, delimiter=";")]


@pytest.fixture(scope="module")
def kaders_dir(project_root) -> Path:
    return project_root / "data" / "raw" / "kaders"


@pytest.fixture(scope="module")
def areas_2025(cbs_dir) -> dict[str, str]:
    """code -> name of every gemeente in 86059NED (2025, the newest areas table), by hand."""
    return {r["Code_1"]: r["Naam_2"] for r in areas_by_hand(cbs_dir / "86059NED.csv")}


def project_copy(project_root: Path, tmp_path: Path, gemeenten: str | None) -> Path:
    """tussenstand.yml and the frameworks of the project, with ``gemeenten`` set as given."""
    root = tmp_path / "project"
    shutil.copytree(project_root / "data" / "raw" / "kaders", root / "data" / "raw" / "kaders")
    config = yaml.safe_load((project_root / "tussenstand.yml").read_text(encoding="utf-8"))
    config.pop("gemeenten", None)
    text = yaml.safe_dump(config, allow_unicode=True)
    if gemeenten is not None:
        text += f"gemeenten: {gemeenten}\n"
    (root / "tussenstand.yml").write_text(text, encoding="utf-8")
    return root


# ----- the standard framework --------------------------------------------------------------------
def test_the_standard_framework_is_valid_and_has_the_bbv_indicators(kaders_dir, cbs_dir):
    fw = load_framework(kaders_dir / "basisset.yaml")
    assert fw.kind == "basisset" and fw.is_standard
    assert fw.municipalities == [] and fw.years is None and fw.goals == []
    assert fw.comparison is None and fw.region is None and fw.budget is None
    bbv = {i.series for i in fw.indicators if i.bbv}
    assert bbv == BBV_SERIES
    context = {i.series for i in fw.indicators if i.role == "context"}
    # the context the plans use: young inhabitants, age structure, households, low incomes
    assert context == {
        "inwoners_0_17",
        "aandeel_65plus",
        "aandeel_huishoudens_eenpersoons",
        "huishoudens_laag_inkomen",
    }
    # every series exists in the national CBS series, every cbs_table holds it
    assert check_references({fw.id: fw}, cbs_dir) == []


def test_a_series_typo_in_the_standard_framework_is_found(kaders_dir, cbs_dir, tmp_path):
    raw = yaml.safe_load((kaders_dir / "basisset.yaml").read_text(encoding="utf-8"))
    raw["indicators"][0]["series"] = "jongeren_jeugdhulp_procent"
    path = tmp_path / "basisset.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        check_references({"basisset": load_framework(path)}, cbs_dir)
    assert str(info.value).startswith(
        "basisset.yaml: indicator bbv-jeugdhulp, veld series: onbekende reeks "
        "'jongeren_jeugdhulp_procent'; dichtstbijzijnde geldige reeks: 'jongeren_jeugdhulp_pct'"
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("municipalities", [{"code": "GM0363", "name": "Amsterdam"}], "noem geen gemeenten"),
        ("years", {"start": 2024, "end": 2027}, "geen looptijd"),
        (
            "comparison",
            {"label": "G4", "municipalities": ["GM0518", "GM0599", "GM0344"]},
            "standaard-vergelijkingsgroep",
        ),
    ],
)
def test_the_standard_framework_names_nothing_of_one_municipality(
    kaders_dir, tmp_path, field, value, message
):
    raw = yaml.safe_load((kaders_dir / "basisset.yaml").read_text(encoding="utf-8"))
    raw[field] = value
    path = tmp_path / "basisset.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    text = str(info.value)
    assert text.startswith(f"basisset.yaml: veld {field}: een kader van soort 'basisset'")
    assert message in text


def test_goals_belong_in_a_framework_of_their_own(kaders_dir, tmp_path):
    raw = yaml.safe_load((kaders_dir / "basisset.yaml").read_text(encoding="utf-8"))
    heemskerk = yaml.safe_load((kaders_dir / "heemskerk.yaml").read_text(encoding="utf-8"))
    goal = dict(heemskerk["goals"][0], theme="jeugd")
    raw["goals"] = [goal]
    path = tmp_path / "basisset.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError, match="veld goals: .*kopieer de basisset"):
        load_framework(path)


@pytest.mark.parametrize("field", ["municipalities", "years"])
def test_every_other_framework_still_names_municipalities_and_years(kaders_dir, tmp_path, field):
    raw = yaml.safe_load((kaders_dir / "hoorn.yaml").read_text(encoding="utf-8"))
    del raw[field]
    path = tmp_path / "hoorn.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert str(info.value).startswith(f"hoorn.yaml: veld {field}: verwacht")
    assert "alleen een kader van soort 'basisset'" in str(info.value)


# ----- one unit per municipality -----------------------------------------------------------------
def test_every_municipality_gets_a_unit_and_the_plans_keep_theirs(kaders_dir, areas_2025):
    assert len(areas_2025) == 342
    units = monitored_units(kaders_dir, national=areas_2025)
    municipalities = [u for u in units if u.kind == "gemeente"]
    assert sorted(u.code for u in municipalities) == sorted(areas_2025)
    by_code = {u.code: u for u in units}
    for code, framework_id in PLANS.items():
        assert by_code[code].framework_id == framework_id and not by_code[code].standard
    others = [u for u in municipalities if u.code not in PLANS]
    assert len(others) == 342 - 7
    assert {u.framework_id for u in others} == {"basisset"}
    assert all(u.standard and u.members == (u.code,) for u in others)
    assert by_code["GM0363"].name == areas_2025["GM0363"] == "Amsterdam"
    # the region stays, with its four members
    assert by_code["KNH"].kind == "regio"
    assert by_code["KNH"].members == ("GM0400", "GM1911", "GM0441", "GM0448")
    # without the setting, nothing changes: the frameworks' own seven and the region
    assert len(monitored_units(kaders_dir)) == 8


def test_the_standard_framework_is_filled_in_per_municipality(kaders_dir, areas_2025):
    frameworks = load_frameworks(kaders_dir)
    units = monitored_units(kaders_dir, national=areas_2025)
    amsterdam = find_unit(units, "GM0363")
    fw = framework_for(frameworks, amsterdam)
    assert fw.is_standard and fw.id == "basisset"
    assert [(m.code, m.name) for m in fw.municipalities] == [("GM0363", "Amsterdam")]
    assert frameworks["basisset"].municipalities == []  # the loaded one is not changed
    utrecht = framework_for(frameworks, find_unit(units, "GM0344"))
    assert utrecht.municipality_codes == ("GM0344",) and fw.municipality_codes == ("GM0363",)
    heemskerk = framework_for(frameworks, find_unit(units, "GM0396"))
    assert heemskerk is frameworks["heemskerk-2024"]


def test_without_a_standard_framework_the_setting_says_what_is_missing(
    kaders_dir, tmp_path, areas_2025
):
    for name in ("hoorn.yaml", "heemskerk.yaml"):
        shutil.copy(kaders_dir / name, tmp_path / name)
    assert len(monitored_units(tmp_path)) == 2
    with pytest.raises(FrameworkError, match=r"data/raw/kaders/basisset\.yaml"):
        monitored_units(tmp_path, national=areas_2025)


def test_an_unknown_code_lists_the_plans_not_all_municipalities(kaders_dir, areas_2025):
    units = monitored_units(kaders_dir, national=areas_2025)
    with pytest.raises(UnknownUnitError) as info:
        find_unit(units, "GM9999")
    text = str(info.value)
    assert "Heemskerk (GM0396)" in text and "Regio Kop van Noord-Holland (KNH, regio)" in text
    assert "en 335 gemeenten met de basisset (`tussenstand list` toont ze allemaal)" in text
    assert "Amsterdam" not in text


# ----- the setting in tussenstand.yml ------------------------------------------------------------
@pytest.mark.parametrize(
    "value, everything, codes, provinces",
    [
        ("alle", True, (), ()),
        ("Alle", True, (), ()),
        (None, False, (), ()),
        ([], False, (), ()),
        ("geen", False, (), ()),
        (
            ["gm0363", "Noord-Holland", "pv21", "GM0363"],
            False,
            ("GM0363",),
            ("Noord-Holland", "PV21"),
        ),
        ("Zeeland", False, (), ("Zeeland",)),
    ],
)
def test_the_setting_is_read(value, everything, codes, provinces):
    selection = parse_municipalities(value)
    assert (selection.everything, selection.codes, selection.provinces) == (
        everything,
        codes,
        provinces,
    )
    assert bool(selection) == (everything or bool(codes) or bool(provinces))


@pytest.mark.parametrize("value", [[363], ["GM363"], [""], [{"code": "GM0363"}]])
def test_a_malformed_setting_names_file_and_field(value):
    with pytest.raises(ConfigError) as info:
        parse_municipalities(value)
    assert str(info.value).startswith("tussenstand.yml, gemeenten: ")


def test_provinces_and_codes_select_from_the_newest_areas_table(
    project_root, cbs_dir, tmp_path, areas_2025
):
    root = project_copy(project_root, tmp_path, "[Zeeland, PV22, GM0363]")
    config = load_config(root, cbs_dir=cbs_dir)
    rows = areas_by_hand(cbs_dir / "86059NED.csv")
    wanted = {r["Code_1"] for r in rows if r["Naam_29"] in ("Zeeland", "Drenthe")} | {"GM0363"}
    assert len(wanted) == 13 + 12 + 1  # Zeeland 13, Drenthe 12 gemeenten
    units = project_units(config)
    assert {u.code for u in units if u.standard} == wanted
    # the seven plans and the region are always there
    assert {u.code for u in units if not u.standard} == {*PLANS, "KNH"}


@pytest.mark.parametrize(
    "setting, message",
    [
        ("[GM9999]", "GM9999 staat niet in de CBS-gebiedentabel van 2025; dichtstbijzijnde"),
        ("[noord holand]", "onbekende provincie 'noord holand'"),
    ],
)
def test_a_code_or_province_cbs_does_not_have_exits_2(
    project_root, cbs_dir, tmp_path, monkeypatch, setting, message
):
    root = project_copy(project_root, tmp_path, setting)
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    result = CliRunner().invoke(cli.main, ["list", "--cbs-dir", str(cbs_dir)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "tussenstand.yml, gemeenten" in result.output
    if "provincie" in message:
        assert "dichtstbijzijnde: Noord-Holland" in result.output


def test_the_setting_without_an_areas_table_says_how_to_get_one(
    project_root, tmp_path, monkeypatch
):
    root = project_copy(project_root, tmp_path, "alle")
    empty = tmp_path / "cbs-leeg"
    empty.mkdir()
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    result = CliRunner().invoke(cli.main, ["list", "--cbs-dir", str(empty)])
    assert result.exit_code == 1, result.output
    assert "gemeenten: alle" in result.output and "tussenstand fetch" in result.output


# ----- tussenstand list --------------------------------------------------------------------------
def test_list_shows_every_municipality_with_its_framework(
    project_root, cbs_dir, tmp_path, monkeypatch, areas_2025
):
    root = project_copy(project_root, tmp_path, "alle")
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    result = CliRunner().invoke(cli.main, ["list", "--cbs-dir", str(cbs_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "342 gemeenten en 1 regio: 7 gemeenten met een eigen kader, 335 met de basisset "
        "(gemeenten in tussenstand.yml: alle)."
    )
    listed = [ln.split()[0] for ln in lines if ln.startswith("  GM")]
    assert sorted(listed) == sorted(areas_2025)  # every municipality exactly once
    own = lines.index("Gemeenten en regio's met een eigen kader:")
    standard = lines.index("Gemeenten met de basisset (kader: basisset):")
    for code, framework_id in PLANS.items():  # the plans first, with their framework
        line = next(ln for ln in lines[own:standard] if ln.startswith(f"  {code}"))
        assert line.endswith(f"(gemeente, kader: {framework_id})")
    assert "  GM0363  Amsterdam" in lines[standard:]


def test_build_fetches_the_areas_table_first_on_a_fresh_machine(
    project_root, cbs_dir, tmp_path, monkeypatch
):
    """`gemeenten: alle` on a fresh clone: the units come from the areas table, so the missing
    tables are fetched (here copied from the shared extracts, standing in for CBS) before the
    units are read, and the build gets all 342."""
    from tussenstand.sources import cbs_fetch

    root = project_copy(project_root, tmp_path, "alle")
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    own = root / "data" / "raw" / "cbs"
    fetched: list[list[str]] = []

    def fake_fetch(tables, folder):
        fetched.append(list(tables))
        for table in tables:
            for name in (f"{table}.csv", f"{table}.meta.json"):
                if (cbs_dir / name).is_file():
                    shutil.copy(cbs_dir / name, Path(folder) / name)
        return [Path(folder) / f"{t}.csv" for t in tables]

    monkeypatch.setattr(cbs_fetch, "fetch_tables", fake_fetch)
    seen: dict[str, list] = {}

    def fake_build(config, units, periods, **kwargs):
        seen["units"] = units
        kwargs["before"]()  # what the build does first under its lock: nothing left to fetch

        class Summary:
            ok, failures = True, []

            def text_nl(self):
                return "klaar"

        return Summary()

    monkeypatch.setattr(cli, "_build", fake_build)
    result = CliRunner().invoke(cli.main, ["build"])
    assert result.exit_code == 0, result.output
    assert {"85755NED", "86059NED"} <= set(fetched[0])
    assert (own / "86059NED.csv").is_file()
    # the build's own fetch (under its lock) only asks for what the stand-in could not give
    for later in fetched[1:]:
        assert not {"85755NED", "86059NED", "86050NED"} & set(later)
    assert sum(1 for u in seen["units"] if u.kind == "gemeente") == 342
