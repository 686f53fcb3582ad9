"""The data-quality summary that ``notebooks/01_opschonen.ipynb`` shows after the cleaning stage."""

from __future__ import annotations

import pandas as pd

from tussenstand import markdown
from tussenstand.cleaning import CleaningResult
from tussenstand.handoff import QUALITY_FILE
from tussenstand.nlformat import fmt_int, fmt_number
from tussenstand.report.output import show
from tussenstand.schema import MEASUREMENTS_FILE


def show_quality(result: CleaningResult) -> None:
    """The data-quality summary of :func:`tussenstand.cleaning.clean_unit` in Dutch tables."""
    q = result.quality.model_dump()
    per_source = result.quality_table
    show(f"De opschoonstap schreef {fmt_int(len(result.measurements))} metingen naar "
         f"`data/processed/{result.code}/{result.period.code}/{MEASUREMENTS_FILE}` "
         f"(en `{QUALITY_FILE}`).")
    if len(per_source):
        show("**Wat kwam binnen, en waarvandaan**")
        show(markdown.table(_quality_frame(per_source), None))
    for key, title in (("ontbrekend", "Ontbrekende waarden en de reden"),
                       ("onderdrukt", "Onderdrukte kleine aantallen"),
                       ("reeksbreuken", "Reeksbreuken"),
                       ("illustratief", "Illustratieve gegevens")):
        part = q.get(key)
        if not part:
            continue
        show(f"**{title}**")
        if isinstance(part, dict):
            if not part.get("aantal"):
                continue
            part = [{k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in part.items()}]
        show(markdown.table(_quality_frame(pd.DataFrame(part)), None))
    for note in result.notes:
        show(note)


def _quality_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "ja", False: "nee"})
        elif pd.api.types.is_integer_dtype(out[col]):
            out[col] = [fmt_int(v) for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = [fmt_number(v) for v in out[col]]
    return out
