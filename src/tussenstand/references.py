"""A framework's references to the data, checked before anything runs.

A framework (:mod:`tussenstand.frameworks`) names series codes and municipality codes. The schema
can only check their form; whether they exist depends on the data. :func:`check_references` checks,
for every framework at once:

* every indicator's ``series`` is a series the national CBS series produce (the catalogue
  :func:`tussenstand.sources.cbs_national.series_catalogue`, derived from the table specs), and its
  ``cbs_table`` is one of the tables that series comes from;
* every goal's series is a registration series (``reg_...``) or such a CBS series;
* every municipality code (``municipalities`` and ``comparison.municipalities``) is in CBS's areas
  table ('Gebieden in Nederland', :mod:`tussenstand.sources.areas`) of **each year of the plan**
  that has one in the CBS folder. For a plan none of whose years has an areas table there (a plan
  for 2020 with tables for 2024 and 2025), the areas table of the **nearest year** is used (on a
  tie the later one). A code that exists but belongs to another municipality than the one the
  framework names, while that name belongs to another code, is a mistake too.

Every mistake is one line naming the file, the goal or indicator id, the field, and the valid
choice closest to what was written; all lines together raise :class:`FrameworkError`. What could
not be checked (no areas table in the CBS folder yet) comes back as a notice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tussenstand.frameworks import Framework, FrameworkError
from tussenstand.nlformat import fmt_list

#: the prefix of a goal's registration series (``reg_<goal id>`` unless the framework says otherwise)
REGISTRATION_PREFIX = "reg_"

_SUFFIX = re.compile(r"\s*\([^)]*\)$")  # 'Bergen (NH.)' -> 'Bergen'


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def closest_choice(wanted: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``wanted`` (difflib's ratio; always one when there are choices)."""
    found = difflib.get_close_matches(wanted, list(choices), n=1, cutoff=0.0)
    return found[0] if found else None


def closest_code(wanted: str, codes: Iterable[str]) -> str:
    """The code with the fewest differing characters, then the nearest number (GM0374: GM0373)."""

    def distance(code: str) -> tuple[int, int]:
        differ = sum(a != b for a, b in zip(code, wanted, strict=False))
        differ += abs(len(code) - len(wanted))
        digits = (re.sub(r"\D", "", code) or "0", re.sub(r"\D", "", wanted) or "0")
        return differ, abs(int(digits[0]) - int(digits[1]))

    return min(sorted(codes), key=distance)


