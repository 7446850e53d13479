"""Shared plumbing of the Project facade: connection, transactions, operations."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import oplog
from .connection import Transactions

if TYPE_CHECKING:
    import sqlite_utils


class ProjectBase:
    """Owns the connection; mixins add the feature areas."""

    db: sqlite_utils.Database
    conn: sqlite3.Connection
    path: Path

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.conn = db.conn
        self.path = path
        self.transaction = Transactions(self.conn, path)

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        """Checkpoint (without waiting) and close; closing twice is harmless.

        Folding the WAL back makes the single .wijk file complete to copy or mail.
        The checkpoint never waits: with another process reading, a TRUNCATE
        checkpoint would sit in the busy handler for the whole busy timeout, so we
        drop the timeout to 0 first. What another reader still pins stays in the
        WAL, where it is safe, and is folded back by the next checkpoint.
        """
        if getattr(self, "_closed", False):
            return
        self._closed = True
        # Let a write of another thread (a TUI worker) finish before closing under it.
        locked = self.transaction.lock.acquire(timeout=self.transaction.wait)
        try:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")
                if not self.conn.in_transaction:
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.close()
        finally:
            if locked:
                self.transaction.lock.release()

    def checkpoint(self) -> bool:
        """Fold committed WAL content back into the project file now, never waiting.

        A PASSIVE checkpoint: it copies what no reader still needs and returns at
        once. Skipped (False) while any thread holds a write transaction. True when
        the project file alone holds every committed change.
        """
        if getattr(self, "_closed", False) or not self.transaction.lock.acquire(blocking=False):
            return False
        try:
            if self.conn.in_transaction:
                return False
            busy, frames, done = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return False
        finally:
            self.transaction.lock.release()
        return bool(busy == 0 and frames == done)

    def __enter__(self) -> ProjectBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations ----------------------------------------------------------
    @contextmanager
    def operation(self, coder: str, label: str, *, undoable: bool = True) -> Iterator[oplog.Recorder]:
        """One logged, atomic change: rows changed through the recorder are undoable."""
        with self.transaction():
            rec = oplog.Recorder(self.conn)
            yield rec
            rec.save(coder, label, undoable=undoable)

    def undo(self, coder: str | None = None) -> str | None:
        """Undo ``coder``'s newest operation (anyone's if None); returns its label or None.

        Raises :class:`~.oplog.OperationConflict` (a ``UndoConflict``) naming the
        operation, why it cannot be undone and what to do; nothing changes then.
        """
        step = self.undo_step(coder)
        return step.label if step else None

    def redo(self, coder: str | None = None) -> str | None:
        """Redo ``coder``'s most recently undone operation; returns its label or None."""
        step = self.redo_step(coder)
        return step.label if step else None

    def undo_step(self, coder: str | None = None, *, skip: bool = False) -> oplog.Step | None:
        """Undo, passing over conflicting operations when ``skip`` (listed in the step)."""
        with self.transaction():
            step = oplog.step(self.conn, redo=False, coder=coder, skip=skip)
        self.__dict__.pop("_length_cache", None)  # document ids may have come or gone
        return step

    def redo_step(self, coder: str | None = None, *, skip: bool = False) -> oplog.Step | None:
        with self.transaction():
            step = oplog.step(self.conn, redo=True, coder=coder, skip=skip)
        self.__dict__.pop("_length_cache", None)
        return step

    def history(self, limit: int = 100, coder: str | None = None) -> list[Any]:
        return oplog.history(self.conn, limit, coder)

    def recent_codes(self, coder: str, limit: int) -> list[str]:
        """The codes ``coder`` applied most recently (still done, still in the codebook), newest first."""
        return oplog.recent_codes(self.conn, coder, limit)

    def change_stamp(self) -> tuple[int, int]:
        """``(newest operation id, data version)``: cheap to poll for other writers' changes.

        SQLite's ``data_version`` moves when *another* connection (the CLI, a second
        coder) commits, never for this connection's own writes, so a changed value
        means the project changed under us (an undo elsewhere too, which adds no
        operation).
        """
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return oplog.newest_id(self.conn), int(version)

    # -- meta ------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Read-only helper returning dict rows (for analysis modules)."""
        return list(self.db.query(sql, params))
