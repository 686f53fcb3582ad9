"""The policy frameworks in data/raw/kaders: schema, the four seed plans, and error messages."""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import pytest
import yaml
from conftest import require_shared

from tussenstand.frameworks import (
    Framework,
    FrameworkError,
    MonitoredUnit,
    UnknownUnitError,
    find_unit,
    load_framework,
    load_frameworks,
    monitored_units,
)
from tussenstand.periods import Period

SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def kaders_dir(project_root: Path) -> Path:
    return project_root / "data" / "raw" / "kaders"


@pytest.fixture(scope="module")
def frameworks(kaders_dir: Path) -> dict[str, Framework]:
    return load_frameworks(kaders_dir)


@pytest.fixture(scope="module")
def heemskerk(kaders_dir: Path) -> Framework:
    return load_framework(kaders_dir / "heemskerk.yaml")


@pytest.fixture(scope="module")
def heemskerk_raw(kaders_dir: Path) -> dict:
    return _read(kaders_dir / "heemskerk.yaml")


def _read(path: Path) -> dict:
    return yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _nl(value: float) -> str:
    """Dutch number as the plan prints it: 5.377, 79,91, 13.601,04."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, frac = f"{value:,.2f}".rstrip("0").split(".")
    return f"{whole.replace(',', '.')},{frac}"


# ----- the four seed plans -----------------------------------------------------------------------
def test_all_four_frameworks_load(frameworks):
    assert list(frameworks) == [
        "basisset",
        "heemskerk-2024",
        "hoorn-2020",
        "horst-aan-de-maas-2024",
        "kop-van-noord-holland-2024",
    ]
    kinds = {k: fw.kind for k, fw in frameworks.items()}
    assert kinds == {
        "basisset": "basisset",
        "heemskerk-2024": "smart",
        "hoorn-2020": "kwalitatief",
        "horst-aan-de-maas-2024": "programma",
        "kop-van-noord-holland-2024": "regionaal",
    }
    assert frameworks["heemskerk-2024"].path.name == "heemskerk.yaml"


def test_heemskerk_has_28_goals_in_five_opgaven(heemskerk):
    per_theme = {t: [g.id for g in gs] for t, gs in heemskerk.goals_by_theme().items()}
    assert per_theme == {
        "vitaal-en-weerbaar": [f"VW-{i}" for i in range(1, 6)],
        "zorg-en-wonen": [f"ZW-{i}" for i in range(1, 6)],
        "opgroeien-en-zelfontplooiing": [f"OZ-{i}" for i in range(1, 7)],
        "financieel-fit": [f"FF-{i}" for i in range(1, 7)],
        "ontmoeten-en-omzien-naar-elkaar": [f"OO-{i}" for i in range(1, 7)],
    }
    assert len(heemskerk.goals) == 28
    assert heemskerk.evaluation_year == 2027
    assert heemskerk.monitoring.frequency_months == 6


def test_heemskerk_goal_targets_match_the_plan(heemskerk):
    g = heemskerk.goal
    # 244 nights, 20% fewer
    zw1 = g("ZW-1")
    assert (zw1.unit, zw1.baseline.value, zw1.baseline.period) == ("nachten", 244, "2023")
    assert (zw1.target.kind, zw1.target.percent, zw1.comparison, zw1.direction) == (
        "change",
        -20,
        "at_most",
        "down",
    )
    # at most 1.100 households with problematic debts (1.240 in 2023)
    ff3 = g("FF-3")
    assert (ff3.target.kind, ff3.target.value, ff3.comparison, ff3.baseline.value) == (
        "level",
        1100,
        "at_most",
        1240,
    )
    # minimaregelingen +10% on 5.377
    ff1 = g("FF-1")
    assert (ff1.target.kind, ff1.target.percent, ff1.comparison, ff1.baseline.value) == (
        "change",
        10,
        "at_least",
        5377,
    )
    # Wmo cost ceiling: at most 9% more than EUR 2.864
    zw4 = g("ZW-4")
    assert (zw4.unit, zw4.baseline.value, zw4.target.kind, zw4.target.percent, zw4.comparison) == (
        "euro",
        2864,
        "change",
        9,
        "at_most",
    )
    # stays at 79,91 per 1.000 and EUR 13.601,04
    assert (g("ZW-5").target.kind, g("ZW-5").baseline.value, g("ZW-5").comparison) == (
        "stay",
        79.91,
        "equal",
    )
    assert (g("OZ-4").target.kind, g("OZ-4").baseline.value) == ("stay", 13601.04)
    # 'gelijk of lager' than 141
    assert (g("OZ-3").target.value, g("OZ-3").comparison) == (141, "at_most")
    # 'absolute afname van 5% naar 46%' from 51%
    assert (g("VW-4").target.value, g("VW-4").comparison, g("VW-4").baseline.value) == (
        46,
        "at_most",
        51,
    )
    # Jeugdfonds: baseline is the 2nd half of 2023
    assert g("VW-2").baseline.period_obj == Period.of_half(2023, 2)


def test_heemskerk_school_year_goal_with_pending_baseline(heemskerk):
    oz6 = heemskerk.goal("OZ-6")
    assert oz6.target_period_obj == Period.of_schoolyear(2026)
    assert oz6.baseline.status == "pending" and oz6.baseline.value is None
    assert oz6.baseline.period_obj == Period.of_schoolyear(2023)
    assert (oz6.target.kind, oz6.target.percent) == ("change", -10)
    assert oz6.measurement.frequency_months == 12
    pending = [g.id for g in heemskerk.goals if g.baseline_status == "pending"]
    assert pending == ["OZ-6"]  # the only 'x*' in the plan


def test_heemskerk_goals_without_baseline_and_per_district(heemskerk):
    no_baseline = [g.id for g in heemskerk.goals if g.baseline_status == "none"]
    assert no_baseline == ["OZ-2", "OZ-5", "FF-6", "OO-2", "OO-3", "OO-4"]
    districts = {
        g.id: (g.target.value, g.comparison)
        for g in heemskerk.goals
        if g.target.kind == "every_district"
    }
    assert districts == {"OO-2": (1, "at_least"), "OO-3": (5, "at_least"), "OO-5": (45, "at_most")}
    oo4 = heemskerk.goal("OO-4")
    assert (oo4.target.kind, oo4.target.percent, oo4.baseline_status) == (
        "growth_per_year",
        10,
        "none",
    )


def test_heemskerk_figures_appear_in_the_goal_sentences(heemskerk):
    """Baseline and target figures are not typed twice wrongly: each occurs in the plan's sentence."""
    for goal in heemskerk.goals:
        text = goal.text
        if goal.baseline_status == "known":
            forms = {_nl(goal.baseline.value), f"{goal.baseline.value:g}"}
            assert any(f in text for f in forms), (goal.id, goal.baseline.value)
        t = goal.target
        if t.value is not None and not (goal.id == "OZ-3"):  # OZ-3: level = the baseline 141
            words = {1: "één", 5: "vijf"}
            assert _nl(t.value) in text or words.get(t.value, "?") in text, (goal.id, t.value)
        if t.percent is not None:
            assert f"{abs(t.percent):g}%" in text, (goal.id, t.percent)
        assert (
            goal.target_period.split("/")[0] in text or goal.target_period.replace("/", "-") in text
        )


