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


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes a snapshot depend on timing: keep it on."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


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


# -- every screen and dialog at 80x24 ---------------------------------------------------
# A researcher on a laptop or over ssh: nothing essential may be cut off, and each
# screen's own keys plus undo, help and quit must be in the footer.
SMALL = (80, 24)


@pytest.fixture
def linked_path(coded_path: Path) -> Path:
    """The coded project with two indicators linked to codes, an actor and its mentions."""
    from wijkverhalen.models.linking import Actor, IndicatorValue

    series = {
        "vertrouwen_gebiedsbestuur": {"BoTu": [38, 41, 44, 47], "Rotterdam": [36, 36, 37, 37]},
        "contact_buren": {"BoTu": [50, 49, 46, 44], "Rotterdam": [52, 52, 51, 51]},
    }
    values = [
        IndicatorValue(ind, area, year, v, unit="%", label=f"% bewoners: {ind.replace('_', ' ')}")
        for ind, areas in series.items()
        for area, numbers in areas.items()
        for year, v in zip((2014, 2016, 2018, 2020), numbers, strict=True)
    ]
    with Project.open(coded_path) as project:
        project.import_indicator_values(values, file="indicatoren.csv", coder=CODER)
        project.set_indicator_link("relaties.vertrouwen", "vertrouwen_gebiedsbestuur", "+", CODER)
        project.set_indicator_link("relaties.samenhang", "contact_buren", "+", CODER)
        project.import_actors([Actor("delfshaven_helpt", "Delfshaven Helpt")], CODER)
        text = project.document_text(1)
        start = text.index("Delfshaven Helpt")
        project.add_mention(1, start, start + len("Delfshaven Helpt"), "delfshaven_helpt", CODER)
    return coded_path


def small(snap_compare: Any, path: Path, press: list[str], **kw: Any) -> bool:
    """Snapshot at 80x24 after ``press``, waiting for the workers the keys started."""
    before = kw.pop("run_before", settle)

    async def run_before(pilot: Any) -> None:
        await before(pilot)
        for key in press:
            await pilot.press(key)
            await settle(pilot)

    return bool(snap_compare(app_on(path), terminal_size=SMALL, run_before=run_before, **kw))


def test_documents_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, [])


def test_coding_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["enter", "j", "j", "j", "j"])


def test_code_picker_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["enter", "j", "j", "j", "c", "v", "e", "r"])


def test_choose_coding_dialog_80x24(snap_compare: Any, coded_path: Path) -> None:
    # sentence 4 has two codings: x asks which one to remove
    assert small(snap_compare, coded_path, ["enter", "j", "j", "j", "j", "x"])


def test_memo_dialog_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["enter", "j", "j", "j", "m"])


def test_retrieval_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.show_retrieval("relaties.vertrouwen")
        await pilot.pause()

    assert small(snap_compare, coded_path, ["j"], run_before=run_before)


def test_search_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("slash", *"hielpen", "enter")
        await settle(pilot)

    assert small(snap_compare, coded_path, [], run_before=run_before)


def test_codebook_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["b", "down"])


def test_validate_screen_80x24(snap_compare: Any, linked_path: Path) -> None:
    assert small(snap_compare, linked_path, ["V"])


def test_validate_screen(snap_compare: Any, linked_path: Path) -> None:
    assert snap_compare(app_on(linked_path), press=["V"], terminal_size=SIZE, run_before=settle)


def test_link_dialog_80x24(snap_compare: Any, linked_path: Path) -> None:
    assert small(snap_compare, linked_path, ["V", "a"])


def test_mentions_dialog_80x24(snap_compare: Any, linked_path: Path) -> None:
    assert small(snap_compare, linked_path, ["V", "m"])


def test_export_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        pilot.app.screen.query_one("#export-output").value = "test-samenvatting.docx"  # not tmp_path
        await pilot.pause()

    assert small(snap_compare, coded_path, [], run_before=run_before)


def test_export_screen_ticked(snap_compare: Any, coded_path: Path) -> None:
    """120x40 with the pseudonymise box ticked: it reads [x] (80x24 shows it unticked)."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        pilot.app.screen.query_one("#export-output").value = "test-samenvatting.docx"  # not tmp_path
        pilot.app.screen.query_one("#export-pseudonymise").value = True
        await pilot.pause()

    assert snap_compare(app_on(coded_path), terminal_size=SIZE, run_before=run_before)


def test_import_dialog_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["i"])


def test_help_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["question_mark"])


def test_error_dialog_80x24(snap_compare: Any, coded_path: Path) -> None:
    from wijkverhalen.tui.screens.dialogs import ErrorDialog

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.push_screen(
            ErrorDialog(
                "The project is busy",
                "test.wijk: another wijkverhalen is writing to this project",
                "Nothing was changed; try again in a moment.",
            )
        )
        await pilot.pause()

    assert small(snap_compare, coded_path, [], run_before=run_before)


def test_first_start_dialog_80x24(
    snap_compare: Any, coded_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "samira")
    assert snap_compare(app_on(coded_path, coder=None), terminal_size=SMALL, run_before=settle)


def test_compare_screen(snap_compare: Any, coded_path: Path) -> None:
    """Disagreements of anna and bert, the transcript below with a stripe column per coder."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in ["R", "n", "n"]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app_on(coded_path), terminal_size=SIZE, run_before=run_before)


def test_compare_screen_80x24(snap_compare: Any, coded_path: Path) -> None:
    assert small(snap_compare, coded_path, ["R", "n", "n"])
