"""The tidy measurement schema: validation with named errors, the one converter, atomic parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from tussenstand.schema import (
    MEASUREMENT_COLUMNS,
    MeasurementError,
    conform,
    read_measurements,
    validate_measurements,
    write_measurements,
)


def rows(n: int = 2) -> pd.DataFrame:
    periods = ["2023", "2024-H1", "2024-H2", "2025"][:n]
    starts = {
        "2023": "2023-01-01",
        "2024-H1": "2024-01-01",
        "2024-H2": "2024-07-01",
        "2025": "2025-01-01",
    }
    ends = {
        "2023": "2023-12-31",
        "2024-H1": "2024-06-30",
        "2024-H2": "2024-12-31",
        "2025": "2025-12-31",
    }
    return pd.DataFrame(
        {
            "gemeente": "GM0396",
            "gemeente_naam": "Heemskerk",
            "indicator": "reg_FF-4",
            "periode": periods,
            "periode_start": pd.to_datetime([starts[p] for p in periods]),
            "periode_eind": pd.to_datetime([ends[p] for p in periods]),
            "gebied": "",
            "waarde": [45.0, 48.0, 50.0, 52.0][:n],
            "eenheid": "aantal",
            "bron": "Suite4SD",
            "tabel": "h.csv",
            "peildatum": "2025-02-01",
            "ontbreekt_reden": "",
            "opmerking": "",
            "illustratief": False,
            "voorlopig": False,
            "onderdrukt": False,
            "reeksbreuk": False,
        }
    )


def test_valid_table_passes_and_keeps_order():
    out = validate_measurements(rows()[list(reversed(MEASUREMENT_COLUMNS))], "test")
    assert tuple(out.columns) == MEASUREMENT_COLUMNS


def test_schema_errors_name_source_and_column():
    bad = rows(3)
    bad.loc[1, "periode"] = "2024H1x"
    with pytest.raises(MeasurementError, match="(?s)bron.csv: .*kolom periode: str_matches"):
        validate_measurements(bad, "bron.csv")
    dup = pd.concat([rows(1), rows(1)], ignore_index=True)
    with pytest.raises(MeasurementError, match="bron.csv"):
        validate_measurements(dup, "bron.csv")
    missing = rows(1).assign(waarde=float("nan"))
    with pytest.raises(MeasurementError, match="ontbreekt zonder ontbreekt_reden"):
        validate_measurements(missing, "bron.csv")
    wrong_dates = rows(1).assign(periode_eind=pd.to_datetime(["2023-06-30"]))
    with pytest.raises(MeasurementError, match="passen niet bij de periodecode"):
        validate_measurements(wrong_dates, "bron.csv")
    with pytest.raises(MeasurementError, match="onbekende kolommen.*extra"):
        validate_measurements(rows(1).assign(extra=1), "bron.csv")


def test_atomic_write_roundtrip(tmp_path):
    path = tmp_path / "a" / "b" / "metingen.parquet"
    write_measurements(rows(), path)
    back = read_measurements(path)
    pd.testing.assert_frame_equal(back, validate_measurements(rows(), "x"))
    assert [p.name for p in path.parent.iterdir()] == ["metingen.parquet"]


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / "metingen.parquet"
    write_measurements(rows(2), path)
    before = path.read_bytes()
    invalid = rows(2).assign(periode=["2023", "2023"])  # a duplicate key: refused before writing
    with pytest.raises(MeasurementError, match="dubbele meting"):
        write_measurements(invalid, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["metingen.parquet"]


def test_read_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(MeasurementError, match="opschoonstap"):
        read_measurements(tmp_path / "metingen.parquet")


def test_conform_brings_a_source_frame_to_the_schema():
    # a CBS-like frame: no `opmerking`, flags missing, numbers as text, an extra helper column
    source = (
        rows(2)
        .drop(columns=["opmerking", "reeksbreuk"])
        .assign(waarde=["45", "48.5"], _regel=[2, 3], gebied=[None, ""])
    )
    out = conform(source)
    assert tuple(out.columns) == MEASUREMENT_COLUMNS
    assert out["opmerking"].tolist() == ["", ""] and out["gebied"].tolist() == ["", ""]
    assert out["reeksbreuk"].tolist() == [False, False]
    assert out["waarde"].tolist() == [45.0, 48.5]
    validate_measurements(out, "conform")  # passes the schema as it is
