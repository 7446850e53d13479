"""Pilot tests of the other screens and of the app's safety nets."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import DataTable, OptionList

from wijkverhalen.config import load_config
from wijkverhalen.errors import InvalidInput
from wijkverhalen.store import Project
from wijkverhalen.tui.app import SCREENS, make_app
from wijkverhalen.tui.screens.codebook import CodebookScreen
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.dialogs import CoderNameDialog, ConfirmDialog, ErrorDialog
from wijkverhalen.tui.screens.documents import DocumentsScreen
from wijkverhalen.tui.screens.help import HelpScreen
from wijkverhalen.tui.screens.retrieval import RetrievalScreen
from wijkverhalen.tui.screens.search import SearchScreen
from wijkverhalen.tui.widgets.coding_transcript import CodingTranscript

from .conftest import CODER, fake_query_lemmas

SIZE = (120, 40)


def seed_codings(
    path: Path, code_id: str, sentences: list[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Code sentences ``(document_id, sentence_index)``; returns their ``(doc, start, end)``."""
    spans = []
    with Project.open(path) as project:
        for doc_id, index in sentences:
            s = project.segments(doc_id)[index]
            project.add_coding(doc_id, s.start, s.end, code_id, "bert")
            spans.append((doc_id, s.start, s.end))
    return spans


async def test_documents_table_filter_and_progress(make: Any, project_path: Path) -> None:
    seed_codings(project_path, "netwerken", [(1, 0), (1, 1)])
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert screen.progress[1][:2] == (2, 9)  # two codings, nine sentences
        await pilot.press("f", *"rol=prof")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("escape")  # clears the filter, back to the table, still on Ronald
        await pilot.pause()
        assert table.row_count == 3 and app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert (
            app.screen.model is not None
            and app.screen.model.document.name == "02_professional_ronald"
        )


@pytest.mark.slow
async def test_retrieval_lists_passages_and_jumps(
    make: Any, reopen: Any, project_path: Path
) -> None:
    spans = seed_codings(project_path, "relaties.vertrouwen", [(1, 3), (1, 4), (2, 1)])
    seed_codings(project_path, "relaties.samenhang", [(3, 1)])
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.show_retrieval("relaties.vertrouwen")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        passages = screen.query_one("#passages")
        assert passages.total == 3
        await pilot.press("s")  # with sub-codes of the parent? not for a leaf: still 3
        await pilot.pause()
        assert passages.total == 3
        await pilot.press("s", "f")
        await pilot.pause()
        await pilot.press(*"rol=bewoner", "enter")
        await pilot.pause()
        assert passages.total == 2
        await pilot.press(
            "j", "enter"
        )  # the second passage: "Dat vertrouwen heeft me echt geraakt."
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.transcript.exact == spans[1][1:]
        assert coding.transcript.cursor == 4
        await pilot.press("c", *"samenh", "enter")  # code the retrieved passage again
        await pilot.pause()
    codes = {(c.document_id, c.start, c.end, c.code_id) for c in reopen().codings(coder=CODER)}
    assert codes == {(*spans[1], "relaties.samenhang")}


@pytest.mark.slow
async def test_retrieval_key_uses_highlighted_code(make: Any, project_path: Path) -> None:
    seed_codings(project_path, "relaties.samenhang", [(3, 0)])
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down", "down", "r")  # Sociale samenhang
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert app.screen.code_id == "relaties.samenhang"
        assert app.screen.query_one("#passages").total == 1
        await pilot.press("c", *"relaties", "enter", "s")  # the parent with its sub-codes
        await pilot.pause()
        assert app.screen.code_id == "relaties" and app.screen.query_one("#passages").total == 1


