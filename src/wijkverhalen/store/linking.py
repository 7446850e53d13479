"""Tables of the linking inventories: areas, indicators, code links, actors, mentions.

Migration 2 adds the tables; :mod:`.indicators` and :mod:`.actors` are the parts
that read and write them. Everything a researcher changes by hand (importing an
indicator table or actor registry, linking a code to an indicator, confirming or
rejecting a mention) is one undoable operation; ``actors detect`` is logged but not
undoable (it is a pure function of the texts and the registry: run it again).
Every write is one transaction and checks its whole input first, so bad input
writes nothing.

Only SQL lives here. Reading files (pandas, YAML) and phrase matching are in
:mod:`wijkverhalen.linking`; those modules hand over the frozen dataclasses of
:mod:`wijkverhalen.linking.models`.
"""

from __future__ import annotations

import json
import sqlite3

from ..linking.areas import DEFAULT_AREAS
from . import oplog, schema

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
    schema.run_script(conn, MIGRATION_2)
    conn.executemany(
        "INSERT INTO areas (name, area_group, aggregate, aliases, position) VALUES (?, ?, ?, ?, ?)",
        [(a.name, a.group, int(a.aggregate), json.dumps(list(a.aliases), ensure_ascii=False), a.position)
         for a in DEFAULT_AREAS],
    )


schema.register_migration(2, _migration_2)

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
    schema.run_script(conn, MIGRATION_7)


schema.register_migration(7, _migration_7)
for _table, _pk in (("areas", ("name",)), ("indicators", ("id",)),
                    ("indicator_values", ("indicator_id", "area", "year")),
                    ("actors", ("id",)), ("actor_mentions", ("id",))):
    oplog.register_tracked_table(_table, _pk)
