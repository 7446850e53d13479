"""The Export screen: run exports from the TUI with real keys, check the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_export_fixtures import coded_demo

pytest.importorskip("textual")

from textual.widgets import Checkbox, Input, Select, Static  # noqa: E402

from wijkverhalen.exporters.registry import run_export  # noqa: E402
from wijkverhalen.tui.app import make_app  # noqa: E402
from wijkverhalen.tui.screens.export import ExportScreen  # noqa: E402


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return coded_demo(tmp_path_factory, tmp_path / "demo.wijk")


async def _open_export(app, pilot) -> ExportScreen:  # type: ignore[no-untyped-def]
    app.switch_mode("export")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    return screen


@pytest.mark.slow
async def test_export_screen_writes_a_docx_report_with_progress(demo: Path) -> None:
    app = make_app(demo, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(app, pilot)
        output = screen.query_one("#export-output", Input)
        assert output.value.endswith("demo-samenvatting.docx")  # suggested beside the project
        screen.query_one("#export-pseudonymise", Checkbox).value = True
        screen.query_one("#export-run").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#export-status", Static).render())
        assert "wrote" in status and "passage" in status
    written = demo.parent / "demo-samenvatting.docx"
    assert written.exists() and written.stat().st_size > 10_000
    import docx

    text = "\n".join(p.text for p in docx.Document(str(written)).paragraphs)
    assert "Fatima" not in text and "Bewoner 1" in text


async def test_export_screen_switches_kind_and_hides_fields(demo: Path) -> None:
    app = make_app(demo, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(app, pilot)
        screen.query_one("#export-kind", Select).value = "qdc"
        await pilot.pause()
        assert screen.query_one("#export-output", Input).value.endswith(".qdc")
        assert screen.query_one("#row-case").has_class("hidden")
        screen.query_one("#export-kind", Select).value = "matrix-xlsx"
        await pilot.pause()
        assert not screen.query_one("#row-cols").has_class("hidden")
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (demo.parent / "demo-matrix.xlsx").exists()


async def test_export_screen_reports_a_bad_case_in_the_error_dialog(demo: Path) -> None:
    app = make_app(demo, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_export(app, pilot)
        screen.query_one("#export-kind", Select).value = "report-md"
        await pilot.pause()
        screen.query_one("#export-case", Input).value = "no such case"
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "failed" in str(screen.query_one("#export-status", Static).render())
        assert type(app.screen).__name__ == "ErrorDialog"
    assert not (demo.parent / "demo-samenvatting.md").exists()


def test_run_export_cancels_through_the_progress_callback(demo: Path, tmp_path: Path) -> None:
    from wijkverhalen.store import Project
    from wijkverhalen.tui.screens.export import ExportCancelled

    def cancel(done: int, total: int, what: str) -> None:
        raise ExportCancelled("stop")

    with Project.open(demo) as project, pytest.raises(ExportCancelled):
        run_export(project, "qdpx", tmp_path / "x.qdpx", progress=cancel)
    assert not (tmp_path / "x.qdpx").exists()
    assert not list(tmp_path.glob(".x.qdpx*"))  # no temp file left behind
