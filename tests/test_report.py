"""The report module on real CBS data and the real frameworks, for every kind of plan."""

from __future__ import annotations

import json
from unittest import mock

import pandas as pd
import pytest

from tussenstand import report as rapport
from tussenstand.cleaning import clean
from tussenstand.handoff import SUMMARY_FILE


def run_all_chapters(report) -> str:
    texts: list[str] = []
    with mock.patch("tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)), \
            mock.patch("tussenstand.charts.show_chart"):
        for name in ("show_introduction", "show_summary", "show_demography", "show_finances",
                     "show_themes", "show_bbv_indicators", "show_region", "show_accountability"):
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
            report = rapport.open_report(code, period, project_root=project_root, cbs_dir=cbs_dir,
                                         output_dir=out)
            cache[code] = (report, run_all_chapters(report))
        return cache[code]
    return _built


def test_report_without_cleaning_says_what_to_run(project_root, cbs_dir, tmp_path):
    import shutil

    copy = tmp_path / "project"
    shutil.copytree(project_root, copy, ignore=shutil.ignore_patterns(".venv*", "reports", "processed", ".git"))
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
    header = next(line for line in text.splitlines() if line.startswith("| Indicator (eenheid) | Den Helder"))
    for name in ("Den Helder", "Hollands Kroon", "Schagen", "Texel", "Nederland"):
        assert name in header


def test_heemskerk_report_labels_illustrative_data_everywhere(built):
    report, text = built("GM0396")
    assert report.illustrative
    assert "illustratieve gegevens" in text.lower()
    goal_csv = (report.figures_dir / "doel-zw-1.csv").read_text(encoding="utf-8-sig")
    assert "ja" in goal_csv.splitlines()[1] or "illustratief" in goal_csv.splitlines()[0]
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
    for csv in report.figures_dir.glob("*.csv"):
        frame = pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig")
        if "onderdrukt" in frame.columns:
            flagged = frame[frame["onderdrukt"].isin(["ja", True])]
            assert flagged["waarde"].isna().all(), csv.name


def test_summary_json_for_the_site(built):
    report, _ = built("GM0396")
    assert rapport.write_summary(report) is None
    data = json.loads((report.output_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert data["gemeente"] == "GM0396" and data["periode"] == "2026-H1"
    assert data["periode_label"] == "1e halfjaar 2026"
    assert sum(data["status_counts"].values()) == data["aantal_doelen"] == 28
    assert data["illustratief"] is True


def test_comparison_group_and_rank(built):
    report, _ = built("GM0396")
    assert set(report.comparison_codes) == {"GM0375", "GM0383", "GM0373", "GM0397", "GM0399", "GM0377"}
    ind = report.framework.indicator("bbv-wmo-clienten")
    text = rapport.rank_text(report, ind)
    assert text.startswith("In 1e halfjaar 2024 staat Heemskerk op plaats ")
    assert "van 7 (Heemskerk en de 6 gemeenten van de vergelijkingsgroep met een cijfer" in text


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
    frame = pd.read_csv(report.figures_dir / "doel-zw-1.csv", sep=";", decimal=",", encoding="utf-8-sig",
                        dtype=str, keep_default_na=False)
    measured = frame[frame["reeks"] == "meting"]
    assert len(measured) >= 3
    assert set(measured["illustratief"]) == {"ja"}
    assert set(measured["bron"]) == {"Illustratieve registratie (geen echte gegevens)"}


def test_a_small_count_reaches_the_report_only_as_below_threshold(built):
    report, text = built("GM0396")
    internal = report.measurements
    small = internal[(internal["indicator"] == "reg_FF-4_per_wijk") & internal["onderdrukt"]
                     & (internal["periode"] == "2026-H1")]
    assert len(small) == 1 and small["waarde"].iloc[0] < 10  # Wijk 5, kept internally
    table, caption = rapport.district_breakdown(report, "reg_FF-4_per_wijk", "aantal", total_series="reg_FF-4")
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
    total = report.published[(report.published["indicator"] == "reg_FF-4")
                             & (report.published["periode"] == "2026-H1")
                             & (report.published["gebied"] == "")]["waarde"].iloc[0]
    assert total - sum(shown) >= 10  # two districts together: no single count recoverable
    assert "'x': niet gepubliceerd" in caption


def fmt(value: float) -> str:
    return f"{value:.0f}"


# ----- like with like: one period per comparison -----------------------------------------------------
def test_nederland_is_compared_in_the_same_year(built):
    report, text = built("GM0396")
    latest = rapport.latest_values(report, "aandeel_65plus")
    own = latest[latest["gemeente"] == "GM0396"].iloc[0]
    nl = latest[latest["gemeente"] == "NL01"].iloc[0]
    assert own["periode"] == nl["periode"] == "2024"  # NL from the geo files, not 80860ned's 2009
    ind = report.framework.indicator(next(i.id for i in report.framework.indicators
                                          if i.series == "aandeel_65plus"))
    frame = rapport.indicator_frame(report, "aandeel_65plus")
    title = rapport.sentence_title(report, ind, frame)
    assert title.endswith("hoger dan Nederland (2024)")
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
    counts = overview[overview["Indicator"].str.startswith("Wmo-cliënten met een maatwerkvoorziening")]
    assert len(counts) == 1 and counts["Nederland"].iloc[0] == "n.v.t."
    ind = next(i for i in report.framework.indicators if i.series == "wmo_clienten_aantal")
    assert rapport.rank_text(report, ind) == ""
    assert "Nederland" not in rapport.sentence_title(report, ind, rapport.indicator_frame(report, ind.series))


def test_a_member_report_shows_its_region_partners(built):
    report, text = built("GM0400")  # Den Helder, one of the four of Kop van Noord-Holland
    header = next(line for line in text.splitlines() if line.startswith("| Indicator (eenheid) | Den Helder"))
    rows = text.splitlines()[text.splitlines().index(header) + 2:]
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
    block = text[text.index("### FF-1:"):text.index("### FF-2:")]
    assert "Opmerking bij de registratie: toekenningen in de 12 maanden tot en met het einde van de periode." in block
    assert "nulmeting uit het beleidsplan" not in block  # the baseline row's own note is not repeated


def test_introduction_says_how_old_the_cbs_figures_are_and_when_the_plan_ran(built):
    _, text = built("GM0405")  # Hoorn: a 2020 plan, reported on in 2026
    intro = text.splitlines()[0]
    assert "Het plan gaat over 2020." in intro
    assert "De recentste CBS-cijfers in dit rapport gaan over 2024" in intro
    assert "ligt na het einde van het plan (2020)" in intro
