"""One registry of exporters: the CLI's ``export`` group is built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_exporter import fake_exporter_registered

from wijkverhalen.cli import cli
from wijkverhalen.errors import InvalidInput
from wijkverhalen.exporters.registry import choices, exporters, get_exporter, run_export
from wijkverhalen.store import Project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    from wijkverhalen.models import Code

    path = tmp_path / "p.wijk"
    with Project.create(path) as proj:
        proj.sync_codes([Code(id="netwerken", label="Netwerken"), Code(id="vertrouwen", label="Vertrouwen")], "anna")
    return path


def _export_group_commands() -> list[str]:
    group = cli.commands["export"]
    with cli.make_context("wijkverhalen", ["export", "--help"], resilient_parsing=True) as ctx:
        return group.list_commands(ctx)  # type: ignore[attr-defined]


def test_the_cli_export_commands_are_the_registry() -> None:
    assert sorted(_export_group_commands()) == sorted(e.name for e in exporters())
    assert {"report", "segments", "matrix", "qdpx", "qdc", "network"} <= {e.name for e in exporters()}
    for exporter in exporters():
        command = cli.commands["export"].commands[exporter.name]  # type: ignore[attr-defined]
        cli_names = {p.name for p in command.params} - {"project", "outputs"}
        assert cli_names == {o.name for o in exporter.options}, exporter.name


def test_a_registered_exporter_is_a_cli_command_with_its_options(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert "code-list" not in runner.invoke(cli, ["export", "--help"]).output
    with fake_exporter_registered():
        listing = runner.invoke(cli, ["export", "--help"])
        assert "code-list" in listing.output and "The code ids, one a line" in listing.output
        help_text = runner.invoke(cli, ["export", "code-list", "--help"]).output
        assert "--shout" in help_text and "--prefix" in help_text
        out = tmp_path / "ids.txt"
        result = runner.invoke(cli, ["export", "code-list", str(project), "-o", str(out), "--shout",
                                     "--prefix", "x."])
        assert result.exit_code == 0, result.output
        assert f"wrote {out}: 2 code id(s) as txt" in result.output
        assert out.read_text(encoding="utf-8").split() == ["X.NETWERKEN", "X.VERTROUWEN"]
        assert any(c.key == "code-list" for c in choices())
    assert "code-list" not in _export_group_commands()


def test_run_export_fills_defaults_and_checks_the_suffix(project: Path, tmp_path: Path) -> None:
    with Project.open(project) as proj:
        result = run_export(proj, "segments", tmp_path / "s.csv")
        assert result.summary == "0 coding(s)"
        with pytest.raises(InvalidInput, match=r"\.xlsx or \.csv"):
            run_export(proj, "segments", tmp_path / "s.txt")
    with pytest.raises(InvalidInput, match="no exporter 'nope'"):
        get_exporter("nope")
