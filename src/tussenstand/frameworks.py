"""Policy frameworks ('beleidskaders') as data: the schema of ``data/raw/kaders/*.yaml``.

One YAML file holds one plan: its themes ('maatschappelijke opgaven', 'ambities', programme parts),
its SMART goals (the :class:`~tussenstand.goals.Goal` model), the BBV and CBS indicators per theme,
and the plan's budget figures. Keys are English, values Dutch. A framework covers one municipality,
or several municipalities plus their region (``kind: regionaal``): then the pipeline makes one report
per municipality and one for the region, see :func:`monitored_units`.

Every error a user can make in a file raises :class:`FrameworkError` with a Dutch message that names
the file, the goal/theme/indicator id, the field and what was expected, for example::

    heemskerk.yaml: doel VW-1, veld target.percent: 'veel' is geen getal; ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tussenstand.goals import PYDANTIC_MESSAGES_NL, Direction, Goal, StrictModel, require_number
from tussenstand.nlformat import fmt_number

FrameworkKind = Literal["smart", "kwalitatief", "programma", "regionaal"]
UnitKind = Literal["gemeente", "regio"]

FRAMEWORK_SUFFIXES = (".yaml", ".yml")
GM_CODE = re.compile(r"^GM\d{4}$")
REGION_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SERIES_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

# libyaml's loader when available: about ten times faster on the larger plans.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KIND_NL = {
    "smart": "SMART-doelen",
    "kwalitatief": "kwalitatieve ambities",
    "programma": "programmabegroting",
    "regionaal": "regionale visie",
}


class FrameworkError(ValueError):
    """A framework file is missing, unreadable or wrong; the message says where and what."""


class UnknownUnitError(LookupError):
    """A municipality or region code that no framework monitors; the message lists the valid ones."""


# ----- small helpers -----------------------------------------------------------------------------
def _check_slug(value: str, what: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"{what} {value!r} is ongeldig; verwacht kleine letters, cijfers en streepjes, "
            "bijv. 'vitaal-en-weerbaar'"
        )
    return value


# ----- parts of a framework ----------------------------------------------------------------------
class Source(StrictModel):
    """Where the plan comes from."""

    document: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1990, le=2100)
    seed: str | None = None
    section: str | None = None
    pages: str | None = None
    url: str | None = None
    note: str | None = None


class Municipality(StrictModel):
    code: str
    name: str = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _gm_code(cls, v: str) -> str:
        if not GM_CODE.match(v):
            raise ValueError(
                f"verwacht een gemeentecode GM gevolgd door 4 cijfers (bijv. GM0396), kreeg {v!r}"
            )
        return v


class Region(StrictModel):
    code: str
    name: str = Field(min_length=1)

    @field_validator("code")
    @classmethod
    def _region_code(cls, v: str) -> str:
        if GM_CODE.match(v) or not REGION_CODE.match(v):
            raise ValueError(
                f"verwacht een regiocode van 2 tot 10 hoofdletters/cijfers die geen gemeentecode is "
                f"(bijv. KNH), kreeg {v!r}"
            )
        return v


class Years(StrictModel):
    start: int = Field(ge=1990, le=2100)
    end: int = Field(ge=1990, le=2100)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.end < self.start:
            raise ValueError(f"'end' ({self.end}) ligt vóór 'start' ({self.start})")
        return self


class Monitoring(StrictModel):
    frequency: str | None = None
    frequency_months: int | None = Field(default=None, ge=1)
    note: str | None = None


class ComparisonGroup(StrictModel):
    """The researcher's own comparison group (absent: the municipalities of the same size class)."""

    label: str = Field(min_length=1)
    municipalities: list[str] = Field(min_length=1)
    note: str | None = None

    @field_validator("municipalities")
    @classmethod
    def _gm_codes(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not GM_CODE.match(c)]
        if bad:
            raise ValueError(
                f"verwacht gemeentecodes GM gevolgd door 4 cijfers, kreeg {', '.join(map(repr, bad))}"
            )
        if len(set(v)) != len(v):
            raise ValueError("noemt een gemeente dubbel")
        return v


class ThemeBudget(StrictModel):
    amount: float
    year: int = Field(ge=1990, le=2100)
    note: str | None = None

    _amount = field_validator("amount", mode="before")(require_number)


