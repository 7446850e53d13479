"""Pilot tests: undo conflicts explained in a dialog (never a crash), removing a document and
editing its attributes from the documents screen; each checked on the database afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from wijkverhalen.models import Code
from wijkverhalen.store import Project
from wijkverhalen.tui.screens.attributes_dialog import AttributesDialog
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.dialogs import ConfirmDialog
from wijkverhalen.tui.screens.documents import DocumentsScreen

SIZE = (120, 40)
FATIMA = 1  # the first document in the list


def seed(project_path: Path) -> None:
    """anna codes, anna adds code x, bram codes with x: anna's newest change is blocked by bram."""
    with Project.open(project_path) as p:
        s = p.segments(FATIMA)
        p.add_coding(FATIMA, s[0].start, s[0].end, "netwerken", "anna")
        p.add_code(Code(id="x", label="Nieuw thema"), "anna")
        p.add_coding(FATIMA, s[1].start, s[1].end, "x", "bram")


async def test_undo_conflict_shows_a_dialog_and_can_pass_it(make: Any, reopen: Any, project_path: Path) -> None:
    seed(project_path)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # explained, not a crash
        assert "Cannot undo #" in app.screen.title_text
        assert "used by 1 coding(s) of bram" in app.screen.message and "undo bram's first" in app.screen.message
        await pilot.press("n")  # stop: nothing changes
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        assert len(reopen().codings()) == 2
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")  # undo past it: anna's coding goes, the code x stays
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        await pilot.press("ctrl+r")  # redo brings anna's coding back
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()  # nothing more to redo: a message, no crash
        assert isinstance(app.screen, DocumentsScreen)
    project = reopen()
    assert sorted((c.code_id, c.coder) for c in project.codings()) == [("netwerken", "anna"), ("x", "bram")]
    assert project.has_code("x")
    assert [op.state for op in project.history(3)] == ["done", "done", "done"]


async def test_undo_of_the_open_documents_import_returns_to_the_list(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("u")  # anna's newest change is the import of the documents
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
    assert reopen().documents() == []


async def test_remove_document_asks_and_undo_restores(make: Any, reopen: Any, project_path: Path) -> None:
    with Project.open(project_path) as p:
        s = p.segments(FATIMA)
        p.add_coding(FATIMA, s[2].start, s[2].end, "relaties", "bert", memo="kern")
        before = (p.documents(), p.codings(), p.segments(FATIMA))
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        shown = {key: b.binding.description for key, b in app.active_bindings.items() if b.binding.show}
        assert "x" in shown and "a" in shown  # visible in the footer
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "1 coding(s)" in app.screen.title_text and "bert" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert len(reopen().documents()) == 3
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert screen.query_one("DataTable").row_count == 2  # type: ignore[attr-defined]
        p = reopen()
        assert [d.name for d in p.documents()] == ["02_professional_ronald", "03_initiatiefnemer_ineke"]
        assert p.codings() == []
        p.close()
        await pilot.press("u")
        await pilot.pause()
        assert screen.query_one("DataTable").row_count == 3  # type: ignore[attr-defined]
    p = reopen()
    assert (p.documents(), p.codings(), p.segments(FATIMA)) == before


async def test_edit_attributes_dialog_and_undo(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AttributesDialog)
        area = app.screen.query_one(TextArea)
        assert area.text == "jaar=2020\nrol=bewoner\nwijk=Bospolder"
        await pilot.press("enter", *"casus=Delfshaven Helpt", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        assert reopen().document(FATIMA).attributes["casus"] == "Delfshaven Helpt"
        await pilot.press("a")
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        area.load_text("rol=professional\nkapot\n")
        await pilot.press("ctrl+s")  # a line without '=' keeps the dialog open with the reason
        await pilot.pause()
        assert isinstance(app.screen, AttributesDialog)
        area.load_text("rol=professional\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert reopen().document(FATIMA).attributes == {"rol": "professional"}
        await pilot.press("u")
        await pilot.pause()
    assert reopen().document(FATIMA).attributes == {
        "casus": "Delfshaven Helpt", "jaar": "2020", "rol": "bewoner", "wijk": "Bospolder"}


@pytest.mark.slow
async def test_coding_screen_of_a_removed_document_goes_back_to_the_list(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # open Fatima in the coding screen
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("d", "x", "y")  # back to the list, remove Fatima
        await pilot.pause()
        await pilot.press("t")  # the coding screen still had Fatima open
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
    assert [d.name for d in reopen().documents()] == ["02_professional_ronald", "03_initiatiefnemer_ineke"]
