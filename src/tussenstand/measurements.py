"""The one tidy measurement table (``metingen.parquet``) and the cleaning stage that writes it.

Every source (CBS StatLine series, local registrations) ends up in the same long table: one row per
gemeente x indicator x period [x gebied]; see ``docs/architectuur.md``. This module owns

* :data:`MEASUREMENT_SCHEMA`, the pandera schema of that table, and :func:`validate_measurements`;
* :func:`write_parquet_atomic` / :func:`read_measurements`: a write never leaves a half-written file
  (temp file in the same folder, then ``os.replace``);
* :func:`clean_unit`: the whole cleaning stage for one monitored unit (a gemeente or a region) and
  one report period, writing ``data/processed/<code>/<periode>/metingen.parquet`` and
  ``kwaliteit.json`` (the summary the report's data-quality section shows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from tussenstand.atomic import write_atomic, write_text_atomic
from tussenstand.periods import Period, PeriodError, parse_period

if TYPE_CHECKING:  # pragma: no cover
    from tussenstand.config import ProjectConfig

NATIONAL_CODE = "NL01"
MEASUREMENTS_FILE = "metingen.parquet"
QUALITY_FILE = "kwaliteit.json"

MEASUREMENT_COLUMNS: tuple[str, ...] = (
    "gemeente",
    "gemeente_naam",
    "indicator",
    "periode",
    "periode_start",
    "periode_eind",
    "gebied",
    "waarde",
    "eenheid",
    "bron",
    "tabel",
    "peildatum",
    "ontbreekt_reden",
    "opmerking",
    "illustratief",
    "voorlopig",
    "onderdrukt",
    "reeksbreuk",
)
STRING_COLUMNS = (
    "gemeente", "gemeente_naam", "indicator", "periode", "gebied", "eenheid", "bron", "tabel",
    "peildatum", "ontbreekt_reden", "opmerking",
)
FLAG_COLUMNS = ("illustratief", "voorlopig", "onderdrukt", "reeksbreuk")
DATE_COLUMNS = ("periode_start", "periode_eind")
KEY_COLUMNS = ["gemeente", "indicator", "periode", "gebied"]

_PERIOD_CODE = r"^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2])|/\d{4})?$"
_AREA_CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
_ISO_DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"


class MeasurementError(ValueError):
    """A measurement table that breaks the tidy schema."""


def _missing_has_reason(df: pd.DataFrame) -> pd.Series:
    return ~(df["waarde"].isna() & (df["ontbreekt_reden"].fillna("") == ""))


def _period_code_matches_dates(df: pd.DataFrame) -> pd.Series:
    ok = []
    for code, start, end in zip(df["periode"], df["periode_start"], df["periode_eind"], strict=True):
        try:
            p = parse_period(code)
        except PeriodError:
            ok.append(False)
            continue
        ok.append(pd.Timestamp(p.start) == start and pd.Timestamp(p.end) == end)
    return pd.Series(ok, index=df.index)


MEASUREMENT_SCHEMA = pa.DataFrameSchema(
    {
        "gemeente": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "gemeente_naam": pa.Column(str),
        "indicator": pa.Column(str, pa.Check.str_length(min_value=1)),
        "periode": pa.Column(str, pa.Check.str_matches(_PERIOD_CODE)),
        "periode_start": pa.Column("datetime64[ns]", coerce=True),
        "periode_eind": pa.Column("datetime64[ns]", coerce=True),
        "gebied": pa.Column(str),
        "waarde": pa.Column(float, nullable=True, coerce=True),
        "eenheid": pa.Column(str, pa.Check.str_length(min_value=1)),
        "bron": pa.Column(str, pa.Check.str_length(min_value=1)),
        "tabel": pa.Column(str, pa.Check.str_length(min_value=1)),
        "peildatum": pa.Column(str, pa.Check.str_matches(_ISO_DATE_OR_EMPTY)),
        "ontbreekt_reden": pa.Column(str),
        "opmerking": pa.Column(str),
        "illustratief": pa.Column(bool),
        "voorlopig": pa.Column(bool),
        "onderdrukt": pa.Column(bool),
        "reeksbreuk": pa.Column(bool),
    },
    checks=[
        pa.Check(_missing_has_reason, error="waarde ontbreekt zonder ontbreekt_reden"),
        pa.Check(
            _period_code_matches_dates,
            error="periode_start/periode_eind passen niet bij de periodecode",
        ),
    ],
    unique=KEY_COLUMNS,
    strict=True,
    ordered=True,
    name="metingen",
)


def empty_measurements() -> pd.DataFrame:
    """A table with the schema's columns and no rows."""
    df = pd.DataFrame({c: pd.Series([], dtype="str") for c in STRING_COLUMNS})
    for c in DATE_COLUMNS:
        df[c] = pd.Series([], dtype="datetime64[ns]")
    df["waarde"] = pd.Series([], dtype="float64")
    for c in FLAG_COLUMNS:
        df[c] = pd.Series([], dtype="bool")
    return df[list(MEASUREMENT_COLUMNS)]