class Theme(StrictModel):
    """A 'maatschappelijke opgave', 'ambitie', programme part or 'speerpunt' of the plan."""

    id: str
    name: str = Field(min_length=1)
    section: str | None = None
    description: str | None = None
    budget: ThemeBudget | None = None
    policy_fields: list[str] = Field(default_factory=list)
    developments: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        return _check_slug(v, "thema-id")


class Indicator(StrictModel):
    """A BBV or CBS indicator that measures a theme (from the plan, or chosen by the researcher).

    ``series`` is the series code in ``metingen.parquet`` (see docs/architectuur.md); ``None`` means
    the indicator has no open source in this monitor (LISA, DUO, Kinderen in Tel, ...), which the
    report says instead of showing a figure.
    """

    id: str
    theme: str
    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    cbs_table: str | None = None
    series: str | None = None
    bbv: bool = False
    chosen_by: Literal["plan", "researcher"]
    taakveld: str | None = None
    direction: Direction | None = None
    role: Literal["outcome", "context"] = "outcome"
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        return _check_slug(v, "indicator-id")

    @field_validator("series")
    @classmethod
    def _series_code(cls, v: str | None) -> str | None:
        if v is not None and not SERIES_CODE.match(v):
            raise ValueError(
                f"reekscode {v!r} is ongeldig; verwacht kleine letters, cijfers en _, "
                "bijv. 'jongeren_jeugdhulp_pct', of null als er geen open bron is"
            )
        return v

    @model_validator(mode="after")
    def _rationale(self) -> Indicator:
        if self.chosen_by == "researcher" and not self.note:
            raise ValueError(
                "een indicator die de onderzoeker kiest heeft een 'note' met de reden nodig"
            )
        if self.cbs_table is not None and self.series is None:
            raise ValueError("'cbs_table' is gegeven maar 'series' ontbreekt")
        return self

    @property
    def has_series(self) -> bool:
        return self.series is not None


class BudgetItem(StrictModel):
    label: str = Field(min_length=1)
    amount: float
    year: int | None = Field(default=None, ge=1990, le=2100)
    comparison: Literal["at_least", "at_most", "equal"] = "equal"
    note: str | None = None

    _amount = field_validator("amount", mode="before")(require_number)


class PlanBudget(StrictModel):
    """Plan-level budget facts, in the plan's unit: amounts x ``multiplier`` euro."""

    year: int = Field(ge=1990, le=2100)
    multiplier: Literal[1, 1000, 1000000] = 1
    lasten: float | None = None
    baten: float | None = None
    saldo: float | None = None
    total: float | None = None
    items: list[BudgetItem] = Field(default_factory=list)
    note: str | None = None

    _amounts = field_validator("lasten", "baten", "saldo", "total", mode="before")(require_number)

    @model_validator(mode="after")
    def _saldo(self) -> PlanBudget:
        parts = (self.lasten, self.baten, self.saldo)
        if all(p is not None for p in parts) and abs(self.baten - self.lasten - self.saldo) > 0.5:
            raise ValueError(
                f"saldo {fmt_number(self.saldo)} is niet baten {fmt_number(self.baten)} min lasten "
                f"{fmt_number(self.lasten)} (= {fmt_number(self.baten - self.lasten)}); "
                "lasten staan positief in het bestand"
            )
        return self

    def euro(self, value: float | None) -> float | None:
        """A figure of this budget in euro (applies ``multiplier``)."""
        return None if value is None else value * self.multiplier


