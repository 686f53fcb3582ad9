"""A killed or doubled build leaves nothing behind: real processes, killed with SIGKILL.

Each build here is a real Python process that runs the runner on a small project with tiny
notebooks (tests/notebook_project.py). Its kernels' socket folders go to a temporary folder of the
test's own (``TMPDIR``), so nothing of another build on this machine is touched. The tests wait for
a file that a notebook writes to know that a build is busy; nothing here measures time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from notebook_project import UNITS, WRITE_CELL, make_project, write_notebook

from tussenstand import cli, locks, runner
from tussenstand.config import load_config
from tussenstand.site import find_reports

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 and flock: POSIX only")

#: the second notebook of a build that is busy until it is killed: it says where it is first
BUSY_CELL = """\
import os, time
from pathlib import Path
Path(project_root, "bezig.txt").write_text(str(os.getpid()))
while True:
    time.sleep(1)
"""

#: a build of one unit and one period in a process of its own, through the runner (no CBS data:
#: the prepare hook is off); exit 1 with the message on stderr when it cannot run
BUILD_SCRIPT = """\
import sys
from tussenstand.config import load_config
from tussenstand.runner import RunnerError, build
try:
    summary = build(load_config(sys.argv[1]), ["GM0396"], ["2024-H1"], jobs=1, force=True,
                    prepare=None, progress=False)
except RunnerError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
print(summary.text_nl())
sys.exit(0 if summary.ok else 1)
"""

#: how long a test waits at most for a build to get busy (a guard against hanging, not a measure)
PATIENCE_SECONDS = 300


@pytest.fixture
def sandbox(tmp_path):
    """(project, the builds' temporary folder)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    return make_project(tmp_path / "proj", periods=("2024-H1",)), temp


def start_build(root: Path, temp: Path, tmp_path: Path, name: str = "build") -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp), "TUSSENSTAND_PROJECT_ROOT": str(root)}
    env.pop("TUSSENSTAND_CBS_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT, str(root)],
        env=env,
        stdout=(tmp_path / f"{name}.out").open("w"),
        stderr=(tmp_path / f"{name}.err").open("w"),
    )


