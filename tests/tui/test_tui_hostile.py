"""The TUI and hostile or failing input: names with markup and control characters,
an import report with warnings, and reads that meet a damaged project file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import DataTable

from wijkverhalen.errors import ProjectCorrupt
from wijkverhalen.store.faults import CORRUPT_MESSAGE
from wijkverhalen.tui.plain import plain
from wijkverhalen.tui.screens.dialogs import ErrorDialog
from wijkverhalen.tui.screens.documents import DocumentsScreen

SIZE = (120, 40)
HOSTILE = "a[b]\x1b[31m"  # markup-like brackets and a terminal escape in a file name
OTHER = "d [lacht]"  # a transcript-style annotation; as markup, [lacht] would vanish


async def test_import_notice_shows_warnings_and_hostile_names(make: Any, reopen: Any, tmp_path: Path) -> None:
    folder = tmp_path / "nieuw"
    folder.mkdir()
    for stem in ("04_bewoner_henk", HOSTILE, OTHER):
        (folder / f"{stem}.txt").write_text("I: Hoe gaat het?\nR: Goed. De buren helpen.\n" + stem,
                                            encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,rol\n04_bewoner_henk.txt,bewoner\nontbreekt.txt,buurman\n", encoding="utf-8")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(folder), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, DocumentsScreen)
        assert app.screen.query_one(DataTable).row_count == 6
        last = list(app._notifications)[-1]
        notice = Content.from_markup(last.message).plain if last.markup else last.message  # as shown
        assert "imported 3 document(s)" in notice
        assert "1 metadata row(s) match no imported file: ontbreekt.txt" in notice
        assert "2 file(s) without a metadata row" in notice
        assert "a[b]\\x1b[31m.txt" in notice and "d [lacht].txt" in notice  # as written, escape shown
        assert "\x1b" not in notice and "\\x0a" not in notice  # escapes, but line breaks stay
        assert len(notice.splitlines()) == 3
    names = {d.name for d in reopen().documents.all()}
    assert OTHER in names and any(name.startswith("a[b]") for name in names)


@pytest.mark.parametrize("error", [
    ProjectCorrupt(CORRUPT_MESSAGE, path="botu.wijk"),
    sqlite3.DatabaseError("database disk image is malformed"),
], ids=["ProjectCorrupt", "raw-sqlite"])
async def test_damaged_page_on_screen_load_is_a_dialog(make: Any, monkeypatch: pytest.MonkeyPatch,
                                                       error: Exception) -> None:
    app = make()

    def damaged(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(app.session.project.documents, "all", damaged)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ErrorDialog)
        assert "malformed" in app.screen.message and "\n" not in app.screen.message
        monkeypatch.undo()
        await pilot.press("enter")  # close it; the workbench goes on
        await pilot.press("b")
        await pilot.pause()
        assert app.is_running and app.screen.id != "documents"
        assert not isinstance(app.screen, ErrorDialog)


async def test_damaged_page_read_in_a_worker_is_a_dialog(make: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make()

    def damaged(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(app.session.project.retrieval, "document_progress", damaged)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ErrorDialog)
        assert app.screen.title_text != "Something went wrong"  # a storage failure, not a bug
        assert app.screen.message == f"{app.session.path}: {CORRUPT_MESSAGE}"


def test_plain_keeps_line_breaks_and_escapes_the_rest() -> None:
    shown = plain("Kan niet:\n\na[b]\x1b[2J\t[/b]")
    assert shown.plain == "Kan niet:\n\na[b]\\x1b[2J\\x09[/b]" and not shown.spans
