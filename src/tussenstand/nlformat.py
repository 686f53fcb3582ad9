"""Dutch formatting of everything a reader sees: numbers, percentages, money, dates and periods.

All formatting goes through Babel with the ``nl_NL`` locale; the process locale is never touched
(``locale.setlocale`` is not thread-safe and differs per machine).

Conventions (pinned by ``tests/test_nlformat.py``):

- Thousands separator ``.``, decimal comma: ``39.450``, ``13.601,04``.
- Rounding is half-up (as a reader rounds by hand, and as CBS rounds), on the decimal value that
  the float prints as: ``2,675`` to two decimals is ``2,68``.
- Negative numbers carry the real minus sign U+2212 (``−0,5``), everywhere: in numbers, changes,
  percentages and money. It is what matplotlib puts on axes, screen readers read it as "min", and
  it cannot be mistaken for a dash. A value that rounds to zero gets no sign (``0,0``, never
  ``−0,0``).
- Percentages as Babel's ``nl_NL`` pattern: no space before the sign: ``23,7%``. A share that its
  source publishes rounded to whole percents (unit :data:`ROUNDED_PERCENT_UNIT`) is shown as a
  whole percent (``24%``): a decimal would suggest a precision the source does not have.
- Money as Babel's ``nl_NL`` currency pattern: ``€`` + no-break space (U+00A0) + amount:
  ``€\u00a045.128.079``. The no-break space keeps the sign and the amount on one line in tables and
  PDF; compare with :data:`NBSP` in tests, or normalise with ``.replace(NBSP, " ")``.
- A missing value (``None``, ``NaN``, ``pd.NA``, ``NaT``) is :data:`MISSING` (an en dash ``–``), the
  usual table convention. Every function takes ``missing=`` for another text; in running text use
  ``missing=MISSING_TEXT`` (``geen meting``).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import get_month_names as _babel_month_names
from babel.lists import format_list as _babel_format_list
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent

from tussenstand.periods import Period, parse_period_label

LOCALE = "nl_NL"
MINUS = "\u2212"
NBSP = "\u00a0"
MISSING = "\u2013"
MISSING_TEXT = "geen meting"
#: the unit of a share its source publishes rounded to whole percents (the wijk- en buurtkaart)
ROUNDED_PERCENT_UNIT = "% (afgerond op hele procenten)"

_LOCALE = Locale.parse(LOCALE)

__all__ = [
    "LOCALE",
    "MINUS",
    "MISSING",
    "MISSING_TEXT",
    "NBSP",
    "ROUNDED_PERCENT_UNIT",
    "fmt_change",
    "fmt_date",
    "fmt_euro",
    "fmt_int",
    "fmt_list",
    "fmt_number",
    "fmt_percent",
    "fmt_period",
    "fmt_period_short",
    "fmt_value",
    "is_missing",
    "parse_number",
    "value_unit",
]


# ----- helpers ------------------------------------------------------------------------------
def is_missing(x: object) -> bool:
    """True for ``None``, float NaN, ``pd.NA`` and ``pd.NaT`` (without importing pandas)."""
    if x is None:
        return True
    if isinstance(x, float | Decimal):
        return x != x  # NaN
    try:
        # pd.NA and pd.NaT: comparing raises or is not True; both report themselves missing here
        return bool(x != x)
    except (TypeError, ValueError):
        return type(x).__name__ in {"NAType", "NaTType"}


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, bool):
        raise TypeError(f"waarde {x!r} is een ja/nee-waarde, geen getal")
    if isinstance(x, Decimal):
        value = x
    elif isinstance(x, int):
        value = Decimal(x)
    else:
        try:
            f = float(x)  # numpy scalars, str numbers
        except (TypeError, ValueError) as exc:
            raise TypeError(f"waarde {x!r} is geen getal") from exc
        if math.isinf(f):
            raise ValueError(f"kan oneindige waarde {x!r} niet opmaken (deling door nul?)")
        value = Decimal(repr(f))
    if not value.is_finite():
        raise ValueError(f"kan waarde {x!r} niet opmaken")
    return value


def _round(value: Decimal, decimals: int) -> Decimal:
    try:
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - absurdly large numbers
        raise ValueError(f"kan {value} niet afronden op {decimals} decimalen") from exc
    return abs(rounded) if rounded == 0 else rounded  # no negative zero


def _pattern(decimals: int | None, max_decimals: int) -> str:
    if decimals is None:
        return "#,##0" + ("." + "#" * max_decimals if max_decimals else "")
    if decimals < 0:
        raise ValueError(f"aantal decimalen moet 0 of meer zijn, niet {decimals}")
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


# ----- numbers --------------------------------------------------------------------------------
def fmt_number(
    x: object, decimals: int | None = None, *, max_decimals: int = 2, missing: str = MISSING
) -> str:
    """A number in Dutch notation.

    ``decimals=None`` (default): as many decimals as the value needs, at most ``max_decimals``
    (default 2), trailing zeros dropped: ``39450`` -> ``39.450``, ``13601.04`` -> ``13.601,04``,
    ``195.2`` -> ``195,2``, ``1/3`` -> ``0,33``. ``decimals=n``: exactly ``n`` decimals
    (``fmt_number(740, 1)`` -> ``740,0``).
    """
    if is_missing(x):
        return missing
    places = max_decimals if decimals is None else decimals
    value = _round(_to_decimal(x), places)
    text = _babel_format_decimal(value, format=_pattern(decimals, max_decimals), locale=LOCALE)
    return _minus(text)


def fmt_int(x: object, *, missing: str = MISSING) -> str:
    """A whole number (rounded half-up): ``39450`` -> ``39.450``."""
    return fmt_number(x, 0, missing=missing)


def fmt_percent(
    x: object, decimals: int = 1, *, is_fraction: bool = False, missing: str = MISSING
) -> str:
    """A percentage with a fixed number of decimals: ``23.7`` -> ``23,7%``.

    ``x`` is in percent (``23.7``) unless ``is_fraction=True`` (``0.237`` -> ``23,7%``).
    """
    if is_missing(x):
        return missing
    value = _to_decimal(x)
    if is_fraction:
        value = value * 100
    value = _round(value, decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    # Babel multiplies by 100; hand it the exact fraction of the rounded percentage
    return _minus(_babel_format_percent(value / 100, format=pattern, locale=LOCALE))


def fmt_euro(x: object, decimals: int = 0, *, missing: str = MISSING) -> str:
    """An amount in euros with Babel's ``nl_NL`` currency pattern: ``€\u00a045.128.079``.

    ``decimals`` is 0 (whole euros, the default for budgets) or 2 (``€\u00a013.601,04``).
    """
    if is_missing(x):
        return missing
    if decimals not in (0, 2):
        raise ValueError(f"bedragen hebben 0 of 2 decimalen, niet {decimals}")
    value = _round(_to_decimal(x), decimals)
    pattern = copy.copy(_LOCALE.currency_formats["standard"])
    pattern.frac_prec = (decimals, decimals)
    text = pattern.apply(value, _LOCALE, currency="EUR", currency_digits=False)
    return _minus(text)


def fmt_change(x: object, decimals: int = 1, *, suffix: str = "", missing: str = MISSING) -> str:
    """A change with its sign: ``+1,2``, ``−0,5``, ``0,0`` (zero after rounding has no sign).

    ``suffix`` is appended as is, e.g. ``fmt_change(1.2, suffix=" procentpunt")``.
    """
    if is_missing(x):
        return missing
    value = _round(_to_decimal(x), decimals)
    text = fmt_number(value, decimals)
    if value > 0:
        text = "+" + text
    return text + suffix


# ----- by unit --------------------------------------------------------------------------------
_COUNT_UNITS = {
    "aantal",
    "personen",
    "inwoners",
    "huishoudens",
    "jongeren",
    "cliënten",
    "clienten",
    "nachten",
    "dagen",
    "weken",
    "maanden",
    "jaren",
    "plekken",
    "woningen",
    "meldingen",
    "trajecten",
    "uitkeringen",
    "deelnemers",
    "vrijwilligers",
    "uren",
}


def fmt_value(
    x: object, unit: str | None, *, with_unit: bool = False, missing: str = MISSING
) -> str:
    """Format a measurement by its unit text (the ``eenheid`` column).

    - ``%`` or a unit starting with ``%`` (``% van jongeren tot 18 jaar``): one decimal,
      ``23,7%``; ``with_unit`` appends the rest (``12,3% van jongeren tot 18 jaar``). A share the
      source rounded to whole percents (:data:`ROUNDED_PERCENT_UNIT`): ``24%``, never ``24,0%``.
    - ``euro`` / ``€``: whole euros, ``€\u00a045.128.079``; an amount under 100.000 with cents
      keeps them, ``€\u00a03.121,76``.
    - rates (``per 10.000 inwoners``, ``per 1.000 ...``) and counts (``aantal``, ``nachten``,
      ``personen``, ...): at most one decimal, ``195,2``, ``39.450``; ``with_unit`` appends the unit
      (``195,2 per 10.000 inwoners``, ``1.234 nachten``), except the bare ``aantal``; a unit
      ``aantal per ...`` is written ``per ...``; a counted noun keeps its name
      (``116,7 uitkeringen per 10.000 inwoners van 18 jaar en ouder``).
    - anything else: at most two decimals, plus the unit when ``with_unit``.
    """
    if is_missing(x):
        return missing
    text_unit = (unit or "").strip()
    key = text_unit.lower()
    if text_unit == ROUNDED_PERCENT_UNIT:
        return fmt_percent(x, 0)
    if key.startswith("%") or key in {"procent", "percentage"}:
        text = fmt_percent(x, 1)
        rest = text_unit[1:].strip() if key.startswith("%") else ""
        return f"{text} {rest}" if with_unit and rest else text
    if key in {"euro", "€", "eur", "euro's"}:
        # budgets in whole euros; amounts per person keep their cents (€ 3.121,76)
        amount = float(x)  # type: ignore[arg-type]
        cents = abs(amount) < 100_000 and round(amount, 2) != round(amount)
        return fmt_euro(x, 2 if cents else 0)
    if key.startswith("aantal per "):
        # 'aantal per 10.000 inwoners' reads as '640 per 10.000 inwoners'
        text_unit, key = text_unit[len("aantal ") :], key[len("aantal ") :]
    noun = key.split(" per ", 1)[0] if " per " in key else ""
    if key.startswith("per ") or key in _COUNT_UNITS or noun in _COUNT_UNITS:
        text = fmt_number(x, None, max_decimals=1)
    else:
        text = fmt_number(x, None, max_decimals=2)
    if with_unit and text_unit and key != "aantal":
        return f"{text} {text_unit}"
    return text


def value_unit(row_unit: object, unit: str | None) -> str | None:
    """The unit to format one value by: the row's own unit when it says the source rounded the
    value (:data:`ROUNDED_PERCENT_UNIT`), else ``unit`` (the indicator's unit as the plan words it).

    A series can join exact and rounded sources (80860ned and the wijk- en buurtkaart); each value
    is shown with the precision of its own source.
    """
    return ROUNDED_PERCENT_UNIT if str(row_unit or "").strip() == ROUNDED_PERCENT_UNIT else unit


# ----- reading back ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NumberText:
    """A number read back from the text this module wrote: its value (a percentage in percent,
    ``23.7`` for ``23,7%``), how many decimals the text showed, and whether it was a percentage
    or an amount in euros."""

    value: float
    decimals: int
    kind: str  # "getal", "procent" or "euro"


_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[+\u2212-]?)(?P<euro>€[\s\u00a0]?)?"
    r"(?P<int>\d{1,3}(?:\.\d{3})*)(?:,(?P<dec>\d+))?(?P<pct>%)?$"
)


def parse_number(text: str) -> NumberText | None:
    """The number in ``text`` when the whole text is a number as :func:`fmt_number`,
    :func:`fmt_percent`, :func:`fmt_euro` or :func:`fmt_change` write it (``39.450``,
    ``13.601,04``, ``23,7%``, ``€\u00a045.128.079``, ``−0,5``, ``+1,2``); None for anything else,
    also for ``2024`` (a year: these functions write the number 2024 as ``2.024``) and ``< 10``."""
    match = _NUMBER_TEXT.match(str(text).strip())
    if not match or (match["euro"] and match["pct"]):
        return None
    digits = match["int"].replace(".", "") + ("." + match["dec"] if match["dec"] else "")
    value = float(digits) * (-1 if match["sign"] in ("-", MINUS) else 1)
    kind = "procent" if match["pct"] else ("euro" if match["euro"] else "getal")
    return NumberText(value, len(match["dec"] or ""), kind)


# ----- dates and periods ----------------------------------------------------------------------
def fmt_date(d: object, format: str = "long", *, missing: str = MISSING) -> str:  # noqa: A002
    """A date in Dutch: ``long`` ``23 november 2026`` (default), ``medium`` ``23 nov 2026``,
    ``short`` ``23-11-2026``, ``full`` ``maandag 23 november 2026``.

    Takes a ``date``, ``datetime``, pandas ``Timestamp`` or an ISO text (``2026-03-12``).
    """
    if is_missing(d) or (isinstance(d, str) and not d.strip()):
        return missing
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d.strip()[:10])
        except ValueError as exc:
            raise ValueError(f"ongeldige datum {d!r}: verwacht JJJJ-MM-DD") from exc
    elif isinstance(d, datetime):
        d = d.date()
    elif hasattr(d, "date") and callable(d.date):  # pandas Timestamp
        d = d.date()
    if not isinstance(d, date):
        raise TypeError(f"{d!r} is geen datum")
    return _babel_format_date(d, format=format, locale=LOCALE)


def fmt_period(
    period: Period | str | int | None, *, provisional: bool = False, missing: str = MISSING
) -> str:
    """A period as a Dutch reader sees it (``Period.label_nl``): ``2e halfjaar 2024``.

    Takes a :class:`Period` or any label :func:`parse_period_label` understands; a CBS ``*`` or
    ``provisional=True`` adds `` (voorlopig)``.
    """
    if is_missing(period) or period == "":
        return missing
    if not isinstance(period, Period):
        parsed = parse_period_label(period)  # PeriodError names the label and the valid forms
        period, provisional = parsed.period, provisional or parsed.provisional
    return period.label_nl + (" (voorlopig)" if provisional else "")


def fmt_period_short(period: Period | str, *, sep: str = "\n") -> str:
    """A period as a compact label (a chart's tick), the year on its own line after ``sep``:
    ``2024``, ``1e hj\n2024``, ``3e kw\n2024``, ``mrt\n2024`` (Babel's Dutch month
    abbreviation), ``2025-\n2026`` (a school year). Texts and tables use :func:`fmt_period`."""
    if not isinstance(period, Period):
        period = parse_period_label(period).period
    if period.kind == "year":
        return str(period.year)
    if period.kind == "half":
        return f"{period.part}e hj{sep}{period.year}"
    if period.kind == "quarter":
        return f"{period.part}e kw{sep}{period.year}"
    if period.kind == "month":
        month = _babel_month_names("abbreviated", "stand-alone", locale=LOCALE)[period.part]
        return f"{month}{sep}{period.year}"
    return f"{period.year}-{sep}{period.year + 1}"


def fmt_list(items: Iterable[str]) -> str:
    """Join in Dutch: ``a``, ``a en b``, ``a, b en c``."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return _babel_format_list(items, locale=LOCALE)
