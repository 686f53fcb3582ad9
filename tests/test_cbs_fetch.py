"""Fetching with cbsodata, without network.

First with a fake client object that serves the real rows, then the real cbsodata path against a
replay of CBS's OData v3 feed on 127.0.0.1 (tests/odata_replay.py)."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import date

import odata_replay
import pandas as pd
import pytest
from click.testing import CliRunner
from notebook_project import UNITS, make_project

from tussenstand import cli, runner
from tussenstand.handoff import TableMeta
from tussenstand.sources.areas import load_all_areas
from tussenstand.sources.cbs_fetch import DEFAULT_TABLES, CBSFetchError, fetch_tables
from tussenstand.sources.cbs_national import build_national_series
from tussenstand.sources.cbs_tables import (
    KWB_FETCH_FILTER,
    KWB_TABLES,
    CBSDataError,
    clean_table,
    read_table,
)
from tussenstand.sources.csvfile import read_semicolon_csv


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


# ----- the real cbsodata path, against a replay of CBS's OData feed on 127.0.0.1 -----------------
# Tables are built from rows of the shared CSVs (Heemskerk, Hoorn and Nederland); cbsodata is
# pointed at the replay through its own options, so every request, page and key translation is
# cbsodata's own.

REGIONS = {"Heemskerk", "Hoorn", "Nederland"}
TITLES = {  # the titles CBS gives these tables (the replay serves them as TableInfos.Title)
    "85755NED": "Gebieden in Nederland 2024",
    "86059NED": "Gebieden in Nederland 2025",
    "85383NED": "Maatstaven gemeentefonds; inwoners, huishoudens, uitkeringen, regio",
    "82972NED": "Jeugdzorg; beleidsindicatoren, regio, 2015-2020",
    "85098NED": "Jeugdzorg; beleidsindicatoren, regio",
    "85099NED": "Jongeren met jeugdzorg; regio",
    "86050NED": "Wmo-cliënten met een maatwerkvoorziening; regio",
    "86060NED": "Wmo-cliënten; aantal maatwerkvoorzieningen, regio",
    "85588NED": "Re-integratie- en participatievoorzieningen; regio, maand",
    "83450NED": "Bijstand en re-integratie; gemeenten",
    "71486ned": "Huishoudens; samenstelling, grootte, regio, 1 januari",
    "80860ned": "Bevolking; leeftijdsgroepen, regio",
}

# Kerncijfers wijken en buurten 2024, Heemskerk: AantalInwoners and HuishoudensTotaal are CBS's
# (39.452 and 17.622: 85383NED and the geo file say the same); the age groups are TEST VALUES,
# chosen to add up to 39.452 and to round to the geo file's shares (15, 11, 23, 28, 24 %).
KWB_HEEMSKERK_2024 = {
    "AantalInwoners_5": 39452,
    "k_0Tot15Jaar_8": 5800,
    "k_15Tot25Jaar_9": 4300,
    "k_25Tot45Jaar_10": 9000,
    "k_45Tot65Jaar_11": 11000,
    "k_65JaarOfOuder_12": 9352,
    "HuishoudensTotaal_29": 17622,
}


def kwb_table(year: int, table_id: str, heemskerk: dict | None = None) -> odata_replay.ReplayTable:
    """A KWB table as CBS serves it (keys are the region codes), with a gemeente, a wijk, a buurt
    and Nederland. Except for Heemskerk 2024 (above), the figures are test values."""
    h = heemskerk or {
        "AantalInwoners_5": 39000 + year,
        "k_0Tot15Jaar_8": 6000,
        "k_15Tot25Jaar_9": 4500,
        "k_25Tot45Jaar_10": 9000,
        "k_45Tot65Jaar_11": 11000,
        "k_65JaarOfOuder_12": 8500 + year,
        "HuishoudensTotaal_29": 17000 + year,
    }
    nl = {k: v * 400 for k, v in h.items()}
    wijk = {k: v // 10 for k, v in h.items()}
    places = [
        ("NL00      ", "Nederland", "Land      ", "NL00      ", nl),
        ("GM0396    ", "Heemskerk", "Gemeente  ", "GM0396    ", h),
        ("WK039601  ", "Wijk 01 Heemskerk", "Wijk      ", "WK039601  ", wijk),
        ("BU03960101", "Heemskerk-Noord", "Buurt     ", "BU03960101", wijk),
    ]
    rows = [
        {
            "ID": i,
            "WijkenEnBuurten": key,
            "Gemeentenaam_1": "Heemskerk" if key != "NL00      " else "Nederland",
            "SoortRegio_2": kind,
            "Codering_3": code,
            **figures,
        }
        for i, (key, _, kind, code, figures) in enumerate(places)
    ]
    lists = {"WijkenEnBuurten": [{"Key": p[0], "Title": p[1], "Description": None} for p in places]}
    topics = [c for c in rows[0] if c not in ("ID", "WijkenEnBuurten")]
    return odata_replay.ReplayTable(
        table_id,
        f"Kerncijfers wijken en buurten {year}",
        str(year),
        lists,
        topics,
        rows,
        record_count=17000,
    )


@pytest.fixture
def replay_tables(cbs_dir):
    """Every table a build needs: the shared CSVs' rows for three regions, and the KWB tables."""
    tables, source_rows = {}, {}
    for table_id, title in TITLES.items():
        period = {"85755NED": "2024", "86059NED": "2025", "86050NED": "2017-2024"}.get(table_id, "")
        table, rows = odata_replay.table_from_csv(
            cbs_dir / f"{table_id}.csv", table_id, title, period, REGIONS
        )
        tables[table_id], source_rows[table_id] = table, rows
    for year, table_id in KWB_TABLES.items():
        tables[table_id] = kwb_table(year, table_id, KWB_HEEMSKERK_2024 if year == 2024 else None)
    assert set(tables) == set(DEFAULT_TABLES)
    return tables, source_rows


