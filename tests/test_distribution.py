"""Where a gemeente stands among all: the distribution and ranks, computed once for every gemeente
(tussenstand.sources.distribution), against figures read by hand from the CBS files and against
small frames whose ranks are written out."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tussenstand import charts
from tussenstand.sources import distribution
from tussenstand.sources.distribution import (
    DISTRIBUTION_COLUMNS,
    build_distribution,
    load_distribution,
    ranked_series,
    read_distribution,
    report_rows,
)


def read_csv_by_hand(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(fh, delimiter=";")]


@pytest.fixture(scope="module")
def national(national_series):
    return national_series[0]


@pytest.fixture(scope="module")
def ranks(national):
    return build_distribution(national, threshold=10)


@pytest.fixture(scope="module")
def wmo_by_hand(cbs_dir) -> dict[str, float | None]:
    """Wmo clients per 10.000 inhabitants (per 1.000 x 10) of every gemeente in 1e halfjaar 2024,
    read from 86050NED by hand; gemeente titles to codes through 85755NED (2024), by hand."""
    codes = {r["RegioS"]: r["Code_1"] for r in read_csv_by_hand(cbs_dir / "85755NED.csv")}
    out: dict[str, float | None] = {}
    for row in read_csv_by_hand(cbs_dir / "86050NED.csv"):
        if row["Perioden"] == "1e halfjaar 2024" and row["TypeMaatwerkvoorziening"] == "Totaal":
            if row["RegioS"] in codes:
                value = row["WmoClientenPer1000Inwoners_2"]
                out[codes[row["RegioS"]]] = float(value) * 10 if value else None
    return out


def test_ranks_of_every_gemeente_match_the_cbs_file(ranks, wmo_by_hand):
    assert len(wmo_by_hand) == 342
    values = [v for v in wmo_by_hand.values() if v is not None]
    rows = ranks[
        (ranks["indicator"] == "wmo_clienten_per_10000") & (ranks["periode"] == "2024-H1")
    ].set_index("gemeente")
    assert sorted(rows.index) == sorted(wmo_by_hand)
    assert set(rows["totaal"]) == {342}
    assert set(rows["aantal"]) == {len(values)}
    assert len(values) == 333  # nine gemeenten without a published figure
    for code, value in wmo_by_hand.items():
        row = rows.loc[code]
        if value is None:
            assert pd.isna(row["rang"]) and pd.isna(row["waarde"]), code
            continue
        # 1 = lowest; a tie shares the lowest place of its group
        assert row["rang"] == 1 + sum(v < value for v in values), code
        assert row["gedeeld"] == sum(v == value for v in values), code
        assert row["waarde"] == pytest.approx(value)
    # Heemskerk: 64 per 1.000 in the file
    assert wmo_by_hand["GM0396"] == 640.0
    heemskerk = rows.loc["GM0396"]
    assert (heemskerk["rang"], heemskerk["gedeeld"]) == (
        1 + sum(v < 640.0 for v in values),
        sum(v == 640.0 for v in values),
    )


def test_counts_of_persons_are_not_ranked(ranks, national):
    series = ranked_series(national)
    for count in ("inwoners", "wmo_clienten_aantal", "huishoudens_laag_inkomen", "bijstand_aantal"):
        assert count not in series
        assert count not in set(ranks["indicator"])
    for rate in ("wmo_clienten_per_10000", "jongeren_jeugdhulp_pct", "aandeel_65plus"):
        assert rate in series
    assert set(ranks["gemeente"].str[:2]) == {"GM"}  # no Nederland, no regions


def national_frame(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    """A national series in the tidy schema: (gemeente, indicator, waarde, eenheid), 2024-H1."""
    return pd.DataFrame(
        {
            "gemeente": [r[0] for r in rows],
            "gemeente_naam": [f"Gemeente {r[0][-1]}" for r in rows],
            "indicator": [r[1] for r in rows],
            "periode": "2024-H1",
            "periode_start": pd.Timestamp("2024-01-01"),
            "periode_eind": pd.Timestamp("2024-06-30"),
            "gebied": "",
            "waarde": [r[2] for r in rows],
            "eenheid": [r[3] for r in rows],
            "bron": "CBS StatLine",
            "tabel": "86050NED",
            "peildatum": "2025-04-22",
            "ontbreekt_reden": "",
            "opmerking": "",
            "illustratief": False,
            "voorlopig": False,
            "onderdrukt": False,
            "reeksbreuk": False,
        }
    )


def test_a_rate_computed_from_a_small_count_is_neither_ranked_nor_shown():
    per = "per 10.000 inwoners"
    national = national_frame(
        [
            ("GM0001", "wmo_clienten_aantal", 5, "aantal"),
            ("GM0001", "wmo_clienten_per_10000", 50.0, per),
            ("GM0002", "wmo_clienten_aantal", 100, "aantal"),
            ("GM0002", "wmo_clienten_per_10000", 400.0, per),
            ("GM0003", "wmo_clienten_aantal", 200, "aantal"),
            ("GM0003", "wmo_clienten_per_10000", 300.0, per),
            ("NL01", "wmo_clienten_per_10000", 350.0, per),
        ]
    )
    dist = build_distribution(national, threshold=10).set_index("gemeente")
    # 5 clients < 10: GM0001's rate is suppressed; of the other two, 300 is the lowest
    assert bool(dist.loc["GM0001", "onderdrukt"]) and pd.isna(dist.loc["GM0001", "waarde"])
    assert pd.isna(dist.loc["GM0001", "rang"])
    assert (dist.loc["GM0003", "rang"], dist.loc["GM0002", "rang"]) == (1, 2)
    assert set(dist["aantal"]) == {2} and set(dist["totaal"]) == {3}
    assert "NL01" not in dist.index
    # with a threshold of 5, five clients are published: 50 is now the lowest of three
    lower = build_distribution(national, threshold=5).set_index("gemeente")
    assert list(lower.loc[["GM0001", "GM0003", "GM0002"], "rang"]) == [1, 2, 3]


def test_ties_share_the_lowest_place():
    national = national_frame(
        [
            (f"GM000{i}", "jongeren_jeugdhulp_pct", v, "%")
            for i, v in enumerate([4.0, 2.0, 1.0, 2.0], 1)
        ]
        + [("GM0005", "jongeren_jeugdhulp_pct", np.nan, "%")]
    )
    dist = build_distribution(national, threshold=10).set_index("gemeente")
    # values 1, 2, 2, 4: places 1, 2, 2, 4 (competition ranking), 2 share the value 2
    assert dist.loc["GM0003", "rang"] == 1
    assert dist.loc["GM0002", "rang"] == dist.loc["GM0004", "rang"] == 2
    assert dist.loc["GM0001", "rang"] == 4
    assert dist.loc["GM0002", "gedeeld"] == 2 and dist.loc["GM0001", "gedeeld"] == 1
    assert pd.isna(dist.loc["GM0005", "rang"]) and set(dist["aantal"]) == {4}


def test_computed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    national = national_frame(
        [(f"GM000{i}", "jongeren_jeugdhulp_pct", float(i), "%") for i in range(1, 4)]
    )
    built = load_distribution(national, tmp_path, 10)
    assert (tmp_path / "cbs" / "verdeling.parquet").is_file()

    def fail(*args, **kwargs):
        raise AssertionError("de verdeling is opnieuw berekend")

    monkeypatch.setattr(distribution, "build_distribution", fail)
    again = load_distribution(national, tmp_path, 10, series=["jongeren_jeugdhulp_pct"])
    pd.testing.assert_frame_equal(again, built)
    assert load_distribution(national, tmp_path, 10, series=[]).empty
    with pytest.raises(AssertionError, match="opnieuw berekend"):  # another threshold: rebuilt
        load_distribution(national, tmp_path, 5)


def test_a_report_keeps_the_latest_period_of_each_kind(ranks, cbs_dir):
    wmo = ranks[ranks["indicator"] == "wmo_clienten_per_10000"]
    rows = report_rows(wmo, ["GM0396"], pd.Timestamp("2024-06-30"))
    # 86050NED has half-years up to 1e halfjaar 2024 and years up to 2023 (read by hand)
    periods = {r["Perioden"] for r in read_csv_by_hand(cbs_dir / "86050NED.csv")}
    assert "1e halfjaar 2024" in periods and "2023" in periods and "2024" not in periods
    assert set(rows["periode"]) == {"2024-H1", "2023"}
    assert rows.groupby("periode").size().to_dict() == {"2023": 342, "2024-H1": 342}
    # a report for the first half of 2023 sees nothing later
    earlier = report_rows(wmo, ["GM0396"], pd.Timestamp("2023-06-30"))
    assert set(earlier["periode"]) == {"2023-H1", "2022"}
    assert list(rows.columns) == DISTRIBUTION_COLUMNS
    assert read_distribution(cbs_dir / "bestaat-niet.parquet").empty


def test_the_chart_marks_the_gemeente_and_its_group(ranks, tmp_path, wmo_by_hand):
    rows = ranks[(ranks["indicator"] == "wmo_clienten_per_10000") & (ranks["periode"] == "2024-H1")]
    group = ["GM0375", "GM0383", "GM0373", "GM0397", "GM0399", "GM0377"]
    result = charts.distribution_chart(
        rows,
        {"GM0396": "Heemskerk"},
        title="Wmo-cliënten: Heemskerk tussen alle gemeenten",
        comparison=group,
        national=650.0,
    )
    ax = result.fig.axes[0]
    plotted = sum(len(c.get_offsets()) for c in ax.collections)
    assert plotted == 333  # every published value once; the nine without one are not drawn
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "overige gemeenten (326)",
        "vergelijkingsgroep (6)",
        "Nederland: 650",
        "Heemskerk: 640",
    ]
    values = sorted(v for v in wmo_by_hand.values() if v is not None)
    place = 1 + sum(v < 640 for v in values)
    assert f"Heemskerk: 640 per 10.000 inwoners, plaats {place} van 333 (1 = laagste)." in (
        result.alt_text
    )
    assert "9 van de 342 gemeenten hebben geen gepubliceerd cijfer" in result.caption
    paths = charts.save_chart(result, tmp_path, "verdeling")
    saved = pd.read_csv(paths["csv"], sep=";", dtype=str, keep_default_na=False)
    assert len(saved) == 342
    assert saved.loc[saved["gemeente"] == "GM0396", "rol"].item() == "gemeente"
    assert set(saved.loc[saved["gemeente"].isin(group), "rol"]) == {"vergelijkingsgroep"}


def test_the_chart_never_shows_a_suppressed_value(tmp_path):
    per = "per 10.000 inwoners"
    national = national_frame(
        [
            ("GM0001", "wmo_clienten_aantal", 5, "aantal"),
            ("GM0001", "wmo_clienten_per_10000", 50.0, per),
            ("GM0002", "wmo_clienten_aantal", 100, "aantal"),
            ("GM0002", "wmo_clienten_per_10000", 400.0, per),
            ("GM0003", "wmo_clienten_aantal", 200, "aantal"),
            ("GM0003", "wmo_clienten_per_10000", 300.0, per),
        ]
    )
    rows = build_distribution(national, threshold=10)
    result = charts.distribution_chart(rows, {"GM0001": "Gemeente 1"}, title="Wmo")
    paths = charts.save_chart(result, tmp_path, "klein")
    text = paths["csv"].read_text(encoding="utf-8-sig")
    assert ";50;" not in text and ";50," not in text
    assert "Gemeente 1: onderdrukt, niet in de rangorde." in result.alt_text
    assert "Onderdrukte waarden (kleine aantallen) zijn niet getoond." in result.caption
    ax = result.fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 2
