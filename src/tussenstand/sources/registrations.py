"""Local registrations: the figures a municipality exports from its own systems.

One template (see ``data/raw/registraties/README.md`` and ``TEMPLATE.csv``), one row per measurement:

=============  =========  ======================================================================
column         required   meaning
=============  =========  ======================================================================
gemeente       yes        CBS code of the gemeente (``GM0396``)
doel / reeks   one of     goal id from the framework (``VW-2``) or a series code (``reg_VW-2``)
periode        yes        ``2024``, ``2024-H1``, ``2024-Q3``, ``2024-03``, ``2026-2027``, ``1e halfjaar 2024``
gebied         no         district (wijk) for per-district goals; empty = the whole gemeente
waarde         yes*       the number, Dutch (``13.601,04``) or plain (``13601.04``); empty = missing
eenheid        yes        ``aantal``, ``%``, ``euro``, ``nachten``, ``per 1.000 inwoners``, ...
bron           no         system or report the figure comes from
opmerking      no         free text; for an empty ``waarde`` it is the reason it is missing
illustratief   no         ``ja`` for illustrative (not real) figures, else ``nee`` (default)
peildatum      no         date of the export (``2026-07-15`` or ``15-07-2026``)
=============  =========  ======================================================================

Files: CSV (``;``-separated, UTF-8 with or without BOM) or Excel (``.xlsx``, first sheet). The
header is row 1, so the first data row is row 2: error messages use those row numbers. Raw files are
only read, never changed. Every file passes :func:`tussenstand.disclosure.check_no_personal_data`
right after reading.

Numbers are read one way (:func:`parse_dutch_number`) and checked against the range of their unit
(:func:`unit_rule`): a value with two readings that differ by a factor 1.000 (``80.605``) is refused
unless the unit is a whole count. Excel cells are read with openpyxl, value and number format: a
cell formatted as a percentage is read as Excel shows it (58,6 for a stored 0,586). Given the
frameworks, a row's gemeente must be one they monitor.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from tussenstand import disclosure
from tussenstand.disclosure import check_no_personal_data
from tussenstand.frameworks import Framework
from tussenstand.nlformat import fmt_number
from tussenstand.periods import Period, PeriodError, parse_period
from tussenstand.schema import (
    MEASUREMENT_COLUMNS,
    conform,
    empty_measurements,
    validate_measurements,
)
from tussenstand.sources.csvfile import read_semicolon_csv

TEMPLATE_COLUMNS = (
    "gemeente",
    "doel",
    "reeks",
    "periode",
    "gebied",
    "waarde",
    "eenheid",
    "bron",
    "opmerking",
    "illustratief",
    "peildatum",
)
REQUIRED_COLUMNS = ("gemeente", "periode", "waarde", "eenheid")
SUFFIXES = (".csv", ".xlsx")
MAX_REPORTED_ERRORS = 25
MAX_LISTED_CODES = 12

_YES = {"ja", "j", "yes", "y", "true", "waar", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}
_RE_GM = re.compile(r"^GM\d{4}$")
_RE_FILE_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


class RegistrationError(ValueError):
    """A registration file that does not follow the template; lists every problem found."""

    def __init__(self, file: str, problems: list[str]):
        self.file = file
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        more = len(problems) - len(shown)
        head = (
            f"{file}: de registratie volgt het sjabloon niet ({len(problems)} probleem/problemen):"
        )
        lines = [head, *(f"  {p}" for p in shown)]
        if more > 0:
            lines.append(f"  ... en {more} meer")
        lines.append("  Zie data/raw/registraties/README.md voor het sjabloon.")
        super().__init__("\n".join(lines))


# ----- numbers, units, dates -----------------------------------------------------------------
class NumberError(ValueError):
    """A cell that is not a number the template allows; ``str()`` is the Dutch reason."""


class ShownAsPercent(str):
    """The text an Excel cell formatted as a percentage shows (``58,6%`` for a stored 0.586).

    A ``str``, so that every check on text treats it like a typed ``58,6%``; ``stored`` keeps the
    number Excel stored, for messages.
    """

    stored: float

    def __new__(cls, stored: float, percent_signs: int = 1) -> ShownAsPercent:
        shown = Decimal(repr(float(stored))) * Decimal(100) ** percent_signs
        text = format(shown.normalize(), "f").replace(".", ",")
        obj = super().__new__(cls, text + "%" * percent_signs)
        obj.stored = float(stored)
        return obj


@dataclass(frozen=True)
class UnitRule:
    """What a unit allows: the range of its values, and whether they are whole numbers."""

    unit: str
    kind: str  # "percent", "rate", "count", "amount" or "other"
    low: float | None = None
    high: float | None = None
    whole: bool = False

    @property
    def allowed_nl(self) -> str:
        """The allowed values in Dutch, for messages: ``een percentage van 0 tot en met 100``."""
        if self.kind == "percent":
            return "een percentage van 0 tot en met 100"
        if self.kind == "rate" and self.high is not None:
            n = fmt_number(self.high)
            return f"een aantal per {n} van 0 tot en met {n}"
        if self.whole:
            return "een heel getal van 0 of meer, zonder decimalen"
        if self.low is not None:
            return "een getal van 0 of meer"
        return "een getal"


_RE_PER_N = re.compile(r"(?:^|\s)per\s+(\d{1,3}(?:\.\d{3})+|\d+)(?=\s|$)")
_DURATIONS = ("nachten", "dagen", "weken", "maanden", "jaren", "uren")


def unit_rule(unit: str) -> UnitRule:
    """The plausibility rule of a unit (the table in ``data/raw/registraties/README.md``).

    * ``%...``: 0 to 100.
    * a rate ``per N`` (``per 1.000 inwoners``, ``aantal per 10.000 inwoners van 18 jaar en
      ouder``): 0 to N; ``euro per N ...`` has no range, durations per N (``nachten per 1.000
      inwoners``) are 0 or more.
    * a whole count (``aantal``, ``aantal per wijk``, ``aantal <iets>``, or a unit that counts
      persons, :func:`~tussenstand.disclosure.is_person_count_unit`): a whole number, 0 or more.
    * a duration (``nachten``, ``dagen``, ...) or another ``per ...`` (``per inwoner``): 0 or
      more, decimals allowed (an average stay).
    * ``euro``: any amount (a balance may be negative); any other unit: any number.
    """
    unit = normalize_unit(unit)
    low = unit.lower()
    if low.startswith("%"):
        return UnitRule(unit, "percent", 0.0, 100.0)
    per = _RE_PER_N.search(low)
    if per:
        base = low[: per.start()].strip()
        if _is_euro(base):
            return UnitRule(unit, "amount")
        if base.startswith(_DURATIONS):
            return UnitRule(unit, "rate", 0.0)
        return UnitRule(unit, "rate", 0.0, float(per[1].replace(".", "")))
    if _is_euro(low):
        return UnitRule(unit, "amount")
    if low == "aantal" or low.startswith("aantal ") or disclosure.is_person_count_unit(low):
        return UnitRule(unit, "count", 0.0, whole=True)
    if low.startswith(_DURATIONS) or low.startswith("per "):
        return UnitRule(unit, "count", 0.0)
    return UnitRule(unit, "other")


def _is_euro(unit: str) -> bool:
    return unit.startswith(("euro", "€", "eur "))


_SPACE_LIKE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})
_SIGNS = ("-", "\u2212", "+")
_RE_WHOLE = re.compile(r"\d+")
_RE_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_RE_POINT_GROUPS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_RE_ONE_POINT_GROUP = re.compile(r"[1-9]\d{0,2}\.\d{3}")
_RE_SPACE_GROUPS = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:,\d+)?")
_RE_DECIMAL_POINT = re.compile(r"\d+\.\d+")
_RE_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d+")
_RE_EXCEL_ERROR = re.compile(r"#[A-Z0-9/]+[!?]?")  # #DEEL/0!, #N/B, #WAARDE!, #NAAM?
NUMBER_EXAMPLES = "1234, 1.234.567, 13.601,04 of 48,1"


def parse_dutch_number(value: object, unit: str = "") -> float | None:
    """The number in a cell, read the one way the template allows, or :class:`NumberError`.

    ``None`` for an empty cell. Text is read as Dutch (``13.601,04``, ``48,1``, ``1.234.567``); a
    point followed by something other than groups of three digits is a decimal point
    (``13601.04``, as other tools write). A single point with three digits after it and no comma
    (``80.605``) has two readings that differ by a factor 1.000 (80605 or 80,605): it is read as
    thousands only when ``unit`` is a whole count (``aantal``: 80,605 persons cannot be) and
    refused otherwise. ``%`` is allowed only for a percentage unit and ``€`` only for an amount;
    spaces (also non-breaking) between groups of three digits, a leading ``+`` and the minus sign
    U+2212 are read. Scientific notation (``1,2E+03``, which Excel writes in CSV after rounding) and
    Excel error values (``#DEEL/0!``) are refused. Numbers from Excel cells (``int``/``float``) are
    taken as they are; a cell formatted as a percentage arrives as :class:`ShownAsPercent`.
    """
    rule = unit_rule(unit) if unit else None
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"verwacht een getal, geen ja/nee-waarde ({NUMBER_EXAMPLES})")
    if isinstance(value, numbers.Real):  # an Excel number cell
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise NumberError("verwacht een eindig getal, kreeg oneindig (deling door nul?)")
        return number
    if isinstance(value, (date, datetime, time)):
        raise NumberError(
            "verwacht een getal, maar de cel is een datum of tijd; zet de celopmaak op 'Getal'"
        )
    text = " ".join(str(value).translate(_SPACE_LIKE).split())
    if not text:
        return None
    body, negative, percent, euro = _split_signs(text)
    if percent and rule is not None and rule.kind != "percent":
        if isinstance(value, ShownAsPercent):
            raise NumberError(
                f"de cel is in Excel opgemaakt als percentage (opgeslagen "
                f"{fmt_number(value.stored, max_decimals=6)}, getoond {value}), maar eenheid "
                f"'{rule.unit}' is geen percentage; zet de celopmaak op 'Getal' of 'Standaard' en "
                "vul het getal in dat u bedoelt"
            )
        raise NumberError(
            f"een %-teken past niet bij eenheid '{rule.unit}'; laat het %-teken weg of "
            "gebruik eenheid %"
        )
    if euro and rule is not None and rule.kind != "amount":
        raise NumberError(
            f"een €-teken past niet bij eenheid '{rule.unit}'; laat het €-teken weg of "
            "gebruik eenheid euro"
        )
    number = _read_body(body, text, rule)
    return -number if negative else number


def _split_signs(text: str) -> tuple[str, bool, bool, bool]:
    """(digits and separators, negative, had a % sign, had a € sign) of a trimmed cell text.

    One sign (``-``, U+2212 or ``+``) and one ``€`` in either order (``-€ 12``, ``€ -12``); ``%``
    or ``€`` at the end."""
    negative = signed = euro = percent = False
    body = text
    for _ in range(2):
        if not signed and body[:1] in _SIGNS:
            negative, signed, body = body[0] != "+", True, body[1:].strip()
        if not euro and body.startswith("€"):
            euro, body = True, body[1:].strip()
    if body.endswith("%"):
        percent, body = True, body[:-1].strip()
    elif not euro and body.endswith("€"):
        euro, body = True, body[:-1].strip()
    return body, negative, percent, euro


def _read_body(body: str, text: str, rule: UnitRule | None) -> float:
    if _RE_WHOLE.fullmatch(body):
        return float(body)
    if _RE_DECIMAL_COMMA.fullmatch(body):
        return float(body.replace(",", "."))
    if _RE_ONE_POINT_GROUP.fullmatch(body):
        if rule is not None and rule.whole:
            return float(body.replace(".", ""))
        thousands, decimal = body.replace(".", ""), body.replace(".", ",")
        raise NumberError(
            f"'{text}' is dubbelzinnig: {thousands} (punt als scheiding van duizendtallen) of "
            f"{decimal} (punt als decimaalteken), een factor 1.000 verschil; schrijf "
            f"{thousands} of {decimal}"
        )
    if _RE_POINT_GROUPS.fullmatch(body) or _RE_SPACE_GROUPS.fullmatch(body):
        return float(body.replace(".", "").replace(" ", "").replace(",", "."))
    if _RE_DECIMAL_POINT.fullmatch(body):
        return float(body)
    if _RE_SCIENTIFIC.fullmatch(body):
        raise NumberError(
            f"'{text}' is wetenschappelijke notatie, waarin Excel getallen afrondt; schrijf het "
            f"getal voluit ({NUMBER_EXAMPLES}): maak de kolom in Excel breder of zet de "
            "celopmaak op 'Getal' voordat u opslaat"
        )
    if _RE_EXCEL_ERROR.fullmatch(text):
        raise NumberError(
            f"de cel bevat de Excel-foutwaarde '{text}'; herstel de formule, of laat de cel leeg "
            "en zet de reden in kolom opmerking"
        )
    raise NumberError(
        f"verwacht een getal ({NUMBER_EXAMPLES}), of een lege cel met de reden in kolom "
        "opmerking als het cijfer ontbreekt"
    )


def normalize_unit(unit: str) -> str:
    """Unit text as the schema writes it: ``procent``/``percentage`` -> ``%``, trimmed, lower case."""
    text = " ".join(str(unit).split())
    low = text.lower()
    if low in {"%", "procent", "percentage", "percent", "pct"}:
        return "%"
    if low in {"euro", "eur", "€", "euro's"}:
        return "euro"
    return low


def _parse_date(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _date_from_file_name(path: Path) -> str:
    m = _RE_FILE_DATE.search(path.stem)
    if not m:
        return ""
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return ""


# ----- the goals a row may name --------------------------------------------------------------
@dataclass(frozen=True)
class _GoalInfo:
    goal_id: str
    series: str
    unit: str
    districts: tuple[str, ...] | None


Frameworks = Framework | Iterable[Framework] | Mapping[str, Framework] | None


def _frameworks_list(frameworks: Frameworks) -> list[Framework]:
    if frameworks is None:
        return []
    if isinstance(frameworks, Framework):
        return [frameworks]
    if isinstance(frameworks, Mapping):
        return list(frameworks.values())
    return list(frameworks)


def _monitored(frameworks: list[Framework]) -> dict[str, str]:
    """gemeente code -> name, for every gemeente a framework monitors."""
    return {m.code: m.name for fw in frameworks for m in fw.municipalities}


def _goal_index(frameworks: list[Framework]) -> dict[str, dict[str, _GoalInfo]]:
    """gemeente code -> goal id -> goal info (goal ids of every framework covering the gemeente)."""
    index: dict[str, dict[str, _GoalInfo]] = {}
    for fw in frameworks:
        goals = {
            g.id: _GoalInfo(
                g.id,
                g.series,
                g.unit,
                tuple(g.measurement.districts) if g.measurement.districts else None,
            )
            for g in fw.goals
        }
        for code in fw.municipality_codes:
            index.setdefault(code, {}).update(goals)
    return index


# ----- reading -------------------------------------------------------------------------------
def _read_raw(path: Path) -> pd.DataFrame:
    """The file as the user sees it: every cell as text (Excel numbers/dates kept), with ``_rij``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        df = _read_csv(path)
    elif suffix == ".xlsx":
        df = _read_xlsx(path)
    else:
        raise RegistrationError(
            path.name, [f"onbekend bestandstype '{path.suffix}'; verwacht .csv of .xlsx"]
        )
    df.columns = [str(c).strip() for c in df.columns]
    df.insert(0, "_rij", range(2, len(df) + 2))
    values = df.drop(columns="_rij")
    empty = values.apply(lambda col: col.map(lambda v: str(v).strip() == "")).all(axis=1)
    return df[~empty].reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        df = read_semicolon_csv(path, skip_blank_lines=False)
    except UnicodeDecodeError as exc:
        raise RegistrationError(
            path.name,
            [
                f"het bestand is geen UTF-8 (byte {exc.start}); sla het op als 'CSV UTF-8 "
                "(puntkomma-gescheiden)'"
            ],
        ) from None
    except pd.errors.ParserError as exc:
        raise RegistrationError(
            path.name, [f"geen leesbare CSV met ';' als scheidingsteken: {exc}"]
        ) from None
    except pd.errors.EmptyDataError:  # an empty file: "kolom(men) ontbreken" says what to do
        return pd.DataFrame()
    return df


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet, cell by cell with openpyxl: values as Excel stored them, except that a
    number in a cell formatted as a percentage becomes the text Excel shows (:class:`ShownAsPercent`),
    and a formula without a stored result is refused (pandas would read it as an empty cell)."""
    try:
        values = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        formulas = openpyxl.load_workbook(path, data_only=False).worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RegistrationError(
            path.name,
            [
                f"geen leesbaar Excel-bestand ({type(exc).__name__}); open het in Excel en sla het "
                "op als 'Excel-werkmap (.xlsx)', of als 'CSV UTF-8 (puntkomma-gescheiden)'"
            ],
        ) from None
    grid = [[_excel_cell(cell) for cell in row] for row in values.iter_rows()]
    if not grid:
        return pd.DataFrame()
    header, body = grid[0], grid[1:]
    problems = [
        f"{path.name}, rij {r}, kolom {_column_name(header, c)}: de cel bevat een formule zonder "
        "opgeslagen (of met een lege) uitkomst; open het bestand in Excel en sla het opnieuw op, "
        "of plak de cellen als waarden (en laat een ontbrekend cijfer echt leeg)"
        for r, row in enumerate(body, start=2)
        for c, cell in enumerate(row)
        if cell == "" and formulas.cell(r, c + 1).data_type == "f"
    ]
    if problems:
        raise RegistrationError(path.name, problems)
    keep = [
        c
        for c in range(len(header))
        if str(header[c]).strip() or any(str(row[c]).strip() for row in body)
    ]
    names = _unique([_column_name(header, c) for c in keep])
    return pd.DataFrame([[row[c] for c in keep] for row in body], columns=names, dtype=object)


def _excel_cell(cell: Any) -> object:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        signs = _percent_signs(cell.number_format)
        if signs:
            return ShownAsPercent(value, signs)
    return value


def _percent_signs(number_format: str | None) -> int:
    """How many ``%`` of an Excel number format scale the value (each one x 100); a quoted
    ``"%"``, an escaped ``\\%`` or a ``[...]`` part shows a sign without scaling."""
    fmt = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "")
    return fmt.split(";")[0].count("%")


def _column_name(header: list[object], c: int) -> str:
    name = str(header[c]).strip() if c < len(header) else ""
    return name or f"(kolom {get_column_letter(c + 1)} zonder kop)"


def _unique(names: list[str]) -> list[str]:
    """Column names made unique as pandas does for a CSV (``waarde``, ``waarde.1``)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}.{n}")
    return out


