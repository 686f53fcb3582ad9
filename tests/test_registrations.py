"""Reading local registrations: template, Dutch numbers, validation messages, personal data."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tussenstand.disclosure import PersonalDataError
from tussenstand.frameworks import load_framework
from tussenstand.sources.registrations import (
    TEMPLATE_COLUMNS,
    RegistrationError,
    load_registrations,
    parse_dutch_number,
    read_registrations,
)

HEADER = "gemeente;doel;periode;gebied;waarde;eenheid;bron;opmerking;illustratief"


def write_csv(path: Path, lines: list[str], bom: bool = True) -> Path:
    text = "\n".join(lines) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def heemskerk(project_root):
    path = project_root / "data" / "raw" / "kaders" / "heemskerk.yaml"
    if not path.is_file():
        pytest.skip("heemskerk.yaml not there yet")
    return load_framework(path)


def test_dutch_numbers():
    assert parse_dutch_number("13.601,04") == 13601.04
    assert parse_dutch_number("5.377", "aantal") == 5377
    assert parse_dutch_number("48,1") == 48.1
    assert parse_dutch_number("13601.04") == 13601.04
    assert parse_dutch_number(" 1.100 ", "aantal") == 1100
    assert parse_dutch_number("") is None
    with pytest.raises(ValueError):
        parse_dutch_number("twaalf")
    with pytest.raises(ValueError, match="dubbelzinnig"):
        parse_dutch_number("5.377")  # without a unit nobody can tell 5377 from 5,377


def test_csv_with_bom_and_decimal_commas(tmp_path):
    path = write_csv(
        tmp_path / "heemskerk_2024-08-15.csv",
        [
            HEADER,
            "GM0396;OZ-4;2023;;13.601,04;euro;Basisadministratie;;nee",
            "",
            "GM0396;FF-1;1e halfjaar 2024;;5.412;aantal;Suite4SD;;nee",
            "GM0396;FF-5;2024;;;%;Divosa;nog niet gepubliceerd;ja",
        ],
    )
    before = path.read_bytes()
    df = read_registrations(path)
    assert path.read_bytes() == before  # raw files are never modified
    assert df["indicator"].tolist() == ["reg_OZ-4", "reg_FF-1", "reg_FF-5"]
    assert df["periode"].tolist() == ["2023", "2024-H1", "2024"]
    assert df["waarde"].iloc[0] == pytest.approx(13601.04)
    assert df["waarde"].iloc[1] == 5412
    assert df["tabel"].unique().tolist() == ["heemskerk_2024-08-15.csv"]
    assert df["peildatum"].unique().tolist() == ["2024-08-15"]  # from the file name
    missing = df.iloc[2]
    assert missing["illustratief"] and str(missing["waarde"]) == "nan"
    assert "nog niet gepubliceerd" in missing["ontbreekt_reden"]
    assert df["bron"].tolist() == ["Basisadministratie", "Suite4SD", "Divosa"]


def test_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Gemeente", "Reeks", "Periode", "Gebied", "Waarde", "Eenheid", "Bron", "Peildatum"])
    ws.append(["GM0396", "reg_VW-2", "2024-H1", None, 130, "aantal", "Team Sport", "2024-08-01"])
    ws.append(["GM0396", "reg_ZW-4", "2024-H1", None, 2912.5, "euro", None, None])
    ws.append([None] * 8)
    ws.append(["GM0396", "reg_VW-2", "2024-H2", None, "twaalf", "aantal", None, None])
    wb.save(tmp_path / "export.xlsx")
    with pytest.raises(RegistrationError) as err:
        read_registrations(tmp_path / "export.xlsx")
    # row numbers as the user sees them in Excel: header is row 1, the blank row 4 still counts
    assert "export.xlsx, rij 5, kolom waarde" in str(err.value)
    ws.delete_rows(5)
    wb.save(tmp_path / "export.xlsx")
    df = read_registrations(tmp_path / "export.xlsx")
    assert df["waarde"].tolist() == [130.0, 2912.5]
    assert df["peildatum"].tolist() == ["2024-08-01", ""]
    assert df["bron"].iloc[1] == "Registratie gemeente (GM0396)"


def test_bad_number_names_file_row_and_column(tmp_path):
    path = write_csv(
        tmp_path / "heemskerk.csv",
        [
            HEADER,
            *[f"GM0396;VW-2;{y}-H1;;{100 + y - 2020};aantal;;;nee" for y in range(2020, 2025)],
            "GM0396;VW-2;2025-H1;;twaalf;aantal;;;nee",
        ],
    )
    with pytest.raises(RegistrationError) as err:
        read_registrations(path)
    assert "heemskerk.csv, rij 7, kolom waarde: verwacht een getal" in str(err.value)
    assert "kreeg 'twaalf'" in str(err.value)


def test_several_problems_are_all_listed(tmp_path):
    path = write_csv(
        tmp_path / "fout.csv",
        [
            HEADER,
            "0396;VW-2;2024-H1;;10;aantal;;;nee",
            "GM0396;VW-2;2024-H7;;10;aantal;;;misschien",
        ],
        bom=False,
    )
    with pytest.raises(RegistrationError) as err:
        read_registrations(path)
    msg = str(err.value)
    assert "fout.csv, rij 2, kolom gemeente: verwacht een CBS-gemeentecode" in msg
    assert "fout.csv, rij 3, kolom periode" in msg
    assert "fout.csv, rij 3, kolom illustratief: verwacht ja of nee" in msg


def test_missing_columns(tmp_path):
    path = write_csv(tmp_path / "kaal.csv", ["gemeente;periode;waarde", "GM0396;2024;1"])
    with pytest.raises(RegistrationError, match="kolom\\(men\\) ontbreken: eenheid"):
        read_registrations(path)


def test_conflicting_rows_name_both(tmp_path):
    path = write_csv(
        tmp_path / "dubbel.csv",
        [
            HEADER,
            "GM0396;FF-4;2024-H1;;45;aantal;;;nee",
            "GM0396;FF-4;2024-H2;;47;aantal;;;nee",
            "GM0396;FF-4;2024-H1;;45;aantal;;;nee",  # identical: counted once
            "GM0396;FF-4;2024-H1;;52;aantal;;;nee",
        ],
    )
    with pytest.raises(RegistrationError) as err:
        read_registrations(path)
    assert "dubbel.csv, rij 2 en rij 5: tegenstrijdige waarden" in str(err.value)
    assert "45 en 52" in str(err.value)


def test_same_measurement_in_two_files(tmp_path):
    write_csv(tmp_path / "a.csv", [HEADER, "GM0396;FF-4;2024-H1;;45;aantal;;;nee"])
    write_csv(tmp_path / "b.csv", [HEADER, "GM0396;FF-4;2024-H1;;46;aantal;;;nee"])
    with pytest.raises(RegistrationError, match="meer dan één bestand \\(a.csv en b.csv\\)"):
        load_registrations(tmp_path)


def test_negative_count_and_percentage_above_100(tmp_path):
    path = write_csv(
        tmp_path / "grenzen.csv",
        [
            HEADER,
            "GM0396;FF-4;2024-H1;;-3;aantal;;;nee",
            "GM0396;ZW-3;2024-H1;;104,5;%;;;nee",
            "GM0396;ZW-4;2024-H1;;-12,50;euro;;;nee",  # an amount may be negative
        ],
    )
    with pytest.raises(RegistrationError) as err:
        read_registrations(path)
    msg = str(err.value)
    assert "grenzen.csv, rij 2, kolom waarde: verwacht een heel getal van 0 of meer" in msg
    assert "grenzen.csv, rij 3, kolom waarde: verwacht een percentage van 0 tot en met 100" in msg
    assert "rij 4" not in msg


def test_unknown_goal_id_lists_valid_ids(tmp_path, heemskerk):
    path = write_csv(tmp_path / "h.csv", [HEADER, "GM0396;VW-9;2024;;1;%;;;nee"])
    with pytest.raises(RegistrationError) as err:
        read_registrations(path, framework=heemskerk)
    msg = str(err.value)
    assert "h.csv, rij 2, kolom doel: onbekend doel voor GM0396" in msg
    assert "VW-1" in msg and "OO-6" in msg and "kreeg 'VW-9'" in msg
    # without a framework the id cannot be checked and becomes reg_VW-9
    assert read_registrations(path)["indicator"].tolist() == ["reg_VW-9"]


def test_unit_must_match_the_goal(tmp_path, heemskerk):
    path = write_csv(tmp_path / "h.csv", [HEADER, "GM0396;VW-2;2024-H1;;130;%;;;nee"])
    with pytest.raises(RegistrationError, match="kolom eenheid: verwacht 'aantal'"):
        read_registrations(path, framework=heemskerk)


@pytest.mark.parametrize(
    "column,values",
    [
        ("bsn", ["", ""]),
        ("clientnummer", None),  # filled with valid BSNs below
        ("naam", ["J. Jansen", "P. de Boer"]),
        ("geboortedatum", ["12-03-1951", "01-10-2010"]),
    ],
)
def test_personal_data_refused_before_anything_is_written(tmp_path, column, values):
    if values is None:
        values = [_bsn(i) for i in range(2)]
    folder = tmp_path / "registraties"
    folder.mkdir()
    write_csv(
        folder / "export.csv",
        [
            HEADER + f";{column}",
            f"GM0396;FF-4;2024-H1;;45;aantal;;;nee;{values[0]}",
            f"GM0396;FF-4;2024-H2;;47;aantal;;;nee;{values[1]}",
        ],
    )
    with pytest.raises(PersonalDataError) as err:
        load_registrations(folder)
    assert "export.csv" in str(err.value) and f"'{column}'" in str(err.value)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["export.csv"]


def _bsn(seed: int) -> str:
    rng = random.Random(seed)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def test_template_header(project_root):
    header = (project_root / "data" / "raw" / "registraties" / "TEMPLATE.csv").read_text(
        encoding="utf-8"
    )
    assert header.strip().split(";") == list(TEMPLATE_COLUMNS)


def test_illustrative_file_covers_every_registration_goal(project_root, heemskerk):
    folder = project_root / "data" / "raw" / "registraties"
    df = load_registrations(folder, gemeente="GM0396", framework=heemskerk)
    assert df["illustratief"].all()
    assert (df["bron"] == "Illustratieve registratie (geen echte gegevens)").all()
    series = set(df["indicator"])
    for goal in heemskerk.goals:
        if goal.series.startswith("reg_"):
            assert goal.series in series, goal.id
            rows = df[df["indicator"] == goal.series]
            if goal.baseline is not None and goal.baseline.known:
                base = rows[
                    (rows["periode"] == goal.baseline.period_obj.code) & (rows["gebied"] == "")
                ]
                assert base["waarde"].tolist() == [pytest.approx(goal.baseline.value)], goal.id
            else:  # no invented baseline: nothing before the plan
                assert rows["periode_eind"].min().year >= 2024, goal.id
            # the file was made in 2026-H2: nothing after the last half-year that had ended
            assert rows["periode_eind"].max() <= __import__("pandas").Timestamp("2026-06-30")
    per_district = df[df["gebied"] != ""]
    assert {"reg_OO-2", "reg_OO-3"} <= set(per_district["indicator"])
    # OO-5 (GGD monitor, once every four years): after the 2022 baseline the next wave is 2026
    assert df[df["indicator"] == "reg_OO-5"]["periode"].tolist() == ["2022"]
    small = df[(df["eenheid"] == "aantal") & (df["waarde"] < 10) & (df["waarde"] > 0)]
    assert len(small) > 0  # so that suppression shows in the report


def test_illustrative_file_is_reproducible(project_root, tmp_path):
    out = tmp_path / "heemskerk_illustratief.csv"
    subprocess.run(
        [
            sys.executable,
            str(project_root / "scripts" / "make_illustrative_registrations.py"),
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=project_root,
    )
    committed = project_root / "data" / "raw" / "registraties" / "heemskerk_illustratief.csv"
    assert out.read_bytes() == committed.read_bytes()


def test_row_of_a_gemeente_no_framework_monitors_is_refused(tmp_path, heemskerk):
    """As the cleaning stage calls it (gemeente=members, every framework): the GM0397 row used to
    be dropped without a word, and the goal's status came from the other rows only."""
    folder = tmp_path / "registraties"
    folder.mkdir()
    write_csv(
        folder / "export.csv",
        [
            HEADER,
            "GM0396;FF-4;2024-H1;;45;aantal;;;nee",
            "GM0397;FF-4;2024-H2;;12;aantal;;;nee",  # a typo for GM0396
            "GM9999;FF-4;2024-H2;;12;aantal;;;nee",
        ],
    )
    with pytest.raises(RegistrationError) as err:
        load_registrations(folder, gemeente=["GM0396"], framework={"heemskerk": heemskerk})
    msg = str(err.value)
    assert (
        "export.csv, rij 3, kolom gemeente: gemeente GM0397 wordt door geen beleidskader gevolgd "
        "(data/raw/kaders); bedoelt u GM0396 (Heemskerk)? Gevolgde gemeenten: GM0396 (Heemskerk)"
    ) in msg
    assert "kreeg 'GM0397'" in msg
    assert "export.csv, rij 4, kolom gemeente: gemeente GM9999 wordt door geen" in msg
    assert "rij 2" not in msg


