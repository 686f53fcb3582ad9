"""The publishing step: prepared notebooks, generated pages and the link check (Quarto not needed),
plus one real `quarto render` when quarto is on PATH."""

from __future__ import annotations

import base64
import functools
import io
import json
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from tussenstand import site
from tussenstand.buildinfo import build_info
from tussenstand.config import load_config
from tussenstand.frameworks import MonitoredUnit
from tussenstand.handoff import ReportSummary, TableMeta
from tussenstand.site.notebooks import report_front_matter

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SITE_FILES = [
    "_quarto.yml",
    "index.qmd",
    "rapporten.qmd",
    "methode.qmd",
    "data.qmd",
    "toegankelijkheidsverklaring.qmd",
    "styles.scss",
    "_toegankelijkheid.html",
]
FAKE_HOME = "/home/jdevries"  # example of a user's home folder that the site must scrub
#: Dutch month names, written out here so that dates are checked against an independent spelling
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
#: the installed package's version, from its metadata (not from tussenstand.__version__)
VERSION = version("tussenstand")


def dutch(d: date) -> str:
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


CONFIG = """\
periodes:
  - 2024-H1
  - 2026-H2
notebooks:
  - 01_opschonen.ipynb
  - 02_rapport.ipynb
cbs_dir: cbs
"""


#: the description of the notebook's figure (every image on the site has one)
ALT_TEXT = "Staafdiagram: drie doelen bereikt, een doel achter op schema"


