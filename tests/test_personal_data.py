"""Personal data inside cells (free text such as ``opmerking`` and ``bron``): BSN by the elfproef,
e-mail addresses, Dutch phone numbers, dates of birth. Real registration files (CSV and ``.xlsx``
written with openpyxl) are refused naming file, row and column, and the message never repeats
the value."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tussenstand.disclosure import (
    PersonalDataError,
    find_personal_data,
    is_valid_bsn,
    personal_data_in_text,
    redact_personal_data,
)
from tussenstand.sources.registrations import load_registrations, read_registrations

HEADER = "gemeente;doel;periode;gebied;waarde;eenheid;bron;opmerking;illustratief"
TODAY = date(2026, 7, 1)
# 111222333 and 123456782 pass the elfproef (9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11, and
# 9*1+8*2+7*3+6*4+5*5+4*6+3*7+2*8-1*2 = 154 = 14*11); 123456789 does not (161 is not a multiple)
BSN = "123456782"
NOT_BSN = "123456789"


def test_the_bsns_used_here_are_what_the_comments_say():
    assert is_valid_bsn(BSN) and is_valid_bsn("111222333") and not is_valid_bsn(NOT_BSN)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _assert_not_echoed(message: str, value: str) -> None:
    """Neither the value nor its digits (for numbers written with separators) are in the text."""
    assert value not in message, value
    digits = _digits(value)
    if len(digits) >= 6:
        assert digits not in _digits(message), value


# ----- rules on one cell ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, kind",
    [
        (f"cliënt {BSN} is verhuisd", "bsn"),
        ("bsn 1234.56.782", "bsn"),
        ("vragen: p.jansen@heemskerk.nl", "e-mail"),
        ("bel 06-12345678", "telefoon"),
        ("06 1234 5678", "telefoon"),
        ("+31 6 1234 5678", "telefoon"),
        ("+31(0)20-1234567", "telefoon"),
        ("0031 20 123 4567", "telefoon"),
        ("020-1234567", "telefoon"),
        ("0251 12 34 56", "telefoon"),
        ("(020) 123 4567", "telefoon"),
        ("geb. 12-03-1985", "geboren"),
        ("geboren op 1 maart 1985", "geboren"),
        ("geboortedatum 1985-03-12", "geboren"),
        ("geb 12-3-85", "geboren"),
        ("aanvraag 12-03-1985 afgewezen", "datum"),
        ("stand per 30-06-2026", "datum"),  # a date in free text may be a birth date
    ],
)
def test_personal_data_in_free_text(text, kind):
    assert kind in personal_data_in_text(text, free_text=True, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "stand aan het einde van de periode",
        "toekenningen in de 12 maanden tot en met het einde van de periode",
        "nulmeting uit het beleidsplan",
        "schooljaar 2023/2024, cijfers 2024-H1",
        "Jeugdfonds Sport & Cultuur",
        "ca. 1.100 huishoudens (CBS 85383NED, GM0396)",
        "informatielijn 0800-1234",  # a service number of 8 digits, not a person's
        f"dossier {NOT_BSN}",  # nine digits that fail the elfproef
        "bedrag 123456782,50",  # a decimal number, not an identifier
        "verwacht per 01-01-2027",  # in the future: nobody is born then
        "gemeten in juni 2026",  # month and year: not a full date
    ],
)
def test_ordinary_notes_pass(text):
    assert personal_data_in_text(text, free_text=True, today=TODAY) == []


def test_a_date_outside_free_text_is_personal_only_next_to_a_word_for_birth():
    assert personal_data_in_text("2026-07-15", free_text=False, today=TODAY) == []
    assert personal_data_in_text("2026-06-15", free_text=False, today=TODAY) == []
    assert personal_data_in_text("geb. 2012-06-15", free_text=False, today=TODAY) == ["geboren"]
    # a date more than 110 years ago is not a living person's date of birth
    assert personal_data_in_text("01-01-1900", free_text=True, today=TODAY) == []


def test_name_column_message_names_rows_not_names():
    names = ["Jan de Vries", "Maria van den Berg", "J.P. Jansen"]
    df = pd.DataFrame({"contact": names})
    (finding,) = find_personal_data(df, today=TODAY, rows=[2, 4, 5])
    assert finding.kind == "naam" and finding.rows == ()
    assert "rijen 2, 4 en 5" in finding.reason
    for name in names:
        assert name not in finding.reason


# ----- real files ----------------------------------------------------------------------------
CSV_CASES = [
    ("opmerking", f"cliënt {BSN} is verhuisd", "burgerservicenummers"),
    ("opmerking", "bsn 1234.56.782", "burgerservicenummers"),
    ("opmerking", "vragen aan p.jansen@heemskerk.nl", "e-mailadres"),
    ("opmerking", "terugbellen 06-12345678", "telefoonnummer"),
    ("bron", "Suite4SD, contact +31 6 1234 5678", "telefoonnummer"),
    ("opmerking", "mevrouw geb. 12-03-1951 verhuisd", "geboortedatum"),
    ("opmerking", "aanvraag van 12 maart 1951", "geboortedatum"),
    ("bron", "export 020-1234567", "telefoonnummer"),
]


@pytest.mark.parametrize("column, text, what", CSV_CASES)
def test_csv_with_personal_data_in_free_text_is_refused_by_row(tmp_path, column, text, what):
    folder = tmp_path / "registraties"
    folder.mkdir()
    opmerking = text if column == "opmerking" else ""
    bron = text if column == "bron" else "Suite4SD"
    write_csv(
        folder / "export.csv",
        [
            HEADER,
            "GM0396;FF-4;2024-H1;;45;aantal;Suite4SD;stand aan het einde van de periode;nee",
            "",  # a blank line still counts as a row of the file
            f"GM0396;FF-4;2024-H2;;47;aantal;{bron};{opmerking};nee",
        ],
    )
    with pytest.raises(PersonalDataError) as err:
        load_registrations(folder)
    message = str(err.value)
    assert "export.csv: dit bestand lijkt persoonsgegevens te bevatten" in message
    assert f"kolom '{column}', rij 4:" in message  # header = row 1, blank line = row 3
    assert what in message
    _assert_not_echoed(message, text)
    # nothing was written next to the raw file
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["export.csv"]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["gemeente", "doel", "periode", "gebied", "waarde", "eenheid", "bron", "opmerking"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_with_personal_data_in_cells_names_every_row_and_column(tmp_path):
    path = _xlsx(
        tmp_path / "export.xlsx",
        [
            ["GM0396", "FF-4", "2024-H1", None, 45, "aantal", "Suite4SD", "stand"],
            # Excel stores a typed date as a date cell, a typed number as a number
            ["GM0396", "FF-4", "2024-H2", None, 47, "aantal", "Suite4SD", datetime(1951, 3, 12)],
            ["GM0396", "FF-4", "2025-H1", None, 49, "aantal", "Suite4SD", int(BSN)],
            ["GM0396", "FF-4", "2025-H2", None, 50, "aantal", "tel. 0251-123456", ""],
            ["GM0396", "FF-1", "2024", None, 5400, "aantal", "Suite4SD", "j.devries@example.org"],
        ],
    )
    with pytest.raises(PersonalDataError) as err:
        read_registrations(path)
    message = str(err.value)
    assert message.startswith("export.xlsx: ")
    assert "kolom 'opmerking', rij 3: bevat een volledige datum" in message
    assert "kolom 'opmerking', rij 4: bevat een negencijferig nummer" in message
    assert "kolom 'opmerking', rij 6: bevat een e-mailadres" in message
    assert "kolom 'bron', rij 5: bevat een telefoonnummer" in message
    for value in ("12-03-1951", "1951-03-12", BSN, "0251-123456", "j.devries@example.org"):
        _assert_not_echoed(message, value)


def test_a_header_that_is_itself_personal_is_named_by_position(tmp_path):
    path = write_csv(
        tmp_path / "export.csv",
        [
            HEADER + ";p.jansen@heemskerk.nl",
            "GM0396;FF-4;2024-H1;;45;aantal;Suite4SD;;nee;",
        ],
    )
    with pytest.raises(PersonalDataError) as err:
        read_registrations(path)
    message = str(err.value)
    assert "kolom 10: de kopregel zelf lijkt een persoonsgegeven" in message
    assert "jansen" not in message


def test_ordinary_registration_notes_and_future_dates_are_read(tmp_path):
    path = write_csv(
        tmp_path / "export.csv",
        [
            HEADER,
            "GM0396;FF-4;2024-H1;;45;aantal;Suite4SD, informatielijn 0800-1234;"
            "toekenningen in de 12 maanden tot en met het einde van de periode;nee",
            "GM0396;FF-4;2024-H2;;;aantal;Suite4SD;cijfer volgt, verwacht per 01-01-2099;nee",
            f"GM0396;FF-1;2024;;5.400;aantal;CBS 85383NED;dossier {NOT_BSN} (geen BSN);nee",
        ],
    )
    df = read_registrations(path)
    assert df["waarde"].tolist()[0] == 45 and len(df) == 3


def test_the_illustrative_registrations_pass(project_root):
    path = project_root / "data" / "raw" / "registraties" / "heemskerk_illustratief.csv"
    assert len(read_registrations(path)) > 100


# ----- redaction of what a failed run keeps -----------------------------------------------------
def test_redaction_removes_every_kind_and_keeps_the_rest():
    text = (
        "RegistrationError: export.csv, rij 4, kolom gebied: onbekende wijk, kreeg 'Jan de Vries'; "
        f"ook 06-12345678, p.jansen@heemskerk.nl, {BSN}, 1234.56.782 en geb. 12-3-51; "
        f"dossier {NOT_BSN}, periode 2024-H1, 45 aantal"
    )
    out = redact_personal_data(text)
    for value in (
        "Jan de Vries",
        "06-12345678",
        "p.jansen@heemskerk.nl",
        BSN,
        "1234.56.782",
        "12-3-51",
    ):
        assert value not in out, value
    for kept in ("export.csv, rij 4, kolom gebied", NOT_BSN, "2024-H1", "45 aantal"):
        assert kept in out, kept


def test_columns_of_bsns_birth_dates_and_names_name_their_rows_not_their_values(tmp_path):
    """Whole columns of personal data (an .xlsx as a municipality exports it): the message names
    the rows; none of the BSNs, dates or names."""
    bsns = [BSN, "111222333", "100000009"]
    names = ["Jan de Vries", "Maria van den Berg", "J.P. Jansen"]
    births = [datetime(1951, 3, 12), datetime(1988, 12, 24), datetime(2012, 6, 30)]
    assert all(is_valid_bsn(b) for b in bsns)
    wb = Workbook()
    ws = wb.active
    ws.append(["gemeente", "doel", "periode", "waarde", "eenheid", "klantnr", "contact", "geboren"])
    for i, (bsn, name, birth) in enumerate(zip(bsns, names, births, strict=True)):
        ws.append(["GM0396", "FF-4", f"202{i + 3}", 45 + i, "aantal", int(bsn), name, birth])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    with pytest.raises(PersonalDataError) as err:
        read_registrations(path)
    message = str(err.value)
    assert "kolom 'klantnr': 3 van de 3 waarden zijn negencijferige nummers" in message
    assert "kolom 'contact': 3 van de 3 waarden zien eruit als namen van personen" in message
    assert "kolom 'geboren': de kolomnaam wijst op geboorte" in message
    assert message.count("(rijen 2, 3 en 4)") == 3
    for value in [*bsns, *names, "1951", "1988-12-24", "24-12-1988"]:
        _assert_not_echoed(message, value)
