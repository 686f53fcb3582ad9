"""Small numbers never reach a reader: a count of persons below the threshold is '< 10' in every
table, sentence, chart, alt text and caption, and nothing computed from it (a projection, a share
covered, a target or straight path from it) is published.

The class test builds the Heemskerk report twice from a project copy, once with a goal's latest
count 3 and once with 7 (both below 10, same status), and demands that every published artefact is
identical: a value that leaks anywhere, or anything computed from it, makes the two builds differ.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from tussenstand import charts, cli
from tussenstand.disclosure import format_published_value
from tussenstand.goals import parse_goal
from tussenstand.progress import Status, assess_goal
from tussenstand.schema import read_measurements

GOALS_YAML = """
- id: FF-4
  theme: financieel-fit
  text: "In 2027 zijn 65 inwoners met een uitkering aan het werk met een loonkostensubsidie
    ten opzichte van 45 inwoners in 2023."
  indicator: "Inwoners met een uitkering die aan het werk zijn met een loonkostensubsidie"
  unit: aantal
  baseline: {value: 45, period: "2023"}
  target: {kind: level, value: 65, comparison: at_least}
  target_period: "2027"
  direction: up
  measurement: {source: Suite4SD, frequency: "2x per jaar"}
- id: OZ-6
  theme: opgroeien
  text: "In het schooljaar 2026-2027 is het aantal nieuwe vroegtijdig schoolverlaters 10% lager
    dan x* in 2023-2024."
  indicator: "Nieuwe vroegtijdig schoolverlaters"
  unit: aantal
  baseline: {period: "2023/2024", status: pending}
  target: {kind: change, percent: -10, comparison: at_most}
  target_period: "2026/2027"
  direction: down
  measurement: {source: Leerplein, frequency: "1x per schooljaar"}
- id: OO-3
  theme: ontmoeten
  text: "In 2027 zijn in elke wijk minstens 12 mantelzorgers in beeld."
  indicator: "Mantelzorgers in beeld per wijk"
  unit: aantal
  target: {kind: every_district, value: 12}
  target_period: "2027"
  direction: up
  measurement: {source: MantelZ, frequency: "1x per jaar"}
