"""The rendered site in a headless browser, as a reader sees it.

Two checks need a real browser: a screenshot of a page (is anything drawn at all?) and the
accessibility check with axe-core. Both use Debian's ``chromium`` (``apt-get install chromium``);
axe-core runs in it through puppeteer-core, the npm packages of ``tools/a11y`` (``npm ci`` there,
with the versions of its ``package-lock.json``; puppeteer-core downloads no browser of its own).
The site is served on ``127.0.0.1`` while it is checked, so that pages load as from a web server.

Each check says why it cannot run (:func:`chromium_missing`, :func:`axe_missing`); the tests skip
with that reason and ``scripts/check_site.py`` prints it.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tussenstand.nlformat import fmt_int, fmt_number, fmt_percent
from tussenstand.site.links import site_pages

#: the npm project with axe-core and puppeteer-core, relative to the project root
A11Y_DIR = Path("tools") / "a11y"
#: its node script: ``node axe.mjs <chromium> <base-url> <page> ...``
AXE_SCRIPT = "axe.mjs"
#: names of a Chromium on PATH (Debian's package installs ``chromium``)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
#: a headless Chromium on a machine without a display and without internet: no sandbox (root in
#: CI), no GPU, and none of the background connections to Google's servers
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """The Chromium command on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_missing() -> str | None:
    """Why no screenshot can be taken (Dutch), or None when Chromium is on PATH."""
    if find_chromium():
        return None
    return "geen Chromium op PATH (Debian: apt-get install chromium)"


def axe_missing(root: Path) -> str | None:
    """Why axe-core cannot run (Dutch), or None when Chromium, node and ``tools/a11y``'s npm
    packages are all there."""
    if not find_chromium():
        return chromium_missing()
    if not shutil.which("node"):
        return "geen node op PATH (Debian: apt-get install nodejs npm)"
    modules = Path(root) / A11Y_DIR / "node_modules"
    for package in ("axe-core", "puppeteer-core"):
        if not (modules / package / "package.json").is_file():
            return (
                f"npm-pakket {package} ontbreekt in {A11Y_DIR.as_posix()} (cd {A11Y_DIR} && npm ci)"
            )
    return None


def html_pages(site_dir: Path) -> list[str]:
    """Every page of a rendered site (:func:`tussenstand.site.links.site_pages`), relative to it
    (``reports/GM0396/index.html``)."""
    return [p.relative_to(site_dir).as_posix() for p in site_pages(Path(site_dir))]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (a free port) while the block runs; yields its base URL
    (``http://127.0.0.1:PORT/``)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def screenshot(url: str, out: Path, *, width: int = 1280, height: int = 1600) -> Path:
    """A PNG of ``url`` as headless Chromium draws it in a window of ``width`` x ``height``, with
    a fresh profile. Raises RuntimeError (Dutch) when Chromium is missing or writes no image."""
    chromium = find_chromium()
    if not chromium:
        raise RuntimeError(chromium_missing())
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="tussenstand-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(
            f"Chromium maakte geen schermafdruk van {url} (code {result.returncode}): "
            f"{result.stderr.strip()[-500:]}"
        )
    return out


#: a screenshot is blank when fewer pixels than this share differ from its background colour ...
MIN_DRAWN_SHARE = 0.02
#: ... or its grey values hardly spread (standard deviation, of 255)
MIN_GREY_SPREAD = 10.0


def blank_reason(png: Path) -> str | None:
    """Why a screenshot looks blank (Dutch), or None when something is drawn on it: at least
    :data:`MIN_DRAWN_SHARE` of its pixels differ clearly (by more than 24 of 255 grey levels) from
    its most common colour, the background, and its grey values spread at least
    :data:`MIN_GREY_SPREAD`."""
    from PIL import Image, ImageStat  # pillow comes with matplotlib

    with Image.open(png) as image:
        grey = image.convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    total = sum(histogram)
    drawn = sum(n for value, n in enumerate(histogram) if abs(value - background) > 24) / total
    spread = ImageStat.Stat(grey).stddev[0]
    if drawn < MIN_DRAWN_SHARE or spread < MIN_GREY_SPREAD:
        return (
            f"{Path(png).name} lijkt leeg: {fmt_percent(drawn, 1, is_fraction=True)} van de pixels "
            f"wijkt af van de achtergrond (minstens {fmt_percent(MIN_DRAWN_SHARE, 0, is_fraction=True)}"
            f" nodig), spreiding {fmt_number(spread, 1)} (minstens {fmt_int(MIN_GREY_SPREAD)})"
        )
    return None


@dataclass(frozen=True)
class AxeViolation:
    """One axe rule that fails on one page, with the elements it fails on."""

    page: str
    width: int
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:3]) + (" ..." if len(self.targets) > 3 else "")
        return (
            f"{self.page} ({self.width} px breed): {self.rule} ({self.impact}, "
            f"{len(self.targets)} element(en)): {self.help} [{shown}]"
        )


@dataclass
class AxeResult:
    """What axe found on the pages it checked."""

    version: str
    pages: list[str]
    widths: list[int]
    violations: list[AxeViolation] = field(default_factory=list)


def run_axe(root: Path, base_url: str, pages: Sequence[str], *, timeout: int = 1800) -> AxeResult:
    """axe-core's standard rules on every page (paths relative to ``base_url``), in one headless
    Chromium, each page in a window as wide as a desktop and as a phone. Raises RuntimeError (Dutch) when the tools are missing or a page could not be
    checked."""
    reason = axe_missing(root)
    if reason:
        raise RuntimeError(reason)
    script = Path(root) / A11Y_DIR / AXE_SCRIPT
    result = subprocess.run(
        ["node", str(script), find_chromium(), base_url, *pages],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=script.parent,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"axe-core kon niet elke pagina controleren (code {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )
    out = json.loads(result.stdout)
    violations = [
        AxeViolation(
            page,
            int(v["width"]),
            v["id"],
            v.get("impact") or "",
            v["help"],
            tuple(" ".join(n["target"]) for n in v["nodes"]),
        )
        for page, found in out["pages"].items()
        for v in found
    ]
    return AxeResult(out.get("axe") or "", list(pages), list(out["widths"]), violations)
