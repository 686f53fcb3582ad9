"""What changed since the previous report of the same municipality (or region).

The previous report is the latest report of the same unit for an earlier period that was built (its
``samenvatting.json``, :func:`tussenstand.handoff.previous_summary_path`): what the council saw
then, not a recomputation. It keeps per goal the status and the period of the latest measurement,
and per indicator the latest period with a figure (:class:`tussenstand.handoff.GoalRecord`,
:class:`~tussenstand.handoff.IndicatorRecord`). From that the chapter shows:

- goals whose status changed, from what to what;
- measurements that are new since then (of goals and of indicators);
- goals that still have no measurement.

The first report of a unit says there is nothing to compare yet. ``tussenstand build`` runs a unit's
periods oldest first, so the previous report is there when a later one is made
(:mod:`tussenstand.runner`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tussenstand.goals import Goal
from tussenstand.handoff import HandoffError, ReportSummary, previous_summary_path
from tussenstand.nlformat import MISSING_TEXT, fmt_int, fmt_list, fmt_period
from tussenstand.periods import Period, parse_period
from tussenstand.report.context import Report, goal_measurements, latest_values
from tussenstand.report.output import show, show_table
from tussenstand.report.text import latest_text

HEADING = "## Wat is er veranderd"
ILLUSTRATIVE_MARK = " (illustratief)"
NO_FIGURE = "geen cijfer"


@dataclass(frozen=True)
class Previous:
    """The report this one compares with (None: there is none), or why it cannot be read."""

    summary: ReportSummary | None
    problem: str = ""


def previous_report(report: Report) -> Previous:
    """The summary of the unit's previous report (see the module docstring)."""
    if report.history_dir is None:
        return Previous(None)
    path = previous_summary_path(report.history_dir, report.period, report.history_inner)
    if path is None:
        return Previous(None)
    try:
        return Previous(ReportSummary.read(path))
    except HandoffError as exc:
        return Previous(None, str(exc))


def show_changes(report: Report) -> None:
    """The chapter 'Wat is er veranderd': the comparison with the previous report."""
    show(HEADING)
    previous = previous_report(report)
    if previous.problem:
        show(
            f"De samenvatting van het vorige rapport van {report.name} is niet te lezen "
            f"({previous.problem}); dit rapport vergelijkt daarom niet met het vorige. Maak het "
            "vorige rapport opnieuw (`tussenstand build --force`)."
        )
        return
    prev = previous.summary
    if prev is None:
        show(
            f"Dit is het eerste rapport van {report.name} in deze monitor: er is nog geen vorig "
            "rapport om mee te vergelijken. Het volgende rapport laat zien wat er sinds dit rapport "
            "is veranderd."
        )
        return
    what = (
        "welke doelen een andere status hebben, welke metingen er sindsdien zijn bijgekomen en "
        "welke doelen nog geen meting hebben"
        if report.assessments
        else "welke indicatoren sindsdien een cijfer over een nieuwere periode hebben"
    )
    show(
        f"Dit rapport vergelijkt met het vorige rapport van {report.name}, over "
        f"{_period_words(prev)}: {what}."
    )
    if report.assessments:
        _show_goal_changes(report, prev)
    _show_indicator_changes(report, prev)


