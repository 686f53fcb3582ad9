"""Download CBS StatLine tables with ``cbsodata`` into the CBS folder (``tussenstand fetch``).

Each table becomes ``<tabel>.csv`` in the same format as a StatLine export that
:func:`tussenstand.sources.cbs_tables.read_table` reads (``;``-separated, UTF-8 with BOM, dimension titles
as values), written atomically, with a sidecar ``<tabel>.meta.json``: table id, title, period, the
download date (ISO; it becomes ``peildatum`` of every figure), the source URL and the row count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tussenstand.atomic import write_text_atomic
from tussenstand.handoff import TableMeta
from tussenstand.sources.cbs_tables import DEFAULT_TABLES

__all__ = ["DEFAULT_TABLES", "CBSFetchError", "fetch_tables", "fetch_table", "SOURCE_URL"]

SOURCE_URL = "https://opendata.cbs.nl/ODataFeed/odata/{table_id}/TypedDataSet"
STATLINE_URL = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}/table"


class CBSFetchError(RuntimeError):
    """A table could not be downloaded; the message says which and what to do."""


def _default_client():
    import cbsodata

    return cbsodata


def records_to_csv_text(records: list[dict[str, Any]]) -> str:
    """cbsodata records as StatLine CSV text: an ``ID`` column first, ``;``, missing = empty."""
    df = pd.DataFrame.from_records(records)
    if "ID" not in df.columns:
        df.insert(0, "ID", range(len(df)))
    else:
        df = df[["ID", *[c for c in df.columns if c != "ID"]]]
    return df.to_csv(sep=";", index=False, lineterminator="\n")


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{': ' + text[:200] if text else ''}"


def fetch_table(table_id: str, cbs_dir: str | Path, client: Any = None) -> Path:
    """Download one table; returns the CSV path. Raises :class:`CBSFetchError` in Dutch."""
    client = client or _default_client()
    cbs_dir = Path(cbs_dir)
    try:
        records = client.get_data(table_id)
    except (
        Exception
    ) as exc:  # network, HTTP or unknown table: one clear message, no traceback chain
        raise CBSFetchError(
            f"CBS-tabel {table_id} kon niet worden gedownload ({_why(exc)}). Controleer de "
            f"internetverbinding en het tabelnummer, of exporteer de tabel als CSV uit StatLine "
            f"naar {cbs_dir}."
        ) from None
    if not records:
        raise CBSFetchError(f"CBS-tabel {table_id} leverde geen rijen op; bestaat de tabel nog?")
    title, period = "", ""
    try:
        infos = client.get_meta(table_id, "TableInfos") or [{}]
        title = str(infos[0].get("Title", "") or "")
        period = str(infos[0].get("Period", "") or "")
    except Exception:  # the title is nice to have; the data is what counts
        pass

    csv_path = cbs_dir / f"{table_id}.csv"
    for existing in cbs_dir.glob("*.csv") if cbs_dir.is_dir() else ():
        if existing.name.lower() == csv_path.name.lower() and existing.name != csv_path.name:
            existing.unlink()  # one file per table, whatever its case
    write_text_atomic(csv_path, "\ufeff" + records_to_csv_text(records), "utf-8")
    TableMeta(
        tabel=table_id,
        titel=title,
        periode=period,
        download_datum=date.today(),
        bron_url=SOURCE_URL.format(table_id=table_id),
        statline_url=STATLINE_URL.format(table_id=table_id),
        aantal_rijen=len(records),
    ).write(TableMeta.path_for(csv_path))
    return csv_path


def fetch_tables(
    table_ids: Iterable[str] = DEFAULT_TABLES,
    cbs_dir: str | Path = "data/raw/cbs",
    client: Any = None,
) -> list[Path]:
    """Download each table in ``table_ids`` into ``cbs_dir`` with ``client`` (default: cbsodata).

    Stops at the first failure with a :class:`CBSFetchError` naming the table; tables written before
    it stay (each file is complete: written to a temp file, then renamed).
    """
    return [fetch_table(t, cbs_dir, client) for t in table_ids]
