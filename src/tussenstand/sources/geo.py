"""The municipality figures published with CBS's wijk- en buurtkaart (``geo/gemeenten_<jaar>.geojson``).

Each file holds, per gemeente on 1 January of its year, the inhabitants, the households and the
age-group shares ``0_15`` ... ``65plus`` **rounded to whole percentages** by CBS (flagged in the unit,
:data:`UNIT_ROUNDED_PCT`); some years (2022, 2024) also the household composition as whole
percentages (``pct_eenpersoonshhd``, ``pct_hhd_zonder_kind``, ``pct_hhd_met_kind``). The extra
feature ``GM0998`` 'Buitenland' (``GM9999`` in 2012) and the fields other authors added (``zk_*``, ``cr_*``, ``ff_*``) are
ignored. :func:`geo_series` gives the figures as tidy series, :func:`national_shares_from_geo`
Nederland's age shares as the inhabitant-weighted mean, :func:`read_shapes` the boundaries (for
finding municipal mergers, :mod:`tussenstand.sources.municipalities`).

The peildatum of a geo file is the download date in its sidecar ``gemeenten_<jaar>.meta.json``
(the same model as a CBS table's, :class:`tussenstand.handoff.TableMeta`); without one it is
unknown (empty), never the file's modification date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tussenstand.nlformat import ROUNDED_PERCENT_UNIT, fmt_number
from tussenstand.periods import Period
from tussenstand.schema import NATIONAL_CODE, NATIONAL_NAME, conform_series
from tussenstand.sources.cbs_tables import peildatum_for

AGE_BANDS = ("0_15", "15_25", "25_45", "45_65", "65plus")
UNIT_ROUNDED_PCT = ROUNDED_PERCENT_UNIT
#: household composition in the geo files (whole percentages of all households) -> series
HOUSEHOLD_SHARES = {
    "pct_eenpersoonshhd": "aandeel_huishoudens_eenpersoons",
    "pct_hhd_zonder_kind": "aandeel_huishoudens_zonder_kinderen",
    "pct_hhd_met_kind": "aandeel_huishoudens_met_kinderen",
}
UNIT_NATIONAL_FROM_ROUNDED = "% (berekend uit afgeronde gemeentecijfers)"
GEO_IGNORED_PREFIXES = ("zk_", "cr_", "ff_")
GEO_ABROAD = "GM0998"
#: features that are no gemeente: GM0998 'Buitenland' (2017-2024), GM9999 without a name (2012)
GEO_NOT_A_MUNICIPALITY = frozenset({GEO_ABROAD, "GM9999"})


class GeoError(ValueError):
    """A geo file that is missing or wrong."""


def geo_files(cbs_dir: str | Path) -> dict[int, Path]:
    geo = Path(cbs_dir) / "geo"
    if not geo.is_dir():
        return {}
    out = {}
    for path in geo.iterdir():
        m = re.fullmatch(r"gemeenten_(\d{4})\.geojson", path.name)
        if m:
            out[int(m[1])] = path
    return dict(sorted(out.items()))


#: the municipality figures published with the wijk- en buurtkaart (the files in ``geo/``)
GEO_BRON = "CBS Wijk- en buurtkaart (gemeentecijfers)"


def read_geo(cbs_dir: str | Path, year: int | None = None) -> pd.DataFrame:
    """Key figures from the geo files (no geometry): one row per gemeente and year.

    Columns: gemeente, gemeente_naam, jaar, inwoners, huishoudens, the shares
    ``aandeel_0_15`` ... ``aandeel_65plus`` and the household shares (:data:`HOUSEHOLD_SHARES`;
    empty in years whose file lacks them), all in whole percentages.
    """
    files = geo_files(cbs_dir)
    if year is not None:
        if year not in files:
            raise GeoError(
                f"geen geo-bestand gemeenten_{year}.geojson in {Path(cbs_dir) / 'geo'}; "
                f"beschikbaar: {list(files)}"
            )
        files = {year: files[year]}
    rows = []
    for y, path in files.items():
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as exc:
            raise GeoError(f"{path.name}: geen leesbare GeoJSON ({exc})") from None
        for i, feat in enumerate(features):
            props = feat.get("properties") or {}
            code = str(props.get("gemeentecode", "")).strip()
            if not code.startswith("GM"):
                raise GeoError(f"{path.name}, feature {i}: geen gemeentecode (GMxxxx)")
            if code in GEO_NOT_A_MUNICIPALITY:
                continue
            row = {
                "gemeente": code,
                "gemeente_naam": str(props.get("gemeentenaam", "")).strip(),
                "jaar": y,
                "inwoners": props.get("aantal_inwoners"),
                "huishoudens": props.get("huishoudens"),
            }
            for band in AGE_BANDS:
                row[f"aandeel_{band}"] = props.get(band)
            for field_name, series in HOUSEHOLD_SHARES.items():
                row[series] = props.get(field_name)
            rows.append(row)
    df = pd.DataFrame(
        rows,
        columns=[
            "gemeente",
            "gemeente_naam",
            "jaar",
            "inwoners",
            "huishoudens",
            *(f"aandeel_{b}" for b in AGE_BANDS),
            *HOUSEHOLD_SHARES.values(),
        ],
    )
    shares = [*(f"aandeel_{b}" for b in AGE_BANDS), *HOUSEHOLD_SHARES.values()]
    num = ["inwoners", "huishoudens", *shares]
    df[num] = df[num].apply(pd.to_numeric, errors="coerce").astype(float)
    for col in num:
        bad = (df[col] < 0) | ((df[col] > 100) & (col in shares))
        if bad.any():
            r = df[bad].iloc[0]
            raise GeoError(
                f"gemeenten_{r['jaar']}.geojson, {r['gemeente']}, veld {col}: "
                f"onmogelijke waarde {fmt_number(r[col], max_decimals=6)}"
            )
    return df


#: (field of :func:`read_geo`, series code, unit) of every series the geo files give
GEO_SERIES: tuple[tuple[str, str, str], ...] = (
    ("inwoners", "inwoners", "aantal"),
    ("huishoudens", "huishoudens_totaal", "aantal"),
    *((f"aandeel_{b}", f"aandeel_{b}", UNIT_ROUNDED_PCT) for b in AGE_BANDS),
    *((s, s, UNIT_ROUNDED_PCT) for s in HOUSEHOLD_SHARES.values()),
)
#: how the geo files are named as the source of a series (their ``tabel`` is the file)
GEO_TABLE = "geo/gemeenten_<jaar>.geojson"


def geo_series(cbs_dir: str | Path) -> pd.DataFrame:
    """The geo files as tidy series: inwoners, huishoudens_totaal, aandeel_* (whole percentages);
    the household shares only for the years whose file has them (2022 and 2024 in the extracts)."""
    files = geo_files(cbs_dir)
    if not files:
        return conform_series(pd.DataFrame())
    wide = read_geo(cbs_dir)
    dates = {y: peildatum_for(p)[0] for y, p in files.items()}
    parts = []
    for col, indicator, unit in GEO_SERIES:
        rows = wide
        if col in HOUSEHOLD_SHARES.values():
            with_field = wide.groupby("jaar")[col].transform(lambda v: v.notna().any())
            rows = wide[with_field.astype(bool)]
        part = rows[["gemeente", "gemeente_naam", "jaar"]].assign(
            indicator=indicator,
            eenheid=unit,
            waarde=rows[col],
            ontbreekt_reden=np.where(rows[col].isna(), "geo-bestand: geen waarde", ""),
        )
        parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    df["periode"] = df["jaar"].astype(str)
    df["periode_start"] = pd.to_datetime(df["jaar"].astype(str) + "-01-01")
    df["periode_eind"] = pd.to_datetime(df["jaar"].astype(str) + "-12-31")
    df["gebied"] = ""
    df["bron"] = GEO_BRON
    df["tabel"] = "geo/gemeenten_" + df["jaar"].astype(str) + ".geojson"
    df["peildatum"] = df["jaar"].map(dates)
    df["illustratief"] = False
    df["voorlopig"] = False
    df["onderdrukt"] = False
    df["reeksbreuk"] = False
    return conform_series(df)


def national_shares_from_geo(cbs_dir: str | Path) -> pd.DataFrame:
    """Age shares for Nederland per geo year, as the inhabitant-weighted mean over all gemeenten.

    The geo files give each gemeente's shares in whole percentages only; weighting them by
    inhabitants gives the national shares to within a few tenths of a percent. Rows in the tidy
    measurement shape (gemeente ``NL01``, indicator ``aandeel_<band>``, unit
    ``% (berekend uit afgeronde gemeentecijfers)``).
    """
    files = geo_files(cbs_dir)
    if not files:
        raise GeoError(f"geen geo-bestanden in {Path(cbs_dir) / 'geo'}")
    geo = read_geo(cbs_dir)
    dates = {y: peildatum_for(p)[0] for y, p in files.items()}
    rows = []
    for year, g in geo.groupby("jaar"):
        g = g.dropna(subset=["inwoners"])
        weight = g["inwoners"].sum()
        for band in AGE_BANDS:
            col = f"aandeel_{band}"
            known = g.dropna(subset=[col])
            if known.empty or weight <= 0:
                continue
            value = float((known[col] * known["inwoners"]).sum() / known["inwoners"].sum())
            period = Period.of_year(int(year))
            rows.append(
                {
                    "gemeente": NATIONAL_CODE,
                    "gemeente_naam": NATIONAL_NAME,
                    "indicator": col,
                    "periode": period.code,
                    "periode_start": pd.Timestamp(period.start),
                    "periode_eind": pd.Timestamp(period.end),
                    "gebied": "",
                    "waarde": value,
                    "eenheid": UNIT_NATIONAL_FROM_ROUNDED,
                    "bron": GEO_BRON,
                    "tabel": f"geo/gemeenten_{year}.geojson",
                    "peildatum": dates.get(year, ""),
                    "ontbreekt_reden": "",
                    "illustratief": False,
                    "voorlopig": False,
                    "onderdrukt": False,
                    "reeksbreuk": False,
                }
            )
    return pd.DataFrame(rows)


# ----- boundaries ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    """One gemeente's boundary in one geo file: its rings as (n, 2) arrays of lon/lat."""

    code: str
    name: str
    rings: tuple[np.ndarray, ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xy = np.concatenate(self.rings)
        return (
            float(xy[:, 0].min()),
            float(xy[:, 1].min()),
            float(xy[:, 0].max()),
            float(xy[:, 1].max()),
        )

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Which of ``points`` ((n, 2) lon/lat) lie inside (even-odd rule: holes are outside)."""
        px, py = points[:, 0], points[:, 1]
        inside = np.zeros(len(points), dtype=bool)
        for ring in self.rings:
            x1, y1 = ring[:-1, 0][:, None], ring[:-1, 1][:, None]
            x2, y2 = ring[1:, 0][:, None], ring[1:, 1][:, None]
            crosses = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            inside ^= (np.count_nonzero(crosses & (px < x_at), axis=0) % 2).astype(bool)
        return inside

    def sample_points(self, n: int = 40) -> np.ndarray:
        """Points of a regular ``n`` x ``n`` grid over the bounding box that lie inside."""
        x0, y0, x1, y1 = self.bbox
        xs, ys = np.meshgrid(np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1])
        grid = np.column_stack([xs.ravel(), ys.ravel()])
        return grid[self.contains(grid)]


def read_shapes(cbs_dir: str | Path) -> dict[int, dict[str, Shape]]:
    """Per geo year, every gemeente's boundary (``GM0998`` Buitenland left out)."""
    out: dict[int, dict[str, Shape]] = {}
    for year, path in geo_files(cbs_dir).items():
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as exc:
            raise GeoError(f"{path.name}: geen leesbare GeoJSON ({exc})") from None
        shapes: dict[str, Shape] = {}
        for feat in features:
            props = feat.get("properties") or {}
            code = str(props.get("gemeentecode", "")).strip()
            geom = feat.get("geometry") or {}
            if code in GEO_NOT_A_MUNICIPALITY or not code.startswith("GM") or not geom:
                continue
            polygons = (
                geom["coordinates"] if geom.get("type") == "MultiPolygon" else [geom["coordinates"]]
            )
            rings = tuple(np.asarray(r, dtype=float)[:, :2] for poly in polygons for r in poly)
            shapes[code] = Shape(code, str(props.get("gemeentenaam", "")).strip(), rings)
        out[year] = shapes
    return out
