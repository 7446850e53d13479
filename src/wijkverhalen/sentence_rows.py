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

``Plan`` decides, per pipeline, which components are replayed (and so
whether blocks can be grouped) and holds the per-word caches. Per token only
C-level work remains (``to_array``, dict look-ups through
``map``); Python runs per sentence, and the lemma context rules
(``lemma_context.in_context``) only for the sentences that
``lemma_context.candidate_tokens`` says a rule could change.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from wijkverhalen.lemma_context import ENDS_A_RULE, candidate_tokens, in_context, rule_flags
from wijkverhalen.lemmas import homograph_lemmas, lemma_of, normalise, verb_lemmas
from wijkverhalen.sentence_rules import (
    WIJK_SENTENCES,
    sentence_starts,
    sentence_starts_between,
    token_kind,
)

if TYPE_CHECKING:
    from spacy.language import Language

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


class LemmaCache(dict[int, str]):
    """Token or lemma hash -> lower-case lemma without edge punctuation (``""`` if no word).

    Lemmas are looked up by hash in a dict instead of through a Token object per
    word, which would dominate the cost of lemmatising with the blank pipeline.
    ``lookup`` maps a token's text to its lemma (the lookup table), or is ``None``
    when the hashes already are lemmas.
    """

    def __init__(self, strings: Any, lookup: Callable[[str], str] | None) -> None:
        super().__init__()
        self.strings = strings
        self.lookup = lookup

    def __missing__(self, key: int) -> str:
        lemma = self.strings[key]
        if self.lookup is not None:
            lemma = self.lookup(lemma)
        value = normalise(lemma)
        self[key] = value
        return value


class LowerCache(dict[int, str]):
    """ORTH hash -> lower-cased text (what ``lemma_context`` asks of a few tokens)."""

    def __init__(self, strings: Any) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> str:
        value = str(self.strings[key]).lower()
        self[key] = value
        return value


class PunctKinds(dict[int, int]):
    """ORTH hash -> ``sentence_rules.token_kind`` of that text."""

    def __init__(self, vocab: Any, punct_chars: set[str]) -> None:
        super().__init__()
        self.vocab = vocab
        self.punct_chars = punct_chars

    def __missing__(self, key: int) -> int:
        text = self.vocab.strings[key]
        value = token_kind(text, bool(self.vocab[text].is_punct), self.punct_chars)
        self[key] = value
        return value


class Plan:
    """How to get sentences and lemmas out of one pipeline quickly.

    Two components of the default pipeline only look at each token's text, so
    they are skipped and replayed per distinct word through dict caches, which
    avoids creating a Python Token object per word (the dominant cost):

    - a lookup-mode lemmatizer becomes a cache from ORTH hash to lemma;
    - a sentencizer (when no parser or senter sets sentence bounds) becomes the
      same rule as ``Sentencizer.predict`` over ORTH hashes: after a
      sentence-final character, the next token that is not punctuation starts
      a sentence.

    Other lemmatizers (rule-based, trained) run and their LEMMA hashes are read;
    a pipeline without a lemmatizer falls back to lower-case forms. With
    ``replay=False`` every component runs (tests compare the two paths).
    """

    def __init__(self, nlp: Language, *, replay: bool = True) -> None:
        from spacy.attrs import IDX, LEMMA, LENGTH, LOWER, ORTH
        from spacy.lang.nl.lemmatizer import DutchLemmatizer
        from spacy.pipeline import Lemmatizer

        factories = {name: nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
        lemmatizers = [n for n, f in factories.items() if "lemmatizer" in f]
        sentencizers = [n for n, f in factories.items() if f in ("sentencizer", WIJK_SENTENCES)]
        skip: list[str] = []
        self.lemma_attr = LEMMA if lemmatizers else LOWER
        self.orth = ORTH
        self.forms = LowerCache(nlp.vocab.strings)
        self.lemmas = LemmaCache(nlp.vocab.strings, None)
        component: Any = nlp.get_pipe(lemmatizers[0]) if len(lemmatizers) == 1 else None
        # Only the two classes whose lookup rule is known (text, or lower-cased
        # text for Dutch) are replayed; anything else runs as a component.
        if (
            replay
            and type(component) in (Lemmatizer, DutchLemmatizer)
            and getattr(component, "mode", None) == "lookup"
        ):
            skip.append(lemmatizers[0])
            self.lemma_attr = ORTH
            # Every Dutch lookup lemmatizer is replayed with the one lemma function
            # that search uses too (wijkverhalen.lemmas), whatever table it was saved with.
            lookup = lemma_of
            self.lemmas = LemmaCache(nlp.vocab.strings, lookup)
        self.kinds: PunctKinds | None = None
        other_bounds = any(f in ("parser", "beam_parser", "senter") for f in factories.values())
        if replay and len(sentencizers) == 1 and not other_bounds:
            skip.append(sentencizers[0])
            punct = set(getattr(nlp.get_pipe(sentencizers[0]), "punct_chars", ()))
            self.kinds = PunctKinds(nlp.vocab, punct)
        self.skip = tuple(skip)
        self.attrs = [ORTH] if self.lemma_attr == ORTH else [ORTH, self.lemma_attr]
        # Nothing left to run but the tokenizer: many blocks share one tokenizer call
        # (``sentence_rows``), with one more per-word cache for the lemma context rules.
        self.grouped = self.kinds is not None and self.lemma_attr == ORTH and len(skip) == len(factories)
        self.columns = [ORTH, IDX, LENGTH]
        self.flags = FlagCache(self.lemmas, self.forms, homograph_lemmas(), verb_lemmas())

    def spans(self, doc: Any) -> Iterator[tuple[int, int, int, int, list[int]]]:
        """``(first_token, end_token, start_char, end_char, lemma_hashes)`` per sentence."""
        if not len(doc):
            return
        table = doc.to_array(self.attrs)
        if len(self.attrs) == 1:
            orths = lemma_hashes = table.tolist()
        else:
            orths, lemma_hashes = table[:, 0].tolist(), table[:, 1].tolist()
        if self.kinds is None:
            for sent in doc.sents:
                yield sent.start, sent.end, sent.start_char, sent.end_char, lemma_hashes
            return
        starts = sentence_starts(map(self.kinds.__getitem__, orths), doc)
        starts.append(len(doc))
        for first, stop in zip(starts, starts[1:], strict=False):
            last = doc[stop - 1]
            yield first, stop, doc[first].idx, last.idx + len(last), lemma_hashes


@functools.lru_cache(maxsize=4)
def plan_for(nlp: Language) -> Plan:
    """The plan of one pipeline, made once."""
    return Plan(nlp)


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
