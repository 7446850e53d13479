"""The operation log read: the history list, recent codes, the newest id, a whole log.

The rest of the store and the faces ask these instead of reading the ``operations``
table or parsing its row images (see :mod:`.oplog` for what a change looks like).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..models import Operation

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


def newest_id(conn: sqlite3.Connection) -> int:
    """The id of the newest operation (0 for an empty log)."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM operations").fetchone()[0])


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