def read_registrations(
    path: str | Path,
    framework: Frameworks = None,
) -> pd.DataFrame:
    """Read one registration file into the tidy measurement schema (``docs/architectuur.md``).

    ``framework`` (a framework, a list or a dict of them; optional) lets goal ids be checked: a
    ``doel`` unknown to the framework covering the row's gemeente is an error listing the valid
    ids, and its series code and unit come from the framework. Raises
    :class:`~tussenstand.disclosure.PersonalDataError` for personal data and
    :class:`RegistrationError` naming file, row (header = row 1), column and what was expected.
    """
    path = Path(path)
    raw = _read_raw(path)
    check_no_personal_data(raw.drop(columns="_rij"), path.name, rows=raw["_rij"].tolist())

    lower = {c.lower(): c for c in raw.columns if c != "_rij"}
    raw = raw.rename(columns={orig: low for low, orig in lower.items()})
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    problems = []
    if missing:
        problems.append(
            f"kolom(men) ontbreken: {', '.join(missing)}; gevonden: {', '.join(lower) or '(geen)'}; "
            f"verwacht de kolommen {', '.join(TEMPLATE_COLUMNS)}"
        )
    if "doel" not in raw.columns and "reeks" not in raw.columns:
        problems.append("kolom 'doel' (doel-id uit het kader) of 'reeks' (reekscode) ontbreekt")
    if problems:
        raise RegistrationError(path.name, problems)

    frameworks = _frameworks_list(framework)
    goal_index = _goal_index(frameworks)
    monitored = _monitored(frameworks)
    file_date = _date_from_file_name(path)
    rows: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    for record in raw.to_dict("records"):
        row, errs = _parse_row(record, path.name, goal_index, monitored, file_date)
        problems.extend(errs)
        if row is not None:
            rows.append(row)
            row_numbers.append(record["_rij"])
    if not problems:
        problems.extend(_conflicts(path.name, rows, row_numbers))
    if problems:
        raise RegistrationError(path.name, problems)
    if not rows:
        return empty_measurements()

    df = pd.DataFrame(rows)
    df = df.drop_duplicates(["gemeente", "indicator", "periode", "gebied"], ignore_index=True)
    df = conform(df[list(MEASUREMENT_COLUMNS)])
    return validate_measurements(df, path.name)


