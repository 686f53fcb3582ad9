"""Execute the parameterized notebooks for every (gemeente, periode): safely, incrementally, in parallel.

One *run* executes the notebooks of ``tussenstand.yml`` (``01_opschonen.ipynb`` then
``02_rapport.ipynb``) in order for one monitored unit (a gemeente or a regio) and one report period.

Safety
    A run executes into a temporary folder beside its target,
    ``reports/<gemeente>/.<periode>.tmp-<random>/``. Only when every notebook succeeded does that
    folder replace ``reports/<gemeente>/<periode>/`` (the old folder is renamed away, the new one
    renamed in, the old one deleted). A failed run leaves the previous good report untouched and
    removes its temporary folder; the failed executed notebook is kept as
    ``reports/<gemeente>/.<periode>.mislukt.ipynb`` for inspection.

    One build at a time per project: :func:`build` holds ``reports/.build.lock``
    (:func:`tussenstand.locks.build_lock`); a second build stops with a message naming the first.
    A build that was killed (``kill -9``) cannot clean up: the next build, holding the lock,
    removes its temporary report folders and its kernel-socket folders
    (:func:`remove_stale_run_folders`, :func:`tussenstand.locks.remove_stale_temp_dirs`), and puts
    back a report folder that was renamed away in the middle of a swap. Folders whose name starts
    with ``.`` are never published (:mod:`tussenstand.site`, ``_quarto.yml``).

Parameters a notebook receives (its cell tagged ``parameters`` must define all of them, with
defaults that work when the notebook runs on its own, e.g. under nbval):

    ``gemeente``      the unit code (``GM0396`` or a regio code)
    ``periode``       the report period code (``2026-H2``, ``2026``)
    ``cbs_dir``       absolute path of the folder with the CBS tables
    ``project_root``  absolute path of the project (the folder with ``tussenstand.yml``)
    ``output_dir``    absolute path of the folder this run writes its report files into; it is
                      also the kernel's working directory, so relative paths (``figuren/x.png``)
                      end up inside the report. Do not print or store this path: it is temporary.

papermill inserts the values in a new cell right after the ``parameters`` cell, tagged
``injected-parameters`` (papermill's ``report_mode`` is not used: it hides the source of *all*
code cells; hiding cells on the site is up to :mod:`tussenstand.site` and Quarto).

Incremental builds
    ``reports/.manifest.json`` holds, per (gemeente, periode), a content hash of the notebook
    templates, the parameters, the project config, every file under ``data/raw/`` and the CBS
    folder, the package source (``tussenstand/**/*.py``) and the summary of the unit's previous
    report (a report says what changed since that one). A run whose hash equals the one of its
    last success (and whose report folder is complete) is skipped; ``force=True`` reruns it. A
    run to do makes the unit's later periods runs to do as well. File hashes are cached in the
    manifest keyed on size and modification time, so a no-op build reads no file contents.

Parallelism
    :func:`build` submits the runs to a :class:`concurrent.futures.Executor`. The default is a
    ``ThreadPoolExecutor(jobs or os.cpu_count())``: the notebooks run in kernel processes, so
    threads parallelise well. Each thread keeps one warm kernel for all its runs
    (:class:`tussenstand.kernel.KernelPool`: imports once per kernel, the kernel reset before
    every notebook). Units run side by side; the periods of one unit run one after another, oldest
    first, because a report compares with the unit's previous one. Any other ``Executor`` works,
    for instance dask.distributed (the ``distributed`` extra); each run then starts one kernel for
    its notebooks::

        from dask.distributed import Client
        client = Client("tcp://scheduler:8786")   # workers must share the project folder
        build(config, units, periods, executor=client.get_executor(pure=False))

    A dask ``Client`` itself is not a ``concurrent.futures.Executor``; when one is passed,
    :func:`build` calls its ``get_executor(pure=False)``. Before any run starts, a ``prepare`` hook
    runs once in the calling process (by default it builds the national CBS cache), so parallel
    runs do not race to build shared inputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import tussenstand
from tussenstand.atomic import make_readable, write_text_atomic
from tussenstand.config import CONFIG_FILE, ProjectConfig
from tussenstand.locks import BuildLocked, build_lock, remove_stale_temp_dirs
from tussenstand.nlformat import fmt_number
from tussenstand.periods import Period, parse_report_period

if TYPE_CHECKING:  # frameworks (pydantic, yaml) is not needed to run notebooks
    from tussenstand.frameworks import MonitoredUnit
    from tussenstand.kernel import KernelPool

#: Names of the parameters every notebook receives (see the module docstring).
NOTEBOOK_PARAMETERS = ("gemeente", "periode", "cbs_dir", "project_root", "output_dir")
KERNEL_NAME = "python3"
MANIFEST_NAME = ".manifest.json"
MANIFEST_VERSION = 1
FAILED_SUFFIX = ".mislukt.ipynb"
#: a run's temporary report folder is ``.<periode>.tmp-<random>``; a replaced report is renamed
#: to ``.<periode>.old-<random>`` for the moment of the swap
TMP_MARK = ".tmp-"
OLD_MARK = ".old-"
#: the kernels' socket folders in the machine's temporary folder
KERNEL_DIR_PREFIX = "tussenstand-kernel-"

RunStatus = Literal["ok", "skipped", "failed"]


class RunnerError(RuntimeError):
    """A problem that stops a whole build (not a single failed run)."""


# ----- specs and results -----------------------------------------------------------------------
@dataclass(frozen=True)
class RunSpec:
    """One run: the notebooks to execute, in order, for one unit and one report period."""

    gemeente: str
    periode: str
    notebooks: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        return f"{self.gemeente}/{self.periode}"

    @property
    def label_nl(self) -> str:
        return f"gemeente {self.gemeente}, periode {self.periode}"


@dataclass
class RunResult:
    spec: RunSpec
    status: RunStatus
    seconds: float = 0.0
    message: str = ""
    report_dir: Path | None = None
    notebook: str | None = None
    cell_index: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class BuildSummary:
    results: list[RunResult]
    seconds: float
    #: what a killed build had left behind and this build removed (or put back)
    cleaned: list[Path] = field(default_factory=list)

    def _count(self, status: RunStatus) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ran(self) -> int:
        return self._count("ok")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def failures(self) -> list[RunResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def text_nl(self) -> str:
        """One Dutch summary line: ``Klaar in 12,3 s: 4 uitgevoerd, 2 overgeslagen, 0 mislukt.``"""
        secs = fmt_number(self.seconds, 1)
        text = (
            f"Klaar in {secs} s: {self.ran} uitgevoerd, {self.skipped} overgeslagen "
            f"(ongewijzigd), {self.failed} mislukt."
        )
        if self.cleaned:
            text += (
                f" Opgeruimd: {len(self.cleaned)} tijdelijke map(pen) van een eerder afgebroken "
                "build."
            )
        return text


# ----- specs from the config --------------------------------------------------------------------
def _code(unit: MonitoredUnit | str) -> str:
    return unit if isinstance(unit, str) else unit.code


def make_spec(config: ProjectConfig, gemeente: str, periode: Period | str) -> RunSpec:
    """The run of ``config.notebooks`` for one unit code and one report period."""
    return RunSpec(
        gemeente=gemeente,
        periode=str(periode),
        notebooks=tuple(config.notebooks),
        parameters={
            "gemeente": gemeente,
            "periode": str(periode),
            "cbs_dir": str(config.cbs_dir),
            "project_root": str(config.root),
        },
    )


def plan_runs(
    config: ProjectConfig, units: Iterable[MonitoredUnit | str], periods: Iterable[Period | str]
) -> list[RunSpec]:
    """Every (unit, period) pair once, units in the given order, periods within a unit."""
    seen: set[tuple[str, str]] = set()
    specs = []
    periods = list(periods)
    for unit in units:
        for period in periods:
            pair = (_code(unit), str(period))
            if pair not in seen:
                seen.add(pair)
                specs.append(make_spec(config, *pair))
    return specs


# ----- one run ----------------------------------------------------------------------------------
def execute_run(
    config: ProjectConfig,
    spec: RunSpec,
    progress_bar: bool = False,
    kernels: KernelPool | None = None,
) -> RunResult:
    """Execute ``spec``'s notebooks with papermill; on success replace the report folder atomically.

    The notebooks run one after the other in a warm kernel of ``kernels`` (the calling thread's,
    see :mod:`tussenstand.kernel`), reset before each notebook; without a pool the run starts a
    kernel of its own for its notebooks and shuts it down at the end. A failed run retires its
    kernel. Never raises for a failing notebook: the :class:`RunResult` then has status
    ``failed`` and a Dutch message naming the gemeente, the period, the notebook and the failing
    cell.
    """
    import papermill as pm  # imported here: keeps `tussenstand list` and no-op builds fast
    from papermill.exceptions import PapermillExecutionError

    from tussenstand.kernel import WARM_ENGINE, KernelPool

    started = time.perf_counter()
    target = config.report_dir(spec.gemeente, spec.periode)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.periode}{TMP_MARK}", dir=target.parent))
    failed_copy = target.parent / f".{spec.periode}{FAILED_SUFFIX}"
    parameters = {**spec.parameters, "output_dir": str(tmp)}
    pool = kernels if kernels is not None else KernelPool(KERNEL_NAME, KERNEL_DIR_PREFIX)
    kernel = None
    current = None
    try:
        for name in spec.notebooks:
            current = name
            source = config.notebooks_dir / name
            if not source.is_file():
                raise FileNotFoundError(
                    f"notebook {source} bestaat niet (genoemd in {CONFIG_FILE})"
                )
            kernel = pool.kernel()
            pm.execute_notebook(
                str(source),
                str(tmp / name),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                engine_name=WARM_ENGINE,
                progress_bar=progress_bar,
                report_mode=False,
                # no save after every cell: the executed notebook is written once at the end (and
                # on an error), which keeps JSON work out of the shared main process
                request_save_on_cell_execute=False,
                warm_kernel=kernel,
                # The kernel's working directory, set by the kernel's reset before the first cell.
                # Not papermill's `cwd=`: that calls os.chdir, which is process-wide and races
                # between the threads of a parallel build.
                kernel_cwd=str(tmp),
            )
        _finish_report_folder(config, tmp, target, spec)
        _replace_dir(tmp, target)
        failed_copy.unlink(missing_ok=True)
        return RunResult(spec, "ok", time.perf_counter() - started, report_dir=target)
    except PapermillExecutionError as exc:
        pool.retire(kernel)
        kept = _keep_failed(config, tmp / current, failed_copy, tmp, target) if current else None
        first_line = next((ln for ln in (exc.source or "").splitlines() if ln.strip()), "")
        message = (
            f"{spec.label_nl}: notebook {current} faalde in cel {exc.cell_index} "
            f"(In [{exc.exec_count}]: {first_line.strip()[:80]!r}): {exc.ename}: {exc.evalue}"
        )
        if kept:
            message += f" (uitgevoerd notebook bewaard als {_rel(kept, config.root)})"
        return RunResult(
            spec,
            "failed",
            time.perf_counter() - started,
            message=message,
            notebook=current,
            cell_index=exc.cell_index,
        )
    except Exception as exc:  # kernel died, notebook missing, bad parameters cell, ...
        pool.retire(kernel)
        message = f"{spec.label_nl}: notebook {current} faalde: {type(exc).__name__}: {exc}"
        return RunResult(
            spec, "failed", time.perf_counter() - started, message=message, notebook=current
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if kernels is None:
            pool.close()


def _finish_report_folder(config: ProjectConfig, folder: Path, target: Path, spec: RunSpec) -> None:
    """Before the executed report moves into place: no machine paths or user names in its
    notebooks (papermill records them), and the usual file modes (mkdtemp makes folders private)."""
    from tussenstand.scrub import scrub_executed_notebook

    for name in spec.notebooks:
        scrub_executed_notebook(folder / name, config.root, _private_paths(config, folder, target))
    make_readable(folder)


def _private_paths(config: ProjectConfig, folder: Path, target: Path) -> dict[str, str]:
    """The run's absolute paths and what a kept notebook says instead: the temporary ``folder``
    becomes the report's place, the CBS folder (outside the project) ``<CBS-map>``."""
    paths = {str(folder): _rel(target, config.root)}
    cbs = Path(config.cbs_dir)
    for p in {str(cbs), str(cbs.resolve())}:
        paths.setdefault(p, "<CBS-map>")
    return paths


