"""Fetching with cbsodata, without network: a fake client serves the real rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tussenstand.sources.areas import load_all_areas
from tussenstand.sources.cbs_fetch import DEFAULT_TABLES, CBSFetchError, fetch_tables
from tussenstand.sources.cbs_tables import clean_table, read_table


class FakeCBS:
    """cbsodata's shape: get_data -> one dict per row (dimension titles as values, no ID)."""

    def __init__(self, cbs_dir):
        self.cbs_dir = cbs_dir
        self.calls = []

    def get_data(self, table_id):
        self.calls.append(table_id)
        df = pd.read_csv(
            self.cbs_dir / f"{table_id}.csv",
            sep=";",
            encoding="utf-8-sig",
            keep_default_na=False,
            dtype=str,
        )
        df = df.drop(columns="ID")
        records = df.to_dict("records")
        for rec in records:  # numbers as floats, missing as None, like cbsodata
            for k, v in rec.items():
                if v == "":
                    rec[k] = None
                elif "." in v and v.replace(".", "", 1).replace("-", "", 1).isdigit():
                    rec[k] = float(v)
        return records

    def get_meta(self, table_id, name):
        assert name == "TableInfos"
        return [{"Title": f"Titel van {table_id}", "Period": "2017-2024"}]


class OfflineCBS:
    def get_data(self, table_id):
        raise ConnectionError("Max retries exceeded with url: /ODataFeed/odata/" + table_id)


def test_default_tables_cover_the_supported_ones():
    for t in (
        "85755NED",
        "86059NED",
        "85383NED",
        "82972NED",
        "85098NED",
        "85099NED",
        "86050NED",
        "86060NED",
        "85588NED",
        "83450NED",
        "71486ned",
        "80860ned",
    ):
        assert t in DEFAULT_TABLES


@pytest.mark.parametrize("table_id", ["86050NED", "85098NED"])
def test_fetched_file_round_trips_to_the_same_series(cbs_dir, tmp_path, table_id):
    client = FakeCBS(cbs_dir)
    paths = fetch_tables([table_id, "86059NED"], tmp_path, client=client)
    assert [p.name for p in paths] == [f"{table_id}.csv", "86059NED.csv"]
    assert client.calls == [table_id, "86059NED"]
    assert paths[0].read_bytes().startswith("\ufeffID;".encode())
    meta = json.loads((tmp_path / f"{table_id}.meta.json").read_text(encoding="utf-8"))
    assert meta["tabel"] == table_id and meta["titel"] == f"Titel van {table_id}"
    assert meta["aantal_rijen"] == len(read_table(cbs_dir, table_id))
    assert len(meta["download_datum"]) == 10 and table_id in meta["bron_url"]

    original_areas = load_all_areas(cbs_dir)
    fetched_areas = load_all_areas(tmp_path)
    pd.testing.assert_frame_equal(
        fetched_areas[fetched_areas["jaar"] == 2025].reset_index(drop=True),
        original_areas[original_areas["jaar"] == 2025].reset_index(drop=True),
    )
    original = clean_table(read_table(cbs_dir, table_id), table_id, original_areas)
    fetched = clean_table(read_table(tmp_path, table_id), table_id, fetched_areas)
    cols = [
        "gemeente",
        "indicator",
        "periode",
        "waarde",
        "ontbreekt_reden",
        "voorlopig",
        "reeksbreuk",
    ]
    pd.testing.assert_frame_equal(fetched[cols], original[cols])
    assert not list(tmp_path.glob("*.tmp"))


def test_network_failure_gives_a_clear_dutch_message(tmp_path):
    with pytest.raises(CBSFetchError) as err:
        fetch_tables(["86050NED"], tmp_path, client=OfflineCBS())
    msg = str(err.value)
    assert "CBS-tabel 86050NED kon niet worden gedownload" in msg
    assert "internetverbinding" in msg
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert not (tmp_path / "86050NED.csv").exists()
