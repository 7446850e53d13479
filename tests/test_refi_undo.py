"""A REFI-QDA import into an existing project is one undoable step (``qdpx import --merge``,
``codebook import-qdc``): undo takes away exactly what it added, redo puts it back."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.refi import import_qdpx
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "refi"




def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


TABLES = {
    "documents": "SELECT id, name, sha256, memo FROM documents ORDER BY id",
    "segments": "SELECT document_id, kind, start, \"end\" FROM segments ORDER BY document_id, kind, start",
    "attributes": "SELECT document_id, name, value FROM attributes ORDER BY document_id, name",
    "codes": "SELECT id, guid, parent_id, label, color, definition FROM codes ORDER BY id",
    "codings": "SELECT id, guid, document_id, start, \"end\", code_id, coder, memo FROM codings ORDER BY id",
    "cases": "SELECT id, name, memo FROM cases ORDER BY id",
    "case_documents": "SELECT case_id, document_id FROM case_documents ORDER BY case_id, document_id",
    "pseudonyms": "SELECT name, pseudonym FROM pseudonyms ORDER BY name",
}


def state(path: Path) -> dict[str, list[dict[str, Any]]]:
    with Project.open(path) as project:
        return {table: project.query(sql) for table, sql in TABLES.items()}


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def test_qdpx_merge_is_one_undoable_step_and_redo_brings_it_back(tmp_path: Path) -> None:
    wijk = tmp_path / "botu.wijk"
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "eigen.txt").write_text("I: Hoe gaat het?\nR: Goed, met de buren.\n", encoding="utf-8")
    run("init", str(wijk), "--coder", "anna")
    run("import", str(wijk), str(corpus), "--coder", "anna")
    run("pseudonyms", "add", str(wijk), "Ineke de Vries", "Bewoner A", "--coder", "anna")
    before = state(wijk)
    qdpx = zip_folder(DATA / "messy", tmp_path / "messy.qdpx")
    run("qdpx", "import", str(wijk), str(qdpx), "--merge", "--coder", "anna", "--workers", "1")
    after = state(wijk)
    assert len(after["documents"]) > len(before["documents"]) and after["cases"] and after["case_documents"]
    assert len(after["codes"]) > len(before["codes"]) and len(after["codings"]) > len(before["codings"])

    out = run("undo", str(wijk), "--coder", "anna")
    assert out.startswith("undone: import messy.qdpx")
    assert state(wijk) == before  # the pseudonym and the own document stay; nothing of the import
    out = run("redo", str(wijk), "--coder", "anna")
    assert out.startswith("redone: import messy.qdpx")
    assert state(wijk) == after
    run("undo", str(wijk), "--coder", "anna")
    assert state(wijk) == before
    out = run("undo", str(wijk), "--coder", "anna")
    assert out.startswith("undone: pseudonym")  # the next step back is the one before the import


def test_qdpx_codings_on_a_matched_document_are_undone_and_the_document_stays(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "atlas", tmp_path / "atlas.qdpx")
    import_qdpx(qdpx, tmp_path / "scratch.wijk", coder="tester", workers=1)
    with Project.open(tmp_path / "scratch.wijk") as scratch:
        text = scratch.document_text(scratch.documents()[0].id)
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "Henk.txt").write_text(text, encoding="utf-8")
    wijk = tmp_path / "botu.wijk"
    run("init", str(wijk), "--coder", "anna")
    run("import", str(wijk), str(corpus), "--coder", "anna")
    before = state(wijk)
    summary = import_qdpx(qdpx, wijk, coder="anna", merge=True, workers=1)
    assert summary.documents == [] and len(summary.matched_documents) == 1 and summary.codings == 3
    after = state(wijk)
    with Project.open(wijk) as project:
        assert (project.undo("anna") or "").startswith("import atlas.qdpx")
    assert state(wijk) == before
    with Project.open(wijk) as project:
        assert project.redo("anna") is not None
    assert state(wijk) == after


def test_qdc_codebook_import_is_undoable(tmp_path: Path) -> None:
    wijk = tmp_path / "botu.wijk"
    run("init", str(wijk), "--coder", "anna")
    before = state(wijk)
    out = run("codebook", "import-qdc", str(wijk), str(DATA / "taguette.qdc"), "--coder", "anna")
    assert "2 new code(s)" in out
    after = state(wijk)
    assert {c["id"] for c in after["codes"]} - {c["id"] for c in before["codes"]} == {"vertrouwen", "eenzaamheid"}
    assert run("undo", str(wijk), "--coder", "anna").startswith("undone: import taguette.qdc")
    assert state(wijk) == before
    assert run("redo", str(wijk), "--coder", "anna").startswith("redone: import taguette.qdc")
    assert state(wijk) == after
