"""The workbench and the user config: a broken file is reported and left alone,
saving the coder's name keeps the key bindings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wijkverhalen.config import config_path, load_config
from wijkverhalen.tui.app import make_app
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.dialogs import CoderNameDialog

from .conftest import fake_query_lemmas

SIZE = (100, 30)
BROKEN = "coder: anna\nkeys:\n  coding.next_sentence: ctrl+n\n  coding.code: [enter\n"


def notifications(app: Any) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_broken_config_is_reported_and_never_overwritten(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER", raising=False)
    cfg = config_path()
    cfg.write_text(BROKEN, encoding="utf-8")
    app = make_app(project_path, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = notifications(app)
        assert any(f"{cfg}:5:1: invalid YAML" in n for n in shown), shown
        # the coder could not be read from the file: asked, used, not saved
        assert isinstance(app.screen, CoderNameDialog)
        await pilot.press("ctrl+u", *"bram", "enter")
        await pilot.pause()
        assert app.session.coder == "bram"
        assert any("for this session only; not saved" in n for n in notifications(app))
    assert cfg.read_text(encoding="utf-8") == BROKEN


@pytest.mark.slow
async def test_saving_the_coder_keeps_the_key_bindings(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER", raising=False)
    cfg = config_path()
    original = "# mine\nkeys:\n  coding.next_sentence: ctrl+n\n"
    cfg.write_text(original, encoding="utf-8")
    app = make_app(project_path, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CoderNameDialog)
        await pilot.press("ctrl+u", *"Samira", "enter")
        await pilot.pause()
    assert cfg.read_text(encoding="utf-8") == original + "coder: Samira\n"
    assert load_config() == {"keys": {"coding.next_sentence": "ctrl+n"}, "coder": "Samira"}
    app = make_app(project_path, query_lemmas=fake_query_lemmas)
    async with app.run_test(size=SIZE) as pilot:  # the next start: both settings in force
        await pilot.pause()
        assert app.session.coder == "Samira"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("ctrl+n")
        assert app.screen.transcript.cursor == 1
