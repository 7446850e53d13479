"""Lemmas that depend on neighbouring words: separable verbs and verbs after "te".

``lemmas.lemma_of`` sees one word at a time. Two rules look at the sentence
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
2. **Infinitive after "te".** A word after ``te`` that is itself a verb lemma
   (``te tekenen``, ``te gebruiken``) keeps that form as its lemma, where the
   table alone gives the noun (``teken``, ``gebruik``).

Both rules only read the lemma table, so they are the same for every
interview; a search for the separable verb (``search plaatsvinden``) finds the
split form, and the literal form is still matched in the text column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from wijkverhalen.lemmas import normalise

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
    """The lemmas of one sentence's tokens, corrected by the two rules above.

    ``lemmas`` are the word-by-word lemmas in token order, ``""`` for
    punctuation (a clause boundary); ``verb_lemmas`` is the set of lemmas the
    table knows; ``form_of(i)`` gives the text of token ``i`` lower-cased
    (asked only where a rule needs it). Returns ``lemmas`` itself when no rule applies (the common case).
    """
    has_particle = not PARTICLES.isdisjoint(lemmas)
    has_homograph = not homographs.isdisjoint(lemmas)
    if not has_particle and not has_homograph and "te" not in lemmas:
        return lemmas
    out = list(lemmas)
    n = len(out)
    clause_start = 0
    modal = False
    for i, lemma in enumerate(lemmas):
        if not lemma or lemma in CLAUSE_WORDS:
            clause_start = i + 1
            modal = False
            continue
        if lemma in MODALS:
            modal = True
        elif has_homograph and lemma in homographs and i > clause_start \
                and lemmas[i - 1] not in NOUN_MARKERS:
            # After a modal in the clause, or ending the clause (verb last in a
            # subordinate clause, infinitive): the verb, unless an inflected
            # adjective stands before it ("grote werken").
            ends = i + 1 == n or not lemmas[i + 1] or lemmas[i + 1] in CLAUSE_WORDS
            if modal or (ends and not normalise(form_of(i - 1)).endswith("e")):
                form = normalise(form_of(i))
                if form != lemma and form.endswith("en") and form in verb_lemmas:
                    out[i] = form
        if lemma == "te" and i + 1 < n and lemmas[i + 1]:
            form = normalise(form_of(i + 1))
            if form != lemmas[i + 1] and form.endswith("en") and form in verb_lemmas:
                out[i + 1] = form
        if has_particle and lemma in PARTICLES and i > clause_start:
            if i + 1 < n:
                after = lemmas[i + 1]
                if after not in CLAUSE_WORDS if after else form_of(i + 1) not in CLAUSE_END:
                    continue
            for j in range(clause_start, i):
                head = lemmas[j]
                if head and head[-1] == "n" and head not in NOT_HEADS \
                        and lemma + head in verb_lemmas:
                    out[j] = lemma + head
                    break
    return out
