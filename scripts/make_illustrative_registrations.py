"""Write the illustrative registrations for Heemskerk: ``data/raw/registraties/heemskerk_illustratief.csv``.

The Heemskerk plan measures most of its goals with the municipality's own registrations (Suite4SD,
GGD monitor, Wijkplatform, ...). Those figures are not public, so this script writes an
**illustrative** file in the registration template, so that the pipeline and the report can be
shown end to end. Every row says ``illustratief=ja`` and ``bron`` says it is not real data.

Rules the figures follow:

* every goal of ``data/raw/kaders/heemskerk.yaml`` whose series is a registration (``reg_...``)
  gets a series, at the goal's measurement frequency, up to and including 2026-H1 (the latest half-year
  that had ended when the file was made); yearly series therefore end in 2025;
* a series starts at the plan's baseline (period and value exactly as in the plan). Where the plan
  has no baseline, or it is pending, the series starts at the first measurement period after the
  plan (2024) and no baseline row is written: a baseline is never invented;
* outcomes are mixed on purpose (reached, on course, behind, wrong direction) so that the report
  shows every status; the end points are fixed below, the points between get a small seeded jitter;
* per-district goals get a row per district. The plan names no districts, so they are the generic
  'Wijk 1' ... 'Wijk 5';
* one extra detail series, ``reg_FF-4_per_wijk`` (persons working with a loonkostensubsidie, per
  district), has counts below 10 so that small-number suppression is visible.

Deterministic: fixed seed, no dates from the clock. Run from the project root:

    python scripts/make_illustrative_registrations.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import yaml
from babel.numbers import format_decimal

from tussenstand.goals import Goal, parse_goal
from tussenstand.periods import Period
from tussenstand.sources.registrations import TEMPLATE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "data" / "raw" / "kaders" / "heemskerk.yaml"
OUTPUT = ROOT / "data" / "raw" / "registraties" / "heemskerk_illustratief.csv"
GEMEENTE = "GM0396"
BRON = "Illustratieve registratie (geen echte gegevens)"
LAST = Period.of_half(2026, 1)
# One export date for the whole file, as a municipality's export would have (fixed, not the clock).
EXPORT_DATE = "2026-10-15"
FIRST_YEAR_WITHOUT_BASELINE = 2024
SEED = 20241001
DISTRICTS = ["Wijk 1", "Wijk 2", "Wijk 3", "Wijk 4", "Wijk 5"]

# Value at the last measurement up to 2026-H1, per goal (the outcome it illustrates).
# For goals without a baseline: (first value, last value).
END_VALUES: dict[str, float] = {
    "VW-1": 58.6,  # on course
    "VW-2": 236,  # on course (ahead)
    "VW-3": 89.0,  # wrong direction
    "VW-4": 50.2,  # behind
    "VW-5": 47.0,  # on course
    "ZW-1": 205,  # on course
    "ZW-2": 136,  # behind
    "ZW-3": 51.0,  # reached
    "ZW-4": 3290.0,  # wrong direction (costs above the ceiling)
    "ZW-5": 80.6,  # stable within tolerance
    "OZ-1": 57.0,  # behind
    "OZ-3": 149,  # wrong direction
    "OZ-4": 14090.0,  # outside the tolerance
    "FF-1": 5960,  # reached
    "FF-2": 1062,  # on course
    "FF-3": 1252,  # wrong direction
    "FF-4": 61,  # on course
    "FF-5": 14.9,  # behind
    "OO-1": 19.1,  # wrong direction
    "OO-6": 1935,  # on course
}
NO_BASELINE: dict[str, tuple[float, float]] = {
    "OZ-2": (61.0, 71.0),
    "OZ-5": (54.0, 59.0),
    "OZ-6": (41, 38),
    "FF-6": (27.0, 33.0),
    "OO-4": (6.0, 7.4),
}
# Per-district goals: value per district at each measurement (first ... last).
DISTRICT_VALUES: dict[str, dict[str, list[float]]] = {
    "OO-2": {
        "Wijk 1": [1, 1, 2],
        "Wijk 2": [0, 1, 1],
        "Wijk 3": [1, 1, 1],
        "Wijk 4": [0, 0, 0],
        "Wijk 5": [1, 2, 2],
    },
    "OO-3": {
        "Wijk 1": [3, 5, 6],
        "Wijk 2": [2, 3, 5],
        "Wijk 3": [4, 6, 8],
        "Wijk 4": [1, 2, 2],
        "Wijk 5": [2, 4, 4],
    },
    "OO-5": {
        "Wijk 1": [43.9],
        "Wijk 2": [46.8],
        "Wijk 3": [41.2],
        "Wijk 4": [49.5],
        "Wijk 5": [44.0],
        "": [45.1],
    },
}
# Measurements not (yet) delivered: (goal, period) -> reason.
MISSING = {("FF-5", "2025"): "Divosa-benchmark over 2025 nog niet gepubliceerd"}
NOTES = {
    "FF-1": "toekenningen in de 12 maanden tot en met het einde van de periode",
    "ZW-4": "gemiddelde kosten over de 12 maanden tot en met het einde van de periode",
    "FF-4": "stand aan het einde van de periode",
}
FF4_DISTRICT_WEIGHTS = [0.28, 0.22, 0.20, 0.17, 0.13]


def load_goals(path: Path = FRAMEWORK) -> list[Goal]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [parse_goal(g, path.name) for g in data["goals"]]


def measurement_periods(start: Period, months: int, last: Period = LAST) -> list[Period]:
    """``start`` and every following period of the goal's frequency that ends by ``last``."""
    if months >= 12 and start.kind == "schoolyear":
        step = lambda p: Period.of_schoolyear(p.year + months // 12)  # noqa: E731
    elif months >= 12:
        step = lambda p: Period.of_year(p.year + months // 12)  # noqa: E731
    else:

        def step(p: Period) -> Period:
            if p.kind == "year":  # a yearly baseline, then half-years
                return Period.of_half(p.year + 1, 1)
            return Period.of_half(p.year, 2) if p.part == 1 else Period.of_half(p.year + 1, 1)

    out = [start]
    while (nxt := step(out[-1])).end <= last.end:
        out.append(nxt)
    return out


def first_period(goal: Goal, months: int) -> Period:
    if goal.target_period_obj.kind == "schoolyear":
        return Period.of_schoolyear(FIRST_YEAR_WITHOUT_BASELINE)
    if months < 12:
        return Period.of_half(FIRST_YEAR_WITHOUT_BASELINE, 1)
    return Period.of_year(FIRST_YEAR_WITHOUT_BASELINE)


def decimals(unit: str) -> int:
    if unit == "euro":
        return 2
    if unit == "%" or unit == "nachten" or unit.startswith("per "):
        return 1 if unit != "per 1.000 inwoners" else 2
    return 0


def path_values(
    start: float, end: float, n: int, rng: np.random.Generator, unit: str
) -> list[float]:
    """``n`` values from ``start`` to ``end``: linear with a small jitter between the end points."""
    if n == 1:
        return [end]
    values = list(np.linspace(start, end, n))
    for i in range(1, n - 1):
        values[i] *= 1 + rng.uniform(-0.008, 0.008)
    return [round(v, decimals(unit)) for v in values]


def dutch(value: float, unit: str) -> str:
    pattern = "#,##0.00" if unit == "euro" else ("#,##0" if decimals(unit) == 0 else "#,##0.0#")
    return format_decimal(value, format=pattern, locale="nl_NL")


def split_counts(total: int, weights: list[float]) -> list[int]:
    """Split a count over districts so that the parts add up to ``total`` (largest remainder)."""
    raw = [total * w for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[
        : total - sum(parts)
    ]:
        parts[i] += 1
    return parts


def build_rows(goals: list[Goal]) -> list[dict[str, str]]:
    rng = np.random.default_rng(SEED)
    rows: list[dict[str, str]] = []

    def add(
        goal_id: str,
        reeks: str,
        period: Period,
        value: float | None,
        unit: str,
        gebied: str = "",
        note: str = "",
    ) -> None:
        rows.append(
            {
                "gemeente": GEMEENTE,
                "doel": goal_id,
                "reeks": reeks,
                "periode": period.code,
                "gebied": gebied,
                "waarde": "" if value is None else dutch(value, unit),
                "eenheid": unit,
                "bron": BRON,
                "opmerking": note,
                "illustratief": "ja",
                "peildatum": EXPORT_DATE,
            }
        )

    for goal in goals:
        if not goal.series.startswith("reg_"):
            continue
        months = goal.measurement.frequency_months or 12
        unit = goal.unit
        known = goal.baseline is not None and goal.baseline.known
        start = goal.baseline.period_obj if known else first_period(goal, months)
        periods = measurement_periods(start, months)
        if goal.id in DISTRICT_VALUES:
            per_district = DISTRICT_VALUES[goal.id]
            if known:  # the plan's one baseline value is for the whole municipality
                add(
                    goal.id,
                    "",
                    periods[0],
                    goal.baseline.value,
                    unit,
                    note="nulmeting uit het beleidsplan (hele gemeente)",
                )
                periods = periods[1:]
            for district, values in per_district.items():
                if not periods:  # no measurement after the baseline has ended yet
                    break
                if len(values) > len(periods):  # keep the end value as the latest measurement
                    values = values[: len(periods) - 1] + values[-1:]
                if len(values) != len(periods):
                    raise SystemExit(
                        f"{goal.id}: {len(values)} waarden voor {len(periods)} perioden"
                    )
                for period, value in zip(periods, values, strict=True):
                    add(goal.id, "", period, value, unit, gebied=district)
            continue
        if known:
            first, last = goal.baseline.value, END_VALUES[goal.id]
        else:
            first, last = NO_BASELINE[goal.id]
        values = path_values(first, last, len(periods), rng, unit)
        if known:
            values[0] = goal.baseline.value  # exactly the plan's figure
        for i, (period, value) in enumerate(zip(periods, values, strict=True)):
            reason = MISSING.get((goal.id, period.code))
            note = "nulmeting uit het beleidsplan" if known and i == 0 else NOTES.get(goal.id, "")
            add(goal.id, "", period, None if reason else value, unit, note=reason or note)
        if goal.id == "FF-4":
            for period, value in zip(periods, values, strict=True):
                for district, part in zip(
                    DISTRICTS, split_counts(int(value), FF4_DISTRICT_WEIGHTS), strict=True
                ):
                    add(
                        "",
                        "reg_FF-4_per_wijk",
                        period,
                        part,
                        "aantal",
                        gebied=district,
                        note="detail van doel FF-4 per wijk",
                    )
    return rows


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TEMPLATE_COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else OUTPUT
    rows = build_rows(load_goals())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(rows), encoding="utf-8")
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {len(rows)} rijen")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
