"""Data to take away: the report's Excel workbook (every table, the data behind every chart, the
goals' figures), the site's overview of all goals (workbook and CSV), and one PDF link per report
page. Workbooks are read back with openpyxl and checked against figures read by hand from the plan,
the registration file and the charts' CSVs."""

from __future__ import annotations

import csv
import re
import shutil
from unittest import mock

import openpyxl
import pandas as pd
import pytest

from tussenstand import report as rapport
from tussenstand import site
from tussenstand.cleaning import clean
from tussenstand.config import load_config
from tussenstand.downloads import (
    CONTENTS_SHEET,
    Downloads,
    goal_frame,
    workbook_name,
    write_workbook,
)
from tussenstand.handoff import GoalRecord, ReportSummary
from tussenstand.nlformat import NBSP
from tussenstand.site.goal_overview import OVERVIEW_CSV, OVERVIEW_XLSX

CHAPTERS = (
    "show_introduction",
    "show_summary",
    "show_changes",
    "show_demography",
    "show_finances",
    "show_themes",
    "show_bbv_indicators",
    "show_region",
    "show_accountability",
)


def sheet_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def sheet_dicts(ws) -> list[dict]:
    rows = sheet_rows(ws)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# ----- the workbook writer ------------------------------------------------------------------------
def test_report_numbers_become_numbers_with_their_format_and_other_text_stays(tmp_path):
    parts = Downloads()
    parts.add_table(
        pd.DataFrame(
            {
                "Post": ["Lasten", "**Totaal**", "Aandeel", "Verandering", "Jaar", "Klein", "Leeg"],
                "Bedrag": [
                    f"€{NBSP}45.128.079",
                    f"**€{NBSP}3.121,76**",
                    "23,7%",
                    "\u22120,5",
                    "2024",
                    "< 10",
                    "\u2013",
                ],
            }
        ),
        "Begroting 2024",
    )
    path = write_workbook(tmp_path / "w.xlsx", parts, [("Rapport", "proef")])
    ws = openpyxl.load_workbook(path)["Begroting 2024"]
    cells = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    assert [c.value for c in ws[1]] == ["Post", "Bedrag"]
    assert cells["Lasten"].value == 45128079 and cells["Lasten"].number_format == '"€" #,##0'
    assert cells["Totaal"].value == 3121.76 and cells["Totaal"].number_format == '"€" #,##0.00'
    assert cells["Aandeel"].value == pytest.approx(0.237) and cells["Aandeel"].number_format == (
        "0.0%"
    )
    assert cells["Verandering"].value == -0.5 and cells["Verandering"].data_type == "n"
    # a year (the report writes the number 2024 as 2.024) and a suppressed count stay text
    assert cells["Jaar"].value == "2024" and cells["Jaar"].data_type == "s"
    assert cells["Klein"].value == "< 10"
    assert cells["Leeg"].value is None


def test_tables_of_one_kind_share_a_sheet_with_a_column_saying_whose_rows(tmp_path):
    parts = Downloads()
    for goal, value in (("VW-1", "56,0%"), ("VW-2", "108")):
        parts.add_table(
            pd.DataFrame({"": ["Nulmeting"], "Waarde": [value]}),
            "Kenmerken per doel",
            sheet="Kenmerken per doel",
            label=("Doel", goal),
        )
    path = write_workbook(tmp_path / "w.xlsx", parts)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [CONTENTS_SHEET, "Kenmerken per doel"]
    assert sheet_rows(wb["Kenmerken per doel"]) == [
        ["Doel", "Onderdeel", "Waarde"],
        ["VW-1", "Nulmeting", 0.56],
        ["VW-2", "Nulmeting", 108],
    ]