@functools.cache
def small_png() -> str:
    """A real PNG (a tiny bar chart), base64 as in a notebook output: typst must be able to decode it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=40)
    ax.bar([1, 2], [3, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _cell(kind: str, source: str, **extra) -> dict:
    cell = {
        "cell_type": kind,
        "metadata": extra.pop("metadata", {}),
        "source": source.splitlines(True),
    }
    if kind == "code":
        cell.update({"execution_count": 1, "outputs": extra.pop("outputs", [])})
    return cell


def executed_notebook(root: Path, code: str, periode: str) -> dict:
    """An executed notebook as papermill leaves it: absolute paths, parameters, kernel state."""
    tmp = f"{root}/reports/{code}/.{periode}.tmp-ab12"
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.9"},
            "papermill": {
                "input_path": f"{root}/notebooks/02_rapport.ipynb",
                "output_path": f"{tmp}/02_rapport.ipynb",
                "parameters": {
                    "gemeente": code,
                    "cbs_dir": f"{FAKE_HOME}/data/cbs",
                    "output_dir": tmp,
                },
                "environment_variables": {},
                "version": "2.6.0",
            },
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
            "vscode": {"interpreter": {"hash": "abc"}},
        },
        "cells": [
            _cell(
                "code",
                'gemeente = "GM0000"\nperiode = "2026-H2"\ncbs_dir = ""\n',
                metadata={"tags": ["parameters"]},
            ),
            _cell(
                "code",
                f'gemeente = "{code}"\nperiode = "{periode}"\ncbs_dir = "{FAKE_HOME}/data/cbs"\n'
                f'output_dir = "{tmp}"\n',
                metadata={"tags": ["injected-parameters"], "papermill": {"duration": 0.01}},
            ),
            _cell("markdown", "## Doelen\n\nDe stand van de doelen van Heemskerk.\n"),
            _cell(
                "code",
                f'#| fig-alt: "{ALT_TEXT}"\ntabel = maak_tabel()\ntabel',
                metadata={"execution": {"iopub.status.busy": "2026"}},
                outputs=[
                    {
                        "output_type": "stream",
                        "name": "stderr",
                        "text": [
                            f"{FAKE_HOME}/venv/lib/python3.11/site-packages/pandas/x.py:1: Warning\n"
                        ],
                    },
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": [
                            f"gelezen: {root}/data/processed/{code}/{periode}/metingen.parquet\n",
                            "eigenaar jdevries\n",
                        ],
                    },
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {
                            "text/plain": ["  doel  status\n0  A  bereikt"],
                            "text/html": ["<table><tr><td>A</td><td>bereikt</td></tr></table>"],
                        },
                    },
                    {  # a figure: its description is the cell's `fig-alt` option (above)
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": small_png(), "text/plain": ["<Figure size 640x480>"]},
                    },
                ],
            ),
        ],
    }


def summary(
    root: Path, code: str, naam: str, periode: str, label: str, illustratief: bool = False, **fields
) -> ReportSummary:
    """``samenvatting.json`` as the report writes it: the shared model, stamped with build_info."""
    info = build_info(root)
    values = {
        "gemeente": code,
        "gemeente_naam": naam,
        "periode": periode,
        "periode_label": label,
        "kader": "kader-x",
        "status_counts": {"bereikt": 3, "op koers": 2, "achter op schema": 1, "geen meting": 0},
        "aantal_doelen": 6,
        "peildata": [date(2025, 1, 1), date(2024, 7, 1)],
        "gebouwd_op": date(2026, 11, 23),
        "illustratief": illustratief,
        "versie": info.version,
        "commit": info.commit,
    }
    return ReportSummary(**{**values, **fields})


def write_report(
    root: Path,
    code: str,
    naam: str,
    periode: str,
    label: str,
    csvs=("doelen.csv",),
    with_summary: bool = True,
    cleaning: bool = True,
    illustratief: bool = False,
) -> Path:
    folder = root / "reports" / code / periode
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "02_rapport.ipynb").write_text(
        json.dumps(executed_notebook(root, code, periode)), encoding="utf-8"
    )
    if cleaning:
        (folder / "01_opschonen.ipynb").write_text(
            json.dumps(executed_notebook(root, code, periode)), encoding="utf-8"
        )
    if with_summary:
        summary(root, code, naam, periode, label, illustratief).write(folder / "samenvatting.json")
    for name in csvs:
        (folder / "data" / name).write_text("periode;waarde\n2024;1,5\n", encoding="utf-8")
    return folder


def make_project(root: Path, git: bool = False) -> Path:
    """A project with the site's files, a CBS folder with one table and three executed reports.

    ``git``: the project is a git checkout with one commit before the reports are built (what
    build_info stamps then is that commit)."""
    root.mkdir()
    for name in SITE_FILES:
        shutil.copy(PROJECT_ROOT / name, root / name)
    shutil.copytree(PROJECT_ROOT / "filters", root / "filters")  # named in _quarto.yml
    (root / "tussenstand.yml").write_text(CONFIG, encoding="utf-8")
    if git:
        commit_all(root)
    cbs = root / "cbs"
    cbs.mkdir()
    (cbs / "86050NED.csv").write_text("a;b\n", encoding="utf-8")
    TableMeta(
        tabel="86050NED", titel="Wmo-cliënten; gemeenten", download_datum=date(2026, 10, 1)
    ).write(cbs / "86050NED.meta.json")
    write_report(root, "GM0396", "Heemskerk", "2026-H2", "2e halfjaar 2026")
    write_report(root, "GM0396", "Heemskerk", "2024-H1", "1e halfjaar 2024", csvs=())
    write_report(
        root,
        "KNH",
        "Kop van Noord-Holland",
        "2026-H2",
        "2e halfjaar 2026",
        csvs=("a.csv", "b.csv"),
        cleaning=False,
        illustratief=True,
    )
    return root


def commit_all(root: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git staat niet op PATH")
    git = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "begin"], check=True)


def git_head(root: Path) -> str:
    """The short commit as git itself names it (12 characters, as the stamp promises)."""
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


UNITS = [
    MonitoredUnit("GM0396", "Heemskerk", "gemeente", "heemskerk", ("GM0396",)),
    MonitoredUnit("GM0405", "Hoorn", "gemeente", "hoorn", ("GM0405",)),
    MonitoredUnit(
        "KNH", "Kop van Noord-Holland", "regio", "knh", ("GM0400", "GM1911", "GM0441", "GM0448")
    ),
]


def read_nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def front_matter(nb: dict) -> dict:
    first = nb["cells"][0]
    assert first["cell_type"] == "raw"
    text = "".join(first["source"])
    assert text.startswith("---\n") and text.rstrip().endswith("---")
    return yaml.safe_load(text.strip().strip("-"))


def md_links(text: str) -> list[str]:
    """Markdown link targets and the hrefs of raw HTML (the generated tables)."""
    return re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'href="([^"]+)"', text)


class TableReader(HTMLParser):
    """The tables of a page as a reader's browser sees them: caption, header cells (with their
    attributes) and per row its attributes and cells (tag, attributes, text, links)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self.inputs: list[dict] = []
        self._table: dict | None = None
        self._cell: dict | None = None
        self._label: tuple[str, list[str]] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = {"attrs": a, "caption": "", "head": [], "rows": []}
            self.tables[a.get("id", "")] = self._table
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append({"attrs": a, "cells": []})
        elif tag in ("th", "td") and self._table is not None:
            self._cell = {"tag": tag, "attrs": a, "text": "", "links": []}
            if tag == "th" and a.get("scope") == "col":
                self._table["head"].append(self._cell)
                self._table["rows"].pop()  # the header row is no data row
                self._table["rows"].append({"attrs": {"kop": "ja"}, "cells": []})
            self._table["rows"][-1]["cells"].append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._cell["links"].append(a.get("href"))
        elif tag == "label":
            self._label = (a.get("for", ""), [])
        elif tag in ("input", "select"):
            self.inputs.append({"tag": tag, **a})

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._cell = None
        elif tag == "caption" and self._table is not None and self._caption is not None:
            self._table["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag == "table" and self._table is not None:
            self._table["rows"] = [r for r in self._table["rows"] if "kop" not in r["attrs"]]
            self._table = None
        elif tag == "label" and self._label:
            self.labels[self._label[0]] = "".join(self._label[1]).strip()
            self._label = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        if self._caption is not None:
            self._caption.append(data)
        if self._label is not None:
            self._label[1].append(data)


def read_tables(text: str) -> TableReader:
    reader = TableReader()
    reader.feed(text)
    return reader


def table_rows(text: str, table_id: str) -> dict[str, dict]:
    """The rows of a generated table by the text of their first cell."""
    return {r["cells"][0]["text"].strip(): r for r in read_tables(text).tables[table_id]["rows"]}


# ----- prepare_site --------------------------------------------------------------------------------
def test_prepared_report_has_front_matter_and_no_private_data(project: Path):
    config = load_config(project)
    site.prepare_site(config, UNITS)
    path = project / "reports/GM0396/2026-H2/02_rapport.ipynb"
    nb = read_nb(path)
    fm = front_matter(nb)
    assert fm["title"] == "Tussenstand sociaal domein Heemskerk"
    assert fm["subtitle"] == "2e halfjaar 2026"
    assert fm["gemeente"] == "GM0396" and fm["periode"] == "2026-H2"
    assert fm["categories"] == ["Heemskerk", "2e halfjaar 2026"]
    assert fm["date"] == "2026-11-23" and fm["lang"] == "nl"
    assert fm["execute"]["enabled"] is False and fm["echo"] is False
    assert set(fm["format"]) == {"html", "typst"}
    typst = fm["format"]["typst"]
    # the contents come after the first page's story (a cell of their own), not from the template
    assert typst["papersize"] == "a4" and typst["toc"] is False and typst["page-numbering"]
    header = "\n".join(h["text"] for h in typst["include-in-header"])
    assert "#show table.cell: set par(justify: false)" in header
    assert "#show table.cell: set text(hyphenate: false)" in header
    assert "#let status-badge(key, body)" in header and "#set page(footer:" in header
    # the PDF once, labelled PDF (the rendered page is checked in tests/test_downloads.py)
    assert fm["format-links"] == ["html", {"format": "typst", "text": "PDF", "icon": "file-pdf"}]

    raw = path.read_text(encoding="utf-8")
    assert str(project) not in raw
    assert "/home/" not in raw and "jdevries" not in raw
    assert "/tmp" not in raw and not re.search(r"(?<![\w.])/(work|root|home|tmp)/", raw)
    assert "papermill" not in nb["metadata"] and "widgets" not in nb["metadata"]
    assert "vscode" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"

    cells = nb["cells"]
    assert not any("injected-parameters" in c["metadata"].get("tags", []) for c in cells)
    assert not any("output_dir" in "".join(c["source"]) for c in cells)
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all("remove-input" in c["metadata"]["tags"] for c in code)
    params = [c for c in code if "parameters" in c["metadata"]["tags"]]
    assert params and "remove-cell" in params[0]["metadata"]["tags"]
    outputs = [o for c in code for o in c["outputs"]]
    assert not any(o.get("name") == "stderr" for o in outputs)
    stdout = "".join(next(o for o in outputs if o.get("name") == "stdout")["text"])
    assert "data/processed/GM0396/2026-H2/metingen.parquet" in stdout  # made project-relative
    assert any(
        o.get("data", {}).get("image/png") == small_png() for o in outputs
    )  # image untouched
    assert all(set(c["metadata"]) <= {"tags", "tussenstand"} for c in cells)


def test_the_pdfs_first_page_tells_the_story_before_the_contents(project: Path):
    """After the introduction and before the first chapter, raw typst for the PDF only: the number
    of goals per status as badges (from samenvatting.json), then the contents."""
    site.prepare_site(load_config(project), UNITS)
    cells = read_nb(project / "reports/GM0396/2026-H2/02_rapport.ipynb")["cells"]
    first = next(i for i, c in enumerate(cells) if "eerste-pagina" in str(c["metadata"]))
    chapter = next(i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Doelen"))
    assert first == chapter - 1
    text = "".join(cells[first]["source"])
    assert text.startswith("```{=typst}\n") and text.rstrip().endswith("```")  # not on the website
    # the summary's counts {bereikt: 3, op koers: 2, achter op schema: 1, geen meting: 0}
    assert '#strong("Stand van de 6 doelen:")' in text
    assert (
        '#status-badge("bereikt", "3 bereikt") #status-badge("op-koers", "2 op koers") '
        '#status-badge("achter-op-schema", "1 achter op schema")'
    ) in text
    assert "geen meting" not in text  # a status no goal has is not shown
    assert text.index("status-badge") < text.index("#outline(title: [Inhoud]")
    # the ragged lines stay inside the story's block (a 'set' outside would reach every page)
    block = text.split("#block(", 1)[1].split("\n]\n", 1)[0]
    assert "#set par(justify: false)" in block and text.count("#set par") == 1
    # a report with illustrative data says so in the same line
    knh = read_nb(project / "reports/KNH/2026-H2/02_rapport.ipynb")["cells"]
    knh_text = next("".join(c["source"]) for c in knh if "eerste-pagina" in str(c["metadata"]))
    assert (
        '#strong("Stand van de 6 doelen (dit rapport bevat illustratieve gegevens):")' in knh_text
    )


def test_a_report_without_judged_goals_says_so_on_the_first_page(project: Path):
    folder = project / "reports/GM0396/2026-H2"
    summary(project, "GM0396", "Heemskerk", "2026-H2", "2e halfjaar 2026", status_counts={}).write(
        folder / "samenvatting.json"
    )
    site.prepare_site(load_config(project), UNITS)
    cells = read_nb(folder / "02_rapport.ipynb")["cells"]
    text = next("".join(c["source"]) for c in cells if "eerste-pagina" in str(c["metadata"]))
    assert '#strong("Dit rapport geeft geen doelen een status:")' in text
    assert "status-badge" not in text


def test_closing_cell_links_downloads_that_exist_and_dates_in_dutch(project: Path):
    site.prepare_site(load_config(project), UNITS)
    folder = project / "reports/GM0396/2026-H2"
    closing = "".join(read_nb(folder / "02_rapport.ipynb")["cells"][-1]["source"])
    assert "## Downloads" in closing
    assert "data/doelen.csv" in closing
    commit = ReportSummary.read(folder / "samenvatting.json").commit
    assert (
        f"*Gebouwd op 23 november 2026 met tussenstand {VERSION} (commit {commit}), uit gegevens met "
        "peildata 1 juli 2024 en 1 januari 2025.*"
    ) in closing
    for link in md_links(closing):
        assert (folder / link).is_file(), link
    # a report without CSV files lists none
    closing_h1 = "".join(
        read_nb(project / "reports/GM0396/2024-H1/02_rapport.ipynb")["cells"][-1]["source"]
    )
    assert ".csv" not in closing_h1


def test_the_cleaning_page_has_one_title(project: Path):
    """The front matter's title is the page's one <h1>: the notebook's own '# ...' becomes a
    chapter, kept as a list of lines (Quarto 1.8 runs a source given as one string together)."""
    path = project / "reports/GM0396/2026-H2/01_opschonen.ipynb"
    nb = read_nb(path)
    nb["cells"].insert(
        0,
        {
            "cell_type": "markdown",
            "id": "titel",
            "metadata": {},
            "source": [
                "# Datakwaliteit: de opschoonstap\n",
                "\n",
                "Deze stap haalt de gegevens op.",
            ],
        },
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    site.prepare_site(load_config(project), UNITS)
    cells = [c for c in read_nb(path)["cells"] if c.get("id") == "titel"]
    assert cells[0]["source"] == [
        "## Datakwaliteit: de opschoonstap\n",
        "\n",
        "Deze stap haalt de gegevens op.",
    ]
    front = read_nb(path)["cells"][0]
    assert "title: Datakwaliteit Heemskerk" in "".join(front["source"])
    # a notebook prepared before, with the demoted heading as one string, is repaired too
    nb = read_nb(path)
    cell = next(c for c in nb["cells"] if c.get("id") == "titel")
    cell["source"] = "".join(cell["source"])
    path.write_text(json.dumps(nb), encoding="utf-8")
    site.prepare_site(load_config(project), UNITS)
    cells = [c for c in read_nb(path)["cells"] if c.get("id") == "titel"]
    assert cells[0]["source"][0] == "## Datakwaliteit: de opschoonstap\n"


def test_prepare_is_idempotent(project: Path):
    config = load_config(project)
    site.prepare_site(config, UNITS)
    files = sorted(p for p in project.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    site.prepare_site(config, UNITS)
    after = {p: p.read_bytes() for p in sorted(p for p in project.rglob("*") if p.is_file())}
    assert before == after
    nb = read_nb(project / "reports/GM0396/2026-H2/02_rapport.ipynb")
    assert sum(1 for c in nb["cells"] if c["cell_type"] == "raw") == 1
    assert sum(1 for c in nb["cells"] if "## Downloads" in "".join(c["source"])) == 1
    assert sum(1 for c in nb["cells"] if "#outline(" in "".join(c["source"])) == 1


def test_every_report_is_listed_and_every_link_resolves(project: Path):
    config = load_config(project)
    plan = site.prepare_site(config, UNITS)
    notebooks = {p.relative_to(project) for p in project.glob("reports/*/*/02_rapport.ipynb")}
    assert {r.notebook for r in plan.reports} == notebooks and len(notebooks) == 3

    # the render targets (as Quarto reads _quarto.yml) hold every report notebook and unit page
    targets = set(site.render_targets(project))
    assert notebooks <= targets
    assert {Path("reports/GM0396/index.qmd"), Path("reports/KNH/index.qmd")} <= targets

    assert (
        "Regio van de gemeenten GM0400, GM1911, GM0441 en GM0448"
        in (project / "reports/KNH/index.qmd").read_text()
    )
    assert "Regio" not in (project / "reports/GM0396/index.qmd").read_text()
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    listing = (project / "_generated/rapporten.md").read_text(encoding="utf-8")
    for nb in notebooks:
        code = nb.parts[1]
        page = (project / "reports" / code / "index.qmd").read_text(encoding="utf-8")
        assert nb.relative_to(Path("reports") / code).with_suffix(".html").as_posix() in page
        # the Rapporten page lists every report
        assert f'href="{nb.with_suffix(".html").as_posix()}"' in listing
    # the overview links each unit's page and its latest report
    assert "reports/GM0396/2026-H2/02_rapport.html" in overview
    assert "reports/GM0396/2024-H1/02_rapport.html" not in overview

    pages = {
        project / "index.qmd": overview,
        project / "rapporten.qmd": listing,
        project / "data.qmd": (project / "_generated/illustratief.md").read_text(),
    }
    for unit_page in plan.unit_pages:
        pages[project / unit_page] = (project / unit_page).read_text(encoding="utf-8")
    for nb in notebooks:
        cells = read_nb(project / nb)["cells"]
        pages[project / nb] = "".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    for page, text in pages.items():
        for link in md_links(text):
            if link.startswith(("http://", "https://")):
                continue
            target = page.parent / link
            if target.suffix == ".html":  # a page Quarto makes of a .qmd or a notebook
                sources = [target.with_suffix(".qmd"), target.with_suffix(".ipynb")]
                assert any(
                    src.resolve().relative_to(project.resolve()) in targets
                    for src in sources
                    if src.exists()
                ), f"{page.relative_to(project)} -> {link}"
            else:
                assert target.is_file(), f"{page.relative_to(project)} -> {link}"


def test_overview_has_status_counts_and_units_without_report(project: Path):
    site.prepare_site(load_config(project), UNITS)
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    rows = table_rows(overview, "gemeenten")
    assert set(rows) == {"Heemskerk", "Hoorn", "Kop van Noord-Holland (regio)"}
    heemskerk = [c["text"] for c in rows["Heemskerk"]["cells"]]
    # no areas table in this project's CBS folder: no province column
    assert heemskerk == [
        "Heemskerk",
        "eigen beleidsplan",
        "2e halfjaar 2026",
        "6",
        "3 bereikt, 2 op koers en 1 achter op schema",  # zero counts are left out
    ]
    assert rows["Heemskerk"]["cells"][2]["links"] == ["reports/GM0396/2026-H2/02_rapport.html"]
    assert rows["Hoorn"]["cells"][2]["text"] == "nog geen rapport"
    assert "illustratieve gegevens" in rows["Kop van Noord-Holland (regio)"]["cells"][4]["text"]
    assert "Geen kaart" in overview  # this project's CBS folder has no geo files
    assert "`tussenstand fetch` haalt geen grenzen op" in overview  # and fetch cannot get them
    illustr = (project / "_generated/illustratief.md").read_text(encoding="utf-8")
    assert "Kop van Noord-Holland" in illustr and "Heemskerk" not in illustr


STANDARD_UNITS = [
    MonitoredUnit("GM0363", "Amsterdam", "gemeente", "basisset", ("GM0363",), standard=True),
    MonitoredUnit("GM0014", "Groningen", "gemeente", "basisset", ("GM0014",), standard=True),
]


def test_home_table_is_a_real_table_that_puts_own_plans_first(project: Path, cbs_dir: Path):
    """Every unit in one table a screen reader can read (caption, column and row headers, a
    labelled search field): the units with a plan of their own first and named so, the others
    with the basisset; the province from CBS's areas table."""
    shutil.copy(cbs_dir / "85755NED.csv", project / "cbs" / "85755NED.csv")
    write_report(project, "GM0014", "Groningen", "2026-H2", "2e halfjaar 2026")
    site.prepare_site(load_config(project), UNITS + STANDARD_UNITS)
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    reader = read_tables(overview)
    table = reader.tables["gemeenten"]
    assert table["caption"] and table["attrs"]["data-quarto-disable-processing"] == "true"
    assert [c["text"] for c in table["head"]] == [
        "Gemeente of regio",
        "Provincie",
        "Kader",
        "Laatste rapport",
        "Doelen",
        "Status van de doelen",
    ]
    assert all(c["attrs"].get("scope") == "col" for c in table["head"])
    rows = table["rows"]
    assert all(
        r["cells"][0]["tag"] == "th" and r["cells"][0]["attrs"]["scope"] == "row" for r in rows
    )
    names = [r["cells"][0]["text"] for r in rows]
    assert names == [
        "Heemskerk",
        "Hoorn",
        "Kop van Noord-Holland (regio)",
        "Amsterdam",
        "Groningen",
    ]
    by_name = {r["cells"][0]["text"]: r for r in rows}
    assert [c["text"] for c in by_name["Heemskerk"]["cells"][1:3]] == [
        "Noord-Holland",
        "eigen beleidsplan",
    ]
    assert [c["text"] for c in by_name["Groningen"]["cells"][1:3]] == ["Groningen", "basisset"]
    # a region's province is that of its members when they share one
    assert by_name["Kop van Noord-Holland (regio)"]["cells"][1]["text"] == "Noord-Holland"
    # the filters: a search field with a label, and one for the plans of their own
    assert by_name["Heemskerk"]["attrs"]["data-eigen"] == "ja"
    assert "data-eigen" not in by_name["Amsterdam"]["attrs"]
    assert by_name["Amsterdam"]["attrs"]["data-zoek"] == "amsterdam gm0363 noord-holland"
    fields = {i["id"]: i for i in reader.inputs}
    assert set(fields) == {"gemeenten-zoek", "gemeenten-eigen"}
    assert reader.labels["gemeenten-zoek"].startswith("Zoek een gemeente")
    assert reader.labels["gemeenten-eigen"] == "Alleen met een eigen beleidsplan"
    # the intro counts them (4 municipalities and 1 region, 3 of them with a plan of their own)
    assert (
        "tussenstand volgt 4 gemeenten en 1 regio; 3 daarvan met een eigen beleidsplan" in overview
    )
    # each unit keeps its own page, which says how it is monitored
    page = (project / "reports/GM0014/index.qmd").read_text(encoding="utf-8")
    assert "tussenstand volgt Groningen (Groningen) met de basisset" in page
    assert "2026-H2/02_rapport.html" in page


def test_reports_table_lists_every_report_with_period_filter(project: Path):
    write_report(project, "GM0014", "Groningen", "2026-H2", "2e halfjaar 2026")
    site.prepare_site(load_config(project), UNITS + STANDARD_UNITS)
    listing = (project / "_generated/rapporten.md").read_text(encoding="utf-8")
    reader = read_tables(listing)
    rows = reader.tables["rapporten"]["rows"]
    got = [
        (
            r["cells"][0]["text"],
            r["cells"][1]["text"],
            r["attrs"]["data-periode"],
            r["cells"][0]["links"],
        )
        for r in rows
    ]
    # plans of their own first, by name, newest period first
    assert got == [
        ("Heemskerk", "2e halfjaar 2026", "2026-H2", ["reports/GM0396/2026-H2/02_rapport.html"]),
        ("Heemskerk", "1e halfjaar 2024", "2024-H1", ["reports/GM0396/2024-H1/02_rapport.html"]),
        (
            "Kop van Noord-Holland",
            "2e halfjaar 2026",
            "2026-H2",
            ["reports/KNH/2026-H2/02_rapport.html"],
        ),
        ("Groningen", "2e halfjaar 2026", "2026-H2", ["reports/GM0014/2026-H2/02_rapport.html"]),
    ]
    assert rows[0]["cells"][1]["attrs"]["data-waarde"] == "2026-12-31"  # sorts by the period's end
    assert rows[0]["cells"][-1]["text"] == "23 november 2026"
    period = next(i for i in reader.inputs if i["tag"] == "select")
    assert reader.labels[period["id"]] == "Periode"
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', listing)
    assert options == [
        ("", "alle"),
        ("2026-H2", "2e halfjaar 2026"),
        ("2024-H1", "1e halfjaar 2024"),
    ]
    assert "4 rapporten, de gemeenten en regio's met een eigen beleidsplan eerst" in listing


def test_map_alt_text_names_the_plans_and_counts_the_rest():
    units = UNITS + STANDARD_UNITS
    alt = site.pages.map_alt_text(units)
    assert "eigen beleidsplan: Heemskerk, Hoorn en Kop van Noord-Holland" in alt
    assert "de 2 andere gemeenten die tussenstand volgt met de basisset" in alt
    assert "Amsterdam" not in alt


def test_missing_reports_and_data_page(project: Path):
    plan = site.prepare_site(load_config(project), UNITS)
    assert ("GM0405", "2026-H2") in plan.missing and ("KNH", "2024-H1") in plan.missing
    assert ("GM0396", "2026-H2") not in plan.missing
    bronnen = (project / "_generated/bronnen.md").read_text(encoding="utf-8")
    row = next(line for line in bronnen.splitlines() if "86050NED" in line)
    assert "Wmo-cliënten; gemeenten" in row and row.endswith("| gedownload op 1 oktober 2026 |")
    assert "Bron: CBS, CC BY 4.0" in bronnen
    rules = (project / "_generated/statusregels.md").read_text(encoding="utf-8")
    assert "bereikt" in rules.lower()


def test_summary_for_wrong_folder_is_refused(project: Path):
    path = project / "reports/GM0396/2024-H1/samenvatting.json"
    data = json.loads(path.read_text())
    data["periode"] = "2025-H1"
    path.write_text(json.dumps(data))
    with pytest.raises(site.SiteError, match=r"reports/GM0396/2024-H1/samenvatting.json.*2025-H1"):
        site.prepare_site(load_config(project), UNITS)


def test_report_without_summary_still_gets_a_page(project: Path):
    write_report(project, "GM0405", "Hoorn", "2026-H2", "2e halfjaar 2026", with_summary=False)
    plan = site.prepare_site(load_config(project), UNITS)
    fm = front_matter(read_nb(project / "reports/GM0405/2026-H2/02_rapport.ipynb"))
    assert (
        fm["title"] == "Tussenstand sociaal domein Hoorn" and fm["subtitle"] == "2e halfjaar 2026"
    )
    assert any("samenvatting.json" in w for w in plan.warnings)


def test_map_from_real_boundaries(project: Path, cbs_dir: Path):
    out = project / "kaart.png"
    site.draw_map(cbs_dir / "geo" / "gemeenten_2024.geojson", {"GM0396", "GM0405"}, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    # the same map again: the file keeps its bytes and its time (the home page is not rendered
    # again); another highlight makes a new file
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))
    site.draw_map(cbs_dir / "geo" / "gemeenten_2024.geojson", {"GM0396", "GM0405"}, out)
    assert out.stat().st_mtime_ns == 1_000_000_000
    site.draw_map(cbs_dir / "geo" / "gemeenten_2024.geojson", {"GM0396"}, out)
    assert out.stat().st_mtime_ns != 1_000_000_000


def test_overview_with_map(project: Path, cbs_dir: Path):
    (project / "cbs" / "geo").mkdir()
    shutil.copy(cbs_dir / "geo" / "gemeenten_2024.geojson", project / "cbs" / "geo")
    plan = site.prepare_site(load_config(project), UNITS)
    assert (
        plan.map_file == Path("reports/overzicht-kaart.png") and (project / plan.map_file).is_file()
    )
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    assert "reports/overzicht-kaart.png" in overview and "fig-alt=" in overview
    assert site.MAP_SOURCE in overview


# ----- render_site without quarto ------------------------------------------------------------------
def test_render_without_quarto_prepares_and_explains(project: Path, capsys):
    assert site.render_site(load_config(project), UNITS, quarto=None) == 0
    out = capsys.readouterr().out
    assert "Quarto is niet gevonden" in out and 'pip install -e ".[publish]"' in out
    assert (project / "_generated/overzicht.md").is_file()
    assert not (project / "_site").exists()


# ----- check_site_links ----------------------------------------------------------------------------
def test_check_site_links_finds_broken_internal_links(tmp_path: Path):
    s = tmp_path / "_site"
    (s / "reports/GM0396/2026-H2").mkdir(parents=True)
    (s / "site_libs").mkdir()
    (s / "site_libs/app.js").write_text("")
    (s / "reports/GM0396/2026-H2/02_rapport.pdf").write_bytes(b"%PDF")
    (s / "index.html").write_text(
        '<html><head><script src="site_libs/app.js"></script></head><body>'
        '<a href="reports/GM0396/2026-H2/02_rapport.html#doelen">rapport</a>'
        '<a href="https://www.cbs.nl/">CBS</a><a href="#top">boven</a><a href="mailto:x@y.nl">m</a>'
        '<img src="data:image/png;base64,AAAA"><a href="reports/GM0396/">map</a>'
        '<a href="rapporten.html?x=1">weg</a></body></html>'
    )
    (s / "reports/GM0396/index.html").write_text('<a href="../../index.html">home</a>')
    (s / "reports/GM0396/2026-H2/02_rapport.html").write_text(
        '<a href="02_rapport.pdf">PDF</a><a href="data/doelen.csv">csv</a><a href="/index.html">root</a>'
    )
    broken = site.check_site_links(s)
    assert {(b.page, b.target) for b in broken} == {
        ("index.html", "rapporten.html?x=1"),
        ("reports/GM0396/2026-H2/02_rapport.html", "data/doelen.csv"),
    }
    (s / "rapporten.html").write_text("")
    (s / "reports/GM0396/2026-H2/data").mkdir()
    (s / "reports/GM0396/2026-H2/data/doelen.csv").write_text("")
    assert site.check_site_links(s) == []


# ----- the real render -----------------------------------------------------------------------------
@pytest.mark.quarto
@pytest.mark.skipif(
    shutil.which("quarto") is None, reason="quarto staat niet op PATH (pip install -e '.[publish]')"
)
def test_quarto_renders_site_and_pdf(project: Path):
    config = load_config(project)
    # what a killed build left: a half-made report and a report renamed away for a swap, each with
    # a CSV that Quarto's resource glob would otherwise copy
    for leftover in (".2026-H2.tmp-dood", ".2024-H1.old-dood"):
        shutil.copytree(project / "reports/GM0396/2026-H2", project / "reports/GM0396" / leftover)
        (project / "reports/GM0396" / leftover / "data" / "half.csv").write_text("x;1\n")
    code = site.render_site(config, UNITS, quarto=shutil.which("quarto"))
    assert code == 0
    out = project / "_site"
    assert site.hidden_report_files(out) == []
    assert not list(out.rglob("half.csv")) and not list(out.rglob("*dood*"))
    assert (out / "index.html").is_file()
    assert (out / "reports/GM0396/2026-H2/02_rapport.html").is_file()
    assert list(out.glob("reports/*/*/02_rapport.pdf"))
    assert site.check_site_links(out) == []
    html = (out / "reports/GM0396/2026-H2/02_rapport.html").read_text(encoding="utf-8")
    assert "maak_tabel" not in html  # code hidden
    assert f'alt="{ALT_TEXT}"' in html  # the figure's description (the reader's check needs one)
    assert site.check_site_pages(out) == []
    assert "jdevries" not in html

    # every page says which tussenstand made the site (the footer's build stamp)
    for page in (
        "index.html",
        "rapporten.html",
        "methode.html",
        "data.html",
        "reports/GM0396/index.html",
        "reports/GM0396/2026-H2/02_rapport.html",
    ):
        footer = (
            (out / page).read_text(encoding="utf-8").split('class="nav-footer-center"')[1][:400]
        )
        assert f"met tussenstand {VERSION} (commit " in footer, page
        assert "?var" not in footer and "{{" not in footer, page
    # the PDF's metadata: title, author and keywords with the version and commit of the report
    pypdf = pytest.importorskip("pypdf", reason="pypdf niet geïnstalleerd (extra 'test')")
    summary = ReportSummary.read(project / "reports/GM0396/2026-H2/samenvatting.json")
    info = pypdf.PdfReader(out / "reports/GM0396/2026-H2/02_rapport.pdf").metadata
    assert info["/Title"] == "Tussenstand sociaal domein Heemskerk, 2e halfjaar 2026"
    assert info["/Author"] == "tussenstand"
    keywords = info["/Keywords"].split(", ")
    assert f"tussenstand {VERSION}" in keywords and f"commit {summary.commit}" in keywords
    assert "Heemskerk" in keywords
    # the subject: where the goals stand, from samenvatting.json (3 bereikt, 2 op koers, 1 achter)
    assert info["/Subject"] == (
        "Heemskerk, 2e halfjaar 2026: 3 bereikt, 2 op koers en 1 achter op schema."
    )
    reader = pypdf.PdfReader(out / "reports/GM0396/2026-H2/02_rapport.pdf")
    pages = [page.extract_text() for page in reader.pages]
    # page 1 tells the story: title, period, the goals per status, then the contents
    first = pages[0]
    assert first.index("Tussenstand sociaal domein Heemskerk") < first.index("2e halfjaar 2026")
    story = first.index("Stand van de 6 doelen:")
    assert story < first.index("3 bereikt") < first.index("1 achter op schema")
    assert story < first.index("Inhoud")
    # every page has the running footer; page 2 starts the report's first chapter
    assert len(pages) >= 2 and "Doelen" in pages[1]
    for number, text in enumerate(pages, start=1):
        assert "Tussenstand sociaal domein Heemskerk · 2e halfjaar 2026" in text, number
        assert f"pagina {number} van {len(pages)}" in text, number
    # the first page's story is for the PDF: the website has the summary and its own contents
    assert "Stand van de 6 doelen" not in html
    # a report with illustrative data says so on page 1, before the contents
    knh = pypdf.PdfReader(out / "reports/KNH/2026-H2/02_rapport.pdf").pages[0].extract_text()
    assert knh.index("illustratieve gegevens") < knh.index("Inhoud")


@pytest.mark.parametrize(
    "printed, parsed",
    [
        ("1.8.25\n", (1, 8, 25)),
        ("1.7\n", (1, 7)),
        ("99.9.9", (99, 9, 9)),
        ("", None),
        ("quarto: command not found", None),
    ],
)
def test_quarto_version_text(printed: str, parsed):
    assert site.parse_quarto_version(printed) == parsed


def test_old_quarto_is_named_and_a_failed_render_leaves_the_site_alone(project: Path, capsys):
    old_site = project / "_site" / "index.html"
    old_site.parent.mkdir()
    old_site.write_text("de vorige site", encoding="utf-8")
    fake = project / "quarto"  # prints an old version; its render writes half a site, then fails
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.7.33; exit 0; fi\n'
        "mkdir -p _site && echo half > _site/index.html; exit 3\n"
    )
    fake.chmod(0o755)
    assert site.render_site(load_config(project), UNITS, quarto=str(fake)) == 1
    err = capsys.readouterr().err
    assert "Quarto 1.7.33 gevonden" in err and "Quarto 1.8 of nieuwer" in err
    assert "Quarto is mislukt (code 3)" in err
    assert old_site.read_text(encoding="utf-8") == "de vorige site"
    assert not [p for p in project.iterdir() if p.name.startswith("_site.")]


def test_a_site_with_files_of_a_temporary_report_folder_is_not_published(project: Path, capsys):
    """The safety net behind _quarto.yml's exclusion: a render that copied a file of a build's
    temporary folder leaves _site/ as it was."""
    old_site = project / "_site" / "index.html"
    old_site.parent.mkdir()
    old_site.write_text("de vorige site", encoding="utf-8")
    fake = project / "quarto"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.8.2; exit 0; fi\n'
        "mkdir -p _site/reports/GM0396/.2026-H2.tmp-dood/data && echo site > _site/index.html && "
        "echo x > _site/reports/GM0396/.2026-H2.tmp-dood/data/half.csv; exit 0\n"
    )
    fake.chmod(0o755)
    assert site.render_site(load_config(project), UNITS, quarto=str(fake)) == 1
    err = capsys.readouterr().err
    assert "1 bestand(en) uit een tijdelijke map van een build" in err
    assert "reports/GM0396/.2026-H2.tmp-dood/data/half.csv" in err
    assert old_site.read_text(encoding="utf-8") == "de vorige site"
    assert not [p for p in project.iterdir() if p.name.startswith("_site.")]


def test_a_site_that_fails_the_readers_check_is_not_published(project: Path, capsys):
    """A render whose page has an image without a text alternative, says no language and has two
    level-1 headings leaves _site/ as it was, and names each problem."""
    old_site = project / "_site" / "index.html"
    old_site.parent.mkdir()
    old_site.write_text("de vorige site", encoding="utf-8")
    page = (
        "<!DOCTYPE html><html><head><title>Start</title></head><body><h1>Start</h1>"
        '<h1>Nog een</h1><img src="kaart.png"></body></html>'
    )
    fake = project / "quarto"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.8.2; exit 0; fi\n'
        # like Quarto: the site goes to _site/ of the project copy it runs in
        f"mkdir -p _site && echo x > _site/kaart.png && echo '{page}' > _site/index.html; exit 0\n"
    )
    fake.chmod(0o755)
    assert site.render_site(load_config(project), UNITS, quarto=str(fake)) == 1
    err = capsys.readouterr().err
    assert "3 probleem(en) voor lezers op 1 pagina('s)" in err
    assert "index.html: afbeelding kaart.png heeft geen alt-tekst" in err
    assert '<html lang="nl">' in err and "2 koppen van niveau 1" in err
    assert old_site.read_text(encoding="utf-8") == "de vorige site"
    assert not (project / "_site.nieuw").exists()


