"""Shared fixtures: small projects built in a temp dir, no demo data needed.

Also the suite's markers and order (see docs/development.md, "Tests"): everything
under tests/tui/ is marked ``tui``; modules with ``slow`` tests run first, so that
the parallel workers (``make test``) end together on the many quick tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import textual_css_cache
import textual_pilot_wait
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.store import Project

TUI_DIR = Path(__file__).parent / "tui"


def pytest_configure(config: pytest.Config) -> None:
    textual_css_cache.install()
    textual_pilot_wait.install()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow_per_module: dict[Path, int] = {}
    for item in items:
        path = item.path
        if TUI_DIR in path.parents:
            item.add_marker(pytest.mark.tui)
        slow_per_module[path] = slow_per_module.get(path, 0) + (item.get_closest_marker("slow") is not None)
    # Stable: the modules keep their order among equals, the tests their order within a module.
    items.sort(key=lambda item: -slow_per_module[item.path])


@pytest.fixture
def project(tmp_path: Path):
    proj = Project.create(tmp_path / "test.wijk", codes=SAMPLE_CODES, coder="anna")
    proj.documents.add([sample_input()], "anna")
    yield proj
    proj.close()


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's config in tests."""
    cfg = tmp_path_factory.mktemp("config") / "config.yaml"
    monkeypatch.setenv("WIJKVERHALEN_CONFIG", str(cfg))
    monkeypatch.setenv("WIJKVERHALEN_CODER", "tester")
