"""One period model for every period label the pipeline meets.

Report periods are what a user asks for (``2026``, ``2026-H1``, ``2026-H2``). Measurement periods
come from CBS tables (titles such as ``1e halfjaar 2023`` or keys such as ``2023HJ01``), from the
plans (school years ``2026-2027``) and from local registrations. All of them become a
:class:`Period` with a start and an end date, so that measurements of different frequencies can be
compared on one time axis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["year", "half", "quarter", "month", "schoolyear"]

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_ORDINALS_NL = {1: "1e", 2: "2e", 3: "3e", 4: "4e"}

REPORT_PERIOD_FORMS = "YYYY (jaar), YYYY-H1 of YYYY-H2 (halfjaar), bijvoorbeeld 2026 of 2026-H2"


class PeriodError(ValueError):
    """A period label that cannot be understood."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: a year, half-year, quarter, month or school year (August to July)."""

    start: date
    end: date
    kind: PeriodKind
    year: int
    part: int = 0

    # ----- constructors -------------------------------------------------------------------
    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year", year, 0)

    @classmethod
    def of_half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise PeriodError(f"halfjaar moet 1 of 2 zijn, niet {half}")
        start = date(year, 1 if half == 1 else 7, 1)
        end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
        return cls(start, end, "half", year, half)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise PeriodError(f"kwartaal moet 1 t/m 4 zijn, niet {quarter}")
        start = date(year, 3 * quarter - 2, 1)
        end = _month_end(year, 3 * quarter)
        return cls(start, end, "quarter", year, quarter)

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"maand moet 1 t/m 12 zijn, niet {month}")
        return cls(date(year, month, 1), _month_end(year, month), "month", year, month)

    @classmethod
    def of_schoolyear(cls, first_year: int) -> Period:
        """School year ``first_year``-``first_year + 1``: 1 August to 31 July."""
        return cls(date(first_year, 8, 1), date(first_year + 1, 7, 31), "schoolyear", first_year, 0)

    # ----- labels -------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """Canonical machine label: ``2024``, ``2024-H1``, ``2024-Q3``, ``2024-03``, ``2026/2027``."""
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "half":
            return f"{self.year}-H{self.part}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.part}"
        if self.kind == "month":
            return f"{self.year}-{self.part:02d}"
        return f"{self.year}/{self.year + 1}"

    @property
    def label_nl(self) -> str:
        """How a Dutch reader sees the period: ``2e halfjaar 2024``, ``schooljaar 2026-2027``."""
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "half":
            return f"{_ORDINALS_NL[self.part]} halfjaar {self.year}"
        if self.kind == "quarter":
            return f"{_ORDINALS_NL[self.part]} kwartaal {self.year}"
        if self.kind == "month":
            return f"{MONTHS_NL[self.part - 1]} {self.year}"
        return f"schooljaar {self.year}-{self.year + 1}"

    def __str__(self) -> str:
        return self.code

    # ----- arithmetic ---------------------------------------------------------------------
    @property
    def midpoint(self) -> date:
        return self.start + (self.end - self.start) / 2

    def decimal_year(self, at: Literal["start", "mid", "end"] = "end") -> float:
        """The period's position on a continuous year axis (end of 2024 is about 2025.0)."""
        day = {"start": self.start, "mid": self.midpoint, "end": self.end + timedelta(days=1)}[at]
        year_start = date(day.year, 1, 1)
        year_len = (date(day.year + 1, 1, 1) - year_start).days
        return day.year + (day - year_start).days / year_len

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def is_before_or_in(self, other: Period) -> bool:
        """True when this period has ended by the end of ``other`` (a measurement known then)."""
        return self.end <= other.end


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


# ----- parsing -----------------------------------------------------------------------------
_RE_YEAR = re.compile(r"^(\d{4})$")
_RE_HALF = re.compile(r"^(\d{4})-?H([12])$", re.I)
_RE_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_RE_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RE_SCHOOLYEAR = re.compile(r"^(?:schooljaar\s+)?(\d{4})\s*[-/]\s*(\d{4})$", re.I)
_RE_CBS_KEY = re.compile(r"^(\d{4})(JJ|HJ|KW|MM|X)(\d{2})$", re.I)
_RE_CBS_HALF = re.compile(r"^([12])e\s*half\s*jaar\s+(\d{4})$", re.I)
_RE_CBS_QUARTER = re.compile(r"^([1-4])e\s*kwartaal\s+(\d{4})$", re.I)
_RE_MONTH_NAME = re.compile(r"^(?:(\d{4})\s+([a-z]+)|([a-z]+)\s+(\d{4}))$", re.I)


