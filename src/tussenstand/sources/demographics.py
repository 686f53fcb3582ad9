"""Population, age groups and households per gemeente and year.

Three sources:

* CBS tables: 80860ned (population by age group 0-15, 15-25, 25-45, 45-65, 65+; 1999-2009),
  85383NED (inhabitants), 71486ned (household composition);
* the CBS geo files ``geo/gemeenten_<jaar>.geojson`` (inhabitants and households on 1 January, and
  age-group shares **rounded to whole percentages** by CBS: flagged in ``eenheid`` and in
  ``aandeel_afgerond``). The extra feature ``GM0998`` 'Buitenland' and the fields other authors added
  (``zk_*``, ``cr_*``, ``ff_*``) are ignored;
* plan figures: ``data/raw/plancijfers/<gemeente>_demografie.csv`` (figures quoted in a policy plan,
  with a ``prognose`` column for forecasts and a ``bron`` column with the citation).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tussenstand.periods import Period
from tussenstand.sources.cbs import (
    BRON,
    OUTPUT_COLUMNS,
    _finish,
    clean_table,
    find_table_file,
    peildatum_for,
    read_table,
)

AGE_BANDS = ("0_15", "15_25", "25_45", "45_65", "65plus")
AGE_LABELS = {"0_15": "0-15 jaar", "15_25": "15-25 jaar", "25_45": "25-45 jaar",
              "45_65": "45-65 jaar", "65plus": "65 jaar en ouder"}
HOUSEHOLD_TYPES = ("totaal", "eenpersoons", "paar_zonder_kinderen", "paar_met_kinderen", "eenouder")
UNIT_ROUNDED_PCT = "% (afgerond op hele procenten)"
GEO_IGNORED_PREFIXES = ("zk_", "cr_", "ff_")
GEO_ABROAD = "GM0998"

PLAN_COLUMNS = ["gemeente", "gemeente_naam", "onderwerp", "categorie", "jaar", "waarde",
                "prognose", "bron"]


class DemographicsError(ValueError):
    """Demographic input that is missing or wrong."""


# ----- geo files -----------------------------------------------------------------------------
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

    Columns: gemeente, gemeente_naam, jaar, inwoners, huishoudens, and the shares
    ``aandeel_0_15`` ... ``aandeel_65plus`` in whole percentages.
    """
    files = geo_files(cbs_dir)
    if year is not None:
        if year not in files:
            raise DemographicsError(f"geen geo-bestand gemeenten_{year}.geojson in {Path(cbs_dir) / 'geo'}; "
                                    f"beschikbaar: {list(files)}")
        files = {year: files[year]}
    rows = []
    for y, path in files.items():
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as exc:
            raise DemographicsError(f"{path.name}: geen leesbare GeoJSON ({exc})") from None
        for i, feat in enumerate(features):
            props = feat.get("properties") or {}
            code = str(props.get("gemeentecode", "")).strip()
            if not code.startswith("GM"):
                raise DemographicsError(f"{path.name}, feature {i}: geen gemeentecode (GMxxxx)")
            if code == GEO_ABROAD:
                continue
            row = {"gemeente": code, "gemeente_naam": str(props.get("gemeentenaam", "")).strip(),
                   "jaar": y, "inwoners": props.get("aantal_inwoners"),
                   "huishoudens": props.get("huishoudens")}
            for band in AGE_BANDS:
                row[f"aandeel_{band}"] = props.get(band)
            rows.append(row)
    df = pd.DataFrame(rows, columns=["gemeente", "gemeente_naam", "jaar", "inwoners", "huishoudens",
                                     *(f"aandeel_{b}" for b in AGE_BANDS)])
    num = ["inwoners", "huishoudens", *(f"aandeel_{b}" for b in AGE_BANDS)]
    df[num] = df[num].apply(pd.to_numeric, errors="coerce").astype(float)
    for col in num:
        bad = (df[col] < 0) | ((df[col] > 100) & col.startswith("aandeel"))
        if bad.any():
            r = df[bad].iloc[0]
            raise DemographicsError(f"gemeenten_{r['jaar']}.geojson, {r['gemeente']}, veld {col}: "
                                    f"onmogelijke waarde {r[col]:g}")
    return df


def geo_series(cbs_dir: str | Path) -> pd.DataFrame:
    """The geo files as tidy series: inwoners, huishoudens_totaal, aandeel_* (whole percentages)."""
    files = geo_files(cbs_dir)
    if not files:
        return _finish(pd.DataFrame(columns=OUTPUT_COLUMNS))
    wide = read_geo(cbs_dir)
    dates = {y: peildatum_for(p)[0] for y, p in files.items()}
    specs = [("inwoners", "inwoners", "aantal"), ("huishoudens", "huishoudens_totaal", "aantal")]
    specs += [(f"aandeel_{b}", f"aandeel_{b}", UNIT_ROUNDED_PCT) for b in AGE_BANDS]
    parts = []
    for col, indicator, unit in specs:
        part = wide[["gemeente", "gemeente_naam", "jaar"]].assign(
            indicator=indicator, eenheid=unit, waarde=wide[col],
            ontbreekt_reden=np.where(wide[col].isna(), "geo-bestand: geen waarde", ""))
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
    return _finish(df)


