"""Writes that must be one transaction, values that must be finite, and one write path for the TUI."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError
from wijkverhalen.linking.indicators import parse_indicator_table
from wijkverhalen.store import Project, connection

SRC = Path(__file__).resolve().parents[1] / "src" / "wijkverhalen"


def test_codebook_sync_is_one_transaction_with_its_version(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.wijk"
    assert CliRunner().invoke(cli, ["init", str(path)]).exit_code == 0
    book = tmp_path / "cb.yaml"
    assert CliRunner().invoke(cli, ["codebook", "export", str(path), "-o", str(book)]).exit_code == 0
    text = book.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version:.*$", "version: '2099.1'", text)
    assert "version: '2099.1'" in text
    book.write_text(text.replace("label: Onderling vertrouwen", "label: Vertrouwen", 1), encoding="utf-8")

    statements: list[str] = []
    real = connection._connect

    def traced(p: Path, durability: str) -> sqlite3.Connection:
        conn = real(p, durability)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(connection, "_connect", traced)
    result = CliRunner().invoke(cli, ["codebook", "sync", str(path), str(book)])
    assert result.exit_code == 0, result.output
    begins = [s for s in statements if s.strip().upper().startswith("BEGIN")]
    assert len(begins) == 1, begins  # the codes and the version commit together
    with Project.open(path) as project:
        assert project.get_meta("codebook_version") == "2099.1"
        assert project.code("relaties.vertrouwen").label == "Vertrouwen"


def test_indicator_file_with_1e400_names_file_and_line(tmp_path: Path) -> None:
    table = tmp_path / "huge.csv"
    table.write_text("area,year,indicator,value\nBoTu,2018,contact_buren,49\nBoTu,2020,contact_buren,1e400\n",
                     encoding="utf-8")
    with pytest.raises(DataError) as caught:
        parse_indicator_table(table)
    assert caught.value.line == 3
    path = tmp_path / "p.wijk"
    assert CliRunner().invoke(cli, ["init", str(path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["indicators", "import", str(path), str(table)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {table}:3: ") and "1e400" in result.stderr
    assert "not a finite number" in result.stderr
    assert result.stderr.count("\n") == 1
    with Project.open(path) as project:
        assert project.indicator_values() == []


def test_the_store_refuses_infinite_values(tmp_path: Path) -> None:
    from wijkverhalen.models.linking import IndicatorValue

    with Project.create(tmp_path / "p.wijk") as project, pytest.raises(DataError, match="not a finite number"):
        project.import_indicator_values(
            [IndicatorValue(indicator="contact_buren", area="BoTu", year=2020, value=float("inf"))],
            file="x.csv", coder="anna")


WRITE_METHOD = re.compile(
    r"project\.(add_|set_|remove_|update_|delete_|merge_|move_|import_|store_|sync_|load_|undo\b|redo\b)\w*")


def test_the_session_is_the_only_write_path_of_the_tui() -> None:
    """Screens and widgets never call a writing method of the project; they go through Session."""
    offenders = []
    for source in sorted((SRC / "tui").rglob("*.py")):
        if source.name == "session.py":
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE_METHOD.search(line):
                offenders.append(f"{source.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []
