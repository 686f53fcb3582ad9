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
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

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

_YES = {"ja", "j", "yes", "y", "true", "waar", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}
_RE_GM = re.compile(r"^GM\d{4}$")
_RE_DUTCH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_RE_DUTCH_DECIMAL = re.compile(r"^-?\d+(,\d+)?$")
_RE_PLAIN_DECIMAL = re.compile(r"^-?\d+\.\d+$")
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
def parse_dutch_number(value: object) -> float | None:
    """``13.601,04`` -> 13601.04; ``1.100`` -> 1100 (Dutch thousands); ``13601.04`` -> 13601.04.

    Returns None for empty cells; raises ValueError for anything that is not a number. A value with
    a point and no comma is read as thousands when the groups after the point have three digits
    (``1.100``), else as a decimal point (``13601.04``, as Excel and other tools write).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if text.endswith("%"):
        text = text[:-1]
    if not text:
        return None
    if _RE_DUTCH_THOUSANDS.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _RE_DUTCH_DECIMAL.match(text):
        return float(text.replace(",", "."))
    if _RE_PLAIN_DECIMAL.match(text):
        return float(text)
    raise ValueError(value)


def normalize_unit(unit: str) -> str:
    """Unit text as the schema writes it: ``procent``/``percentage`` -> ``%``, trimmed, lower case."""
    text = " ".join(str(unit).split())
    low = text.lower()
    if low in {"%", "procent", "percentage", "percent", "pct"}:
        return "%"
    if low in {"euro", "eur", "€", "euro's"}:
        return "euro"
    return low


def _unit_kind(unit: str) -> str:
    u = normalize_unit(unit).lower()
    if u.startswith("%"):
        return "percent"
    if (
        u.startswith("aantal")
        or u.startswith("per ")
        or u
        in {
            "personen",
            "huishoudens",
            "clienten",
            "cliënten",
            "nachten",
            "inwoners",
            "jongeren",
            "kinderen",
            "jeugdigen",
            "deelnemers",
            "gebruikers",
            "mantelzorgers",
            "toekenningen",
        }
    ):
        return "count"
    return "other"


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
        try:
            df = pd.read_csv(
                path,
                sep=";",
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skip_blank_lines=False,
            )
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
    elif suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        df = df.astype(object).where(df.notna(), "")
    else:
        raise RegistrationError(
            path.name, [f"onbekend bestandstype '{path.suffix}'; verwacht .csv of .xlsx"]
        )
    df.columns = [str(c).strip() for c in df.columns]
    df.insert(0, "_rij", range(2, len(df) + 2))
    values = df.drop(columns="_rij")
    empty = values.apply(lambda col: col.map(lambda v: str(v).strip() == "")).all(axis=1)
    return df[~empty].reset_index(drop=True)


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

    goal_index = _goal_index(_frameworks_list(framework))
    file_date = _date_from_file_name(path)
    rows: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    for record in raw.to_dict("records"):
        row, errs = _parse_row(record, path.name, goal_index, file_date)
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
    file_date: str,
) -> tuple[dict[str, Any] | None, list[str]]:
    """One template row as a measurement row, or the problems that stop it (each naming file,
    row and column)."""
    row = _Row(record, file)
    gemeente = _gemeente(row)
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


def _gemeente(row: _Row) -> str:
    gemeente = row.text("gemeente").upper()
    if not _RE_GM.match(gemeente):
        row.error("gemeente", "verwacht een CBS-gemeentecode zoals GM0396", row.text("gemeente"))
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
    raw_value = row.record.get("waarde", "")
    try:
        value = parse_dutch_number(raw_value)
    except ValueError:
        row.error(
            "waarde", "verwacht een getal (bijv. 1.234 of 13.601,04) of een lege cel", raw_value
        )
        return None
    if value is not None and unit:
        kind = _unit_kind(unit)
        if kind == "count" and value < 0:
            row.error(
                "waarde", f"verwacht een getal van 0 of meer (eenheid '{unit}' telt)", raw_value
            )
        if kind == "percent" and not 0 <= value <= 100:
            row.error("waarde", "verwacht een percentage tussen 0 en 100", raw_value)
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
        row.error(
            "doel",
            f"onbekend doel voor {gemeente}; geldige doelen: {', '.join(sorted(goals))}",
            doel,
        )
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