def test_heemskerk_goal_sentences_come_from_the_seed(heemskerk):
    seed = SEEDS_DIR / "003_b83587c3c4920448.txt"
    require_shared(seed, "het beleidsplan van Heemskerk (../shared/seeds)")
    plan = " ".join(seed.read_text(encoding="utf-8").split())
    for goal in heemskerk.goals:
        opening = " ".join(goal.text.split()[:7])
        assert opening in plan, (goal.id, opening)


def test_heemskerk_measurement_sources_and_frequencies(heemskerk):
    months = {g.id: g.measurement.frequency_months for g in heemskerk.goals}
    assert months["VW-1"] == 48 and months["VW-2"] == 6 and months["ZW-1"] == 12
    assert all(m in (6, 12, 48) for m in months.values())
    assert heemskerk.goal("FF-5").measurement.source == "Benchmarkanalyse Divosa"
    assert all(g.series == f"reg_{g.id}" for g in heemskerk.goals)


def test_heemskerk_budgets_add_up_to_the_total(heemskerk):
    budgets = {t.id: t.budget.amount for t in heemskerk.themes}
    assert budgets == {
        "vitaal-en-weerbaar": 1_874_008,
        "zorg-en-wonen": 12_476_129,
        "opgroeien-en-zelfontplooiing": 14_984_774,
        "financieel-fit": 11_440_518,
        "ontmoeten-en-omzien-naar-elkaar": 4_352_650,
    }
    assert sum(budgets.values()) == 45_128_079
    assert heemskerk.budget.total == 45_128_079 == heemskerk.theme_budget_total()


