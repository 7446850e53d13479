"""Real export shapes load (Wijkprofiel wide and detail, CBS kerncijfers, old map exports), with
clear errors naming file and row, and indicator metadata kept with the values.

The fixtures in tests/data/indicators/ have the shapes of real exports; their values are invented
(see the README there).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError, InvalidInput
from wijkverhalen.linking.columns import detect_layout
from wijkverhalen.linking.indicators import (
    TableOptions,
    import_indicator_file,
    parse_better,
    parse_indicator_table,
)
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "indicators"


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "tables.wijk", codes=SAMPLE_CODES, coder="anna")
    project.add_documents([sample_input()], "anna")
    yield project
    project.close()


def stored(project: Project) -> dict[tuple[str, str, int], float]:
    return {(v["indicator"], v["area"], v["year"]): v["value"] for v in project.indicator_values()}


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


# ----------------------------------------------------------------------------- shapes


def test_wijkprofiel_wide_export_reads_slug_and_district_as_context(proj: Project) -> None:
    report = import_indicator_file(proj, DATA / "wijkprofiel_wide.csv", "anna")
    assert report.form == "wide-indicators"
    assert report.columns["wijk_slug"] == "identifier"
    assert report.columns["gebied"] == "district (context)"
    assert (report.columns["wijk_naam"], report.columns["editie"]) == ("area", "year")
    assert set(report.new_indicators) == {"fysieke_index", "veiligheidsindex", "sociale_index"}
    values = stored(proj)
    assert values[("sociale_index", "Tussendijken", 2018)] == 86
    assert values[("veiligheidsindex", "Rotterdam", 2020)] == 107
    assert ("sociale_index", "Carnisse", 2020) not in values  # "-" is an empty cell
    assert report.added == 47 and report.skipped_empty == 1
    # The Wijkprofiel's indices say what they mean even when the table does not.
    sociale = next(i for i in proj.indicators() if i.id == "sociale_index")
    assert (sociale.unit, sociale.scale, sociale.better) == ("index", "Rotterdam 2014 = 100", "higher")


def test_detail_export_of_one_edition_needs_year(proj: Project) -> None:
    with pytest.raises(DataError, match=r"no year column \(jaar, editie, year, periode\): give its edition with "
                                        "--year 2020") as err:
        import_indicator_file(proj, DATA / "wijkprofiel_detail_2020.csv", "anna")
    assert err.value.path.endswith("wijkprofiel_detail_2020.csv")
    report = import_indicator_file(proj, DATA / "wijkprofiel_detail_2020.csv", "anna",
                                   options=TableOptions(year=2020, source="Wijkprofiel Rotterdam"))
    assert report.form == "long" and report.columns["thema"] == "text"
    assert stored(proj) == {("sociale_index", "Bospolder", 2020): 80, ("eenzaamheid", "Bospolder", 2020): 48.5,
                            ("contact_buren", "Bospolder", 2020): 46}
    meta = {i.id: i for i in proj.indicators()}
    assert (meta["eenzaamheid"].unit, meta["eenzaamheid"].better) == ("%", "lower")  # "lager" in column beter
    assert meta["sociale_index"].scale == "Rotterdam 2014 = 100"
    assert {v["source"] for v in proj.indicator_values()} == {"Wijkprofiel Rotterdam"}
    assert meta["contact_buren"].meta.source == "Wijkprofiel Rotterdam"


def test_detail_export_with_a_column_per_area(proj: Project) -> None:
    report = import_indicator_file(proj, DATA / "wijkprofiel_detail_areas_2020.csv", "anna",
                                   options=TableOptions(year=2020))
    assert report.form == "wide-areas"
    values = stored(proj)
    assert values[("eenzaamheid", "Tussendijken", 2020)] == 51.0
    assert values[("contact_buren", "Rotterdam", 2020)] == 53
    assert len(values) == 6


def test_cbs_kerncijfers_with_codes_periods_and_a_note_row(proj: Project) -> None:
    report = import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")
    assert report.columns["wijk_slug"] == "area"  # the identifier the registry knows, not wijkcode
    assert report.columns["wijkcode"] == "identifier"
    assert report.columns["gemeentenaam"] == "municipality (context)"
    assert report.columns["soort_regio"] == "text"
    values = stored(proj)
    assert values[("aantal_inwoners", "Tussendijken", 2020)] == 4000  # perioden "2020JJ00"
    assert values[("percentage_eenpersoonshuishoudens", "Bospolder", 2020)] == 52
    assert ("perc_65_plus", "Tussendijken", 2020) not in values  # CBS "." = no figure
    units = {i.id: i.unit for i in proj.indicators()}
    assert units["percentage_eenpersoonshuishoudens"] == "%" and units["aantal_inwoners"] == "inwoners"


def test_old_map_export_with_districts_in_wijknaam_is_an_error(proj: Project) -> None:
    ops = len(proj.history())
    with pytest.raises(DataError) as err:
        import_indicator_file(proj, DATA / "kaart_oud_wijknaam.csv", "anna")
    message = err.value.one_line()
    assert err.value.line == 2 and err.value.path.endswith("kaart_oud_wijknaam.csv")
    assert "row 2, column 'wijknaam': 'Delfshaven' is a district (gebied), not a neighbourhood (wijk)" in message
    assert "it holds Bospolder, Tussendijken" in message and "--districts" in message
    assert proj.indicator_values() == [] and len(proj.history()) == ops
    # Said explicitly, the figures are those of the districts.
    import_indicator_file(proj, DATA / "kaart_oud_wijknaam.csv", "anna", options=TableOptions(districts=True))
    assert stored(proj)[("sociale_index", "Delfshaven", 2018)] == 82
    assert {a.name: a.level for a in proj.areas()}["Charlois"] == "district"


def test_old_map_export_names_the_neighbourhood_column_to_use(proj: Project) -> None:
    with pytest.raises(DataError, match="--area-column 'buurtnaam'"):
        import_indicator_file(proj, DATA / "kaart_oud_buurtnaam.csv", "anna")
    report = import_indicator_file(proj, DATA / "kaart_oud_buurtnaam.csv", "anna",
                                   options=TableOptions(area_column="buurtnaam"))
    assert report.columns["wijknaam"] == "area name (context)"
    assert stored(proj) == {("sociale_index", "Bospolder", 2018): 78, ("sociale_index", "Tussendijken", 2018): 86}


def test_only_and_skip_indicators(proj: Project) -> None:
    import_indicator_file(proj, DATA / "wijkprofiel_wide.csv", "anna", options=TableOptions(only=("sociale_index",)))
    assert {i.id for i in proj.indicators()} == {"sociale_index"}
    import_indicator_file(proj, DATA / "wijkprofiel_wide.csv", "anna", options=TableOptions(skip=("fysieke_index",)))
    assert {i.id for i in proj.indicators()} == {"sociale_index", "veiligheidsindex"}
    with pytest.raises(DataError, match=r"no indicator sociaal in the table \(indicators: fysieke_index, "):
        parse_indicator_table(DATA / "wijkprofiel_wide.csv", options=TableOptions(only=("sociaal",)))
    detail = parse_indicator_table(DATA / "wijkprofiel_detail_2020.csv",
                                   options=TableOptions(year=2020, skip=("sociale_index", "contact_buren")))
    assert [v.indicator for v in detail.values] == ["eenzaamheid"]
    with pytest.raises(DataError, match="no indicator armoede in column 'indicator'"):
        parse_indicator_table(DATA / "wijkprofiel_detail_2020.csv", options=TableOptions(year=2020, only=("armoede",)))


def test_year_column_option_and_year_with_a_year_column(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the table has a year column 'editie'; --year is for a table without one"):
        parse_indicator_table(DATA / "wijkprofiel_wide.csv", options=TableOptions(year=2020))
    path = tmp_path / "t.csv"
    path.write_text("wijk,jaar,peildatum,meting,sociale_index\nBospolder,2019,2019-01-01,2020,80\n", encoding="utf-8")
    table = parse_indicator_table(path, options=TableOptions(year_column="meting"))
    assert [(v.indicator, v.year) for v in table.values] == [("sociale_index", 2020)]
    assert table.layout is not None and table.layout.describe()["jaar"] == "year (not used)"
    with pytest.raises(DataError, match=r"--year-column 'jaargang': no such column \(columns: wijk, "):
        parse_indicator_table(path, options=TableOptions(year_column="jaargang"))


def test_the_district_column_must_agree_with_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("wijk_naam,gebied,editie,sociale_index\nBospolder,Delfshaven,2020,80\n"
                    "Carnisse,Delfshaven,2020,70\nRotterdam,,2020,104\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 3: 'Carnisse' lies in Charlois, but column 'gebied' says 'Delfshaven'"):
        parse_indicator_table(path)
    with pytest.raises(DataError, match="--year is for a table without years"):
        parse_indicator_table(Path(__file__).parent / "data" / "linking" / "wide_years.csv",
                              options=TableOptions(year=2020))


def test_text_columns_are_never_indicators(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("wijk,jaar,opmerking2,toelichting_kort,sociale_index\n"
                    "Bospolder,2020,nieuw,zie noot,80\nTussendijken,2020,,,90\n", encoding="utf-8")
    table = parse_indicator_table(path)
    assert {v.indicator for v in table.values} == {"sociale_index"}
    assert table.layout is not None and table.layout.ignored["opmerking2"] == "text"


def test_detect_layout_prefers_the_neighbourhood_column() -> None:
    layout = detect_layout(["wijk_slug", "wijk_naam", "gebied", "editie", "sociale_index"])
    assert (layout.form, layout.area, layout.year) == ("wide-indicators", "wijk_naam", "editie")
    assert layout.value_columns == ("sociale_index",)
    long = detect_layout(["Gebied", "Jaar", "Indicator", "Waarde", "Eenheid", "Beter"])
    assert (long.form, long.area, long.meta["better"]) == ("long", "Gebied", "Beter")
    areas_by_name = detect_layout(["code", "naam", "jaar", "aantal_inwoners"])
    assert (areas_by_name.area, areas_by_name.ignored) == ("naam", {"code": "identifier"})


WIDE = ["wijk_slug", "wijk_naam", "gebied", "editie", "fysieke_index", "veiligheidsindex", "sociale_index"]


@given(st.permutations(WIDE), st.sampled_from([str, str.upper, str.title, lambda c: f" {c} "]))
def test_roles_do_not_depend_on_column_order_or_case(columns: list[str], style: Callable[[str], str]) -> None:
    layout = detect_layout([style(c) for c in columns])
    by_key = {c.strip().lower(): role for c, role in layout.describe().items()}
    assert by_key == {"wijk_naam": "area", "editie": "year", "wijk_slug": "identifier", "gebied": "district (context)",
                      "fysieke_index": "indicator (numbers)", "veiligheidsindex": "indicator (numbers)",
                      "sociale_index": "indicator (numbers)"}


@pytest.mark.parametrize(("raw", "better"), [("hoger", "higher"), ("Hoger is beter", "higher"), ("lager", "lower"),
                                             ("-", "lower"), ("", "")])
def test_parse_better(raw: str, better: str) -> None:
    assert parse_better(raw) == better


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("name", "options", "line", "message"), [
    ("bad_text_in_number.csv", TableOptions(), 3, "row 3, column 'veiligheidsindex': 'veel' is not a number"),
    ("bad_unknown_area.csv", TableOptions(), 2,
     "row 2: unknown area 'Bospolde' (did you mean Bospolder?; known: BoTu, Bospolder, Tussendijken"),
    ("bad_better.csv", TableOptions(year=2020), 2,
     "row 2, column 'beter': 'misschien' does not say which direction is better"),
    ("bad_infinite.csv", TableOptions(), 2, "row 2, column 'sociale_index': '1e400' is not a finite number"),
])
def test_bad_tables_name_file_row_and_column_and_write_nothing(proj: Project, name: str, options: TableOptions,
                                                               line: int, message: str) -> None:
    ops = len(proj.history())
    with pytest.raises(DataError) as err:
        import_indicator_file(proj, DATA / name, "anna", options=options)
    assert message in err.value.one_line()
    assert err.value.line == line and err.value.path.endswith(name)
    assert proj.indicator_values() == [] and len(proj.history()) == ops


# ----------------------------------------------------------------------------- metadata


def test_describe_sets_metadata_undoably_and_reimport_keeps_it(proj: Project) -> None:
    import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")
    assert proj.set_indicator_meta("percentage_eenpersoonshuishoudens", "anna", better="lower",
                                   source="CBS Kerncijfers wijken en buurten")
    ind = next(i for i in proj.indicators() if i.id == "percentage_eenpersoonshuishoudens")
    assert ind.meta.describe() == "%; lower is better; source CBS Kerncijfers wijken en buurten"
    import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")  # the table says nothing about better
    assert next(i for i in proj.indicators() if i.id == "percentage_eenpersoonshuishoudens").better == "lower"
    assert proj.undo("anna") == "describe indicator percentage_eenpersoonshuishoudens"
    assert next(i for i in proj.indicators() if i.id == "percentage_eenpersoonshuishoudens").better == ""


def test_an_older_project_gets_levels_and_districts(tmp_path: Path) -> None:
    from wijkverhalen.store import migrations, schema

    path = tmp_path / "old.wijk"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    migrations.apply_up_to(conn, 3)  # the schema before this change
    conn.execute("INSERT INTO areas (name, area_group, position) VALUES ('Delfshaven', 'other', 20)")
    conn.close()
    with Project.open(path) as project:
        levels = {a.name: (a.level, a.district) for a in project.areas()}
    assert levels["Bospolder"] == ("neighbourhood", "Delfshaven")
    assert levels["Delfshaven"] == ("district", "") and levels["Charlois"] == ("district", "")
    assert levels["Rotterdam"] == ("city", "")


# ----------------------------------------------------------------------------- CLI


def test_cli_import_options_and_one_line_errors(tmp_path: Path) -> None:
    path = str(tmp_path / "p.wijk")
    run("init", path)
    out = run("indicators", "import", path, str(DATA / "wijkprofiel_wide.csv"), "--skip", "veiligheidsindex").output
    assert "wijk_slug = identifier" in out and "gebied = district (context)" in out
    assert "new indicators: fysieke_index, sociale_index" in out
    bad = run("indicators", "import", path, str(DATA / "wijkprofiel_detail_2020.csv"), code=1).stderr
    assert bad.startswith("error: ") and "wijkprofiel_detail_2020.csv: the table has no year column" in bad
    assert len(bad.strip().splitlines()) == 1
    run("indicators", "import", path, str(DATA / "wijkprofiel_detail_2020.csv"), "--year", "2020",
        "--source", "Wijkprofiel 2020")
    err = run("indicators", "import", path, str(DATA / "kaart_oud_wijknaam.csv"), code=1).stderr
    assert "kaart_oud_wijknaam.csv:2: row 2, column 'wijknaam': 'Delfshaven' is a district" in err
    run("indicators", "import", path, str(DATA / "kaart_oud_buurtnaam.csv"), "--area-column", "buurtnaam")
    listed = {i["id"]: i for i in json.loads(run("indicators", "list", path, "--json").output)}
    assert listed["eenzaamheid"]["better"] == "lower" and listed["sociale_index"]["scale"] == "Rotterdam 2014 = 100"
    values = json.loads(run("indicators", "list", path, "--values", "--indicator", "eenzaamheid", "--json").output)
    assert values["values"][0]["source"] == "Wijkprofiel 2020"
    assert "1 indicator(s)" in run("indicators", "list", path, "--indicator", "sociale_index").output
    described = run("indicators", "describe", path, "fysieke_index", "--better", "hoger", "--source", "WP").output
    assert "fysieke_index: index (Rotterdam 2014 = 100); higher is better; source WP" in described
    assert run("indicators", "alias", path, "carnisse", "BU9999003").output.strip() == "Carnisse: added BU9999003"
    err = run("indicators", "alias", path, "Carnise", "X", code=1).stderr
    assert err.startswith("error: unknown area 'Carnise' (did you mean Carnisse?")
    areas = {a["name"]: a for a in json.loads(run("indicators", "areas", path, "--json").output)}
    assert areas["Delfshaven"]["level"] == "district" and areas["Tussendijken"]["district"] == "Delfshaven"
    assert "BU9999003" in areas["Carnisse"]["aliases"]


def test_bundled_illustrative_table_says_what_its_numbers_mean(proj: Project) -> None:
    import_indicator_file(proj, Path(__file__).resolve().parents[1] / "data" / "indicators_illustrative.csv", "anna")
    meta = {i.id: i for i in proj.indicators()}
    assert (meta["eenzaamheid"].better, meta["contact_buren"].better) == ("lower", "higher")
    assert (meta["kwaliteit_van_leven"].unit, meta["kwaliteit_van_leven"].scale) == ("index", "Rotterdam 2014 = 100")


def test_wijkprofiel_wide_export_as_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Wijkprofiel"
    for line in (DATA / "wijkprofiel_wide.csv").read_text(encoding="utf-8").splitlines():
        cells = line.split(",")
        sheet.append([int(c) if c.isdigit() else c for c in cells])  # numbers as Excel numbers
    path = tmp_path / "wijkprofiel.xlsx"
    book.save(path)
    from_xlsx = parse_indicator_table(path)
    from_csv = parse_indicator_table(DATA / "wijkprofiel_wide.csv")
    assert [(v.indicator, v.area, v.year, v.value) for v in from_xlsx.values] == [
        (v.indicator, v.area, v.year, v.value) for v in from_csv.values]
    assert from_xlsx.sheet == "Wijkprofiel" and from_xlsx.layout is not None
    assert from_xlsx.layout.describe()["wijk_slug"] == "identifier"


def test_cbs_codes_name_areas_once_aliased(proj: Project, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("wijkcode;perioden;aantal_inwoners\nBU9999001;2020JJ00;6000\nBU9999002;2020JJ00;4000\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match="row 2: unknown area 'BU9999001'"):
        import_indicator_file(proj, path, "anna")
    assert proj.add_area_aliases("bospolder", ["BU9999001"], "anna") == ["BU9999001"]
    assert proj.add_area_aliases("Tussendijken", ["BU9999002"], "anna") == ["BU9999002"]
    with pytest.raises(InvalidInput, match="'BU9999001' already names the area 'Bospolder'"):
        proj.add_area_aliases("Tussendijken", ["BU9999001"], "anna")
    import_indicator_file(proj, path, "anna")
    assert stored(proj) == {("aantal_inwoners", "Bospolder", 2020): 6000, ("aantal_inwoners", "Tussendijken", 2020): 4000}
    proj.undo("anna")  # the import
    assert proj.undo("anna") == "add alias(es) BU9999002 to area Tussendijken"
    assert proj.area_registry().resolve("BU9999002") is None
