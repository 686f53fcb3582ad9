"""The runner: papermill runs into a temp folder, atomic replace, manifest, parallel executors.

Runs use tiny template notebooks in a temporary project (tests/notebook_project.py), executed for
real with papermill and a python3 kernel; the tests of the skip logic replace the execution by a
recording function so that every kind of change can be checked quickly.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from notebook_project import RAISE_CELL, UNITS, WRITE_CELL, make_project, write_notebook

from tussenstand import runner
from tussenstand.config import load_config


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    monkeypatch.delenv("TUSSENSTAND_PROJECT_ROOT", raising=False)
    root = make_project(tmp_path / "proj", periods=("2026-H2",))
    # pin the hashed "package source" to a fixed folder: the real one may change while tests run
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "report.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: src)
    return load_config(root=root)


def leftovers(config) -> list[str]:
    """Temporary or old folders the runner must never leave behind."""
    return sorted(
        str(p.relative_to(config.reports_dir))
        for p in config.reports_dir.rglob(".*")
        if p.is_dir() and (".tmp-" in p.name or ".old-" in p.name)
    )


# ----- real execution ----------------------------------------------------------------------------
def test_success_moves_report_into_place_and_passes_parameters(project):
    summary = runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)

    assert [r.status for r in summary.results] == ["ok"]
    report = project.report_dir("GM0396", "2026-H2")
    assert sorted(p.name for p in report.iterdir()) == [
        "01_opschonen.ipynb",
        "02_rapport.ipynb",
        "uit.txt",
    ]
    # parameters reached the kernel, the kernel ran in the report folder and read the project input
    assert (report / "uit.txt").read_text() == "GM0396|2026-H2|39450|cbs"
    nb = nbformat.read(report / "02_rapport.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'gemeente = "GM0396"' in injected[0].source
    # no machine paths in the kept report: papermill's paths and parameters are project-relative
    text = (report / "02_rapport.ipynb").read_text()
    assert str(project.root.resolve()) not in text and ".tmp-" not in text
    assert nb.metadata.papermill.output_path == "reports/GM0396/2026-H2/02_rapport.ipynb"
    assert nb.metadata.papermill.parameters.output_dir == "reports/GM0396/2026-H2"
    # readable for a web server: mkdtemp made the folder private (700), the runner opens it up
    assert report.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in report.iterdir()} <= {0o644}
    assert leftovers(project) == []
    manifest = json.loads((project.reports_dir / ".manifest.json").read_text())
    assert set(manifest["runs"]) == {"GM0396/2026-H2"}

    again = runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    assert [r.status for r in again.results] == ["skipped"]


def test_failure_names_unit_period_notebook_and_cell_and_keeps_previous_report(project):
    # a previous good report of GM0398 that the failing run must leave alone
    previous = project.report_dir("GM0398", "2026-H2")
    previous.mkdir(parents=True)
    (previous / "02_rapport.ipynb").write_text("vorige goede versie")
    write_notebook(
        project.notebooks_dir / "02_rapport.ipynb",
        "y = 2",
        f'if gemeente == "GM0398":\n    {RAISE_CELL}',
        WRITE_CELL,
    )

    summary = runner.build(
        project, UNITS[:2], project.periods, jobs=2, prepare=None, progress=False
    )

    by_unit = {r.spec.gemeente: r for r in summary.results}
    assert by_unit["GM0396"].status == "ok"  # the other run went on
    failed = by_unit["GM0398"]
    assert failed.status == "failed" and summary.failed == 1 and not summary.ok
    for part in (
        "GM0398",
        "2026-H2",
        "02_rapport.ipynb",
        "ValueError",
        "kapotte invoer voor GM0398",
    ):
        assert part in failed.message
    # cell 0 = parameters, 1 = injected parameters, 2 = 'y = 2', 3 = the raising cell
    assert failed.notebook == "02_rapport.ipynb" and failed.cell_index == 3
    assert "cel 3" in failed.message
    assert (previous / "02_rapport.ipynb").read_text() == "vorige goede versie"
    assert not (previous / "01_opschonen.ipynb").exists()
    assert leftovers(project) == []
    kept = project.reports_dir / "GM0398" / ".2026-H2.mislukt.ipynb"
    assert kept.is_file() and "kapotte invoer" in kept.read_text()
    manifest = json.loads((project.reports_dir / ".manifest.json").read_text())
    assert set(manifest["runs"]) == {"GM0396/2026-H2"}  # a failed run is never recorded as done
    assert "1 mislukt" in summary.text_nl()


def test_missing_notebook_fails_with_its_path(project):
    (project.notebooks_dir / "01_opschonen.ipynb").unlink()
    result = runner.execute_run(project, runner.make_spec(project, "GM0396", "2026-H2"))
    assert result.status == "failed"
    assert "01_opschonen.ipynb" in result.message and "GM0396" in result.message
    assert not project.report_dir("GM0396", "2026-H2").exists()
    assert leftovers(project) == []


def test_parallel_runs_overlap_in_two_threads(project, monkeypatch):
    """Both runs are under way at once: each waits at a barrier for the other before its kernel
    starts. Run one after the other, the first would wait for a second that never comes (the
    barrier breaks after a generous wait, a guard against hanging: nothing is timed)."""
    barrier = threading.Barrier(2, timeout=300)
    threads = []
    real = runner.execute_run

    def together(config, spec, **kwargs):
        threads.append(threading.get_ident())
        barrier.wait()  # threading.BrokenBarrierError: the runs were not in flight together
        return real(config, spec, **kwargs)

    monkeypatch.setattr(runner, "execute_run", together)
    summary = runner.build(
        project, UNITS[:2], project.periods, jobs=2, prepare=None, progress=False
    )

    assert [r.status for r in summary.results] == ["ok", "ok"], summary.results
    assert len(set(threads)) == 2
    for unit in ("GM0396", "GM0398"):
        text = (project.report_dir(unit, "2026-H2") / "uit.txt").read_text()
        assert text.startswith(f"{unit}|2026-H2|")


# ----- skip logic (recording execution) -------------------------------------------------------------
@pytest.fixture
def recorder(monkeypatch):
    """Replaces execute_run: records the runs and writes a complete report folder."""
    calls: list[str] = []
    lock = threading.Lock()

    def fake(config, spec, **kwargs):
        with lock:
            calls.append(spec.key)
        folder = config.report_dir(spec.gemeente, spec.periode)
        folder.mkdir(parents=True, exist_ok=True)
        for name in spec.notebooks:
            (folder / name).write_text("{}")
        return runner.RunResult(spec, "ok", 0.01, report_dir=folder)

    monkeypatch.setattr(runner, "execute_run", fake)
    return calls


def _touch_template(config):
    path = config.notebooks_dir / "02_rapport.ipynb"
    write_notebook(path, WRITE_CELL, "print('extra')")


def _change_input(config):
    (config.raw_dir / "plancijfers" / "doel.txt").write_text("39451\n")


def _new_registration(config):
    (config.registrations_dir / "GM0396.csv").write_text("periode;waarde\n2026-H1;12\n")


def _change_cbs(config):
    (config.cbs_dir / "85383NED.csv").write_text("RegioS;Perioden\nHeemskerk;2024\n")


def _change_config(config):
    path = config.root / "tussenstand.yml"
    path.write_text(path.read_text() + "onthulling:\n  drempel: 5\n")


def _delete_report(config):
    (config.report_dir("GM0396", "2026-H2") / "02_rapport.ipynb").unlink()


@pytest.mark.parametrize(
    "change",
    [
        _touch_template,
        _change_input,
        _new_registration,
        _change_cbs,
        _change_config,
        _delete_report,
    ],
)
def test_change_reruns_only_after_a_relevant_change(project, recorder, change):
    units = UNITS[:2]
    first = runner.build(project, units, project.periods, prepare=None, progress=False)
    assert first.ran == 2 and recorder == ["GM0396/2026-H2", "GM0398/2026-H2"]

    second = runner.build(project, units, project.periods, prepare=None, progress=False)
    assert (second.ran, second.skipped) == (0, 2)

    change(project)
    third = runner.build(project, units, project.periods, prepare=None, progress=False)
    expected = 1 if change is _delete_report else 2
    assert third.ran == expected and third.skipped == 2 - expected


def test_touching_a_file_without_changing_it_does_not_rerun(project, recorder):
    runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    path = project.raw_dir / "plancijfers" / "doel.txt"
    path.write_text(path.read_text())  # new mtime, same content
    again = runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    assert again.skipped == 1


def test_force_reruns_everything(project, recorder):
    runner.build(project, UNITS, project.periods, prepare=None, progress=False)
    forced = runner.build(project, UNITS, project.periods, force=True, prepare=None, progress=False)
    assert forced.ran == 3 and len(recorder) == 6


def test_code_change_reruns(project, recorder, tmp_path):
    runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    (tmp_path / "pkg" / "report.py").write_text("X = 2\n")
    assert runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False).ran == 1
    (tmp_path / "pkg" / "sources").mkdir()
    (tmp_path / "pkg" / "sources" / "cbs.py").write_text("Y = 1\n")
    assert runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False).ran == 1


def test_package_source_is_the_installed_tussenstand_package():
    import tussenstand.config

    assert (runner.package_source_dir() / "config.py").samefile(tussenstand.config.__file__)


def test_parameter_change_reruns(project, recorder, tmp_path):
    runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    other_cbs = tmp_path / "ander-cbs"
    other_cbs.mkdir()
    (other_cbs / "85383NED.csv").write_text("RegioS;Perioden\n")
    moved = load_config(root=project.root, cbs_dir=other_cbs)
    assert runner.build(moved, UNITS[:1], moved.periods, prepare=None, progress=False).ran == 1


def test_corrupt_manifest_means_rerun_and_is_rewritten(project, recorder):
    runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    runner.manifest_path(project).write_text("{niet: json")
    again = runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    assert again.ran == 1
    data = json.loads(runner.manifest_path(project).read_text())
    assert "GM0396/2026-H2" in data["runs"]
    assert [p.name for p in project.reports_dir.glob(".manifest.*tmp")] == []


def test_prepare_runs_once_in_the_calling_thread_and_not_for_a_noop(project, recorder):
    seen = []
    main = threading.get_ident()

    def prepare(config):
        seen.append((threading.get_ident(), len(recorder)))

    runner.build(project, UNITS, project.periods, jobs=2, prepare=prepare, progress=False)
    assert seen == [(main, 0)]  # once, in this thread, before any run
    runner.build(project, UNITS, project.periods, jobs=2, prepare=prepare, progress=False)
    assert len(seen) == 1


def test_a_custom_executor_is_used_and_left_open(project, recorder):
    class Counting(ThreadPoolExecutor):
        submitted = 0

        def submit(self, fn, *args, **kwargs):
            Counting.submitted += 1
            return super().submit(fn, *args, **kwargs)

    with Counting(max_workers=2) as pool:
        summary = runner.build(
            project, UNITS, project.periods, executor=pool, prepare=None, progress=False
        )
        assert Counting.submitted == 3 and summary.ran == 3
        assert pool.submit(lambda: 42).result() == 42  # not shut down by build()


def test_a_dask_style_client_is_asked_for_its_executor():
    pool = ThreadPoolExecutor(max_workers=1)
    asked = {}

    class FakeClient:  # like dask.distributed.Client: has submit() and get_executor()
        def get_executor(self, **kwargs):
            asked.update(kwargs)
            return pool

    assert runner._as_executor(FakeClient()) is pool and asked == {"pure": False}
    pool.shutdown()
    with pytest.raises(TypeError, match="concurrent.futures.Executor"):
        runner._as_executor(object())


def test_executor_failure_becomes_a_failed_run(project):
    class Broken(ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            def boom():
                raise RuntimeError("werker weg")

            return super().submit(boom)

    with Broken(max_workers=1) as pool:
        summary = runner.build(
            project, UNITS[:1], project.periods, executor=pool, prepare=None, progress=False
        )
    assert summary.failed == 1 and "werker weg" in summary.results[0].message
    assert "GM0396" in summary.results[0].message


def test_summary_text_is_dutch():
    spec = runner.RunSpec("GM0396", "2026-H2", ("a.ipynb",))
    summary = runner.BuildSummary(
        [
            runner.RunResult(spec, "ok"),
            runner.RunResult(spec, "skipped"),
            runner.RunResult(spec, "failed"),
        ],
        seconds=12.34,
    )
    assert (
        summary.text_nl()
        == "Klaar in 12,3 s: 1 uitgevoerd, 1 overgeslagen (ongewijzigd), 1 mislukt."
    )


def test_plan_runs_every_pair_once_with_documented_parameters(project):
    specs = runner.plan_runs(project, [*UNITS[:2], "GM0396"], ["2024-H1", "2026-H2"])
    assert [s.key for s in specs] == [
        "GM0396/2024-H1",
        "GM0396/2026-H2",
        "GM0398/2024-H1",
        "GM0398/2026-H2",
    ]
    params = specs[0].parameters
    assert set(params) | {"output_dir"} == set(runner.NOTEBOOK_PARAMETERS)
    assert (
        Path(params["cbs_dir"]) == project.cbs_dir and Path(params["project_root"]) == project.root
    )


# ----- a report compares with the unit's previous one: periods in order -------------------------
@pytest.fixture
def two_periods(tmp_path, monkeypatch):
    """A project with two report periods (given newest first: the order must not matter) and a
    fake run that writes a summary and notes, when it starts, which summaries of its unit exist."""
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    root = make_project(tmp_path / "proj", periods=("2026-H2", "2024-H1"))
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "report.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: src)
    config = load_config(root=root)
    seen: list[tuple[str, list[str]]] = []
    lock = threading.Lock()

    def fake(config, spec, **kwargs):
        unit_dir = config.reports_dir / spec.gemeente
        present = sorted(
            p.parent.name for p in unit_dir.glob("*/samenvatting.json") if p.parent.is_dir()
        )
        with lock:
            seen.append((spec.key, present))
        folder = config.report_dir(spec.gemeente, spec.periode)
        folder.mkdir(parents=True, exist_ok=True)
        for name in spec.notebooks:
            (folder / name).write_text("{}")
        (folder / "samenvatting.json").write_text(json.dumps({"periode": spec.periode}))
        return runner.RunResult(spec, "ok", 0.01, report_dir=folder)

    monkeypatch.setattr(runner, "execute_run", fake)
    return config, seen


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_units_periods_run_oldest_first_so_the_later_report_finds_the_earlier(two_periods, jobs):
    config, seen = two_periods
    summary = runner.build(
        config, UNITS[:2], config.periods, jobs=jobs, prepare=None, progress=False
    )
    assert summary.ran == 4
    started = dict(seen)
    # the first half of 2024 had no earlier report; the second half of 2026 found it in place
    assert started["GM0396/2024-H1"] == [] and started["GM0398/2024-H1"] == []
    assert started["GM0396/2026-H2"] == ["2024-H1"] and started["GM0398/2026-H2"] == ["2024-H1"]


def test_nothing_reruns_after_a_build_that_wrote_the_previous_summaries(two_periods):
    config, _ = two_periods
    runner.build(config, UNITS[:2], config.periods, jobs=2, prepare=None, progress=False)
    again = runner.build(config, UNITS[:2], config.periods, jobs=2, prepare=None, progress=False)
    assert (again.ran, again.skipped) == (0, 4)


def test_an_earlier_report_to_redo_takes_the_later_one_with_it(two_periods):
    config, seen = two_periods
    runner.build(config, UNITS[:2], config.periods, jobs=2, prepare=None, progress=False)
    seen.clear()
    (config.report_dir("GM0396", "2024-H1") / "02_rapport.ipynb").unlink()
    again = runner.build(config, UNITS[:2], config.periods, jobs=2, prepare=None, progress=False)
    assert [key for key, _ in seen] == ["GM0396/2024-H1", "GM0396/2026-H2"]
    assert (again.ran, again.skipped) == (2, 2)


def test_a_changed_previous_summary_reruns_only_the_later_report(two_periods):
    config, seen = two_periods
    runner.build(config, UNITS[:2], config.periods, prepare=None, progress=False)
    seen.clear()
    previous = config.report_dir("GM0398", "2024-H1") / "samenvatting.json"
    previous.write_text(json.dumps({"periode": "2024-H1", "anders": True}))
    again = runner.build(config, UNITS[:2], config.periods, prepare=None, progress=False)
    assert [key for key, _ in seen] == ["GM0398/2026-H2"]
    assert (again.ran, again.skipped) == (1, 3)
