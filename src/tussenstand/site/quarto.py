"""Rendering the site with Quarto: :func:`render_site`, in full or only what changed.

The website is a Quarto project (``_quarto.yml`` at the project root); its render targets are the
site's own pages (``index.qmd``, ``rapporten.qmd``, ...), one page per unit
(``reports/<code>/index.qmd``) and the two notebooks of every report folder
(``reports/<code>/<periode>/``). :func:`render_site`:

1. prepares everything (:func:`tussenstand.site.prepare.prepare_site`);
2. fingerprints every render target with what it shows (:func:`fingerprints`): a report folder
   with every file in it, a page with the fragments it includes and the files it links; and the
   site as a whole (Quarto's version, ``_quarto.yml``, the styles). The fingerprints of the site
   in ``_site/`` are in its manifest (:data:`MANIFEST`);
3. decides what to render: everything when there is no previous site, when the site as a whole
   changed, or when asked (``full``); otherwise the units whose page or reports changed, with the
   site's own pages (which list them); nothing when nothing changed;
4. renders in parallel (``jobs``): each Quarto process gets its own copy of the project (hard
   links) with the site's pages and its share of the units, so that two processes never share
   Quarto's working files (``site_libs/``, ``.quarto/``). Pages link to the pages of other units
   as ``.html`` (:func:`tussenstand.site.pages.output_href`), so a unit renders without the others;
5. assembles a new site in ``_site.nieuw/``: for a full render from the processes' output, else a
   copy of ``_site/`` made of hard links with the newly rendered files put in (by replacing
   directory entries: no file of ``_site/`` is ever written to). The site's indexes
   (``search.json``, ``listings.json``, ``sitemap.xml``) are merged: the entries of every page
   rendered now are replaced, those of all other pages kept (a report page's search text is
   shortened: :func:`shorten_search_text`);
6. repairs the accessibility of Quarto's template in the pages rendered now (:mod:`.accessibility`)
   and checks it: no file from a temporary report folder (``reports/<code>/.<periode>.tmp-*``), no
   broken internal link and no page that fails the reader's check (:mod:`.links`: Dutch, a title,
   one level-1 heading, text alternatives for images), in every page after a full render, in the
   pages rendered now otherwise;
7. writes the manifest into it and swaps it into ``_site/``.

When anything fails, ``_site/`` stays as it was and the temporary folders are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tussenstand.atomic import write_text_atomic
from tussenstand.config import ProjectConfig
from tussenstand.frameworks import MonitoredUnit
from tussenstand.site.accessibility import make_accessible
from tussenstand.site.files import SiteError
from tussenstand.site.links import check_site_links, check_site_pages
from tussenstand.site.prepare import GENERATED_DIR, prepare_site
from tussenstand.units import project_units

SITE_DIR = "_site"
#: the new site is assembled here, then swapped into _site/
STAGING_DIR = f"{SITE_DIR}.nieuw"
#: the previous site while the new one is swapped in
OLD_DIR = f"{SITE_DIR}.oud"
#: the Quarto processes' copies of the project (one folder per process)
WORK_DIR = f"{SITE_DIR}.werk"
#: the fingerprints of what a site was rendered from, inside the site
MANIFEST = ".tussenstand-site.json"
MANIFEST_VERSION = 1
#: the site's indexes over all pages, which a render of some pages must merge
SEARCH_INDEX = "search.json"
LISTINGS_INDEX = "listings.json"
SITEMAP = "sitemap.xml"
#: characters of text per search entry of a report page (:func:`shorten_search_text`)
SEARCH_TEXT_LIMIT = 1000
#: the files that make up the site as a whole (any change renders everything)
SITE_CONFIG_GLOBS = (
    "_quarto*.yml",
    "_metadata.yml",
    "_brand.yml",
    "_variables.yml",
    "_*.html",  # included in every page (_toegankelijkheid.html)
    "*.scss",
    "*.css",
)
SITE_CONFIG_DIRS = ("_extensions", "filters")
#: folders of the project root a Quarto process never needs (raw and processed data, the
#: browser tools of the accessibility check with their node_modules)
NOT_FOR_QUARTO = ("data", "tools")
#: the name under which the site's own pages are one render unit
SITE_PAGES = "site"
#: rough cost of rendering a report folder, a unit page and the site's pages (for sharing work)
COST_REPORT, COST_UNIT_PAGE, COST_SITE_PAGES = 6.0, 0.6, 8.0

MIN_QUARTO = (1, 8)
INSTALL_HINT_NL = (
    "Quarto is niet gevonden. Installeer het op een computer met internet met\n"
    '  pip install -e ".[publish]"\n'
    "(dat installeert quarto-cli in de virtuele omgeving) of download Quarto 1.8 of nieuwer van\n"
    "https://quarto.org/docs/get-started/ en start daarna opnieuw: tussenstand render"
)


def parse_quarto_version(text: str) -> tuple[int, ...] | None:
    """``1.8.25`` (what ``quarto --version`` prints) -> ``(1, 8, 25)``; None when it is no version."""
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def quarto_version(quarto: str) -> tuple[int, ...] | None:
    """The version of the ``quarto`` command; None when it cannot be run or says no version."""
    try:
        out = subprocess.run(
            [quarto, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_quarto_version(out.stdout)


def hidden_report_files(site_dir: Path) -> list[str]:
    """Files of the rendered site under ``reports/`` in a folder whose name starts with ``.``:
    the temporary folders of a running or killed build, which are never published."""
    reports = site_dir / "reports"
    if not reports.is_dir():
        return []
    return sorted(
        p.relative_to(site_dir).as_posix()
        for p in reports.rglob("*")
        if p.is_file() and any(part.startswith(".") for part in p.relative_to(reports).parts)
    )


# ----- render targets ------------------------------------------------------------------------------
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A Quarto glob (``**``, ``*``, ``?``, ``[...]``) as a regular expression over posix paths."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                out.append("[" + pattern[i + 1 : end].replace("!", "^", 1) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def _project_files(root: Path) -> Iterable[str]:
    """Every file under ``root`` Quarto may render: not in a folder (nor named) starting with
    ``.`` or ``_`` (Quarto's rule), not in the folders a Quarto process never needs."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith((".", "_"))
            and not (rel_dir == Path() and d in NOT_FOR_QUARTO)
            and not (Path(dirpath, d) / "pyvenv.cfg").exists()
        )
        for name in sorted(filenames):
            if not name.startswith((".", "_")):
                yield (rel_dir / name).as_posix()


