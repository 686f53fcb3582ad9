"""The cleaning stage on real CBS data: what it keeps, what it writes, what it reports."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tussenstand.cleaning import clean_unit
from tussenstand.handoff import QualitySummary
from tussenstand.periods import parse_report_period
from tussenstand.schema import read_measurements


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
    # written by the cleaning stage, read back with the model the report reads it with
    q = QualitySummary.read(cleaned.quality_path).model_dump()
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
