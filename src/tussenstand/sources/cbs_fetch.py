"""Download CBS StatLine tables with ``cbsodata`` into the CBS folder (``tussenstand fetch``).

Each table becomes ``<tabel>.csv`` in the same format as a StatLine export that
:func:`tussenstand.sources.cbs_tables.read_table` reads (``;``-separated, UTF-8 with BOM, dimension titles
as values), written atomically, with a sidecar ``<tabel>.meta.json``: table id, title, period, the
download date (ISO; it becomes ``peildatum`` of every figure), the source URL and the row count.

What is downloaded: :data:`DEFAULT_TABLES`, the areas tables and every table in
:data:`tussenstand.sources.cbs_tables.TABLES`, including the yearly 'Kerncijfers wijken en buurten'
(only their gemeenten and Nederland, with the table's ``fetch_filter``). Municipal boundaries (the
map on the home page) are not: CBS does not publish geometry through OData.

The download goes through cbsodata and its own options: ``cbsodata.options.catalog_url`` (host,
default ``opendata.cbs.nl``), ``cbsodata.options.use_https`` and ``cbsodata.options.requests``
(proxies, certificates). It reads the table's ``TypedDataSet`` from the bulk feed
(``ODataFeed``, pages of 10.000 rows joined by ``odata.nextLink``) and replaces dimension keys by
their titles. Note: in cbsodata 1.3 the default ``typed=False`` is what downloads the
``TypedDataSet`` (the flag is inverted there); the replay test in ``tests/test_cbs_fetch.py`` pins
this. :func:`missing_tables` says which tables a build still needs; ``tussenstand build`` and
``run`` fetch those first when they use the project's own CBS folder.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from tussenstand.atomic import write_text_atomic
from tussenstand.handoff import TableMeta
from tussenstand.sources.cbs_tables import DEFAULT_TABLES, TABLES, find_table_file
from tussenstand.sources.geo import geo_files

__all__ = [
    "DEFAULT_TABLES",
    "CBSFetchError",
    "CBSOData",
    "fetch_tables",
    "fetch_table",
    "missing_tables",
    "SOURCE_URL",
]

SOURCE_URL = "https://opendata.cbs.nl/ODataFeed/odata/{table_id}/TypedDataSet"
STATLINE_URL = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}/table"
STAGED_SUFFIX = ".nieuw"  # a downloaded table before it is renamed into place


class CBSFetchError(RuntimeError):
    """A table could not be downloaded; the message says which and what to do."""


class CBSOData:
    """The two calls fetch makes, through cbsodata, each with a time limit (cbsodata sets none: a
    stalled connection would wait for ever). Where cbsodata connects is its own options."""

    #: seconds to connect, seconds to wait for the next bytes of an answer
    timeout: tuple[float, float] = (15.0, 300.0)

    def get_meta(self, table_id: str, name: str) -> list[dict[str, Any]]:
        import cbsodata

        return cbsodata.get_meta(table_id, name, timeout=self.timeout)

    def get_data(self, table_id: str, filters: str | None = None) -> list[dict[str, Any]]:
        import cbsodata

        return cbsodata.get_data(table_id, filters=filters, timeout=self.timeout)


def records_to_csv_text(records: list[dict[str, Any]]) -> str:
    """cbsodata records as StatLine CSV text: an ``ID`` column first, ``;``, missing = empty."""
    df = pd.DataFrame.from_records(records)
    if "ID" not in df.columns:
        df.insert(0, "ID", range(len(df)))
    else:
        df = df[["ID", *[c for c in df.columns if c != "ID"]]]
    return df.to_csv(sep=";", index=False, lineterminator="\n")


def _why(exc: BaseException) -> str:
    from requests.exceptions import ConnectionError as NoConnection

    if isinstance(exc, NoConnection):
        request = getattr(exc, "request", None)
        host = urlsplit(request.url).netloc if request is not None and request.url else ""
        return f"geen verbinding met {host or 'de server van CBS'}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{': ' + text[:200] if text else ''}"


def fetch_filter(table_id: str) -> str | None:
    """The OData ``$filter`` a table is downloaded with (None: every row)."""
    spec = TABLES.get(table_id) or next(
        (s for k, s in TABLES.items() if k.lower() == table_id.lower()), None
    )
    return spec.fetch_filter if spec is not None else None


def missing_tables(cbs_dir: str | Path) -> list[str]:
    """The tables of :data:`DEFAULT_TABLES` that a build needs and ``cbs_dir`` lacks.

    Every table counts, except the gap-filling ones (Kerncijfers wijken en buurten) when the folder
    has geo files: those give the same figures, with the age shares rounded."""
    have_geo = bool(geo_files(cbs_dir))
    missing = []
    for table_id in DEFAULT_TABLES:
        spec = TABLES.get(table_id)
        if spec is not None and spec.fills_gaps and have_geo:
            continue
        if find_table_file(cbs_dir, table_id) is None:
            missing.append(table_id)
    return missing


def _progress_bar(table_id: str, total: int | None, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=f"CBS {table_id}",
        unit=" rijen",
        file=sys.stderr,
        disable=not enabled,
        leave=True,
    )


@contextmanager
def _ticking(bar, seconds: float = 1.0):
    """Redraw ``bar`` every ``seconds`` while the block runs (the elapsed time keeps moving)."""
    if bar.disable:
        yield
        return
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(seconds):
            bar.refresh()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fetch_table(
    table_id: str, cbs_dir: str | Path, client: Any = None, progress: bool = False
) -> Path:
    """Download one table; returns the CSV path. Raises :class:`CBSFetchError` in Dutch.

    With ``progress``, a bar on stderr shows the table and its rows (the total is the table's
    ``RecordCount`` when every row is downloaded)."""
    client = client or CBSOData()
    cbs_dir = Path(cbs_dir)
    filters = fetch_filter(table_id)
    title, period, expected = "", "", None
    try:
        infos = client.get_meta(table_id, "TableInfos") or [{}]
        title = str(infos[0].get("Title", "") or "")
        period = str(infos[0].get("Period", "") or "")
        count = infos[0].get("RecordCount")
        expected = int(count) if filters is None and isinstance(count, int | float) else None
    except Exception:  # the title is nice to have; the data is what counts (and says why not)
        pass
    bar = _progress_bar(table_id, expected, progress)
    bar.leave = False  # until the table is written: a failed table leaves no bar behind
    try:
        try:
            with _ticking(bar):  # cbsodata reports no pages: the bar shows the time so far
                records = (
                    client.get_data(table_id)
                    if filters is None
                    else client.get_data(table_id, filters=filters)
                )
        except Exception as exc:  # network, HTTP or unknown table: one clear message, no chain
            raise CBSFetchError(
                f"CBS-tabel {table_id} kon niet worden gedownload ({_why(exc)}). Controleer de "
                f"internetverbinding en het tabelnummer, of exporteer de tabel als CSV uit "
                f"StatLine naar {cbs_dir}."
            ) from None
        if not records:
            raise CBSFetchError(
                f"CBS-tabel {table_id} leverde geen rijen op; bestaat de tabel nog?"
            )
        if bar.total is None or bar.total < len(records):
            bar.total = len(records)
        bar.update(len(records))
        path = _write_table(table_id, cbs_dir, records, title, period)
        bar.set_postfix_str("opgeslagen", refresh=False)
        bar.leave = True
        return path
    finally:
        bar.close()


def _write_table(
    table_id: str, cbs_dir: Path, records: list[dict[str, Any]], title: str, period: str
) -> Path:
    """The CSV and its sidecar, both written in full under a hidden name first and then renamed
    into place one right after the other, so a reader never sees a new table with an old sidecar
    (or half a file). A copy of the table under another case (``85098ned.csv``) goes afterwards."""
    csv_path = cbs_dir / f"{table_id}.csv"
    meta_path = TableMeta.path_for(csv_path)
    meta = TableMeta(
        tabel=table_id,
        titel=title,
        periode=period,
        download_datum=date.today(),
        bron_url=SOURCE_URL.format(table_id=table_id),
        statline_url=STATLINE_URL.format(table_id=table_id),
        aantal_rijen=len(records),
    )
    staged_csv = cbs_dir / f".{csv_path.name}{STAGED_SUFFIX}"
    staged_meta = cbs_dir / f".{meta_path.name}{STAGED_SUFFIX}"
    try:
        write_text_atomic(staged_csv, "\ufeff" + records_to_csv_text(records), "utf-8")
        meta.write(staged_meta)
        os.replace(staged_csv, csv_path)
        os.replace(staged_meta, meta_path)
    finally:
        staged_csv.unlink(missing_ok=True)
        staged_meta.unlink(missing_ok=True)
    wanted = {csv_path.name.lower(): csv_path.name, meta_path.name.lower(): meta_path.name}
    for existing in cbs_dir.iterdir():
        if wanted.get(existing.name.lower(), existing.name) != existing.name:
            existing.unlink()  # one table file and one sidecar, whatever the old case
    return csv_path


def fetch_tables(
    table_ids: Iterable[str] = DEFAULT_TABLES,
    cbs_dir: str | Path = "data/raw/cbs",
    client: Any = None,
    progress: bool = True,
) -> list[Path]:
    """Download each table in ``table_ids`` into ``cbs_dir`` with ``client`` (default: cbsodata),
    with a progress bar per table on stderr (``progress``).

    Stops at the first failure with a :class:`CBSFetchError` naming the table; tables written before
    it stay (each file is complete: written to a temp file, then renamed).
    """
    return [fetch_table(t, cbs_dir, client, progress) for t in table_ids]
