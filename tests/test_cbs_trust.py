"""Broken or missing CBS files are never trusted; definitions and series are what they say.

Real files: the shared CBS extracts (71486ned is cut at 10.000 rows there), copies of them cut
short in the test (mid-number, a short row), small files written here, and the frameworks. Every
expected figure is read by hand from the files (quoted in the comments) or written out.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import date

import pandas as pd
import pytest

from tussenstand.cleaning import quality_summary
from tussenstand.frameworks import load_frameworks
from tussenstand.handoff import QualitySummary, TableMeta
from tussenstand.nlformat import ROUNDED_PERCENT_UNIT
from tussenstand.periods import parse_report_period
from tussenstand.report.data_notes import gap_text
from tussenstand.site.pages import sources_text
from tussenstand.sources.areas import AREA_TABLES, load_all_areas
from tussenstand.sources.cbs_national import build_national_series, load_national_series
from tussenstand.sources.cbs_tables import (
    DEFAULT_TABLES,
    TABLES,
    CBSDataMissing,
    clean_table,
    missing_data_message,
    read_table,
    table_title,
)
from tussenstand.sources.geo import geo_series
from tussenstand.sources.municipalities import coverage_gaps, reference_by_year

WMO_HEADER = "ID;TypeMaatwerkvoorziening;RegioS;Perioden;WmoClienten_1;WmoClientenPer1000Inwoners_2"


@pytest.fixture(scope="module")
def areas(cbs_dir):
    return load_all_areas(cbs_dir)


@pytest.fixture(scope="module")
def national(cbs_dir, tmp_path_factory):
    return load_national_series(cbs_dir, tmp_path_factory.mktemp("processed"))


def _mirror(cbs_dir, folder, *, leave_out=()):
    """``folder`` with links to every shared CBS file (sidecars and geo files too) except
    ``leave_out``."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in cbs_dir.iterdir():
        if path.name in leave_out:
            continue
        os.symlink(path, folder / path.name)
    return folder


def _rows(series, gemeente, indicator):
    s = series[(series["gemeente"] == gemeente) & (series["indicator"] == indicator)]
    return s.set_index("periode")


# ----- 3. broken files are detected ---------------------------------------------------------------
def test_a_file_cut_in_the_middle_of_a_number_is_detected_and_its_line_not_used(tmp_path, areas):
    # the last line stops in the middle of Texel's rate (51.0 -> "5") without a line break: it has
    # every field, so only the missing line break shows it is cut
    (tmp_path / "86050NED.csv").write_text(
        "\ufeff"
        + WMO_HEADER
        + "\n0;Totaal;Heemskerk;1e halfjaar 2023;2535.0;64.0\n"
        + "1;Totaal;Hoorn;1e halfjaar 2023;5470.0;72.0\n"
        + "2;Totaal;Texel;1e halfjaar 2023;705.0;5",
        encoding="utf-8",
    )
    raw = read_table(tmp_path, "86050NED")
    [problem] = raw.attrs["bestandsproblemen"]
    assert problem["regel"] == 4 and problem["bestand"] == "86050NED.csv"
    assert "midden in regel 4" in problem["probleem"] and "niet gebruikt" in problem["probleem"]
    df = clean_table(raw, "86050NED", areas)
    assert "GM0448" not in set(df["gemeente"])  # Texel's cut line is not trusted
    wmo = df.set_index(["gemeente", "indicator"])["waarde"]
    assert (
        wmo["GM0396", "wmo_clienten_aantal"] == 2535
        and wmo["GM0405", "wmo_clienten_aantal"] == 5470
    )
    assert df.attrs["bestandsproblemen"] == [problem]


def test_a_short_row_is_detected_and_not_used(tmp_path, areas):
    (tmp_path / "86050NED.csv").write_text(
        "\ufeff"
        + WMO_HEADER
        + "\n0;Totaal;Heemskerk;1e halfjaar 2023;2535.0;64.0\n"
        + "1;Totaal;Hoorn;1e halfjaar 2023\n"  # 4 of the 6 fields
        + "2;Totaal;Texel;1e halfjaar 2023;705.0;51.0\n",
        encoding="utf-8",
    )
    raw = read_table(tmp_path, "86050NED")
    [problem] = raw.attrs["bestandsproblemen"]
    assert problem["regel"] == 3
    assert (
        problem["probleem"]
        == "regel 3 van 86050NED.csv heeft 4 van de 6 velden; die regel is niet gebruikt"
    )
    df = clean_table(raw, "86050NED", areas)
    assert set(df["gemeente"]) == {"GM0396", "GM0448"}  # Hoorn is not read as 'no value'


