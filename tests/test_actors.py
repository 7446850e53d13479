"""The actor registry (YAML/CSV), mention detection, review (confirm/reject) and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError, InvalidInput, NotFound
from wijkverhalen.linking.actors import (
    detect_in_project,
    detect_mentions,
    longest_first,
    parse_actor_registry,
    phrase_variants,
)
from wijkverhalen.models.linking import Actor
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "linking"
REPO = Path(__file__).resolve().parents[1]

TEXT = (
    "I: Hoe begon Delfshaven Helpt!?\n"
    "R: Via DH Helpt en de gemeente kwamen we bij de Cooperatie terecht. Gemeente Rotterdam sloot later aan.\n"
    "I: En de Rebelgroep?\n"
    "R: De rebellen van de Rebelgroep kwamen ook. Havensteder niet. delfshaven helpt bleef.\n"
)


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "act.wijk", codes=SAMPLE_CODES, coder="anna")
    project.add_documents([sample_input(TEXT, "dh"), sample_input(name="other")], "anna")
    project.import_actors(parse_actor_registry(DATA / "actors_ok.yaml"), "anna", source="actors_ok.yaml")
    yield project
    project.close()


# ----------------------------------------------------------------------------- registry files


def test_bundled_registry_parses() -> None:
    actors = parse_actor_registry(REPO / "data" / "actors.yaml")
    by_id = {a.id: a for a in actors}
    assert len(actors) == 12
    assert "DH Helpt" in by_id["delfshaven_helpt"].aliases
    assert by_id["havensteder"].type == "woningcorporatie"
    assert by_id["veldacademie"].inventory == ("index+",)


def test_yaml_registry_normalises_types_and_inventories() -> None:
    actors = {a.id: a for a in parse_actor_registry(DATA / "actors_ok.yaml")}
    assert actors["delfshaven_helpt"].type == "bewonersinitiatief"  # "resident initiative"
    assert actors["gemeente_rotterdam"].type == "gemeente"  # "municipality"
    assert actors["gemeente_rotterdam"].inventory == ("governance", "netwerken")
    assert actors["havensteder"].line == 26
    assert actors["delfshaven_helpt"].phrases() == ["Delfshaven Helpt!", "DH Helpt", "Delfshaven Helpt"]


def test_csv_registry() -> None:
    actors = {a.id: a for a in parse_actor_registry(DATA / "actors_ok.csv")}
    assert actors["havensteder"].aliases == ("de corporatie", "woningcorporatie Havensteder")
    assert actors["botu12"].aliases == ("BoTu 12",) and actors["botu12"].line == 3


@pytest.mark.parametrize(("name", "line", "message"), [
    ("actors_dup.yaml", 11, "duplicate actor id 'havensteder' (first on line 1)"),
    ("actors_dup.csv", 4, "duplicate actor id 'havensteder' (first on line 2)"),
    ("actors_alias_clash.yaml", 4, "'De Gemeente' of actor 'gebiedscommissie' is also a name or alias of "
                                   "'gemeente_rotterdam'"),
    ("actors_bad_inventory.yaml", 4, "unknown inventory 'architectuur'"),
    ("actors_bad_field.yaml", 3, "unknown field 'alias'"),
])
def test_bad_registries_name_file_and_line(name: str, line: int, message: str) -> None:
    with pytest.raises(DataError) as err:
        parse_actor_registry(DATA / name)
    assert message in err.value.one_line()
    assert err.value.line == line and err.value.path.endswith(name)


def test_duplicate_ids_write_nothing(proj: Project) -> None:
    before = proj.actors()
    dup = [Actor("botu12", "BoTu12", line=1), Actor("botu12", "BoTu 12", line=5)]
    with pytest.raises(DataError, match="duplicate actor id 'botu12' \\(first on line 1\\)"):
        proj.import_actors(dup, "anna", source="x.yaml")
    assert proj.actors() == before


def test_reimport_updates_by_id_and_is_undoable(proj: Project) -> None:
    changed = [Actor("havensteder", "Havensteder", type="woningcorporatie", inventory=("netwerken",),
                     aliases=("de corporatie",)), Actor("botu12", "BoTu12", inventory=("sibd",))]
    assert proj.import_actors(changed, "anna") == (1, 1, 0)
    assert proj.actor("havensteder").aliases == ("de corporatie",)
    assert len(proj.actors()) == 6
    proj.undo("anna")
    assert proj.actor("havensteder").aliases == () and len(proj.actors()) == 5
    with pytest.raises(NotFound):
        proj.actor("botu12")


# ----------------------------------------------------------------------------- detection


def test_phrase_variants() -> None:
    assert phrase_variants("Delfshaven Helpt!") == ["Delfshaven Helpt!", "Delfshaven Helpt"]
    assert "de Cooperatie" in phrase_variants("de Coöperatie")


def test_longest_match_wins() -> None:
    assert longest_first([("a", 0, 8), ("b", 0, 18), ("c", 20, 25)]) == [("b", 0, 18), ("c", 20, 25)]


def test_detect_is_case_insensitive_whole_word_and_longest(proj: Project) -> None:
    found = detect_mentions([(1, TEXT)], proj.actors())[1]
    spans = [(f.actor_id, f.text, f.suggested) for f in found]
    assert spans == [
        ("delfshaven_helpt", "Delfshaven Helpt!", False),
        ("delfshaven_helpt", "DH Helpt", False),
        ("gemeente_rotterdam", "de gemeente", True),  # a generic alias: a suggestion
        ("delfshaven_cooperatie", "de Cooperatie", False),  # without the diaeresis
        ("gemeente_rotterdam", "Gemeente Rotterdam", False),  # not just "Gemeente"
        ("rebelgroep", "Rebelgroep", False),
        ("rebelgroep", "Rebelgroep", False),  # "rebellen" is not "Rebel"
        ("havensteder", "Havensteder", False),
        ("delfshaven_helpt", "delfshaven helpt", False),
    ]
    for _, start, end, text, _ in found:
        assert TEXT[start:end] == text


def test_detect_review_and_redetect(proj: Project) -> None:
    report = detect_in_project(proj, "anna")
    assert report.documents == 2 and report.added == report.found == 12  # 9 here, 3 in 'other'
    ops = proj.history(1)
    assert ops[0].label.startswith("detect actor mentions")
    again = detect_in_project(proj, "anna")
    assert (again.added, again.kept, again.removed) == (0, 12, 0)
    mentions = proj.mentions(actor_id="gemeente_rotterdam", document_id=1)
    assert [m.text for m in mentions] == ["de gemeente", "Gemeente Rotterdam"]
    assert "Via DH Helpt en [de gemeente] kwamen we bij de Cooperatie" in mentions[0].context
    proj.set_mention_status([mentions[0].id], "rejected", "anna")
    proj.set_mention_status([mentions[1].id], "confirmed", "anna")
    assert {m.status for m in proj.mentions(statuses=["rejected"])} == {"rejected"}
    # Dropping the alias "de gemeente" removes nothing the researcher reviewed; unreviewed stale ones go.
    proj.import_actors([Actor("gemeente_rotterdam", "Gemeente Rotterdam", inventory=("governance",)),
                        Actor("rebelgroep", "Rebelgroep", inventory=("sibd",))], "anna")
    third = detect_in_project(proj, "anna")
    assert third.removed == 2  # the unreviewed "de gemeente" of 'other'; the rejected one here stays
    assert [m.status for m in proj.mentions(actor_id="gemeente_rotterdam")] == ["rejected", "confirmed"]
    proj.import_actors([Actor("rebelgroep", "Rebelgroep XL", aliases=(), inventory=("sibd",))], "anna")
    fourth = detect_in_project(proj, "anna")
    assert fourth.removed == 2 and proj.mentions(actor_id="rebelgroep") == []


def test_confirm_reject_are_undoable_and_checked(proj: Project) -> None:
    detect_in_project(proj, "anna")
    ids = [m.id for m in proj.mentions(actor_id="delfshaven_helpt", document_id=1)]
    assert proj.set_mention_status(ids, "confirmed", "anna") == 3
    assert proj.set_mention_status(ids, "confirmed", "anna") == 0
    assert proj.undo("anna") == "confirm 3 actor mention(s)"
    assert {m.status for m in proj.mentions(actor_id="delfshaven_helpt")} == {"detected"}
    with pytest.raises(NotFound, match="no mention 999"):
        proj.set_mention_status([ids[0], 999], "rejected", "anna")
    assert {m.status for m in proj.mentions(actor_id="delfshaven_helpt")} == {"detected"}
    with pytest.raises(InvalidInput):
        proj.set_mention_status(ids, "maybe", "anna")


def test_manual_mention(proj: Project) -> None:
    start = TEXT.index("Havensteder")
    with pytest.raises(InvalidInput, match="outside"):
        proj.add_mention(1, start, 10_000, "havensteder", "anna")
    with pytest.raises(NotFound):
        proj.add_mention(1, start, start + 11, "onbekend", "anna")
    mention = proj.add_mention(1, start, start + 11, "havensteder", "anna")
    assert (mention.status, mention.origin, mention.text) == ("confirmed", "manual", "Havensteder")
    detect_in_project(proj, "anna")  # the detector finds the same span: it stays confirmed and manual
    assert [(m.status, m.origin) for m in proj.mentions(actor_id="havensteder")] == [("confirmed", "manual")]


def test_detect_needs_actors(tmp_path: Path) -> None:
    with Project.create(tmp_path / "empty.wijk", codes=SAMPLE_CODES) as project, \
            pytest.raises(DataError, match="no actors"):
        detect_in_project(project, "anna")


# ----------------------------------------------------------------------------- CLI


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.mark.slow
def test_cli_actor_flow(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dh.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "p.wijk"
    run("init", str(path), "--no-actors")  # init loads the same registry otherwise
    run("import", str(path), str(folder))
    assert "12 actor(s) added" in run("actors", "import", str(path)).output  # the bundled registry
    out = run("actors", "detect", str(path)).output
    assert "Delfshaven Helpt!: 3" in out and "not mentioned:" in out
    mentions = json.loads(run("actors", "mentions", str(path), "--actor", "delfshaven_helpt", "--json").output)
    assert [m["text"] for m in mentions] == ["Delfshaven Helpt!", "DH Helpt", "delfshaven helpt"]
    run("actors", "confirm", str(path), str(mentions[0]["id"]), str(mentions[1]["id"]))
    run("actors", "reject", str(path), str(mentions[2]["id"]))
    listed = {a["id"]: a for a in json.loads(run("actors", "list", str(path), "--json").output)}
    assert listed["delfshaven_helpt"]["status"] == {"confirmed": 2, "rejected": 1}
    assert listed["delfshaven_helpt"]["mentions"] == 2  # rejected mentions never count
    assert run("undo", str(path)).output.startswith("undone: reject")
    err = run("actors", "import", str(path), str(DATA / "actors_dup.yaml"), code=1).stderr
    assert "actors_dup.yaml:11: duplicate actor id 'havensteder'" in err
    err = run("actors", "confirm", str(path), "4242", code=1).stderr
    assert "no mention 4242" in err
