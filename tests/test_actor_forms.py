"""Actor mentions in their Dutch forms, capitals for word-like names, generic aliases as suggestions.

Sentences are invented for the tests (issue 12); the organisations are those of data/actors.yaml.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.linking.actors import detect_in_project, detect_mentions, parse_actor_registry
from wijkverhalen.linking.network import build_network
from wijkverhalen.store import Project

REPO = Path(__file__).resolve().parents[1]
ACTORS = parse_actor_registry(REPO / "data" / "actors.yaml")


def found(text: str) -> list[tuple[str, str, bool]]:
    return [(f.actor_id, f.text, f.suggested) for f in detect_mentions([(1, text)], ACTORS)[1]]


@pytest.mark.parametrize(("text", "actor", "words"), [
    ("De Havensteders wisten wie alleen woonde.", "havensteder", "Havensteders"),
    ("Twee Havensteder-medewerkers kwamen langs.", "havensteder", "Havensteder-medewerkers"),
    ("Havenstederwoningen zijn slecht geïsoleerd.", "havensteder", "Havenstederwoningen"),
    ("Alle BoTu12-leden waren er.", "botu12", "BoTu12-leden"),
    ("De BoTu12'ers hadden een groepsapp.", "botu12", "BoTu12'ers"),
    ("Via de Coöperatie's netwerk.", "delfshaven_cooperatie", "de Coöperatie's"),
    ("Hulp van de Delfshaven\nCoöperatie kwam snel.", "delfshaven_cooperatie", "Delfshaven\nCoöperatie"),
    ("De Delfshaven Helpt-vrijwilligers stonden klaar.", "delfshaven_helpt", "Delfshaven Helpt-vrijwilligers"),
    ("De IABR'ers kwamen met kaarten.", "iabr", "IABR'ers"),
])
def test_inflected_and_compound_forms(text: str, actor: str, words: str) -> None:
    assert (actor, words, False) in found(text)


@pytest.mark.parametrize("text", [
    "Ik was vroeger een echte rebel.",
    "De rebellen van toen zijn nu bestuurders.",
    "Dat voelde rebels.",
    "Hij werkt bij een coöperatie van zzp'ers.",
    "Havens en steden, daar ging het over.",
])
def test_ordinary_words_are_not_actors(text: str) -> None:
    assert found(text) == []


def test_a_word_like_name_with_its_capital_is_found() -> None:
    assert found("Rebel schreef het rapport.") == [("rebelgroep", "Rebel", False)]


def test_generic_aliases_are_suggestions_unless_a_name_matches_too() -> None:
    assert found("De gemeente belde pas in mei.") == [("gemeente_rotterdam", "De gemeente", True)]
    assert found("Gemeente Rotterdam belde.") == [("gemeente_rotterdam", "Gemeente Rotterdam", False)]
    assert found("Het kernteam besliste.") == [("sibd_kernteam", "Het kernteam", True)]


def test_suggestions_are_stored_and_count_once_confirmed(tmp_path: Path) -> None:
    text = "I: Wie hielp?\nR: De gemeente belde, en Havensteder kwam langs.\n"
    with Project.create(tmp_path / "s.wijk", codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input(text, "a")], "anna")
        project.actors.import_registry(ACTORS, "anna")
        detect_in_project(project, "anna")
        statuses = {m.text: m.status for m in project.actors.mentions()}
        assert statuses == {"De gemeente": "suggested", "Havensteder": "detected"}
        graph = build_network(project)
        assert graph.nodes["actor:gemeente_rotterdam"]["mentions"] == 0
        suggestion = project.actors.mentions(statuses=["suggested"])[0]
        project.actors.set_mention_status([suggestion.id], "confirmed", "anna")
        assert build_network(project).nodes["actor:gemeente_rotterdam"]["mentions"] == 1
        # Detecting again keeps the reviewed one; an unreviewed suggestion that is gone is removed.
        assert detect_in_project(project, "anna").kept == 2


def test_older_projects_get_the_suggested_status(tmp_path: Path) -> None:
    path = tmp_path / "oud.wijk"
    text = "I: Wie?\nR: Havensteder.\n"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input(text, "a")], "anna")
        project.actors.import_registry(ACTORS, "anna")
        detect_in_project(project, "anna")
    conn = sqlite3.connect(path)
    with conn:  # put back the table as schema 5 had it
        conn.execute("ALTER TABLE actor_mentions RENAME TO am")
        conn.execute("""CREATE TABLE actor_mentions (id INTEGER PRIMARY KEY, actor_id TEXT NOT NULL
            REFERENCES actors(id), document_id INTEGER NOT NULL REFERENCES documents(id), start INTEGER NOT NULL,
            "end" INTEGER NOT NULL, matched TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'detected'
            CHECK (status IN ('detected', 'confirmed', 'rejected')), origin TEXT NOT NULL DEFAULT 'detected'
            CHECK (origin IN ('detected', 'manual')), updated_by TEXT, updated_at TEXT,
            UNIQUE (actor_id, document_id, start, "end"), CHECK (start >= 0 AND "end" > start))""")
        conn.execute("INSERT INTO actor_mentions SELECT * FROM am")
        conn.execute("DROP TABLE am")
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    with Project.open(path) as project:
        assert [m.text for m in project.actors.mentions()] == ["Havensteder"]
        project.documents.add([sample_input("I: En?\nR: De gemeente.\n", "b")], "anna")
        detect_in_project(project, "anna")
        assert [m.status for m in project.actors.mentions(statuses=["suggested"])] == ["suggested"]


@pytest.mark.parametrize("name", ["challenge.yaml", "challenge_heldout.yaml"])
def test_challenge_set_meets_the_goals(name: str) -> None:
    """bench/bench_actors.py: recall >= 95% and precision >= 90% on the invented challenge sets."""
    sys.path.insert(0, str(REPO / "bench"))
    import bench_actors
    import yaml

    items = yaml.safe_load((REPO / "tests" / "data" / "actors" / name).read_text(encoding="utf-8"))
    result = bench_actors.evaluate(items, ACTORS)
    assert result["expected"] >= 15 and result["recall"] >= 0.95, result["misses"]
    assert result["precision"] >= 0.90, result["false_positives"]


async def test_workbench_filters_and_confirms_suggestions(tmp_path: Path) -> None:
    from wijkverhalen.tui.app import make_app
    from wijkverhalen.tui.screens.validate import MentionsScreen

    path = tmp_path / "tui.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input("I: Wie?\nR: De gemeente en Havensteder.\n", "a")], "anna")
        project.actors.import_registry(ACTORS, "anna")
        detect_in_project(project, "anna")
    app = make_app(path, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(MentionsScreen(app.session))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f", "f")  # all -> detected -> suggested
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MentionsScreen)
        assert [(m.text, m.status) for m in screen.mentions] == [("De gemeente", "suggested")]
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with Project.open(path) as project:
        assert {m.text: m.status for m in project.actors.mentions()} == {"De gemeente": "confirmed",
                                                                  "Havensteder": "detected"}


def test_offsets_stay_exact_next_to_letters_whose_lower_case_is_longer() -> None:
    text = "İstanbul en Havensteder; de Coöperatie's."
    spans = [(f.actor_id, text[f.start:f.end]) for f in detect_mentions([(1, text)], ACTORS)[1]]
    assert spans == [("havensteder", "Havensteder"), ("delfshaven_cooperatie", "de Coöperatie's")]


def test_an_article_alias_needs_its_article() -> None:
    assert found("De Coöperatie hielp.") == [("delfshaven_cooperatie", "De Coöperatie", False)]
    assert found("Een Coöperatie hielp.") == []
