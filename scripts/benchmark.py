"""Benchmark of `tussenstand build`: serial vs parallel, a no-op rebuild, memory per worker.

    python scripts/benchmark.py                    # the frameworks in data/raw/kaders, every period
    python scripts/benchmark.py --synthetic 40     # ... plus 40 more municipalities, 1 period
    python scripts/benchmark.py --national         # every municipality (`gemeenten: alle`), 1 period
    python scripts/benchmark.py --demo             # small CPU-bound template notebooks (no data)

Everything runs in a temporary copy of the project (``--keep`` keeps it): the real ``reports/``,
``data/processed/`` and manifest are never touched. The CBS folder is read in place
(``--cbs-dir``, else ``$TUSSENSTAND_CBS_DIR``, else the project's). The national CBS cache is built
once before the timings.

Modes
    default      the project's own frameworks and report periods (``gemeenten: geen`` in the copy).
    --synthetic N  the project's frameworks plus N municipalities from the newest CBS areas table,
                 spread over the alphabet, each with a copy of a CBS-only framework (``--template``,
                 default ``hoorn.yaml``: BBV indicators and context, no goals; what a municipality
                 without its own plan gets) and the default comparison group; one period
                 (``--periode``). A stand-in for the national run.
    --national   writes ``gemeenten: alle`` into the copy's ``tussenstand.yml`` (every municipality
                 of the newest CBS areas table gets a report) and builds one period. Needs a
                 tussenstand that knows that setting.
    --demo       tiny notebooks that only burn CPU: the runner's own overhead and parallelism.

What it measures, each build a fresh ``tussenstand build`` process (what a user runs):
    serial       ``--jobs 1 --force`` (skip with ``--skip-serial``);
    parallel     ``--jobs N --force`` (``--jobs``, default 2); the speed-up serial/parallel;
    no-op        nothing changed, everything skipped: in this process and in a fresh process;
    per report   wall seconds and CPU seconds (the build process and its kernels);
    memory       the peak resident memory (VmHWM) of the build process and of each kernel (a
                 kernel is one worker's process), sampled from /proc on Linux; elsewhere only the
                 largest process (``getrusage``).
Targets on 2 cores (issue 12): national build at most 10 minutes and 1 GiB per worker, no-op
build under 2 s, parallel at least 1.7 times as fast as serial. Other work on the machine
makes wall times noisy: compare CPU seconds per report for decisions.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from tussenstand import runner
from tussenstand.config import CBS_DIR_ENV, CONFIG_FILE, PROJECT_ROOT_ENV, load_config
from tussenstand.nlformat import fmt_number
from tussenstand.site.quarto import site_sources

PROJECT_ROOT = Path(__file__).resolve().parents[1]
GIB = 1024**3

DEMO_PARAMETERS = """\
gemeente = "GM0000"
periode = "2026-H2"
cbs_dir = ""
project_root = ""
output_dir = "."
"""

# Pure-Python work, like the cleaning and chart code: holds one core for about `seconds`.
DEMO_WORK = """\
import time
from pathlib import Path
start = time.process_time()
total = 0
while time.process_time() - start < {seconds}:
    total += sum(i * i for i in range(20_000))