def inhabitants(cbs_dir: str | Path, gemeente: str | None = None) -> pd.DataFrame:
    """Inhabitants on 1 January per gemeente and year from the geo files."""
    df = read_geo(cbs_dir)[["gemeente", "gemeente_naam", "jaar", "inwoners"]]
    if gemeente:
        df = df[df["gemeente"] == gemeente]
    return df.reset_index(drop=True)


# ----- population by age ---------------------------------------------------------------------
def population_by_age(cbs_dir: str | Path, gemeente: str | None = None) -> pd.DataFrame:
    """Population per age band, gemeente and year.

    Columns: gemeente, gemeente_naam, jaar, leeftijd (``0_15`` ... ``65plus``), leeftijd_label,
    aantal, aandeel (%), aandeel_afgerond (True where CBS rounded the share to whole percentages),
    bron, tabel, prognose. From 80860ned (counts, exact shares; 1999-2009) and the geo files
    (shares only, whole percentages).
    """
    parts = []
    if find_table_file(cbs_dir, "80860ned") is not None:
        t = clean_table(read_table(cbs_dir, "80860ned"), "80860ned", None)
        t = t[t["gemeente"].str.startswith("GM")]
        for band in AGE_BANDS:
            n = t[t["indicator"] == f"inwoners_{band}"].set_index(["gemeente", "periode"])
            s = t[t["indicator"] == f"aandeel_{band}"].set_index(["gemeente", "periode"])
            part = n[["gemeente_naam"]].assign(aantal=n["waarde"], aandeel=s["waarde"]).reset_index()
            parts.append(part.assign(leeftijd=band, aandeel_afgerond=False, bron=BRON,
                                     tabel="80860ned", jaar=part["periode"].astype(int)))
    geo = read_geo(cbs_dir) if geo_files(cbs_dir) else pd.DataFrame()
    for band in AGE_BANDS:
        if geo.empty:
            break
        parts.append(geo[["gemeente", "gemeente_naam", "jaar"]].assign(
            leeftijd=band, aantal=np.nan, aandeel=geo[f"aandeel_{band}"], aandeel_afgerond=True,
            bron=GEO_BRON, tabel="geo/gemeenten_" + geo["jaar"].astype(str) + ".geojson"))
    if not parts:
        raise DemographicsError(f"geen leeftijdsgegevens in {cbs_dir}: verwacht 80860ned.csv of geo/gemeenten_<jaar>.geojson")
    df = pd.concat(parts, ignore_index=True)
    if gemeente:
        df = df[df["gemeente"] == gemeente]
    df["leeftijd_label"] = df["leeftijd"].map(AGE_LABELS)
    df["prognose"] = False
    cols = ["gemeente", "gemeente_naam", "jaar", "leeftijd", "leeftijd_label", "aantal", "aandeel",
            "aandeel_afgerond", "bron", "tabel", "prognose"]
    return df[cols].sort_values(["gemeente", "jaar", "leeftijd"]).reset_index(drop=True)


# ----- households ----------------------------------------------------------------------------
def households(cbs_dir: str | Path, gemeente: str | None = None) -> pd.DataFrame:
    """Households per type, gemeente and year: 71486ned (all types) and geo files (total only).

    Columns: gemeente, gemeente_naam, jaar, type (``totaal``, ``eenpersoons``,
    ``paar_zonder_kinderen``, ``paar_met_kinderen``, ``eenouder``), aantal, bron, tabel, prognose.
    Where both sources give the total for a year, 71486ned is kept.
    """
    from tussenstand.sources.areas import load_all_areas

    parts = []
    if find_table_file(cbs_dir, "71486ned") is not None:
        t = clean_table(read_table(cbs_dir, "71486ned"), "71486ned", load_all_areas(cbs_dir))
        t = t[t["gemeente"].str.startswith("GM")]
        parts.append(pd.DataFrame({
            "gemeente": t["gemeente"], "gemeente_naam": t["gemeente_naam"],
            "jaar": t["periode"].astype(int), "type": t["indicator"].str.removeprefix("huishoudens_"),
            "aantal": t["waarde"], "bron": BRON, "tabel": "71486ned"}))
    if geo_files(cbs_dir):
        geo = read_geo(cbs_dir)
        parts.append(pd.DataFrame({
            "gemeente": geo["gemeente"], "gemeente_naam": geo["gemeente_naam"], "jaar": geo["jaar"],
            "type": "totaal", "aantal": geo["huishoudens"], "bron": GEO_BRON,
            "tabel": "geo/gemeenten_" + geo["jaar"].astype(str) + ".geojson"}))
    if not parts:
        raise DemographicsError(f"geen huishoudgegevens in {cbs_dir}: verwacht 71486ned.csv of geo/gemeenten_<jaar>.geojson")
    df = pd.concat(parts, ignore_index=True).drop_duplicates(["gemeente", "jaar", "type"])
    if gemeente:
        df = df[df["gemeente"] == gemeente]
    df["prognose"] = False
    return df.sort_values(["gemeente", "jaar", "type"]).reset_index(drop=True)