def render_targets(root: Path) -> list[Path]:
    """The files ``project.render`` in ``_quarto.yml`` names, as Quarto reads the globs: one starting
    with ``/`` from the project root, any other in every folder; ``!`` excludes."""
    config_file = root / "_quarto.yml"
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SiteError(f"_quarto.yml: niet te lezen: {exc}") from None
    globs = ((config.get("project") or {}).get("render")) or []
    if not globs:
        raise SiteError(
            "_quarto.yml: project.render ontbreekt; noem daar de pagina's en notebooks van de site"
        )
    include, exclude = [], []
    for glob in globs:
        glob = str(glob)
        target = exclude if glob.startswith("!") else include
        glob = glob.lstrip("!")
        glob = glob[1:] if glob.startswith("/") else f"**/{glob}"
        target.append(_glob_regex(glob))
    return [
        Path(rel)
        for rel in _project_files(root)
        if any(p.match(rel) for p in include) and not any(p.match(rel) for p in exclude)
    ]


def render_unit_of(target: Path) -> str:
    """What renders together with ``target``: its report folder (``reports/<code>/<periode>``), its
    unit page (``reports/<code>/index.qmd``), or :data:`SITE_PAGES` for the site's own pages."""
    parts = target.parts
    if len(parts) == 4 and parts[0] == "reports":
        return Path(*parts[:3]).as_posix()
    if len(parts) == 3 and parts[0] == "reports":
        return target.as_posix()
    return SITE_PAGES


def unit_code_of(key: str) -> str | None:
    """The unit code of a render unit under ``reports/``; None for the site's own pages."""
    parts = key.split("/")
    return parts[1] if parts[0] == "reports" and len(parts) >= 3 else None


# ----- fingerprints --------------------------------------------------------------------------------
_INCLUDE = re.compile(r"\{\{<\s*include\s+([^\s>]+)\s*>\}\}")
_MD_LINK = re.compile(r"\]\(<?([^)\s>]+)")
_HTML_LINK = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


