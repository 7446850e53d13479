"""The export screen's checkbox shows its state in text, not only in colour (issue 14)."""

from __future__ import annotations

from typing import Any

from wijkverhalen.tui.screens.export import ExportScreen
from wijkverhalen.tui.widgets.state_checkbox import StateCheckbox


def screen_text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_pseudonymise_checkbox_reads_ticked_or_not_at_80x24(make: Any) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        box = screen.query_one("#export-pseudonymise", StateCheckbox)
        assert "[ ] Pseudonymise names" in screen_text(app)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value and screen.form()["options"]["pseudonymise"] is True
        assert "[x] Pseudonymise names" in screen_text(app)
        assert "[ ]" not in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert not box.value and "[ ] Pseudonymise names" in screen_text(app)
