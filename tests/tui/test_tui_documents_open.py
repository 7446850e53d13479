"""Opening a project: the documents table is built once, with its counts, before the worker.

On a large project every rebuild of the table costs (1,000 rows, bench/bench_tui.py
``startup_to_counts_ms``); these tests check the shape that keeps opening fast: one
build with the codings counted, and the background worker only filling in the
"coded" column.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from wijkverhalen.store import Project
from wijkverhalen.store.retrieval import Retrieval
from wijkverhalen.tui.screens.documents import DocumentsScreen

from .test_tui_screens import SIZE, seed_codings


async def test_documents_open_builds_the_table_once_with_counts(
    make: Any, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_codings(project_path, "netwerken", [(1, 0), (1, 1)])
    release = threading.Event()
    progress = Retrieval.document_progress

    def held_progress(self: Retrieval) -> dict[int, tuple[int, int, int]]:
        release.wait(timeout=30)  # the worker's result comes only when the test says so
        return progress(self)

    monkeypatch.setattr(Retrieval, "document_progress", held_progress)
    added: list[Any] = []
    add_row = DataTable.add_row

    def counting_add_row(self: DataTable[Any], *cells: Any, **kwargs: Any) -> Any:
        added.append(kwargs.get("key"))
        return add_row(self, *cells, **kwargs)

    monkeypatch.setattr(DataTable, "add_row", counting_add_row)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one(DataTable)
        first = str(screen.docs[0].id)
        codings = {d.name: str(table.get_cell(str(d.id), "codings")) for d in screen.docs}
        assert "…" not in "".join(codings.values())  # counted before the worker is done
        assert codings["01_bewoner_fatima"] == "2"
        assert str(table.get_cell(first, "coded")) == "…"
        assert len(added) == len(screen.docs) == 3  # one build, not one per resize
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "%" in str(table.get_cell(first, "coded"))
        assert len(added) == 3  # the worker filled in cells, it did not rebuild the table
        await pilot.resize_terminal(60, 40)  # too narrow for the columns as they are
        await pilot.pause()
        assert len(added) == 6  # a resize that changes the columns rebuilds once


def test_document_counts_agree_with_progress(project_path: Path) -> None:
    seed_codings(project_path, "netwerken", [(1, 0), (1, 1), (2, 0)])
    with Project.open(project_path) as project:
        counts = project.retrieval.document_counts()
        assert counts == {k: v[:2] for k, v in project.retrieval.document_progress().items()}
        assert sorted(c for c, _ in counts.values()) == [0, 1, 2]
