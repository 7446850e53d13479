"""The project store: the only place that touches SQL.

A project is one SQLite file. :class:`Project` opens it and composes the parts
the CLI, the TUI, importers, analysis and exporters use, one job each::

    with Project.create("botu.wijk", codes=codebook.codes, coder="anna") as project:
        coding = project.codings.add(doc_id, 120, 188, "relaties.vertrouwen", coder="anna")
        project.history.undo(coder="anna")

``project.documents``, ``.codes``, ``.codings``, ``.retrieval``, ``.indicators``,
``.actors``, ``.exchange``, ``.teams`` and ``.history``: see docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Code
from ..models.linking import Actor
from .actors import Actors
from .base import Core
from .codes import Codes, SyncReport, code_guid
from .codings import VALENCES, Codings
from .connection import open_database
from .document_writes import CountedSentences, DocumentInput, text_sha256
from .documents import Documents, ImportLog
from .exchange import Exchange
from .faults import storage_error, storage_errors
from .history import History
from .indicators import Indicators
from .merge import Merger, MergeReport, copy_project
from .retrieval import Retrieval, build_match
from .teams import Teams

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["VALENCES", "CountedSentences", "DocumentInput", "ImportLog", "MergeReport", "Project", "SyncReport", "copy_project", "build_match", "code_guid",
           "storage_error", "storage_errors", "text_sha256"]


class Project:
    """An open project file: its lifecycle and meta values, and the parts that do the work."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.core = core = Core(db, path)
        self.db = db
        self.conn = core.conn
        self.path = path
        self.transaction = core.transaction
        self._closed = False
        self.history = History(core)
        self.documents = Documents(core, self.history)
        self.codes = Codes(core, self.history)
        self.codings = Codings(core, self.history, self.documents, self.codes)
        self.retrieval = Retrieval(core, self.history, self.codes)
        self.indicators = Indicators(core, self.history, self.codes)
        self.actors = Actors(core, self.history)
        self.exchange = Exchange(core, self.history, self.documents, Merger(core, self.history))
        self.teams = Teams(core, self.history)

    @classmethod
    def open(cls, path: str | Path, *, durability: str | None = None) -> Project:
        path = Path(path)
        return cls(open_database(path, durability=durability), path)

    @classmethod
    def create(cls, path: str | Path, *, codes: Sequence[Code] = (), coder: str = "wijkverhalen",
               codebook_name: str = "", codebook_version: str = "", actors: Sequence[Actor] = (),
               actors_source: str = "") -> Project:
        """A new project file seeded with ``codes`` and an actor registry (``actors``).

        Nothing is left behind when seeding fails.
        """
        path = Path(path)
        project = cls(open_database(path, create=True), path)
        try:
            if codes:
                project.codes.load(codes, coder, label=f"load codebook {codebook_name}".strip())
            project.set_meta("codebook_name", codebook_name)
            project.set_meta("codebook_version", codebook_version)
            if actors:
                project.actors.import_registry(actors, coder, source=actors_source)
        except BaseException:
            project.close()
            path.unlink(missing_ok=True)
            raise
        return project

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        """Checkpoint (without waiting) and close; closing twice is harmless.

        Folding the WAL back makes the single .wijk file complete to copy or mail.
        The checkpoint never waits: with another process reading, a TRUNCATE
        checkpoint would sit in the busy handler for the whole busy timeout, so we
        drop the timeout to 0 first. What another reader still pins stays in the
        WAL, where it is safe, and is folded back by the next checkpoint.
        """
        if self._closed:
            return
        self._closed = True
        # Let a write of another thread (a TUI worker) finish before closing under it.
        locked = self.transaction.lock.acquire(timeout=self.transaction.wait)
        try:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")
                if not self.conn.in_transaction:
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.close()
        finally:
            if locked:
                self.transaction.lock.release()

    def checkpoint(self) -> bool:
        """Fold committed WAL content back into the project file now, never waiting.

        A PASSIVE checkpoint: it copies what no reader still needs and returns at
        once. Skipped (False) while any thread holds a write transaction. True when
        the project file alone holds every committed change.
        """
        if self._closed or not self.transaction.lock.acquire(blocking=False):
            return False
        try:
            if self.conn.in_transaction:
                return False
            busy, frames, done = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return False
        finally:
            self.transaction.lock.release()
        return bool(busy == 0 and frames == done)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta ------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        return self.core.get_meta(key, default)

    def set_meta(self, key: str, value: str) -> None:
        self.core.set_meta(key, value)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Read-only helper returning dict rows (for analysis modules)."""
        return self.core.query(sql, params)
