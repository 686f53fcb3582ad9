"""The link check of a rendered site: every internal ``href``/``src`` must point at a file.

:func:`tussenstand.site.quarto.render_site` swaps a freshly rendered site into ``_site/`` only when
this finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str

    def __str__(self) -> str:
        return f"{self.page}: verwijzing naar {self.target} bestaat niet"


class _LinkParser(HTMLParser):
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.ATTRS.get(tag)
        if not wanted:
            return
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value.strip())


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
        parser = _LinkParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for link in parser.links:
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