def test_rows_of_other_monitored_gemeenten_are_kept_out_of_a_report(tmp_path, project_root):
    from tussenstand.frameworks import load_frameworks

    frameworks = load_frameworks(project_root / "data" / "raw" / "kaders")
    folder = tmp_path / "registraties"
    folder.mkdir()
    header = "gemeente;doel;reeks;periode;waarde;eenheid"
    write_csv(
        folder / "export.csv",
        [
            header,
            "GM0396;FF-4;;2024-H1;45;aantal",
            "GM0400;;reg_x;2024-H1;7;aantal",  # Den Helder (Kop van Noord-Holland)
        ],
    )
    df = load_registrations(folder, gemeente=["GM0396"], framework=frameworks)
    assert df["gemeente"].tolist() == ["GM0396"]
    write_csv(folder / "export.csv", [header, "GM0401;;reg_x;2024-H1;7;aantal"])
    with pytest.raises(RegistrationError) as err:
        load_registrations(folder, gemeente=["GM0396"], framework=frameworks)
    msg = str(err.value)
    assert "rij 2, kolom gemeente: gemeente GM0401 wordt door geen beleidskader gevolgd" in msg
    for code in ("GM0396", "GM0400", "GM0405", "GM0441", "GM0448", "GM1507", "GM1911"):
        assert code in msg
    write_csv(folder / "export.csv", [header, "GM0400;VW-2;;2024-H1;7;aantal"])
    with pytest.raises(RegistrationError) as err:
        load_registrations(folder, gemeente=["GM0400"], framework=frameworks)
    assert (
        "rij 2, kolom doel: onbekend doel voor GM0400; het kader heeft geen doelen; zet een "
        "reekscode in kolom reeks, kreeg 'VW-2'"
    ) in str(err.value)