# ----- series ------------------------------------------------------------------------------------
def series_problems(fw: Framework, catalogue: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Each series code of ``fw`` that no source produces, and each ``cbs_table`` that does not
    hold its indicator's series."""
    file = fw.file_name
    problems = []
    for ind in fw.indicators:
        if ind.series is None:
            continue
        if ind.series not in catalogue:
            problems.append(
                f"{file}: indicator {ind.id}, veld series: onbekende reeks {ind.series!r}; "
                f"dichtstbijzijnde geldige reeks: {closest_choice(ind.series, catalogue)!r} "
                "(de reeksen staan in docs/architectuur.md), of null als er geen open bron is"
            )
            continue
        sources = catalogue[ind.series]
        if ind.cbs_table is not None and ind.cbs_table.casefold() not in {
            s.casefold() for s in sources
        }:
            tables = [s for s in sources if "/" not in s] or list(sources)
            problems.append(
                f"{file}: indicator {ind.id}, veld cbs_table: de reeks {ind.series!r} komt niet uit "
                f"{ind.cbs_table} maar uit {' of '.join(sources)}; "
                f"dichtstbijzijnde geldige keuze: {closest_choice(ind.cbs_table, tables)!r}"
            )
    for goal in fw.goals:
        series = goal.series
        if series.startswith(REGISTRATION_PREFIX) or series in catalogue:
            continue
        problems.append(
            f"{file}: doel {goal.id}, veld measurement.series: onbekende reeks {series!r}; "
            f"dichtstbijzijnde geldige reeks: {closest_choice(series, catalogue)!r}, of een "
            f"registratiereeks die met {REGISTRATION_PREFIX!r} begint (zonder measurement.series: "
            f"{REGISTRATION_PREFIX}{goal.id})"
        )
    return problems


# ----- municipality codes ------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaYear:
    """The gemeenten in CBS's areas table of one year: code -> name, and the file."""

    year: int
    file: str
    names: dict[str, str]

    def code_of(self, name: str) -> str | None:
        """The code of the gemeente called ``name`` (CBS suffixes such as '(NH.)' ignored)."""
        wanted = _norm(name)
        for code, official in self.names.items():
            if wanted in (_norm(official), _norm(_SUFFIX.sub("", official))):
                return code
        return None

    def label(self) -> str:
        return f"{self.year} ({self.file})"


def years_to_check(start: int, end: int, available: Iterable[int]) -> list[int]:
    """The area years a plan running from ``start`` to ``end`` is checked against: every
    available year within the plan, else the nearest available one (on a tie the later)."""
    available = sorted(set(available))
    within = [y for y in available if start <= y <= end]
    if within or not available:
        return within
    nearest = min(available, key=lambda y: (start - y if y < start else y - end, -y))
    return [nearest]


def municipality_problems(fw: Framework, areas: Mapping[int, AreaYear]) -> list[str]:
    """Each municipality code of ``fw`` that is not in the areas tables of the plan's years (the
    standard framework names none: its municipalities come from ``gemeenten`` in
    ``tussenstand.yml``, see :mod:`tussenstand.units`)."""
    if not areas or fw.years is None:
        return []
    years = years_to_check(fw.years.start, fw.years.end, areas)
    checked = [areas[y] for y in years]
    fallback = ""
    if not any(fw.years.start <= y <= fw.years.end for y in years):
        span = (
            f"het jaar {fw.years.start}"
            if fw.years.start == fw.years.end
            else f"de jaren {fw.years.start}-{fw.years.end}"
        )
        fallback = (
            f" (voor {span} van het plan staat geen gebiedentabel in de CBS-map: gecontroleerd "
            "met die van het dichtstbijzijnde jaar)"
        )
    file = fw.file_name
    problems = []
    for m in fw.municipalities:
        where = f"{file}: gemeente {m.name}, veld municipalities.code"
        problems += _code_problems(m.code, m.name, where, checked, fallback)
    if fw.comparison is not None:
        where = f"{file}: veld comparison.municipalities"
        for code in fw.comparison.municipalities:
            problems += _code_problems(code, None, where, checked, fallback)
    return problems


def _code_problems(
    code: str, name: str | None, where: str, checked: list[AreaYear], fallback: str
) -> list[str]:
    missing = [a for a in checked if code not in a.names]
    if missing:
        present = [a for a in checked if code in a.names]
        latest = missing[-1]
        own = latest.code_of(name) if name else None
        if own is not None:
            hint = f"{name} heeft daar code {own}"
        else:
            near = closest_code(code, latest.names)
            hint = f"dichtstbijzijnde geldige code: {near} ({latest.names[near]})"
        text = (
            f"{where}: {code} staat niet in de CBS-gebiedentabel van "
            f"{fmt_list([a.label() for a in missing])}; {hint}"
        )
        if present:
            text += (
                f"; {code} staat wel in die van {fmt_list([a.label() for a in present])}: "
                "is de gemeente in de looptijd van het plan heringedeeld?"
            )
        return [text + fallback]
    if name is None:
        return []
    latest = checked[-1]
    official = latest.names[code]
    other = latest.code_of(name)
    if other is not None and other != code:
        return [
            f"{where}: {code} is in de CBS-gebiedentabel van {latest.label()} de gemeente "
            f"{official}, niet {name}; dichtstbijzijnde geldige keuze: {other} ({name}){fallback}"
        ]
    return []


def load_area_years(cbs_dir: str | Path) -> dict[int, AreaYear]:
    """Every areas table in the CBS folder, by year (empty when there is none)."""
    from tussenstand.sources import areas  # pandas: only when a CBS folder is there

    out = {}
    for year, path in areas.area_files(cbs_dir).items():
        table = areas.load_areas(cbs_dir, year)
        out[year] = AreaYear(
            year, path.name, dict(zip(table["gemeente"], table["gemeente_naam"], strict=True))
        )
    return out


# ----- all together ------------------------------------------------------------------------------
def check_references(frameworks: Mapping[str, Framework], cbs_dir: str | Path) -> list[str]:
    """Check every framework's series and municipality codes against the data (see the module
    docstring). Raises :class:`FrameworkError` with one line per mistake; returns notices about
    what could not be checked."""
    from tussenstand.sources.areas import AREA_TABLES, AreasError
    from tussenstand.sources.cbs_national import series_catalogue

    catalogue = series_catalogue()
    notices: list[str] = []
    try:
        areas = load_area_years(cbs_dir) if Path(cbs_dir).is_dir() else {}
    except (AreasError, OSError, ValueError) as exc:
        areas = {}
        notices.append(f"gemeentecodes in de kaders niet gecontroleerd: {exc}")
    else:
        if not areas:
            notices.append(
                "gemeentecodes in de kaders niet gecontroleerd: geen CBS-gebiedentabel "
                f"({', '.join(f'{t}.csv' for t in AREA_TABLES)} of gemeenten-alfabetisch-<jaar>.xlsx) "
                f"in {cbs_dir}"
            )
    problems: list[str] = []
    for fw in frameworks.values():
        problems += series_problems(fw, catalogue)
        problems += municipality_problems(fw, areas)
    if problems:
        raise FrameworkError("\n".join(problems))
    return notices
