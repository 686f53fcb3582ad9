"""Which gemeenten existed in which year, and with which territory.

Two uses, both from data the project has (no list of herindelingen is fetched):

**Is a CBS file complete?** :func:`reference_by_year` gives the gemeenten of every year that a
reference covers: the areas tables (85755NED for 2024, 86059NED for 2025) and the wijk- en
buurtkaart files (``geo/gemeenten_<jaar>.geojson``: 2012, 2017-2019, 2022-2024 in the extracts).
:func:`coverage_gaps` compares a cleaned table with it, year by year: a file that covers fewer
gemeenten than existed that year is incomplete (a local copy cut short, not a gap in CBS's
publication). A gemeente counts as present when its code has a row that year, or, for a gemeente
that no longer exists, when its name does (such rows do not resolve to a code).

**Municipal mergers (herindelingen) break a series.** :func:`territory_changes` finds every
gemeente whose territory changed between two years with known gemeenten (the references above plus
the region codes of 80860ned, which CBS gives in the boundaries of 2009):

1. *Boundaries*: for two years with geo files, each gemeente that disappeared is sampled on a grid
   of points inside its old boundary; a gemeente of the later year that contains at least
   :data:`MIN_SHARE_OF_POINTS` of those points took over (part of) its territory.
2. *Inhabitants*, where a year has no boundaries (2009 -> 2012): a gemeente that continues while
   others disappeared, and whose number of inhabitants grew more than :data:`EXCESS_GROWTH` beyond
   its own trend of the three years before, absorbed territory.
3. *Dating* within the interval: the yearly CBS series narrow it down. A dissolved gemeente still
   listed by name in a CBS table has figures until its last year and empty rows after it; a new
   gemeente's first year with figures follows empty rows; a gemeente whose yearly number of
   inhabitants or households jumps by more than :data:`JUMP` from one year to the next changed
   territory that year (this also finds mergers before the first year with known gemeenten, such
   as Medemblik in 2007).

:func:`mark_territory_breaks` then sets ``reeksbreuk`` on the first measurement after a change, in
every series of that gemeente (each kind of period on its own): charts do not draw a line across
it and texts compute no change across it. Which territory a row describes is its period's year, or
for a table that CBS gives in the boundaries of one year (``regions_as_of``), that year. Boundary
corrections between gemeenten that all continue are not series breaks here (none of the rules
fires without a gemeente disappearing or a jump of more than 15%). The rules are in
``docs/aqa/aannames-en-beperkingen.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from tussenstand.handoff import TerritoryChange
from tussenstand.nlformat import fmt_list
from tussenstand.periods import parse_period
from tussenstand.sources.areas import AreasError, available_area_years, load_areas
from tussenstand.sources.cbs_tables import TABLES
from tussenstand.sources.geo import GeoError, Shape, read_geo, read_shapes

#: share of a dissolved gemeente's sample points a gemeente must contain to have absorbed it
MIN_SHARE_OF_POINTS = 0.05
#: growth above the own trend that marks an absorption where no boundaries are known
EXCESS_GROWTH = 0.08
#: a yearly change in inhabitants or households larger than this marks a change of territory
JUMP = 0.15
#: the series whose yearly jumps date a change (counts that follow the territory)
JUMP_SERIES = ("inwoners", "huishoudens_totaal")

METHOD_BOUNDARIES = "grenzen in de wijk- en buurtkaart"
METHOD_INHABITANTS = "groei van het inwonertal tegen de eigen trend in, terwijl gemeenten verdwenen"
METHOD_JUMP = "sprong van meer dan 15% in het aantal inwoners of huishoudens in één jaar"
METHOD_NEW = "nieuwe gemeentecode"


def _norm(name: object) -> str:
    return " ".join(str(name).split()).casefold()


# ----- which gemeenten existed ---------------------------------------------------------------------
def reference_by_year(cbs_dir: str | Path) -> dict[int, dict[str, str]]:
    """Year -> {GM code: name} for every year an areas table or a geo file covers (the areas table
    wins where both exist)."""
    out: dict[int, dict[str, str]] = {}
    try:
        geo = read_geo(cbs_dir)
    except GeoError:
        geo = pd.DataFrame(columns=["gemeente", "gemeente_naam", "jaar"])
    for year, rows in geo.groupby("jaar"):
        out[int(year)] = dict(zip(rows["gemeente"], rows["gemeente_naam"], strict=True))
    for year in available_area_years(cbs_dir):
        try:
            areas = load_areas(cbs_dir, year)
        except AreasError:
            continue
        out[int(year)] = dict(zip(areas["gemeente"], areas["gemeente_naam"], strict=True))
    return dict(sorted(out.items()))


def coverage_gaps(
    table: pd.DataFrame,
    reference: Mapping[int, Mapping[str, str]],
    titles_per_year: Mapping[str, Mapping[str, list[int]]] | None = None,
) -> list[dict]:
    """Years in which a cleaned table (:func:`tussenstand.sources.cbs_tables.clean_table`) covers
    fewer gemeenten than existed: ``{jaar, aanwezig, verwacht, ontbrekend: [codes]}`` per year.

    Only years that the table has rows for and that a reference covers are checked; a table that
    CBS gives in the boundaries of one year (80860ned) is not (no reference for 2009).
    """
    if table.empty or "tabel" not in table.columns:
        return []
    spec = next((s for t, s in TABLES.items() if t == table["tabel"].iloc[0]), None)
    if spec is not None and spec.regions_as_of is not None:
        return []
    gm = table[table["gemeente"].astype(str).str.startswith("GM")]
    years = pd.to_datetime(gm["periode_start"]).dt.year
    names_by_year: dict[int, set[str]] = {}
    for title, entry in (titles_per_year or {}).items():
        for year in (*entry.get("met", []), *entry.get("zonder", [])):
            names_by_year.setdefault(int(year), set()).add(_norm(title))
    gaps = []
    for year in sorted(set(years)):
        expected = reference.get(int(year))
        if not expected:
            continue
        present = set(gm.loc[years == year, "gemeente"])
        by_name = names_by_year.get(int(year), set())
        missing = sorted(
            code
            for code, name in expected.items()
            if code not in present and _norm(name) not in by_name
        )
        if missing:
            gaps.append(
                {
                    "jaar": int(year),
                    "aanwezig": len(expected) - len(missing),
                    "verwacht": len(expected),
                    "ontbrekend": missing,
                }
            )
    return gaps


# ----- territory ----------------------------------------------------------------------------------
def territory_year(df: pd.DataFrame) -> pd.Series:
    """The year whose gemeente boundaries a row describes: its period's year, or the fixed year of
    a table that CBS gives in the boundaries of one year (``regions_as_of``)."""
    fixed = {t: s.regions_as_of for t, s in TABLES.items() if s.regions_as_of is not None}
    years = pd.to_datetime(df["periode_start"]).dt.year
    of_table = df["tabel"].map(fixed)
    return of_table.fillna(years).astype(int)


def _codes_by_year(national: pd.DataFrame) -> dict[int, set[str]]:
    """Gemeente codes per territory year in the tables that carry region codes (80860ned gives the
    gemeenten of 2009)."""
    coded = [t for t, s in TABLES.items() if s.code_column]
    rows = national[national["tabel"].isin(coded) & national["gemeente"].str.startswith("GM")]
    out: dict[int, set[str]] = {}
    for year, g in rows.groupby(territory_year(rows)):
        out[int(year)] = set(g["gemeente"])
    return out


def _yearly(national: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Yearly rows with a value of ``indicator`` (gemeente, tabel, jaar = territory year, waarde)."""
    rows = national[
        (national["indicator"] == indicator)
        & national["gemeente"].str.startswith("GM")
        & national["waarde"].notna()
        & (national["periode"].astype(str).str.fullmatch(r"\d{4}"))
    ]
    return rows.assign(jaar=territory_year(rows), _periode_jaar=rows["periode"].astype(int))


