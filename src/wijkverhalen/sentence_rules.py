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

from collections.abc import Sequence
from typing import Any

WORD, PUNCT, FINAL, WORD_ABBREVIATION, OPENER, QUOTE = range(6)
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
    return PUNCT if is_punct else WORD


def sentence_starts(kinds: Sequence[int], doc: Any) -> list[int]:
    """Token indices where sentences start (always ``0`` first) in ``doc``.

    ``kinds[i]`` is ``token_kind`` of ``doc[i]``; ``doc`` is read only at
    candidate bounds (first letter of the word, whitespace before a quote).
    """
    starts = [0]
    seen_final = after_abbreviation = False
    for i, kind in enumerate(kinds):
        if kind == FINAL:
            seen_final = True
            continue
        if kind not in (WORD, WORD_ABBREVIATION):
            continue
        if (seen_final or after_abbreviation) and i > 0:
            j = i
            while j - 1 > starts[-1] and (kinds[j - 1] == OPENER or (
                    kinds[j - 1] == QUOTE and _opens(doc, j - 1))):
                j -= 1
            first = doc[i].text[:1]
            # "(lacht)" after a full stop starts a sentence whatever its case.
            if (seen_final and (j < i or not first.islower())) or first.isupper():
                starts.append(j)
        seen_final = False
        after_abbreviation = kind == WORD_ABBREVIATION
    return starts


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
