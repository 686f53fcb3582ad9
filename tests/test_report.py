"""The report module on real CBS data and the real frameworks, for every kind of plan."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from importlib.metadata import version
from unittest import mock

import pandas as pd
import pytest

from tussenstand import report as rapport
from tussenstand.cleaning import clean
from tussenstand.handoff import SUMMARY_FILE


def run_all_chapters(report) -> str:
    texts: list[str] = []
    with (
        mock.patch(
            "tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)
        ),
        mock.patch("tussenstand.charts.show_chart"),
    ):
        for name in (
            "show_introduction",
            "show_summary",
            "show_demography",
            "show_finances",
            "show_themes",
            "show_bbv_indicators",
            "show_region",
            "show_accountability",
        ):
            getattr(rapport, name)(report)
    return "\n".join(texts)


@pytest.fixture(scope="module")
def built(project_root, cbs_dir, tmp_path_factory):
    """(report, everything it displayed) per unit, built once per module: a report takes seconds."""
    cache: dict[str, tuple] = {}

    def _built(code: str, period: str = "2026-H1"):
        if code not in cache:
            clean(code, period, project_root=project_root, cbs_dir=cbs_dir)
            out = tmp_path_factory.mktemp(f"rapport-{code}-{period}")
            report = rapport.open_report(
                code, period, project_root=project_root, cbs_dir=cbs_dir, output_dir=out
            )
            cache[code] = (report, run_all_chapters(report))
        return cache[code]

    return _built


def test_report_without_cleaning_says_what_to_run(project_root, cbs_dir, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        project_root, copy, ignore=shutil.ignore_patterns(".venv*", "reports", "processed", ".git")
    )
    with pytest.raises(rapport.ReportError, match="01_opschonen.ipynb"):
        rapport.open_report("GM0405", "2026-H1", project_root=copy, cbs_dir=cbs_dir)


@pytest.mark.parametrize("code", ["GM0405", "GM1507", "KNH", "GM0448"])
def test_every_kind_of_framework_gives_a_complete_report(built, code):
    report, text = built(code)
    assert "## " in text  # chapters per theme
    assert report.chart_count > 5
    for png in report.figures_dir.glob("*.png"):  # every chart has its data beside it
        assert png.with_suffix(".csv").is_file()
    # qualitative frameworks: indicators, no statuses
    assert report.assessments == {}
    assert "geen meetbare doelen" in text
    assert "Bron: CBS" in text or "CBS StatLine" in text


def test_region_report_puts_the_four_municipalities_side_by_side(built):
    report, text = built("KNH")
    assert "## Regio Kop van Noord-Holland: de gemeenten naast elkaar" in text
    header = next(
        line for line in text.splitlines() if line.startswith("| Indicator (eenheid) | Den Helder")
    )
    for name in ("Den Helder", "Hollands Kroon", "Schagen", "Texel", "Nederland"):
        assert name in header


def test_heemskerk_report_labels_illustrative_data_everywhere(built):
    report, text = built("GM0396")
    assert report.illustrative
    assert "illustratieve gegevens" in text.lower()
    # every one of the plan's 28 goals is measured by the illustrative registration: each goal
    # chart's CSV marks every measured row (the rows with a gemeente; the path, target and
    # projection rows have none) as illustratief
    goal_csvs = sorted(report.figures_dir.glob("doel-*.csv"))
    assert len(goal_csvs) == 28
    for path in goal_csvs:
        with path.open(encoding="utf-8-sig", newline="") as f:
            measured = [row for row in csv.DictReader(f, delimiter=";") if row["gemeente"]]
        assert measured and {row["illustratief"] for row in measured} == {"ja"}, path.name
    table = rapport.goals_table(report)
    measured = table[table["Laatste meting"] != "geen meting"]
    assert len(measured) > 20
    assert measured["Status"].str.contains("(illustratief)", regex=False).all()


def test_small_counts_are_never_published(built):
    report, _ = built("GM0396")
    internal = report.measurements[report.measurements["onderdrukt"]]
    assert len(internal) > 0 and internal["waarde"].notna().all()  # kept for judging
    published = report.published[report.published["onderdrukt"]]
    assert published["waarde"].isna().all()
    # no CSV beside a chart holds the value of a suppressed measurement, whatever its own flags say
    small = set(
        zip(
            internal["gemeente"],
            internal["indicator"],
            internal["periode"],
            internal["gebied"],
            strict=True,
        )
    )
    for path in report.figures_dir.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        leaked = [
            row
            for row in rows
            if row.get("waarde")
            and (row.get("gemeente"), row.get("indicator"), row.get("periode"), row.get("gebied"))
            in small
        ]
        assert leaked == [], path.name


def test_summary_json_for_the_site(built):
    report, _ = built("GM0396")
    assert rapport.write_summary(report) is None
    data = json.loads((report.output_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert data["gemeente"] == "GM0396" and data["periode"] == "2026-H1"
    assert data["periode_label"] == "1e halfjaar 2026"
    assert sum(data["status_counts"].values()) == data["aantal_doelen"] == 28
    assert data["illustratief"] is True
    # stamped with what built it: the installed package and the checkout's commit
    assert data["versie"] == version("tussenstand")
    head = subprocess.run(
        ["git", "-C", str(report.config.root), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    expected = head.stdout.strip() if head.returncode == 0 else "onbekend"
    assert data["commit"] in (expected, expected + "-gewijzigd")


def test_comparison_group_and_rank(built, cbs_dir):
    report, _ = built("GM0396")
    group = {
        "GM0375": "Beverwijk",
        "GM0383": "Castricum",
        "GM0373": "Bergen (NH.)",
        "GM0397": "Heemstede",
        "GM0399": "Heiloo",
        "GM0377": "Bloemendaal",
    }
    assert set(report.comparison_codes) == set(group)
    # Wmo clients per 1.000 inhabitants in 1e halfjaar 2024, read from CBS 86050NED by hand
    # (Castricum 54, Heiloo 56, Beverwijk 60, Bloemendaal 61, Heemstede 63, Heemskerk 64, Bergen 67)
    with (cbs_dir / "86050NED.csv").open(encoding="utf-8-sig", newline="") as f:
        per_1000 = {
            row["RegioS"].strip(): float(row["WmoClientenPer1000Inwoners_2"])
            for row in csv.DictReader(f, delimiter=";")
            if row["Perioden"].strip() == "1e halfjaar 2024"
            and row["TypeMaatwerkvoorziening"].strip() == "Totaal"
            and row["RegioS"].strip() in {"Heemskerk", *group.values()}
        }
    assert len(per_1000) == 7
    place = sorted(per_1000.values()).index(per_1000["Heemskerk"]) + 1
    assert place == 6
    ind = report.framework.indicator("bbv-wmo-clienten")
    assert rapport.rank_text(report, ind) == (
        "In 1e halfjaar 2024 staat Heemskerk op plaats 6 van 7 (Heemskerk en de 6 gemeenten van de "
        "vergelijkingsgroep met een cijfer; 1 = laagste waarde)."
    )


def test_one_frequency_keeps_the_most_recent_kind(built):
    report, _ = built("GM0396")
    frame = rapport.indicator_frame(report, "jongeren_jeugdhulp_pct")
    kinds = {code.count("-H") for code in frame["periode"]}
    assert kinds == {1}  # half-years only: they reach 2024-H1, the years stop at 2023
    assert "Nederland" in set(frame["gemeente_naam"])
    assert any(name.startswith("Regio IJmond") for name in frame["gemeente_naam"])


# ----- every figure labelled, small numbers suppressed where they are shown --------------------------
def test_every_row_behind_a_goal_chart_is_marked_illustrative(built):
    report, _ = built("GM0396")
    frame = pd.read_csv(
        report.figures_dir / "doel-zw-1.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    measured = frame[frame["reeks"] == "meting"]
    assert len(measured) >= 3
    assert set(measured["illustratief"]) == {"ja"}
    assert set(measured["bron"]) == {"Illustratieve registratie (geen echte gegevens)"}


def test_a_small_count_reaches_the_report_only_as_below_threshold(built):
    report, text = built("GM0396")
    internal = report.measurements
    small = internal[
        (internal["indicator"] == "reg_FF-4_per_wijk")
        & internal["onderdrukt"]
        & (internal["periode"] == "2026-H1")
    ]
    assert len(small) == 1 and small["waarde"].iloc[0] < 10  # Wijk 5, kept internally
    table, caption = rapport.district_breakdown(
        report, "reg_FF-4_per_wijk", "aantal", total_series="reg_FF-4"
    )
    row = table[table["Wijk"] == small["gebied"].iloc[0]].iloc[0]
    assert row["1e halfjaar 2026"] == "< 10"
    assert "illustratieve gegevens" in caption
    # and so in the report text: the row of that district holds no number below 10
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| {small['gebied'].iloc[0]} |"))
    assert line == f"| {small['gebied'].iloc[0]} | < 10 | < 10 |"
    assert f"| {fmt(small['waarde'].iloc[0])} |" not in text
    # the whole-gemeente total is published, so one more district is withheld ('x'): otherwise
    # the small count is the total minus the other districts
    assert list(table["1e halfjaar 2026"]).count("x") == 1
    shown = [int(v) for v in table["1e halfjaar 2026"] if v.isdigit()]
    total = report.published[
        (report.published["indicator"] == "reg_FF-4")
        & (report.published["periode"] == "2026-H1")
        & (report.published["gebied"] == "")
    ]["waarde"].iloc[0]
    assert total - sum(shown) >= 10  # two districts together: no single count recoverable
    assert "'x': niet gepubliceerd" in caption


def fmt(value: float) -> str:
    return f"{value:.0f}"


# ----- like with like: one period per comparison -----------------------------------------------------
def test_nederland_is_compared_in_the_same_year(built, cbs_dir):
    report, text = built("GM0396")
    latest = rapport.latest_values(report, "aandeel_65plus")
    own = latest[latest["gemeente"] == "GM0396"].iloc[0]
    nl = latest[latest["gemeente"] == "NL01"].iloc[0]
    assert own["periode"] == nl["periode"] == "2024"  # NL from the geo files, not 80860ned's 2009
    ind = report.framework.indicator(
        next(i.id for i in report.framework.indicators if i.series == "aandeel_65plus")
    )
    frame = rapport.indicator_frame(report, "aandeel_65plus")
    title = rapport.sentence_title(report, ind, frame)
    assert title.endswith("hoger dan Nederland (2024)")
    # Nederland in 2024: the gemeenten's whole-percent shares in the 2024 geo file, weighted by
    # their inhabitants (GM0998, 'buitenland', has none): 20,496...%, shown as 20,5%
    features = json.loads((cbs_dir / "geo" / "gemeenten_2024.geojson").read_text(encoding="utf-8"))[
        "features"
    ]
    weighted = [
        (p["aantal_inwoners"], p["65plus"])
        for p in (f["properties"] for f in features)
        if p["gemeentecode"] != "GM0998"
        and (p["aantal_inwoners"] or 0) > 0
        and p["65plus"] is not None
    ]
    share = sum(n * pct for n, pct in weighted) / sum(n for n, _ in weighted)
    assert 20.45 <= share < 20.55
    assert "Nederland 20,5% (2024)" in text


def test_direction_in_percentage_points_between_periods_of_one_kind(built):
    report, _ = built("GM0405")
    text = rapport.direction_text(report, "jongeren_jeugdhulp_pct", "% van jongeren tot 18 jaar")
    # half-years (the most recent kind), never a half-year against a year
    assert text.endswith("procentpunt sinds 2e halfjaar 2023)")
    assert rapport.change_text(11.4, 11.9, "%", "2023") == "stijgt (+0,5 procentpunt sinds 2023)"
    assert rapport.change_text(200, 190, "aantal per 10.000 inwoners") == "daalt (−5,0%)"
    assert rapport.change_text(11.4, 11.45, "%") == "gelijk"


def test_counts_are_not_compared_with_nederland_or_ranked(built):
    report, text = built("GM0405")
    overview = rapport.indicator_overview(report)
    counts = overview[
        overview["Indicator"].str.startswith("Wmo-cliënten met een maatwerkvoorziening")
    ]
    assert len(counts) == 1 and counts["Nederland"].iloc[0] == "n.v.t."
    ind = next(i for i in report.framework.indicators if i.series == "wmo_clienten_aantal")
    assert rapport.rank_text(report, ind) == ""
    assert "Nederland" not in rapport.sentence_title(
        report, ind, rapport.indicator_frame(report, ind.series)
    )


def test_a_member_report_shows_its_region_partners(built):
    report, text = built("GM0400")  # Den Helder, one of the four of Kop van Noord-Holland
    header = next(
        line for line in text.splitlines() if line.startswith("| Indicator (eenheid) | Den Helder")
    )
    rows = text.splitlines()[text.splitlines().index(header) + 2 :]
    first = rows[0].split(" | ")
    # every partner has a figure: the cleaning step keeps all four municipalities
    assert all(cell.strip() not in ("–", "") for cell in first[1:5]), rows[0]
    # and they are not silently added to the comparison group (Texel, 13.000 inwoners, is in
    # another size class than Den Helder), although their figures are in the report's data
    assert "GM0448" in set(report.measurements["gemeente"])
    assert "GM0448" not in report.comparison_codes
    assert len(report.comparison_codes) > 10  # Den Helder's size class


def test_the_suppliers_note_on_a_registration_reaches_its_goal(built):
    """Nothing lost: 'toekenningen in de 12 maanden tot en met ...' says what a half-year figure is."""
    report, text = built("GM0396")
    assert (report.measurements["opmerking"] != "").any()
    block = text[text.index("### FF-1:") : text.index("### FF-2:")]
    assert (
        "Opmerking bij de registratie: toekenningen in de 12 maanden tot en met het einde van de periode."
        in block
    )
    assert (
        "nulmeting uit het beleidsplan" not in block
    )  # the baseline row's own note is not repeated


def test_introduction_says_how_old_the_cbs_figures_are_and_when_the_plan_ran(built):
    _, text = built("GM0405")  # Hoorn: a 2020 plan, reported on in 2026
    intro = text.splitlines()[0]
    assert "Het plan gaat over 2020." in intro
    assert "De recentste CBS-cijfers in dit rapport gaan over 2024" in intro
    assert "ligt na het einde van het plan (2020)" in intro


def test_age_sources_sentence_names_what_each_year_is():
    """The sentence under the age chart follows the data: rounded geo shares, or exact shares
    computed from the counts in the named CBS tables (KWB when fetched)."""
    from tussenstand.report.demography import age_sources_sentence
    from tussenstand.sources.geo import UNIT_NATIONAL_FROM_ROUNDED, UNIT_ROUNDED_PCT

    def rows(spec):
        return pd.DataFrame(
            [{"periode": p, "eenheid": u, "tabel": t} for p, u, t in spec],
            columns=["periode", "eenheid", "tabel"],
        )

    fetched = rows(
        [("2009", "%", "80860ned"), ("2018", "%", "84286NED"), ("2024", "%", "85984NED")]
    )
    assert age_sources_sentence(fetched, fetched) == (
        "De CBS-aandelen van 2009, 2018 en 2024 zijn exact (tabellen 80860ned, 84286NED en "
        "85984NED)."
    )
    mixed = rows(
        [
            ("2009", "%", "80860ned"),
            ("2018", UNIT_ROUNDED_PCT, "geo/gemeenten_2018.geojson"),
            ("2024", "%", "85984NED"),
        ]
    )
    national = rows(
        [
            ("2009", "%", "80860ned"),
            ("2018", UNIT_NATIONAL_FROM_ROUNDED, "geo/gemeenten_2018.geojson"),
            ("2024", "%", "85984NED"),
        ]
    )
    assert age_sources_sentence(mixed, national) == (
        "De CBS-aandelen van 2018 komen uit de gemeentecijfers bij de wijk- en buurtkaart en zijn "
        "op hele procenten afgerond; die van 2009 en 2024 zijn exact (tabellen 80860ned en "
        "85984NED). Het aandeel voor Nederland in 2018 is berekend als het naar inwoners gewogen "
        "gemiddelde van alle gemeenten."
    )


# ----- a framework or region without indicator data ------------------------------------------------
EMPTY_FRAMEWORK = """\
id: zonder-cijfers
title: "Een kader zonder cijfers"
kind: regionaal
source: {document: "Testplan", publisher: "Gemeenten Schagen en Texel"}
municipalities:
  - {code: GM0441, name: Schagen}
  - {code: GM0448, name: Texel}