Path("{name}.txt").write_text(f"{{gemeente}} {{periode}} {{total}}")
"""

#: the build's Dutch summary line: "Klaar in 12,3 s: 4 uitgevoerd, 2 overgeslagen (...), 0 mislukt."
SUMMARY_RE = re.compile(r"(\d+) uitgevoerd, (\d+) overgeslagen.*?(\d+) mislukt")


def _fmt(seconds: float) -> str:
    return f"{fmt_number(seconds, 2)} s"


def _mib(size: float) -> str:
    return f"{fmt_number(size / 1024**2, 0)} MiB"


# ----- projects -----------------------------------------------------------------------------------
def _demo_notebook(path: Path, seconds: float) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(DEMO_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(DEMO_WORK.format(seconds=seconds, name=path.stem)),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def make_demo_project(root: Path, units: int, seconds: float) -> tuple[Path, list[str]]:
    (root / "data" / "raw" / "cbs").mkdir(parents=True)
    (root / "data" / "raw" / "cbs" / "README.md").write_text("demo\n")
    (root / CONFIG_FILE).write_text(
        "periodes:\n  - 2024-H1\n  - 2026-H2\n"
        "notebooks:\n  - 01_opschonen.ipynb\n  - 02_rapport.ipynb\n"
        "cbs_dir: data/raw/cbs\n",
        encoding="utf-8",
    )
    _demo_notebook(root / "notebooks" / "01_opschonen.ipynb", seconds / 3)
    _demo_notebook(root / "notebooks" / "02_rapport.ipynb", seconds)
    return root, [f"GM{9000 + i:04d}" for i in range(units)]


def make_real_copy(root: Path, cbs_dir: Path | None) -> tuple[Path, Path]:
    """Copy config, notebooks and data/raw (not the CBS folder, read in place) into ``root``."""
    source = load_config(root=PROJECT_ROOT, cbs_dir=cbs_dir)
    missing = [n for n in source.notebooks if not (source.notebooks_dir / n).is_file()]
    if missing:
        sys.exit(f"notebooks ontbreken in notebooks/: {missing}")
    root.mkdir(parents=True)
    shutil.copy2(source.root / CONFIG_FILE, root / CONFIG_FILE)
    shutil.copytree(source.notebooks_dir, root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(
        source.raw_dir, root / "data" / "raw", ignore=_ignore_hidden_and(source.cbs_dir)
    )
    # the website's sources, so that `tussenstand render` works in the copy too (--keep)
    for name in site_sources(PROJECT_ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, root / name)
    return root, source.cbs_dir


def _ignore_hidden_and(folder: Path):
    def ignore(directory: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if n.startswith(".") or Path(directory, n).resolve() == folder.resolve()
        ]

    return ignore


def set_config(root: Path, **settings: object) -> None:
    """Change top-level settings of the copy's tussenstand.yml."""
    path = root / CONFIG_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.update(settings)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_synthetic_units(root: Path, cbs_dir: Path, count: int, template: str) -> list[str]:
    """``count`` municipalities of the newest areas table that have no framework yet, spread over
    the alphabet of codes, each with a copy of ``template`` (its goals dropped, its comparison
    group left to the default)."""
    from tussenstand.frameworks import monitored_units
    from tussenstand.sources.areas import load_areas

    kaders = root / "data" / "raw" / "kaders"
    taken = {code for unit in monitored_units(kaders) for code in unit.members}
    areas = load_areas(cbs_dir)
    names = dict(zip(areas["gemeente"], areas["gemeente_naam"], strict=True))
    free = sorted(code for code in names if code not in taken)
    if count > len(free):
        sys.exit(f"--synthetic {count}: er zijn maar {len(free)} gemeenten zonder kader")
    step = len(free) / count
    chosen = [free[int(i * step)] for i in range(count)]
    base = yaml.safe_load((kaders / template).read_text(encoding="utf-8"))
    year = int(areas["jaar"].max())
    for code in chosen:
        framework = dict(base)
        framework.update(
            id=f"synthetisch-{code.lower()}",
            title=f"{base['title']} (synthetisch, {names[code]})",
            municipalities=[{"code": code, "name": names[code]}],
            region=None,
            years={"start": year, "end": year},
            evaluation_year=None,
            goals=[],
        )
        framework.pop("comparison", None)
        framework.pop("budget", None)
        (kaders / f"synthetisch-{code.lower()}.yaml").write_text(
            yaml.safe_dump(framework, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return chosen


def national_count(cbs_dir: Path) -> int:
    """The number of municipalities in the newest CBS areas table."""
    from tussenstand.sources.areas import load_areas

    return int(load_areas(cbs_dir)["gemeente"].nunique())


# ----- one build in a process of its own ------------------------------------------------------------
@dataclass
class Build:
    wall: float
    cpu: float
    ran: int
    skipped: int
    main_peak: int = 0
    kernel_peaks: list[int] = field(default_factory=list)
    largest_process: int = 0
    #: the failed runs' messages (they count in the timings: they took time too)
    failures: list[str] = field(default_factory=list)

    @property
    def per_report(self) -> float:
        return self.wall / max(self.ran, 1)

    @property
    def cpu_per_report(self) -> float:
        return self.cpu / max(self.ran, 1)


class MemorySampler(threading.Thread):
    """Peak resident memory (VmHWM, the high-water mark the operating system keeps) of a process
    and of every notebook kernel below it, read from /proc every ``interval`` seconds (Linux)."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    @staticmethod
    def available() -> bool:
        return Path("/proc/self/status").is_file()

    def run(self) -> None:
        while not self.done.is_set():
            kernels = [p for p in self._descendants() if self._is_kernel(p)]
            for pid in [self.pid, *kernels]:
                peak = self._hwm(pid)
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
            self.done.wait(self.interval)

    @staticmethod
    def _is_kernel(pid: int) -> bool:
        try:
            return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    def _descendants(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, todo = [], [self.pid]
        while todo:
            parent = todo.pop()
            children = [p for p, pp in parents.items() if pp == parent]
            found += children
            todo += children
        return found

    @staticmethod
    def _hwm(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0


def run_build(argv: list[str], env: dict[str, str], label: str) -> Build:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = MemorySampler(proc.pid) if MemorySampler.available() else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if sampler:
        sampler.done.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = SUMMARY_RE.search(out)
    if not found:  # the build itself stopped (not a failed run: those count and are listed)
        sys.exit(f"{label} faalde ({proc.returncode}):\n{out[-3000:]}\n{err[-3000:]}")
    ran, skipped, failed = map(int, found.groups())
    build = Build(
        wall=wall,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        ran=ran + failed,
        skipped=skipped,
        failures=[line for line in err.splitlines() if line.startswith("MISLUKT")],
        largest_process=after.ru_maxrss * 1024,
    )
    if sampler:
        build.main_peak = sampler.peaks.pop(proc.pid, 0)
        build.kernel_peaks = sorted(sampler.peaks.values(), reverse=True)
    return build


def build_argv(jobs: int, force: bool, units: list[str] | None) -> list[str]:
    """The CLI (every unit of the frameworks), or for a project without frameworks (demo) the call
    the CLI makes with these unit codes."""
    if units is None:
        argv = [str(Path(sys.executable).parent / "tussenstand"), "build", "--jobs", str(jobs)]
        return argv + (["--force"] if force else [])
    code = (
        "import sys; from tussenstand import runner; from tussenstand.config import load_config; "
        "c = load_config(); "
        f"s = runner.build(c, sys.argv[1:], c.periods, jobs={jobs}, force={force}, prepare=None, "
        "progress=False); "
        "[print('MISLUKT:', r.message, file=sys.stderr) for r in s.failures]; "
        "print(s.text_nl()); sys.exit(0 if s.ok else 1)"
    )
    return [sys.executable, "-c", code, *units]


def noop_in_this_process(jobs: int, units: list[str] | None) -> float:
    from click.testing import CliRunner

    from tussenstand import cli

    start = time.perf_counter()
    if units is None:
        done = CliRunner().invoke(cli.main, ["build", "--jobs", str(jobs)])
        output, failed = done.output, done.exit_code != 0
    else:
        config = load_config()
        summary = runner.build(
            config, units, config.periods, jobs=jobs, prepare=None, progress=False
        )
        output, failed = summary.text_nl(), not summary.ok
    elapsed = time.perf_counter() - start
    if failed:
        sys.exit(f"no-op-build in dit proces faalde:\n{output}")
    return elapsed


def report_build(name: str, build: Build) -> None:
    print(
        f"{name}: {_fmt(build.wall)} voor {build.ran} rapporten ({len(build.failures)} mislukt); "
        f"per rapport "
        f"{_fmt(build.per_report)} (CPU {_fmt(build.cpu_per_report)})"
    )
    if build.kernel_peaks:
        print(
            f"  geheugen (piek): buildproces {_mib(build.main_peak)}, kernels "
            f"{', '.join(_mib(p) for p in build.kernel_peaks[:4])}"
            f"{' ...' if len(build.kernel_peaks) > 4 else ''}"
        )
    else:
        print(f"  geheugen (piek): grootste proces {_mib(build.largest_process)}")
    for line in build.failures:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--demo", action="store_true", help="kleine CPU-notebooks (geen data)")
    mode.add_argument(
        "--synthetic", type=int, metavar="N", help="N extra gemeenten met een kopie van --template"
    )
    mode.add_argument("--national", action="store_true", help="gemeenten: alle (elke gemeente)")
    parser.add_argument("--template", default="hoorn.yaml", help="kader voor --synthetic")
    parser.add_argument(
        "--periode", default="2024-H1", help="de ene periode van --synthetic en --national"
    )
    parser.add_argument("--units", type=int, default=4, help="aantal eenheden bij --demo")
    parser.add_argument("--work", type=float, default=1.0, help="rekentijd per demo-notebook in s")
    parser.add_argument("--jobs", type=int, default=2, help="runs tegelijk in de parallelle meting")
    parser.add_argument("--skip-serial", action="store_true", help="geen meting met --jobs 1")
    parser.add_argument("--cbs-dir", type=Path, default=None, help="map met CBS-tabellen")
    parser.add_argument("--keep", action="store_true", help="bewaar de tijdelijke projectkopie")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="tussenstand-benchmark-"))
    try:
        units: list[str] | None = None
        cbs_dir: Path | None = None
        if args.demo:
            root, units = make_demo_project(tmp / "project", args.units, args.work)
        else:
            root, cbs_dir = make_real_copy(tmp / "project", args.cbs_dir)
            if args.synthetic:
                add_synthetic_units(root, cbs_dir, args.synthetic, args.template)
            if args.synthetic or args.national:
                set_config(root, periodes=[args.periode])
            # the national run: every municipality; the others: the frameworks' own units only
            set_config(root, gemeenten="alle" if args.national else "geen")
        env = {**os.environ, PROJECT_ROOT_ENV: str(root), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop(CBS_DIR_ENV, None)
        if cbs_dir is not None:
            env[CBS_DIR_ENV] = str(cbs_dir)
        os.environ.clear()  # the no-op build in this process sees what the builds see
        os.environ.update(env)
        config = load_config(root=root, cbs_dir=cbs_dir)
        if cbs_dir is not None:
            runner.prepare_shared_inputs(config)  # the national CBS cache, outside the timings
        print(f"{os.cpu_count()} kernen; projectkopie {'(demo) ' if args.demo else ''}in {root}")

        serial = None
        if not args.skip_serial:
            serial = run_build(build_argv(1, True, units), env, "serieel")
            report_build("serieel  (--jobs 1 --force)", serial)
        parallel = run_build(build_argv(args.jobs, True, units), env, "parallel")
        report_build(f"parallel (--jobs {args.jobs} --force)", parallel)
        goals: list[tuple[str, bool]] = []
        if parallel.failures:
            print(
                "no-op-build niet gemeten: mislukte runs worden bij elke build opnieuw uitgevoerd"
            )
        else:
            # Untimed: reruns what changed meanwhile (e.g. the package source edited during the
            # run), so that the timed rebuilds below really have nothing to do.
            run_build(build_argv(args.jobs, False, units), env, "bijwerken")
            noop = noop_in_this_process(args.jobs, units)
            print(f"no-op-build (in dit proces):  {_fmt(noop)}")
            fresh = run_build(build_argv(args.jobs, False, units), env, "no-op")
            if fresh.ran:
                print(f"let op: de no-op-build voerde toch {fresh.ran} runs uit")
            print(f"no-op-build (nieuw proces):   {_fmt(fresh.wall)}")
            goals.append(("no-op-build < 2 s", fresh.wall < 2.0))
        if serial is not None:
            ratio = serial.wall / parallel.wall
            print(f"versnelling serieel/parallel: {fmt_number(ratio, 2)}x")
            goals.append((f"versnelling >= 1,7x met {args.jobs} runs", ratio >= 1.7))
        if not args.demo and not args.national:
            count = national_count(cbs_dir)
            estimate = count * parallel.cpu_per_report / max(args.jobs, 1)
            print(
                f"schatting landelijk uit de CPU-tijd per rapport: {count} rapporten op "
                f"{args.jobs} kernen {_fmt(estimate)} (= {fmt_number(estimate / 60, 1)} min)"
            )
        if parallel.kernel_peaks:
            goals.append(("<= 1 GiB per werker (kernel)", max(parallel.kernel_peaks) <= GIB))
        if args.national:
            goals.append(("landelijke build <= 10 minuten", parallel.wall <= 600))
        for text, met in goals:
            print(f"  doel {text}: {'gehaald' if met else 'NIET gehaald'}")
        if args.keep:
            print(f"projectkopie bewaard in {root}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
