"""The import's fast path (issue 12, import speed): grouped tokenizing, sentence
starts found per sentence, lemma context rules only where one can apply.

Each shortcut is checked against the plain way of doing the same thing: the
rule word by word, ``in_context`` on every sentence, every block through
spaCy's own components.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkverhalen import lemma_context, lemmas, nlp, sentence_rows
from wijkverhalen.importers import detect_turns
from wijkverhalen.importing import import_paths, prepare_document
from wijkverhalen.sentence_rules import (
    FINAL,
    LOWER_WORD,
    OPENER,
    QUOTE,
    WORD,
    WORD_ABBREVIATION,
    _with_openers,
    sentence_starts,
    sentence_starts_between,
    token_kind,
)
from wijkverhalen.store import Project


@pytest.fixture(scope="module")
def pipeline() -> Any:
    return nlp.load_pipeline()


def starts_word_by_word(kinds: list[int], doc: Any) -> list[int]:
    """The rule as it was written before: one step per token (the reference)."""
    starts = [0]
    pending = 0
    opener = -2
    for i, kind in enumerate(kinds):
        if kind == FINAL:
            pending = 1
        elif not pending:
            if kind == WORD_ABBREVIATION:
                pending = 2
        elif kind in (WORD, WORD_ABBREVIATION):
            if pending == 1 or kind == WORD and doc[i].text[:1].isupper():
                starts.append(_with_openers(starts[-1], doc, i) if opener == i - 1 else i)
            pending = 2 if kind == WORD_ABBREVIATION else 0
        elif kind == LOWER_WORD:
            if pending == 1 and opener == i - 1:
                j = _with_openers(starts[-1], doc, i)
                if j < i:
                    starts.append(j)
            pending = 0
        elif kind in (OPENER, QUOTE):
            opener = i
    return starts


TOKENS = ["Ja", "ja", "nee", "Daar", "zag", "ik", "u.", "al.", "Best.", "bijv.", "dr.", "J.",
          ".", "!", "?", "...", ",", ":", "(", ")", "\"", "'", "“", "”", "«", "-", "5", "€",
          "lacht", "Helpt", "is", "mensen"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TOKENS), st.booleans()), min_size=1, max_size=40),
       st.data())
def test_sentence_starts_jump_to_the_same_bounds_as_word_by_word(
        words: list[tuple[str, bool]], data: st.DataObject) -> None:
    from spacy.tokens import Doc

    model = nlp.load_pipeline()
    doc = Doc(model.vocab, words=[w for w, _ in words], spaces=[s for _, s in words])
    punct = set(nlp._plan_for(model).kinds.punct_chars)  # type: ignore[union-attr]
    kinds = [token_kind(t.text, t.is_punct, punct) for t in doc]
    assert sentence_starts(kinds, doc) == starts_word_by_word(kinds, doc)
    # Any stretch of the doc (one text block of a group) on its own.
    first = data.draw(st.integers(0, len(doc) - 1))
    stop = data.draw(st.integers(first + 1, len(doc)))
    span = doc[first:stop]
    expected = [first + i for i in starts_word_by_word(kinds[first:stop], span)]
    assert sentence_starts_between(bytes(kinds), doc, first, stop) == expected


RULE_WORDS = [
    # particles, clause words, "te", modals, homographs and their verb forms, verbs
    "op", "aan", "af", "mee", "plaats", "terug", "uit", "in", "en", "dat", "die", "omdat", "maar",
    "te", "kan", "kon", "moet", "wil", "gaan", "ging", "tekenen", "werken", "gebruiken",
    "stemmen", "delen", "vindt", "keerde", "belde", "bellen", "zag", "de", "het", "een", "mijn",
    "grote", "mooie", "huis", "buurt", "wij", "hij", "ze", ",", ".", "?", ";", "-", ")",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(RULE_WORDS), min_size=1, max_size=14), min_size=1, max_size=4))
def test_sentences_without_a_candidate_are_left_as_in_context_leaves_them(
        sentences: list[list[str]]) -> None:
    homographs, verbs = lemmas.homograph_lemmas(), lemmas.verb_lemmas()
    words = [w for sentence in sentences for w in sentence]
    base = [lemmas.lemma_of(w) for w in words]
    flags = bytes(lemma_context.rule_flags(lem, w.lower(), homographs, verbs)
                  for lem, w in zip(base, words, strict=True))
    candidates = lemma_context.candidate_tokens(flags)
    first = 0
    for sentence in sentences:
        stop = first + len(sentence)
        ruled = lemma_context.in_context(base[first:stop], verbs,
                                         lambda i, a=first: words[a + i].lower(), homographs)
        skipped = (not any(first <= c < stop for c in candidates)
                   and not flags[stop - 1] & lemma_context.ENDS_A_RULE)
        if skipped:
            assert ruled == base[first:stop]
        first = stop


def test_candidates_find_each_rule() -> None:
    homographs, verbs = lemmas.homograph_lemmas(), lemmas.verb_lemmas()

    def candidates(text: str) -> list[int]:
        words = text.split()
        return lemma_context.candidate_tokens(bytes(
            lemma_context.rule_flags(lemmas.lemma_of(w), w, homographs, verbs) for w in words))

    assert candidates("het feest vindt morgen plaats .") == [4]  # a particle ends a clause
    assert candidates("hij keerde terug en at") == [2]  # ... before a conjunction
    assert candidates("wij gaan te tekenen") == [2]  # "te" before a verb form
    assert candidates("zij kon het niet gebruiken") == [4]  # a homograph after a modal
    assert candidates("de grote huizen in de buurt") == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["Ja.", "nee", "Daar", "zag", "ik", "mensen", "snapt", "u.", "al.", "Best.", "bijv.", "dr.", "Jansen",
     "(lacht)", "“Kom", "maar!”", "\"Ja\"", "zei", "hij.", "Helpt!", "is", "vindt", "morgen", "plaats.",
     "te", "tekenen", "kon", "en", "op,", "5", "€", "...", "\n", "\n\n", "  ", "I:", "R:", "Wat?!"]),
    min_size=1, max_size=60), st.integers(1, 200))
def test_grouped_path_gives_what_spacy_components_give_block_by_block(
        words: list[str], limit: int) -> None:
    model = nlp.load_pipeline()
    text = " ".join(words)
    turns = detect_turns(text)
    old_limit = sentence_rows.GROUP_CHARS
    sentence_rows.GROUP_CHARS = limit  # groups of one block up to many
    try:
        fast = nlp.segment_turns(text, turns, model)
    finally:
        sentence_rows.GROUP_CHARS = old_limit
    assert nlp._plan_for(model).grouped
    assert fast == nlp._segment(text, turns, model, nlp._Plan(model, replay=False))


def test_sentence_rows_are_plain_tuples_of_segment_turns(pipeline: Any) -> None:
    text = "I: Hoe was het?\nR: Het feest vond plaats. Wij gingen te tekenen.\n\nR: Ja."
    turns = detect_turns(text)
    rows = list(nlp.sentence_rows(text, turns, pipeline))
    assert rows == [tuple(s) for s in nlp.segment_turns(text, turns, pipeline)]
    assert all(type(row) is tuple for row in rows)
    assert ("plaatsvinden" in rows[1][3]) and ("tekenen" in rows[2][3].split())


def test_group_blocks_end_a_group_at_the_block_that_reaches_the_limit() -> None:
    blocks = [(i * 10, 0, "x" * 8) for i in range(5)]  # 8 characters + 2 for the separator
    groups = list(sentence_rows.group_blocks(blocks, limit=25))
    assert [len(g) for g in groups] == [3, 2]
    assert [b for g in groups for b in g] == blocks


def test_prepared_document_sends_plain_tuples(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("I: Hoe was het?\nR: Goed. Ik help waar ik kan.\n", encoding="utf-8")
    prepared = prepare_document(path, {})
    assert [type(s) for s in prepared.sentences] == [tuple] * 3
    assert prepared.sentences[2][3] == "ik helpen waar ik kunnen"
    assert prepared.word_count == 9


def test_parallel_import_unfreezes_the_collector(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        (folder / f"d{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord {i}. Ja.\n", encoding="utf-8")
    with Project.create(tmp_path / "p.wijk", codes=(), coder="t") as project:
        report = import_paths(project, [folder], "tester", workers=2)
    assert len(report.imported) == 30 and not report.failed
    assert gc.get_freeze_count() == 0  # the import's gc.freeze() is undone in this process
    assert gc.isenabled()


def test_a_long_turn_spans_several_groups(pipeline: Any) -> None:
    text = "Titel\nR: " + "Woord woord woord.\n" * 2000  # 38,000 characters: two groups
    turns = detect_turns(text)
    sentences = nlp.segment_turns(text, turns, pipeline)
    assert len(sentences) == 2001
    assert sentences[-1].end == len(text) - 1
    assert all(text[s.start:s.end] == text[s.start:s.end].strip() for s in sentences)


def test_spacy_is_imported_without_its_command_line() -> None:
    code = ("import sys; from wijkverhalen import nlp; nlp.import_spacy(); "
            "assert 'spacy.cli' not in sys.modules and 'typer' not in sys.modules, 'cli'; "
            "import spacy, spacy.cli; assert spacy.cli.setup_cli; "
            "from spacy.cli.info import info; assert callable(spacy.info); "
            "print(len(nlp.load_pipeline()('Dit is een test.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"


def test_parallel_import_with_a_missing_pipeline_is_one_error_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        (folder / f"d{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Ja.\n", encoding="utf-8")
    with Project.create(tmp_path / "p.wijk", codes=(), coder="t") as project:
        with pytest.raises(nlp.PipelineNotInstalled):
            import_paths(project, [folder], "tester", workers=2, pipeline="nl_bestaat_niet")
        assert project.documents() == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["I:", "R:", "i:", "Fatima:", "[00:01:23] Naam:", "Spreker 1  00:00:03", "INT:", "Dhr. Jansen:",
     "**Piet**:", "Interviewer (I):", "I -", "tekst", "Ja.", " ", "\t", "\n", "\n\n", ":", "|", "–",
     "(00:12) Spreker 1:", "Datum: 3 mei", "een zin met: een dubbele punt"]), max_size=40))
def test_label_matches_at_line_starts_are_the_pattern_s_matches(parts: list[str]) -> None:
    from wijkverhalen.importers import turns

    text = "".join(parts)
    assert [m.span() for m in turns._label_matches(text)] == [m.span() for m in turns._DEFAULT_RE.finditer(text)]
