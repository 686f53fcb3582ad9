"""Which executed reports are on disk: ``reports/<code>/<periode>/`` with their summaries.

A report is a folder with the configured report notebook. Folders starting with ``.`` or ``_`` are
never reports: ``.<periode>.tmp-*`` and ``.<periode>.old-*`` are the temporary folders of a
running (or killed) build (:mod:`tussenstand.runner`). Its ``samenvatting.json`` (written by
:mod:`tussenstand.report`, model :class:`tussenstand.handoff.ReportSummary`) says what the site
shows about it; a report without one (built before the summary existed) is still listed, with what
its folder tells: code, period and the date of the notebook file.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tussenstand.config import ProjectConfig
from tussenstand.frameworks import MonitoredUnit
from tussenstand.handoff import SUMMARY_FILE, HandoffError, ReportSummary
from tussenstand.nlformat import fmt_period
from tussenstand.periods import PeriodError, parse_period
from tussenstand.site.files import SiteError

#: the report's CSV downloads (the data behind its figures), relative to the report folder
DOWNLOADS_DIR = "data"


@dataclass(frozen=True)
class ReportEntry:
    """One executed report on disk; paths relative to the project root."""

    summary: ReportSummary
    notebook: Path
    cleaning_notebook: Path | None
    downloads: tuple[Path, ...]
    #: False for a report without ``samenvatting.json``: ``summary`` then holds only what the
    #: folder tells (no status counts)
    has_summary: bool


def report_notebook_name(config: ProjectConfig) -> str:
    """The configured report notebook (the one named ``*rapport*``, else the last)."""
    for name in config.notebooks:
        if "rapport" in name:
            return name
    return config.notebooks[-1]


def cleaning_notebook_name(config: ProjectConfig) -> str | None:
    report = report_notebook_name(config)
    for name in config.notebooks:
        if name != report and "opschon" in name:
            return name
    return None


def period_sort_key(code: str) -> tuple[date, date]:
    """Sorts report periods by their end (then start); a folder name that is no period first."""
    with contextlib.suppress(PeriodError):
        p = parse_period(code)
        return (p.end, p.start)
    return (date.min, date.min)


def read_report_summary(path: Path, root: Path) -> ReportSummary:
    """``samenvatting.json`` through the shared model; :class:`SiteError` names the file (from the
    project root) and the wrong field."""
    try:
        return ReportSummary.read(path)
    except (
        HandoffError
    ) as exc:  # "samenvatting.json: past niet bij het model ...: status_counts..."
        raise SiteError(f"{path.parent.relative_to(root).as_posix()}/{exc}") from None


def _summary_from_folder(code: str, periode: str, name: str, notebook: Path) -> ReportSummary:
    label = periode
    with contextlib.suppress(PeriodError):  # a folder name that is no period is shown as it is
        label = fmt_period(periode)
    return ReportSummary(
        gemeente=code,
        gemeente_naam=name,
        periode=periode,
        periode_label=label,
        gebouwd_op=datetime.fromtimestamp(notebook.stat().st_mtime).date(),
    )


def find_reports(config: ProjectConfig, units: dict[str, MonitoredUnit]) -> list[ReportEntry]:
    """Every executed report under ``reports/``, by unit code and then period (oldest first).

    Raises :class:`SiteError` for a summary that does not match its model or its folder.
    """
    root = config.root
    report_name = report_notebook_name(config)
    cleaning_name = cleaning_notebook_name(config)
    entries: list[ReportEntry] = []
    if not config.reports_dir.is_dir():
        return entries
    for unit_dir in sorted(config.reports_dir.iterdir()):
        if not unit_dir.is_dir() or unit_dir.name.startswith((".", "_")):
            continue
        for period_dir in sorted(unit_dir.iterdir(), key=lambda p: period_sort_key(p.name)):
            if not period_dir.is_dir() or period_dir.name.startswith((".", "_")):
                continue
            nb_path = period_dir / report_name
            if not nb_path.is_file():
                continue
            code, periode = unit_dir.name, period_dir.name
            summary_path = period_dir / SUMMARY_FILE
            if summary_path.is_file():
                summary = read_report_summary(summary_path, root)
                if summary.gemeente != code or summary.periode != periode:
                    raise SiteError(
                        f"{summary_path.relative_to(root).as_posix()}: hoort bij {summary.gemeente} "
                        f"{summary.periode}, maar staat in de map {code}/{periode}"
                    )
            else:
                unit = units.get(code)
                summary = _summary_from_folder(code, periode, unit.name if unit else code, nb_path)
            data_dir = period_dir / DOWNLOADS_DIR
            downloads = (
                tuple(p.relative_to(root) for p in sorted(data_dir.glob("*.csv")) if p.is_file())
                if data_dir.is_dir()
                else ()
            )
            cleaning = period_dir / cleaning_name if cleaning_name else None
            entries.append(
                ReportEntry(
                    summary=summary,
                    notebook=nb_path.relative_to(root),
                    cleaning_notebook=cleaning.relative_to(root)
                    if cleaning and cleaning.is_file()
                    else None,
                    downloads=downloads,
                    has_summary=summary_path.is_file(),
                )
            )
    return entries