def test_temporary_report_folders_are_not_reports(project: Path):
    shutil.copytree(project / "reports/GM0396/2026-H2", project / "reports/GM0396/.2026-H2.tmp-x")
    reports = site.find_reports(load_config(project), {u.code: u for u in UNITS})
    assert sorted(str(r.notebook.parent) for r in reports) == [
        "reports/GM0396/2024-H1",
        "reports/GM0396/2026-H2",
        "reports/KNH/2026-H2",
    ]


# ----- the hand-off files: written by one stage, read by the site ------------------------------------
def test_summary_written_as_the_report_does_is_read_with_version_and_commit(tmp_path: Path):
    root = make_project(tmp_path / "checkout", git=True)  # report summaries stamped with build_info
    commit = git_head(root)
    site.prepare_site(load_config(root), UNITS)
    folder = root / "reports/GM0396/2026-H2"
    closing = "".join(read_nb(folder / "02_rapport.ipynb")["cells"][-1]["source"])
    assert (
        f"*Gebouwd op 23 november 2026 met tussenstand {VERSION} (commit {commit}), uit gegevens"
        in closing
    )
    # the PDF's keywords carry them too
    header = front_matter(read_nb(folder / "02_rapport.ipynb"))["format"]["typst"][
        "include-in-header"
    ]
    rule = next(h["text"] for h in header if "set document" in h["text"])
    assert f'"tussenstand {VERSION}"' in rule and f'"commit {commit}"' in rule
    # the site's own stamp (footer of every page): the version and commit that render it, today
    # (per page: a render of what changed leaves the other pages and their stamp alone)
    stamp = yaml.safe_load((root / "_variables.yml").read_text(encoding="utf-8"))[
        site.STAMP_VARIABLE
    ]
    assert (
        stamp
        == f"Pagina gemaakt op {dutch(date.today())} met tussenstand {VERSION} (commit {commit})"
    )