class _Row:
    """One data row being read: its cells as text, and the problems found so far."""

    def __init__(self, record: dict[str, Any], file: str):
        self.record = record
        self.file = file
        self.number = record["_rij"]
        self.errors: list[str] = []

    def text(self, column: str) -> str:
        v = self.record.get(column, "")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "" if v is None else str(v).strip()

    def error(self, column: str, expected: str, got: object) -> None:
        self.errors.append(
            f"{self.file}, rij {self.number}, kolom {column}: {expected}, kreeg {str(got)!r}"
        )


def _parse_row(
    record: dict[str, Any],
    file: str,
    goal_index: dict[str, dict[str, _GoalInfo]],
    monitored: Mapping[str, str],
    file_date: str,
) -> tuple[dict[str, Any] | None, list[str]]:
    """One template row as a measurement row, or the problems that stop it (each naming file,
    row and column)."""
    row = _Row(record, file)
    gemeente = _gemeente(row, monitored)
    period = _period(row)
    unit = _unit(row)
    value = _value(row, unit)
    indicator, info = _series(row, gemeente, goal_index)
    if info is not None and unit and normalize_unit(info.unit) != unit:
        row.error(
            "eenheid",
            f"verwacht '{info.unit}' (de eenheid van doel {info.goal_id} in het kader)",
            row.text("eenheid"),
        )
    gebied = row.text("gebied")
    if info is not None and info.districts and gebied and gebied not in info.districts:
        row.error(
            "gebied",
            f"onbekende wijk voor doel {info.goal_id}; geldig: {', '.join(info.districts)}",
            gebied,
        )
    illustrative = _illustrative(row)
    peildatum = _peildatum(row, file_date)
    if row.errors:
        return None, row.errors
    assert period is not None
    opmerking = row.text("opmerking")
    return {
        "gemeente": gemeente,
        "gemeente_naam": "",
        "indicator": indicator,
        "periode": period.code,
        "periode_start": pd.Timestamp(period.start),
        "periode_eind": pd.Timestamp(period.end),
        "gebied": gebied,
        "waarde": float("nan") if value is None else value,
        "eenheid": unit,
        "bron": row.text("bron") or f"Registratie gemeente ({gemeente})",
        "tabel": file,
        "peildatum": peildatum,
        "ontbreekt_reden": (
            f"Registratie: geen waarde aangeleverd{': ' + opmerking if opmerking else ''}"
            if value is None
            else ""
        ),
        "opmerking": opmerking,
        "illustratief": illustrative,
        "voorlopig": False,
        "onderdrukt": False,
        "reeksbreuk": False,
    }, []


