"""Every schema change of a project file, as one ordered list of numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. Opening a
project (:func:`.connection.migrate`) applies the missing ones in order, each in its
own transaction, so a project written by an older wijkverhalen is brought up to date
and one written by a newer version is refused instead of damaged.

The rules: numbers are contiguous from 1 and never reused; a released migration is
never edited (its SQL and the data it seeds stay as they were); a change to the
schema is a new entry at the end of :data:`MIGRATIONS`
(``tests/test_migrations.py`` checks the order and upgrades a file of every older
version). Newer migrations (5, 6, 8, 9) look before they add, so a file whose version
was set back by hand does not fail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..models.areas import DEFAULT_AREAS, DISTRICT_AREAS
from .schema import run_script

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


MIGRATION_2 = """
CREATE TABLE areas (
    name TEXT PRIMARY KEY,
    area_group TEXT NOT NULL CHECK (area_group IN ('botu', 'nprz', 'reference', 'other')),
    aggregate INTEGER NOT NULL DEFAULT 0,
    aliases TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE indicators (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    memo TEXT NOT NULL DEFAULT ''
);
-- One number per indicator, area and year, with its provenance (file, sheet, row, time).
CREATE TABLE indicator_values (
    indicator_id TEXT NOT NULL REFERENCES indicators(id),
    area TEXT NOT NULL REFERENCES areas(name),
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL,
    sheet TEXT NOT NULL DEFAULT '',
    row INTEGER,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (indicator_id, area, year)
) WITHOUT ROWID;
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT '',
    inventory TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '[]',
    memo TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE TABLE actor_mentions (
    id INTEGER PRIMARY KEY,
    actor_id TEXT NOT NULL REFERENCES actors(id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    matched TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'detected' CHECK (status IN ('detected', 'confirmed', 'rejected')),
    origin TEXT NOT NULL DEFAULT 'detected' CHECK (origin IN ('detected', 'manual')),
    updated_by TEXT,
    updated_at TEXT,
    UNIQUE (actor_id, document_id, start, "end"),
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX actor_mentions_by_document ON actor_mentions(document_id, start);
CREATE INDEX actor_mentions_by_actor ON actor_mentions(actor_id, status);
"""


def _migration_2(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_2)
    conn.executemany(
        "INSERT INTO areas (name, area_group, aggregate, aliases, position) VALUES (?, ?, ?, ?, ?)",
        [(a.name, a.group, int(a.aggregate), json.dumps(list(a.aliases), ensure_ascii=False), a.position)
         for a in DEFAULT_AREAS],
    )


MIGRATION_3 = """
CREATE TABLE pseudonyms (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    pseudonym TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE
);
"""


def _migration_3(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_3)


MIGRATION_4 = """
ALTER TABLE areas ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE areas ADD COLUMN district TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN scale TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN better TEXT NOT NULL DEFAULT '' CHECK (better IN ('', 'higher', 'lower'));
ALTER TABLE indicators ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE indicator_values ADD COLUMN edition TEXT NOT NULL DEFAULT '';
"""


def _migration_4(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_4)
    for area in DEFAULT_AREAS:
        conn.execute("UPDATE areas SET level = ?, district = ? WHERE name = ?",
                     (area.level, area.district, area.name))
    position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM areas").fetchone()[0]
    for offset, area in enumerate(DISTRICT_AREAS):
        # A district the researcher already added by hand (--new-area Delfshaven=other) keeps its
        # group and place and is marked a district.
        conn.execute(
            "INSERT INTO areas (name, area_group, aggregate, aliases, position, level) VALUES (?, ?, 0, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET level = excluded.level",
            (area.name, area.group, json.dumps(list(area.aliases), ensure_ascii=False), position + offset,
             area.level))


# Where in the seed a code comes from, and what a coding's valence means for it
# (codebook 2021.2). ``valence_meaning``, not ``valence``: codings has a valence
# column, and a join must never find two. Number 5: migration 4 is the indicator
# metadata's (store/indicators.py).
_NEW_CODE_COLUMNS = ("source", "valence_meaning")


def _migration_5(conn: sqlite3.Connection) -> None:
    present = {row[1] for row in conn.execute("PRAGMA table_info(codes)")}
    for column in _NEW_CODE_COLUMNS:
        if column not in present:
            conn.execute(f"ALTER TABLE codes ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


MIGRATION_6 = """
CREATE TABLE IF NOT EXISTS coder_done (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merge_conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    field TEXT NOT NULL,
    kept TEXT,
    other TEXT,
    rule TEXT NOT NULL,
    merged_at TEXT NOT NULL
);
"""


def _migration_6(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_6)


# Issue 12: a mention found only through a generic alias ("de gemeente") is stored as
# 'suggested' and counts nowhere until the coder confirms it. SQLite cannot change a
# CHECK constraint in place, so the table is rebuilt with the same columns and rows.
MIGRATION_7 = """
CREATE TABLE actor_mentions_7 (
    id INTEGER PRIMARY KEY,
    actor_id TEXT NOT NULL REFERENCES actors(id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    matched TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'detected'
        CHECK (status IN ('detected', 'suggested', 'confirmed', 'rejected')),
    origin TEXT NOT NULL DEFAULT 'detected' CHECK (origin IN ('detected', 'manual')),
    updated_by TEXT,
    updated_at TEXT,
    UNIQUE (actor_id, document_id, start, "end"),
    CHECK (start >= 0 AND "end" > start)
);
INSERT INTO actor_mentions_7 (id, actor_id, document_id, start, "end", matched, status, origin, updated_by,
    updated_at)
    SELECT id, actor_id, document_id, start, "end", matched, status, origin, updated_by, updated_at
    FROM actor_mentions;
DROP TABLE actor_mentions;
ALTER TABLE actor_mentions_7 RENAME TO actor_mentions;
CREATE INDEX actor_mentions_by_document ON actor_mentions(document_id, start);
CREATE INDEX actor_mentions_by_actor ON actor_mentions(actor_id, status);
"""


def _migration_7(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_7)


# Migration 8: a per-indicator threshold for triangulation (``indicators describe --threshold``);
# NULL means "the indicator's own median edition-to-edition change".
MIGRATION_8 = "ALTER TABLE indicators ADD COLUMN threshold REAL;"


def _migration_8(conn: sqlite3.Connection) -> None:
    # Idempotent: a project whose version was set back by hand may have the column already.
    if "threshold" not in {row[1] for row in conn.execute("PRAGMA table_info(indicators)")}:
        run_script(conn, MIGRATION_8)


MIGRATION_9 = """
CREATE TABLE IF NOT EXISTS consensus_rejections (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    code_id TEXT NOT NULL,
    coder TEXT NOT NULL,
    rejected_at TEXT NOT NULL,
    PRIMARY KEY (document_id, start, "end", code_id)
) WITHOUT ROWID;
"""


def _migration_9(conn: sqlite3.Connection) -> None:
    run_script(conn, MIGRATION_9)


# Full-text index segments of one level merged at a time (FTS5's default is 4). Each
# import batch adds a segment; merging 8 at a time rewrites the index half as often
# over a project's life: about 15% of an import's SQLite work (bench/README.md), for
# a query that looks in a few more segments.
FTS_AUTOMERGE = 8


def _migration_10(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO segments_fts (segments_fts, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,))


@dataclass(frozen=True)
class Migration:
    """One schema change: its number, what it adds, and the function that applies it.

    ``apply`` runs inside the caller's transaction and must not commit.
    """

    number: int
    adds: str
    apply: Callable[[sqlite3.Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "documents, segments, text pages, full-text index, codes, codings, operations",
              _migration_1),
    Migration(2, "linking: areas (seeded), indicators, indicator values, actors, actor mentions",
              _migration_2),
    Migration(3, "exchange: pseudonyms and REFI-QDA users", _migration_3),
    Migration(4, "indicator metadata, area levels and districts", _migration_4),
    Migration(5, "codes: source and valence_meaning", _migration_5),
    Migration(6, "teams: done marks and merge conflicts", _migration_6),
    Migration(7, "actor mentions may be 'suggested'", _migration_7),
    Migration(8, "indicators: triangulation threshold", _migration_8),
    Migration(9, "teams: consensus rejections", _migration_9),
    Migration(10, "full-text index: merge 8 segments at a time", _migration_10),
)


def latest_version() -> int:
    """The schema version a project has once every migration is applied."""
    return MIGRATIONS[-1].number


def pending(version: int) -> list[Migration]:
    """The migrations a project at ``version`` still needs, in order."""
    return [m for m in MIGRATIONS if m.number > version]


def apply_up_to(conn: sqlite3.Connection, version: int) -> None:
    """Apply migrations 1..``version`` to an empty database and set its ``user_version``.

    Builds a project file as an older wijkverhalen wrote it (tests and bench use it);
    ``conn`` must be in autocommit mode, outside a transaction.
    """
    for migration in MIGRATIONS:
        if migration.number > version:
            break
        migration.apply(conn)
    conn.execute(f"PRAGMA user_version = {int(version)}")
