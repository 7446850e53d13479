"""Leftovers of parallel work are gone: no duck-typed adapters, hasattr shims or second lookups.

A report whose triangulation fails is a one-line error, not a report with the
error's text in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import wijkverhalen
from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError
from wijkverhalen.models import Code, IndicatorLink
from wijkverhalen.store import Project

SRC = Path(wijkverhalen.__file__).resolve().parent


@pytest.fixture
def linked_project(tmp_path: Path) -> Path:
    path = tmp_path / "p.wijk"
    code = Code(id="vertrouwen", label="Vertrouwen", indicators=(IndicatorLink("vertrouwen_buurt", "+"),))
    Project.create(path, codes=[code], coder="anna").close()
    return path


def test_a_failing_triangulation_fails_the_report_in_one_line(linked_project: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from wijkverhalen.linking import triangulation

    def damaged(cls: object, project: object, options: object) -> None:
        raise DataError("the indicator table is damaged", path="indicatoren.xlsx", line=7)

    out = tmp_path / "samenvatting.md"
    assert CliRunner().invoke(cli, ["export", "report", str(linked_project), "-o", str(out)]).exit_code == 0
    out.unlink()
    monkeypatch.setattr(triangulation.Context, "read", classmethod(damaged))
    result = CliRunner().invoke(cli, ["export", "report", str(linked_project), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: indicatoren.xlsx:7: the indicator table is damaged"]
    assert not out.exists()


def _sources(*parts: str) -> list[Path]:
    return sorted(p for part in parts for p in (SRC / part).rglob("*.py")) if parts else []


def test_no_hasattr_shims_on_the_project_or_the_core() -> None:
    shims = [f"{p.relative_to(SRC)}:{n}" for p in _sources("exporters", "refi", "importers", "cli", "tui", "analysis", "linking")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"hasattr\((project|proj|nlp|triangulation|options)\b", line)]
    assert not shims


def test_the_verdicts_are_read_from_the_triangulation_model_not_duck_typed() -> None:
    assert not (SRC / "exporters" / "triangulation.py").exists()
    text = (SRC / "exporters" / "summary_verdicts.py").read_text(encoding="utf-8")
    assert "getattr(" not in text and "except Exception" not in text


def test_main_screens_are_registered_without_an_availability_shim() -> None:
    from wijkverhalen.tui.screen_registry import SCREENS, ScreenEntry

    assert not hasattr(ScreenEntry, "available")
    for entry in SCREENS:  # every registered screen is there
        assert entry.load().__name__ == entry.target.rpartition(":")[2]


def test_bundled_files_have_one_lookup() -> None:
    from wijkverhalen.codebook import default_codebook_path
    from wijkverhalen.resources import resource_path

    assert default_codebook_path() == resource_path("codebook/veerkracht.yaml")
    lookups = [p.relative_to(SRC).as_posix() for p in _sources(".")
               if 'files("wijkverhalen")' in p.read_text(encoding="utf-8")
               or "_PACKAGE_DIR" in p.read_text(encoding="utf-8")]
    assert lookups == ["resources.py"]