# ----- the framework -----------------------------------------------------------------------------
class Framework(StrictModel):
    """One policy plan: themes, goals, indicators and budget for one or more municipalities."""

    id: str
    title: str = Field(min_length=1)
    kind: FrameworkKind
    source: Source
    municipalities: list[Municipality] = Field(min_length=1)
    region: Region | None = None
    years: Years
    evaluation_year: int | None = Field(default=None, ge=1990, le=2100)
    monitoring: Monitoring | None = None
    comparison: ComparisonGroup | None = None
    description: str | None = None
    aims: list[str] = Field(default_factory=list)
    challenges: list[str] = Field(default_factory=list)
    approach: list[str] = Field(default_factory=list)
    policy_fields: list[str] = Field(default_factory=list)
    themes: list[Theme] = Field(min_length=1)
    goals: list[Goal] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    budget: PlanBudget | None = None

    _path: Path | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        return _check_slug(v, "kader-id")

    # ----- lookups --------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The file the framework was read from (None when built in code)."""
        return self._path

    @property
    def file_name(self) -> str:
        return self._path.name if self._path is not None else f"{self.id}.yaml"

    @property
    def is_regional(self) -> bool:
        return self.region is not None

    @property
    def municipality_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.municipalities)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(
            f"{self.file_name}: onbekend thema {theme_id!r}; kies uit {', '.join(self.theme_ids)}"
        )

    def goal(self, goal_id: str) -> Goal:
        for g in self.goals:
            if g.id == goal_id:
                return g
        raise KeyError(f"{self.file_name}: onbekend doel {goal_id!r}")

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(f"{self.file_name}: onbekende indicator {indicator_id!r}")

    def municipality(self, code: str) -> Municipality:
        for m in self.municipalities:
            if m.code == code:
                return m
        raise KeyError(f"{self.file_name}: gemeente {code!r} hoort niet bij dit kader")

    def goals_by_theme(self) -> dict[str, list[Goal]]:
        """Goals per theme id, in the plan's theme order (themes without goals map to [])."""
        out: dict[str, list[Goal]] = {t.id: [] for t in self.themes}
        for g in self.goals:
            out[g.theme].append(g)
        return out

    def indicators_by_theme(self) -> dict[str, list[Indicator]]:
        """Indicators per theme id, in the plan's theme order (themes without any map to [])."""
        out: dict[str, list[Indicator]] = {t.id: [] for t in self.themes}
        for i in self.indicators:
            out[i.theme].append(i)
        return out

    def cbs_series(self) -> list[str]:
        """The distinct indicator series codes (CBS) in order of first use."""
        return list(dict.fromkeys(i.series for i in self.indicators if i.series is not None))

    def goal_series(self) -> list[str]:
        """The series codes that feed the goals (``reg_<id>`` unless the goal names another)."""
        return [g.series for g in self.goals]

    def themes_without_evidence(self) -> list[str]:
        """Theme ids with neither a goal nor an indicator that has a series."""
        goals = self.goals_by_theme()
        indicators = self.indicators_by_theme()
        return [
            t
            for t in self.theme_ids
            if not goals[t] and not any(i.has_series for i in indicators[t])
        ]

    def theme_budget_total(self) -> float | None:
        """Sum of the theme budgets (None when no theme has one)."""
        amounts = [t.budget.amount for t in self.themes if t.budget is not None]
        return sum(amounts) if amounts else None

    def units(self) -> list[MonitoredUnit]:
        """The units this framework reports on: each municipality, plus the region if any."""
        out = [
            MonitoredUnit(m.code, m.name, "gemeente", self.id, (m.code,))
            for m in self.municipalities
        ]
        if self.region is not None:
            out.append(
                MonitoredUnit(
                    self.region.code, self.region.name, "regio", self.id, self.municipality_codes
                )
            )
        return out


# ----- cross-checks ------------------------------------------------------------------------------
def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dups: list[str] = []
    for v in values:
        if v in seen and v not in dups:
            dups.append(v)
        seen.add(v)
    return dups


