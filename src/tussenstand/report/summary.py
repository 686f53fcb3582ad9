"""The summary: for a plan with goals, the statuses and every goal on a row; for a plan without,
the latest value of every indicator beside Nederland."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tussenstand import badges, markdown
from tussenstand.frameworks import Indicator
from tussenstand.nlformat import MISSING, fmt_int, fmt_list, fmt_period, value_unit
from tussenstand.progress import Status
from tussenstand.report.context import Report, latest_values, series_rows, status_counts
from tussenstand.report.output import show
from tussenstand.report.text import (
    baseline_text,
    direction_text,
    is_count,
    latest_text,
    provisional,
    status_badge,
    target_with_period,
    value_text,
)
from tussenstand.schema import NATIONAL_CODE

#: behind a baseline that is the first measurement (the plan names none), explained below the table
FIRST_MEASUREMENT_MARK = " ²"
#: behind an indicator the researcher chose (not the plan), explained below the table
RESEARCHER_MARK = " ¹"


def goals_table(report: Report) -> pd.DataFrame:
    """All goals by theme: baseline, target, latest value and status (published values)."""
    rows = []
    for theme in report.framework.themes:
        for goal in report.framework.goals_by_theme()[theme.id]:
            a = report.assessments[goal.id]
            baseline = baseline_text(report, goal, a)
            if a.baseline_value is not None and a.baseline_source == "first_measurement":
                baseline += FIRST_MEASUREMENT_MARK
            rows.append(
                {
                    "Thema": theme.name,
                    # one column for number and indicator: seven columns do not fit an A4 page
                    "Doel": f"{goal.id}: {goal.indicator}",
                    "Nulmeting": baseline,
                    "Streefwaarde": target_with_period(goal, a),
                    "Laatste meting": latest_text(report, goal, a),
                    "Status": a.status.label + (" (illustratief)" if a.illustrative else ""),
                }
            )
    return pd.DataFrame(rows)


def goals_overview(report: Report) -> pd.DataFrame:
    """All goals by theme at a glance: number, indicator and the status as a badge (Markdown)."""
    goals = report.framework.goals_by_theme()
    return pd.DataFrame(
        [
            {
                "Thema": theme.name,
                "Doel": goal.id,
                "Indicator": goal.indicator,
                "Status": status_badge(report.assessments[goal.id]),
            }
            for theme in report.framework.themes
            for goal in goals[theme.id]
        ],
        columns=["Thema", "Doel", "Indicator", "Status"],
    )


def _open_statuses(counts: dict[str, int]) -> str:
    judged = {
        Status.BEREIKT.label,
        Status.OP_KOERS.label,
        Status.ACHTER_OP_SCHEMA.label,
        Status.VERKEERDE_RICHTING.label,
    }
    phrases = {
        Status.NULMETING_ONTBREEKT.label: "bij {n} ontbreekt de nulmeting",
        Status.GEEN_METING.label: "bij {n} is er nog geen meting",
        Status.NOG_NIET_TE_BEOORDELEN.label: "bij {n} is er pas één meting",
    }
    return fmt_list(
        phrases.get(label, "{n} " + label).format(n=fmt_int(n))
        for label, n in counts.items()
        if label not in judged
    )


def show_summary(report: Report) -> None:
    """Goals judged: the statuses and every goal on a row. Without goals (a qualitative plan, a
    region): the latest value of every indicator beside Nederland."""
    if report.unit.is_region or not report.framework.goals:
        _show_indicator_summary(report)
    else:
        _show_goal_summary(report)


def _show_goal_summary(report: Report) -> None:
    counts = status_counts(report)
    show(_status_sentence(report, counts))
    table = pd.DataFrame(
        {
            "Status": [badges.badge(label, Status(label)) for label in counts],
            "Aantal doelen": [fmt_int(v) for v in counts.values()],
        }
    )
    # the workbook gets the statuses as plain text, the page as badges
    report.downloads.add_table(table.assign(Status=list(counts)), "Statussen")
    show(markdown.table(table, "lr"))
    # every goal at a glance: per theme, one row per goal with its badge
    _show_per_theme(
        "Alle doelen in één oogopslag",
        goals_overview(report),
        lambda part: markdown.table(part.drop(columns="Thema"), "lll"),
    )
    # the figures behind the statuses; the status itself stands in the overview above (the
    # workbook keeps it: one sheet with every goal's figures and status)
    table = goals_table(report)
    _keep_per_theme(report, table, "Alle doelen op een rij")
    _show_per_theme(
        "De cijfers per doel",
        table,
        lambda part: markdown.table(part.drop(columns=["Thema", "Status"]), "llll"),
    )
    if table["Nulmeting"].str.endswith(FIRST_MEASUREMENT_MARK).any():
        show("² Het plan noemt geen nulmeting; de eerste meting geldt als startpunt.")


def _part_heading(text: str, level: int) -> str:
    """A heading within the summary, left out of the contents and the numbering."""
    return f"{'#' * level} {markdown.escape(text)} {{.unnumbered .unlisted}}"


def _keep_per_theme(report: Report, table: pd.DataFrame, sheet: str) -> None:
    """Put ``table`` in the report's workbook on one sheet, each theme's rows labelled with it."""
    for theme, part in table.groupby("Thema", sort=False):
        report.downloads.add_table(
            part.drop(columns="Thema"), sheet, sheet=sheet, label=("Thema", str(theme))
        )


def _show_per_theme(
    title: str | None, table: pd.DataFrame, write: Callable[[pd.DataFrame], str]
) -> None:
    """A part of the summary: its heading (if any), then per theme a heading and a table without
    the theme column (one column less for an A4 page). Each theme's headings and table are one
    output, so that the PDF never ends a page with a heading whose table starts on the next
    (typst keeps a heading with what follows it in the same block)."""
    heading = _part_heading(title, 3) + "\n\n" if title else ""
    # headings go down one level at a time (a screen reader's outline; axe 'heading-order'):
    # under the part's heading the themes are level 4, without one level 3
    level = 4 if title else 3
    for theme, part in table.groupby("Thema", sort=False):
        show(f"{heading}{_part_heading(theme, level)}\n\n{write(part)}")
        heading = ""


def _status_sentence(report: Report, counts: dict[str, int]) -> str:
    """'Van de 28 doelen in het plan zijn er 13 bereikt of op koers, ...'."""
    total = sum(counts.values())
    good = counts.get(Status.BEREIKT.label, 0) + counts.get(Status.OP_KOERS.label, 0)
    behind = counts.get(Status.ACHTER_OP_SCHEMA.label, 0)
    wrong = counts.get(Status.VERKEERDE_RICHTING.label, 0)
    open_ = total - good - behind - wrong
    sentence = (
        f"Van de {fmt_int(total)} doelen in het plan zijn er {fmt_int(good)} bereikt of op koers, liggen er "
        f"{fmt_int(behind)} achter op schema en gaan er {fmt_int(wrong)} de verkeerde kant op"
        + (
            f"; over {fmt_int(open_)} is nog geen oordeel mogelijk: {_open_statuses(counts)}."
            if open_
            else "."
        )
    )
    if report.illustrative:
        sentence += " Let op: de doelen worden gemeten met illustratieve registraties."
    return sentence


def _show_indicator_summary(report: Report) -> None:
    show(_summary_without_goals(report))
    overview = indicator_overview(report)
    if overview.empty:
        show(_no_indicator_data_text(report))
        return
    _keep_per_theme(report, overview, "Indicatoren")
    _show_per_theme(
        None, overview, lambda part: markdown.table(part.drop(columns="Thema"), "lllrrl")
    )
    notes = []
    if overview["Indicator"].str.endswith(RESEARCHER_MARK).any():
        notes.append("¹ Indicator gekozen door de onderzoeker, niet door het plan.")
    if overview[report.name].str.contains("(voorlopig)", regex=False).any():
        notes.append("'(voorlopig)': een voorlopig CBS-cijfer.")
    if notes:
        show(" ".join(notes))


def _summary_without_goals(report: Report) -> str:
    fw = report.framework
    return (
        f"Het beleidskader *{fw.title}* stelt geen meetbare doelen met een nulmeting en streefwaarde. "
        f"Per {'ambitie' if fw.is_regional else 'thema'} volgt dit rapport daarom de indicatoren die de "
        "ontwikkeling meten: BBV-indicatoren en CBS-cijfers. Waar de keuze van de indicator niet uit het "
        "plan komt maar van de onderzoeker, staat dat erbij. Zonder streefwaarde geeft het rapport geen "
        "status, wel de richting en de vergelijking met Nederland."
    )


def _no_indicator_data_text(report: Report) -> str:
    """What the summary says when no indicator of the plan has a figure for the unit (a plan
    without indicators, or a municipality missing from the tables they come from)."""
    with_series = [i for i in report.framework.indicators if i.series]
    if not with_series:
        return (
            "Dit beleidskader koppelt nog geen indicator met open gegevens; er is daarom geen "
            "overzicht van cijfers."
        )
    sources = fmt_list(dict.fromkeys(i.cbs_table or i.source for i in with_series))
    return (
        f"Voor {report.name} staan nog geen cijfers van de indicatoren van dit kader in de "
        f"gebruikte bestanden ({sources}); er is daarom geen overzicht van cijfers."
    )


def indicator_overview(report: Report) -> pd.DataFrame:
    """Per theme and indicator with data: the latest value for the unit, Nederland in the same
    period (never another one) and the direction since the previous measurement. Always has these
    columns, also when no indicator has data (then it has no rows)."""
    columns = ["Thema", "Indicator", "Eenheid", "Periode", report.name, "Nederland", "Richting"]
    rows = []
    for theme in report.framework.themes:
        for ind in report.framework.indicators_by_theme()[theme.id]:
            if not ind.series:
                continue
            latest = latest_values(report, ind.series)
            own = latest[latest["gemeente"].isin(report.members)]
            if own.empty:
                continue
            period = own.sort_values("periode_eind")["periode"].iloc[-1]
            rows.append(
                {
                    "Thema": theme.name,
                    # the basisset has no plan: its indicators are all this monitor's choice,
                    # as the introduction says; a mark on every row would tell nothing
                    "Indicator": ind.name
                    + (
                        ""
                        if ind.chosen_by == "plan" or report.framework.is_standard
                        else RESEARCHER_MARK
                    ),
                    "Eenheid": ind.unit,
                    "Periode": fmt_period(period),
                    report.name: _own_value_text(report, own, ind, period),
                    "Nederland": _national_text(report, ind, period),
                    "Richting": direction_text(report, ind.series, ind.unit),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _national_text(report: Report, ind: Indicator, period: str) -> str:
    if is_count(ind.unit):
        return "n.v.t."
    nl = series_rows(report, ind.series, (NATIONAL_CODE,))
    nl = nl[nl["periode"] == period]
    if nl.empty:
        return MISSING
    return value_text(report, nl["waarde"].iloc[0], value_unit(nl["eenheid"].iloc[0], ind.unit))


def _own_value_text(report: Report, own: pd.DataFrame, ind: Indicator, period: str) -> str:
    """The latest value of each member; a member whose latest period is older names it."""
    texts = []
    for code, value, suppressed, provisional_, member_period, unit in zip(
        own["gemeente"],
        own["waarde"],
        own["onderdrukt"],
        own["voorlopig"],
        own["periode"],
        own["eenheid"],
        strict=True,
    ):
        text = value_text(
            report, value, value_unit(unit, ind.unit), bool(suppressed)
        ) + provisional(bool(provisional_))
        texts.append(
            (code, text if member_period == period else f"{text} ({fmt_period(member_period)})")
        )
    if len(texts) == 1:
        return texts[0][1]
    return "; ".join(f"{report.member_name(code)} {text}" for code, text in texts)
