"""The operation log: every change a coder makes, for undo/redo and the audit trail.

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

The undo model (docs/tour.md, "Fixing mistakes"): undo and redo are per coder. Undo takes the
coder's newest done operation; redo the coder's most recently undone one (a
stack: ``undone_at`` is strictly increasing). An operation that cannot be applied
because someone's later work depends on it raises :class:`OperationConflict`,
which names the operation, the reason and the way out; with ``skip=True`` the
step passes over such operations to the next one and reports them.

Operations live in the project file, so undo and redo work across restarts. This
module is the only code that reads or writes the ``operations`` table: the rest of
the store and the faces ask it (:func:`history`, :func:`recent_codes`,
:func:`newest_id`, :func:`read_log`...) instead of parsing row images themselves.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import UndoConflict
from ..models import Operation
from . import document_rows

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
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class OperationConflict(UndoConflict):
    """An operation cannot be undone or redone; says which, why and how to go on."""

    def __init__(self, verb: str, op_id: int, label: str, coder: str, reason: str, hint: str) -> None:
        self.verb, self.op_id, self.label, self.coder = verb, op_id, label, coder
        self.reason, self.hint = reason, hint
        super().__init__(
            f"cannot {verb} #{op_id} ({label}, by {coder}): {reason}; {hint}, "
            f"or {verb} past it (--skip)")

    @property
    def short(self) -> str:
        """One line without the way out, for lists of skipped operations."""
        return f"#{self.op_id} ({self.label}, by {self.coder}): {self.reason}"


class _Blocked(Exception):
    """Internal: a change cannot be applied; ``reason`` and ``hint`` say why."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint


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


# -- the log as a whole: reading it, and bringing another file's log in (merge) -------------------
# A raw row of the log: (id, ts, coder, label, changes as JSON, undoable, state).
LogRow = tuple[int, str, str, str, str, int, str]


def read_log(conn: sqlite3.Connection) -> list[LogRow]:
    """Every operation of a project file, oldest first, as raw rows (a merge compares two logs)."""
    rows: list[LogRow] = conn.execute(
        "SELECT id, ts, coder, label, changes, undoable, state FROM operations ORDER BY id").fetchall()
    return rows


def row_changes(row: LogRow) -> list[dict[str, Any]]:
    """The row images and document sets of a raw log row."""
    changes: list[dict[str, Any]] = json.loads(row[4])
    return changes


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


def newest_id(conn: sqlite3.Connection) -> int:
    """The id of the newest operation (0 for an empty log)."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM operations").fetchone()[0])


# -- applying operations backwards and forwards ---------------------------------------------------
def _pk_text(pk: dict[str, Any]) -> str:
    return ",".join(str(v) for v in pk.values())


def _what(table: str, pk: dict[str, Any]) -> str:
    singular = {"codings": "coding", "codes": "code", "documents": "document", "attributes": "attribute",
                "cases": "case", "actors": "actor", "actor_mentions": "actor mention",
                "indicators": "indicator", "pseudonyms": "pseudonym"}.get(table, table)
    if table == "attributes":
        return f"attribute '{pk.get('name')}' of document {pk.get('document_id')}"
    return f"{singular} {_pk_text(pk)}"


def _blame(conn: sqlite3.Connection, op_id: int, table: str, pk: dict[str, Any]) -> tuple[str, str]:
    """Reason and hint for a row another operation changed: which one, by whom."""
    needle = f'"t": {json.dumps(table)}, "pk": {json.dumps(pk, ensure_ascii=False)}'
    row = conn.execute(
        "SELECT id, coder, label FROM operations WHERE id != ? AND state = 'done' AND instr(changes, ?) > 0"
        " ORDER BY id DESC LIMIT 1", (op_id, needle)).fetchone()
    if row is None:
        return f"{_what(table, pk)} changed since", "check it by hand"
    return (f"{_what(table, pk)} was changed since by #{row[0]} ({row[2]}, by {row[1]})",
            f"undo #{row[0]} first" if row[1] else "undo it first")


def foreign_keys(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str, str]]]:
    """Parent table -> [(child table, child column, parent column)] of every foreign key."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    for child in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(child)})").fetchall():
            parent, col, parent_col = fk[2], fk[3], fk[4]
            out.setdefault(parent, []).append((child, col, parent_col or "id"))
    return out


