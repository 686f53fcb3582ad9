"""What the project monitors: the municipalities and regions of the frameworks, and every
municipality that ``gemeenten`` in ``tussenstand.yml`` adds.

``gemeenten: alle`` adds every municipality of the newest CBS areas table ('Gebieden in
Nederland', :mod:`tussenstand.sources.areas`); a list adds municipalities by code (``GM0363``) and
whole provinces (``Noord-Holland`` or ``PV27``). A municipality with a framework of its own keeps
it (and a region stays a region); every other one is monitored with the standard framework
(``data/raw/kaders/basisset.yaml``, :func:`tussenstand.frameworks.units_of`). Every command and
both notebooks find their units through :func:`project_units`.
"""

from __future__ import annotations

from tussenstand.config import CONFIG_FILE, ConfigError, MunicipalitySelection, ProjectConfig
from tussenstand.frameworks import Framework, MonitoredUnit, load_frameworks, units_of
from tussenstand.references import closest_choice, closest_code


def selected_municipalities(config: ProjectConfig) -> dict[str, str]:
    """Code -> name of the municipalities ``gemeenten`` selects, by code (empty when unset).

    Raises :class:`~tussenstand.sources.areas.AreasError` when the CBS folder has no areas table
    (it says how to get one), and :class:`~tussenstand.config.ConfigError` for a code or province
    that table does not have (with the closest valid one)."""
    selection = config.municipalities
    if not selection:
        return {}
    from tussenstand.sources import areas  # pandas: only when a selection needs the table

    try:
        table = areas.load_areas(config.cbs_dir)
    except areas.AreasError as exc:
        raise areas.AreasError(
            f"{CONFIG_FILE}, gemeenten: {selection.text_nl}: de gemeenten komen uit de nieuwste "
            f"CBS-gebiedentabel, maar {exc}"
        ) from None
    return select(table, selection, f"{config.root / CONFIG_FILE}, gemeenten")


def select(table, selection: MunicipalitySelection, where: str) -> dict[str, str]:
    """Code -> name of the gemeenten of the areas ``table`` (one year) that ``selection``
    names; :class:`ConfigError` naming ``where`` for a code or province the table lacks."""
    source = f"de CBS-gebiedentabel van {int(table['jaar'].iloc[0])}"
    names = dict(zip(table["gemeente"], table["gemeente_naam"], strict=True))
    if selection.everything:
        return dict(sorted(names.items()))
    chosen: set[str] = set()
    for code in selection.codes:
        if code not in names:
            near = closest_code(code, names)
            raise ConfigError(
                f"{where}: {code} staat niet in {source}; dichtstbijzijnde geldige code: "
                f"{near} ({names[near]})"
            )
        chosen.add(code)
    by_code = dict(zip(table["provincie_code"], table["provincie"], strict=False))
    by_name = {name.casefold(): code for code, name in by_code.items() if name}
    for province in selection.provinces:
        code = province.upper() if province.upper() in by_code else by_name.get(province.casefold())
        if code is None:
            provinces = sorted(n for n in by_code.values() if n)
            near = closest_choice(province, provinces)
            raise ConfigError(
                f"{where}: onbekende provincie {province!r} in {source}; dichtstbijzijnde: "
                f"{near}; kies een van: {', '.join(provinces)} (of hun code, bijv. PV27)"
            )
        chosen.update(table.loc[table["provincie_code"] == code, "gemeente"])
    return {code: names[code] for code in sorted(chosen)}


def project_units(
    config: ProjectConfig, frameworks: dict[str, Framework] | None = None
) -> list[MonitoredUnit]:
    """Every unit the project monitors (see the module docstring), sorted for listing: the
    frameworks' units and, with ``gemeenten`` set, every selected municipality (the standard
    framework for those without a framework of their own). ``frameworks``: already loaded ones."""
    if frameworks is None:
        frameworks = load_frameworks(config.frameworks_dir)
    return units_of(frameworks, selected_municipalities(config))
