"""What Quarto needs to publish the reports, and the render itself.

The website is a Quarto project (``_quarto.yml`` at the project root) over the executed reports in
``reports/``. ``tussenstand render`` calls :func:`render_site`. The package, in the order of a render:

:mod:`.discovery`
    which executed reports are on disk, and their ``samenvatting.json`` (:class:`ReportEntry`)
:mod:`.notebooks`
    each executed notebook made ready for Quarto: front matter (with the PDF's metadata, footer,
    table and badge rules), the PDF's first page (status badges, then the contents), hidden code,
    no private data, a closing cell with downloads and the build stamp
:mod:`.pages`
    the generated pages: one per municipality or region, the home overview, the status rules, the
    CBS tables with their download dates, the reports with illustrative data, the build stamp
:mod:`.map`
    the home page's map
:mod:`.prepare`
    :func:`prepare_site`: all of the above, idempotent
:mod:`.quarto`
    :func:`render_site`: ``quarto render`` of everything or of what changed (fingerprints in the
    site's manifest), in parallel Quarto processes, assembled into a staging folder, repaired by
    :mod:`.accessibility`, and swapped into ``_site/`` only when Quarto succeeded and :mod:`.links`
    finds no broken internal link and no page a reader cannot use
:mod:`.accessibility`
    repairs of Quarto's page template (landmarks) after rendering
:mod:`.browser`
    the rendered site in headless Chromium: screenshots, axe-core (accessibility)
:mod:`.files`
    :class:`SiteError` and writing a file only when its content changed

Removing machine paths and user names from notebooks is :mod:`tussenstand.scrub` (the runner uses
it too).
"""

from tussenstand.site.accessibility import accessible_html, make_accessible
from tussenstand.site.discovery import ReportEntry, find_reports
from tussenstand.site.files import SiteError
from tussenstand.site.links import (
    BrokenLink,
    PageProblem,
    check_site_links,
    check_site_pages,
    site_pages,
)
from tussenstand.site.map import MAP_FILE, MAP_SOURCE, draw_map
from tussenstand.site.notebooks import (
    TYPST_BREAKABLE_FIGURES,
    TYPST_TABLE_CELLS,
    closing_text,
    first_page_text,
    prepare_cleaning_notebook,
    prepare_report_notebook,
    report_front_matter,
)
from tussenstand.site.pages import (
    STAMP_VARIABLE,
    has_own_plan,
    illustrative_text,
    output_href,
    overview_text,
    reports_text,
    sources_text,
    status_rules_text,
    unit_page_text,
)
from tussenstand.site.prepare import GENERATED_DIR, VARIABLES_FILE, SitePlan, prepare_site
from tussenstand.site.quarto import (
    MANIFEST,
    MIN_QUARTO,
    SITE_DIR,
    RenderResult,
    hidden_report_files,
    parse_quarto_version,
    quarto_version,
    render,
    render_site,
    render_targets,
)

__all__ = [
    "GENERATED_DIR",
    "MANIFEST",
    "MAP_FILE",
    "MAP_SOURCE",
    "MIN_QUARTO",
    "SITE_DIR",
    "STAMP_VARIABLE",
    "TYPST_BREAKABLE_FIGURES",
    "TYPST_TABLE_CELLS",
    "VARIABLES_FILE",
    "BrokenLink",
    "PageProblem",
    "RenderResult",
    "ReportEntry",
    "SiteError",
    "SitePlan",
    "accessible_html",
    "check_site_links",
    "check_site_pages",
    "closing_text",
    "first_page_text",
    "draw_map",
    "find_reports",
    "has_own_plan",
    "illustrative_text",
    "make_accessible",
    "output_href",
    "overview_text",
    "parse_quarto_version",
    "prepare_cleaning_notebook",
    "prepare_report_notebook",
    "prepare_site",
    "quarto_version",
    "render",
    "render_site",
    "render_targets",
    "reports_text",
    "hidden_report_files",
    "report_front_matter",
    "site_pages",
    "sources_text",
    "status_rules_text",
    "unit_page_text",
]