def territory_changes(
    cbs_dir: str | Path,
    national: pd.DataFrame,
    titles: Mapping[str, Mapping[str, Mapping[str, list[int]]]] | None = None,
    reference: Mapping[int, Mapping[str, str]] | None = None,
) -> list[TerritoryChange]:
    """Every gemeente whose territory changed between two years with known gemeenten (see the
    module docstring), dated as closely as the yearly series allow. ``titles`` is, per table, the
    ``titels_per_jaar`` of :func:`~tussenstand.sources.cbs_tables.clean_table`; ``reference``
    the result of :func:`reference_by_year` when the caller has it."""
    reference = reference if reference is not None else reference_by_year(cbs_dir)
    existing: dict[int, set[str]] = {y: set(codes) for y, codes in reference.items()}
    for year, codes in _codes_by_year(national).items():
        existing.setdefault(year, set()).update(codes)
    names = _names(reference, national)
    try:
        shapes = read_shapes(cbs_dir)
    except GeoError:
        shapes = {}
    population = _yearly(national, "inwoners")
    changes: dict[tuple[str, int], TerritoryChange] = {}
    years = sorted(existing)
    for y1, y2 in zip(years, years[1:], strict=False):
        gone = existing[y1] - existing[y2]
        new = existing[y2] - existing[y1]
        if not gone and not new:
            continue
        absorbed: dict[str, list[str]] = {}
        if y1 in shapes and y2 in shapes:
            absorbed = _absorbed_by_boundaries(shapes[y1], shapes[y2], gone)
            method = METHOD_BOUNDARIES
        elif gone:
            absorbed = {c: [] for c in _absorbed_by_growth(population, existing, y1, y2)}
            method = METHOD_INHABITANTS
        for code, taken in absorbed.items():
            kind = "uitbreiding" if code in existing[y1] else "nieuw"
            changes[(code, y2)] = _change(code, names, kind, y1, y2, taken, method)
        for code in new - set(absorbed):
            changes[(code, y2)] = _change(code, names, "nieuw", y1, y2, [], METHOD_NEW)
    found = _date_by_titles(list(changes.values()), titles or {})
    found = _date_new_codes(found, national)
    return _date_by_jumps(found, national, names)


