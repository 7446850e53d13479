"""The search screen highlights the matched words by offset: a transcript's own
``[lacht]`` is shown as text, and an unbalanced ``[`` swallows nothing."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from wijkverhalen.store import Project
from wijkverhalen.tui.app import make_app
from wijkverhalen.tui.screens.search import SearchScreen

from .conftest import CODER, CODES, fake_query_lemmas, hand_segmented

TEXT = (
    "Interviewer: Hoe ging het?\n\n"
    "Fatima: We hielpen elkaar [lacht] met boodschappen. "
    "Toen kwam de buurvrouw [onverstaanbaar en we hielpen haar ook.\n"
)


async def test_search_results_keep_brackets_and_mark_only_matches(tmp_path: Path) -> None:
    path = tmp_path / "haakjes.wijk"
    with Project.create(path, codes=CODES, coder=CODER) as project:
        project.documents.add([hand_segmented("haakjes", TEXT, {})], CODER)
    app = make_app(path, coder=CODER, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"hielpen", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert len(screen.hits) == 2
        options = screen.query_one("#search-results", OptionList)
        for index in range(2):
            prompt = options.get_option_at_index(index).prompt
            marked = {prompt.plain[s.start : s.end] for s in prompt.spans if "reverse" in str(s.style)}
            assert marked == {"hielpen"}
        rows = [strip.text for strip in app.screen._compositor.render_strips()]
    screen_text = " ".join(" ".join(rows).split())  # results wrap at the screen's width
    assert "We hielpen elkaar [lacht] met boodschappen." in screen_text
    assert "Toen kwam de buurvrouw [onverstaanbaar en we hielpen haar ook." in screen_text
