"""What every project file shares: its marker, the text page size, and the DDL runner.

The schema itself is the ordered list of numbered migrations in :mod:`.migrations`.
"""

from __future__ import annotations

import sqlite3

# Code points per row of text_chunks; small enough to sit inside a b-tree page.
CHUNK = 256

# A marker that tells a wijkverhalen project from any other SQLite file.
APPLICATION_ID = 0x57494A4B  # "WIJK"


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


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute a multi-statement DDL script statement by statement (no implicit COMMIT)."""
    for statement in _split(script):
        conn.execute(statement)


def marks(n: int) -> str:
    """``?, ?, ?``: the placeholders of an ``IN (...)`` list or a row of ``n`` values."""
    return ", ".join("?" * n)
