"""A small CBS OData v3 server on 127.0.0.1 for tests: it replays tables built from real rows.

cbsodata is pointed at it through its own options (``cbsodata.options.catalog_url`` =
``127.0.0.1:<port>``, ``use_https = False``), so the whole download path runs as it does against
``opendata.cbs.nl``: the service document of a table, ``TableInfos``, ``DataProperties``,
``CategoryGroups``, one list per dimension (``Key``/``Title``) and the ``TypedDataSet`` in pages
joined by ``odata.nextLink``, with the dimension *keys* in the rows (cbsodata turns them into
titles). A ``$filter`` of the form ``substringof('X',Dimension) or ...`` is applied; any other
filter is answered with 400, so a test sees what was asked.

The server is bounded: it handles at most ``max_requests`` requests and stops after ``lifetime``
seconds, whichever comes first, and binds to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tussenstand.sources.csvfile import read_semicolon_csv

FEED = "/ODataFeed/odata"
_TOPIC = re.compile(r".+_\d+$")  # CBS numbers its topic columns; dimension columns carry no number


@dataclass
class ReplayTable:
    """One table as CBS serves it: dimension keys in the rows, their titles in the lists."""

    table_id: str
    title: str
    period: str
    dimensions: dict[str, list[dict[str, str]]]
    topics: list[str]
    rows: list[dict[str, Any]]
    record_count: int | None = None

    @property
    def columns(self) -> list[str]:
        return ["ID", *self.dimensions, *self.topics]


def _typed(text: str) -> Any:
    """A CSV cell as the TypedDataSet has it: int, float, None (empty) or the text itself."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d*(e[-+]?\d+)?", text, flags=re.IGNORECASE):
        return float(text)
    return text


def table_from_rows(
    table_id: str, title: str, period: str, header: list[str], rows: list[dict[str, str]]
) -> ReplayTable:
    """A replay table from rows of a flattened StatLine CSV (dimension titles as values): every
    column without a CBS number (``RegioS``, ``Perioden``, ``StatusCijfer``) is a dimension and
    gets keys ``<column>_<n>``; the rest are topics, typed as the TypedDataSet types them."""
    dims = [c for c in header if c != "ID" and not _TOPIC.fullmatch(c)]
    topics = [c for c in header if c != "ID" and _TOPIC.fullmatch(c)]
    lists: dict[str, list[dict[str, str]]] = {d: [] for d in dims}
    keys: dict[str, dict[str, str]] = {d: {} for d in dims}
    out = []
    for i, row in enumerate(rows):
        rec: dict[str, Any] = {"ID": i}
        for d in dims:
            title_value = row[d].strip()
            if title_value not in keys[d]:
                key = f"{d[:2].upper()}{len(keys[d]):04d}  "  # CBS pads its keys
                keys[d][title_value] = key
                lists[d].append({"Key": key, "Title": title_value, "Description": None})
            rec[d] = keys[d][title_value]
        for t in topics:
            rec[t] = _typed(row[t])
        out.append(rec)
    return ReplayTable(table_id, title, period, lists, topics, out)


def table_from_csv(
    csv_path: Path, table_id: str, title: str, period: str, regions: set[str]
) -> tuple[ReplayTable, list[dict[str, str]]]:
    """The rows of a shared CSV for ``regions`` (titles in RegioS) as a replay table, and those
    rows as read from the CSV (text), to compare with what fetch writes."""
    raw = read_semicolon_csv(csv_path)
    picked = raw[raw["RegioS"].str.strip().isin(regions)]
    rows = picked.to_dict("records")
    return table_from_rows(table_id, title, period, list(raw.columns), rows), rows


