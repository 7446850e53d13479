"""The TUI and the store: storage faults do not crash the app, the WAL is folded back on idle,
and the Validate screen writes through the session (the one write path)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wijkverhalen.errors import ProjectFull
from wijkverhalen.store import Project
from wijkverhalen.tui import session as session_module
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.session import Session

from .conftest import CODER
from .test_tui_coding import VERTROUWEN, open_first_document, pick

SIZE = (120, 40)


def _disk_full_error(tmp_path: Path) -> sqlite3.OperationalError:
    """A real SQLITE_FULL, as sqlite3 raises it (a database that may not grow)."""
    conn = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    try:
        conn.execute("CREATE TABLE t (x)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("no SQLITE_FULL")


def _codings_in_file_bytes(path: Path, tmp_path: Path) -> int:
    """Codings in a byte copy of the .wijk alone (no -wal beside it): what a mailed copy holds."""
    copy = tmp_path / "mailed-copy.wijk"
    for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
async def test_tui_survives_a_full_disk_and_says_so(make: Any, reopen: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    error = _disk_full_error(tmp_path)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)

        def full(*args: Any, **kwargs: Any) -> Any:
            raise error

        monkeypatch.setattr(app.session.project, "add_coding", full)
        await pilot.press("j", "j", "j")
        await pick(pilot, "vertr")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CodingScreen)
        messages = [n.message for n in app._notifications]
        assert any("disk full" in m and str(app.session.path) in m for m in messages), messages
        assert "coded" not in screen.status
        monkeypatch.undo()  # space again: the next try works
        await pick(pilot, "vertr")
        assert "coded Onderling vertrouwen" in screen.status
    assert len(reopen().codings(document_id=1)) == 1


def test_session_maps_storage_errors(project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = _disk_full_error(tmp_path)
    with Project.open(project_path) as project:
        session = Session(project, CODER)

        def full(*args: Any, **kwargs: Any) -> Any:
            raise error

        monkeypatch.setattr(project, "set_document_memo", full)
        with pytest.raises(ProjectFull):
            session.set_document_memo(1, "memo")


def test_session_folds_the_wal_back_when_idle(project_path: Path, tmp_path: Path) -> None:
    """While the TUI is open, a byte copy of the .wijk misses the newest codings until the idle checkpoint."""
    project = Project.open(project_path)
    try:
        session = Session(project, CODER)
        for start in range(0, 60, 10):
            session.add_coding(1, start, start + 8, "relaties")
        assert _codings_in_file_bytes(project_path, tmp_path) < 6  # still in the -wal only
        assert not session.checkpoint_if_idle(now=session.last_write + 0.1)  # not idle yet: no checkpoint
        idle = session.last_write + session_module.IDLE_CHECKPOINT_S
        assert session.checkpoint_if_idle(now=idle)
        assert _codings_in_file_bytes(project_path, tmp_path) == 6
        assert not session.checkpoint_if_idle(now=idle + 10)  # nothing new to fold back
    finally:
        project.close()


CRASHING_CODER = r"""
import os, sys
from wijkverhalen.store import Project
project = Project.open(sys.argv[1])
for start in range(0, 40, 10):
    project.add_coding(1, start, start + 8, "relaties", "crash")
os._exit(0)  # killed: no close, no checkpoint; the codings are committed, in the -wal file only
"""


def test_opening_after_a_crash_folds_the_wal_back(project_path: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", CRASHING_CODER, str(project_path)], check=True, timeout=120)
    assert _codings_in_file_bytes(project_path, tmp_path) == 0  # a copy now would lose them
    project = Project.open(project_path)
    try:
        session = Session(project, CODER)
        assert len(project.codings()) == 4  # safe in the WAL
        assert session.checkpoint_if_idle()  # the first idle tick of the workbench
        assert _codings_in_file_bytes(project_path, tmp_path) == 4
    finally:
        project.close()


async def test_app_checkpoints_on_idle(make: Any, project_path: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's timer runs the idle checkpoint: a coding reaches the .wijk file while the TUI is open."""
    monkeypatch.setattr(session_module, "IDLE_CHECKPOINT_S", 0.0)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        before = _codings_in_file_bytes(project_path, tmp_path)
        await pilot.press(*["j"] * VERTROUWEN)
        await pick(pilot, "vertr")
        assert "coded" in screen.status
        timers = [t for t in app._timers if t.name == "checkpoint"]
        assert len(timers) == 1 and timers[0]._repeat is None  # repeats for the app's lifetime
        timers[0]._callback()  # what the timer does every second (no sleeping in a test)
        assert _codings_in_file_bytes(project_path, tmp_path) == before + 1