def test_fewer_rows_than_the_download_had_is_detected(tmp_path):
    (tmp_path / "86050NED.csv").write_text(
        "\ufeff" + WMO_HEADER + "\n0;Totaal;Heemskerk;1e halfjaar 2023;2535.0;64.0\n",
        encoding="utf-8",
    )
    TableMeta(tabel="86050NED", aantal_rijen=2).write(tmp_path / "86050NED.meta.json")
    [problem] = read_table(tmp_path, "86050NED").attrs["bestandsproblemen"]
    assert problem["regel"] is None
    assert "1 datarijen, de download had er 2" in problem["probleem"]


def test_a_file_covering_too_few_gemeenten_is_detected(tmp_path, areas, cbs_dir):
    # three gemeenten for the first half of 2024, when there were 342 (85755NED, Gebieden 2024)
    (tmp_path / "86050NED.csv").write_text(
        "\ufeff"
        + WMO_HEADER
        + "\n0;Totaal;Heemskerk;1e halfjaar 2024;2535.0;64.0\n"
        + "1;Totaal;Hoorn;1e halfjaar 2024;5470.0;72.0\n"
        + "2;Totaal;Texel;1e halfjaar 2024;705.0;51.0\n",
        encoding="utf-8",
    )
    df = clean_table(read_table(tmp_path, "86050NED"), "86050NED", areas)
    reference = reference_by_year(cbs_dir)
    assert len(reference[2024]) == 342 and len(reference[2012]) == 415
    [gap] = coverage_gaps(df, reference)
    assert (gap["jaar"], gap["aanwezig"], gap["verwacht"]) == (2024, 3, 342)
    assert "GM0441" in gap["ontbrekend"] and "GM0396" not in gap["ontbrekend"]
    assert len(gap["ontbrekend"]) == 339


def test_the_truncated_household_extract_covers_185_of_342_gemeenten(national, cbs_dir, areas):
    gaps = {g["jaar"]: g for g in national.attrs["onvolledig"] if g["tabel"] == "71486ned"}
    gap = gaps[2024]
    # by hand: the 2024 rows of the CSV, matched to the titles of the gemeenten of 2024
    with (cbs_dir / "71486ned.csv").open(encoding="utf-8-sig", newline="") as fh:
        titles = {
            r["RegioS"].strip()
            for r in csv.DictReader(fh, delimiter=";")
            if r["Perioden"] == "2024"
        }
    of_2024 = areas[areas["jaar"] == 2024]
    present = of_2024["regio_titel"].isin(titles) | of_2024["gemeente_naam"].isin(titles)
    assert gap["aanwezig"] == int(present.sum()) == 185 and gap["verwacht"] == 342
    for missing in ("GM0441", "GM0448"):  # Schagen, Texel: after 'Moerdijk'
        assert missing in gap["ontbrekend"]
    for present_code in ("GM0396", "GM0400", "GM0405", "GM1507", "GM1911"):
        assert present_code not in gap["ontbrekend"]
    # the complete tables are not accused: no other file misses a gemeente in any year
    assert {g["tabel"] for g in national.attrs["onvolledig"]} == {"71486ned"}
    assert national.attrs["bestandsproblemen"] == []


