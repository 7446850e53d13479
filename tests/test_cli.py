"""End-to-end CLI tests with click's CliRunner on real files in a temp dir."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.store import Project

INTERVIEW = """---
rol: initiatiefnemer
wijk: Tussendijken
jaar: 2020
---
I: Hoe begon het?
R: In maart hielpen we de eerste buren met boodschappen. Later kwamen er voedselpakketten.
I: Had u vertrouwen in de gemeente?
R: Ik vertrouw de gebiedscommissie wel. Doe maar, ik denk dat je het kunt, zeiden ze.
"""


def run(*args: str, ok: bool = True) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_initiatief.md").write_text(INTERVIEW, encoding="utf-8")
    (folder / "sub" / "b_bewoner.txt").write_text(
        "I: Wat is er veranderd?\nR: Het buurthuis ging dicht. Ik voelde me eenzaam.\n", encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "metadata.csv").write_text("file,rol,casus\nb_bewoner.txt,bewoner,Delfshaven Helpt\n",
                                         encoding="utf-8")
    return folder


@pytest.fixture
def proj(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "botu.wijk"
    run("init", str(path))
    run("import", str(path), str(corpus), "--metadata", str(corpus / "metadata.csv"))
    return path


def test_init_import_documents(proj: Path, corpus: Path) -> None:
    docs = json.loads(run("documents", str(proj), "--json").output)
    by_name = {d["name"]: d for d in docs}
    assert set(by_name) == {"a_initiatief", "b_bewoner"}
    assert by_name["a_initiatief"]["attributes"]["rol"] == "initiatiefnemer"  # front matter
    assert by_name["b_bewoner"]["attributes"]["rol"] == "bewoner"  # CSV sidecar
    assert by_name["a_initiatief"]["sentences"] >= 5
    again = run("import", str(proj), str(corpus / "sub")).output
    assert "already in project" in again and "imported 0" in again


def test_import_reports_unsupported_files(tmp_path: Path, corpus: Path) -> None:
    path = tmp_path / "p.wijk"
    run("init", str(path))
    result = run("import", str(path), str(corpus))
    assert "foto.jpg" in result.output or "foto.jpg" in (result.stderr or "")
    assert "imported 2 document(s)" in result.output


def test_code_segments_undo_redo_stats(proj: Path) -> None:
    text = json.loads(run("search", str(proj), "gebiedscommissie", "--json").output)[0]
    start, end = text["start"], text["end"]
    out = run("code", str(proj), "a_init", str(start), str(end), "relaties.vertrouwen",
              "--coder", "anna", "--memo", "kernquote").output
    assert "coding 1" in out
    passages = json.loads(run("segments", str(proj), "--code", "relaties.vertrouwen", "--json").output)
    assert passages[0]["text"] == "Ik vertrouw de gebiedscommissie wel."
    assert passages[0]["speaker"] == "R" and passages[0]["memo"] == "kernquote"
    assert "Had u vertrouwen in de gemeente?" in passages[0]["before"]
    stats = json.loads(run("stats", str(proj), "--json").output)
    assert stats["codings"] == 1 and stats["per_coder"] == [{"coder": "anna", "codings": 1, "documents": 1}]
    assert "undone" in run("undo", str(proj), "--coder", "anna").output  # undo is per coder
    assert json.loads(run("stats", str(proj), "--json").output)["codings"] == 0
    assert "redone" in run("redo", str(proj), "--coder", "anna").output
    history = json.loads(run("history", str(proj), "--json").output)
    assert history[0]["coder"] == "anna" and history[0]["state"] == "done"
    assert "removed coding 1" in run("uncode", str(proj), "1").output


def test_search_matches_inflected_forms(proj: Path) -> None:
    hits = json.loads(run("search", str(proj), "helpen", "--json").output)
    assert any("hielpen" in h["text"] for h in hits)


def test_codebook_show_export_sync(proj: Path, tmp_path: Path) -> None:
    codes = json.loads(run("codebook", "show", str(proj), "--json").output)
    ids = [c["id"] for c in codes]
    assert "relaties.vertrouwen" in ids
    out = tmp_path / "cb.yaml"
    run("codebook", "export", str(proj), "-o", str(out))
    assert "relaties.vertrouwen" in out.read_text(encoding="utf-8")
    run("codebook", "check", str(out))
    # rename a label in the file and sync: the id stays, the label changes
    edited = out.read_text(encoding="utf-8").replace("label: Onderling vertrouwen", "label: Vertrouwen (onderling)", 1)
    out.write_text(edited, encoding="utf-8")
    assert "changed 1" in run("codebook", "sync", str(proj), str(out)).output
    with Project.open(proj) as p:
        assert p.codes.get("relaties.vertrouwen").label == "Vertrouwen (onderling)"


@pytest.mark.parametrize("args, fragment", [
    (["documents", "missing.wijk"], "no such project"),
    (["code", "{proj}", "a_init", "5", "99999", "relaties"], "outside document"),
    (["code", "{proj}", "zzz", "0", "5", "relaties"], "no document 'zzz'"),
    (["code", "{proj}", "a_init", "0", "5", "bestaat.niet"], "no code 'bestaat.niet'"),
    (["uncode", "{proj}", "77"], "no coding 77"),
    (["segments", "{proj}", "--code", "x"], "no code 'x'"),
])
def test_user_errors_are_one_line_exit_1(proj: Path, args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(cli, [a.replace("{proj}", str(proj)) for a in args])
    assert result.exit_code == 1
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_codebook_check_lists_errors_with_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - id: a\n    label: A\n    colour: '#fff'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5" in result.stderr and "colour" in result.stderr


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            out.extend(_all_commands(command, (*prefix, name)))
    return out


@pytest.mark.parametrize("path, command", _all_commands(cli), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_with_example(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help and command.help.strip(), f"{path} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    if not isinstance(command, click.Group):
        assert "Example" in result.output, f"'{' '.join(path)} --help' shows no example"


def test_agreement_between_two_coders(proj: Path, tmp_path: Path) -> None:
    hits = json.loads(run("search", str(proj), "vertrouw", "--json").output)
    hits += json.loads(run("search", str(proj), "buurthuis", "--json").output)
    for h in hits:
        for coder in ("anna", "bram"):
            run("code", str(proj), str(h["document_id"]), str(h["start"]), str(h["end"]),
                "relaties.vertrouwen", "--coder", coder)
    # bram also codes one sentence anna left alone: agreement is high but not perfect
    extra = json.loads(run("search", str(proj), "voedselpakketten", "--json").output)[0]
    run("code", str(proj), str(extra["document_id"]), str(extra["start"]), str(extra["end"]),
        "relaties.vertrouwen", "--coder", "bram")
    out = tmp_path / "agree.csv"
    rows = json.loads(run("agreement", str(proj), "--coders", "anna,bram", "-o", str(out), "--json").output)
    trust = next(r for r in rows if r["code"] == "relaties.vertrouwen")
    assert 0.3 < trust["alpha"] < 1.0
    assert "relaties.vertrouwen" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["agreement", str(proj), "--coders", "anna,zoe"])
    assert result.exit_code == 1 and "no codings by zoe" in result.stderr