"""
GOALS = {g["id"]: parse_goal(g, "test.yaml") for g in yaml.safe_load(GOALS_YAML)}


def ff4(latest: float, *, flagged: bool | None = True) -> pd.DataFrame:
    """FF-4's measurements as the cleaning stage writes them: 45 (the plan's baseline), 48, 51, 54,
    then ``latest``, flagged ``onderdrukt`` as ``flagged`` says (None: no such column)."""
    frame = pd.DataFrame(
        {
            "periode": ["2023", "2024-H1", "2024-H2", "2025-H1", "2025-H2"],
            "waarde": [45.0, 48.0, 51.0, 54.0, latest],
            "gebied": "",
        }
    )
    if flagged is not None:
        frame["onderdrukt"] = [False, False, False, False, flagged]
    return frame


# ----- the assessment and the sentence under a goal ------------------------------------------
@pytest.mark.parametrize("flagged", [True, None], ids=["onderdrukt-kolom", "zonder-kolom"])
def test_explanation_with_a_suppressed_latest_count(flagged):
    three = assess_goal(GOALS["FF-4"], ff4(3, flagged=flagged), "2025-H2")
    seven = assess_goal(GOALS["FF-4"], ff4(7, flagged=flagged), "2025-H2")
    for a in (three, seven):
        assert a.status is Status.VERKEERDE_RICHTING  # judged on the real value: 3 or 7 < 45
        assert a.latest_value in (3, 7)  # kept for judging
        assert a.is_suppressed("latest_value") and a.published("latest_value") is None
        assert a.text("latest_value") == "< 10"
        # nothing computed from it: a projection or share covered would give it back
        assert a.projection is None and a.projection_meets_target is None
        assert a.share_covered is None and a.projection_withheld
        # the plan's baseline and target are public
        assert a.text("baseline_value") == "45" and a.text("target_value") == "65"
    assert three.explanation_nl == seven.explanation_nl
    text = three.explanation_nl
    assert text.startswith(
        "Verkeerde richting: de laatste meting (2e halfjaar 2025) is < 10, verder van het doel af "
        "dan het startpunt van 45 (2023); het doel is minstens 65 in 2027."
    )
    assert "Een prognose staat er niet bij" in text and "Zet de lijn" not in text
    assert not re.search(r"(?<![\d.,])[37](?![\d.,])", text)


def test_a_suppressed_earlier_count_withholds_the_projection_but_not_the_latest():
    data = ff4(58, flagged=False)
    data.loc[2, ["waarde", "onderdrukt"]] = [4.0, True]  # 2024-H2 was 4
    a = assess_goal(GOALS["FF-4"], data, "2025-H2")
    assert a.text("latest_value") == "58" and a.projection is None and a.projection_withheld
    # with 45, 48, 54, 58 and the projection published, the 4 would follow from the fit
    assert a.share_covered == pytest.approx((58 - 45) / (65 - 45))  # latest and start are public


def test_without_small_numbers_the_projection_is_given():
    a = assess_goal(GOALS["FF-4"], ff4(58, flagged=False), "2025-H2")
    assert a.suppressed == frozenset() and not a.projection_withheld
    assert a.projection is not None and "Zet de lijn van de metingen door" in a.explanation_nl


def test_a_target_computed_from_a_suppressed_starting_point_is_not_given():
    """The plan's 'x*' filled in by a measurement of 3: the target (10% lower) and the straight
    path from it would give the 3 back."""
    rows = pd.DataFrame(
        {"periode": ["2023/2024", "2024/2025"], "waarde": [3.0, 38.0], "onderdrukt": [True, False]}
    )
    a = assess_goal(GOALS["OZ-6"], rows, "2025")
    assert a.baseline_source == "plan_pending" and a.status is Status.VERKEERDE_RICHTING
    assert a.suppressed == {
        "baseline_value",
        "target_value",
        "expected_value",
        "expected_at_latest",
    }
    assert a.text("baseline_value") == "< 10"
    assert a.text("target_value") == "onderdrukt"  # not '< 10': 2,7 is not what is hidden
    assert a.to_row()["doelwaarde"] is None and a.to_row()["nulmeting"] is None
    assert "startpunt van < 10 (schooljaar 2023-2024)" in a.explanation_nl
    assert "10% minder dan < 10 in schooljaar 2023-2024" in a.explanation_nl
    for hidden in ("2,7", "3 ", "(3)"):
        assert hidden not in a.explanation_nl


def test_a_suppressed_district_reads_below_threshold():
    rows = pd.DataFrame(
        {
            "periode": ["2025"] * 3,
            "waarde": [14.0, 3.0, 12.0],
            "gebied": ["Noord", "Centrum", "Zuid"],
            "onderdrukt": [False, True, False],
        }
    )
    a = assess_goal(GOALS["OO-3"], rows, "2025")
    assert "Centrum (< 10)" in a.explanation_nl and "(3)" not in a.explanation_nl
    assert a.is_suppressed("latest_value") and a.text("latest_value") == "< 10"


def test_published_value_for_counts_rates_and_computed_values():
    assert format_published_value(3, "aantal", True) == "< 10"
    assert format_published_value(3, "kinderen", True, with_unit=True) == "< 10 kinderen"
    assert format_published_value(3, "aantal", True, threshold=5) == "< 5"
    # a rate or percentage from a small count is not itself below 10: 40% must not read '< 10'
    assert format_published_value(40.0, "%", True) == "onderdrukt"
    assert format_published_value(1.8, "per 10.000 inwoners", True) == "onderdrukt"
    assert format_published_value(27.0, "aantal", True, computed=True) == "onderdrukt"


# ----- charts ------------------------------------------------------------------------------
def _published(frame: pd.DataFrame) -> pd.DataFrame:
    """What the report hands a chart: suppressed values blanked, with the tidy columns."""
    out = frame.assign(
        gemeente_naam="Heemskerk",
        eenheid="aantal",
        bron="Suite4SD",
        tabel="export.csv",
        peildatum="2026-01-15",
    )
    out.loc[out["onderdrukt"], "waarde"] = float("nan")
    return out


@pytest.mark.parametrize("value", [3, 7])
def test_goal_chart_alt_text_with_a_suppressed_latest_count(value):
    a = assess_goal(GOALS["FF-4"], ff4(value), "2025-H2")
    result = charts.goal_chart(
        _published(ff4(value)), a, GOALS["FF-4"], title="FF-4: verkeerde richting"
    )
    assert "Laatste meting < 10 in 2e halfjaar 2025." in result.alt_text
    assert "Bij de huidige ontwikkeling" not in result.alt_text  # no projection
    assert not re.search(rf"(?<![\d.,]){value}(?![\d.,])", result.alt_text + result.caption)
    assert charts.SUPPRESSED_NOTE in result.caption
    # the data behind the chart: no value for the suppressed period, no projection row
    assert "projectie" not in set(result.data["reeks"])
    measured = result.data[result.data["reeks"] == "meting"]
    last = measured[measured["periode"] == "2025-H2"]
    assert last["waarde"].isna().all() and last["onderdrukt"].all()
    # nothing drawn at the suppressed value: no line point at 3 or 7
    drawn = [y for line in result.fig.axes[0].get_lines() for y in line.get_ydata()]
    assert value not in drawn


def test_goal_chart_is_the_same_for_3_and_7():
    results = []
    for value in (3, 7):
        a = assess_goal(GOALS["FF-4"], ff4(value), "2025-H2")
        results.append(
            charts.goal_chart(
                _published(ff4(value)), a, GOALS["FF-4"], title="FF-4: verkeerde richting"
            )
        )
    three, seven = results
    assert three.alt_text == seven.alt_text and three.caption == seven.caption
    pd.testing.assert_frame_equal(three.data, seven.data)


def test_trend_chart_alt_text_gives_a_suppressed_last_value_as_below_threshold():
    data = _published(ff4(3)).assign(indicator="reg_FF-4")
    result = charts.trend_chart(data, title="FF-4", unit="aantal", indicator_label="FF-4")
    assert "Heemskerk: < 10 in 2e halfjaar 2025 (in 2023: 45)." in result.alt_text
    assert "54 in 1e halfjaar 2025" not in result.alt_text  # not the last published one instead


# ----- the class test: two builds that differ only in a small count ------------------------------
IGNORE = shutil.ignore_patterns(
    ".venv*", ".git", "reports", "processed", "_site", ".quarto", "_generated"
)
REPORT = ("GM0396", "2026-H1")


def _with_small_counts(text: str, value: int) -> str:
    """The illustrative registrations with FF-4's latest count (1e halfjaar 2026) set to
    ``value`` and OZ-6's missing baseline (schooljaar 2023-2024, 'x*' in the plan) measured as
    ``value``."""
    lines = text.splitlines()
    (ff4_row,) = [i for i, line in enumerate(lines) if line.startswith("GM0396;FF-4;;2026-H1;;")]
    cells = lines[ff4_row].split(";")
    cells[5] = str(value)
    lines[ff4_row] = ";".join(cells)
    (oz6_row,) = [i for i, line in enumerate(lines) if line.startswith("GM0396;OZ-6;;")]
    cells = lines[oz6_row].split(";")
    cells[3], cells[5] = "2023/2024", str(value)
    lines.insert(oz6_row, ";".join(cells))
    return "\n".join(lines) + "\n"


def _published_artefacts(folder: Path) -> dict[str, object]:
    """Everything a reader gets from a report folder: each notebook's outputs (Markdown, text,
    alt texts in output metadata), every chart CSV and image, samenvatting.json (without the build
    date)."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            out[name] = [cell.get("outputs", []) for cell in nb["cells"]]
        elif path.suffix == ".csv":
            out[name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".svg":
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.name == "samenvatting.json":
            summary = json.loads(path.read_text(encoding="utf-8"))
            summary.pop("gebouwd_op")
            out[name] = summary
        elif path.suffix == ".xlsx":
            # every cell of every sheet (the workbook's own build date left out)
            book = openpyxl.load_workbook(path)
            out[name] = {
                sheet: [
                    row
                    for row in book[sheet].iter_rows(values_only=True)
                    if row and row[0] != "Gebouwd op"
                ]
                for sheet in book.sheetnames
            }
    return out


def _texts(outputs: list) -> list[str]:
    """The Markdown and plain texts of a notebook's outputs, in order."""
    texts = []
    for cell in outputs:
        for output in cell:
            data = output.get("data", {})
            for key in ("text/markdown", "text/plain"):
                if key in data:
                    value = data[key]
                    texts.append("".join(value) if isinstance(value, list) else value)
    return texts


@pytest.fixture(scope="module")
def two_builds(project_root, cbs_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("klein") / "project"
    shutil.copytree(project_root, root, ignore=IGNORE)
    (root / "reports").mkdir()
    registrations = root / "data" / "raw" / "registraties" / "heemskerk_illustratief.csv"
    original = registrations.read_text(encoding="utf-8")
    builds = {}
    for value in (3, 7):
        registrations.write_text(_with_small_counts(original, value), encoding="utf-8")
        result = CliRunner().invoke(
            cli.main,
            ["run", "--gemeente", REPORT[0], "--periode", REPORT[1], "--cbs-dir", str(cbs_dir)],
            env={"TUSSENSTAND_PROJECT_ROOT": str(root)},
        )
        assert result.exit_code == 0, result.output
        internal = read_measurements(
            root / "data" / "processed" / REPORT[0] / REPORT[1] / "metingen.parquet"
        )
        builds[value] = (_published_artefacts(root / "reports" / REPORT[0] / REPORT[1]), internal)
    return builds


def test_the_two_builds_differ_only_in_the_internal_values(two_builds):
    for value, (_, internal) in two_builds.items():
        ff4_rows = internal[
            (internal["indicator"] == "reg_FF-4") & (internal["periode"] == "2026-H1")
        ]
        oz6_rows = internal[
            (internal["indicator"] == "reg_OZ-6") & (internal["periode"] == "2023/2024")
        ]
        assert ff4_rows["waarde"].tolist() == [value] and ff4_rows["onderdrukt"].all()
        assert oz6_rows["waarde"].tolist() == [value] and oz6_rows["onderdrukt"].all()


def test_every_published_artefact_is_identical_for_3_and_7(two_builds):
    three, seven = two_builds[3][0], two_builds[7][0]
    assert sorted(three) == sorted(seven)
    assert {"02_rapport.ipynb", "01_opschonen.ipynb", "samenvatting.json"} <= set(three)
    assert "data/doel-ff-4.csv" in three and "data/doel-ff-4.svg" in three
    assert "data/tussenstand-GM0396-2026-H1.xlsx" in three
    different = [name for name in three if three[name] != seven[name]]
    assert different == []


def _goal_section(texts: list[str], goal_id: str) -> list[str]:
    start = next(i for i, t in enumerate(texts) if t.startswith(f"### {goal_id}:"))
    end = next(i for i in range(start + 1, len(texts)) if texts[i].startswith("### "))
    return texts[start:end]


@pytest.mark.parametrize("value", [3, 7])
def test_no_goal_text_carries_its_small_count(two_builds, value):
    artefacts = two_builds[value][0]
    texts = _texts(artefacts["02_rapport.ipynb"])
    standalone = re.compile(rf"(?<![\d.,]){value}(?![\d.,])")
    for goal_id in ("FF-4", "OZ-6"):
        section = _goal_section(texts, goal_id)
        # everything but the table per district (its rows name 'Wijk 3'; the identity of the two
        # builds covers its cells)
        for text in section:
            if not text.startswith("| Wijk "):
                assert not standalone.search(text), (goal_id, text)
        summary_row = next(t for t in texts if f"| {goal_id}:" in t)
        row = next(line for line in summary_row.splitlines() if f"| {goal_id}:" in line)
        assert not standalone.search(row), row
    ff4 = " ".join(_goal_section(texts, "FF-4"))
    assert "de laatste meting (1e halfjaar 2026) is < 10" in ff4
    assert "Een prognose staat er niet bij" in ff4
    assert "Laatste meting < 10 in 1e halfjaar 2026." in ff4  # the chart's alt text
    oz6 = " ".join(_goal_section(texts, "OZ-6"))
    assert "| Nulmeting | < 10 (schooljaar 2023-2024) |" in oz6
    assert "| Doel | −10% t.o.v. nulmeting (schooljaar 2026-2027) |" in oz6
    # the chart data: no value in the suppressed rows, no projection, nothing computed from 3/7
    ff4_csv = pd.read_csv(
        pd.io.common.StringIO(artefacts["data/doel-ff-4.csv"]), sep=";", dtype=str
    )
    assert "projectie" not in set(ff4_csv["reeks"])
    measured = ff4_csv[ff4_csv["reeks"] == "meting"]
    assert measured.loc[measured["periode"] == "2026-H1", "waarde"].isna().all()
    oz6_csv = pd.read_csv(
        pd.io.common.StringIO(artefacts["data/doel-oz-6.csv"]), sep=";", dtype=str
    )
    assert set(oz6_csv["reeks"]) == {"meting"}  # no baseline, target, path or projection