@pytest.fixture(scope="module")
def cut_folder(cbs_dir, tmp_path_factory):
    """The shared extracts with 86060NED cut short: a short row for Dalfsen (line 61, 3 of 8 fields)
    and the file ending in the middle of Hoorn's last number (line 140, '143.0' -> '14')."""
    folder = _mirror(cbs_dir, tmp_path_factory.mktemp("cut") / "cbs", leave_out={"86060NED.csv"})
    lines = (cbs_dir / "86060NED.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[139].startswith("138;Totaal;Hoorn;") and lines[139].endswith(";143.0")
    assert lines[60].split(";")[2] == "Dalfsen"
    kept = lines[:139] + [lines[139][: -len("3.0")]]
    kept[60] = ";".join(lines[60].split(";")[:3])
    (folder / "86060NED.csv").write_text("\ufeff" + "\n".join(kept), encoding="utf-8")
    return folder


def test_a_cut_real_file_is_reported_with_its_lines_and_the_missing_gemeenten(cut_folder):
    national = build_national_series(cut_folder)
    problems = {p["regel"]: p["probleem"] for p in national.attrs["bestandsproblemen"]}
    assert set(problems) == {61, 140, None}
    assert "afgebroken" in problems[140] and "3 van de 8 velden" in problems[61]
    # the sidecar says the download had 2.394 rows; 139 lines are left
    assert "139 datarijen, de download had er 2.394" in problems[None]
    [gap] = [g for g in national.attrs["onvolledig"] if g["tabel"] == "86060NED"]
    # 139 lines = header + 138 'Totaal' rows of distinct gemeenten; Dalfsen's row is too short
    assert (gap["jaar"], gap["aanwezig"], gap["verwacht"]) == (2024, 137, 342)
    assert {"GM0405", "GM0148"} <= set(gap["ontbrekend"])  # Hoorn, Dalfsen
    assert "GM0396" not in gap["ontbrekend"]  # Heemskerk, line 117
    rows = national[(national["tabel"] == "86060NED") & (national["gemeente"] == "GM0405")]
    assert rows.empty  # Hoorn's cut '14' is never read as 14
    # the report of Hoorn gets the gap, in the wording that names the file, not CBS
    quality = quality_summary(
        national[national["gemeente"] == "GM0405"],
        code="GM0405",
        period=parse_report_period("2024-H1"),
        members=["GM0405"],
        cbs_notes=national.attrs,
    )
    [member_gap] = quality.onvolledige_bestanden
    assert gap_text(member_gap).startswith(
        "Het bestand 86060NED.csv bevat 137 van de 342 gemeenten van 2024; de cijfers van "
        "Hoorn ontbreken in dat bestand."
    )
    assert {p.regel for p in quality.bestandsproblemen} == {61, 140, None}
    # kwaliteit.json round trip: the report reads what cleaning wrote
    path = quality.write(cut_folder.parent / "kwaliteit.json")
    assert QualitySummary.read(path) == quality


def test_a_missing_needed_table_fails_with_the_empty_folder_message(cbs_dir, tmp_path):
    folder = _mirror(cbs_dir, tmp_path / "cbs", leave_out={"85099NED.csv", "85099NED.meta.json"})
    with pytest.raises(CBSDataMissing) as err:
        build_national_series(folder)
    assert str(err.value) == missing_data_message(folder, ["85099NED"])
    for needed in ("tussenstand fetch", "TUSSENSTAND_CBS_DIR", "--cbs-dir", "Nodig: 85099NED."):
        assert needed in str(err.value)
    # the areas tables are needed as well
    areas_gone = _mirror(
        cbs_dir,
        tmp_path / "zonder-gebieden",
        leave_out={f"{t}.csv" for t in AREA_TABLES} | {"gemeenten-alfabetisch-2024.xlsx"},
    )
    with pytest.raises(CBSDataMissing, match="Nodig: 85755NED, 86059NED."):
        build_national_series(areas_gone)


def test_the_cleaning_stage_fails_instead_of_reporting_no_figures(project_root, cbs_dir, tmp_path):
    from tussenstand.cleaning import clean

    folder = _mirror(cbs_dir, tmp_path / "cbs", leave_out={"71486ned.csv", "71486ned.meta.json"})
    with pytest.raises(CBSDataMissing, match="71486ned"):
        clean("GM0396", "2026-H1", project_root=project_root, cbs_dir=folder)


# ----- 3. peildatum ------------------------------------------------------------------------------
def _geojson(path, year, features):
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"gemeentecode": code, "gemeentenaam": name, **props},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[4.6, 52.5], [4.7, 52.5], [4.7, 52.6], [4.6, 52.5]]],
                        },
                    }
                    for code, name, props in features
                ],
            }
        ),
        encoding="utf-8",
    )


def test_geo_files_take_their_date_from_a_sidecar_and_are_unknown_without_one(tmp_path):
    geo = tmp_path / "geo"
    geo.mkdir()
    heemskerk = {"aantal_inwoners": 39452, "huishoudens": 17622, "65plus": 24}
    _geojson(geo / "gemeenten_2022.geojson", 2022, [("GM0396", "Heemskerk", heemskerk)])
    _geojson(
        geo / "gemeenten_2024.geojson",
        2024,
        [("GM0396", "Heemskerk", {**heemskerk, "pct_eenpersoonshhd": 35})],
    )
    for path in geo.iterdir():
        os.utime(path, (1_700_049_600, 1_700_049_600))
    TableMeta(download_datum=date(2025, 4, 22)).write(geo / "gemeenten_2024.meta.json")
    series = geo_series(tmp_path)
    dates = series.groupby("periode")["peildatum"].unique()
    assert list(dates["2024"]) == ["2025-04-22"]
    assert list(dates["2022"]) == [""]  # never 2023-11-15, the files' modification date
    # the household shares exist only where the file has them, as whole percents
    shares = series[series["indicator"] == "aandeel_huishoudens_eenpersoons"]
    assert list(shares["periode"]) == ["2024"] and list(shares["waarde"]) == [35]
    assert list(shares["eenheid"]) == [ROUNDED_PERCENT_UNIT]