def _keep_failed(
    config: ProjectConfig, executed: Path, dest: Path, folder: Path, target: Path
) -> Path | None:
    """Keep the failed notebook as ``dest``, scrubbed like a good one (no machine paths, no user
    names; the temporary ``folder`` named as the report's ``target``) and without personal data in
    its outputs; None when there is nothing to keep or it cannot be made safe."""
    from tussenstand.scrub import NotebookError, scrub_failed_notebook

    if not executed.is_file():
        return None
    try:
        scrub_failed_notebook(executed, config.root, _private_paths(config, folder, target))
        shutil.copyfile(executed, dest)
    except (OSError, NotebookError):
        dest.unlink(missing_ok=True)  # never an unscrubbed copy
        return None
    return dest


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``: rename the old folder away, rename the new one in, delete the old."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}{OLD_MARK}{secrets.token_hex(4)}"
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_stale_run_folders(config: ProjectConfig) -> list[Path]:
    """What killed runs left in ``reports/<code>/``: temporary report folders are removed; a
    report folder renamed away for a swap (``.<periode>.old-*``) is put back when its report is
    missing, else removed. Only call this holding the build lock: then no run is using them."""
    cleaned: list[Path] = []
    if not config.reports_dir.is_dir():
        return cleaned
    for unit_dir in sorted(config.reports_dir.iterdir()):
        if not unit_dir.is_dir() or unit_dir.name.startswith((".", "_")):
            continue
        for path in sorted(unit_dir.iterdir()):
            if not path.name.startswith(".") or not path.is_dir() or path.is_symlink():
                continue
            if TMP_MARK in path.name:
                shutil.rmtree(path, ignore_errors=True)
                cleaned.append(path)
            elif OLD_MARK in path.name:
                report = unit_dir / path.name[1:].split(OLD_MARK)[0]
                if report.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.rename(path, report)  # the previous good report, back in place
                cleaned.append(path)
    return cleaned


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


