"""Project configuration: where things are, what is monitored, and the settings a user may change.

Everything a stage needs to find on disk is resolved here, so that a new reader finds the folders
(`data/raw`, `data/processed`, `reports`) in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tussenstand.periods import Period, parse_report_period

CONFIG_FILE = "tussenstand.yml"
CBS_DIR_ENV = "TUSSENSTAND_CBS_DIR"
PROJECT_ROOT_ENV = "TUSSENSTAND_PROJECT_ROOT"


class ConfigError(ValueError):
    """The project configuration is missing or wrong."""


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

    return ProjectConfig(
        root=root,
        periods=periods,
        notebooks=notebooks,
        cbs_dir=cbs_path.resolve(),
        disclosure_threshold=threshold,
        raw=raw,
    )
