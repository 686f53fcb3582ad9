"""Rendering the site with Quarto: :func:`render_site`.

The website is a Quarto project (``_quarto.yml`` at the project root). :func:`render_site` prepares
everything (:func:`tussenstand.site.prepare.prepare_site`), renders into a staging folder
``_site.nieuw/``, repairs the accessibility of Quarto's template there (:mod:`.accessibility`) and
swaps that into ``_site/`` only when Quarto succeeded, nothing from a temporary report folder
(``reports/<code>/.<periode>.tmp-*``) made it in, every internal link resolves and every page passes
the reader's check (:mod:`.links`: Dutch, a title, one level-1 heading, text alternatives for
images); otherwise ``_site/`` stays as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from tussenstand.config import ProjectConfig
from tussenstand.frameworks import MonitoredUnit
from tussenstand.site.accessibility import make_accessible
from tussenstand.site.links import check_site_links, check_site_pages
from tussenstand.site.prepare import GENERATED_DIR, prepare_site
from tussenstand.units import project_units

SITE_DIR = "_site"
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


def render_site(
    config: ProjectConfig,
    units: Iterable[MonitoredUnit] | None = None,
    *,
    quarto: str | None,
) -> int:
    """Prepare everything, then ``quarto render`` into a temporary folder and swap it into ``_site/``.

    ``units`` None: the units the project monitors (:func:`tussenstand.units.project_units`; a
    broken framework raises). ``quarto``:
    the quarto command (``tussenstand.cli.find_quarto``), or None when there is none.

    Returns 0 on success (also when Quarto is missing: then it says what is ready and how to install
    Quarto), 1 when Quarto failed or the rendered site has broken internal links or fails the
    reader's check; ``_site/`` is then left as it was.
    """
    if units is None:
        units = project_units(config)
    plan = prepare_site(config, units)
    print(plan.text_nl())
    if not quarto:
        print(
            f"Klaar voor Quarto: {len(plan.reports)} rapport(en), {len(plan.unit_pages)} "
            f"gemeentepagina('s) en de pagina's in {GENERATED_DIR}/."
        )
        print(INSTALL_HINT_NL)
        return 0
    version = quarto_version(quarto)
    if version is not None and version[:2] < MIN_QUARTO:
        print(
            f"Let op: Quarto {'.'.join(map(str, version))} gevonden; tussenstand is gemaakt voor "
            f"Quarto {MIN_QUARTO[0]}.{MIN_QUARTO[1]} of nieuwer.",
            file=sys.stderr,
        )

    root = config.root
    final = root / SITE_DIR
    staging_name = f"{SITE_DIR}.nieuw"
    staging = root / staging_name
    if staging.exists():
        shutil.rmtree(staging)
    cmd = [quarto, "render", "--output-dir", staging_name]
    print("Quarto:", " ".join([Path(quarto).name, *cmd[1:]]))
    result = subprocess.run(cmd, cwd=root, check=False)
    if result.returncode != 0 or not (staging / "index.html").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"Quarto is mislukt (code {result.returncode}); {SITE_DIR}/ is niet gewijzigd.",
            file=sys.stderr,
        )
        return 1
    hidden = hidden_report_files(staging)
    if hidden:
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"De site zou {len(hidden)} bestand(en) uit een tijdelijke map van een build "
            f"publiceren; {SITE_DIR}/ is niet gewijzigd:",
            file=sys.stderr,
        )
        for h in hidden[:20]:
            print(f"  {h}", file=sys.stderr)
        return 1
    make_accessible(staging)
    broken = check_site_links(staging)
    if broken:
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"De site heeft {len(broken)} kapotte verwijzing(en); {SITE_DIR}/ is niet gewijzigd:",
            file=sys.stderr,
        )
        for b in broken[:50]:
            print(f"  {b}", file=sys.stderr)
        return 1
    problems = check_site_pages(staging)
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        print(
            f"De site heeft {len(problems)} probleem(en) voor lezers op "
            f"{len({p.page for p in problems})} pagina('s); {SITE_DIR}/ is niet gewijzigd:",
            file=sys.stderr,
        )
        for p in problems[:50]:
            print(f"  {p}", file=sys.stderr)
        return 1
    old = root / f"{SITE_DIR}.oud"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)
    pdfs = len(list(final.rglob("*.pdf")))
    print(f"Site klaar: {SITE_DIR}/index.html ({pdfs} PDF's).")
    return 0