def test_summary_of_a_report_built_before_the_stamp(project: Path):
    # the keys report.py wrote before samenvatting.json had versie and commit
    folder = project / "reports/GM0396/2026-H2"
    (folder / "samenvatting.json").write_text(
        json.dumps(
            {
                "gemeente": "GM0396",
                "gemeente_naam": "Heemskerk",
                "periode": "2026-H2",
                "periode_label": "2e halfjaar 2026",
                "kader": "heemskerk-2024",
                "status_counts": {"bereikt": 1, "op koers": 0},
                "aantal_doelen": 1,
                "peildata": ["2025-04-22"],
                "gebouwd_op": "2026-11-30",
                "illustratief": False,
            }
        ),
        encoding="utf-8",
    )
    site.prepare_site(load_config(project), UNITS)
    closing = "".join(read_nb(folder / "02_rapport.ipynb")["cells"][-1]["source"])
    assert "*Gebouwd op 30 november 2026 met gegevens met peildatum 22 april 2025.*" in closing
    assert "commit" not in closing
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    heemskerk = table_rows(overview, "gemeenten")["Heemskerk"]["cells"]
    assert [c["text"] for c in heemskerk[3:]] == ["1", "1 bereikt"]


def test_summary_that_does_not_match_the_model_names_file_and_field(project: Path):
    path = project / "reports/GM0396/2024-H1/samenvatting.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["status_counts"]["bereikt"] = -1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        site.SiteError,
        match=r"^reports/GM0396/2024-H1/samenvatting\.json: .*status_counts\.bereikt",
    ):
        site.prepare_site(load_config(project), UNITS)


