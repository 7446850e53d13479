"""The project schema as numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. Opening a
project applies the missing ones in one transaction each, so a project written by
an older wijkverhalen is brought up to date, and one written by a newer version is
refused instead of damaged. Migration numbers are never reused or edited once
released; a change is a new migration.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Code points per row of text_chunks; small enough to sit inside a b-tree page.
CHUNK = 256

# A marker that tells a wijkverhalen project from any other SQLite file.
APPLICATION_ID = 0x57494A4B  # "WIJK"

MIGRATION_1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    format TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    memo TEXT NOT NULL DEFAULT ''
);
-- The canonical text is the coordinate system of every coding: never rewrite it.
CREATE TRIGGER documents_text_immutable BEFORE UPDATE OF text ON documents
WHEN NEW.text IS NOT OLD.text
BEGIN
    SELECT RAISE(ABORT, 'the canonical text of a document never changes');
END;
CREATE TABLE attributes (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (document_id, name)
) WITHOUT ROWID;
CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    memo TEXT NOT NULL DEFAULT ''
);
CREATE TABLE case_documents (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, document_id)
) WITHOUT ROWID;
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('turn', 'sentence')),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker TEXT,
    turn_idx INTEGER NOT NULL,
    lemmas TEXT NOT NULL DEFAULT '',
    CHECK (start >= 0 AND "end" > start)
);
-- The canonical text again, cut in pages of CHUNK code points: derived, like the
-- segments. Retrieval and search read the few pages a passage and its context
-- span instead of a whole document (substr on an 18 KB text walks it from the
-- start and reads all its overflow pages).
CREATE TABLE text_chunks (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (document_id, idx)
) WITHOUT ROWID;
-- One index serves both look-ups by position and neighbours (start order = idx order).
CREATE INDEX segments_by_start ON segments(document_id, kind, start);
-- Full-text index over sentences: surface words and lemmas, rowid = segments.id.
-- Contentless: the text already lives in documents and the lemmas in segments,
-- so the index stores no third copy (a third of the file size, a third of the
-- import time).
CREATE VIRTUAL TABLE segments_fts USING fts5(
    text, lemmas, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    parent_id TEXT REFERENCES codes(id),
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL,
    gloss TEXT NOT NULL DEFAULT '',
    definition TEXT NOT NULL DEFAULT '',
    include TEXT NOT NULL DEFAULT '',
    exclude TEXT NOT NULL DEFAULT '',
    example TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT '#888888',
    keywords TEXT NOT NULL DEFAULT '[]',
    indicators TEXT NOT NULL DEFAULT '[]',
    actors TEXT NOT NULL DEFAULT '[]',
    memo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX codes_by_parent ON codes(parent_id, position);
-- AUTOINCREMENT: an id is never given out twice, so undoing the removal of a
-- coding can always put it back under its own id.
CREATE TABLE codings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guid TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    code_id TEXT NOT NULL REFERENCES codes(id),
    coder TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    valence TEXT CHECK (valence IN ('positive', 'negative', 'mixed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX codings_by_document ON codings(document_id, start);
CREATE INDEX codings_by_code ON codings(code_id, document_id, start);
CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    coder TEXT NOT NULL,
    label TEXT NOT NULL,
    changes TEXT NOT NULL,
    undoable INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'discarded')),
    undone_at TEXT
);
CREATE INDEX operations_by_state ON operations(state, id);
"""


def _migration_1(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_1)


def _split(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        buffer.append(line)
        if stripped.upper().startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if stripped.upper() == "END;":
                statements.append("\n".join(buffer))
                buffer, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(buffer))
            buffer = []
    return statements


# Numbered migrations. Other modules append theirs through ``register_migration``
# so each feature area owns its tables; numbers are global and unique.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migration_1}


def register_migration(number: int, migrate: Callable[[sqlite3.Connection], None]) -> None:
    """Add migration ``number``; it runs inside the caller's transaction."""
    if number in MIGRATIONS and MIGRATIONS[number] is not migrate:
        raise RuntimeError(f"migration {number} registered twice")
    MIGRATIONS[number] = migrate


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute a multi-statement DDL script statement by statement (no implicit COMMIT)."""
    for statement in _split(script):
        conn.execute(statement)


def latest_version() -> int:
    return max(MIGRATIONS)
