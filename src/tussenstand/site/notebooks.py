"""Executed notebooks made ready for Quarto, in place and idempotently.

Quarto renders the executed report notebooks as they are (it never executes them again). Before
that, :func:`prepare_report_notebook`:

- puts a raw cell with Quarto front matter first (title, subtitle, date, categories, an HTML and a
  typst/PDF format with the PDF's metadata, page footer, table and badge rules,
  ``execute: enabled: false``);
- puts the PDF's first-page story before the first chapter (after the introduction): the status of
  the goals as badges and the contents (raw typst: the website has its own summary and contents);
- removes papermill's ``injected-parameters`` cell and shows this run's municipality and period in
  the ``parameters`` cell instead of the template's defaults;
- tags every code cell ``remove-input`` (the parameters cell ``remove-cell``);
- makes a notebook's own level-1 heading a chapter heading: the page's one ``<h1>`` is the title
  of the front matter (:func:`demote_level_one_headings`);
- strips private metadata, paths and user names (:func:`tussenstand.scrub.strip_for_publication`);
- appends a closing Markdown cell: the CSV downloads, the build date and the tussenstand that
  built the report.

:func:`prepare_cleaning_notebook` makes ``01_opschonen.ipynb`` a 'Datakwaliteit' page (HTML only).
The cells added here carry a mark in their metadata, so that preparing again replaces them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from tussenstand import badges
from tussenstand.buildinfo import BuildInfo
from tussenstand.handoff import ReportSummary
from tussenstand.markdown import escape
from tussenstand.nlformat import fmt_date, fmt_int, fmt_list
from tussenstand.progress import Status
from tussenstand.scrub import NotebookError, Scrubber, read_notebook, strip_for_publication
from tussenstand.site.files import SiteError, write_if_changed

#: Marks on the cells this module adds, so that preparing again replaces them (idempotence).
MARK_KEY = "tussenstand"
MARK_FRONT_MATTER = "front-matter"
MARK_CLOSING = "slot"
MARK_FIRST_PAGE = "eerste-pagina"

#: typst show rule that lets a long table (in its figure) continue on the next page
TYPST_BREAKABLE_FIGURES = "#show figure: set block(breakable: true)"
#: typst rules for tables. Cells: left-aligned ragged text, no hyphenation. Quarto's typst
#: template justifies every paragraph (``set par(justify: true)``), which in a narrow column reads
#: "minstens      250" and "Laatste me- ting"; a show-set rule on the cell is nearer to the cell's
#: text than the template's set rule, so it wins. Tables are set a little smaller than the text
#: (more words fit a column). A small table (at most 40 cells: a goal's facts, one theme's goals)
#: is not split over two pages; a longer one is, with its header repeated.
TYPST_TABLE_CELLS = (
    "#show table.cell: set par(justify: false)\n"
    "#show table.cell: set text(hyphenate: false)\n"
    "#show table: set text(size: 0.9em)\n"
    "#show table: it => if it.children.len() <= 40 { block(breakable: false, it) } else { it }"
)
#: the contents of the PDF, placed by the first-page cell after the story (chapters and goals)
TYPST_CONTENTS = "#outline(title: [Inhoud], depth: 2)\n#pagebreak(weak: true)"
#: the PDF's author (document metadata)
PDF_AUTHOR = "tussenstand"


# ----- what a report says about itself --------------------------------------------------------------
def status_text_nl(summary: ReportSummary) -> str:
    """``3 bereikt, 2 op koers en 1 achter op schema`` (in the order the report gave)."""
    parts = [f"{fmt_int(n)} {label}" for label, n in summary.status_counts.items() if n]
    return fmt_list(parts) if parts else "geen meetbare doelen in het kader: zie de indicatoren"


def built_with(summary: ReportSummary) -> str | None:
    """``tussenstand 0.1.0 (commit 1a2b3c4d5e6f)``; None for a report built before the summary
    said which tussenstand built it."""
    if not summary.versie:
        return None
    if not summary.commit:
        return f"tussenstand {summary.versie}"
    return BuildInfo(summary.versie, summary.commit).text_nl


# ----- front matter -------------------------------------------------------------------------------
def _typst_string(text: str) -> str:
    """``text`` as a typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def pdf_keywords(summary: ReportSummary) -> list[str]:
    """Keywords of the report's PDF: subject, municipality, period and the tussenstand that built it."""
    keywords = ["sociaal domein", summary.gemeente_naam, summary.gemeente, summary.periode_label]
    if summary.versie:
        keywords.append(f"tussenstand {summary.versie}")
    if summary.commit:
        keywords.append(f"commit {summary.commit}")
    return keywords


