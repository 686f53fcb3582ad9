"""The national CBS series: every supported table cleaned once, for all gemeenten and Nederland.

Built on the table readers (:mod:`tussenstand.sources.cbs_tables`) and the wijk- en buurtkaart files
(:mod:`tussenstand.sources.geo`): :func:`build_national_series` cleans every table found in the CBS
folder, joins old and new series of one indicator, adds the gap-filling tables (Kerncijfers wijken
en buurten) and then the geo figures where no table has them (:func:`gap_rows`),
derives the re-integration rate per 10.000 inhabitants of 15-64 and Nederland's age shares for the
geo years. Every supported table is needed: a missing one stops the build with the message for
an empty CBS folder (which tables, and three ways to get them). Each file is checked for
completeness (lines cut off or too short, fewer gemeenten than existed in a year,
:mod:`tussenstand.sources.municipalities`), and municipal mergers set ``reeksbreuk``; what was
found is in ``df.attrs`` (``bestandsproblemen``, ``onvolledig``, ``herindelingen``), also when the
series come from the cache. :func:`load_national_series` caches the result as
``data/processed/cbs/landelijk.parquet`` (rebuilt only when an input file or the cleaning rules
change), so the cleaning stage of each report reads it instead of cleaning the tables again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from tussenstand.atomic import write_parquet
from tussenstand.nlformat import fmt_number
from tussenstand.schema import KEY_COLUMNS, conform_series
from tussenstand.sources.areas import AREA_TABLES, available_area_years, load_all_areas
from tussenstand.sources.cbs_tables import (
    DEFAULT_TABLES,
    TABLES,
    CBSDataMissing,
    clean_table,
    combine,
    find_table_file,
    missing_data_message,
    peildatum_for,
    per_10000,
    read_meta,
    read_table,
)
from tussenstand.sources.geo import (
    GEO_SERIES,
    GEO_TABLE,
    UNIT_ROUNDED_PCT,
    GeoError,
    geo_files,
    geo_series,
    national_shares_from_geo,
)
from tussenstand.sources.municipalities import (
    coverage_gaps,
    mark_territory_breaks,
    reference_by_year,
    territory_changes,
)

CACHE_VERSION = "cbs-landelijk-6"  # bump when the cleaning rules change: the cache rebuilds
NOTES_KEY = "tussenstand_cbs_notes"
CACHE_FILE = "landelijk.parquet"
REASON_NO_POPULATION_15_64 = "afgeleid: geen inwonertal 15-64 jaar (85383NED)"
#: the series derived here from two tables, and the series (count, population) it is computed from
REINTEGRATION_RATE = "reintegratie_per_10000"
REINTEGRATION_INPUTS = ("reintegratie_lopend_aantal", "inwoners_15_64")


def _input_files(cbs_dir: Path) -> list[Path]:
    wanted = {f"{t}.csv".lower() for t in DEFAULT_TABLES} | {
        f"{t}.meta.json".lower() for t in DEFAULT_TABLES
    }
    files = [
        p
        for p in cbs_dir.iterdir()
        if p.is_file()
        and (p.name.lower() in wanted or p.name.lower().startswith("gemeenten-alfabetisch-"))
    ]
    geo = cbs_dir / "geo"
    if geo.is_dir():
        files += [
            p
            for p in geo.iterdir()
            if p.is_file() and (p.suffix == ".geojson" or p.name.endswith(".meta.json"))
        ]
    return sorted(files)


def inputs_hash(cbs_dir: str | Path) -> str:
    """SHA-256 over the names and contents of every input file (sidecars included), plus the
    cleaning-rules version."""
    cbs_dir = Path(cbs_dir)
    h = hashlib.sha256(CACHE_VERSION.encode())
    for path in _input_files(cbs_dir):
        h.update(path.relative_to(cbs_dir).as_posix().encode() + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def check_cbs_dir(cbs_dir: str | Path) -> Path:
    cbs_dir = Path(cbs_dir)
    if not cbs_dir.is_dir() or not any(find_table_file(cbs_dir, t) for t in DEFAULT_TABLES):
        raise CBSDataMissing(missing_data_message(cbs_dir))
    return cbs_dir


def build_national_series(cbs_dir: str | Path) -> pd.DataFrame:
    """Clean every supported table for all gemeenten and Nederland (no cache).

    Raises :class:`~tussenstand.sources.cbs_tables.CBSDataMissing` (which tables, and how to get
    them) when a primary table is not in ``cbs_dir``: a report never claims a gemeente has no
    figures because a file was not there. Gap-filling tables (the yearly Kerncijfers wijken en
    buurten, ``fills_gaps``) are optional: their absence is listed in the notes.
    """
    cbs_dir = check_cbs_dir(cbs_dir)
    absent = [
        t
        for t, spec in TABLES.items()
        if not spec.fills_gaps and find_table_file(cbs_dir, t) is None
    ]
    if not available_area_years(cbs_dir):
        absent = [*AREA_TABLES, *absent]
    if absent:
        raise CBSDataMissing(missing_data_message(cbs_dir, absent))
    areas = load_all_areas(cbs_dir)
    reference = reference_by_year(cbs_dir)
    frames, secondary, absent_secondary = [], [], []
    unresolved, provenance, titles = {}, {}, {}
    problems: list[dict] = []
    incomplete: list[dict] = []
    for table_id, spec in TABLES.items():
        path = find_table_file(cbs_dir, table_id)
        if path is None:  # only gap-filling tables can be absent here
            absent_secondary.append(table_id)
            continue
        peildatum, how = peildatum_for(path)
        provenance[table_id] = how
        fixed = None
        if spec.fixed_period:
            meta = read_meta(path)
            meta_period = meta.periode.strip() if meta is not None else ""
            fixed = meta_period if meta_period.isdigit() else None
        df = clean_table(
            read_table(cbs_dir, table_id), table_id, areas, peildatum=peildatum, fixed_period=fixed
        )
        unresolved[table_id] = df.attrs.get("niet_gekoppeld", [])
        titles[table_id] = df.attrs.get("titels_per_jaar", {})
        problems += df.attrs.get("bestandsproblemen", [])
        for gap in coverage_gaps(df, reference, titles[table_id]):
            incomplete.append({"tabel": table_id, "bestand": path.name, **gap})
        (secondary if spec.fills_gaps else frames).append(df)
    primary = combine(frames)
    # Precedence for one gemeente x indicator x period: a primary table, then a gap-filling table
    # (Kerncijfers wijken en buurten), then a geo file. The secondary sources repeat CBS figures
    # (inhabitants, households) from another CBS release; differences are not dropped silently:
    # they are listed in attrs['aanvulling_afwijkingen'] and attrs['geo_afwijkingen'].
    extra, extra_diffs = gap_rows(primary, combine(secondary))
    tables = combine([primary, extra])
    geo, geo_diffs = gap_rows(tables, geo_series(cbs_dir))
    out = combine(
        [tables, geo, derive_reintegration_rate(tables), _national_age_shares(cbs_dir, tables)]
    )
    changes = territory_changes(cbs_dir, out, titles, reference)
    out = mark_territory_breaks(out, changes)
    out.attrs = {
        "niet_gekoppeld": unresolved,
        "peildatum_bron": provenance,
        "aanvulling_ontbrekend": absent_secondary,
        "aanvulling_afwijkingen": extra_diffs,
        "geo_afwijkingen": geo_diffs,
        "bestandsproblemen": problems,
        "onvolledig": incomplete,
        "herindelingen": [c.model_dump() for c in changes],
    }
    return out


def gap_rows(have: pd.DataFrame, extra: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``extra`` whose key ``have`` lacks, and a line per key where both have a value
    and the values differ. A share that ``extra`` publishes rounded to whole percents differs only
    when it is more than half a percent off."""
    if extra.empty:
        return extra, []
    both = extra.merge(
        have[[*KEY_COLUMNS, "waarde", "tabel"]],
        on=KEY_COLUMNS,
        how="left",
        suffixes=("", "_tabel"),
        indicator=True,
    )
    value = both["waarde"].astype(float).to_numpy()
    other = both["waarde_tabel"].astype(float).to_numpy()
    rounded = (both["eenheid"] == UNIT_ROUNDED_PCT).to_numpy()
    with np.errstate(invalid="ignore"):
        same = np.where(
            rounded,
            np.abs(value - other) <= 0.5 + 1e-9,
            np.isclose(value, other, equal_nan=True),
        ) | (np.isnan(value) & np.isnan(other))
    differs = (both["_merge"] == "both").to_numpy() & ~same
    diffs = [
        f"{r.gemeente} {r.indicator} {r.periode}: {r.tabel_tabel} {fmt_number(r.waarde_tabel)}, "
        f"{r.tabel} {fmt_number(r.waarde)}"
        for r in both[differs].itertuples()
    ]
    return extra[(both["_merge"] == "left_only").to_numpy()], diffs


