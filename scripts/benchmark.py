"""Benchmark of `tussenstand build`: serial vs parallel, and a no-op rebuild.

    python scripts/benchmark.py            # the real notebooks, on a copy of the project
    python scripts/benchmark.py --demo     # small CPU-bound template notebooks (no data needed)

Measures in one go: a forced build of all configured (gemeente, periode) pairs with ``--jobs 1``, the
same with ``--jobs 2`` (or ``--jobs N``), and a no-op rebuild (nothing changed: everything skipped),
in this process and as a fresh process (what a user waits for). Targets on 2 cores: no-op rebuild
under 2 s, parallel at least 1.7 times as fast as serial.

Everything runs in a temporary copy of the project (``--keep`` keeps it): the real ``reports/``,
``data/processed/`` and manifest are never touched. The CBS folder is read in place.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tussenstand import runner
from tussenstand.config import CONFIG_FILE, PROJECT_ROOT_ENV, load_config

PROJECT_ROOT = Path(__file__).resolve().parents[1]

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


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",") + " s"


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


def make_real_copy(root: Path) -> tuple[Path, list[str], Path]:
    """Copy config, notebooks and data/raw (not the CBS folder, read in place) into ``root``."""
    source = load_config(root=PROJECT_ROOT)
    missing = [n for n in source.notebooks if not (source.notebooks_dir / n).is_file()]
    if missing:
        sys.exit(
            f"notebooks ontbreken in notebooks/: {missing}; gebruik --demo zolang ze er niet zijn"
        )
    root.mkdir(parents=True)
    shutil.copy2(source.root / CONFIG_FILE, root / CONFIG_FILE)
    shutil.copytree(source.notebooks_dir, root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    cbs_inside = source.cbs_dir.is_relative_to(source.raw_dir)
    shutil.copytree(
        source.raw_dir,
        root / "data" / "raw",
        ignore=shutil.ignore_patterns(".*") if not cbs_inside else _ignore_folder(source.cbs_dir),
    )
    from tussenstand.frameworks import monitored_units

    units = [u.code for u in monitored_units(root / "data" / "raw" / "kaders")]
    return root, units, source.cbs_dir


def _ignore_folder(folder: Path):
    def ignore(directory: str, names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if n.startswith(".") or Path(directory, n).resolve() == folder.resolve()
        ]

    return ignore


def timed_build(config, units, **kwargs) -> tuple[float, runner.BuildSummary]:
    start = time.perf_counter()
    summary = runner.build(config, units, config.periods, progress=False, **kwargs)
    elapsed = time.perf_counter() - start
    if summary.failed:
        for result in summary.failures:
            print("MISLUKT:", result.message, file=sys.stderr)
        sys.exit(1)
    return elapsed, summary


def noop_in_fresh_process(root: Path, units: list[str], cbs_dir: Path | None, real: bool) -> float:
    env = {**os.environ, PROJECT_ROOT_ENV: str(root)}
    if cbs_dir is not None:
        env["TUSSENSTAND_CBS_DIR"] = str(cbs_dir)
    if real:
        cmd = [str(Path(sys.executable).parent / "tussenstand"), "build", "--jobs", "2"]
    else:  # a subset of units (or demo units): the call the CLI makes, with these codes
        code = (
            "import sys; from tussenstand import runner; from tussenstand.config import load_config; "
            "c = load_config(); s = runner.build(c, sys.argv[1:], c.periods, jobs=2, progress=False); "
            "sys.exit(s.ran + s.failed)"
        )
        cmd = [sys.executable, "-c", code, *units]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"no-op-build in een nieuw proces faalde ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--demo", action="store_true", help="kleine CPU-notebooks in plaats van de echte"
    )
    parser.add_argument(
        "--units",
        type=int,
        default=None,
        help="aantal eenheden: demo standaard 4; echt standaard alle uit de kaders",
    )
    parser.add_argument(
        "--work", type=float, default=1.0, help="rekentijd per demo-rapportnotebook in s"
    )
    parser.add_argument("--jobs", type=int, default=2, help="runs tegelijk in de parallelle meting")
    parser.add_argument("--keep", action="store_true", help="bewaar de tijdelijke projectkopie")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="tussenstand-benchmark-"))
    try:
        if args.demo:
            root, units = make_demo_project(tmp / "project", args.units or 4, args.work)
            cbs_dir = None
        else:
            root, units, cbs_dir = make_real_copy(tmp / "project")
            units = units[: args.units] if args.units else units
        os.environ[PROJECT_ROOT_ENV] = str(root)  # notebooks that call load_config() find the copy
        config = load_config(root=root, cbs_dir=cbs_dir)
        pairs = len(units) * len(config.periods)
        print(
            f"{pairs} runs ({len(units)} eenheden x {len(config.periods)} periodes), "
            f"{len(config.notebooks)} notebooks per run, {os.cpu_count()} kernen"
        )
        prepare = None if args.demo else "default"
        if not args.demo:
            runner.prepare_shared_inputs(config)  # the national CBS cache, outside the timings

        serial, _ = timed_build(config, units, jobs=1, force=True, prepare=None)
        print(f"serieel   (--jobs 1 --force): {_fmt(serial)}")
        parallel, _ = timed_build(config, units, jobs=args.jobs, force=True, prepare=None)
        print(f"parallel  (--jobs {args.jobs} --force): {_fmt(parallel)}")
        # Untimed: reruns what changed meanwhile (e.g. the package source edited during the run),
        # so that the timed rebuild below really has nothing to do.
        timed_build(config, units, jobs=args.jobs, prepare=prepare)
        noop, summary = timed_build(config, units, jobs=args.jobs, prepare=prepare)
        if summary.skipped != pairs:
            print(f"let op: de no-op-build voerde toch runs uit ({summary.text_nl()})")
        print(f"no-op-build (in dit proces):    {_fmt(noop)}")
        # the real CLI builds every unit of the frameworks: only comparable without --units
        fresh = noop_in_fresh_process(root, units, cbs_dir, real=not args.demo and not args.units)
        print(f"no-op-build (nieuw proces):     {_fmt(fresh)}")

        ratio = serial / parallel
        print(f"versnelling serieel/parallel: {ratio:.2f}x".replace(".", ","))
        goals = [
            ("no-op-build < 2 s", fresh < 2.0),
            (f"versnelling >= 1,7x met {args.jobs} runs", ratio >= 1.7),
        ]
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