# ----- plan figures --------------------------------------------------------------------------
def read_plan_figures(path: str | Path) -> pd.DataFrame:
    """A plan-figures CSV (``;``-separated, whole numbers with or without thousands dots)."""
    path = Path(path)
    if not path.is_file():
        raise DemographicsError(f"plancijfers niet gevonden: {path}")
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in PLAN_COLUMNS if c not in df.columns]
    if missing:
        raise DemographicsError(f"{path.name}: kolommen {', '.join(missing)} ontbreken; verwacht {';'.join(PLAN_COLUMNS)}")
    df = df.apply(lambda c: c.str.strip())
    for i, row in df.iterrows():
        if not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", row["waarde"]):
            raise DemographicsError(f"{path.name}, regel {i + 2}, kolom waarde: {row['waarde']!r} is geen geheel getal")
        if row["prognose"].lower() not in ("ja", "nee", "true", "false"):
            raise DemographicsError(f"{path.name}, regel {i + 2}, kolom prognose: verwacht ja of nee")
    df["waarde"] = df["waarde"].str.replace(".", "", regex=False).astype(float)
    df["jaar"] = df["jaar"].astype(int)
    df["prognose"] = df["prognose"].str.lower().isin(["ja", "true"])
    return df[PLAN_COLUMNS]


def plan_population_by_age(path: str | Path) -> pd.DataFrame:
    """Age table from a plan: one row per year and band, with the share of the year's total."""
    df = read_plan_figures(path)
    df = df[df["onderwerp"] == "leeftijd"].rename(columns={"categorie": "leeftijd", "waarde": "aantal"})
    unknown = set(df["leeftijd"]) - set(AGE_BANDS)
    if unknown:
        raise DemographicsError(f"{Path(path).name}: onbekende leeftijdsgroep(en) {sorted(unknown)}; verwacht {AGE_BANDS}")
    total = df.groupby(["gemeente", "jaar"])["aantal"].transform("sum")
    df["aandeel"] = df["aantal"] / total * 100
    df["aandeel_afgerond"] = False
    df["leeftijd_label"] = df["leeftijd"].map(AGE_LABELS)
    df["tabel"] = Path(path).name
    cols = ["gemeente", "gemeente_naam", "jaar", "leeftijd", "leeftijd_label", "aantal", "aandeel",
            "aandeel_afgerond", "bron", "tabel", "prognose"]
    return df[cols].sort_values(["gemeente", "jaar", "leeftijd"]).reset_index(drop=True)


def plan_households(path: str | Path) -> pd.DataFrame:
    df = read_plan_figures(path)
    df = df[df["onderwerp"] == "huishoudens"].rename(columns={"categorie": "type", "waarde": "aantal"})
    unknown = set(df["type"]) - set(HOUSEHOLD_TYPES) - {"meerpersoons"}
    if unknown:
        raise DemographicsError(f"{Path(path).name}: onbekend huishoudtype {sorted(unknown)}")
    df["tabel"] = Path(path).name
    return df[["gemeente", "gemeente_naam", "jaar", "type", "aantal", "bron", "tabel", "prognose"]] \
        .sort_values(["gemeente", "jaar", "type"]).reset_index(drop=True)


def national_shares_from_geo(cbs_dir: str | Path) -> pd.DataFrame:
    """Age shares for Nederland per geo year, as the inhabitant-weighted mean over all gemeenten.

    The geo files give each gemeente's shares in whole percentages only; weighting them by
    inhabitants gives the national shares to within a few tenths of a percent. Rows in the tidy
    measurement shape (gemeente ``NL01``, indicator ``aandeel_<band>``, unit
    ``% (berekend uit afgeronde gemeentecijfers)``).
    """
    files = geo_files(cbs_dir)
    if not files:
        raise DemographicsError(f"geen geo-bestanden in {Path(cbs_dir) / 'geo'}")
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
            rows.append({
                "gemeente": "NL01", "gemeente_naam": "Nederland", "indicator": col,
                "periode": period.code, "periode_start": pd.Timestamp(period.start),
                "periode_eind": pd.Timestamp(period.end), "gebied": "", "waarde": value,
                "eenheid": "% (berekend uit afgeronde gemeentecijfers)", "bron": GEO_BRON,
                "tabel": f"geo/gemeenten_{year}.geojson", "peildatum": dates.get(year, ""), "ontbreekt_reden": "",
                "illustratief": False, "voorlopig": False, "onderdrukt": False, "reeksbreuk": False,
            })
    return pd.DataFrame(rows)
