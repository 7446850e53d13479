"""The data behind the transcript view: sentences, turns, codings per sentence, wrapped lines.

Plain Python, no Textual: it is built once when a document opens (from the core's
``document_text``/``segments``/``codings``) and updated in place when a coding is
added or removed, so a coding keypress never re-reads or re-wraps the document.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.cells import cell_len

from ...models import Coding, Document, Segment

if TYPE_CHECKING:
    from ...store import Project

# Control characters would move the terminal cursor; each is shown as one space (offsets stay put).
CONTROL_TO_SPACE = {c: " " for c in (*range(0, 32), 127)}

INTERVIEWER_NAMES = {"i", "int", "interviewer", "interviewster", "vraag", "v", "q", "onderzoeker"}


def is_interviewer(speaker: str | None) -> bool:
    name = (speaker or "").strip().rstrip(".:").lower()
    return name in INTERVIEWER_NAMES or name.startswith("interview")


@dataclass(frozen=True)
class Line:
    """One screen line of the transcript: a blank, a speaker header or a piece of a sentence."""

    kind: str  # "blank", "speaker" or "text"
    sentence: int  # sentence index (for "speaker"/"blank": the sentence that follows)
    start: int = 0  # text offsets of the piece (kind "text")
    end: int = 0
    first: bool = False  # first piece of its sentence


def _fit(text: str, pos: int, end: int, width: int) -> int:
    """How many characters from ``pos`` fit in ``width`` cells."""
    chunk = text[pos : min(end, pos + width)]
    if chunk.isascii():
        return len(chunk)
    used = 0
    for i, ch in enumerate(chunk):
        used += cell_len(ch)
        if used > width:
            return max(1, i)
    return len(chunk)


def wrap_span(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text[start:end]`` into pieces of at most ``width`` cells.

    A line break inside the span (a sentence the segmenter let cross lines) always
    starts a new piece; no piece contains one.
    """
    pieces: list[tuple[int, int]] = []
    pos = start
    while True:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        if stop > pos:
            pieces.extend(_wrap_line(text, pos, stop, width))
        if nl == -1:
            break
        pos = nl + 1
    return pieces or [(start, start)]


