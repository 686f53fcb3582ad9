"""The data-quality summary that ``notebooks/01_opschonen.ipynb`` shows after the cleaning stage."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pydantic import BaseModel

from tussenstand import markdown
from tussenstand.cleaning import CleaningResult
from tussenstand.handoff import QUALITY_FILE, Illustrative, Suppressed
from tussenstand.nlformat import fmt_int, fmt_number
from tussenstand.report.output import show
from tussenstand.schema import MEASUREMENTS_FILE


def show_quality(result: CleaningResult) -> None:
    """The data-quality summary of :func:`tussenstand.cleaning.clean_unit` in Dutch tables."""
    quality = result.quality
    show(
        f"De opschoonstap schreef {fmt_int(len(result.measurements))} metingen naar "
        f"`data/processed/{result.code}/{result.period.code}/{MEASUREMENTS_FILE}` "
        f"(en `{QUALITY_FILE}`)."
    )
    per_source = result.quality_table
    if len(per_source):
        show("**Wat kwam binnen, en waarvandaan**")
        show(markdown.table(_quality_frame(per_source)))
    _show_rows("Ontbrekende waarden en de reden", quality.ontbrekend)
    _show_count("Onderdrukte kleine aantallen", quality.onderdrukt)
    _show_rows("Reeksbreuken", quality.reeksbreuken)
    _show_rows("Onvolledige CBS-bestanden", quality.bestandsproblemen)
    _show_rows(
        "Gemeenten die ontbreken in een onvolledig CBS-bestand", quality.onvolledige_bestanden
    )
    _show_rows("Herindelingen", quality.herindelingen)
    _show_count("Illustratieve gegevens", quality.illustratief)
    for note in result.notes:
        show(note)


def _show_rows(title: str, rows: Sequence[BaseModel]) -> None:
    """A titled table with one row per entry; nothing when there are none."""
    if not rows:
        return
    show(f"**{title}**")
    records = [{k: _cell(k, v) for k, v in row.model_dump().items()} for row in rows]
    show(markdown.table(_quality_frame(pd.DataFrame(records))))


def _cell(key: str, value: object) -> object:
    """Lists joined; years and line numbers as labels (2024, not 2.024); the rest as it is."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if key in LABEL_FIELDS:
        return "" if value is None else str(value)
    return value


#: fields of the quality summary that are labels (years, line numbers), not amounts
LABEL_FIELDS = {"jaar", "na", "uiterlijk", "regel"}


def _show_count(title: str, part: Suppressed | Illustrative) -> None:
    """The title, and a one-row table of the count and its series (lists joined) when it is not 0."""
    show(f"**{title}**")
    if not part.aantal:
        return
    row = {
        k: (", ".join(map(str, v)) if isinstance(v, list) else v)
        for k, v in part.model_dump().items()
    }
    show(markdown.table(_quality_frame(pd.DataFrame([row]))))


def _quality_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Yes/no for flags, Dutch numbers for counts and values."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "ja", False: "nee"})
        elif pd.api.types.is_integer_dtype(out[col]):
            out[col] = [fmt_int(v) for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = [fmt_number(v) for v in out[col]]
    return out
