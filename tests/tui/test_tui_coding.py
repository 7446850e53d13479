"""Pilot tests of the coding flows, each checked on the project database afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import OptionList

from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.dialogs import ChoiceDialog, SpanDialog
from wijkverhalen.tui.widgets.code_picker import CodePicker, rank_codes

from .conftest import CODES

SIZE = (120, 40)
# Sentences of 01_bewoner_fatima (the first document in the list):
WHATSAPP, MOEDER, ZEIDEN, VERTROUWEN, GEMEENTE_Q, GEMEENTE, BUREN, DOE_MAAR = 1, 2, 3, 4, 5, 6, 7, 8


async def open_first_document(pilot: Any) -> CodingScreen:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.model is not None and screen.model.document.name == "01_bewoner_fatima"
    return screen


async def pick(pilot: Any, query: str) -> None:
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodePicker)
    await pilot.press(*query, "enter")
    await pilot.pause()


def sentence_span(screen: CodingScreen, first: int, last: int | None = None) -> tuple[int, int]:
    assert screen.model is not None
    last = first if last is None else last
    return screen.model.sentences[first].start, screen.model.sentences[last].end


async def test_open_document_and_move(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        transcript = screen.transcript
        assert transcript.cursor == 0
        await pilot.press("j", "j")
        assert transcript.cursor == 2
        await pilot.press("k")
        assert transcript.cursor == 1
        await pilot.press("J")  # next turn: "En de gemeente?"
        assert transcript.cursor == GEMEENTE_Q
        await pilot.press("K")  # back to the start of the previous turn
        assert transcript.cursor == WHATSAPP
        await pilot.press("G")
        assert transcript.cursor == DOE_MAAR
        await pilot.press("g")
        assert transcript.cursor == 0


@pytest.mark.slow
async def test_apply_code_via_picker(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "j", "j")
        await pick(pilot, "vertr")
        span = sentence_span(screen, ZEIDEN)
        assert "coded Onderling vertrouwen" in screen.status
    codings = reopen().codings(document_id=1)
    assert [(c.start, c.end, c.code_id, c.coder) for c in codings] == [
        (*span, "relaties.vertrouwen", "anna")
    ]


@pytest.mark.slow
async def test_select_sentences_and_turns(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "v", "j", "j")  # sentences 1-3
        assert screen.transcript.selection() == (WHATSAPP, ZEIDEN)
        await pick(pilot, "netw")
        three = sentence_span(screen, WHATSAPP, ZEIDEN)
        assert screen.transcript.selection() == (WHATSAPP, ZEIDEN)  # kept for a second code
        await pilot.press("escape", "J", "J", "v", "v")  # a second v selects the whole turn
        assert screen.transcript.selection() == (GEMEENTE, DOE_MAAR)
        await pilot.press("escape")
        assert not screen.transcript.selecting
        await pilot.press("k", "k", "v", "J")  # J extends the selection to the end of the turn
        assert screen.transcript.selection() == (GEMEENTE, DOE_MAAR)
        await pick(pilot, "gov")
        turn = sentence_span(screen, GEMEENTE, DOE_MAAR)
    codings = {(c.start, c.end): c.code_id for c in reopen().codings(document_id=1)}
    assert codings == {three: "netwerken", turn: "governance"}


@pytest.mark.slow
async def test_recent_code_on_number_key(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pick(pilot, "stress")
        await pick(pilot, "netw")
        assert app.session.recent[:2] == ["netwerken", "stressor"]
        await pilot.press("j", "2")  # 2 = stressor; it becomes 1
        await pilot.press("j", "2")  # now 2 = netwerken
        spans = [sentence_span(screen, i) for i in (0, 1, 2)]
    got = sorted((c.start, c.code_id) for c in reopen().codings(document_id=1))
    assert got == [
        (spans[0][0], "netwerken"),
        (spans[0][0], "stressor"),
        (spans[1][0], "stressor"),
        (spans[2][0], "netwerken"),
    ]


@pytest.mark.slow
async def test_recent_codes_survive_a_restart(make: Any) -> None:
    async with make().run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "stress")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session.recent == ["stressor"]


@pytest.mark.slow
async def test_remove_coding_and_choose_among_several(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pick(pilot, "stress")
        await pilot.press("x")
        assert screen.model is not None and not screen.model.by_sentence[0]
        await pick(pilot, "netw")
        await pick(pilot, "gov")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # the second one listed: governance
        await pilot.pause()
    assert [c.code_id for c in reopen().codings(document_id=1)] == ["netwerken"]


@pytest.mark.slow
async def test_memo_on_coding_and_document(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "vertr")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"kernquote", "ctrl+s")
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        await pilot.press(*"telefonisch interview", "ctrl+s")
        await pilot.pause()
    project = reopen()
    assert [c.memo for c in project.codings(document_id=1)] == ["kernquote"]
    assert project.document(1).memo == "telefonisch interview"


@pytest.mark.slow
async def test_valence_cycles_with_plus(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "vertr")
        await pilot.press("plus")
        await pilot.pause()
    assert reopen().codings(document_id=1)[0].valence == "positive"
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("plus", "plus")
        await pilot.pause()
    assert reopen().codings(document_id=1)[0].valence == "mixed"


@pytest.mark.slow
async def test_change_code_of_a_coding(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "vertr")
        await pilot.press("C")
        await pilot.pause()
        await pilot.press(*"samenh", "enter")
        await pilot.pause()
    assert [c.code_id for c in reopen().codings(document_id=1)] == ["relaties.samenhang"]


@pytest.mark.slow
async def test_undo_and_redo_across_restarts(make: Any, reopen: Any) -> None:
    async with make().run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "vertr")
    assert len(reopen().codings()) == 1
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        assert screen.model is not None and screen.model.by_sentence[0]
        await pilot.press("u")
        await pilot.pause()
        assert not screen.model.by_sentence[0]  # the screen repaints from the project
    assert reopen().codings() == []
    async with make().run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
    assert [c.code_id for c in reopen().codings()] == ["relaties.vertrouwen"]


@pytest.mark.slow
async def test_in_vivo_code_from_exact_words(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("G")  # "Doe maar, ik denk dat je het kunt."
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SpanDialog)
        await pilot.press(*["shift+right"] * 8, "enter")  # "Doe maar"
        await pilot.pause()
        assert screen.transcript.exact is not None
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # keep the suggested label: the quote
        await pilot.pause()
        await pilot.press(*"relaties", "enter")  # place it under Relaties tussen actoren
        await pilot.pause()
        start = screen.model.sentences[DOE_MAAR].start  # type: ignore[union-attr]
    project = reopen()
    new = [c for c in project.codes() if c.id not in {k.id for k in CODES}]
    assert [(c.label, c.parent_id, c.gloss) for c in new] == [("Doe maar", "relaties", "in vivo")]
    assert [(c.start, c.end, c.code_id) for c in project.codings()] == [
        (start, start + 8, new[0].id)
    ]


async def test_suggestion_is_offered_not_applied(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("j", "j", "j")  # "... wij vertrouwen je."
        assert [code for code, _ in screen.suggestions(ZEIDEN)] == ["relaties.vertrouwen"]
        assert reopen().codings() == []  # offered only
        await pilot.press("a")
        await pilot.pause()
    assert [c.code_id for c in reopen().codings()] == ["relaties.vertrouwen"]


async def test_enter_in_code_tree_applies_code(make: Any, reopen: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("tab")
        assert app.focused is screen.code_tree
        await pilot.press("down", "enter")  # Onderling vertrouwen
        await pilot.pause()
        assert screen.highlighted_code_id() == "relaties.vertrouwen"
        await pilot.press("j")  # j moves the tree while it has focus (as in every tree)
        assert screen.transcript.cursor == 0
        assert screen.highlighted_code_id() == "relaties.samenhang"
    assert [c.code_id for c in reopen().codings()] == ["relaties.vertrouwen"]


def test_picker_matches_id_label_and_gloss() -> None:
    assert rank_codes("vertr", CODES)[0].id == "relaties.vertrouwen"  # Dutch label
    assert rank_codes("trust", CODES)[0].id == "relaties.vertrouwen"  # English gloss
    assert rank_codes("rel.sam", CODES)[0].id == "relaties.samenhang"  # id, letters in order
    assert rank_codes("stresor", CODES)[0].id == "stressor"  # a typo
    assert rank_codes("zzzz", CODES) == []


async def test_picker_lists_suggested_and_recent_first(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pick(pilot, "stress")
        await pilot.press("j", "j", "j", "c")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[:5] == [None, "suggested:relaties.vertrouwen", None, "recent:stressor", None]
        await pilot.press("escape")


async def test_mark_document_done_is_undoable(make: Any, reopen: Any) -> None:
    async with make().run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        assert screen.model is not None
        doc = screen.model.document.id
        await pilot.press("D")
        await pilot.pause()
        assert reopen().done_marks() == {"anna": {doc}}
        assert "marked done" in screen.status
        await pilot.press("u")
        await pilot.pause()
        assert reopen().done_marks() == {}
        await pilot.press("D", "D")
        await pilot.pause()
        assert reopen().done_marks() == {}


def test_the_transcript_owns_its_keys_and_the_screen_the_writing_ones() -> None:
    """Issue 10: moves and selection are the transcript widget's keys, coding the screen's."""
    import ast
    import inspect

    from wijkverhalen.tui import app as app_module
    from wijkverhalen.tui.widgets.coding_transcript import CodingTranscript

    own = {b.id for b in CodingTranscript.BINDINGS}
    screen = {b.id for b in CodingScreen.BINDINGS}
    assert {"coding.next_sentence", "coding.select", "coding.word_next", "coding.go_to"} <= own
    assert {"coding.code", "coding.remove", "coding.memo"} <= screen and not own & screen
    # the app reads no screen's private attributes
    tree = ast.parse(inspect.getsource(app_module))
    private = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and n.attr.startswith("_") and not n.attr.startswith("__")}
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert "_pending" not in private | names and "model" not in names


async def test_escape_in_the_code_tree_goes_back_to_the_transcript(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("v", "j", "tab")
        assert app.focused is screen.code_tree
        await pilot.press("escape")  # drops the selection (the tree keeps focus)
        assert app.focused is screen.code_tree and not screen.transcript.selecting
        await pilot.press("escape")  # nothing selected: back to the transcript
        assert app.focused is screen.transcript
