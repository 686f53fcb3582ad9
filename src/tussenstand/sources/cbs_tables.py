"""CBS StatLine tables in: one table file read, one table cleaned into long series.

A StatLine table arrives as CSV (fetched with ``cbsodata`` by :mod:`tussenstand.sources.cbs_fetch`
or exported by hand from StatLine): ``;``-separated, UTF-8 with BOM, dimension *titles* as values
(``Heemskerk``, ``1e halfjaar 2023``), numbers like ``1075.0``, CBS special values (``.``, ``x``,
``-``, ``?``) or empty cells for missing figures, and fixed-width padding.

:data:`TABLES` says, per supported table, which columns become which series (codes and Dutch units
as in ``docs/architectuur.md``). :func:`read_table` reads one file, :func:`clean_table` turns it into
the tidy measurement schema (:mod:`tussenstand.schema`). The national series, every table cleaned
once for all gemeenten, are built on top of this in :mod:`tussenstand.sources.cbs_national`.

Decisions:

* Regions are identified by their title and mapped to codes through the areas table
  (:func:`tussenstand.sources.areas.name_to_code`); tables with a region code column (80860ned,
  85383NED) are read by code. Gemeenten get their GM code, ``Nederland`` ``NL01``; provinces,
  landsdelen, COROP areas, arbeidsmarktregio's and jeugdzorgregio's keep their own CBS codes
  (``PV27``, ``CR20``, ``AM37``, ``JZ10``). Rows that do not resolve (size classes such as
  ``20 000 tot 50 000 inwoners``, gemeenten that no longer exist in tables without a code column)
  are dropped; their titles are listed in ``df.attrs['niet_gekoppeld']``.
* Missing values become NaN with a Dutch reason in ``ontbreekt_reden``.
* Provisional and final figures: per gemeente x indicator x period a final figure wins; a
  provisional one is kept (``voorlopig=True``) only where no final figure exists.
* Two different values for one gemeente x indicator x period are an error, never silently dropped.
* The yearly 'Kerncijfers wijken en buurten' (:data:`KWB_TABLES`) are gap-filling tables
  (``fills_gaps``): their rows count only where no primary table has the key. Their columns are
  matched without CBS's number (:func:`prepare_kwb`), and their age groups must add up to the
  inhabitants.
* ``peildatum`` is the download date from the fetch sidecar ``<tabel>.meta.json``
  (:class:`tussenstand.handoff.TableMeta`); without a sidecar (or without a date in it) it is
  empty: the download date is unknown, and the report says so. A file's modification date is never
  a peildatum (copying a file changes it).
* A file is checked for completeness before it is trusted (:func:`read_table`): a line cut off
  (the file does not end with a line break, for example in the middle of a number), a line with
  fewer fields than the header, fewer data rows than the sidecar says the download had. Such
  lines are not used; the problems go with the table in ``attrs['bestandsproblemen']``
  (:class:`tussenstand.handoff.FileProblem`). Whether a file covers every gemeente of a year is
  checked against the gemeenten of that year (:mod:`tussenstand.sources.municipalities`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tussenstand.config import CBS_DIR_ENV
from tussenstand.handoff import FileProblem, TableMeta
from tussenstand.nlformat import fmt_number
from tussenstand.periods import ParsedPeriod, PeriodError, parse_period_label
from tussenstand.schema import KEY_COLUMNS, NATIONAL_CODE, conform_series
from tussenstand.sources.areas import AREA_TABLES, AREA_TITLES, name_to_code
from tussenstand.sources.csvfile import csv_shape, read_semicolon_csv

BRON = "CBS StatLine"

# CBS special values -> reason (Dutch, shown to readers)
SPECIAL_VALUES: dict[str, str] = {
    ".": "CBS: nog niet beschikbaar (.)",
    "x": "CBS: geheim (x)",
    "X": "CBS: geheim (x)",
    "-": "CBS: nihil (-)",
    "?": "CBS: onbetrouwbaar (?)",
    "": "CBS: geen waarde gepubliceerd",
}
REASON_NO_DENOMINATOR = "afgeleid: noemer ontbreekt of is 0"

Kind = Literal["count", "pct", "rate"]


class CBSDataError(ValueError):
    """A CBS table that is missing, malformed or self-contradictory."""


class CBSDataMissing(CBSDataError, FileNotFoundError):
    """The CBS folder or a table in it is not there."""


@dataclass(frozen=True)
class Series:
    """One column of a table that becomes one long series."""

    column: str
    indicator: str
    unit: str
    kind: Kind = "count"
    factor: float = 1.0


@dataclass(frozen=True)
class Derived:
    """A series computed row-wise from other columns of the same table."""

    indicator: str
    unit: str
    columns: tuple[str, ...]
    func: Callable[..., object]
    kind: Kind = "count"


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    title: str
    series: tuple[Series, ...] = ()
    derived: tuple[Derived, ...] = ()
    filters: Mapping[str, str] = field(default_factory=dict)
    period_column: str | None = "Perioden"
    fixed_period: str | None = None
    status_column: str | None = None
    code_column: str | None = None
    continues: str | None = None
    truncated: bool = False
    note: str = ""
    #: a function that brings the raw table into the shape the fields above describe (column
    #: names, region column, codes) before it is cleaned; None for tables that already have it
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    #: a secondary source: its rows are used only for keys that no primary table has (see
    #: :mod:`tussenstand.sources.cbs_national`), and it is not needed where the geo files are
    fills_gaps: bool = False
    #: the OData ``$filter`` that ``tussenstand fetch`` downloads the table with (None: all rows)
    fetch_filter: str | None = None
    #: CBS gives every period in the gemeente boundaries of this one year (else: of each period's
    #: own year); decides where a municipal merger breaks a series
    regions_as_of: int | None = None


def per_10000(count, population):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(population > 0, count / population * 10000, np.nan)


PCT_YOUTH = "% van jongeren tot 18 jaar"
#: TotaalBijstandsuitkeringen (85383NED) counts benefits, not persons: the BBV indicator counts
#: persons with a bijstandsuitkering; one person can have more than one benefit
UNIT_BENEFITS_PER_10000 = "uitkeringen per 10.000 inwoners van 18 jaar en ouder"
_JEUGD_SERIES = (
    Series("JongerenMetJeugdhulpInNatura_1", "jongeren_jeugdhulp_pct", PCT_YOUTH, "pct"),
    Series("JongerenMetJeugdbescherming_3", "jongeren_jeugdbescherming_pct", PCT_YOUTH, "pct"),
    Series(
        "JongerenMetJeugdreclassering_5",
        "jongeren_jeugdreclassering_pct",
        "% van jongeren van 12 tot 23 jaar",
        "pct",
    ),
)

TABLES: dict[str, TableSpec] = {
    "85383NED": TableSpec(
        "85383NED",
        "Maatstaven Financiële-verhoudingswet (Fvw)",
        series=(
            Series("InwonersTotaal_1", "inwoners", "aantal"),
            Series("InwonersJongerDan18_2", "inwoners_0_17", "aantal"),
            Series("InwonersJongerDan65_3", "inwoners_0_64", "aantal"),
            Series("Inwoners10TotEnMet24Jaar_4", "inwoners_10_24", "aantal"),
            Series("Inwoners15TotEnMet64Jaar_5", "inwoners_15_64", "aantal"),
            Series("Inwoners18TotEnMet44Jaar_6", "inwoners_18_44", "aantal"),
            Series("Inwoners75Plus_7", "inwoners_75plus", "aantal"),
            Series("Eenpersoonshuishoudens_19", "huishoudens_eenpersoons_maatstaf", "aantal"),
            Series("Eenouderhuishoudens_20", "huishoudens_eenouder_maatstaf", "aantal"),
            Series("HuishoudensMetRelatiefLaagInkomen_21", "huishoudens_laag_inkomen", "aantal"),
            Series("TotaalBijstandsuitkeringen_22", "bijstand_aantal", "aantal"),
            Series("AlgemeneBijstand_23", "bijstand_algemeen_aantal", "aantal"),
            Series("PersonenMetLoonkostensubsidie_30", "loonkostensubsidie_aantal", "aantal"),
            Series("WajongUitkeringen_32", "wajong_aantal", "aantal"),
        ),
        derived=(
            Derived(
                "inwoners_65plus_maatstaf",
                "aantal",
                ("InwonersTotaal_1", "InwonersJongerDan65_3"),
                lambda t, y: t - y,
            ),
            Derived(
                "bijstand_per_10000",
                UNIT_BENEFITS_PER_10000,
                ("TotaalBijstandsuitkeringen_22", "InwonersTotaal_1", "InwonersJongerDan18_2"),
                lambda b, t, y: per_10000(b, t - y),
                "rate",
            ),
            # exact shares from the counts (the geo files round them to whole percents)
            Derived(
                "aandeel_65plus",
                "%",
                ("InwonersTotaal_1", "InwonersJongerDan65_3"),
                lambda t, y: np.where(t > 0, (t - y) / t * 100, np.nan),
                "pct",
            ),
            Derived(
                "aandeel_0_15",
                "%",
                ("InwonersTotaal_1", "InwonersJongerDan65_3", "Inwoners15TotEnMet64Jaar_5"),
                lambda t, y, w: np.where(t > 0, (y - w) / t * 100, np.nan),
                "pct",
            ),
        ),
        status_column="StatusCijfer",
        code_column="Regiocode_73",
    ),
    "82972NED": TableSpec(
        "82972NED",
        "Jeugdzorg; beleidsindicatoren, regio (2015-2020)",
        series=_JEUGD_SERIES,
    ),
    "85098NED": TableSpec(
        "85098NED",
        "Indicatoren jeugdzorg in natura; gemeenten",
        series=_JEUGD_SERIES,
        continues="82972NED",
    ),
    "85099NED": TableSpec(
        "85099NED",
        "Jongeren met jeugdzorg; regio",
        series=(
            Series("JongerenMetJeugdzorg_1", "jongeren_jeugdzorg_aantal", "aantal"),
            Series(
                "JongerenMetJeugdzorgRelatief_2",
                "jongeren_jeugdzorg_pct",
                "% van alle jongeren tot 23 jaar",
                "pct",
            ),
        ),
        filters={"VormenVanJeugdzorg": "JZ Totaal jeugdzorg"},
        truncated=True,
    ),
    "86050NED": TableSpec(
        "86050NED",
        "Wmo-cliënten; type maatwerkvoorziening (detail), regio",
        series=(
            Series("WmoClienten_1", "wmo_clienten_aantal", "aantal"),
            Series(
                "WmoClientenPer1000Inwoners_2",
                "wmo_clienten_per_10000",
                "per 10.000 inwoners",
                "rate",
                factor=10.0,
            ),
        ),
        filters={"TypeMaatwerkvoorziening": "Totaal"},
        truncated=True,
        note="CBS publiceert per 1.000 inwoners (afgerond op hele getallen); x 10 = per 10.000.",
    ),
    "86060NED": TableSpec(
        "86060NED",
        "Wmo-gebruik; aantal maatwerkvoorzieningen, regio",
        series=(
            Series("ClientenMetMaatwerkvoorzieningen_1", "wmo_clienten_maatwerk_aantal", "aantal"),
            Series(
                "HuishoudensMetMaatwerkvoorzieningen_2", "wmo_huishoudens_maatwerk_aantal", "aantal"
            ),
        ),
        filters={"AantalMaatwerkvoorzieningen": "Totaal"},
    ),
    "85588NED": TableSpec(
        "85588NED",
        "Re-integratie-/participatievoorzieningen; type, status voorziening en regio",
        series=(
            Series(
                "ReIntegratieParticipatievoorzieningen_1", "reintegratie_lopend_aantal", "aantal"
            ),
        ),
        filters={
            "TypeReIntegratieParticipatievoorz": "Totaal re-integratie-/participatievoorz.",
            "StatusVoorziening": "Lopend eind verslagperiode",
        },
        truncated=True,
    ),
    "83450NED": TableSpec(
        "83450NED",
        "Sociale zekerheid: gemeenten 2015",
        series=(
            Series(
                "Bijstandsdichtheid_3",
                "bijstandsdichtheid_15plus_per_10000",
                "per 10.000 inwoners van 15 jaar en ouder",
                "rate",
                factor=10.0,
            ),
            Series("Bijstandontvangers_2", "bijstand_ontvangers_15plus_aantal", "aantal"),
            Series(
                "PersonenMetReIntegratievoorziening_10", "reintegratie_personen_aantal", "aantal"
            ),
        ),
        filters={"Leeftijd": "15 jaar of ouder"},
        period_column=None,
        fixed_period="2015",
        note="Het bestand noemt geen periode; 2015 is aangenomen (of de periode uit "
        "83450NED.meta.json als die er is).",
    ),
    "71486ned": TableSpec(
        "71486ned",
        "Huishoudens; samenstelling, grootte, regio, 1 januari",
        series=(
            Series("TotaalParticuliereHuishoudens_1", "huishoudens_totaal", "aantal"),
            Series("Eenpersoonshuishouden_2", "huishoudens_eenpersoons", "aantal"),
            Series("TotaalEenouderhuishoudens_16", "huishoudens_eenouder", "aantal"),
        ),
        derived=(
            Derived(
                "huishoudens_paar_zonder_kinderen",
                "aantal",
                ("k_0Kinderen_7", "k_0Kinderen_12"),
                lambda a, b: a + b,
            ),
            Derived(
                "huishoudens_paar_met_kinderen",
                "aantal",
                (
                    "TotaalNietGehuwdeParen_6",
                    "k_0Kinderen_7",
                    "TotaalGehuwdeParen_11",
                    "k_0Kinderen_12",
                ),
                lambda n, n0, g, g0: (n - n0) + (g - g0),
            ),
        ),
        filters={"LeeftijdReferentiepersoon": "Totaal"},
        truncated=True,
    ),
    "80860ned": TableSpec(
        "80860ned",
        "Bevolking; leeftijdsgroepen, regio (1999-2009)",
        series=(
            Series("TotaleBevolking_2", "inwoners", "aantal"),
            Series("k_0Tot15Jaar_5", "inwoners_0_15", "aantal"),
            Series("k_15Tot25Jaar_6", "inwoners_15_25", "aantal"),
            Series("k_25Tot45Jaar_7", "inwoners_25_45", "aantal"),
            Series("k_45Tot65Jaar_8", "inwoners_45_65", "aantal"),
            Series("k_65JaarEnOuder_9", "inwoners_65plus", "aantal"),
        ),
        derived=tuple(
            Derived(
                f"aandeel_{band}",
                "%",
                (col, "TotaleBevolking_2"),
                lambda n, t: np.where(t > 0, n / t * 100, np.nan),
                "pct",
            )
            for band, col in (
                ("0_15", "k_0Tot15Jaar_5"),
                ("15_25", "k_15Tot25Jaar_6"),
                ("25_45", "k_25Tot45Jaar_7"),
                ("45_65", "k_45Tot65Jaar_8"),
                ("65plus", "k_65JaarEnOuder_9"),
            )
        ),
        code_column="RegiocodeKoppelvariabele_1",
        regions_as_of=2009,
        note="CBS geeft alle jaren 1999-2009 in de gemeentelijke indeling van 2009 (441 gemeenten).",
    ),
}


# ----- Kerncijfers wijken en buurten (KWB): inhabitants, age groups and households per gemeente --
#: CBS StatLine 'Kerncijfers wijken en buurten <jaar>': one table per year, each gemeente (and
#: Nederland) on 1 January of that year. The same figures as the geo files (the wijk- en
#: buurtkaart is made from them), but with the age groups as counts instead of rounded shares.
#: Years before 2016 are left out: their tables have another layout (2013: region column RegioS,
#: 2009-2012: one table 70904NED with periods), which the project has not checked.
KWB_TABLES: dict[int, str] = {
    2016: "83487NED",
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}
#: the age groups of the KWB tables (and of 80860ned): band code -> column stem
KWB_AGE_COLUMNS: dict[str, str] = {
    "0_15": "k_0Tot15Jaar",
    "15_25": "k_15Tot25Jaar",
    "25_45": "k_25Tot45Jaar",
    "45_65": "k_45Tot65Jaar",
    "65plus": "k_65JaarOfOuder",
}
KWB_REGION_KINDS = ("Gemeente", "Land")  # SoortRegio: gemeenten and Nederland; not wijk or buurt
KWB_NATIONAL_CODE = "NL00"  # Nederland's code in the KWB tables (NL01 elsewhere)
#: gemeenten (GMxxxx) and Nederland (NL00) only: about 350 of the 17.000 rows of a KWB table
KWB_FETCH_FILTER = "substringof('GM',WijkenEnBuurten) or substringof('NL00',WijkenEnBuurten)"
_KWB_STEMS = (
    "SoortRegio",
    "Codering",
    "AantalInwoners",
    "HuishoudensTotaal",
    *KWB_AGE_COLUMNS.values(),
)
#: the sum of the age groups may differ this much from the inhabitants (CBS rounds nothing at
#: gemeente level; a column of percentages instead of counts is off by a factor of hundreds)
KWB_AGE_SUM_TOLERANCE = 0.01


def _column_stem(name: str) -> str:
    """``k_0Tot15Jaar_8`` -> ``k_0Tot15Jaar``: CBS numbers its columns, and the numbers of the same
    column differ between the yearly KWB tables (``HuishoudensTotaal_28`` in 2022, ``_29`` in 2024)."""
    return re.sub(r"_\d+$", "", name)


def prepare_kwb(raw: pd.DataFrame) -> pd.DataFrame:
    """A KWB table as the generic cleaning expects it: columns by their stem, the region column
    ``WijkenEnBuurten`` as ``RegioS``, only gemeenten and Nederland (code NL01), and the age groups
    checked to be counts that add up to the inhabitants (refused otherwise, with file and line)."""
    file_name = raw.attrs.get("bestand", "KWB-tabel")
    renames: dict[str, str] = {}
    for col in raw.columns:
        stem = _column_stem(col)
        if stem in _KWB_STEMS:
            if stem in renames.values():
                raise CBSDataError(
                    f"{file_name}: twee kolommen voor {stem} ({col} en "
                    f"{next(k for k, v in renames.items() if v == stem)}); welke bedoeld is, is onduidelijk"
                )
            renames[col] = stem
    out = raw.rename(columns={**renames, "WijkenEnBuurten": "RegioS"})
    missing = [s for s in ("SoortRegio", "Codering") if s not in out.columns]
    if missing or "RegioS" not in out.columns:
        raise CBSDataError(
            f"{file_name}: kolom(men) {', '.join(missing or ['WijkenEnBuurten'])} ontbreken; "
            "is dit een tabel 'Kerncijfers wijken en buurten'?"
        )
    out = out[out["SoortRegio"].astype(str).str.strip().isin(KWB_REGION_KINDS)].copy()
    codes = out["Codering"].astype(str).str.strip().str.upper()
    out["Codering"] = codes.where(codes != KWB_NATIONAL_CODE, NATIONAL_CODE)
    _check_kwb_age_sum(out, file_name)
    out.attrs = dict(raw.attrs)
    return out


def _check_kwb_age_sum(raw: pd.DataFrame, file_name: str) -> None:
    bands = list(KWB_AGE_COLUMNS.values())
    if not {"AantalInwoners", *bands} <= set(raw.columns):
        return  # the missing columns are reported by the generic check
    counts = raw[bands].apply(pd.to_numeric, errors="coerce")
    total = pd.to_numeric(raw["AantalInwoners"], errors="coerce")
    known = counts.notna().all(axis=1) & total.notna() & (total > 0)
    off = (counts.sum(axis=1) - total).abs() > KWB_AGE_SUM_TOLERANCE * total
    bad = known & off
    if bad.any():
        i = bad.idxmax()
        raise CBSDataError(
            f"{file_name}, regel {raw.at[i, '_regel']}, {raw.at[i, 'RegioS']}: de leeftijdsgroepen "
            f"({', '.join(bands)}) tellen op tot {fmt_number(counts.loc[i].sum(), max_decimals=2)}, "
            f"niet tot het aantal inwoners {fmt_number(total[i])}; zijn het wel aantallen? De tabel "
            "is niet gebruikt."
        )


def share_pct(part, total):
    """``part`` as a percentage of ``total`` (NaN where the total is 0 or unknown)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, part / total * 100, np.nan)


