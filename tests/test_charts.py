"""The report's charts, built from real CBS figures (read with pandas directly) and plan figures."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from tussenstand import charts  # noqa: E402
from tussenstand.goals import Goal  # noqa: E402
from tussenstand.nlformat import NBSP  # noqa: E402
from tussenstand.periods import parse_period  # noqa: E402
from tussenstand.progress import GoalAssessment, Status  # noqa: E402

PEILDATUM = "2026-03-12"


# ----- real data ------------------------------------------------------------------------------
def _read_cbs(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    for col in ("RegioS", "Perioden", "TypeMaatwerkvoorziening"):
        if col in df.columns:
            df[col] = df[col].astype("string").str.strip()
    return df


@pytest.fixture(scope="module")
def wmo(cbs_dir) -> pd.DataFrame:
    """Wmo clients (86050NED, 'Totaal') for Heemskerk and Nederland, as tidy rows."""
    raw = _read_cbs(cbs_dir / "86050NED.csv")
    raw = raw[
        (raw["TypeMaatwerkvoorziening"] == "Totaal")
        & raw["RegioS"].isin(["Heemskerk", "Nederland"])
    ]
    rows = []
    for _, r in raw.iterrows():
        base = {
            "gemeente_naam": r["RegioS"],
            "periode": r["Perioden"],
            "bron": "CBS StatLine",
            "tabel": "86050NED",
            "peildatum": PEILDATUM,
        }
        rows.append(
            {
                **base,
                "indicator": "wmo_clienten_per_10000",
                "waarde": r["WmoClientenPer1000Inwoners_2"] * 10,
                "eenheid": "per 10.000 inwoners",
            }
        )
        rows.append(
            {
                **base,
                "indicator": "wmo_clienten_aantal",
                "waarde": r["WmoClienten_1"],
                "eenheid": "aantal",
            }
        )
    return pd.DataFrame(rows)


def _years(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["periode"].str.contains("half")].reset_index(drop=True)


def _series(df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return df[df["indicator"] == indicator].reset_index(drop=True)


@pytest.fixture(scope="module")
def jeugdhulp(cbs_dir) -> pd.DataFrame:
    """% youth with jeugdhulp: 82972NED (2015-2020) + 85098NED (2021-2023), break at 2021."""
    rows = []
    for table, first in (("82972NED", False), ("85098NED", True)):
        raw = _read_cbs(cbs_dir / f"{table}.csv")
        raw = raw[
            raw["RegioS"].isin(["Heemskerk", "Nederland"]) & raw["Perioden"].str.fullmatch(r"\d{4}")
        ]
        for _, r in raw.iterrows():
            rows.append(
                {
                    "gemeente_naam": r["RegioS"],
                    "periode": r["Perioden"],
                    "waarde": r["JongerenMetJeugdhulpInNatura_1"],
                    "eenheid": "% van jongeren tot 18 jaar",
                    "bron": "CBS StatLine",
                    "tabel": table,
                    "peildatum": PEILDATUM,
                    "reeksbreuk": first and r["Perioden"] == "2021",
                }
            )
    return pd.DataFrame(rows)


def _lines_with_data(fig) -> list[Line2D]:
    return [ln for ax in fig.axes for ln in ax.get_lines() if len(ln.get_xdata())]


def _legend(result: charts.ChartResult):
    """The chart's one legend (in the row under the panels)."""
    legends = [ax.get_legend() for ax in result.fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1
    return legends[0]


def _all_y(fig) -> list[float]:
    return [float(y) for ln in _lines_with_data(fig) for y in np.asarray(ln.get_ydata(), float)]


# ----- trend chart -----------------------------------------------------------------------------
def test_trend_chart_source_line_names_the_table(wmo):
    result = charts.trend_chart(
        _series(_years(wmo), "wmo_clienten_per_10000"),
        title="Heemskerk heeft meer Wmo-cliënten dan Nederland",
    )
    assert result.source_line == (
        "Bron: CBS StatLine, tabel 86050NED (peildatum 12 maart 2026); bewerking tussenstand"
    )
    assert not result.illustrative
    assert not [t for t in result.fig.texts if t.get_text() == "Illustratief"]


def test_trend_chart_alt_text_has_latest_value_in_dutch(wmo, cbs_dir):
    counts = _series(wmo, "wmo_clienten_aantal")
    heemskerk = counts[
        (counts["gemeente_naam"] == "Heemskerk") & counts["periode"].str.contains("half")
    ]
    result = charts.trend_chart(
        heemskerk,
        title="Aantal Wmo-cliënten in Heemskerk",
        indicator_label="Wmo-cliënten met een maatwerkvoorziening",
    )
    # the latest half-year in the raw file: 2535 clients in 1e halfjaar 2024, in Dutch 2.535
    raw = _read_cbs(cbs_dir / "86050NED.csv")
    last = raw[(raw["RegioS"] == "Heemskerk") & (raw["TypeMaatwerkvoorziening"] == "Totaal")].iloc[
        -1
    ]
    assert [last["Perioden"], last["WmoClienten_1"]] == ["1e halfjaar 2024", 2535]
    assert "Heemskerk: 2.535 in 1e halfjaar 2024" in result.alt_text
    assert result.alt_text.startswith("Aantal Wmo-cliënten in Heemskerk.")


def test_trend_chart_tick_labels_are_dutch(wmo):
    counts = _series(wmo, "wmo_clienten_aantal")
    heemskerk = counts[
        (counts["gemeente_naam"] == "Heemskerk") & counts["periode"].str.contains("half")
    ]
    result = charts.trend_chart(heemskerk, title="Aantal Wmo-cliënten", y_from_zero=False)
    labels = charts.tick_labels(result, "y")
    assert labels and all("," not in lb for lb in labels)
    assert any(lb.count(".") == 1 and len(lb) == 5 for lb in labels), labels  # e.g. 3.000
    x_labels = charts.tick_labels(result, "x")
    assert "1e hj\n2024" in x_labels
    # every y tick label is the Dutch spelling of its tick value
    ax = result.fig.axes[0]
    for tick in ax.get_yticklabels():
        if tick.get_text():
            assert tick.get_text() == f"{tick.get_position()[1]:,.0f}".replace(",", ".")


def test_trend_chart_percent_axis_and_series_break(jeugdhulp):
    result = charts.trend_chart(
        jeugdhulp, title="Jeugdhulp in Heemskerk boven landelijk", order=["Heemskerk", "Nederland"]
    )
    labels = charts.tick_labels(result, "y")
    assert all(lb.endswith("%") for lb in labels)
    assert "0%" in labels
    texts = [t.get_text().strip() for t in result.fig.axes[0].texts]
    assert "reeksbreuk" in texts
    # the break line sits between 2020 (x = 2021.0) and 2021 (x = 2022.0)
    vlines = [
        ln
        for ln in result.fig.axes[0].get_lines()
        if len(set(np.asarray(ln.get_xdata(), float))) == 1
        and ln.get_linestyle() not in ("None", "none")
    ]
    assert any(2021.0 < float(ln.get_xdata()[0]) < 2022.0 for ln in vlines)
    assert "tabellen 82972NED en 85098NED" in result.source_line
    assert "Reeksbreuk vanaf 2021" in result.alt_text
    assert "% van jongeren tot 18 jaar" in result.fig.axes[0].get_ylabel()


def test_missing_cbs_value_is_a_gap_with_a_note(wmo):
    data = _series(_years(wmo), "wmo_clienten_per_10000")
    nl_2021 = data[(data["gemeente_naam"] == "Nederland") & (data["periode"] == "2021")]
    assert nl_2021["waarde"].isna().all()  # CBS has no 2021 figure for Nederland here
    result = charts.trend_chart(data, title="Wmo-cliënten per 10.000 inwoners")
    assert "Geen gegevens voor Nederland 2021." in result.notes
    assert "Geen gegevens voor Nederland 2021." in result.alt_text


def test_trend_chart_gives_every_member_of_a_region_its_own_style():
    members = ["Den Helder", "Hollands Kroon", "Schagen", "Texel", "Opmeer"]
    data = pd.DataFrame(
        [
            {
                "gemeente_naam": name,
                "periode": year,
                "waarde": 500.0 + 10 * i,
                "bron": "CBS StatLine",
            }
            for i, name in enumerate([*members, "Nederland"])
            for year in ("2022", "2023")
        ]
    )
    result = charts.trend_chart(data, title="Vijf gemeenten en Nederland")
    handles = _legend(result).legend_handles
    styles = [(h.get_color(), h.get_linestyle(), h.get_marker()) for h in handles]
    assert styles == [
        ("#0072B2", "-", "o"),  # the first municipality: the gemeente, Okabe-Ito blue
        ("#D55E00", "-", "v"),  # further members: vermiljoen, black, sky blue ...
        ("#000000", "--", "P"),
        ("#56B4E9", "-.", "X"),
        ("#CC79A7", ":", "D"),  # ... then the regio style
        ("#E69F00", "--", "s"),  # Nederland: orange, dashed, squares
    ]


def test_trend_chart_refuses_an_unknown_role(wmo):
    with pytest.raises(ValueError, match="onbekende rol 'stad' voor reeks 'Heemskerk'"):
        charts.trend_chart(
            _series(_years(wmo), "wmo_clienten_per_10000"), title="x", roles={"Heemskerk": "stad"}
        )


def test_provisional_cbs_figure_is_an_open_marker_with_a_note():
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": ["2022", "2023*"],
            "waarde": [640.0, 655.0],
            "bron": "CBS StatLine",
            "tabel": "86050NED",
        }
    )
    result = charts.trend_chart(data, title="Voorlopig")
    open_markers = [
        ln for ln in result.fig.axes[0].get_lines() if ln.get_markerfacecolor() == "white"
    ]
    assert [(list(ln.get_xdata()), list(ln.get_ydata())) for ln in open_markers] == [
        ([2024.0], [655.0])
    ]  # 2023 ends at the start of 2024
    assert "Open punten zijn voorlopige cijfers." in result.notes
    assert result.data["voorlopig"].tolist() == [False, True]


