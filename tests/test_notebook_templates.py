"""The notebook templates in notebooks/ fit the runner: papermill parameters, kernel, config.

These check the real templates. Until the notebooks exist the first test fails, on purpose.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from tussenstand.config import load_config
from tussenstand.runner import KERNEL_NAME, NOTEBOOK_PARAMETERS

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_every_configured_notebook_exists():
    config = load_config(root=PROJECT_ROOT)
    missing = [name for name in config.notebooks if not (NOTEBOOKS_DIR / name).is_file()]
    assert not missing, f"tussenstand.yml noemt notebooks die niet in notebooks/ staan: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_one_parameters_cell_defining_every_runner_parameter(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, cell in enumerate(nb.cells) if "parameters" in _tags(cell)]
    assert len(tagged) == 1, (
        f"{path.name}: verwacht precies één cel met tag 'parameters', gevonden: {tagged}"
    )
    assert nb.cells[tagged[0]].cell_type == "code", (
        f"{path.name}: de 'parameters'-cel is geen codecel"
    )
    injected = [i for i, cell in enumerate(nb.cells) if "injected-parameters" in _tags(cell)]
    assert not injected, (
        f"{path.name}: bevat al een door papermill ingevoegde cel {injected}; bewaar het sjabloon"
    )
    defined = set(papermill.inspect_notebook(str(path)))
    missing = [name for name in NOTEBOOK_PARAMETERS if name not in defined]
    assert not missing, f"{path.name}: de 'parameters'-cel definieert {missing} niet"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_on_the_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == KERNEL_NAME, (
        f"{path.name}: kernelspec {kernelspec!r}, verwacht {KERNEL_NAME!r}"
    )
    assert kernelspec.get("language", "python") == "python"
