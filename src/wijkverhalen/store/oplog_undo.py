"""Undo and redo: applying the operation log's row images backwards and forwards.

The undo model (docs/tour.md, "Fixing mistakes"): undo and redo are per coder. Undo takes the
coder's newest done operation; redo the coder's most recently undone one (a
stack: ``undone_at`` is strictly increasing). An operation that cannot be applied
because someone's later work depends on it raises :class:`OperationConflict`,
which names the operation, the reason and the way out; with ``skip=True`` the
step passes over such operations to the next one and reports them.

Operations live in the project file, so undo and redo work across restarts. What a
change looks like (row images, document sets) is described in :mod:`.oplog`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import UndoConflict
from . import document_rows
from .oplog import Recorder, iso_time, now, quote_name


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
        for fk in conn.execute(f"PRAGMA foreign_key_list({quote_name(child)})").fetchall():
            parent, col, parent_col = fk[2], fk[3], fk[4]
            out.setdefault(parent, []).append((child, col, parent_col or "id"))
    return out


def _referrers(conn: sqlite3.Connection, fks: dict[str, list[tuple[str, str, str]]], table: str,
               row: dict[str, Any]) -> tuple[str, str] | None:
    """Reason and hint when other rows still point at ``row`` (a delete would fail or cascade)."""
    for child, col, parent_col in fks.get(table, []):
        value = row.get(parent_col)
        count = conn.execute(f"SELECT COUNT(*) FROM {quote_name(child)} WHERE {quote_name(col)} = ?",
                             (value,)).fetchone()[0]
        if not count:
            continue
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({quote_name(child)})")}
        who = ""
        if "coder" in cols:
            coders = [r[0] for r in conn.execute(
                f"SELECT DISTINCT coder FROM {quote_name(child)} WHERE {quote_name(col)} = ? ORDER BY coder", (value,))]
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
    current = rec.row(table, pk)
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
        stamp = iso_time(datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(milliseconds=1))
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