def test_many_missing_periods_are_summarised_in_one_note():
    data = pd.DataFrame(
        {
            "gemeente_naam": "Texel",
            "periode": [str(y) for y in range(2017, 2024)],
            "waarde": [np.nan] * 4 + [10.0, 11.0, 12.0],
            "bron": "CBS StatLine",
            "ontbreekt_reden": ["CBS: geheim (x)"] * 4 + [""] * 3,
        }
    )
    result = charts.trend_chart(data, title="Lang geen cijfers")
    assert result.notes == (
        "Geen gegevens voor Texel 4 perioden (2017 tot en met 2020) (CBS: geheim (x)).",
    )


def test_comparison_median_is_the_median_without_suppressed_values():
    rows = [  # three municipalities; 2023: one suppressed; 2024: none known
        ("A", "2022", 10.0, False, False),
        ("B", "2022", 20.0, False, False),
        ("C", "2022", 60.0, False, False),
        ("A", "2023", 12.0, False, False),
        ("B", "2023", 40.0, True, False),
        ("C", "2023", 14.0, False, True),
        ("A", "2024", np.nan, False, False),
        ("B", "2024", np.nan, False, False),
    ]
    df = pd.DataFrame(
        rows, columns=["gemeente_naam", "periode", "waarde", "onderdrukt", "illustratief"]
    ).assign(bron="CBS StatLine", tabel="86050NED")
    median = charts.comparison_median(df)
    assert median["gemeente_naam"].unique().tolist() == ["Vergelijkingsgroep (mediaan)"]
    assert median["periode"].tolist() == ["2022", "2023", "2024"]
    assert median["waarde"].tolist()[:2] == [20.0, 13.0]  # the mean would be 30 and 22
    assert math.isnan(median["waarde"].iloc[2])
    assert median["aantal_gemeenten"].tolist() == [3, 2, 0]
    assert median["illustratief"].tolist() == [False, True, False]
    assert median["ontbreekt_reden"].tolist() == ["", "", "geen waarden in de groep"]


