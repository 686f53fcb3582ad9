"""From a copy of the project: `tussenstand run` with the real notebooks, then the site preparation.

This is what `make site` does for one report, minus Quarto: the executed report must be complete,
traceable (every image it links exists, with its CSV) and publishable (no machine paths).
"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
import yaml
from click.testing import CliRunner

from tussenstand import cli, site
from tussenstand.config import load_config
from tussenstand.frameworks import monitored_units

IGNORE = shutil.ignore_patterns(
    ".venv*", ".git", "reports", "processed", "_site", ".quarto", "_generated"
)


@pytest.fixture(scope="module")
def built_project(project_root, cbs_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e") / "project"
    shutil.copytree(project_root, root, ignore=IGNORE)
    (root / "reports").mkdir()
    (root / "data" / "processed").mkdir(exist_ok=True)
    result = CliRunner().invoke(
        cli.main,
        ["run", "--gemeente", "GM0405", "--periode", "2024-H1", "--cbs-dir", str(cbs_dir)],
        env={"TUSSENSTAND_PROJECT_ROOT": str(root)},
    )
    assert result.exit_code == 0, result.output
    return root


def test_run_leaves_a_complete_report(built_project):
    folder = built_project / "reports" / "GM0405" / "2024-H1"
    for name in ("01_opschonen.ipynb", "02_rapport.ipynb", "samenvatting.json"):
        assert (folder / name).is_file(), name
    assert not list((built_project / "reports" / "GM0405").glob(".*tmp*"))  # no temp folder left
    summary = json.loads((folder / "samenvatting.json").read_text(encoding="utf-8"))
    assert summary["gemeente_naam"] == "Hoorn" and summary["periode"] == "2024-H1"
    nb = nbformat.read(folder / "02_rapport.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "GM0405" in tagged[0].source
    markdown = [
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    images = [m for text in markdown for m in re.findall(r"\]\(([^)]+\.svg)\)", text)]
    assert len(images) >= 5
    for image in images:  # linked relative to the notebook, next to the data behind it
        assert (folder / image).is_file(), image
        assert (folder / image).with_suffix(".csv").is_file(), image
    assert "Bron: CBS StatLine" in "\n".join(markdown)


def test_site_preparation_publishes_nothing_private(built_project, cbs_dir, monkeypatch):
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(built_project))
    config = load_config(built_project, cbs_dir=cbs_dir)
    plan = site.prepare_site(config, monitored_units(config.frameworks_dir))
    assert any(r.summary.gemeente == "GM0405" for r in plan.reports)
    path = built_project / "reports" / "GM0405" / "2024-H1" / "02_rapport.ipynb"
    text = path.read_text(encoding="utf-8")
    for private in (str(built_project), str(cbs_dir), "/tmp/", "/home/", "/root/"):
        assert private not in text, private
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---")
    assert "title:" in nb.cells[0].source and "format-links" in nb.cells[0].source
    assert (
        site.TYPST_BREAKABLE_FIGURES in nb.cells[0].source
    )  # long tables continue on the next page
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'gemeente = "GM0405"' in parameters.source and 'periode = "2024-H1"' in parameters.source
    assert "cbs_dir" not in parameters.source  # run values only, no paths
    closing = nb.cells[-1].source
    assert "Gebouwd op" in closing
    for link in re.findall(r"\]\((data/[^)]+\.csv)\)", closing):
        assert (path.parent / link).is_file(), link
    overview = (built_project / "_generated" / "overzicht.md").read_text(encoding="utf-8")
    assert "Hoorn" in overview


def markdown_as_quarto_sees_it(nb) -> str:
    """The page's Markdown: markdown and raw cells, and the Markdown outputs of code cells that are
    not removed (code itself is hidden by `remove-input`). Quarto's own ipynb conversion does the same
    before pandoc writes typst."""
    parts = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type in ("markdown", "raw"):
            parts.append(cell.source)
        elif cell.cell_type == "code" and "remove-cell" not in tags:
            parts += [
                o["data"]["text/markdown"]
                for o in cell.get("outputs", [])
                if "text/markdown" in o.get("data", {})
            ]
    return "\n\n".join(parts)


def test_report_compiles_to_a_pdf_with_pandoc_and_typst(
    built_project, cbs_dir, monkeypatch, tmp_path
):
    """Without Quarto: the prepared report's Markdown through pandoc's typst writer and the typst
    compiler (Quarto's PDF path, minus Quarto's template). Every table parses, every chart is found
    and embedded."""
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary niet geïnstalleerd (extra 'test')"
    )
    typst = pytest.importorskip("typst", reason="typst niet geïnstalleerd (extra 'test')")
    pypdf = pytest.importorskip("pypdf", reason="pypdf niet geïnstalleerd (extra 'test')")
    monkeypatch.setenv("TUSSENSTAND_PROJECT_ROOT", str(built_project))
    config = load_config(built_project, cbs_dir=cbs_dir)
    site.prepare_site(config, monitored_units(config.frameworks_dir))
    folder = built_project / "reports" / "GM0405" / "2024-H1"
    nb = nbformat.read(folder / "02_rapport.ipynb", as_version=4)
    markdown = markdown_as_quarto_sees_it(nb)
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", markdown)
    assert len(images) >= 5
    # the report's own typst header (metadata, footer, table rules, badges) and the site's filters
    front = yaml.safe_load(nb.cells[0].source.strip().strip("-"))
    headers = [h["text"] for h in front["format"]["typst"]["include-in-header"]]
    assert site.TYPST_BREAKABLE_FIGURES in headers and site.TYPST_TABLE_CELLS in headers
    filters = yaml.safe_load((built_project / "_quarto.yml").read_text(encoding="utf-8"))["filters"]
    source = folder / "_pdfcheck.typ"
    try:
        pypandoc.convert_text(
            markdown,
            "typst",
            format="markdown",
            outputfile=str(source),
            extra_args=[
                "--standalone",
                "-M",
                "lang=nl",
                "-V",
                "papersize=a4",
                *(arg for h in headers for arg in ("-V", f"header-includes={h}")),
                *(arg for f in filters for arg in ("--lua-filter", str(built_project / f))),
            ],
        )
        typ = source.read_text(encoding="utf-8")
        assert typ.count("#table(") >= 3  # summary, households, verantwoording
        pdf = tmp_path / "rapport.pdf"
        typst.compile(str(source), output=str(pdf), root=str(folder))
    finally:
        source.unlink(missing_ok=True)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 5
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    text = "\n".join(page.extract_text() for page in reader.pages)
    # typst found and drew every chart (a missing or unreadable image stops the compile) as a
    # numbered figure with its source line as caption; the charts stay vector graphics (SVG), so
    # the PDF holds no raster image
    assert len(set(re.findall(r"Figuur\s(\d+):\s+Bron:", text))) == len(images)
    assert sum(len(page.images) for page in reader.pages) == 0
    assert "Hoorn" in text and "Bron: CBS StatLine" in text
    # the report's PDF metadata and footer reach the PDF
    assert reader.metadata["/Subject"].startswith("Hoorn, 1e halfjaar 2024: ")
    pages = len(reader.pages)
    assert f"pagina {pages} van {pages}" in reader.pages[-1].extract_text()
