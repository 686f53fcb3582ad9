"""The CBS areas table ('Gebieden in Nederland'): which region each gemeente belongs to.

One row per gemeente with its code, name, province, COROP area, arbeidsmarktregio, jeugdzorgregio,
GGD region and size class. The table is read from the StatLine CSV (85755NED for 2024, 86059NED for
2025) or, with fewer columns, from the CBS list 'Gemeenten alfabetisch <jaar>' (xlsx).

The StatLine CSV numbers its code/name columns (``Code_4``/``Naam_5``, ...). Their order differs
between years, so the pairs are recognised by their *values*: every code in a column starts with the
same CBS prefix (``PV`` province, ``CR`` COROP, ``AM`` arbeidsmarktregio, ``JZ`` jeugdzorgregio,
``GG`` GGD region, ``LD`` landsdeel); the size class is the numeric code whose description reads
``... inwoners``.

Name resolution (:func:`name_to_code`): StatLine tables identify regions by their *title*. A
gemeente title is unique within a table (CBS disambiguates with suffixes such as
``Groningen (gemeente)``, ``Bergen (NH.)``); regions carry a type suffix (``Drenthe (PV)``,
``IJmond (CR)``, ``Achterhoek (JZ)``). Titles are matched after removing padding. When several area
years are loaded, the **latest year wins** for a name. Historic gemeenten that no longer exist are
not in the areas table and therefore do not resolve (tables that carry a region code column are
read by code instead, see :mod:`tussenstand.sources.cbs_tables`). ``Nederland`` resolves to ``NL01``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tussenstand.nlformat import fmt_int
from tussenstand.schema import NATIONAL_CODE, NATIONAL_NAME
from tussenstand.sources.csvfile import read_semicolon_csv

# Areas tables by year (StatLine 'Gebieden in Nederland <jaar>').
AREA_TABLES: dict[str, int] = {"85755NED": 2024, "86059NED": 2025}
#: their CBS titles (shown on the data page when a table's sidecar has none)
AREA_TITLES: dict[str, str] = {t: f"Gebieden in Nederland {y}" for t, y in AREA_TABLES.items()}

# Region kind -> (CBS code prefix, output column stem). The suffix CBS puts behind region titles
# in other tables is the same two letters (``Drenthe (PV)``).
REGION_PREFIXES: dict[str, str] = {
    "provincie": "PV",
    "corop": "CR",
    "arbeidsmarktregio": "AM",
    "jeugdzorgregio": "JZ",
    "ggd_regio": "GG",
    "landsdeel": "LD",
}
REGION_KINDS = ("jeugdzorgregio", "arbeidsmarktregio", "provincie", "corop", "ggd_regio")

AREA_COLUMNS = [
    "gemeente",
    "gemeente_naam",
    "regio_titel",
    "jaar",
    "provincie_code",
    "provincie",
    "corop_code",
    "corop",
    "arbeidsmarktregio_code",
    "arbeidsmarktregio",
    "jeugdzorgregio_code",
    "jeugdzorgregio",
    "ggd_regio_code",
    "ggd_regio",
    "landsdeel_code",
    "landsdeel",
    "gemeentegrootte_code",
    "gemeentegrootte",
    "inwonertal",
]

_SUFFIX_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<suffix>[A-Za-z]{2})\)$")


class AreasError(ValueError):
    """The areas table is missing or not what was expected."""


def _norm(name: object) -> str:
    """Normalise a region title for lookup: padding and repeated spaces removed, case folded."""
    return " ".join(str(name).split()).casefold()


def _area_files(cbs_dir: Path) -> dict[int, Path]:
    """Available area files by year; CSV preferred over the xlsx list for the same year."""
    found: dict[int, Path] = {}
    if not cbs_dir.is_dir():
        return found
    by_lower = {p.name.lower(): p for p in cbs_dir.iterdir() if p.is_file()}
    for path in sorted(by_lower.values()):
        m = re.fullmatch(r"gemeenten-alfabetisch-(\d{4})\.xlsx", path.name.lower())
        if m:
            found[int(m[1])] = path
    for table_id, year in AREA_TABLES.items():
        path = by_lower.get(f"{table_id.lower()}.csv")
        if path is not None:
            found[year] = path
    return found


def _read_statline_areas(path: Path, year: int) -> pd.DataFrame:
    raw = read_semicolon_csv(path)
    raw = raw.apply(lambda col: col.str.strip())
    cols = list(raw.columns)
    if "RegioS" not in cols:
        raise AreasError(f"{path.name}: kolom RegioS ontbreekt; is dit een CBS-gebiedentabel?")

    pairs: dict[str, tuple[str, str]] = {}
    gm_col = None
    for i, col in enumerate(cols):
        if not col.startswith("Code_") or i + 1 >= len(cols):
            continue
        name_col = cols[i + 1]
        values = [v for v in raw[col] if v and v != "."]
        if not values:
            continue
        prefixes = {re.match(r"^[A-Za-z]*", v)[0] for v in values}
        if prefixes == {"GM"}:
            gm_col = gm_col or (col, name_col)
            continue
        if len(prefixes) == 1:
            prefix = next(iter(prefixes))
            for kind, kind_prefix in REGION_PREFIXES.items():
                if prefix == kind_prefix and kind not in pairs:
                    pairs[kind] = (col, name_col)
        if prefixes == {""} and raw[name_col].str.contains("inwoners").all():
            pairs.setdefault("gemeentegrootte", (col, name_col))
    if gm_col is None:
        raise AreasError(f"{path.name}: geen kolom met gemeentecodes (GMxxxx) gevonden")
    missing = [
        k
        for k in ("provincie", "jeugdzorgregio", "arbeidsmarktregio", "gemeentegrootte")
        if k not in pairs
    ]
    if missing:
        raise AreasError(f"{path.name}: kolommen voor {', '.join(missing)} niet herkend")

    out = pd.DataFrame(
        {
            "gemeente": raw[gm_col[0]],
            "gemeente_naam": raw[gm_col[1]],
            "regio_titel": raw["RegioS"],
            "jaar": year,
        }
    )
    for kind in (*REGION_PREFIXES, "gemeentegrootte"):
        if kind in pairs:
            code_col, name_col = pairs[kind]
            out[f"{kind}_code"] = (
                raw[code_col].replace(".", "").str.replace(r"^(\d+)\.0$", r"\1", regex=True)
            )
            out[kind] = raw[name_col].replace(".", "")
        else:
            out[f"{kind}_code"] = ""
            out[kind] = ""
    inw = [c for c in cols if c.startswith("Inwonertal")]
    out["inwonertal"] = pd.to_numeric(raw[inw[0]], errors="coerce") if inw else float("nan")
    return out[AREA_COLUMNS]


def _read_xlsx_areas(path: Path, year: int) -> pd.DataFrame:
    raw = pd.read_excel(path, dtype=str).apply(lambda col: col.str.strip())
    need = {"GemeentecodeGM", "Gemeentenaam", "ProvinciecodePV", "Provincienaam"}
    if not need <= set(raw.columns):
        raise AreasError(
            f"{path.name}: verwacht kolommen {sorted(need)}, gevonden {list(raw.columns)}"
        )
    out = pd.DataFrame(
        {
            "gemeente": raw["GemeentecodeGM"],
            "gemeente_naam": raw["Gemeentenaam"],
            "regio_titel": raw["Gemeentenaam"],
            "jaar": year,
            "provincie_code": raw["ProvinciecodePV"],
            "provincie": raw["Provincienaam"],
        }
    )
    for col in AREA_COLUMNS:
        if col not in out:
            out[col] = float("nan") if col == "inwonertal" else ""
    return out[AREA_COLUMNS]


def area_files(cbs_dir: str | Path) -> dict[int, Path]:
    """The areas file of each available year (a StatLine CSV, else the xlsx list), by year."""
    return dict(sorted(_area_files(Path(cbs_dir)).items()))


def available_area_years(cbs_dir: str | Path) -> list[int]:
    return sorted(_area_files(Path(cbs_dir)))


def load_areas(cbs_dir: str | Path, year: int | None = None) -> pd.DataFrame:
    """The areas table of ``year`` (default: the latest available), one row per gemeente."""
    cbs_dir = Path(cbs_dir)
    files = _area_files(cbs_dir)
    if not files:
        raise AreasError(
            f"geen gebiedentabel gevonden in {cbs_dir}: verwacht {' of '.join(f'{t}.csv' for t in AREA_TABLES)} "
            "(CBS 'Gebieden in Nederland') of gemeenten-alfabetisch-<jaar>.xlsx; "
            "haal ze op met 'tussenstand fetch'"
        )
    if year is None:
        year = max(files)
    if year not in files:
        raise AreasError(
            f"geen gebiedentabel voor {year} in {cbs_dir}; beschikbaar: {sorted(files)}"
        )
    path = files[year]
    if path.suffix.lower() == ".xlsx":
        df = _read_xlsx_areas(path, year)
    else:
        df = _read_statline_areas(path, year)
    if df["gemeente"].duplicated().any():
        dup = df.loc[df["gemeente"].duplicated(), "gemeente"].tolist()
        raise AreasError(f"{path.name}: gemeentecode komt dubbel voor: {dup[:5]}")
    return df.sort_values("gemeente").reset_index(drop=True)


def load_all_areas(cbs_dir: str | Path) -> pd.DataFrame:
    """All available area years stacked (for name resolution across years)."""
    years = available_area_years(cbs_dir)
    if not years:
        return load_areas(cbs_dir)  # raises the helpful error
    return pd.concat([load_areas(cbs_dir, y) for y in years], ignore_index=True)


class RegionNames(Mapping[str, str]):
    """Region title -> code; lookups ignore padding, repeated spaces and case.

    Keys are gemeente titles as StatLine writes them (``'s-Gravenhage (gemeente)``), plain gemeente
    names, region titles with their CBS type suffix (``IJmond (CR)``) and ``Nederland``.
    """

    def __init__(self, pairs: dict[str, tuple[str, str]]):
        self._codes = {k: v[0] for k, v in pairs.items()}
        self._names = {k: v[1] for k, v in pairs.items()}

    def __getitem__(self, name: str) -> str:
        key = _norm(name)
        if key in self._codes:
            return self._codes[key]
        m = re.fullmatch(r"(.*?)\s*\(gemeente\)", key)
        if m and m[1] in self._codes:
            return self._codes[m[1]]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def display_name(self, name: str) -> str:
        """The official name of the region that ``name`` resolves to."""
        return self._names.get(_norm(name), " ".join(str(name).split()))


def name_to_code(areas: pd.DataFrame) -> RegionNames:
    """Map region titles to codes. With several area years, the latest year wins for a name."""
    pairs: dict[str, tuple[str, str]] = {_norm(NATIONAL_NAME): (NATIONAL_CODE, NATIONAL_NAME)}
    for _, rows in sorted(areas.groupby("jaar"), key=lambda kv: kv[0]):
        for kind, prefix in REGION_PREFIXES.items():
            code_col, name_col = f"{kind}_code", kind
            sub = rows[(rows[code_col].fillna("") != "") & (rows[name_col].fillna("") != "")]
            for code, name in sub[[code_col, name_col]].drop_duplicates().itertuples(index=False):
                pairs[_norm(f"{name} ({prefix})")] = (code, name)
        for code, name, title in rows[["gemeente", "gemeente_naam", "regio_titel"]].itertuples(
            index=False
        ):
            pairs[_norm(name)] = (code, name)
            pairs[_norm(title)] = (code, name)
    return RegionNames(pairs)


def _row(areas: pd.DataFrame, code: str) -> pd.Series:
    latest = areas[areas["jaar"] == areas["jaar"].max()]
    hit = latest[latest["gemeente"] == code.strip().upper()]
    if hit.empty:
        raise AreasError(
            f"gemeente {code!r} staat niet in de gebiedentabel van {latest['jaar'].max()}"
        )
    return hit.iloc[0]


#: a default comparison group has at least this many other gemeenten: with fewer of the same size
#: class in the province, the landsdeel counts, and with fewer there, all of Nederland
MIN_COMPARISON = 4
#: where a default comparison group is drawn from, narrowest first (column of the areas table)
COMPARISON_SCOPES = ("provincie", "landsdeel")


@dataclass(frozen=True)
class SizeClassGroup:
    """The default comparison group of one gemeente: the other gemeenten of its size class
    (CBS ``gemeentegrootte``) in its province, or where that has too few, its landsdeel or all of
    Nederland (:func:`comparison_group`)."""

    gemeente: str
    codes: tuple[str, ...]  # the other gemeenten, sorted by code
    size_class: str  # as CBS writes it: '20 000 tot 50 000 inwoners'
    scope: str  # 'provincie', 'landsdeel' or 'nederland'
    scope_name: str  # 'Noord-Holland', 'West-Nederland', 'Nederland'
    year: int  # of the areas table
    #: the narrower scopes that had too few gemeenten (name, number of others), narrowest first
    too_small: tuple[tuple[str, int], ...] = ()

    @property
    def size_class_nl(self) -> str:
        """The size class with Dutch thousands separators, in a sentence: '20.000 tot 50.000
        inwoners', 'minder dan 5.000 inwoners'."""
        text = re.sub(
            r"\d{1,3}(?:[ .]\d{3})+|\d+",
            lambda m: fmt_int(int(re.sub(r"\D", "", m[0]))),
            self.size_class,
        )
        return text[:1].lower() + text[1:]

    @property
    def label_nl(self) -> str:
        """'de 18 andere gemeenten van 20.000 tot 50.000 inwoners in Noord-Holland'."""
        n = len(self.codes)
        word = "andere gemeente" if n == 1 else "andere gemeenten"
        return f"de {fmt_int(n)} {word} van {self.size_class_nl} in {self.scope_name}"

    @property
    def why_wider_nl(self) -> str:
        """Why the group is wider than the province ('' when it is the province): 'in
        Noord-Holland geen en in West-Nederland 3 andere, minder dan 4'."""
        if not self.too_small:
            return ""
        parts = [f"in {name} {fmt_int(n) if n else 'geen'}" for name, n in self.too_small]
        return f"{' en '.join(parts)} andere, minder dan {fmt_int(MIN_COMPARISON)}"


def comparison_group(areas: pd.DataFrame, code: str) -> SizeClassGroup:
    """The default comparison group of ``code``: the other gemeenten of the same size class in
    the same province; with fewer than :data:`MIN_COMPARISON` there, the same landsdeel; with
    fewer there too, all of Nederland. From the latest year in ``areas``."""
    row = _row(areas, code)
    if not row["gemeentegrootte_code"]:
        raise AreasError(f"geen gemeentegrootteklasse bekend voor {code} in deze gebiedentabel")
    latest = areas[areas["jaar"] == row["jaar"]]
    same = latest[
        (latest["gemeentegrootte_code"] == row["gemeentegrootte_code"])
        & (latest["gemeente"] != row["gemeente"])
    ]
    too_small: list[tuple[str, int]] = []
    for scope in COMPARISON_SCOPES:
        if not row[f"{scope}_code"]:
            continue
        members = same[same[f"{scope}_code"] == row[f"{scope}_code"]]
        if len(members) >= MIN_COMPARISON:
            return SizeClassGroup(
                row["gemeente"],
                tuple(sorted(members["gemeente"])),
                row["gemeentegrootte"],
                scope,
                row[scope],
                int(row["jaar"]),
                tuple(too_small),
            )
        too_small.append((row[scope], len(members)))
    return SizeClassGroup(
        row["gemeente"],
        tuple(sorted(same["gemeente"])),
        row["gemeentegrootte"],
        "nederland",
        NATIONAL_NAME,
        int(row["jaar"]),
        tuple(too_small),
    )


def region_members(areas: pd.DataFrame, code: str, kind: str = "jeugdzorgregio") -> pd.DataFrame:
    """Gemeenten in the same ``kind`` region as ``code`` (``jeugdzorgregio``, ``arbeidsmarktregio``, ...)."""
    if kind not in REGION_KINDS:
        raise AreasError(f"onbekend regiotype {kind!r}; kies uit {', '.join(REGION_KINDS)}")
    row = _row(areas, code)
    if not row[f"{kind}_code"]:
        raise AreasError(f"geen {kind} bekend voor {code} in deze gebiedentabel")
    latest = areas[areas["jaar"] == row["jaar"]]
    return latest[latest[f"{kind}_code"] == row[f"{kind}_code"]].reset_index(drop=True)
