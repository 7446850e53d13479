"""The operation log: every change a coder makes, recorded for undo/redo and the audit trail.

A change is recorded as row images: ``{"t": table, "pk": {...}, "before": row|None,
"after": row|None}``. An insert has no ``before``, a delete no ``after``; an update
keeps only the columns it changed. Undo applies the ``before`` images in reverse
order, redo the ``after`` images in order, each after checking that the rows are
still as the operation left them, so an undo never silently clobbers later work.

Whole documents are too big for row images (an import of 1,000 interviews would
write their texts, sentences and lemmas into the log). A change may therefore be
a *document set*, ``{"docs": [ids], "present": bool, "rows": snapshot|None}``:
``present`` says whether the documents exist after the operation, and ``rows``
holds their captured rows (see :mod:`.document_rows`) exactly while they are
absent. An import stores only its document ids; undoing it captures and removes
the documents, and redo puts them back from the capture.

The log is three modules, and they are the only code that reads or writes the
``operations`` table: this one records (:class:`Recorder`, :func:`save_import`,
:func:`save_audit`, a merge's :func:`add_history`), :mod:`.oplog_undo` walks the
log backwards and forwards (undo, redo, their conflicts), and :mod:`.oplog_queries`
answers the rest of the store and the faces (:func:`~.oplog_queries.history`,
:func:`~.oplog_queries.recent_codes`, :func:`~.oplog_queries.newest_id`,
:func:`~.oplog_queries.read_log`...), so nobody parses row images themselves.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import document_rows
from .oplog_queries import LogRow, row_changes
from .schema import marks

# Tables an operation may touch, with their primary-key columns.
TRACKED_TABLES: dict[str, tuple[str, ...]] = {
    "codings": ("id",),
    "codes": ("id",),
    "documents": ("id",),
    "attributes": ("document_id", "name"),
    "cases": ("id",),
    "case_documents": ("case_id", "document_id"),
    # A merge brings the copies' operations into the log (as history that cannot be
    # undone on its own, :func:`add_history`); undoing the merge takes them out again.
    "operations": ("id",),
}


def register_tracked_table(table: str, pk: tuple[str, ...]) -> None:
    """Let a feature module (linking, pseudonyms...) put its tables under undo."""
    TRACKED_TABLES[table] = pk


def now() -> str:
    """UTC timestamp with milliseconds, ISO 8601."""
    return iso_time(datetime.now(UTC))


def iso_time(moment: datetime) -> str:
    """``moment`` as the log writes times (ISO 8601, milliseconds, ``Z``)."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def quote_name(name: str) -> str:
    """A table or column name quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Recorder:
    """Collects row changes of one operation while they are applied."""

    conn: sqlite3.Connection
    changes: list[dict[str, Any]] = field(default_factory=list)

    def row(self, table: str, pk: dict[str, Any]) -> dict[str, Any] | None:
        """The row of ``table`` with primary key ``pk`` as it is now (None if there is none)."""
        where = " AND ".join(f"{quote_name(k)} = ?" for k in pk)
        cur = self.conn.execute(f"SELECT * FROM {quote_name(table)} WHERE {where}", tuple(pk.values()))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def insert(self, table: str, row: dict[str, Any], *, complete: bool = False) -> int:
        """Insert a row. ``complete``: ``row`` names every column, so the after-image
        is the row itself and need not be read back (the hot path of coding)."""
        cols = ", ".join(quote_name(c) for c in row)
        placeholders = marks(len(row))
        cur = self.conn.execute(
            f"INSERT INTO {quote_name(table)} ({cols}) VALUES ({placeholders})", tuple(row.values())
        )
        pk_cols = TRACKED_TABLES[table]
        if pk_cols == ("id",) and "id" not in row:
            row = {"id": cur.lastrowid, **row}
        pk = {k: row[k] for k in pk_cols}
        after = dict(row) if complete else self.row(table, pk)
        self.changes.append({"t": table, "pk": pk, "before": None, "after": after})
        return int(cur.lastrowid or 0)

    def update(self, table: str, pk: dict[str, Any], values: dict[str, Any]) -> bool:
        """Update columns; records only those that really change. False if nothing did."""
        current = self.row(table, pk)
        if current is None:
            raise KeyError(pk)
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return False
        sets = ", ".join(f"{quote_name(k)} = ?" for k in changed)
        where = " AND ".join(f"{quote_name(k)} = ?" for k in pk)
        self.conn.execute(
            f"UPDATE {quote_name(table)} SET {sets} WHERE {where}",
            (*changed.values(), *pk.values()),
        )
        before = {k: current[k] for k in changed}
        self.changes.append({"t": table, "pk": pk, "before": before, "after": changed,
                             "update": True})
        return True

    def delete(self, table: str, pk: dict[str, Any]) -> dict[str, Any]:
        current = self.row(table, pk)
        if current is None:
            raise KeyError(pk)
        where = " AND ".join(f"{quote_name(k)} = ?" for k in pk)
        self.conn.execute(f"DELETE FROM {quote_name(table)} WHERE {where}", tuple(pk.values()))
        self.changes.append({"t": table, "pk": pk, "before": current, "after": None})
        return current

    def remove_documents(self, ids: list[int]) -> None:
        """Remove whole documents (codings must be gone already) as one document set."""
        snapshot = document_rows.remove(self.conn, ids)
        self.changes.append({"docs": list(ids), "present": False, "rows": snapshot})

    def save(self, coder: str, label: str, *, undoable: bool = True) -> int | None:
        """Write the operation; a new undoable one discards the redo stack of its coder."""
        if not self.changes and undoable:
            return None
        if undoable:
            discard_redo_stack(self.conn, coder)
        cur = self.conn.execute(
            "INSERT INTO operations (ts, coder, label, changes, undoable) VALUES (?, ?, ?, ?, ?)",
            (now(), coder, label, json.dumps(self.changes, ensure_ascii=False), int(undoable)),
        )
        return int(cur.lastrowid or 0)


def discard_redo_stack(conn: sqlite3.Connection, coder: str) -> None:
    """A new operation of ``coder`` ends their redo stack.

    Captured documents of a discarded operation can never come back, so their
    rows are dropped from the log (an undone import of 1,000 interviews holds them all).
    """
    for op_id, changes_json in conn.execute(
            "SELECT id, changes FROM operations WHERE state = 'undone' AND coder = ?"
            " AND instr(changes, '\"docs\": [') > 0", (coder,)).fetchall():
        changes = json.loads(changes_json)
        for change in changes:
            if "docs" in change:
                change["rows"] = None
        conn.execute("UPDATE operations SET changes = ? WHERE id = ?",
                     (json.dumps(changes, ensure_ascii=False), op_id))
    conn.execute("UPDATE operations SET state = 'discarded' WHERE state = 'undone' AND coder = ?", (coder,))


def save_import(conn: sqlite3.Connection, op_id: int | None, coder: str, label: str,
                changes: list[dict[str, Any]]) -> int:
    """Write (first batch) or extend (later batches) the one operation of an import."""
    text = json.dumps(changes, ensure_ascii=False)
    if op_id is None:
        discard_redo_stack(conn, coder)
        cur = conn.execute(
            "INSERT INTO operations (ts, coder, label, changes, undoable) VALUES (?, ?, ?, ?, 1)",
            (now(), coder, label, text))
        return int(cur.lastrowid or 0)
    conn.execute("UPDATE operations SET label = ?, changes = ? WHERE id = ?", (label, text, op_id))
    return op_id


def save_audit(conn: sqlite3.Connection, coder: str, label: str) -> int:
    """An entry for the audit trail that changed nothing and has nothing to undo."""
    cur = conn.execute(
        "INSERT INTO operations (ts, coder, label, changes, undoable) VALUES (?, ?, ?, ?, 0)",
        (now(), coder, label, "[]"))
    return int(cur.lastrowid or 0)


# -- bringing another file's log in (merge) ------------------------------------------------------
def add_history(rec: Recorder, row: LogRow) -> None:
    """Bring an operation of another project file in as history (merge): never undone alone.

    Captured document rows stay behind (the documents came in with the merge); undoing
    the merge takes the entry out again, as ``rec`` records it.
    """
    changes = row_changes(row)
    for change in changes:
        if change.get("rows") is not None:
            change["rows"] = None
    rec.insert("operations", {
        "ts": row[1], "coder": row[2], "label": row[3],
        "changes": json.dumps(changes, ensure_ascii=False), "undoable": 0,
        "state": "done" if row[6] == "done" else "discarded", "undone_at": None})


def hide_others_codings(conn: sqlite3.Connection, coder: str) -> None:
    """In a blind copy, others' coding operations keep their place but show nothing."""
    conn.execute(
        "UPDATE operations SET label = 'coding (hidden in a blind copy)', changes = '[]',"
        " undoable = 0 WHERE coder != ? AND instr(changes, '\"t\": \"codings\"') > 0", (coder,))