def validate_measurements(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check ``df`` against :data:`MEASUREMENT_SCHEMA`; return it with columns in schema order.

    Raises :class:`MeasurementError` naming ``source`` (a file or stage), the columns and up to five
    offending values per problem.
    """
    missing = [c for c in MEASUREMENT_COLUMNS if c not in df.columns]
    if missing:
        raise MeasurementError(
            f"{source}: kolommen ontbreken in de meetgegevens: {', '.join(missing)} "
            f"(verwacht: {', '.join(MEASUREMENT_COLUMNS)})"
        )
    extra = [c for c in df.columns if c not in MEASUREMENT_COLUMNS]
    if extra:
        raise MeasurementError(f"{source}: onbekende kolommen in de meetgegevens: {', '.join(extra)}")
    ordered = df[list(MEASUREMENT_COLUMNS)]
    try:
        return MEASUREMENT_SCHEMA.validate(ordered, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise MeasurementError(_describe_schema_errors(source, exc, ordered)) from None


_CHECK_NL = {
    "multiple_fields_uniqueness": "dubbele meting (gemeente, indicator, periode en gebied moeten uniek zijn)",
}


def _describe_schema_errors(source: str, exc: pa.errors.SchemaErrors, df: pd.DataFrame) -> str:
    cases = exc.failure_cases
    lines = [f"{source}: de meetgegevens voldoen niet aan het schema van metingen.parquet:"]
    for (context, check), group in cases.groupby(["schema_context", "check"], dropna=False, sort=False):
        if context == "DataFrameSchema" and check not in ("column_in_dataframe", "column_in_schema"):
            # a check on whole rows (uniqueness, missing reason, period dates): name the rows
            index = [i for i in dict.fromkeys(group["index"].tolist()) if i in df.index]
            keys = [
                "/".join(str(df.at[i, c]) for c in KEY_COLUMNS if c in df.columns and df.at[i, c] != "")
                for i in index[:5]
            ]
            keys = list(dict.fromkeys(keys))
            more = f" (en {len(index) - 5} meer)" if len(index) > 5 else ""
            label = _CHECK_NL.get(check, check)
            lines.append(f"  {label}: rij(en) {', '.join(keys)}{more}")
            continue
        values = ", ".join(repr(v) for v in group["failure_case"].head(5).tolist())
        more = f" (en {len(group) - 5} meer)" if len(group) > 5 else ""
        column = group["column"].iloc[0]
        col = column if isinstance(column, str) and column else "tabel"
        lines.append(f"  kolom {col}: {check}: {values}{more}")
    return "\n".join(lines)


# ----- atomic storage ------------------------------------------------------------------------
def write_parquet_atomic(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as parquet via a temp file in the same folder and ``os.replace``.

    Readers never see a half-written file; on failure the temp file is removed and an existing
    ``path`` is left untouched. Missing folders are created.
    """
    return write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_json_atomic(data: Any, path: str | Path) -> Path:
    """Write ``data`` as UTF-8 JSON (indented, keys in insertion order) atomically."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    return write_text_atomic(path, text)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    raise TypeError(f"niet naar JSON te schrijven: {value!r}")


def read_measurements(path: str | Path) -> pd.DataFrame:
    """Read and validate a ``metingen.parquet``."""
    path = Path(path)
    if not path.is_file():
        raise MeasurementError(
            f"{path} bestaat niet: draai eerst de opschoonstap (notebook 01_opschonen) voor deze "
            "gemeente en periode"
        )
    return validate_measurements(pd.read_parquet(path), path.name)


# ----- building rows -------------------------------------------------------------------------
def period_columns(codes: Iterable[str]) -> tuple[list[pd.Timestamp], list[pd.Timestamp]]:
    """Start and end timestamps for canonical period codes (helper for sources)."""
    starts, ends = [], []
    for code in codes:
        p = parse_period(code)
        starts.append(pd.Timestamp(p.start))
        ends.append(pd.Timestamp(p.end))
    return starts, ends


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Bring a frame with the schema's columns to the schema's dtypes (strings, bools, floats)."""
    out = df.copy()
    for c in STRING_COLUMNS:
        if c in out.columns:
            out[c] = out[c].fillna("").astype("str")
    for c in FLAG_COLUMNS:
        if c in out.columns:
            out[c] = out[c].fillna(False).astype(bool)
    if "waarde" in out.columns:
        out["waarde"] = pd.to_numeric(out["waarde"], errors="raise").astype("float64")
    for c in DATE_COLUMNS:
        if c in out.columns:
            out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


# ----- cleaning stage ------------------------------------------------------------------------
@dataclass
class CleaningResult:
    """What :func:`clean_unit` produced for one unit and report period."""

    code: str
    period: Period
    measurements: pd.DataFrame
    quality: dict[str, Any]
    path: Path
    quality_path: Path
    notes: list[str] = field(default_factory=list)

    @property
    def quality_table(self) -> pd.DataFrame:
        """Rows per source and table, as a DataFrame (for the report's data-quality section)."""
        return pd.DataFrame(self.quality["per_bron"])


def unit_members(unit: Any) -> list[str]:
    """The GM codes a monitored unit covers: its members (region) or its own code (gemeente)."""
    members = getattr(unit, "members", None)
    return [str(m) for m in members] if members else [str(unit.code)]


def comparison_codes(config: ProjectConfig, framework: Any, members: list[str]) -> list[str]:
    """The comparison group: the framework's own (``comparison.municipalities``), else the
    gemeenten of the same size class as each member (``sources.areas.comparison_group``)."""
    own = getattr(getattr(framework, "comparison", None), "municipalities", None)
    if own:
        return sorted(str(c) for c in own)
    from tussenstand.sources import areas

    try:
        table = areas.load_areas(config.cbs_dir)
    except areas.AreasError:
        return []
    codes: set[str] = set()
    for member in members:
        try:
            codes.update(areas.comparison_group(table, member)["gemeente"])
        except areas.AreasError:
            continue  # a member without a size class: no comparison group for it
    return sorted(codes)


REGION_KINDS = ("jeugdzorgregio", "arbeidsmarktregio")


def region_codes(config: ProjectConfig, members: list[str]) -> dict[str, list[str]]:
    """The CBS region codes (``JZ10``, ``AM37``) of the members, per region kind.

    The report compares a municipality with its own jeugdzorgregio and arbeidsmarktregio, whose
    figures CBS publishes as rows of their own in some tables.
    """
    from tussenstand.sources import areas

    try:
        table = areas.load_areas(config.cbs_dir)
    except areas.AreasError:
        return {}
    rows = table[table["gemeente"].isin(members)]
    return {
        kind: sorted({str(c) for c in rows[f"{kind}_code"].dropna() if str(c).strip()})
        for kind in REGION_KINDS
    }


def clean_unit(config: ProjectConfig, unit: Any, period: Period) -> CleaningResult:
    """The cleaning stage for one monitored unit (gemeente or region) and one report period.

    ``unit`` is a :class:`tussenstand.frameworks.MonitoredUnit`.

    1. national CBS series (``sources.cbs.load_national_series``), kept for the unit's members,
       Nederland (NL01), the comparison group (the framework's own, else the same size class) and
       the members' jeugdzorgregio and arbeidsmarktregio;
    2. local registrations from ``data/raw/registraties`` for the members, checked against the
       frameworks (personal-data guard and template validation happen while reading);
    3. only periods that have ended by the end of ``period``;
    4. small-numbers marking (``onderdrukt``; values stay in this internal table, published output
       blanks them via :func:`tussenstand.disclosure.apply_disclosure`);
    5. validated and written atomically to ``data/processed/<code>/<periode>/metingen.parquet``
       plus ``kwaliteit.json``.
    """
    from tussenstand.disclosure import apply_disclosure
    from tussenstand.frameworks import load_frameworks
    from tussenstand.sources.cbs import load_national_series
    from tussenstand.sources.registrations import load_registrations

    code = str(unit.code)
    members = unit_members(unit)
    frameworks = load_frameworks(config.frameworks_dir)
    framework = frameworks.get(getattr(unit, "framework_id", ""))
    regions = [c for codes in region_codes(config, members).values() for c in codes]
    # A member of a regional framework also gets its partners: its report shows them side by side.
    partners = list(framework.municipality_codes) if framework is not None and framework.is_regional else []
    keep = {*members, *partners, NATIONAL_CODE, *comparison_codes(config, framework, members), *regions}
    notes: list[str] = []

    cbs = load_national_series(config.cbs_dir, config.processed_dir)
    cbs = cbs[cbs["gemeente"].isin(keep)]
    regs = load_registrations(config.registrations_dir, gemeente=members, framework=frameworks)
    regs = _fill_names(regs, cbs)
    parts = [p for p in (cbs, regs) if len(p)]
    # sources without notes (CBS) get an empty `opmerking`
    df = pd.concat([conform(p.reindex(columns=list(MEASUREMENT_COLUMNS), fill_value="")) for p in parts],
                   ignore_index=True) \
        if parts else empty_measurements()
    df = df[df["periode_eind"] <= pd.Timestamp(period.end)]
    _check_no_overlap(df)
    df = apply_disclosure(df, threshold=config.disclosure_threshold, blank_values=False)
    df = df.sort_values(KEY_COLUMNS, kind="stable", ignore_index=True)
    df = validate_measurements(df, f"metingen {code} {period.code}")

    out_dir = config.processed_unit_dir(code, period)
    path = write_parquet_atomic(df, out_dir / MEASUREMENTS_FILE)
    quality = quality_summary(df, code=code, period=period, members=members, notes=notes)
    quality_path = write_json_atomic(quality, out_dir / QUALITY_FILE)
    return CleaningResult(code, period, df, quality, path, quality_path, notes)


def _fill_names(regs: pd.DataFrame, cbs: pd.DataFrame | None) -> pd.DataFrame:
    if cbs is None or not len(cbs):
        return regs
    names = cbs.drop_duplicates("gemeente").set_index("gemeente")["gemeente_naam"]
    regs = regs.copy()
    empty = regs["gemeente_naam"].fillna("") == ""
    regs.loc[empty, "gemeente_naam"] = regs.loc[empty, "gemeente"].map(names).fillna("")
    return regs


def _check_no_overlap(df: pd.DataFrame) -> None:
    dup = df[df.duplicated(KEY_COLUMNS, keep=False)]
    if len(dup):
        first = dup.iloc[0]
        tables = sorted(set(dup[(dup[KEY_COLUMNS] == first[KEY_COLUMNS]).all(axis=1)]["tabel"]))
        raise MeasurementError(
            f"dubbele meting voor {first['gemeente']}, reeks {first['indicator']}, periode "
            f"{first['periode']}{', gebied ' + first['gebied'] if first['gebied'] else ''}: "
            f"zowel in {' als in '.join(tables)}; een registratie mag geen CBS-reeks overschrijven "
            "(gebruik een eigen reekscode)"
        )


# ----- data-quality summary ------------------------------------------------------------------
def quality_summary(
    df: pd.DataFrame,
    *,
    code: str,
    period: Period,
    members: list[str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """What the report's data-quality section says about ``df`` (JSON-ready, deterministic)."""
    members = members or []
    per_source = []
    for (bron, tabel), g in df.groupby(["bron", "tabel"], sort=True):
        per_source.append({
            "bron": bron,
            "tabel": tabel,
            "rijen": len(g),
            "reeksen": int(g["indicator"].nunique()),
            "ontbrekend": int(g["waarde"].isna().sum()),
            "onderdrukt": int(g["onderdrukt"].sum()),
            "voorlopig": int(g["voorlopig"].sum()),
            "illustratief": int(g["illustratief"].sum()),
            "peildatum": max(g["peildatum"]) if len(g) else "",
        })
    missing = df[df["waarde"].isna()]
    missing_rows = [
        {"indicator": ind, "tabel": tab, "reden": reason, "aantal": len(g)}
        for (ind, tab, reason), g in missing.groupby(["indicator", "tabel", "ontbreekt_reden"], sort=True)
    ]
    suppressed = df[df["onderdrukt"]]
    breaks = df[df["reeksbreuk"] & (df["gemeente"].isin(members) if members else True)]
    illustrative = df[df["illustratief"]]
    return {
        "gemeente": code,
        "periode": period.code,
        "leden": members,
        "rijen": len(df),
        "per_bron": per_source,
        "ontbrekend": missing_rows,
        "onderdrukt": {
            "aantal": len(suppressed),
            "reeksen": sorted(suppressed["indicator"].unique().tolist()),
        },
        "reeksbreuken": [
            {"indicator": r.indicator, "gemeente": r.gemeente, "periode": r.periode, "tabel": r.tabel}
            for r in breaks.drop_duplicates(["indicator", "periode", "tabel"]).itertuples()
        ],
        "illustratief": {
            "aantal": len(illustrative),
            "reeksen": sorted(illustrative["indicator"].unique().tolist()),
            "bestanden": sorted(illustrative["tabel"].unique().tolist()),
        },
        "opmerkingen": list(notes or []),
    }


def clean(
    gemeente: str,
    periode: str,
    *,
    project_root: str | Path | None = None,
    cbs_dir: str | Path | None = None,
) -> CleaningResult:
    """:func:`clean_unit` for a municipality or region code and a report period as a user types them
    (what ``notebooks/01_opschonen.ipynb`` calls)."""
    from tussenstand.config import load_config
    from tussenstand.frameworks import find_unit, monitored_units
    from tussenstand.periods import parse_report_period

    config = load_config(Path(project_root) if project_root else None, cbs_dir=cbs_dir)
    unit = find_unit(monitored_units(config.frameworks_dir), gemeente)
    return clean_unit(config, unit, parse_report_period(periode))