class OneTableCBS:
    """cbsodata's shape for one small table (what `tussenstand fetch` calls)."""

    def get_data(self, table_id):
        return [{"Perioden": "2024", "Regio's": "Heemskerk", "WmoClienten_1": 1234.0}]

    def get_meta(self, table_id, name):
        return [{"Title": "Wmo-cliënten; gemeenten", "Period": "2024"}]


def test_data_page_shows_the_download_date_that_fetch_writes(tmp_path: Path):
    from tussenstand.sources.cbs_fetch import fetch_table

    before = date.today()
    fetch_table("86050NED", tmp_path, client=OneTableCBS())
    after = date.today()
    row = next(line for line in site.sources_text(tmp_path).splitlines() if "86050NED" in line)
    assert "Wmo-cliënten; gemeenten" in row
    assert row.endswith(
        (f"| gedownload op {dutch(before)} |", f"| gedownload op {dutch(after)} |")
    ), row


def test_table_without_download_date_says_so_and_never_shows_the_file_date(tmp_path: Path):
    import os
    from datetime import datetime

    csv = tmp_path / "85099NED.csv"  # no sidecar at all
    csv.write_text("a;b\n", encoding="utf-8")
    stamp = datetime(2024, 3, 5, 12, 0).timestamp()
    os.utime(csv, (stamp, stamp))
    TableMeta(tabel="86050NED", titel="Wmo-cliënten").write(
        tmp_path / "86050NED.meta.json"
    )  # no date
    text = site.sources_text(tmp_path)
    rows = [line for line in text.splitlines() if "NED](" in line]
    assert len(rows) == 2 and all(r.endswith("| downloaddatum onbekend |") for r in rows)
    assert "5 maart 2024" not in text