# ----- hashing and the manifest -----------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _visible_files(folder: Path) -> list[Path]:
    """Files under ``folder``, skipping hidden files and folders (``.cache``, ``.DS_Store``)."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if path.is_file():
            out.append(path)
    return sorted(out)


class FileHasher:
    """Content hashes of files, cached on (size, mtime_ns) so unchanged files are not read again."""

    def __init__(self, cache: dict[str, list] | None = None):
        self.cache: dict[str, list] = dict(cache or {})
        self.used: dict[str, list] = {}

    def file(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        hit = self.cache.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            digest = hit[2]
        else:
            digest = _sha256_file(path)
        self.used[key] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def tree(self, folders: Sequence[Path]) -> str:
        """One hash over the relative names and contents of every visible file in ``folders``."""
        h = hashlib.sha256()
        seen: set[Path] = set()
        for folder in folders:
            folder = folder.resolve()
            for path in _visible_files(folder):
                if path in seen:
                    continue
                seen.add(path)
                h.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
                h.update(self.file(path).encode())
        return h.hexdigest()


def package_source_dir() -> Path:
    return Path(tussenstand.__file__).resolve().parent


def input_fingerprint(config: ProjectConfig, hasher: FileHasher) -> dict[str, str]:
    """Hashes of what every run depends on besides its own notebooks and parameters."""
    config_file = config.root / CONFIG_FILE
    return {
        "config": hasher.file(config_file) if config_file.is_file() else "",
        "raw": hasher.tree([config.raw_dir]),
        "cbs": hasher.tree([config.cbs_dir]),
        "code": hasher.tree([package_source_dir()]),
    }


def run_fingerprint(
    config: ProjectConfig, spec: RunSpec, inputs: dict[str, str], hasher: FileHasher
) -> str:
    h = hashlib.sha256()
    for name in spec.notebooks:
        path = config.notebooks_dir / name
        h.update(f"notebook:{name}\0".encode())
        h.update((hasher.file(path) if path.is_file() else "missing").encode())
    params = json.dumps(spec.parameters, sort_keys=True, default=str)
    h.update(f"parameters:{params}\0".encode())
    for key in sorted(inputs):
        h.update(f"{key}:{inputs[key]}\0".encode())
    h.update(f"previous:{previous_report_digest(config, spec, hasher)}\0".encode())
    return h.hexdigest()


def previous_report_digest(config: ProjectConfig, spec: RunSpec, hasher: FileHasher) -> str:
    """The hash of the summary of the report ``spec``'s report compares with (the unit's latest
    report of an earlier period, :func:`tussenstand.handoff.previous_summary_path`); ``none``
    for the unit's first report."""
    from tussenstand.handoff import previous_summary_path  # pydantic: only when runs are planned

    path = previous_summary_path(
        config.reports_dir / spec.gemeente, parse_report_period(spec.periode)
    )
    return hasher.file(path) if path is not None else "none"


