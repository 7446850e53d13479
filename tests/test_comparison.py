"""Comparison areas as the seed uses them: BoTu (weighted or plain mean, with the rule said),
the NPRZ reference group (configurable, incomplete groups flagged) and Rotterdam (a missing
row is said). Every expected number below is computed by hand in the comment beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import InvalidInput
from wijkverhalen.linking.comparison import (
    MEAN,
    MISSING,
    TABLE,
    WEIGHTED,
    aggregate,
    compare,
    compare_in_project,
)
from wijkverhalen.linking.indicators import import_indicator_file
from wijkverhalen.models.areas import DEFAULT_AREAS, DISTRICT_AREAS, AreaRegistry
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "indicators"
REGISTRY = AreaRegistry(DEFAULT_AREAS + DISTRICT_AREAS)
BOTU = ["Bospolder", "Tussendijken"]


def test_botu_is_population_weighted_when_inhabitants_are_known() -> None:
    values = {"Bospolder": {2014: 70.0, 2020: 80.0}, "Tussendijken": {2014: 76.0, 2020: 90.0}}
    inhabitants = {"Bospolder": {2020: 6000.0}, "Tussendijken": {2020: 4000.0}}
    botu = aggregate("BoTu", "BoTu", BOTU, values, inhabitants, weight_indicator="aantal_inwoners")
    # 2020: (80 * 6000 + 90 * 4000) / 10000 = (480000 + 360000) / 10000 = 84.0
    # 2014: no inhabitants for 2014, the nearest year (2020) is used: (70 * 6000 + 76 * 4000) / 10000 = 72.4
    assert botu.values == {2014: 72.4, 2020: 84.0}
    assert botu.method == WEIGHTED and botu.weights[2014] == {"Bospolder": 6000.0, "Tussendijken": 4000.0}
    assert botu.rule == ("BoTu = population-weighted mean of Bospolder and Tussendijken (weights: inhabitants "
                         "from 'aantal_inwoners', 2020: Bospolder 6.000, Tussendijken 4.000)")
    assert botu.flags == ()


def test_botu_is_the_plain_mean_without_inhabitants() -> None:
    values = {"Bospolder": {2020: 80.0}, "Tussendijken": {2020: 90.0}}
    botu = aggregate("BoTu", "BoTu", BOTU, values, {"Bospolder": {2020: 6000.0}})  # Tussendijken unknown
    # (80 + 90) / 2 = 85.0: weights need every member's inhabitants
    assert botu.values == {2020: 85.0} and botu.method == MEAN
    assert botu.rule == "BoTu = plain mean of Bospolder and Tussendijken (inhabitants not known)"


def test_the_tables_own_botu_row_is_used_as_it_is() -> None:
    values = {"BoTu": {2020: 83.0}, "Bospolder": {2020: 80.0}, "Tussendijken": {2020: 90.0}}
    botu = aggregate("BoTu", "BoTu", BOTU, values)
    assert botu.values == {2020: 83.0} and botu.method == TABLE
    assert botu.rule == "BoTu = the table's own BoTu row"


def test_nprz_group_is_flagged_when_incomplete_and_rotterdam_when_missing() -> None:
    values = {"Bospolder": {2020: 80.0}, "Tussendijken": {2020: 90.0}, "Carnisse": {2018: 68.0, 2020: 70.0},
              "Tarwewijk": {2020: 60.0}}
    result = compare("sociale_index", values, REGISTRY, nprz_members=["Carnisse", "Hillesluis", "Tarwewijk"])
    # 2020: (70 + 60) / 2 = 65.0 (no inhabitants: plain mean); 2018: Carnisse alone = 68.0
    assert result.nprz.values == {2018: 68.0, 2020: 65.0}
    assert result.nprz.flags == ("NPRZ = Carnisse only: 1 of 3 in 2018", "NPRZ = Carnisse, Tarwewijk only: 2 of 3 in 2020")
    assert result.reference.method == MISSING
    assert result.reference.rule == "Rotterdam: no Rotterdam row for this indicator, so no city average to compare with"
    assert result.focus.values == {2020: 85.0}  # (80 + 90) / 2
    lines = result.rules()
    assert any(line.startswith("BoTu = plain mean") for line in lines) and result.reference.rule in lines


def test_nprz_one_member_with_data_says_so() -> None:
    values = {"Carnisse": {2020: 70.0}}
    nprz = aggregate("NPRZ-focuswijken", "NPRZ", ["Carnisse", "Hillesluis", "Tarwewijk"], values)
    assert nprz.flags == ("NPRZ = Carnisse only: 1 of 3",) and nprz.values == {2020: 70.0}
    assert nprz.rule == "NPRZ = Carnisse alone (the only member with values)"


def test_nprz_without_members_and_without_a_row_is_said() -> None:
    result = compare("x", {"Carnisse": {2020: 70.0}}, REGISTRY)
    assert result.nprz.method == MISSING and "members are not set" in result.nprz.rule
    with_row = compare("x", {"NPRZ-focuswijken": {2020: 71.0}}, REGISTRY)
    assert with_row.nprz.method == TABLE and with_row.nprz.values == {2020: 71.0}


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "cmp.wijk", codes=SAMPLE_CODES, coder="anna")
    project.add_documents([sample_input()], "anna")
    yield project
    project.close()


def test_nprz_members_are_a_project_setting_checked_against_the_registry(proj: Project) -> None:
    assert proj.nprz_members() is None
    assert proj.set_nprz_members(["carnisse", "Oud Charlois"]) == ["Carnisse", "Oud-Charlois"]
    assert proj.nprz_members() == ["Carnisse", "Oud-Charlois"]
    with pytest.raises(InvalidInput, match=r"unknown area 'Carnise' \(did you mean Carnisse\?"):
        proj.set_nprz_members(["Carnise"])
    with pytest.raises(InvalidInput, match="'Bospolder' is not one of the NPRZ neighbourhoods"):
        proj.set_nprz_members(["Bospolder"])
    assert proj.set_nprz_members([]) == [] and proj.nprz_members() is None


def test_weights_come_from_an_imported_cbs_table(proj: Project) -> None:
    import_indicator_file(proj, DATA / "wijkprofiel_wide.csv", "anna")
    import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")
    proj.set_nprz_members(["Carnisse", "Hillesluis", "Tarwewijk"])
    result = compare_in_project(proj, "sociale_index")
    # CBS: Bospolder 6000, Tussendijken 4000 inhabitants (2020). 2018: (78 * 6000 + 86 * 4000) / 10000 = 81.2
    assert result.focus.values[2018] == 81.2 and result.focus.method == WEIGHTED
    assert "'aantal_inwoners', 2020" in result.focus.rule
    assert result.nprz.flags == ("NPRZ = Carnisse only: 1 of 3",)  # no 2020: Carnisse has "-"
    assert result.reference.values[2020] == 104
    override = compare_in_project(proj, "sociale_index", nprz_members=["Carnisse"])
    assert override.nprz.flags == ()  # the option replaces the setting: 1 of 1


def test_validate_series_carry_the_rule(proj: Project) -> None:
    from wijkverhalen.linking.triangulation import ValidationOptions, validate

    import_indicator_file(proj, DATA / "wijkprofiel_wide.csv", "anna")
    import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")
    proj.set_indicator_link("relaties.vertrouwen", "sociale_index", "+", "anna")
    finding = next(f for f in validate(proj, ValidationOptions()).findings if f.indicator == "sociale_index")
    assert finding.quant.focus is not None and finding.quant.focus.rule.startswith(
        "BoTu = population-weighted mean of Bospolder and Tussendijken")
    assert finding.quant.focus.values[2020] == 84.0  # (80 * 6000 + 90 * 4000) / 10000
    assert (finding.quant.scale, finding.quant.better) == ("Rotterdam 2014 = 100", "higher")


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result


def test_cli_show_prints_the_rules_and_nprz_setting(tmp_path: Path) -> None:
    path = str(tmp_path / "p.wijk")
    run("init", path)
    run("indicators", "import", path, str(DATA / "wijkprofiel_wide.csv"))
    out = run("indicators", "show", path, "sociale_index").output
    assert "index (Rotterdam 2014 = 100); higher is better" in out
    assert "BoTu = plain mean of Bospolder and Tussendijken (inhabitants not known)" in out
    assert "72.4" not in out and "73" in out  # (70 + 76) / 2 = 73 without weights
    assert "members are not set" in out
    run("indicators", "import", path, str(DATA / "cbs_kerncijfers.csv"))
    assert "NPRZ reference group: Carnisse, Hillesluis, Tarwewijk" in run(
        "indicators", "nprz", path, "Carnisse", "Hillesluis", "Tarwewijk").output
    out = run("indicators", "show", path, "sociale_index").output
    assert "72.4" in out and "population-weighted mean" in out
    assert "NPRZ = Carnisse only: 1 of 3" in out
    out = run("indicators", "show", path, "percentage_eenpersoonshuishoudens").output
    assert "Rotterdam: no Rotterdam row for this indicator" in out and "Rotterdam (no row)" in out
    data = json.loads(run("indicators", "show", path, "sociale_index", "--nprz", "Carnisse", "--json").output)
    assert data["comparison"]["focus"]["method"] == WEIGHTED and data["comparison"]["nprz"]["flags"] == []
    err = run("indicators", "nprz", path, "Bospolder", code=1).stderr
    assert err.startswith("error: 'Bospolder' is not one of the NPRZ neighbourhoods")
    assert "not set" in run("indicators", "nprz", path, "--clear").output


def test_validate_warns_of_a_missing_rotterdam_row_and_an_incomplete_group(proj: Project) -> None:
    from wijkverhalen.linking.triangulation import ValidationOptions, validate

    import_indicator_file(proj, DATA / "cbs_kerncijfers.csv", "anna")  # no Rotterdam row
    proj.set_nprz_members(["Carnisse", "Hillesluis", "Tarwewijk"])
    proj.set_indicator_link("relaties.vertrouwen", "percentage_eenpersoonshuishoudens", "-", "anna")
    warnings = validate(proj, ValidationOptions()).warnings
    assert "no Rotterdam row (city average) for: percentage_eenpersoonshuishoudens" in warnings
    assert "NPRZ = Carnisse only: 1 of 3 (percentage_eenpersoonshuishoudens)" in warnings
