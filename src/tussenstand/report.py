"""The evaluation report: what each chapter of ``notebooks/02_rapport.ipynb`` shows.

The notebook stays thin: it opens a :class:`Report` for its parameters and calls one ``show_*``
function per chapter. Each function builds tables (Markdown, so Quarto renders them in HTML and in
the typst PDF), charts (:mod:`tussenstand.charts`, saved with the CSV behind them) and a sentence
of interpretation, all in Dutch. Published values pass the small-numbers rule
(:func:`tussenstand.disclosure.apply_disclosure`); goal statuses are judged on the internal values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from tussenstand import charts
from tussenstand.buildinfo import build_info
from tussenstand.cleaning import CleaningResult, region_codes
from tussenstand.cleaning import comparison_codes as comparison_group_codes
from tussenstand.config import ProjectConfig, load_config
from tussenstand.disclosure import apply_disclosure, format_published_value
from tussenstand.frameworks import (
    Framework,
    Indicator,
    MonitoredUnit,
    find_unit,
    load_frameworks,
    units_of,
)
from tussenstand.goals import Goal
from tussenstand.handoff import QUALITY_FILE, SUMMARY_FILE, ReportSummary
from tussenstand.nlformat import (
    fmt_change,
    fmt_date,
    fmt_euro,
    fmt_int,
    fmt_list,
    fmt_number,
    fmt_percent,
    fmt_value,
)
from tussenstand.periods import Period, parse_period, parse_report_period
from tussenstand.progress import STATUS_RULES_NL, GoalAssessment, Status, assess_goal
from tussenstand.schema import MEASUREMENTS_FILE, NATIONAL_CODE, read_measurements
from tussenstand.sources import plan_figures
from tussenstand.sources.geo import AGE_BANDS

NATIONAL = NATIONAL_CODE
FIGURES_FOLDER = "data"
COMPARISON_LABEL = "Vergelijkingsgroep (mediaan)"
ILLUSTRATIVE_BANNER = (
    "**Let op: illustratieve gegevens.** Een deel van de cijfers in dit rapport komt uit "
    "*illustratieve* registraties: geen echte gegevens van de gemeente, maar voorbeeldreeksen die laten "
    "zien hoe het rapport werkt zolang de echte registraties er niet zijn. Ze zijn overal gemarkeerd "
    "met 'illustratief'."
)


class ReportError(RuntimeError):
    """The report cannot be made (e.g. the cleaning step has not run)."""


# ----- opening a report ---------------------------------------------------------------------------
@dataclass
class Report:
    """Everything one report (unit x period) shows."""

    config: ProjectConfig
    unit: MonitoredUnit
    framework: Framework
    period: Period
    measurements: pd.DataFrame  # internal: real values, `onderdrukt` marked
    published: pd.DataFrame  # what may be shown: suppressed values blanked
    output_dir: Path
    relative_to: Path
    assessments: dict[str, GoalAssessment] = field(default_factory=dict)
    comparison_codes: tuple[str, ...] = ()
    regions: dict[str, list[str]] = field(default_factory=dict)
    chart_count: int = 0

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / FIGURES_FOLDER

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(self.unit.members)

    @property
    def illustrative(self) -> bool:
        own = self.measurements[self.measurements["gemeente"].isin(self.members)]
        return bool(own["illustratief"].any())

    def member_name(self, code: str) -> str:
        names = self.measurements.loc[self.measurements["gemeente"] == code, "gemeente_naam"]
        if len(names) and str(names.iloc[0]).strip():
            return str(names.iloc[0])
        return next((m.name for m in self.framework.municipalities if m.code == code), code)


def open_report(
    gemeente: str,
    periode: str,
    *,
    project_root: str | Path | None = None,
    cbs_dir: str | Path | None = None,
    output_dir: str | Path | None = None,
) -> Report:
    """Open the report of ``gemeente`` (GM code or region code) for ``periode``.

    Reads the measurements the cleaning notebook wrote (``data/processed/<code>/<periode>/``).
    ``output_dir`` is where figures and their CSV go (``<output_dir>/data/``); by default the
    processed folder of this report, so that running the template notebook never touches
    ``reports/``. Image links are written relative to ``output_dir`` when it is given (papermill
    runs the notebook there), else relative to the working directory.
    """
    config = load_config(Path(project_root) if project_root else None, cbs_dir=cbs_dir)
    period = parse_report_period(periode)
    frameworks = load_frameworks(config.frameworks_dir)
    unit = find_unit(units_of(frameworks), gemeente)
    framework = frameworks[unit.framework_id]
    source = config.processed_unit_dir(unit.code, period) / MEASUREMENTS_FILE
    if not source.is_file():
        raise ReportError(
            f"{source.relative_to(config.root)} ontbreekt: voer eerst de opschoonstap uit "
            f"(notebooks/01_opschonen.ipynb, of `tussenstand run --gemeente {unit.code} --periode {period}`)"
        )
    measurements = read_measurements(source)
    published = apply_disclosure(measurements, threshold=config.disclosure_threshold, blank_values=True)
    if output_dir:
        out = Path(output_dir).resolve()
        relative_to = out
    else:
        out = config.processed_unit_dir(unit.code, period) / "rapport"
        relative_to = Path.cwd()
    report = Report(
        config=config, unit=unit, framework=framework, period=period,
        measurements=measurements, published=published, output_dir=out, relative_to=relative_to,
        comparison_codes=tuple(_comparison_codes(config, measurements, unit, framework)),
        regions=region_codes(config, list(unit.members)),
    )
    if not unit.is_region:
        report.assessments = {
            goal.id: assess_goal(goal, goal_measurements(report, goal), period)
            for goal in framework.goals
        }
    charts.apply_style()
    return report


def _comparison_codes(config: ProjectConfig, measurements: pd.DataFrame, unit: MonitoredUnit,
                      framework: Framework) -> list[str]:
    """The comparison group as the cleaning stage chose it, limited to gemeenten with data."""
    present = set(measurements["gemeente"])
    codes = comparison_group_codes(config, framework, list(unit.members))
    return [c for c in codes if c in present and c not in unit.members]


def goal_measurements(report: Report, goal: Goal, *, published: bool = False) -> pd.DataFrame:
    data = report.published if published else report.measurements
    return data[(data["indicator"] == goal.series) & data["gemeente"].isin(report.members)]


# ----- output helpers -----------------------------------------------------------------------------
def _display(*objs: Any) -> None:
    from IPython.display import Markdown, display

    for obj in objs:
        display(Markdown(obj) if isinstance(obj, str) else obj)


def markdown_table(df: pd.DataFrame, align: str | None = None) -> str:
    """A pipe table (Quarto renders it in HTML and typst). ``align``: one of l/r/c per column."""
    def cell(v: Any) -> str:
        text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        return text.replace("|", "\\|").replace("\n", " ")

    cols = [str(c) for c in df.columns]
    align = align or "l" * len(cols)
    rows = [[cell(v) for v in row] for row in df.itertuples(index=False)]
    # Pandoc (and so Quarto, in HTML and in the typst PDF) sizes the columns of a wide pipe table
    # by the number of dashes under each header: give a column dashes in proportion to its
    # longest text, so that a long indicator name gets room and a year does not.
    widths = _column_widths(cols, rows, align)
    lines = ["| " + " | ".join(cols) + " |",
             "|" + "|".join(_rule(a, max(w, 3)) for a, w in zip(align, widths, strict=True)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


#: characters of body text on one line of an A4 page (typst, 10.5 pt, 2,2 cm margins)
LINE_CHARACTERS = 85


def _column_widths(cols: list[str], rows: list[list[str]], align: str) -> list[int]:
    """Relative column widths in characters. A number column (right-aligned) gets what it needs
    never to wrap: its longest cell or header word, plus padding. The text columns share the rest
    of a line in proportion to their longest text (10..45), at least 10 each."""
    need = {i: max([*(len(r[i]) for r in rows), *(len(w) for w in c.split()), 3]) + 2
            for i, (c, a) in enumerate(zip(cols, align, strict=True)) if a == "r"}
    text = {i: min(max([len(c), *(len(r[i]) for r in rows), 10]), 45)
            for i, c in enumerate(cols) if i not in need}
    rest = max(LINE_CHARACTERS - sum(need.values()), 10 * len(text))
    scale = min(1.0, rest / sum(text.values())) if text else 1.0
    return [need[i] if i in need else max(10, round(text[i] * scale)) for i in range(len(cols))]


def _rule(align: str, width: int) -> str:
    if align == "r":
        return "-" * (width - 1) + ":"
    if align == "c":
        return ":" + "-" * (width - 2) + ":"
    return ":" + "-" * (width - 1)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "grafiek"


def _show(report: Report, result: charts.ChartResult, name: str) -> None:
    report.chart_count += 1
    charts.save_chart(result, report.figures_dir, name)
    # The image is linked, not embedded: Quarto and Jupyter show it from the file beside the
    # report, and the stored notebooks stay small.
    charts.show_chart(result, relative_to=report.relative_to, embed_png=False)


def _value(report: Report, value: Any, unit: str, suppressed: bool = False) -> str:
    return format_published_value(value, unit, suppressed, report.config.disclosure_threshold)


def _period_label(code: Any) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)) or code == "":
        return "–"
    if isinstance(code, Period):
        return code.label_nl
    try:
        return parse_period(str(code)).label_nl
    except ValueError:
        return str(code)


# ----- introduction -------------------------------------------------------------------------------
def show_introduction(report: Report) -> None:
    fw = report.framework
    kind = "regio" if report.unit.is_region else "gemeente"
    members = ""
    if report.unit.is_region:
        members = f" De regio bestaat uit {fmt_list(report.member_name(c) for c in report.members)}."
    text = (
        f"Dit rapport beschrijft de tussenstand van *{fw.title}* voor de {kind} "
        f"**{report.name}** over de periode **{report.period.label_nl}**.{members} "
        + (f"Het plan gaat over {fw.years.start}" if fw.years.start == fw.years.end
           else f"Het plan loopt van {fw.years.start} tot en met {fw.years.end}")
        + (f"; de tussentijdse evaluatie is in {fw.evaluation_year}" if fw.evaluation_year else "")
        + f". Alleen metingen over perioden die uiterlijk aan het eind van {report.period.label_nl} "
        "afgelopen zijn, tellen mee."
    )
    cbs = report.measurements[report.measurements["gemeente"].isin(report.members)
                              & report.measurements["bron"].str.startswith("CBS")
                              & report.measurements["waarde"].notna()]
    if len(cbs):
        newest = cbs.sort_values("periode_eind").iloc[-1]
        months_old = ((pd.Timestamp(report.period.end) - newest["periode_eind"]).days) // 30
        if months_old >= 6:
            text += (f" De recentste CBS-cijfers in dit rapport gaan over {_period_label(newest['periode'])}"
                     f" (peildatum {fmt_date(newest['peildatum'])}); CBS publiceert met enige vertraging.")
    if report.period.end.year < fw.years.start:
        text += (f" Let op: {report.period.label_nl} ligt vóór de start van het plan ({fw.years.start}); "
                 "dit rapport toont dus de uitgangssituatie, niet de voortgang.")
    elif report.period.start.year > fw.years.end:
        text += (f" Let op: {report.period.label_nl} ligt na het einde van het plan ({fw.years.end}); "
                 "het rapport volgt de thema's van het plan met de cijfers van nu.")
    _display(text)
    if report.illustrative:
        _display(f"::: {{.callout-warning}}\n{ILLUSTRATIVE_BANNER}\n:::")


# ----- samenvatting -------------------------------------------------------------------------------
def status_counts(report: Report) -> dict[str, int]:
    counts = Counter(a.status for a in report.assessments.values())
    return {s.label: counts[s] for s in Status.ordered() if counts[s]}


def goals_table(report: Report) -> pd.DataFrame:
    """All goals by theme: baseline, target, latest value and status (published values)."""
    rows = []
    for theme in report.framework.themes:
        for goal in report.framework.goals_by_theme().get(theme.id, []):
            a = report.assessments[goal.id]
            latest_suppressed = _latest_suppressed(report, goal, a)
            rows.append({
                "Thema": theme.name,
                # one column for number and indicator: seven columns do not fit an A4 page
                "Doel": f"{goal.id}: {goal.indicator}",
                "Nulmeting": _with_period(_value(report, a.baseline_value, goal.unit), a.baseline_period)
                + (" ²" if a.baseline_source == "first_measurement" else "")
                if a.baseline_value is not None else _baseline_missing(goal),
                "Streefwaarde": f"{_target_text(goal, a)} ({a.target_period.label_nl})",
                "Laatste meting": _with_period(
                    _value(report, a.latest_value, goal.unit, latest_suppressed), a.latest_period)
                if a.latest_period else "geen meting",
                "Status": a.status.label + (" (illustratief)" if a.illustrative else ""),
            })
    return pd.DataFrame(rows)


def _latest_suppressed(report: Report, goal: Goal, a: GoalAssessment) -> bool:
    if a.latest_period is None:
        return False
    rows = goal_measurements(report, goal)
    rows = rows[rows["periode"] == a.latest_period.code]
    return bool(rows["onderdrukt"].any())


def _with_period(value: str, period: Period | None) -> str:
    return f"{value} ({period.label_nl})" if period else value


def _baseline_label(a: GoalAssessment) -> str:
    """'Nulmeting' for the plan's baseline; a first measurement standing in is called what it is."""
    return "Startpunt (eerste meting)" if a.baseline_source == "first_measurement" else "Nulmeting"


