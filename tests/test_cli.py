"""The `tussenstand` command line: list, run, build, render, fetch and its exit statuses.

The project is a temporary one (tests/notebook_project.py); the monitored units stand in for
tussenstand.frameworks.monitored_units (patched through cli._load_units).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from notebook_project import RAISE_CELL, UNITS, WRITE_CELL, make_project, write_notebook

from tussenstand import cli, runner, site
from tussenstand.sources import cbs_fetch


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proj", periods=("2024-H1", "2026-H2"))
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    monkeypatch.setattr(cli, "_load_units", lambda config: list(UNITS))
    monkeypatch.setattr(runner, "prepare_shared_inputs", lambda config: None)
    monkeypatch.setattr(cbs_fetch, "missing_tables", lambda cbs_dir: [])  # no download here
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "x.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: pkg)
    return root


def invoke(*args):
    return CliRunner().invoke(cli.main, list(args))


def test_list_shows_units_frameworks_and_periods(project):
    result = invoke("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(
        "GM0396" in ln and "Heemskerk" in ln and "gemeente" in ln and "test-kader" in ln
        for ln in lines
    )
    assert any("JZ12" in ln and "Regio Test" in ln and "regio" in ln for ln in lines)
    assert "Periodes: 2024-H1, 2026-H2" in result.output
    assert f"CBS-map: {(project / 'data' / 'raw' / 'cbs').resolve()}" in result.output


def test_cbs_dir_option_beats_the_environment(project, monkeypatch, tmp_path):
    (tmp_path / "uit-env").mkdir()
    (tmp_path / "optie").mkdir()
    monkeypatch.setenv("TUSSENSTAND_CBS_DIR", str(tmp_path / "uit-env"))
    assert f"CBS-map: {tmp_path / 'uit-env'}" in invoke("list").output
    assert (
        f"CBS-map: {tmp_path / 'optie'}"
        in invoke("list", "--cbs-dir", str(tmp_path / "optie")).output
    )


@pytest.mark.parametrize("label", ["2026-H3", "26", "2026H2x"])
def test_bad_period_is_a_usage_error_listing_valid_periods(project, label):
    result = invoke("run", "--gemeente", "GM0396", "--periode", label)
    assert result.exit_code == 2
    assert repr(label) in result.output
    assert "2024-H1, 2026-H2" in result.output and "YYYY-H1" in result.output


def test_unconfigured_period_runs_with_a_notice(project):
    result = invoke("run", "--gemeente", "GM0396", "--periode", "2025")
    assert result.exit_code == 0, result.output
    assert "periode 2025 staat niet in tussenstand.yml" in result.output
    assert "2024-H1, 2026-H2" in result.output
    assert (project / "reports" / "GM0396" / "2025").is_dir()


def test_unknown_unit_is_a_usage_error_listing_valid_codes(project):
    result = invoke("run", "--gemeente", "GM9999", "--periode", "2026-H2")
    assert result.exit_code == 2
    assert "GM9999" in result.output
    for code in ("Heemskerk (GM0396)", "Heerhugowaard (GM0398)", "Regio Test (JZ12, regio)"):
        assert code in result.output
    # without `gemeenten` in tussenstand.yml: how a municipality without a plan comes in
    assert "'gemeenten: alle'" in " ".join(result.output.split())


def test_run_executes_one_pair(project):
    result = invoke("run", "--gemeente", "gm0396", "--periode", "2026-H2")
    assert result.exit_code == 0, result.output
    report = project / "reports" / "GM0396" / "2026-H2"
    assert (report / "uit.txt").read_text() == "GM0396|2026-H2|39450|cbs"
    assert not (project / "reports" / "GM0396" / "2024-H1").exists()


def test_run_failure_exits_1_with_the_cell_message(project):
    write_notebook(project / "notebooks" / "02_rapport.ipynb", RAISE_CELL, WRITE_CELL)
    result = invoke("run", "--gemeente", "GM0396", "--periode", "2024-H1")
    assert result.exit_code == 1
    assert "MISLUKT" in result.output and "02_rapport.ipynb" in result.output
    assert "kapotte invoer voor GM0396" in result.output and "2024-H1" in result.output


COMMANDS = {
    "list": ["list"],
    "run": ["run", "--gemeente", "GM0396", "--periode", "2024-H1"],
    "build": ["build"],
    "render": ["render"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_cbs_dir_that_does_not_exist_is_a_mistake_with_status_2(project, tmp_path, command):
    result = invoke(*COMMANDS[command], "--cbs-dir", str(tmp_path / "nergens"))
    assert result.exit_code == 2, result.output
    assert f"--cbs-dir {tmp_path / 'nergens'}: de map" in result.output
    assert "bestaat niet" in result.output and "tussenstand fetch" in result.output
    assert not (project / "reports").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_cbs_dir_from_the_environment_that_does_not_exist_is_a_mistake(
    project, tmp_path, monkeypatch, command
):
    monkeypatch.setenv("TUSSENSTAND_CBS_DIR", str(tmp_path / "nergens"))
    result = invoke(*COMMANDS[command])
    assert result.exit_code == 2, result.output
    assert f"TUSSENSTAND_CBS_DIR={tmp_path / 'nergens'}: de map" in result.output


def test_the_default_cbs_dir_is_not_a_command_line_mistake(project):
    """data/raw/cbs (tussenstand.yml) missing: `fetch` fills it; `run` says so and fails (1)."""
    shutil.rmtree(project / "data" / "raw" / "cbs")
    assert invoke("list").exit_code == 0
    result = invoke(*COMMANDS["run"])
    assert result.exit_code == 1 and "tussenstand fetch" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--gemeente", "GM0396", "--periode", "2026-H3"], "ongeldige periode '2026-H3'"),
        (["run", "--gemeente", "GM9999", "--periode", "2026-H2"], "onbekende gemeente"),
        (["run", "--periode", "2026-H2"], "Missing option '--gemeente'"),
        (["build", "--jobs", "0"], "--jobs"),
        (["build", "--snel"], "No such option '--snel'"),
        (["bouw"], "No such command 'bouw'"),
    ],
)
def test_command_line_mistakes_exit_2(project, args, expected):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not (project / "reports").exists()


def test_a_mistake_in_tussenstand_yml_exits_2(project):
    (project / "tussenstand.yml").write_text("periodes: [2026-H3]\n", encoding="utf-8")
    result = invoke("list")
    assert result.exit_code == 2 and "tussenstand.yml, periodes" in result.output


def test_the_installed_command_exits_2_for_a_missing_cbs_dir(project, tmp_path):
    """The same through a real process: the status a shell or `make` sees."""
    done = subprocess.run(
        [sys.executable, "-m", "tussenstand.cli", "list", "--cbs-dir", str(tmp_path / "nergens")],
        capture_output=True,
        text=True,
        env={**os.environ, "TUSSENSTAND_PROJECT_ROOT": str(project)},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "bestaat niet" in done.stderr


@pytest.fixture
def fake_runs(monkeypatch):
    """Replaces notebook execution: GM0398 fails, the others write a complete report."""
    calls = []

    def fake(config, spec, **kwargs):
        calls.append(spec.key)
        if spec.gemeente == "GM0398":
            return runner.RunResult(
                spec,
                "failed",
                message=f"{spec.label_nl}: notebook 02_rapport.ipynb faalde in cel 3",
            )
        folder = config.report_dir(spec.gemeente, spec.periode)
        folder.mkdir(parents=True, exist_ok=True)
        for name in spec.notebooks:
            (folder / name).write_text("{}")
        return runner.RunResult(spec, "ok", report_dir=folder)

    monkeypatch.setattr(runner, "execute_run", fake)
    return calls


def test_build_runs_all_pairs_reports_failures_and_skips_next_time(project, fake_runs):
    result = invoke("build", "--jobs", "2")
    assert result.exit_code == 1
    assert sorted(fake_runs) == sorted(
        f"{u.code}/{p}" for u in UNITS for p in ("2024-H1", "2026-H2")
    )
    assert "4 uitgevoerd, 0 overgeslagen (ongewijzigd), 2 mislukt" in result.output
    assert "MISLUKT: gemeente GM0398, periode 2024-H1" in result.output

    fake_runs.clear()
    again = invoke("build")
    assert sorted(fake_runs) == ["GM0398/2024-H1", "GM0398/2026-H2"]  # only the failed ones rerun
    assert "0 uitgevoerd, 4 overgeslagen (ongewijzigd), 2 mislukt" in again.output

    fake_runs.clear()
    invoke("build", "--force")
    assert len(fake_runs) == 6


def test_build_rejects_zero_jobs(project):
    assert invoke("build", "--jobs", "0").exit_code == 2


def test_build_prepare_failure_exits_1(project, fake_runs, monkeypatch):
    def broken(config):
        raise FileNotFoundError("85383NED.csv ontbreekt")

    monkeypatch.setattr(runner, "prepare_shared_inputs", broken)
    result = invoke("build")
    assert result.exit_code == 1 and "85383NED.csv ontbreekt" in result.output and fake_runs == []


def _complete_reports(root, units=UNITS, periods=("2024-H1", "2026-H2")):
    for unit in units:
        for period in periods:
            folder = root / "reports" / unit.code / period
            folder.mkdir(parents=True, exist_ok=True)
            for name in ("01_opschonen.ipynb", "02_rapport.ipynb"):
                write_notebook(folder / name, "print('uitgevoerd')")


def test_render_without_quarto_explains_and_exits_0(project, monkeypatch):
    _complete_reports(project)
    monkeypatch.setattr(cli, "find_quarto", lambda: None)
    result = invoke("render")
    assert result.exit_code == 0, result.output
    assert "Alle 6 uitgevoerde rapporten staan klaar" in result.output
    assert 'pip install -e ".[publish]"' in result.output and "quarto.org" in result.output
    # everything up to the render is done: the generated pages are there for Quarto
    assert (project / "_generated" / "overzicht.md").is_file()
    assert (project / "reports" / "GM0396" / "index.qmd").is_file()


def test_render_of_a_project_without_quarto_yml_says_so_without_a_traceback(
    project, monkeypatch, tmp_path
):
    """A copy of a project without the website's sources (a benchmark's copy did this): one
    sentence naming _quarto.yml, exit 1, the old site untouched, no Python traceback."""
    _complete_reports(project)
    (project / "_quarto.yml").unlink(missing_ok=True)
    (project / "_site").mkdir()
    (project / "_site" / "index.html").write_text("de vorige site", encoding="utf-8")
    quarto = tmp_path / "bin" / "quarto"
    quarto.parent.mkdir()
    quarto.write_text("#!/bin/sh\necho 1.8.2\n")
    quarto.chmod(0o755)
    monkeypatch.setattr(cli, "find_quarto", lambda: str(quarto))
    # render puts the quarto it found first on PATH: restored after this test, or every later
    # test would find this fake quarto
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    result = invoke("render")
    assert result.exit_code == 1
    assert "_quarto.yml" in result.output and "_site/ is niet gewijzigd" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error
    assert (project / "_site" / "index.html").read_text(encoding="utf-8") == "de vorige site"


def test_render_without_reports_exits_1(project, monkeypatch):
    monkeypatch.setattr(cli, "find_quarto", lambda: None)
    result = invoke("render")
    assert result.exit_code == 1 and "tussenstand build" in result.output


def test_render_calls_the_site_module_when_quarto_exists(project, monkeypatch, tmp_path):
    _complete_reports(project, units=UNITS[:2])  # JZ12 missing: warned, still rendered
    quarto = tmp_path / "bin" / "quarto"
    quarto.parent.mkdir()
    quarto.write_text("#!/bin/sh\n")
    quarto.chmod(0o755)
    monkeypatch.setattr(cli, "find_quarto", lambda: str(quarto))
    monkeypatch.setenv("PATH", "/usr/bin")
    seen = []
    status = {"code": 0}

    def render_site(config, units, quarto, jobs, full):
        seen.append((config, [u.code for u in units], quarto, jobs, full))
        return status["code"]

    monkeypatch.setattr(site, "render_site", render_site)

    result = invoke("render")
    assert result.exit_code == 0, result.output
    assert len(seen) == 1 and seen[0][0].root == project
    assert seen[0][1:] == ([u.code for u in UNITS], str(quarto), None, False)
    assert "2 van 6 rapporten ontbreken (JZ12 2024-H1, JZ12 2026-H2)" in result.output
    assert f"Website klaar: open {project / '_site' / 'index.html'}" in result.output
    assert os.environ["PATH"].split(os.pathsep)[0] == str(quarto.parent)

    # the number of Quarto processes and a full render are passed on; --jobs 0 is a mistake
    assert invoke("render", "--jobs", "3", "--volledig").exit_code == 0
    assert seen[-1][3:] == (3, True)
    assert invoke("render", "--jobs", "0").exit_code == 2

    status["code"] = 1  # quarto failed: the site module said so, the command fails
    assert invoke("render").exit_code == 1


def test_fetch_passes_tables_and_cbs_dir(project, monkeypatch, tmp_path):
    seen = {}

    def fetch_tables(table_ids, cbs_dir):
        seen.update(ids=list(table_ids), dir=cbs_dir)
        return [cbs_dir / f"{t}.csv" for t in table_ids]

    monkeypatch.setattr(cbs_fetch, "fetch_tables", fetch_tables)
    monkeypatch.setattr(cbs_fetch, "DEFAULT_TABLES", ("85383NED", "86050NED", "85098NED"))

    target = tmp_path / "cbs-nieuw"
    result = invoke(
        "fetch", "--tables", "85383NED,86050NED", "--tables", "82972NED", "--cbs-dir", str(target)
    )
    assert result.exit_code == 0, result.output
    assert seen == {"ids": ["85383NED", "86050NED", "82972NED"], "dir": target.resolve()}
    assert "3 tabel(len) opgehaald" in result.output

    result = invoke("fetch")
    assert seen["ids"] == ["85383NED", "86050NED", "85098NED"]
    assert seen["dir"] == (project / "data" / "raw" / "cbs").resolve()

    def offline(table_ids, cbs_dir):
        raise OSError("geen verbinding met opendata.cbs.nl")

    monkeypatch.setattr(cbs_fetch, "fetch_tables", offline)
    result = invoke("fetch")
    assert result.exit_code == 1
    assert "geen verbinding" in result.output and "TUSSENSTAND_CBS_DIR" in result.output


def test_missing_config_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(tmp_path))
    result = invoke("list")
    assert result.exit_code == 2 and "tussenstand.yml" in result.output
