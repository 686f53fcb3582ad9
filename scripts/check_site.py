"""Check the whole rendered site as a reader would: `python scripts/check_site.py [SITE]`.

SITE defaults to `_site/` of the project. First the reader's check that `tussenstand render` also
runs (links, language, title, one level-1 heading, image descriptions), then axe-core on every page
in headless Chromium at a desktop's and a phone's width (needs Debian's `chromium`, node and
`npm ci` in tools/a11y). Prints what it found per page and a summary per axe rule.

Exit status: 0 nothing found, 1 something found or a tool is missing, 2 no site at SITE.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from tussenstand.nlformat import fmt_int
from tussenstand.site import browser, check_site_links, check_site_pages

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_site"), help="de gerenderde site")
    args = parser.parse_args(argv)
    site_dir = Path(args.site)
    if not (site_dir / "index.html").is_file():
        print(f"Geen site in {site_dir}: eerst make site (of tussenstand render).", file=sys.stderr)
        return 2

    pages = browser.html_pages(site_dir)
    problems = [str(p) for p in check_site_links(site_dir)] + [
        str(p) for p in check_site_pages(site_dir)
    ]
    print(f"Controle van de lezer: {fmt_int(len(pages))} pagina's, {len(problems)} probleem(en).")
    for p in problems:
        print(f"  {p}")

    reason = browser.axe_missing(ROOT)
    if reason:
        print(f"axe-core niet uitgevoerd: {reason}.", file=sys.stderr)
        return 1
    start = time.monotonic()
    with browser.serve(site_dir) as base:
        result = browser.run_axe(ROOT, base, pages)
    widths = " en ".join(f"{fmt_int(w)}" for w in result.widths)
    print(
        f"axe-core {result.version}: {fmt_int(len(pages))} pagina's, elk {widths} pixels breed, "
        f"in {fmt_int(time.monotonic() - start)} s: {fmt_int(len(result.violations))} "
        "overtreding(en)."
    )
    for rule, n in Counter(v.rule for v in result.violations).most_common():
        print(f"  {rule}: op {fmt_int(n)} pagina('s)")
    for v in result.violations:
        print(f"  {v}")
    return 1 if problems or result.violations else 0


if __name__ == "__main__":
    sys.exit(main())
