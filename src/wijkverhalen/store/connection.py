"""Opening, creating and migrating project files, and the write transaction.

A project is one SQLite file. We run it in WAL mode with ``synchronous=NORMAL``:
a committed transaction survives a crash or kill of the process (the WAL is
already written), while fsyncs are batched at checkpoints, which keeps a coding
keypress well under a millisecond. Set ``WIJKVERHALEN_DURABILITY=full`` (or pass
``durability="full"``) to fsync every
commit as well (survives power loss, costs an fsync per coding).
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import ProjectCorrupt, ProjectError, ProjectLocked, StorageError
from . import migrations, schema
from .faults import CORRUPT_MESSAGE, storage_error, storage_errors


def _import_sqlite_utils() -> Any:
    """Import sqlite-utils without letting it import pandas and numpy.

    sqlite-utils imports pandas, if installed, only to map pandas dtypes for its
    insert helpers, which we never feed pandas values. That costs half a second
    at every TUI start; hiding the two modules for the duration of the import
    skips it. Whoever imports pandas later gets the real one.
    """
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        import sqlite_utils

        return sqlite_utils
    hidden = {name: sys.modules.get(name) for name in ("pandas", "numpy")}
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import` raise ImportError
    try:
        import sqlite_utils
    finally:
        for name, module in hidden.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

BUSY_TIMEOUT_MS = 3000


DURABILITY_ENV = "WIJKVERHALEN_DURABILITY"


def _durability(value: str | None) -> str:
    """``normal`` or ``full``: the argument, else $WIJKVERHALEN_DURABILITY, else normal."""
    import os

    chosen = (value or os.environ.get(DURABILITY_ENV) or "normal").strip().lower()
    if chosen not in ("normal", "full"):
        raise ProjectError(f"{DURABILITY_ENV} must be 'normal' or 'full', not '{chosen}'")
    return chosen


def _connect(path: Path, durability: str) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves so a multi-step write
    # is exactly one transaction and nothing commits behind our back.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError as exc:  # locked during first WAL switch, or read-only
        conn.close()
        raise (storage_error(exc, path)
               or ProjectLocked(f"cannot open the project: {exc}", path=path)) from exc
    if mode.lower() != "wal":
        conn.close()
        raise ProjectError("cannot switch the project to WAL mode (read-only folder?)", path=path)
    conn.execute("PRAGMA synchronous = " + ("FULL" if durability == "full" else "NORMAL"))
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB page cache
    return conn


def check_is_project(path: Path) -> None:
    """Refuse, in one line, a path that is missing or not a wijkverhalen project.

    The file is examined through SQLite, never with ``open()``: closing any file
    descriptor of a database drops every POSIX lock this process holds on it, and
    a connection already open in this process would then lose its WAL.
    """
    if not path.exists():
        raise ProjectError("no such project (create it with 'wijkverhalen init')", path=path)
    if path.is_dir():
        raise ProjectError("is a folder, not a project file", path=path)
    if path.stat().st_size == 0:
        raise ProjectError("not a wijkverhalen project (an empty file)", path=path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "malformed" in str(exc):
            raise ProjectCorrupt(CORRUPT_MESSAGE, path=path) from exc
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise ProjectError("not a wijkverhalen project (not an SQLite file)", path=path) from exc
        # A WAL project needs a writable folder even to be read (its -shm file).
        raise storage_error(exc, path) or ProjectError(f"cannot read the project: {exc}", path=path) from exc
    if app_id != schema.APPLICATION_ID:
        raise ProjectError("not a wijkverhalen project (an SQLite file of another program)", path=path)


def open_database(path: Path, *, create: bool = False, durability: str | None = None) -> Any:
    """Open (or create) the project file, migrate it, return a sqlite-utils Database."""
    path = Path(path)
    if create:
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError("already exists; choose another name or open it", path=path)
        if not path.parent.exists():
            raise ProjectError("folder does not exist", path=path.parent)
    else:
        check_is_project(path)
    chosen = _durability(durability)
    with storage_errors(path):  # a read-only folder or a damaged file: one line, no traceback
        conn = _connect(path, chosen)
        try:
            if create:
                conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            migrate(conn, path)
            if create:  # put the header (application id) in the main file for other processes
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            conn.close()
            raise
    return sqlite_utils.Database(conn)


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Apply missing migrations, each in its own transaction. Returns the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = migrations.latest_version()
    if version > latest:
        raise ProjectError(
            f"written by a newer wijkverhalen (schema {version} > {latest}); upgrade to open it",
            path=path,
        )
    for migration in migrations.pending(version):
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ProjectLocked(f"cannot migrate, project is busy: {exc}", path=path) from exc
        try:
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {migration.number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
    return latest


class Transactions:
    """Write transactions on one connection: one thread at a time, nesting counted per thread.

    The rule: a transaction belongs to the thread that began it. ``lock`` is held by
    that thread from BEGIN IMMEDIATE to COMMIT or ROLLBACK, so a write from another
    thread (a keypress while the import worker stores a batch) *waits* for the lock
    (up to the busy timeout, then :class:`ProjectLocked`) instead of joining the
    transaction, and cannot be lost when that batch rolls back. A ``with`` inside a
    transaction of the same thread joins it; the depth lives in a ``threading.local``,
    so no other thread can move it, and every exit path puts it back.

    Failures become one-line :class:`~wijkverhalen.errors.StorageError` s. We roll back
    only while a transaction is really active: after a full disk SQLite has already
    rolled it back, and a second ROLLBACK would hide the real error.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *,
                 wait: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.conn = conn
        self.path = path
        self.wait = wait
        self.lock = threading.RLock()
        self._local = threading.local()

    @property
    def depth(self) -> int:
        """How deep the calling thread is nested in its transaction (0: none)."""
        return int(getattr(self._local, "depth", 0))

    @contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        if not self.lock.acquire(timeout=self.wait):
            raise ProjectLocked(
                "another task of this wijkverhalen is still writing to the project; try again in a moment",
                path=self.path,
            )
        try:
            depth = self.depth
            if depth:
                self._local.depth = depth + 1
                try:
                    yield self.conn
                finally:
                    self._local.depth = depth
                return
            self._begin()
            self._local.depth = 1
            try:
                yield self.conn
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, sqlite3.Error):
                    mapped = storage_error(exc, self.path)
                    if mapped is not None:
                        raise mapped from exc
                raise
            else:
                self._commit()
            finally:
                self._local.depth = 0
        finally:
            self.lock.release()

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:  # never leave a half-open transaction behind
                self.conn.execute("ROLLBACK")
            mapped = storage_error(exc, self.path)
            if mapped is None:
                raise
            raise mapped from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):  # the error being raised says more than this one
                self.conn.execute("ROLLBACK")

    def _commit(self) -> None:
        if not self.conn.in_transaction:
            # SQLite rolled back underneath us (full disk, I/O error) and the caller
            # went on: nothing of the transaction is saved; never report success.
            raise StorageError("the change was not saved (SQLite rolled it back after an error)",
                               path=self.path)
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            mapped = storage_error(exc, self.path)
            if mapped is None:
                raise StorageError(f"could not save the change: {exc}", path=self.path) from exc
            raise mapped from exc
