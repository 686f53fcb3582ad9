"""The goal model: one SMART goal of a policy plan, as written in ``data/raw/kaders/*.yaml``.

Keys are English, values Dutch (the plan's own words). One goal looks like::

    - id: VW-1
      theme: vitaal-en-weerbaar
      text: "In 2027 voldoet minstens 60% van de volwassenen en ouderen aan de beweegrichtlijnen ..."
      result_area: "Het aantal inwoners dat beweegt neemt toe."
      indicator: "Aandeel volwassenen en ouderen dat voldoet aan de beweegrichtlijnen"
      unit: "%"
      baseline: {value: 56, period: "2020"}
      target: {kind: level, value: 60}
      target_period: "2027"
      direction: up
      measurement:
        source: "GGD Gezondheidsmonitor"
        frequency: "1X per 4 jaar"
        series: reg_VW-1

Target kinds (``target.kind``):

``level``
    reach ``value`` (with ``comparison`` at_least / at_most / equal).
``change``
    change the baseline by ``percent`` (relative) or ``amount`` (absolute units); the sign gives
    the way (``-20`` = 20% fewer). A ceiling on growth ("kosten maximaal 9% gestegen") is
    ``percent: 9`` with ``comparison: at_most``.
``stay``
    stay at the baseline level; ``comparison: equal`` allows ``tolerance_percent`` deviation
    (default :data:`DEFAULT_TOLERANCE_PERCENT`), ``at_most`` means "gelijk of lager".
``growth_per_year``
    grow by ``percent`` (compound) or ``amount`` every year up to the target period.
``every_district``
    every district (wijk) reaches ``value``.

The progress engine (:mod:`tussenstand.progress`) turns a goal plus measurements into a status.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tussenstand.periods import Period, PeriodError, parse_period

TargetKind = Literal["level", "change", "stay", "growth_per_year", "every_district"]
Comparison = Literal["at_least", "at_most", "equal"]
Direction = Literal["up", "down", "stable"]
BaselineStatus = Literal["known", "none", "pending"]

#: Allowed deviation (in % of the level) for ``comparison: equal`` when the goal gives none:
#: "gelijk blijven op 79,91" counts as held between 78,31 and 81,51.
DEFAULT_TOLERANCE_PERCENT = 2.0

DEFAULT_COMPARISON: dict[str, Comparison] = {"up": "at_least", "down": "at_most", "stable": "equal"}

COMPARISON_NL = {"at_least": "minstens", "at_most": "hoogstens", "equal": "gelijk aan"}


class GoalError(ValueError):
    """A goal in a framework file is wrong; the message names the goal id and the field."""


def _check_period(value: object) -> str | None:
    """Accept an int (``2022`` unquoted in YAML) or a string; it must parse as a period."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError('verwacht een periode als tekst, bijv. "2023" of "2023-2024"')
    text = str(value).strip()
    try:
        parse_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    return text


def require_number(value: object) -> object:
    """Numbers in a framework must be YAML numbers. Text is refused, never guessed: '4.352' could be
    four thousand (Dutch) or four point something, '13.601,04' is a Dutch amount."""
    if isinstance(value, str):
        raise ValueError(
            f"{value!r} is geen getal; schrijf getallen als YAML-getal, zonder aanhalingstekens en "
            "duizendtalpunt en met een punt als decimaalteken, bijv. 13601.04 of 4352650"
        )
    return value


class StrictModel(BaseModel):
    """Base of every framework model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Baseline(StrictModel):
    """The plan's starting point ('nulmeting')."""

    value: float | None = None
    period: str | None = None
    status: BaselineStatus | None = None
    note: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value_number(cls, v: object) -> object:
        return require_number(v)

    @field_validator("period", mode="before")
    @classmethod
    def _period_ok(cls, v: object) -> str | None:
        return _check_period(v)

    @model_validator(mode="after")
    def _status_consistent(self) -> Baseline:
        status = self.status or ("known" if self.value is not None else "none")
        if status == "known":
            if self.value is None:
                raise ValueError("nulmeting met status 'known' heeft een 'value' nodig")
            if self.period is None:
                raise ValueError(
                    "nulmeting met een waarde heeft een 'period' nodig (bijv. \"2023\")"
                )
        elif self.value is not None:
            raise ValueError(
                f"nulmeting met status '{status}' mag geen 'value' hebben "
                "(gebruik status 'known', of laat de waarde weg)"
            )
        object.__setattr__(self, "status", status)
        return self

    @property
    def period_obj(self) -> Period | None:
        return parse_period(self.period) if self.period is not None else None

    @property
    def known(self) -> bool:
        return self.status == "known"