def test_sheet_names_are_valid_unique_and_at_most_31_characters(tmp_path):
    parts = Downloads()
    long = "indicator-ctx-eenpersoonshuishoudens-en-meer"
    for title in (long, long, "Doelen: kenmerken [per] wijk?", "inhoud"):
        parts.add_table(pd.DataFrame({"a": ["1"]}), title)
    names = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", parts)).sheetnames
    assert names == [
        "Inhoud",
        long[:31],
        long[:27] + " (2)",
        "Doelen- kenmerken -per- wijk-",
        "inhoud (2)",
    ]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    parts = Downloads()
    parts.add_data("Gegevens", "proef", pd.DataFrame({"opmerking": ["=SOM(A1:A9)"]}))
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", parts))["Gegevens"]
    assert ws["A2"].value == "=SOM(A1:A9)" and ws["A2"].data_type == "s"


def test_a_goal_value_that_is_not_published_is_empty_with_the_reason():
    record = GoalRecord(
        id="FF-4",
        thema="Financieel fit",
        indicator="Inwoners met loonkostensubsidie",
        eenheid="aantal",
        status="op koers",
        nulmeting=45.0,
        nulmeting_periode="2023",
        vergelijking="minstens",
        streefwaarde=60.0,
        streefwaarde_periode="2027",
        laatste_meting=None,
        laatste_meting_periode="2026-H1",
        onderdrukt=["laatste_meting"],
    )
    row = goal_frame([record], 10).iloc[0]
    assert pd.isna(row["Laatste meting"]) and row["Periode laatste meting"] == "2026-H1"
    assert row["Niet gepubliceerd"] == "laatste meting: kleine aantallen (< 10)"
    assert row["Nulmeting"] == 45.0 and row["Streefwaarde"] == 60.0


# ----- the workbook of a real report --------------------------------------------------------------
@pytest.fixture(scope="module")
def heemskerk(project_root, cbs_dir, tmp_path_factory):
    """Heemskerk's report over 2026-H1 as a build makes it: every chapter, then write_summary."""
    clean("GM0396", "2026-H1", project_root=project_root, cbs_dir=cbs_dir)
    out = tmp_path_factory.mktemp("rapport")
    report = rapport.open_report(
        "GM0396", "2026-H1", project_root=project_root, cbs_dir=cbs_dir, output_dir=out
    )
    report.history_dir = tmp_path_factory.mktemp("geen-eerdere")
    texts: list[str] = []
    with (
        mock.patch(
            "tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)
        ),
        mock.patch("tussenstand.charts.show_chart"),
    ):
        for name in CHAPTERS:
            getattr(rapport, name)(report)
    rapport.write_summary(report)
    path = out / "data" / workbook_name("GM0396", "2026-H1")
    return report, "\n".join(texts), path, openpyxl.load_workbook(path)


def test_the_report_offers_its_workbook_at_the_top(heemskerk):
    report, text, path, _ = heemskerk
    assert path.is_file()
    assert f"in één Excel-bestand: [tussenstand-GM0396-2026-H1.xlsx](data/{path.name})" in text
    assert text.index(path.name) < text.index("Van de 28 doelen")


def test_the_goals_sheet_has_the_plans_and_the_registrations_figures_as_numbers(heemskerk):
    """heemskerk.yaml: VW-2 baseline 108 (2e halfjaar 2023), target at least 250 in 2027; ZW-1
    244 nachten in 2023, 20% less in 2027 (195,2). heemskerk_illustratief.csv: VW-2 236 in 2026-H1,
    ZW-1 205,0 in 2025."""
    _, _, _, wb = heemskerk
    assert wb.sheetnames[:2] == [CONTENTS_SHEET, "Doelen"]
    rows = {r["Doel"]: r for r in sheet_dicts(wb["Doelen"])}
    assert len(rows) == 28
    assert list(rows["VW-2"]) == [
        "Thema",
        "Doel",
        "Indicator",
        "Eenheid",
        "Nulmeting",
        "Periode nulmeting",
        "Vergelijking",
        "Streefwaarde",
        "Periode streefwaarde",
        "Laatste meting",
        "Periode laatste meting",
        "Status",
        "Illustratief",
        "Niet gepubliceerd",
    ]
    vw2 = rows["VW-2"]
    assert (vw2["Nulmeting"], vw2["Periode nulmeting"]) == (108, "2023-H2")
    assert (vw2["Vergelijking"], vw2["Streefwaarde"], vw2["Periode streefwaarde"]) == (
        "minstens",
        250,
        "2027",
    )
    assert (vw2["Laatste meting"], vw2["Periode laatste meting"]) == (236, "2026-H1")
    assert vw2["Illustratief"] == "ja" and vw2["Thema"] == "Vitaal en weerbaar"
    zw1 = rows["ZW-1"]
    assert (zw1["Nulmeting"], zw1["Streefwaarde"], zw1["Laatste meting"]) == (244, 195.2, 205)
    for row in rows.values():
        for col in ("Nulmeting", "Streefwaarde", "Laatste meting"):
            assert row[col] is None or isinstance(row[col], int | float), (row["Doel"], col)