@pytest.mark.parametrize(
    ("periods", "ticks"),
    [
        (["2024-Q1", "2024-Q2"], ["1e kw\n2024", "2e kw\n2024"]),
        (["2024-01", "2024-02"], ["jan\n2024", "feb\n2024"]),
        (["2025/2026", "2026/2027"], ["2025-\n2026", "2026-\n2027"]),
    ],
)
def test_period_ticks_are_compact_dutch_labels(periods, ticks):
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": periods,
            "waarde": [1.0, 2.0],
            "bron": "Gemeente Heemskerk (registratie)",
        }
    )
    assert charts.tick_labels(charts.trend_chart(data, title="x"), "x") == ticks


def test_march_tick_is_the_dutch_abbreviation():
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": ["2024-02", "2024-03"],
            "waarde": [1.0, 2.0],
            "bron": "CBS StatLine",
        }
    )
    assert charts.tick_labels(charts.trend_chart(data, title="x"), "x") == [
        "feb\n2024",
        "mrt\n2024",
    ]


def test_at_most_eight_period_ticks_and_the_latest_is_labelled():
    years = [str(y) for y in range(2010, 2024)]  # 14 years: every second one, ending with 2023
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": years,
            "waarde": np.arange(14.0),
            "bron": "CBS StatLine",
        }
    )
    ticks = charts.tick_labels(charts.trend_chart(data, title="x"), "x")
    assert ticks == [str(y) for y in range(2011, 2024, 2)]


def test_unknown_period_names_row_and_column():
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": ["2023", "2023-H3"],
            "waarde": [1.0, 2.0],
            "bron": "CBS StatLine",
        }
    )
    with pytest.raises(ValueError, match="trendgrafiek: rij 1, kolom 'periode'"):
        charts.trend_chart(data, title="x")


# ----- Dutch tick labels ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit", "ticks", "labels"),
    [
        (None, [0, 1000, 2000], ["0", "1.000", "2.000"]),
        ("%", [0, 2.5, 5, 7.5], ["0,0%", "2,5%", "5,0%", "7,5%"]),
        ("% van jongeren tot 18 jaar", [10, 20], ["10%", "20%"]),
        ("euro", [0, 500_000, 1_000_000], [f"€{NBSP}0", f"€{NBSP}500.000", f"€{NBSP}1.000.000"]),
        ("aantal", [-5, 0, 5], ["\u22125", "0", "5"]),
        ("per 10.000 inwoners", [0.25, 0.5], ["0,25", "0,50"]),  # one decimal count per axis
    ],
)
def test_dutch_formatter_shows_each_tick_with_the_fewest_exact_decimals(unit, ticks, labels):
    formatter = charts.dutch_formatter(unit)
    formatter.set_locs(ticks)
    assert [formatter(t) for t in ticks] == labels


# ----- illustrative data and suppression -----------------------------------------------------
def test_illustrative_data_gets_watermark_and_prefix(wmo):
    data = _series(_years(wmo), "wmo_clienten_per_10000").assign(illustratief=False)
    data.loc[0, "illustratief"] = True
    result = charts.trend_chart(data, title="Voorbeeld")
    marks = [t for t in result.fig.texts if t.get_text() == "Illustratief"]
    assert len(marks) == 1 and marks[0].get_gid() == "watermerk"
    assert marks[0].get_visible() and marks[0].get_alpha() > 0.1
    assert result.source_line.startswith("ILLUSTRATIEF – geen echte gegevens. Bron: CBS StatLine")
    assert result.alt_text.startswith("ILLUSTRATIEF")
    assert result.illustrative