def _referrers(conn: sqlite3.Connection, fks: dict[str, list[tuple[str, str, str]]], table: str,
               row: dict[str, Any]) -> tuple[str, str] | None:
    """Reason and hint when other rows still point at ``row`` (a delete would fail or cascade)."""
    for child, col, parent_col in fks.get(table, []):
        value = row.get(parent_col)
        count = conn.execute(f"SELECT COUNT(*) FROM {_quote(child)} WHERE {_quote(col)} = ?",
                             (value,)).fetchone()[0]
        if not count:
            continue
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({_quote(child)})")}
        who = ""
        if "coder" in cols:
            coders = [r[0] for r in conn.execute(
                f"SELECT DISTINCT coder FROM {_quote(child)} WHERE {_quote(col)} = ? ORDER BY coder", (value,))]
            who = " of " + ", ".join(coders)
            hint = f"undo {' and '.join(c + chr(39) + 's' for c in coders)} first"
        else:
            hint = "undo those changes first"
        kind = _what(child, {}).strip()
        return f"{_what(table, {parent_col: value})} is used by {count} {kind}(s){who}", hint
    return None


def _apply_image(rec: Recorder, change: dict[str, Any], *, forward: bool, op_id: int,
                 fks: dict[str, list[tuple[str, str, str]]]) -> None:
    """Move one row from one image to the other, refusing if it changed since."""
    table, pk = change["t"], change["pk"]
    src, dst = (change["before"], change["after"]) if forward else (change["after"], change["before"])
    current = rec._row(table, pk)
    if change.get("update"):
        if current is None or any(current.get(k) != v for k, v in src.items()):
            raise _Blocked(*_blame(rec.conn, op_id, table, pk))
        rec.update(table, pk, dst)
        return
    if src is None:  # row must be absent; (re)create it
        if current is not None:
            reason, hint = _blame(rec.conn, op_id, table, pk)
            raise _Blocked(reason.replace("changed since", "exists again"), hint)
        rec.insert(table, dst)
    else:  # row must be present as the image says; remove it
        if current is None or any(current.get(k) != v for k, v in src.items() if k != "updated_at"):
            raise _Blocked(*_blame(rec.conn, op_id, table, pk))
        used = _referrers(rec.conn, fks, table, current)
        if used is not None:
            raise _Blocked(*used)
        rec.delete(table, pk)


def _apply(conn: sqlite3.Connection, op_id: int, changes: list[dict[str, Any]], *, forward: bool) -> bool:
    """Apply one operation's changes in one direction. True if document sets changed (rewrite)."""
    rec = Recorder(conn)
    fks = foreign_keys(conn)
    rewritten = False
    for change in changes if forward else reversed(changes):
        try:
            if "docs" in change:
                want_present = change["present"] if forward else not change["present"]
                if want_present:
                    document_rows.restore(conn, change["rows"])
                    change["rows"] = None
                else:
                    change["rows"] = document_rows.remove(conn, change["docs"])
                rewritten = True
            else:
                _apply_image(rec, change, forward=forward, op_id=op_id, fks=fks)
        except document_rows.RowsInUse as exc:
            raise _Blocked(exc.reason, exc.hint) from exc
        except sqlite3.IntegrityError as exc:  # a constraint we did not foresee: explain, never crash
            where = _what(change["t"], change["pk"]) if "t" in change else "documents"
            raise _Blocked(f"{where}: {exc}", "check it by hand") from exc
    return rewritten


def _stamp(conn: sqlite3.Connection) -> str:
    """A time for ``undone_at`` later than every other, so the redo stack has one order."""
    stamp = now()
    last = conn.execute("SELECT MAX(undone_at) FROM operations WHERE state = 'undone'").fetchone()[0]
    if last is not None and last >= stamp:
        stamp = _iso(datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(milliseconds=1))
    return stamp


@dataclass(frozen=True)
class Step:
    """What one undo or redo did: the operation and any conflicting ones passed over."""

    op_id: int
    label: str
    coder: str
    skipped: tuple[OperationConflict, ...] = ()


def _candidates(conn: sqlite3.Connection, redo: bool, coder: str | None, page: int = 20) -> Iterator[int]:
    """Operation ids in stack order, read a page at a time (a long log is not read whole)."""
    sql = "SELECT id FROM operations WHERE state = ? AND undoable = 1"
    params: list[Any] = ["undone" if redo else "done"]
    if coder is not None:
        sql += " AND coder = ?"
        params.append(coder)
    # undo: newest first; redo: most recently undone first (undone in newest-first order).
    sql += " ORDER BY undone_at DESC, id ASC" if redo else " ORDER BY id DESC"
    offset = 0
    while True:
        ids = [r[0] for r in conn.execute(f"{sql} LIMIT ? OFFSET ?", (*params, page, offset))]
        yield from ids
        if len(ids) < page:
            return
        offset += page


