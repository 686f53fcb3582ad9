"""The boundary between raw inputs and anything published: personal data and small numbers.

Two guards:

* :func:`check_no_personal_data` refuses a raw input (a registration export, a plan figure file)
  that looks like it holds personal data: burgerservicenummers (BSN, checked with the elfproef),
  person names, or dates of birth in a column, and in any cell a BSN inside the text, an e-mail
  address, a Dutch phone number or a date of birth (see :func:`find_personal_data` for the rules).
  The monitor only needs aggregated figures; such a file is refused, naming file, column and row
  but never the value itself, before anything is read further or written.
  :func:`redact_personal_data` takes the same patterns out of a text (a failed notebook that is
  kept for inspection).
* :func:`apply_disclosure` marks small counts of persons (``onderdrukt``) so that published tables
  and charts show ``< 10`` instead of the number, and suppresses rates derived from such counts.
  :func:`format_published_value` turns a value into the Dutch text a reader sees; everything that
  writes a value for a reader (tables, sentences, chart alt texts and captions) goes through it.

Which rows are counts of persons (decided by the unit, see :func:`is_person_count_unit`):
unit ``aantal`` (on its own), ``personen``, ``huishoudens``, ``cliënten``, ``inwoners``, ``jongeren``,
``kinderen``, ``jeugdigen``, ``deelnemers``, ``gebruikers``, ``mantelzorgers``, ``leerlingen``,
``vrijwilligers``, ``huishoudens`` and ``aantal <one of those>``, ``aantal toekenningen``. Units such as
``aantal ontmoetingsplekken``, ``nachten``, ``euro``, ``%`` and rates (``per 10.000 inwoners``) are not
counts of persons. A count is suppressed when ``0 < waarde < drempel`` (zero is shown: it discloses
nobody). Rates and percentages are suppressed when the count they are computed from is suppressed
(:data:`RATE_LINKS`, plus the generic rule ``<stam>_aantal`` -> ``<stam>_per_*`` / ``<stam>_pct``).
CBS figures are not re-rounded: CBS rounds its own counts (to multiples of 5 in most social-domain
tables) and those values are shown as published, only suppressed when below the threshold.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

import pandas as pd

from tussenstand.nlformat import fmt_int, fmt_list, fmt_value

DEFAULT_THRESHOLD = 10
LOCALE = "nl_NL"


class PersonalDataError(ValueError):
    """A raw input holds (or looks like it holds) personal data; it is refused.

    The message names the file, each column (by position when its header itself looks personal)
    and the rows, and why; it never repeats a value from the file."""

    def __init__(self, source_name: str, findings: list[PersonalDataFinding]):
        self.source_name = source_name
        self.findings = findings
        lines = [
            f"{source_name}: dit bestand lijkt persoonsgegevens te bevatten en is geweigerd. "
            "De monitor werkt alleen met geaggregeerde cijfers (AVG: dataminimalisatie); "
            "er is niets ingelezen of weggeschreven. De waarden zelf worden hier niet herhaald."
        ]
        lines += [f"  {f.where}: {f.reason}" for f in findings]
        if any(not f.rows for f in findings):
            lines.append(
                "  Verwijder de genoemde kolom(men) uit de export (of lever totalen per periode/wijk "
                "aan) en probeer het opnieuw. Is het geen persoonsgegeven, geef de kolom dan een "
                "andere naam."
            )
        if any(f.rows for f in findings):
            lines.append(
                "  Haal de persoonsgegevens uit de genoemde cellen (een opmerking gaat over de cijfers, "
                "niet over personen) en probeer het opnieuw."
            )
        if any(f.rows and f.kind == "geboortedatum" for f in findings):
            lines.append(
                "  Een datum in vrije tekst: schrijf alleen maand en jaar ('juni 2026'), of zet de "
                "datum van de export in de kolom peildatum."
            )
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class PersonalDataFinding:
    column: str
    kind: str  # "bsn", "naam", "geboortedatum", "e-mail", "telefoon" or "kopregel"
    reason: str
    #: the file's row numbers of the cells concerned (header = row 1); empty for a whole column
    rows: tuple[int, ...] = ()
    #: 1-based position of the column; the header is shown by position when it looks personal
    position: int = 0
    header_hidden: bool = False

    @property
    def where(self) -> str:
        """``kolom 'opmerking', rijen 4 en 7`` (never a value from the file)."""
        if self.header_hidden:
            col = f"kolom {self.position}" + (
                ""
                if self.kind == "kopregel"
                else " (kopregel niet getoond: die lijkt zelf een persoonsgegeven)"
            )
        else:
            col = f"kolom '{self.column}'"
        return f"{col}, {rows_text(self.rows)}" if self.rows else col


#: how many row numbers a message lists before it says how many more there are
MAX_LISTED_ROWS = 8


def rows_text(rows: Sequence[int]) -> str:
    """``rij 4``, ``rijen 4, 7 en 9``, ``rijen 2, 3, ... en 12 andere``."""
    rows = sorted(set(rows))
    if len(rows) == 1:
        return f"rij {fmt_int(rows[0])}"
    shown = [fmt_int(r) for r in rows[:MAX_LISTED_ROWS]]
    more = len(rows) - len(shown)
    if more:
        return f"rijen {', '.join(shown)} en {fmt_int(more)} andere"
    return f"rijen {fmt_list(shown)}"


# ----- BSN -----------------------------------------------------------------------------------
def is_valid_bsn(value: object) -> bool:
    """True when ``value`` is a burgerservicenummer by the elfproef (8 digits get a leading 0).

    Elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is divisible by 11 (and the number is not 0).
    """
    digits = _digits(value)
    if digits is None:
        return False
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _digits(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value) or not value.is_integer():
            return None
        value = int(value)
    text = str(value).strip()
    return text if text.isdigit() else None


# ----- header normalisation ------------------------------------------------------------------
def _norm(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_BSN_TOKENS = {"bsn", "burgerservicenummer", "sofinummer", "sofinr", "sofi"}
_NAME_SUBSTRINGS = (
    "voornaam",
    "voornamen",
    "achternaam",
    "roepnaam",
    "familienaam",
    "geslachtsnaam",
    "tussenvoegsel",
    "voorletters",
    "firstname",
    "first_name",
    "lastname",
    "last_name",
    "surname",
    "given_name",
    "fullname",
    "full_name",
    "persoonsnaam",
    "meisjesnaam",
)
_PERSON_WORDS = {
    "client",
    "clienten",
    "inwoner",
    "persoon",
    "aanvrager",
    "kind",
    "ouder",
    "deelnemer",
    "jongere",
    "jeugdige",
    "mantelzorger",
    "patient",
    "bewoner",
    "leerling",
    "medewerker",
    "contactpersoon",
    "volledige",
    "full",
    "person",
    "klant",
    "cliënt",
    "partner",
    "verzorger",
}
_BIRTH_STRONG = {
    "geboortedatum",
    "geboorte_datum",
    "geb_datum",
    "gebdatum",
    "geboortedag",
    "dob",
    "date_of_birth",
    "birth_date",
    "birthdate",
    "birthday",
    "geb_dat",
    "datum_geboorte",
}
_BIRTH_WEAK = ("geboren", "geboorte", "birth", "born")


def _header_kind(column: object) -> tuple[str, str] | None:
    name = _norm(column)
    tokens = set(name.split("_"))
    if tokens & _BSN_TOKENS:
        return "bsn", "de kolomnaam wijst op burgerservicenummers (BSN)"
    if any(s in name for s in _NAME_SUBSTRINGS) or name in {"naam", "name"}:
        return "naam", "de kolomnaam wijst op namen van personen"
    if tokens & {"naam", "name"} and (tokens - {"naam", "name"}) <= _PERSON_WORDS:
        return "naam", "de kolomnaam wijst op namen van personen"
    if name in _BIRTH_STRONG:
        return "geboortedatum", "de kolomnaam wijst op geboortedata"
    return None


def _header_suggests_birth(column: object) -> bool:
    name = _norm(column)
    return any(w in name for w in _BIRTH_WEAK) or "geb" in name.split("_")


# ----- values --------------------------------------------------------------------------------
_COMMON_FIRST_NAMES = {
    # frequent Dutch given names (all generations) and common names of other origins
    "jan",
    "piet",
    "kees",
    "klaas",
    "henk",
    "hendrik",
    "johannes",
    "cornelis",
    "willem",
    "gerrit",
    "jacob",
    "pieter",
    "dirk",
    "hans",
    "peter",
    "paul",
    "mark",
    "martijn",
    "bas",
    "tim",
    "thomas",
    "daan",
    "sem",
    "lucas",
    "levi",
    "finn",
    "milan",
    "noah",
    "liam",
    "luuk",
    "jesse",
    "max",
    "bram",
    "ruben",
    "stijn",
    "niels",
    "dennis",
    "erik",
    "frank",
    "gert",
    "joost",
    "koen",
    "rob",
    "sander",
    "tom",
    "wim",
    "ad",
    "arie",
    "bert",
    "theo",
    "ton",
    "geert",
    "sjaak",
    "harm",
    "jos",
    "maria",
    "anna",
    "johanna",
    "cornelia",
    "elisabeth",
    "wilhelmina",
    "hendrika",
    "grietje",
    "emma",
    "julia",
    "sophie",
    "tess",
    "zoë",
    "zoe",
    "sara",
    "sarah",
    "eva",
    "lisa",
    "anne",
    "fleur",
    "lotte",
    "sanne",
    "femke",
    "inge",
    "linda",
    "monique",
    "marieke",
    "petra",
    "karin",
    "ingrid",
    "annemarie",
    "els",
    "ans",
    "ria",
    "truus",
    "joke",
    "marja",
    "wilma",
    "mieke",
    "nicole",
    "sandra",
    "esther",
    "ilse",
    "iris",
    "noor",
    "saar",
    "lieke",
    "anouk",
    "laura",
    "mohamed",
    "mohammed",
    "ahmed",
    "ali",
    "fatima",
    "ayse",
    "mehmet",
    "yusuf",
    "omar",
    "hassan",
    "john",
    "james",
    "michael",
    "david",
    "robert",
    "mary",
    "jennifer",
    "susan",
    "karen",
}
_PARTICLES = r"(?:van|de|der|den|ter|ten|te|het|in|'t|op|la|le|du|da|el|al|von|vd|v\.d\.)"
_NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?"
_RE_FIRST_LAST = re.compile(rf"^({_NAME_WORD})\s+(?:{_PARTICLES}\s+)*{_NAME_WORD}$")
_RE_INITIALS_LAST = re.compile(rf"^(?:[A-Z]\.\s?){{1,4}}\s*(?:{_PARTICLES}\s+)*{_NAME_WORD}$")
_RE_LAST_INITIALS = re.compile(
    rf"^(?:{_PARTICLES}\s+)*{_NAME_WORD},\s*(?:[A-Z]\.\s?){{1,4}}"
    rf"(?:\s*{_PARTICLES})*$"
)


def looks_like_person_name(value: object) -> bool:
    """A value shaped like a person's name: 'Jan de Vries', 'J.P. Jansen', 'Jansen, J.'.

    'First Last' only counts when the first word is a common given name, so that place names and
    district names ('Broekpolder', 'Oud Heemskerk') are not mistaken for persons.
    """
    if not isinstance(value, str):
        return False
    text = " ".join(value.split())
    if not text or len(text) > 60:
        return False
    if _RE_INITIALS_LAST.match(text) or _RE_LAST_INITIALS.match(text):
        return True
    m = _RE_FIRST_LAST.match(text)
    return bool(m and m[1].split("-")[0].lower() in _COMMON_FIRST_NAMES)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


def _as_full_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _non_empty(series: pd.Series) -> list[object]:
    out = []
    for v in series.tolist():
        if _is_empty(v):
            continue
        out.append(v)
    return out


def _is_empty(v: object) -> bool:
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return True
    return isinstance(v, str) and not v.strip()


# ----- personal data inside a cell (free text) -----------------------------------------------
#: Columns of free text (a supplier's note, a source description): every full date in them
#: counts as a possible date of birth (see :func:`find_personal_data`).
FREE_TEXT_COLUMNS = frozenset(
    {
        "opmerking",
        "opmerkingen",
        "bron",
        "toelichting",
        "omschrijving",
        "beschrijving",
        "notitie",
        "notities",
        "commentaar",
        "memo",
        "note",
        "notes",
        "comment",
        "comments",
        "remark",
        "remarks",
        "description",
    }
)
#: A full date this many years before today or less (and not in the future) can be a date of birth.
MAX_AGE_YEARS = 110

_RE_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Dutch phone numbers: 10 digits starting with 0 (0612345678, 06-12345678, 020-1234567,
# 0251 12 34 56, (020) 123 4567) or +31 / 0031 and 9 digits (+31 6 1234 5678, +31(0)20-1234567).
_RE_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)31[\s.-]*(?:\(0\)[\s.-]*)?[1-9](?:[\s.-]?\d){8}"
    r"|\(?0[1-9]\d{0,2}(?:\)\s?|\s?-\s?|\s)\d(?:\s?\d){5,8}"
    r"|0[1-9]\d{8}"
    r")(?!\d)"
)
# nine digits on their own (not part of a longer number or a decimal fraction), or written in
# the usual groups 1234.56.782
_RE_NINE_DIGITS = re.compile(r"(?<!\d)(?<!\d[.,])\d{9}(?![.,]?\d)")
_RE_BSN_GROUPED = re.compile(r"(?<![\d.])\d{4}[. ]\d{2}[. ]\d{3}(?![.,]?\d)")
_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_RE_DATES = (
    # 12-03-1985, 12/3/1985, 12.03.1985
    (re.compile(r"(?<![\d.,/-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?![\d/-])"), "dmy"),
    # 1985-03-12, 1985/03/12
    (re.compile(r"(?<![\d.,/-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d/-])"), "ymd"),
    # 12 maart 1985, 12 mrt. 1985, 1 jan 1985
    (
        re.compile(rf"(?<!\d)(\d{{1,2}})(?:e)?\s+({_MONTH_NAMES})\.?\s+(\d{{4}})(?!\d)", re.I),
        "d_month_y",
    ),
)
# a date with a two-digit year (12-03-85) only counts next to a word for birth
_RE_DATE_SHORT_YEAR = re.compile(r"(?<![\d.,/-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})(?![\d/-])")
_RE_BIRTH_WORD = re.compile(
    r"geboren|geboorte\w*|\bgeb\b\.?|\bdob\b|date of birth|born|birth", re.I
)
#: how far (in characters) a word for birth may stand from the date it names
_BIRTH_WORD_WINDOW = 30
# a name anywhere in a text (for redaction only): a common given name and a surname, or initials
_RE_NAME_IN_TEXT = re.compile(rf"(?<![\w.])({_NAME_WORD})\s+(?:{_PARTICLES}\s+)*{_NAME_WORD}")
_RE_INITIALS_IN_TEXT = re.compile(
    rf"(?<![\w.])(?:[A-Z]\.\s?){{1,4}}\s*(?:{_PARTICLES}\s+)*{_NAME_WORD}"
)
_RE_QUOTED = re.compile(r"(['\"])([^'\"\n]{3,60})\1")

_REASONS = {
    "bsn": "bevat een negencijferig nummer dat de elfproef voor burgerservicenummers (BSN) "
    "doorstaat",
    "e-mail": "bevat een e-mailadres",
    "telefoon": "bevat een telefoonnummer",
    "geboren": "bevat een volledige datum bij een woord als 'geboren', 'geb.' of 'geboortedatum': "
    "een geboortedatum",
    "datum": f"bevat een volledige datum (dag, maand en jaar) van 0 tot {MAX_AGE_YEARS} jaar "
    "geleden; in vrije tekst kan dat een geboortedatum zijn",
}


_HEADER_REASON = (
    "de kopregel zelf lijkt een persoonsgegeven (een naam, e-mailadres, telefoonnummer, BSN of "
    "datum); geef de kolom een gewone naam"
)


def _cell_text(value: object) -> str | None:
    """A cell as the text to search: whole numbers without '.0' (as Excel shows them)."""
    if _is_empty(value) or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return None  # a date cell is a date, not text (see _date_cell)
    return str(value)


def _years_before(earlier: date, today: date) -> float:
    return (today - earlier).days / 365.25


def _possible_birth_date(d: date, today: date) -> bool:
    return 0 <= _years_before(d, today) <= MAX_AGE_YEARS


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates_in(text: str) -> list[tuple[date, int, int]]:
    """Every full date written in ``text`` with where it stands (start, end)."""
    found = []
    for pattern, kind in _RE_DATES:
        for m in pattern.finditer(text):
            if kind == "dmy":
                d = _make_date(int(m[3]), int(m[2]), int(m[1]))
            elif kind == "ymd":
                d = _make_date(int(m[1]), int(m[2]), int(m[3]))
            else:
                d = _make_date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
            if d is not None:
                found.append((d, m.start(), m.end()))
    return found


def _near_birth_word(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - _BIRTH_WORD_WINDOW) : end + _BIRTH_WORD_WINDOW]
    return bool(_RE_BIRTH_WORD.search(window))


def _short_year_birth_dates(text: str, today: date) -> bool:
    """A date with a two-digit year (12-03-85) next to a word for birth."""
    for m in _RE_DATE_SHORT_YEAR.finditer(text):
        year = 2000 + int(m[3])
        if year > today.year:
            year -= 100
        d = _make_date(year, int(m[2]), int(m[1]))
        if d and _possible_birth_date(d, today) and _near_birth_word(text, m.start(), m.end()):
            return True
    return False


def _is_phone(match: str) -> bool:
    digits = re.sub(r"\D", "", match.replace("(0)", ""))
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif match.lstrip().startswith("+31"):
        digits = "0" + digits[2:]
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def _has_bsn(text: str, free_text: bool) -> bool:
    """A BSN in the text: nine digits in the usual groups (1234.56.782), or a run of nine digits
    in free text or among words. A bare nine-digit value in another column is an identifier or an
    amount; the column rule judges those (a random number passes the elfproef 1 time in 11)."""
    runs = [re.sub(r"\D", "", m[0]) for m in _RE_BSN_GROUPED.finditer(text)]
    if free_text or re.search(r"[^\W\d_]", text):
        runs += [m[0] for m in _RE_NINE_DIGITS.finditer(text)]
    return any(is_valid_bsn(r) for r in runs)


def personal_data_in_text(text: str, *, free_text: bool, today: date | None = None) -> list[str]:
    """The kinds of personal data inside one cell's text (keys of the reasons): ``bsn`` (nine digits
    that pass the elfproef: written 1234.56.782, or a run of nine in free text or among words),
    ``e-mail``, ``telefoon`` (a Dutch
    number), ``geboren`` (a full date next to 'geboren', 'geb.', 'geboortedatum', ...; with a
    two-digit year too) and, in a free-text column, ``datum`` (any full date 0 to 110 years
    before ``today``)."""
    today = today or date.today()
    kinds = []
    if _has_bsn(text, free_text):
        kinds.append("bsn")
    if _RE_EMAIL.search(text):
        kinds.append("e-mail")
    if any(_is_phone(m[0]) for m in _RE_PHONE.finditer(text)):
        kinds.append("telefoon")
    dates = [(d, a, b) for d, a, b in _dates_in(text) if _possible_birth_date(d, today)]
    if any(_near_birth_word(text, a, b) for _, a, b in dates) or _short_year_birth_dates(
        text, today
    ):
        kinds.append("geboren")
    elif free_text and dates:
        kinds.append("datum")
    return kinds


def _cell_findings(
    column: object, values: pd.Series, rows: Sequence[int], today: date
) -> dict[str, list[int]]:
    """Kind -> the rows of ``values`` (one column) with personal data in the cell."""
    free_text = _norm(column) in FREE_TEXT_COLUMNS
    found: dict[str, list[int]] = {}
    for value, row in zip(values.tolist(), rows, strict=True):
        if free_text and isinstance(value, datetime | date) and not _is_empty(value):
            # Excel turns '12-03-1985' in a text column into a date cell
            day = value.date() if isinstance(value, datetime) else value
            kinds = ["datum"] if _possible_birth_date(day, today) else []
        else:
            text = _cell_text(value)
            kinds = personal_data_in_text(text, free_text=free_text, today=today) if text else []
        for kind in kinds:
            found.setdefault(kind, []).append(row)
    return found


def _header_is_personal(column: object, today: date) -> bool:
    text = str(column)
    return bool(personal_data_in_text(text, free_text=True, today=today)) or (
        looks_like_person_name(text)
    )


def _finding(
    column: object,
    position: int,
    hidden: bool,
    kind: str,
    reason: str,
    rows: Sequence[int] = (),
) -> PersonalDataFinding:
    return PersonalDataFinding(
        "" if hidden else str(column), kind, reason, tuple(sorted(set(rows))), position, hidden
    )


def find_personal_data(
    df: pd.DataFrame, today: date | None = None, rows: Sequence[int] | None = None
) -> list[PersonalDataFinding]:
    """What in ``df`` looks like personal data (see :func:`check_no_personal_data`).

    Per column: a header that names BSNs, names or dates of birth; values that are mostly BSNs
    (elfproef) or person names; a birth-like header over full dates. Per cell, in every column:
    a BSN inside the text, an e-mail address, a phone number, a full date next to a word for
    birth; in a free-text column (:data:`FREE_TEXT_COLUMNS`) also any full date 0 to 110 years
    before ``today``. ``rows`` are the file's row numbers of ``df``'s rows (default: header in
    row 1, then one row per data row).
    """
    today = today or date.today()
    row_numbers = list(rows) if rows is not None else list(range(2, len(df) + 2))
    if len(row_numbers) != len(df):
        raise ValueError("find_personal_data: rows moet één rijnummer per rij van df geven")
    findings: list[PersonalDataFinding] = []
    for position, column in enumerate(df.columns, start=1):
        hidden = _header_is_personal(column, today)
        finding = partial(_finding, column, position, hidden)
        by_header = _header_kind(column)
        if by_header:
            findings.append(finding(*by_header))
            continue
        series = df.iloc[:, position - 1]
        values = _non_empty(series)
        if not values:
            if hidden:
                findings.append(finding("kopregel", _HEADER_REASON))
            continue
        n = len(values)
        cells_with_rows = list(zip(series.tolist(), row_numbers, strict=True))
        # BSN: most values are 9-digit numbers passing the elfproef (a random 9-digit number
        # passes with chance 1/11, so a column of other identifiers is not refused).
        bsn_rows = [row for value, row in cells_with_rows if is_valid_bsn(value)]
        valid = len(bsn_rows)
        exact9 = all(_digits(v) is not None and len(_digits(v)) == 9 for v in values)
        if (valid >= 3 and valid / n >= 0.5) or (n <= 2 and valid == n and exact9):
            findings.append(
                finding(
                    "bsn",
                    f"{fmt_int(valid)} van de {fmt_int(n)} waarden zijn negencijferige nummers die "
                    f"de elfproef voor burgerservicenummers (BSN) doorstaan ({rows_text(bsn_rows)})",
                )
            )
            continue
        name_rows = [
            row
            for value, row in cells_with_rows
            if isinstance(value, str) and looks_like_person_name(value)
        ]
        if len(name_rows) >= 2 and len(name_rows) / n >= 0.5:
            findings.append(
                finding(
                    "naam",
                    f"{fmt_int(len(name_rows))} van de {fmt_int(n)} waarden zien eruit als namen "
                    f"van personen ({rows_text(name_rows)})",
                )
            )
            continue
        if _header_suggests_birth(column):
            birth_rows = [
                row
                for value, row in cells_with_rows
                if (d := _as_full_date(value)) is not None and _possible_birth_date(d, today)
            ]
            plausible = len(birth_rows)
            if plausible and plausible / n >= 0.5:
                findings.append(
                    finding(
                        "geboortedatum",
                        f"de kolomnaam wijst op geboorte en {fmt_int(plausible)} van de "
                        f"{fmt_int(n)} waarden zijn volledige datums met een leeftijd van 0 tot "
                        f"{MAX_AGE_YEARS} jaar: dat zijn geboortedata ({rows_text(birth_rows)})",
                    )
                )
                continue
        cells = _cell_findings(column, series, row_numbers, today)
        for kind, at in cells.items():
            findings.append(
                finding(
                    "geboortedatum" if kind in ("geboren", "datum") else kind, _REASONS[kind], at
                )
            )
        if hidden and not cells:
            findings.append(finding("kopregel", _HEADER_REASON))
    return findings


def check_no_personal_data(
    df: pd.DataFrame,
    source_name: str,
    today: date | None = None,
    rows: Sequence[int] | None = None,
) -> None:
    """Refuse ``df`` (a raw input named ``source_name``) when it looks like it holds personal data.

    Raises :class:`PersonalDataError` naming the file, each offending column, the rows and why,
    never the value itself. By column: a BSN column (header ``bsn``/``burgerservicenummer``, or
    most values pass the elfproef), a name column (header such as ``naam``/``voornaam``/
    ``achternaam``/``client_naam``, or values shaped like person names), a date-of-birth column
    (header ``geboortedatum``/``geb_datum``/``dob``, or a birth-like header over full dates that
    imply ages of 0 to 110). By cell, in every column: a run of nine digits (or ``1234.56.782``)
    that passes the elfproef, an e-mail address, a Dutch phone number, a full date next to a word
    for birth; in a free-text column (``opmerking``, ``bron``, ... :data:`FREE_TEXT_COLUMNS`) any
    full date 0 to 110 years before ``today``. Headers such as ``gemeente_naam`` or ``bron`` are
    not personal. ``rows`` are the file's row numbers of ``df``'s rows (header = row 1). Call it
    right after reading, before anything is written.
    """
    findings = find_personal_data(df, today=today, rows=rows)
    if findings:
        raise PersonalDataError(source_name, findings)


REDACTED = "<verwijderd>"


def redact_personal_data(text: str) -> str:
    """``text`` with everything that may be personal data replaced by ``<verwijderd>``: e-mail
    addresses, phone numbers, runs of nine digits that pass the elfproef, every full date (a
    traceback cannot tell a date of birth from another date), quoted values shaped like a
    person's name, and a common given name followed by a surname or initials followed by a
    surname anywhere. For what is kept for inspection, not for reports (it over-redacts on purpose)."""
    text = _RE_EMAIL.sub(REDACTED, text)
    text = _RE_PHONE.sub(lambda m: REDACTED if _is_phone(m[0]) else m[0], text)
    text = _RE_NINE_DIGITS.sub(lambda m: REDACTED if is_valid_bsn(m[0]) else m[0], text)
    text = _RE_BSN_GROUPED.sub(
        lambda m: REDACTED if is_valid_bsn(re.sub(r"\D", "", m[0])) else m[0], text
    )
    for pattern, _ in _RE_DATES:
        text = pattern.sub(REDACTED, text)
    text = _RE_DATE_SHORT_YEAR.sub(
        lambda m: REDACTED if _near_birth_word(m.string, m.start(), m.end()) else m[0], text
    )
    text = _RE_QUOTED.sub(
        lambda m: f"{m[1]}{REDACTED}{m[1]}" if looks_like_person_name(m[2]) else m[0], text
    )
    text = _RE_INITIALS_IN_TEXT.sub(REDACTED, text)
    return _RE_NAME_IN_TEXT.sub(
        lambda m: REDACTED if m[1].split("-")[0].lower() in _COMMON_FIRST_NAMES else m[0], text
    )


# ----- small numbers -------------------------------------------------------------------------
PERSON_UNIT_WORDS = frozenset(
    {
        "personen",
        "huishoudens",
        "clienten",
        "inwoners",
        "jongeren",
        "kinderen",
        "jeugdigen",
        "deelnemers",
        "gebruikers",
        "mantelzorgers",
        "leerlingen",
        "vrijwilligers",
        "toekenningen",
        "volwassenen",
        "ouderen",
        "inburgeraars",
        "uitkeringsgerechtigden",
        "cliënten",
    }
)

#: rate or percentage indicator -> the count indicator it is computed from
RATE_LINKS: dict[str, str] = {
    "wmo_clienten_per_10000": "wmo_clienten_aantal",
    "reintegratie_per_10000": "reintegratie_lopend_aantal",
    "jongeren_jeugdzorg_pct": "jongeren_jeugdzorg_aantal",
    "bijstand_per_10000": "bijstand_aantal",
}


def is_person_count_unit(unit: object) -> bool:
    """True for units that count persons (``aantal``, ``personen``, ``aantal huishoudens``, ...)."""
    return _is_person_count_unit(str(unit))


@functools.lru_cache(maxsize=1024)
def _is_person_count_unit(unit: str) -> bool:
    # cached: called for every row of every frame published (a national series has 180.000 rows
    # with a handful of different units)
    text = _norm(unit).replace("_", " ")
    if text == "aantal":
        return True
    if text.startswith("aantal "):
        text = text[len("aantal ") :]
    return text in _PERSON_UNITS


_PERSON_UNITS = frozenset(_norm(w) for w in PERSON_UNIT_WORDS)


def _linked_count(indicator: str, links: Mapping[str, str]) -> str | None:
    if indicator in links:
        return links[indicator]
    m = re.match(r"^(.+?)_(?:per_\w+|pct|percentage)$", indicator)
    return f"{m[1]}_aantal" if m else None


def apply_disclosure(
    df: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    rate_links: Mapping[str, str] | None = None,
    blank_values: bool = True,
) -> pd.DataFrame:
    """Mark small counts of persons and the rates derived from them as ``onderdrukt``.

    ``threshold`` comes from ``tussenstand.yml`` (``onthulling.drempel``, ``ProjectConfig.
    disclosure_threshold``). With ``blank_values=True`` (for anything published) the suppressed
    values are removed (``waarde`` NaN, ``ontbreekt_reden`` says why) so that no CSV or chart can
    leak them; with ``False`` (the internal ``metingen.parquet``) only the flag is set. Returns a
    new frame; ``df`` is not changed. Rows already ``onderdrukt`` stay so.
    """
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise ValueError(
            f"drempel voor kleine aantallen moet een geheel getal >= 1 zijn, niet {threshold!r}"
        )
    links = {**RATE_LINKS, **(rate_links or {})}
    out = df.copy()
    if "onderdrukt" not in out.columns:
        out["onderdrukt"] = False
    values = pd.to_numeric(out["waarde"], errors="coerce")
    person = out["eenheid"].map(is_person_count_unit).astype(bool)
    small = person & values.gt(0) & values.lt(threshold)
    suppressed = out["onderdrukt"].fillna(False).astype(bool) | small

    gebied = out["gebied"] if "gebied" in out.columns else pd.Series("", index=out.index)
    keys = set(
        zip(
            out.loc[suppressed, "gemeente"],
            out.loc[suppressed, "indicator"],
            out.loc[suppressed, "periode"],
            gebied[suppressed],
            strict=True,
        )
    )
    if keys:
        derived = [
            (
                _linked_count(ind, links) is not None
                and (gm, _linked_count(ind, links), per, geb) in keys
            )
            for gm, ind, per, geb in zip(
                out["gemeente"], out["indicator"], out["periode"], gebied, strict=True
            )
        ]
        suppressed = suppressed | pd.Series(derived, index=out.index)
    out["onderdrukt"] = suppressed.astype(bool)
    if blank_values and suppressed.any():
        out.loc[suppressed, "waarde"] = float("nan")
        if "ontbreekt_reden" in out.columns:
            out.loc[suppressed, "ontbreekt_reden"] = f"onderdrukt: kleine aantallen (< {threshold})"
    return out


#: what a suppressed value that is not itself a count of persons (a rate or percentage computed
#: from a small count) shows: it is not below the threshold, its count is
SUPPRESSED_TEXT = "onderdrukt"


def format_published_value(
    value: object,
    unit: str = "",
    suppressed: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    computed: bool = False,
    with_unit: bool = False,
    missing: str = "\u2013",
) -> str:
    """The Dutch text a reader sees for one value: the one function every table, sentence, alt
    text and caption formats a value with.

    Suppressed: ``< 10`` for a count of persons (``< 10 kinderen`` with ``with_unit``), and
    ``onderdrukt`` for anything else: a rate or percentage computed from a small count, or a value
    ``computed`` from one (a target or the straight path from a suppressed starting point), is not
    itself below 10. Otherwise exactly as the report's other tables and texts round it
    (:func:`tussenstand.nlformat.fmt_value`): ``missing`` (``–``) when missing, ``23,7%``,
    ``€ 13.601,04``, ``39.450``, at most one decimal for rates (``178,4``).
    """
    if suppressed:
        if is_person_count_unit(unit) and not computed:
            return f"< {fmt_value(threshold, unit, with_unit=with_unit)}"
        return SUPPRESSED_TEXT
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    return fmt_value(value, unit, with_unit=with_unit, missing=missing)
