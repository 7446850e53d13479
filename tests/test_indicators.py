"""Indicator tables: layouts, Dutch numbers, areas, provenance, re-import, bad input, links, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError, NotFound
from wijkverhalen.linking.indicators import (
    detect_form,
    import_indicator_file,
    parse_indicator_table,
    parse_number,
    slugify,
)
from wijkverhalen.models.areas import DEFAULT_AREAS, AreaRegistry, area_key, parse_new_area
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "linking"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "ind.wijk", codes=SAMPLE_CODES, coder="anna")
    project.add_documents([sample_input()], "anna")
    yield project
    project.close()


def values_of(project: Project) -> dict[tuple[str, str, int], float]:
    return {(v["indicator"], v["area"], v["year"]): v["value"] for v in project.indicator_values()}


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("raw", "expected"), [
    ("41,5", (41.5, False)), ("41,5%", (41.5, True)), (" 47,25 % ", (47.25, True)), ("1.089,5", (1089.5, False)),
    ("1,089.5", (1089.5, False)), ("12.5", (12.5, False)), ("−3,2", (-3.2, False)), ("+4", (4.0, False)),
    (45, (45.0, False)), (45.5, (45.5, False)), ("-", (None, False)), ("n.b.", (None, False)), ("", (None, False)),
    (float("nan"), (None, False)), ("45\u00a0%", (45.0, True)),
])
def test_parse_number(raw: object, expected: tuple[float | None, bool]) -> None:
    assert parse_number(raw) == expected


def test_thousands_dots_only_in_a_comma_file() -> None:
    assert parse_number("1.234", decimal_comma=True) == (1234.0, False)
    assert parse_number("1.234", decimal_comma=False) == (1.234, False)


@pytest.mark.parametrize("raw", ["veel", "4,5,6", "12a", "1e", "--3", True])
def test_parse_number_rejects_text(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_number(raw)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2)), st.booleans())
def test_dutch_format_round_trips(value: float, percent: bool) -> None:
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + ("%" if percent else "")
    parsed, had_percent = parse_number(text, decimal_comma=True)
    assert parsed == pytest.approx(value) and had_percent is percent


# ----------------------------------------------------------------------------- layouts


def test_long_dutch_csv_with_aliases_and_placeholders(proj: Project) -> None:
    table = parse_indicator_table(DATA / "long_dutch.csv")
    assert table.form == "long"
    assert table.skipped_empty == 2  # "n.b." and "-"
    rows = {(v.indicator, v.area, v.year): v for v in table.values}
    assert rows[("vertrouwen_gebiedsbestuur", "Bospolder-Tussendijken", 2020)].value == 47.25
    assert rows[("vertrouwen_gebiedsbestuur", "Bospolder-Tussendijken", 2020)].unit == "%"  # from the % sign
    assert rows[("kwaliteit_van_leven", "BoTu", 2020)].value == 1089.5
    assert rows[("vertrouwen_gebiedsbestuur", "Bospolder-Tussendijken", 2016)].row == 2  # header is row 1
    assert rows[("kwaliteit_van_leven", "BoTu", 2020)].row == 8  # the blank line still counts
    report = import_indicator_file(proj, DATA / "long_dutch.csv", "anna")
    assert (report.added, report.changed, report.skipped_empty) == (5, 0, 2)
    stored = values_of(proj)
    assert stored[("vertrouwen_gebiedsbestuur", "BoTu", 2016)] == 41.5  # alias resolved to BoTu
    assert stored[("vertrouwen_gebiedsbestuur", "Rotterdam", 2020)] == 37.0
    row = next(v for v in proj.indicator_values() if v["area"] == "Rotterdam")
    assert row["file"].endswith("long_dutch.csv") and row["row"] == 5 and row["source"] == "Wijkprofiel 2020"
    assert row["imported_at"].endswith("Z")


def test_wide_years_and_wide_indicators(proj: Project) -> None:
    wide = parse_indicator_table(DATA / "wide_years.csv")
    assert wide.form == "wide-years"
    got = {(v.indicator, v.area, v.year): v.value for v in wide.values}
    assert got[("armoede_huishoudens", "BoTu", 2018)] == 33.8  # quoted Dutch decimal comma
    assert got[("contact_buren", "Rotterdam", 2016)] == 55
    assert {v.label for v in wide.values if v.indicator == "contact_buren"} == {"% contact met buren"}
    per_indicator = parse_indicator_table(DATA / "wide_indicators.csv")
    assert per_indicator.form == "wide-indicators"
    ids = {v.indicator for v in per_indicator.values}
    assert ids == {"vertrouwen_in_gebiedsbestuur", "contact_buren"}
    assert {v.source for v in per_indicator.values} == {"WP"}  # bron is provenance, not an indicator
    import_indicator_file(proj, DATA / "wide_indicators.csv", "anna")
    labels = {i.id: i.label for i in proj.indicators()}
    assert labels["vertrouwen_in_gebiedsbestuur"] == "% Vertrouwen in gebiedsbestuur"


def test_bundled_long_and_wide_files_hold_the_same_numbers(proj: Project) -> None:
    long = import_indicator_file(proj, REPO / "data" / "indicators_illustrative.csv", "anna")
    assert long.added == 280 and len(long.new_indicators) == 14
    wide = import_indicator_file(proj, REPO / "data" / "indicators_illustrative_wide.csv", "anna")
    assert (wide.added, wide.changed, wide.unchanged) == (0, 0, 280)
    units = {v["unit"] for v in proj.indicator_values(["contact_buren"])}
    assert units == {"%"}  # the wide file has no unit column: the earlier unit stays


def test_layout_errors_name_expected_columns(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="expected columns area, year, indicator, value") as err:
        parse_indicator_table(DATA / "bad_layout.csv")
    assert "region_name" in str(err.value)
    with pytest.raises(DataError, match="needs column"):
        parse_indicator_table(DATA / "wide_years.csv", form="long")
    assert detect_form(["Gebied", "Jaar", "Indicator", "Waarde"]) == "long"
    odd = tmp_path / "table.xls"
    odd.write_bytes(b"\xd0\xcf")
    with pytest.raises(DataError, match="xlsx"):
        parse_indicator_table(odd)


def test_slugify() -> None:
    assert slugify("% Bewoners dat zich eenzaam voelt") == "bewoners_dat_zich_eenzaam_voelt"
    assert slugify("Coöperatie-index") == "cooperatie_index"


# ----------------------------------------------------------------------------- xlsx


def _workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Toelichting"
    first.append(["Deze tabel is een test"])
    sheet = book.create_sheet("BoTu 2020")
    sheet.append(["Gebied", "Jaar", "Indicator", "Waarde", "Eenheid"])
    sheet.append(["BoTu", 2018, "contact_buren", 49, "%"])
    sheet.append(["BoTu", 2020, "contact_buren", "45,5", "%"])
    sheet.append(["Rotterdam", 2020.0, "contact_buren", 53.25, "%"])
    book.save(path)


def test_xlsx_sheet_and_missing_sheet(proj: Project, tmp_path: Path) -> None:
    path = tmp_path / "wijkprofiel.xlsx"
    _workbook(path)
    report = import_indicator_file(proj, path, "anna", sheet="botu 2020")  # sheet names ignore case
    assert report.sheet == "BoTu 2020" and report.added == 3
    assert values_of(proj)[("contact_buren", "BoTu", 2020)] == 45.5
    assert values_of(proj)[("contact_buren", "Rotterdam", 2020)] == 53.25
    assert {v["sheet"] for v in proj.indicator_values()} == {"BoTu 2020"}
    before = values_of(proj)
    with pytest.raises(DataError, match=r"no sheet 'Wijkprofiel' \(sheets: Toelichting, BoTu 2020\)") as err:
        import_indicator_file(proj, path, "anna", sheet="Wijkprofiel")
    assert err.value.path == str(path)
    assert values_of(proj) == before


# ----------------------------------------------------------------------------- bad input writes nothing


@pytest.mark.parametrize(("name", "line", "message"), [
    ("bad_duplicate.csv", 4, "duplicate value for indicator 'contact_buren', area 'BoTu', year 2020 (also on row 3)"),
    ("bad_value.csv", 3, "row 3, column 'value': 'veel' is not a number"),
    ("bad_area.csv", 3, "unknown area 'Spangen'"),
    ("bad_year.csv", 2, "'twintig' is not a year"),
])
def test_bad_tables_name_file_and_row_and_write_nothing(proj: Project, name: str, line: int, message: str) -> None:
    ops = len(proj.history())
    with pytest.raises(DataError) as err:
        import_indicator_file(proj, DATA / name, "anna")
    assert message in err.value.one_line()
    assert err.value.line == line and err.value.path.endswith(name)
    assert proj.indicator_values() == [] and proj.indicators() == []
    assert len(proj.history()) == ops


def test_new_area_is_added_with_its_group(proj: Project) -> None:
    report = import_indicator_file(proj, DATA / "bad_area.csv", "anna",
                                   new_areas=(parse_new_area("Spangen=other", 20),))
    assert report.new_areas == ("Spangen",)
    area = next(a for a in proj.areas() if a.name == "Spangen")
    assert area.group == "other"
    with pytest.raises(DataError, match="group must be one of"):
        parse_new_area("Delfshaven=stad", 1)


def test_area_registry_resolves_aliases() -> None:
    reg = AreaRegistry(DEFAULT_AREAS)
    assert reg.resolve("bospolder/tussendijken") == "BoTu"
    assert reg.resolve("ROTTERDAM (gemiddelde)") == "Rotterdam"
    assert reg.resolve("Oud Charlois") == "Oud-Charlois"
    assert reg.resolve("Delfshaven") is None
    assert reg.members("BoTu") == ["Bospolder", "Tussendijken"]
    assert reg.aggregate("nprz").name == "NPRZ-focuswijken"
    assert area_key("Coöperatie") == "cooperatie"


# ----------------------------------------------------------------------------- re-import and undo


def test_reimport_of_a_changed_table_updates_never_duplicates(proj: Project, tmp_path: Path) -> None:
    first = tmp_path / "t.csv"
    first.write_text("area,year,indicator,value\nBoTu,2018,contact_buren,49\nBoTu,2020,contact_buren,45\n",
                     encoding="utf-8")
    import_indicator_file(proj, first, "anna")
    changed = tmp_path / "t2.csv"
    changed.write_text("area,year,indicator,value\nBoTu,2020,contact_buren,44\nBoTu,2018,contact_buren,49\n"
                       "BoTu,2016,contact_buren,54\n", encoding="utf-8")
    report = import_indicator_file(proj, changed, "anna")
    assert (report.added, report.changed, report.unchanged) == (1, 1, 1)
    assert len(proj.indicator_values()) == 3
    row = next(v for v in proj.indicator_values() if v["year"] == 2020)
    assert row["value"] == 44 and row["file"].endswith("t2.csv") and row["row"] == 2
    unchanged = next(v for v in proj.indicator_values() if v["year"] == 2018)
    assert unchanged["file"].endswith("t.csv")  # an unchanged value keeps where it came from
    assert proj.undo("anna").startswith("import indicators from t2.csv")
    assert values_of(proj) == {("contact_buren", "BoTu", 2018): 49, ("contact_buren", "BoTu", 2020): 45}
    proj.undo("anna")
    assert proj.indicator_values() == [] and proj.indicators() == []


# ----------------------------------------------------------------------------- links


def test_links_need_known_codes_and_indicators_and_are_undoable(proj: Project) -> None:
    import_indicator_file(proj, DATA / "wide_years.csv", "anna")
    with pytest.raises(NotFound, match="no indicator 'vertrouwen_buren'"):
        proj.set_indicator_link("relaties.vertrouwen", "vertrouwen_buren", "+", "anna")
    with pytest.raises(NotFound, match="no code 'relaties.onbekend'"):
        proj.set_indicator_link("relaties.onbekend", "contact_buren", "+", "anna")
    proj.set_indicator_link("relaties.vertrouwen", "contact_buren", "+", "anna")
    proj.set_indicator_link("relaties.vertrouwen", "contact_buren", "-", "anna")  # changes, no duplicate
    assert [(c, link.indicator, link.direction) for c, link in proj.indicator_links()] == [
        ("relaties.vertrouwen", "contact_buren", "-")]
    assert proj.code("relaties.vertrouwen").indicators[0].direction == "-"
    assert proj.indicators()[1].linked_codes == ("relaties.vertrouwen",)
    proj.undo("anna")
    assert proj.code("relaties.vertrouwen").indicators[0].direction == "+"
    proj.remove_indicator_link("relaties.vertrouwen", "contact_buren", "anna")
    assert proj.indicator_links() == []
    with pytest.raises(NotFound):
        proj.remove_indicator_link("relaties.vertrouwen", "contact_buren", "anna")


# ----------------------------------------------------------------------------- CLI


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_cli_indicators(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    run("init", str(path))
    out = run("indicators", "import", str(path), str(REPO / "data" / "indicators_illustrative.csv")).output
    assert "280 value(s) added" in out
    again = run("indicators", "import", str(path), str(REPO / "data" / "indicators_illustrative.csv")).output
    assert "0 value(s) added, 0 changed, 280 unchanged" in again
    listed = json.loads(run("indicators", "list", str(path), "--json").output)
    by_id = {i["id"]: i for i in listed}
    assert by_id["contact_buren"]["years"] == [2014, 2016, 2018, 2020]
    assert "relaties.sociaal_kapitaal" in by_id["contact_buren"]["linked_codes"]  # from the codebook YAML
    values = json.loads(run("indicators", "list", str(path), "--values", "--indicator", "werkloosheid",
                            "--json").output)["values"]
    assert len(values) == 20 and all(v["row"] for v in values)
    areas = json.loads(run("indicators", "areas", str(path), "--json").output)
    assert {a["name"]: a["group"] for a in areas}["NPRZ-focuswijken"] == "nprz"
    bad = run("indicators", "import", str(path), str(DATA / "bad_value.csv"), code=1)
    assert bad.stderr.strip().startswith("error: ") and "bad_value.csv:3: row 3" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    new = run("indicators", "import", str(path), str(DATA / "bad_area.csv"), "--new-area", "Spangen=other").output
    assert "new areas: Spangen" in new


def test_cli_links(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    run("init", str(path))
    run("indicators", "import", str(path), str(REPO / "data" / "indicators_illustrative.csv"))
    run("links", "add", str(path), "relaties.samenhang", "contact_buren", "--direction", "down")
    links = json.loads(run("links", "list", str(path), "--json").output)
    assert {"code": "relaties.samenhang", "indicator": "contact_buren", "direction": "-", "aspect": "level",
            "hypothesis": False, "imported": True} in links
    basis = {(link["code"], link["indicator"]): link["hypothesis"] for link in links}
    assert basis[("relaties.samenhang", "verbonden_buurt")] is True  # a default, not in the seed
    assert basis[("relaties.vertrouwen", "vertrouwen_gebiedsbestuur")] is False  # Fig. 1.5
    err = run("links", "add", str(path), "relaties.samenhang", "onbekend", code=1).stderr
    assert "no indicator 'onbekend'" in err
    run("links", "remove", str(path), "relaties.samenhang", "contact_buren")
    links = json.loads(run("links", "list", str(path), "--json").output)
    assert not any(link["indicator"] == "contact_buren" and link["code"] == "relaties.samenhang" for link in links)


def _loaded(imports: str) -> set[str]:
    code = f"import sys\nimport {imports}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.split())


def test_linking_core_imports_nothing_heavy() -> None:
    loaded = _loaded("wijkverhalen.linking.indicators, wijkverhalen.linking.actors, wijkverhalen.linking.network, "
                     "wijkverhalen.linking.triangulation, wijkverhalen.linking.plots, "
                     "wijkverhalen.linking.validation_report, "
                     "wijkverhalen.cli.linking")
    for heavy in ("pandas", "networkx", "matplotlib", "spacy", "textual", "openpyxl"):
        assert heavy not in loaded
    # sqlite-utils itself may pull in pandas; the linking store adds nothing heavier.
    loaded = _loaded("wijkverhalen.store")
    for heavy in ("networkx", "matplotlib", "spacy", "textual", "openpyxl"):
        assert heavy not in loaded