class _Hasher:
    """Content hashes of files, reusing the previous site's hash of a file whose size and
    modification time are unchanged (a report folder holds megabytes of charts)."""

    def __init__(self, root: Path, known: Mapping[str, Sequence]) -> None:
        self.root = root
        self.known = known
        self.seen: dict[str, list] = {}

    def file(self, rel: str) -> str:
        if rel in self.seen:
            return self.seen[rel][2]
        path = self.root / rel
        st = path.stat()
        old = self.known.get(rel)
        if old and len(old) == 3 and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            digest = str(old[2])
        else:
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            digest = h.hexdigest()
        self.seen[rel] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def files(self, rels: Iterable[str]) -> str:
        h = hashlib.sha256()
        for rel in sorted(set(rels)):
            h.update(f"{rel}\0{self.file(rel)}\n".encode())
        return h.hexdigest()


def _page_dependencies(root: Path, page: Path, targets: set[str]) -> set[str]:
    """The files a page shows besides itself: fragments it includes (also from a fragment) and
    local files it links or embeds that are not render targets (the map, downloads)."""
    found: set[str] = set()
    todo = [page]
    while todo:
        current = todo.pop()
        try:
            text = (root / current).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        includes = {m.group(1) for m in _INCLUDE.finditer(text)}
        links = {m.group(1) for m in _MD_LINK.finditer(text)}
        links |= {m.group(1) for m in _HTML_LINK.finditer(text)}
        for ref in includes | links:
            ref = ref.split("#")[0].split("?")[0]
            if not ref or re.match(r"[a-z][a-z0-9+.-]*:", ref, re.I):
                continue  # an anchor or a URL
            for base in {page.parent, current.parent}:
                candidate = Path(os.path.normpath(base / ref.lstrip("/")))
                if ref.startswith("/"):
                    candidate = Path(os.path.normpath(ref.lstrip("/")))
                rel = candidate.as_posix()
                if rel.startswith("..") or rel in targets or rel in found:
                    continue
                if (root / candidate).is_file():
                    found.add(rel)
                    if ref in includes:
                        todo.append(candidate)
    return found


def site_sources(root: Path) -> list[str]:
    """The website's own source files (relative to ``root``): the site's pages that
    ``_quarto.yml`` renders and what the whole site depends on (config, styles, included HTML,
    filters, extensions). With the reports, what a copy of the project needs to render."""
    config = {p.name for g in SITE_CONFIG_GLOBS for p in root.glob(g) if p.is_file()}
    for d in SITE_CONFIG_DIRS:
        if (root / d).is_dir():
            config.update(_folder_files(root, d))
    pages = {t.as_posix() for t in render_targets(root) if render_unit_of(t) == SITE_PAGES}
    return sorted(config | pages)