def report_description(summary: ReportSummary) -> str:
    """``Heemskerk, 1e halfjaar 2026: 3 bereikt, 10 op koers en ...``: the page's description and
    the PDF's subject."""
    return f"{summary.gemeente_naam}, {summary.periode_label}: {status_text_nl(summary)}."


def typst_document_metadata(summary: ReportSummary) -> str:
    """A typst ``set document`` rule: the PDF's title, author, subject (typst: ``description``),
    keywords and date (the day the report was built, not the day it was rendered).

    Quarto 1.8's typst template (``formats/typst/pandoc/quarto/typst-template.typ``) never calls
    ``set document``, whatever the front matter says (``author``, ``keywords`` only reach Pandoc's
    own typst template, which Quarto does not use), so the report sets it in the header
    (``include-in-header``, placed before the template's ``#show``)."""
    keywords = ", ".join(_typst_string(k) for k in pdf_keywords(summary))
    built = summary.gebouwd_op
    return (
        f"#set document(title: {_typst_string(f'{summary.title}, {summary.periode_label}')}, "
        f"author: {_typst_string(PDF_AUTHOR)}, "
        f"description: {_typst_string(report_description(summary))}, "
        f"keywords: ({keywords},), "
        f"date: datetime(year: {built.year}, month: {built.month}, day: {built.day}))"
    )


def typst_page_footer(summary: ReportSummary) -> str:
    """A typst ``set page`` rule: on every page the report's title and period on the left and
    ``pagina 3 van 46`` on the right, above a thin line.

    Quarto's template sets the page's paper, margins and numbering later (inside its ``#show``);
    a footer set here stays, and replaces the template's bare page number."""
    left = _typst_string(f"{summary.title} · {summary.periode_label}")
    return (
        "#set page(footer: context {\n"
        "  set text(size: 0.8em, fill: luma(30%))\n"
        "  line(length: 100%, stroke: 0.4pt + luma(60%))\n"
        "  v(-0.4em)\n"
        f"  grid(columns: (1fr, auto), [#{left}],\n"
        '    [pagina #counter(page).display("1") van #counter(page).final().first()])\n'
        "})"
    )


def _typst_format(summary: ReportSummary) -> dict:
    # Options of Quarto's typst format (docs/reference/formats/typst, docs/output-formats/typst).
    # The default typst template prints title, subtitle and date as the title block; fonts are the
    # ones typst bundles (Libertinus Serif, DejaVu Sans Mono), so no system font is needed.
    return {
        # the contents come after the first page's story (the first-page cell), not before it
        "toc": False,
        "number-sections": True,
        "papersize": "a4",
        "margin": {"x": "2.2cm", "y": "2.5cm"},
        "fontsize": "10.5pt",
        "mainfont": "Libertinus Serif",
        "page-numbering": "1",  # shown by the footer (typst_page_footer) and in the contents
        "fig-width": 6.3,
        "fig-height": 3.6,
        "fig-format": "png",
        "include-in-header": [
            # Pandoc puts every table in a typst figure, and a figure does not break across
            # pages: the rows of a long table (all goals on one page) would pile up at the foot.
            {"text": TYPST_BREAKABLE_FIGURES},
            {"text": TYPST_TABLE_CELLS},
            {"text": typst_document_metadata(summary)},
            {"text": typst_page_footer(summary)},
            {"text": badges.typst_definitions()},
        ],
    }


def report_front_matter(summary: ReportSummary, pdf_name: str = "02_rapport.pdf") -> dict:
    """Quarto front matter of a report page (HTML page with a linked PDF).

    ``format-links`` (docs/output-formats/html-multi-format) offers the PDF once, labelled
    ``PDF``: the typst format's link under that name, and the name ``html`` (this page itself,
    never linked). Listing a format by name is what keeps Quarto from adding its own link to
    every other format (a second link to the same PDF, labelled ``Typst``)."""
    return {
        "title": summary.title,
        "subtitle": summary.periode_label,
        "date": summary.gebouwd_op.isoformat(),
        "date-format": "long",
        "lang": "nl",
        "description": report_description(summary),
        "categories": [summary.gemeente_naam, summary.periode_label],
        "gemeente": summary.gemeente,
        "gemeente-naam": summary.gemeente_naam,
        "periode": summary.periode,
        "illustratief": summary.illustratief,
        "format": {"html": "default", "typst": _typst_format(summary)},
        "format-links": ["html", {"format": "typst", "text": "PDF", "icon": "file-pdf"}],
        "execute": {"enabled": False, "echo": False, "warning": False},
        "echo": False,
        "warning": False,
    }


