"""The operation log: every change a coder makes, for undo/redo and the audit trail.

A change is recorded as row images: ``{"t": table, "pk": {...}, "before": row|None,
"after": row|None}``. An insert has no ``before``, a delete no ``after``; an update
keeps only the columns it changed. Undo applies the ``before`` images in reverse
order, redo the ``after`` images in order, each after checking that the rows are
still as the operation left them, so an undo never silently clobbers later work.

Operations live in the project file, so undo and redo work across restarts.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import UndoConflict
from ..models import Operation

# Tables an operation may touch, with their primary-key columns.
TRACKED_TABLES: dict[str, tuple[str, ...]] = {
    "codings": ("id",),
    "codes": ("id",),
    "documents": ("id",),
    "attributes": ("document_id", "name"),
    "cases": ("id",),
    "case_documents": ("case_id", "document_id"),
}


def register_tracked_table(table: str, pk: tuple[str, ...]) -> None:
    """Let a feature module (linking, pseudonyms...) put its tables under undo."""
    TRACKED_TABLES[table] = pk


def now() -> str:
    """UTC timestamp with milliseconds, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Recorder:
    """Collects row changes of one operation while they are applied."""

    conn: sqlite3.Connection
    changes: list[dict[str, Any]] = field(default_factory=list)

    def _row(self, table: str, pk: dict[str, Any]) -> dict[str, Any] | None:
        where = " AND ".join(f"{_quote(k)} = ?" for k in pk)
        cur = self.conn.execute(f"SELECT * FROM {_quote(table)} WHERE {where}", tuple(pk.values()))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def insert(self, table: str, row: dict[str, Any], *, complete: bool = False) -> int:
        """Insert a row. ``complete``: ``row`` names every column, so the after-image
        is the row itself and need not be read back (the hot path of coding)."""
        cols = ", ".join(_quote(c) for c in row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(
            f"INSERT INTO {_quote(table)} ({cols}) VALUES ({marks})", tuple(row.values())
        )
        pk_cols = TRACKED_TABLES[table]
        if pk_cols == ("id",) and "id" not in row:
            row = {"id": cur.lastrowid, **row}
        pk = {k: row[k] for k in pk_cols}
        after = dict(row) if complete else self._row(table, pk)
        self.changes.append({"t": table, "pk": pk, "before": None, "after": after})
        return int(cur.lastrowid or 0)

    def update(self, table: str, pk: dict[str, Any], values: dict[str, Any]) -> bool:
        """Update columns; records only those that really change. False if nothing did."""
        current = self._row(table, pk)
        if current is None:
            raise KeyError(pk)
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return False
        sets = ", ".join(f"{_quote(k)} = ?" for k in changed)
        where = " AND ".join(f"{_quote(k)} = ?" for k in pk)
        self.conn.execute(
            f"UPDATE {_quote(table)} SET {sets} WHERE {where}",
            (*changed.values(), *pk.values()),
        )
        before = {k: current[k] for k in changed}
        self.changes.append({"t": table, "pk": pk, "before": before, "after": changed,
                             "update": True})
        return True

    def delete(self, table: str, pk: dict[str, Any]) -> dict[str, Any]:
        current = self._row(table, pk)
        if current is None:
            raise KeyError(pk)
        where = " AND ".join(f"{_quote(k)} = ?" for k in pk)
        self.conn.execute(f"DELETE FROM {_quote(table)} WHERE {where}", tuple(pk.values()))
        self.changes.append({"t": table, "pk": pk, "before": current, "after": None})
        return current

    def save(self, coder: str, label: str, *, undoable: bool = True) -> int | None:
        """Write the operation; a new undoable one discards the redo stack of its coder."""
        if not self.changes and undoable:
            return None
        if undoable:
            self.conn.execute(
                "UPDATE operations SET state = 'discarded' WHERE state = 'undone' AND coder = ?",
                (coder,),
            )
        cur = self.conn.execute(
            "INSERT INTO operations (ts, coder, label, changes, undoable) VALUES (?, ?, ?, ?, ?)",
            (now(), coder, label, json.dumps(self.changes, ensure_ascii=False), int(undoable)),
        )
        return int(cur.lastrowid or 0)


def _apply_image(rec: Recorder, change: dict[str, Any], *, forward: bool) -> None:
    """Move one row from one image to the other, refusing if it changed since."""
    table, pk = change["t"], change["pk"]
    src, dst = (change["before"], change["after"]) if forward else (change["after"], change["before"])
    current = rec._row(table, pk)
    if change.get("update"):
        if current is None or any(current.get(k) != v for k, v in src.items()):
            raise UndoConflict(f"{table} {_pk_text(pk)} changed since; cannot apply")
        rec.update(table, pk, dst)
        return
    if src is None:  # row must be absent; (re)create it
        if current is not None:
            raise UndoConflict(f"{table} {_pk_text(pk)} exists again; cannot apply")
        rec.insert(table, dst)
    else:  # row must be present as the image says; remove it
        if current is None or any(current.get(k) != v for k, v in src.items() if k != "updated_at"):
            raise UndoConflict(f"{table} {_pk_text(pk)} changed since; cannot apply")
        rec.delete(table, pk)


def _pk_text(pk: dict[str, Any]) -> str:
    return ",".join(str(v) for v in pk.values())


def _last(conn: sqlite3.Connection, state: str, coder: str | None, newest: bool) -> sqlite3.Row | None:
    order = "DESC" if newest else "ASC"
    sql = "SELECT id, label, changes, coder FROM operations WHERE state = ? AND undoable = 1"
    params: list[Any] = [state]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    sql += f" ORDER BY id {order} LIMIT 1"
    return conn.execute(sql, params).fetchone()


def undo(conn: sqlite3.Connection, coder: str | None = None) -> str | None:
    """Undo the newest done operation (of ``coder`` if given). Returns its label."""
    row = _last(conn, "done", coder, newest=True)
    if row is None:
        return None
    op_id, label, changes_json, _ = row
    rec = Recorder(conn)
    for change in reversed(json.loads(changes_json)):
        _apply_image(rec, change, forward=False)
    conn.execute("UPDATE operations SET state = 'undone', undone_at = ? WHERE id = ?", (now(), op_id))
    return str(label)


def redo(conn: sqlite3.Connection, coder: str | None = None) -> str | None:
    """Redo the oldest undone operation still on the redo stack. Returns its label."""
    # The redo stack is the run of undone operations after the newest done one.
    row = _last(conn, "undone", coder, newest=False)
    if row is None:
        return None
    op_id, label, changes_json, _ = row
    rec = Recorder(conn)
    for change in json.loads(changes_json):
        _apply_image(rec, change, forward=True)
    conn.execute("UPDATE operations SET state = 'done', undone_at = NULL WHERE id = ?", (op_id,))
    return str(label)


def history(conn: sqlite3.Connection, limit: int = 100, coder: str | None = None) -> list[Operation]:
    sql = "SELECT id, ts, coder, label, state, changes FROM operations"
    params: list[Any] = []
    if coder is not None:
        sql += " WHERE coder = ?"
        params.append(coder)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [
        Operation(id=r[0], timestamp=r[1], coder=r[2], label=r[3], state=r[4], changes=json.loads(r[5]))
        for r in conn.execute(sql, params)
    ]