def test_suppressed_values_are_not_plotted_nor_saved(wmo, tmp_path):
    data = _series(_years(wmo), "wmo_clienten_aantal")
    data = data[data["gemeente_naam"] == "Heemskerk"].reset_index(drop=True)
    secret = float(data.loc[3, "waarde"])
    data["onderdrukt"] = False
    data.loc[3, "onderdrukt"] = True
    result = charts.trend_chart(data, title="Wmo-cliënten")
    ys = _all_y(result.fig)
    assert secret not in ys
    assert any(math.isnan(y) for y in ys)  # a gap, not a dropped point that the line bridges
    assert "Onderdrukte waarden (kleine aantallen) zijn niet getoond." in result.notes
    assert result.data["waarde"].isna().sum() == 1
    paths = charts.save_chart(result, tmp_path, "wmo_onderdrukt")
    csv = pd.read_csv(
        paths["csv"], sep=";", decimal=",", encoding="utf-8-sig", dtype={"periode": str}
    )
    assert secret not in set(csv["waarde"].dropna())
    assert csv.loc[csv["periode"] == data.loc[3, "periode"], "onderdrukt"].tolist() == ["ja"]


# ----- saving ---------------------------------------------------------------------------------
def _svg_root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def test_save_chart_writes_svg_and_dutch_csv_of_the_plotted_data(wmo, tmp_path):
    data = _series(_years(wmo), "wmo_clienten_per_10000")
    data.loc[0, "waarde"] = 612.5  # a decimal, to see the decimal comma
    result = charts.trend_chart(data, title="Wmo-cliënten per 10.000 inwoners")
    paths = charts.save_chart(result, tmp_path / "figuren", "wmo_per_10000")
    assert paths == {
        "image": tmp_path / "figuren" / "wmo_per_10000.svg",
        "csv": tmp_path / "figuren" / "wmo_per_10000.csv",
    }
    svg = _svg_root(paths["image"])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert (svg.get("width"), svg.get("height")) == ("504pt", "302.4pt")  # 7 x 4,2 inch
    # text as outlines (the same glyphs in every browser and in typst), no software or date
    assert not list(svg.iter("{http://www.w3.org/2000/svg}text"))
    svg_text = paths["image"].read_text(encoding="utf-8")
    assert "Matplotlib v" not in svg_text and "<dc:date>" not in svg_text
    raw = paths["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert {"gemeente_naam", "periode", "waarde", "eenheid", "bron", "tabel"} <= set(header)
    assert ";612,5;" in text
    back = pd.read_csv(
        paths["csv"], sep=";", decimal=",", encoding="utf-8-sig", dtype={"periode": str}
    )
    assert len(back) == len(data)
    plotted = {y for y in _all_y(result.fig) if not math.isnan(y)}  # line + markers: a set
    assert set(back["waarde"].dropna()) == plotted == set(data["waarde"].dropna())
    assert 612.5 in plotted
    assert set(back["tabel"]) == {"86050NED"}
    # same chart, same bytes (stable content hashes in the run manifest)
    first = paths["image"].read_bytes()
    charts.save_chart(result, tmp_path / "figuren", "wmo_per_10000")
    assert paths["image"].read_bytes() == first
    assert not [p for p in (tmp_path / "figuren").iterdir() if p.suffix == ".tmp"]


def test_csv_numbers_keep_every_digit_with_a_decimal_comma(tmp_path):
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": ["2021", "2022", "2023"],
            "waarde": [-0.5, 1234.5678, 1e-12],
            "bron": "CBS StatLine",
        }
    )
    result = charts.trend_chart(data, title="Getallen in het CSV-bestand")
    paths = charts.save_chart(result, tmp_path, "getallen")
    rows = paths["csv"].read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(";")
    waarde = header.index("waarde")
    # no thousands separator, ASCII minus (a file format for Excel), 1e-12 below 10 decimals is 0
    assert [r.split(";")[waarde] for r in rows[1:]] == ["-0,5", "1234,5678", "0"]
    assert {r.split(";")[header.index("illustratief")] for r in rows[1:]} == {"nee"}


def test_save_chart_refuses_a_path_as_name(wmo, tmp_path):
    result = charts.trend_chart(_series(_years(wmo), "wmo_clienten_per_10000"), title="x")
    with pytest.raises(ValueError, match="ongeldige bestandsnaam '../uit'"):
        charts.save_chart(result, tmp_path, "../uit")


def test_chart_data_without_source_is_refused(wmo):
    data = _series(_years(wmo), "wmo_clienten_per_10000").drop(columns=["bron"])
    with pytest.raises(ValueError, match="kolom\\(men\\) bron ontbreken"):
        charts.trend_chart(data, title="x")