def _gemeente(row: _Row, monitored: Mapping[str, str]) -> str:
    """The row's gemeente code; with frameworks given it must be one they monitor (a row of
    another gemeente would otherwise be dropped without a word when the reports are built)."""
    gemeente = row.text("gemeente").upper()
    if not _RE_GM.match(gemeente):
        row.error("gemeente", "verwacht een CBS-gemeentecode zoals GM0396", row.text("gemeente"))
    elif monitored and gemeente not in monitored:
        listed = sorted(monitored)
        closest = difflib.get_close_matches(gemeente, listed, n=1, cutoff=0.6)
        hint = f"; bedoelt u {closest[0]} ({monitored[closest[0]]})?" if closest else ""
        if len(listed) > MAX_LISTED_CODES:
            shown = ", ".join(f"{c} ({monitored[c]})" for c in listed[:MAX_LISTED_CODES])
            shown += f" en {len(listed) - MAX_LISTED_CODES} andere"
        else:
            shown = ", ".join(f"{c} ({monitored[c]})" for c in listed)
        row.error(
            "gemeente",
            f"gemeente {gemeente} wordt door geen beleidskader gevolgd (data/raw/kaders){hint} "
            f"Gevolgde gemeenten: {shown}. Verbeter de code, of haal de rij weg als de gemeente "
            "niet in de monitor hoort",
            row.text("gemeente"),
        )
    return gemeente


