"""The footer is rebuilt only when the keys it shows change (issue 14, speed at scale).

Textual rebuilds a footer, restyling every key, on each "bindings updated" signal of
its screen; opening a document sends some fourteen. Counted here: footer builds that
show keys (``compose`` once the bindings are known), by wrapping ``WijkFooter.compose``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.widgets.footer import WijkFooter

SIZE = (120, 40)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the screens whose footer was built, one entry per build with keys."""
    seen: list[str] = []
    compose = WijkFooter.compose

    def counting(self: WijkFooter) -> Iterator[Any]:
        if self._bindings_ready:
            seen.append(type(self.screen).__name__)
        return compose(self)

    monkeypatch.setattr(WijkFooter, "compose", counting)
    return seen


def footer_actions(screen: Any) -> list[str]:
    return [key.action for key in screen.query_one(WijkFooter).query(FooterKey)]


async def test_opening_a_document_builds_its_footer_at_most_twice(
    make: Any, builds: list[str]
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        builds.clear()
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.model is not None
        # Once for the screen's keys; at most once more should the focus settle on a
        # widget with keys of its own. (Textual's footer: about fourteen builds.)
        assert 1 <= builds.count("CodingScreen") <= 2, builds
        assert builds.count("DocumentsScreen") <= 1, builds
        # What it shows is what the screen's bindings say.
        shown = footer_actions(screen)
        expected = list(
            dict.fromkeys(
                b.action for (_, b, _, _) in screen.active_bindings.values() if b.show
            )
        )
        assert shown == expected


async def test_footer_is_rebuilt_when_its_keys_change(make: Any, builds: list[str]) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        before = footer_actions(screen)
        builds.clear()
        await pilot.press("tab")  # to the code tree: other keys
        await pilot.pause()
        after = footer_actions(screen)
        assert after != before
        assert builds == ["CodingScreen"]
        expected = list(
            dict.fromkeys(
                b.action for (_, b, _, _) in screen.active_bindings.values() if b.show
            )
        )
        assert after == expected