def test_the_budget_table_holds_the_plans_amounts_as_euros(heemskerk):
    """heemskerk.yaml: Opgroeien en zelfontplooiing 14.984.774 of 45.128.079 (33,2%)."""
    _, _, _, wb = heemskerk
    ws = wb["Budget per opgave"]
    assert [c.value for c in ws[1]] == ["Maatschappelijke opgave", "Budget", "Aandeel"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Opgroeien en zelfontplooiing")
    assert row[1].value == 14984774 and row[1].number_format == '"€" #,##0'
    assert row[2].value == pytest.approx(0.332) and row[2].number_format == "0.0%"
    total = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Totaal")
    assert total[1].value == 45128079


def test_the_status_table_counts_the_28_goals(heemskerk):
    _, _, _, wb = heemskerk
    counts = sheet_dicts(wb["Statussen"])
    assert all(isinstance(r["Aantal doelen"], int) for r in counts)
    assert sum(r["Aantal doelen"] for r in counts) == 28


def test_every_chart_has_a_sheet_with_the_rows_of_its_csv(heemskerk):
    report, _, _, wb = heemskerk
    contents = sheet_dicts_after_header(wb[CONTENTS_SHEET])
    by_csv = {r["Zelfde gegevens als CSV"]: r["Blad"] for r in contents if r["Soort"] == "grafiek"}
    csvs = sorted(p.name for p in report.figures_dir.glob("*.csv"))
    assert sorted(by_csv) == csvs and len(csvs) > 30
    for name in csvs:
        with (report.figures_dir / name).open(encoding="utf-8-sig", newline="") as f:
            expected = list(csv.reader(f, delimiter=";"))
        rows = sheet_rows(wb[by_csv[name]])
        assert rows[0] == expected[0], name
        assert len(rows) == len(expected), name
        for got, want in zip(rows[1:], expected[1:], strict=True):
            assert [_as_csv_text(v) for v in got] == want, name


def sheet_dicts_after_header(ws) -> list[dict]:
    rows = sheet_rows(ws)
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Blad")
    return [dict(zip(rows[start], r, strict=True)) for r in rows[start + 1 :]]


def _as_csv_text(value) -> str:
    """A workbook value as the CSV writes it (decimal comma, empty for missing)."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def test_numbers_in_chart_sheets_are_numbers(heemskerk):
    _, _, _, wb = heemskerk
    rows = sheet_dicts(wb["doel-vw-2"])
    measured = [r for r in rows if r["reeks"] == "meting"]
    assert [(r["periode"], r["waarde"]) for r in measured][-1] == ("2026-H1", 236)
    assert all(isinstance(r["waarde"], int | float) for r in measured)


def test_small_district_counts_reach_the_workbook_only_as_below_threshold(heemskerk):
    """heemskerk_illustratief.csv, FF-4 per wijk: Wijk 5 has 7 (2e halfjaar 2025) and 8 (1e
    halfjaar 2026), below 10; Wijk 4 has 10 and 10, left out as well ('x') because the total is
    published and Wijk 5 could otherwise be computed; Wijk 1 has 16 and 17."""
    _, _, _, wb = heemskerk
    rows = [r for r in sheet_dicts(wb["Doelen per wijk"]) if r["Doel"].startswith("FF-4:")]
    by_district = {r["Wijk"]: (r["2e halfjaar 2025"], r["1e halfjaar 2026"]) for r in rows}
    assert by_district["Wijk 1"] == (16, 17)
    assert by_district["Wijk 4"] == ("x", "x")
    assert by_district["Wijk 5"] == ("< 10", "< 10")
    numbers = [v for r in rows for v in r.values() if isinstance(v, int | float)]
    assert numbers and min(numbers) >= 10


# ----- the overview of all goals on the site ------------------------------------------------------
def _goal(goal_id: str, **values) -> GoalRecord:
    base = {
        "id": goal_id,
        "thema": "Financieel fit",
        "indicator": "Toekenningen minimaregelingen",
        "eenheid": "aantal",
        "status": "op koers",
        "vergelijking": "minstens",
        "streefwaarde_periode": "2027",
    }
    return GoalRecord(**{**base, **values})


@pytest.fixture
def site_project(tmp_path):
    from test_site import make_project  # the site's test project: reports with summaries

    root = make_project(tmp_path / "proj")
    early = root / "reports/GM0396/2024-H1/samenvatting.json"
    later = root / "reports/GM0396/2026-H2/samenvatting.json"
    for path, goals in (
        (early, [_goal("FF-1", nulmeting=5000.0, nulmeting_periode="2023", streefwaarde=6000.0)]),
        (
            later,
            [
                _goal(
                    "FF-1",
                    nulmeting=5000.0,
                    nulmeting_periode="2023",
                    streefwaarde=6000.0,
                    laatste_meting=5960.0,
                    laatste_meting_periode="2026-H1",
                    illustratief=True,
                ),
                _goal(
                    "FF-4",
                    status="achter op schema",
                    nulmeting=45.0,
                    nulmeting_periode="2023",
                    streefwaarde=60.0,
                    laatste_meting_periode="2026-H1",
                    onderdrukt=["laatste_meting"],
                ),
            ],
        ),
    ):
        summary = ReportSummary.read(path)
        summary.model_copy(update={"doelen": goals}).write(path)
    return root


def test_the_overview_has_every_goal_of_every_report_as_numbers(site_project):
    config = load_config(site_project)
    site.prepare_site(config, [])
    wb = openpyxl.load_workbook(site_project / "reports" / OVERVIEW_XLSX)
    assert wb.sheetnames == [CONTENTS_SHEET, "Doelen"]
    rows = sheet_dicts(wb["Doelen"])
    assert [(r["Code"], r["Rapportperiode"], r["Doel"]) for r in rows] == [
        ("GM0396", "2024-H1", "FF-1"),
        ("GM0396", "2026-H2", "FF-1"),
        ("GM0396", "2026-H2", "FF-4"),
    ]
    assert list(rows[0])[:4] == ["Code", "Gemeente of regio", "Rapportperiode", "Thema"]
    first, later, small = rows
    assert (first["Nulmeting"], first["Streefwaarde"], first["Laatste meting"]) == (
        5000,
        6000,
        None,
    )
    assert (later["Laatste meting"], later["Status"], later["Illustratief"]) == (
        5960,
        "op koers",
        "ja",
    )
    assert small["Laatste meting"] is None
    assert small["Niet gepubliceerd"] == "laatste meting: kleine aantallen (< 10)"


def test_the_overview_csv_has_the_same_rows_in_dutch_notation(site_project):
    site.prepare_site(load_config(site_project), [])
    with (site_project / "reports" / OVERVIEW_CSV).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["Doel"] for r in rows] == ["FF-1", "FF-1", "FF-4"]
    assert rows[1]["Laatste meting"] == "5960" and rows[1]["Illustratief"] == "ja"
    assert rows[2]["Laatste meting"] == "" and "kleine aantallen" in rows[2]["Niet gepubliceerd"]


def test_preparing_again_leaves_unchanged_downloads_alone_and_rewrites_a_changed_one(
    site_project,
):
    """A workbook carries the time it was saved: rewritten on every render, the data page that
    links it would be rendered again every time (measured on the national site: 5 pages on every
    render with nothing changed). Unchanged overview files keep their bytes and their time; a
    changed goal rewrites both."""
    import os

    config = load_config(site_project)
    site.prepare_site(config, [])
    files = [site_project / "reports" / n for n in (OVERVIEW_XLSX, OVERVIEW_CSV)]
    for f in files:
        os.utime(f, ns=(1_000_000_000, 1_000_000_000))  # as if written long ago
    before = [f.read_bytes() for f in files]
    site.prepare_site(config, [])
    assert [f.stat().st_mtime_ns for f in files] == [1_000_000_000] * 2
    assert [f.read_bytes() for f in files] == before
    # a report's goal changes: both files are written again
    path = site_project / "reports" / "GM0396" / "2026-H2" / "samenvatting.json"
    summary = ReportSummary.read(path)
    goals = [g.model_copy(update={"status": "bereikt"}) for g in summary.doelen]
    summary.model_copy(update={"doelen": goals}).write(path)
    site.prepare_site(config, [])
    assert all(f.stat().st_mtime_ns != 1_000_000_000 for f in files)
    rows = sheet_dicts(openpyxl.load_workbook(files[0])["Doelen"])
    assert [r["Status"] for r in rows][1:] == ["bereikt", "bereikt"]


def test_the_data_page_links_the_overview(site_project):
    site.prepare_site(load_config(site_project), [])
    fragment = (site_project / "_generated" / "doelenoverzicht.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", fragment)
    assert links == [f"reports/{OVERVIEW_XLSX}", f"reports/{OVERVIEW_CSV}"]
    assert all((site_project / link).is_file() for link in links)
    assert "Alle 3 doelen uit 2 rapporten" in fragment
    data_page = (site_project / "data.qmd").read_text(encoding="utf-8")
    assert "{{< include _generated/doelenoverzicht.md >}}" in data_page


def test_without_goals_there_is_no_overview_file(tmp_path):
    from test_site import make_project

    root = make_project(tmp_path / "proj")  # its summaries keep no goals
    (root / "reports" / OVERVIEW_XLSX).write_text("oud")
    site.prepare_site(load_config(root), [])
    assert not (root / "reports" / OVERVIEW_XLSX).exists()
    fragment = (root / "_generated" / "doelenoverzicht.md").read_text(encoding="utf-8")
    assert "nog geen overzicht" in fragment


# ----- the rendered site ----------------------------------------------------------------------------
@pytest.mark.quarto
def test_the_rendered_report_page_offers_one_pdf_and_the_downloads_exist(site_project):
    quarto = shutil.which("quarto")
    if quarto is None:
        pytest.skip("quarto staat niet op PATH")
    # a report workbook in its place, as write_summary leaves it
    report = site_project / "reports/GM0396/2026-H2"
    wb = openpyxl.Workbook()
    wb.save(report / "data" / workbook_name("GM0396", "2026-H2"))
    config = load_config(site_project)
    assert site.render_site(config, [], quarto=quarto) == 0
    out = site_project / "_site"
    html = (out / "reports/GM0396/2026-H2/02_rapport.html").read_text(encoding="utf-8")
    other = html.split("quarto-alternate-formats")[1].split("</ul>")[0]
    assert re.findall(r"<a href=\"([^\"]+)\"", other) == ["02_rapport.pdf"]
    assert re.sub(r"<[^>]+>", "", other).strip().endswith("PDF")
    assert "Typst" not in other
    assert (out / "reports/GM0396/2026-H2/data" / workbook_name("GM0396", "2026-H2")).is_file()
    data = (out / "data.html").read_text(encoding="utf-8")
    assert f'href="reports/{OVERVIEW_XLSX}"' in data
    assert (out / "reports" / OVERVIEW_XLSX).is_file() and (
        out / "reports" / OVERVIEW_CSV
    ).is_file()
    assert site.check_site_links(out) == []