def _folder_files(root: Path, folder: str) -> list[str]:
    files = []
    for dirpath, dirnames, filenames in os.walk(root / folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = Path(dirpath).relative_to(root)
        files += [(rel_dir / n).as_posix() for n in filenames if not n.startswith(".")]
    return files


@dataclass
class Fingerprints:
    """What a site is rendered from: the site as a whole, and each render unit."""

    site: str
    units: dict[str, str]
    targets: dict[str, list[str]]
    files: dict[str, list]


def fingerprints(
    root: Path, quarto_text: str, known_files: Mapping[str, Sequence] | None = None
) -> Fingerprints:
    """Fingerprints of the site as a whole (Quarto's version, ``_quarto.yml``, styles,
    extensions) and of every render unit: a report folder (every file in it), a unit page or one
    of the site's pages (the page, the fragments it includes, the files it links).

    ``known_files`` (the previous manifest's ``files``) spares hashing a file whose size and
    modification time did not change."""
    hasher = _Hasher(root, known_files or {})
    config_files = {p.name for g in SITE_CONFIG_GLOBS for p in root.glob(g) if p.is_file()}
    for d in SITE_CONFIG_DIRS:
        if (root / d).is_dir():
            config_files.update(_folder_files(root, d))
    targets = render_targets(root)
    target_names = {t.as_posix() for t in targets}
    folders = {parent for t in targets for parent in t.parents if parent != Path()}
    metadata = {(f / "_metadata.yml").as_posix() for f in folders}
    config_files.update(m for m in metadata if (root / m).is_file())
    site = hashlib.sha256(
        f"quarto {quarto_text}\n{hasher.files(config_files)}".encode()
    ).hexdigest()
    by_unit: dict[str, list[str]] = {}
    for t in targets:
        by_unit.setdefault(render_unit_of(t), []).append(t.as_posix())
    units: dict[str, str] = {}
    for key, members in by_unit.items():
        if key.count("/") == 2 and not key.endswith((".qmd", ".ipynb", ".md")):
            units[key] = hasher.files(_folder_files(root, key))
        else:
            for page in members:
                deps = _page_dependencies(root, Path(page), target_names)
                units[page if key == SITE_PAGES else key] = hasher.files({page, *deps})
    return Fingerprints(site, units, {k: sorted(v) for k, v in by_unit.items()}, hasher.seen)


def read_manifest(site_dir: Path) -> dict | None:
    """The manifest of a rendered site; None when there is none or it is not one of ours."""
    try:
        data = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("versie") != MANIFEST_VERSION:
        return None
    return data


def _manifest_text(fp: Fingerprints) -> str:
    return json.dumps(
        {"versie": MANIFEST_VERSION, "site": fp.site, "eenheden": fp.units, "bestanden": fp.files},
        ensure_ascii=False,
        sort_keys=True,
    )


# ----- what to render ------------------------------------------------------------------------------
@dataclass
class RenderPlan:
    """What a render does: ``mode`` ``volledig``, ``gedeeltelijk`` or ``niets``; the render units
    to render (keys of :attr:`Fingerprints.units` grouped: the site's pages as
    :data:`SITE_PAGES`) and those whose output goes (units or report folders gone)."""

    mode: str
    units: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reason: str = ""


def plan_render(
    fp: Fingerprints, manifest: dict | None, *, full: bool, site_ok: bool
) -> RenderPlan:
    """Everything when asked, when there is no previous site or manifest, or when the site as a
    whole changed; otherwise the changed render units with the site's pages."""
    all_units = [SITE_PAGES, *sorted(k for k in fp.targets if k != SITE_PAGES)]
    if full:
        return RenderPlan("volledig", all_units, reason="gevraagd")
    if manifest is None or not site_ok:
        return RenderPlan("volledig", all_units, reason="er is nog geen vorige site")
    if manifest.get("site") != fp.site:
        return RenderPlan(
            "volledig", all_units, reason="Quarto, _quarto.yml of de opmaak is veranderd"
        )
    before: dict[str, str] = manifest.get("eenheden") or {}
    changed = {k for k, v in fp.units.items() if before.get(k) != v}
    removed = sorted(set(before) - set(fp.units))
    if not changed and not removed:
        return RenderPlan("niets", reason="er is niets veranderd sinds de vorige render")
    keys = {SITE_PAGES}
    for key in changed | set(removed):
        code = unit_code_of(key)
        if code is None:
            continue  # one of the site's pages: rendered with them
        if key in fp.targets:
            keys.add(key)
        page = f"reports/{code}/index.qmd"
        if page in fp.targets:
            keys.add(page)  # a unit's page lists its reports
    ordered = [SITE_PAGES, *sorted(keys - {SITE_PAGES})]
    return RenderPlan("gedeeltelijk", ordered, removed)


# ----- Quarto processes ----------------------------------------------------------------------------
@dataclass
class FileTiming:
    """How long one Quarto process spent on one render target (from its progress lines)."""

    worker: int
    target: str
    seconds: float


@dataclass
class RenderResult:
    """The outcome of :func:`render`: exit status, what was rendered and where the time went."""

    code: int
    mode: str = ""
    reason: str = ""
    rendered: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    workers: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[FileTiming] = field(default_factory=list)


def share_work(units: Sequence[str], fp: Fingerprints, jobs: int) -> list[list[str]]:
    """The render units over at most ``jobs`` processes, by estimated cost (the site's pages go to
    the first); a unit page and the report folders of its unit stay together."""
    groups: dict[str, list[str]] = {}
    for key in units:
        if key == SITE_PAGES:
            continue
        groups.setdefault(unit_code_of(key) or key, []).append(key)

    def cost(keys: list[str]) -> float:
        return sum(COST_UNIT_PAGE if k.endswith("index.qmd") else COST_REPORT for k in keys)

    n = max(1, min(jobs, len(groups) or 1))
    shares: list[list[str]] = [[] for _ in range(n)]
    load = [0.0] * n
    if SITE_PAGES in units:
        shares[0].append(SITE_PAGES)
        load[0] += COST_SITE_PAGES
    for keys in sorted(groups.values(), key=cost, reverse=True):
        i = load.index(min(load))
        shares[i] += keys
        load[i] += cost(keys)
    return [s for s in shares if s]


def _link_or_copy(source: Path, target: Path) -> None:
    """Documents Quarto reads are copied, everything else hard-linked (nothing is written
    through a link: Quarto writes its output elsewhere)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix in (".ipynb", ".qmd", ".md", ".yml"):
        shutil.copy2(source, target)
    else:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def _clone(source: Path, target: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if not name.startswith("."):
                _link_or_copy(Path(dirpath) / name, target / rel / name)


def make_worker_project(root: Path, folder: Path, share: Sequence[str], fp: Fingerprints) -> None:
    """A copy of the project for one Quarto process: everything at the root except hidden files,
    earlier sites, the data folders and virtual environments; of ``reports/`` the files at its top
    (the map) and the unit pages and report folders of ``share``."""
    folder.mkdir(parents=True)
    for entry in sorted(root.iterdir()):
        name = entry.name
        if (
            name.startswith(".")
            or name.startswith(SITE_DIR)
            or name in NOT_FOR_QUARTO
            or name == "reports"
        ):
            continue
        if entry.is_dir():
            if not (entry / "pyvenv.cfg").exists():
                _clone(entry, folder / name)
        elif entry.is_file():
            _link_or_copy(entry, folder / name)
    reports = root / "reports"
    if reports.is_dir():
        for entry in reports.iterdir():
            if entry.is_file() and not entry.name.startswith("."):
                _link_or_copy(entry, folder / "reports" / entry.name)
    for key in share:
        if key == SITE_PAGES:
            continue
        if key.endswith((".qmd", ".ipynb", ".md")):
            _link_or_copy(root / key, folder / key)
        else:
            _clone(root / key, folder / key)


_PROGRESS = re.compile(r"\[\s*(\d+)/(\d+)\]\s+(\S.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run_quarto(
    quarto: str,
    folder: Path,
    args: list[str],
    worker: int,
    prefix: str,
    timings: list,
    running: list[subprocess.Popen],
) -> int:
    """Run Quarto in ``folder``, passing its output on (with ``prefix``) and noting when it starts
    each file (its progress lines ``[ 3/40] reports/...``). Quarto runs in a process group of its
    own, which :func:`_stop` ends (with pandoc and typst) when the render is interrupted."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            [quarto, *args],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        print(f"{prefix}Quarto is niet te starten: {exc}", file=sys.stderr)
        return 127
    running.append(proc)
    current: tuple[str, float] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        clean = _ANSI.sub("", line.rstrip())
        m = _PROGRESS.search(clean)
        now = time.perf_counter() - start
        if m:
            if current is None:
                timings.append(FileTiming(worker, "(opstarten)", now))
            else:
                timings.append(FileTiming(worker, current[0], now - current[1]))
            current = (m.group(3).strip(), now)
        if clean:
            print(f"{prefix}{clean}", flush=True)
    code = proc.wait()
    end = time.perf_counter() - start
    if current is not None:
        timings.append(FileTiming(worker, current[0], end - current[1]))
    else:
        timings.append(FileTiming(worker, "(alles)", end))
    return code


def _stop(running: Sequence[subprocess.Popen]) -> None:
    """End the Quarto processes that still run (an interrupted render), with their children."""

    def end(proc: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(OSError):
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, sig)
            else:  # pragma: no cover - Windows
                proc.kill()

    for proc in running:
        if proc.poll() is None:
            end(proc, signal.SIGTERM)
    for proc in running:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            end(proc, signal.SIGKILL)
            proc.wait()


# ----- assembling the new site ---------------------------------------------------------------------
def _html_pages(site: Path) -> set[str]:
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "site_libs" not in p.relative_to(site).parts
    }


