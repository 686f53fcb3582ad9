"""Dutch formats as a reader sees them: exact strings."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tussenstand.nlformat import (
    MINUS,
    MISSING,
    MISSING_TEXT,
    NBSP,
    fmt_change,
    fmt_date,
    fmt_euro,
    fmt_int,
    fmt_list,
    fmt_number,
    fmt_percent,
    fmt_period,
    fmt_period_short,
    fmt_value,
)
from tussenstand.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (39450, {}, "39.450"),  # Heemskerk, 1 January 2024 (plan)
        (13601.04, {}, "13.601,04"),
        (195.2, {}, "195,2"),
        (195.20, {}, "195,2"),  # trailing zeros dropped when decimals=None
        (1 / 3, {}, "0,33"),
        (45128079, {}, "45.128.079"),
        (740, {"decimals": 1}, "740,0"),
        (2.675, {"decimals": 2}, "2,68"),  # half-up on the printed value, not banker's rounding
        (0.125, {"decimals": 2}, "0,13"),
        (1234.5, {"decimals": 0}, "1.235"),
        (-0.5, {}, f"{MINUS}0,5"),
        (-1234567.891, {"decimals": 1}, f"{MINUS}1.234.567,9"),
        (-0.004, {}, "0"),  # no negative zero
        (0.96, {"max_decimals": 1}, "1"),
        (np.float64(3.0), {}, "3"),
        (np.int64(12345), {}, "12.345"),
        (Decimal("0.05"), {"decimals": 1}, "0,1"),
    ],
)
def test_fmt_number(value, kwargs, expected):
    assert fmt_number(value, **kwargs) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_are_an_en_dash_or_the_given_text(missing):
    assert MISSING == "\u2013"
    assert fmt_number(missing) == "\u2013"
    assert fmt_percent(missing) == "\u2013"
    assert fmt_euro(missing) == "\u2013"
    assert fmt_value(missing, "per 10.000 inwoners") == "\u2013"
    assert fmt_change(missing) == "\u2013"
    assert fmt_date(missing) == "\u2013"
    assert fmt_number(missing, missing=MISSING_TEXT) == "geen meting"


def test_fmt_int():
    assert fmt_int(39450) == "39.450"
    assert fmt_int(39449.5) == "39.450"
    assert fmt_int(7) == "7"


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (23.7, {}, "23,7%"),  # share of 65+ in Heemskerk 2024 (plan)
        (0.3, {}, "0,3%"),
        (0.237, {"is_fraction": True}, "23,7%"),
        (0.003, {"is_fraction": True}, "0,3%"),
        (4352650 / 45128079 * 100, {}, "9,6%"),  # 'Ontmoeten en omzien' in the Heemskerk budget
        (0.25, {}, "0,3%"),  # half-up
        (12, {"decimals": 0}, "12%"),
        (-2, {}, f"{MINUS}2,0%"),
        (100, {}, "100,0%"),
    ],
)
def test_fmt_percent(value, kwargs, expected):
    assert fmt_percent(value, **kwargs) == expected


def test_fmt_euro_uses_babels_dutch_currency_pattern():
    assert fmt_euro(45128079) == f"€{NBSP}45.128.079"
    assert fmt_euro(4352650) == "€\u00a04.352.650"
    assert fmt_euro(13601.04, 2) == f"€{NBSP}13.601,04"
    assert fmt_euro(1874008.4) == f"€{NBSP}1.874.008"
    assert fmt_euro(-1500) == f"€{NBSP}{MINUS}1.500"
    assert fmt_euro(45128079).replace(NBSP, " ") == "€ 45.128.079"
    with pytest.raises(ValueError, match="0 of 2 decimalen"):
        fmt_euro(1, 3)


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1.2, {}, "+1,2"),
        (-0.5, {}, f"{MINUS}0,5"),
        (0, {}, "0,0"),
        (-0.04, {}, "0,0"),
        (1234.5, {"decimals": 0}, "+1.235"),
        (2.25, {"suffix": " procentpunt"}, "+2,3 procentpunt"),
    ],
)
def test_fmt_change(value, kwargs, expected):
    assert fmt_change(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "unit", "with_unit", "expected"),
    [
        (23.7, "%", False, "23,7%"),
        (12.34, "% van jongeren tot 18 jaar", True, "12,3% van jongeren tot 18 jaar"),
        (12.34, "% van jongeren tot 18 jaar", False, "12,3%"),
        (45128079, "euro", False, f"€{NBSP}45.128.079"),
        (195.24, "per 10.000 inwoners", False, "195,2"),
        (740.0, "per 10.000 inwoners", True, "740 per 10.000 inwoners"),
        (39450, "aantal", True, "39.450"),  # the bare unit 'aantal' is not repeated
        (1234, "nachten", True, "1.234 nachten"),
        (7.45, "rapportcijfer", True, "7,45 rapportcijfer"),
        (3.5, "", True, "3,5"),
        (2.0, None, False, "2"),
    ],
)
def test_fmt_value_picks_by_unit(value, unit, with_unit, expected):
    assert fmt_value(value, unit, with_unit=with_unit) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (date(2026, 11, 23), "long", "23 november 2026"),
        (date(2026, 3, 12), "long", "12 maart 2026"),
        ("2026-03-12", "long", "12 maart 2026"),
        (datetime(2026, 3, 12, 14, 30), "long", "12 maart 2026"),
        (pd.Timestamp("2024-01-01"), "long", "1 januari 2024"),
        (date(2026, 3, 12), "short", "12-03-2026"),
        (date(2026, 3, 12), "medium", "12 mrt 2026"),
    ],
)
def test_fmt_date(value, fmt, expected):
    assert fmt_date(value, fmt) == expected


def test_fmt_date_rejects_bad_text():
    with pytest.raises(ValueError, match="ongeldige datum '12 maart'"):
        fmt_date("12 maart")
    assert fmt_date("") == MISSING


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-H2", "2e halfjaar 2024"),
        (Period.of_half(2023, 1), "1e halfjaar 2023"),
        ("1e half jaar 2024", "1e halfjaar 2024"),
        ("2023*", "2023 (voorlopig)"),
        (2026, "2026"),
        ("2026/2027", "schooljaar 2026-2027"),
        ("2023KW01", "1e kwartaal 2023"),
    ],
)
def test_fmt_period(value, expected):
    assert fmt_period(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", "2024"),
        ("2024-H2", "2e hj\n2024"),
        ("2024-Q3", "3e kw\n2024"),
        # the Dutch abbreviations (Taalunie): mrt, not the first three letters 'maa'
        ("2024-03", "mrt\n2024"),
        ("2024-05", "mei\n2024"),
        ("2024-10", "okt\n2024"),
        ("2025/2026", "2025-\n2026"),
        (Period.of_month(2023, 6), "jun\n2023"),
    ],
)
def test_fmt_period_short(value, expected):
    assert fmt_period_short(value) == expected


def test_fmt_period_short_on_one_line():
    assert fmt_period_short("2024-03", sep=" ") == "mrt 2024"


def test_fmt_period_provisional_and_errors():
    assert fmt_period("2024-H1", provisional=True) == "1e halfjaar 2024 (voorlopig)"
    with pytest.raises(PeriodError, match="onbekende periode"):
        fmt_period("ergens in 2024")


def test_fmt_list():
    assert fmt_list([]) == ""
    assert fmt_list(["Heemskerk"]) == "Heemskerk"
    assert fmt_list(["Heemskerk", "Nederland"]) == "Heemskerk en Nederland"
    assert fmt_list(["a", "b", "c"]) == "a, b en c"


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="'veel' is geen getal"):
        fmt_number("veel")
    with pytest.raises(ValueError, match="oneindige waarde"):
        fmt_number(math.inf)
    with pytest.raises(TypeError, match="ja/nee-waarde"):
        fmt_number(True)


def test_a_share_the_source_rounded_is_a_whole_percent():
    from tussenstand.nlformat import ROUNDED_PERCENT_UNIT, value_unit

    assert fmt_value(24.0, ROUNDED_PERCENT_UNIT) == "24%"  # never 24,0%
    assert fmt_value(24.0, ROUNDED_PERCENT_UNIT, with_unit=True) == "24%"
    assert fmt_value(23.697, "%") == "23,7%"  # an exact share keeps its decimal
    # the row's own unit decides the precision when the indicator's unit is plain '%'
    assert value_unit(ROUNDED_PERCENT_UNIT, "%") == ROUNDED_PERCENT_UNIT
    assert value_unit("%", "% van de inwoners") == "% van de inwoners"
    assert value_unit(None, "%") == "%"


def test_a_counted_noun_per_inhabitants_keeps_its_name():
    unit = "uitkeringen per 10.000 inwoners van 18 jaar en ouder"
    assert fmt_value(116.7004, unit) == "116,7"
    assert fmt_value(116.7004, unit, with_unit=True) == f"116,7 {unit}"
