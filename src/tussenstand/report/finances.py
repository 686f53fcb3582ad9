"""Finances: the plan's budget per theme (chart and table) and its budget lines."""

from __future__ import annotations

import pandas as pd

from tussenstand import charts
from tussenstand.frameworks import PlanBudget, Theme
from tussenstand.nlformat import fmt_euro, fmt_percent
from tussenstand.report.context import Report
from tussenstand.report.output import show, show_chart, show_table


def show_finances(report: Report) -> None:
    fw = report.framework
    themes = [t for t in fw.themes if t.budget is not None]
    if themes:
        _show_theme_budgets(report, themes)
    if fw.budget is not None and _has_budget_lines(fw.budget):
        _show_budget_lines(report, fw.budget)
    elif fw.is_standard:
        show(
            f"Voor {report.name} is geen beleidsplan met een begroting in deze monitor opgenomen; "
            "dit rapport koppelt daarom geen middelen aan thema's."
        )
    elif not themes:
        show(
            f"Het beleidskader *{fw.title}* geeft geen begroting per thema; dit rapport kan de "
            "middelen daarom niet aan de doelen koppelen."
        )


def _has_budget_lines(budget: PlanBudget) -> bool:
    return budget.lasten is not None or bool(budget.items)


def _show_theme_budgets(report: Report, themes: list[Theme]) -> None:
    """A chart and a table of the budget per theme, with each theme's share of the total."""
    fw = report.framework
    df = pd.DataFrame(
        {
            "thema": [t.name for t in themes],
            "waarde": [t.budget.amount for t in themes],
            "eenheid": "euro",
            "bron": fw.source.document,
            "tabel": f"begroting {themes[0].budget.year}",
            "peildatum": "",
            "illustratief": False,
            "onderdrukt": False,
        }
    )
    total = df["waarde"].sum()
    biggest = df.sort_values("waarde").iloc[-1]
    result = charts.bar_chart(
        df,
        category_col="thema",
        title=f"{biggest['thema']} heeft het grootste budget ({fmt_percent(biggest['waarde'] / total * 100, 1)})",
    )
    show_chart(report, result, "budget-per-thema")
    table = pd.DataFrame(
        {
            "Maatschappelijke opgave": df["thema"],
            "Budget": [fmt_euro(v) for v in df["waarde"]],
            "Aandeel": [fmt_percent(v / total * 100, 1) for v in df["waarde"]],
        }
    )
    table.loc[len(table)] = ["**Totaal**", f"**{fmt_euro(total)}**", f"**{fmt_percent(100, 1)}**"]
    show_table(report, table, "lrr", "Budget per opgave")
    if (
        fw.budget
        and fw.budget.total is not None
        and abs(fw.budget.euro(fw.budget.total) - total) > 1
    ):
        show(f"Let op: het plan noemt als totaal {fmt_euro(fw.budget.euro(fw.budget.total))}.")


def _show_budget_lines(report: Report, b: PlanBudget) -> None:
    """The plan's lasten, baten and saldo (times its multiplier) and its own budget items."""
    rows = [
        (label, b.euro(v))
        for label, v in (("Lasten", b.lasten), ("Baten", b.baten), ("Saldo", b.saldo))
        if v is not None
    ]
    rows += [(item.label, item.amount) for item in b.items]
    table = pd.DataFrame(
        {"Post": [r[0] for r in rows], f"Begroting {b.year}": [fmt_euro(r[1]) for r in rows]}
    )
    show_table(report, table, "lr", f"Begroting {b.year}")
    if b.note:
        show(b.note)
