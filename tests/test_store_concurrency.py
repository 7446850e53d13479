"""Which thread may write: a transaction belongs to one thread from BEGIN to COMMIT.

A write from another thread waits for the lock instead of joining the transaction
(so a batch that rolls back cannot take it along), nesting is counted per thread,
and two processes writing at once keep every write.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.errors import ProjectLocked
from wijkverhalen.store import Project


class BatchFailed(Exception):
    pass


def _coding_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


def test_ui_write_waits_for_a_batch_and_survives_its_rollback(project: Project) -> None:
    """An import batch in one thread, a coding in another: the batch rolls back, the coding stays."""
    ui_done: list[int] = []

    def ui_write() -> None:
        ui_done.append(project.codings.add(1, 0, 10, "relaties", "anna").id)

    with pytest.raises(BatchFailed), project.transaction():  # the "import batch", in this thread
        project.documents.add([sample_input(name="batch-doc", text=SAMPLE_TEXT + "R: Extra.\n")], "import")
        ui = threading.Thread(target=ui_write)
        ui.start()
        ui.join(timeout=0.5)
        # The UI write must not have joined (and finished inside) the batch's transaction.
        assert ui.is_alive(), "a write of another thread ran inside this thread's transaction"
        raise BatchFailed
    ui.join()
    assert len(ui_done) == 1
    names = [d.name for d in project.documents.all()]
    assert "batch-doc" not in names  # the batch is gone ...
    assert [c.id for c in project.codings.all(document_id=1)] == ui_done  # ... the UI coding is not


def test_concurrent_ui_writes_and_failing_batches_lose_no_ui_write(project: Project) -> None:
    """Many UI codings while batches keep rolling back on another thread: every coding is kept."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def batches() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                with project.transaction():
                    project.documents.add([sample_input(name=f"b{n}", text=f"{SAMPLE_TEXT}R: Batch {n}.\n")], "import")
                    project.codings.add(1, 5, 15, "netwerken", "import")
                    raise BatchFailed
            except BatchFailed:
                pass
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                return

    worker = threading.Thread(target=batches)
    worker.start()
    try:
        made = [project.codings.add(1, i, i + 5, "relaties", "anna").id for i in range(60)]
    finally:
        stop.set()
        worker.join()
    assert not errors
    kept = {c.id for c in project.codings.all(document_id=1)}
    assert kept == set(made)
    assert project.transaction.depth == 0
    assert _coding_count(project.path) == 60  # committed, as another connection sees it


def test_depth_never_goes_negative_across_threads(project: Project) -> None:
    """A transaction another thread started inside ours (and left after ours) leaves depth at 0.

    Before, the shared counter went 1 -> 2 -> 0 -> -1, after which no write was atomic.
    """
    b_inside = threading.Event()
    a_left = threading.Event()
    depths: list[int] = []

    def other() -> None:
        with project.transaction():
            depths.append(project.transaction.depth)
            b_inside.set()
            a_left.wait(timeout=5)
        depths.append(project.transaction.depth)

    with project.transaction():
        thread = threading.Thread(target=other)
        thread.start()
        b_inside.wait(timeout=0.5)
    a_left.set()
    thread.join()
    assert depths == [1, 0]
    assert project.transaction.depth == 0
    # Still atomic: a failing multi-step write leaves nothing behind.
    with pytest.raises(BatchFailed), project.transaction():
        project.codings.add(1, 0, 5, "relaties", "anna")
        raise BatchFailed
    assert project.codings.all(document_id=1) == []


def test_nested_and_failed_begin_restore_depth(project: Project, tmp_path: Path) -> None:
    with pytest.raises(BatchFailed), project.transaction():
        assert project.transaction.depth == 1
        with project.transaction():
            assert project.transaction.depth == 2
            project.codings.add(1, 0, 5, "relaties", "anna")
            raise BatchFailed
    assert project.transaction.depth == 0
    assert project.codings.all(document_id=1) == []
    assert not project.conn.in_transaction

    # BEGIN fails (another process holds the write lock): depth stays 0, the lock is free again.
    project.conn.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(project.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ProjectLocked), project.transaction():
            pass  # pragma: no cover - BEGIN fails
        assert project.transaction.depth == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    acquired: list[bool] = []

    def take_and_release() -> None:
        got = project.transaction.lock.acquire(timeout=5)
        acquired.append(got)
        if got:
            project.transaction.lock.release()

    thread = threading.Thread(target=take_and_release)
    thread.start()
    thread.join()
    assert acquired == [True]  # the failed BEGIN released the lock
    project.codings.add(1, 0, 5, "relaties", "anna")
    assert len(project.codings.all(document_id=1)) == 1


def _write_codings(path: str, coder: str, n: int) -> None:
    project = Project.open(path)
    try:
        for i in range(n):
            project.codings.add(1, i % 100, i % 100 + 1 + i // 100, "relaties", coder)  # distinct spans
    finally:
        project.close()


def test_two_processes_writing_500_codings_each_keep_1000(tmp_path: Path) -> None:
    path = tmp_path / "two.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input()], "anna")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_codings, args=(str(path), coder, 500)) for coder in ("anna", "bram")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=300)
    assert [proc.exitcode for proc in procs] == [0, 0]
    assert _coding_count(path) == 1000
    with Project.open(path) as project:
        assert {c: sum(1 for x in project.codings.all() if x.coder == c) for c in ("anna", "bram")} == {
            "anna": 500, "bram": 500}
