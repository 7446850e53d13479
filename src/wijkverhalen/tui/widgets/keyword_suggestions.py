"""Keyword suggestions for the coding screen: which codes' keywords occur in some sentences.

Plain Python, no Textual: built from the codebook when it is (re)read, asked on
every cursor move with the open document's :class:`~.transcript_model.TranscriptModel`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...models import Code
from .transcript_model import TranscriptModel, is_interviewer


class KeywordSuggester:
    """Codes whose keywords (lemmas or words, multi-word phrases too) occur in a sentence."""

    def __init__(self, codes: Sequence[Code] = ()) -> None:
        self.index: dict[str, list[str]] = {}  # keyword -> code ids
        self.order: dict[str, int] = {}  # code id -> place in the codebook
        for n, code in enumerate(codes):
            self.order[code.id] = n
            for keyword in code.keywords:
                self.index.setdefault(keyword.lower().strip(), []).append(code.id)

    def suggest(
        self,
        model: TranscriptModel,
        first: int,
        last: int,
        span: tuple[int, int] | None,
        *,
        interviewer: bool = False,
    ) -> list[tuple[str, str]]:
        """``(code_id, keyword)`` for codes whose keywords occur in sentences ``first..last``.

        The union over the selection, so suggestions stay while one is made. The
        interviewer's sentences are skipped unless ``interviewer`` (asked for with ``a``):
        a question that names "de gemeente" is not a finding about the gemeente. Codes
        already on all of ``span`` are not offered.
        """
        found: dict[str, str] = {}
        for i in range(first, last + 1):
            if not interviewer and is_interviewer(model.speaker(i)):
                continue
            for code_id, keyword in self.in_sentence(model, i):
                found.setdefault(code_id, keyword)
        applied = {
            c.code_id
            for c in model.codings_at(first, last)
            if span is not None and c.start <= span[0] and c.end >= span[1]
        }
        return sorted(
            ((c, k) for c, k in found.items() if c not in applied),
            key=lambda kv: self.order.get(kv[0], 0),
        )

    def in_sentence(self, model: TranscriptModel, sentence: int) -> list[tuple[str, str]]:
        if not self.index or sentence >= len(model.lemmas):
            return []
        lemmas = model.lemmas[sentence].lower().split()
        words = re.findall(r"\w+", model.sentence_text(sentence).lower())
        tokens = set(lemmas) | set(words)
        joined = [" " + " ".join(lemmas) + " ", " " + " ".join(words) + " "]
        found: list[tuple[str, str]] = []
        for keyword, code_ids in self.index.items():
            hit = (
                f" {keyword} " in joined[0] or f" {keyword} " in joined[1]
                if " " in keyword
                else keyword in tokens
            )
            if hit:
                found += [(code_id, keyword) for code_id in code_ids]
        return found