def _names(reference: Mapping[int, Mapping[str, str]], national: pd.DataFrame) -> dict[str, str]:
    names: dict[str, str] = {}
    gm = national[national["gemeente"].str.startswith("GM")]
    for code, name in gm.drop_duplicates("gemeente")[["gemeente", "gemeente_naam"]].itertuples(
        index=False
    ):
        names[code] = " ".join(str(name).split())
    for _, year in sorted(reference.items()):
        names.update(year)
    return names


def _change(
    code: str,
    names: Mapping[str, str],
    kind: str,
    after: int,
    by: int,
    taken: Iterable[str],
    method: str,
) -> TerritoryChange:
    return TerritoryChange(
        gemeente=code,
        gemeente_naam=names.get(code, code),
        soort=kind,  # type: ignore[arg-type]
        na=after,
        uiterlijk=by,
        met=sorted(set(taken)),
        methode=method,
    )


def _absorbed_by_boundaries(
    before: Mapping[str, Shape], after: Mapping[str, Shape], gone: Iterable[str]
) -> dict[str, list[str]]:
    """Gemeente of the later year -> names of the dissolved gemeenten whose territory it holds."""
    out: dict[str, list[str]] = {}
    for code in sorted(gone):
        shape = before.get(code)
        if shape is None:
            continue
        points = shape.sample_points()
        if not len(points):
            points = np.concatenate(shape.rings)
        x0, y0, x1, y1 = shape.bbox
        for other in after.values():
            ox0, oy0, ox1, oy1 = other.bbox
            if ox0 > x1 or ox1 < x0 or oy0 > y1 or oy1 < y0:
                continue
            share = float(other.contains(points).mean())
            if share >= MIN_SHARE_OF_POINTS:
                out.setdefault(other.code, []).append(shape.name)
    return out


