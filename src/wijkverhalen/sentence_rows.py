"""The import's fast path: sentences and lemmas of many text blocks per tokenizer call.

``nlp`` cuts each turn into text blocks (sentences never cross one) and, with
the default pipeline, replays the sentence rules and the lemma lookup over
per-word caches instead of running them as spaCy components. Then the
tokenizer is all of spaCy that runs, and a block of a few dozen words cost
more in per-call overhead (a ``Doc``, ``to_array``, the loop around them) than
in tokenizing. Here consecutive blocks are joined with a blank line, up to
``GROUP_CHARS``, and tokenized in one call. The result is the same as block by
block: spaCy's tokenizer splits at whitespace first and tokenizes each
whitespace-free stretch on its own, blocks are trimmed, so each block's tokens
are the same, and the separator only adds whitespace tokens between blocks,
which are dropped. Sentence starts are found per block (``sentence_rules``),
so no sentence crosses one.

Per token only C-level work remains (``to_array``, dict look-ups through
``map``); Python runs per sentence, and the lemma context rules
(``lemma_context.in_context``) only for the sentences that
``lemma_context.candidate_tokens`` says a rule could change.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wijkverhalen.lemma_context import ENDS_A_RULE, candidate_tokens, in_context, rule_flags
from wijkverhalen.sentence_rules import sentence_starts_between

# Characters of text blocks tokenized together (a few thousand tokens: a Doc of
# well under a megabyte; one interview of 3,000 words is one or two groups).
GROUP_CHARS = 20_000
SEPARATOR = "\n\n"

Row = tuple[int, int, int, str]
"""``(start, end, turn_index, lemmas)`` of one sentence: a ``models.Sentence`` as a plain tuple."""


class FlagCache(dict[int, int]):
    """ORTH hash -> ``lemma_context.rule_flags`` of that token."""

    def __init__(self, lemmas: dict[int, str], forms: dict[int, str], homographs: frozenset[str],
                 verbs: frozenset[str]) -> None:
        super().__init__()
        self.lemmas, self.forms = lemmas, forms
        self.homographs, self.verbs = homographs, verbs

    def __missing__(self, key: int) -> int:
        value = rule_flags(self.lemmas[key], self.forms[key], self.homographs, self.verbs)
        self[key] = value
        return value


def group_blocks(blocks: Iterable[tuple[int, int, str]],
                 limit: int | None = None) -> Iterator[list[tuple[int, int, str]]]:
    """``(offset, turn_index, chunk)`` blocks in consecutive groups of about ``limit``
    (default ``GROUP_CHARS``) characters: a group ends after the block that reaches it."""
    limit = GROUP_CHARS if limit is None else limit
    group: list[tuple[int, int, str]] = []
    size = 0
    for block in blocks:
        group.append(block)
        size += len(block[2]) + len(SEPARATOR)
        if size >= limit:
            yield group
            group, size = [], 0
    if group:
        yield group


def group_rows(tokenizer: Callable[[str], Any], attrs: list[int], group: list[tuple[int, int, str]],
               kinds: dict[int, int], lemmas: dict[int, str], flags: dict[int, int],
               forms: dict[int, str], verbs: frozenset[str],
               homographs: frozenset[str]) -> Iterator[Row]:
    """The sentences of one group of text blocks, in order.

    ``attrs`` are spaCy's ``[ORTH, IDX, LENGTH]``; ``kinds``, ``lemmas``,
    ``flags`` and ``forms`` map an ORTH hash to its ``sentence_rules.token_kind``,
    its lemma (``""`` for punctuation), its ``lemma_context.rule_flags`` and its
    lower-case text.
    """
    joined = SEPARATOR.join(chunk for _, _, chunk in group)
    doc = tokenizer(joined)
    if not len(doc):
        return
    table = doc.to_array(attrs)
    orths: list[int] = table[:, 0].tolist()
    idxs: list[int] = table[:, 1].tolist()
    lengths: list[int] = table[:, 2].tolist()
    token_kinds = bytes(map(kinds.__getitem__, orths))
    words = list(map(lemmas.__getitem__, orths))
    token_flags = bytes(map(flags.__getitem__, orths))
    candidates = candidate_tokens(token_flags)
    candidates.append(len(orths))  # a sentinel: no more candidates
    next_candidate = 0
    pos = 0  # where the block starts in ``joined``
    for offset, turn_index, chunk in group:
        first = bisect_left(idxs, pos)
        stop = bisect_left(idxs, pos + len(chunk), first)
        starts = sentence_starts_between(token_kinds, doc, first, stop)
        starts.append(stop)
        shift = offset - pos
        for a, b in zip(starts, starts[1:], strict=False):
            s = idxs[a]
            e = idxs[b - 1] + lengths[b - 1]
            if joined[s].isspace() or joined[e - 1].isspace():  # a whitespace token at an edge
                piece = joined[s:e]
                stripped = piece.strip()
                if not stripped:
                    continue
                s += len(piece) - len(piece.lstrip())
                e = s + len(stripped)
            sentence = words[a:b]
            while candidates[next_candidate] < a:
                next_candidate += 1
            if candidates[next_candidate] < b or token_flags[b - 1] & ENDS_A_RULE:
                sentence = in_context(sentence, verbs, functools.partial(_form_of_hash, forms, orths, a),
                                      homographs)
            yield shift + s, shift + e, turn_index, " ".join(filter(None, sentence))
        pos += len(chunk) + len(SEPARATOR)


def _form_of_hash(forms: dict[int, str], orths: list[int], first: int, i: int) -> str:
    """Text of token ``first + i`` lower-cased, from its ORTH hash."""
    return forms[orths[first + i]]