def wait_until_busy(proc: subprocess.Popen, root: Path, tmp_path: Path) -> int:
    """The pid of the busy kernel, once the notebook has said it is busy."""
    signal_file = root / "bezig.txt"
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not (signal_file.is_file() and signal_file.read_text().strip()):
        if proc.poll() is not None:
            pytest.fail(f"de build stopte vroeg: {(tmp_path / 'build.err').read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("de build werd niet bezig")
        time.sleep(0.2)
    return int(signal_file.read_text())


def kill_hard(proc: subprocess.Popen, kernel_pid: int) -> None:
    """kill -9 the build; then end its kernel (it runs in a session of its own)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.kill(kernel_pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it noticed its parent was gone and stopped itself


def leftovers(root: Path, temp: Path) -> tuple[list[Path], list[Path]]:
    reports = sorted((root / "reports" / "GM0396").glob(".2024-H1.tmp-*"))
    kernels = sorted(temp.glob("*tussenstand-kernel-*"))
    return reports, kernels


def test_a_killed_build_leaves_folders_that_the_next_build_removes(sandbox, tmp_path):
    root, temp = sandbox
    write_notebook(root / "notebooks" / "02_rapport.ipynb", BUSY_CELL)
    proc = start_build(root, temp, tmp_path)
    kernel = wait_until_busy(proc, root, tmp_path)
    kill_hard(proc, kernel)

    reports, kernels = leftovers(root, temp)
    assert len(reports) == 1 and (reports[0] / "01_opschonen.ipynb").is_file()
    assert len(kernels) == 1 and (kernels[0] / locks.OWNER_FILE).is_file()
    assert not (root / "reports" / "GM0396" / "2024-H1").exists()
    # never published: the site does not see the half-made report
    assert find_reports(load_config(root), {u.code: u for u in UNITS}) == []

    write_notebook(root / "notebooks" / "02_rapport.ipynb", WRITE_CELL)
    again = start_build(root, temp, tmp_path, "again")
    assert again.wait() == 0, (tmp_path / "again.err").read_text()
    assert leftovers(root, temp) == ([], [])
    assert (root / "reports" / "GM0396" / "2024-H1" / "uit.txt").read_text().startswith("GM0396")
    out = (tmp_path / "again.out").read_text()
    assert "Opgeruimd: 2 tijdelijke map(pen) van een eerder afgebroken build." in out


def test_a_second_build_stops_and_leaves_the_first_alone(sandbox, tmp_path, monkeypatch):
    root, temp = sandbox
    write_notebook(root / "notebooks" / "02_rapport.ipynb", BUSY_CELL)
    first = start_build(root, temp, tmp_path)
    kernel = wait_until_busy(first, root, tmp_path)
    try:
        busy = leftovers(root, temp)
        assert len(busy[0]) == 1 and len(busy[1]) == 1

        second = start_build(root, temp, tmp_path, "second")
        try:
            assert second.wait(timeout=PATIENCE_SECONDS) == 1
        finally:
            if second.poll() is None:  # it did not stop: it is doing the work a second time
                second.kill()
                second.wait()
        message = (tmp_path / "second.err").read_text()
        assert f"Er loopt al een build van dit project: proces {first.pid}, gestart op " in message
        assert str(root / "reports" / ".build.lock") in message

        # the command line says the same and exits 1 without running anything
        monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(root))
        monkeypatch.setattr(cli, "_load_units", lambda config: list(UNITS))
        ran = []
        monkeypatch.setattr(runner, "execute_run", lambda config, spec: ran.append(spec))
        result = CliRunner().invoke(cli.main, ["build"])
        assert result.exit_code == 1 and ran == []
        assert f"proces {first.pid}" in result.output

        # a build of another project on the same machine runs, and keeps its hands off the
        # first build's kernel folder
        other = make_project(tmp_path / "ander", periods=("2024-H1",))
        third = start_build(other, temp, tmp_path, "third")
        assert third.wait() == 0, (tmp_path / "third.err").read_text()

        assert leftovers(root, temp) == busy  # the running build's folders are all still there
        assert first.poll() is None
    finally:
        kill_hard(first, kernel)


# ----- without processes: what the cleaner decides ---------------------------------------------------
def test_a_report_renamed_away_in_the_middle_of_a_swap_is_put_back(tmp_path):
    root = make_project(tmp_path / "proj", periods=("2024-H1",))
    config = load_config(root)
    unit = root / "reports" / "GM0396"
    old = unit / ".2024-H1.old-1a2b3c4d"  # killed after renaming the good report away
    old.mkdir(parents=True)
    (old / "02_rapport.ipynb").write_text("{}")
    gone = unit / ".2026-H2.old-5e6f7a8b"  # killed after the new report was in place
    gone.mkdir()
    (unit / "2026-H2").mkdir()
    (unit / ".2024-H1.mislukt.ipynb").write_text("{}")  # a failed notebook is kept on purpose

    assert sorted(runner.remove_stale_run_folders(config)) == [old, gone]
    assert (unit / "2024-H1" / "02_rapport.ipynb").read_text() == "{}"
    assert not gone.exists() and (unit / "2026-H2").is_dir()
    assert (unit / ".2024-H1.mislukt.ipynb").is_file()


def test_kernel_folders_a_live_process_owns_are_kept(tmp_path):
    live = locks.OwnedTempDir(runner.KERNEL_DIR_PREFIX, tmp_path)
    assert live.path.parent == tmp_path and live.path.name.startswith(runner.KERNEL_DIR_PREFIX)
    try:
        # an owner file nobody holds: its process is gone
        dead = tmp_path / f"{runner.KERNEL_DIR_PREFIX}dood"
        dead.mkdir()
        (dead / locks.OWNER_FILE).write_text("12345\n")
        # a folder of an older tussenstand (no owner file) whose socket nobody listens on
        old = tmp_path / f"{runner.KERNEL_DIR_PREFIX}oud"
        old.mkdir()
        import socket

        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(old / "kernel-1"))  # bound, closed without listening: a dead socket
        # ... and one that is still listening
        listening = tmp_path / f"{runner.KERNEL_DIR_PREFIX}luistert"
        listening.mkdir()
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(listening / "kernel-1"))
        server.listen()
        try:
            removed = locks.remove_stale_temp_dirs(runner.KERNEL_DIR_PREFIX, tmp_path)
        finally:
            server.close()
        assert sorted(removed) == sorted([dead, old])
        assert live.path.is_dir() and listening.is_dir()
    finally:
        live.remove()
    assert not live.path.exists()