def test_heemskerk_bbv_indicators_per_opgave(heemskerk):
    plan = {
        t: [i.id for i in ii if i.chosen_by == "plan"]
        for t, ii in heemskerk.indicators_by_theme().items()
    }
    assert plan["vitaal-en-weerbaar"] == ["bbv-niet-sporters"]
    assert plan["zorg-en-wonen"] == ["bbv-wmo-clienten"]
    assert len(plan["opgroeien-en-zelfontplooiing"]) == 7
    assert len(plan["financieel-fit"]) == 6
    assert plan["ontmoeten-en-omzien-naar-elkaar"] == []  # the plan says 'Geen'
    assert all(i.bbv for i in heemskerk.indicators if i.chosen_by == "plan")
    assert heemskerk.indicator("bbv-jeugdhulp").series == "jongeren_jeugdhulp_pct"
    banen = heemskerk.indicator("bbv-banen")
    assert banen.series is None and banen.source == "LISA"


def test_horst_aan_de_maas_programme_and_budget(frameworks):
    horst = frameworks["horst-aan-de-maas-2024"]
    assert [t.section for t in horst.themes] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert horst.policy_fields == ["2.1 Zorg", "2.2 Werk en inkomen", "2.3 Onderwijs"]
    b = horst.budget
    assert (b.lasten, b.baten, b.saldo, b.multiplier) == (53_604, 12_605, -40_999, 1000)
    assert b.baten - b.lasten == b.saldo
    assert b.euro(b.saldo) == -40_999_000
    transformation = b.items[0]
    assert (transformation.amount, transformation.comparison) == (2_400_000, "at_most")


def test_kop_van_noord_holland_has_eight_ambitions_and_a_region(frameworks):
    knh = frameworks["kop-van-noord-holland-2024"]
    assert len(knh.themes) == 8
    assert knh.themes[0].name == "Een stabiel en waardig bestaan voor iedere inwoner"
    assert knh.themes[-1].name == "Voldoende vrijwilligers, mantelzorgers en professionals"
    assert not any(t.name.startswith("De ambities") for t in knh.themes)
    assert knh.region.code == "KNH"
    assert knh.municipality_codes == ("GM0400", "GM1911", "GM0441", "GM0448")


def test_hoorn_speerpunten_and_challenges(frameworks):
    hoorn = frameworks["hoorn-2020"]
    assert len(hoorn.themes) == 4 and len(hoorn.challenges) == 7 and len(hoorn.approach) == 9
    assert hoorn.municipality_codes == ("GM0405",)
    assert hoorn.goals == []


def test_every_theme_has_evidence(frameworks):
    for fw in frameworks.values():
        assert fw.themes_without_evidence() == [], fw.id
        for theme_id, indicators in fw.indicators_by_theme().items():
            if not fw.goals_by_theme()[theme_id]:
                assert any(i.series for i in indicators), (fw.id, theme_id)


def test_indicator_series_are_documented_cbs_series(frameworks, project_root):
    """Only series codes that docs/architectuur.md lists for CBS data are used."""
    doc = (project_root / "docs" / "architectuur.md").read_text(encoding="utf-8")
    section = doc.split("## Series (indicator) codes from CBS", 1)[1]
    documented = set(re.findall(r"`([a-z][a-z0-9_]*)`", section))
    assert "jongeren_jeugdhulp_pct" in documented
    for fw in frameworks.values():
        for code in fw.cbs_series():
            assert code in documented, (fw.id, code)
        for ind in fw.indicators:
            if ind.series is None:
                assert ind.source and ind.note, (fw.id, ind.id)
            if ind.chosen_by == "researcher":
                assert ind.note, (fw.id, ind.id)


