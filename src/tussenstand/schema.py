"""The one tidy measurement table: columns, key, types, the pandera schema, reading and writing.

Every source (CBS StatLine series, the wijk- en buurtkaart files, local registrations) ends up in the
same long table: one row per gemeente x indicator x period [x gebied]; the columns are described in
``docs/architectuur.md``. This module owns

* :data:`MEASUREMENT_COLUMNS`, :data:`KEY_COLUMNS` and the column types; :func:`conform` brings a
  source's frame to those types (the one converter), :func:`empty_measurements` is a table
  without rows;
* :data:`MEASUREMENT_SCHEMA`, the pandera schema, and :func:`validate_measurements`;
* :func:`write_measurements` / :func:`read_measurements` for ``metingen.parquet`` (atomic: a reader
  never sees a half-written file).

The cleaning stage that fills the table is :mod:`tussenstand.cleaning`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from tussenstand.atomic import write_parquet
from tussenstand.periods import PeriodError, parse_period

#: Nederland in the ``gemeente`` column (CBS's region code for the whole country)
NATIONAL_CODE = "NL01"
NATIONAL_NAME = "Nederland"
MEASUREMENTS_FILE = "metingen.parquet"

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
    "gemeente",
    "gemeente_naam",
    "indicator",
    "periode",
    "gebied",
    "eenheid",
    "bron",
    "tabel",
    "peildatum",
    "ontbreekt_reden",
    "opmerking",
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
    for code, start, end in zip(
        df["periode"], df["periode_start"], df["periode_eind"], strict=True
    ):
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
        raise MeasurementError(
            f"{source}: onbekende kolommen in de meetgegevens: {', '.join(extra)}"
        )
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
    for (context, check), group in cases.groupby(
        ["schema_context", "check"], dropna=False, sort=False
    ):
        if context == "DataFrameSchema" and check not in (
            "column_in_dataframe",
            "column_in_schema",
        ):
            # a check on whole rows (uniqueness, missing reason, period dates): name the rows
            index = [i for i in dict.fromkeys(group["index"].tolist()) if i in df.index]
            keys = [
                "/".join(
                    str(df.at[i, c]) for c in KEY_COLUMNS if c in df.columns and df.at[i, c] != ""
                )
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


# ----- reading and writing ------------------------------------------------------------------
def write_measurements(df: pd.DataFrame, path: str | Path) -> Path:
    """Validate ``df`` and write it to ``path`` as parquet, atomically (temp file, then replace)."""
    return write_parquet(validate_measurements(df, Path(path).name), path)


def read_measurements(path: str | Path) -> pd.DataFrame:
    """Read and validate a ``metingen.parquet``."""
    path = Path(path)
    if not path.is_file():
        raise MeasurementError(
            f"{path} bestaat niet: draai eerst de opschoonstap (notebook 01_opschonen) voor deze "
            "gemeente en periode"
        )
    return validate_measurements(pd.read_parquet(path), path.name)


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Bring a source's frame to the schema: the schema's columns in its order (a text column the
    source does not have, such as ``opmerking`` for CBS rows, becomes empty text; a missing flag
    false), text as ``str``, flags as ``bool``, values as ``float64``, period dates as
    ``datetime64[ns]``. Other columns are dropped. The one converter every source uses."""
    out = df.reindex(columns=list(MEASUREMENT_COLUMNS))
    for c in STRING_COLUMNS:
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    for c in FLAG_COLUMNS:
        out[c] = out[c].astype(object).where(out[c].notna(), False).astype(bool)
    out["waarde"] = pd.to_numeric(out["waarde"], errors="raise").astype("float64")
    for c in DATE_COLUMNS:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def conform_series(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`conform`, then sorted as long series: gemeente, indicator, period."""
    return (
        conform(df)
        .sort_values(["gemeente", "indicator", "periode_start", "periode_eind"])
        .reset_index(drop=True)
    )