def _period(row: _Row) -> Period | None:
    try:
        return parse_period(row.text("periode"))
    except PeriodError:
        row.error(
            "periode",
            "verwacht een periode zoals 2024, 2024-H1, 2024-Q3, 2024-03 of 2026-2027",
            row.text("periode"),
        )
        return None


def _unit(row: _Row) -> str:
    unit_text = row.text("eenheid")
    if not unit_text:
        row.error(
            "eenheid", "verwacht een eenheid zoals aantal, %, euro of per 1.000 inwoners", unit_text
        )
        return ""
    return normalize_unit(unit_text)


def _value(row: _Row, unit: str) -> float | None:
    """The row's number, read for its unit (:func:`parse_dutch_number`) and checked against the
    unit's range (:func:`unit_rule`)."""
    raw_value = row.record.get("waarde", "")
    shown = raw_value  # an Excel number in messages as Excel shows it in Dutch: 1200,5
    if isinstance(raw_value, numbers.Real) and not isinstance(raw_value, bool):
        shown = fmt_number(raw_value, max_decimals=10).replace(".", "")
    try:
        value = parse_dutch_number(raw_value, unit)
    except NumberError as exc:
        row.error("waarde", str(exc), shown)
        return None
    if value is None or not unit:
        return value
    rule = unit_rule(unit)
    outside = (rule.low is not None and value < rule.low) or (
        rule.high is not None and value > rule.high
    )
    if outside or (rule.whole and not value.is_integer()):
        row.error("waarde", f"verwacht {rule.allowed_nl} (eenheid '{unit}')", shown)
    return value


