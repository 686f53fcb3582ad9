"""Shared fixtures: the project root and the real CBS data beside the project (never committed).

Tests that need data beside the project (``../shared/data/cbs``, ``../shared/seeds``) skip without
it on a developer's machine, and fail under CI (``CI`` set to anything but ``false``/``0``/empty, as
CI services and ``.ci/run`` set it): there, a missing folder is a broken setup, not a reason to
pass with a quarter of the tests unrun.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]  # tests/test_conftest.py runs this file in a project of its own

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SHARED_CBS_DIR = SHARED_DIR / "data" / "cbs"
#: a file every complete copy of the CBS extracts has (the areas table of 2024)
CBS_MARKER = "85755NED.csv"


def in_ci() -> bool:
    """Whether the tests run under CI (``CI=true``, ``CI=1``, ...)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_shared(path: Path, what: str) -> None:
    """Skip (developer) or fail (CI) when ``path``, data beside the project, is missing."""
    if path.exists():
        return
    message = f"{what} niet gevonden: {path} ontbreekt"
    if in_ci():
        pytest.fail(
            f"{message}. Onder CI (CI={os.environ.get('CI')}) moet ../shared naast het project "
            "staan (zie ../shared/data/README.md); zonder die map zouden de tests met echte "
            "gegevens stil worden overgeslagen.",
            pytrace=False,
        )
    pytest.skip(f"{message} (onder CI faalt deze test dan)")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def cbs_dir() -> Path:
    """The real CBS extracts in ../shared/data/cbs (tests and CI only; see its README)."""
    require_shared(SHARED_CBS_DIR / CBS_MARKER, "echte CBS-gegevens (../shared/data/cbs)")
    return SHARED_CBS_DIR


@pytest.fixture(scope="session")
def national_series(cbs_dir, tmp_path_factory):
    """The national CBS series of the real extracts, cleaned once per test session into a
    processed folder of its own: (series, that folder)."""
    from tussenstand.sources.cbs_national import load_national_series

    processed = tmp_path_factory.mktemp("processed")
    return load_national_series(cbs_dir, processed), processed


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch):
    """`make test` exports TUSSENSTAND_CBS_DIR for the notebooks (nbval); unit tests that build a
    project of their own must not inherit it."""
    monkeypatch.delenv("TUSSENSTAND_CBS_DIR", raising=False)
    monkeypatch.delenv("TUSSENSTAND_PROJECT_ROOT", raising=False)
