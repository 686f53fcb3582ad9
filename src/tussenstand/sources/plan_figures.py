"""Figures quoted in a policy plan: ``data/raw/plancijfers/<gemeente>_demografie.csv``.

A plan's own demographic tables (population by age band, households by type, with forecasts) are
kept as the plan prints them, with a ``bron`` column citing the plan and a ``prognose`` column for
forecasts. The report shows them next to CBS's figures; they never replace them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tussenstand.sources.csvfile import read_semicolon_csv
from tussenstand.sources.geo import AGE_BANDS

AGE_LABELS = {
    "0_15": "0-15 jaar",
    "15_25": "15-25 jaar",
    "25_45": "25-45 jaar",
    "45_65": "45-65 jaar",
    "65plus": "65 jaar en ouder",
}
HOUSEHOLD_TYPES = ("totaal", "eenpersoons", "paar_zonder_kinderen", "paar_met_kinderen", "eenouder")
PLAN_COLUMNS = [
    "gemeente",
    "gemeente_naam",
    "onderwerp",
    "categorie",
    "jaar",
    "waarde",
    "prognose",
    "bron",
]


class PlanFiguresError(ValueError):
    """A plan-figures file that is missing or wrong."""


def read_plan_figures(path: str | Path) -> pd.DataFrame:
    """A plan-figures CSV (``;``-separated, whole numbers with or without thousands dots)."""
    path = Path(path)
    if not path.is_file():
        raise PlanFiguresError(f"plancijfers niet gevonden: {path}")
    df = read_semicolon_csv(path)
    missing = [c for c in PLAN_COLUMNS if c not in df.columns]
    if missing:
        raise PlanFiguresError(
            f"{path.name}: kolommen {', '.join(missing)} ontbreken; verwacht {';'.join(PLAN_COLUMNS)}"
        )
    df = df.apply(lambda c: c.str.strip())
    for i, row in df.iterrows():
        if not re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", row["waarde"]):
            raise PlanFiguresError(
                f"{path.name}, regel {i + 2}, kolom waarde: {row['waarde']!r} is geen geheel getal"
            )
        if row["prognose"].lower() not in ("ja", "nee", "true", "false"):
            raise PlanFiguresError(
                f"{path.name}, regel {i + 2}, kolom prognose: verwacht ja of nee"
            )
    df["waarde"] = df["waarde"].str.replace(".", "", regex=False).astype(float)
    df["jaar"] = df["jaar"].astype(int)
    df["prognose"] = df["prognose"].str.lower().isin(["ja", "true"])
    return df[PLAN_COLUMNS]


def plan_population_by_age(path: str | Path) -> pd.DataFrame:
    """Age table from a plan: one row per year and band, with the share of the year's total."""
    df = read_plan_figures(path)
    df = df[df["onderwerp"] == "leeftijd"].rename(
        columns={"categorie": "leeftijd", "waarde": "aantal"}
    )
    unknown = set(df["leeftijd"]) - set(AGE_BANDS)
    if unknown:
        raise PlanFiguresError(
            f"{Path(path).name}: onbekende leeftijdsgroep(en) {sorted(unknown)}; verwacht {AGE_BANDS}"
        )
    total = df.groupby(["gemeente", "jaar"])["aantal"].transform("sum")
    df["aandeel"] = df["aantal"] / total * 100
    df["aandeel_afgerond"] = False
    df["leeftijd_label"] = df["leeftijd"].map(AGE_LABELS)
    df["tabel"] = Path(path).name
    cols = [
        "gemeente",
        "gemeente_naam",
        "jaar",
        "leeftijd",
        "leeftijd_label",
        "aantal",
        "aandeel",
        "aandeel_afgerond",
        "bron",
        "tabel",
        "prognose",
    ]
    return df[cols].sort_values(["gemeente", "jaar", "leeftijd"]).reset_index(drop=True)


def plan_households(path: str | Path) -> pd.DataFrame:
    df = read_plan_figures(path)
    df = df[df["onderwerp"] == "huishoudens"].rename(
        columns={"categorie": "type", "waarde": "aantal"}
    )
    unknown = set(df["type"]) - set(HOUSEHOLD_TYPES) - {"meerpersoons"}
    if unknown:
        raise PlanFiguresError(f"{Path(path).name}: onbekend huishoudtype {sorted(unknown)}")
    df["tabel"] = Path(path).name
    return (
        df[["gemeente", "gemeente_naam", "jaar", "type", "aantal", "bron", "tabel", "prognose"]]
        .sort_values(["gemeente", "jaar", "type"])
        .reset_index(drop=True)
    )
