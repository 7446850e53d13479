"""Pilot tests of the coding flow as a researcher uses it (issue 14, "Coding flow")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wijkverhalen.models import Document
from wijkverhalen.tui.screens.dialogs import ChoiceDialog, MemoDialog
from wijkverhalen.tui.screens.documents import matches
from wijkverhalen.tui.screens.retrieval import RetrievalScreen
from wijkverhalen.tui.widgets.code_picker import CodePicker
from wijkverhalen.tui.widgets.transcript import GUTTER, MAX_TEXT_WIDTH, PART_BAR, WHOLE_BAR

from .test_tui_coding import (
    DOE_MAAR,
    GEMEENTE,
    GEMEENTE_Q,
    SIZE,
    VERTROUWEN,
    ZEIDEN,
    open_first_document,
    pick,
    sentence_span,
)


@pytest.mark.slow
async def test_r_retrieves_the_code_under_the_cursor_not_the_tree_highlight(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "j", "j")
        await pick(pilot, "samenh")
        assert screen.code_tree.highlighted_code_id != "relaties.samenhang"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert app.screen.code_id == "relaties.samenhang"


@pytest.mark.slow
async def test_r_on_an_uncoded_sentence_asks_and_letters_go_to_the_picker(
    make: Any, reopen: Any
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        # letters that are commands on the coding screen (x remove, c code, m memo...)
        await pilot.press(*"vertrouwen", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert app.screen.code_id == "relaties.vertrouwen"
    assert reopen().codings(document_id=1) == []


@pytest.mark.slow
async def test_r_with_two_codes_here_asks_with_them_first(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "j", "j")
        await pick(pilot, "samenh")
        await pick(pilot, "governance")
        await pilot.press("r")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CodePicker)
        assert picker.suggested == ["relaties.samenhang", "governance"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RetrievalScreen)


@pytest.mark.slow
async def test_selection_stays_after_coding_for_a_second_code(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "j", "j", "v", "j")  # ZEIDEN..VERTROUWEN
        await pick(pilot, "vertr")
        assert screen.transcript.selection() == (ZEIDEN, VERTROUWEN)
        await pick(pilot, "samenh")  # the same span, not reselected
        span = sentence_span(screen, ZEIDEN, VERTROUWEN)
        await pilot.press("escape")
        assert not screen.transcript.selecting
    got = sorted((c.start, c.end, c.code_id) for c in reopen().codings(document_id=1))
    assert got == [(*span, "relaties.samenhang"), (*span, "relaties.vertrouwen")]


@pytest.mark.slow
async def test_number_keys_show_their_codes_while_coding(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pick(pilot, "stress")
        await pick(pilot, "netw")
        line = str(screen.query_one("#recent-codes").render())
        assert "1 ■ Netwerken" in line and "2 ■ Stressor" in line
        assert line.index("Netwerken") < line.index("Stressor")
        await pilot.press("j", "2")  # 2 = Stressor, which becomes 1
        line = str(screen.query_one("#recent-codes").render())
        assert "1 ■ Stressor" in line and "2 ■ Netwerken" in line


@pytest.mark.slow
async def test_picker_previews_the_highlighted_code(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"relaties tussen")
        await pilot.pause()
        preview = str(app.screen.query_one("#picker-preview").render())
        for part in ("Relaties tussen bewoners", "Contact, samenwerking", "De rol van de overheid",
                     "We kennen elkaar nu"):
            assert part in preview
        await pilot.press("down")  # no other match: stays; clear and move to another code
        await pilot.press(*["backspace"] * 15, *"vertr")
        await pilot.pause()
        preview = str(app.screen.query_one("#picker-preview").render())
        assert "Vertrouwen tussen actoren." in preview and "Contact" not in preview


@pytest.mark.slow
async def test_j_k_move_in_the_code_tree_and_in_choice_lists(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pick(pilot, "netw")
        await pick(pilot, "gov")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("j", "enter")  # the second one listed: governance
        await pilot.pause()
        await pilot.press("tab")  # to the code tree
        tree = screen.code_tree
        assert tree.has_focus
        before = tree.cursor_line
        await pilot.press("j", "j")
        assert tree.cursor_line == before + 2 and screen.transcript.cursor == 0
        await pilot.press("k")
        assert tree.cursor_line == before + 1
    assert [c.code_id for c in reopen().codings(document_id=1)] == ["netwerken"]


async def test_m_on_an_uncoded_sentence_says_it_memos_the_document(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemoDialog)
        assert "01_bewoner_fatima" in dialog.title_text
        assert "not coded" in dialog.context and "whole document" in dialog.context


@pytest.mark.slow
async def test_exact_word_codings_are_marked_in_the_text_not_as_the_sentence(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("G", "s")  # "Doe maar, ik denk dat je het kunt."
        await pilot.pause()
        await pilot.press(*["shift+right"] * 8, "enter")  # "Doe maar"
        await pilot.pause()
        await pick(pilot, "netw")
        await pilot.press("escape", "k")  # off the sentence: no cursor shading
        transcript = screen.transcript
        assert transcript.model is not None
        y = transcript.model.first_line[DOE_MAAR] - int(transcript.scroll_y)
        segments = list(transcript.render_line(y))
        assert PART_BAR in segments[1].text and WHOLE_BAR not in "".join(s.text for s in segments[:4])
        underlined = "".join(s.text for s in segments if s.style and s.style.underline)
        assert underlined == "Doe maar"
        await pilot.press("k")  # a whole-sentence coding elsewhere keeps the full bar
        await pick(pilot, "netw")
        y = transcript.model.first_line[DOE_MAAR - 2] - int(transcript.scroll_y)
        segments = list(transcript.render_line(y))
        assert WHOLE_BAR in segments[1].text
        assert not any(s.style and s.style.underline for s in segments)


async def test_suggestions_cover_the_selection_and_skip_interviewer_questions(
    make: Any, reopen: Any
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press(*["j"] * GEMEENTE)  # "Met de gemeente ..."
        assert [c for c, _ in screen.suggested] == ["governance"]
        await pilot.press("v", "j")  # "... Maar de buren hielpen elkaar."
        assert [c for c, _ in screen.suggested] == ["relaties.samenhang", "governance"]
        await pilot.press("a")  # applied to the selection; the other one stays offered
        assert [c for c, _ in screen.suggested] == ["governance"]
        await pilot.press("escape", "k", "k")  # the interviewer: "En de gemeente?"
        assert screen.transcript.cursor == GEMEENTE_Q and screen.suggested == []
        assert "a shows its keyword suggestions" in str(screen.query_one("#cursor-info").render())
        await pilot.press("a")  # asked: now offered, not applied
        assert [c for c, _ in screen.suggested] == ["governance"]
        assert len(reopen().codings(document_id=1)) == 1
        await pilot.press("a")
        await pilot.pause()
        gemeente_q = sentence_span(screen, GEMEENTE_Q)
        both = sentence_span(screen, GEMEENTE, GEMEENTE + 1)
    got = sorted((c.start, c.end, c.code_id) for c in reopen().codings(document_id=1))
    assert got == [(*gemeente_q, "governance"), (*both, "relaties.samenhang")]


@pytest.mark.slow
async def test_reopening_returns_to_the_sentence_and_colon_goes_to_n(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press(*["j"] * GEMEENTE)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("down", "enter")  # another document
        await pilot.pause()
        assert screen.model is not None and screen.model.document.name != "01_bewoner_fatima"
        assert screen.transcript.cursor == 0
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("up", "enter")  # back: where we were
        await pilot.pause()
        assert screen.model.document.name == "01_bewoner_fatima"
        assert screen.transcript.cursor == GEMEENTE
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press("9", "9", "enter")  # out of range: the dialog stays
        await pilot.pause()
        assert app.screen is not screen
        await pilot.press("backspace", "backspace", "3", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.transcript.cursor == 2


@pytest.mark.slow
async def test_codebook_edits_include_and_keywords(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.highlighted_code_id() == "relaties"  # type: ignore[attr-defined]
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("j", "j", "j", "enter")  # label, gloss, definition, include
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        await pilot.press(*" Ook buurtnetwerken.", "ctrl+s")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*["j"] * 6, "enter")  # keywords
        await pilot.pause()
        await pilot.press(*"contact, samenwerking", "enter")
        await pilot.pause()
        shown = {key for key, b in app.screen.active_bindings.items() if b.binding.show}
        assert {"f", "a", "e", "o", "p", "g"} <= shown  # the codebook's own keys in the footer
    code = reopen().code("relaties")
    assert code.include == "Contact, samenwerking, vertrouwen. Ook buurtnetwerken."
    assert code.keywords == ("contact", "samenwerking")


@pytest.mark.slow
async def test_word_motions_build_an_exact_span(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("G", "w")  # "Doe"
        model = screen.model
        assert model is not None
        start = model.sentences[DOE_MAAR].start
        assert screen.transcript.exact == (start, start + 3)
        await pilot.press("w", "w", "w")  # "Doe maar, ik denk"
        assert screen.transcript.exact == (start, start + 17)
        await pilot.press("e")  # "Doe maar, ik"
        await pilot.press("W")  # "maar, ik"
        assert model.text[slice(*screen.transcript.exact)] == "maar, ik"  # type: ignore[misc]
        await pick(pilot, "vertr")
    got = [(c.start, c.end, c.code_id) for c in reopen().codings(document_id=1)]
    assert got == [(start + 4, start + 12, "relaties.vertrouwen")]


async def test_word_motion_crosses_into_the_next_sentence(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press(*["j"] * (VERTROUWEN - 1), "w")  # ZEIDEN
        model = screen.model
        assert model is not None
        words = screen.transcript.words(ZEIDEN, ZEIDEN)
        await pilot.press(*["w"] * len(words))  # one past the last word of the sentence
        assert screen.transcript.exact is not None
        assert screen.transcript.exact[1] > model.sentences[ZEIDEN].end
        assert screen.transcript.selection() == (ZEIDEN, VERTROUWEN)


async def test_mouse_drag_marks_words_and_a_click_on_a_code_applies_it(
    make: Any, reopen: Any
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        transcript = screen.transcript
        model = transcript.model
        assert model is not None
        row = model.first_line[DOE_MAAR] - int(transcript.scroll_y)
        await pilot.click(transcript, offset=(GUTTER + 2, row))  # click a sentence
        assert transcript.cursor == DOE_MAAR and transcript.exact is None
        await pilot.mouse_down(transcript, offset=(GUTTER + 1, row))  # in "Doe"
        await pilot.hover(transcript, offset=(GUTTER + 6, row))  # in "maar"
        await pilot.mouse_up(transcript, offset=(GUTTER + 6, row))
        start = model.sentences[DOE_MAAR].start
        assert transcript.exact == (start, start + 8)  # "Doe maar", whole words
        tree = screen.code_tree
        node_row = tree._code_nodes["netwerken"].line
        await pilot.click(tree, offset=(4, node_row - int(tree.scroll_y)))
        await pilot.pause()
    got = [(c.start, c.end, c.code_id) for c in reopen().codings(document_id=1)]
    assert got == [(start, start + 8, "netwerken")]


async def test_wide_screen_caps_the_line_and_the_next_sentence_stays_in_view(make: Any) -> None:
    app = make()
    async with app.run_test(size=(220, 20)) as pilot:
        screen = await open_first_document(pilot)
        transcript = screen.transcript
        assert transcript.model is not None and transcript.model.width == MAX_TEXT_WIDTH
        for _ in range(DOE_MAAR - 1):
            await pilot.press("j")
            model, top = transcript.model, int(transcript.scroll_y)
            height = transcript.scrollable_content_region.height
            nxt = model.line_span(transcript.cursor + 1)[0]
            assert nxt < top + height  # the next sentence is already visible


async def test_messages_name_the_code_and_quote_not_ids(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pick(pilot, "stress")
        await pilot.press("plus")
        assert "Stressor on “Hoe kwam je bij Delfshaven" in screen.status
        await pilot.press("x")
        assert "removed Stressor on “Hoe kwam" in screen.status and "#" not in screen.status


def test_quoted_attribute_filter() -> None:
    doc = Document(1, "x", "txt", "x.txt", "", "", 0, "", attributes={
        "casus": "Delfshaven Helpt", "rol": "b"})
    assert matches(doc, 'casus="Delfshaven Helpt"')
    assert matches(doc, 'casus="delfshaven helpt" rol=b')
    assert not matches(doc, 'casus="Delfshaven Helpt" rol=p')
    assert not matches(doc, 'casus="SIBD"')
    assert matches(doc, 'casus="Delfs')  # an unclosed quote while typing still filters


@pytest.mark.slow
async def test_a_coding_made_by_another_process_appears_without_reopening(
    make: Any, project_path: Path
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "j")
        assert app.poll_project() is False  # nothing changed yet
        done = subprocess.run(
            [sys.executable, "-m", "wijkverhalen", "code", str(project_path),
             "01_bewoner_fatima", "--sentence", "4", "netwerken", "--coder", "bert"],
            capture_output=True, text=True, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert app.poll_project() is True  # what the timer calls
        await pilot.pause()
        assert screen.model is not None
        assert [c.code_id for c in screen.model.codings_at(0, DOE_MAAR)] == ["netwerken"]
        assert screen.transcript.cursor == 2  # still where the coder was
        assert app.poll_project() is False