def test_sidecar_that_does_not_match_the_model_names_file_and_field(tmp_path: Path):
    (tmp_path / "86050NED.csv").write_text("a;b\n", encoding="utf-8")
    (tmp_path / "86050NED.meta.json").write_text(
        json.dumps({"tabel": "86050NED", "download_datum": "22-04-2025"}), encoding="utf-8"
    )
    with pytest.raises(site.SiteError, match=r"86050NED\.meta\.json: .*download_datum"):
        site.sources_text(tmp_path)


# ----- the PDF's metadata, without Quarto ------------------------------------------------------------
def test_pdf_metadata_rule_compiles_to_title_author_and_keywords(tmp_path: Path):
    """The typst header of a report's front matter, compiled with typst (the engine Quarto uses):
    the PDF carries title, author and keywords, also with quotes and backslashes in a name."""
    typst = pytest.importorskip("typst", reason="typst niet geïnstalleerd (extra 'test')")
    pypdf = pytest.importorskip("pypdf", reason="pypdf niet geïnstalleerd (extra 'test')")
    summary = ReportSummary(
        gemeente="GM9999",
        gemeente_naam='Dorp "aan de Dijk" \\ Oost',
        periode="2026-H1",
        periode_label="1e halfjaar 2026",
        gebouwd_op=date(2026, 7, 1),
        versie="0.1.0",
        commit="1a2b3c4d5e6f-gewijzigd",
    )
    header = report_front_matter(summary)["format"]["typst"]["include-in-header"]
    source = tmp_path / "doc.typ"
    source.write_text(
        "\n".join(h["text"] for h in header) + "\n\n= Samenvatting\n\nTekst.\n", encoding="utf-8"
    )
    typst.compile(str(source), output=str(tmp_path / "doc.pdf"))
    reader = pypdf.PdfReader(tmp_path / "doc.pdf")
    info = reader.metadata
    assert (
        info["/Title"] == 'Tussenstand sociaal domein Dorp "aan de Dijk" \\ Oost, 1e halfjaar 2026'
    )
    assert info["/Author"] == "tussenstand"
    # subject: municipality, period and where the goals stand (no goals in this summary)
    assert info["/Subject"] == (
        'Dorp "aan de Dijk" \\ Oost, 1e halfjaar 2026: geen meetbare doelen in het kader: '
        "zie de indicatoren."
    )
    # the date the report was built (1 July 2026), not the day it was rendered
    assert info.creation_date.date() == date(2026, 7, 1)
    # the footer: title and period, 'pagina 1 van 1'
    footer = reader.pages[0].extract_text()
    assert 'Tussenstand sociaal domein Dorp "aan de Dijk" \\ Oost · 1e halfjaar 2026' in footer
    assert "pagina 1 van 1" in footer
    assert info["/Keywords"].split(", ") == [
        "sociaal domein",
        'Dorp "aan de Dijk" \\ Oost',
        "GM9999",
        "1e halfjaar 2026",
        "tussenstand 0.1.0",
        "commit 1a2b3c4d5e6f-gewijzigd",
    ]