def cleaning_front_matter(summary: ReportSummary) -> dict:
    return {
        "title": f"Datakwaliteit {summary.gemeente_naam}",
        "subtitle": summary.periode_label,
        "date": summary.gebouwd_op.isoformat(),
        "date-format": "long",
        "lang": "nl",
        "description": (
            f"Opschoning en controle van de gegevens voor {summary.gemeente_naam}, "
            f"{summary.periode_label}."
        ),
        "format": {"html": "default"},
        "format-links": False,
        "execute": {"enabled": False, "echo": False, "warning": False},
        "echo": False,
        "warning": False,
    }


# ----- the PDF's first page -----------------------------------------------------------------------
def status_badges(summary: ReportSummary) -> str:
    """The number of goals per status, each as a badge in typst: ``#status-badge("bereikt",
    "3 bereikt") #status-badge("op-koers", "10 op koers")``, in the order of the summary."""
    return " ".join(
        badges.typst_badge(f"{fmt_int(n)} {label}", Status(label))
        for label, n in summary.status_counts.items()
        if n
    )


def first_page_text(summary: ReportSummary) -> str:
    """What the PDF's first page says after the title and the introduction, before the contents:
    the status of the goals as badges (saying so when the report holds illustrative figures), then
    the contents and a page break.

    A raw typst block: only the PDF shows it (the website shows the summary with its contents
    beside it). Its lines are ragged (a justified line of badges would get wide gaps), within its
    own block only."""
    total = sum(summary.status_counts.values())
    if total:
        lead = f"Stand van de {fmt_int(total)} doelen"
        if summary.illustratief:
            lead += " (dit rapport bevat illustratieve gegevens)"
        story = f"#strong({_typst_string(lead + ':')}) \\\n  {status_badges(summary)}"
    else:
        rest = "het volgt de indicatoren van het beleidskader (zie de samenvatting)."
        if summary.illustratief:
            rest += " Het bevat illustratieve gegevens."
        story = (
            f"#strong({_typst_string('Dit rapport geeft geen doelen een status:')}) "
            f"#{_typst_string(rest)}"
        )
    return (
        "```{=typst}\n"
        "#block(above: 1.2em, below: 1.5em)[\n"
        "  #set par(justify: false)\n"
        f"  {story}\n"
        "]\n"
        f"{TYPST_CONTENTS}\n"
        "```\n"
    )


# ----- the closing cell ---------------------------------------------------------------------------
def closing_text(summary: ReportSummary, downloads: Sequence[str], cleaning: str | None) -> str:
    """The report's last section: CSV downloads, a link to the data-quality page, and when, with
    which data and with which tussenstand the report was built."""
    lines = ["## Downloads", ""]
    if downloads:
        lines.append(
            "De cijfers achter de grafieken van dit rapport, als CSV (puntkomma als scheidingsteken):"
        )
        lines.append("")
        lines.extend(f"- [{escape(Path(d).name)}]({d})" for d in downloads)
    else:
        lines.append("Bij dit rapport horen geen downloadbare tabellen.")
    if cleaning:
        lines += [
            "",
            f"Hoe de gegevens zijn opgeschoond en gecontroleerd: [Datakwaliteit]({cleaning}).",
        ]
    built = f"Gebouwd op {fmt_date(summary.gebouwd_op)}"
    stamp = built_with(summary)
    if stamp:
        built += f" met {escape(stamp)}"
    peildata = sorted(set(summary.peildata))
    if peildata:
        word = "peildatum" if len(peildata) == 1 else "peildata"
        data = f"gegevens met {word} {fmt_list(fmt_date(d) for d in peildata)}"
        built += f", uit {data}" if stamp else f" met {data}"
    lines += ["", f"*{built}.*"]
    if summary.illustratief:
        lines += [
            "",
            "*Dit rapport bevat illustratieve (niet echte) gegevens; zie de pagina Data.*",
        ]
    return "\n".join(lines) + "\n"


# ----- cells ------------------------------------------------------------------------------------
def _source(cell: Mapping) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _tags(cell: Mapping) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags") or [])


def _is_ours(cell: Mapping) -> bool:
    return MARK_KEY in (cell.get("metadata") or {})


def _cell_id(mark: str) -> str:
    """A stable nbformat cell id (letters, digits, '-' and '_', at most 64) for a cell we add."""
    return ("tussenstand-" + re.sub(r"[^A-Za-z0-9_-]+", "-", mark))[:64]


def _front_matter_cell(front: Mapping) -> dict:
    text = "---\n" + yaml.safe_dump(dict(front), allow_unicode=True, sort_keys=False) + "---\n"
    return {
        "cell_type": "raw",
        "id": _cell_id(MARK_FRONT_MATTER),
        "metadata": {MARK_KEY: MARK_FRONT_MATTER},
        "source": text.splitlines(True),
    }


def _markdown_cell(text: str, mark: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": _cell_id(mark),
        "metadata": {MARK_KEY: mark},
        "source": text.splitlines(True),
    }


