"""A framework's references to the data (series codes, municipality codes) are checked before
anything runs: the mistake names file, id and field and the closest valid choice; the CLI exits 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from tussenstand import cli
from tussenstand.frameworks import FrameworkError, load_frameworks
from tussenstand.references import check_references, years_to_check
from tussenstand.sources import cbs_national, cbs_tables


def framework(**changes) -> dict:
    """A small valid framework for one municipality (Hoorn, GM0405) with one indicator and one
    goal; ``changes`` replace top-level fields."""
    fw = {
        "id": "test-kader",
        "title": "Testkader",
        "kind": "smart",
        "source": {"document": "Testplan", "publisher": "Gemeente Hoorn"},
        "municipalities": [{"code": "GM0405", "name": "Hoorn"}],
        "years": {"start": 2024, "end": 2027},
        "themes": [{"id": "zorg", "name": "Zorg"}],
        "indicators": [
            {
                "id": "wmo",
                "theme": "zorg",
                "name": "Wmo-cliënten",
                "unit": "per 10.000 inwoners",
                "source": "CBS",
                "cbs_table": "86050NED",
                "series": "wmo_clienten_per_10000",
                "chosen_by": "plan",
            }
        ],
        "goals": [
            {
                "id": "Z-1",
                "theme": "zorg",
                "text": "Minder mensen hebben een maatwerkvoorziening nodig.",
                "indicator": "Wmo-cliënten",
                "unit": "aantal",
                "target": {"kind": "change", "percent": -10},
                "target_period": "2027",
                "direction": "down",
            }
        ],
    }
    fw.update(changes)
    return fw


def write_frameworks(folder: Path, **files: dict) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / f"{name}.yaml").write_text(
            yaml.safe_dump(content, allow_unicode=True), encoding="utf-8"
        )
    return load_frameworks(folder)


def mistakes(frameworks: dict, cbs_dir: Path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        check_references(frameworks, cbs_dir)
    return str(caught.value).splitlines()


# ----- the project's own frameworks ---------------------------------------------------------------
def test_the_projects_frameworks_reference_only_what_the_data_have(project_root, cbs_dir):
    frameworks = load_frameworks(project_root / "data" / "raw" / "kaders")
    assert check_references(frameworks, cbs_dir) == []


# ----- series -------------------------------------------------------------------------------------
def test_series_catalogue_is_what_the_national_series_hold(cbs_dir, tmp_path):
    """The catalogue comes from the specs; on the real data it is exactly the set of series the
    national series hold (nothing missing, nothing extra)."""
    built = cbs_national.load_national_series(cbs_dir, tmp_path / "processed")
    assert set(cbs_national.series_catalogue()) == set(built["indicator"])


def test_series_catalogue_follows_the_table_specs(monkeypatch, tmp_path):
    """A series added to a table spec is valid at once: no list kept by hand."""
    extra = cbs_tables.TableSpec(
        "99999NED",
        "Testtabel",
        series=(cbs_tables.Series("Mantelzorgers_1", "mantelzorgers_aantal", "aantal"),),
    )
    fw = framework()
    fw["indicators"][0].update(series="mantelzorgers_aantal", cbs_table="99999NED")
    frameworks = write_frameworks(tmp_path / "kaders", kader=fw)
    assert mistakes(frameworks, tmp_path)[0].startswith("kader.yaml: indicator wmo, veld series")
    monkeypatch.setitem(cbs_tables.TABLES, "99999NED", extra)
    assert cbs_national.series_catalogue()["mantelzorgers_aantal"] == ("99999NED",)
    assert check_references(frameworks, tmp_path)[0].startswith(
        "gemeentecodes in de kaders niet gecontroleerd"
    )


def test_unknown_indicator_series_names_file_id_field_and_closest(tmp_path):
    fw = framework()
    fw["indicators"][0]["series"] = "wmo_clienten_per_1000"
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    assert mistakes(frameworks, tmp_path) == [
        "hoorn.yaml: indicator wmo, veld series: onbekende reeks 'wmo_clienten_per_1000'; "
        "dichtstbijzijnde geldige reeks: 'wmo_clienten_per_10000' (de reeksen staan in "
        "docs/architectuur.md), of null als er geen open bron is"
    ]


def test_cbs_table_must_hold_the_series(tmp_path):
    fw = framework()
    fw["indicators"][0]["cbs_table"] = "85098NED"  # the jeugd table; Wmo is 86050NED
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    (line,) = mistakes(frameworks, tmp_path)
    assert line.startswith("hoorn.yaml: indicator wmo, veld cbs_table: de reeks ")
    assert "komt niet uit 85098NED maar uit 86050NED" in line
    assert line.endswith("dichtstbijzijnde geldige keuze: '86050NED'")


def test_goal_series_is_a_registration_or_a_cbs_series(tmp_path):
    registration = framework()
    registration["goals"][0]["measurement"] = {"series": "reg_wmo_toegang"}
    cbs = framework()
    cbs["goals"][0]["measurement"] = {"series": "wmo_clienten_aantal"}
    cbs["municipalities"] = [{"code": "GM0396", "name": "Heemskerk"}]
    ok = write_frameworks(tmp_path / "goed", a=registration, b=cbs | {"id": "ander-kader"})
    assert len(check_references(ok, tmp_path)) == 1  # only the notice: no areas table here

    typo = framework()
    typo["goals"][0]["measurement"] = {"series": "wmo_clienten_aantl"}
    frameworks = write_frameworks(tmp_path / "fout", hoorn=typo)
    assert mistakes(frameworks, tmp_path) == [
        "hoorn.yaml: doel Z-1, veld measurement.series: onbekende reeks 'wmo_clienten_aantl'; "
        "dichtstbijzijnde geldige reeks: 'wmo_clienten_aantal', of een registratiereeks die met "
        "'reg_' begint (zonder measurement.series: reg_Z-1)"
    ]


# ----- municipality codes against the real areas tables (2024 and 2025) ----------------------------
def test_unknown_municipality_code_suggests_the_code_of_its_name(tmp_path, cbs_dir):
    fw = framework(municipalities=[{"code": "GM0404", "name": "Hoorn"}])
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    assert mistakes(frameworks, cbs_dir) == [
        "hoorn.yaml: gemeente Hoorn, veld municipalities.code: GM0404 staat niet in de "
        "CBS-gebiedentabel van 2024 (85755NED.csv) en 2025 (86059NED.csv); Hoorn heeft daar "
        "code GM0405"
    ]


def test_a_code_of_another_municipality_is_a_mistake(tmp_path, cbs_dir):
    """GM0406 exists (Huizen, per 85755NED and 86059NED): a report for Hoorn under Huizen's code
    would show Huizen's figures. The plan runs in 2020, a year without areas table: the nearest
    one (2024) is used, and the message says so."""
    fw = framework(
        municipalities=[{"code": "GM0406", "name": "Hoorn"}], years={"start": 2020, "end": 2020}
    )
    fw["goals"][0]["target_period"] = "2020"
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    assert mistakes(frameworks, cbs_dir) == [
        "hoorn.yaml: gemeente Hoorn, veld municipalities.code: GM0406 is in de CBS-gebiedentabel "
        "van 2024 (85755NED.csv) de gemeente Huizen, niet Hoorn; dichtstbijzijnde geldige keuze: "
        "GM0405 (Hoorn) (voor het jaar 2020 van het plan staat geen gebiedentabel in de CBS-map: "
        "gecontroleerd met die van het dichtstbijzijnde jaar)"
    ]


def test_a_name_cbs_writes_otherwise_is_no_mistake(tmp_path, cbs_dir):
    """'Bergen' for GM0373 (CBS: 'Bergen (NH.)') and a name no code has are left alone."""
    fw = framework(
        municipalities=[
            {"code": "GM0373", "name": "Bergen"},
            {"code": "GM0405", "name": "Gemeente Hoorn"},
        ],
        region={"code": "TST", "name": "Testregio"},
        kind="regionaal",
        goals=[],
    )
    assert check_references(write_frameworks(tmp_path / "kaders", regio=fw), cbs_dir) == []


def test_unknown_comparison_code_suggests_the_nearest_code(tmp_path, cbs_dir):
    fw = framework(
        comparison={"label": "Buren", "municipalities": ["GM0375", "GM0374", "GM0399"]},
    )
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    (line,) = mistakes(frameworks, cbs_dir)
    assert line.startswith(
        "hoorn.yaml: veld comparison.municipalities: GM0374 staat niet in de CBS-gebiedentabel "
        "van 2024 (85755NED.csv) en 2025 (86059NED.csv); dichtstbijzijnde geldige code: GM037"
    )
    # one digit off: GM0373 (Bergen (NH.)) or GM0375 (Beverwijk), both in the 2025 table
    assert line.endswith(("GM0373 (Bergen (NH.))", "GM0375 (Beverwijk)"))


def test_every_mistake_of_every_framework_at_once(tmp_path, cbs_dir):
    one = framework(municipalities=[{"code": "GM0404", "name": "Hoorn"}])
    two = framework(id="tweede", municipalities=[{"code": "GM0396", "name": "Heemskerk"}])
    two["indicators"][0]["series"] = "wmo_clienten"
    lines = mistakes(write_frameworks(tmp_path / "kaders", een=one, twee=two), cbs_dir)
    assert [line.split(",")[0] for line in lines] == [
        "een.yaml: gemeente Hoorn",
        "twee.yaml: indicator wmo",
    ]


# ----- which years: areas files written here (CBS's xlsx list) ---------------------------------------
def write_areas_xlsx(folder: Path, year: int, rows: list[tuple[str, str]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["GemeentecodeGM", "Gemeentenaam", "ProvinciecodePV", "Provincienaam"])
    for code, name in rows:
        ws.append([code, name, "PV27", "Noord-Holland"])
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(folder / f"gemeenten-alfabetisch-{year}.xlsx")


@pytest.fixture
def merger_dir(tmp_path) -> Path:
    """GM0010 Aadorp and GM0002 Beekdorp in 2021; in 2023 Beekdorp has merged into GM0003."""
    cbs = tmp_path / "cbs"
    write_areas_xlsx(cbs, 2021, [("GM0010", "Aadorp"), ("GM0002", "Beekdorp")])
    write_areas_xlsx(cbs, 2023, [("GM0010", "Aadorp"), ("GM0003", "Beekland")])
    return cbs


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (2021, 2023, [2021, 2023]),  # every year of the plan with a table
        (2022, 2029, [2023]),
        (2019, 2019, [2021]),  # before every table: the first one
        (2025, 2026, [2023]),  # after every table: the last one
        (2022, 2022, [2023]),  # 1 year from both: the later one
    ],
)
def test_years_to_check(start, end, expected):
    assert years_to_check(start, end, [2023, 2021]) == expected


def test_a_merger_within_the_plan_is_named(tmp_path, merger_dir):
    fw = framework(
        municipalities=[{"code": "GM0002", "name": "Beekdorp"}], years={"start": 2021, "end": 2027}
    )
    (line,) = mistakes(write_frameworks(tmp_path / "kaders", beek=fw), merger_dir)
    assert line == (
        "beek.yaml: gemeente Beekdorp, veld municipalities.code: GM0002 staat niet in de "
        "CBS-gebiedentabel van 2023 (gemeenten-alfabetisch-2023.xlsx); dichtstbijzijnde geldige "
        "code: GM0003 (Beekland); GM0002 staat wel in die van 2021 "
        "(gemeenten-alfabetisch-2021.xlsx): is de gemeente in de looptijd van het plan heringedeeld?"
    )


def test_a_plan_before_the_merger_is_checked_with_the_nearest_table(tmp_path, merger_dir):
    fw = framework(
        municipalities=[{"code": "GM0002", "name": "Beekdorp"}], years={"start": 2019, "end": 2020}
    )
    fw["goals"][0]["target_period"] = "2020"
    assert check_references(write_frameworks(tmp_path / "kaders", beek=fw), merger_dir) == []


def test_without_areas_table_codes_are_not_checked_and_that_is_said(tmp_path):
    fw = framework(municipalities=[{"code": "GM0404", "name": "Hoorn"}])
    frameworks = write_frameworks(tmp_path / "kaders", hoorn=fw)
    (notice,) = check_references(frameworks, tmp_path / "leeg")
    assert notice.startswith(
        "gemeentecodes in de kaders niet gecontroleerd: geen CBS-gebiedentabel"
    )


# ----- the command line: every command checks first, and exits 2 --------------------------------
@pytest.fixture
def project(tmp_path, monkeypatch, project_root, cbs_dir) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(project_root / "tussenstand.yml", root)
    shutil.copytree(project_root / "data" / "raw" / "kaders", root / "data" / "raw" / "kaders")
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    monkeypatch.setenv("TUSSENSTAND_CBS_DIR", str(cbs_dir))
    return root


@pytest.mark.parametrize(
    "args",
    [["list"], ["run", "--gemeente", "GM0405", "--periode", "2024-H1"], ["build"], ["render"]],
    ids=lambda a: a[0],
)
def test_every_command_refuses_a_wrong_reference_with_status_2(project, args):
    hoorn = project / "data" / "raw" / "kaders" / "hoorn.yaml"
    hoorn.write_text(
        hoorn.read_text(encoding="utf-8").replace(
            "series: jongeren_jeugdhulp_pct", "series: jongeren_jeugdhulp_procent", 1
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 2, result.output
    assert "hoorn.yaml: indicator " in result.output
    assert (
        "veld series: onbekende reeks 'jongeren_jeugdhulp_procent'; dichtstbijzijnde geldige "
        "reeks: 'jongeren_jeugdhulp_pct'" in result.output
    )
    assert not (project / "reports").exists() and not (project / "data" / "processed").exists()


def test_a_framework_that_does_not_fit_the_schema_also_exits_2(project):
    hoorn = project / "data" / "raw" / "kaders" / "hoorn.yaml"
    hoorn.write_text(
        hoorn.read_text(encoding="utf-8").replace("kind: kwalitatief", "kind: kwalitatif", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.main, ["list"])
    assert result.exit_code == 2, result.output
    assert "hoorn.yaml: veld kind: verwacht 'smart', 'kwalitatief'" in result.output
