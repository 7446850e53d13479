"""Opening a main screen for the first time restyles no more than it must (issue 14).

Textual re-parses all CSS and restyles every widget of the app when it first shows
a screen (in case the screen brought CSS of its own; ours bring none), and adds the
size classes (``-wide``, ``-short``, ...) on the screen's first resize, restyling
the whole screen again. The app gives a new screen both up front.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen

from wijkverhalen.tui.screens.coding import CodingScreen


@pytest.mark.parametrize(
    ("size", "classes"),
    [((120, 40), {"-wide", "-tall"}), ((80, 24), {"-narrow", "-short"})],
)
async def test_opening_a_document_restyles_neither_app_nor_screen(
    make: Any, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], classes: set[str]
) -> None:
    refreshes: list[str] = []
    class_changes: list[tuple[str, set[str]]] = []
    refresh_css = App.refresh_css
    update_classes = Screen.update_classes

    def counting_refresh_css(self: App[Any], animate: bool = True) -> None:
        refreshes.append(type(self.screen).__name__)
        refresh_css(self, animate=animate)

    def recording_update_classes(self: Screen[Any], changes: Any, *args: Any, **kw: Any) -> Any:
        before = set(self.classes)
        result = update_classes(self, changes, *args, **kw)
        if self.is_mounted and set(self.classes) != before:
            class_changes.append((type(self).__name__, set(self.classes) ^ before))
        return result

    monkeypatch.setattr(App, "refresh_css", counting_refresh_css)
    monkeypatch.setattr(Screen, "update_classes", recording_update_classes)
    app = make()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        refreshes.clear()
        class_changes.clear()  # (Textual's blank start-up screen gets its classes late)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.model is not None
        assert classes <= set(screen.classes)
        assert refreshes == []
        assert class_changes == []
