"""The files one stage writes and another reads, each as one pydantic model.

Three hand-off files cross module boundaries. Whoever writes one and whoever reads it import the
same model from here, so a key can never be written under one name and looked for under another:

``<tabel>.meta.json`` (:class:`TableMeta`)
    Beside every CBS table in the CBS folder. Written by ``tussenstand fetch``
    (:mod:`tussenstand.sources.fetch`); read by the table readers (the download date becomes the
    ``peildatum`` of every figure) and by the site's data page.
``kwaliteit.json`` (:class:`QualitySummary`)
    Written by the cleaning stage (:mod:`tussenstand.cleaning`) next to ``metingen.parquet``; read
    by the data-quality chapter of the report.
``samenvatting.json`` (:class:`ReportSummary`)
    Written by the report (:mod:`tussenstand.report`) next to the executed notebooks; read by the
    site (home page, listings, the report's own page, the overview of all goals) and by the unit's
    next report (what changed since, :func:`previous_summary_path`).

Keys are Dutch (the files are part of what a researcher finds on disk); field names are the keys.
Reading a file that does not match its model raises :class:`HandoffError` naming the file and the
field; unknown keys are refused, so a typo never goes unnoticed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from tussenstand.atomic import write_text_atomic
from tussenstand.periods import Period, parse_report_period

TABLE_META_SUFFIX = ".meta.json"
QUALITY_FILE = "kwaliteit.json"
SUMMARY_FILE = "samenvatting.json"


class HandoffError(ValueError):
    """A hand-off file that is missing, unreadable or does not match its model."""


class _HandoffModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def read(cls, path: str | Path) -> Self:
        """Read and validate ``path``; :class:`HandoffError` names the file and the wrong field."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise HandoffError(f"{path.name}: niet te lezen ({exc.strerror or exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HandoffError(
                f"{path.name}: geen geldige JSON (regel {exc.lineno}): {exc.msg}"
            ) from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(bestand)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise HandoffError(
                f"{path.name}: past niet bij het model {cls.__name__}: {problems}"
            ) from None

    def write(self, path: str | Path) -> Path:
        """Write as indented UTF-8 JSON, atomically (a reader never sees half a file)."""
        text = json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        return write_text_atomic(path, text)


# ----- <tabel>.meta.json -------------------------------------------------------------------------
class TableMeta(_HandoffModel):
    """What is known of one downloaded CBS table (the sidecar ``<tabel>.meta.json``)."""

    tabel: str = ""
    titel: str = ""
    periode: str = ""
    #: the day the table was downloaded from CBS: the ``peildatum`` of its figures; None = unknown
    download_datum: date | None = None
    bron_url: str = ""
    statline_url: str = ""
    aantal_rijen: int | None = Field(default=None, ge=0)
    opmerking: str = ""

    @staticmethod
    def path_for(csv_path: str | Path) -> Path:
        """``85099NED.csv`` -> ``85099NED.meta.json`` (same folder, same case)."""
        csv_path = Path(csv_path)
        return csv_path.with_name(csv_path.name[: -len(csv_path.suffix)] + TABLE_META_SUFFIX)

    @classmethod
    def for_table(cls, csv_path: str | Path) -> TableMeta | None:
        """The sidecar of ``csv_path``, or None when there is none."""
        path = cls.path_for(csv_path)
        return cls.read(path) if path.is_file() else None


# ----- kwaliteit.json ----------------------------------------------------------------------------
class SourceQuality(_HandoffModel):
    """One source and table (or file) in the measurements of a report."""

    bron: str
    tabel: str
    rijen: int = Field(ge=0)
    reeksen: int = Field(ge=0)
    ontbrekend: int = Field(ge=0)
    onderdrukt: int = Field(ge=0)
    voorlopig: int = Field(ge=0)
    illustratief: int = Field(ge=0)
    peildatum: str = ""


class MissingValues(_HandoffModel):
    indicator: str
    tabel: str
    reden: str
    aantal: int = Field(ge=0)


class Suppressed(_HandoffModel):
    aantal: int = Field(ge=0)
    reeksen: list[str] = Field(default_factory=list)


class SeriesBreak(_HandoffModel):
    indicator: str
    gemeente: str
    periode: str
    tabel: str
    #: why the series breaks here (a new CBS table, a municipal merger), in Dutch
    reden: str = ""


class FileProblem(_HandoffModel):
    """A CBS file that is not complete: a line cut off, a line with too few fields, fewer rows than
    its download had. The line is not used."""

    bestand: str
    tabel: str
    regel: int | None = None
    probleem: str


class FileGap(_HandoffModel):
    """A member gemeente missing from a CBS file that covers fewer gemeenten than existed that year
    (the file is incomplete, not CBS's publication)."""

    bestand: str
    tabel: str
    gemeente: str
    gemeente_naam: str
    jaar: int
    aanwezig: int = Field(ge=0)
    verwacht: int = Field(ge=0)
    #: what another source covers of the gap, and from which files, in Dutch; empty when none
    aanvulling: str = ""


class TerritoryChange(_HandoffModel):
    """A municipal merger (herindeling) that changed a gemeente's territory: a series break.

    ``na`` is the last year known to have the old territory (or, for a new gemeente, to be before
    it existed) and ``uiterlijk`` the first year known to have the new one; the change took effect
    on 1 January of a year in ``na + 1 .. uiterlijk`` (exactly ``uiterlijk`` when they are adjacent).
    """

    gemeente: str
    gemeente_naam: str
    soort: Literal["uitbreiding", "nieuw", "wijziging"]
    na: int
    uiterlijk: int
    #: names of the gemeenten whose territory was (partly) added; empty when not known
    met: list[str] = Field(default_factory=list)
    #: how it was found, in Dutch (the rule in docs/aqa)
    methode: str = ""


class Illustrative(_HandoffModel):
    aantal: int = Field(ge=0)
    reeksen: list[str] = Field(default_factory=list)
    bestanden: list[str] = Field(default_factory=list)


class QualitySummary(_HandoffModel):
    """What the cleaning stage found in the measurements of one report (``kwaliteit.json``)."""

    gemeente: str
    periode: str
    leden: list[str] = Field(default_factory=list)
    rijen: int = Field(ge=0)
    per_bron: list[SourceQuality] = Field(default_factory=list)
    ontbrekend: list[MissingValues] = Field(default_factory=list)
    onderdrukt: Suppressed
    reeksbreuken: list[SeriesBreak] = Field(default_factory=list)
    illustratief: Illustrative
    opmerkingen: list[str] = Field(default_factory=list)
    #: incomplete CBS files (lines cut off or too short) among the report's sources
    bestandsproblemen: list[FileProblem] = Field(default_factory=list)
    #: members missing from CBS files that cover fewer gemeenten than existed
    onvolledige_bestanden: list[FileGap] = Field(default_factory=list)
    #: municipal mergers of the members (series breaks)
    herindelingen: list[TerritoryChange] = Field(default_factory=list)


# ----- samenvatting.json -------------------------------------------------------------------------
class GoalRecord(_HandoffModel):
    """Where one goal stood in a report, with the figures a reader may see: what the next report
    compares with, and a row of the site's overview of all goals.

    Values are as published: a suppressed one (a small count, or a value computed from one) is
    None and named in ``onderdrukt``."""

    id: str = Field(min_length=1)
    thema: str = ""
    #: what the goal measures, as the plan words it
    indicator: str = ""
    eenheid: str = ""
    #: the status label (:attr:`tussenstand.progress.Status.label`)
    status: str = Field(min_length=1)
    illustratief: bool = False
    nulmeting: float | None = None
    #: period codes (``2023``, ``2024-H1``); empty when there is none
    nulmeting_periode: str = ""
    #: ``minstens``, ``hoogstens`` or ``gelijk aan``
    vergelijking: str = ""
    streefwaarde: float | None = None
    streefwaarde_periode: str = ""
    laatste_meting: float | None = None
    #: the period of the latest measurement the status was judged on; empty when none
    laatste_meting_periode: str = ""
    #: which of ``nulmeting``, ``streefwaarde``, ``laatste_meting`` are not published (small
    #: numbers, ``onthulling.drempel``)
    onderdrukt: list[str] = Field(default_factory=list)


class IndicatorRecord(_HandoffModel):
    """The latest period with a published figure of one indicator of the plan, for the members."""

    id: str = Field(min_length=1)
    #: period code; empty when the indicator had no figure
    laatste_meting_periode: str = ""


class ReportSummary(_HandoffModel):
    """One executed report as the site lists it (``samenvatting.json``)."""

    gemeente: str = Field(min_length=1)
    gemeente_naam: str = Field(min_length=1)
    periode: str = Field(min_length=1)
    periode_label: str = Field(min_length=1)
    kader: str = ""
    #: status label -> number of goals, in the order of :meth:`tussenstand.progress.Status.ordered`
    status_counts: dict[str, NonNegativeInt] = Field(default_factory=dict)
    aantal_doelen: int = Field(default=0, ge=0)
    peildata: list[date] = Field(default_factory=list)
    gebouwd_op: date
    illustratief: bool = False
    #: the tussenstand version and git commit the report was built with (see tussenstand.buildinfo)
    versie: str = ""
    commit: str = ""
    #: per goal its status and published figures, in the plan's order (the next report compares
    #: with it, ``report/changes``; the site's overview of all goals lists it); None in a summary
    #: written before this was kept
    doelen: list[GoalRecord] | None = None
    #: per indicator the latest period with a figure; None in a summary written before
    indicatoren: list[IndicatorRecord] | None = None

    @property
    def title(self) -> str:
        return f"Tussenstand sociaal domein {self.gemeente_naam}"


def previous_summary_path(unit_dir: Path, period: Period, inner: str = "") -> Path | None:
    """The ``samenvatting.json`` of the report a report for ``period`` compares with: the latest
    report in ``unit_dir`` (one folder per report period, ``reports/<code>/``) whose period ends
    before ``period`` ends; None when there is none (the unit's first report).

    ``inner`` is a folder inside each period folder that holds the report (``rapport`` for the
    template notebook run on its own, ``data/processed/<code>/<periode>/rapport/``). Folders that
    are not a report period (``.2026-H1.tmp-*``, a failed run) and periods without a summary are
    passed over.
    """
    found: list[tuple[Period, Path]] = []
    if not unit_dir.is_dir():
        return None
    for folder in unit_dir.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        try:
            earlier = parse_report_period(folder.name)
        except ValueError:
            continue
        path = folder / inner / SUMMARY_FILE if inner else folder / SUMMARY_FILE
        if earlier.end < period.end and path.is_file():
            found.append((earlier, path))
    return max(found, key=lambda pair: (pair[0].end, pair[0].start))[1] if found else None