def _baseline_missing(goal: Goal) -> str:
    status = goal.baseline.status if goal.baseline else "none"
    return "nog te meten (x*)" if status == "pending" else "geen nulmeting"


def _target_text(goal: Goal, a: GoalAssessment) -> str:
    word = {"at_least": "minstens", "at_most": "hoogstens", "equal": "gelijk aan"}[a.comparison]
    if goal.target.kind == "every_district":
        return f"in elke wijk {word} {fmt_value(a.target_value, goal.unit, with_unit=False)}"
    t = goal.target
    if t.kind == "growth_per_year":
        how = (f"{fmt_number(t.percent)}% per jaar (relatief)" if t.percent is not None
               else f"{fmt_value(t.amount, goal.unit, with_unit=True)} per jaar")
        level = f": {word} {fmt_value(a.target_value, goal.unit, with_unit=False)}" if a.target_value is not None else ""
        return f"groei van {how}{level}"
    if a.target_value is None:
        if t.percent is not None:
            return fmt_change(t.percent, 0 if float(t.percent).is_integer() else 1, suffix="% t.o.v. nulmeting")
        return "–"
    return f"{word} {fmt_value(a.target_value, goal.unit, with_unit=False)}"


def _open_statuses(counts: dict[str, int]) -> str:
    judged = {Status.BEREIKT.label, Status.OP_KOERS.label, Status.ACHTER_OP_SCHEMA.label,
              Status.VERKEERDE_RICHTING.label}
    phrases = {
        Status.NULMETING_ONTBREEKT.label: "bij {n} ontbreekt de nulmeting",
        Status.GEEN_METING.label: "bij {n} is er nog geen meting",
        Status.NOG_NIET_TE_BEOORDELEN.label: "bij {n} is er pas één meting",
    }
    return fmt_list(phrases.get(label, "{n} " + label).format(n=n)
                    for label, n in counts.items() if label not in judged)


