"""CLI tables: ids are never cut; a pipe gets whole values, one row per line, tab-separated."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from wijkverhalen.cli import cli, common
from wijkverhalen.models import Code
from wijkverhalen.store import Project

LONG_ID = "relaties.vertrouwen.in-de-gebiedscommissie-en-het-gebiedsbestuur"
LONG_LABEL = "Vertrouwen in de gebiedscommissie, het gebiedsbestuur en de ambtenaren van de gemeente"


@pytest.fixture
def proj(project: Project) -> Path:
    project.codes.add(Code(LONG_ID, LONG_LABEL, parent_id="relaties.vertrouwen", gloss="trust\tin\ngovernance"),
                     "anna")
    project.codings.add(1, 0, 10, LONG_ID, "anna")
    path = project.path
    project.close()
    return Path(path)


def test_piped_tables_print_whole_values_as_tsv(proj: Path) -> None:
    out = CliRunner().invoke(cli, ["codebook", "show", str(proj)]).output
    lines = out.splitlines()
    assert lines[0].split("\t") == ["code", "gloss", "id", "codings"]
    row = next(line.split("\t") for line in lines if LONG_ID in line)
    assert row == ["    " + LONG_LABEL, "trust in governance", LONG_ID, "1"]
    assert len(lines) == 1 + len(json.loads(CliRunner().invoke(cli, ["codebook", "show", str(proj), "--json"]).output))
    stats = CliRunner().invoke(cli, ["stats", str(proj)]).output.splitlines()
    assert "# codings per code" in stats
    assert f"{LONG_ID}\t{LONG_LABEL}\t1\t1" in stats


def test_terminal_tables_never_cut_ids(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(common, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(common, "console", lambda: Console(file=buffer, width=70, force_terminal=False))
    for args in (["codebook", "show", str(proj)], ["stats", str(proj)]):
        buffer.seek(0)
        buffer.truncate()
        assert CliRunner().invoke(cli, args).exit_code == 0
        assert LONG_ID in buffer.getvalue(), buffer.getvalue()
        assert "…" not in buffer.getvalue()