def _read_json_list(path: Path) -> list:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SiteError(
            f"{path.name}: geen geldige JSON ({exc}); render de site opnieuw met --volledig"
        ) from None
    return data if isinstance(data, list) else []


def _is_report_page(href: str) -> bool:
    """A page of a report folder (``reports/<code>/<periode>/...``)."""
    parts = href.split("#")[0].split("/")
    return len(parts) == 4 and parts[0] == "reports"


def shorten_search_text(doc: dict, limit: int = SEARCH_TEXT_LIMIT) -> dict:
    """A report page's search entry with its text cut after ``limit`` characters (at a word).

    Quarto indexes every section's whole text; 700 reports of the same chapters make a
    ``search.json`` of tens of megabytes that the browser searches for seconds per keystroke.
    Titles and section names (the municipality, the chapter) stay whole; the site's own pages and
    the unit pages keep their whole text."""
    text = doc.get("text")
    if not isinstance(text, str) or len(text) <= limit or not _is_report_page(doc.get("href", "")):
        return doc
    cut = text[:limit]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return {**doc, "text": cut.rstrip() + " …"}


def merge_search(base: list, rendered: set[str], parts: Sequence[list]) -> list:
    """``search.json``: the entries of pages not rendered now, then those of the new pages (an
    entry belongs to the page before the ``#`` of its ``href``; a report page's text shortened,
    :func:`shorten_search_text`)."""
    out = [d for d in base if str(d.get("href", "")).split("#")[0] not in rendered]
    seen = {d.get("objectID", d.get("href")) for d in out}
    for docs in parts:
        for d in docs:
            key = d.get("objectID", d.get("href"))
            if key not in seen:
                seen.add(key)
                out.append(shorten_search_text(d))
    return out


