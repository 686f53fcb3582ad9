"""Every chart kind, drawn with data as the reports meet it (long Dutch labels, many periods, several
series), keeps its texts apart: no tick label, legend entry, title, note or label in the axes
overlaps another, and none sticks out of the figure.

The boxes are matplotlib's own (``get_window_extent`` after drawing), read by
:func:`tussenstand.charts.text_collisions`.
"""

from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from tussenstand import charts  # noqa: E402
from tussenstand.charts.style import LEGEND_GID  # noqa: E402
from tussenstand.periods import Period, parse_period  # noqa: E402
from tussenstand.progress import GoalAssessment, Status  # noqa: E402

CBS = {"bron": "CBS StatLine", "tabel": "86050NED", "peildatum": "2025-04-22"}
REGISTRATION = {
    "bron": "Gemeente Heemskerk (registratie)",
    "tabel": "heemskerk_illustratief.csv",
    "peildatum": "2026-10-15",
    "illustratief": True,
}
#: the Kop van Noord-Holland with Nederland, the comparison group and two regions: seven series
REGION_SERIES = [
    "Den Helder",
    "Hollands Kroon",
    "Schagen",
    "Texel",
    "Nederland",
    "Vergelijkingsgroep (mediaan)",
    "Regio Jeugdzorgregio Noord-Holland Noord",
]
#: the Heemskerk themes as the plan names them, and longer ones as other plans write them
THEMES = [
    "Vitaal en weerbaar",
    "Zorg en wonen",
    "Opgroeien en zelfontplooiing",
    "Financieel fit",
    "Ontmoeten en omzien naar elkaar",
    "Bestaanszekerheid, schuldhulpverlening en armoedebestrijding",
    "Maatschappelijke opvang en beschermd wonen",
    "Algemene voorzieningen en toegang tot het sociaal domein",
]
DISTRICTS = [
    "Centrum",
    "Commandeurs",
    "Oosterwijk",
    "Broekpolder",
    "Beverwijkerstraatweg en omgeving",
    "Heemskerk-Noord (Kerkbuurt en Jan Ligthartstraat)",
    "Assumburg",
    "Waterakkers",
    "Poelenburg en De Velden",
    "Mijnsheerenland",
    "Rijksweg-Zuid",
    "Dorpsstraat",
]


