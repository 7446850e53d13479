"""The transcript model without Textual: wrapping, codings per sentence, suggestions' inputs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from wijkverhalen.models import Coding, Document, Segment
from wijkverhalen.tui.bindings import display_keys, help_rows, load_keymap
from wijkverhalen.tui.widgets.transcript_model import TranscriptModel, is_interviewer, wrap_span


@given(st.text(alphabet=st.sampled_from(list("ab cdé\nfg🙂 ")), max_size=120), st.integers(4, 30))
def test_wrap_covers_the_text_within_width(text: str, width: int) -> None:
    pieces = wrap_span(text, 0, len(text), width)
    kept = "".join(text[a:b] for a, b in pieces)
    assert kept.replace(" ", "") == text.replace(" ", "").replace(
        "\n", ""
    )  # nothing but spaces lost
    for a, b in pieces:
        assert "\n" not in text[a:b]
        assert cell_len(text[a:b]) <= width or b - a == 1
    assert all(a <= b for a, b in pieces) and pieces == sorted(pieces)


def model() -> TranscriptModel:
    text = "I: Vraag een?\nR: Zin een. Zin twee. Zin drie.\n"
    sentences = [
        Segment(i, 1, "sentence", i, s, e, sp, t)
        for i, (s, e, sp, t) in enumerate(
            [(3, 13, "I", 0), (17, 25, "R", 1), (26, 34, "R", 1), (35, 44, "R", 1)]
        )
    ]
    turns = [Segment(10, 1, "turn", 0, 0, 13, "I", 0), Segment(11, 1, "turn", 1, 14, 44, "R", 1)]
    doc = Document(1, "d", "txt", "d.txt", "", "", 8, "G")
    return TranscriptModel(
        doc, text, sentences, turns, ["vraag een", "zin een", "zin twee", "zin drie"]
    )


def coding(cid: int, start: int, end: int, code: str = "c") -> Coding:
    return Coding(cid, "g", 1, start, end, code, "anna", "", None, "", "")


def test_codings_are_indexed_by_the_sentences_they_touch() -> None:
    m = model()
    assert m.add(coding(1, 20, 30)) == range(1, 3)  # ends inside sentence 2
    assert m.add(coding(2, 26, 34, "d")) == range(2, 3)
    assert [c.id for c in m.codings_at(2)] == [1, 2]
    assert [c.id for c in m.codings_at(0, 3)] == [1, 2]
    assert m.next_uncoded(0) == 3
    m.remove(1)
    assert m.by_sentence == [[], [], [2], []]
    m.replace(coding(2, 35, 44, "d"))
    assert m.by_sentence == [[], [], [], [2]]
    assert m.coded_share() == 0.25


def test_layout_separates_turns_and_maps_lines_to_sentences() -> None:
    m = model()
    m.layout(40)
    kinds = [(line.kind, line.sentence) for line in m.lines]
    assert kinds == [
        ("speaker", 0),
        ("text", 0),
        ("blank", 1),
        ("speaker", 1),
        ("text", 1),
        ("text", 2),
        ("text", 3),
    ]
    assert m.line_span(1) == (4, 4)
    assert m.sentence_at(27) == 2 and m.sentence_at(0) == 0


def test_interviewer_is_recognised() -> None:
    assert is_interviewer("Interviewer") and is_interviewer("I") and is_interviewer("int.")
    assert not is_interviewer("Fatima") and not is_interviewer(None)


def test_keymap_from_config_and_help_rows() -> None:
    keymap, problems = load_keymap({"keys": {"coding.code": ["enter", "c"], "coding.memo": 5}})
    assert keymap == {"coding.code": "enter,c"} and len(problems) == 1
    from textual.binding import Binding

    rows = help_rows([("coding", [Binding("c", "code", "Code", id="coding.code")])], keymap)
    assert [(r.keys, r.binding_id) for r in rows] == [("Enter / c", "coding.code")]
    assert display_keys("question_mark,shift+down") == "? / shift+↓"