def merge_listings(base: list, rendered: set[str], parts: Sequence[list]) -> list:
    """``listings.json``: one entry per page with a listing; those of pages rendered now replaced."""

    def page(entry: dict) -> str:
        return str(entry.get("listing", "")).lstrip("/")

    out = [e for e in base if page(e) not in rendered]
    seen = {page(e) for e in out}
    for entries in parts:
        for e in entries:
            if page(e) not in seen:
                seen.add(page(e))
                out.append(e)
    return out


_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def merge_sitemap(base: Path | None, rendered: set[str], parts: Sequence[Path], out: Path) -> None:
    """``sitemap.xml`` (only when ``site-url`` is set): the ``<url>`` of every page rendered now
    replaced."""
    ET.register_namespace("", _SITEMAP_NS)
    tag = f"{{{_SITEMAP_NS}}}url"

    def urls(path: Path) -> list[ET.Element]:
        return list(ET.parse(path).getroot().iter(tag))

    def page(url: ET.Element) -> str:
        loc = url.findtext(f"{{{_SITEMAP_NS}}}loc") or ""
        return loc

    kept = []
    if base is not None and base.is_file():
        kept = [u for u in urls(base) if not any(page(u).endswith("/" + r) for r in rendered)]
    new = [u for p in parts for u in urls(p)]
    seen, merged = set(), []
    for u in kept + new:
        if page(u) not in seen:
            seen.add(page(u))
            merged.append(u)
    urlset = ET.Element(f"{{{_SITEMAP_NS}}}urlset")
    urlset.extend(merged)
    tmp = out.with_name(f".{out.name}.tmp")
    ET.ElementTree(urlset).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, out)


def removed_outputs(removed: Iterable[str]) -> set[str]:
    """What the site holds of render units that are gone: a report folder's folder, a page's
    ``.html``."""
    out = set()
    for key in removed:
        is_page = key.endswith((".qmd", ".ipynb", ".md"))
        out.add(Path(key).with_suffix(".html").as_posix() if is_page else key)
    return out


def _clone_site(site: Path, target: Path, removed: Iterable[str]) -> None:
    """``target`` as ``site`` made of hard links, without the output of ``removed`` render units."""
    skip = removed_outputs(removed)
    for dirpath, dirnames, filenames in os.walk(site):
        rel = Path(dirpath).relative_to(site)
        dirnames[:] = [d for d in dirnames if (rel / d).as_posix() not in skip]
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if (rel / name).as_posix() not in skip:
                os.link(Path(dirpath) / name, target / rel / name)


def _move_into(source: Path, target: Path) -> None:
    """Every file of ``source`` into ``target`` by renaming: an existing file there (a hard link
    into the previous site) is replaced as a directory entry, never written to."""
    for dirpath, _dirnames, filenames in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if rel == Path() and name in (SEARCH_INDEX, LISTINGS_INDEX, SITEMAP, MANIFEST):
                continue  # merged separately
            os.replace(Path(dirpath) / name, target / rel / name)