@pytest.mark.slow
async def test_search_jump_and_code_from_result(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"hielpen", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        texts = {h.text for h in screen.hits}
        assert "Maar de buren hielpen elkaar." in texts
        assert "Hoe kwam je bij Delfshaven Helpt terecht?" in texts  # by lemma: helpt -> helpen
        index = next(
            i for i, h in enumerate(screen.hits) if h.text == "Maar de buren hielpen elkaar."
        )
        hit = screen.hits[index]
        results = screen.query_one("#search-results", OptionList)
        assert app.focused is results
        results.highlighted = index
        await pilot.press("c", *"samenh", "enter")
        await pilot.pause()
        assert screen.coded[index] == ["relaties.samenhang"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.model is not None and app.screen.model.document.id == hit.document_id
        assert app.screen.transcript.cursor == 7
    codings = reopen().codings()
    assert [(c.document_id, c.start, c.end, c.code_id) for c in codings] == [
        (hit.document_id, hit.start, hit.end, "relaties.samenhang")
    ]


@pytest.mark.slow
async def test_codebook_rename_merge_and_undo(make: Any, reopen: Any, project_path: Path) -> None:
    seed_codings(project_path, "relaties.samenhang", [(1, 7), (3, 1)])
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press(
            "down", "e", "ctrl+u", *"Vertrouwen", "enter"
        )  # rename Onderling vertrouwen
        await pilot.pause()
        await pilot.press("down", "g")  # merge Sociale samenhang into…
        await pilot.pause()
        await pilot.press(*"vertrouwen", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    project = reopen()
    assert project.code("relaties.vertrouwen").label == "Vertrouwen"
    assert not project.has_code("relaties.samenhang")
    assert [c.code_id for c in project.codings()] == ["relaties.vertrouwen"] * 2
    project.close()
    async with make().run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("u")  # undo the merge
        await pilot.pause()
    project = reopen()
    assert project.has_code("relaties.samenhang")
    assert [c.code_id for c in project.codings()] == ["relaties.samenhang"] * 2


@pytest.mark.slow
async def test_codebook_add_colour_and_move(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("a", *"Buurtkeuken", "enter")  # a sub-code of Relaties tussen actoren
        await pilot.pause()
        await pilot.press("o", "down", "enter")  # the second colour of the palette
        await pilot.pause()
        await pilot.press("p", *"netw", "enter")  # move under Netwerken
        await pilot.pause()
    code = reopen().code("relaties.buurtkeuken")
    assert (code.label, code.parent_id, code.color) == ("Buurtkeuken", "netwerken", "#1E9E8F")


async def test_codebook_new_codes_get_colours_apart_from_their_siblings(
    make: Any, reopen: Any
) -> None:
    """Two codes added with a under the same parent each get a colour of their own (issue 14)."""
    from wijkverhalen.codebook import color_distance

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("a", *"Buurtkeuken", "enter")  # under Relaties tussen actoren
        await pilot.pause()
        await pilot.press("a", *"Kerk", "enter")  # under the highlighted code
        await pilot.pause()
    project = reopen()
    codes = project.codes()
    added = [c for c in codes if c.label in ("Buurtkeuken", "Kerk")]
    assert len(added) == 2
    for new in added:
        family = [c for c in codes if c.id != new.id
                  and (c.parent_id == new.parent_id or c.id == new.parent_id)]
        others = [c.color for c in family]
        assert min(color_distance(new.color, o) for o in others) > 15, (new.id, new.color, others)


@pytest.mark.slow
async def test_first_start_asks_coder_name_once(
    project_path: Path, monkeypatch: pytest.MonkeyPatch, reopen: Any
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER", raising=False)
    app = make_app(project_path, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderNameDialog)
        await pilot.press("ctrl+u", *"Samira", "enter")
        await pilot.pause()
        assert "coder: Samira" in app.screen.sub_title
        await pilot.press("enter", "c", *"netw", "enter")
        await pilot.pause()
    assert load_config()["coder"] == "Samira"
    assert [c.coder for c in reopen().codings()] == ["Samira"]
    app = make_app(project_path, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, CoderNameDialog)
        assert app.session.coder == "Samira"


async def test_keys_can_be_rebound_in_the_config(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wijkverhalen.config import config_path

    config_path().write_text(
        yaml.safe_dump({"keys": {"coding.next_sentence": "ctrl+n", "nonsense.binding": "z"}})
    )
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("nonsense.binding" in p for p in app.keymap_problems)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.transcript.cursor == 2
        await pilot.press("j")  # no longer bound
        assert screen.transcript.cursor == 2
        rows = {r.binding_id: r.keys for r in app.help_rows()}
        assert rows["coding.next_sentence"] == "ctrl+n"


async def test_help_lists_every_binding(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.help_rows()
        ids = {r.binding_id for r in rows}
        described = {(r.group, r.description) for r in rows}
        for binding in [*CodingTranscript.BINDINGS, *CodingScreen.BINDINGS]:
            assert ("coding", binding.description) in described  # type: ignore[union-attr]
        assert {
            "app.undo",
            "app.redo",
            "app.help",
            "app.quit",
            "passages.open",
            "coding.code",
        } <= ids
        assert "coding.recent_1 … coding.recent_9" in ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


@pytest.mark.slow
async def test_locked_project_shows_dialog_and_changes_nothing(
    make: Any, project_path: Path, reopen: Any
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        other = sqlite3.connect(str(project_path), isolation_level=None)  # another program writing
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("c", *"netw", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog)
            assert "busy" in app.screen.title_text
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("enter")  # close the dialog; the coding screen is unchanged
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.model is not None
        assert not app.screen.model.by_sentence[0]
    assert reopen().codings() == []


@pytest.mark.slow
async def test_writes_are_committed_while_workers_read(make: Any, project_path: Path) -> None:
    """Regression: workers reading the project must never cost committed work."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()  # the progress worker has read the project
        await pilot.press("slash", *"buren", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("d", "enter", "c", *"netw", "enter")
        await pilot.pause()
        other = sqlite3.connect(str(project_path))  # seen from outside while the app runs
        try:
            assert other.execute("SELECT code_id FROM codings").fetchall() == [("netwerken",)]
        finally:
            other.close()
        assert Path(str(project_path) + "-wal").exists()


async def test_worker_error_becomes_error_dialog(project_path: Path) -> None:
    def broken(query: str) -> dict[str, list[str]]:
        raise InvalidInput("the Dutch pipeline is not installed")

    app = make_app(project_path, coder=CODER, query_lemmas=broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"buren", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "pipeline is not installed" in app.screen.message


async def test_palette_lists_every_screen(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        expected = {e.title for e in SCREENS}
        assert expected <= titles and {"Undo", "Redo", "Help", "Import interviews"} <= titles


@pytest.mark.slow
def test_startup_does_not_load_spacy(project_path: Path) -> None:
    code = f"""
import asyncio, sys
from wijkverhalen.tui.app import make_app
async def main():
    app = make_app({str(project_path)!r}, coder="anna")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
asyncio.run(main())
print("spacy" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


async def test_import_from_the_tui(make: Any, reopen: Any, tmp_path: Path) -> None:
    folder = tmp_path / "nieuw"
    folder.mkdir()
    (folder / "04_bewoner_henk.txt").write_text(
        "I: Hoe gaat het?\nR: Goed. De buren helpen me.\n", encoding="utf-8"
    )
    (folder / "metadata.csv").write_text(
        "file,rol\n04_bewoner_henk.txt,bewoner\n", encoding="utf-8"
    )
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(folder), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 4
    project = reopen()
    doc = project.document("04_bewoner_henk")
    assert doc.attributes == {"rol": "bewoner"} and len(project.segments(doc.id)) >= 2