def test_the_shared_extracts_have_their_download_date_and_geo_files_none(national):
    cbs = national[national["bron"] == "CBS StatLine"]
    assert set(cbs["peildatum"]) == {"2025-04-22"}  # every sidecar in ../shared/data/cbs
    geo = national[national["tabel"].str.startswith("geo/")]
    assert set(geo["peildatum"]) == {""}
    assert date.today().isoformat() not in set(national["peildatum"])


# ----- 3. titles ---------------------------------------------------------------------------------
def test_every_supported_table_has_its_cbs_title(cbs_dir):
    for table in DEFAULT_TABLES:
        assert table_title(table), table
    assert table_title("85755NED") == "Gebieden in Nederland 2024"
    assert table_title("71486NED") == "Huishoudens; samenstelling, grootte, regio, 1 januari"
    assert table_title("86050NED") == "Wmo-cliënten; type maatwerkvoorziening (detail), regio"
    page = sources_text(cbs_dir)  # the shared sidecars have an empty 'titel'
    rows = [line for line in page.splitlines() if line.startswith("| [")]
    # one row per table in the folder: the shared extracts hold the 12 primary tables, not the
    # optional Kerncijfers wijken en buurten
    in_folder = {p.name.split(".")[0].lower() for p in cbs_dir.glob("*.csv")}
    assert len(rows) == len([t for t in DEFAULT_TABLES if t.lower() in in_folder]) == 12
    assert not any("| – |" in row for row in rows)
    assert "| Maatstaven Financiële-verhoudingswet (Fvw) | gedownload op 22 april 2025 |" in page


def test_a_sidecar_title_wins_over_the_projects(tmp_path):
    (tmp_path / "86050NED.csv").write_text("\ufeff" + WMO_HEADER + "\n", encoding="utf-8")
    TableMeta(tabel="86050NED", titel="Eigen titel").write(tmp_path / "86050NED.meta.json")
    page = sources_text(tmp_path)
    assert "| Eigen titel | downloaddatum onbekend |" in page


# ----- 4. municipal mergers ----------------------------------------------------------------------
def _changes(national, code):
    return [c for c in national.attrs["herindelingen"] if c["gemeente"] == code]


def test_mergers_are_found_in_the_data_and_dated(national):
    # CBS's list of herindelingen: Schagen + Harenkarspel + Zijpe on 1 January 2013; Horst aan de
    # Maas + Sevenum + part of Meerlo-Wanssum 2010; Hollands Kroon new in 2012; Medemblik 2007
    # (Noorder-Koggenland, Wognum) and 2011 (Andijk, Wervershoof)
    [schagen] = _changes(national, "GM0441")
    assert (schagen["soort"], schagen["na"], schagen["uiterlijk"]) == ("uitbreiding", 2012, 2013)
    assert schagen["met"] == ["Harenkarspel", "Zijpe"]
    [horst] = _changes(national, "GM1507")
    assert (horst["soort"], horst["na"], horst["uiterlijk"]) == ("uitbreiding", 2009, 2010)
    [kroon] = _changes(national, "GM1911")
    assert (kroon["soort"], kroon["na"], kroon["uiterlijk"]) == ("nieuw", 2011, 2012)
    medemblik = [(c["na"], c["uiterlijk"]) for c in _changes(national, "GM0420")]
    assert medemblik == [(2006, 2007), (2010, 2011)]
    vught = _changes(national, "GM0865")  # Haaren split over four gemeenten in 2021
    assert [(c["uiterlijk"], c["met"]) for c in vught] == [(2021, ["Haaren"])]
    # no merger: Heemskerk, Hoorn, Den Helder, Texel; Urk and Hellevoetsluis, whose simplified
    # boundaries grow by 16% and 30% between two geo files without any gemeente disappearing
    for code in ("GM0396", "GM0405", "GM0400", "GM0448", "GM0184", "GM0530"):
        assert _changes(national, code) == [], code


