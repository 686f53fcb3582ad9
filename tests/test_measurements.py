"""The tidy measurement schema, the atomic writer and the cleaning stage on real CBS data."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from tussenstand.measurements import (
    MEASUREMENT_COLUMNS,
    MeasurementError,
    clean_unit,
    read_measurements,
    validate_measurements,
    write_parquet_atomic,
)
from tussenstand.periods import parse_report_period


def rows(n: int = 2) -> pd.DataFrame:
    periods = ["2023", "2024-H1", "2024-H2", "2025"][:n]
    starts = {"2023": "2023-01-01", "2024-H1": "2024-01-01", "2024-H2": "2024-07-01", "2025": "2025-01-01"}
    ends = {"2023": "2023-12-31", "2024-H1": "2024-06-30", "2024-H2": "2024-12-31", "2025": "2025-12-31"}
    return pd.DataFrame({
        "gemeente": "GM0396", "gemeente_naam": "Heemskerk", "indicator": "reg_FF-4",
        "periode": periods, "periode_start": pd.to_datetime([starts[p] for p in periods]),
        "periode_eind": pd.to_datetime([ends[p] for p in periods]), "gebied": "",
        "waarde": [45.0, 48.0, 50.0, 52.0][:n], "eenheid": "aantal", "bron": "Suite4SD",
        "tabel": "h.csv", "peildatum": "2025-02-01", "ontbreekt_reden": "", "opmerking": "",
        "illustratief": False, "voorlopig": False, "onderdrukt": False, "reeksbreuk": False,
    })


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
    write_parquet_atomic(rows(), path)
    back = read_measurements(path)
    pd.testing.assert_frame_equal(back, validate_measurements(rows(), "x"))
    assert [p.name for p in path.parent.iterdir()] == ["metingen.parquet"]


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / "metingen.parquet"
    write_parquet_atomic(rows(2), path)
    before = path.read_bytes()
    unwritable = rows(2).assign(waarde=[object(), object()])  # pyarrow cannot store this
    with pytest.raises(Exception):  # noqa: B017 - whatever pyarrow raises
        write_parquet_atomic(unwritable, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["metingen.parquet"]


def test_read_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(MeasurementError, match="opschoonstap"):
        read_measurements(tmp_path / "metingen.parquet")


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory, project_root, cbs_dir):
    """clean_unit for Heemskerk 2024-H1 in a copy of the project (real CBS data, illustrative
    registrations)."""
    from tussenstand.config import load_config
    from tussenstand.frameworks import find_unit, monitored_units

    root = tmp_path_factory.mktemp("project")
    shutil.copy(project_root / "tussenstand.yml", root / "tussenstand.yml")
    for sub in ("kaders", "registraties"):
        shutil.copytree(project_root / "data" / "raw" / sub, root / "data" / "raw" / sub)
    config = load_config(root, cbs_dir=cbs_dir)
    unit = find_unit(monitored_units(config.frameworks_dir), "GM0396")
    return clean_unit(config, unit, parse_report_period("2024-H1"))


def test_clean_unit_writes_validated_tables(cleaned):
    df = read_measurements(cleaned.path)
    assert cleaned.path.parts[-3:] == ("GM0396", "2024-H1", "metingen.parquet")
    assert len(df) == len(cleaned.measurements)
    assert {"GM0396", "NL01"} <= set(df["gemeente"])
    # nothing measured after the report period
    assert df["periode_eind"].max() <= pd.Timestamp("2024-06-30")
    heemskerk = df[df["gemeente"] == "GM0396"]
    assert (heemskerk["gemeente_naam"] == "Heemskerk").all()
    regs = heemskerk[heemskerk["indicator"].str.startswith("reg_")]
    assert regs["illustratief"].all() and len(regs) > 0
    assert not df.loc[df["tabel"] != "heemskerk_illustratief.csv", "illustratief"].any()
    # real CBS figure: Heemskerk's Wmo clients are a CBS series in this table
    assert (heemskerk["indicator"] == "wmo_clienten_per_10000").any()


def test_clean_unit_quality_summary(cleaned):
    q = json.loads(cleaned.quality_path.read_text(encoding="utf-8"))
    assert q == json.loads(json.dumps(cleaned.quality, ensure_ascii=False))
    assert q["gemeente"] == "GM0396" and q["periode"] == "2024-H1"
    assert sum(r["rijen"] for r in q["per_bron"]) == q["rijen"] == len(cleaned.measurements)
    assert q["illustratief"]["bestanden"] == ["heemskerk_illustratief.csv"]
    # the per-district detail of FF-4 has counts below 10: marked, values kept internally
    assert "reg_FF-4_per_wijk" in q["onderdrukt"]["reeksen"]
    small = cleaned.measurements[cleaned.measurements["onderdrukt"]]
    assert small["waarde"].notna().all()
    # the jeugdzorg series break of 2021 is reported
    assert any(b["indicator"] == "jongeren_jeugdhulp_pct" for b in q["reeksbreuken"])
    assert all(r["reden"] for r in q["ontbrekend"])
    table = cleaned.quality_table
    assert {"bron", "tabel", "rijen", "ontbrekend", "onderdrukt"} <= set(table.columns)