def manifest_path(config: ProjectConfig) -> Path:
    return config.reports_dir / MANIFEST_NAME


def read_manifest(config: ProjectConfig) -> dict:
    path = manifest_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {"version": MANIFEST_VERSION, "runs": {}, "files": {}}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {"version": MANIFEST_VERSION, "runs": {}, "files": {}}
    data.setdefault("runs", {})
    data.setdefault("files", {})
    return data


def write_manifest(config: ProjectConfig, manifest: dict) -> None:
    """Write the manifest atomically (temp file in the same folder, then ``os.replace``)."""
    write_text_atomic(manifest_path(config), json.dumps(manifest, indent=1, sort_keys=True))


def report_complete(config: ProjectConfig, spec: RunSpec) -> bool:
    folder = config.report_dir(spec.gemeente, spec.periode)
    return all((folder / name).is_file() for name in spec.notebooks)


# ----- the prepare hook -------------------------------------------------------------------------
def prepare_shared_inputs(config: ProjectConfig) -> None:
    """Build shared inputs once before parallel runs: the national CBS cache and the ranks of
    every gemeente computed from it."""
    # imported here: pandas is not needed for `tussenstand list` or a no-op build
    from tussenstand.sources.cbs_national import load_national_series
    from tussenstand.sources.distribution import load_distribution

    national = load_national_series(config.cbs_dir, config.processed_dir)
    load_distribution(national, config.processed_dir, config.disclosure_threshold, series=[])


