"""Coding by sentence number, ``show``, ``coding edit``, precise span errors and did-you-mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.store import Project


def run(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def proj(project: Project) -> Path:
    path = Path(project.path)
    project.close()
    return path


def test_show_numbers_sentences_with_offsets(proj: Path) -> None:
    with Project.open(proj) as p:
        text = p.documents.text(1)
        sentences = p.documents.segments(1, "sentence")
    out = run("show", str(proj), "interview1").output.splitlines()
    assert out[0].startswith(f"interview1 (document 1): {len(sentences)} sentence(s)")
    for n, s in enumerate(sentences, start=1):
        assert any(line.split() == [str(n), f"{s.start}-{s.end}", *text[s.start:s.end].split()] for line in out)
    data = json.loads(run("show", str(proj), "1", "--json").output)
    assert [(r["sentence"], r["start"], r["end"]) for r in data["sentences"]] == \
        [(n, s.start, s.end) for n, s in enumerate(sentences, start=1)]


def test_code_by_sentence_and_range(proj: Path) -> None:
    with Project.open(proj) as p:
        sentences = p.documents.segments(1, "sentence")
    run("code", str(proj), "interview1", "--sentence", "2", "netwerken")
    run("code", str(proj), "interview1", "--sentence", "3-4", "relaties.vertrouwen", "--memo", "m")
    with Project.open(proj) as p:
        spans = [(c.code_id, c.start, c.end) for c in p.codings.all(1)]
    assert ("netwerken", sentences[1].start, sentences[1].end) in spans
    assert ("relaties.vertrouwen", sentences[2].start, sentences[3].end) in spans
    shown = json.loads(run("show", str(proj), "interview1", "--codings", "--json").output)["sentences"]
    assert [c["code"] for c in shown[1]["codings"]] == ["netwerken"]


@pytest.mark.parametrize("args, message", [
    (["10", "5", "netwerken"], "error: start 10 is after end 5"),
    (["7", "7", "netwerken"], "error: empty span 7-7"),
    (["-3", "5", "netwerken"], "error: start -3 is negative"),
    (["3", "-5", "netwerken"], "error: end -5 is negative"),
    (["a", "5", "netwerken"], "error: start 'a' is not a whole number"),
    (["0", "99999", "netwerken"], "outside document"),
    (["--sentence", "4-2", "netwerken"], "error: sentence range 4-2: start after end"),
    (["--sentence", "0", "netwerken"], "numbered from 1"),
    (["--sentence", "-2", "netwerken"], "negative"),
    (["--sentence", "99", "netwerken"], "there is no sentence 99"),
    (["--sentence", "2", "0", "5", "netwerken"], "with --sentence give only the CODE"),
    (["0", "5", "vertrouwen"], "error: no code 'vertrouwen'; did you mean 'relaties.vertrouwen'?"),
    (["0", "5", "Onderling vertrouwen"], "did you mean 'relaties.vertrouwen'?"),
    (["0", "5", "netwerk"], "did you mean 'netwerken'?"),
    (["0", "5", "netwerken", "--mem", "x"], "error: no such option '--mem'; did you mean '--memo'?"),
])
def test_code_errors_are_precise(proj: Path, args: list[str], message: str) -> None:
    result = run("code", str(proj), "interview1", *args, ok=False)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    with Project.open(proj) as p:
        assert p.codings.all() == []


@pytest.mark.parametrize("args, message", [
    (["exprot", "x.wijk"], "error: no such command 'exprot'; did you mean 'export'?"),
    (["stat"], "error: no such command 'stat'; did you mean 'stats'?"),
    (["export", "segmnts", "x.wijk", "-o", "x.csv"], "error: no such command 'segmnts'; did you mean 'segments'?"),
    (["codebook", "shwo", "x.wijk"], "error: no such command 'shwo'; did you mean 'show'?"),
    (["memo", "lst"], "error: no such command 'lst'; did you mean 'list'?"),
])
def test_mistyped_command_is_one_line_exit_1(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == message + "\n"


def test_a_project_name_is_still_a_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path / "stats.wijk")])
    assert result.exit_code == 1 and "no such project" in result.stderr


def test_coding_edit_code_valence_span_undoable(proj: Path) -> None:
    p = str(proj)
    run("code", p, "interview1", "3", "10", "netwerken")
    out = run("coding", "edit", p, "1", "--code", "stressor", "--valence", "negative", "--span", "3-12").output
    assert "coding 1: stressor [3-12] negative" in out
    with Project.open(proj) as project:
        c = project.codings.get(1)
        assert (c.code_id, c.valence, c.start, c.end) == ("stressor", "negative", 3, 12)
    run("undo", p)
    with Project.open(proj) as project:
        c = project.codings.get(1)
        assert (c.code_id, c.valence, c.start, c.end) == ("netwerken", None, 3, 10)
    bad = run("coding", "edit", p, "1", "--span", "12-3", ok=False)
    assert bad.exit_code == 1 and "start 12 is after end 3" in bad.stderr
