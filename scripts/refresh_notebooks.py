"""Execute the notebook templates in ``notebooks/`` in place with their default parameters.

The templates are stored executed so that ``pytest --nbval`` can compare a fresh run with what
they showed; run this (``make notebooks``) after a change to the package that changes what they
show. The cleaning notebook runs first: the report reads what it writes.

Execution metadata (timings, kernel messages) is dropped, so that the stored notebooks only change
when their outputs do.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tussenstand.kernel import kernel_config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="tussenstand-kernel-") as sockets:
        # the kernel talks over IPC sockets, as in `tussenstand build` (no TCP ports)
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=900,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
            config=kernel_config(Path(sockets)),
        )
        client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)
    print(f"{path.relative_to(ROOT)}: bijgewerkt")


def main() -> int:
    if "TUSSENSTAND_CBS_DIR" not in os.environ:
        shared = ROOT.parent / "shared" / "data" / "cbs"
        if shared.is_dir():
            os.environ["TUSSENSTAND_CBS_DIR"] = str(shared)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
