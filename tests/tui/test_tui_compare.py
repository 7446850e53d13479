"""The Compare screen (issue 13): disagreements between coders, settled into a consensus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style

from wijkverhalen.store import copy_project
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.compare import CODER_COLOURS, CONSENSUS_COLOUR, CompareScreen
from wijkverhalen.tui.screens.documents import DocumentsScreen
from wijkverhalen.tui.screens.merge_dialog import MergeResultDialog
from wijkverhalen.tui.session import CONSENSUS
from wijkverhalen.tui.widgets.transcript import TranscriptView

SIZE = (120, 40)
TRUST, RELATIONS = "relaties.vertrouwen", "relaties"


def two_coders(reopen: Any) -> list[tuple[int, int]]:
    """Sentence 0 agreed; 1 only bram; 2 only anna; 3 anna one code, bram another."""
    project = reopen()
    doc = project.documents()[0].id
    spans = [(s.start, s.end) for s in project.segments(doc)[:4]]
    project.add_coding(doc, *spans[0], TRUST, "anna")
    project.add_coding(doc, *spans[0], TRUST, "bram")
    project.add_coding(doc, *spans[1], TRUST, "bram")
    project.add_coding(doc, *spans[2], RELATIONS, "anna")
    project.add_coding(doc, *spans[3], RELATIONS, "anna")
    project.add_coding(doc, *spans[3], TRUST, "bram")
    project.close()
    return spans


async def loaded(pilot: Any) -> CompareScreen:
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def consensus(reopen: Any) -> set[tuple[int, int, str]]:
    project = reopen()
    try:
        return {(c.start, c.end, c.code_id) for c in project.codings(coder=CONSENSUS)}
    finally:
        project.close()


def units(screen: CompareScreen) -> list[tuple[int, str]]:
    return [(r["start"], r["code"]) for r in screen.rows]


@pytest.mark.slow
async def test_compare_lists_in_document_order_and_jumps(make: Any, reopen: Any) -> None:
    spans = two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.coders == ["anna", "bram"]
        assert units(screen) == [(spans[1][0], TRUST), (spans[2][0], RELATIONS),
                                 (spans[3][0], RELATIONS), (spans[3][0], TRUST)]
        options = screen.query_one("#compare-list")
        await pilot.press("n", "n")
        assert options.highlighted == 2
        await pilot.press("p")
        assert options.highlighted == 1
        view = screen.query_one("#compare-transcript", TranscriptView)
        assert view.exact == spans[2]  # the transcript follows the highlighted disagreement
        await pilot.press("enter")  # go to the passage in the transcript
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)


async def test_compare_stripes_one_column_per_coder(make: Any, reopen: Any) -> None:
    spans = two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        view = screen.query_one("#compare-transcript", TranscriptView)
        assert view.model is not None

        def stripes(sentence: int) -> list[str | None]:
            bars = view._bars(sentence, Style())
            return [b.style.color.name if b.text == "▌" and b.style and b.style.color else None for b in bars]

        # first row: trust, which bram applied on sentence 1 and both on sentence 0
        assert stripes(view.model.sentence_at(spans[1][0])) == [None, CODER_COLOURS[1], None]
        assert stripes(view.model.sentence_at(spans[0][0])) == [CODER_COLOURS[0], CODER_COLOURS[1], None]
        await pilot.press("a")  # the consensus codes it: its own column
        await pilot.pause()
        await pilot.press("n", "n")  # the trust line on sentence 3
        await pilot.pause()
        assert screen.rows[2]["code"] == TRUST
        assert stripes(view.model.sentence_at(spans[1][0])) == [None, CODER_COLOURS[1], CONSENSUS_COLOUR]
        assert "anna" in str(screen.query_one("#compare-status").render())


@pytest.mark.slow
async def test_compare_accept_reject_stay_settled_and_x_undoes(make: Any, reopen: Any) -> None:
    spans = two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")  # accept: the consensus codes trust on sentence 1
        await pilot.pause()
        await pilot.press("minus")  # reject relations on sentence 2: stored, nothing coded
        await pilot.pause()
        assert len(screen.rows) == 2
    assert consensus(reopen) == {(*spans[1], TRUST)}
    project = reopen()
    assert project.rejections() == {(project.documents()[0].id, *spans[2], RELATIONS)}
    project.close()
    async with make().run_test(size=SIZE) as pilot:  # settled units stay off the list
        screen = await loaded(pilot)
        assert units(screen) == [(spans[3][0], RELATIONS), (spans[3][0], TRUST)]
        await pilot.press("x")  # undoes the rejection
        await settle(pilot)
        assert (spans[2][0], RELATIONS) in units(screen)
        await pilot.press("x")  # and the consensus coding
        await settle(pilot)
        assert len(screen.rows) == 4
    assert consensus(reopen) == set()


async def test_compare_take_one_coder_or_both(make: Any, reopen: Any) -> None:
    spans = two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        await pilot.press("n", "n")  # sentence 3: anna relations, bram trust
        await pilot.press("2")  # bram's coding of the passage: trust yes, relations no
        await pilot.pause()
        assert units(screen) == [(spans[1][0], TRUST), (spans[2][0], RELATIONS)]
        await pilot.press("p")
        await pilot.press("A")  # both on sentence 1 (one line): the consensus codes trust
        await pilot.pause()
        assert units(screen) == [(spans[2][0], RELATIONS)]
    assert consensus(reopen) == {(*spans[3], TRUST), (*spans[1], TRUST)}
    project = reopen()
    assert {r[1:] for r in project.rejections()} == {(*spans[3], RELATIONS)}
    project.close()


@pytest.mark.slow
async def test_compare_memo_on_consensus_coding_or_document(make: Any, reopen: Any) -> None:
    spans = two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("m")  # no consensus coding yet: into the document memo
        await pilot.pause()
        pilot.app.screen.query_one("TextArea").text = "bram las vertrouwen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("n", "n", "a")  # sentence 3: the consensus codes relations
        await pilot.pause()
        await pilot.press("m")  # on sentence 3's other line: the memo goes on the consensus coding
        await pilot.pause()
        pilot.app.screen.query_one("TextArea").text = "samen besloten"
        await pilot.press("ctrl+s")
        await pilot.pause()
    project = reopen()
    doc = project.documents()[0]
    assert f"[{spans[1][0]}-{spans[1][1]}]" in doc.memo and "bram las vertrouwen" in doc.memo
    [coding] = project.codings(coder=CONSENSUS)
    assert "samen besloten" in coding.memo
    project.close()


async def test_merge_from_the_documents_screen_and_undo(
    make: Any, reopen: Any, project_path: Path, tmp_path: Path
) -> None:
    copy = copy_project(project_path, tmp_path / "bram.wijk", "bram", blind=True)
    project = reopen()
    doc = project.documents()[0].id
    first = project.segments(doc)[0]
    project.close()
    from wijkverhalen.store import Project

    with Project.open(copy) as theirs:
        theirs.add_coding(doc, first.start, first.end, TRUST, "bram")
    async with make().run_test(size=SIZE) as pilot:
        assert isinstance(pilot.app.screen, DocumentsScreen)
        await pilot.press("G")
        await pilot.pause()
        await pilot.press(*"nowhere.wijk", "enter")  # a missing file keeps the dialog open
        await pilot.pause()
        assert "No such file" in str(pilot.app.screen.query_one("#prompt-error").render())
        pilot.app.screen.query_one("Input").value = str(copy)
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, MergeResultDialog)
        assert "bram.wijk: added" in dialog.summary and "1 coding(s)" in dialog.summary
        assert [c.coder for c in pilot.app.session.project.codings()] == ["bram"]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("u")  # the merge is one undoable change
        await pilot.pause()
        assert pilot.app.session.project.codings() == []


async def test_compare_keys_leave_the_global_screen_keys_alone(make: Any, reopen: Any) -> None:
    """r and b open Passages and the Codebook on the Compare screen too (issue 14)."""
    two_coders(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        before = len(screen.rows)
        await pilot.press("b")
        await pilot.pause()
        assert app_screen_name(pilot) == "codebook"
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("r")  # asks which code's passages (nothing is settled)
        await pilot.pause()
        assert app_screen_name(pilot) != "compare"
        assert len(screen.rows) == before
    assert consensus(reopen) == set()
    project = reopen()
    assert project.rejections() == set()
    project.close()


def app_screen_name(pilot: Any) -> str:
    screen = pilot.app.screen
    return str(screen.id or type(screen).__name__)
