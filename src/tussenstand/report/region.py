"""The region chapter: for a regional framework, the member municipalities side by side per ambition."""

from __future__ import annotations

import pandas as pd

from tussenstand.frameworks import Indicator
from tussenstand.nlformat import MISSING, fmt_int, fmt_period, value_unit
from tussenstand.report.context import Report, series_rows
from tussenstand.report.output import show, show_table
from tussenstand.report.text import is_count, provisional, value_text
from tussenstand.schema import NATIONAL_CODE


def show_region(report: Report) -> None:
    """For a regional framework: the member municipalities side by side per ambition."""
    fw = report.framework
    if fw.region is None:
        return
    show(f"## {fw.region.name}: de gemeenten naast elkaar")
    show(
        f"De {fmt_int(len(fw.municipalities))} gemeenten van {fw.region.name} delen dit beleidskader. "
        "Per ambitie staat hieronder de laatste meting van elke gemeente naast Nederland."
    )
    for number, theme in enumerate(fw.themes, start=1):
        inds = [i for i in fw.indicators_by_theme()[theme.id] if i.series]
        if not inds:
            continue
        show(f"**Ambitie {number}: {theme.name}**")
        table = pd.DataFrame([_indicator_row(report, ind) for ind in inds])
        show_table(
            report,
            table,
            "l" + "r" * (table.shape[1] - 2) + "l",
            "Gemeenten naast elkaar",
            sheet="Gemeenten naast elkaar",
            label=("Ambitie", f"{number}: {theme.name}"),
        )


def _indicator_row(report: Report, ind: Indicator) -> dict[str, str]:
    """The latest value of each municipality of the framework, Nederland in the same period (not
    for counts), and that period."""
    municipalities = report.framework.municipalities
    codes = tuple(m.code for m in municipalities)
    sub = series_rows(report, ind.series, (*codes, NATIONAL_CODE))
    own = sub[sub["gemeente"].isin(codes)]
    period = own["periode"].iloc[-1] if len(own) else None
    row = {"Indicator (eenheid)": f"{ind.name} ({ind.unit})"}
    for m in municipalities:
        s = sub[sub["gemeente"] == m.code]
        if s.empty:
            row[m.name] = MISSING
            continue
        last = s.iloc[-1]
        unit = value_unit(last["eenheid"], ind.unit)
        text = value_text(report, last["waarde"], unit, bool(last["onderdrukt"])) + provisional(
            bool(last["voorlopig"])
        )
        # A municipality whose latest figure is older says so in its own cell.
        row[m.name] = (
            text if last["periode"] == period else f"{text} ({fmt_period(last['periode'])})"
        )
    nl = sub[(sub["gemeente"] == NATIONAL_CODE) & (sub["periode"] == period)]
    if is_count(ind.unit):
        row["Nederland"] = "n.v.t."
    else:
        row["Nederland"] = (
            value_text(report, nl["waarde"].iloc[-1], value_unit(nl["eenheid"].iloc[-1], ind.unit))
            if len(nl)
            else MISSING
        )
    row["Periode"] = fmt_period(period)
    return row