def test_municipality_codes_match_cbs_areas(frameworks, cbs_dir):
    with open(cbs_dir / "85755NED.csv", encoding="utf-8-sig", newline="") as fh:
        names = {
            row["Code_1"].strip(): row["Naam_2"].strip()
            for row in csv.DictReader(fh, delimiter=";")
        }
    for fw in frameworks.values():
        for m in fw.municipalities:
            assert names.get(m.code) == m.name, (fw.id, m.code)


# ----- monitored units ---------------------------------------------------------------------------
def test_monitored_units(kaders_dir):
    units = monitored_units(kaders_dir)
    assert [u.name for u in units] == [
        "Den Helder",
        "Heemskerk",
        "Hollands Kroon",
        "Hoorn",
        "Horst aan de Maas",
        "Schagen",
        "Texel",
        "Regio Kop van Noord-Holland",
    ]
    region = units[-1]
    assert region == MonitoredUnit(
        "KNH",
        "Regio Kop van Noord-Holland",
        "regio",
        "kop-van-noord-holland-2024",
        ("GM0400", "GM1911", "GM0441", "GM0448"),
    )
    heemskerk = units[1]
    assert (heemskerk.code, heemskerk.kind, heemskerk.members) == (
        "GM0396",
        "gemeente",
        ("GM0396",),
    )


def test_find_unit(kaders_dir):
    units = monitored_units(kaders_dir)
    assert find_unit(units, "GM0396").name == "Heemskerk"
    assert find_unit(units, "knh").kind == "regio"
    assert find_unit(units, "Horst aan de Maas").code == "GM1507"
    with pytest.raises(UnknownUnitError) as info:
        find_unit(units, "GM9999")
    msg = str(info.value)
    assert (
        "GM9999" in msg and "Heemskerk (GM0396)" in msg and "KNH" in msg and "Texel (GM0448)" in msg
    )


