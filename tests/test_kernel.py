"""Warm kernels: one kernel per thread for every notebook of a build, reset before each notebook.

The notebooks here run for real (papermill, a python3 kernel) in a small project
(tests/notebook_project.py). Each notebook first shows what it finds of the state a notebook could
leave behind, then leaves as much of it behind as it can; the executed notebooks of later runs
(in the same kernel) must show exactly what the first one (a new kernel) showed.
"""

from __future__ import annotations

import nbformat
import pytest
from notebook_project import RAISE_CELL, UNITS, make_project, write_notebook

from tussenstand import runner
from tussenstand.config import load_config

#: a module with a warning of its own: Python shows a warning once per place in a module; only a
#: reset of the warnings machinery shows it again in the next notebook of the same kernel
WARNER = """\
import warnings


def warn():
    warnings.warn("proefwaarschuwing", UserWarning, stacklevel=1)
"""

PROBE_CELL = """\
import os, sys
from pathlib import Path
import matplotlib
sys.path.insert(0, project_root)
import warner
names = sorted(k for k in globals() if not k.startswith("_") and k not in ("In", "Out"))
print("namen:", names)
print("werkmap is de rapportmap:", Path.cwd().resolve() == Path(output_dir).resolve())
print("omgeving:", os.environ.get("TUSSENSTAND_LEK"))
print("pad:", [p for p in sys.path if "lek" in p])
print("lijndikte:", matplotlib.rcParams["lines.linewidth"])
warner.warn()
Path("pids.txt").open("a").write(f"{os.getpid()}\\n")
"""

LEAK_CELL = """\
import os, sys, matplotlib
lek = 1
os.environ["TUSSENSTAND_LEK"] = "ja"
sys.path.append("/lek")
matplotlib.rcParams["lines.linewidth"] = 9
os.chdir("/")
"""


#: says which kernel process ran the notebook (output and a file in the report folder)
PID_CELL = 'import os\nprint(os.getpid())\nopen("pids.txt", "a").write(f"{os.getpid()}\\n")'


def probe_project(tmp_path, body=(PROBE_CELL, LEAK_CELL)):
    root = make_project(tmp_path / "proj", periods=("2026-H2",))
    (root / "warner.py").write_text(WARNER)
    for name in ("01_opschonen.ipynb", "02_rapport.ipynb"):
        write_notebook(root / "notebooks" / name, *body)
    return load_config(root=root)


@pytest.fixture
def pinned_source(tmp_path, monkeypatch):
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "report.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: src)


def outputs(nb) -> list:
    return [
        [{k: v for k, v in o.items() if k != "metadata"} for o in c.outputs]
        for c in nb.cells
        if c.cell_type == "code"
    ]


def test_every_notebook_sees_a_fresh_kernel_although_the_kernel_is_reused(tmp_path, pinned_source):
    config = probe_project(tmp_path)
    summary = runner.build(config, UNITS[:2], config.periods, jobs=1, prepare=None, progress=False)
    assert [r.status for r in summary.results] == ["ok", "ok"], summary.results

    notebooks = [
        nbformat.read(config.report_dir(unit.code, "2026-H2") / name, as_version=4)
        for unit in UNITS[:2]
        for name in ("01_opschonen.ipynb", "02_rapport.ipynb")
    ]
    first = outputs(notebooks[0])
    text = "".join(o.get("text", "") for cell in first for o in cell)
    # what a new kernel shows: the parameters and this cell's own names, nothing left over
    assert "'lek'" not in text and "'project_root'" in text
    assert "werkmap is de rapportmap: True" in text
    assert "omgeving: None" in text and "pad: []" in text and "lijndikte: 1.5" in text
    assert "proefwaarschuwing" in text  # on stderr, shown
    for nb in notebooks[1:]:
        assert outputs(nb) == first
    for nb in notebooks:
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))
    # and it was one kernel: both runs, both notebooks
    pids = {
        line
        for unit in UNITS[:2]
        for line in (config.report_dir(unit.code, "2026-H2") / "pids.txt").read_text().split()
    }
    assert len(pids) == 1


def test_a_failed_run_gets_a_new_kernel_and_the_next_run_is_fine(tmp_path, pinned_source):
    config = probe_project(tmp_path, body=(PID_CELL,))
    write_notebook(
        config.notebooks_dir / "02_rapport.ipynb",
        PID_CELL,
        f'if gemeente == "GM0396":\n    {RAISE_CELL}',
    )
    summary = runner.build(config, UNITS[:2], config.periods, jobs=1, prepare=None, progress=False)

    by_unit = {r.spec.gemeente: r for r in summary.results}
    assert by_unit["GM0396"].status == "failed" and "kapotte invoer" in by_unit["GM0396"].message
    assert by_unit["GM0398"].status == "ok"
    kept = config.reports_dir / "GM0396" / ".2026-H2.mislukt.ipynb"
    assert kept.is_file() and "kapotte invoer voor GM0396" in kept.read_text()
    pids = (config.report_dir("GM0398", "2026-H2") / "pids.txt").read_text().split()
    assert len(set(pids)) == 1  # both notebooks of GM0398 in one kernel ...
    failed_nb = nbformat.read(kept, as_version=4)
    failed_pid = "".join(
        o.get("text", "") for c in failed_nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert pids[0] not in failed_pid  # ... which is not the kernel of the failed run


def test_a_kernel_is_replaced_after_its_quota_of_notebooks(tmp_path, pinned_source):
    from tussenstand.kernel import KernelPool

    config = probe_project(tmp_path, body=(PID_CELL,))
    with KernelPool(runner.KERNEL_NAME, runner.KERNEL_DIR_PREFIX, max_notebooks=3) as pool:
        for unit in UNITS[:2]:
            spec = runner.make_spec(config, unit.code, "2026-H2")
            assert runner.execute_run(config, spec, kernels=pool).status == "ok"
        assert pool.started == 2
    pids = [
        (config.report_dir(unit.code, "2026-H2") / "pids.txt").read_text().split()
        for unit in UNITS[:2]
    ]
    # notebooks 1-3 in the first kernel, the 4th in a new one
    assert pids[0][0] == pids[0][1] == pids[1][0] != pids[1][1]