def show_summary(report: Report) -> None:
    fw = report.framework
    if report.unit.is_region or not fw.goals:
        _display(_summary_without_goals(report))
        overview = indicator_overview(report)
        _display(markdown_table(overview, "llllrrl"))
        notes = []
        if overview["Indicator"].str.endswith(" ¹").any():
            notes.append("¹ Indicator gekozen door de onderzoeker, niet door het plan.")
        if overview[report.name].str.contains("(voorlopig)", regex=False).any():
            notes.append("'(voorlopig)': een voorlopig CBS-cijfer.")
        if notes:
            _display(" ".join(notes))
        return
    counts = status_counts(report)
    total = sum(counts.values())
    good = counts.get(Status.BEREIKT.label, 0) + counts.get(Status.OP_KOERS.label, 0)
    behind = counts.get(Status.ACHTER_OP_SCHEMA.label, 0)
    wrong = counts.get(Status.VERKEERDE_RICHTING.label, 0)
    open_ = total - good - behind - wrong
    sentence = (
        f"Van de {total} doelen in het plan zijn er {good} bereikt of op koers, liggen er {behind} "
        f"achter op schema en gaan er {wrong} de verkeerde kant op"
        + (f"; over {open_} is nog geen oordeel mogelijk: {_open_statuses(counts)}." if open_ else ".")
    )
    if report.illustrative:
        sentence += " Let op: de doelen worden gemeten met illustratieve registraties."
    _display(sentence)
    table = pd.DataFrame({"Status": list(counts), "Aantal doelen": [fmt_int(v) for v in counts.values()]})
    _display(markdown_table(table, "lr"))
    _display("**Alle doelen op een rij**")
    table = goals_table(report)
    # one table per theme: five columns fit an A4 page, and the theme reads as a heading
    for theme, part in table.groupby("Thema", sort=False):
        _display(f"*{theme}*")
        _display(markdown_table(part.drop(columns="Thema"), "lllll"))
    if table["Nulmeting"].str.endswith(" ²").any():
        _display("² Het plan noemt geen nulmeting; de eerste meting geldt als startpunt.")


def _summary_without_goals(report: Report) -> str:
    fw = report.framework
    return (
        f"Het beleidskader *{fw.title}* stelt geen meetbare doelen met een nulmeting en streefwaarde. "
        f"Per {'ambitie' if fw.is_regional else 'thema'} volgt dit rapport daarom de indicatoren die de "
        "ontwikkeling meten: BBV-indicatoren en CBS-cijfers. Waar de keuze van de indicator niet uit het "
        "plan komt maar van de onderzoeker, staat dat erbij. Zonder streefwaarde geeft het rapport geen "
        "status, wel de richting en de vergelijking met Nederland."
    )


def indicator_overview(report: Report) -> pd.DataFrame:
    """Per theme and indicator with data: the latest value for the unit, Nederland in the same
    period (never another one) and the direction since the previous measurement."""
    rows = []
    for theme in report.framework.themes:
        for ind in report.framework.indicators_by_theme().get(theme.id, []):
            if not ind.series:
                continue
            latest = latest_values(report, ind.series)
            own = latest[latest["gemeente"].isin(report.members)]
            if own.empty:
                continue
            period = own.sort_values("periode_eind")["periode"].iloc[-1]
            rows.append({
                "Thema": theme.name,
                "Indicator": ind.name + ("" if ind.chosen_by == "plan" else " ¹"),
                "Eenheid": ind.unit,
                "Periode": _period_label(period),
                report.name: _own_value_text(report, own, ind, period),
                "Nederland": _national_text(report, ind, period),
                "Richting": direction_text(report, ind.series, ind.unit),
            })
    return pd.DataFrame(rows)


def is_count(unit: str | None) -> bool:
    """Absolute numbers (persons, places): not comparable with Nederland or other gemeenten."""
    return (unit or "").strip() in ("aantal", "aantal per wijk")


def is_percentage(unit: str | None) -> bool:
    return (unit or "").strip().startswith("%")


def _national_text(report: Report, ind: Indicator, period: str) -> str:
    if is_count(ind.unit):
        return "n.v.t."
    nl = series_rows(report, ind.series, (NATIONAL,))
    nl = nl[nl["periode"] == period]
    return _value(report, nl["waarde"].iloc[0], ind.unit) if len(nl) else "–"


def _own_value_text(report: Report, own: pd.DataFrame, ind: Indicator, period: str) -> str:
    def one(r: Any) -> str:
        text = _value(report, r.waarde, ind.unit, bool(r.onderdrukt)) + _provisional(r.voorlopig)
        return text if r.periode == period else f"{text} ({_period_label(r.periode)})"

    if len(own) == 1:
        return one(next(own.itertuples()))
    return "; ".join(f"{report.member_name(r.gemeente)} {one(r)}" for r in own.itertuples())


def _provisional(flag: Any) -> str:
    return " (voorlopig)" if bool(flag) else ""