def _national_age_shares(cbs_dir: Path, tables: pd.DataFrame) -> pd.DataFrame:
    """Nederland's age shares for the geo years (inhabitant-weighted over all gemeenten), so that a
    gemeente's share in 2018 or 2024 is compared with Nederland in the same year. A CBS table with
    a national figure for the same year wins."""
    if not geo_files(cbs_dir):
        return tables.iloc[:0]
    try:
        shares = national_shares_from_geo(cbs_dir)
    except GeoError:
        return tables.iloc[:0]
    if shares.empty:
        return tables.iloc[:0]
    have = set(map(tuple, tables[KEY_COLUMNS].astype(str).to_numpy()))
    keep = [tuple(map(str, k)) not in have for k in shares[KEY_COLUMNS].to_numpy()]
    return shares[keep]


def cached_hash(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # unreadable cache: rebuild
        return None
    value = meta.get(b"tussenstand_inputs_hash")
    return value.decode() if value else None


def cached_notes(path: Path) -> dict:
    """What :func:`build_national_series` found (its ``attrs``), as stored in the cache."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(NOTES_KEY.encode())
    return json.loads(raw) if raw else {}


def load_national_series(cbs_dir: str | Path, processed_dir: str | Path) -> pd.DataFrame:
    """All supported CBS series for all gemeenten and Nederland, from the cache when it is current.

    The cache ``<processed_dir>/cbs/landelijk.parquet`` carries the hash of its input files; it is
    rebuilt only when that hash changes, and written atomically.
    """
    cbs_dir = check_cbs_dir(cbs_dir)
    path = Path(processed_dir) / "cbs" / CACHE_FILE
    digest = inputs_hash(cbs_dir)
    if cached_hash(path) == digest:
        df = pd.read_parquet(path)
        df.attrs = cached_notes(path)
        return df
    df = build_national_series(cbs_dir)
    extra = {
        "tussenstand_inputs_hash": digest,
        NOTES_KEY: json.dumps(df.attrs, ensure_ascii=False),
    }
    attrs = df.attrs
    df.attrs = {}
    write_parquet(df, path, extra)
    df.attrs = attrs
    return df


def derive_reintegration_rate(df: pd.DataFrame) -> pd.DataFrame:
    """``reintegratie_per_10000``: running re-integration provisions (85588NED, monthly) per 10.000
    inhabitants aged 15-64 (85383NED, same year, 1 January): the BBV denominator."""
    count_series, population_series = REINTEGRATION_INPUTS
    counts = df[df["indicator"] == count_series]
    pop = df[(df["indicator"] == population_series) & (df["tabel"] == "85383NED")]
    if counts.empty:
        return counts.iloc[0:0]
    pop = pop.assign(_jaar=pop["periode"].astype(str).astype(int))[
        ["gemeente", "_jaar", "waarde", "voorlopig"]
    ].rename(columns={"waarde": "_pop", "voorlopig": "_pop_voorlopig"})
    out = counts.assign(_jaar=counts["periode_start"].dt.year).merge(
        pop, on=["gemeente", "_jaar"], how="left"
    )
    out["_pop_voorlopig"] = out["_pop_voorlopig"].fillna(False).astype(bool)
    value = per_10000(out["waarde"].to_numpy(float), out["_pop"].to_numpy(float))
    reason = np.where(
        out["ontbreekt_reden"] != "",
        out["ontbreekt_reden"],
        np.where(np.isnan(value), REASON_NO_POPULATION_15_64, ""),
    )
    out = out.assign(
        indicator=REINTEGRATION_RATE,
        eenheid="per 10.000 inwoners van 15 tot en met 64 jaar",
        waarde=value,
        ontbreekt_reden=reason,
        tabel="85588NED/85383NED",
        voorlopig=out["voorlopig"] | out["_pop_voorlopig"],
    )
    return conform_series(out)


def series_catalogue() -> dict[str, tuple[str, ...]]:
    """Every series code the national CBS series can hold, with the tables (or geo files) it comes
    from, by code: the columns and derived series of every :data:`~.cbs_tables.TABLES` spec, the
    series of the geo files and the rate derived here. The one list a framework's series codes are
    checked against (:mod:`tussenstand.references`); it follows the specs, nothing is kept by hand.
    """
    sources: dict[str, list[str]] = {}

    def add(code: str, source: str) -> None:
        found = sources.setdefault(code, [])
        if source not in found:
            found.append(source)

    for table_id, spec in TABLES.items():
        for series in (*spec.series, *spec.derived):
            add(series.indicator, table_id)
    for _, code, _ in GEO_SERIES:
        add(code, GEO_TABLE)
    for code in REINTEGRATION_INPUTS:
        for source in sources[code]:
            add(REINTEGRATION_RATE, source)
    return {code: tuple(found) for code, found in sorted(sources.items())}