def _absorbed_by_growth(
    population: pd.DataFrame, existing: Mapping[int, set[str]], y1: int, y2: int
) -> list[str]:
    """Continuing gemeenten whose inhabitants grew more than :data:`EXCESS_GROWTH` above their own
    trend of the three years before ``y1`` (territory of ``y1``)."""
    out = []
    before = population[population["jaar"] == y1]
    after = population[population["jaar"] == y2]
    for code in sorted(existing[y1] & existing[y2]):
        own = before[before["gemeente"] == code].set_index("_periode_jaar")["waarde"]
        later = after[after["gemeente"] == code].set_index("_periode_jaar")["waarde"]
        if y1 not in own.index or y2 not in later.index or own[y1] <= 0:
            continue
        growth = later[y2] / own[y1]
        start = y1 - 3
        trend = (
            (own[y1] / own[start]) ** ((y2 - y1) / 3)
            if start in own.index and own[start] > 0
            else 1.0
        )
        if growth / trend - 1 > EXCESS_GROWTH:
            out.append(code)
    return out


def _date_by_titles(
    changes: list[TerritoryChange], titles: Mapping[str, Mapping[str, Mapping[str, list[int]]]]
) -> list[TerritoryChange]:
    """Narrow a change by the dissolved gemeenten it absorbed: still listed by name in a yearly CBS
    table, they have figures until their last year and empty rows after it."""
    seen: dict[str, tuple[int | None, int | None]] = {}
    for table_id, by_title in titles.items():
        spec = TABLES.get(table_id)
        if spec is not None and spec.regions_as_of is not None:
            continue
        for title, entry in by_title.items():
            with_value = entry.get("met", [])
            if not with_value:
                continue
            last = max(with_value)
            after = [y for y in entry.get("zonder", []) if y > last and y not in with_value]
            old_last, old_gone = seen.get(_norm(title), (None, None))
            gone = min(after) if after else None
            seen[_norm(title)] = (
                max(x for x in (old_last, last) if x is not None),
                min((x for x in (old_gone, gone) if x is not None), default=None),
            )
    out = []
    for change in changes:
        after, by = change.na, change.uiterlijk
        for name in change.met:
            last, gone = seen.get(_norm(name), (None, None))
            if last is not None and after <= last < by:
                after = last
            if gone is not None and after < gone <= by:
                by = gone
        out.append(change.model_copy(update={"na": after, "uiterlijk": by}))
    return out


def _date_new_codes(
    changes: list[TerritoryChange], national: pd.DataFrame
) -> list[TerritoryChange]:
    """A new gemeente's first year with a figure, after a year with an empty row in the same
    yearly table, is the year it started."""
    out = []
    for change in changes:
        if change.soort != "nieuw":
            out.append(change)
            continue
        rows = national[
            (national["gemeente"] == change.gemeente)
            & national["periode"].astype(str).str.fullmatch(r"\d{4}")
            & ~national["tabel"].isin([t for t, s in TABLES.items() if s.regions_as_of])
        ]
        after, by = change.na, change.uiterlijk
        for _, g in rows.groupby("tabel"):
            years = g["periode"].astype(int)
            filled = sorted(years[g["waarde"].notna()])
            empty = set(years[g["waarde"].isna()])
            if filled and (filled[0] - 1) in empty and after < filled[0] <= by:
                after, by = filled[0] - 1, filled[0]
        out.append(change.model_copy(update={"na": after, "uiterlijk": by}))
    return out


