"""The failed notebook the runner keeps next to a report (``reports/<code>/.<periode>.mislukt.ipynb``)
is scrubbed like a good one (no machine paths, no user names) and holds no echoed personal data,
the traceback included."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from notebook_project import UNITS, make_project, write_notebook

from tussenstand import cli, runner
from tussenstand.config import load_config
from tussenstand.disclosure import REDACTED

# what a supplier's export may hold and a library error or a debugging print echoes
PERSONAL = ("Jan de Vries", "06-12345678", "p.jansen@heemskerk.nl", "123456782", "12-03-1951")

READ_CELL = """\
import pandas as pd
from pathlib import Path
source = Path(project_root) / "data" / "raw" / "registraties" / "export.csv"
print("gelezen uit", source, "naar", output_dir)
df = pd.read_csv(source, sep=";", dtype=str)
print(df.to_string())
"""
# pandas quotes the value it cannot read: 'Unable to parse string "Jan de Vries" at position 0'
FAIL_CELL = 'pd.to_numeric(df["waarde"])'


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proj", periods=("2026-H2",))
    (root / "data" / "raw" / "registraties" / "export.csv").write_text(
        "gemeente;waarde;opmerking\n"
        f"GM0396;{PERSONAL[0]};bel {PERSONAL[1]} of mail {PERSONAL[2]}\n"
        f"GM0396;12;bsn {PERSONAL[3]}, geb. {PERSONAL[4]}\n",
        encoding="utf-8",
    )
    write_notebook(root / "notebooks" / "02_rapport.ipynb", READ_CELL, FAIL_CELL)
    src = tmp_path / "pkg"
    src.mkdir()
    (src / "report.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "package_source_dir", lambda: src)
    return load_config(root=root)


def test_failed_notebook_is_scrubbed_and_redacted(project):
    summary = runner.build(project, UNITS[:1], project.periods, prepare=None, progress=False)
    assert summary.failed == 1
    kept = project.reports_dir / "GM0396" / ".2026-H2.mislukt.ipynb"
    text = kept.read_text(encoding="utf-8")
    # still the record of the failure: the failing cell, the error and the rest of the output
    assert FAIL_CELL.replace('"', '\\"') in text and "ValueError" in text
    assert "Unable to parse string" in text and REDACTED in text
    assert "GM0396" in text  # ordinary values stay
    for value in PERSONAL:
        assert value not in text, value
    # no machine paths: neither the project nor the temporary folder, nor a user name
    assert str(project.root.resolve()) not in text and str(project.root) not in text
    assert ".tmp-" not in text and "/tmp/" not in text
    assert "reports/GM0396/2026-H2" in text  # the temporary folder named as the report's place
    user = getpass.getuser()
    if len(user) >= 3 and user not in ("root", "runner", "user"):
        assert user not in text
    # and no unscrubbed copy anywhere else under reports/
    assert [p.name for p in project.reports_dir.rglob("*.ipynb")] == [kept.name]


def test_a_run_refused_for_personal_data_keeps_a_notebook_without_the_value(
    project_root, cbs_dir, tmp_path
):
    """The real pipeline: a registration with a phone number in `opmerking` stops the cleaning
    notebook; the kept notebook says file, row and column, never the number."""
    root = tmp_path / "project"
    shutil.copytree(
        project_root,
        root,
        ignore=shutil.ignore_patterns(
            ".venv*", ".git", "reports", "processed", "_site", ".quarto", "_generated"
        ),
    )
    (root / "reports").mkdir()
    registrations = root / "data" / "raw" / "registraties" / "heemskerk_illustratief.csv"
    lines = registrations.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ";FF-4;;2024-H2;" in line)
    cells = lines[row].split(";")
    cells[8] = "navragen via 06-12345678"  # opmerking
    lines[row] = ";".join(cells)
    registrations.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = CliRunner().invoke(
        cli.main,
        ["run", "--gemeente", "GM0396", "--periode", "2026-H1", "--cbs-dir", str(cbs_dir)],
        env={"TUSSENSTAND_PROJECT_ROOT": str(root)},
    )
    assert result.exit_code == 1, result.output
    assert "06-12345678" not in result.output
    kept = root / "reports" / "GM0396" / ".2026-H1.mislukt.ipynb"
    text = kept.read_text(encoding="utf-8")
    assert "PersonalDataError" in text
    assert f"kolom 'opmerking', rij {row + 1}: bevat een telefoonnummer" in text
    assert "06-12345678" not in text and "0612345678" not in text
    assert str(root) not in text and str(cbs_dir) not in text
    assert not (root / "reports" / "GM0396" / "2026-H1").exists()


def test_paths_under_any_root_are_scrubbed(tmp_path):
    """A checkout under a top folder no list could know (a build machine's own): the project, the
    CBS folder and any other path under the same top folder never stay in a kept notebook."""
    from tussenstand.scrub import Scrubber

    top = "/bouwmachine"  # made up, and not one of the usual top folders (home, tmp, srv, ...)
    scrub = Scrubber(Path(f"{top}/werk/main"), {f"{top}/werk/shared/data/cbs": "<CBS-map>"})
    text = (
        f'cbs_dir = "{top}/werk/shared/data/cbs"\n'
        f"File {top}/werk/main/src/tussenstand/cleaning.py:359\n"
        f"File {top}/ander/lib/python3.11/site-packages/pandas/core/frame.py:12\n"
        "zie https://opendata.cbs.nl/ODataApi/odata/85618NED en 1/2 of en/of"
    )
    out = scrub(text)
    assert top not in out
    assert 'cbs_dir = "<CBS-map>"' in out
    assert "File src/tussenstand/cleaning.py:359" in out
    assert "…/frame.py:12" in out
    # URLs and fractions are not paths
    assert "https://opendata.cbs.nl/ODataApi/odata/85618NED en 1/2 of en/of" in out