def _wrap_line(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    width = max(4, width)
    pieces: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        n = _fit(text, pos, end, width)
        if pos + n >= end:
            pieces.append((pos, end))
            break
        brk = text.rfind(" ", pos, pos + n + 1)
        if brk <= pos:
            brk = pos + n  # one long word: hard break
        pieces.append((pos, brk))
        pos = brk
        while pos < end and text[pos] == " ":
            pos += 1
    return pieces


@dataclass
class TranscriptModel:
    document: Document
    text: str
    sentences: list[Segment]
    turns: list[Segment]
    lemmas: list[str]
    codings: dict[int, Coding] = field(default_factory=dict)
    by_sentence: list[list[int]] = field(default_factory=list)  # sentence -> coding ids
    lines: list[Line] = field(default_factory=list)
    first_line: list[int] = field(default_factory=list)  # sentence -> its first line
    width: int = 0

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.sentences]
        self.ends = [s.end for s in self.sentences]
        self.turn_first: dict[int, int] = {}
        self.turn_last: dict[int, int] = {}
        for i, s in enumerate(self.sentences):
            self.turn_first.setdefault(s.turn_index, i)
            self.turn_last[s.turn_index] = i
        self.speakers = {t.index: t.speaker for t in self.turns}
        self.by_sentence = [[] for _ in self.sentences]
        codings = list(self.codings.values())
        self.codings = {}
        for c in codings:
            self.add(c)

    @classmethod
    def read(cls, project: Project, document_id: int) -> TranscriptModel:
        """One document as the project holds it: text, sentences, turns, lemmas, codings."""
        return cls(
            document=project.document(document_id),
            text=project.document_text(document_id),
            sentences=project.segments(document_id, "sentence"),
            turns=project.segments(document_id, "turn"),
            lemmas=project.sentence_lemmas(document_id),
            codings={c.id: c for c in project.codings(document_id=document_id)},
        )

    def with_codings(self, document: Document, codings: Iterable[Coding]) -> TranscriptModel:
        """The same text and sentences with the document and its codings re-read."""
        return TranscriptModel(
            document=document,
            text=self.text,
            sentences=self.sentences,
            turns=self.turns,
            lemmas=self.lemmas,
            codings={c.id: c for c in codings},
        )

    # -- geometry ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.sentences)

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start : s.end]

    def speaker(self, i: int) -> str | None:
        return self.sentences[i].speaker

    def sentence_at(self, offset: int) -> int:
        """The sentence containing ``offset`` (or the nearest one before it)."""
        if not self.sentences:
            return 0
        return max(0, min(len(self.sentences) - 1, bisect_right(self.starts, offset) - 1))

    def sentences_overlapping(self, start: int, end: int) -> range:
        first = bisect_right(self.ends, start)  # first sentence ending after start
        last = bisect_left(self.starts, end) - 1  # last sentence starting before end
        if last < first:  # span between sentences (e.g. in a speaker label)
            near = self.sentence_at(start)
            return range(near, near + 1)
        return range(first, last + 1)

    # -- codings -------------------------------------------------------------------------
    def add(self, coding: Coding) -> range:
        self.codings[coding.id] = coding
        rows = self.sentences_overlapping(coding.start, coding.end) if self.sentences else range(0)
        for i in rows:
            ids = self.by_sentence[i]
            if coding.id not in ids:
                ids.append(coding.id)
                ids.sort(key=lambda cid: (self.codings[cid].start, cid))
        return rows

    def remove(self, coding_id: int) -> range:
        coding = self.codings.pop(coding_id, None)
        if coding is None or not self.sentences:
            return range(0)
        rows = self.sentences_overlapping(coding.start, coding.end)
        for i in rows:
            if coding_id in self.by_sentence[i]:
                self.by_sentence[i].remove(coding_id)
        return rows

    def replace(self, coding: Coding) -> None:
        self.remove(coding.id)
        self.add(coding)

    def codings_at(self, first: int, last: int | None = None) -> list[Coding]:
        """Codings overlapping sentences ``first..last`` (inclusive), in text order."""
        last = first if last is None else last
        seen: dict[int, Coding] = {}
        for i in range(max(0, first), min(len(self.by_sentence), last + 1)):
            for cid in self.by_sentence[i]:
                seen.setdefault(cid, self.codings[cid])
        return sorted(seen.values(), key=lambda c: (c.start, c.end, c.id))

    def next_uncoded(self, after: int) -> int | None:
        for i in range(after + 1, len(self.by_sentence)):
            if not self.by_sentence[i]:
                return i
        return None

    def coded_share(self) -> float:
        if not self.by_sentence:
            return 0.0
        return sum(1 for ids in self.by_sentence if ids) / len(self.by_sentence)

    # -- layout --------------------------------------------------------------------------
    def layout(self, width: int) -> None:
        """Wrap every sentence to ``width`` cells; a turn opens with a blank and its speaker."""
        self.width = width
        lines: list[Line] = []
        first_line: list[int] = []
        previous_turn: int | None = None
        for i, s in enumerate(self.sentences):
            if s.turn_index != previous_turn:
                if lines:
                    lines.append(Line("blank", i))
                if s.speaker:
                    lines.append(Line("speaker", i))
                previous_turn = s.turn_index
            first_line.append(len(lines))
            for n, (a, b) in enumerate(wrap_span(self.text, s.start, s.end, width)):
                lines.append(Line("text", i, a, b, first=n == 0))
        self.lines = lines
        self.first_line = first_line

    def line_span(self, i: int) -> tuple[int, int]:
        """First and last screen line of sentence ``i``."""
        first = self.first_line[i]
        nxt = self.first_line[i + 1] if i + 1 < len(self.first_line) else len(self.lines)
        last = nxt - 1
        while last > first and self.lines[last].kind != "text":
            last -= 1
        return first, last