def _periods(kind: str, first: str, count: int) -> list[Period]:
    """``count`` consecutive periods of one kind from ``first``."""
    periods = [parse_period(first)]
    while len(periods) < count:
        p = periods[-1]
        if kind == "month":
            nxt = Period.of_month(p.year + p.part // 12, p.part % 12 + 1)
        elif kind == "half":
            nxt = Period.of_half(p.year + (p.part == 2), 1 if p.part == 2 else 2)
        elif kind == "quarter":
            nxt = Period.of_quarter(p.year + p.part // 4, p.part % 4 + 1)
        elif kind == "schoolyear":
            nxt = Period.of_schoolyear(p.year + 1)
        else:
            nxt = Period.of_year(p.year + 1)
        periods.append(nxt)
    return periods


def _series_rows(labels, periods, base: float, unit: str, extra=None) -> pd.DataFrame:
    rows = []
    for i, label in enumerate(labels):
        for j, p in enumerate(periods):
            rows.append(
                {
                    "gemeente_naam": label,
                    "periode": p.code,
                    "waarde": base * (1 + 0.08 * i) + 3.7 * j * (1 if i % 2 else -1),
                    "eenheid": unit,
                    **CBS,
                    **(extra or {}),
                }
            )
    return pd.DataFrame(rows)


def _assessment(**figures) -> GoalAssessment:
    fields = {
        "goal_id": "ZW-2",
        "report_period": parse_period("2026-H1"),
        "kind": "level",
        "comparison": "at_most",
        "unit": "aantal",
        "target_value": None,
        "target_period": parse_period("2027"),
        "baseline_value": None,
        "baseline_period": None,
        "baseline_source": None,
        "expected_value": None,
        "expected_at_latest": None,
        "latest_value": None,
        "latest_period": None,
        "share_covered": None,
        "status": Status.ACHTER_OP_SCHEMA,
        "projection": None,
        "projection_meets_target": None,
    }
    return GoalAssessment(**{**fields, **figures})


# ----- the charts -------------------------------------------------------------------------------
def trend_region_half_years() -> charts.ChartResult:
    """Seven series with long names over sixteen half-years, a series break, a provisional
    figure and a gap: the region report's Wmo chart."""
    data = _series_rows(
        REGION_SERIES, _periods("half", "2017-H1", 16), 640.0, "per 10.000 inwoners"
    )
    data["reeksbreuk"] = data["periode"] == "2021-H1"
    data["voorlopig"] = data["periode"] == "2024-H2"
    data.loc[(data["gemeente_naam"] == "Texel") & (data["periode"] == "2019-H2"), "waarde"] = np.nan
    data["ontbreekt_reden"] = np.where(data["waarde"].isna(), "CBS: geheim (x)", "")
    return charts.trend_chart(
        data,
        title="De Kop van Noord-Holland heeft meer Wmo-cliënten met een maatwerkvoorziening dan "
        "Nederland, en het verschil groeit sinds de nieuwe tabel van 2021",
        indicator_label="Wmo-cliënten met een maatwerkvoorziening",
    )


def trend_months() -> charts.ChartResult:
    """Twenty-one months of re-integration counts in the thousands: month ticks and Dutch
    thousands on the axis."""
    data = _series_rows(["Heemskerk"], _periods("month", "2023-01", 21), 38_450.0, "aantal")
    return charts.trend_chart(
        data, title="Het aantal lopende re-integratievoorzieningen daalt licht"
    )


def trend_years_euros() -> charts.ChartResult:
    """Twenty-six years of amounts in euros (wide tick labels) for two series."""
    data = _series_rows(
        ["Heemskerk", "Heemskerk (begroting)"], _periods("year", "1999", 26), 45_128_079.0, "euro"
    )
    return charts.trend_chart(data, title="Het budget sociaal domein groeit elk jaar")


def trend_long_unit() -> charts.ChartResult:
    """The longest unit of a BBV indicator as the y-axis label, on a short chart."""
    data = _series_rows(
        ["Heemskerk", "Nederland"],
        _periods("year", "2015", 10),
        116.7,
        "uitkeringen per 10.000 inwoners van 18 jaar en ouder",
    )
    return charts.trend_chart(data, title="Heemskerk heeft minder bijstandsuitkeringen")


def trend_school_years() -> charts.ChartResult:
    """Ten school years, the widest period ticks, for three series."""
    data = _series_rows(
        ["Heemskerk", "Nederland", "Vergelijkingsgroep (mediaan)"],
        _periods("schoolyear", "2016/2017", 10),
        2.4,
        "% van de leerplichtigen",
    )
    return charts.trend_chart(data, title="Relatief verzuim blijft onder het landelijke niveau")


def goal_months_with_yearly_baseline() -> charts.ChartResult:
    """Monthly measurements with a yearly baseline and a target year: periods of three kinds meet
    on one time axis (a year ends where its December ends)."""
    months = _periods("month", "2023-01", 21)
    data = pd.DataFrame(
        {
            "periode": [p.code for p in months],
            "waarde": [412.0 - 2.5 * i for i in range(len(months))],
            "eenheid": "aantal",
            **CBS,
        }
    )
    assessment = _assessment(
        baseline_value=420.0,
        baseline_period=parse_period("2023"),
        baseline_source="plan",
        target_value=350.0,
        target_period=parse_period("2027"),
        latest_value=362.0,
        latest_period=months[-1],
        expected_at_latest=401.25,
        projection=318.0,
    )
    return charts.goal_chart(
        data,
        assessment,
        title="Het aantal lopende re-integratievoorzieningen daalt sneller dan de rechte lijn "
        "naar het doel van 2027",
        goal_label="lopende re-integratievoorzieningen",
    )


def goal_half_years_illustrative() -> charts.ChartResult:
    """Half-years from an illustrative registration, with every reference point of a goal."""
    halves = _periods("half", "2022-H1", 5)
    data = pd.DataFrame(
        {
            "periode": [p.code for p in halves],
            "waarde": [108.0, 121.0, 134.0, 129.0, 150.0],
            "eenheid": "aantal",
            **REGISTRATION,
        }
    )
    assessment = _assessment(
        comparison="at_least",
        baseline_value=108.0,
        baseline_period=halves[0],
        baseline_source="plan",
        target_value=250.0,
        target_period=parse_period("2027"),
        latest_value=150.0,
        latest_period=halves[-1],
        expected_at_latest=164.8,
        projection=221.0,
        status=Status.ACHTER_OP_SCHEMA,
    )
    return charts.goal_chart(
        data,
        assessment,
        title="Meer inwoners doen mee aan de beweegactiviteiten, maar minder snel dan nodig",
        goal_label="deelnemers beweegactiviteiten",
        source="Beleidsplan Sociaal domein 2024 en verder",
    )


def goal_per_district() -> charts.ChartResult:
    """Twelve districts with long names, one suppressed and one without a measurement."""
    values = [58.6, 61.2, 49.9, 55.0, 47.3, 66.1, np.nan, 52.4, 60.0, 44.8, np.nan, 57.7]
    data = pd.DataFrame(
        {
            "gebied": DISTRICTS,
            "periode": "2024",
            "waarde": values,
            "eenheid": "%",
            "onderdrukt": [False] * 6 + [True] + [False] * 5,
            **REGISTRATION,
        }
    )
    assessment = _assessment(
        unit="%", comparison="at_least", target_value=60.0, target_period=parse_period("2027")
    )
    return charts.goal_chart(
        data,
        assessment,
        title="In vier van de tien wijken met een meting sport al 60% van de inwoners wekelijks",
    )


def district_chart_counts() -> charts.ChartResult:
    """The district chart itself with counts in the thousands and a long level label."""
    data = pd.DataFrame(
        {
            "gebied": DISTRICTS,
            "periode": "2024-H1",
            "waarde": [1_234.0 + 517 * i for i in range(len(DISTRICTS))],
            "eenheid": "aantal",
            **CBS,
        }
    )
    return charts.district_goal_chart(
        data,
        4_000.0,
        title="Het aantal huishoudens met een laag inkomen per wijk",
        level_label="gemiddelde van de vergelijkbare gemeenten",
    )


def bar_budget_per_theme() -> charts.ChartResult:
    """Eight themes with long names, amounts in the millions and their shares."""
    data = pd.DataFrame(
        {
            "thema": THEMES,
            "waarde": [4_352_650.0, 14_984_774.0, 9_120_003.0, 6_870_412.0, 1_240_118.0]
            + [5_030_000.0, 2_210_500.0, 1_320_122.0],
            "eenheid": "euro",
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
        }
    )
    return charts.bar_chart(
        data, category_col="thema", title="Zorg en wonen krijgt een derde van het budget"
    )


def age_structure_three_panels() -> charts.ChartResult:
    """Three panels (gemeente, Nederland, the plan's prognosis), four periods each: the chart
    whose x-axis labels ran into each other (0-15 jaar15-25 jaar25-45 ...)."""
    bands = ["0_15", "15_25", "25_45", "45_65", "65plus"]
    shares = {
        "2009": [17.1, 12.2, 24.7, 28.3, 17.7],
        "2018": [15.0, 11.9, 21.9, 29.9, 21.3],
        "2024": [14.7, 11.0, 23.0, 27.9, 23.4],
    }
    rows = [
        {
            "gemeente_naam": series,
            "indicator": f"aandeel_{band}",
            "periode": year,
            "waarde": v + (0.4 if series == "Nederland" else 0.0),
            "eenheid": "%",
            **CBS,
        }
        for series in ("Heemskerk", "Nederland")
        for year, values in shares.items()
        for band, v in zip(bands, values, strict=True)
    ]
    plan = {
        "2018": [5940, 4524, 8503, 11730, 8448],
        "2024": [5811, 4277, 8947, 11068, 9349],
        "2030": [5700, 4100, 9200, 10700, 10300],
    }  # plan 003, section 3.1
    rows += [
        {
            "gemeente_naam": "Heemskerk (beleidsplan)",
            "indicator": f"aandeel_{band}",
            "periode": year,
            "waarde": v / sum(values) * 100,
            "eenheid": "%",
            "bron": "Beleidsplan Sociaal domein 2024 en verder",
            "prognose": year == "2030",
        }
        for year, values in plan.items()
        for band, v in zip(bands, values, strict=True)
    ]
    return charts.age_structure_chart(
        pd.DataFrame(rows),
        title="Het aandeel 65-plussers in Heemskerk groeit volgens het plan door tot 2030",
    )


def age_structure_one_panel_counts() -> charts.ChartResult:
    """One panel from counts, five periods: many bars per band."""
    counts = [5940, 4524, 8503, 11730, 8448]
    rows = [
        {
            "gemeente_naam": "Heemskerk",
            "indicator": f"inwoners_{band}",
            "periode": str(year),
            "waarde": float(v + 60 * k),
            "eenheid": "aantal",
            **CBS,
        }
        for k, year in enumerate(range(2020, 2025))
        for band, v in zip(["0_15", "15_25", "25_45", "45_65", "65plus"], counts, strict=True)
    ]
    return charts.age_structure_chart(pd.DataFrame(rows), title="De leeftijdsopbouw van Heemskerk")


def distribution_all_gemeenten():
    """342 gemeenten, the report's own and three members of its comparison group marked, a long
    unit and Nederland's line: the legend has five entries in two rows."""
    from test_distribution import national_frame

    from tussenstand.sources.distribution import build_distribution

    rng = np.random.default_rng(7)
    codes = [f"GM{i:04d}" for i in range(1, 343)]
    per = "per 10.000 inwoners van 18 jaar en ouder"
    rows = []
    for code, value in zip(codes, rng.normal(600, 150, len(codes)).round(1), strict=True):
        rows.append((code, "wmo_clienten_per_10000", float(value), per))
        rows.append((code, "wmo_clienten_aantal", float(value) * 3, "aantal"))
    frame = national_frame(rows)
    dist = build_distribution(frame, threshold=10)
    dist = dist[dist["indicator"] == "wmo_clienten_per_10000"]
    return charts.distribution_chart(
        dist,
        {"GM0300": "Heemskerk"},
        title="Wmo-cliënten met een maatwerkarrangement onder alle gemeenten",
        comparison=["GM0010", "GM0020", "GM0030"],
        national=610.0,
    )


CASES = {
    f.__name__: f
    for f in (
        trend_region_half_years,
        trend_months,
        trend_years_euros,
        trend_long_unit,
        trend_school_years,
        goal_months_with_yearly_baseline,
        goal_half_years_illustrative,
        goal_per_district,
        district_chart_counts,
        bar_budget_per_theme,
        age_structure_three_panels,
        age_structure_one_panel_counts,
        distribution_all_gemeenten,
    )
}

#: which chart function each case draws (the goal chart per district draws the district chart)
KIND_OF_CASE = {
    "trend_region_half_years": "trend_chart",
    "trend_months": "trend_chart",
    "trend_years_euros": "trend_chart",
    "trend_long_unit": "trend_chart",
    "trend_school_years": "trend_chart",
    "goal_months_with_yearly_baseline": "goal_chart",
    "goal_half_years_illustrative": "goal_chart",
    "goal_per_district": "goal_chart",
    "district_chart_counts": "district_goal_chart",
    "bar_budget_per_theme": "bar_chart",
    "age_structure_three_panels": "age_structure_chart",
    "age_structure_one_panel_counts": "age_structure_chart",
    "distribution_all_gemeenten": "distribution_chart",
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_text_of_a_chart_overlaps_another_or_leaves_the_figure(case):
    result = CASES[case]()
    collisions = charts.text_collisions(result)
    assert not collisions, "\n".join(map(str, collisions))


def test_every_chart_kind_is_drawn_here():
    """A new chart function in ``charts`` (one returning a ChartResult) needs a case above."""
    kinds = {
        name
        for name in charts.__all__
        if callable(getattr(charts, name))
        and inspect.signature(getattr(charts, name)).return_annotation
        in ("ChartResult", charts.ChartResult)
    }
    assert kinds == set(KIND_OF_CASE.values())
    assert set(KIND_OF_CASE) == set(CASES)


# ----- the check itself -----------------------------------------------------------------------
def _figure_with(texts: list[tuple[float, float, str]]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(4, 3))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for x, y, text in texts:
        ax.text(x, y, text, fontsize=10)
    return fig


def test_the_check_finds_texts_on_top_of_each_other():
    fig = _figure_with([(0.1, 0.5, "0-15 jaar"), (0.15, 0.5, "15-25 jaar")])
    assert [str(c) for c in charts.text_collisions(fig)] == [
        "'in de grafiek 0-15 jaar' overlapt 'in de grafiek 15-25 jaar'"
    ]


def test_the_check_finds_a_text_outside_the_figure():
    fig = _figure_with([(0.9, 0.5, "Regio Jeugdzorgregio Noord-Holland Noord")])
    assert [str(c) for c in charts.text_collisions(fig)] == [
        "'in de grafiek Regio Jeugdzorgregio Noord-Holland Noord' valt buiten de figuur"
    ]


def test_the_check_passes_texts_apart():
    fig = _figure_with([(0.1, 0.2, "0-15 jaar"), (0.1, 0.7, "15-25 jaar")])
    assert charts.text_collisions(fig) == []


def test_the_age_structure_labels_of_the_published_heemskerk_report_no_longer_collide():
    """The report's own case: five bands x three panels at the report's width, each band label
    on its own place under its bars."""
    result = age_structure_three_panels()
    result.fig.canvas.draw()
    panels = [ax for ax in result.fig.axes if ax.get_gid() != LEGEND_GID]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "Heemskerk",
        "Nederland",
        "Heemskerk (beleidsplan)",
    ]
    for ax in panels:
        labels = [t for t in ax.get_xticklabels() if t.get_text()]
        assert len(labels) == 5
        boxes = [t.get_window_extent() for t in labels]
        assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False))
