"""Snapshots of the analysis and memo screens at 80x24 and 120x40 (review the SVGs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_tui_analysis import coded
from .test_tui_snapshots import _fixed_config_path, _steady_cursor, app_on, settle  # noqa: F401

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def analysed_path(project_path: Path, reopen: Any) -> Path:
    coded(reopen)
    return project_path


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_analysis_matrix(snap_compare: Any, analysed_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_on(analysed_path), press=["X", "s", "j"], terminal_size=size,
                        run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_analysis_cooccurrence(snap_compare: Any, analysed_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_on(analysed_path), press=["X", "o", "o", "o", "j"], terminal_size=size,
                        run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_analysis_cell_passages(snap_compare: Any, analysed_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_on(analysed_path), press=["X", "j", "enter"], terminal_size=size,
                        run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_memos_screen(snap_compare: Any, analysed_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_on(analysed_path), press=["M"], terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cooccurrence_cell_passages(snap_compare: Any, analysed_path: Path, size: tuple[int, int]) -> None:
    """Enter on vertrouwen x samenhang (overlapping): both codes' passages, each with its code."""
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in ["X", "v", "v"]:
            await pilot.press(key)
            await settle(pilot)
        screen = pilot.app.screen
        row = screen.table.rows.index("relaties.vertrouwen")
        column = screen.table.columns.index("relaties.samenhang") + 1
        screen.query_one(DataTable).cursor_coordinate = Coordinate(row, column)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app_on(analysed_path), terminal_size=size, run_before=run_before)