def _series(
    row: _Row, gemeente: str, goal_index: dict[str, dict[str, _GoalInfo]]
) -> tuple[str, _GoalInfo | None]:
    """The series code of the row (from its goal id or its own series code), and the goal."""
    doel, reeks = row.text("doel"), row.text("reeks")
    if not doel and not reeks:
        row.error("doel", "verwacht een doel-id (kolom doel) of een reekscode (kolom reeks)", "")
        return "", None
    if not doel:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", reeks):
            row.error("reeks", "verwacht een reekscode zonder spaties, bijv. reg_VW-2", reeks)
        return reeks, None
    goals = goal_index.get(gemeente)
    info = goals.get(doel) if goals is not None else None
    if goals is not None and info is None:
        valid = (
            f"geldige doelen: {', '.join(sorted(goals))}"
            if goals
            else "het kader heeft geen doelen; zet een reekscode in kolom reeks"
        )
        row.error("doel", f"onbekend doel voor {gemeente}; {valid}", doel)
    indicator = info.series if info else f"reg_{doel}"
    if reeks and reeks != indicator:
        row.error("reeks", f"reeks past niet bij doel {doel} (verwacht {indicator})", reeks)
    return indicator, info


def _illustrative(row: _Row) -> bool:
    text = row.text("illustratief").lower()
    if text not in _YES | _NO:
        row.error("illustratief", "verwacht ja of nee", row.text("illustratief"))
    return text in _YES


