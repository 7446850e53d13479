"""Lemmas that depend on neighbouring words: split separable verbs, noun/verb homographs.

``lemmas.lemma_of`` sees one word at a time. These rules look at the sentence
around it, using only the word-by-word lemmas (no part-of-speech tagger), and
run on every sentence at import (``nlp.segment_turns``):

1. **Split separable verbs.** In a main clause the particle of a separable verb
   stands at the end of the clause ("het feest *vindt* morgen *plaats*", "hij
   *keerde* naar huis *terug*"). When a particle from ``PARTICLES`` ends a
   clause (the next token is punctuation, a conjunction or relative from
   ``CLAUSE_WORDS``, or the end of the sentence), the first earlier word of
   that clause whose lemma ends in ``-n`` and forms, with the particle in
   front, a verb lemma the table knows (``plaats`` + ``vinden`` ->
   ``plaatsvinden``) takes that verb as its lemma. The particle keeps its own
   lemma. This is the Universal Dependencies convention (``plaats_vinden``,
   compared without ``_``).
2. **Noun/verb homographs.** An ``-en`` word that is itself a verb lemma
   (``tekenen``, ``gebruiken``) keeps that form as its lemma, where the table
   alone gives the noun (``teken``, ``gebruik``), after ``te``, after a modal
   verb in its clause (``kon ... tekenen``), or ending its clause unless a word
   from ``NOUN_MARKERS`` or an inflected adjective stands before it.

The rules only read the lemma table, so they are the same for every
interview; a search for the separable verb (``search plaatsvinden``) finds the
split form, and the literal form is still matched in the text column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from wijkverhalen.lemmas import homograph_lemmas, lemma_of, normalise
from wijkverhalen.lemmas import verb_lemmas as table_verb_lemmas

# Separable-verb particles that stand alone at the end of a clause.
PARTICLES = frozenset({
    "aan", "achter", "af", "bij", "binnen", "deel", "door", "in", "los", "mee", "na",
    "om", "onder", "op", "over", "overeen", "plaats", "rond", "samen", "stil", "tegemoet",
    "terug", "toe", "tot", "uit", "uiteen", "voor", "voorbij", "voort", "vrij", "weg",
})
# Words that start a new clause: a particle before them ends the previous one.
CLAUSE_WORDS = frozenset({
    "en", "maar", "of", "want", "dus", "dat", "die", "omdat", "als", "wanneer", "toen",
    "terwijl", "waar", "wat", "welke", "hoewel", "zodat", "doordat", "nadat", "voordat",
    "totdat", "zoals", "waarin", "waarbij", "waardoor", "waarmee", "waarop",
})


# Punctuation that ends a clause ("in «Titel»" is not the end of one).
CLAUSE_END = frozenset({",", ".", ";", ":", "!", "?", ")", "...", "…", "-", "–"})
# Auxiliaries are not the head of a split verb ("had ... mee" is rarely "meehebben").
NOT_HEADS = PARTICLES | {"zijn", "hebben", "worden"}
# Verbs that take a bare infinitive later in the clause ("kon ... tekenen").
MODALS = frozenset({
    "kunnen", "moeten", "willen", "zullen", "mogen", "gaan", "blijven", "laten", "durven",
    "hoeven", "komen", "zien", "horen", "helpen", "leren",
})
# Words after which an "-en" word is a noun ("de werken", "hun tekenen").
NOUN_MARKERS = frozenset({
    "de", "het", "een", "die", "deze", "dat", "dit", "mijn", "zijn", "haar", "hun", "ons",
    "onze", "uw", "jouw", "je", "elk", "ieder", "alle", "geen", "enkele", "vele", "veel",
    "sommige", "beide", "welke", "wiens", "wier", "van", "met", "door", "voor", "zonder",
})


def in_context(lemmas: list[str], verb_lemmas: Collection[str],
               form_of: Callable[[int], str], homographs: frozenset[str] = frozenset()) -> list[str]:
    """The lemmas of one sentence's tokens, corrected by the rules above.

    ``lemmas`` are the word-by-word lemmas in token order, ``""`` for
    punctuation; ``verb_lemmas`` is the set of lemmas the table knows;
    ``form_of(i)`` gives the text of token ``i`` lower-cased (asked only where a
    rule needs it); ``homographs`` the lemmas the table gives to "-en" words
    that are verb lemmas too (``lemmas.homograph_lemmas``). Returns ``lemmas``
    itself, changed in place where a rule applies.

    Runs on every sentence at import, so it only walks the sentence where a
    rule can apply: before each punctuation token (and the sentence end), after
    "te", and in sentences with a modal verb.
    """
    n = len(lemmas)
    has_homograph = not homographs.isdisjoint(lemmas)
    if not n or (not has_homograph and PARTICLES.isdisjoint(lemmas) and "te" not in lemmas):
        return lemmas
    # Clause ends: punctuation that ends a clause, and the sentence's end.
    ends = []
    pos = -1
    for _ in range(lemmas.count("")):
        pos = lemmas.index("", pos + 1)
        ends.append(pos)
    if not ends or ends[-1] != n - 1:
        ends.append(n)
    particles, homs = PARTICLES, homographs
    for pos in ends:
        last = lemmas[pos - 1] if pos else ""
        if not last or (last not in particles and last not in homs):
            continue
        if pos < n and form_of(pos) not in CLAUSE_END:
            continue
        if last in particles:
            _join_particle(lemmas, pos - 1, verb_lemmas)
        elif pos > 1 and lemmas[pos - 2] and lemmas[pos - 2] not in NOUN_MARKERS \
                and not form_of(pos - 2).endswith("e"):
            _verb_form(lemmas, pos - 1, verb_lemmas, form_of)
    # A particle before a conjunction or relative ends its clause too.
    for word in CLAUSE_WORDS.intersection(lemmas):
        pos = -1
        for _ in range(lemmas.count(word)):
            pos = lemmas.index(word, pos + 1)
            if pos and lemmas[pos - 1] in PARTICLES:
                _join_particle(lemmas, pos - 1, verb_lemmas)
    if "te" in lemmas:
        for i, lemma in enumerate(lemmas[:-1]):
            if lemma == "te" and lemmas[i + 1]:
                _verb_form(lemmas, i + 1, verb_lemmas, form_of)
    if has_homograph and not MODALS.isdisjoint(lemmas):
        modal = False
        for i, lemma in enumerate(lemmas):
            if not lemma or lemma in CLAUSE_WORDS:
                modal = False
            elif lemma in MODALS:
                modal = True
            elif modal and lemma in homographs and lemmas[i - 1] not in NOUN_MARKERS:
                _verb_form(lemmas, i, verb_lemmas, form_of)
    return lemmas


def sentence_lemmas(words: list[str]) -> list[str]:
    """Lemmas of one sentence's tokens in order (``""`` for punctuation): the word-by-word
    lemmas of ``lemmas.lemma_of`` with the context rules above. The import pipeline does
    the same through its per-word caches (``nlp.segment_turns``)."""
    return in_context([lemma_of(w) for w in words], table_verb_lemmas(),
                      lambda i: words[i].lower() if i < len(words) else "", homograph_lemmas())


def _join_particle(lemmas: list[str], i: int, verb_lemmas: Collection[str]) -> None:
    """The particle at ``i`` ends its clause: the clause's first word that forms a
    known verb with it in front takes that verb as its lemma."""
    start = i
    while start > 0 and lemmas[start - 1] and lemmas[start - 1] not in CLAUSE_WORDS:
        start -= 1
    particle = lemmas[i]
    for j in range(start, i):
        head = lemmas[j]
        if head[-1] == "n" and head not in NOT_HEADS and particle + head in verb_lemmas:
            lemmas[j] = particle + head
            return


def _verb_form(lemmas: list[str], i: int, verb_lemmas: Collection[str],
               form_of: Callable[[int], str]) -> None:
    """Token ``i`` is a verb here: an "-en" form that is a verb lemma keeps its form."""
    form = normalise(form_of(i))
    if _is_changed_verb_form(form, lemmas[i], verb_lemmas):
        lemmas[i] = form


def _is_changed_verb_form(form: str, lemma: str, verb_lemmas: Collection[str]) -> bool:
    return form != lemma and form.endswith("en") and form in verb_lemmas


# -- which sentences can a rule change? ----------------------------------------------
# The import (``sentence_rows``) keeps one byte of flags per word and calls
# ``in_context`` only for the sentences where ``candidate_tokens`` finds a token a
# rule could change something from: most sentences have none, and skip the call.
# The flags are true of the word-by-word lemmas; a sentence's first change can
# only come from a rule that reads those, so a sentence without a candidate
# comes back from ``in_context`` unchanged (tests/test_sentence_rows.py checks it).
PARTICLE = 1  # a separable particle (rules 1)
VERB_HOMOGRAPH = 2  # a homograph lemma whose "-en" form is a verb lemma (``_verb_form`` changes it)
EMPTY = 4  # punctuation: a clause may end here
CLAUSE = 8  # a conjunction or relative: a clause starts here
TE = 16  # "te"
MODAL = 32  # a modal verb
VERB_FORM = 64  # a form that ``_verb_form`` changes (whatever the lemma)
ENDS_A_RULE = PARTICLE | VERB_HOMOGRAPH  # a sentence's last token with one of these may change


def rule_flags(lemma: str, form: str, homographs: frozenset[str], verb_lemmas: Collection[str]) -> int:
    """The flags of one token: its word-by-word ``lemma`` (``""`` for punctuation) and
    its lower-case ``form``."""
    verb = VERB_FORM if _is_changed_verb_form(normalise(form), lemma, verb_lemmas) else 0
    return ((PARTICLE if lemma in PARTICLES else 0)
            | (VERB_HOMOGRAPH if verb and lemma in homographs else 0) | verb
            | (0 if lemma else EMPTY) | (CLAUSE if lemma in CLAUSE_WORDS else 0)
            | (TE if lemma == "te" else 0) | (MODAL if lemma in MODALS else 0))


def _any_of(mask: int) -> bytes:
    """A regular-expression class of the flag bytes that have any bit of ``mask``."""
    return b"[" + b"".join(b"\\x%02x" % v for v in range(128) if v & mask) + b"]"


def _none_of(mask: int) -> bytes:
    return b"[" + b"".join(b"\\x%02x" % v for v in range(256) if not v & mask) + b"]"


# Rule 1 (a particle before punctuation or a clause word); rule 2 (a homograph
# verb form before punctuation, a verb form after "te").
_CANDIDATES = re.compile(_any_of(PARTICLE) + b"(?=" + _any_of(EMPTY | CLAUSE) + b")|"
                         + _any_of(VERB_HOMOGRAPH) + b"(?=" + _any_of(EMPTY) + b")|"
                         + _any_of(TE) + b"(?=" + _any_of(VERB_FORM) + b")")
# Rule 2 after a modal: the rest of its clause.
_AFTER_MODAL = re.compile(_any_of(MODAL) + _none_of(EMPTY | CLAUSE) + b"*")
_VERB_HOMOGRAPH = re.compile(_any_of(VERB_HOMOGRAPH))


def candidate_tokens(flags: bytes) -> list[int]:
    """Positions in ``flags`` (one ``rule_flags`` byte per token, for one or more
    whole sentences in order) where a rule of ``in_context`` may change a lemma.

    ``in_context`` returns a sentence's lemmas unchanged when none of its tokens
    is a candidate and its last token's flags have no bit of ``ENDS_A_RULE``.
    Candidates are a superset: a pair across two sentences counts for the first.
    """
    found = [m.start() for m in _CANDIDATES.finditer(flags)]
    if _VERB_HOMOGRAPH.search(flags):
        for clause in _AFTER_MODAL.finditer(flags):
            found.extend(m.start() for m in _VERB_HOMOGRAPH.finditer(flags, clause.start() + 1, clause.end()))
        found.sort()
    return found
