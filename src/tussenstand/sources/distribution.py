"""Where a gemeente stands among all: per series and period, every gemeente's published value and
its rank, computed once from the national CBS series (:mod:`tussenstand.sources.cbs_national`).

The rules (also in ``docs/aqa/aannames-en-beperkingen.md``):

* Only gemeenten (GM codes) count, not Nederland or regions; all gemeenten with a row for the
  series in that period, as the CBS file has them (a merger year has the gemeenten of that year).
* Counts of persons are not ranked and have no distribution: they follow the size of the gemeente
  (:func:`tussenstand.disclosure.is_person_count_unit` on the data's ``eenheid``).
* First the small-numbers rule (:func:`tussenstand.disclosure.apply_disclosure` with the project's
  threshold): a suppressed value, and a rate computed from a suppressed count, is neither in the
  distribution nor ranked. The same goes for a value CBS did not publish.
* ``rang``: 1 = the lowest value. Gemeenten with the same value share the lowest place of their
  tie ('competition ranking': 1, 2, 2, 4); ``gedeeld`` says how many share the value. ``aantal``:
  the gemeenten ranked; ``totaal``: the gemeenten with a row (also those without a published
  value).

:func:`load_distribution` caches the ranks as ``data/processed/cbs/verdeling.parquet``, rebuilt
only when the national cache's inputs, the threshold or these rules change. The cleaning stage
keeps the rows one report needs (:func:`report_rows`: the framework's series, the latest period of
each kind of period that the report's members have) and writes them beside its measurements
(:data:`DISTRIBUTION_FILE`, read with :func:`read_distribution`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from tussenstand.atomic import write_parquet
from tussenstand.disclosure import apply_disclosure, is_person_count_unit
from tussenstand.periods import parse_period
from tussenstand.sources.cbs_national import CACHE_FILE, cached_hash

DISTRIBUTION_VERSION = "verdeling-2"  # bump when the rules above change: the cache rebuilds
#: the cache in ``data/processed/cbs/`` and the per-report file in ``data/processed/<code>/<periode>/``
DISTRIBUTION_FILE = "verdeling.parquet"
_KEY = b"tussenstand_distribution_key"

#: the columns of the cache and of the per-report file
DISTRIBUTION_COLUMNS = [
    "indicator",
    "periode",
    "periode_eind",
    "gemeente",
    "gemeente_naam",
    "waarde",  # published: NaN when suppressed or not published
    "eenheid",
    "bron",
    "tabel",
    "peildatum",
    "ontbreekt_reden",
    "voorlopig",
    "onderdrukt",
    "rang",  # 1 = lowest; <NA> when not ranked
    "gedeeld",  # gemeenten with the same value (the gemeente itself included); <NA> when not ranked
    "aantal",  # gemeenten ranked in this series and period
    "totaal",  # gemeenten with a row in this series and period
]
_COUNTS = ("rang", "gedeeld", "aantal", "totaal")


def ranked_series(national: pd.DataFrame) -> list[str]:
    """The series that get a distribution and ranks: every series whose unit is not a count of
    persons."""
    units = national[["indicator", "eenheid"]].drop_duplicates()
    counts = set(units.loc[units["eenheid"].map(is_person_count_unit).astype(bool), "indicator"])
    return sorted(set(units["indicator"]) - counts)


def build_distribution(national: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The published value and rank of every gemeente, per ranked series and period (no cache).

    ``national``: the whole national series (every series: a rate is suppressed when the count it
    is computed from is small, so the counts must be there)."""
    gm = national[national["gemeente"].str.fullmatch(r"GM\d{4}") & (national["gebied"] == "")]
    # the national series' notes (attrs) stay behind: pandas would copy them into every frame
    # made from this one, and into the parquet files
    gm = gm.copy()
    gm.attrs = {}
    published = apply_disclosure(gm, threshold=threshold, blank_values=True)
    data = published[published["indicator"].isin(ranked_series(national))].copy()
    groups = data.groupby(["indicator", "periode"], sort=False)
    data["rang"] = groups["waarde"].rank(method="min").astype("Int64")
    data["gedeeld"] = (
        data.groupby(["indicator", "periode", "waarde"], sort=False)["gemeente"]
        .transform("size")
        .where(data["waarde"].notna())
        .astype("Int64")
    )
    data["aantal"] = groups["waarde"].transform("count").astype("Int64")
    data["totaal"] = groups["gemeente"].transform("size").astype("Int64")
    data = data.sort_values(["indicator", "periode_eind", "periode", "gemeente"], kind="stable")
    return data[DISTRIBUTION_COLUMNS].reset_index(drop=True)


