"""Numbers in registrations are read right or refused (issue 11, section 2).

Every test writes a real file (CSV with ``;`` and decimal commas, or ``.xlsx`` with openpyxl) and
reads it the way the pipeline does. Expected values are written out by hand from the cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tussenstand.sources.registrations import RegistrationError, read_registrations

HEADER = "gemeente;reeks;periode;waarde;eenheid;opmerking"
XLSX_HEADER = ["gemeente", "reeks", "periode", "waarde", "eenheid"]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    """An .xlsx with the header in row 1; ``formats`` maps a cell (``D2``) to a number format."""
    wb = Workbook()
    ws = wb.active
    ws.append(XLSX_HEADER)
    for row in rows:
        ws.append(row)
    for cell, number_format in (formats or {}).items():
        ws[cell].number_format = number_format
    wb.save(path)
    return path


def refused(path: Path) -> str:
    with pytest.raises(RegistrationError) as err:
        read_registrations(path)
    return str(err.value)


def values(path: Path) -> list[float]:
    return read_registrations(path)["waarde"].tolist()


# ----- 1. plausibility by unit -------------------------------------------------------------------
def test_values_outside_the_range_of_their_unit_are_refused(tmp_path):
    path = write_csv(
        tmp_path / "grenzen.csv",
        [
            "GM0396;reg_a;2024;100,5;%;",
            "GM0396;reg_b;2024;1.000,5;per 1.000 inwoners;",
            "GM0396;reg_c;2024;10001;aantal per 10.000 inwoners van 18 jaar en ouder;",
            "GM0396;reg_d;2024;101;per 100 leerlingen;",
            "GM0396;reg_e;2024;-1;aantal;",
            "GM0396;reg_f;2024;12,5;aantal;",
            "GM0396;reg_g;2024;-0,1;% van jongeren tot 18 jaar;",
            "GM0396;reg_h;2024;-4;per 1.000 jeugdigen;",
            "GM0396;reg_i;2024;-2;nachten;",
        ],
    )
    msg = refused(path)
    assert "(9 probleem/problemen)" in msg
    expected = {
        2: "een percentage van 0 tot en met 100 (eenheid '%'), kreeg '100,5'",
        3: "een aantal per 1.000 van 0 tot en met 1.000 (eenheid 'per 1.000 inwoners'), "
        "kreeg '1.000,5'",
        4: "een aantal per 10.000 van 0 tot en met 10.000",
        5: "een aantal per 100 van 0 tot en met 100",
        6: "een heel getal van 0 of meer, zonder decimalen (eenheid 'aantal'), kreeg '-1'",
        7: "een heel getal van 0 of meer, zonder decimalen (eenheid 'aantal'), kreeg '12,5'",
        8: "een percentage van 0 tot en met 100 (eenheid '% van jongeren tot 18 jaar')",
        9: "een aantal per 1.000 van 0 tot en met 1.000",
        10: "een getal van 0 of meer (eenheid 'nachten'), kreeg '-2'",
    }
    for row, text in expected.items():
        assert f"grenzen.csv, rij {row}, kolom waarde: verwacht {text}" in msg, row


def test_values_on_the_edge_of_their_range_are_read(tmp_path):
    path = write_csv(
        tmp_path / "randen.csv",
        [
            "GM0396;reg_a;2024;100;%;",
            "GM0396;reg_b;2024;0;%;",
            "GM0396;reg_c;2024;1000;per 1.000 inwoners;",
            "GM0396;reg_d;2024;10000;aantal per 10.000 inwoners;",
            "GM0396;reg_e;2024;0;aantal;",
            "GM0396;reg_f;2024;-12,50;euro;",  # an amount may be negative
            "GM0396;reg_g;2024;224,8;nachten;",  # an average stay has decimals
            "GM0396;reg_h;2024;12.500,5;nachten per 1.000 inwoners;",  # nights: no upper bound
        ],
    )
    assert values(path) == [100, 0, 1000, 10000, 0, -12.5, 224.8, 12500.5]


def test_plausibility_in_excel_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "grenzen.xlsx",
        [
            ["GM0396", "reg_a", "2024", 1200.5, "per 1.000 inwoners"],
            ["GM0396", "reg_b", "2024", 80.6, "per 1.000 inwoners"],
        ],
    )
    msg = refused(path)
    assert (
        "grenzen.xlsx, rij 2, kolom waarde: verwacht een aantal per 1.000 van 0 tot en met 1.000 "
        "(eenheid 'per 1.000 inwoners'), kreeg '1200,5'" in msg
    )
    assert "rij 3" not in msg


# ----- 2. ambiguous separators -------------------------------------------------------------------
def test_a_point_with_two_readings_is_refused_and_says_how_to_write_it(tmp_path):
    path = write_csv(
        tmp_path / "punten.csv",
        [
            "GM0396;reg_a;2024;80.605;per 1.000 inwoners;",  # 80605 or 80,605
            "GM0396;reg_b;2024;2.912;euro;",  # 2912 euro or 2,912 euro
            "GM0396;reg_c;2024;1.100;nachten;",  # an average of 1,1 nights exists
            "GM0396;reg_d;2024;10.000;aantal per 10.000 inwoners;",  # 10000 or 10,000
        ],
    )
    msg = refused(path)
    assert (
        "punten.csv, rij 2, kolom waarde: '80.605' is dubbelzinnig: 80605 (punt als scheiding van "
        "duizendtallen) of 80,605 (punt als decimaalteken), een factor 1.000 verschil; schrijf "
        "80605 of 80,605, kreeg '80.605'" in msg
    )
    assert "punten.csv, rij 3, kolom waarde: '2.912' is dubbelzinnig" in msg
    assert "schrijf 2912 of 2,912" in msg
    assert "punten.csv, rij 4, kolom waarde: '1.100' is dubbelzinnig" in msg
    assert "punten.csv, rij 5, kolom waarde: '10.000' is dubbelzinnig" in msg


def test_readings_that_are_not_ambiguous(tmp_path):
    path = write_csv(
        tmp_path / "eenduidig.csv",
        [
            "GM0396;reg_a;2024;1.100;aantal;",  # 1,1 persons cannot be: duizendhonderd
            "GM0396;reg_b;2024;1.000;aantal per wijk;",  # a whole count too
            "GM0396;reg_c;2024;1.234.567;euro;",  # several groups: thousands
            "GM0396;reg_d;2024;1.234,5;euro;",  # point and comma: thousands and decimals
            "GM0396;reg_e;2024;80,605;per 1.000 inwoners;",
            "GM0396;reg_f;2024;80605;euro;",
            "GM0396;reg_g;2024;0.605;per 1.000 inwoners;",  # a leading 0 is no thousands group
            "GM0396;reg_h;2024;13601.04;euro;",  # two digits after the point: a decimal point
        ],
    )
    assert values(path) == [1100, 1000, 1234567, 1234.5, 80.605, 80605, 0.605, 13601.04]


def test_excel_text_cells_follow_the_same_rule(tmp_path):
    path = write_xlsx(
        tmp_path / "tekst.xlsx",
        [
            ["GM0396", "reg_a", "2024", "80.605", "per 1.000 inwoners"],
            ["GM0396", "reg_b", "2024", "1.100", "aantal"],
        ],
    )
    msg = refused(path)
    assert "tekst.xlsx, rij 2, kolom waarde: '80.605' is dubbelzinnig" in msg
    assert "rij 3" not in msg
    path.unlink()
    write_xlsx(path, [["GM0396", "reg_b", "2024", "1.100", "aantal"]])
    assert values(path) == [1100]


# ----- 3. Excel cells formatted as a percentage --------------------------------------------------
def test_excel_percentage_cells_are_read_as_shown(tmp_path):
    path = write_xlsx(
        tmp_path / "procenten.xlsx",
        [
            ["GM0396", "reg_a", "2024", 0.586, "%"],  # formatted 0.0%: Excel shows 58,6%
            ["GM0396", "reg_b", "2024", 58.6, "%"],  # a plain number cell
            ["GM0396", "reg_c", "2024", "58,6", "%"],  # a text cell
            ["GM0396", "reg_d", "2024", 1, "% van jongeren tot 18 jaar"],  # formatted 0%: 100%
            ["GM0396", "reg_e", "2024", 58.6, "%"],  # formatted 0.0"%": a sign, no scaling
        ],
        formats={"D2": "0.0%", "D5": "0%", "D6": '0.0"%"'},
    )
    assert values(path) == pytest.approx([58.6, 58.6, 58.6, 100, 58.6])


def test_excel_percentage_cells_that_cannot_be_right_are_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "procenten.xlsx",
        [
            ["GM0396", "reg_a", "2024", 0.586, "aantal"],  # a count shown as 59%
            ["GM0396", "reg_b", "2024", 58.6, "%"],  # typed 58,6 in a 0.0% cell: shows 5860,0%
            ["GM0396", "reg_c", "2024", 0.0075, "per 1.000 inwoners"],
        ],
        formats={"D2": "0%", "D3": "0.0%", "D4": "0.00%"},
    )
    msg = refused(path)
    assert (
        "procenten.xlsx, rij 2, kolom waarde: de cel is in Excel opgemaakt als percentage "
        "(opgeslagen 0,586, getoond 58,6%), maar eenheid 'aantal' is geen percentage" in msg
    )
    assert (
        "procenten.xlsx, rij 3, kolom waarde: verwacht een percentage van 0 tot en met 100 "
        "(eenheid '%'), kreeg '5860%'" in msg
    )
    assert "procenten.xlsx, rij 4, kolom waarde: de cel is in Excel opgemaakt als percentage" in msg


def test_percent_and_euro_signs_must_fit_the_unit(tmp_path):
    path = write_csv(
        tmp_path / "tekens.csv",
        [
            "GM0396;reg_a;2024;58,6 %;%;",
            "GM0396;reg_b;2024;€ 2.912,50;euro;",
            "GM0396;reg_c;2024;58%;aantal;",
            "GM0396;reg_d;2024;€ 12;per 1.000 inwoners;",
        ],
    )
    msg = refused(path)
    assert "tekens.csv, rij 4, kolom waarde: een %-teken past niet bij eenheid 'aantal'" in msg
    assert (
        "tekens.csv, rij 5, kolom waarde: een €-teken past niet bij eenheid 'per 1.000 inwoners'"
        in msg
    )
    assert "rij 2" not in msg and "rij 3" not in msg


# ----- odd cells: read or refused with a message, never a Python error ----------------------------
def test_odd_csv_cells(tmp_path):
    nbsp, narrow = "\u00a0", "\u202f"
    path = write_csv(
        tmp_path / "vreemd.csv",
        [
            "GM0396;reg_a;2024;  48,1  ;%;",
            f"GM0396;reg_b;2024;1{nbsp}100;aantal;",  # a space between thousands
            "GM0396;reg_c;2024;\u221212,50;euro;",  # U+2212 minus
            f"GM0396;reg_d;2024;\u2212{narrow}€ 3.121,76;euro;",
            "GM0396;reg_e;2024;+5;aantal;",
            "GM0396;reg_f;2024;;aantal;nog niet bekend",
        ],
    )
    df = read_registrations(path)
    assert df["waarde"].tolist()[:5] == [48.1, 1100, -12.5, -3121.76, 5]
    assert df["ontbreekt_reden"].iloc[5] == "Registratie: geen waarde aangeleverd: nog niet bekend"


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("1,2E+03", "'1,2E+03' is wetenschappelijke notatie"),
        ("1.5e3", "'1.5e3' is wetenschappelijke notatie"),
        ("#DEEL/0!", "de cel bevat de Excel-foutwaarde '#DEEL/0!'"),
        ("12 5", "verwacht een getal (1234, 1.234.567, 13.601,04 of 48,1)"),
        ("–", "verwacht een getal (1234, 1.234.567, 13.601,04 of 48,1), of een lege cel met de"),
        ("1,234.5", "verwacht een getal"),
        ("€", "verwacht een getal"),
        ("--5", "verwacht een getal"),
    ],
)
def test_odd_csv_cells_that_are_refused(tmp_path, cell, expected):
    path = write_csv(tmp_path / "vreemd.csv", [f"GM0396;reg_a;2024;{cell};euro;"])
    assert f"vreemd.csv, rij 2, kolom waarde: {expected}" in refused(path)


def test_empty_files_are_refused_with_the_template_columns(tmp_path):
    (tmp_path / "leeg.csv").write_bytes(b"")
    Workbook().save(tmp_path / "leeg.xlsx")
    for name in ("leeg.csv", "leeg.xlsx"):
        msg = refused(tmp_path / name)
        assert f"{name}: de registratie volgt het sjabloon niet" in msg
        assert "kolom(men) ontbreken: gemeente, periode, waarde, eenheid" in msg


def test_odd_excel_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(XLSX_HEADER)
    ws.append(["GM0396", "reg_a", "2024", None, "aantal"])  # empty: missing
    ws.append(["GM0396", "reg_b", "2024", "=1+1", "aantal"])  # formula, no stored result
    ws.append(["GM0396", "reg_c", "2024", True, "aantal"])
    ws.append(["GM0396", "reg_d", "2024", "#DIV/0!", "aantal"])  # an Excel error value
    ws.append(["GM0396", "reg_e", "2024", "   ", "aantal"])  # only spaces: missing
    wb.save(tmp_path / "vreemd.xlsx")
    msg = refused(tmp_path / "vreemd.xlsx")
    assert "vreemd.xlsx, rij 3, kolom waarde: de cel bevat een formule zonder opgeslagen" in msg
    ws["D3"] = 2
    wb.save(tmp_path / "vreemd.xlsx")
    msg = refused(tmp_path / "vreemd.xlsx")
    assert "vreemd.xlsx, rij 4, kolom waarde: verwacht een getal, geen ja/nee-waarde" in msg
    assert "vreemd.xlsx, rij 5, kolom waarde: de cel bevat de Excel-foutwaarde '#DIV/0!'" in msg
    ws.delete_rows(4, 2)
    wb.save(tmp_path / "vreemd.xlsx")
    df = read_registrations(tmp_path / "vreemd.xlsx")
    assert df["indicator"].tolist() == ["reg_a", "reg_b", "reg_e"]
    assert df["waarde"].isna().tolist() == [True, False, True]
    assert df["waarde"].iloc[1] == 2


def test_a_file_that_is_no_excel_file_is_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text("gemeente;reeks\nGM0396;reg_a\n", encoding="utf-8")  # a CSV renamed to .xlsx
    assert "geen leesbaar Excel-bestand" in refused(path)