region: {code: ZC, name: "Regio Zonder Cijfers"}
years: {start: 2024, end: 2025}
themes:
  - {id: thuis, name: "Thuis"}
  - {id: werk, name: "Werk"}
indicators:
%s
"""
# 71486ned in the shared extracts stops at 'Moerdijk' (see ../shared/data/README.md): it has no
# rows for Schagen or Texel, and no other table has this series.
INDICATOR_WITHOUT_ROWS = """\
  - {id: eenouder, theme: thuis, name: "Eenouderhuishoudens", unit: aantal, source: CBS,
     cbs_table: "71486ned", series: huishoudens_eenouder, chosen_by: plan}
"""
INDICATOR_WITHOUT_SERIES = """\
  - {id: banen, theme: werk, name: "Banen", unit: aantal, source: LISA, chosen_by: plan}
"""


@pytest.mark.parametrize(
    ("indicators", "sentence"),
    [
        (
            INDICATOR_WITHOUT_ROWS + INDICATOR_WITHOUT_SERIES,
            "staan nog geen cijfers van de indicatoren van dit kader in de gebruikte bestanden "
            "(71486ned)",
        ),
        (INDICATOR_WITHOUT_SERIES, "koppelt nog geen indicator met open gegevens"),
        ("  []", "koppelt nog geen indicator met open gegevens"),
    ],
    ids=["series-without-rows", "no-series", "no-indicators"],
)
@pytest.mark.parametrize("code", ["ZC", "GM0448"])
def test_a_framework_without_indicator_data_gives_a_report_that_says_so(
    cbs_dir, tmp_path, indicators, sentence, code
):
    """Once `ValueError: zip() argument 2 is longer than argument 1` in the summary: the overview of
    a plan whose indicators have no rows for the unit was a table without columns."""
    root = tmp_path / "project"
    for sub in ("kaders", "registraties", "plancijfers"):
        (root / "data" / "raw" / sub).mkdir(parents=True)
    (root / "tussenstand.yml").write_text(
        "periodes: [2024-H1]\nnotebooks: [01_opschonen.ipynb, 02_rapport.ipynb]\n",
        encoding="utf-8",
    )
    (root / "data" / "raw" / "kaders" / "zonder.yaml").write_text(
        EMPTY_FRAMEWORK % indicators.rstrip("\n"), encoding="utf-8"
    )
    clean(code, "2024-H1", project_root=root, cbs_dir=cbs_dir)
    report = rapport.open_report(
        code, "2024-H1", project_root=root, cbs_dir=cbs_dir, output_dir=tmp_path / "uit"
    )
    overview = rapport.indicator_overview(report)
    assert overview.empty and "Indicator" in overview.columns
    text = run_all_chapters(report)
    name = "Regio Zonder Cijfers" if code == "ZC" else "Texel"
    assert "geen meetbare doelen" in text
    assert sentence in text
    if "71486ned" in sentence:
        assert f"Voor {name} staan nog geen cijfers" in text
    # the summary shows no overview table (its header would start with '| Thema | Indicator')
    assert "| Thema | Indicator |" not in text
    rapport.write_summary(report)  # the site's record of the report is written as for any other
    assert (
        json.loads((report.output_dir / SUMMARY_FILE).read_text(encoding="utf-8"))["gemeente"]
        == code
    )