class Target(StrictModel):
    """What the plan wants to reach; see the module docstring for the kinds."""

    kind: TargetKind
    value: float | None = None
    percent: float | None = None
    amount: float | None = None
    comparison: Comparison | None = None
    tolerance_percent: float | None = Field(default=None, ge=0)

    @field_validator("value", "percent", "amount", "tolerance_percent", mode="before")
    @classmethod
    def _numbers(cls, v: object) -> object:
        return require_number(v)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Target:
        kind = self.kind
        given = {name for name in ("value", "percent", "amount") if getattr(self, name) is not None}
        if kind in ("level", "every_district"):
            if "value" not in given:
                raise ValueError(
                    f"doel van soort '{kind}' heeft een 'value' nodig (het niveau dat bereikt moet worden)"
                )
            allowed = {"value"}
        elif kind in ("change", "growth_per_year"):
            if not given & {"percent", "amount"}:
                raise ValueError(
                    f"doel van soort '{kind}' heeft 'percent' (relatief, bijv. -20) of 'amount' "
                    "(absoluut, in de eenheid van de indicator) nodig"
                )
            if {"percent", "amount"} <= given:
                raise ValueError(
                    f"doel van soort '{kind}': geef 'percent' of 'amount', niet allebei"
                )
            allowed = {"percent", "amount"}
        else:  # stay
            allowed = set()
        extra = given - allowed
        if extra:
            names = ", ".join(f"'{n}'" for n in sorted(extra))
            raise ValueError(f"doel van soort '{kind}' gebruikt {names} niet; laat dat weg")
        if self.tolerance_percent is not None and self.comparison not in (None, "equal"):
            raise ValueError("'tolerance_percent' geldt alleen bij comparison 'equal'")
        return self


_RE_FREQ = re.compile(
    r"(?P<n>\d+)\s*x\s*per\s*(?:(?P<k>\d+)\s*)?(?P<unit>schooljaar|jaar|halfjaar|kwartaal|maand)",
    re.I,
)
_UNIT_MONTHS = {"jaar": 12, "schooljaar": 12, "halfjaar": 6, "kwartaal": 3, "maand": 1}


def frequency_to_months(text: str | None) -> int | None:
    """``"1X per 4 jaar"`` -> 48, ``"2X per jaar"`` -> 6, ``"1x per schooljaar"`` -> 12; else None."""
    if not text:
        return None
    m = _RE_FREQ.search(text.replace("×", "x"))
    if not m:
        return None
    times = int(m["n"])
    if times < 1:
        return None
    months = int(m["k"] or 1) * _UNIT_MONTHS[m["unit"].lower()]
    return max(1, round(months / times))


class Measurement(StrictModel):
    """How the plan measures the goal and which series in ``metingen.parquet`` feeds it."""

    source: str | None = None
    frequency: str | None = None
    frequency_months: int | None = Field(default=None, ge=1)
    series: str | None = None
    districts: list[str] | None = None

    @model_validator(mode="after")
    def _derive_months(self) -> Measurement:
        if self.frequency_months is None:
            object.__setattr__(self, "frequency_months", frequency_to_months(self.frequency))
        if self.districts is not None:
            if not self.districts or any(not d.strip() for d in self.districts):
                raise ValueError("'districts' moet een niet-lege lijst van wijknamen zijn")
            if len(set(self.districts)) != len(self.districts):
                raise ValueError("'districts' noemt een wijk dubbel")
        return self


