"""Dutch segmentation, lemmas and phrase matching (wijkverhalen.nlp)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wijkverhalen.nlp as nlp_module
from wijkverhalen.errors import WijkError
from wijkverhalen.importers import detect_turns
from wijkverhalen.models import ParsedDocument, Sentence, Turn
from wijkverhalen.nlp import (
    PipelineNotInstalled,
    count_words,
    find_phrases,
    lemmatize_query,
    load_pipeline,
    query_lemmas,
    segment_document,
    segment_turns,
)

TRANSCRIPT = (
    "Interview Tussendijken\n\n"
    "I: Hoe lang woont u al in Bospolder?  Sinds wanneer?\n"
    "R: Al twintig jaar. De bewoners liepen samen naar het buurthuis!\n"
    "Het was een moeilijke tijd.\n"
    "I: Dank u."
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


def general_path(text: str, nlp: Any) -> list[Sentence]:
    """segment_turns with every component running (no replay through caches)."""
    turns = detect_turns(text)
    return nlp_module._segment(text, turns, nlp, nlp_module._Plan(nlp, replay=False))


def texts_of(text: str, nlp: Any) -> list[str]:
    return [text[s.start : s.end] for s in segment_turns(text, detect_turns(text), nlp)]


def test_load_pipeline_is_cached_blank_dutch(nlp: Any) -> None:
    assert load_pipeline() is nlp
    assert nlp.lang == "nl"
    assert nlp.pipe_names == ["wijk_sentence_rules", "lemmatizer"]


def test_missing_named_pipeline_is_a_user_error() -> None:
    with pytest.raises(PipelineNotInstalled) as info:
        load_pipeline("nl_core_news_bestaat_niet")
    assert isinstance(info.value, WijkError)
    assert str(info.value) == "spaCy pipeline 'nl_core_news_bestaat_niet' is not installed"


@pytest.mark.slow
def test_named_pipeline_loads_from_a_package_or_path(nlp: Any, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pijplijn")
    loaded = load_pipeline(str(tmp_path / "pijplijn"))
    assert loaded is not nlp and loaded.pipe_names == nlp.pipe_names
    assert segment_turns(TRANSCRIPT, detect_turns(TRANSCRIPT), loaded) == segment_turns(
        TRANSCRIPT, detect_turns(TRANSCRIPT), nlp
    )


def test_sentences_per_turn_and_line(nlp: Any) -> None:
    turns = detect_turns(TRANSCRIPT)
    sentences = segment_turns(TRANSCRIPT, turns, nlp)
    found = [(TRANSCRIPT[s.start : s.end], s.turn_index) for s in sentences]
    assert found == [
        ("Interview Tussendijken", 0),
        ("Hoe lang woont u al in Bospolder?", 1),
        ("Sinds wanneer?", 1),
        ("Al twintig jaar.", 2),
        ("De bewoners liepen samen naar het buurthuis!", 2),
        ("Het was een moeilijke tijd.", 2),  # a line break ends a sentence
        ("Dank u.", 3),
    ]


def test_lemmas_lower_case_words_only(nlp: Any) -> None:
    sentences = segment_turns(TRANSCRIPT, detect_turns(TRANSCRIPT), nlp)
    by_text = {TRANSCRIPT[s.start : s.end]: s.lemmas for s in sentences}
    assert by_text["De bewoners liepen samen naar het buurthuis!"] == (
        "de bewoner lopen samen naar het buurthuis"
    )
    assert by_text["Hoe lang woont u al in Bospolder?"] == "hoe lang wonen u al in bospolder"
    # The tokenizer keeps "u." as an abbreviation; its dot is not part of the lemma.
    assert by_text["Dank u."] == "danken u"  # without a tagger "dank" reads as "ik dank"


def test_sentences_never_include_the_speaker_label(nlp: Any) -> None:
    text = "I: Ja. Nee.\nR: Misschien."
    sentences = texts_of(text, nlp)
    assert sentences == ["Ja.", "Nee.", "Misschien."]


def test_turn_with_empty_body_has_no_sentences(nlp: Any) -> None:
    text = "I:\nR: Ja.\nI: Goed."
    turns = detect_turns(text)
    assert turns[0].body_start == turns[0].end
    assert [s.turn_index for s in segment_turns(text, turns, nlp)] == [1, 2]


def test_fast_path_matches_spacy_components(nlp: Any) -> None:
    text = (
        "R: “Doe maar, ik denk dat je het kunt!” zei ze... Echt waar?! (lacht).\n"
        "Dat kostte € 10,- per week, bijv. voor dr. Jansen. Nr. 5 !!! U.S.A.\n"
        "I:  's Avonds  waren er  dubbele spaties.En geen spatie."
    )
    # The default pipeline replays both components; the general path runs them.
    assert set(nlp_module._plan_for(nlp).skip) == {"wijk_sentence_rules", "lemmatizer"}
    assert nlp_module._Plan(nlp, replay=False).skip == ()
    fast = segment_turns(text, detect_turns(text), nlp)
    assert fast == general_path(text, nlp)
    assert len(fast) > 5


def test_long_lines_are_cut_at_whitespace(nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "MAX_CHUNK", 20)
    text = "woord " * 30 + "eind."
    sentences = segment_turns(text, [Turn(0, len(text), 0)], nlp)
    assert len(sentences) > 5
    assert all(text[s.start : s.end].strip() == text[s.start : s.end] for s in sentences)
    assert " ".join(text[s.start : s.end] for s in sentences) == text


def test_segment_document_uses_or_detects_turns(nlp: Any) -> None:
    parsed = ParsedDocument("x", "Ja. Nee.\n\nMisschien.", "txt", "x.txt")
    sentences = segment_document(parsed, nlp)
    assert [(s.turn_index, parsed.text[s.start : s.end]) for s in sentences] == [
        (0, "Ja."),
        (0, "Nee."),
        (1, "Misschien."),
    ]


def test_lemmatize_query(nlp: Any) -> None:
    assert lemmatize_query("Bewoners liepen, samen!", nlp) == ["bewoner", "lopen", "samen"]
    assert lemmatize_query("  ?! ", nlp) == []


def test_query_lemmas_keys_words_as_typed(nlp: Any) -> None:
    assert query_lemmas('Hielpen "de Buren" hielpen', nlp) == {
        "Hielpen": ["helpen"],
        "de": ["de"],
        "Buren": ["buren"],
        "hielpen": ["helpen"],
    }
    assert query_lemmas("?!", nlp) == {}


def test_count_words() -> None:
    # \w+ runs: "buurt-bewoners" counts as two, "één" as one.
    assert count_words("De buurt-bewoners (20) zeiden: ‘één keer’.") == 7
    assert count_words("") == 0


def test_find_phrases_case_insensitive_exact_offsets(nlp: Any) -> None:
    text = "Sociaal kapitaal groeit. Het SOCIALE KAPITAAL en sociaal  kapitaal; buurtkapitaal."
    found = find_phrases(text, {"sk": ["sociaal kapitaal", "sociale kapitaal"], "leeg": [" "]}, nlp)
    assert [(key, text[start:end]) for key, start, end in found] == [
        ("sk", "Sociaal kapitaal"),
        ("sk", "SOCIALE KAPITAAL"),
    ]
    assert find_phrases(text, {}, nlp) == []


def test_importing_core_modules_does_not_load_spacy_or_office_libraries() -> None:
    code = (
        "import sys, wijkverhalen.nlp, wijkverhalen.importers;"
        "print(sorted(m for m in ('spacy', 'docx', 'odf', 'textual') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


_PIECES = st.sampled_from(
    [
        "I: ",
        "R: ",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        ".",
        "?",
        "!",
        "...",
        "“",
        "”",
        "(",
        ")",
        "Bewoners",
        "liepen",
        "u.",
        "dr.",
        "😀",
        "e\u0301",
        "\u00a0",
        "\u2028",
        "\u3002",
        "Fatima: ",
        "[Jan] ",
        "€",
        "3,5",
        "'s",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=80).map("".join)))
def test_sentences_always_slice_their_turn_bodies(text: str) -> None:
    nlp = load_pipeline()
    turns = detect_turns(text)
    previous_end = 0
    for sentence in segment_turns(text, turns, nlp):
        turn = turns[sentence.turn_index]
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert turn.body_start <= sentence.start and sentence.end <= turn.end
        chunk = text[sentence.start : sentence.end]
        assert chunk == chunk.strip() and chunk
        assert "\n\n" not in chunk  # a blank line always ends a sentence
        assert previous_end <= sentence.start
        previous_end = sentence.end
        assert sentence.lemmas == sentence.lemmas.strip()


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_fast_path_equals_general_path(text: str) -> None:
    nlp = load_pipeline()
    assert segment_turns(text, detect_turns(text), nlp) == general_path(text, nlp)


def test_hard_wrapped_lines_do_not_cut_sentences() -> None:
    from wijkverhalen.importers.turns import detect_turns
    from wijkverhalen.nlp import segment_turns

    text = ("I: Hoe ging dat?\n"
            "R: We hebben in maart de eerste\nvoedselpakketten rondgebracht. Toen\n"
            "belde de gemeente.\nDaarna ging het snel\n\nmaar niet voor iedereen.\n")
    turns = detect_turns(text)
    got = [text[s.start:s.end] for s in segment_turns(text, turns)]
    assert got == ["Hoe ging dat?",
                   "We hebben in maart de eerste\nvoedselpakketten rondgebracht.",
                   "Toen\nbelde de gemeente.",
                   "Daarna ging het snel",
                   "maar niet voor iedereen."]
