"""The goal model: the YAML shape of one SMART goal and its Dutch validation messages."""

from __future__ import annotations

import pytest

from tussenstand.goals import (
    DEFAULT_TOLERANCE_PERCENT,
    Goal,
    GoalError,
    frequency_to_months,
    parse_goal,
)
from tussenstand.periods import Period

BASE = {
    "id": "ZW-1",
    "theme": "zorg-en-wonen",
    "text": "In 2027 is het gemiddelde aantal nachten ... afgenomen met 20% ten opzichte van 244 nachten in 2023.",
    "indicator": "Gemiddeld aantal nachten in de daklozenvoorziening",
    "unit": "nachten",
    "baseline": {"value": 244, "period": 2023},
    "target": {"kind": "change", "percent": -20},
    "target_period": 2027,
    "direction": "down",
    "measurement": {"source": "Registraties BCT", "frequency": "1X per jaar"},
}


def goal(**changes) -> dict:
    data = {**BASE, **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_valid_goal_and_derived_fields():
    g = parse_goal(goal())
    assert isinstance(g, Goal)
    assert g.baseline.status == "known" and g.baseline.period == "2023"
    assert g.baseline.period_obj == Period.of_year(2023)
    assert g.target_period_obj == Period.of_year(2027)
    assert g.comparison == "at_most"  # from direction down
    assert g.series == "reg_ZW-1"
    assert g.measurement.frequency_months == 12
    assert g.tolerance_percent == 0


def test_school_year_and_pending_baseline():
    g = parse_goal(
        goal(
            baseline={"status": "pending", "period": "2023-2024"},
            target={"kind": "change", "percent": -10},
            target_period="2026-2027",
        )
    )
    assert g.baseline_status == "pending" and g.baseline.value is None
    assert g.baseline.period_obj == Period.of_schoolyear(2023)
    assert g.target_period_obj == Period.of_schoolyear(2026)


def test_defaults_for_stay_and_explicit_series():
    g = parse_goal(
        goal(
            target={"kind": "stay"},
            direction="stable",
            measurement={"series": "wmo_clienten_per_10000"},
        )
    )
    assert g.comparison == "equal"
    assert g.tolerance_percent == DEFAULT_TOLERANCE_PERCENT
    assert g.series == "wmo_clienten_per_10000"
    assert (
        parse_goal(
            goal(baseline=None, target={"kind": "growth_per_year", "percent": 10}, direction="up")
        ).baseline_status
        == "none"
    )


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("1X per 4 jaar", 48),
        ("2X per jaar", 6),
        ("1x per schooljaar", 12),
        ("Ix per iaar", None),
        ("2x per jaar", 6),
        (None, None),
    ],
)
def test_frequency_to_months(text, months):
    assert frequency_to_months(text) == months


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": {"kind": "change"}}, r"ZW-1: target: .*'percent'.*'amount'"),
        ({"target": {"kind": "change", "percent": -20, "amount": 5}}, r"niet allebei"),
        ({"target": {"kind": "level"}}, r"target: doel van soort 'level' heeft een 'value' nodig"),
        ({"target": {"kind": "every_district"}}, r"'every_district' heeft een 'value' nodig"),
        ({"target": {"kind": "level", "value": 60, "percent": 5}}, r"gebruikt 'percent' niet"),
        (
            {"target": {"kind": "level", "value": "13.601,04"}},
            r"target.value: '13.601,04' is geen getal",
        ),
        ({"target": {"kind": "lvl", "value": 1}}, r"target.kind: 'lvl' is niet toegestaan"),
        ({"target_period": "2027x"}, r"target_period: onbekende periode '2027x'"),
        (
            {"direction": "omhoog"},
            r"direction: 'omhoog' is niet toegestaan; verwacht 'up', 'down' of 'stable'",
        ),
        ({"baseline": {"value": 244}}, r"baseline: .*'period' nodig"),
        (
            {"baseline": {"status": "pending", "value": 3, "period": "2023"}},
            r"status 'pending' mag geen 'value'",
        ),
        (
            {"baseline": {"status": "known", "period": "2023"}},
            r"status 'known' heeft een 'value' nodig",
        ),
        (
            {"baseline": {"value": 1, "period": "2028"}},
            r"nulmeting \(2028\) ligt niet vóór de doelperiode",
        ),
        ({"unit": None}, r"unit: ontbreekt"),
        ({"doel": "x"}, r"doel: onbekend veld"),
        (
            {"measurement": {"districts": ["Noord"]}},
            r"hoort alleen bij een doel van soort 'every_district'",
        ),
        (
            {"target": {"kind": "stay", "tolerance_percent": 3, "comparison": "at_most"}},
            r"alleen bij comparison 'equal'",
        ),
    ],
)
def test_errors_name_the_goal_and_field(changes, message):
    with pytest.raises(GoalError, match=message) as info:
        parse_goal(goal(**changes), "kaders/heemskerk.yaml")
    assert str(info.value).startswith("kaders/heemskerk.yaml: doel ZW-1: ")


def test_not_a_mapping():
    with pytest.raises(GoalError, match="verwacht een blok met velden"):
        parse_goal(["ZW-1"], "kaders/x.yaml")