# ----- goals ----------------------------------------------------------------------------------------
def _show_goal_changes(report: Report, prev: ReportSummary) -> None:
    if prev.doelen is None:
        show(
            f"Het rapport over {_period_words(prev)} is gemaakt met een eerdere versie van de "
            "monitor, die de status per doel nog niet bewaarde: de doelen worden vanaf het volgende "
            "rapport vergeleken."
        )
        return
    if prev.kader and prev.kader != report.framework.id:
        show(
            f"Het rapport over {_period_words(prev)} volgde een ander beleidskader "
            f"({prev.kader}); de doelen zijn daarom niet te vergelijken."
        )
        return
    changed = status_changes(report, prev)
    new = new_goal_measurements(report, prev)
    missing = goals_without_measurement(report, prev)
    sentence = (
        f"{_goals(len(changed), 'heeft', 'hebben')} sinds het vorige rapport een andere status, "
        f"{_goals(len(new), 'heeft', 'hebben')} een nieuwe meting en "
        f"{_goals(len(missing), 'heeft', 'hebben')} nog geen meting."
    )
    show(sentence[0].upper() + sentence[1:])
    show("**Doelen met een andere status**")
    if changed.empty:
        show(f"Geen doel heeft een andere status dan in het rapport over {_period_words(prev)}.")
    else:
        show_table(report, changed, "lll", "Andere status")
    show("**Nieuwe metingen bij de doelen**")
    if new.empty:
        show(
            f"Geen doel heeft een meting die nieuwer is dan in het rapport over {_period_words(prev)}."
        )
    else:
        show_table(report, new, "llll", "Nieuwe metingen")
    show("**Doelen nog zonder meting**")
    if missing.empty:
        show("Elk doel heeft nu minstens één meting.")
    else:
        show_table(report, missing, "ll", "Doelen zonder meting")
    added = [g.id for g in report.framework.goals if g.id not in {d.id for d in prev.doelen}]
    if added:
        show(f"Nieuw in het kader sinds het vorige rapport: {fmt_list(added)}.")
    if _any_illustrative(report, prev):
        show(
            "'(illustratief)': de status is bepaald op illustratieve registraties, geen echte "
            "gegevens."
        )


def _goal_label(report: Report, goal_id: str) -> str:
    goal = next(g for g in report.framework.goals if g.id == goal_id)
    return f"{goal.id}: {goal.indicator}"


def status_changes(report: Report, prev: ReportSummary) -> pd.DataFrame:
    """The goals (in both reports) whose status differs: ``Doel``, ``Status toen`` (in the
    previous report) and ``Status nu``; illustrative statuses marked as in the summary."""
    before = {d.id: d for d in prev.doelen or []}
    rows = []
    for goal in report.framework.goals:
        then, a = before.get(goal.id), report.assessments.get(goal.id)
        if then is None or a is None or then.status == a.status.label:
            continue
        rows.append(
            {
                "Doel": _goal_label(report, goal.id),
                f"Status {prev.periode_label}": then.status
                + (ILLUSTRATIVE_MARK if then.illustratief else ""),
                f"Status {fmt_period(report.period)}": a.status.label
                + (ILLUSTRATIVE_MARK if a.illustrative else ""),
            }
        )
    columns = ["Doel", f"Status {prev.periode_label}", f"Status {fmt_period(report.period)}"]
    return pd.DataFrame(rows, columns=columns)


def new_goal_measurements(report: Report, prev: ReportSummary) -> pd.DataFrame:
    """The goals with a measurement over a period after the latest one of the previous report:
    ``Doel``, ``Nieuwe perioden`` (every period measured since) and ``Laatste meting`` (the value
    as published, ``< 10`` for a small count)."""
    before = {d.id: d for d in prev.doelen or []}
    rows = []
    for goal in report.framework.goals:
        a = report.assessments.get(goal.id)
        if a is None or a.latest_period is None:
            continue
        then = before.get(goal.id)
        since = _period_or_none(then.laatste_meting_periode) if then else None
        if then is None or (since is not None and a.latest_period.end <= since.end):
            continue  # a goal new in the plan, or nothing measured after the previous report
        # without a measurement then, what is new starts after the baseline (the plan's own)
        periods = _measured_periods(report, goal, since or a.baseline_period)
        rows.append(
            {
                "Doel": _goal_label(report, goal.id),
                "Vorige meting": fmt_period(since) if since else MISSING_TEXT,
                "Nieuwe metingen": _periods_text(periods),
                "Laatste meting": latest_text(report, goal, a),
            }
        )
    return pd.DataFrame(
        rows, columns=["Doel", "Vorige meting", "Nieuwe metingen", "Laatste meting"]
    )


