"""What every part of the store shares: the one connection, its transactions and meta.

:class:`Core` owns the connection; :class:`Part` is the small base of each feature
area (documents, codes, codings, ...), which :class:`~wijkverhalen.store.Project`
composes. A part gets everything it uses in its constructor: the core, the
history (for logged writes) and, where it needs them, other parts.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .connection import Transactions

if TYPE_CHECKING:
    import sqlite_utils

    from .history import History


class Core:
    """The connection, its transactions, the project's meta values and the length cache."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.path = path
        self.transaction = Transactions(self.conn, path)
        # Document id -> length in code points. A document's text never changes, but
        # ids come and go (remove, undo, merge): those clear the cache.
        self.lengths: dict[int, int] = {}

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
        """Read-only helper returning dict rows."""
        return list(self.db.query(sql, params))


class Part:
    """One feature area of the store over the shared connection.

    ``self.operation`` is :meth:`History.operation <wijkverhalen.store.history.History.operation>`:
    one logged, atomic, undoable change.
    """

    def __init__(self, core: Core, history: History) -> None:
        self.core = core
        self.db = core.db
        self.conn = core.conn
        self.transaction = core.transaction
        self.operation = history.operation
