"""One snapshot per screen at 120x40 (pytest-textual-snapshot).

Review the SVGs in ``__snapshots__`` before accepting changes with
``pytest tests/tui/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from wijkverhalen.store import Project
from wijkverhalen.tui.app import make_app

from .conftest import CODER, fake_query_lemmas

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _fixed_config_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The help and first-start screens show the config path: keep it the same every run."""
    folder = Path("/tmp/wijkverhalen-snapshots")
    folder.mkdir(exist_ok=True)
    (folder / "config.yaml").unlink(missing_ok=True)
    monkeypatch.setenv("WIJKVERHALEN_CONFIG", str(folder / "config.yaml"))


@pytest.fixture
def coded_path(project_path: Path) -> Path:
    """The fixture project with a few codings by two coders."""
    with Project.open(project_path) as project:
        sentences = project.segments(1)

        def code(index: int, code_id: str, coder: str = CODER, **kw: Any) -> None:
            s = sentences[index]
            project.add_coding(1, s.start, s.end, code_id, coder, **kw)

        code(1, "netwerken")
        code(3, "relaties.vertrouwen", memo="kernquote over vertrouwen", valence="positive")
        code(4, "relaties.vertrouwen")
        code(4, "relaties.samenhang", coder="bert")
        code(7, "relaties.samenhang")
        s = project.segments(2)[1]
        project.add_coding(2, s.start, s.end, "relaties.vertrouwen", CODER)
    return project_path


def app_on(path: Path, coder: str | None = CODER) -> Any:
    return make_app(path, coder=coder, query_lemmas=fake_query_lemmas)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    # A blinking cursor is shown or not depending on when the picture is taken (on a
    # loaded machine or under pytest-xdist it is often off): hold it on.
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_documents_screen(snap_compare: Any, coded_path: Path) -> None:
    assert snap_compare(app_on(coded_path), terminal_size=SIZE, run_before=settle)


def test_coding_screen(snap_compare: Any, coded_path: Path) -> None:
    # open, go to sentence 4 (two codes by two coders), highlight a code in the tree
    assert snap_compare(
        app_on(coded_path),
        press=["enter", "j", "j", "j", "j", "tab", "down"],
        terminal_size=SIZE,
        run_before=settle,
    )


def test_coding_screen_with_selection(snap_compare: Any, coded_path: Path) -> None:
    assert snap_compare(
        app_on(coded_path),
        press=["enter", "J", "J", "J", "v", "j"],
        terminal_size=SIZE,
        run_before=settle,
    )


def test_code_picker(snap_compare: Any, coded_path: Path) -> None:
    assert snap_compare(
        app_on(coded_path),
        press=["enter", "j", "j", "j", "c", "v", "e", "r"],
        terminal_size=SIZE,
        run_before=settle,
    )


def test_retrieval_screen(snap_compare: Any, coded_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.show_retrieval("relaties.vertrouwen")
        await pilot.pause()

    assert snap_compare(app_on(coded_path), press=["j"], terminal_size=SIZE, run_before=run_before)


def test_search_screen(snap_compare: Any, coded_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("slash", *"hielpen", "enter")
        await settle(pilot)

    assert snap_compare(app_on(coded_path), terminal_size=SIZE, run_before=run_before)


def test_codebook_screen(snap_compare: Any, coded_path: Path) -> None:
    assert snap_compare(
        app_on(coded_path), press=["b", "down"], terminal_size=SIZE, run_before=settle
    )


def test_help_screen(snap_compare: Any, coded_path: Path) -> None:
    assert snap_compare(
        app_on(coded_path), press=["question_mark"], terminal_size=SIZE, run_before=settle
    )


def test_first_start_dialog(
    snap_compare: Any, coded_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "samira")
    assert snap_compare(app_on(coded_path, coder=None), terminal_size=SIZE, run_before=settle)