def _peildatum(row: _Row, file_date: str) -> str:
    if not row.text("peildatum"):
        return file_date
    parsed = _parse_date(row.record.get("peildatum"))
    if parsed is None:
        row.error(
            "peildatum", "verwacht een datum zoals 2026-07-15 of 15-07-2026", row.text("peildatum")
        )
        return file_date
    return parsed


def _conflicts(file: str, rows: list[dict[str, Any]], numbers: list[int]) -> list[str]:
    seen: dict[tuple, tuple[int, float]] = {}
    problems = []
    for row, n in zip(rows, numbers, strict=True):
        key = (row["gemeente"], row["indicator"], row["periode"], row["gebied"])
        value = row["waarde"]
        if key in seen:
            first_n, first_value = seen[key]
            same = (math.isnan(value) and math.isnan(first_value)) or value == first_value
            if not same:
                where = f"{key[0]}, reeks {key[1]}, periode {key[2]}"
                if key[3]:
                    where += f", gebied {key[3]}"
                problems.append(
                    f"{file}, rij {first_n} en rij {n}: tegenstrijdige waarden voor {where}: "
                    f"{_show(first_value)} en {_show(value)}; verwacht één waarde per gemeente, "
                    "reeks, periode en gebied"
                )
        else:
            seen[key] = (n, value)
    return problems


