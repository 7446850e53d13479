"""Shared fixtures: small projects built in a temp dir, no demo data needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.store import Project


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
