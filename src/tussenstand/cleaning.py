"""The cleaning stage: one monitored unit and one report period, from every source to one table.

``notebooks/01_opschonen.ipynb`` calls :func:`clean` for its parameters. :func:`clean_unit` takes the
national CBS series (cleaned once for all gemeenten, :mod:`tussenstand.sources.cbs_national`) and the
local registrations (:mod:`tussenstand.sources.registrations`), keeps what the report needs, marks
small numbers (:mod:`tussenstand.disclosure`) and writes, atomically,

* ``data/processed/<code>/<periode>/metingen.parquet`` in the one tidy schema
  (:mod:`tussenstand.schema`), and
* ``kwaliteit.json`` (:class:`tussenstand.handoff.QualitySummary`), the data-quality summary that
  the cleaning notebook shows, and
* ``verdeling.parquet``: for the framework's CBS series, every gemeente's value and rank in the
  periods the report may show (:mod:`tussenstand.sources.distribution`, computed once for all
  reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tussenstand.config import ProjectConfig, load_config
from tussenstand.disclosure import apply_disclosure
from tussenstand.frameworks import (
    Framework,
    MonitoredUnit,
    find_unit,
    framework_for,
    load_frameworks,
)
from tussenstand.handoff import (
    QUALITY_FILE,
    FileGap,
    FileProblem,
    Illustrative,
    MissingValues,
    QualitySummary,
    SeriesBreak,
    SourceQuality,
    Suppressed,
    TerritoryChange,
)
from tussenstand.nlformat import fmt_list
from tussenstand.periods import Period, parse_report_period
from tussenstand.schema import (
    KEY_COLUMNS,
    MEASUREMENTS_FILE,
    NATIONAL_CODE,
    MeasurementError,
    conform,
    empty_measurements,
    validate_measurements,
    write_measurements,
)
from tussenstand.sources import areas
from tussenstand.sources.cbs_national import load_national_series
from tussenstand.sources.cbs_tables import TABLES
from tussenstand.sources.distribution import (
    DISTRIBUTION_FILE,
    load_distribution,
    report_rows,
    write_distribution,
)
from tussenstand.sources.geo import HOUSEHOLD_SHARES
from tussenstand.sources.municipalities import describe, territory_year
from tussenstand.sources.registrations import load_registrations
from tussenstand.units import project_units


# ----- what the stage hands on -----------------------------------------------------------------
@dataclass
class CleaningResult:
    """What :func:`clean_unit` produced for one unit and report period."""

    code: str
    period: Period
    measurements: pd.DataFrame
    quality: QualitySummary
    path: Path
    quality_path: Path
    notes: list[str] = field(default_factory=list)

    @property
    def quality_table(self) -> pd.DataFrame:
        """Rows per source and table, as a DataFrame (for the report's data-quality section)."""
        return pd.DataFrame([row.model_dump() for row in self.quality.per_bron])


# ----- which gemeenten a report needs --------------------------------------------------------------
#: The CBS region kinds a report compares a municipality with (CBS publishes rows of their own).
COMPARED_REGION_KINDS = ("jeugdzorgregio", "arbeidsmarktregio")


@dataclass(frozen=True)
class Comparison:
    """A report's comparison group: the framework's own (``comparison`` in the YAML), else the
    default one (:func:`tussenstand.sources.areas.comparison_group`: the same size class in the
    same province)."""

    codes: tuple[str, ...]
    #: the default group in words ('de 18 andere gemeenten van 20.000 tot 50.000 inwoners in
    #: Noord-Holland'); empty for the framework's own group (its label says it) and for a region
    description: str = ""
    #: why a default group is wider than the province ('' when it is not)
    wider: str = ""
    #: the year of the areas table the default group comes from
    year: int | None = None


def comparison(
    config: ProjectConfig, framework: Framework | None, members: list[str]
) -> Comparison:
    """The comparison group of a report on ``members``: the framework's own, else the default
    group of each member (for one member described in words)."""
    if framework is not None and framework.comparison is not None:
        return Comparison(tuple(sorted(framework.comparison.municipalities)))
    try:
        table = areas.load_areas(config.cbs_dir)
    except areas.AreasError:
        return Comparison(())
    groups = []
    for member in members:
        try:
            groups.append(areas.comparison_group(table, member))
        except areas.AreasError:
            continue  # a member without a size class: no comparison group for it
    codes = tuple(sorted({c for g in groups for c in g.codes} - set(members)))
    if len(members) == 1 and len(groups) == 1:
        return Comparison(codes, groups[0].label_nl, groups[0].why_wider_nl, groups[0].year)
    return Comparison(codes)


def comparison_codes(
    config: ProjectConfig, framework: Framework | None, members: list[str]
) -> list[str]:
    """The codes of :func:`comparison` (the members themselves not included)."""
    return list(comparison(config, framework, members).codes)


def region_codes(config: ProjectConfig, members: list[str]) -> dict[str, list[str]]:
    """The CBS region codes (``JZ10``, ``AM37``) of the members, per region kind.

    The report compares a municipality with its own jeugdzorgregio and arbeidsmarktregio, whose
    figures CBS publishes as rows of their own in some tables.
    """
    try:
        table = areas.load_areas(config.cbs_dir)
    except areas.AreasError:
        return {}
    rows = table[table["gemeente"].isin(members)]
    return {
        kind: sorted({str(c) for c in rows[f"{kind}_code"].dropna() if str(c).strip()})
        for kind in COMPARED_REGION_KINDS
    }


# ----- the stage -----------------------------------------------------------------------------------
def clean_unit(config: ProjectConfig, unit: MonitoredUnit, period: Period) -> CleaningResult:
    """The cleaning stage for one monitored unit (gemeente or region) and one report period.

    1. national CBS series (:func:`~tussenstand.sources.cbs_national.load_national_series`), kept
       for the unit's members, Nederland (NL01), the comparison group (the framework's own, else
       the same size class) and the members' jeugdzorgregio and arbeidsmarktregio;
    2. local registrations from ``data/raw/registraties`` for the members, checked against the
       frameworks (personal-data guard and template validation happen while reading);
    3. only periods that have ended by the end of ``period``;
    4. small-numbers marking (``onderdrukt``; values stay in this internal table, published output
       blanks them via :func:`tussenstand.disclosure.apply_disclosure`);
    5. validated and written atomically to ``data/processed/<code>/<periode>/metingen.parquet``
       plus ``kwaliteit.json``.
    """
    members = list(unit.members)
    frameworks = load_frameworks(config.frameworks_dir)
    framework = framework_for(frameworks, unit) if unit.framework_id in frameworks else None
    keep = _codes_to_keep(config, framework, members)
    notes: list[str] = []

    national = load_national_series(config.cbs_dir, config.processed_dir)
    cbs_notes = dict(national.attrs)
    cbs = national[national["gemeente"].isin(keep)].copy()
    # the notes go into kwaliteit.json; left in attrs, pandas copies them (deeply) into every
    # frame made from these rows and into metingen.parquet
    cbs.attrs = {}
    ranks = _distribution_rows(config, national, framework, members, period)
    regs = load_registrations(config.registrations_dir, gemeente=members, framework=frameworks)
    regs = _fill_names(regs, cbs)
    parts = [conform(p) for p in (cbs, regs) if len(p)]
    df = pd.concat(parts, ignore_index=True) if parts else empty_measurements()
    df = df[df["periode_eind"] <= pd.Timestamp(period.end)]
    _check_no_overlap(df)
    df = apply_disclosure(df, threshold=config.disclosure_threshold, blank_values=False)
    df = df.sort_values(KEY_COLUMNS, kind="stable", ignore_index=True)
    df = validate_measurements(df, f"metingen {unit.code} {period.code}")

    out_dir = config.processed_unit_dir(unit.code, period)
    write_distribution(ranks, out_dir / DISTRIBUTION_FILE)
    path = write_measurements(df, out_dir / MEASUREMENTS_FILE)
    quality = quality_summary(
        df, code=unit.code, period=period, members=members, notes=notes, cbs_notes=cbs_notes
    )
    quality_path = quality.write(out_dir / QUALITY_FILE)
    return CleaningResult(unit.code, period, df, quality, path, quality_path, notes)


def _distribution_rows(
    config: ProjectConfig,
    national: pd.DataFrame,
    framework: Framework | None,
    members: list[str],
    period: Period,
) -> pd.DataFrame:
    """Every gemeente's value and rank for the framework's CBS series, in the periods the report
    may show (:func:`tussenstand.sources.distribution.report_rows`); computed once for all reports
    (:func:`~tussenstand.sources.distribution.load_distribution`)."""
    series = framework.cbs_series() if framework is not None else []
    dist = load_distribution(
        national, config.processed_dir, config.disclosure_threshold, series=series
    )
    return report_rows(dist, members, pd.Timestamp(period.end))


def _codes_to_keep(
    config: ProjectConfig, framework: Framework | None, members: list[str]
) -> set[str]:
    regions = [c for codes in region_codes(config, members).values() for c in codes]
    # A member of a regional framework also gets its partners: its report shows them side by side.
    partners = (
        list(framework.municipality_codes)
        if framework is not None and framework.is_regional
        else []
    )
    return {
        *members,
        *partners,
        NATIONAL_CODE,
        *comparison_codes(config, framework, members),
        *regions,
    }


def _fill_names(regs: pd.DataFrame, cbs: pd.DataFrame) -> pd.DataFrame:
    if not len(cbs):
        return regs
    names = cbs.drop_duplicates("gemeente").set_index("gemeente")["gemeente_naam"]
    regs = regs.copy()
    empty = regs["gemeente_naam"].fillna("") == ""
    regs.loc[empty, "gemeente_naam"] = regs.loc[empty, "gemeente"].map(names).fillna("")
    return regs


def _check_no_overlap(df: pd.DataFrame) -> None:
    dup = df[df.duplicated(KEY_COLUMNS, keep=False)]
    if len(dup):
        first = dup.iloc[0]
        tables = sorted(set(dup[(dup[KEY_COLUMNS] == first[KEY_COLUMNS]).all(axis=1)]["tabel"]))
        raise MeasurementError(
            f"dubbele meting voor {first['gemeente']}, reeks {first['indicator']}, periode "
            f"{first['periode']}{', gebied ' + first['gebied'] if first['gebied'] else ''}: "
            f"zowel in {' als in '.join(tables)}; een registratie mag geen CBS-reeks overschrijven "
            "(gebruik een eigen reekscode)"
        )


# ----- data-quality summary ------------------------------------------------------------------
def quality_summary(
    df: pd.DataFrame,
    *,
    code: str,
    period: Period,
    members: list[str] | None = None,
    notes: list[str] | None = None,
    cbs_notes: dict | None = None,
) -> QualitySummary:
    """What the report's data-quality section says about ``df`` (deterministic).

    ``cbs_notes`` are the findings of the national CBS series (``attrs`` of
    :func:`~tussenstand.sources.cbs_national.load_national_series`): incomplete files, and the
    members' municipal mergers and their gaps in incomplete files go into the summary."""
    members = members or []
    cbs_notes = cbs_notes or {}
    changes = [
        TerritoryChange.model_validate(c)
        for c in cbs_notes.get("herindelingen", [])
        if c["gemeente"] in members
    ]
    per_source = [
        SourceQuality(
            bron=bron,
            tabel=tabel,
            rijen=len(g),
            reeksen=int(g["indicator"].nunique()),
            ontbrekend=int(g["waarde"].isna().sum()),
            onderdrukt=int(g["onderdrukt"].sum()),
            voorlopig=int(g["voorlopig"].sum()),
            illustratief=int(g["illustratief"].sum()),
            peildatum=max(g["peildatum"]) if len(g) else "",
        )
        for (bron, tabel), g in df.groupby(["bron", "tabel"], sort=True)
    ]
    missing = df[df["waarde"].isna()]
    suppressed = df[df["onderdrukt"]]
    breaks = df[df["reeksbreuk"] & (df["gemeente"].isin(members) if members else True)]
    illustrative = df[df["illustratief"]]
    return QualitySummary(
        gemeente=code,
        periode=period.code,
        leden=members,
        rijen=len(df),
        per_bron=per_source,
        ontbrekend=[
            MissingValues(indicator=ind, tabel=tab, reden=reason, aantal=len(g))
            for (ind, tab, reason), g in missing.groupby(
                ["indicator", "tabel", "ontbreekt_reden"], sort=True
            )
        ],
        onderdrukt=Suppressed(
            aantal=len(suppressed), reeksen=sorted(suppressed["indicator"].unique().tolist())
        ),
        reeksbreuken=[
            SeriesBreak(
                indicator=r.indicator,
                gemeente=r.gemeente,
                periode=r.periode,
                tabel=r.tabel,
                reden=_break_reason(df, r, changes),
            )
            for r in breaks.drop_duplicates(["indicator", "periode", "tabel"]).itertuples()
        ],
        illustratief=Illustrative(
            aantal=len(illustrative),
            reeksen=sorted(illustrative["indicator"].unique().tolist()),
            bestanden=sorted(illustrative["tabel"].unique().tolist()),
        ),
        opmerkingen=list(notes or []),
        bestandsproblemen=[
            FileProblem.model_validate(p) for p in cbs_notes.get("bestandsproblemen", [])
        ],
        onvolledige_bestanden=_member_gaps(df, members, cbs_notes.get("onvolledig", [])),
        herindelingen=changes,
    )


#: tables whose gaps another source covers in part: table -> (series of that other source, what
#: they give, in Dutch)
GAP_COVERED_BY = {
    "71486ned": (
        tuple(HOUSEHOLD_SHARES.values()),
        "de samenstelling van de huishoudens als aandeel van alle huishoudens (hele procenten)",
    )
}


def _member_gaps(df: pd.DataFrame, members: list[str], gaps: list[dict]) -> list[FileGap]:
    """Per member and incomplete file the latest year it is missing from, with the other source
    (file names) that covers part of it."""
    latest: dict[tuple[str, str], dict] = {}
    for gap in gaps:
        for code in gap["ontbrekend"]:
            if code in members:
                key = (gap["tabel"], code)
                if key not in latest or gap["jaar"] > latest[key]["jaar"]:
                    latest[key] = gap
    out = []
    for (table, code), gap in sorted(latest.items()):
        rows = df[df["gemeente"] == code]
        names = rows["gemeente_naam"].dropna()
        series, what = GAP_COVERED_BY.get(table, ((), ""))
        other = rows[rows["indicator"].isin(series) & rows["waarde"].notna()]
        files = sorted(set(other["tabel"]))
        out.append(
            FileGap(
                bestand=gap["bestand"],
                tabel=table,
                gemeente=code,
                gemeente_naam=str(names.iloc[0]) if len(names) else code,
                jaar=gap["jaar"],
                aanwezig=gap["aanwezig"],
                verwacht=gap["verwacht"],
                aanvulling=f"{what}, uit {fmt_list(files)}" if files else "",
            )
        )
    return out


def _break_reason(df: pd.DataFrame, row, changes: list[TerritoryChange]) -> str:
    """Why a series breaks at ``row``: a CBS table that continues an older one starts there, or a
    municipal merger of the gemeente."""
    spec = TABLES.get(row.tabel)
    if spec is not None and spec.continues:
        same = df[
            (df["gemeente"] == row.gemeente)
            & (df["indicator"] == row.indicator)
            & (df["tabel"] == row.tabel)
        ]
        if row.periode_start == same["periode_start"].min():
            return f"nieuwe CBS-tabel: {row.tabel} vervolgt {spec.continues}"
    year = int(territory_year(pd.DataFrame([row._asdict()])).iloc[0])
    own = [c for c in changes if c.gemeente == row.gemeente and c.soort != "nieuw" and c.na < year]
    if own:
        return "herindeling: " + describe(max(own, key=lambda c: c.uiterlijk))
    return ""


def clean(
    gemeente: str,
    periode: str,
    *,
    project_root: str | Path | None = None,
    cbs_dir: str | Path | None = None,
) -> CleaningResult:
    """:func:`clean_unit` for a municipality or region code and a report period as a user types them
    (what ``notebooks/01_opschonen.ipynb`` calls)."""
    config = load_config(Path(project_root) if project_root else None, cbs_dir=cbs_dir)
    unit = find_unit(project_units(config), gemeente)
    return clean_unit(config, unit, parse_report_period(periode))