def assemble_site(
    staging: Path, outputs: Sequence[Path], base: Path | None, removed: Iterable[str]
) -> set[str]:
    """The new site in ``staging``: ``base`` (the previous site, as hard links; None for a full
    render) with the Quarto processes' ``outputs`` put in and the site's indexes merged. Returns
    the pages rendered now."""
    if base is not None:
        _clone_site(base, staging, removed)
    else:
        staging.mkdir()
    rendered = set().union(*(_html_pages(o) for o in outputs)) if outputs else set()
    search = merge_search(
        _read_json_list(base / SEARCH_INDEX) if base else [],
        rendered,
        [_read_json_list(o / SEARCH_INDEX) for o in outputs],
    )
    listings = merge_listings(
        _read_json_list(base / LISTINGS_INDEX) if base else [],
        rendered,
        [_read_json_list(o / LISTINGS_INDEX) for o in outputs],
    )
    sitemaps = [o / SITEMAP for o in outputs if (o / SITEMAP).is_file()]
    for output in outputs:
        _move_into(output, staging)
    for name, data in ((SEARCH_INDEX, search), (LISTINGS_INDEX, listings)):
        if data or (staging / name).exists():
            (staging / name).unlink(missing_ok=True)  # a hard link: replaced, not written to
            write_text_atomic(staging / name, json.dumps(data, ensure_ascii=False))
    if sitemaps:
        (staging / SITEMAP).unlink(missing_ok=True)
        merge_sitemap(base / SITEMAP if base else None, rendered, sitemaps, staging / SITEMAP)
    return rendered


