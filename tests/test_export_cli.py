"""The export and exchange commands end to end with click's CliRunner on the coded demo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_export_fixtures import coded_demo

from wijkverhalen.cli import cli
from wijkverhalen.store import Project

COMMANDS = [("export", "report"), ("export", "segments"), ("export", "matrix"), ("export", "qdpx"),
            ("export", "qdc"), ("qdpx", "import"), ("codebook", "import-qdc"), ("pseudonyms", "add"),
            ("pseudonyms", "import"), ("pseudonyms", "list"), ("pseudonyms", "remove")]


def run(*args: str, ok: bool = True) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return coded_demo(tmp_path_factory, tmp_path / "demo.wijk")


@pytest.mark.parametrize(("group", "name"), COMMANDS)
def test_every_command_has_help_with_an_example(group: str, name: str) -> None:
    command = cli.commands[group].commands[name]  # type: ignore[attr-defined]
    assert command.help and "Example:" in command.help
    assert run(group, name, "--help").output.count("wijkverhalen") >= 1


def test_cli_start_does_not_import_heavy_libraries() -> None:
    code = ("import sys; import wijkverhalen.cli; "
            "heavy = [m for m in ('pandas', 'docx', 'openpyxl', 'defusedxml', 'textual', 'xmlschema') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_report_commands(demo: Path, tmp_path: Path) -> None:
    out = run("export", "report", str(demo), "-o", str(tmp_path / "r.md"), "--pseudonymise").output
    assert "wrote" in out and "(pseudonymised)" in out
    assert "Fatima" not in (tmp_path / "r.md").read_text(encoding="utf-8")
    run("export", "report", str(demo), "-o", str(tmp_path / "r.docx"), "--case", "SIBD", "--codes", "sibd,netwerken")
    import docx

    headings = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs if p.style.name.startswith("Heading")]
    assert "Social Impact by Design (SIBD)" in headings and "Governance" in headings
    bad = run("export", "report", str(demo), "-o", str(tmp_path / "r.pdf"), ok=False)
    assert bad.exit_code == 1 and "cannot tell the format" in bad.output
    bad = run("export", "report", str(demo), "-o", str(tmp_path / "r.md"), "--codes", "nope", ok=False)
    assert bad.exit_code == 1 and "no code 'nope'" in bad.output


def test_table_commands(demo: Path, tmp_path: Path) -> None:
    with Project.open(demo) as project:
        n = len(project.codings.all())
    assert f"{n} coding(s)" in run("export", "segments", str(demo), "-o", str(tmp_path / "s.xlsx")).output
    run("export", "segments", str(demo), "-o", str(tmp_path / "s.csv"), "--delimiter", ";", "--coder", "bram")
    header = (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("coding_id;guid;document;")
    out = run("export", "matrix", str(demo), "--cols", "rol", "-o", str(tmp_path / "m.xlsx")).output
    assert "x 3 rol column(s)" in out
    run("export", "matrix", str(demo), "--cols", "codes", "--children", "--drop-empty", "-o", str(tmp_path / "c.csv"))
    bad = run("export", "matrix", str(demo), "--cols", "leeftijd", "-o", str(tmp_path / "m.xlsx"), ok=False)
    assert bad.exit_code == 1 and "no document has attribute 'leeftijd'" in bad.output


def test_qdpx_and_qdc_commands_round_trip(demo: Path, tmp_path: Path) -> None:
    out = run("export", "qdpx", str(demo), "-o", str(tmp_path / "d.qdpx"), "--coder", "anna").output
    assert "12 document(s)" in out or "document(s)" in out
    assert "project.qde" in zipfile.ZipFile(tmp_path / "d.qdpx").namelist()
    assert "code(s)" in run("export", "qdc", str(demo), "-o", str(tmp_path / "d.qdc")).output
    out = run("qdpx", "import", str(tmp_path / "back.wijk"), str(tmp_path / "d.qdpx")).output
    assert out.startswith("imported") and "offsets counted as codepoints" in out
    with Project.open(demo) as a, Project.open(tmp_path / "back.wijk") as b:
        assert len(a.codings.all()) == len(b.codings.all()) and a.codes.all() == b.codes.all()
    out = run("codebook", "import-qdc", str(tmp_path / "back.wijk"), str(tmp_path / "d.qdc")).output
    assert "0 new code(s)" in out and "kept as they are" in out


def test_exports_remind_that_names_are_kept(demo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "segments", str(demo), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0 and "keeps the real names" in result.output
    result = CliRunner().invoke(cli, ["export", "segments", str(demo), "-o", str(tmp_path / "s.csv"),
                                      "--pseudonymise"])
    assert "keeps the real names" not in result.output
