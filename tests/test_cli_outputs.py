"""Repeated ``-o`` writes every file, each in the format its suffix names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from wijkverhalen.cli import cli
from wijkverhalen.store import Project


@pytest.fixture
def proj(project: Project) -> Path:
    text = project.documents.text(1)
    start = text.index("Ik vertrouw")
    project.codings.add(1, start, start + 11, "relaties.vertrouwen", "anna")
    project.codings.add(1, 0, 10, "netwerken", "bram")
    project.codings.add(1, start, start + 11, "relaties.vertrouwen", "bram")
    path = Path(project.path)
    project.close()
    return path


def _rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh))
    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


@pytest.mark.parametrize("command", [
    ["export", "segments", "{p}"],
    ["export", "matrix", "{p}", "--cols", "rol"],
    ["agreement", "{p}"],
])
def test_repeated_output_writes_csv_and_xlsx(proj: Path, tmp_path: Path, command: list[str]) -> None:
    csv_out, xlsx_out = tmp_path / "t.csv", tmp_path / "t.xlsx"
    args = [a.replace("{p}", str(proj)) for a in command] + ["-o", str(csv_out), "-o", str(xlsx_out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"wrote {csv_out}" in result.output and f"wrote {xlsx_out}" in result.output
    from_csv, from_xlsx = _rows(csv_out), _rows(xlsx_out)
    assert from_csv[0] == [str(v) for v in from_xlsx[0]]  # same header, two formats
    assert len(from_csv) == len(from_xlsx) > 1


@pytest.mark.parametrize("command, suffixes", [
    (["export", "report", "{p}"], (".md", ".docx")),
    (["export", "qdc", "{p}"], (".qdc", ".qdc")),
    (["codebook", "export", "{p}"], (".yaml", ".yml")),
])
def test_repeated_output_writes_every_file(proj: Path, tmp_path: Path, command: list[str],
                                           suffixes: tuple[str, str]) -> None:
    outs = [tmp_path / f"a{suffixes[0]}", tmp_path / f"b{suffixes[1]}"]
    args = [a.replace("{p}", str(proj)) for a in command] + [x for o in outs for x in ("-o", str(o))]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert all(o.is_file() and o.stat().st_size > 0 for o in outs)


def test_a_bad_suffix_writes_nothing(proj: Path, tmp_path: Path) -> None:
    good, bad = tmp_path / "t.csv", tmp_path / "t.pdf"
    result = CliRunner().invoke(cli, ["export", "segments", str(proj), "-o", str(good), "-o", str(bad)])
    assert result.exit_code == 1 and "t.pdf" in result.stderr
    assert not good.exists()


def test_qdpx_import_takes_project_then_file(proj: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    qdpx, qdc = tmp_path / "p.qdpx", tmp_path / "p.qdc"
    assert runner.invoke(cli, ["export", "qdpx", str(proj), "-o", str(qdpx), "--coder", "anna"]).exit_code == 0
    assert runner.invoke(cli, ["export", "qdc", str(proj), "-o", str(qdc)]).exit_code == 0
    new = runner.invoke(cli, ["qdpx", "import", str(tmp_path / "new.wijk"), str(qdpx), "--workers", "1"])
    assert new.exit_code == 0, new.output
    assert new.stderr == ""
    with Project.open(tmp_path / "new.wijk") as p:
        assert len(p.codings.all()) == 3
    # the old order still works when the suffixes tell which is which, with a note
    old = runner.invoke(cli, ["qdpx", "import", str(qdpx), str(tmp_path / "old.wijk"), "--workers", "1"])
    assert old.exit_code == 0, old.output
    assert old.stderr.startswith("note: 'qdpx import FILE PROJECT' is deprecated")
    assert (tmp_path / "old.wijk").is_file() and not (qdpx.with_suffix(".qdpx.wijk")).exists()
    qdc_new = runner.invoke(cli, ["codebook", "import-qdc", str(tmp_path / "c.wijk"), str(qdc)])
    assert qdc_new.exit_code == 0 and qdc_new.stderr == ""
    qdc_old = runner.invoke(cli, ["codebook", "import-qdc", str(qdc), str(tmp_path / "c.wijk")])
    assert qdc_old.exit_code == 0 and "deprecated" in qdc_old.stderr
    missing = runner.invoke(cli, ["qdpx", "import", str(tmp_path / "x.wijk"), str(tmp_path / "nope.qdpx")])
    assert missing.exit_code == 1 and "nope.qdpx" in missing.stderr and "no such file" in missing.stderr