# ----- goal chart -------------------------------------------------------------------------------
def _assessment(**figures) -> GoalAssessment:
    """A real GoalAssessment with figures chosen by hand: the chart draws what it is given."""
    fields = {
        "goal_id": "doel",
        "report_period": parse_period("2026-H1"),
        "kind": "level",
        "comparison": "at_most",
        "unit": "per 10.000 inwoners",
        "target_value": None,
        "target_period": parse_period("2027"),
        "baseline_value": None,
        "baseline_period": None,
        "baseline_source": None,
        "expected_value": None,
        "expected_at_latest": None,
        "latest_value": None,
        "latest_period": None,
        "share_covered": None,
        "status": Status.OP_KOERS,
        "projection": None,
        "projection_meets_target": None,
    }
    return GoalAssessment(**{**fields, **figures})


def _heemskerk_halves_from_2022(wmo) -> pd.DataFrame:
    rate = _series(wmo, "wmo_clienten_per_10000")
    return rate[
        (rate["gemeente_naam"] == "Heemskerk")
        & rate["periode"].str.contains("half")
        & (rate["periode"].str[-4:].astype(int) >= 2022)
    ].reset_index(drop=True)


def test_goal_chart_draws_path_projection_and_markers(wmo, tmp_path):
    heemskerk = _heemskerk_halves_from_2022(wmo)
    latest = heemskerk.iloc[-1]
    assessment = _assessment(
        baseline_value=float(heemskerk.iloc[0]["waarde"]),
        baseline_period=parse_period("2022-H1"),
        target_value=650.0,
        expected_at_latest=701.3,
        latest_value=float(latest["waarde"]),
        latest_period=parse_period("2024-H1"),
        projection=655.5,
    )
    result = charts.goal_chart(
        heemskerk,
        assessment,
        title="Wmo-gebruik daalt richting doel",
        goal_label="Wmo-cliënten per 10.000 inwoners",
        source="Beleidsplan Sociaal domein 2024 en verder",
    )
    lines = {ln.get_label(): ln for ln in result.fig.axes[0].get_lines()}
    path = lines["verwacht pad (rechte lijn)"]
    assert path.get_linestyle() == "--"
    # a period sits at its end: 1e halfjaar 2022 ends on 1 July 2022 (day 181 of 365), 2027 at 2028
    assert list(path.get_xdata()) == [2022 + 181 / 365, 2028.0]
    assert list(path.get_ydata()) == [assessment.baseline_value, 650.0]
    proj = lines["projectie"]
    assert proj.get_linestyle() == ":" and list(proj.get_ydata()) == [latest["waarde"], 655.5]
    assert list(lines["streefwaarde"].get_ydata()) == [650.0]
    assert "Streefwaarde 650 per 10.000 inwoners in 2027." in result.alt_text
    assert "was in 1e halfjaar 2024 701,3 per 10.000 inwoners verwacht" in result.alt_text
    assert "uit op 655,5 per 10.000 inwoners" in result.alt_text
    assert "Status: op koers." in result.alt_text
    assert result.source_line == (
        "Bron: CBS StatLine, tabel 86050NED (peildatum 12 maart 2026); Beleidsplan Sociaal domein "
        "2024 en verder; bewerking tussenstand"
    )
    assert "2027" in charts.tick_labels(result, "x")
    paths = charts.save_chart(result, tmp_path, "doel_wmo")
    csv = pd.read_csv(paths["csv"], sep=";", decimal=",", encoding="utf-8-sig")
    assert list(csv["reeks"].unique()) == [
        "meting",
        "nulmeting",
        "streefwaarde",
        "verwacht pad",
        "projectie",
    ]
    assert csv.loc[csv["reeks"] == "projectie", "waarde"].tolist() == [655.5]
    assert csv.loc[csv["reeks"] == "verwacht pad", "periode"].tolist() == ["2024-H1"]


def test_goal_chart_names_the_goal_and_expects_at_the_report_period(wmo):
    """Without a value on the path at the latest measurement, the chart names the one at the end
    of the report period; the framework goal names the indicator."""
    heemskerk = _heemskerk_halves_from_2022(wmo)
    goal = Goal(
        id="1.1",
        theme="Zorg",
        text="Minder Wmo-gebruik.",
        indicator="Wmo-gebruik",
        unit="per 10.000 inwoners",
        target={"kind": "level", "value": 650},
        target_period="2027",
        direction="down",
    )
    assessment = _assessment(
        baseline_value=700.0,
        baseline_period=parse_period("2022-H1"),
        target_value=650.0,
        expected_value=680.0,
        status=Status.ACHTER_OP_SCHEMA,
    )
    result = charts.goal_chart(heemskerk, assessment, goal, title="Achter op schema")
    assert result.alt_text.startswith(
        "Achter op schema. Doelgrafiek voor Wmo-gebruik. "
        "Nulmeting 700 per 10.000 inwoners in 1e halfjaar 2022."
    )
    assert "was in 1e halfjaar 2026 680 per 10.000 inwoners verwacht" in result.alt_text
    assert "Status: achter op schema." in result.alt_text
    # no latest measurement in the assessment: the latest measured row after the baseline
    # (86050NED: 64 per 1.000 inwoners in Heemskerk in 1e halfjaar 2024, the last row)
    assert heemskerk.iloc[-1][["periode", "waarde"]].tolist() == ["1e halfjaar 2024", 640.0]
    assert "Laatste meting 640 per 10.000 inwoners in 1e halfjaar 2024." in result.alt_text
    # no projection and no latest value: nothing is drawn for them
    labels = [ln.get_label() for ln in result.fig.axes[0].get_lines()]
    assert "projectie" not in labels and "verwacht pad (rechte lijn)" in labels