# ----- the build --------------------------------------------------------------------------------
def build(
    config: ProjectConfig,
    units: Iterable[MonitoredUnit | str],
    periods: Iterable[Period | str],
    jobs: int | None = None,
    force: bool = False,
    executor: Executor | Any | None = None,
    progress: bool = True,
    prepare: Callable[[ProjectConfig], Any] | None | str = "default",
    before: Callable[[], Any] | None = None,
) -> BuildSummary:
    """Run every (unit, period) pair whose inputs changed since its last success.

    Holds the project's build lock throughout: while another build of the project runs, raises
    :class:`RunnerError` naming it (and does nothing). First removes what a killed build left
    behind (see the module docstring), then calls ``before`` (the CLI fetches missing CBS tables
    there: under the lock, and before any input is fingerprinted). Everything else:
    :func:`_build_unlocked`.
    """
    try:
        with build_lock(config.reports_dir):
            cleaned = remove_stale_run_folders(config)
            cleaned += remove_stale_temp_dirs(KERNEL_DIR_PREFIX)
            if before is not None:
                before()
            summary = _build_unlocked(
                config, units, periods, jobs, force, executor, progress, prepare
            )
    except BuildLocked as exc:
        raise RunnerError(str(exc)) from None
    summary.cleaned = cleaned
    return summary


