"""The published site as a reader uses it: everything linked exists, every page says what it is,
and it is accessible (WCAG 2.1 AA).

The checks themselves are tested on pages written here (no Quarto needed). Then one real report
(Heemskerk, 2026-H1: 28 goals, illustrative data, the data-quality page) is run and rendered with
Quarto when it is on PATH, and that site is checked as a reader would: the reader's check
(:mod:`tussenstand.site.links`), screenshots in headless Chromium (Debian's ``chromium``) and
axe-core through puppeteer-core (``tools/a11y``, ``npm ci``). Each skips with the reason when its
tool is missing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from tussenstand import cli, site
from tussenstand.config import load_config
from tussenstand.frameworks import monitored_units
from tussenstand.site import accessibility, browser
from tussenstand.site.notebooks import demote_level_one_headings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def page(body: str, *, lang: str | None = "nl", title: str | None = "Pagina") -> str:
    html = f' lang="{lang}"' if lang is not None else ""
    head = f"<title>{title}</title>" if title is not None else ""
    return f"<!DOCTYPE html><html{html}><head>{head}</head><body>{body}</body></html>"


# ----- the reader's check on pages written here ----------------------------------------------------
def test_reader_check_names_every_page_a_reader_cannot_use(tmp_path: Path):
    s = tmp_path / "_site"
    (s / "reports/GM0396/2026-H1/data").mkdir(parents=True)
    (s / "site_libs/quarto").mkdir(parents=True)
    (s / "kaart.png").write_bytes(b"png")
    (s / "index.html").write_text(
        page(
            '<h1>Start</h1><img src="kaart.png" alt="Kaart van Nederland met de gevolgde '
            'gemeenten gekleurd"><img src="lijn.png" alt="" role="presentation">'
        )
    )
    (s / "engels.html").write_text(page("<h1>Start</h1>", lang="en"))
    (s / "zonder.html").write_text(page("<h1>Start</h1>", lang=None, title="  "))
    (s / "koppen.html").write_text(page("<h1>Een</h1><h1>Twee</h1>"))
    (s / "geen-kop.html").write_text(page("<h2>Alleen een hoofdstuk</h2>"))
    report = s / "reports/GM0396/2026-H1/02_rapport.html"
    report.write_text(
        page(
            "<h1>Rapport</h1>"
            '<img src="data/doel-ff-1.png">'  # no alt at all
            '<img src="data/doel-ff-2.png" alt="">'  # empty, but not marked decorative
            '<img src="data/doel-ff-3.png" alt="doel-ff-3.png">'  # its file name
            '<img src="data/doel-ff-4.png" alt="doel-ff-4">'  # its file name without extension
            '<img src="data/rand.png" alt="" aria-hidden="true">'  # decorative: fine
            "<svg><title>geen documenttitel</title></svg>"
        )
    )
    # Quarto's own files are not pages (no lang, no title, no h1: not a problem)
    (s / "site_libs/quarto/fragment.html").write_text("<div></div>")
    problems = {(p.page, p.problem) for p in site.check_site_pages(s)}
    assert problems == {
        (
            "engels.html",
            'de pagina zegt niet dat ze Nederlands is (<html lang="nl">; gevonden: en)',
        ),
        (
            "zonder.html",
            'de pagina zegt niet dat ze Nederlands is (<html lang="nl">; gevonden: geen lang)',
        ),
        ("zonder.html", "de pagina heeft geen titel (<title>)"),
        ("koppen.html", "de pagina heeft 2 koppen van niveau 1 (<h1>) in plaats van één"),
        ("geen-kop.html", "de pagina heeft 0 koppen van niveau 1 (<h1>) in plaats van één"),
        (
            "reports/GM0396/2026-H1/02_rapport.html",
            "afbeelding data/doel-ff-1.png heeft geen alt-tekst",
        ),
        (
            "reports/GM0396/2026-H1/02_rapport.html",
            "afbeelding data/doel-ff-2.png heeft een lege alt-tekst maar is niet als decoratief "
            'gemarkeerd (role="presentation"); beschrijf wat ze laat zien',
        ),
        (
            "reports/GM0396/2026-H1/02_rapport.html",
            "afbeelding data/doel-ff-3.png heeft haar bestandsnaam als alt-tekst; beschrijf wat "
            "ze laat zien",
        ),
        (
            "reports/GM0396/2026-H1/02_rapport.html",
            "afbeelding data/doel-ff-4.png heeft haar bestandsnaam als alt-tekst; beschrijf wat "
            "ze laat zien",
        ),
    }


def test_link_check_covers_every_download_a_report_offers(tmp_path: Path):
    """CSV, workbook and PDF are links like any other: each must be there."""
    s = tmp_path / "_site"
    folder = s / "reports/GM0396/2026-H1"
    (folder / "data").mkdir(parents=True)
    (folder / "02_rapport.html").write_text(
        page(
            '<h1>Rapport</h1><a href="02_rapport.pdf">PDF</a>'
            '<a href="data/rapport-GM0396-2026-H1.xlsx">Excel</a>'
            '<a href="data/doel-ff-1.csv">CSV</a><a href="../../../overzicht.xlsx">Overzicht</a>'
        )
    )
    broken = {b.target for b in site.check_site_links(s)}
    assert broken == {
        "02_rapport.pdf",
        "data/rapport-GM0396-2026-H1.xlsx",
        "data/doel-ff-1.csv",
        "../../../overzicht.xlsx",
    }
    for name in ("02_rapport.pdf", "data/rapport-GM0396-2026-H1.xlsx", "data/doel-ff-1.csv"):
        (folder / name).write_bytes(b"x")
    (s / "overzicht.xlsx").write_bytes(b"x")
    assert site.check_site_links(s) == []


# ----- repairs of Quarto's template ----------------------------------------------------------------
#: the parts of a page as Quarto 1.8.2 writes them (copied from a rendered report and the listing)
QUARTO_NAVBAR = (
    '<nav class="navbar navbar-expand-lg " data-bs-theme="dark">\n'
    '<div id="quarto-search" class="" title="Zoeken"></div>\n'
    '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" '
    'data-bs-target="#navbarCollapse" aria-controls="navbarCollapse" role="menu" '
    'aria-expanded="false" aria-label="Schakel navigatie">'
    '<span class="navbar-toggler-icon"></span></button></nav>'
)
QUARTO_TOC = (
    '<div id="quarto-margin-sidebar" class="sidebar margin-sidebar">\n'
    '    <nav id="TOC" role="doc-toc" class="toc-active">\n'
    '    <h2 id="toc-title">Op deze pagina</h2><ul><li>Samenvatting</li></ul></nav></div>'
)
QUARTO_CATEGORIES = (
    '<div id="quarto-margin-sidebar" class="sidebar margin-sidebar">\n'
    '    <h5 class="quarto-listing-category-title">Categorieën</h5>'
    '<div class="quarto-listing-category category-unnumbered">'
    '<div class="category" data-category="SGVlbXNrZXJr">Heemskerk</div></div></div>'
)


def test_repairs_name_the_landmarks_of_quartos_template():
    report = page(QUARTO_NAVBAR + QUARTO_TOC + "<main><h1>Rapport</h1></main>")
    repaired = accessibility.accessible_html(report)
    assert (
        '<nav class="navbar navbar-expand-lg " data-bs-theme="dark" aria-label="Hoofdmenu">'
        in repaired
    )
    assert (
        '<nav id="TOC" role="doc-toc" class="toc-active" aria-labelledby="toc-title">' in repaired
    )
    assert 'role="menu"' not in repaired  # the menu button is a button
    assert 'aria-controls="navbarCollapse" aria-expanded="false"' in repaired
    # the report's margin column holds the table of contents, a landmark already
    assert 'role="complementary"' not in repaired
    assert accessibility.accessible_html(repaired) == repaired  # twice changes nothing

    listing = page(QUARTO_NAVBAR + QUARTO_CATEGORIES + "<main><h1>Rapporten</h1></main>")
    repaired = accessibility.accessible_html(listing)
    assert (
        '<div id="quarto-margin-sidebar" class="sidebar margin-sidebar" role="complementary" '
        'aria-labelledby="quarto-listing-category-title">' in repaired
    )
    assert (
        '<h5 class="quarto-listing-category-title" id="quarto-listing-category-title">Categorieën'
        in repaired
    )
    assert accessibility.accessible_html(repaired) == repaired

    # a template that names its landmarks already is left alone
    named = page(
        '<nav class="navbar" aria-label="Menu">x</nav><nav id="TOC" role="doc-toc" '
        'aria-label="Inhoud"><h2 id="toc-title">Op deze pagina</h2></nav>'
    )
    assert accessibility.accessible_html(named) == named


def test_make_accessible_repairs_every_page_but_not_quartos_files(tmp_path: Path):
    s = tmp_path / "_site"
    (s / "reports/GM0396").mkdir(parents=True)
    (s / "site_libs").mkdir()
    (s / "index.html").write_text(page(QUARTO_NAVBAR + "<h1>Start</h1>"), encoding="utf-8")
    (s / "reports/GM0396/index.html").write_text(page(QUARTO_NAVBAR + "<h1>Heemskerk</h1>"))
    (s / "site_libs/x.html").write_text(QUARTO_NAVBAR)
    assert accessibility.make_accessible(s) == ["index.html", "reports/GM0396/index.html"]
    assert 'aria-label="Hoofdmenu"' in (s / "reports/GM0396/index.html").read_text()
    assert (s / "site_libs/x.html").read_text() == QUARTO_NAVBAR
    assert accessibility.make_accessible(s) == []


def test_a_notebooks_own_title_becomes_a_chapter_heading():
    """The front matter's title is the page's <h1>; the data-quality notebook's '# Datakwaliteit:
    de opschoonstap' was a second one."""
    text = (
        "# Datakwaliteit: de opschoonstap\n\nTekst met #hashtag.\n\n```python\n# commentaar\n```\n"
        "## Al een hoofdstuk\n#geen kop\n"
    )
    assert demote_level_one_headings(text) == (
        "## Datakwaliteit: de opschoonstap\n\nTekst met #hashtag.\n\n```python\n# commentaar\n"
        "```\n## Al een hoofdstuk\n#geen kop\n"
    )
    assert demote_level_one_headings(demote_level_one_headings(text)) == demote_level_one_headings(
        text
    )