# ----- units ---------------------------------------------------------------------------------------
def test_report_of_a_unit_no_framework_mentions_still_gets_a_page(project: Path):
    plan = site.prepare_site(load_config(project), UNITS[:2])  # KNH's framework is gone
    assert "KNH" in {u.code for u in plan.units}
    page = (project / "reports/KNH/index.qmd").read_text(encoding="utf-8")
    assert yaml.safe_load(page.split("---")[1])["title"] == "Kop van Noord-Holland"
    assert "2026-H2/02_rapport.html" in page and "Regio van de gemeenten" not in page
    overview = (project / "_generated/overzicht.md").read_text(encoding="utf-8")
    knh = table_rows(overview, "gemeenten")["Kop van Noord-Holland (regio)"]["cells"][0]
    assert knh["links"] == ["reports/KNH/index.html"]


# ----- the tables' script, in a real browser ----------------------------------------------------------
def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


TABLE_CHECK = """
<pre id="uitkomst"></pre>
<script>
document.addEventListener("DOMContentLoaded", function () {
  const out = {};
  const rows = () => Array.from(document.querySelectorAll("#t tbody tr"));
  const shown = () => rows().filter((r) => !r.hidden).map((r) => r.cells[0].textContent.trim());
  const count = () => document.querySelector("[data-telling]").textContent;
  const set = (id, value, event) => {
    const el = document.getElementById(id);
    if (el.type === "checkbox") el.checked = value; else el.value = value;
    el.dispatchEvent(new Event(event));
  };
  out.filtersShown = !document.querySelector('[data-tabel-filters="t"]').hidden;
  out.start = count();
  set("t-zoek", "NOORD holl", "input");
  out.search = shown(); out.searchCount = count();
  set("t-zoek", "", "input");
  set("t-eigen", true, "change");
  out.own = shown();
  set("t-eigen", false, "change");
  const heads = Array.from(document.querySelectorAll("#t thead th"));
  out.buttons = heads.map((th) => th.querySelector("button") ? th.querySelector("button").type : null);
  heads[2].querySelector("button").click();
  out.numberUp = shown(); out.sortUp = heads[2].getAttribute("aria-sort");
  heads[2].querySelector("button").click();
  out.numberDown = shown(); out.sortDown = heads[2].getAttribute("aria-sort");
  out.others = heads[0].getAttribute("aria-sort");
  heads[0].querySelector("button").click();
  out.names = shown();
  document.getElementById("uitkomst").textContent = JSON.stringify(out);
});
</script>
"""


