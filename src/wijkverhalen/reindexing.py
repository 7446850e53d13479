"""Re-segment and re-lemmatise the documents of an existing project.

Sentences, their lemmas and the full-text index are derived from each
document's text; codings are character spans of that text and are not touched.
After an upgrade of the Dutch processing (better lemmas, sentence bounds),
``reindex_project`` brings a project made by an older version up to date, so
search finds what a fresh import would find.

Turns are kept as they were found at import: each turn's start, end and
speaker come from its stored row, and where its spoken text begins from its
first stored sentence (sentences never include the speaker label).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import ParsedDocument, Segment, Turn

if TYPE_CHECKING:
    from .store import Project


@dataclass(frozen=True)
class ReindexResult:
    documents: int
    sentences_before: int
    sentences_after: int


def stored_turns(turns: list[Segment], sentences: list[Segment]) -> tuple[Turn, ...]:
    """The turns a document was segmented with, rebuilt from its stored segments."""
    first_sentence: dict[int, int] = {}
    for s in sentences:
        first_sentence[s.turn_index] = min(s.start, first_sentence.get(s.turn_index, s.start))
    return tuple(
        Turn(start=t.start, end=t.end, body_start=first_sentence.get(t.index, t.end), speaker=t.speaker)
        for t in sorted(turns, key=lambda t: t.index)
    )


def reindex_project(project: Project, pipeline: str | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ReindexResult:
    """Re-segment every document of ``project``; one transaction per document."""
    from . import nlp

    model = nlp.load_pipeline(pipeline)
    documents = project.documents.all()
    before = after = 0
    for n, doc in enumerate(documents, 1):
        text = project.documents.text(doc.id)
        old = project.documents.segments(doc.id)
        turns = stored_turns(project.documents.segments(doc.id, kind="turn"), old)
        parsed = ParsedDocument(doc.name, text, doc.format, doc.source_path, turns=turns)
        sentences = nlp.segment_turns(text, turns, model) if turns else nlp.segment_document(parsed, model)
        project.documents.replace_segments(doc.id, parsed, sentences)
        before += len(old)
        after += len(sentences)
        if progress is not None:
            progress(n, len(documents))
    return ReindexResult(len(documents), before, after)
