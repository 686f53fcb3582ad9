"""Helpers for runner/CLI tests: a small project in a temporary folder with tiny template notebooks.

The real notebooks (``notebooks/``) are large and need the real data; these have the same shape
(kernelspec python3, one cell tagged ``parameters`` defining every runner parameter) and do little.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from tussenstand.frameworks import MonitoredUnit

PARAMETERS_CELL = """\
gemeente = "GM0000"
periode = "2026-H2"
cbs_dir = ""
project_root = ""
output_dir = "."
"""

# Writes what it received into the report folder (the kernel's working directory) and reads an
# input file, so a test sees that parameters, cwd and inputs reach the kernel.
WRITE_CELL = """\
from pathlib import Path
plan = (Path(project_root) / "data" / "raw" / "plancijfers" / "doel.txt").read_text().strip()
Path("uit.txt").write_text(f"{gemeente}|{periode}|{plan}|{Path(cbs_dir).name}")
print("klaar", gemeente, periode)
"""

RAISE_CELL = 'raise ValueError(f"kapotte invoer voor {gemeente}")'


def notebook(*cells: str, tag_parameters: bool = True) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell(PARAMETERS_CELL)
    if tag_parameters:
        params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


def write_notebook(path: Path, *cells: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook(*cells), path)
    return path


UNITS = [
    MonitoredUnit("GM0396", "Heemskerk", "gemeente", "test-kader", ("GM0396",)),
    MonitoredUnit("GM0398", "Heerhugowaard", "gemeente", "test-kader", ("GM0398",)),
    MonitoredUnit("JZ12", "Regio Test", "regio", "test-kader", ("GM0396", "GM0398")),
]


def make_project(root: Path, periods=("2024-H1", "2026-H2"), body: str = WRITE_CELL) -> Path:
    """A project with tussenstand.yml, two notebooks, data/raw inputs and a CBS folder."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ["periodes:"] + [f"  - {p}" for p in periods]
    lines += [
        "notebooks:",
        "  - 01_opschonen.ipynb",
        "  - 02_rapport.ipynb",
        "cbs_dir: data/raw/cbs",
    ]
    (root / "tussenstand.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_notebook(root / "notebooks" / "01_opschonen.ipynb", "x = 1 + 1")
    write_notebook(root / "notebooks" / "02_rapport.ipynb", body)
    for sub in ("kaders", "registraties", "plancijfers", "cbs"):
        (root / "data" / "raw" / sub).mkdir(parents=True, exist_ok=True)
    (root / "data" / "raw" / "plancijfers" / "doel.txt").write_text("39450\n", encoding="utf-8")
    (root / "data" / "raw" / "cbs" / "85383NED.csv").write_text(
        "RegioS;Perioden\n", encoding="utf-8"
    )
    return root
