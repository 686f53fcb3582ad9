"""The site's overview of all goals: every goal of every municipality (or region) and report
period, with baseline, target, latest value and status, as an Excel workbook and a CSV file.

Made at render time from the reports' summaries (``samenvatting.json``, its ``doelen``: the figures
as each report published them, :class:`tussenstand.handoff.GoalRecord`), so it always matches the
reports on the site. A value that a report did not publish (small numbers) is empty, and the column
``Niet gepubliceerd`` says which and why. Reports built before the summary kept its goals add
nothing (the data page says how many).

The files go to ``reports/`` (:data:`OVERVIEW_XLSX`, :data:`OVERVIEW_CSV`), which Quarto copies as
resources (``_quarto.yml``); the data page links them through a generated fragment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from tussenstand.downloads import Downloads, goal_frame, write_csv, write_workbook
from tussenstand.markdown import escape
from tussenstand.nlformat import fmt_int
from tussenstand.site.discovery import ReportEntry, period_sort_key

OVERVIEW_XLSX = "overzicht-doelen.xlsx"
OVERVIEW_CSV = "overzicht-doelen.csv"
#: the columns that say which report a goal's row comes from, before the goal's own columns
REPORT_COLUMNS = ["Code", "Gemeente of regio", "Rapportperiode"]


def goal_overview(reports: Sequence[ReportEntry], threshold: int) -> pd.DataFrame:
    """One row per goal per report: the report's code, name and period, then the goal's columns
    (:data:`tussenstand.downloads.GOAL_COLUMNS`); by name, then period, then the plan's order."""
    frames = []
    ordered = sorted(
        reports,
        key=lambda r: (r.summary.gemeente_naam, period_sort_key(r.summary.periode)),
    )
    for entry in ordered:
        s = entry.summary
        if not s.doelen:
            continue
        frame = goal_frame(s.doelen, threshold)
        frame.insert(0, REPORT_COLUMNS[2], s.periode)
        frame.insert(0, REPORT_COLUMNS[1], s.gemeente_naam)
        frame.insert(0, REPORT_COLUMNS[0], s.gemeente)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*REPORT_COLUMNS, *goal_frame([], threshold).columns])
    return pd.concat(frames, ignore_index=True)


def write_goal_overview(folder: Path, reports: Sequence[ReportEntry], threshold: int) -> str:
    """Write the workbook and the CSV into ``folder`` (``reports/``) and return the Markdown that
    offers them (links relative to the project root, where the data page is). Without any goal
    the files are removed and the text says so."""
    frame = goal_overview(reports, threshold)
    xlsx, csv = folder / OVERVIEW_XLSX, folder / OVERVIEW_CSV
    if frame.empty:
        xlsx.unlink(missing_ok=True)
        csv.unlink(missing_ok=True)
        return "Er is nog geen rapport met meetbare doelen; er is daarom nog geen overzicht.\n"
    with_goals = [r for r in reports if r.summary.doelen]
    without = [r for r in reports if r.summary.doelen is None and r.has_summary]
    illustrative = bool(frame["Illustratief"].any())
    parts = Downloads()
    parts.add_data(
        "Doelen",
        "Alle doelen van alle gemeenten en rapportperiodes",
        frame,
        "De rapporten op deze site (samenvatting.json per rapport).",
    )
    about = [
        ("Overzicht", "Alle doelen van alle gemeenten en regio's, per rapportperiode"),
        ("Rapporten", fmt_int(len(with_goals))),
        (
            "Kleine aantallen",
            f"Aantallen personen onder de {threshold} zijn niet gepubliceerd: de waarde is leeg "
            "en de kolom 'Niet gepubliceerd' zegt welke waarde en waarom.",
        ),
    ]
    if illustrative:
        about.append(
            (
                "Illustratief",
                "Rijen met Illustratief = ja zijn gemeten met illustratieve registraties: geen "
                "echte gegevens.",
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    # A workbook carries the time it was saved, so its bytes differ on every render: write it
    # only when the overview changed (its CSV, the same rows, has no time in it) or is missing.
    # Otherwise the data page would be rendered again on every render.
    before = csv.read_bytes() if csv.is_file() else None
    write_csv(frame, csv)
    if not xlsx.is_file() or csv.read_bytes() != before:
        write_workbook(xlsx, parts, about)
    rel = folder.name
    text = (
        f"Alle {fmt_int(len(frame))} doelen uit {fmt_int(len(with_goals))} "
        f"{'rapport' if len(with_goals) == 1 else 'rapporten'} op deze site, per gemeente en "
        "rapportperiode, met nulmeting, streefwaarde, laatste meting en status:\n\n"
        f"- [{escape(OVERVIEW_XLSX)}]({rel}/{OVERVIEW_XLSX}) (Excel)\n"
        f"- [{escape(OVERVIEW_CSV)}]({rel}/{OVERVIEW_CSV}) (CSV, puntkomma als scheidingsteken, "
        "decimale komma)\n\n"
        f"Een aantal personen onder de {threshold} is niet gepubliceerd: die cel is leeg en de "
        "kolom 'Niet gepubliceerd' zegt waarom."
    )
    if illustrative:
        text += " Rijen met 'Illustratief: ja' zijn geen echte gegevens."
    if without:
        text += (
            f" {fmt_int(len(without))} {'rapport is' if len(without) == 1 else 'rapporten zijn'} "
            "gemaakt met een eerdere versie die de doelen nog niet in de samenvatting bewaarde; "
            "die staan er pas in na een nieuwe build."
        )
    return text + "\n"