_KWB_SERIES = (
    Series("AantalInwoners", "inwoners", "aantal"),
    Series("HuishoudensTotaal", "huishoudens_totaal", "aantal"),
    *(Series(col, f"inwoners_{band}", "aantal") for band, col in KWB_AGE_COLUMNS.items()),
)
_KWB_SHARES = tuple(
    Derived(f"aandeel_{band}", "%", (col, "AantalInwoners"), share_pct, "pct")
    for band, col in KWB_AGE_COLUMNS.items()
)
TABLES.update(
    {
        table_id: TableSpec(
            table_id,
            f"Kerncijfers wijken en buurten {year}",
            series=_KWB_SERIES,
            derived=_KWB_SHARES,
            period_column=None,
            fixed_period=str(year),
            code_column="Codering",
            prepare=prepare_kwb,
            fills_gaps=True,
            fetch_filter=KWB_FETCH_FILTER,
            note="Gemeenten en Nederland op 1 januari; de aandelen per leeftijdsgroep zijn berekend "
            "uit de aantallen.",
        )
        for year, table_id in KWB_TABLES.items()
    }
)

# What `tussenstand fetch` downloads: the areas tables plus every table in TABLES.
DEFAULT_TABLES: tuple[str, ...] = (*AREA_TABLES, *TABLES)


