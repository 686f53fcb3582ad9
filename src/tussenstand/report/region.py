"""The region chapter: for a regional framework, the member municipalities side by side per ambition."""

from __future__ import annotations

import pandas as pd

from tussenstand import markdown
from tussenstand.report.context import NATIONAL, Report, series_rows
from tussenstand.report.output import show
from tussenstand.report.text import is_count, period_label, provisional, value_text


def show_region(report: Report) -> None:
    """For a regional framework: the member municipalities side by side per ambition."""
    fw = report.framework
    if not fw.is_regional:
        return
    region = fw.region
    show(f"## {region.name}: de gemeenten naast elkaar")
    show(f"De {len(fw.municipalities)} gemeenten van {region.name} delen dit beleidskader. "
         "Per ambitie staat hieronder de laatste meting van elke gemeente naast Nederland.")
    for number, theme in enumerate(fw.themes, start=1):
        inds = [i for i in fw.indicators_by_theme().get(theme.id, []) if i.series]
        if not inds:
            continue
        rows = []
        for ind in inds:
            codes = tuple(m.code for m in fw.municipalities)
            sub = series_rows(report, ind.series, (*codes, NATIONAL))
            own = sub[sub["gemeente"].isin(codes)]
            period = own["periode"].iloc[-1] if len(own) else None
            row = {"Indicator (eenheid)": f"{ind.name} ({ind.unit})"}
            for m in fw.municipalities:
                s = sub[sub["gemeente"] == m.code]
                if s.empty:
                    row[m.name] = "–"
                    continue
                last = s.iloc[-1]
                text = value_text(report, last["waarde"], ind.unit, bool(last["onderdrukt"])) + provisional(last["voorlopig"])
                # A municipality whose latest figure is older says so in its own cell.
                row[m.name] = text if last["periode"] == period else f"{text} ({period_label(last['periode'])})"
            nl = sub[(sub["gemeente"] == NATIONAL) & (sub["periode"] == period)]
            row["Nederland"] = ("n.v.t." if is_count(ind.unit)
                                else value_text(report, nl["waarde"].iloc[-1], ind.unit) if len(nl) else "–")
            row["Periode"] = period_label(period) if period else "–"
            rows.append(row)
        show(f"**Ambitie {number}: {theme.name}**")
        table = pd.DataFrame(rows)
        show(markdown.table(table, "l" + "r" * (table.shape[1] - 2) + "l"))