class Goal(StrictModel):
    """One SMART goal of a plan."""

    id: str = Field(min_length=1)
    theme: str = Field(min_length=1)
    text: str = Field(min_length=1)
    result_area: str | None = None
    indicator: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    baseline: Baseline | None = None
    target: Target
    target_period: str
    direction: Direction
    measurement: Measurement = Field(default_factory=Measurement)
    note: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("target_period", mode="before")
    @classmethod
    def _target_period_ok(cls, v: object) -> str | None:
        if v is None:
            raise ValueError("target_period ontbreekt")
        return _check_period(v)

    @model_validator(mode="after")
    def _consistent(self) -> Goal:
        kind = self.target.kind
        if self.measurement.districts is not None and kind != "every_district":
            raise ValueError(
                "'measurement.districts' hoort alleen bij een doel van soort 'every_district'"
            )
        baseline_period = self.baseline.period_obj if self.baseline else None
        if baseline_period is not None and baseline_period.start >= self.target_period_obj.end:
            raise ValueError(
                f"de nulmeting ({self.baseline.period}) ligt niet vóór de doelperiode ({self.target_period})"
            )
        if self.target.comparison == "equal" and kind == "every_district":
            raise ValueError("doel van soort 'every_district' kan geen comparison 'equal' hebben")
        return self

    # ----- derived ----------------------------------------------------------------------------
    @property
    def target_period_obj(self) -> Period:
        return parse_period(self.target_period)

    @property
    def baseline_status(self) -> BaselineStatus:
        return self.baseline.status if self.baseline is not None else "none"  # type: ignore[return-value]

    @property
    def comparison(self) -> Comparison:
        """The comparison, explicit or from the direction (up: at_least, down: at_most, stable: equal)."""
        if self.target.comparison is not None:
            return self.target.comparison
        if self.target.kind == "every_district" and self.direction == "stable":
            return "at_least"
        return DEFAULT_COMPARISON[self.direction]

    @property
    def tolerance_percent(self) -> float:
        """Allowed deviation for ``equal``, in % of the target level (0 for the other comparisons)."""
        if self.comparison != "equal":
            return 0.0
        if self.target.tolerance_percent is not None:
            return self.target.tolerance_percent
        return DEFAULT_TOLERANCE_PERCENT

    @property
    def series(self) -> str:
        """The measurement series code: ``measurement.series`` or ``reg_<id>``."""
        return self.measurement.series or f"reg_{self.id}"


# ----- parsing with Dutch messages ---------------------------------------------------------------
#: pydantic error types in Dutch, for the messages of goals and frameworks
PYDANTIC_MESSAGES_NL = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekend veld (tikfout?)",
    "float_parsing": "verwacht een getal",
    "float_type": "verwacht een getal",
    "int_parsing": "verwacht een geheel getal",
    "int_type": "verwacht een geheel getal",
    "int_from_float": "verwacht een geheel getal",
    "bool_parsing": "verwacht true of false",
    "bool_type": "verwacht true of false",
    "string_type": "verwacht tekst",
    "list_type": "verwacht een lijst",
    "model_type": "verwacht een blok met velden",
    "model_attributes_type": "verwacht een blok met velden",
    "dict_type": "verwacht een blok met velden",
    "string_too_short": "mag niet leeg zijn",
    "too_short": "verwacht minstens {min_length} element(en)",
    "greater_than_equal": "verwacht een waarde van minstens {ge}",
    "less_than_equal": "verwacht een waarde van hoogstens {le}",
}


def validation_messages(exc: ValidationError) -> list[str]:
    """Pydantic errors as Dutch lines ``field.sub: message`` (``(doel)`` for whole-model checks)."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(doel)"
        kind = err["type"]
        if kind == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            expected = str(err["ctx"]["expected"]).replace(" or ", " of ")
            msg = f"{err['input']!r} is niet toegestaan; verwacht {expected}"
        elif kind in PYDANTIC_MESSAGES_NL:
            msg = PYDANTIC_MESSAGES_NL[kind].format(**err.get("ctx", {}))
        else:
            msg = err["msg"]
        lines.append(f"{loc}: {msg}")
    return lines


def parse_goal(data: object, where: str = "") -> Goal:
    """Validate one goal mapping; raise :class:`GoalError` naming ``where``, the goal id and fields."""
    goal_id = data.get("id") if isinstance(data, dict) else None
    prefix = f"{where}: " if where else ""
    label = f"doel {goal_id}" if goal_id is not None else "doel zonder id"
    if not isinstance(data, dict):
        raise GoalError(f"{prefix}{label}: verwacht een blok met velden (id, theme, text, ...)")
    try:
        return Goal.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(validation_messages(exc))
        raise GoalError(f"{prefix}{label}: {details}") from None