# ----- what a screenshot must show -----------------------------------------------------------------
def test_blank_screenshots_are_recognised(tmp_path: Path):
    white = tmp_path / "wit.png"
    Image.new("RGB", (400, 300), "white").save(white)
    assert "wit.png lijkt leeg: 0,0% van de pixels" in browser.blank_reason(white)
    speck = tmp_path / "stip.png"  # a navigation bar of 4 pixels' height: still blank
    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle([0, 0, 399, 3], fill="#2780e3")
    image.save(speck)
    assert browser.blank_reason(speck) is not None
    page_like = tmp_path / "pagina.png"
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 399, 30], fill="#2780e3")
    for y in range(50, 290, 14):
        draw.line([20, y, 380, y], fill="#343a40", width=3)
    image.save(page_like)
    assert browser.blank_reason(page_like) is None


def test_missing_tools_are_named(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    assert browser.chromium_missing() == "geen Chromium op PATH (Debian: apt-get install chromium)"
    assert browser.axe_missing(tmp_path) == browser.chromium_missing()
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert browser.chromium_missing() is None
    assert browser.axe_missing(tmp_path) == "geen node op PATH (Debian: apt-get install nodejs npm)"
    node = tmp_path / "node"
    node.write_text("#!/bin/sh\n")
    node.chmod(0o755)
    assert browser.axe_missing(tmp_path) == (
        "npm-pakket axe-core ontbreekt in tools/a11y (cd tools/a11y && npm ci)"
    )


# ----- one real report, rendered -------------------------------------------------------------------
IGNORE = shutil.ignore_patterns(
    ".venv*", ".git", "reports", "processed", "_site*", ".quarto", "_generated", "node_modules"
)
REPORT = "reports/GM0396/2026-H1/02_rapport.html"
CLEANING = "reports/GM0396/2026-H1/01_opschonen.html"


@pytest.fixture(scope="module")
def rendered_site(cbs_dir, tmp_path_factory) -> Path:
    """Heemskerk 2026-H1 run with the real notebooks and rendered by Quarto, in a copy of the
    project: ``_site/`` as `make site` leaves it."""
    quarto = cli.find_quarto()
    if quarto is None:
        pytest.skip("quarto staat niet op PATH (pip install -e '.[publish]')")
    root = tmp_path_factory.mktemp("site") / "project"
    shutil.copytree(PROJECT_ROOT, root, ignore=IGNORE)
    (root / "reports").mkdir()
    (root / "data" / "processed").mkdir(exist_ok=True)
    env = {"TUSSENSTAND_PROJECT_ROOT": str(root)}
    args = ["--cbs-dir", str(cbs_dir)]
    result = CliRunner().invoke(
        cli.main, ["run", "--gemeente", "GM0396", "--periode", "2026-H1", *args], env=env
    )
    assert result.exit_code == 0, result.output
    config = load_config(root, cbs_dir=cbs_dir)
    code = site.render_site(config, monitored_units(config.frameworks_dir), quarto=quarto)
    assert code == 0, "tussenstand render faalde (zie de uitvoer hierboven)"
    return root / "_site"


@pytest.mark.quarto
@pytest.mark.slow
def test_the_rendered_site_passes_the_readers_check(rendered_site: Path):
    assert site.check_site_links(rendered_site) == []
    assert site.check_site_pages(rendered_site) == []
    pages = browser.html_pages(rendered_site)
    for expected in ("index.html", "toegankelijkheidsverklaring.html", REPORT, CLEANING):
        assert expected in pages
    report = (rendered_site / REPORT).read_text(encoding="utf-8")
    # what the report offers a reader is there: the PDF, the CSVs, every chart with a description
    links = set(re.findall(r'href="([^"#?]+)"', report))
    assert "02_rapport.pdf" in links and (rendered_site / REPORT).with_suffix(".pdf").is_file()
    csvs = [link for link in links if link.endswith(".csv")]
    assert len(csvs) >= 28  # a chart per goal, each with the data behind it
    for link in csvs + [link for link in links if link.endswith(".xlsx")]:
        assert (rendered_site / REPORT).parent.joinpath(link).is_file(), link
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', report)
    assert len(alts) >= 28 and all(len(alt) > 20 for alt in alts)
    # the 28 goals' label/value tables name their label column
    assert report.count('<th style="text-align: left;">Gegeven</th>') == 28
    # the data-quality page: its title is the one <h1>, the notebook's own title a chapter
    cleaning = (rendered_site / CLEANING).read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>Datakwaliteit: de opschoonstap</h2>", cleaning)
    # every page links the accessibility statement (the footer)
    for name in pages:
        text = (rendered_site / name).read_text(encoding="utf-8")
        assert re.search(r'href="[./]*toegankelijkheidsverklaring\.html"', text), name


@pytest.mark.quarto
@pytest.mark.slow
@pytest.mark.parametrize("page_path", ["index.html", REPORT])
def test_screenshots_of_the_rendered_site_are_not_blank(rendered_site: Path, page_path, tmp_path):
    reason = browser.chromium_missing()
    if reason:
        pytest.skip(reason)
    with browser.serve(rendered_site) as base:
        shot = browser.screenshot(base + page_path, tmp_path / "scherm.png")
    with Image.open(shot) as image:
        assert image.size == (1280, 1600)
    assert browser.blank_reason(shot) is None


@pytest.mark.quarto
@pytest.mark.slow
def test_every_page_passes_axe(rendered_site: Path):
    """axe-core's standard rules (WCAG 2.0, 2.1 and 2.2 A and AA, best practices) find nothing on
    any page, as wide as a desktop and as a phone."""
    reason = browser.axe_missing(PROJECT_ROOT)
    if reason:
        pytest.skip(reason)
    pages = browser.html_pages(rendered_site)
    with browser.serve(rendered_site) as base:
        result = browser.run_axe(PROJECT_ROOT, base, pages)
    assert result.version and result.pages == pages and result.widths == [1280, 390]
    assert [str(v) for v in result.violations] == []


def test_axe_reports_what_it_finds(tmp_path: Path):
    """The check can fail: a page with an icon button without a name and grey text at 3,5:1."""
    reason = browser.axe_missing(PROJECT_ROOT)
    if reason:
        pytest.skip(reason)
    (tmp_path / "fout.html").write_text(
        page(
            '<main><h1>Fout</h1><button><svg width="10" height="10"></svg></button>'
            '<p style="color: #85898c">Grijze tekst op wit.</p></main>'
        ),
        encoding="utf-8",
    )
    with browser.serve(tmp_path) as base:
        result = browser.run_axe(PROJECT_ROOT, base, ["fout.html"])
    found = {(v.page, v.width, v.rule) for v in result.violations}
    for width in (1280, 390):
        assert ("fout.html", width, "button-name") in found
        assert ("fout.html", width, "color-contrast") in found
