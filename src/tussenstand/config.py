"""Project configuration: where things are, what is monitored, and the settings a user may change.

Everything a stage needs to find on disk is resolved here, so that a new reader finds the folders
(`data/raw`, `data/processed`, `reports`) in one place.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tussenstand.periods import Period, parse_report_period

CONFIG_FILE = "tussenstand.yml"
CBS_DIR_ENV = "TUSSENSTAND_CBS_DIR"
PROJECT_ROOT_ENV = "TUSSENSTAND_PROJECT_ROOT"


class ConfigError(ValueError):
    """The project configuration is missing or wrong."""


#: the ``gemeenten`` value that selects every municipality of the newest CBS areas table
ALL_MUNICIPALITIES = "alle"
_GM_CODE = re.compile(r"^GM\d{4}$")
_PV_CODE = re.compile(r"^PV\d{2}$")
MUNICIPALITIES_FORMS = (
    f"'{ALL_MUNICIPALITIES}', of een lijst met gemeentecodes (GM0363) en provincies "
    "(Noord-Holland of PV27)"
)


@dataclass(frozen=True)
class MunicipalitySelection:
    """``gemeenten`` in ``tussenstand.yml``: which municipalities are monitored besides those with
    a framework of their own (each without one gets the standard framework, ``basisset``).

    Empty (the key absent, ``[]`` or ``geen``): only the frameworks' municipalities. The codes and
    province names are checked against the newest CBS areas table by
    :func:`tussenstand.units.selected_municipalities`."""

    everything: bool = False
    codes: tuple[str, ...] = ()  # GM codes
    provinces: tuple[str, ...] = ()  # PV codes or province names, as written

    def __bool__(self) -> bool:
        return self.everything or bool(self.codes) or bool(self.provinces)

    @property
    def text_nl(self) -> str:
        """As it stands in the file: ``alle``, ``GM0363, Noord-Holland``, ``geen``."""
        if self.everything:
            return ALL_MUNICIPALITIES
        return ", ".join((*self.codes, *self.provinces)) or "geen"


def parse_municipalities(
    value: object, where: str = f"{CONFIG_FILE}, gemeenten"
) -> MunicipalitySelection:
    """Read ``gemeenten``: ``alle``, a list of GM codes and provinces (PV code or name), or empty."""
    if (
        value is None
        or value == []
        or (isinstance(value, str) and value.strip().casefold() == "geen")
    ):
        return MunicipalitySelection()
    items = value if isinstance(value, list) else [value]
    codes: list[str] = []
    provinces: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{where}: verwacht {MUNICIPALITIES_FORMS}; kreeg {item!r}")
        text = " ".join(item.split())
        if text.casefold() == ALL_MUNICIPALITIES:
            return MunicipalitySelection(everything=True)
        upper = text.upper()
        if _GM_CODE.match(upper):
            codes.append(upper)
        elif _PV_CODE.match(upper):
            provinces.append(upper)
        elif upper.startswith("GM") and any(c.isdigit() for c in upper):
            raise ConfigError(
                f"{where}: {text!r} is geen gemeentecode; verwacht GM gevolgd door 4 cijfers "
                "(bijv. GM0363)"
            )
        else:
            provinces.append(text)
    return MunicipalitySelection(
        codes=tuple(dict.fromkeys(codes)), provinces=tuple(dict.fromkeys(provinces))
    )


def find_project_root(start: Path | None = None) -> Path:
    """The folder holding ``tussenstand.yml``: from $TUSSENSTAND_PROJECT_ROOT or upwards from cwd."""
    env = os.environ.get(PROJECT_ROOT_ENV)
    if env:
        root = Path(env).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise ConfigError(f"{PROJECT_ROOT_ENV}={env} bevat geen {CONFIG_FILE}")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(
        f"geen {CONFIG_FILE} gevonden in {here} of een map daarboven: "
        "start tussenstand vanuit de projectmap (of zet TUSSENSTAND_PROJECT_ROOT)"
    )


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    periods: tuple[Period, ...]
    notebooks: tuple[str, ...]
    cbs_dir: Path
    disclosure_threshold: int = 10
    #: ``gemeenten``: municipalities monitored besides the frameworks' own (standard framework)
    municipalities: MunicipalitySelection = field(default_factory=MunicipalitySelection)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    # ----- folders --------------------------------------------------------------------------
    @property
    def raw_dir(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def frameworks_dir(self) -> Path:
        return self.raw_dir / "kaders"

    @property
    def registrations_dir(self) -> Path:
        return self.raw_dir / "registraties"

    @property
    def plan_figures_dir(self) -> Path:
        return self.raw_dir / "plancijfers"

    @property
    def processed_dir(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def geo_dir(self) -> Path:
        return self.cbs_dir / "geo"

    def report_dir(self, gemeente: str, periode: Period | str) -> Path:
        return self.reports_dir / gemeente / str(periode)

    def processed_unit_dir(self, gemeente: str, periode: Period | str) -> Path:
        return self.processed_dir / gemeente / str(periode)


def load_config(root: Path | None = None, cbs_dir: str | Path | None = None) -> ProjectConfig:
    """Read ``tussenstand.yml``. ``cbs_dir`` beats $TUSSENSTAND_CBS_DIR beats the file's value.

    A relative ``cbs_dir`` argument is taken from the working directory; a relative
    $TUSSENSTAND_CBS_DIR or config value from the project root.
    """
    root = find_project_root() if root is None else Path(root).resolve()
    path = root / CONFIG_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} ontbreekt") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: geen geldige YAML: {exc}") from exc

    try:
        periods = tuple(parse_report_period(p) for p in raw.get("periodes", []))
    except ValueError as exc:
        raise ConfigError(f"{path}, periodes: {exc}") from exc
    if not periods:
        raise ConfigError(f"{path}: 'periodes' is leeg; noem minstens één periode, bijv. 2026-H2")

    notebooks = tuple(raw.get("notebooks", []))
    if not notebooks:
        raise ConfigError(f"{path}: 'notebooks' is leeg")

    chosen = cbs_dir or os.environ.get(CBS_DIR_ENV) or raw.get("cbs_dir", "data/raw/cbs")
    cbs_path = Path(chosen)
    if not cbs_path.is_absolute():
        # An option is relative to where the user typed it; the environment variable and the
        # config file are relative to the project root (a notebook kernel runs elsewhere).
        cbs_path = Path.cwd() / cbs_path if cbs_dir else root / cbs_path

    threshold = (raw.get("onthulling") or {}).get("drempel", 10)
    if not isinstance(threshold, int) or threshold < 1:
        raise ConfigError(
            f"{path}, onthulling.drempel: verwacht een geheel getal >= 1, niet {threshold!r}"
        )

    municipalities = parse_municipalities(raw.get("gemeenten"), f"{path}, gemeenten")

    return ProjectConfig(
        root=root,
        periods=periods,
        notebooks=notebooks,
        cbs_dir=cbs_path.resolve(),
        disclosure_threshold=threshold,
        municipalities=municipalities,
        raw=raw,
    )
