"""The site's error, and how it writes what it generates: only when the content changed.

Preparing the site twice gives the same files, and a file whose content did not change keeps its
modification date (Quarto and a reader's browser see nothing new).
"""

from __future__ import annotations

from pathlib import Path

from tussenstand.atomic import write_text_atomic


class SiteError(ValueError):
    """A report or generated page cannot be prepared; the message names the file."""


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` (atomically) unless the file already holds it; returns whether it changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True