def _cache_key(processed_dir: Path, threshold: int) -> str:
    national = cached_hash(processed_dir / "cbs" / CACHE_FILE) or "geen-cache"
    return json.dumps([DISTRIBUTION_VERSION, national, threshold])


def load_distribution(
    national: pd.DataFrame,
    processed_dir: str | Path,
    threshold: int,
    series: Iterable[str] | None = None,
) -> pd.DataFrame:
    """:func:`build_distribution`, from the cache ``<processed_dir>/cbs/verdeling.parquet`` when it
    was built from the same national cache (call after
    :func:`~tussenstand.sources.cbs_national.load_national_series`, which keeps that current) with
    the same threshold; else built and cached (written atomically). ``series``: only these rows."""
    processed_dir = Path(processed_dir)
    path = processed_dir / "cbs" / DISTRIBUTION_FILE
    key = _cache_key(processed_dir, threshold)
    wanted = None if series is None else sorted(set(series))
    if _stored_key(path) == key:
        filters = None if wanted is None else [("indicator", "in", wanted)]
        if wanted == []:
            return empty_distribution()
        return _conform(pq.read_table(path, filters=filters).to_pandas())
    dist = build_distribution(national, threshold)
    write_parquet(dist, path, {_KEY.decode(): key})
    return dist if wanted is None else dist[dist["indicator"].isin(wanted)].reset_index(drop=True)


def _stored_key(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # an unreadable cache is rebuilt
        return None
    value = meta.get(_KEY)
    return value.decode() if value else None


def report_rows(dist: pd.DataFrame, members: Iterable[str], until: pd.Timestamp) -> pd.DataFrame:
    """The rows one report needs: per series and kind of period (years, half-years, ...) the
    latest period ending by ``until`` in which a member has a value or a suppressed one (what the
    report shows as its latest measurement), with every gemeente's row of that period (the
    distribution the report draws, and the members' ranks)."""
    dist = dist[dist["periode_eind"] <= until]
    own = dist[dist["gemeente"].isin(list(members)) & (dist["waarde"].notna() | dist["onderdrukt"])]
    if own.empty:
        return dist.iloc[:0].reset_index(drop=True)
    periods = own[["indicator", "periode", "periode_eind"]].drop_duplicates()
    kinds = {p: parse_period(p).kind for p in periods["periode"].unique()}
    periods = periods.assign(_kind=periods["periode"].map(kinds))
    latest = (
        periods.sort_values("periode_eind", kind="stable").groupby(["indicator", "_kind"]).tail(1)
    )
    keep = dist.merge(latest[["indicator", "periode"]], on=["indicator", "periode"])
    return keep[DISTRIBUTION_COLUMNS].reset_index(drop=True)


def write_distribution(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a report's rows (:data:`DISTRIBUTION_COLUMNS`) atomically."""
    return write_parquet(df[DISTRIBUTION_COLUMNS], path)


def empty_distribution() -> pd.DataFrame:
    """No rows, the columns and types of a distribution file."""
    return _conform(pd.DataFrame(columns=DISTRIBUTION_COLUMNS))


def read_distribution(path: str | Path) -> pd.DataFrame:
    """A distribution file (the cache or a report's), with its columns and types; an empty frame
    when the file is not there (a report cleaned before ranks existed)."""
    path = Path(path)
    if not path.is_file():
        return empty_distribution()
    return _conform(pd.read_parquet(path))


def _conform(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reindex(columns=DISTRIBUTION_COLUMNS)
    for col in _COUNTS:
        df[col] = df[col].astype("Int64")
    df["waarde"] = df["waarde"].astype(float)
    df["periode_eind"] = pd.to_datetime(df["periode_eind"])
    for col in ("voorlopig", "onderdrukt"):
        df[col] = df[col].fillna(False).astype(bool)
    return df