@dataclass(frozen=True)
class ParsedPeriod:
    """A parsed label: the period, and whether the source marked the figure provisional (``*``)."""

    period: Period
    provisional: bool = False


def parse_period(label: str | int) -> Period:
    """Parse any supported period label; see :func:`parse_period_label` for the provisional mark."""
    return parse_period_label(label).period


def parse_period_label(label: str | int) -> ParsedPeriod:
    """Parse a period label from CBS (titles or keys), a plan or a registration.

    Accepted: ``2023``, ``2023-H1``, ``2023-Q1``, ``2023-01``, ``2026-2027`` / ``2026/2027`` /
    ``schooljaar 2026-2027``, CBS keys ``2023JJ00``, ``2023HJ01``, ``2023KW01``, ``2023MM01``, CBS
    titles ``1e halfjaar 2023``, ``1e half jaar 2024``, ``1e kwartaal 2015``, ``2023 januari`` and
    ``januari 2023``. A trailing ``*`` (CBS: provisional figure) is accepted and reported.
    """
    if isinstance(label, int):
        label = str(label)
    if not isinstance(label, str):
        raise PeriodError(f"periode {label!r} is geen tekst")
    text = " ".join(label.strip().split())
    provisional = False
    while text.endswith("*"):
        provisional = True
        text = text[:-1].strip()
    period = _parse_clean(text)
    if period is None:
        raise PeriodError(
            f"onbekende periode {label!r}; verwacht bijvoorbeeld 2023, 2023-H1, 1e halfjaar 2023, "
            "2023HJ01, 2023KW01, 2023MM01, januari 2023 of 2026-2027"
        )
    return ParsedPeriod(period, provisional)


def _parse_clean(text: str) -> Period | None:
    if m := _RE_YEAR.match(text):
        return Period.of_year(int(m[1]))
    if m := _RE_HALF.match(text):
        return Period.of_half(int(m[1]), int(m[2]))
    if m := _RE_QUARTER.match(text):
        return Period.of_quarter(int(m[1]), int(m[2]))
    if m := _RE_MONTH.match(text):
        month = int(m[2])
        return Period.of_month(int(m[1]), month) if 1 <= month <= 12 else None
    if m := _RE_SCHOOLYEAR.match(text):
        first, second = int(m[1]), int(m[2])
        return Period.of_schoolyear(first) if second == first + 1 else None
    if m := _RE_CBS_KEY.match(text):
        year, kind, num = int(m[1]), m[2].upper(), int(m[3])
        if kind == "JJ" and num == 0:
            return Period.of_year(year)
        if kind == "HJ" and num in (1, 2):
            return Period.of_half(year, num)
        if kind == "KW" and 1 <= num <= 4:
            return Period.of_quarter(year, num)
        if kind == "MM" and 1 <= num <= 12:
            return Period.of_month(year, num)
        return None
    if m := _RE_CBS_HALF.match(text):
        return Period.of_half(int(m[2]), int(m[1]))
    if m := _RE_CBS_QUARTER.match(text):
        return Period.of_quarter(int(m[2]), int(m[1]))
    if m := _RE_MONTH_NAME.match(text):
        year = m[1] or m[4]
        name = (m[2] or m[3]).lower()
        if name in MONTHS_NL:
            return Period.of_month(int(year), MONTHS_NL.index(name) + 1)
    return None


def parse_report_period(label: str) -> Period:
    """A report period as a user gives it: a year or a half-year, nothing else.

    Raises :class:`PeriodError` with the valid forms when the label is not one of them.
    """
    text = str(label).strip()
    if m := _RE_YEAR.match(text):
        return Period.of_year(int(m[1]))
    if m := re.match(r"^(\d{4})-H([12])$", text):
        return Period.of_half(int(m[1]), int(m[2]))
    raise PeriodError(f"ongeldige periode {label!r}: gebruik {REPORT_PERIOD_FORMS}")
