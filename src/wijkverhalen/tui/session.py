"""The TUI's handle on one open project: the coder, cached codes and counts, recent codes.

Every write the TUI makes goes through :class:`Session`, which calls the core's
:class:`~wijkverhalen.store.Project` facade (no SQL here) and then keeps the small
in-memory caches the screens paint from (code list, counts per code, the nine
most recent codes) consistent without re-querying the whole project. A
``generation`` counter goes up on every change, so a screen that was not on top
knows to reload when it comes back.

The write rule: screens never call a writing method of ``session.project``; the
Session is the one write path (workers use :meth:`Session.writer`). Storage
failures (full disk, read-only file, damaged page) come out as one-line
``WijkError`` s, which ``app.attempt`` shows as a notification. Which thread may
write is decided in the store: a transaction belongs to one thread from BEGIN to
COMMIT, and a write from another thread waits for it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..codebook import new_code_color
from ..models import Code, Coding, Document
from ..store import Project, storage_errors
from ..store.oplog_undo import Step

RECENT_SIZE = 9
CONSENSUS = "consensus"  # the third coder who settles disagreements (Compare screen)

# Seconds without a write after which the TUI folds the WAL back into the project file.
IDLE_CHECKPOINT_S = 3.0

QueryLemmas = Callable[[str], dict[str, list[str]]]


def spacy_query_lemmas(query: str) -> dict[str, list[str]]:
    """Query word -> lemmas to search for (``nlp.query_lemmas``: the lookup lemmatiser, no spaCy)."""
    from .. import nlp

    return nlp.query_lemmas(query)


class Session:
    """One project, one coder, and what the screens share about them."""

    def __init__(
        self, project: Project, coder: str | None = None, query_lemmas: QueryLemmas | None = None
    ) -> None:
        self.project = project
        self.coder = coder
        self.query_lemmas: QueryLemmas = query_lemmas or spacy_query_lemmas
        self.lemmatizer_ready = query_lemmas is not None
        self.generation = 0
        self._data_version: int | None = None  # see changed_elsewhere
        self._codes: list[Code] | None = None
        self._by_id: dict[str, Code] = {}
        self._depth: dict[str, int] = {}
        self._counts: dict[str, int] | None = None
        self.recent: list[str] = []
        self._recent_seeded = False
        # When the last write committed, and whether the WAL still holds some (see checkpoint_if_idle).
        # True at the start too: a crash may have left committed work in the -wal file.
        self.last_write = 0.0
        self._unfolded = True

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def who(self) -> str:
        """The coder name for writes (set before any write by the first-start dialog)."""
        return self.coder or "wijkverhalen"

    def close(self) -> None:
        self.project.close()

    @contextmanager
    def reader(self) -> Iterator[Project]:
        """The project for reading in a worker thread.

        It is the app's own connection (opened without ``check_same_thread``; SQLite
        serialises calls). A second connection in the same process is avoided on
        purpose: opening the project file again drops this process's SQLite locks
        (POSIX advisory locks belong to the process), after which SQLite may remove
        the WAL under the live connection and committed work would be lost.
        A damaged page or an I/O error met while reading comes out as a one-line
        :class:`~wijkverhalen.errors.StorageError`, which the app's worker error
        handler shows in a dialog.
        """
        with storage_errors(self.path):
            yield self.project

    @contextmanager
    def writer(self) -> Iterator[Project]:
        """The project for writing in a worker (import).

        The worker's transactions hold the store's write lock from BEGIN to COMMIT;
        a keypress that writes meanwhile waits for the current batch (never joins
        it), so a batch that rolls back cannot take a coding with it.
        """
        try:
            with storage_errors(self.path):
                yield self.project
        finally:
            self._wrote()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Every UI write runs in here: storage failures become one-line errors."""
        try:
            with storage_errors(self.path):
                yield
        finally:
            self._wrote()

    # -- durability ------------------------------------------------------------------
    def _wrote(self) -> None:
        self.last_write = time.monotonic()
        self._unfolded = True

    def checkpoint_if_idle(self, now: float | None = None) -> bool:
        """Fold the WAL into the project file once no write came for ``IDLE_CHECKPOINT_S``.

        Called by the app's timer. Without it the newest codings live only in the
        -wal file while the TUI is open, and a copy of the .wijk misses them. True
        when a checkpoint ran and folded everything back.
        """
        if not self._unfolded:
            return False
        now = time.monotonic() if now is None else now
        if now - self.last_write < IDLE_CHECKPOINT_S:
            return False
        done = self.project.checkpoint()
        if done:
            self._unfolded = False
        return done

    # -- codes -----------------------------------------------------------------------
    def codes(self) -> list[Code]:
        """All codes in tree order (cached until the codebook changes)."""
        if self._codes is None:
            self._codes = self.project.codes.all()
            self._by_id = {c.id: c for c in self._codes}
            self._depth = {}
            for c in self._codes:
                self._depth[c.id] = self._depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
        return self._codes

    def code(self, code_id: str) -> Code | None:
        self.codes()
        return self._by_id.get(code_id)

    def depth(self, code_id: str) -> int:
        self.codes()
        return self._depth.get(code_id, 0)

    def label(self, code_id: str) -> str:
        code = self.code(code_id)
        return code.label if code else code_id

    def color(self, code_id: str) -> str:
        code = self.code(code_id)
        return code.color if code else "#888888"

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = dict(self.project.codes.counts())
        return self._counts

    def invalidate(self, *, codes: bool = True) -> None:
        """Forget cached codes and counts (after undo, redo or a codebook change)."""
        if codes:
            self._codes = None
        self._counts = None
        self.generation += 1

    def changed_elsewhere(self) -> bool:
        """Whether another process wrote to the project since the last call (polled by a timer).

        On a change the cached codes and counts are dropped and ``generation`` goes up,
        so every screen re-reads when it is next shown.
        """
        with self.reader() as project:
            version = project.history.change_stamp()[1]
        seen, self._data_version = self._data_version, version
        if seen is None or seen == version:
            return False
        self.invalidate()
        return True

    # -- recent codes ------------------------------------------------------------------
    def seed_recent(self) -> None:
        """Fill the recent codes from this coder's own history (survives restarts)."""
        if self._recent_seeded:
            return
        self._recent_seeded = True
        self.recent = self.project.history.recent_codes(self.coder, RECENT_SIZE) if self.coder else []

    def note_used(self, code_id: str) -> None:
        if code_id in self.recent:
            self.recent.remove(code_id)
        self.recent.insert(0, code_id)
        del self.recent[RECENT_SIZE:]

    # -- codings (all committed when the call returns) ----------------------------------
    def add_coding(
        self,
        document_id: int,
        start: int,
        end: int,
        code_id: str,
        memo: str = "",
        valence: str | None = None,
    ) -> Coding:
        with self._writing():
            coding = self.project.codings.add(
                document_id, start, end, code_id, self.who, memo=memo, valence=valence
            )
        self._bump(code_id, +1)
        self.note_used(code_id)
        self.generation += 1
        return coding

    def remove_coding(self, coding_id: int) -> Coding:
        with self._writing():
            coding = self.project.codings.remove(coding_id, self.who)
        self._bump(coding.code_id, -1)
        self.generation += 1
        return coding

    def update_coding(self, coding_id: int, **values: Any) -> Coding:
        before = self.project.codings.get(coding_id)
        with self._writing():
            coding = self.project.codings.update(coding_id, self.who, **values)
        if coding.code_id != before.code_id:
            self._bump(before.code_id, -1)
            self._bump(coding.code_id, +1)
            self.note_used(coding.code_id)
        self.generation += 1
        return coding

    def _bump(self, code_id: str, delta: int) -> None:
        if self._counts is not None:
            self._counts[code_id] = max(0, self._counts.get(code_id, 0) + delta)

    def undo(self, *, skip: bool = False) -> Step | None:
        """Undo this coder's newest change (per coder, as in the CLI).

        Raises :class:`~wijkverhalen.store.oplog_undo.OperationConflict` when someone's
        later work depends on it; ``skip`` passes over such changes.
        """
        with self._writing():
            step = self.project.history.undo_step(self.who, skip=skip)
        if step is not None:
            self.invalidate()
        return step

    def redo(self, *, skip: bool = False) -> Step | None:
        """Redo the change this coder undid last."""
        with self._writing():
            step = self.project.history.redo_step(self.who, skip=skip)
        if step is not None:
            self.invalidate()
        return step

    # -- documents -----------------------------------------------------------------------
    def remove_document(self, document_id: int, *, force: bool = False) -> Document:
        """Remove a document (with ``force`` also its codings); one undoable change."""
        with self._writing():
            [doc] = self.project.documents.remove([document_id], self.who, force=force)
        self.invalidate(codes=False)
        return doc

    def set_attributes(self, document_id: int, values: dict[str, str | None]) -> int:
        """Set (``None``: remove) attributes of a document; one undoable change."""
        with self._writing():
            changed = self.project.documents.set_attributes(document_id, values, self.who)
        self.generation += 1
        return changed

    # -- codebook ----------------------------------------------------------------------
    def add_code(self, code: Code) -> Code:
        with self._writing():
            created = self.project.codes.add(code, self.who)
        self.invalidate()
        return created

    def update_code(self, code_id: str, **values: Any) -> Code:
        with self._writing():
            code = self.project.codes.update(code_id, self.who, **values)
        self.invalidate()
        return code

    def move_code(self, code_id: str, parent_id: str | None, position: int | None = None) -> Code:
        with self._writing():
            self.project.codes.move(code_id, parent_id, self.who, position)
        self.invalidate()
        return self.project.codes.get(code_id)

    def merge_codes(self, source_id: str, target_id: str) -> int:
        with self._writing():
            moved = self.project.codes.merge(source_id, target_id, self.who)
        self.recent = [target_id if c == source_id else c for c in dict.fromkeys(self.recent)]
        self.recent = list(dict.fromkeys(self.recent))
        self.invalidate()
        return moved

    def delete_code(self, code_id: str) -> Code:
        code = self.project.codes.get(code_id)
        with self._writing():
            self.project.codes.delete(code_id, self.who)
        self.recent = [c for c in self.recent if c != code_id]
        self.invalidate()
        return code

    def set_document_memo(self, document_id: int, memo: str) -> Document:
        with self._writing():
            self.project.documents.set_memo(document_id, memo, self.who)
        self.generation += 1
        return self.project.documents.get(document_id)

    # -- team work (Compare screen) ---------------------------------------------------------
    def disagreements(self, coders: list[str]) -> list[dict[str, Any]]:
        """The units the coders differ on (read in a worker, through the reader)."""
        from ..analysis.agreement import disagreements

        with self.reader() as project:
            return disagreements(project, coders)

    def add_consensus_coding(self, document_id: int, start: int, end: int, code_id: str) -> Coding:
        """Settle a disagreement by coding the unit as the third coder ``consensus``."""
        with self._writing():
            coding = self.project.codings.add(document_id, start, end, code_id, CONSENSUS)
        self.invalidate()
        return coding

    def reject_unit(self, document_id: int, start: int, end: int, code_id: str) -> bool:
        """Settle a disagreement by leaving the code off; stored (undoable) so it stays settled."""
        with self._writing():
            done = self.project.teams.reject_unit(document_id, start, end, code_id, CONSENSUS)
        self.generation += 1
        return done

    def memo_on_passage(self, document_id: int, start: int, end: int, memo: str) -> str:
        """A discussion memo: on the consensus coding of the passage if there is one, else
        a line ``[start-end] memo`` added to the document memo. Returns where it went."""
        memo = memo.strip()
        consensus = [c for c in self.project.codings.all(document_id=document_id, coder=CONSENSUS)
                     if (c.start, c.end) == (start, end)]
        if consensus:
            coding = consensus[0]
            text = f"{coding.memo}\n{memo}".strip() if coding.memo else memo
            with self._writing():
                self.project.codings.update(coding.id, self.who, memo=text)
            self.generation += 1
            return "the consensus coding"
        old = self.project.documents.get(document_id).memo or ""
        line = f"[{start}-{end}] {memo}"
        self.set_document_memo(document_id, f"{old}\n{line}".strip() if old else line)
        return "the document memo"

    def merge_copies(self, paths: list[Path]) -> list[Any]:
        """Merge coders' copies into the project (a worker calls this); one undoable change per copy."""
        reports = []
        for path in paths:  # refuse a missing or damaged copy before changing anything
            Project.open(path).close()
        try:
            with storage_errors(self.path):
                for path in paths:
                    reports.append(self.project.exchange.merge_from(path, self.who))
        finally:
            self._wrote()
            self.invalidate()
        return reports

    def undo_consensus(self) -> Step | None:
        with self._writing():
            step = self.project.history.undo_step(CONSENSUS)
        if step is not None:
            self.invalidate()
        return step

    def toggle_done(self, document_id: int) -> bool:
        """Mark the document done by this coder, or take the mark off; returns the new state."""
        done = document_id not in self.project.teams.done_marks().get(self.who, set())
        with self._writing():
            self.project.teams.mark_done(document_id, self.who, done=done)
        self.generation += 1
        return done

    # -- linking (Validate screen) --------------------------------------------------------
    def set_mention_status(self, mention_ids: list[int], status: str) -> int:
        with self._writing():
            changed = self.project.actors.set_mention_status(mention_ids, status, self.who)
        self.invalidate(codes=False)
        return changed

    def set_indicator_link(self, code_id: str, indicator: str, direction: str, aspect: str | None = None) -> None:
        with self._writing():
            self.project.indicators.set_link(code_id, indicator, direction, self.who, aspect=aspect)
        self.invalidate()

    def remove_indicator_link(self, code_id: str, indicator: str) -> None:
        with self._writing():
            self.project.indicators.remove_link(code_id, indicator, self.who)
        self.invalidate()

    def new_code_id(self, label: str, parent_id: str | None) -> str:
        """A free, valid code id derived from a label: ``parent.slug`` or ``slug-2``."""
        import unicodedata

        ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:32].strip("_") or "code"
        base = f"{parent_id}.{slug}" if parent_id else slug
        candidate, n = base, 2
        while self.code(candidate) is not None or self.project.codes.has(candidate):
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    def in_vivo_code(self, label: str, parent_id: str | None) -> Code:
        """A new in-vivo code (label = the respondent's words) under ``parent_id``."""
        code = Code(
            id=self.new_code_id(label, parent_id),
            label=label,
            parent_id=parent_id,
            gloss="in vivo",
            color=new_code_color(self.codes(), parent_id),
            definition="In-vivo code: the respondent's own words.",
        )
        return self.add_code(code)
