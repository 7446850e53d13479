"""The CLI faces of the workbench: ``wijkverhalen PROJECT``, ``open`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.tui.app import WijkApp


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[WijkApp]:
    """Record the apps the CLI would run, without running them."""
    apps: list[WijkApp] = []

    def fake_run(self: WijkApp, *args: Any, **kwargs: Any) -> None:
        apps.append(self)
        self.session.close()

    monkeypatch.setattr(WijkApp, "run", fake_run)
    return apps


def test_project_argument_opens_the_workbench(project_path: Path, started: list[WijkApp]) -> None:
    result = CliRunner().invoke(cli, [str(project_path)])
    assert result.exit_code == 0, result.output
    assert [app.session.path for app in started] == [project_path]
    assert started[0].session.coder == "tester"  # from $WIJKVERHALEN_CODER (tests/conftest.py)


def test_open_with_coder(project_path: Path, started: list[WijkApp]) -> None:
    result = CliRunner().invoke(cli, ["open", str(project_path), "--coder", "bert"])
    assert result.exit_code == 0, result.output
    assert started[0].session.coder == "bert"


def test_open_missing_project_is_one_line(tmp_path: Path, started: list[WijkApp]) -> None:
    result = CliRunner().invoke(cli, ["open", str(tmp_path / "nope.wijk")])
    assert result.exit_code == 1
    assert "no such project" in result.output and "Traceback" not in result.output
    assert started == []


def test_open_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["open", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_demo_no_tui_builds_and_prints(tmp_path: Path, started: list[WijkApp]) -> None:
    target = tmp_path / "demo.wijk"
    result = CliRunner().invoke(cli, ["demo", "--path", str(target), "--no-tui"])
    assert result.exit_code == 0, result.output
    assert target.exists() and "12 documents" in result.output
    assert started == []


def test_demo_opens_the_workbench(tmp_path: Path, started: list[WijkApp]) -> None:
    target = tmp_path / "demo.wijk"
    assert CliRunner().invoke(cli, ["demo", "--path", str(target), "--no-tui"]).exit_code == 0
    result = CliRunner().invoke(cli, ["demo", "--path", str(target)])  # exists: no rebuild
    assert result.exit_code == 0, result.output
    assert "built" not in result.output
    assert [app.session.path for app in started] == [target]