# ----- the render ----------------------------------------------------------------------------------
def _remove(*folders: Path) -> None:
    for folder in folders:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def _fail(result: RenderResult, message: str, lines: Sequence[str] = ()) -> RenderResult:
    print(message, file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    result.code = 1
    return result


def render(
    config: ProjectConfig,
    units: Iterable[MonitoredUnit] | None = None,
    *,
    quarto: str | None,
    jobs: int | None = None,
    full: bool = False,
) -> RenderResult:
    """Prepare everything, render what changed (everything: ``full``) with ``jobs`` Quarto
    processes (default: one per CPU core), and swap the new site into ``_site/`` when it passes
    the checks. See the module's description; :func:`render_site` is the command's call."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = seconds.get(name, 0.0) + now - clock
        clock = now

    if units is None:
        units = project_units(config)
    plan_site = prepare_site(config, units)
    print(plan_site.text_nl())
    lap("voorbereiden")
    result = RenderResult(code=0, seconds=seconds)
    if not quarto:
        print(
            f"Klaar voor Quarto: {len(plan_site.reports)} rapport(en), "
            f"{len(plan_site.unit_pages)} gemeentepagina('s) en de pagina's in {GENERATED_DIR}/."
        )
        print(INSTALL_HINT_NL)
        result.mode = "geen quarto"
        return result
    version = quarto_version(quarto)
    if version is not None and version[:2] < MIN_QUARTO:
        print(
            f"Let op: Quarto {'.'.join(map(str, version))} gevonden; tussenstand is gemaakt voor "
            f"Quarto {MIN_QUARTO[0]}.{MIN_QUARTO[1]} of nieuwer.",
            file=sys.stderr,
        )

    root = config.root
    final, staging, old, work = (root / n for n in (SITE_DIR, STAGING_DIR, OLD_DIR, WORK_DIR))
    _remove(staging, work)  # what a killed render left
    manifest = read_manifest(final)
    fp = fingerprints(
        root,
        ".".join(map(str, version or ())),
        (manifest or {}).get("bestanden") or {},
    )
    plan = plan_render(fp, manifest, full=full, site_ok=(final / "index.html").is_file())
    result.mode, result.reason, result.removed = plan.mode, plan.reason, plan.removed
    lap("vingerafdrukken")
    if plan.mode == "niets":
        print(f"De site in {SITE_DIR}/ is bij: {plan.reason}.")
        return result

    shares = share_work(plan.units, fp, max(1, jobs or os.cpu_count() or 1))
    result.workers = len(shares)
    result.rendered = sorted(
        t for key in plan.units for t in fp.targets.get(key, [key] if key != SITE_PAGES else [])
    )
    n_reports = sum(1 for k in plan.units if unit_code_of(k) and not k.endswith(".qmd"))
    what = "alles" if plan.mode == "volledig" else "wat veranderde"
    print(
        f"Quarto rendert {what} ({plan.reason or f'{n_reports} rapportmap(pen)'}): "
        f"{len(result.rendered)} bestand(en) in {len(shares)} proces(sen)."
    )
    running: list[subprocess.Popen] = []
    try:
        folders = []
        for i, share in enumerate(shares):
            folder = work / str(i + 1)
            make_worker_project(root, folder, share, fp)
            folders.append(folder)
        lap("kopieën maken")

        codes: list[int] = [1] * len(shares)
        timings: list[list[FileTiming]] = [[] for _ in shares]

        def run(i: int) -> None:
            # the process with the site's pages renders its whole copy; the others only reports/
            args = ["render"] if SITE_PAGES in shares[i] else ["render", "reports"]
            prefix = f"[{i + 1}] " if len(shares) > 1 else ""
            codes[i] = _run_quarto(quarto, folders[i], args, i + 1, prefix, timings[i], running)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(shares))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result.files = [t for ts in timings for t in ts]
        lap("quarto")
        outputs = [f / SITE_DIR for f in folders]
        failed = [i + 1 for i, c in enumerate(codes) if c != 0]
        if failed or not all(o.is_dir() for o in outputs):
            return _fail(
                result,
                f"Quarto is mislukt (code {', '.join(sorted({str(codes[i - 1]) for i in failed})) or '?'}); "
                f"{SITE_DIR}/ is niet gewijzigd.",
            )
        if SITE_PAGES in shares[0] and not (outputs[0] / "index.html").is_file():
            return _fail(result, f"Quarto maakte geen index.html; {SITE_DIR}/ is niet gewijzigd.")
        for share, output in zip(shares, outputs, strict=True):
            if SITE_PAGES not in share:
                # Quarto writes a redirecting index.html into a site without one (website.ts,
                # ensureIndexPage): the home page comes from the process that rendered it
                (output / "index.html").unlink(missing_ok=True)

        base = final if plan.mode == "gedeeltelijk" else None
        rendered = assemble_site(staging, outputs, base, plan.removed)
        lap("samenvoegen")

        hidden = hidden_report_files(staging)
        if hidden:
            return _fail(
                result,
                f"De site zou {len(hidden)} bestand(en) uit een tijdelijke map van een build "
                f"publiceren; {SITE_DIR}/ is niet gewijzigd:",
                hidden[:20],
            )
        make_accessible(staging, None if base is None else sorted(rendered))
        check_all = base is None or bool(plan.removed)
        broken = check_site_links(staging, None if check_all else sorted(rendered))
        lap("links controleren")
        if broken:
            return _fail(
                result,
                f"De site heeft {len(broken)} kapotte verwijzing(en); {SITE_DIR}/ is niet gewijzigd:",
                [str(b) for b in broken[:50]],
            )
        problems = check_site_pages(staging, None if base is None else sorted(rendered))
        if problems:
            return _fail(
                result,
                f"De site heeft {len(problems)} probleem(en) voor lezers op "
                f"{len({p.page for p in problems})} pagina('s); {SITE_DIR}/ is niet gewijzigd:",
                [str(p) for p in problems[:50]],
            )
        write_text_atomic(staging / MANIFEST, _manifest_text(fp))
        _remove(old)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        lap("wisselen")
    finally:
        _stop(running)
        _remove(staging, work, old)
        lap("opruimen")
    pdfs = sum(1 for t in result.rendered if t.endswith(".ipynb") and "rapport" in t)
    print(
        f"Site klaar: {SITE_DIR}/index.html ({len(result.rendered)} bestand(en) gerenderd"
        f"{f', {pdfs} rapport(en) met pdf' if pdfs else ''}; {_seconds_text(sum(seconds.values()))})."
    )
    return result


def _seconds_text(total: float) -> str:
    minutes, secs = divmod(round(total), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def render_site(
    config: ProjectConfig,
    units: Iterable[MonitoredUnit] | None = None,
    *,
    quarto: str | None,
    jobs: int | None = None,
    full: bool = False,
) -> int:
    """``tussenstand render``: :func:`render`, returning its exit status.

    ``units`` None: the units the project monitors (:func:`tussenstand.units.project_units`; a
    broken framework raises). ``quarto``:
    the quarto command (``tussenstand.cli.find_quarto``), or None when there is none.

    Returns 0 on success (also when Quarto is missing: then it says what is ready and how to
    install Quarto, and when nothing changed since the last render), 1 when Quarto failed or the
    new site did not pass its checks (links, the reader's check); ``_site/`` is then left as it was."""
    return render(config, units, quarto=quarto, jobs=jobs, full=full).code