def _build_unlocked(
    config: ProjectConfig,
    units: Iterable[MonitoredUnit | str],
    periods: Iterable[Period | str],
    jobs: int | None = None,
    force: bool = False,
    executor: Executor | Any | None = None,
    progress: bool = True,
    prepare: Callable[[ProjectConfig], Any] | None | str = "default",
) -> BuildSummary:
    """Run every (unit, period) pair whose inputs changed since its last success.

    ``units`` are :class:`~tussenstand.frameworks.MonitoredUnit` objects or plain codes. ``jobs``
    sets the size of the default thread pool (``os.cpu_count()`` when ``None``); with ``jobs=1``
    and no ``executor`` the runs execute one after another in this thread. ``executor`` may be any
    :class:`concurrent.futures.Executor` (or a dask ``Client``, see the module docstring); it is not
    shut down. ``prepare`` runs once, in this process, before the first run (not when every run is
    skipped); the default is :func:`prepare_shared_inputs`, ``None`` skips it. A failing ``prepare``
    raises :class:`RunnerError`. Returns a :class:`BuildSummary`; failed runs do not stop the others.
    """
    if prepare == "default":
        prepare = prepare_shared_inputs
    started = time.perf_counter()
    specs = plan_runs(config, units, periods)
    manifest = read_manifest(config)
    hasher = FileHasher(manifest.get("files"))
    inputs = input_fingerprint(config, hasher)
    results, todo = _skip_unchanged(config, specs, manifest, hasher, inputs, force)
    manifest["files"] = hasher.used
    if todo and prepare is not None:
        try:
            prepare(config)
        except Exception as exc:
            raise RunnerError(
                f"voorbereiding mislukt, er is niets uitgevoerd ({getattr(prepare, '__name__', prepare)}): "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    def record(result: RunResult, digest: str) -> None:
        results.append(result)
        if result.status == "ok":
            manifest["runs"][result.spec.key] = {
                "hash": digest,
                "seconds": round(result.seconds, 2),
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            write_manifest(config, manifest)

    def fingerprint(spec: RunSpec, digest: str | None) -> str:
        """A run that waited for an earlier period of its unit is fingerprinted when it starts:
        with the summary that run has just written."""
        return digest or run_fingerprint(config, spec, inputs, hasher)

    bar = _progress_bar(len(todo), progress)
    # Warm kernels shared by the runs of this build: only for the threads of this process (a
    # foreign executor, e.g. dask, may run elsewhere: there each run starts a kernel of its own).
    kernels = _kernel_pool() if todo and executor is None else None
    try:
        if executor is None and (jobs == 1 or len(todo) <= 1):
            for spec, digest in todo:
                digest = fingerprint(spec, digest)
                record(execute_run(config, spec, kernels=kernels), digest)
                bar.update(1)
        else:
            _run_parallel(config, todo, jobs, executor, record, bar, fingerprint, kernels)
    finally:
        if kernels is not None:
            kernels.close()
        bar.close()
        if not todo:
            # keep the file-hash cache fresh even when nothing ran (touching a file rehashes it once)
            with contextlib.suppress(OSError):
                write_manifest(config, manifest)

    order = {spec.key: i for i, spec in enumerate(specs)}
    results.sort(key=lambda r: order[r.spec.key])
    return BuildSummary(results, time.perf_counter() - started)


def _skip_unchanged(
    config: ProjectConfig,
    specs: list[RunSpec],
    manifest: dict,
    hasher: FileHasher,
    inputs: dict[str, str],
    force: bool,
) -> tuple[list[RunResult], list[tuple[RunSpec, str | None]]]:
    """Runs whose inputs are unchanged since their last success (skipped), and the runs to do
    with the fingerprint they will be recorded under.

    A unit's runs are taken oldest period first. Once one of them is to do, the later ones are to
    do as well (their report compares with it: :mod:`tussenstand.report.changes`); their
    fingerprint is None until the earlier run has finished.
    """
    skipped: list[RunResult] = []
    todo: list[tuple[RunSpec, str | None]] = []
    waiting: set[str] = set()
    for spec in _oldest_first(specs):
        if spec.gemeente in waiting:
            todo.append((spec, None))
            continue
        digest = run_fingerprint(config, spec, inputs, hasher)
        previous = manifest["runs"].get(spec.key, {})
        if not force and previous.get("hash") == digest and report_complete(config, spec):
            skipped.append(
                RunResult(
                    spec, "skipped", report_dir=config.report_dir(spec.gemeente, spec.periode)
                )
            )
        else:
            todo.append((spec, digest))
            waiting.add(spec.gemeente)
    return skipped, todo


def _oldest_first(specs: list[RunSpec]) -> list[RunSpec]:
    """The runs grouped by unit (in the order the units come), each unit's periods oldest first."""
    first: dict[str, int] = {}
    for i, spec in enumerate(specs):
        first.setdefault(spec.gemeente, i)

    def key(spec: RunSpec) -> tuple:
        period = parse_report_period(spec.periode)
        return (first[spec.gemeente], period.end, period.start)

    return sorted(specs, key=key)


def _run_parallel(
    config: ProjectConfig,
    todo: list[tuple[RunSpec, str | None]],
    jobs: int | None,
    executor: Executor | Any | None,
    record: Callable[[RunResult, str], None],
    bar: Any,
    fingerprint: Callable[[RunSpec, str | None], str],
    kernels: KernelPool | None = None,
) -> None:
    """Submit the runs to ``executor`` (default: a thread pool of ``jobs``) and record each result
    as it completes; a failure of the executor itself becomes a failed run. ``kernels`` (only for
    the default thread pool) are the build's warm kernels.

    Units run in parallel; the periods of one unit one after another, oldest first: a later
    report compares with the earlier one, so it starts when that one has finished (successfully
    or not). Its fingerprint is taken then (``fingerprint``).
    """
    own = executor is None
    pool = (
        ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)
        if own
        else _as_executor(executor)
    )
    chains: dict[str, list[tuple[RunSpec, str | None]]] = {}
    for spec, digest in todo:
        chains.setdefault(spec.gemeente, []).append((spec, digest))
    futures: dict[Future, tuple[RunSpec, str]] = {}

    def submit_next(unit: str) -> None:
        if chains[unit]:
            spec, digest = chains[unit].pop(0)
            digest = fingerprint(spec, digest)
            if own and kernels is not None:
                fut = pool.submit(execute_run, config, spec, kernels=kernels)
            else:
                fut = pool.submit(execute_run, config, spec)
            futures[fut] = (spec, digest)

    try:
        for unit in chains:
            submit_next(unit)
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for fut in done:
                spec, digest = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # the executor itself failed (worker lost, pickling)
                    result = RunResult(
                        spec,
                        "failed",
                        message=f"{spec.label_nl}: uitvoering mislukt: {type(exc).__name__}: {exc}",
                    )
                record(result, digest)
                bar.update(1)
                submit_next(spec.gemeente)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def _kernel_pool() -> KernelPool:
    from tussenstand.kernel import KernelPool  # jupyter_client, papermill: only when runs run

    return KernelPool(KERNEL_NAME, KERNEL_DIR_PREFIX)


def _as_executor(executor: Any) -> Executor:
    if isinstance(executor, Executor):
        return executor
    if hasattr(executor, "get_executor"):  # dask.distributed.Client
        return executor.get_executor(pure=False)
    if hasattr(executor, "submit"):
        return executor  # duck-typed: submit() must return concurrent.futures.Future objects
    raise TypeError(
        f"executor moet een concurrent.futures.Executor zijn, niet {type(executor).__name__}"
    )


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Rapporten", unit="run", file=sys.stderr)