def test_goal_chart_with_only_the_baseline_says_there_is_no_measurement_yet():
    baseline = pd.DataFrame(
        {
            "periode": ["2022"],
            "waarde": [38.0],
            "eenheid": "%",
            "bron": "Gemeente Heemskerk (registratie)",
        }
    )
    assessment = _assessment(
        unit="%",
        baseline_value=38.0,
        baseline_period=parse_period("2022"),
        target_value=45.0,
        status=Status.GEEN_METING,
    )
    result = charts.goal_chart(
        baseline, assessment, title="Nog geen meting", goal_label="deelname", target_period="2028"
    )
    assert "Nulmeting 38,0% in 2022. Streefwaarde 45,0% in 2028." in result.alt_text
    assert "Na de nulmeting is er nog geen meting." in result.alt_text
    # the target_period argument overrides the assessment's 2027: the star sits at the end of 2028
    star = [ln for ln in result.fig.axes[0].get_lines() if ln.get_label() == "streefwaarde"]
    assert [list(ln.get_xdata()) for ln in star] == [[2029.0]]
    assert "2028" in charts.tick_labels(result, "x")


def test_goal_per_district_is_a_bar_per_wijk_with_level_line():
    data = pd.DataFrame(
        {
            "gebied": ["Centrum", "Broekpolder", "Oosterwijk", "Noord"],
            "periode": "2026-H1",
            "waarde": [62.5, 71.0, 55.25, 4.0],
            "onderdrukt": [False, False, False, True],
            "eenheid": "%",
            "bron": "Gemeente Heemskerk (registratie)",
            "tabel": "wijkmonitor.xlsx",
            "peildatum": "2026-07-01",
            "illustratief": True,
        }
    )
    result = charts.goal_chart(
        data, _assessment(unit="%", target_value=60.0), title="Twee van de drie wijken op niveau"
    )
    ax = result.fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert 4.0 not in widths and widths[-3:] == [55.25, 62.5, 71.0]
    assert any(t.get_text() == "onderdrukt" for t in ax.texts)
    assert "55,3%" in [t.get_text() for t in ax.texts]
    assert [ln.get_xdata()[0] for ln in ax.get_lines()] == [60.0]  # the level line
    assert "2 van de 3 wijken met een meting" in result.alt_text
    assert result.source_line.startswith(
        "ILLUSTRATIEF – geen echte gegevens. Bron: Gemeente "
        "Heemskerk (registratie), bestand wijkmonitor.xlsx"
    )


def test_district_chart_shows_the_chosen_period_and_names_a_missing_district():
    data = pd.DataFrame(
        {
            "gebied": ["Centrum", "Noord", "Centrum", "Noord"],
            "periode": ["2025-H2", "2025-H2", "2026-H1", "2026-H1"],
            "waarde": [40.0, np.nan, 45.0, 50.0],
            "eenheid": "%",
            "bron": "Gemeente Heemskerk (registratie)",
        }
    )
    result = charts.district_goal_chart(data, None, title="Wijken in 2025", period="2025-H2")
    ax = result.fig.axes[0]
    assert sorted(p.get_width() for p in ax.patches) == [0.0, 40.0]  # 45 and 50 are 2026
    assert "geen meting" in [t.get_text() for t in ax.texts]
    assert result.alt_text == (
        "Wijken in 2025. Staafdiagram per wijk, 2e halfjaar 2025. "
        "Centrum: 40,0%. Geen gegevens voor Noord 2e halfjaar 2025."
    )


# ----- budget and age structure --------------------------------------------------------------
BUDGET_HEEMSKERK_2024 = {  # plan 003, section 3.3 (OCR '£.352.650' repaired by the total)
    "Vitaal en weerbaar": 1874008,
    "Opgroeien en zelfontplooiing": 14984774,
    "Ontmoeten en omzien naar elkaar": 4352650,
    "Zorg en wonen": 12476129,
    "Financieel fit": 11440518,
}


def test_bar_chart_labels_amounts_with_shares():
    df = pd.DataFrame(
        {
            "opgave": list(BUDGET_HEEMSKERK_2024),
            "waarde": list(BUDGET_HEEMSKERK_2024.values()),
            "eenheid": "euro",
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
        }
    )
    assert sum(BUDGET_HEEMSKERK_2024.values()) == 45128079
    result = charts.bar_chart(df, category_col="opgave", title="Opgroeien krijgt een derde")
    labels = [t.get_text() for t in result.fig.axes[0].texts]
    assert f"€{NBSP}4.352.650 (9,6%)" in labels
    assert f"€{NBSP}14.984.774 (33,2%)" in labels
    assert f"totaal €{NBSP}45.128.079" in result.alt_text
    assert result.data["aandeel"].sum() == pytest.approx(100)
    assert any(lb.startswith(f"€{NBSP}") and "." in lb for lb in charts.tick_labels(result, "x"))
    assert (
        result.source_line
        == "Bron: Beleidsplan Sociaal domein 2024 en verder; bewerking tussenstand"
    )