@pytest.fixture
def replay(replay_tables, monkeypatch):
    """The replay server, with cbsodata pointed at it (host, plain http, no proxy)."""
    import cbsodata

    server = odata_replay.ODataReplay(replay_tables[0], page_size=25)
    monkeypatch.setattr(cbsodata.options, "catalog_url", server.host)
    monkeypatch.setattr(cbsodata.options, "use_https", False)
    monkeypatch.setattr(cbsodata.options, "requests", {"proxies": {"http": None, "https": None}})
    yield server
    server.close()


def data_requests(server, table_id):
    return [q for p, q in server.requests if p.endswith(f"/{table_id}/TypedDataSet")]


def test_cbsodata_downloads_every_page_and_writes_csv_and_meta(replay, replay_tables, tmp_path):
    before = date.today()
    [path] = fetch_tables(["86050NED"], tmp_path, progress=False)
    after = date.today()
    source = replay_tables[1]["86050NED"]
    assert len(source) == 88  # rows of Heemskerk, Hoorn and Nederland in the shared CSV
    # 88 rows in pages of 25: the first request and three odata.nextLink pages
    skips = [q.get("$skip", ["0"])[0] for q in data_requests(replay, "86050NED")]
    assert skips == ["0", "25", "50", "75"]
    assert not any(p.endswith("/UntypedDataSet") for p, _ in replay.requests)

    written = read_semicolon_csv(path)
    assert path.read_bytes().startswith("\ufeffID;".encode())
    assert list(written.columns) == [
        "ID",
        "TypeMaatwerkvoorziening",
        "RegioS",
        "Perioden",
        "WmoClienten_1",
        "WmoClientenPer1000Inwoners_2",
    ]
    assert len(written) == 88
    # dimension keys came back as the titles of the shared CSV, values as they were
    for got, want in zip(written.to_dict("records"), source, strict=True):
        for col in ("TypeMaatwerkvoorziening", "RegioS", "Perioden"):
            assert got[col] == want[col].strip()
        for col in ("WmoClienten_1", "WmoClientenPer1000Inwoners_2"):
            assert (float(got[col]) if got[col] else None) == (
                float(want[col]) if want[col] else None
            )

    meta = TableMeta.read(tmp_path / "86050NED.meta.json")
    assert meta.tabel == "86050NED" and meta.titel == TITLES["86050NED"]
    assert meta.periode == "2017-2024"  # TableInfos.Period as the replay serves it
    assert meta.aantal_rijen == 88 and before <= meta.download_datum <= after
    assert meta.bron_url.endswith("/86050NED/TypedDataSet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["86050NED.csv", "86050NED.meta.json"]


def test_fetched_table_cleans_to_the_same_series_as_the_shared_extract(replay, tmp_path, cbs_dir):
    fetch_tables(["85383NED", "86059NED"], tmp_path, progress=False)
    areas = load_all_areas(tmp_path)
    fetched = clean_table(read_table(tmp_path, "85383NED"), "85383NED", areas)
    heemskerk = fetched[(fetched["gemeente"] == "GM0396") & (fetched["indicator"] == "inwoners")]
    # 85383NED.csv, Heemskerk, Definitief: 39.431 (2023) and 39.452 (2024); 2025 has no value
    assert dict(zip(heemskerk["periode"], heemskerk["waarde"], strict=True))["2024"] == 39452
    assert dict(zip(heemskerk["periode"], heemskerk["waarde"], strict=True))["2023"] == 39431
    original = clean_table(read_table(cbs_dir, "85383NED"), "85383NED", load_all_areas(cbs_dir))
    original = original[original["gemeente"].isin(set(fetched["gemeente"]))]
    cols = ["gemeente", "indicator", "periode", "waarde", "ontbreekt_reden", "voorlopig"]
    key = ["gemeente", "indicator", "periode"]
    pd.testing.assert_frame_equal(
        fetched[cols].sort_values(key).reset_index(drop=True),
        original[cols].sort_values(key).reset_index(drop=True),
    )


def test_kwb_is_downloaded_for_gemeenten_and_nederland_only(replay, tmp_path):
    [path] = fetch_tables(["85984NED"], tmp_path, progress=False)
    [query] = data_requests(replay, "85984NED")
    assert query["$filter"] == [KWB_FETCH_FILTER]
    written = read_semicolon_csv(path)
    assert sorted(written["Codering_3"].str.strip()) == ["GM0396", "NL00"]  # no wijk, no buurt
    assert TableMeta.read(tmp_path / "85984NED.meta.json").aantal_rijen == 2


def test_kwb_feeds_the_age_shares_inhabitants_and_households(replay, tmp_path):
    fetch_tables(["85984NED", "86059NED"], tmp_path, progress=False)
    df = clean_table(read_table(tmp_path, "85984NED"), "85984NED", load_all_areas(tmp_path))
    h = df[df["gemeente"] == "GM0396"].set_index("indicator")
    assert set(h["periode"]) == {"2024"}
    assert h.loc["inwoners", "waarde"] == 39452
    assert h.loc["huishoudens_totaal", "waarde"] == 17622
    assert h.loc["inwoners_65plus", "waarde"] == 9352
    assert h.loc["aandeel_65plus", "waarde"] == pytest.approx(9352 / 39452 * 100)  # 23,70 %
    assert h.loc["aandeel_0_15", "waarde"] == pytest.approx(5800 / 39452 * 100)
    assert h.loc["aandeel_65plus", "eenheid"] == "%"
    nl = df[df["gemeente"] == "NL01"].set_index("indicator")  # NL00 in KWB is Nederland
    assert nl.loc["inwoners", "waarde"] == 39452 * 400


def test_kwb_age_groups_that_are_no_counts_are_refused(tmp_path):
    (tmp_path / "85984NED.csv").write_text(
        "\ufeffID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;"
        "k_0Tot15Jaar_8;k_15Tot25Jaar_9;k_25Tot45Jaar_10;k_45Tot65Jaar_11;k_65JaarOfOuder_12;"
        "HuishoudensTotaal_29\n"
        "0;Heemskerk;Heemskerk;Gemeente;GM0396;39452;15;11;23;28;24;17622\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CBSDataError, match=r"85984NED\.csv, regel 2, Heemskerk: .*tellen op tot 101"
    ):
        clean_table(read_table(tmp_path, "85984NED"), "85984NED", None)


def test_national_series_prefers_tables_then_kwb_then_geo(cbs_dir, tmp_path):
    """KWB fills what the primary tables lack and replaces the geo files' rounded shares; a primary
    table (85383NED's exact 0-15 and 65+ shares, its inhabitants) wins over both."""
    folder = tmp_path / "cbs"
    folder.mkdir()
    for p in cbs_dir.iterdir():
        (folder / p.name).symlink_to(p)
    table = kwb_table(2024, "85984NED", KWB_HEEMSKERK_2024)
    header = table.columns
    lines = [";".join(header)]
    titles = {e["Key"]: e["Title"] for e in table.dimensions["WijkenEnBuurten"]}
    for row in table.rows:
        cells = {**row, "WijkenEnBuurten": titles[row["WijkenEnBuurten"]]}
        lines.append(";".join(str(cells[c]) for c in header))
    (folder / "85984NED.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")

    df = build_national_series(folder)
    h = df[(df["gemeente"] == "GM0396") & (df["periode"] == "2024")].set_index("indicator")
    assert h.loc["aandeel_25_45", "tabel"] == "85984NED"  # not the geo file's rounded share
    assert h.loc["aandeel_25_45", "waarde"] == pytest.approx(9000 / 39452 * 100)
    assert h.loc["aandeel_65plus", "tabel"] == "85383NED"  # exact in a primary table
    assert h.loc["inwoners", "tabel"] == "85383NED"  # a primary table wins
    assert h.loc["huishoudens_totaal", "tabel"] == "71486ned"
    earlier = df[(df["gemeente"] == "GM0396") & (df["periode"] == "2018")].set_index("indicator")
    assert earlier.loc["aandeel_65plus", "tabel"] == "geo/gemeenten_2018.geojson"  # no KWB 2018
    # the rounded geo share (24) agrees with the exact one to within half a percent: no difference
    assert not [d for d in df.attrs["geo_afwijkingen"] if "GM0396 aandeel_65plus 2024" in d]
    assert "85984NED" not in df.attrs["aanvulling_ontbrekend"]
    assert "84286NED" in df.attrs["aanvulling_ontbrekend"]


def test_fetch_that_breaks_off_leaves_complete_tables_and_the_old_copy(replay, tmp_path, cbs_dir):
    old_csv = (cbs_dir / "85099NED.csv").read_bytes()
    (tmp_path / "85099NED.csv").write_bytes(old_csv)  # an earlier good download of the table
    TableMeta(tabel="85099NED", download_datum=date(2025, 4, 22)).write(
        tmp_path / "85099NED.meta.json"
    )
    replay.fail_from_skip["85099NED"] = 25  # 70 rows: the second page fails
    with pytest.raises(CBSFetchError, match="CBS-tabel 85099NED kon niet worden gedownload"):
        fetch_tables(["86050NED", "85099NED", "86060NED"], tmp_path, progress=False)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["85099NED.csv", "85099NED.meta.json", "86050NED.csv", "86050NED.meta.json"]
    assert (tmp_path / "85099NED.csv").read_bytes() == old_csv  # untouched
    assert TableMeta.read(tmp_path / "85099NED.meta.json").download_datum == date(2025, 4, 22)
    assert TableMeta.read(tmp_path / "86050NED.meta.json").aantal_rijen == 88
    assert not data_requests(replay, "86060NED")  # stopped at the failing table


def test_table_and_sidecar_are_replaced_together_or_not_at_all(
    replay, tmp_path, cbs_dir, monkeypatch
):
    """A failure between writing the new table and its sidecar (here: the sidecar cannot be
    written) leaves the old table with its own download date, never new figures with an old date."""
    old_csv = (cbs_dir / "86060NED.csv").read_bytes()
    (tmp_path / "86060NED.csv").write_bytes(old_csv)
    TableMeta(tabel="86060NED", download_datum=date(2025, 4, 22)).write(
        tmp_path / "86060NED.meta.json"
    )

    def disk_full(self, path):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m, pytest.raises(OSError, match="No space left"):
        m.setattr(TableMeta, "write", disk_full)
        fetch_tables(["86060NED"], tmp_path, progress=False)
    assert (tmp_path / "86060NED.csv").read_bytes() == old_csv
    assert TableMeta.read(tmp_path / "86060NED.meta.json").download_datum == date(2025, 4, 22)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["86060NED.csv", "86060NED.meta.json"]


# ----- `tussenstand build` on a fresh machine: the first command gets its own data ---------------
@pytest.fixture
def fresh_project(tmp_path, monkeypatch):
    """A project without a CBS folder (data/raw/cbs is not in git), one unit and one period."""
    root = make_project(tmp_path / "proj", periods=("2024-H1",))
    shutil.rmtree(root / "data" / "raw" / "cbs")
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    monkeypatch.setattr(cli, "_load_units", lambda config: [UNITS[0]])
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "x.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: pkg)
    return root


def test_build_on_a_project_without_cbs_data_fetches_then_builds(replay, fresh_project):
    result = CliRunner().invoke(cli.main, ["build", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "mist 21 tabel(len) die de rapporten gebruiken" in result.output
    assert "1 uitgevoerd" in result.output

    cbs = fresh_project / "data" / "raw" / "cbs"
    for table_id in DEFAULT_TABLES:
        assert TableMeta.read(cbs / f"{table_id}.meta.json").tabel == table_id
        assert data_requests(replay, table_id), table_id
    assert not [p.name for p in cbs.iterdir() if p.name.startswith(".")]
    # the national cache was built from the fetched tables before the run
    national = pd.read_parquet(fresh_project / "data" / "processed" / "cbs" / "landelijk.parquet")
    h = national[(national["gemeente"] == "GM0396") & (national["periode"] == "2024")]
    h = h.set_index("indicator")
    assert h.loc["inwoners", "waarde"] == 39452 and h.loc["inwoners", "tabel"] == "85383NED"
    assert h.loc["aandeel_25_45", "tabel"] == "85984NED"  # from the fetched Kerncijfers
    assert h.loc["aandeel_65plus", "tabel"] == "85383NED"  # exact in a primary table
    assert h.loc["inwoners", "peildatum"] == date.today().isoformat()
    report = fresh_project / "reports" / "GM0396" / "2024-H1"
    assert (report / "uit.txt").read_text() == "GM0396|2024-H1|39450|cbs"

    # the next build has everything: no download, and the run is unchanged (its inputs were
    # fingerprinted after the fetch, not before)
    asked = len(replay.requests)
    again = CliRunner().invoke(cli.main, ["build", "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert len(replay.requests) == asked
    assert "0 uitgevoerd, 1 overgeslagen" in again.output


def test_build_offline_says_what_is_missing_and_writes_nothing(fresh_project, monkeypatch):
    import cbsodata

    with socket.socket() as s:  # a port on 127.0.0.1 where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(cbsodata.options, "catalog_url", f"127.0.0.1:{port}")
    monkeypatch.setattr(cbsodata.options, "use_https", False)
    monkeypatch.setattr(cbsodata.options, "requests", {"proxies": {"http": None, "https": None}})

    result = CliRunner().invoke(cli.main, ["build"])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert (
        f"CBS-tabel 85755NED kon niet worden gedownload (geen verbinding met 127.0.0.1:{port})"
        in out
    )
    assert (
        "CBS-gegevens ontbreken in" in out
        and "Doe een van drie: (1) draai 'tussenstand fetch'" in out
    )
    assert "(3) wijs een map met de tabellen aan met TUSSENSTAND_CBS_DIR=<map> of --cbs-dir" in out
    assert "Nodig: 85755NED, 86059NED, 85383NED" in out and "85984NED." in out
    assert "Traceback" not in result.output
    cbs = fresh_project / "data" / "raw" / "cbs"
    assert list(cbs.iterdir()) == []  # no half-written table, no sidecar, no temp file
    assert not (fresh_project / "reports" / "GM0396").exists()


def test_build_never_fetches_into_a_folder_the_user_chose(
    replay, fresh_project, tmp_path, monkeypatch
):
    chosen = tmp_path / "mijn-cbs"
    chosen.mkdir()
    monkeypatch.setenv("TUSSENSTAND_CBS_DIR", str(chosen))
    result = CliRunner().invoke(cli.main, ["build"])
    assert result.exit_code == 1
    assert "CBS-gegevens ontbreken" in result.output
    assert replay.requests == [] and list(chosen.iterdir()) == []

    result = CliRunner().invoke(
        cli.main, ["run", "--gemeente", "GM0396", "--periode", "2024-H1", "--cbs-dir", str(chosen)]
    )
    assert result.exit_code == 1 and replay.requests == []


def test_fetch_command_goes_through_cbsodata(replay, fresh_project, tmp_path):
    target = tmp_path / "cbs-nieuw"
    result = CliRunner().invoke(
        cli.main, ["fetch", "--tables", "86060NED,85984NED", "--cbs-dir", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "2 tabel(len) opgehaald" in result.output
    assert "CBS 86060NED: 100%" in result.output  # a progress bar per table (stderr)
    assert sorted(p.name for p in target.iterdir()) == [
        "85984NED.csv",
        "85984NED.meta.json",
        "86060NED.csv",
        "86060NED.meta.json",
    ]
