"""Search snippets: where the matches are in a sentence, and how to show them.

A :class:`~.models.Snippet` is plain text plus ``(start, end)`` spans of the
matches. The spans are found here (:func:`match_spans`, used by the store's
search) and drawn here (:func:`snippet_text`, shared by the CLI and the TUI), so
nothing is ever encoded in the text: a ``[lacht]`` in a transcript stays text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .models import Snippet

if TYPE_CHECKING:
    from rich.text import Text

_WORD_RE = re.compile(r"\w+", re.UNICODE)


def match_spans(text: str, sentence_lemmas: str, terms: set[str]) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` spans of the words of ``text`` that match one of ``terms``.

    A word matches by its own form or by its lemma; the stored lemmas are one per
    word in order, so they line up with the words of the text when the counts agree.
    """
    words = list(_WORD_RE.finditer(text))
    lemma_list = sentence_lemmas.split()
    aligned = len(lemma_list) == len(words)
    return tuple(
        m.span()
        for i, m in enumerate(words)
        if m.group(0).lower() in terms or (aligned and lemma_list[i] in terms)
    )


def snippet_parts(snippet: Snippet) -> list[tuple[str, bool]]:
    """``(text, is_match)`` pieces of a snippet, in order; together they are its text."""
    parts: list[tuple[str, bool]] = []
    pos = 0
    for start, end in snippet.spans:
        start, end = max(start, pos), min(end, len(snippet.text))
        if start >= end:
            continue
        if start > pos:
            parts.append((snippet.text[pos:start], False))
        parts.append((snippet.text[start:end], True))
        pos = end
    if pos < len(snippet.text):
        parts.append((snippet.text[pos:], False))
    return parts


def snippet_text(snippet: Snippet, style: str = "bold reverse") -> Text:
    """The snippet as rich Text with its matches styled (no markup parsing)."""
    from rich.text import Text

    text = Text()
    for part, is_match in snippet_parts(snippet):
        text.append(part, style=style if is_match else None)
    return text