def _cross_check(fw: Framework, file: str) -> None:
    """Checks across parts of the file; raise FrameworkError naming file, id and field."""
    for what, label, ids in (
        ("thema", "thema's", fw.theme_ids),
        ("doel", "doelen", [g.id for g in fw.goals]),
        ("indicator", "indicatoren", [i.id for i in fw.indicators]),
    ):
        for dup in _duplicates(ids):
            raise FrameworkError(
                f"{file}: {what} {dup}, veld id: komt {list(ids).count(dup)} keer voor; "
                f"verwacht een unieke id per {what} (de {label} moeten elk een eigen id hebben)"
            )
    for dup in _duplicates(fw.municipality_codes):
        raise FrameworkError(
            f"{file}: gemeente {dup}, veld municipalities: staat dubbel in de lijst"
        )

    themes = set(fw.theme_ids)
    valid = ", ".join(fw.theme_ids)
    for g in fw.goals:
        if g.theme not in themes:
            raise FrameworkError(
                f"{file}: doel {g.id}, veld theme: onbekend thema {g.theme!r}; verwacht een van: {valid}"
            )
    for i in fw.indicators:
        if i.theme not in themes:
            raise FrameworkError(
                f"{file}: indicator {i.id}, veld theme: onbekend thema {i.theme!r}; verwacht een van: {valid}"
            )
    series = [g.series for g in fw.goals]
    for dup in _duplicates(series):
        ids = ", ".join(g.id for g in fw.goals if g.series == dup)
        raise FrameworkError(
            f"{file}: doelen {ids}, veld measurement.series: delen de reeks {dup!r}; "
            "verwacht een eigen reeks per doel"
        )

    if fw.kind == "regionaal" and fw.region is None:
        raise FrameworkError(
            f"{file}: veld region: een kader van soort 'regionaal' heeft een regio nodig ({{code, name}})"
        )
    if fw.region is not None and len(fw.municipalities) < 2:
        raise FrameworkError(
            f"{file}: regio {fw.region.code}, veld municipalities: een regio heeft minstens 2 gemeenten nodig, "
            f"kreeg {len(fw.municipalities)}"
        )
    if fw.kind == "smart" and not fw.goals:
        raise FrameworkError(
            f"{file}: veld goals: een kader van soort 'smart' heeft minstens één doel nodig"
        )
    if fw.evaluation_year is not None and not fw.years.start <= fw.evaluation_year <= fw.years.end:
        raise FrameworkError(
            f"{file}: veld evaluation_year: {fw.evaluation_year} ligt buiten de looptijd "
            f"{fw.years.start}-{fw.years.end}"
        )

    if fw.budget is not None and fw.budget.total is not None:
        budgets = [t.budget for t in fw.themes]
        if all(b is not None for b in budgets):
            total = fw.budget.euro(fw.budget.total)
            summed = sum(b.amount for b in budgets)  # theme budgets are in euro
            if abs(summed - total) > 0.5:
                parts = " + ".join(f"{t.id} {fmt_number(t.budget.amount)}" for t in fw.themes)
                raise FrameworkError(
                    f"{file}: veld budget.total: de thema-budgetten tellen op tot {fmt_number(summed)} "
                    f"({parts}), maar het totaal is {fmt_number(total)}"
                )


# ----- pydantic errors in Dutch ------------------------------------------------------------------

_ITEM_LABELS = {
    "goals": "doel",
    "themes": "thema",
    "indicators": "indicator",
    "municipalities": "gemeente",
}
_ITEM_KEYS = {"goals": "id", "themes": "id", "indicators": "id", "municipalities": "code"}


def _error_text(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"])).removeprefix("Value error, ")
    if kind == "literal_error":
        expected = str(err["ctx"]["expected"]).replace(" or ", " of ")
        return f"verwacht {expected}, kreeg {err['input']!r}"
    if kind in PYDANTIC_MESSAGES_NL:
        text = PYDANTIC_MESSAGES_NL[kind].format(**err.get("ctx", {}))
        if kind not in ("missing", "extra_forbidden", "too_short") and "input" in err:
            text += f", kreeg {err['input']!r}"
        return text
    return err["msg"]


def _error_where(loc: tuple, raw: dict) -> tuple[str, str]:
    """('goals', 3, 'target', 'percent') -> ('doel VW-1', 'target.percent')."""
    if len(loc) >= 2 and loc[0] in _ITEM_LABELS and isinstance(loc[1], int):
        items = raw.get(loc[0])
        key = None
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            key = items[loc[1]].get(_ITEM_KEYS[loc[0]])
        label = (
            f"{_ITEM_LABELS[loc[0]]} {key}"
            if key is not None
            else f"{_ITEM_LABELS[loc[0]]} nr. {loc[1] + 1}"
        )
        return label, ".".join(str(p) for p in loc[2:])
    return "", ".".join(str(p) for p in loc)


def _format_validation(exc: ValidationError, raw: dict, file: str) -> str:
    lines = []
    for err in exc.errors():
        label, field = _error_where(tuple(err["loc"]), raw)
        where = ", ".join(p for p in (label, f"veld {field}" if field else "") if p)
        lines.append(f"{file}: {where + ': ' if where else ''}{_error_text(err)}")
    return "\n".join(lines)


# ----- loading -----------------------------------------------------------------------------------
def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(f"{path.name}: bestand niet gevonden ({path.parent})") from None
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            f"{path.name}: geen UTF-8-tekst ({exc.reason} op byte {exc.start})"
        ) from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", regel {mark.line + 1}, kolom {mark.column + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "onleesbaar"
        raise FrameworkError(f"{path.name}{where}: geen geldige YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path.name}: geen geldige YAML: {exc}") from None


