"""'Wat is er veranderd': a report compared with the unit's previous report, on the real plans,
the real CBS extracts and Heemskerk's (illustrative) registration file, with the previous report's
summary written as a build writes it (and as older versions wrote it)."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from tussenstand import report as rapport
from tussenstand.cleaning import clean
from tussenstand.handoff import SUMMARY_FILE, ReportSummary, previous_summary_path
from tussenstand.periods import parse_report_period


def chapter(report) -> str:
    texts: list[str] = []
    with mock.patch(
        "tussenstand.report.output.display", side_effect=lambda md: texts.append(md.data)
    ):
        rapport.show_changes(report)
    return "\n".join(texts)


def rows(table_text: str, first_cell: str) -> list[list[str]]:
    """The cells of the Markdown table rows whose first cell starts with ``first_cell``."""
    out = []
    for line in table_text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(first_cell):
            out.append(cells)
    return out


@pytest.fixture(scope="module")
def history(project_root, cbs_dir, tmp_path_factory):
    """A unit's report folder as a build leaves it: per unit, 2024-H1 built (with its summary),
    then 2026-H1 opened beside it."""
    root = tmp_path_factory.mktemp("reports")
    opened = {}

    def _open(code: str, period: str):
        if (code, period) not in opened:
            clean(code, period, project_root=project_root, cbs_dir=cbs_dir)
            report = rapport.open_report(
                code,
                period,
                project_root=project_root,
                cbs_dir=cbs_dir,
                output_dir=root / code / period,
            )
            report.history_dir = root / code
            opened[code, period] = report
        return opened[code, period]

    def _built(code: str):
        earlier = _open(code, "2024-H1")
        rapport.write_summary(earlier)
        return earlier, _open(code, "2026-H1")

    return _built


def test_the_first_report_of_a_unit_says_there_is_nothing_to_compare(history):
    earlier, _ = history("GM0396")
    text = chapter(earlier)
    assert text.startswith("## Wat is er veranderd\n")
    assert "Dit is het eerste rapport van Heemskerk in deze monitor" in text
    assert "|" not in text


def test_the_later_report_compares_with_the_summary_of_the_earlier(history):
    earlier, later = history("GM0396")
    path = previous_summary_path(later.history_dir, later.period)
    assert path == earlier.output_dir / SUMMARY_FILE
    text = chapter(later)
    assert "vorige rapport van Heemskerk, over het 1e halfjaar 2024" in text


def test_new_measurements_are_the_registration_rows_after_the_previous_report(history):
    """heemskerk_illustratief.csv, read by hand: VW-2 has 2023-H2 (the plan's baseline, 108),
    2024-H1 (134), 2024-H2, 2025-H1, 2025-H2 and 2026-H1 (236). The report over 2024-H1 had 2024-H1
    as latest measurement; four half-years came after it. ZW-1 has 2023 (the baseline, 244
    nachten), 2024 and 2025 (205): over 2024-H1 no year after the baseline had ended, so 2024 and
    2025 are new and the baseline is not."""
    _, later = history("GM0396")
    text = chapter(later)
    vw2 = rows(text, "VW-2:")
    assert len(vw2) == 1
    assert vw2[0][1:] == [
        "1e halfjaar 2024",
        "4 perioden (2e halfjaar 2024 tot en met 1e halfjaar 2026)",
        "236 (1e halfjaar 2026)",
    ]
    zw1 = [r for r in rows(text, "ZW-1:") if len(r) == 4]
    assert zw1[0][1:] == ["geen meting", "2024 en 2025", "205 (2025)"]


def test_status_changes_are_every_goal_whose_label_differs_from_the_previous_summary(history):
    earlier, later = history("GM0396")
    before = json.loads((earlier.output_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    then = {d["id"]: d["status"] for d in before["doelen"]}
    assert len(then) == 28  # every goal of the plan was written down
    differing = {
        goal_id for goal_id, a in later.assessments.items() if then[goal_id] != a.status.label
    }
    table = rapport.status_changes(later, ReportSummary.read(earlier.output_dir / SUMMARY_FILE))
    assert {d.split(":")[0] for d in table["Doel"]} == differing
    assert list(table.columns) == ["Doel", "Status 1e halfjaar 2024", "Status 1e halfjaar 2026"]
    # VW-1 (GGD monitor, 2020 baseline and 2024, read by hand) had no measurement over 2024-H1
    vw1 = table[table["Doel"].str.startswith("VW-1:")].iloc[0]
    assert vw1["Status 1e halfjaar 2024"] == "geen meting"
    assert vw1["Status 1e halfjaar 2026"].endswith("(illustratief)")
    text = chapter(later)
    assert f"{len(differing)} doelen hebben sinds het vorige rapport een andere status" in text


def test_a_goal_without_any_registration_row_is_still_without_measurement(history):
    """OO-5 (loneliness per district) has no row in heemskerk_illustratief.csv."""
    _, later = history("GM0396")
    text = chapter(later)
    assert rows(text, "OO-5:") == [
        ["OO-5: Inwoners die eenzaamheid ervaren, per wijk", "ook geen meting"]
    ]
    assert "1 doel heeft nog geen meting" in text


def test_a_summary_written_before_goals_were_kept_is_still_read(history, tmp_path):
    """The samenvatting.json of version 0.2.0 (no per-goal statuses): read as it is, and the
    chapter says the goals are compared from the next report on."""
    _, later = history("GM0396")
    old = {
        "gemeente": "GM0396",
        "gemeente_naam": "Heemskerk",
        "periode": "2024-H1",
        "periode_label": "1e halfjaar 2024",
        "kader": "heemskerk-2024",
        "status_counts": {"op koers": 3, "geen meting": 25},
        "aantal_doelen": 28,
        "peildata": ["2025-04-22"],
        "gebouwd_op": "2026-11-30",
        "illustratief": True,
        "versie": "0.2.0",
        "commit": "3768127c7511",
    }
    (tmp_path / "GM0396" / "2024-H1").mkdir(parents=True)
    (tmp_path / "GM0396" / "2024-H1" / SUMMARY_FILE).write_text(json.dumps(old), encoding="utf-8")
    summary = ReportSummary.read(tmp_path / "GM0396" / "2024-H1" / SUMMARY_FILE)
    assert summary.doelen is None and summary.indicatoren is None
    later.history_dir = tmp_path / "GM0396"
    try:
        text = chapter(later)
    finally:
        later.history_dir = history("GM0396")[0].output_dir.parent
    assert "die de status per doel nog niet bewaarde" in text
    assert "|" not in text


def test_an_unreadable_previous_summary_is_said_and_the_report_goes_on(history, tmp_path):
    _, later = history("GM0396")
    (tmp_path / "2024-H1").mkdir()
    (tmp_path / "2024-H1" / SUMMARY_FILE).write_text("{", encoding="utf-8")
    later.history_dir = tmp_path
    try:
        text = chapter(later)
    finally:
        later.history_dir = history("GM0396")[0].output_dir.parent
    assert "is niet te lezen (samenvatting.json: geen geldige JSON" in text
    assert "tussenstand build --force" in text


def test_a_plan_without_goals_compares_its_indicators(history):
    """Hoorn's plan has indicators only. 85383NED (read by hand) has Hoorn's bijstandsuitkeringen
    (TotaalBijstandsuitkeringen_22) only for 2024, definitief: 1400. Over 2024-H1 that year had
    not ended (no figure); over 2026-H1 it is the latest."""
    earlier, later = history("GM0405")
    assert later.assessments == {}
    text = chapter(later)
    assert "welke indicatoren sindsdien een cijfer over een nieuwere periode hebben" in text
    bijstand = rows(text, "Bijstandsuitkeringen")
    assert bijstand == [["Bijstandsuitkeringen", "geen cijfer", "2024"]]


def test_the_latest_earlier_report_with_a_summary_is_the_previous_one(tmp_path):
    for period, summary in (("2024-H1", True), ("2025-H1", True), ("2025-H2", False)):
        (tmp_path / period).mkdir()
        if summary:
            (tmp_path / period / SUMMARY_FILE).write_text("{}")
    (tmp_path / ".2026-H1.tmp-abc").mkdir()  # a run under way: never a report
    (tmp_path / ".2026-H1.tmp-abc" / SUMMARY_FILE).write_text("{}")
    (tmp_path / "2026-H1").mkdir()
    (tmp_path / "2026-H1" / SUMMARY_FILE).write_text("{}")
    found = previous_summary_path(tmp_path, parse_report_period("2026-H1"))
    assert found == tmp_path / "2025-H1" / SUMMARY_FILE
    assert previous_summary_path(tmp_path, parse_report_period("2024-H1")) is None
    assert previous_summary_path(tmp_path / "nergens", parse_report_period("2026-H1")) is None
