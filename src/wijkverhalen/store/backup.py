"""A complete, consistent single-file copy of a project, safe while it is open.

Copying the .wijk with ``cp`` misses whatever still sits in its -wal file (the
newest codings while the TUI is open, or after a crash). :func:`backup_project`
uses SQLite's online backup API instead: it reads one consistent snapshot of the
project, WAL included, while other processes go on reading and writing, and
writes a file in rollback-journal mode that needs no -wal beside it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import ProjectError, WijkError
from .connection import BUSY_TIMEOUT_MS, check_is_project
from .faults import SQLITE_CORRUPT, SQLITE_NOTADB, storage_error


def _mapped(exc: sqlite3.Error, source: Path, dest: Path) -> WijkError:
    """Blame the file the error is about: damage is the source's, the rest (full, read-only) the copy's."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    blamed = source if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in str(exc) else dest
    return storage_error(exc, blamed) or ProjectError(f"backup failed: {exc}", path=blamed)


def backup_project(source: str | Path, dest: str | Path, *, force: bool = False) -> Path:
    """Copy project ``source`` to ``dest`` (a file, or a folder to put it in); returns the file written.

    Refuses to overwrite an existing file unless ``force``. The copy is written
    beside ``dest`` first and renamed into place only when it is complete and
    passes SQLite's quick_check, so a failed backup leaves ``dest`` as it was.
    """
    source, dest = Path(source), Path(dest)
    check_is_project(source)
    if dest.is_dir():
        dest = dest / source.name
    if not dest.parent.is_dir():
        raise ProjectError("folder does not exist", path=dest.parent)
    if dest.exists():
        if dest.resolve() == source.resolve():
            raise ProjectError("is the project itself; choose another destination", path=dest)
        if not force:
            raise ProjectError("already exists; pass --force to overwrite it", path=dest)
    part = dest.with_name(f".{dest.name}.backup-part")
    part.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(str(part))
            try:
                # One step (pages=-1): one read transaction, so the copy is one snapshot.
                src.backup(out)
                # A rollback-journal file stands alone; wijkverhalen switches it to WAL on open.
                out.execute("PRAGMA journal_mode = DELETE")
                verdict = out.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                out.close()
        finally:
            src.close()
        if verdict != "ok":
            raise ProjectError(f"the copy failed SQLite's check ({verdict}); nothing was written",
                               path=dest)
        os.replace(part, dest)
    except sqlite3.Error as exc:
        raise _mapped(exc, source, dest) from exc
    except OSError as exc:
        raise ProjectError(f"cannot write the backup: {exc.strerror or exc}", path=dest) from exc
    finally:
        part.unlink(missing_ok=True)
    return dest