def _show(value: float) -> str:
    return "leeg" if math.isnan(value) else fmt_number(value, max_decimals=6)


def registration_files(folder: str | Path) -> list[Path]:
    """The registration files in ``folder`` (``.csv``/``.xlsx``), sorted; ``TEMPLATE.*`` and
    hidden or Office lock files (``~$...``) are skipped."""
    folder = Path(folder)
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith((".", "~$"))
        and p.stem.upper() != "TEMPLATE"
    )


def load_registrations(
    folder: str | Path,
    gemeente: str | Iterable[str] | None = None,
    framework: Frameworks = None,
) -> pd.DataFrame:
    """Read every registration file in ``folder``; keep the rows of ``gemeente`` (code or codes).

    Every file is checked (personal data, template), also when none of its rows is kept. Two files
    giving different values for the same gemeente, series, period and district is an error.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return empty_measurements()
    frames = [read_registrations(p, framework=framework) for p in registration_files(folder)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_measurements()
    df = pd.concat(frames, ignore_index=True)
    if gemeente is not None:
        codes = {gemeente} if isinstance(gemeente, str) else set(gemeente)
        df = df[df["gemeente"].isin(codes)].reset_index(drop=True)
    key = ["gemeente", "indicator", "periode", "gebied"]
    dup = df[df.duplicated(key, keep=False)]
    if len(dup):
        clash = dup.groupby(key, sort=True)
        for k, g in clash:
            if g["waarde"].nunique(dropna=False) > 1 or g["tabel"].nunique() > 1:
                files = " en ".join(sorted(g["tabel"].unique()))
                raise RegistrationError(
                    files,
                    [
                        f"{k[0]}, reeks {k[1]}, periode {k[2]}{', gebied ' + k[3] if k[3] else ''} "
                        f"staat in meer dan één bestand ({files}); lever elke meting één keer aan"
                    ],
                )
    return validate_measurements(df, str(folder.name))
