"""The Compare screen (issue 13): disagreements between coders, settled into a consensus."""

from __future__ import annotations

from typing import Any

from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.compare import CompareScreen
from wijkverhalen.tui.session import CONSENSUS

SIZE = (120, 40)


def two_coders(reopen: Any) -> None:
    project = reopen()
    doc = project.documents()[0].id
    sentences = project.segments(doc)
    first, second = sentences[0], sentences[1]
    project.add_coding(doc, first.start, first.end, "relaties.vertrouwen", "anna")
    project.add_coding(doc, first.start, first.end, "relaties.vertrouwen", "bram")
    project.add_coding(doc, second.start, second.end, "relaties.vertrouwen", "bram")  # anna did not
    project.add_coding(doc, sentences[2].start, sentences[2].end, "relaties", "anna")  # bram did not
    project.close()


async def loaded(pilot: Any) -> CompareScreen:
    await pilot.press("R")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_compare_lists_settles_and_jumps(make: Any, reopen: Any) -> None:
    two_coders(reopen)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot)
        assert screen.coders == ["anna", "bram"]
        assert len(screen.rows) == 2
        first = screen.rows[0]
        assert {first["anna"], first["bram"]} == {"applied", "not applied"}
        await pilot.press("a")  # accept: the consensus codes it
        await pilot.pause()
        assert len(screen.rows) == 1
        await pilot.press("r")  # reject: nothing is written
        await pilot.pause()
        assert screen.rows == []
    consensus = reopen().codings(coder=CONSENSUS)
    assert [(c.start, c.end, c.code_id) for c in consensus] == [(first["start"], first["end"], first["code"])]
    async with make().run_test(size=SIZE) as pilot:  # settled units stay off the list; x undoes
        screen = await loaded(pilot)
        assert len(screen.rows) == 1
        await pilot.press("x")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.rows) == 2
        await pilot.press("enter")  # go to the passage in the transcript
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CodingScreen)
    assert reopen().codings(coder=CONSENSUS) == []