def goals_without_measurement(report: Report, prev: ReportSummary) -> pd.DataFrame:
    """The goals that still have no measurement: ``Doel`` and ``In het vorige rapport``."""
    before = {d.id: d for d in prev.doelen or []}
    rows = []
    for goal in report.framework.goals:
        a = report.assessments.get(goal.id)
        if a is None or a.latest_period is not None:
            continue
        then = before.get(goal.id)
        rows.append(
            {
                "Doel": _goal_label(report, goal.id),
                "In het vorige rapport": (
                    "nieuw doel"
                    if then is None
                    else ("ook geen meting" if not then.laatste_meting_periode else then.status)
                ),
            }
        )
    return pd.DataFrame(rows, columns=["Doel", "In het vorige rapport"])


def _measured_periods(report: Report, goal: Goal, since: Period | None) -> list[Period]:
    """The periods after ``since`` with a measurement of the goal (published or suppressed)."""
    rows = goal_measurements(report, goal, published=True)
    rows = rows[rows["waarde"].notna() | rows["onderdrukt"]]
    periods = {parse_period(str(p)) for p in rows["periode"]}
    return sorted(
        (p for p in periods if since is None or p.end > since.end), key=lambda p: (p.end, p.start)
    )


# ----- indicators -----------------------------------------------------------------------------------
def _show_indicator_changes(report: Report, prev: ReportSummary) -> None:
    if prev.indicatoren is None:
        if not report.assessments:
            show(
                f"Het rapport over {_period_words(prev)} is gemaakt met een eerdere versie van de "
                "monitor, die de nieuwste periode per indicator nog niet bewaarde: de indicatoren "
                "worden vanaf het volgende rapport vergeleken."
            )
        return
    table = new_indicator_figures(report, prev)
    show("**Nieuwe cijfers bij de indicatoren**")
    if table.empty:
        show(
            f"Geen indicator heeft een cijfer over een nieuwere periode dan in het rapport over "
            f"{_period_words(prev)}."
        )
    else:
        show_table(report, table, "lll", "Nieuwe cijfers indicatoren")


def new_indicator_figures(report: Report, prev: ReportSummary) -> pd.DataFrame:
    """The indicators with a figure over a later period than in the previous report:
    ``Indicator``, ``Toen`` (its latest period then) and ``Nu`` (its latest period now)."""
    before = {d.id: d for d in prev.indicatoren or []}
    rows = []
    for ind in report.framework.indicators:
        if not ind.series or ind.id not in before:
            continue
        latest = latest_values(report, ind.series)
        own = latest[latest["gemeente"].isin(report.members)].sort_values("periode_eind")
        if own.empty:
            continue
        now = parse_period(str(own["periode"].iloc[-1]))
        then = _period_or_none(before[ind.id].laatste_meting_periode)
        if then is not None and now.end <= then.end:
            continue
        rows.append(
            {
                "Indicator": ind.name,
                "Laatste cijfer toen": fmt_period(then) if then else NO_FIGURE,
                "Laatste cijfer nu": fmt_period(now),
            }
        )
    return pd.DataFrame(rows, columns=["Indicator", "Laatste cijfer toen", "Laatste cijfer nu"])


# ----- words --------------------------------------------------------------------------------------------
def _period_or_none(code: str) -> Period | None:
    return parse_period(code) if code else None


def _period_words(prev: ReportSummary) -> str:
    """``het 1e halfjaar 2024``, ``2024``."""
    label = prev.periode_label
    return f"het {label}" if label[:1].isdigit() and not label.isdigit() else label


def _goals(n: int, one: str, more: str) -> str:
    """``1 doel heeft``, ``3 doelen hebben``, ``geen doel heeft``."""
    if n == 0:
        return f"geen doel {one}"
    return f"{fmt_int(n)} {'doel' if n == 1 else 'doelen'} {one if n == 1 else more}"


def _periods_text(periods: list[Period]) -> str:
    if len(periods) <= 3:
        return fmt_list(fmt_period(p) for p in periods)
    return (
        f"{fmt_int(len(periods))} perioden ({fmt_period(periods[0])} tot en met "
        f"{fmt_period(periods[-1])})"
    )


def _any_illustrative(report: Report, prev: ReportSummary) -> bool:
    return any(a.illustrative for a in report.assessments.values()) or any(
        d.illustratief for d in prev.doelen or []
    )
