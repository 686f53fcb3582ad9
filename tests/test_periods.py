from datetime import date

import pytest

from tussenstand.periods import (
    Period,
    PeriodError,
    parse_period,
    parse_period_label,
    parse_report_period,
)


@pytest.mark.parametrize(
    "label, code",
    [
        ("2023", "2023"),
        ("2023JJ00", "2023"),
        ("1e halfjaar 2023", "2023-H1"),
        ("2e halfjaar 2023", "2023-H2"),
        ("1e half jaar 2024", "2024-H1"),
        ("2023HJ01", "2023-H1"),
        ("1e kwartaal 2015", "2015-Q1"),
        ("2023KW04", "2023-Q4"),
        ("2023MM01", "2023-01"),
        ("2023 januari", "2023-01"),
        ("september 2024", "2024-09"),
        ("2026-2027", "2026/2027"),
        ("schooljaar 2026-2027", "2026/2027"),
        ("  2024-H2 ", "2024-H2"),
    ],
)
def test_every_label_in_cbs_files_and_plans_maps_to_one_model(label, code):
    assert parse_period(label).code == code


def test_provisional_mark_is_reported():
    parsed = parse_period_label("2024*")
    assert parsed.provisional and parsed.period == Period.of_year(2024)
    assert not parse_period_label("2024").provisional


def test_school_year_runs_august_to_july():
    p = parse_period("2026-2027")
    assert (p.start, p.end) == (date(2026, 8, 1), date(2027, 7, 31))
    assert p.label_nl == "schooljaar 2026-2027"


def test_dutch_labels():
    assert parse_period("2024-H2").label_nl == "2e halfjaar 2024"
    assert parse_period("2015-Q1").label_nl == "1e kwartaal 2015"
    assert parse_period("2023-03").label_nl == "maart 2023"


def test_decimal_year_places_periods_on_one_axis():
    assert parse_period("2024").decimal_year("end") == pytest.approx(2025.0)
    assert parse_period("2024-H1").decimal_year("end") == pytest.approx(2024.497, abs=1e-3)
    assert parse_period("2024-H1") < parse_period("2024-H2")


@pytest.mark.parametrize("bad", ["2026-H3", "26", "2026-2028", "13e halfjaar 2020", "2023MM13", ""])
def test_bad_labels_are_refused_with_examples(bad):
    with pytest.raises(PeriodError, match="onbekende periode|ongeldige"):
        parse_period(bad)


@pytest.mark.parametrize("bad", ["2026-H3", "26", "2026-Q1", "2026-01"])
def test_report_periods_are_years_or_half_years_only(bad):
    with pytest.raises(PeriodError) as info:
        parse_report_period(bad)
    assert "YYYY-H1" in str(info.value) and repr(bad) in str(info.value)


def test_report_period_accepts_year_and_halves():
    assert parse_report_period("2026-H2") == Period.of_half(2026, 2)
    assert parse_report_period("2027") == Period.of_year(2027)
