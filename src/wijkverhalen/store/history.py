"""The operation log as the project's history: logged writes, undo, redo, the list of steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import oplog, oplog_queries, oplog_undo
from .base import Core


class History:
    """``project.history``: every write goes through :meth:`operation`; undo and redo walk it back."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.conn = core.conn
        self.transaction = core.transaction

    @contextmanager
    def operation(self, coder: str, label: str, *, undoable: bool = True) -> Iterator[oplog.Recorder]:
        """One logged, atomic change: rows changed through the recorder are undoable."""
        with self.transaction():
            rec = oplog.Recorder(self.conn)
            yield rec
            rec.save(coder, label, undoable=undoable)

    def undo(self, coder: str | None = None) -> str | None:
        """Undo ``coder``'s newest operation (anyone's if None); returns its label or None.

        Raises :class:`~.oplog_undo.OperationConflict` (a ``UndoConflict``) naming the
        operation, why it cannot be undone and what to do; nothing changes then.
        """
        step = self.undo_step(coder)
        return step.label if step else None

    def redo(self, coder: str | None = None) -> str | None:
        """Redo ``coder``'s most recently undone operation; returns its label or None."""
        step = self.redo_step(coder)
        return step.label if step else None

    def undo_step(self, coder: str | None = None, *, skip: bool = False) -> oplog_undo.Step | None:
        """Undo, passing over conflicting operations when ``skip`` (listed in the step)."""
        with self.transaction():
            step = oplog_undo.step(self.conn, redo=False, coder=coder, skip=skip)
        self.core.lengths.clear()  # document ids may have come or gone
        return step

    def redo_step(self, coder: str | None = None, *, skip: bool = False) -> oplog_undo.Step | None:
        with self.transaction():
            step = oplog_undo.step(self.conn, redo=True, coder=coder, skip=skip)
        self.core.lengths.clear()
        return step

    def recent(self, limit: int = 100, coder: str | None = None) -> list[Any]:
        """The newest ``limit`` operations (of ``coder`` when given), newest first."""
        return oplog_queries.history(self.conn, limit, coder)

    def recent_codes(self, coder: str, limit: int) -> list[str]:
        """The codes ``coder`` applied most recently (still done, still in the codebook), newest first."""
        return oplog_queries.recent_codes(self.conn, coder, limit)

    def change_stamp(self) -> tuple[int, int]:
        """``(newest operation id, data version)``: cheap to poll for other writers' changes.

        SQLite's ``data_version`` moves when *another* connection (the CLI, a second
        coder) commits, never for this connection's own writes, so a changed value
        means the project changed under us (an undo elsewhere too, which adds no
        operation).
        """
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return oplog_queries.newest_id(self.conn), int(version)
