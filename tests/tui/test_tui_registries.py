"""The export screen and the import dialog list the registries, and what is registered later too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_exporter import fake_exporter_registered
from fake_importer import fake_importer_registered

pytest.importorskip("textual")

from textual.widgets import Checkbox, Input, Select, Static  # noqa: E402

from wijkverhalen.exporters.registry import choices, workbench_options  # noqa: E402
from wijkverhalen.importers.registry import format_names  # noqa: E402
from wijkverhalen.tui.screens.export import ExportScreen  # noqa: E402


async def _export_screen(app: Any, pilot: Any) -> ExportScreen:
    app.switch_mode("export")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    return app.screen


def _listed(screen: ExportScreen) -> list[tuple[str, str]]:
    # Select has no public list of its options
    select = screen.query_one("#export-kind", Select)
    return [(str(title), str(key)) for title, key in select._options if key is not Select.BLANK]


async def test_the_export_screen_lists_the_registry(make: Any) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _export_screen(app, pilot)
        assert _listed(screen) == [(c.title, c.key) for c in choices()]
        assert ("Coded summary (Word .docx)", "report-docx") in _listed(screen)
        for option in workbench_options():
            assert screen.query_one(f"#row-{option.name}")
        assert "code-list" not in dict(_listed(screen)).values()


async def test_a_registered_exporter_appears_in_the_export_screen_and_runs(make: Any, project_path: Path) -> None:
    with fake_exporter_registered():
        app = make()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _export_screen(app, pilot)
            assert ("Code ids (text)", "code-list") in _listed(screen)
            screen.query_one("#export-kind", Select).value = "code-list"
            await pilot.pause()
            output = screen.query_one("#export-output", Input)
            assert output.value == str(project_path.parent / "test-codes.txt")
            assert not screen.query_one("#row-shout").has_class("hidden")
            assert screen.query_one("#row-case").has_class("hidden")
            screen.query_one("#export-shout", Checkbox).value = True
            await pilot.press("ctrl+e")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "6 code id(s) as txt" in str(screen.query_one("#export-status", Static).render())
    lines = (project_path.parent / "test-codes.txt").read_text(encoding="utf-8").split()
    assert len(lines) == 6 and all(line == line.upper() for line in lines)


async def _import_dialog_text(app: Any, pilot: Any) -> str:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.press("i")
    await pilot.pause()
    assert type(app.screen).__name__ == "ImportDialog"
    return " ".join(str(s.render()) for s in app.screen.query(Static))


async def test_the_import_dialog_lists_the_registered_formats(make: Any) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        text = await _import_dialog_text(app, pilot)
        assert f"({', '.join(format_names())}; folders recursively)" in text
        assert "fake" not in text
    with fake_importer_registered():
        app = make()
        async with app.run_test(size=(120, 40)) as pilot:
            text = await _import_dialog_text(app, pilot)
            assert ", fake; folders recursively" in text
