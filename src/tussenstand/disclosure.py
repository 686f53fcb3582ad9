"""The boundary between raw inputs and anything published: personal data and small numbers.

Two guards:

* :func:`check_no_personal_data` refuses a raw input (a registration export, a plan figure file)
  that looks like it holds personal data: burgerservicenummers (BSN, checked with the elfproef),
  person names, or dates of birth. The monitor only needs aggregated figures; a file with such a
  column is refused before anything is read further or written.
* :func:`apply_disclosure` marks small counts of persons (``onderdrukt``) so that published tables
  and charts show ``< 10`` instead of the number, and suppresses rates derived from such counts.
  :func:`format_published_value` turns a value into the Dutch text a reader sees.

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

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from tussenstand.nlformat import fmt_int, fmt_value

DEFAULT_THRESHOLD = 10
LOCALE = "nl_NL"


class PersonalDataError(ValueError):
    """A raw input holds (or looks like it holds) personal data; it is refused."""

    def __init__(self, source_name: str, findings: list[PersonalDataFinding]):
        self.source_name = source_name
        self.findings = findings
        lines = [
            f"{source_name}: dit bestand lijkt persoonsgegevens te bevatten en is geweigerd. "
            "De monitor werkt alleen met geaggregeerde cijfers (AVG: dataminimalisatie); "
            "er is niets ingelezen of weggeschreven."
        ]
        lines += [f"  kolom '{f.column}': {f.reason}" for f in findings]
        lines.append(
            "  Verwijder deze kolom(men) uit de export (of lever totalen per periode/wijk aan) en "
            "probeer het opnieuw. Is het geen persoonsgegeven, geef de kolom dan een andere naam."
        )
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class PersonalDataFinding:
    column: str
    kind: str  # "bsn", "naam" or "geboortedatum"
    reason: str


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
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, str) and not v.strip():
            continue
        out.append(v)
    return out


def find_personal_data(df: pd.DataFrame, today: date | None = None) -> list[PersonalDataFinding]:
    """Columns of ``df`` that look like personal data (see :func:`check_no_personal_data`)."""
    today = today or date.today()
    findings: list[PersonalDataFinding] = []
    for column in df.columns:
        by_header = _header_kind(column)
        if by_header:
            findings.append(PersonalDataFinding(str(column), *by_header))
            continue
        values = _non_empty(df[column])
        if not values:
            continue
        n = len(values)
        # BSN: most values are 9-digit numbers passing the elfproef (a random 9-digit number
        # passes with chance 1/11, so a column of other identifiers is not refused).
        valid = sum(is_valid_bsn(v) for v in values)
        exact9 = all(_digits(v) is not None and len(_digits(v)) == 9 for v in values)
        if (valid >= 3 and valid / n >= 0.5) or (n <= 2 and valid == n and exact9):
            findings.append(
                PersonalDataFinding(
                    str(column),
                    "bsn",
                    f"{valid} van de {n} waarden zijn negencijferige nummers die de elfproef voor "
                    "burgerservicenummers (BSN) doorstaan",
                )
            )
            continue
        strings = [v for v in values if isinstance(v, str)]
        names = sum(looks_like_person_name(v) for v in strings)
        if names >= 2 and names / n >= 0.5:
            example = next(v for v in strings if looks_like_person_name(v))
            findings.append(
                PersonalDataFinding(
                    str(column),
                    "naam",
                    f"{names} van de {n} waarden zien eruit als namen van personen "
                    f"(bijvoorbeeld '{example}')",
                )
            )
            continue
        if _header_suggests_birth(column):
            dates = [d for d in (_as_full_date(v) for v in values) if d is not None]
            ages = [(today - d).days / 365.25 for d in dates]
            plausible = sum(0 <= a <= 110 for a in ages)
            if plausible and plausible / n >= 0.5:
                findings.append(
                    PersonalDataFinding(
                        str(column),
                        "geboortedatum",
                        f"de kolomnaam wijst op geboorte en {plausible} van de {n} waarden zijn volledige "
                        "datums met een leeftijd van 0 tot 110 jaar: dat zijn geboortedata",
                    )
                )
    return findings


def check_no_personal_data(df: pd.DataFrame, source_name: str, today: date | None = None) -> None:
    """Refuse ``df`` (a raw input named ``source_name``) when it looks like it holds personal data.

    Raises :class:`PersonalDataError` naming the file, each offending column and why: a BSN column
    (header ``bsn``/``burgerservicenummer``, or most values pass the elfproef), a name column
    (header such as ``naam``/``voornaam``/``achternaam``/``client_naam``, or values shaped like
    person names), a date-of-birth column (header ``geboortedatum``/``geb_datum``/``dob``, or a
    birth-like header over full dates that imply ages of 0 to 110). Headers such as
    ``gemeente_naam`` or ``bron`` are not personal. Call it right after reading, before anything
    is written.
    """
    findings = find_personal_data(df, today=today)
    if findings:
        raise PersonalDataError(source_name, findings)


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
    text = _norm(unit).replace("_", " ")
    if text == "aantal":
        return True
    if text.startswith("aantal "):
        text = text[len("aantal ") :]
    return text in {_norm(w) for w in PERSON_UNIT_WORDS}


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


def format_published_value(
    value: object,
    unit: str = "",
    suppressed: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
) -> str:
    """The Dutch text a reader sees for one value.

    ``< 10`` when suppressed; otherwise exactly as the report's other tables and texts round it
    (:func:`tussenstand.nlformat.fmt_value`): ``–`` when missing, ``23,7%``, ``€ 13.601,04``,
    ``39.450``, at most one decimal for rates (``178,4``).
    """
    if suppressed:
        return f"< {fmt_int(threshold)}"
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    return fmt_value(value, unit, missing="–")
