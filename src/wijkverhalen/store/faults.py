"""SQLite's failures as one honest line that names the project file.

A full disk, a read-only file or folder, a damaged page or a lock held too long
reach us as ``sqlite3`` exceptions whose text rarely says what to do (and after
SQLite has already rolled the transaction back, a second error can hide the
first). :func:`storage_error` maps them, by SQLite's result code, onto the
:class:`~wijkverhalen.errors.StorageError` family, which the CLI prints as one
line and the TUI shows as a notification. Errors that are not about the storage
(a constraint, a bad statement) are bugs and are left alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import (
    ProjectCorrupt,
    ProjectFull,
    ProjectLocked,
    ProjectReadOnly,
    StorageError,
    WijkError,
)

# Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

FULL_MESSAGE = "disk full: the change was not saved; free some space and try again"
READONLY_MESSAGE = "read-only: the project file or its folder cannot be written (make both writable)"
CORRUPT_MESSAGE = "database disk image is malformed — restore from backup"
BUSY_MESSAGE = "another wijkverhalen is writing to this project; try again in a moment"


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def storage_failure(exc: BaseException) -> WijkError | None:
    """:func:`storage_error` for any exception: None unless it is SQLite's and a storage failure.

    For code outside the store (the CLI's last resort), which never imports ``sqlite3``.
    """
    return storage_error(exc, None) if isinstance(exc, sqlite3.Error) else None


def storage_error(exc: sqlite3.Error, path: str | Path | None) -> WijkError | None:
    """The user-facing error for a storage failure, or None when ``exc`` is not one (a bug)."""
    code = _primary_code(exc)
    text = str(exc)
    if code == SQLITE_FULL or "disk is full" in text:
        return ProjectFull(FULL_MESSAGE, path=path)
    if code == SQLITE_READONLY or "readonly database" in text:
        return ProjectReadOnly(READONLY_MESSAGE, path=path)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text:
        return ProjectCorrupt(CORRUPT_MESSAGE, path=path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return ProjectLocked(BUSY_MESSAGE, path=path)
    if code == SQLITE_CANTOPEN or "unable to open database" in text:
        return StorageError("cannot open the project file (check that it and its folder are readable "
                            "and writable)", path=path)
    if code == SQLITE_PERM:
        return ProjectReadOnly(READONLY_MESSAGE, path=path)
    if code == SQLITE_IOERR or "disk I/O error" in text:
        return StorageError(f"disk I/O error ({text}); the change was not saved — check the disk",
                            path=path)
    if code == SQLITE_NOMEM:
        return StorageError("out of memory", path=path)
    return None


def user_error(exc: BaseException, path: str | Path | None) -> WijkError | None:
    """``exc`` as the one-line error a user should see: itself if it is one, a storage
    failure mapped by :func:`storage_error`, else None (a bug, to be reported as such)."""
    if isinstance(exc, WijkError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return storage_error(exc, path)
    return None


@contextmanager
def storage_errors(path: str | Path | None) -> Iterator[None]:
    """Re-raise storage failures inside the block as :class:`StorageError` (one line)."""
    try:
        yield
    except sqlite3.Error as exc:
        mapped = storage_error(exc, path)
        if mapped is None:
            raise
        raise mapped from exc