@pytest.mark.skipif(_browser() is None, reason="geen chromium op PATH om de tabel in te testen")
def test_table_script_filters_and_sorts_in_a_browser(tmp_path: Path):
    """tabel.js in headless Chromium: the filters appear, a search matches every word in name,
    code or province (any case), the checkbox keeps the plans of their own, a header button sorts
    numbers as numbers and says so in aria-sort, the live region counts in Dutch."""
    from tussenstand.site.pages import Cell, Column, Filter, Row, table_html

    def row(name: str, province: str, goals: int, own: bool) -> Row:
        data = {"zoek": f"{name} {province}".casefold()}
        if own:
            data["eigen"] = "ja"
        return Row((Cell(name), Cell(province), Cell(str(goals), key=str(goals))), data)

    block = table_html(
        "t",
        "Proef",
        [Column("Naam"), Column("Provincie"), Column("Doelen", numeric=True)],
        [
            row("Zaandam", "Noord-Holland", 10, True),
            row("Utrecht", "Utrecht", 2, False),
            row("Alkmaar", "Noord-Holland", 30, False),
        ],
        [Filter("zoek", "Zoek", "zoek"), Filter("eigen", "Alleen eigen plan", "vinkje")],
        "gemeenten",
    )
    html = block.removeprefix("```{=html}\n").removesuffix("```\n")
    page = tmp_path / "tabel.html"
    page.write_text(f'<!doctype html><html lang="nl"><body>{html}{TABLE_CHECK}</body></html>')
    done = subprocess.run(
        [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="uitkomst">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), done.stdout[-2000:] + done.stderr[-2000:]
    import html as html_module

    out = json.loads(html_module.unescape(found.group(1)))
    assert out["filtersShown"] is True
    assert out["start"] == "3 van 3 gemeenten getoond"
    assert (
        out["search"] == ["Zaandam", "Alkmaar"]
        and out["searchCount"] == "2 van 3 gemeenten getoond"
    )
    assert out["own"] == ["Zaandam"]
    assert out["buttons"] == ["button", "button", "button"]
    assert out["numberUp"] == ["Utrecht", "Zaandam", "Alkmaar"] and out["sortUp"] == "ascending"
    assert out["numberDown"] == ["Alkmaar", "Zaandam", "Utrecht"]
    assert out["sortDown"] == "descending" and out["others"] == "none"
    assert out["names"] == ["Alkmaar", "Utrecht", "Zaandam"]