def test_a_merger_breaks_every_series_of_the_gemeente(national):
    inh = _rows(national, "GM0441", "inwoners")
    # 80860ned gives 1999-2009 in the boundaries of 2009 (old Schagen, 17.210 in 1999); geo 2012
    # is old Schagen (18.655), geo 2017 the merged one (46.193)
    assert inh.loc["1999", "waarde"] == 17210 and inh.loc["2012", "waarde"] == 18655
    assert list(inh.index[inh["reeksbreuk"]]) == ["2017"]
    hh = _rows(national, "GM1507", "huishoudens_totaal")
    # 71486ned, Horst aan de Maas: 11.526 households in 2009, 16.265 in 2010 (the merger)
    assert (hh.loc["2009", "waarde"], hh.loc["2010", "waarde"]) == (11526, 16265)
    assert list(hh.index[hh["reeksbreuk"] & (hh["tabel"] == "71486ned")]) == ["2010"]
    assert _rows(national, "GM1507", "inwoners").loc["2012", "reeksbreuk"]  # 2009 -> 2012
    old_share = _rows(national, "GM0441", "aandeel_65plus")
    assert list(old_share.index[old_share["reeksbreuk"]]) == ["2017"]
    heemskerk = national[(national["gemeente"] == "GM0396") & national["reeksbreuk"]]
    assert set(heemskerk["tabel"]) == {"85098NED"}  # only the new jeugd table of 2021


# ----- 4. bijstand -------------------------------------------------------------------------------
def test_bijstand_is_named_as_benefits_in_every_framework_and_the_series(project_root, national):
    spec = next(d for d in TABLES["85383NED"].derived if d.indicator == "bijstand_per_10000")
    assert spec.unit == "uitkeringen per 10.000 inwoners van 18 jaar en ouder"
    assert spec.columns[0] == "TotaalBijstandsuitkeringen_22"
    found = 0
    for fw in load_frameworks(project_root / "data" / "raw" / "kaders").values():
        for ind in fw.indicators:
            if ind.series == "bijstand_per_10000":
                found += 1
                assert ind.name == "Bijstandsuitkeringen", fw.id
                assert ind.unit == spec.unit, fw.id
                assert "geen personen" in (ind.note or ""), fw.id
    # Heemskerk, Hoorn, Horst aan de Maas (2), Kop van Noord-Holland (2), the basisset
    assert found == 7
    # 85383NED, Schagen 2024: 460 benefits, 47.744 inhabitants of whom 8.326 younger than 18
    value = _rows(national, "GM0441", "bijstand_per_10000").loc["2024", "waarde"]
    assert value == pytest.approx(460 / (47744 - 8326) * 10000)


# ----- 4. rounded and exact shares ---------------------------------------------------------------
def test_exact_shares_from_85383NED_and_rounded_ones_flagged(national):
    share = _rows(national, "GM0441", "aandeel_65plus")
    # 85383NED Schagen 2024: 47.744 inhabitants, 35.443 younger than 65 -> 25,76%
    assert share.loc["2024", "waarde"] == pytest.approx((47744 - 35443) / 47744 * 100)
    assert share.loc["2024", "eenheid"] == "%"
    # geo 2022: '65plus': 25, whole percents
    assert (
        share.loc["2022", "waarde"] == 25 and share.loc["2022", "eenheid"] == ROUNDED_PERCENT_UNIT
    )
    young = _rows(national, "GM0441", "aandeel_0_15")
    # younger than 15 = younger than 65 - 15 to 64: 35.443 - 28.834 = 6.609 of 47.744
    assert young.loc["2024", "waarde"] == pytest.approx((35443 - 28834) / 47744 * 100)
    nl = _rows(national, "NL01", "aandeel_65plus")
    # 85383NED Nederland 2024: 17.942.942 inhabitants, 14.265.714 younger than 65
    assert nl.loc["2024", "waarde"] == pytest.approx((17942942 - 14265714) / 17942942 * 100)
    # the geo files' household shares are whole percents too
    hh = _rows(national, "GM0448", "aandeel_huishoudens_eenpersoons")
    assert dict(hh["waarde"]) == {"2022": 39, "2024": 41}  # Texel, read from the GeoJSON
    assert set(hh["eenheid"]) == {ROUNDED_PERCENT_UNIT}


def test_series_breaks_and_findings_survive_the_cache(cbs_dir, tmp_path, national):
    processed = tmp_path / "processed"
    first = load_national_series(cbs_dir, processed)
    again = load_national_series(cbs_dir, processed)  # from landelijk.parquet
    assert (
        again.attrs["herindelingen"]
        == first.attrs["herindelingen"]
        == national.attrs["herindelingen"]
    )
    assert again.attrs["onvolledig"] == first.attrs["onvolledig"]
    pd.testing.assert_series_equal(
        again["reeksbreuk"].reset_index(drop=True), first["reeksbreuk"].reset_index(drop=True)
    )
