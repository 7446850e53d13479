"""Where sentences start in a tokenised chunk: spaCy's sentencizer rule plus Dutch fixes.

The rule of ``spacy.pipeline.Sentencizer`` (after a sentence-final character,
the next token that is not punctuation starts a sentence) with three changes
measured on UD LassySmall and interview text (issue 12):

- a word abbreviation that is also an ordinary word keeps its dot in spaCy's
  Dutch tokenizer ("u.", "al.", "pas.", "best."): followed by a capitalised
  word it ends the sentence ("snapt u. Daar zag ik mensen.");
- a word starting with a lower-case letter after ``!``/``?``/``.`` continues
  the sentence ("Delfshaven Helpt! is een initiatief", "ik dacht... nou");
- an opening bracket or quote before the new sentence's first word belongs to
  the new sentence ("gebracht." / "(lacht) Ja."), not to the end of the old one.
  A straight quote opens when whitespace precedes it and none follows it.

``sentence_starts`` works on per-token kinds, so the import's fast path (which
replays the sentencizer over cached kinds, ``nlp._Plan``) and the spaCy
component (``WIJK_SENTENCES``, run when nothing is replayed) give the same
starts. Only boundary candidates build a spaCy ``Token``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

WORD, PUNCT, FINAL, WORD_ABBREVIATION, OPENER, QUOTE, LOWER_WORD = range(7)
WIJK_SENTENCES = "wijk_sentence_rules"

# spaCy tokenizer exceptions whose word is also an everyday Dutch word (and that
# are rarely used as abbreviations before a name in speech; "nr.", "prof.",
# "bv.", "ca.", "vs." stay abbreviations). Single upper-case letters are initials.
_WORD_ABBREVIATIONS = ("al", "best", "dat", "pas", "top", "hand", "bel", "ver", "vol", "me",
                       "os", "ex", "pan")
WORD_ABBREVIATIONS = frozenset(
    {f"{w}." for w in _WORD_ABBREVIATIONS} | {f"{w.capitalize()}." for w in _WORD_ABBREVIATIONS}
    | {f"{w.upper()}." for w in _WORD_ABBREVIATIONS} | {"u."}
)
OPENERS = frozenset("([{“‘«„‚")
QUOTES = frozenset({'"', "'"})


def token_kind(text: str, is_punct: bool, punct_chars: set[str] | frozenset[str]) -> int:
    """The kind of one token for ``sentence_starts``."""
    if text in punct_chars:
        return FINAL
    if text in WORD_ABBREVIATIONS:
        return WORD_ABBREVIATION
    if text in OPENERS:
        return OPENER
    if text in QUOTES:
        return QUOTE
    if is_punct:
        return PUNCT
    return LOWER_WORD if text[:1].islower() else WORD


def sentence_starts(kinds: Iterable[int], doc: Any) -> list[int]:
    """Token indices where sentences start (always ``0`` first) in ``doc``.

    ``kinds`` gives ``token_kind`` of each token of ``doc`` in order; ``doc`` is
    read only at bounds (to move an opening bracket or quote along).
    """
    return sentence_starts_between(bytes(kinds), doc, 0, len(doc))


# A sentence can only end at a sentence-final character or a word abbreviation.
_PENDING = re.compile(b"[\\x%02x\\x%02x]" % (FINAL, WORD_ABBREVIATION))


def sentence_starts_between(kinds: bytes, doc: Any, first: int, stop: int) -> list[int]:
    """``sentence_starts`` of the tokens ``first..stop`` of ``doc`` (one text block).

    ``kinds`` holds one ``token_kind`` byte per token of the whole ``doc``; the
    starts are indices into ``doc``, ``first`` always the first of them. Only the
    tokens after a sentence-final character or word abbreviation are looked at
    one by one: a regular expression finds the next such token, so the cost is
    per sentence, not per word.
    """
    starts = [first]
    search = _PENDING.search
    i = first
    while (found := search(kinds, i, stop)) is not None:
        i = found.start()
        pending = 1 if kinds[i] == FINAL else 2  # 2: after a word abbreviation
        opener = -2  # index of the last opening bracket or quote seen while pending
        i += 1
        while i < stop:
            kind = kinds[i]
            if kind == FINAL:
                pending = 1
            elif kind in (WORD, WORD_ABBREVIATION):  # capitalised or not a letter
                if pending == 1 or kind == WORD and doc[i].text[:1].isupper():
                    starts.append(_with_openers(starts[-1], doc, i) if opener == i - 1 else i)
                if kind == WORD:
                    break
                pending = 2
            elif kind == LOWER_WORD:
                # "(lacht)" after a full stop starts a sentence; "Helpt! is" does not.
                if pending == 1 and opener == i - 1:
                    j = _with_openers(starts[-1], doc, i)
                    if j < i:
                        starts.append(j)
                break
            elif kind in (OPENER, QUOTE):
                opener = i
            i += 1
        i += 1
    return starts


def _with_openers(last_start: int, doc: Any, i: int) -> int:
    """``i``, moved back over the opening brackets and quotes just before it."""
    j = i
    while j - 1 > last_start:
        text = doc[j - 1].text
        if not (text in OPENERS or (text in QUOTES and _opens(doc, j - 1))):
            break
        j -= 1
    return j


def _opens(doc: Any, i: int) -> bool:
    """A straight quote opens when whitespace precedes it and none follows ("zei "Ja)."""
    prev, token = doc[i - 1], doc[i]
    return bool(token.idx > prev.idx + len(prev) and not token.whitespace_)


def register_component() -> None:
    """Register the spaCy component (idempotent): sets ``is_sent_start`` by ``sentence_starts``."""
    from spacy.language import Language

    if Language.has_factory(WIJK_SENTENCES):
        return

    @Language.factory(WIJK_SENTENCES, default_config={"punct_chars": None})
    def make_component(nlp: Language, name: str, punct_chars: list[str] | None) -> SentenceRules:
        return SentenceRules(punct_chars)


class SentenceRules:
    """The spaCy component: sets ``is_sent_start`` by ``sentence_starts``."""

    def __init__(self, punct_chars: list[str] | None = None) -> None:
        from spacy.pipeline import Sentencizer

        self.punct_chars = frozenset(punct_chars or Sentencizer.default_punct_chars)

    def __call__(self, doc: Any) -> Any:
        kinds = [token_kind(t.text, t.is_punct, self.punct_chars) for t in doc]
        starts = set(sentence_starts(kinds, doc))
        for i, token in enumerate(doc):
            token.is_sent_start = i in starts
        return doc