def _date_by_jumps(
    changes: list[TerritoryChange], national: pd.DataFrame, names: Mapping[str, str]
) -> list[TerritoryChange]:
    """Pin a change to the year its gemeente's yearly inhabitants or households jump by more than
    :data:`JUMP`; a jump outside every known change is a change of its own."""
    by_code: dict[str, list[TerritoryChange]] = {}
    for change in changes:
        by_code.setdefault(change.gemeente, []).append(change)
    extra: list[TerritoryChange] = []
    for indicator in JUMP_SERIES:
        rows = _yearly(national, indicator)
        rows = rows[rows["jaar"] == rows["_periode_jaar"]]  # per-period boundaries only
        for (code, _), g in rows.groupby(["gemeente", "tabel"]):
            s = g.set_index("jaar")["waarde"].sort_index()
            for year in s.index[1:]:
                if year - 1 not in s.index or s[year - 1] <= 0:
                    continue
                ratio = s[year] / s[year - 1]
                if abs(math.log(ratio)) <= math.log(1 + JUMP):
                    continue
                own = by_code.get(code, [])
                hit = next((c for c in own if c.na < year <= c.uiterlijk), None)
                if hit is not None:
                    i = own.index(hit)
                    own[i] = hit.model_copy(update={"na": year - 1, "uiterlijk": year})
                elif not any(
                    c.na == year - 1 and c.uiterlijk == year
                    for c in own + extra
                    if c.gemeente == code
                ):
                    kind = "uitbreiding" if ratio > 1 else "wijziging"
                    extra.append(_change(code, names, kind, year - 1, year, [], METHOD_JUMP))
    out = [c for own in by_code.values() for c in own] + extra
    return sorted(out, key=lambda c: (c.gemeente, c.uiterlijk))


def mark_territory_breaks(df: pd.DataFrame, changes: Iterable[TerritoryChange]) -> pd.DataFrame:
    """``reeksbreuk`` on the first measurement after each change of territory, in every series of
    the gemeente (per indicator and kind of period; rows with a value only)."""
    changes = [c for c in changes if c.soort != "nieuw"]
    if df.empty or not changes:
        return df
    df = df.copy()
    by_code: dict[str, list[TerritoryChange]] = {}
    for c in changes:
        by_code.setdefault(c.gemeente, []).append(c)
    rows = df[df["gemeente"].isin(by_code) & df["waarde"].notna()]
    if rows.empty:
        return df
    kinds = rows["periode"].astype(str).map(lambda p: parse_period(p).kind)
    rows = rows.assign(_territorium=territory_year(rows), _soort=kinds)
    flag = pd.Series(False, index=df.index)
    for (code, _, _), g in rows.groupby(["gemeente", "indicator", "_soort"]):
        g = g.sort_values("periode_start")
        t = g["_territorium"].to_numpy()
        for i in range(1, len(g)):
            if t[i - 1] < t[i] and any(
                t[i - 1] < c.uiterlijk and t[i] > c.na for c in by_code[code]
            ):
                flag[g.index[i]] = True
    df["reeksbreuk"] = df["reeksbreuk"].astype(bool) | flag
    return df


def when_text(change: TerritoryChange) -> str:
    """``op 1 januari 2013``, or ``tussen 1 januari 2013 en 1 januari 2017`` when the data do not
    pin the year."""
    if change.uiterlijk == change.na + 1:
        return f"op 1 januari {change.uiterlijk}"
    return f"tussen 1 januari {change.na + 1} en 1 januari {change.uiterlijk}"


def describe(change: TerritoryChange) -> str:
    """The change in one Dutch clause (no full stop): ``Schagen is op 1 januari 2013 heringedeeld
    met (delen van) Harenkarspel en Zijpe``."""
    name, when = change.gemeente_naam, when_text(change)
    if change.soort == "nieuw":
        return f"{name} is {when} ontstaan" + (
            f" uit (delen van) {fmt_list(change.met)}" if change.met else " bij een herindeling"
        )
    if change.soort == "wijziging":
        return f"het grondgebied van {name} is {when} gewijzigd"
    if change.met:
        return f"{name} is {when} heringedeeld met (delen van) {fmt_list(change.met)}"
    return f"het grondgebied van {name} is {when} uitgebreid bij een herindeling"
