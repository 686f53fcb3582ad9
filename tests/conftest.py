"""Shared fixtures: the project root and the real CBS data beside the project (never committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_CBS_DIR = PROJECT_ROOT.parent / "shared" / "data" / "cbs"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def cbs_dir() -> Path:
    """The real CBS extracts in ../shared/data/cbs (tests and CI only; see its README)."""
    if not (SHARED_CBS_DIR / "85755NED.csv").is_file():
        pytest.skip(
            f"real CBS data not found in ../shared/data/cbs (looked for {SHARED_CBS_DIR.name})"
        )
    return SHARED_CBS_DIR


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch):
    """`make test` exports TUSSENSTAND_CBS_DIR for the notebooks (nbval); unit tests that build a
    project of their own must not inherit it."""
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    monkeypatch.delenv("TUSSENSTAND_PROJECT_ROOT", raising=False)
