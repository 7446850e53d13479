"""CLI: per-coder undo and redo, and the `documents` group (list, remove, set, attributes)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli

INTERVIEW = "I: Hoe begon het?\nR: Ik vertrouw de gebiedscommissie wel. Doe maar, zeiden ze.\n"
OTHER = "I: Wat is er veranderd?\nR: Het buurthuis ging dicht. Ik voelde me eenzaam.\n"


def run(*args: str, code: int = 0) -> click.testing.Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + (result.stderr or "")
    return result


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "a_initiatief.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "b_bewoner.txt").write_text(OTHER, encoding="utf-8")
    path = tmp_path / "botu.wijk"
    run("init", str(path))
    run("import", str(path), str(folder))
    return path


def state(path: Path) -> dict[str, object]:
    """What a user can see of the documents and codings, to compare exactly."""
    docs = json.loads(run("documents", str(path), "--json").output)
    for d in docs:
        d.pop("imported_at")  # identical anyway; kept out so a failure diff is short
    return {
        "documents": docs,
        "codings": json.loads(run("segments", str(path), "--code", "relaties", "--children", "--json").output),
        "search": json.loads(run("search", str(path), "buurthuis", "--json").output),
    }


def code(path: Path, doc: str, code_id: str, coder: str, start: int = 3, end: int = 10) -> None:
    run("code", str(path), doc, str(start), str(end), code_id, "--coder", coder)


def test_documents_still_lists_with_and_without_subcommand(proj: Path) -> None:
    plain = json.loads(run("documents", str(proj), "--json").output)
    listed = json.loads(run("documents", "list", str(proj), "--json").output)
    assert [d["name"] for d in plain] == [d["name"] for d in listed] == ["a_initiatief", "b_bewoner"]
    assert "2 documents" in run("documents", str(proj)).output
    assert "remove" in run("documents", "--help").output
    assert "did you mean 'remove'" in run("documents", "remov", str(proj), "x", code=1).output


# -- undo is per coder, the configured coder by default -------------------------------------------
def test_undo_takes_the_configured_coders_change(proj: Path) -> None:
    code(proj, "a_init", "relaties", "tester")  # $WIJKVERHALEN_CODER is "tester" in the tests
    code(proj, "b_bew", "netwerken", "anna")
    out = run("undo", str(proj)).output
    assert out.startswith("undone: code relaties")
    assert [c["coder"] for c in json.loads(run("history", str(proj), "--json").output) if c["state"] == "done"
            and c["label"].startswith("code")] == ["anna"]
    assert run("redo", str(proj)).output.startswith("redone: code relaties")


def test_undo_conflict_is_one_line_and_skip_passes_it(proj: Path) -> None:
    run("code", str(proj), "a_init", "0", "2", "netwerken", "--coder", "anna")
    # anna adds a code to the codebook (a sync), bram codes with it.
    from wijkverhalen.models import Code
    from wijkverhalen.store import Project

    with Project.open(proj) as p:
        p.codes.add(Code(id="x", label="X"), "anna")
    code(proj, "a_init", "x", "bram")
    result = run("undo", str(proj), "--coder", "anna", code=1)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: cannot undo #")
    assert "(add code x, by anna): code x is used by 1 coding(s) of bram; undo bram's first" in result.stderr
    out = run("undo", str(proj), "--coder", "anna", "--skip").output
    assert "skipped #" in out and "add code x" in out and "undone: code netwerken" in out


# -- import is one undoable step -----------------------------------------------------------------------
def test_undo_import_and_redo(proj: Path, tmp_path: Path) -> None:
    before = state(proj)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "c.txt").write_text("I: En nu?\nR: Het buurthuis is weer open.\n", encoding="utf-8")
    (extra / "d.txt").write_text("I: En later?\nR: We zien wel.\n", encoding="utf-8")
    run("import", str(proj), str(extra))
    after = state(proj)
    assert len(after["documents"]) == 4  # type: ignore[arg-type]
    assert run("undo", str(proj)).output.startswith("undone: import 2 document(s)")
    assert state(proj) == before
    run("redo", str(proj))
    assert state(proj) == after


# -- documents remove ------------------------------------------------------------------------------------
def test_documents_remove_refuses_coded_then_force_and_undo_restores(proj: Path) -> None:
    code(proj, "b_bew", "relaties.vertrouwen", "anna")
    before = state(proj)
    result = run("documents", "remove", str(proj), "b_bewoner", code=1)
    assert result.stderr.startswith("error: document(s) with codings: 'b_bewoner' (1); pass --force")
    assert state(proj) == before
    out = run("documents", "remove", str(proj), "b_bewoner", "a_initiatief", "--force").output
    assert "removed 2 document(s) and 1 coding(s)" in out
    assert json.loads(run("documents", str(proj), "--json").output) == []
    assert run("undo", str(proj)).output.startswith("undone: remove 2 document(s)")
    assert state(proj) == before
    run("redo", str(proj))
    assert json.loads(run("documents", str(proj), "--json").output) == []


def test_documents_remove_unknown_document_is_one_line(proj: Path) -> None:
    result = run("documents", "remove", str(proj), "nope", code=1)
    assert result.stderr == "error: no document 'nope' (see 'wijkverhalen documents')\n"


# -- documents set and documents attributes ----------------------------------------------------------
def test_documents_set_and_undo(proj: Path) -> None:
    run("documents", "set", str(proj), "a_init", "rol=bewoner", "jaar=2021")
    before = state(proj)
    out = run("documents", "set", str(proj), "a_init", "rol=professional", "jaar=", "wijk=BoTu").output
    assert "3 attribute(s) changed; now rol=professional, wijk=BoTu" in out
    docs = {d["name"]: d for d in json.loads(run("documents", str(proj), "--json").output)}
    assert docs["a_initiatief"]["attributes"] == {"rol": "professional", "wijk": "BoTu"}
    run("undo", str(proj))
    assert state(proj) == before
    bad = run("documents", "set", str(proj), "a_init", "rol", code=1)
    assert bad.stderr.startswith("error: 'rol' is not attribute=value")


def test_documents_attributes_applies_sidecar_and_undo(proj: Path, tmp_path: Path) -> None:
    before = state(proj)
    meta = tmp_path / "meta.csv"
    meta.write_text("file,rol,jaar\nb_bewoner.txt,bewoner,2020\nA_INITIATIEF.TXT,initiatiefnemer,\n"
                    "z_onbekend.txt,x,1999\n", encoding="utf-8")
    out = run("documents", "attributes", str(proj), str(meta)).output
    assert "2 document(s) matched, 3 attribute(s) changed" in out
    assert "no document for row: z_onbekend.txt" in out
    docs = {d["name"]: d["attributes"] for d in json.loads(run("documents", str(proj), "--json").output)}
    assert docs == {"a_initiatief": {"rol": "initiatiefnemer"}, "b_bewoner": {"rol": "bewoner", "jaar": "2020"}}
    assert run("undo", str(proj)).output.startswith("undone: attributes from meta.csv")
    assert state(proj) == before
    none = tmp_path / "none.csv"
    none.write_text("file,rol\nq.txt,x\n", encoding="utf-8")
    result = run("documents", "attributes", str(proj), str(none), code=1)
    assert result.stderr.startswith(f"error: {none}: no row matches an imported document")
