"""What the researcher sees at 80 columns: every word of a transcript, at every size.

The transcript is read back from the composited screen (what the terminal would
show), not from the widget's model, so a pane pushed past the right edge or a
line wrapped for a wider pane shows up as a missing word.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from wijkverhalen.demo import build_demo_project
from wijkverhalen.store import Project
from wijkverhalen.tui.app import make_app
from wijkverhalen.tui.screens.coding import CodingScreen

from .conftest import CODER, fake_query_lemmas

WORD = re.compile(r"\w+")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, report = build_demo_project(tmp_path_factory.mktemp("demo") / "demo.wijk")
    assert report is not None and not report.failed
    return path


def screen_rows(app: Any) -> list[str]:
    """The text of every row of the screen as composited (what a terminal shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def visible_transcript(app: Any) -> dict[int, str]:
    """The transcript rows on screen now, keyed by their line number in the document."""
    view = app.screen.transcript
    region = view.region.intersection(app.screen.region)
    rows = screen_rows(app)
    top = int(view.scroll_y)
    return {
        top + (y - view.region.y): rows[y][region.x : region.right]
        for y in range(region.y, region.bottom)
    }


async def read_whole_transcript(pilot: Any) -> str:
    """Page down through the open document, collecting every transcript row shown."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, CodingScreen) and screen.model is not None
    seen: dict[int, str] = {}
    await pilot.press("g")
    await pilot.pause()
    for _ in range(len(screen.model.lines) + 1):
        seen.update(visible_transcript(app))
        if screen.transcript.cursor == len(screen.model) - 1:
            break
        await pilot.press("pagedown")
        await pilot.pause()
    seen.update(visible_transcript(app))
    assert sorted(seen) == list(range(len(screen.model.lines)))  # paging skipped no line
    return "\n".join(seen[n] for n in sorted(seen))


def missing_words(document_text: str, shown: str) -> Counter[str]:
    """Words of the document (each occurrence) that are not on screen."""
    return Counter(WORD.findall(document_text)) - Counter(WORD.findall(shown))


async def open_demo_document(pilot: Any, document_id: int) -> CodingScreen:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    pilot.app.open_document(document_id)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.model is not None
    return screen


def first_document(path: Path) -> tuple[int, str]:
    with Project.open(path) as project:
        doc = next(d for d in project.documents() if d.name.startswith("01_bewoner_fatima"))
        return doc.id, project.document_text(doc.id)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_word_of_the_transcript_is_on_screen(
    demo_path: Path, size: tuple[int, int]
) -> None:
    doc_id, text = first_document(demo_path)
    app = make_app(demo_path, coder=CODER, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=size) as pilot:
        screen = await open_demo_document(pilot, doc_id)
        assert screen.transcript.region.right <= size[0]  # the pane fits in the terminal
        shown = await read_whole_transcript(pilot)
    assert "tijdens de eerste coronagolf" in " ".join(shown.split())
    assert not missing_words(text, shown)


@pytest.mark.slow
async def test_every_word_is_on_screen_after_resizing_from_wide_to_80(demo_path: Path) -> None:
    doc_id, text = first_document(demo_path)
    app = make_app(demo_path, coder=CODER, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_demo_document(pilot, doc_id)
        wide = screen.transcript.model.width  # type: ignore[union-attr]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.transcript.model.width < wide  # type: ignore[union-attr]
        shown = await read_whole_transcript(pilot)
    assert not missing_words(text, shown)


@pytest.mark.slow
async def test_transcript_rewraps_when_shown_again_after_a_resize(demo_path: Path) -> None:
    """Resized while another screen was up: the transcript fits when it comes back."""
    doc_id, text = first_document(demo_path)
    app = make_app(demo_path, coder=CODER, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_demo_document(pilot, doc_id)
        await pilot.press("d")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        shown = await read_whole_transcript(pilot)
    assert not missing_words(text, shown)


# -- every screen's keys, and Validate, at 80x24 ------------------------------------------
def link_indicators(path: Path) -> None:
    """Two indicators linked to codes of the fixture project, so Validate has findings."""
    from wijkverhalen.models.linking import IndicatorValue

    values = [
        IndicatorValue(ind, area, year, v, unit="%", label=f"% bewoners: {ind}")
        for ind, start in (("vertrouwen_gebiedsbestuur", 38), ("contact_buren", 50))
        for area, step in (("BoTu", 3), ("Rotterdam", 0))
        for i, year in enumerate((2014, 2016, 2018, 2020))
        for v in [start + i * step]
    ]
    with Project.open(path) as project:
        project.import_indicator_values(values, file="indicatoren.csv", coder=CODER)
        project.set_indicator_link("relaties.vertrouwen", "vertrouwen_gebiedsbestuur", "+", CODER)
        project.set_indicator_link("relaties.samenhang", "contact_buren", "-", CODER)


FOOTER_KEYS = {
    "d": ["f Filter", "i Import"],
    "enter": ["v Select", "c Code", "x Remove", "m Memo"],
    "slash": ["/ Search"],  # typing in the query box: letters are text, not keys
    "b": ["a Add", "e Rename", "g Merge"],
    "V": ["c Case", "s Aspect", "a Link", "- Flip link", "x Unlink", "m Mentions"],
    "E": ["^e Export"],
    "X": ["v View", "p Presence", "s Sub-codes", "f Filter", "a Attribute", "o Scope"],
    "M": ["f Filter/search", "m Edit memo"],
}


@pytest.mark.parametrize("key", list(FOOTER_KEYS))
async def test_footer_keeps_screen_keys_and_undo_help_quit_at_80(
    make: Any, project_path: Path, key: str
) -> None:
    link_indicators(project_path)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()  # the footer recomposes after the focus settles
        footer = screen_rows(app)[-1]
    always = [] if key == "slash" else ["u Undo", "? Help", "q Quit"]
    for label in [*FOOTER_KEYS[key], *always]:
        assert label in footer, f"{label!r} not in the footer: {footer!r}"


async def test_validate_is_usable_at_80x24(make: Any, project_path: Path) -> None:
    from wijkverhalen.tui.screens.validate import ValidateScreen

    link_indicators(project_path)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ValidateScreen) and screen.result is not None
        findings = screen.result.findings
        assert len(findings) == 2
        text = "\n".join(screen_rows(app))
        for finding in findings:  # each row's verdict and code are in view, whole
            assert any(
                finding.verdict in row and finding.code_id in row for row in screen_rows(app)
            ), text
        table = screen.query_one("#validate-table")
        assert table.region.height >= 7  # a header and at least six rows
        pane = screen.query_one("#validate-detail-pane")
        assert pane.region.right <= 80
        # the reasoning ends with the verdict's rule: in view, or one Tab and End away
        await pilot.press("tab")
        assert app.focused is pane
        await pilot.press("end")
        await pilot.pause()
        assert "rule:" in "\n".join(screen_rows(app)), text