def table_title(table_id: str) -> str:
    """The CBS title of a supported table (``TABLES`` or the areas tables); ``""`` when unknown."""
    key = table_id.lower()
    for tid, spec in TABLES.items():
        if tid.lower() == key:
            return spec.title
    return next((t for tid, t in AREA_TITLES.items() if tid.lower() == key), "")


# ----- files ---------------------------------------------------------------------------------
def find_table_file(cbs_dir: str | Path, table_id: str) -> Path | None:
    """``<table_id>.csv`` in ``cbs_dir``, case-insensitively (``85098NED.csv`` or ``85098ned.csv``)."""
    cbs_dir = Path(cbs_dir)
    if not cbs_dir.is_dir():
        return None
    wanted = f"{table_id}.csv".lower()
    for path in sorted(cbs_dir.iterdir()):
        if path.is_file() and path.name.lower() == wanted:
            return path
    return None


def read_meta(csv_path: Path) -> TableMeta | None:
    """The fetch sidecar of a table file, or None."""
    return TableMeta.for_table(csv_path)


PEILDATUM_FROM_META = "downloaddatum (meta.json)"
PEILDATUM_UNKNOWN = "onbekend (geen downloaddatum)"


def peildatum_for(path: Path) -> tuple[str, str]:
    """(ISO date or ``""``, how it was found) for a table or geo file: the download date in its
    sidecar (:class:`TableMeta`). Without one the date is unknown (``""``); the file's
    modification date is never used (copying a file changes it)."""
    meta = read_meta(path)
    if meta is not None and meta.download_datum is not None:
        return meta.download_datum.isoformat(), PEILDATUM_FROM_META
    return "", PEILDATUM_UNKNOWN