def series_rows(report: Report, series: str, codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Published rows of ``series`` for the whole gemeente (no districts) with a value or a
    suppression, in one kind of period (the members' most recent kind), oldest first."""
    data = report.published[(report.published["indicator"] == series)
                            & (report.published["gebied"].fillna("") == "")]
    data = data[data["waarde"].notna() | data["onderdrukt"]]
    data = one_frequency(data, report.members).sort_values("periode_eind", kind="stable")
    return data if codes is None else data[data["gemeente"].isin(codes)]


def latest_values(report: Report, series: str) -> pd.DataFrame:
    """Per gemeente (and NL) the latest period with a value of ``series`` (published values)."""
    data = series_rows(report, series)
    return data.groupby("gemeente", as_index=False).tail(1)


def change_text(previous: float, last: float, unit: str | None, since: str | None = None) -> str:
    """'stijgt (+1,2 procentpunt sinds 2022)': percentage points for percentages, else the relative
    change; 'gelijk' within 0,1 procentpunt or 1%."""
    if is_percentage(unit):
        change, suffix, same = last - previous, " procentpunt", 0.1
    elif previous == 0:
        return "gelijk" if last == 0 else ("stijgt" if last > 0 else "daalt")
    else:
        change, suffix, same = (last - previous) / abs(previous) * 100, "%", 1
    if abs(change) < same:
        return "gelijk" + (f" sinds {since}" if since else "")
    word = "stijgt" if change > 0 else "daalt"
    return f"{word} ({fmt_change(change, 1, suffix=suffix)}" + (f" sinds {since})" if since else ")")


def direction_text(report: Report, series: str, unit: str | None = None) -> str:
    """Per member: the change between its two latest measurements of the same kind of period."""
    data = series_rows(report, series, report.members)
    data = data[data["waarde"].notna()]
    unit = unit or (str(data["eenheid"].iloc[0]) if len(data) else None)
    parts = []
    for code in report.members:
        s = data[data["gemeente"] == code]
        if len(s) < 2:
            continue
        text = change_text(float(s["waarde"].iloc[-2]), float(s["waarde"].iloc[-1]), unit,
                           _period_label(s["periode"].iloc[-2]))
        parts.append(text if len(report.members) == 1 else f"{report.member_name(code)} {text}")
    return "; ".join(parts) if parts else "één meting"


# ----- demografie ---------------------------------------------------------------------------------
def show_demography(report: Report) -> None:
    data = report.published
    inh = data[(data["indicator"] == "inwoners") & data["gemeente"].isin(report.members)
               & data["waarde"].notna()]
    if inh.empty:
        _display("Er zijn geen CBS-cijfers over het aantal inwoners in de gebruikte CBS-bestanden.")
    else:
        _display(_population_sentence(report, inh))
        result = charts.trend_chart(
            inh, title=_population_title(report, inh), unit="aantal", indicator_label="Inwoners",
            ylabel="inwoners op 1 januari", y_from_zero=False,
        )
        _show(report, result, "inwoners")
    _show_age_structure(report)
    _show_households(report)


def _population_sentence(report: Report, inh: pd.DataFrame) -> str:
    parts = []
    for code in report.members:
        s = inh[inh["gemeente"] == code].sort_values("periode_eind")
        if s.empty:
            continue
        last = s.iloc[-1]
        earlier = s[s["periode"].astype(str) <= str(int(last["periode"]) - 6)] if str(last["periode"]).isdigit() else s.iloc[:0]
        text = f"{report.member_name(code)} had op 1 januari {last['periode']} {fmt_int(last['waarde'])} inwoners"
        if len(earlier):
            e = earlier.iloc[-1]
            change = (last["waarde"] - e["waarde"]) / e["waarde"] * 100
            more = "meer" if change >= 0 else "minder"
            text += f", {fmt_percent(abs(change), 1)} {more} dan in {e['periode']} ({fmt_int(e['waarde'])})"
        parts.append(text)
    return "; ".join(parts) + "."


def _population_title(report: Report, inh: pd.DataFrame) -> str:
    if len(report.members) > 1:
        return "Inwoners per gemeente in de regio"
    s = inh.sort_values("periode_eind")
    first, last = s["waarde"].iloc[0], s["waarde"].iloc[-1]
    verb = "groeit" if last > first * 1.005 else ("krimpt" if last < first * 0.995 else "is stabiel")
    return f"Het inwonertal van {report.name} {verb} sinds {s['periode'].iloc[0]}"


def _show_age_structure(report: Report) -> None:
    bands = [f"aandeel_{b}" for b in AGE_BANDS]
    data = report.published
    own = data[data["indicator"].isin(bands) & data["gemeente"].isin(report.members[:1])]
    national = national_age_shares(report)
    years = [y for y in ("2009", "2018", "2024") if y in set(own["periode"])]
    frames = [own[own["periode"].isin(years)]]
    if not national.empty:
        frames.append(national[national["periode"].isin(years)])
    plan = _plan_age_table(report)
    if plan is not None:
        frames.append(plan)
    shown = pd.concat([f for f in frames if len(f)], ignore_index=True)
    if shown.empty:
        return
    title = _age_title(report, own, plan)
    result = charts.age_structure_chart(shown, title=title)
    _show(report, result, "leeftijdsopbouw")
    if plan is not None:
        _display(_plan_age_sentence(report, plan))
    _display(
        "De CBS-aandelen van 2018 en 2024 komen uit de gemeentecijfers bij de wijk- en buurtkaart en zijn "
        "op hele procenten afgerond; die van 2009 zijn exact (tabel 80860ned). Het aandeel voor Nederland "
        "in 2018 en 2024 is berekend als het naar inwoners gewogen gemiddelde van alle gemeenten."
    )


def national_age_shares(report: Report) -> pd.DataFrame:
    """Nederland's age shares: CBS 80860ned up to 2009, then the inhabitant-weighted shares from the
    geo files (the cleaning stage adds them to the national series)."""
    data = report.published
    bands = [f"aandeel_{b}" for b in AGE_BANDS]
    return data[data["indicator"].isin(bands) & (data["gemeente"] == NATIONAL)]


def _plan_age_table(report: Report) -> pd.DataFrame | None:
    for path in sorted(report.config.plan_figures_dir.glob("*.csv")):
        try:
            plan = plan_figures.plan_population_by_age(path)
        except plan_figures.PlanFiguresError:
            continue
        plan = plan[plan["gemeente"].isin(report.members[:1])]
        if plan.empty:
            continue
        return pd.DataFrame({
            "gemeente_naam": plan["gemeente_naam"] + " (beleidsplan)",
            "indicator": "aandeel_" + plan["leeftijd"],
            "periode": plan["jaar"].astype(str),
            "waarde": plan["aandeel"],
            "eenheid": "%",
            "bron": plan["bron"],
            "tabel": plan["tabel"],
            "peildatum": "",
            "prognose": plan["prognose"],
            "illustratief": False,
            "onderdrukt": False,
        })
    return None


def _age_title(report: Report, own: pd.DataFrame, plan: pd.DataFrame | None) -> str:
    if plan is not None:
        return f"Het aandeel 65-plussers in {report.name} groeit volgens het plan door tot 2030"
    s = own[own["indicator"] == "aandeel_65plus"].sort_values("periode_eind")
    if len(s) >= 2 and s["waarde"].iloc[-1] > s["waarde"].iloc[0]:
        return f"Het aandeel 65-plussers in {report.member_name(report.members[0])} groeit"
    return f"Leeftijdsopbouw van {report.member_name(report.members[0])}"


def _plan_age_sentence(report: Report, plan: pd.DataFrame) -> str:
    old = plan[plan["indicator"] == "aandeel_65plus"].set_index("periode")["waarde"]
    parts = []
    for year, share in old.items():
        prog = bool(plan[(plan["periode"] == year)]["prognose"].any())
        parts.append(f"{fmt_percent(share, 1)} ({'prognose ' if prog else ''}{year})")
    return ("Volgens de tabel in het beleidsplan is het aandeel 65-plussers " + fmt_list(parts) + ".")


def _show_households(report: Report) -> None:
    data = report.published
    types = {
        "huishoudens_eenpersoons": "eenpersoons",
        "huishoudens_paar_zonder_kinderen": "paar zonder kinderen",
        "huishoudens_paar_met_kinderen": "paar met kinderen",
        "huishoudens_eenouder": "eenoudergezin",
        "huishoudens_totaal": "totaal",
    }
    hh = data[data["indicator"].isin(types) & data["gemeente"].isin(report.members)
              & data["waarde"].notna()]
    if hh.empty:
        _display("De huishoudenstabel van het CBS (71486ned) heeft geen cijfers voor "
                 f"{report.name} in de gebruikte CBS-bestanden.")
        return
    years = sorted(set(hh["periode"]))
    pick = [y for y in ("2018", years[-1]) if y in years]
    rows = []
    for code in report.members:
        for key, label in types.items():
            s = hh[(hh["gemeente"] == code) & (hh["indicator"] == key)].set_index("periode")["waarde"]
            row = {"Gemeente": report.member_name(code), "Huishoudens": label}
            for y in pick:
                row[y] = fmt_int(s.get(y)) if y in s.index else "–"
            rows.append(row)
    table = pd.DataFrame(rows)
    if len(report.members) == 1:
        table = table.drop(columns="Gemeente")
    shown = hh[hh["periode"].isin(pick)]
    tables = sorted(set(shown["tabel"]), key=lambda t: (t.startswith("geo/"), t))
    _display(f"**Huishoudens naar samenstelling** (CBS, {'tabel' if len(tables) == 1 else 'bronnen'} "
             f"{fmt_list(tables)}; {fmt_list(pick)})")
    _display(markdown_table(table, "l" * (table.shape[1] - len(pick)) + "r" * len(pick)))
    for y in pick:
        year = shown[(shown["periode"] == y) & shown["gemeente"].isin(report.members)]
        only_total = set(year["indicator"]) == {"huishoudens_totaal"}
        if only_total:
            source = fmt_list(sorted(set(year["tabel"])))
            _display(f"Voor {y} staat in de gebruikte CBS-bestanden alleen het totaal aantal huishoudens ({source}"
                     + (", de gemeentecijfers bij de wijk- en buurtkaart" if source.startswith("geo/") else "")
                     + "); de samenstelling ontbreekt daar.")
    shares = []
    for code in report.members:
        one = hh[(hh["indicator"] == "huishoudens_eenpersoons") & (hh["gemeente"] == code)]
        tot = hh[(hh["indicator"] == "huishoudens_totaal") & (hh["gemeente"] == code)]
        merged = one.merge(tot[["periode", "waarde"]], on="periode", suffixes=("", "_totaal"))
        if len(merged):
            last = merged.sort_values("periode_eind").iloc[-1]
            shares.append(f"{fmt_percent(last['waarde'] / last['waarde_totaal'] * 100, 1)} in "
                          f"{report.member_name(code)} ({last['periode']})")
    if shares:
        _display(f"Het aandeel eenpersoonshuishoudens was {fmt_list(shares)}.")
    with_breakdown = set(hh.loc[hh["indicator"] != "huishoudens_totaal", "gemeente"])
    missing = [report.member_name(c) for c in report.members if c not in with_breakdown]
    if missing and len(report.members) > 1:
        _display(f"Voor {fmt_list(missing)} ontbreekt de samenstelling van de huishoudens in de gebruikte "
                 "CBS-bestanden (het extract van tabel 71486ned is afgekapt); waar een totaal staat, komt "
                 "dat uit de gemeentecijfers bij de wijk- en buurtkaart.")


# ----- financiën ----------------------------------------------------------------------------------
def show_finances(report: Report) -> None:
    fw = report.framework
    budgets = [(t.name, t.budget) for t in fw.themes if t.budget is not None]
    if budgets:
        df = pd.DataFrame({
            "thema": [name for name, _ in budgets],
            "waarde": [b.amount for _, b in budgets],
            "eenheid": "euro",
            "bron": fw.source.document,
            "tabel": f"begroting {budgets[0][1].year or fw.years.start}",
            "peildatum": "",
            "illustratief": False,
            "onderdrukt": False,
        })
        total = df["waarde"].sum()
        biggest = df.sort_values("waarde").iloc[-1]
        result = charts.bar_chart(
            df, category_col="thema",
            title=f"{biggest['thema']} heeft het grootste budget ({fmt_percent(biggest['waarde'] / total * 100, 1)})",
        )
        _show(report, result, "budget-per-thema")
        table = pd.DataFrame({
            "Maatschappelijke opgave": df["thema"],
            "Budget": [fmt_euro(v) for v in df["waarde"]],
            "Aandeel": [fmt_percent(v / total * 100, 1) for v in df["waarde"]],
        })
        table.loc[len(table)] = ["**Totaal**", f"**{fmt_euro(total)}**", "**100,0%**"]
        _display(markdown_table(table, "lrr"))
        if fw.budget and fw.budget.total is not None and abs(fw.budget.euro(fw.budget.total) - total) > 1:
            _display(f"Let op: het plan noemt als totaal {fmt_euro(fw.budget.euro(fw.budget.total))}.")
    if fw.budget and (fw.budget.lasten is not None or fw.budget.items):
        b = fw.budget
        rows = [(label, b.euro(v)) for label, v in (("Lasten", b.lasten), ("Baten", b.baten), ("Saldo", b.saldo)) if v is not None]
        rows += [(item.label, item.amount) for item in b.items]
        table = pd.DataFrame({"Post": [r[0] for r in rows], f"Begroting {b.year}": [fmt_euro(r[1]) for r in rows]})
        _display(markdown_table(table, "lr"))
        if b.note:
            _display(b.note)
    if not budgets and not (fw.budget and (fw.budget.lasten is not None or fw.budget.items)):
        _display(f"Het beleidskader *{fw.title}* geeft geen begroting per thema; dit rapport kan de "
                 "middelen daarom niet aan de doelen koppelen.")


# ----- per theme ----------------------------------------------------------------------------------
def show_themes(report: Report) -> None:
    """One chapter (level-2 heading) per theme: its goals, then the indicators that measure it."""
    fw = report.framework
    goals = fw.goals_by_theme()
    indicators = fw.indicators_by_theme()
    word = "Ambitie" if fw.is_regional else ("Opgave" if fw.kind == "smart" else "Thema")
    for number, theme in enumerate(fw.themes, start=1):
        _display(f"## {word} {number}: {theme.name}")
        if theme.description:
            _display(theme.description)
        if theme.budget is not None:
            _display(f"Budget {theme.budget.year or ''}: {fmt_euro(theme.budget.amount)}.".replace("  ", " "))
        if not report.unit.is_region:
            for goal in goals.get(theme.id, []):
                show_goal(report, goal)
        shown = [i for i in indicators.get(theme.id, []) if i.series and not i.bbv]
        for ind in shown:
            show_indicator(report, ind, heading_level=3)
        if not goals.get(theme.id) and not [i for i in indicators.get(theme.id, []) if i.series]:
            _display("Voor dit thema is nog geen indicator met open gegevens gekoppeld.")
        bbv = [i.name for i in indicators.get(theme.id, []) if i.bbv]
        if bbv:
            _display(f"BBV-indicatoren bij dit thema: {fmt_list(bbv)} (zie het hoofdstuk BBV-indicatoren).")


def show_goal(report: Report, goal: Goal) -> None:
    a = report.assessments[goal.id]
    _display(f"### {goal.id}: {goal.indicator}")
    _display("> " + goal.text.replace("\n", " "))
    facts = pd.DataFrame({
        "": [_baseline_label(a), "Doel", "Laatste meting", "Verwacht op het rechte pad", "Status"],
        "Waarde": [
            _with_period(_value(report, a.baseline_value, goal.unit), a.baseline_period)
            if a.baseline_value is not None else _baseline_missing(goal),
            f"{_target_text(goal, a)} ({a.target_period.label_nl})",
            _with_period(_value(report, a.latest_value, goal.unit, _latest_suppressed(report, goal, a)),
                         a.latest_period) if a.latest_period else "geen meting",
            fmt_value(a.expected_at_latest, goal.unit) if a.expected_at_latest is not None else "–",
            f"**{a.status.label}**" + (" (illustratieve gegevens)" if a.illustrative else ""),
        ],
    })
    _display(markdown_table(facts, "ll"))
    rows = goal_measurements(report, goal)
    if a.baseline_source == "plan" and a.baseline_period is not None:
        rows = rows[rows["periode"] != a.baseline_period.code]  # the plan's baseline speaks for itself
    notes = sorted({n for n in rows["opmerking"] if n})
    _display(a.explanation_nl + f" Bron van de meting: {goal.measurement.source}"
             + (f" ({goal.measurement.frequency})." if goal.measurement.frequency else ".")
             + (f" Opmerking bij de registratie: {'; '.join(notes)}." if notes else ""))
    data = goal_measurements(report, goal, published=True)
    if data["waarde"].notna().any():
        title = f"{goal.id}: {a.status.label}"
        result = charts.goal_chart(data, a, goal, title=title, unit=goal.unit, source=report.framework.source.document)
        _show(report, result, f"doel-{_slug(goal.id)}")
    breakdown = district_breakdown(report, f"{goal.series}_per_wijk", goal.unit, total_series=goal.series)
    if breakdown is not None:
        table, caption = breakdown
        _display(caption)
        _display(markdown_table(table, "l" + "r" * (table.shape[1] - 1)))


def district_breakdown(report: Report, series: str, unit: str,
                       total_series: str | None = None) -> tuple[pd.DataFrame, str] | None:
    """The latest two measurements per district of a detail series (``<reeks>_per_wijk``); None
    when the series has no district rows.

    Small counts show as '< 10'. When the total over all districts is published (``total_series``)
    and only one district in a period is suppressed, the next smallest district is withheld too
    (shown as 'x'): otherwise the suppressed count is the total minus the others."""
    data = report.published[(report.published["indicator"] == series)
                            & report.published["gemeente"].isin(report.members[:1])
                            & (report.published["gebied"].fillna("") != "")]
    if data.empty:
        return None
    totals = report.published[(report.published["indicator"] == (total_series or ""))
                              & report.published["gemeente"].isin(report.members[:1])
                              & (report.published["gebied"].fillna("") == "")
                              & report.published["waarde"].notna()]
    order = data.drop_duplicates("periode").sort_values("periode_eind")["periode"].tolist()[-2:]
    columns: dict[str, dict[str, str]] = {}
    secondary = False
    for period in order:
        cells = data[data["periode"] == period]
        texts = {r.gebied: _value(report, r.waarde, unit, bool(r.onderdrukt)) for r in cells.itertuples()}
        hidden = cells[cells["onderdrukt"]]
        if len(hidden) == 1 and period in set(totals["periode"]):
            shown = report.measurements[(report.measurements["indicator"] == series)
                                        & report.measurements["gemeente"].isin(report.members[:1])
                                        & (report.measurements["periode"] == period)
                                        & ~report.measurements["onderdrukt"]
                                        & (report.measurements["gebied"].fillna("") != "")]
            if len(shown):
                texts[shown.sort_values("waarde", kind="stable")["gebied"].iloc[0]] = "x"
                secondary = True
        columns[_period_label(period)] = texts
    areas = sorted(set(data["gebied"]))
    table = pd.DataFrame({"Wijk": areas, **{label: [texts.get(a, "–") for a in areas]
                                            for label, texts in columns.items()}})
    files = sorted(set(data["tabel"]))
    threshold = report.config.disclosure_threshold
    caption = (f"**Per wijk** (bron: {fmt_list(files)}"
               + (", illustratieve gegevens" if data["illustratief"].any() else "")
               + f"). Aantallen onder de {threshold} staan als '< {threshold}'."
               + (" 'x': niet gepubliceerd, omdat het onderdrukte aantal anders uit het totaal terug te "
                  "rekenen is." if secondary else ""))
    return table, caption


def indicator_frame(report: Report, series: str, *, with_regions: bool = True) -> pd.DataFrame:
    """Members, Nederland, the comparison median and the members' regions for one series."""
    data = report.published[(report.published["indicator"] == series)
                            & (report.published["gebied"].fillna("") == "")]
    parts = [data[data["gemeente"].isin(report.members)]]
    units = set(data["eenheid"].dropna())
    if units and units <= {"aantal"}:
        # Absolute counts: Nederland or a group is on another scale; only the members compare.
        return one_frequency(parts[0], report.members)
    nl = data[data["gemeente"] == NATIONAL]
    if len(nl):
        parts.append(nl.assign(gemeente_naam="Nederland"))
    group = data[data["gemeente"].isin(report.comparison_codes)]
    if len(group) and not report.unit.is_region:
        parts.append(charts.comparison_median(group, COMPARISON_LABEL))
    if with_regions:
        for codes in report.regions.values():
            rows = data[data["gemeente"].isin(codes)]
            if rows["waarde"].notna().any():
                names = rows["gemeente_naam"].astype(str).str.replace(r"\s*\((JZ|AM)\)$", "", regex=True)
                parts.append(rows.assign(gemeente_naam="Regio " + names))
    frames = [p for p in parts if len(p)]
    frame = pd.concat(frames, ignore_index=True) if frames else data.iloc[:0]
    return one_frequency(frame, report.members)


def one_frequency(frame: pd.DataFrame, members: tuple[str, ...]) -> pd.DataFrame:
    """Keep one kind of period (years, half-years, quarters or months) so that a chart compares
    like with like: the kind whose latest measurement for the members is the most recent, and of
    those the one with the most measurements."""
    if frame.empty:
        return frame
    kinds = pd.Series([parse_period(str(c)).kind for c in frame["periode"]], index=frame.index)
    own = frame["gemeente"].isin(members) & frame["waarde"].notna()
    if not own.any():
        own = frame["waarde"].notna()
    score = {}
    for kind in set(kinds[own]):
        rows = frame[own & (kinds == kind)]
        score[kind] = (rows["periode_eind"].max(), len(rows))
    if not score:
        return frame
    best = max(score, key=lambda k: score[k])
    return frame[kinds == best]


def show_indicator(report: Report, ind: Indicator, *, heading_level: int = 3) -> None:
    frame = indicator_frame(report, ind.series)
    own = frame[frame["gemeente"].isin(report.members) & frame["waarde"].notna()]
    _display(f"{'#' * heading_level} {ind.name}")
    chosen = ("Indicator uit het plan." if ind.chosen_by == "plan"
              else "Indicator gekozen door de onderzoeker, niet door het plan.")
    _display(f"{chosen} {ind.note or ''} Eenheid: {ind.unit}.".strip())
    if own.empty:
        _display(f"Geen cijfers voor {report.name} in de gebruikte CBS-bestanden ({ind.cbs_table or ind.source}).")
        return
    sentence = indicator_sentence(report, ind, frame)
    # A long monthly series would crowd the chart: show the last 24 months.
    periods = frame["periode"].astype(str)
    if periods.str.fullmatch(r"\d{4}-\d{2}").all():
        keep = sorted(set(periods))[-24:]
        frame = frame[periods.isin(keep)]
    result = charts.trend_chart(frame, title=sentence_title(report, ind, frame), unit=ind.unit,
                                indicator_label=ind.name)
    _show(report, result, f"indicator-{_slug(ind.id)}")
    _display(sentence)


def _latest_by_label(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame[frame["waarde"].notna()].sort_values("periode_eind")
    return data.groupby("gemeente_naam", as_index=False).tail(1)


def sentence_title(report: Report, ind: Indicator, frame: pd.DataFrame) -> str:
    """A chart title that states the finding; Nederland is compared only in the same period and
    never for absolute counts."""
    latest = _latest_by_label(frame)
    own = latest[latest["gemeente"].isin(report.members)]
    national = frame[(frame["gemeente_naam"] == "Nederland") & frame["waarde"].notna()]
    if len(report.members) > 1:
        return f"{ind.name} per gemeente in {report.name}" + ("" if national.empty else ", naast Nederland")
    nl = national[national["periode"] == own["periode"].iloc[0]] if len(own) else national.iloc[:0]
    if own.empty or nl.empty or is_count(ind.unit):
        change = direction_text(report, ind.series, ind.unit)
        return f"{ind.name} in {report.name}: " + (
            change if change == "één meting" else f"{change}")
    o, n = own["waarde"].iloc[0], nl["waarde"].iloc[0]
    close = abs(o - n) <= 0.05 * abs(n)  # within 5% of Nederland's value, also for percentages
    if close:
        rel = "ongeveer gelijk aan"
    else:
        rel = "hoger dan" if o > n else "lager dan"
    return f"{ind.name} in {report.name} {rel} Nederland ({_period_label(own['periode'].iloc[0])})"


def indicator_sentence(report: Report, ind: Indicator, frame: pd.DataFrame) -> str:
    latest = _latest_by_label(frame)
    texts = []
    for code in report.members:
        row = latest[latest["gemeente"] == code]
        if row.empty:
            continue
        r = row.iloc[0]
        texts.append(f"{report.member_name(code)} {_value(report, r['waarde'], ind.unit, bool(r['onderdrukt']))}"
                     f" ({_period_label(r['periode'])}{', voorlopig' if bool(r.get('voorlopig', False)) else ''})")
    national = frame[(frame["gemeente_naam"] == "Nederland") & frame["waarde"].notna()]
    own = latest[latest["gemeente"].isin(report.members)]
    same = national[national["periode"].isin(own["periode"])]
    nl = (same if len(same) else national).sort_values("periode_eind").tail(1)
    sentence = "Laatste meting: " + fmt_list(texts)
    if len(nl) and not is_count(ind.unit):
        sentence += f"; Nederland {_value(report, nl['waarde'].iloc[0], ind.unit)} ({_period_label(nl['periode'].iloc[0])})"
    rank = rank_text(report, ind)
    return sentence + "." + (f" {rank}" if rank else "")


def rank_text(report: Report, ind: Indicator) -> str:
    """Where the (first) member stands in its comparison group at the latest common period."""
    if report.unit.is_region or not report.comparison_codes or is_count(ind.unit):
        return ""
    data = report.published[(report.published["indicator"] == ind.series)
                            & (report.published["gebied"].fillna("") == "")
                            & report.published["waarde"].notna()]
    own = data[data["gemeente"] == report.members[0]].sort_values("periode_eind")
    if own.empty:
        return ""
    period = own["periode"].iloc[-1]
    group = data[(data["periode"] == period)
                 & data["gemeente"].isin((*report.comparison_codes, report.members[0]))]
    if len(group) < 3:
        return ""
    ordered = group.sort_values("waarde", kind="stable").reset_index(drop=True)
    place = int(ordered.index[ordered["gemeente"] == report.members[0]][0]) + 1
    return (f"In {_period_label(period)} staat {report.name} op plaats {place} van {len(group)} "
            f"({report.name} en de {len(group) - 1} gemeenten van de vergelijkingsgroep met een cijfer; "
            "1 = laagste waarde).")


# ----- BBV ----------------------------------------------------------------------------------------
def show_bbv_indicators(report: Report) -> None:
    fw = report.framework
    bbv = [i for i in fw.indicators if i.bbv]
    names = [report.member_name(c) for c in report.comparison_codes]
    if report.unit.is_region:
        _display(f"In dit regiorapport staan de {len(report.members)} gemeenten naast elkaar en naast Nederland.")
    elif fw.comparison:
        _display(f"De vergelijkingsgroep is *{fw.comparison.label}*: {fmt_list(names)}. "
                 + (fw.comparison.note or ""))
    elif names:
        _display(f"De vergelijkingsgroep bestaat uit de {len(names)} gemeenten van dezelfde "
                 "grootteklasse (CBS Gebieden in Nederland); in de grafieken staat hun mediaan. "
                 "De leden staan in de verantwoording.")
    if not bbv:
        _display("Dit beleidskader koppelt geen BBV-indicatoren.")
        return
    for ind in bbv:
        if ind.series:
            show_indicator(report, ind, heading_level=3)
    without = [i for i in bbv if not i.series]
    if without:
        _display("**BBV-indicatoren zonder open bron in deze monitor**")
        table = pd.DataFrame({"Indicator": [i.name for i in without], "Eenheid": [i.unit for i in without],
                              "Bron": [i.source for i in without]})
        _display(markdown_table(table, "lll"))


# ----- regio --------------------------------------------------------------------------------------
def show_region(report: Report) -> None:
    """For a regional framework: the member municipalities side by side per ambition."""
    fw = report.framework
    if not fw.is_regional:
        return
    region = fw.region
    _display(f"## {region.name}: de gemeenten naast elkaar")
    _display(f"De {len(fw.municipalities)} gemeenten van {region.name} delen dit beleidskader. "
             "Per ambitie staat hieronder de laatste meting van elke gemeente naast Nederland.")
    for number, theme in enumerate(fw.themes, start=1):
        inds = [i for i in fw.indicators_by_theme().get(theme.id, []) if i.series]
        if not inds:
            continue
        rows = []
        for ind in inds:
            codes = tuple(m.code for m in fw.municipalities)
            sub = series_rows(report, ind.series, (*codes, NATIONAL))
            own = sub[sub["gemeente"].isin(codes)]
            period = own["periode"].iloc[-1] if len(own) else None
            row = {"Indicator (eenheid)": f"{ind.name} ({ind.unit})"}
            for m in fw.municipalities:
                s = sub[sub["gemeente"] == m.code]
                if s.empty:
                    row[m.name] = "–"
                    continue
                last = s.iloc[-1]
                text = _value(report, last["waarde"], ind.unit, bool(last["onderdrukt"])) + _provisional(last["voorlopig"])
                # A municipality whose latest figure is older says so in its own cell.
                row[m.name] = text if last["periode"] == period else f"{text} ({_period_label(last['periode'])})"
            nl = sub[(sub["gemeente"] == NATIONAL) & (sub["periode"] == period)]
            row["Nederland"] = ("n.v.t." if is_count(ind.unit)
                                else _value(report, nl["waarde"].iloc[-1], ind.unit) if len(nl) else "–")
            row["Periode"] = _period_label(period) if period else "–"
            rows.append(row)
        _display(f"**Ambitie {number}: {theme.name}**")
        table = pd.DataFrame(rows)
        _display(markdown_table(table, "l" + "r" * (table.shape[1] - 2) + "l"))


# ----- verantwoording -----------------------------------------------------------------------------
def sources_table(report: Report) -> pd.DataFrame:
    own = report.measurements[report.measurements["gemeente"].isin(report.members)]
    grouped = own.groupby(["bron", "tabel"], dropna=False).agg(
        reeksen=("indicator", "nunique"), rijen=("indicator", "size"),
        peildatum=("peildatum", "max"), illustratief=("illustratief", "any"),
    ).reset_index()
    return pd.DataFrame({
        "Bron": grouped["bron"],
        "Tabel of bestand": grouped["tabel"],
        "Reeksen": [fmt_int(v) for v in grouped["reeksen"]],
        "Metingen": [fmt_int(v) for v in grouped["rijen"]],
        "Peildatum": [fmt_date(v) if v else "onbekend" for v in grouped["peildatum"]],
        "Illustratief": ["ja" if v else "nee" for v in grouped["illustratief"]],
    })


def show_accountability(report: Report) -> None:
    _display("### Bronnen")
    _display("CBS-cijfers: Bron: CBS StatLine, CC BY 4.0, met het tabelnummer bij elke grafiek. "
             "De peildatum is de downloaddatum van de tabel (of, zonder downloadgegevens, de datum van "
             "het bestand).")
    _display(markdown_table(sources_table(report), "llrrll"))
    if report.illustrative:
        _display("### Illustratieve gegevens")
        _display(ILLUSTRATIVE_BANNER + " Nulmetingen en streefwaarden komen altijd uit het plan.")
    _display("### Kleine aantallen")
    suppressed = int(report.measurements["onderdrukt"].sum())
    _display(f"Aantallen personen onder de {report.config.disclosure_threshold} worden niet gepubliceerd "
             f"(weergegeven als '< {report.config.disclosure_threshold}'), en ook niet de percentages of "
             "ratio's die daaruit volgen. "
             + (f"In de gegevens van dit rapport gaat het om {fmt_int(suppressed)} onderdrukte waarden. "
                if suppressed else "In de gegevens van dit rapport hoefde niets onderdrukt te worden. ")
             + "CBS-cijfers staan zoals het CBS ze afrondde.")
    if report.comparison_codes and not report.framework.comparison and not report.unit.is_region:
        _display("### Vergelijkingsgroep")
        names = sorted(report.member_name(c) for c in report.comparison_codes)
        _display(f"Gemeenten van dezelfde grootteklasse ({len(names)}): {fmt_list(names)}.")
    if report.assessments:
        _display("### Hoe de status van een doel wordt bepaald")
        _display(_demote_headings(STATUS_RULES_NL))
    else:
        _display("### Richting en vergelijking")
        _display("Dit beleidskader heeft geen doelen met een streefwaarde; het rapport geeft daarom geen "
                 "status. De richting vergelijkt de twee laatste metingen van dezelfde soort periode "
                 "(bij percentages in procentpunten); Nederland staat er alleen naast in dezelfde "
                 "periode, en absolute aantallen worden niet met Nederland vergeleken.")


def _demote_headings(text: str) -> str:
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", text, flags=re.M)


# ----- samenvatting.json for the site ---------------------------------------------------------------
def summary_record(report: Report, built_on: date | None = None) -> ReportSummary:
    own = report.measurements[report.measurements["gemeente"].isin(report.members)]
    dates = sorted({str(d) for d in own["peildatum"] if d})
    stamp = build_info(report.config.root)
    return ReportSummary(
        gemeente=report.unit.code,
        gemeente_naam=report.unit.name,
        periode=report.period.code,
        periode_label=report.period.label_nl,
        kader=report.framework.id,
        status_counts=status_counts(report),
        aantal_doelen=len(report.assessments),
        peildata=dates,
        gebouwd_op=built_on or date.today(),
        illustratief=report.illustrative,
        versie=stamp.version,
        commit=stamp.commit,
    )


def write_summary(report: Report) -> None:
    """Write ``samenvatting.json`` next to the report (the site's home page reads it).

    Returns nothing, so that the notebook cell that calls it shows nothing."""
    summary_record(report).write(report.output_dir / SUMMARY_FILE)


# ----- the cleaning notebook ----------------------------------------------------------------------
def show_quality(result: CleaningResult) -> None:
    """The data-quality summary of :func:`tussenstand.cleaning.clean_unit` in Dutch tables."""
    q = result.quality.model_dump()
    per_source = result.quality_table
    _display(f"De opschoonstap schreef {fmt_int(len(result.measurements))} metingen naar "
             f"`data/processed/{result.code}/{result.period.code}/{MEASUREMENTS_FILE}` "
             f"(en `{QUALITY_FILE}`).")
    if len(per_source):
        _display("**Wat kwam binnen, en waarvandaan**")
        _display(markdown_table(_quality_frame(per_source), None))
    for key, title in (("ontbrekend", "Ontbrekende waarden en de reden"),
                       ("onderdrukt", "Onderdrukte kleine aantallen"),
                       ("reeksbreuken", "Reeksbreuken"),
                       ("illustratief", "Illustratieve gegevens")):
        part = q.get(key)
        if not part:
            continue
        _display(f"**{title}**")
        if isinstance(part, dict):
            if not part.get("aantal"):
                continue
            part = [{k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in part.items()}]
        _display(markdown_table(_quality_frame(pd.DataFrame(part)), None))
    for note in result.notes:
        _display(note)


def _quality_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "ja", False: "nee"})
        elif pd.api.types.is_integer_dtype(out[col]):
            out[col] = [fmt_int(v) for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = [fmt_number(v) for v in out[col]]
    return out