def test_age_structure_of_one_period_describes_its_shares_not_a_change():
    """One period (a municipality with only one year of age groups): the alt text gives the
    shares of that year, not 'van 16% naar 16%'. Heemskerk 2018 (plan 003, section 3.1):
    5.940 of 39.145 inhabitants are 0-15 (15,2%), 8.448 are 65+ (21,6%)."""
    values = [5940, 4524, 8503, 11730, 8448]
    assert sum(values) == 39145
    rows = [
        {
            "gemeente_naam": "Heemskerk",
            "indicator": f"inwoners_{band}",
            "periode": "2018",
            "waarde": v,
            "eenheid": "aantal",
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
        }
        for band, v in zip(["0_15", "15_25", "25_45", "45_65", "65plus"], values, strict=True)
    ]
    result = charts.age_structure_chart(pd.DataFrame(rows), title="Leeftijdsopbouw")
    assert "Heemskerk, 2018: 0-15 jaar 15,2%;" in result.alt_text
    assert "65+ jaar 21,6%." in result.alt_text
    assert " naar " not in result.alt_text and "2018 tot 2018" not in result.alt_text


def test_age_structure_chart_marks_prognosis():
    counts = {
        "2018": [5940, 4524, 8503, 11730, 8448],
        "2024": [5811, 4277, 8947, 11068, 9349],
        "2030": [5700, 4100, 9200, 10700, 10300],
    }  # plan 003, section 3.1
    rows = [
        {
            "gemeente_naam": "Heemskerk",
            "indicator": f"inwoners_{band}",
            "periode": year,
            "waarde": v,
            "eenheid": "aantal",
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
        }
        for year, values in counts.items()
        for band, v in zip(["0_15", "15_25", "25_45", "45_65", "65plus"], values, strict=True)
    ]
    result = charts.age_structure_chart(
        pd.DataFrame(rows), title="Aandeel 65-plussers groeit", prognosis_periods=["2030"]
    )
    legend = [t.get_text() for t in _legend(result).get_texts()]
    assert legend == ["2018", "2024", "2030 (prognose)"]
    hatched = [p for p in result.fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 5
    # the plan's own shares: 65+ 21,6% (2018), 23,7% (2024), 25,8% (2030)
    assert "65+ jaar van 21,6% naar 25,8%" in result.alt_text
    share_2024 = result.data[
        (result.data["periode"] == "2024") & (result.data["indicator"] == "inwoners_65plus")
    ]["aandeel"]
    assert round(float(share_2024.iloc[0]), 1) == 23.7


def test_age_structure_in_percent_is_used_as_given():
    shares = {"2020": [20.0, 30.0, 50.0], "2040": [25.0, 30.0, 45.0]}
    rows = [
        {
            "gemeente_naam": "Heemskerk",
            "indicator": band,
            "periode": year,
            "waarde": v,
            "eenheid": "%",
            "bron": "CBS StatLine",
            "prognose": year == "2040",
        }
        for year, values in shares.items()
        for band, v in zip(["aandeel_0_15", "aandeel_15_25", "aandeel_65plus"], values, strict=True)
    ]
    result = charts.age_structure_chart(pd.DataFrame(rows), title="Vergrijzing")
    assert result.data["aandeel"].tolist() == [20.0, 30.0, 50.0, 25.0, 30.0, 45.0]
    assert (
        "Heemskerk, 2020 tot 2040 (prognose): 0-15 jaar van 20,0% naar 25,0%; 15-25 jaar "
        "van 30,0% naar 30,0%; 65+ jaar van 50,0% naar 45,0%."
    ) in result.alt_text
    assert "Gearceerde staven zijn een prognose, geen meting." in result.notes


# ----- showing in a notebook ------------------------------------------------------------------
def test_show_chart_emits_markdown_with_alt_text_and_caption(wmo, tmp_path, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    result = charts.trend_chart(
        _series(_years(wmo), "wmo_clienten_per_10000"), title="Heemskerk boven Nederland"
    )
    charts.save_chart(result, tmp_path / "figuren", "wmo")
    charts.show_chart(result, relative_to=tmp_path)
    assert len(shown) == 1
    bundle, kw = shown[0]
    assert kw["raw"] is True
    md = bundle["text/markdown"]
    assert md.startswith(
        "![Bron: CBS StatLine, tabel 86050NED (peildatum 12 maart 2026); bewerking tussenstand"
    )
    assert '](figuren/wmo.svg){fig-alt="Heemskerk boven Nederland. Lijngrafiek' in md
    assert bundle["text/plain"] == f"{result.alt_text}\n{result.caption}"
    # the image itself too, for viewers without the files (GitHub, nbconvert)
    assert bundle["image/svg+xml"] == (tmp_path / "figuren" / "wmo.svg").read_text()
    assert kw["metadata"]["image/svg+xml"]["alt"] == result.alt_text
    assert "<Figure" not in bundle["text/plain"] and "0x" not in bundle["text/plain"]
    charts.show_chart(result, relative_to=tmp_path)
    assert shown[1][0]["text/markdown"] == md  # deterministic for nbval


def test_show_chart_caption_and_alt_text_are_literal_markdown(tmp_path, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    data = pd.DataFrame(
        {
            "gemeente_naam": "Heemskerk",
            "periode": ["2022", "2023"],
            "waarde": [1.0, 2.0],
            "bron": "Enquête #3 | wijk *A*",
        }
    )
    result = charts.trend_chart(data, title='Meer "mantelzorg"')
    charts.save_chart(result, tmp_path / "figuren", "enquete")
    charts.show_chart(result, relative_to=tmp_path, embed_image=False)
    md = shown[0]["text/markdown"]
    assert md.startswith(
        r"![Bron: Enquête \#3 \| wijk \*A\*; bewerking tussenstand.]"
        "(figuren/enquete.svg)"
    )
    assert md.endswith('"}') and r'{fig-alt="Meer \"mantelzorg\". Lijngrafiek' in md
    assert "image/svg+xml" not in shown[0] and "image/png" not in shown[0]


def test_apply_style_sets_report_defaults():
    import matplotlib as mpl

    with mpl.rc_context():
        charts.apply_style()
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.spines.right"] is False
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"  # Okabe-Ito blue


def test_show_chart_before_saving_shows_png_with_alt_then_caption(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    df = pd.DataFrame(
        {
            "opgave": list(BUDGET_HEEMSKERK_2024),
            "waarde": list(BUDGET_HEEMSKERK_2024.values()),
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
        }
    )
    result = charts.bar_chart(df, category_col="opgave", title="Budget per opgave")
    charts.show_chart(result)
    (image, image_kw), (caption, _) = shown
    assert image["image/png"] and image_kw["metadata"]["image/png"]["alt"] == result.alt_text
    assert caption["text/markdown"] == (
        "*Bron: Beleidsplan Sociaal domein 2024 en verder; bewerking tussenstand.*"
    )
    assert "<Figure" not in repr(result)


def test_trend_chart_draws_no_line_across_a_series_break(jeugdhulp):
    result = charts.trend_chart(
        jeugdhulp, title="Jeugdhulp in Heemskerk", order=["Heemskerk", "Nederland"]
    )
    # 2020 sits at x = 2021.0, 2021 (the first year of 85098NED) at x = 2022.0
    drawn = [
        set(np.asarray(ln.get_xdata(), float))
        for ln in result.fig.axes[0].get_lines()
        if ln.get_linestyle() not in ("None", "none") and len(ln.get_xdata()) > 1
    ]
    assert any({2016.0, 2021.0} <= xs for xs in drawn)  # 2015-2020 is one line
    assert any({2022.0, 2024.0} <= xs for xs in drawn)  # 2021-2023 another
    assert not any({2021.0, 2022.0} <= xs for xs in drawn)  # nothing spans the break
    # the alt text compares within the last stretch only
    assert "(in 2021, na de reeksbreuk:" in result.alt_text


def test_one_members_merger_does_not_break_the_comparison_median():
    def group(breaks):
        return pd.DataFrame(
            {
                "gemeente_naam": ["A", "B", "C"] * 2,
                "periode": ["2022"] * 3 + ["2023"] * 3,
                "waarde": [10.0, 20.0, 30.0, 11.0, 21.0, 31.0],
                "reeksbreuk": [False] * 3 + breaks,
                "bron": "CBS StatLine",
            }
        )

    merger = charts.comparison_median(group([True, False, False]))  # one member merged
    assert merger["reeksbreuk"].tolist() == [False, False]
    new_table = charts.comparison_median(group([True, True, True]))  # a new CBS table
    assert new_table["reeksbreuk"].tolist() == [False, True]


def test_source_line_says_when_a_cbs_download_date_is_unknown():
    frame = pd.DataFrame(
        {
            "bron": ["CBS StatLine", "CBS Wijk- en buurtkaart (gemeentecijfers)"],
            "tabel": ["86050NED", "geo/gemeenten_2024.geojson"],
            "peildatum": ["2025-04-22", ""],
        }
    )
    line = charts.source_line(frame)
    assert "tabel 86050NED (peildatum 22 april 2025)" in line
    assert "bestand geo/gemeenten_2024.geojson (downloaddatum onbekend)" in line


def test_goal_chart_draws_no_measured_line_across_a_series_break(wmo):
    heemskerk = _heemskerk_halves_from_2022(wmo).copy()
    heemskerk["reeksbreuk"] = heemskerk["periode"] == "1e halfjaar 2023"
    assessment = _assessment(
        baseline_value=float(heemskerk.iloc[0]["waarde"]),
        baseline_period=parse_period("2022-H1"),
        target_value=650.0,
    )
    result = charts.goal_chart(heemskerk, assessment, title="Met reeksbreuk", goal_label="Wmo")
    from tussenstand.charts.style import COLORS

    measured = [  # the measured line: the gemeente's colour, drawn as a line
        np.asarray(ln.get_xdata(), float)
        for ln in result.fig.axes[0].get_lines()
        if ln.get_color() == COLORS["gemeente"] and ln.get_linestyle() not in ("None", "none")
    ]
    # 2e halfjaar 2022 ends at 2023.0, 1e halfjaar 2023 at 2023 + 181/365
    assert not any(2023.0 in xs and 2023 + 181 / 365 in xs for xs in measured)
    assert any(2023.0 in xs for xs in measured) and any(2023 + 181 / 365 in xs for xs in measured)