def step(conn: sqlite3.Connection, *, redo: bool, coder: str | None = None, skip: bool = False) -> Step | None:
    """Undo (or redo) the top of ``coder``'s stack; None if it is empty.

    Runs inside the caller's transaction. A conflicting operation raises
    :class:`OperationConflict` and nothing changes; with ``skip`` it is passed over
    (and listed in :attr:`Step.skipped`) and the next one is tried.
    """
    verb = "redo" if redo else "undo"
    skipped: list[OperationConflict] = []
    for op_id in _candidates(conn, redo, coder):
        label, changes_json, op_coder = conn.execute(
            "SELECT label, changes, coder FROM operations WHERE id = ?", (op_id,)).fetchone()
        changes = json.loads(changes_json)
        conn.execute("SAVEPOINT oplog_step")
        try:
            rewritten = _apply(conn, op_id, changes, forward=redo)
        except _Blocked as exc:
            conn.execute("ROLLBACK TO oplog_step")
            conn.execute("RELEASE oplog_step")
            conflict = OperationConflict(verb, op_id, label, op_coder, exc.reason, exc.hint)
            if not skip:
                raise conflict from None
            skipped.append(conflict)
            continue
        except BaseException:
            conn.execute("ROLLBACK TO oplog_step")
            conn.execute("RELEASE oplog_step")
            raise
        conn.execute("RELEASE oplog_step")
        if rewritten:
            conn.execute("UPDATE operations SET changes = ? WHERE id = ?",
                         (json.dumps(changes, ensure_ascii=False), op_id))
        if redo:
            conn.execute("UPDATE operations SET state = 'done', undone_at = NULL WHERE id = ?", (op_id,))
        else:
            conn.execute("UPDATE operations SET state = 'undone', undone_at = ? WHERE id = ?",
                         (_stamp(conn), op_id))
        return Step(op_id, str(label), str(op_coder), tuple(skipped))
    if skipped:
        raise UndoConflict(f"nothing can be {verb}ne: " + "; ".join(c.short for c in skipped[:3])
                           + ("; ..." if len(skipped) > 3 else ""))
    return None


def undo(conn: sqlite3.Connection, coder: str | None = None) -> str | None:
    """Undo the newest done operation (of ``coder`` if given). Returns its label."""
    done = step(conn, redo=False, coder=coder)
    return done.label if done else None


def redo(conn: sqlite3.Connection, coder: str | None = None) -> str | None:
    """Redo the most recently undone operation (of ``coder`` if given). Returns its label."""
    done = step(conn, redo=True, coder=coder)
    return done.label if done else None


def history(conn: sqlite3.Connection, limit: int = 100, coder: str | None = None) -> list[Operation]:
    sql = "SELECT id, ts, coder, label, state, changes FROM operations"
    params: list[Any] = []
    if coder is not None:
        sql += " WHERE coder = ?"
        params.append(coder)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [
        Operation(id=r[0], timestamp=r[1], coder=r[2], label=r[3], state=r[4], changes=_light(r[5]))
        for r in conn.execute(sql, params)
    ]


def recent_codes(conn: sqlite3.Connection, coder: str, limit: int, *, window: int = 200) -> list[str]:
    """The codes ``coder`` applied most recently, newest first, each once (at most ``limit``).

    Read from the coder's ``window`` newest operations that are still done, so the list
    survives a restart and an undone coding drops out; codes no longer in the codebook
    are left out.
    """
    existing = {r[0] for r in conn.execute("SELECT id FROM codes")}
    seen: list[str] = []
    for (changes_json,) in conn.execute(
            "SELECT changes FROM (SELECT id, state, changes FROM operations WHERE coder = ?"
            " ORDER BY id DESC LIMIT ?) WHERE state = 'done' ORDER BY id DESC", (coder, window)):
        for change in json.loads(changes_json):
            after = change.get("after") or {}
            code_id = after.get("code_id") if change.get("t") == "codings" else None
            if code_id and code_id not in seen and code_id in existing:
                seen.append(code_id)
        if len(seen) >= limit:
            break
    return seen[:limit]


def _light(changes_json: str) -> list[dict[str, Any]]:
    """The changes for the audit trail, without captured document rows (megabytes)."""
    changes: list[dict[str, Any]] = json.loads(changes_json)
    for change in changes:
        if change.get("rows") is not None:
            change["rows"] = "(captured)"
    return changes