def parse_framework(raw: Any, file: str = "kader") -> Framework:
    """Validate an already-read mapping; ``file`` names it in messages."""
    if not isinstance(raw, dict):
        raise FrameworkError(
            f"{file}: verwacht een blok met velden (id, title, kind, themes, ...), "
            f"kreeg {type(raw).__name__ if raw is not None else 'een leeg bestand'}"
        )
    try:
        fw = Framework.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(_format_validation(exc, raw, file)) from None
    _cross_check(fw, file)
    return fw


def load_framework(path: str | Path) -> Framework:
    """Read and validate one framework file."""
    path = Path(path)
    fw = parse_framework(_read_yaml(path), path.name)
    fw._path = path
    return fw


def framework_files(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise FrameworkError(f"map met beleidskaders niet gevonden: {folder}")
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FRAMEWORK_SUFFIXES
    )


def load_frameworks(folder: str | Path) -> dict[str, Framework]:
    """All frameworks in ``folder`` (``*.yaml``, ``*.yml``), keyed and sorted by framework id."""
    files = framework_files(folder)
    if not files:
        raise FrameworkError(f"geen beleidskaders (*.yaml) gevonden in {Path(folder)}")
    found: dict[str, Framework] = {}
    for path in files:
        fw = load_framework(path)
        if fw.id in found:
            raise FrameworkError(
                f"kader-id {fw.id!r} staat in twee bestanden: {found[fw.id].file_name} en {path.name}; "
                "verwacht een unieke id per kader"
            )
        found[fw.id] = fw
    return dict(sorted(found.items()))


# ----- monitored units ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MonitoredUnit:
    """A municipality or region the pipeline reports on.

    For a municipality ``members == (code,)``; for a region, the GM codes of its municipalities.
    ``standard``: monitored with the standard framework (``kind: basisset``), no plan of its own.
    """

    code: str
    name: str
    kind: UnitKind
    framework_id: str
    members: tuple[str, ...]
    standard: bool = False

    @property
    def is_region(self) -> bool:
        return self.kind == "regio"

    @property
    def label_nl(self) -> str:
        return (
            f"{self.name} ({self.code})"
            if self.kind == "gemeente"
            else f"{self.name} ({self.code}, regio)"
        )


def units_of(frameworks: dict[str, Framework]) -> list[MonitoredUnit]:
    """Units of already-loaded frameworks: municipalities by name, then regions by name."""
    units: list[MonitoredUnit] = []
    where: dict[str, Framework] = {}
    for fw in frameworks.values():
        for unit in fw.units():
            if unit.code in where:
                raise FrameworkError(
                    f"{unit.code} ({unit.name}) staat in twee kaders: {where[unit.code].file_name} en "
                    f"{fw.file_name}; verwacht elke gemeente en regio in één kader"
                )
            where[unit.code] = fw
            units.append(unit)
    return sorted(units, key=lambda u: (u.kind != "gemeente", u.name.casefold(), u.code))


def monitored_units(folder: str | Path) -> list[MonitoredUnit]:
    """Every municipality and region in the frameworks of ``folder``, sorted for listing."""
    return units_of(load_frameworks(folder))


def find_unit(units: Iterable[MonitoredUnit], code: str) -> MonitoredUnit:
    """The unit with this code (or name), case-insensitive; else :class:`UnknownUnitError`."""
    units = list(units)
    wanted = str(code).strip().casefold()
    for unit in units:
        if unit.code.casefold() == wanted:
            return unit
    for unit in units:
        if unit.name.casefold() == wanted:
            return unit
    valid = ", ".join(u.label_nl for u in units) or "(geen: er zijn geen beleidskaders)"
    raise UnknownUnitError(f"onbekende gemeente of regio {code!r}; kies uit: {valid}")