def missing_data_message(cbs_dir: Path, table_ids: Iterable[str] = DEFAULT_TABLES) -> str:
    return (
        f"CBS-gegevens ontbreken in {cbs_dir}. Doe een van drie: (1) draai 'tussenstand fetch' om "
        "de tabellen van CBS StatLine te downloaden; (2) exporteer de tabellen als CSV uit StatLine "
        f"naar die map; (3) wijs een map met de tabellen aan met {CBS_DIR_ENV}=<map> of --cbs-dir. "
        f"Nodig: {', '.join(table_ids)}."
    )


def read_table(cbs_dir: str | Path, table_id: str) -> pd.DataFrame:
    """The raw table as text: BOM, padding and column-name spaces removed, nothing else changed.

    A column ``_regel`` holds the line number in the file (header = line 1) for error messages.
    """
    cbs_dir = Path(cbs_dir)
    path = find_table_file(cbs_dir, table_id)
    if path is None:
        raise CBSDataMissing(missing_data_message(cbs_dir, [table_id]))
    try:
        raw = read_semicolon_csv(path)
        shape = csv_shape(path)
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CBSDataError(
            f"{path.name}: geen leesbare CBS-CSV (';'-gescheiden, UTF-8): {exc}"
        ) from None
    raw = raw.apply(lambda col: col.str.strip())
    raw["_regel"] = np.arange(2, len(raw) + 2)
    problems = file_problems(path, table_id, shape, len(raw))
    bad_lines = {p.regel for p in problems if p.regel is not None}
    if bad_lines:
        raw = raw[~raw["_regel"].isin(bad_lines)].reset_index(drop=True)
    raw.attrs["bestand"] = path.name
    raw.attrs["pad"] = str(path)
    raw.attrs["bestandsproblemen"] = [p.model_dump() for p in problems]
    return raw


