"""Frozen dataclasses shared by the core, the CLI and the TUI.

They carry data between layers; only ``wijkverhalen.store`` turns them into rows.
The linking inventories have theirs in :mod:`.linking` (areas, indicator values,
actors, mentions) and :mod:`.areas` (the default areas and the registry that
resolves their names). This package imports nothing of wijkverhalen but
:mod:`wijkverhalen.errors`, so every layer, the store first, may use it.
Offsets are always Python string indices (Unicode code points) into a
document's canonical text, end exclusive, as in REFI-QDA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Turn:
    """A paragraph or speaker turn of a parsed document.

    ``start``/``end`` span the whole turn, speaker label included; ``body_start``
    is where the spoken text begins (after ``"R: "`` or ``"[Fatima] "``).
    """

    start: int
    end: int
    body_start: int
    speaker: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """What an importer produces: canonical text plus what it found around it."""

    name: str
    text: str
    format: str
    source_path: str
    metadata: dict[str, str] = field(default_factory=dict)
    turns: tuple[Turn, ...] = ()


class Sentence(NamedTuple):
    """A sentence inside one turn, with its lemmas joined by spaces.

    A named tuple rather than a dataclass: import workers send hundreds of
    thousands of these to the writer process, and tuples pickle far faster.
    """

    start: int
    end: int
    turn_index: int
    lemmas: str = ""


@dataclass(frozen=True)
class IndicatorLink:
    """A code's link to an indicator, with the direction a story should move it.

    ``direction`` is ``"+"`` (more of the theme goes with a higher value) or ``"-"``.
    ``hypothesis`` marks a default link that the seed does not make itself: one to
    agree (or drop) per monitor year, not a finding.
    ``aspect`` says what the coded stories speak of: ``"level"`` (how much of the
    theme there is: "trust is strong", the default) or ``"change"`` (that it grows or
    shrinks: "contact between neighbours is declining"). Triangulation compares a
    level story with BoTu's level beside the reference areas, a change story with
    the trend.
    """

    indicator: str
    direction: str = "+"
    hypothesis: bool = False
    aspect: str = "level"


@dataclass(frozen=True)
class Code:
    """A code of the codebook. ``id`` is stable; everything else may change."""

    id: str
    label: str
    parent_id: str | None = None
    position: int = 0
    gloss: str = ""
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    color: str = "#888888"
    keywords: tuple[str, ...] = ()
    indicators: tuple[IndicatorLink, ...] = ()
    actors: tuple[str, ...] = ()
    memo: str = ""
    source: str = ""  # where in the seed the code comes from, with a short quote
    valence: str = ""  # what a coding's positive/negative valence means for this code


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    format: str
    source_path: str
    sha256: str
    imported_at: str
    word_count: int
    guid: str
    memo: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """A derived unit (turn or sentence) of a document; may be recomputed."""

    id: int
    document_id: int
    kind: str  # "turn" or "sentence"
    index: int
    start: int
    end: int
    speaker: str | None
    turn_index: int


@dataclass(frozen=True)
class Coding:
    id: int
    guid: str
    document_id: int
    start: int
    end: int
    code_id: str
    coder: str
    memo: str
    valence: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Passage:
    """A coded passage retrieved with its context, ready to show or export."""

    coding: Coding
    document_name: str
    text: str
    before: str
    after: str
    speaker: str | None
    sentence_index: int
    turn_index: int
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Snippet:
    """A piece of text and where the search matches are in it.

    ``spans`` are ``(start, end)`` offsets into ``text``, in order and not
    overlapping. The text itself is never marked up, so a bracket in a transcript
    (``[lacht]``, an unbalanced ``[``) is only ever text.
    """

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A sentence that matches a search; ``spans`` locate the matches in ``text``."""

    document_id: int
    document_name: str
    segment_id: int
    start: int
    end: int
    speaker: str | None
    text: str
    spans: tuple[tuple[int, int], ...] = ()
    before: str = ""
    after: str = ""

    @property
    def snippet(self) -> Snippet:
        return Snippet(self.text, self.spans)

    def to_json(self) -> dict[str, Any]:
        """The hit for ``search --json``: matches as ``[start, end]`` offsets into ``text``."""
        return {
            "document_id": self.document_id,
            "document_name": self.document_name,
            "segment_id": self.segment_id,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "text": self.text,
            "matches": [[a, b] for a, b in self.spans],
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Operation:
    """One entry of the operation log (audit trail, undo/redo)."""

    id: int
    timestamp: str
    coder: str
    label: str
    state: str  # "done", "undone" or "discarded"
    changes: list[dict[str, Any]] = field(default_factory=list)