@dataclass
class ODataReplay:
    tables: dict[str, ReplayTable]
    page_size: int = 50
    max_requests: int = 3000
    lifetime: float = 300.0
    #: (path, query) of every request, in order
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    #: table id -> answer the TypedDataSet page with this skip (and later pages) with HTTP 500
    fail_from_skip: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                replay.requests.append((parts.path, query))
                status, body = replay.answer(parts.path, query)
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 0.2
        self.port = self.server.server_address[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    # ----- lifetime ---------------------------------------------------------------------------
    def _serve(self) -> None:
        deadline = time.monotonic() + self.lifetime
        while (
            not self._stop.is_set()
            and time.monotonic() < deadline
            and len(self.requests) < self.max_requests
        ):
            self.server.handle_request()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.server_close()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def base(self, table_id: str) -> str:
        return f"http://{self.host}{FEED}/{table_id}"

    # ----- answers ----------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        m = re.fullmatch(rf"{FEED}/([^/]+)/?([^/]*)", path)
        if not m or m[1] not in self.tables:
            return 404, {"odata.error": {"message": {"value": f"no table at {path}"}}}
        table, part = self.tables[m[1]], m[2]
        base = self.base(table.table_id)
        if part == "":
            names = ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties"]
            names += ["CategoryGroups", *table.dimensions]
            return 200, {
                "odata.metadata": f"{base}/$metadata",
                "value": [{"name": n, "url": f"{base}/{n}"} for n in names],
            }
        if part == "TableInfos":
            count = table.record_count if table.record_count is not None else len(table.rows)
            return 200, self._value(
                base,
                part,
                [
                    {
                        "ID": 1,
                        "Identifier": table.table_id,
                        "Title": table.title,
                        "ShortTitle": table.title,
                        "Period": table.period,
                        "RecordCount": count,
                        "ColumnCount": len(table.columns),
                        "Catalog": "CBS",
                        "Language": "nl",
                    }
                ],
            )
        if part == "DataProperties":
            props = [
                {
                    "odata.type": "Cbs.OData.GeoDimension"
                    if d in ("RegioS", "WijkenEnBuurten")
                    else ("Cbs.OData.TimeDimension" if d == "Perioden" else "Cbs.OData.Dimension"),
                    "ID": i,
                    "Position": i,
                    "ParentID": None,
                    "Type": "GeoDimension"
                    if d in ("RegioS", "WijkenEnBuurten")
                    else ("TimeDimension" if d == "Perioden" else "Dimension"),
                    "Key": d,
                    "Title": d,
                    "Description": None,
                }
                for i, d in enumerate(table.dimensions)
            ]
            props += [
                {
                    "odata.type": "Cbs.OData.Topic",
                    "ID": len(props) + i,
                    "Position": len(props) + i,
                    "ParentID": None,
                    "Type": "Topic",
                    "Key": t,
                    "Title": t,
                    "Description": None,
                    "Datatype": "Double",
                    "Unit": "aantal",
                    "Decimals": 0,
                    "Default": "Impossible",
                }
                for i, t in enumerate(table.topics)
            ]
            return 200, self._value(base, part, props)
        if part == "CategoryGroups":
            return 200, self._value(base, part, [])
        if part in table.dimensions:
            return 200, self._value(base, part, table.dimensions[part])
        if part == "TypedDataSet":
            return self._data(table, base, query)
        return 404, {"odata.error": {"message": {"value": f"{part} is not served"}}}

    @staticmethod
    def _value(base: str, part: str, value: list) -> dict[str, Any]:
        return {"odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.{part}", "value": value}

    def _data(self, table: ReplayTable, base: str, query: dict[str, list[str]]):
        rows = table.rows
        if "$filter" in query:
            keep = self._parse_filter(query["$filter"][0])
            if keep is None:
                return 400, {"odata.error": {"message": {"value": "filter not understood"}}}
            rows = [r for r in rows if keep(r)]
        skip = int(query.get("$skip", ["0"])[0])
        if skip >= self.fail_from_skip.get(table.table_id, 1 << 30):
            return 500, {"odata.error": {"message": {"value": "server error (replayed)"}}}
        page = rows[skip : skip + self.page_size]
        body = self._value(base, "TypedDataSet", page)
        if skip + self.page_size < len(rows):
            nxt = f"{base}/TypedDataSet?$format=json&$skip={skip + self.page_size}"
            if "$filter" in query:
                from urllib.parse import quote

                nxt += "&$filter=" + quote(query["$filter"][0])
            body["odata.nextLink"] = nxt
        return 200, body

    @staticmethod
    def _parse_filter(text: str):
        """``substringof('X',Dim) or substringof('Y',Dim)`` -> a row predicate; else None."""
        terms = [t.strip() for t in text.split(" or ")]
        parsed = [re.fullmatch(r"substringof\('([^']*)',\s*(\w+)\)", t) for t in terms]
        if not all(parsed):
            return None
        return lambda row: any(m[1] in str(row.get(m[2], "")) for m in parsed)