def file_problems(path: Path, table_id: str, shape, rows: int) -> list[FileProblem]:
    """What makes ``path`` incomplete: a line cut off at the end, lines with too few fields,
    fewer rows than its download had (sidecar ``aantal_rijen``). Each names the line."""
    problems: list[FileProblem] = []
    table = next((t for t in DEFAULT_TABLES if t.lower() == table_id.lower()), table_id)

    def add(line: int | None, text: str) -> None:
        problems.append(FileProblem(bestand=path.name, tabel=table, regel=line, probleem=text))

    if shape.cut_line is not None:
        add(
            shape.cut_line,
            f"het bestand {path.name} houdt op midden in regel {shape.cut_line} (zonder "
            "regeleinde): het is afgebroken, mogelijk midden in een getal; die regel is niet "
            "gebruikt",
        )
    for line, fields in shape.short_rows:
        if line == shape.cut_line:
            continue
        add(
            line,
            f"regel {line} van {path.name} heeft {fields} van de {shape.header_fields} velden; "
            "die regel is niet gebruikt",
        )
    meta = read_meta(path)
    expected = meta.aantal_rijen if meta is not None else None
    if expected is not None and expected != rows:
        add(
            None,
            f"het bestand {path.name} heeft {fmt_number(rows)} datarijen, de download had er "
            f"{fmt_number(expected)} (volgens {TableMeta.path_for(path).name}): het bestand is "
            "onvolledig of gewijzigd",
        )
    return problems


