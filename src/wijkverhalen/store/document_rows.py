"""Capture, remove and restore whole documents with every row that hangs off them.

Used by the operation log for document sets (undoing an import, removing
documents and undoing that). A capture is plain JSON::

    {"documents": {"cols": [...], "rows": [[...], ...]},
     "segments": {...}, "attributes": {...}, "case_documents": {...}, ...}

Each table is stored as column names plus value lists (a tenth of the size of
one dict per row). ``text_chunks`` and the full-text index are derived from the
text and the sentences and are rebuilt on restore, not stored. Every other table
with a foreign key to ``documents`` is found from the schema, so a feature that
adds one (actor mentions...) is captured without changes here. Codings are the
coders' work and are never captured: a document set with codings is refused
(:class:`RowsInUse`); whoever removes documents on purpose removes the codings
first as ordinary row changes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .schema import CHUNK, marks

# Rebuilt from the text and the sentences, never captured.
_DERIVED = ("text_chunks", "segments_fts")


class RowsInUse(Exception):
    """Documents cannot be removed: codings (someone's work) are on them."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dependent_tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every real table with a foreign key to ``documents``."""
    out = []
    for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " ORDER BY name").fetchall():
        if table in _DERIVED:
            continue
        for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})").fetchall():
            if fk[2] == "documents":
                out.append((table, fk[3]))
    return out


def codings_on(conn: sqlite3.Connection, ids: list[int]) -> dict[str, int]:
    """Coder -> number of codings on these documents."""
    return dict(conn.execute(
        f"SELECT coder, COUNT(*) FROM codings WHERE document_id IN ({marks(len(ids))})"
        " GROUP BY coder ORDER BY coder", ids).fetchall())


def _select(conn: sqlite3.Connection, table: str, column: str, ids: list[int]) -> dict[str, Any]:
    cur = conn.execute(f"SELECT * FROM {_quote(table)} WHERE {_quote(column)} IN ({marks(len(ids))})", ids)
    return {"cols": [d[0] for d in cur.description], "rows": [list(r) for r in cur.fetchall()]}


def remove(conn: sqlite3.Connection, ids: list[int]) -> dict[str, Any]:
    """Capture the documents and their rows, then delete them (caller's transaction)."""
    ids = [int(i) for i in ids]
    present = [r[0] for r in conn.execute(
        f"SELECT id FROM documents WHERE id IN ({marks(len(ids))})", ids)]
    if len(present) != len(ids):
        missing = sorted(set(ids) - set(present))
        raise RowsInUse(f"document(s) {', '.join(map(str, missing))} are gone already", "check by hand")
    coded = codings_on(conn, ids)
    if coded:
        who = ", ".join(f"{n} of {coder}" for coder, n in coded.items())
        firsts = " and ".join(f"{coder}'s" for coder in coded)
        raise RowsInUse(f"{sum(coded.values())} coding(s) are on these documents ({who})",
                        f"undo or remove {firsts} codings first (or 'documents remove --force')")
    snapshot: dict[str, Any] = {"documents": _select(conn, "documents", "id", ids)}
    dependents = [(t, c) for t, c in dependent_tables(conn) if t != "codings"]
    for table, column in dependents:
        snapshot[table] = _select(conn, table, column, ids)
    # A contentless full-text index forgets a row only when told its exact old values.
    texts = dict(conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks(len(ids))})", ids))
    conn.executemany(
        "INSERT INTO segments_fts (segments_fts, rowid, text, lemmas) VALUES ('delete', ?, ?, ?)",
        [(seg_id, texts[doc][a:b], lemmas) for seg_id, doc, a, b, lemmas in conn.execute(
            f'SELECT id, document_id, start, "end", lemmas FROM segments WHERE kind = \'sentence\''
            f" AND document_id IN ({marks(len(ids))})", ids).fetchall()])
    conn.execute(f"DELETE FROM text_chunks WHERE document_id IN ({marks(len(ids))})", ids)
    for table, column in dependents:
        conn.execute(f"DELETE FROM {_quote(table)} WHERE {_quote(column)} IN ({marks(len(ids))})", ids)
    conn.execute(f"DELETE FROM documents WHERE id IN ({marks(len(ids))})", ids)
    return snapshot


def restore(conn: sqlite3.Connection, snapshot: dict[str, Any] | None) -> None:
    """Put captured documents back under their own ids (caller's transaction)."""
    if snapshot is None:
        raise RowsInUse("its documents were not kept (the operation was discarded)", "re-import them")
    docs = snapshot["documents"]
    cols = docs["cols"]
    at = {c: i for i, c in enumerate(cols)}
    for row in docs["rows"]:
        clash = conn.execute("SELECT id, name FROM documents WHERE id = ? OR name = ? OR sha256 = ?",
                             (row[at["id"]], row[at["name"]], row[at["sha256"]])).fetchone()
        if clash is not None:
            raise RowsInUse(f"document '{row[at['name']]}' cannot come back: document {clash[0]} "
                            f"('{clash[1]}') has its id, name or text now",
                            f"remove document {clash[0]} first")
    conn.executemany(
        f"INSERT INTO documents ({', '.join(map(_quote, cols))}) VALUES ({marks(len(cols))})", docs["rows"])
    texts = {row[at["id"]]: row[at["text"]] for row in docs["rows"]}
    conn.executemany(
        "INSERT INTO text_chunks (document_id, idx, text) VALUES (?, ?, ?)",
        [(doc, i, text[pos:pos + CHUNK]) for doc, text in texts.items()
         for i, pos in enumerate(range(0, len(text), CHUNK))])
    for table, data in snapshot.items():
        if table == "documents" or not data["rows"]:
            continue
        cols = data["cols"]
        rows = data["rows"]
        if table == "segments":
            # Their own ids, unless a later import took some (segments have no AUTOINCREMENT;
            # nothing refers to a segment id, so new ones are safe).
            sid = cols.index("id")
            old_ids = [r[sid] for r in rows]
            taken = conn.execute(
                f"SELECT COUNT(*) FROM segments WHERE id IN ({marks(len(old_ids))})", old_ids).fetchone()[0] \
                if len(old_ids) < 30000 else 1
            if taken:
                first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM segments").fetchone()[0]
                rows = [[first + n if i == sid else v for i, v in enumerate(r)] for n, r in enumerate(rows)]
            seg = {c: i for i, c in enumerate(cols)}
            conn.executemany(
                "INSERT INTO segments_fts (rowid, text, lemmas) VALUES (?, ?, ?)",
                [(r[sid], texts[r[seg["document_id"]]][r[seg["start"]]:r[seg["end"]]], r[seg["lemmas"]])
                 for r in rows if r[seg["kind"]] == "sentence"])
        conn.executemany(
            f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, cols))}) VALUES ({marks(len(cols))})", rows)
