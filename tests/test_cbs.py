"""CBS tables -> tidy long series: real data for the seven monitored gemeenten, and small
realistic files for the special cases (special values, conflicts, impossible values)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from tussenstand.schema import MEASUREMENT_COLUMNS
from tussenstand.sources import cbs_national, cbs_tables
from tussenstand.sources.areas import load_all_areas
from tussenstand.sources.cbs_national import load_national_series
from tussenstand.sources.cbs_tables import (
    TABLES,
    CBSDataError,
    CBSDataMissing,
    clean_table,
    read_table,
)

SEVEN = ["GM0396", "GM0405", "GM1507", "GM0400", "GM1911", "GM0441", "GM0448"]


@pytest.fixture(scope="session")
def areas(cbs_dir):
    return load_all_areas(cbs_dir)


@pytest.fixture(scope="session")
def national(national_series):
    return national_series


def _series(df, gemeente, indicator):
    s = df[(df["gemeente"] == gemeente) & (df["indicator"] == indicator)]
    return s.set_index("periode")


# ----- real data --------------------------------------------------------------------------------
def test_schema_and_unique_keys(national):
    df, _ = national
    assert tuple(df.columns) == MEASUREMENT_COLUMNS
    assert not df.duplicated(["gemeente", "indicator", "periode", "gebied"]).any()
    from_geo = df["tabel"].str.startswith("geo/")
    assert (df.loc[~from_geo, "bron"] == "CBS StatLine").all()
    assert (
        from_geo.any()
        and (df.loc[from_geo, "bron"] == "CBS Wijk- en buurtkaart (gemeentecijfers)").all()
    )
    assert not df["illustratief"].any() and not df["onderdrukt"].any()
    # every missing value has a reason, every present value none
    assert (df.loc[df["waarde"].isna(), "ontbreekt_reden"] != "").all()
    assert (df.loc[df["waarde"].notna(), "ontbreekt_reden"] == "").all()


@pytest.mark.parametrize(
    "indicator",
    [
        "jongeren_jeugdhulp_pct",
        "wmo_clienten_per_10000",
        "inwoners",
        "reintegratie_per_10000",
        "jongeren_jeugdzorg_pct",
    ],
)
def test_real_series_for_the_seven_gemeenten(national, indicator):
    df, _ = national
    sub = df[(df["indicator"] == indicator) & df["waarde"].notna()]
    assert set(SEVEN) <= set(sub["gemeente"]), indicator
    assert "NL01" in set(sub["gemeente"]) or indicator == "reintegratie_per_10000"


def test_series_break_between_old_and_new_jeugd_table(national):
    df, _ = national
    s = _series(df, "GM0396", "jongeren_jeugdhulp_pct")
    assert s.loc["2020", "tabel"] == "82972NED" and s.loc["2021", "tabel"] == "85098NED"
    assert s.loc["2021", "reeksbreuk"] and s.loc["2021-H1", "reeksbreuk"]
    assert not s.loc["2021-H2", "reeksbreuk"] and not s.loc["2020", "reeksbreuk"]
    assert s.loc["2015-Q1", "waarde"] == 7.0  # '1e kwartaal 2015'
    assert s.loc["2024-H1", "waarde"] == 9.5  # '1e half jaar 2024'
    jeugd = df["tabel"].isin(["82972NED", "85098NED"]) & ~df["gemeente"].isin(
        [c["gemeente"] for c in df.attrs["herindelingen"]]
    )
    assert set(df.loc[df["reeksbreuk"] & jeugd, "periode"].str[:4]) == {"2021"}


def test_wmo_per_1000_times_ten_on_a_known_row(national, cbs_dir):
    df, _ = national
    raw = read_table(cbs_dir, "86050NED")
    row = raw[
        (raw["RegioS"] == "Heemskerk")
        & (raw["Perioden"] == "1e halfjaar 2017")
        & (raw["TypeMaatwerkvoorziening"] == "Totaal")
    ].iloc[0]
    assert row["WmoClientenPer1000Inwoners_2"] == "69.0"  # read by hand from the CSV
    s = _series(df, "GM0396", "wmo_clienten_per_10000")
    assert s.loc["2017-H1", "waarde"] == 690.0
    assert s.loc["2017-H1", "eenheid"] == "per 10.000 inwoners"
    assert _series(df, "GM0396", "wmo_clienten_aantal").loc["2017-H1", "waarde"] == 2705.0


def test_inhabitants_definitief_and_geo(national):
    df, _ = national
    s = _series(df, "GM0396", "inwoners")
    assert s.loc["2024", "waarde"] == 39452 and s.loc["2024", "tabel"] == "85383NED"
    assert not s.loc["2024", "voorlopig"]
    assert s.loc["2018", "waarde"] == 39146 and s.loc["2018", "tabel"].startswith("geo/")
    assert s.loc["2025", "ontbreekt_reden"] == "CBS: geen waarde gepubliceerd"


def test_reintegration_rate_uses_15_64_denominator(national):
    df, _ = national
    count = _series(df, "GM0396", "reintegratie_lopend_aantal").loc["2024-01", "waarde"]
    pop = _series(df, "GM0396", "inwoners_15_64").loc["2024", "waarde"]
    rate = _series(df, "GM0396", "reintegratie_per_10000").loc["2024-01"]
    assert rate["waarde"] == pytest.approx(count / pop * 10000)
    assert "15 tot en met 64" in rate["eenheid"]


def test_regions_keep_own_codes_and_size_classes_are_dropped(national):
    df, _ = national
    codes = set(df["gemeente"])
    assert {"NL01", "PV27", "JZ10"} <= codes
    assert "20 000 tot 50 000 inwoners" in df.attrs["niet_gekoppeld"]["85098NED"]


def test_cache_is_reused_and_rebuilt_when_inputs_change(national, cbs_dir, tmp_path, monkeypatch):
    df, processed = national
    path = processed / "cbs" / "landelijk.parquet"
    assert path.is_file()
    mtime = path.stat().st_mtime_ns
    # the same inputs: read from the cache, not built again (building would fail here)
    monkeypatch.setattr(cbs_national, "build_national_series", lambda d: pytest.fail("rebuilt"))
    again = load_national_series(cbs_dir, processed)
    assert path.stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(again, df)
    # a changed input (another hash) means a rebuild
    monkeypatch.setattr(cbs_national, "inputs_hash", lambda d: "anders")
    calls = []
    monkeypatch.setattr(
        cbs_national, "build_national_series", lambda d: calls.append(d) or df.head(3)
    )
    load_national_series(cbs_dir, processed)
    assert calls and len(pd.read_parquet(path)) == 3
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_folder_says_what_to_do(tmp_path):
    for folder in (tmp_path / "bestaat-niet", tmp_path):
        with pytest.raises(CBSDataMissing) as err:
            load_national_series(folder, tmp_path / "processed")
        msg = str(err.value)
        for needed in (
            "tussenstand fetch",
            "TUSSENSTAND_CBS_DIR",
            "--cbs-dir",
            "86050NED",
            "85098NED",
        ):
            assert needed in msg


# ----- small realistic files ----------------------------------------------------------------------
def _write(folder, name, header, rows):
    text = "\ufeff" + ";".join(header) + "\n" + "\n".join(";".join(r) for r in rows) + "\n"
    (folder / name).write_text(text, encoding="utf-8")
    return folder


WMO_HEADER = [
    "ID",
    "TypeMaatwerkvoorziening",
    "RegioS",
    "Perioden",
    "WmoClienten_1",
    "WmoClientenPer1000Inwoners_2",
]


def test_special_values_get_reasons_and_padding_is_removed(tmp_path, areas):
    _write(
        tmp_path,
        "86050ned.csv",
        WMO_HEADER,
        [
            ["0", "Totaal", "Heemskerk                    ", "1e halfjaar 2023", "x", "x"],
            ["1", "Totaal", "Hoorn", "1e halfjaar 2023", ".", "."],
            ["2", "Totaal", "Texel", "1e halfjaar 2023", "-", "-"],
            ["3", "Totaal", "Schagen", "1e halfjaar 2023", "", ""],
            ["4", "Totaal", "Den Helder", "2023HJ01", "3000.0", "55.0"],
            ["5", "Totaal", "Nederland", "1e halfjaar 2023*", "1000000.0", "57.0"],
            ["6", "Totaal", "20 000 tot 50 000 inwoners", "1e halfjaar 2023", "9.0", "9.0"],
        ],
    )
    raw = read_table(tmp_path, "86050NED")  # lower-case file name found
    df = clean_table(raw, "86050NED", areas).set_index(["gemeente", "indicator"])
    reason = df["ontbreekt_reden"]
    assert reason["GM0396", "wmo_clienten_aantal"] == "CBS: geheim (x)"
    assert reason["GM0405", "wmo_clienten_aantal"] == "CBS: nog niet beschikbaar (.)"
    assert reason["GM0448", "wmo_clienten_aantal"] == "CBS: nihil (-)"
    assert reason["GM0441", "wmo_clienten_per_10000"] == "CBS: geen waarde gepubliceerd"
    assert (
        df.loc[("GM0396", "wmo_clienten_aantal"), "waarde"]
        != df.loc[("GM0396", "wmo_clienten_aantal"), "waarde"]
    )
    assert df.loc[("GM0400", "wmo_clienten_per_10000"), "waarde"] == 550.0
    assert df.loc[("GM0400", "wmo_clienten_per_10000"), "periode"] == "2023-H1"
    assert df.loc[("NL01", "wmo_clienten_aantal"), "voorlopig"]  # trailing '*'
    assert df.loc[("GM0396", "wmo_clienten_aantal"), "gemeente_naam"] == "Heemskerk"
    assert "GK" not in "".join(df.index.get_level_values(0))
    assert raw.attrs["bestand"] == "86050ned.csv"


def test_conflicting_duplicates_are_an_error(tmp_path, areas):
    _write(
        tmp_path,
        "86050NED.csv",
        WMO_HEADER,
        [
            ["0", "Totaal", "Heemskerk", "2023", "2900.0", "74.0"],
            ["1", "Totaal", "Heemskerk ", "2023", "2950.0", "74.0"],
        ],
    )
    with pytest.raises(CBSDataError) as err:
        clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)
    msg = str(err.value)
    for part in ("86050NED", "GM0396", "wmo_clienten_aantal", "2023", "2900", "2950"):
        assert part in msg


def test_identical_duplicates_are_merged(tmp_path, areas):
    _write(
        tmp_path,
        "86050NED.csv",
        WMO_HEADER,
        [
            ["0", "Totaal", "Heemskerk", "2023", "2900.0", "74.0"],
            ["1", "Totaal", "Heemskerk", "2023JJ00", "2900.0", "74.0"],
        ],
    )
    df = clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)
    assert len(df) == 2  # one row per indicator


def test_negative_count_names_file_row_and_column(tmp_path, areas):
    _write(
        tmp_path,
        "86050NED.csv",
        WMO_HEADER,
        [
            ["0", "Totaal", "Heemskerk", "2023", "2900.0", "74.0"],
            ["1", "Totaal", "Hoorn", "2023", "-12.0", "74.0"],
        ],
    )
    with pytest.raises(
        CBSDataError, match=r"86050NED\.csv, regel 3, kolom WmoClienten_1: waarde −12"
    ):
        clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)


def test_percentage_above_100_is_an_error(tmp_path, areas):
    header = [
        "ID",
        "RegioS",
        "Perioden",
        "JongerenMetJeugdhulpInNatura_1",
        "JongerenMetJeugdhMetVerblInNat_2",
        "JongerenMetJeugdbescherming_3",
        "JeugdbeschEnJeugdhMetVerblInNat_4",
        "JongerenMetJeugdreclassering_5",
    ]
    _write(
        tmp_path,
        "85098NED.csv",
        header,
        [
            ["0", "Heemskerk", "2023", "13.2", "9.0", "101.5", "40.0", "0.3"],
        ],
    )
    with pytest.raises(
        CBSDataError, match=r"85098NED\.csv, regel 2, kolom JongerenMetJeugdbescherming_3"
    ):
        clean_table(read_table(tmp_path, "85098NED"), "85098NED", areas)


def test_text_that_is_no_number_is_an_error(tmp_path, areas):
    _write(
        tmp_path,
        "86050NED.csv",
        WMO_HEADER,
        [["0", "Totaal", "Heemskerk", "2023", "2.900", "veel"]],
    )
    with pytest.raises(CBSDataError, match="WmoClientenPer1000Inwoners_2: 'veel' is geen getal"):
        clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)


def test_definitief_preferred_over_voorlopig(tmp_path, areas):
    spec = TABLES["85383NED"]
    value_cols = sorted(
        {s.column for s in spec.series} | {c for d in spec.derived for c in d.columns}
    )
    header = ["ID", "StatusCijfer", "RegioS", "Perioden", *value_cols, "Regiocode_73"]

    def row(i, status, period, total):
        vals = {c: "100.0" for c in value_cols}
        vals["InwonersTotaal_1"] = total
        return [str(i), status, "Heemskerk", period, *(vals[c] for c in value_cols), "GM0396"]

    _write(
        tmp_path,
        "85383NED.csv",
        header,
        [
            row(0, "Voorlopig", "2024", "39400.0"),
            row(1, "Definitief", "2024", "39452.0"),  # both: definitief wins
            row(2, "Voorlopig", "2025", "39500.0"),
            row(3, "Definitief", "2025", ""),  # no definitief value yet: voorlopig kept
            row(4, "Voorlopig", "2026", ""),
            row(5, "Definitief", "2026", ""),  # neither: one missing row
        ],
    )
    df = clean_table(read_table(tmp_path, "85383NED"), "85383NED", areas)
    s = df[df["indicator"] == "inwoners"].set_index("periode")
    assert s.loc["2024", "waarde"] == 39452 and not s.loc["2024", "voorlopig"]
    assert s.loc["2025", "waarde"] == 39500 and s.loc["2025", "voorlopig"]
    assert pd.isna(s.loc["2026", "waarde"]) and not s.loc["2026", "voorlopig"]
    assert s.loc["2026", "ontbreekt_reden"] == "CBS: geen waarde gepubliceerd"
    assert len(s) == 3
    # derived series follow the same rows
    b = df[df["indicator"] == "bijstand_per_10000"].set_index("periode")
    assert b.loc["2024", "waarde"] == pytest.approx(100 / (39452 - 100) * 10000)


def test_unknown_period_label_names_row(tmp_path, areas):
    _write(
        tmp_path,
        "86050NED.csv",
        WMO_HEADER,
        [["0", "Totaal", "Heemskerk", "zomer 2023", "1.0", "1.0"]],
    )
    with pytest.raises(CBSDataError, match="regel 2, kolom Perioden"):
        clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)


def test_peildatum_from_sidecar_never_the_file_date(tmp_path, areas):
    _write(
        tmp_path, "86050NED.csv", WMO_HEADER, [["0", "Totaal", "Heemskerk", "2023", "1.0", "1.0"]]
    )
    path = tmp_path / "86050NED.csv"
    os.utime(path, (1_700_049_600, 1_700_049_600))  # 15 November 2023: not a download date
    assert cbs_tables.peildatum_for(path) == ("", "onbekend (geen downloaddatum)")
    (tmp_path / "86050NED.meta.json").write_text('{"download_datum": null}', encoding="utf-8")
    assert cbs_tables.peildatum_for(path)[0] == ""
    (tmp_path / "86050NED.meta.json").write_text(
        '{"download_datum": "2025-03-01"}', encoding="utf-8"
    )
    assert cbs_tables.peildatum_for(path) == ("2025-03-01", "downloaddatum (meta.json)")
