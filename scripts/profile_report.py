"""Profile one report: the code cells of both notebooks, run in this process under cProfile.

    python scripts/profile_report.py GM0363 2024-H1            # a municipality with the basisset
    python scripts/profile_report.py GM0396 2026-H1 --top 30   # Heemskerk's plan

What papermill runs in a kernel, run here instead (same parameters, the same package code; the
output folder is a temporary one), so that cProfile sees every call. Prints the functions with the
most cumulative time and the most own time; ``--out`` keeps the profile for snakeviz or pstats.
The first run of a process also pays the imports (pandas, matplotlib): they are shown apart.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import nbformat

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("01_opschonen.ipynb", "02_rapport.ipynb")


def notebook_code(path: Path, parameters: dict[str, str]) -> str:
    """The code cells of a notebook, with the ``parameters`` cell replaced by ``parameters``."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            parts.append("\n".join(f"{k} = {v!r}" for k, v in parameters.items()))
        else:
            # IPython magics have no meaning here
            parts.append("\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("%")))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("gemeente")
    parser.add_argument("periode")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=None, help="bewaar het profiel (pstats)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")

    started = time.perf_counter()
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401

    import tussenstand.report  # noqa: F401

    imports = time.perf_counter() - started

    cbs_dir = os.environ.get("TUSSENSTAND_CBS_DIR", "")
    with tempfile.TemporaryDirectory(prefix="tussenstand-profiel-") as out:
        params = {
            "gemeente": args.gemeente,
            "periode": args.periode,
            "cbs_dir": cbs_dir,
            "project_root": str(PROJECT_ROOT),
            "output_dir": out,
        }
        code = {n: notebook_code(PROJECT_ROOT / "notebooks" / n, params) for n in NOTEBOOKS}
        profile = cProfile.Profile()
        cwd = os.getcwd()
        os.chdir(out)
        seconds = {}
        try:
            for name, source in code.items():
                t0 = time.perf_counter()
                profile.enable()
                exec(compile(source, name, "exec"), {"__name__": "__main__"})  # noqa: S102
                profile.disable()
                seconds[name] = time.perf_counter() - t0
        finally:
            os.chdir(cwd)
            import matplotlib.pyplot as plt

            plt.close("all")
    print(
        f"imports (pandas, matplotlib, tussenstand): {imports:.2f} s; "
        + "; ".join(f"{n}: {s:.2f} s" for n, s in seconds.items()),
        file=sys.stderr,
    )
    stats = pstats.Stats(profile, stream=sys.stderr).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    if args.out:
        stats.dump_stats(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