# ----- broken frameworks -------------------------------------------------------------------------
def _write(tmp_path: Path, data: dict | str, name: str = "kapot.yaml") -> Path:
    path = tmp_path / name
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = (
        data
        if isinstance(data, str)
        else yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def _goal(raw: dict, goal_id: str) -> dict:
    return next(g for g in raw["goals"] if g["id"] == goal_id)


def _error(path: Path) -> str:
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return str(info.value)


def test_the_copy_of_heemskerk_loads(tmp_path, heemskerk_raw):
    assert len(load_framework(_write(tmp_path, heemskerk_raw)).goals) == 28


def test_unknown_theme_names_file_goal_and_field(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    _goal(raw, "VW-1")["theme"] = "vitaal"
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: doel VW-1, veld theme: onbekend thema 'vitaal'")
    assert "vitaal-en-weerbaar" in msg


def test_unknown_indicator_theme(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["indicators"][0]["theme"] = "sport"
    assert _error(_write(tmp_path, raw)).startswith(
        "kapot.yaml: indicator bbv-niet-sporters, veld theme:"
    )


def test_bad_target_kind(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    _goal(raw, "ZW-1")["target"]["kind"] = "afname"
    msg = _error(_write(tmp_path, raw))
    assert "kapot.yaml: doel ZW-1, veld target.kind:" in msg
    assert "'afname'" in msg and "'change'" in msg


def test_missing_target_value(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    del _goal(raw, "FF-3")["target"]["value"]
    msg = _error(_write(tmp_path, raw))
    assert "kapot.yaml: doel FF-3, veld target:" in msg and "'value'" in msg


def test_text_where_a_number_is_expected(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    _goal(raw, "ZW-1")["target"]["percent"] = "veel"
    msg = _error(_write(tmp_path, raw))
    assert (
        "kapot.yaml: doel ZW-1, veld target.percent:" in msg and "'veel'" in msg and "getal" in msg
    )


def test_missing_required_goal_field(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    del _goal(raw, "OO-6")["direction"]
    assert "kapot.yaml: doel OO-6, veld direction: ontbreekt" in _error(_write(tmp_path, raw))


def test_duplicate_goal_id(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    _goal(raw, "VW-2")["id"] = "VW-1"
    _goal(raw, "VW-1")["measurement"]["series"] = "reg_VW-1a"
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: doel VW-1, veld id: komt 2 keer voor")


def test_duplicate_theme_id(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["themes"][1]["id"] = "vitaal-en-weerbaar"
    assert _error(_write(tmp_path, raw)).startswith(
        "kapot.yaml: thema vitaal-en-weerbaar, veld id: komt 2 keer voor"
    )


def test_bad_gm_code(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["municipalities"][0]["code"] = "GM396"
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: gemeente GM396, veld code:")
    assert "GM gevolgd door 4 cijfers" in msg and "'GM396'" in msg


def test_yaml_syntax_error_names_file_and_line(tmp_path, kaders_dir):
    lines = (kaders_dir / "hoorn.yaml").read_text(encoding="utf-8").splitlines()
    idx = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[idx] = "title: Programmabegroting 2020: Sociale stad"  # a second ': ' on one line
    msg = _error(_write(tmp_path, "\n".join(lines)))
    assert msg.startswith(f"kapot.yaml, regel {idx + 1}, kolom ")
    assert "geen geldige YAML" in msg


def test_unknown_field_and_kind(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["kind"] = "smartt"
    raw["evalution_year"] = 2027
    msg = _error(_write(tmp_path, raw))
    assert "kapot.yaml: veld kind: verwacht 'smart'" in msg
    assert "kapot.yaml: veld evalution_year: onbekend veld" in msg


def test_budget_that_does_not_add_up(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["themes"][4]["budget"]["amount"] = 352650  # the OCR-garbled '£.352.650' read as 352.650
    msg = _error(_write(tmp_path, raw))
    assert "kapot.yaml: veld budget.total:" in msg and "41.128.079" in msg and "45.128.079" in msg


def test_region_needs_two_municipalities(tmp_path, kaders_dir):
    raw = _read(kaders_dir / "kop-van-noord-holland.yaml")
    raw["municipalities"] = raw["municipalities"][:1]
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: regio KNH, veld municipalities:") and "minstens 2" in msg


def test_researcher_indicator_needs_a_rationale(tmp_path, kaders_dir):
    raw = _read(kaders_dir / "hoorn.yaml")
    del raw["indicators"][0]["note"]
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: indicator bbv-wmo-clienten") and "note" in msg


def test_duplicate_framework_id_across_files(tmp_path, kaders_dir):
    text = (kaders_dir / "hoorn.yaml").read_text(encoding="utf-8")
    _write(tmp_path, text, "a-hoorn.yaml")
    _write(tmp_path, text, "b-hoorn.yaml")
    with pytest.raises(FrameworkError) as info:
        load_frameworks(tmp_path)
    msg = str(info.value)
    assert "hoorn-2020" in msg and "a-hoorn.yaml" in msg and "b-hoorn.yaml" in msg


def test_empty_folder_and_empty_file(tmp_path):
    with pytest.raises(FrameworkError, match="geen beleidskaders"):
        load_frameworks(tmp_path)
    assert "leeg" in _error(_write(tmp_path, ""))


def test_amount_written_as_dutch_text_is_refused(tmp_path, heemskerk_raw):
    raw = copy.deepcopy(heemskerk_raw)
    raw["themes"][4]["budget"]["amount"] = "4.352.650"
    msg = _error(_write(tmp_path, raw))
    assert msg.startswith("kapot.yaml: thema ontmoeten-en-omzien-naar-elkaar, veld budget.amount:")
    assert "'4.352.650'" in msg


def test_municipality_in_two_frameworks(tmp_path, kaders_dir):
    raw = _read(kaders_dir / "hoorn.yaml")
    _write(tmp_path, raw, "hoorn.yaml")
    raw["id"] = "hoorn-2024"
    _write(tmp_path, raw, "hoorn-nieuw.yaml")
    with pytest.raises(FrameworkError) as info:
        monitored_units(tmp_path)
    msg = str(info.value)
    assert "GM0405" in msg and "hoorn.yaml" in msg and "hoorn-nieuw.yaml" in msg
