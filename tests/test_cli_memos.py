"""Memos and code edits from the command line, each one undoable step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.store import Project


def run(*args: str, ok: bool = True, stdin: str | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), input=stdin)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def proj(project: Project) -> Path:
    text = project.documents.text(1)
    start = text.index("Ik vertrouw")
    project.codings.add(1, start, start + 11, "relaties.vertrouwen", "tester")
    path = Path(project.path)
    project.close()
    return path


def _memos(path: Path) -> tuple[str, str, str]:
    with Project.open(path) as p:
        return p.codings.get(1).memo, p.codes.get("netwerken").memo, p.documents.get(1).memo


def test_memo_set_show_list_clear_and_undo(proj: Path, tmp_path: Path) -> None:
    p = str(proj)
    assert "coding 1" in run("memo", "set", p, "coding", "1", "kernquote").output
    run("memo", "set", p, "code", "netwerken", "-", stdin="wie kent wie\nvoor de crisis\n")
    (tmp_path / "m.md").write_text("tweede gesprek volgt", encoding="utf-8")
    run("memo", "set", p, "document", "interview1", "--file", str(tmp_path / "m.md"))
    assert _memos(proj) == ("kernquote", "wie kent wie\nvoor de crisis", "tweede gesprek volgt")
    run("memo", "set", p, "coding", "1", "zie ook 2", "--append")
    assert run("memo", "show", p, "coding", "1").output == "kernquote\n\nzie ook 2\n"
    listed = json.loads(run("memo", "list", p, "--json").output)
    assert {(m["kind"], str(m["id"])) for m in listed} == {("coding", "1"), ("code", "netwerken"), ("document", "1")}
    assert [m["kind"] for m in json.loads(run("memo", "list", p, "--kind", "code", "--json").output)] == ["code"]
    run("memo", "clear", p, "document", "1")
    assert _memos(proj)[2] == ""
    # every change was one step: undo them newest first
    assert "memo on document" in run("undo", p).output
    assert _memos(proj)[2] == "tweede gesprek volgt"
    run("undo", p)
    assert _memos(proj)[0] == "kernquote"


@pytest.mark.parametrize("args, fragment", [
    (["coding", "x", "t"], "not a number"),
    (["coding", "99", "t"], "no coding 99"),
    (["code", "netwerk", "t"], "did you mean 'netwerken'"),
    (["document", "zzz", "t"], "no document 'zzz'"),
    (["coding", "1"], "give the memo TEXT"),
])
def test_memo_errors_are_one_line(proj: Path, args: list[str], fragment: str) -> None:
    result = run("memo", "set", str(proj), *args, ok=False)
    assert result.exit_code == 1 and fragment in result.stderr
    assert result.stderr.count("\n") == 1


def test_codebook_edit_add_merge_delete_are_undoable(proj: Path) -> None:
    p = str(proj)
    out = run("codebook", "edit", p, "relaties.vertrouwen", "--label", "Vertrouwen", "--gloss", "trust",
              "--definition", "d", "--include", "i", "--exclude", "e", "--example", "x", "--colour", "#123456",
              "--keywords", "vertrouw, geloof", "--parent", "netwerken").output
    assert "edited relaties.vertrouwen" in out
    with Project.open(proj) as project:
        c = project.codes.get("relaties.vertrouwen")
        assert (c.label, c.gloss, c.definition, c.include, c.exclude, c.example, c.color, c.keywords, c.parent_id) \
            == ("Vertrouwen", "trust", "d", "i", "e", "x", "#123456", ("vertrouw", "geloof"), "netwerken")
        assert project.codings.get(1).code_id == "relaties.vertrouwen"
    run("undo", p)  # fields and place together were one step
    with Project.open(proj) as project:
        c = project.codes.get("relaties.vertrouwen")
        assert (c.label, c.parent_id, c.keywords) == ("Onderling vertrouwen", "relaties", ("vertrouwen",))
    run("codebook", "edit", p, "stressor", "--top-level", "--position", "1")
    with Project.open(proj) as project:
        assert [c.id for c in project.codes.all() if c.parent_id is None][0] == "stressor"
    run("codebook", "add", p, "relaties.buren", "Burenhulp", "--parent", "relaties", "--colour", "#abc")
    run("codebook", "merge", p, "relaties.vertrouwen", "relaties.buren")
    with Project.open(proj) as project:
        assert project.codings.get(1).code_id == "relaties.buren" and not project.codes.has("relaties.vertrouwen")
    run("undo", p)
    run("codebook", "delete", p, "relaties.buren")
    with Project.open(proj) as project:
        assert project.codings.get(1).code_id == "relaties.vertrouwen" and not project.codes.has("relaties.buren")
    bad = run("codebook", "edit", p, "netwerken", "--colour", "blauw", ok=False)
    assert bad.exit_code == 1 and "not #RGB" in bad.stderr
    nothing = run("codebook", "edit", p, "netwerken", ok=False)
    assert nothing.exit_code == 1 and "nothing to change" in nothing.stderr
    label = run("codebook", "edit", p, "Onderling vertrouwen", "--gloss", "x", ok=False)
    assert "did you mean 'relaties.vertrouwen'" in label.stderr
