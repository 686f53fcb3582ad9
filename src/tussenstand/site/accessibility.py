"""Accessibility repairs of Quarto's own page template, after ``quarto render``: :func:`make_accessible`.

The site must meet WCAG 2.1 AA (the Dutch public-sector standard). What the pages say is made
accessible where it is written (the theme in ``styles.scss``, tables with named columns in
:func:`tussenstand.markdown.table`, one title per page in :mod:`.notebooks`); what Quarto 1.8's
template writes around it is repaired here, in the rendered HTML, before the reader's check
(:mod:`.links`) and the swap into ``_site/`` (:func:`tussenstand.site.quarto.render_site`):

- the navigation bar and the table of contents are both navigation landmarks without a name;
  a screen reader lists two times 'navigatie'. They get one: ``aria-label="Hoofdmenu"``, and the
  table of contents its own heading (``aria-labelledby="toc-title"``, 'Op deze pagina').
- the button that opens the menu on a narrow screen says it is a menu (``role="menu"``) while it
  is a button that shows and hides one (``aria-expanded``, ``aria-controls``): the role goes.
- a listing page's categories (``Rapporten``: filter by municipality or period) stand in a margin
  column outside every landmark; it becomes a complementary landmark named after its heading.

Elements that Quarto's scripts create in the browser (the search button and field, scrolling
tables, the listing's category filters) are repaired by ``_toegankelijkheid.html``, included in
every page by ``_quarto.yml``; the accessibility check (:mod:`.browser`) covers both.

Each repair matches Quarto's markup exactly and only adds attributes, so a page rendered by a
Quarto that already has them is left as it is (and repairing twice changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tussenstand.atomic import write_text_atomic
from tussenstand.site.links import site_pages

#: the accessible name of Quarto's navigation bar
NAVBAR_LABEL = "Hoofdmenu"

_NAVBAR = re.compile(r'<nav class="navbar\b(?![^>]*\saria-label(?:ledby)?=)([^>]*)>')
_TOGGLER = re.compile(r'(<button class="navbar-toggler"[^>]*?) role="menu"')
_TOC = re.compile(r'<nav id="TOC" role="doc-toc"(?![^>]*\saria-label(?:ledby)?=)([^>]*)>')
_TOC_TITLE = 'id="toc-title"'
_MARGIN = re.compile(
    r'<div id="quarto-margin-sidebar" class="sidebar margin-sidebar"'
    r'(?![^>]*\srole=)([^>]*)>(\s*<h5 class="quarto-listing-category-title")'
)
_CATEGORY_TITLE = re.compile(r'<h5 class="quarto-listing-category-title"(?![^>]*\sid=)')
CATEGORY_TITLE_ID = "quarto-listing-category-title"


def accessible_html(html: str) -> str:
    """One page's HTML with the repairs of this module (see its docstring); idempotent."""
    html = _NAVBAR.sub(rf'<nav class="navbar\1 aria-label="{NAVBAR_LABEL}">', html, count=1)
    html = _TOGGLER.sub(r"\1", html, count=1)
    if _TOC_TITLE in html:
        html = _TOC.sub(
            r'<nav id="TOC" role="doc-toc"\1 aria-labelledby="toc-title">', html, count=1
        )
    if _MARGIN.search(html):
        html = _MARGIN.sub(
            r'<div id="quarto-margin-sidebar" class="sidebar margin-sidebar"\1 role="complementary"'
            rf' aria-labelledby="{CATEGORY_TITLE_ID}">\2',
            html,
            count=1,
        )
        html = _CATEGORY_TITLE.sub(
            rf'<h5 class="quarto-listing-category-title" id="{CATEGORY_TITLE_ID}"', html, count=1
        )
    return html


def make_accessible(site_dir: Path, pages: Iterable[str] | None = None) -> list[str]:
    """Repair the pages of a rendered site; the pages changed (relative paths).

    ``pages`` (paths relative to ``site_dir``): only these (the pages rendered now; the others were
    repaired when they were rendered). A repaired page replaces the old one (a new file, never a
    write into it): in a site assembled from hard links the old site's files stay as they were."""
    site_dir = Path(site_dir)
    changed = []
    for page in site_pages(site_dir, pages):
        text = page.read_text(encoding="utf-8")
        repaired = accessible_html(text)
        if repaired != text:
            write_text_atomic(page, repaired)
            changed.append(page.relative_to(site_dir).as_posix())
    return changed
