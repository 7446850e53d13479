"""Messages that workers and screens post, named as past events.

Workers never touch widgets; they post one of these and the screen that started
them updates itself in the handler (toolong's ``messages.py`` pattern).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from ..models import SearchHit


@dataclass
class ProgressLoaded(Message):
    """Per-document coding progress was computed: id -> (codings, sentences, coded sentences)."""

    progress: dict[int, tuple[int, int, int]]


@dataclass
class LemmatizerLoaded(Message):
    """spaCy and the Dutch lemmatiser are in memory (first search is slow, later ones fast)."""


@dataclass
class SearchFinished(Message):
    query: str
    hits: list[SearchHit]
    seconds: float = 0.0
    partial: bool = False  # literal matches only; lemma matches follow


@dataclass
class ImportProgressed(Message):
    done: int
    total: int
    name: str


@dataclass
class ImportFinished(Message):
    """An import ended; what :class:`~wijkverhalen.importing.ImportReport` says, for the notice."""

    imported: int
    words: int
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "file:line: ..." notes that stopped nothing
    unmatched_rows: list[str] = field(default_factory=list)  # metadata rows that match no file
    files_without_row: list[str] = field(default_factory=list)  # files without a metadata row


@dataclass
class PassageChosen(Message):
    """The user chose a passage (in retrieval, search, or a plug-in screen).

    The app answers by opening the coding screen on ``document_id`` with the cursor
    at ``start``; with ``highlight`` the span ``start..end`` is marked, ready to code.
    Any screen can post it to jump to a passage.
    """

    document_id: int
    start: int
    end: int | None = None
    highlight: bool = False
