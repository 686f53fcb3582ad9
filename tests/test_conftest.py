"""The fixture for the real CBS data: skipped on a developer's machine without it, a loud failure
under CI. Run on this very conftest.py, copied into a project whose ../shared is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")

NEEDS_DATA = """\
def test_needs_the_cbs_data(cbs_dir):
    assert (cbs_dir / "85755NED.csv").is_file()
"""


@pytest.fixture
def lonely_project(pytester):
    """<base>/proj/tests with this conftest.py and one test that needs the data; no <base>/shared."""
    tests = pytester.path / "proj" / "tests"
    tests.mkdir(parents=True)
    (tests / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (tests / "test_data.py").write_text(NEEDS_DATA, encoding="utf-8")
    return tests


def run(pytester, tests: Path, monkeypatch, ci: str | None):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    return pytester.runpytest_subprocess(str(tests), "-rs", "-p", "no:cacheprovider")


@pytest.mark.parametrize("ci", ["true", "1", "True"])
def test_under_ci_missing_data_fails_with_a_clear_message(
    pytester, lonely_project, monkeypatch, ci
):
    result = run(pytester, lonely_project, monkeypatch, ci)
    result.assert_outcomes(errors=1)  # the fixture fails: the test cannot even start
    out = result.stdout.str()
    assert "echte CBS-gegevens (../shared/data/cbs) niet gevonden" in out
    assert f"Onder CI (CI={ci}) moet ../shared naast het project staan" in out


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_on_a_developers_machine_missing_data_skips_and_says_why(
    pytester, lonely_project, monkeypatch, ci
):
    result = run(pytester, lonely_project, monkeypatch, ci)
    result.assert_outcomes(skipped=1)
    assert "onder CI faalt deze test dan" in result.stdout.str()


def test_with_the_data_there_the_test_runs(pytester, lonely_project, monkeypatch):
    cbs = pytester.path / "shared" / "data" / "cbs"
    cbs.mkdir(parents=True)
    (cbs / "85755NED.csv").write_text("RegioS;Code_1\n", encoding="utf-8")
    run(pytester, lonely_project, monkeypatch, "true").assert_outcomes(passed=1)
