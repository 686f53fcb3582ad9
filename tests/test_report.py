"""The report module on real CBS data and the real frameworks, for every kind of plan."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from importlib.metadata import version
from unittest import mock

import numpy as np
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
        if (code, period) not in cache:
            clean(code, period, project_root=project_root, cbs_dir=cbs_dir)
            out = tmp_path_factory.mktemp(f"rapport-{code}-{period}")
            report = rapport.open_report(
                code, period, project_root=project_root, cbs_dir=cbs_dir, output_dir=out
            )
            cache[code, period] = (report, run_all_chapters(report))
        return cache[code, period]

    return _built


def test_report_without_cleaning_says_what_to_run(project_root, cbs_dir, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        project_root, copy, ignore=shutil.ignore_patterns(".venv*", "reports", "processed", ".git")
    )
    with pytest.raises(rapport.ReportError, match="01_opschonen.ipynb"):
        rapport.open_report("GM0405", "2026-H1", project_root=copy, cbs_dir=cbs_dir)


@pytest.mark.parametrize("code", ["GM0396", "GM0405", "KNH"])
def test_the_summarys_headings_go_down_one_level_at_a_time(built, code):
    """Under the notebook's chapter heading '## Samenvatting' the summary's own headings never
    skip a level (axe 'heading-order' found '## Samenvatting' then '#### Jeugd' in every report
    without goals: a screen reader's outline has a hole there)."""
    report, _ = built(code)
    texts: list[str] = []
    with mock.patch(
        "tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)
    ):
        rapport.show_summary(report)
    levels = [2]  # the chapter heading in the notebook
    for line in "\n".join(texts).splitlines():
        m = re.match(r"^(#{1,6}) ", line)
        if m:
            levels.append(len(m[1]))
    assert len(levels) > 2, code
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (code, levels)


@pytest.mark.parametrize("code", ["GM0405", "GM1507", "KNH", "GM0448"])
def test_every_kind_of_framework_gives_a_complete_report(built, code):
    report, text = built(code)
    assert "## " in text  # chapters per theme
    assert report.chart_count > 5
    images = sorted(report.figures_dir.glob("*.svg"))
    assert len(images) == report.chart_count
    for image in images:  # every chart has its data beside it
        assert image.with_suffix(".csv").is_file()
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


def test_the_summary_shows_every_goal_at_a_glance_with_a_badge(built):
    """Per theme one row per goal (number, indicator, status badge); the badge names the status and
    says when the measurement is illustrative. The plan has 28 goals in 5 themes."""
    report, text = built("GM0396")
    summary = text.split("### Alle doelen in één oogopslag {.unnumbered .unlisted}")[1]
    summary = summary.split("### De cijfers per doel")[0]
    rows = re.findall(r"^\| ([A-Z]{2}-\d) \| (.+?) \| (.+?) \|$", summary, flags=re.MULTILINE)
    assert len(rows) == 28
    assert summary.count("{.unnumbered .unlisted}") == 5  # a heading per theme
    for goal_id, indicator, badge in rows:
        goal = report.framework.goal(goal_id)
        a = report.assessments[goal_id]
        assert indicator == goal.indicator
        key = a.status.name.lower().replace("_", "-")
        label = a.status.label + (" · illustratief" if a.illustrative else "")
        assert badge == f"[{label}]{{.status .status-{key}}}", goal_id
    # the illustrative registration measures all but the goal without a measurement (OO-5)
    assert sum("· illustratief]" in b for _, _, b in rows) == 27
    assert dict((g, b) for g, _, b in rows)["OO-5"] == "[geen meting]{.status .status-geen-meting}"
    # the number of goals per status, each status as a badge
    assert "| [bereikt]{.status .status-bereikt} |" in text
    # and under every goal, its status as the same badge
    assert text.count("| Status | [") == 28


def test_every_table_of_a_report_names_its_columns(built):
    """Each goal has a label/value table (baseline, target, latest, expected, status): its label
    column is named, like every column of every table (a screen reader reads a value with its
    column's header). Heemskerk's plan has 28 goals."""
    _, text = built("GM0396")
    lines = text.splitlines()
    headers = [
        lines[i - 1]
        for i, line in enumerate(lines)
        if i and re.fullmatch(r"\|(:?-+:?\|)+", line.strip())
    ]
    assert len(headers) > 28
    for header in headers:
        cells = [c.strip() for c in header.strip().strip("|").split("|")]
        assert all(cells), header
    assert headers.count("| Gegeven | Waarde |") == 28


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


def test_a_member_report_shows_its_region_partners(built, cbs_dir):
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
    # the default group: Den Helder's size class in Noord-Holland (86059NED read by hand)
    with (cbs_dir / "86059NED.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [{k: v.strip() for k, v in r.items()} for r in csv.DictReader(f, delimiter=";")]
    own = next(r for r in rows if r["Code_1"] == "GM0400")
    expected = {
        r["Code_1"]
        for r in rows
        if r["Code_52"] == own["Code_52"] and r["Naam_29"] == "Noord-Holland"
    } - {"GM0400"}
    assert set(report.comparison_codes) == expected and len(expected) == 7
    assert (
        "De vergelijkingsgroep bestaat uit de 7 andere gemeenten van 50.000 tot 100.000 inwoners "
        "in Noord-Holland (grootteklasse en provincie volgens CBS Gebieden in Nederland 2025)."
    ) in text


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
    """The sentence under the age chart follows the data: per year, which shares are exact
    (computed from counts, with the tables named: 80860ned, the fetched Kerncijfers wijken en
    buurten, 85383NED) and which the source rounded to whole percents (the geo files)."""
    from tussenstand.report.demography import age_sources_sentence
    from tussenstand.sources.geo import UNIT_NATIONAL_FROM_ROUNDED, UNIT_ROUNDED_PCT

    bands = ("0_15", "15_25", "25_45", "45_65", "65plus")

    def rows(gemeente, spec):
        return pd.DataFrame(
            [
                {
                    "gemeente": gemeente,
                    "gemeente_naam": "X",
                    "indicator": f"aandeel_{b}",
                    "periode": p,
                    "eenheid": u,
                    "tabel": t,
                    "bron": "CBS StatLine",
                }
                for p, u, t, only in spec
                for b in bands
                if only is None or b in only
            ]
        )

    fetched = rows("GM0396", [("2009", "%", "80860ned", None), ("2018", "%", "84286NED", None)])
    assert age_sources_sentence(fetched) == (
        "Exact, berekend uit aantallen inwoners: 2009 (alle leeftijdsgroepen; tabel 80860ned) en "
        "2018 (alle leeftijdsgroepen; tabel 84286NED)."
    )
    mixed = pd.concat(
        [
            rows("GM0396", [("2018", UNIT_ROUNDED_PCT, "geo/gemeenten_2018.geojson", None)]),
            rows("GM0396", [("2024", "%", "85383NED", {"0_15", "65plus"})]),
            rows(
                "NL01", [("2018", UNIT_NATIONAL_FROM_ROUNDED, "geo/gemeenten_2018.geojson", None)]
            ),
        ],
        ignore_index=True,
    )
    assert age_sources_sentence(mixed) == (
        "Exact, berekend uit aantallen inwoners: 2024 (0-15 jaar en 65+ jaar; tabel 85383NED). "
        "Door het CBS op hele procenten afgerond (gemeentecijfers bij de wijk- en buurtkaart) en zo "
        "getoond: 2018 (alle leeftijdsgroepen). Het aandeel voor Nederland in 2018 is, waar geen "
        "CBS-tabel het geeft, het naar inwoners gewogen gemiddelde van de afgeronde "
        "gemeentecijfers."
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
    # the summary shows no overview table (per theme, its header starts '| Indicator | Eenheid')
    assert "| Indicator | Eenheid |" not in text
    rapport.write_summary(report)  # the site's record of the report is written as for any other
    assert (
        json.loads((report.output_dir / SUMMARY_FILE).read_text(encoding="utf-8"))["gemeente"]
        == code
    )


# ----- CBS files and definitions (issue 11, sections 3 and 4) ------------------------------------
def test_a_member_missing_from_an_incomplete_file_is_said_so_and_covered_from_the_geo_file(built):
    _, text = built("GM0441")
    assert (
        "Het bestand 71486ned.csv bevat 185 van de 342 gemeenten van 2024; de cijfers van "
        "Schagen ontbreken in dat bestand." in text
    )
    # never blamed on CBS ('de huishoudenstabel van het CBS heeft geen cijfers')
    assert "heeft geen cijfers voor Schagen" not in text
    # the composition from the wijk- en buurtkaart, as the whole percents it gives (Schagen,
    # pct_eenpersoonshhd 34 in 2022 and 35 in 2024; huishoudens 20.869 and 21.436)
    assert "| eenpersoonshuishoudens | 34% | 35% |" in text
    assert "| aantal huishoudens | 20.869 | 21.436 |" in text
    assert "35,0%" not in text
    assert "### Onvolledige CBS-bestanden" in text


def test_the_region_report_names_every_member_missing_from_the_household_file(built):
    _, text = built("KNH")
    for name in ("Schagen", "Texel"):
        assert f"de cijfers van {name} ontbreken in dat bestand" in text
    assert "| Texel | eenpersoonshuishoudens | 39% | 41% |" in text  # from the GeoJSON
    # Den Helder and Hollands Kroon are in the extract: their counts come from 71486ned
    assert "de cijfers van Den Helder ontbreken" not in text
    # Hollands Kroon is a merger of 2012: said, with no figures before it
    assert "Hollands Kroon is op 1 januari 2012 ontstaan" in text


def test_a_merger_is_a_series_break_in_text_and_chart(built):
    report, text = built("GM0441")
    # 85383NED 2024: 47.744; geo 2018: 46.379 -> 47.744 / 46.379 = 1,0294: 2,9% more
    assert "Schagen had op 1 januari 2024 47.744 inwoners, 2,9% meer dan in 2018 (46.379)." in text
    assert "17.210" not in text and "sinds 1999" not in text  # old Schagen, before 2013
    assert "Schagen is op 1 januari 2013 heringedeeld met (delen van) Harenkarspel en Zijpe" in text
    assert "### Herindelingen" in text
    with (report.figures_dir / "inwoners.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["periode"] for r in rows if r["reeksbreuk"] == "ja"] == ["2017"]
    # the age structure shows today's Schagen only: not 2009 (80860ned, old Schagen)
    with (report.figures_dir / "leeftijdsopbouw.csv").open(encoding="utf-8-sig", newline="") as f:
        years = {
            r["periode"]
            for r in csv.DictReader(f, delimiter=";")
            if r["gemeente_naam"] == "Schagen"
        }
    assert years == {"2018", "2024"}


def test_no_merger_no_break_in_heemskerk(built):
    _, text = built("GM0396")
    assert (
        "Heemskerk had op 1 januari 2024 39.452 inwoners, 0,8% meer dan in 2018 (39.146)." in text
    )
    assert "### Herindelingen" not in text and "heringedeeld" not in text


def test_bijstand_is_called_benefits_in_every_table_and_text(built):
    for code in ("GM0396", "GM0441"):
        _, text = built(code)
        assert "### Bijstandsuitkeringen" in text
        for line in text.splitlines():
            if line.startswith(("#", "|")):
                assert "Personen met een bijstandsuitkering" not in line, line
    _, text = built("GM0441")
    # 85383NED Schagen 2024: 460 / (47.744 - 8.326) x 10.000 = 116,7
    assert (
        "| Bijstandsuitkeringen ¹ | uitkeringen per 10.000 inwoners van 18 jaar en ouder | 2024 | 116,7 |"
        in text
    )


def test_shares_with_an_exact_source_are_exact(built):
    _, text = built("GM0441")
    # 85383NED 2024: (47.744 - 35.443) / 47.744 = 25,76% (the geo file rounds it to 26)
    assert "| Aandeel inwoners van 65 jaar en ouder ¹ | % | 2024 | 25,8% |" in text
    assert (
        "Exact, berekend uit aantallen inwoners: 2024 (0-15 jaar en 65+ jaar; tabel 85383NED)."
        in text
    )
    assert "2018 (alle leeftijdsgroepen)" in text  # rounded, from the wijk- en buurtkaart


def test_download_dates_are_never_file_dates(built):
    from datetime import date

    from tussenstand.nlformat import fmt_date

    _, text = built("GM0405")
    assert "(peildatum 22 april 2025)" in text.splitlines()[0]
    assert "| geo/gemeenten_2024.geojson | 6 | 6 | onbekend (geen downloaddatum) | nee |" in text
    assert fmt_date(date.today()) not in text


def test_no_change_is_computed_across_a_series_break():
    from types import SimpleNamespace

    from tussenstand.schema import conform

    def rows(breaks):
        return conform(
            pd.DataFrame(
                {
                    "gemeente": "GM0441",
                    "gemeente_naam": "Schagen",
                    "indicator": "inwoners",
                    "periode": ["2012", "2017", "2018"],
                    "periode_start": ["2012-01-01", "2017-01-01", "2018-01-01"],
                    "periode_eind": ["2012-12-31", "2017-12-31", "2018-12-31"],
                    "waarde": [18655.0, 46193.0, 46379.0],
                    "eenheid": "aantal",
                    "bron": "CBS Wijk- en buurtkaart (gemeentecijfers)",
                    "tabel": "geo",
                    "reeksbreuk": breaks,
                }
            )
        )

    report = SimpleNamespace(published=rows([False, True, False]), members=("GM0441",))
    # 2017 -> 2018 lies after the merger: 46.379 / 46.193 = +0,4%
    assert rapport.direction_text(report, "inwoners") == "gelijk sinds 2017"
    report.published = rows([False, False, True])  # the break between the two latest
    assert (
        rapport.direction_text(report, "inwoners") == "niet te vergelijken met eerder (reeksbreuk)"
    )
    segment = rapport.current_segment(rows([False, True, False]))
    assert segment["periode"].tolist() == ["2017", "2018"]


# ----- where a municipality stands among all (issue 12) -------------------------------------------
def _wmo_2024_h1_by_hand(cbs_dir) -> dict[str, float | None]:
    """Wmo clients per 10.000 (per 1.000 x 10) in 1e halfjaar 2024 for every gemeente, from
    86050NED by hand; titles to codes through 85755NED by hand."""
    with (cbs_dir / "85755NED.csv").open(encoding="utf-8-sig", newline="") as f:
        codes = {r["RegioS"].strip(): r["Code_1"].strip() for r in csv.DictReader(f, delimiter=";")}
    out = {}
    with (cbs_dir / "86050NED.csv").open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            if (
                r["Perioden"].strip() == "1e halfjaar 2024"
                and r["TypeMaatwerkvoorziening"].strip() == "Totaal"
                and r["RegioS"].strip() in codes
            ):
                value = r["WmoClientenPer1000Inwoners_2"].strip()
                out[codes[r["RegioS"].strip()]] = float(value) * 10 if value else None
    return out


def test_heemskerk_stands_among_all_gemeenten(built, cbs_dir):
    report, text = built("GM0396")
    wmo = _wmo_2024_h1_by_hand(cbs_dir)
    values = [v for v in wmo.values() if v is not None]
    own = wmo["GM0396"]
    place, same = 1 + sum(v < own for v in values), sum(v == own for v in values)
    group = [1 + sum(v < wmo[c] for v in values) for c in report.comparison_codes]
    assert len(group) == 6
    expected = (
        f"Onder alle gemeenten staat Heemskerk in 1e halfjaar 2024 op plaats {place} van "
        f"{len(values)} (1 = laagste waarde). {same - 1} andere gemeenten hebben hetzelfde cijfer "
        f"en delen die plaats. De 6 gemeenten van de vergelijkingsgroep met een cijfer staan op "
        f"plaats {min(group)} tot en met {max(group)}. {342 - len(values)} van de 342 gemeenten "
        "hebben geen gepubliceerd cijfer"
    )
    assert expected in text
    # the strip chart beside it: every gemeente of that half-year, Heemskerk and its group marked
    with (report.figures_dir / "verdeling-bbv-wmo-clienten.csv").open(
        encoding="utf-8-sig", newline=""
    ) as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert len(rows) == 342 and {r["periode"] for r in rows} == {"2024-H1"}
    heemskerk = next(r for r in rows if r["gemeente"] == "GM0396")
    assert (heemskerk["rol"], heemskerk["rang"], heemskerk["waarde"]) == (
        "gemeente",
        str(place),
        "640",
    )
    assert {r["gemeente"] for r in rows if r["rol"] == "vergelijkingsgroep"} == set(
        report.comparison_codes
    )


def test_counts_of_persons_get_no_place_among_all(built):
    report, text = built("GM0396")
    counts = [i for i in report.framework.indicators if i.series and rapport.is_count(i.unit)]
    rates = [i for i in report.framework.indicators if i.series and not rapport.is_count(i.unit)]
    assert counts and rates
    for ind in counts:
        assert not (report.figures_dir / f"verdeling-{ind.id}.svg").exists(), ind.id
        block = text[text.index(f"### {ind.name}") :]
        block = block[: block.index("\n### ", 4)] if "\n### " in block[4:] else block
        assert "Onder alle gemeenten" not in block, ind.id
    for ind in rates:
        assert (report.figures_dir / f"verdeling-{ind.id}.svg").is_file(), ind.id
        assert (report.figures_dir / f"verdeling-{ind.id}.csv").is_file(), ind.id
    assert set(report.distribution["indicator"]) <= {i.series for i in rates}


def test_a_municipality_without_a_plan_gets_the_basisset(built):
    report, text = built("GM0363", "2024-H1")
    assert report.framework.is_standard and report.unit.standard
    assert report.framework.municipality_codes == ("GM0363",)
    intro = text.splitlines()[0]
    assert "Voor Amsterdam is (nog) geen eigen beleidskader in deze monitor opgenomen" in intro
    assert "Het plan loopt" not in text and "Het plan gaat over" not in text
    assert set(report.comparison_codes) == {"GM0518", "GM0599", "GM0344"}  # the other three G4
    assert (
        "De vergelijkingsgroep bestaat uit de 3 andere gemeenten van 250.000 inwoners of meer in "
        "Nederland: van die grootte zijn er in Noord-Holland geen en in West-Nederland 3 "
        "andere, minder dan 4"
    ) in text
    # the basisset's indicators are all the monitor's choice: the summary marks none of them
    rows = [ln for ln in text.splitlines() if ln.startswith("| Jongeren met jeugdhulp")]
    assert rows and not any(" ¹ |" in ln for ln in rows)
    assert "Indicator gekozen door de onderzoeker" not in text
    for bbv in (
        "Jongeren met jeugdhulp",
        "Jongeren met jeugdbescherming",
        "Cliënten met een maatwerkvoorziening Wmo",
    ):
        assert f"### {bbv}" in text
    # jeugdhulp 2024-H1: a place among all, and how many have no figure
    assert "Onder alle gemeenten staat Amsterdam in 1e halfjaar 2024 op plaats " in text
    assert "### Plaats onder alle gemeenten" in text
    # bijstand 2024 has not ended by mid-2024: no figure and no place, said so
    assert "Geen cijfers voor Amsterdam in de gebruikte CBS-bestanden (85383NED)." in text
    assert report.chart_count >= 10


def test_the_region_report_gives_each_member_its_place(built):
    report, text = built("KNH")
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith("Plaats onder alle ") and "1e halfjaar 2024" in ln
    )
    for name in ("Den Helder plaats", "Hollands Kroon plaats", "Schagen plaats", "Texel"):
        assert name in line, line
    assert "vergelijkingsgroep" not in line  # a region has no comparison group


def test_a_suppressed_or_unpublished_figure_gets_no_place_and_says_why(built):
    report, _ = built("GM0363", "2024-H1")
    from tussenstand.report.text import national_rank_text

    rows = report.distribution[
        (report.distribution["indicator"] == "jongeren_jeugdhulp_pct")
        & (report.distribution["periode"] == "2024-H1")
    ].copy()
    assert len(rows) == 342
    own = rows["gemeente"] == "GM0363"
    unit = "% van jongeren tot 18 jaar"
    # as the national computation leaves a suppressed value: blank, flagged, no place
    rows.loc[own, ["waarde", "rang", "gedeeld"]] = [np.nan, pd.NA, pd.NA]
    rows.loc[own, "onderdrukt"] = True
    text = national_rank_text(report, rows, unit)
    assert text.startswith(
        "Amsterdam krijgt in 1e halfjaar 2024 geen plaats onder alle gemeenten: het cijfer is "
        "onderdrukt (kleine aantallen)."
    )
    assert "plaats 152" not in text
    rows.loc[own, "onderdrukt"] = False
    rows.loc[own, "ontbreekt_reden"] = "CBS: geheim (x)"
    assert national_rank_text(report, rows, unit).startswith(
        "Amsterdam krijgt in 1e halfjaar 2024 geen plaats onder alle gemeenten: er is geen "
        "gepubliceerd cijfer (CBS: geheim (x))."
    )


def test_a_municipality_formed_after_a_file_gets_a_report(built):
    """Voorne aan Zee (GM1992) was formed on 1 January 2023: the 2022 wijk- en buurtkaart, the
    only source of the share of one-person households, has no row for it, while its comparison
    group has. Once a KeyError ('gemeente'): the indicator's frame held only the group's median."""
    report, text = built("GM1992", "2024-H1")
    frame = rapport.indicator_frame(report, "aandeel_huishoudens_eenpersoons")
    assert "gemeente" in frame.columns and not frame["gemeente"].eq("GM1992").any()
    assert "### Aandeel eenpersoonshuishoudens" in text
    assert (
        "Geen cijfers voor Voorne aan Zee in de gebruikte CBS-bestanden (CBS (wijk- en buurtkaart))."
        in text
    )
