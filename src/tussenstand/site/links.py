"""The reader's check of a rendered site: whatever a reader clicks exists, and every page says what
it is.

:func:`check_site_links`
    every internal ``href``/``src`` of every HTML file points at a file: pages, images, the CSV
    downloads, workbooks (``.xlsx``), PDFs, Quarto's own scripts and styles.
:func:`check_site_pages`
    every page (:func:`site_pages`) declares Dutch (``<html lang="nl">``), has a ``<title>`` and
    exactly one ``<h1>``, and every ``<img>`` has a text alternative: a description, never its
    file name; ``alt=""`` only on an image marked decorative (``role="presentation"`` or
    ``"none"``, or ``aria-hidden="true"``), which a screen reader then skips.

:func:`tussenstand.site.quarto.render_site` swaps a freshly rendered site into ``_site/`` only when
both find nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

#: the language every page declares
SITE_LANGUAGE = "nl"
#: Quarto's own files (scripts, styles, fonts): not pages a reader reads
LIBRARY_DIR = "site_libs"
#: roles and attributes that mark an image as decorative (WAI: decorative images, H67)
DECORATIVE_ROLES = frozenset({"presentation", "none"})


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str

    def __str__(self) -> str:
        return f"{self.page}: verwijzing naar {self.target} bestaat niet"


@dataclass(frozen=True)
class PageProblem:
    """What a reader (or a screen reader) misses on a page."""

    page: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}: {self.problem}"


@dataclass
class _Image:
    src: str
    alt: str | None
    decorative: bool


class _PageParser(HTMLParser):
    """One pass over a page: its internal links, language, title, level-1 headings and images."""

    ATTRS = {
        "a": "href",
        "link": "href",
        "img": "src",
        "script": "src",
        "source": "src",
        "iframe": "src",
        "embed": "src",
        "video": "src",
        "audio": "src",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.lang: str | None = None
        self.title: str | None = None
        self.h1 = 0
        self.images: list[_Image] = []
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        wanted = self.ATTRS.get(tag)
        if wanted:
            for name, value in attrs:
                if name == wanted and value:
                    self.links.append(value.strip())
        if tag == "html" and self.lang is None:
            self.lang = (values.get("lang") or "").strip()
        elif tag == "title" and self.title is None:
            self._in_title = True  # the document's title; an <svg>'s <title> comes later
        elif tag == "h1":
            self.h1 += 1
        elif tag == "img":
            role = (values.get("role") or "").strip().lower()
            hidden = (values.get("aria-hidden") or "").strip().lower() == "true"
            self.images.append(
                _Image(
                    values.get("src") or "", values.get("alt"), role in DECORATIVE_ROLES or hidden
                )
            )

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split())


def _parse(page: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def site_pages(site_dir: Path, pages: Iterable[str] | None = None) -> list[Path]:
    """Every HTML page of a rendered site (not Quarto's own files in ``site_libs/``), sorted;
    with ``pages`` (paths relative to ``site_dir``) only those of them that are HTML pages."""
    site_dir = Path(site_dir)
    if pages is not None:
        chosen = (site_dir / p for p in set(pages) if p.endswith(".html"))
        return sorted(
            p for p in chosen if p.is_file() and p.relative_to(site_dir).parts[0] != LIBRARY_DIR
        )
    return sorted(
        p for p in site_dir.rglob("*.html") if p.relative_to(site_dir).parts[0] != LIBRARY_DIR
    )


def check_site_links(site_dir: Path, pages: Iterable[str] | None = None) -> list[BrokenLink]:
    """Every internal ``href``/``src`` in the HTML files of ``site_dir`` that points nowhere.

    ``pages`` (paths relative to ``site_dir``): check only these pages (a render that changed
    some pages and removed none), not every page of the site."""
    site_dir = Path(site_dir)
    broken: list[BrokenLink] = []
    chosen = (
        sorted(site_dir.rglob("*.html"))
        if pages is None
        else [site_dir / p for p in sorted(set(pages)) if (site_dir / p).is_file()]
    )
    for page in chosen:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "//")):
                continue  # external, mailto:, data:, javascript: or an anchor on the same page
            if not parts.path:
                continue
            rel = unquote(parts.path)
            target = (site_dir / rel.lstrip("/")) if rel.startswith("/") else (page.parent / rel)
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(BrokenLink(page.relative_to(site_dir).as_posix(), link))
    return broken


def _image_problem(image: _Image) -> str | None:
    shown = image.src if not image.src.startswith("data:") else "data:..."
    if image.alt is None:
        return f"afbeelding {shown} heeft geen alt-tekst"
    alt = image.alt.strip()
    if not alt:
        if image.decorative:
            return None
        return (
            f"afbeelding {shown} heeft een lege alt-tekst maar is niet als decoratief gemarkeerd "
            '(role="presentation"); beschrijf wat ze laat zien'
        )
    name = PurePosixPath(unquote(urlsplit(image.src).path)).name
    if name and alt.lower() in (name.lower(), PurePosixPath(name).stem.lower()):
        return (
            f"afbeelding {shown} heeft haar bestandsnaam als alt-tekst; beschrijf wat ze laat zien"
        )
    return None


def check_site_pages(site_dir: Path, pages: Iterable[str] | None = None) -> list[PageProblem]:
    """What a reader misses on the pages of ``site_dir`` (with ``pages``: only these): language,
    title, the one level-1 heading, text alternatives of images (see the module's docstring)."""
    site_dir = Path(site_dir)
    problems: list[PageProblem] = []
    for page in site_pages(site_dir, pages):
        name = page.relative_to(site_dir).as_posix()
        parsed = _parse(page)
        found: list[str] = []
        if (parsed.lang or "").lower() != SITE_LANGUAGE:
            found.append(
                f'de pagina zegt niet dat ze Nederlands is (<html lang="{SITE_LANGUAGE}">; '
                f"gevonden: {parsed.lang or 'geen lang'})"
            )
        if not parsed.title:
            found.append("de pagina heeft geen titel (<title>)")
        if parsed.h1 != 1:
            found.append(
                f"de pagina heeft {parsed.h1} koppen van niveau 1 (<h1>) in plaats van één"
            )
        found += [p for p in map(_image_problem, parsed.images) if p]
        problems += [PageProblem(name, p) for p in found]
    return problems
