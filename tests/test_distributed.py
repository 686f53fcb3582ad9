"""Beyond one machine: a build through a dask.distributed ``LocalCluster``'s executor makes the
same reports as the default local executor (warm kernels in threads).

Two real builds of the same copy of the project (the real notebooks, the real CBS extracts): Hoorn
and the Kop van Noord-Holland region for 2024-H1, once with ``jobs=2`` and once on a LocalCluster
of two worker processes. Every file of every report folder is compared: the charts' data (CSV),
the workbook's cells, ``samenvatting.json`` and every output of the executed notebooks, without
what differs between any two runs (timings, build times, kernel ids).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tussenstand import runner
from tussenstand.config import load_config
from tussenstand.units import project_units

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (pip install -e '.[distributed]')"
)

IGNORE = shutil.ignore_patterns(
    ".venv*", ".git", "reports", "processed", "_site*", ".quarto", "_generated", "tools"
)
UNITS = ("GM0405", "KNH")  # Hoorn, and the region of four municipalities
PERIOD = "2024-H1"
#: what differs between two runs of the same notebook
_VOLATILE = re.compile(
    r'"(duration|start_time|end_time|iopub\.[a-z_.]+|shell\.execute_reply[a-z_.]*|'
    r'execution_count|id|gebouwd_op|build_date|date)": *("[^"]*"|[0-9.eE+-]+|null)'
)


def _copy_project(project_root: Path, dest: Path) -> Path:
    shutil.copytree(project_root, dest, ignore=IGNORE)
    (dest / "reports").mkdir()
    (dest / "data" / "processed").mkdir(exist_ok=True)
    return dest


def _comparable(path: Path) -> str | bytes:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return json.dumps(
            {ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb},
            default=str,
        )
    if path.suffix in (".ipynb", ".json"):
        return _VOLATILE.sub(r'"\1": <var>', path.read_text(encoding="utf-8"))
    if path.suffix == ".svg":
        # matplotlib names clip paths and glyph ids after the object ids of one process
        return re.sub(r'(id|href|clip-path)="[^"]*"', "", path.read_text(encoding="utf-8"))
    return path.read_bytes()


def _reports(root: Path) -> dict[str, str | bytes]:
    reports = root / "reports"
    return {
        p.relative_to(reports).as_posix(): _comparable(p)
        for p in sorted(reports.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture(scope="module")
def two_builds(project_root, cbs_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("dask")
    local_root = _copy_project(project_root, base / "lokaal")
    dask_root = _copy_project(project_root, base / "dask")
    summaries = {}

    local = load_config(local_root, cbs_dir=cbs_dir)
    units = [u for u in project_units(local) if u.code in UNITS]
    summaries["lokaal"] = runner.build(local, units, [PERIOD], jobs=2, progress=False)

    remote = load_config(dask_root, cbs_dir=cbs_dir)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        summaries["dask"] = runner.build(
            remote,
            [u for u in project_units(remote) if u.code in UNITS],
            [PERIOD],
            executor=client,
            progress=False,
        )
        workers = set(client.run(lambda: __import__("os").getpid()).values())
    return local_root, dask_root, summaries, workers


def test_a_local_cluster_builds_every_report(two_builds):
    _, dask_root, summaries, workers = two_builds
    assert len(workers) == 2  # two worker processes, not this one
    for name in ("lokaal", "dask"):
        s = summaries[name]
        assert (s.ran, s.failed) == (2, 0), [r.message for r in s.results]
    for code in UNITS:
        folder = dask_root / "reports" / code / PERIOD
        for name in ("01_opschonen.ipynb", "02_rapport.ipynb", "samenvatting.json"):
            assert (folder / name).is_file(), f"{code}: {name}"


def test_the_reports_of_a_local_cluster_equal_the_local_ones(two_builds):
    local_root, dask_root, _, _ = two_builds
    local, remote = _reports(local_root), _reports(dask_root)
    assert sorted(local) == sorted(remote)
    assert any(name.endswith(".xlsx") for name in local)
    assert sum(name.endswith(".csv") for name in local) >= 10
    differ = [name for name in local if local[name] != remote[name]]
    assert not differ, differ
