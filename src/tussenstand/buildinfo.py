"""Which tussenstand made an output: the package version and the git commit.

Every published output carries this stamp (``samenvatting.json``, the build line on every page,
the PDF's metadata), so a figure can be traced to the code that computed it. The commit is read
with ``git`` from the project folder; outside a git checkout (an installed package, a tarball) it is
``onbekend``. A working tree with uncommitted changes to tracked files gets ``-gewijzigd`` behind
the commit: such a build cannot be reproduced from the commit alone.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

import tussenstand

UNKNOWN = "onbekend"
DIRTY_SUFFIX = "-gewijzigd"


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str

    @property
    def text_nl(self) -> str:
        """``tussenstand 0.2.0 (commit 1a2b3c4)``."""
        return f"tussenstand {self.version} (commit {self.commit})"


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.cache
def git_commit(root: Path) -> str:
    """The short commit of the checkout at ``root`` (``-gewijzigd`` when tracked files changed)."""
    commit = _git(root, "rev-parse", "--short=12", "HEAD")
    if not commit:
        return UNKNOWN
    # only the package and the inputs of a build matter; untracked files (outputs) do not
    changed = _git(
        root,
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "src",
        "notebooks",
        "data/raw",
        "tussenstand.yml",
    )
    return commit + (DIRTY_SUFFIX if changed else "")


def build_info(root: str | Path) -> BuildInfo:
    """The version of the installed package and the commit of the project at ``root``."""
    return BuildInfo(tussenstand.__version__, git_commit(Path(root).resolve()))