# ----- cleaning ------------------------------------------------------------------------------
def _parse_values(raw: pd.DataFrame, column: str, file_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and missing-value reasons of one column; unknown text is an error."""
    text = raw[column].astype(str)
    reasons = text.map(lambda v: SPECIAL_VALUES.get(v, ""))
    is_special = text.isin(list(SPECIAL_VALUES))
    values = pd.to_numeric(text.where(~is_special, None), errors="coerce")
    bad = values.isna() & ~is_special
    if bad.any():
        i = bad.idxmax()
        raise CBSDataError(
            f"{file_name}, regel {raw.at[i, '_regel']}, kolom {column}: {text[i]!r} is geen getal "
            f"en geen CBS-teken ({', '.join(repr(k) for k in SPECIAL_VALUES if k)})"
        )
    return values.to_numpy(dtype=float), reasons.to_numpy(dtype=object)


def _validate(values: np.ndarray, kind: Kind, raw: pd.DataFrame, column: str, file_name: str):
    if kind in ("count", "rate"):
        bad = values < 0
        expect = "een aantal of dichtheid is nooit negatief"
    else:
        bad = (values < 0) | (values > 100)
        expect = "een percentage ligt tussen 0 en 100"
    if np.any(bad):
        i = int(np.argmax(bad))
        raise CBSDataError(
            f"{file_name}, regel {raw['_regel'].iloc[i]}, kolom {column}: waarde {fmt_number(values[i], max_decimals=6)} "
            f"onmogelijk ({expect})"
        )


def _resolve_regions(raw: pd.DataFrame, spec: TableSpec, areas: pd.DataFrame | None):
    titles = raw["RegioS"].astype(str)
    if spec.code_column and spec.code_column in raw.columns:
        codes = raw[spec.code_column].astype(str).str.strip().str.upper()
        return codes.where(codes != "", None), []
    if areas is None:
        raise CBSDataError(
            f"{spec.table_id}: gebiedentabel nodig om regionamen aan codes te koppelen"
        )
    names = name_to_code(areas)
    unique = titles.unique()
    mapping = {t: names.get(t) for t in unique}
    unresolved = sorted(t for t, c in mapping.items() if c is None)
    return titles.map(mapping), unresolved


def table_spec(table_id: str) -> TableSpec:
    """The spec of a supported table, matched case-insensitively (``80860ned`` or ``80860NED``)."""
    spec = TABLES.get(table_id) or next(
        (s for k, s in TABLES.items() if k.lower() == table_id.lower()), None
    )
    if spec is None:
        raise CBSDataError(f"tabel {table_id} wordt niet ondersteund; bekend: {', '.join(TABLES)}")
    return spec


def clean_table(
    raw: pd.DataFrame,
    table_id: str,
    areas: pd.DataFrame | None,
    *,
    peildatum: str | None = None,
    fixed_period: str | None = None,
) -> pd.DataFrame:
    """One raw table (from :func:`read_table`) as long series in the tidy measurement schema."""
    spec = table_spec(table_id)
    file_name = raw.attrs.get("bestand", f"{spec.table_id}.csv")
    if "_regel" not in raw.columns:
        raw = raw.assign(_regel=np.arange(2, len(raw) + 2))
    if spec.prepare is not None:
        raw = spec.prepare(raw)
    _check_columns(raw, spec, file_name)

    rows = raw
    for col, wanted in spec.filters.items():
        rows = rows[rows[col].astype(str).str.strip() == wanted]
    rows = rows.reset_index(drop=True)
    codes, unresolved = _resolve_regions(rows, spec, areas)
    keep = codes.notna().to_numpy()
    historic = _years_with_values(rows[~keep], spec, fixed_period)
    rows = rows[keep].reset_index(drop=True)
    codes = codes[keep].reset_index(drop=True)

    parsed = _parse_periods(rows, spec, fixed_period, file_name)
    provisional = parsed.map(lambda p: p.provisional).to_numpy(dtype=bool)
    if spec.status_column:
        provisional = (
            provisional | (rows[spec.status_column].str.casefold() == "voorlopig").to_numpy()
        )
    periods = parsed.map(lambda p: p.period)
    base = {
        "gemeente": codes.to_numpy(dtype=object),
        "gemeente_naam": rows["RegioS"].to_numpy(dtype=object),
        "periode": periods.map(lambda p: p.code).to_numpy(dtype=object),
        "periode_start": periods.map(lambda p: pd.Timestamp(p.start)).to_numpy(),
        "periode_eind": periods.map(lambda p: pd.Timestamp(p.end)).to_numpy(),
        "voorlopig": provisional,
        "_regel": rows["_regel"].to_numpy(),
    }
    parts = _series_frames(rows, spec, base, file_name)
    out = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*base, "indicator"])
    )
    out = out.assign(
        gebied="",
        bron=BRON,
        tabel=spec.table_id,
        peildatum=peildatum or "",
        illustratief=False,
        onderdrukt=False,
    )
    out = _prefer_final(out, spec.table_id, file_name)
    out["reeksbreuk"] = _first_of_new_series(out) if spec.continues else False
    out = conform_series(out)
    out.attrs["niet_gekoppeld"] = unresolved
    out.attrs["tabel"] = spec.table_id
    out.attrs["bestandsproblemen"] = list(raw.attrs.get("bestandsproblemen", []))
    out.attrs["titels_per_jaar"] = historic
    return out


def _years_with_values(
    rows: pd.DataFrame, spec: TableSpec, fixed_period: str | None
) -> dict[str, dict[str, list[int]]]:
    """Per region title that did not resolve to a code (gemeenten that no longer exist): the years
    with a figure (``met``) and the years with a row but no figure (``zonder``). CBS lists a
    dissolved gemeente with empty rows after it ceased to exist, which dates a merger."""
    if rows.empty:
        return {}
    labels = (
        rows[spec.period_column].astype(str)
        if spec.period_column
        else pd.Series([fixed_period or spec.fixed_period] * len(rows), index=rows.index)
    )
    years: dict[str, int | None] = {}
    for label in labels.unique():
        try:
            years[label] = parse_period_label(label).period.start.year
        except PeriodError:
            years[label] = None
    columns = [s.column for s in spec.series]
    filled = rows[columns].apply(lambda c: ~c.astype(str).isin(list(SPECIAL_VALUES))).any(axis=1)
    out: dict[str, dict[str, set[int]]] = {}
    for title, label, has in zip(rows["RegioS"], labels, filled, strict=True):
        year = years.get(label)
        if year is None:
            continue
        entry = out.setdefault(str(title), {"met": set(), "zonder": set()})
        entry["met" if has else "zonder"].add(year)
    return {t: {k: sorted(v) for k, v in e.items()} for t, e in out.items()}


def _check_columns(raw: pd.DataFrame, spec: TableSpec, file_name: str) -> None:
    needed = {"RegioS", *spec.filters, *(s.column for s in spec.series)}
    needed |= {c for d in spec.derived for c in d.columns}
    needed |= {c for c in (spec.period_column, spec.status_column) if c}
    missing = sorted(needed - set(raw.columns))
    if missing:
        raise CBSDataError(
            f"{file_name}: kolom(men) {', '.join(missing)} ontbreken voor tabel {spec.table_id}"
        )


def _parse_periods(
    rows: pd.DataFrame, spec: TableSpec, fixed_period: str | None, file_name: str
) -> pd.Series:
    """The period of every row (a :class:`ParsedPeriod`: period and CBS's provisional mark)."""
    if spec.period_column:
        labels = rows[spec.period_column].astype(str)
    else:
        labels = pd.Series([fixed_period or spec.fixed_period] * len(rows), dtype=object)
    parsed: dict[str, ParsedPeriod] = {}
    for label in labels.unique():
        try:
            parsed[label] = parse_period_label(label)
        except PeriodError as exc:
            line = rows.loc[labels == label, "_regel"].iloc[0]
            raise CBSDataError(
                f"{file_name}, regel {line}, kolom {spec.period_column}: {exc}"
            ) from None
    return labels.map(parsed)


def _series_frames(
    rows: pd.DataFrame, spec: TableSpec, base: dict[str, np.ndarray], file_name: str
) -> list[pd.DataFrame]:
    """One long frame per series of the spec: plain columns, then derived ones."""
    numeric: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def column(col: str) -> tuple[np.ndarray, np.ndarray]:
        if col not in numeric:
            numeric[col] = _parse_values(rows, col, file_name)
        return numeric[col]

    parts = []
    for s in spec.series:
        values, reasons = column(s.column)
        _validate(values, s.kind, rows, s.column, file_name)
        parts.append(
            pd.DataFrame(
                {
                    **base,
                    "indicator": s.indicator,
                    "eenheid": s.unit,
                    "waarde": values * s.factor,
                    "ontbreekt_reden": reasons,
                }
            )
        )
    for d in spec.derived:
        inputs = [column(c) for c in d.columns]
        values = np.asarray(d.func(*(v for v, _ in inputs)), dtype=float)
        reasons = np.full(len(values), "", dtype=object)
        for _, r in reversed(inputs):
            reasons = np.where(r != "", r, reasons)
        reasons = np.where(np.isnan(values) & (reasons == ""), REASON_NO_DENOMINATOR, reasons)
        _validate(values, d.kind, rows, "+".join(d.columns), file_name)
        parts.append(
            pd.DataFrame(
                {
                    **base,
                    "indicator": d.indicator,
                    "eenheid": d.unit,
                    "waarde": values,
                    "ontbreekt_reden": reasons,
                }
            )
        )
    return parts


def _first_of_new_series(df: pd.DataFrame) -> np.ndarray:
    """True on the first period of each gemeente x indicator: a table that continues an older one
    starts a new series there (``reeksbreuk``)."""
    if df.empty:
        return np.zeros(0, dtype=bool)
    first = df.groupby(["gemeente", "indicator"])["periode_start"].transform("min")
    return (df["periode_start"] == first).to_numpy()


def _prefer_final(df: pd.DataFrame, table_id: str, file_name: str) -> pd.DataFrame:
    """Per key: final figure > provisional figure > missing; then any two values left conflict."""
    if df.empty:
        return df
    has_value = df["waarde"].notna().to_numpy()
    prov = df["voorlopig"].to_numpy(dtype=bool)
    df = df.assign(_prio=np.where(has_value, prov.astype(int), 2 + prov.astype(int)))
    best = df.groupby(KEY_COLUMNS)["_prio"].transform("min")
    df = df[df["_prio"] == best]
    check_conflicts(df, f"{table_id} ({file_name})")
    return df.drop_duplicates(KEY_COLUMNS).drop(columns="_prio")


def check_conflicts(df: pd.DataFrame, where: str) -> None:
    """Raise :class:`CBSDataError` when one key carries two different values."""
    dup = df[df.duplicated(KEY_COLUMNS, keep=False)]
    if dup.empty:
        return
    filled = dup.assign(
        _w=dup["waarde"].round(9).astype(object).where(dup["waarde"].notna(), "NaN")
    )
    n = filled.groupby(KEY_COLUMNS)["_w"].nunique()
    bad = n[n > 1]
    if bad.empty:
        return
    gemeente, indicator, periode, _ = bad.index[0]
    sel = filled.set_index(KEY_COLUMNS).loc[bad.index[0]]
    vals = ", ".join(str(v) for v in sel["_w"])
    lines = ""
    if "_regel" in sel.columns:
        lines = f" (regels {', '.join(str(r) for r in sel['_regel'])})"
    tables = ", ".join(sorted(set(sel["tabel"]))) if "tabel" in sel.columns else ""
    raise CBSDataError(
        f"tegenstrijdige waarden in {where}: gemeente {gemeente}, indicator {indicator}, "
        f"periode {periode}: {vals}{lines}{' uit ' + tables if tables else ''}; "
        f"{len(bad)} sleutel(s) in totaal. Eén waarde per gemeente, indicator en periode verwacht."
    )


def combine(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack cleaned tables (old and new series of one indicator join here); conflicts are errors."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return conform_series(pd.DataFrame())
    df = pd.concat(frames, ignore_index=True)
    check_conflicts(df, "de samengevoegde CBS-tabellen")
    return conform_series(df.drop_duplicates(KEY_COLUMNS))