def _is_chapter(cell: Mapping) -> bool:
    """A Markdown cell that starts a chapter (``## Samenvatting``)."""
    return cell.get("cell_type") == "markdown" and _source(cell).lstrip().startswith("#")


_FENCE = re.compile(r"^\s*(```|~~~)")
_LEVEL_ONE = re.compile(r"^#(?=\s)")


def demote_level_one_headings(text: str) -> str:
    """``# Heading`` lines of Markdown become ``## Heading`` (outside fenced code): the title in
    the front matter is the page's one level-1 heading, and a second ``<h1>`` would tell a screen
    reader that a new page starts."""
    lines = []
    fenced = False
    for line in text.splitlines(True):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _LEVEL_ONE.sub("##", line)
        lines.append(line)
    return "".join(lines)


def _prepare_notebook(
    path: Path,
    front: Mapping[str, Any],
    closing: str | None,
    root: Path,
    extra_paths: Mapping[str, str] | None = None,
    first_page: str | None = None,
) -> None:
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        raise SiteError(str(exc)) from None
    cells = []
    injected = [c for c in nb["cells"] if "injected-parameters" in _tags(c)]
    run_values = (
        [
            ln
            for ln in _source(injected[0]).splitlines()
            if re.match(r"\s*(gemeente|periode)\s*=", ln)
        ]
        if injected
        else []
    )
    for cell in nb["cells"]:
        if _is_ours(cell):
            continue  # added by an earlier prepare: replaced below
        tags = _tags(cell)
        if "injected-parameters" in tags:
            continue  # papermill's parameter values (absolute paths): never published
        if "parameters" in tags and run_values:
            # the template's defaults would mislead a reader of the notebook file: keep the values
            # this report was run with (municipality and period, no paths)
            cell["source"] = "# Parameters van deze uitvoering\n" + "\n".join(run_values)
        if (
            cell.get("cell_type") == "raw"
            and _source(cell).lstrip().startswith("---")
            and not cells
        ):
            continue  # an older front matter of the template: ours replaces it
        if cell.get("cell_type") == "markdown":
            # a list of lines, as Jupyter writes it: Quarto 1.8 reads a source given as one
            # string without its line breaks (heading and paragraph ran together; Pandoc alone
            # does not)
            cell["source"] = demote_level_one_headings(_source(cell)).splitlines(True)
        if cell.get("cell_type") == "code":
            new_tags = [t for t in tags if t != "remove-input"] + ["remove-input"]
            if "parameters" in tags:
                new_tags = [t for t in new_tags if t != "remove-cell"] + ["remove-cell"]
            cell.setdefault("metadata", {})["tags"] = new_tags
        cells.append(cell)
    nb["cells"] = cells
    nb = strip_for_publication(nb, Scrubber(root, extra_paths))
    if first_page:
        # after the introduction, before the first chapter (or first of all without chapters)
        at = next((i for i, c in enumerate(nb["cells"]) if _is_chapter(c)), 0)
        nb["cells"].insert(at, _markdown_cell(first_page, MARK_FIRST_PAGE))
    nb["cells"].insert(0, _front_matter_cell(front))
    if closing:
        nb["cells"].append(_markdown_cell(closing, MARK_CLOSING))
    nb.setdefault("nbformat", 4)
    nb.setdefault("nbformat_minor", 5)
    write_if_changed(path, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")


def prepare_report_notebook(
    path: Path,
    summary: ReportSummary,
    downloads: Sequence[str] = (),
    cleaning: str | None = None,
    root: Path | None = None,
    extra_paths: Mapping[str, str] | None = None,
) -> None:
    """Make an executed report notebook ready for Quarto, in place (idempotent).

    ``downloads`` and ``cleaning`` are links relative to the notebook's folder; ``root`` is the
    project root (absolute paths under it become relative ones; default: the notebook's folder);
    ``extra_paths`` maps further absolute paths (e.g. the CBS folder) to the text that replaces them.
    """
    path = Path(path)
    _prepare_notebook(
        path,
        report_front_matter(summary, pdf_name=f"{path.stem}.pdf"),
        closing_text(summary, downloads, cleaning),
        Path(root) if root else path.parent,
        extra_paths,
        first_page_text(summary),
    )


def prepare_cleaning_notebook(
    path: Path,
    summary: ReportSummary,
    root: Path | None = None,
    extra_paths: Mapping[str, str] | None = None,
) -> None:
    """Make the executed cleaning notebook a 'Datakwaliteit' page (HTML only), in place."""
    path = Path(path)
    _prepare_notebook(
        path, cleaning_front_matter(summary), None, Path(root) if root else path.parent, extra_paths
    )
