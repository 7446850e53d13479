"""The undo model: per coder, a real redo stack, conflicts explained, imports and removals undoable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.errors import InvalidInput, UndoConflict
from wijkverhalen.models import Code
from wijkverhalen.store import ImportLog, Project
from wijkverhalen.store.oplog_undo import OperationConflict

OTHER_TEXT = "I: Wat is er veranderd?\nR: Het buurthuis ging dicht. Ik voelde me eenzaam.\n"


def dump(project: Project) -> dict[str, Any]:
    """Every row a user can see or that search and retrieval read, to compare states exactly."""
    tables = ["documents", "attributes", "cases", "case_documents", "segments", "text_chunks", "codings", "codes"]
    out: dict[str, Any] = {}
    for t in tables:
        cols = [r[1] for r in project.conn.execute(f"PRAGMA table_info({t})")]
        out[t] = sorted(project.conn.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {t}"))
    out["search"] = [(h.document_id, h.start, h.end) for h in project.retrieval.search("buurthuis")]
    out["search2"] = [(h.document_id, h.start, h.end) for h in project.retrieval.search("vertrouw")]
    return out


# -- per coder, and a real stack ------------------------------------------------------------------
def test_redo_reapplies_the_most_recently_undone(project: Project) -> None:
    project.codings.add(1, 0, 5, "relaties", "bram")
    project.codings.add(1, 5, 9, "netwerken", "anna")
    project.history.undo("bram")
    project.history.undo("anna")
    # Redo without a coder takes the last undone (anna's), not the oldest (bram's).
    assert "netwerken" in (project.history.redo() or "")
    assert [c.coder for c in project.codings.all()] == ["anna"]
    assert "relaties" in (project.history.redo("bram") or "")


def test_redo_stack_order_for_one_coder(project: Project) -> None:
    for start in (0, 10, 20):
        project.codings.add(1, start, start + 5, "relaties", "anna")
    project.history.undo("anna")
    project.history.undo("anna")
    assert project.history.redo("anna") == "code relaties in document 1 [10:15]"
    project.history.undo("anna")
    project.history.undo("anna")
    assert project.history.redo("anna") == "code relaties in document 1 [0:5]"
    assert project.history.redo("anna") == "code relaties in document 1 [10:15]"
    assert project.history.redo("anna") == "code relaties in document 1 [20:25]"


# -- conflicts: explained, never a traceback, never stuck ---------------------------------------
def test_undo_of_code_someone_used_is_explained_and_can_be_passed(project: Project) -> None:
    first = project.codings.add(1, 0, 5, "relaties", "anna")
    project.codes.add(Code(id="x", label="X"), "anna")
    project.codings.add(1, 10, 20, "x", "bram")
    with pytest.raises(OperationConflict) as info:
        project.history.undo("anna")
    message = info.value.one_line()
    assert "cannot undo #" in message and "add code x, by anna" in message
    assert "1 coding(s) of bram" in message and "undo bram's first" in message
    assert project.codes.has("x") and len(project.codings.all()) == 2  # nothing changed
    # Not stuck: undo past it (the add-code stays), and it is listed as skipped.
    step = project.history.undo_step("anna", skip=True)
    assert step is not None and step.label.startswith("code relaties")
    assert [s.label for s in step.skipped] == ["add code x"]
    assert first.id not in [c.id for c in project.codings.all()]
    # Once bram's coding is undone, anna's add-code undoes normally.
    project.history.undo("bram")
    assert project.history.undo("anna") == "add code x"
    assert not project.codes.has("x")


def test_undo_conflict_names_the_later_operation(project: Project) -> None:
    c = project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.update(c.id, "bert", memo="later edit")
    with pytest.raises(UndoConflict, match=r"was changed since by #\d+ \(edit coding .*by bert\); undo #\d+ first"):
        project.history.undo("anna")


def test_all_conflicting_with_skip_is_one_line(project: Project) -> None:
    project.codes.add(Code(id="x", label="X"), "carla")
    project.codings.add(1, 10, 20, "x", "bram")
    with pytest.raises(UndoConflict, match="nothing can be undone: #"):
        project.history.undo_step("carla", skip=True)


def test_integrity_error_never_escapes(project: Project) -> None:
    """Whatever constraint fails, undo reports a WijkError and changes nothing."""
    c = project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.remove(c.id, "anna")
    # Someone deletes the code under the removed coding by hand; undoing the removal cannot work.
    project.conn.execute("PRAGMA foreign_keys = OFF")
    project.conn.execute("DELETE FROM codes WHERE id = 'relaties'")
    project.conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(UndoConflict, match="cannot undo #"):
        project.history.undo("anna")
    assert project.codings.all() == []


# -- merge dedupes, as one undoable step ------------------------------------------------------------
def test_merge_dedupes_codings_and_undo_restores_exactly(project: Project) -> None:
    project.codings.add(1, 0, 20, "relaties.vertrouwen", "anna", memo="bron")
    project.codings.add(1, 0, 20, "netwerken", "anna", memo="doel")
    project.codings.add(1, 0, 20, "relaties.vertrouwen", "bram", valence="positive")
    project.codings.add(1, 30, 40, "relaties.vertrouwen", "anna")
    before = dump(project)
    project.codes.merge("relaties.vertrouwen", "netwerken", "anna")
    rows = [(c.start, c.end, c.coder, c.code_id, c.memo) for c in project.codings.all()]
    assert rows == [(0, 20, "anna", "netwerken", "doel\n\nbron"), (0, 20, "bram", "netwerken", ""),
                    (30, 40, "anna", "netwerken", "")]
    assert project.history.undo("anna") == "merge code relaties.vertrouwen into netwerken"
    assert dump(project) == before


def test_sync_merge_into_dedupes(project: Project) -> None:
    project.codings.add(1, 0, 20, "relaties.vertrouwen", "anna")
    project.codings.add(1, 0, 20, "stressor", "anna", memo="m")
    before = dump(project)
    kept = [c for c in SAMPLE_CODES if c.id not in ("relaties.vertrouwen", "stressor")]
    project.codes.sync(kept, "anna", merge_into="netwerken")
    assert [(c.code_id, c.memo) for c in project.codings.all()] == [("netwerken", "m")]
    project.history.undo("anna")
    assert dump(project) == before


# -- import is one undoable operation ----------------------------------------------------------------
def test_import_is_one_undo_step_across_batches(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES, coder="anna") as p:
        empty = dump(p)
        log = ImportLog()
        p.documents.add([sample_input()], "anna", log)
        p.documents.add([sample_input(OTHER_TEXT, name="b", attributes={"casus": "Delfshaven Helpt"})],
                        "anna", log)
        full = dump(p)
        assert full["search"] and full["search2"]
        ops = [op for op in p.history.recent() if op.label.startswith("import")]
        assert len(ops) == 1 and ops[0].label == "import 2 document(s): interview1, b"
        raw = p.conn.execute("SELECT changes FROM operations WHERE id = ?", (ops[0].id,)).fetchone()[0]
        assert "buurthuis" not in raw  # ids, not texts, in the log
        assert p.history.undo("anna") == "import 2 document(s): interview1, b"
        assert dump(p) == empty
        assert p.history.redo("anna") == "import 2 document(s): interview1, b"
        assert dump(p) == full
        # After redo the captured rows leave the log again.
        raw = p.conn.execute("SELECT changes FROM operations WHERE id = ?", (ops[0].id,)).fetchone()[0]
        assert "buurthuis" not in raw


def test_undo_after_import_undoes_the_import_not_something_older(project: Project) -> None:
    project.documents.set_memo(1, "oud", "anna")
    project.documents.add([sample_input(OTHER_TEXT, name="b")], "anna")
    assert project.history.undo("anna").startswith("import 1 document(s): b")
    assert project.documents.get(1).memo == "oud"
    assert [d.name for d in project.documents.all()] == ["interview1"]


def test_undo_import_with_someone_elses_codings_is_explained(project: Project) -> None:
    project.documents.add([sample_input(OTHER_TEXT, name="b")], "anna")
    doc = project.documents.get("b")
    project.codings.add(doc.id, 0, 5, "relaties", "bram")
    with pytest.raises(UndoConflict, match=r"1 coding\(s\) are on these documents \(1 of bram\)"):
        project.history.undo("anna")
    assert project.documents.get("b").id == doc.id


def test_discarded_import_drops_its_captured_rows(project: Project) -> None:
    project.documents.add([sample_input(OTHER_TEXT, name="b")], "anna")
    project.history.undo("anna")
    project.codings.add(1, 0, 5, "relaties", "anna")  # ends anna's redo stack
    sizes = [len(r[0]) for r in project.conn.execute("SELECT changes FROM operations")]
    assert max(sizes) < 2000
    assert project.history.redo("anna") is None


def test_import_log_size_is_ids_only(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES, coder="anna") as p:
        log = ImportLog()
        inputs = [sample_input(SAMPLE_TEXT + f"R: Nummer {i}.\n", name=f"d{i}") for i in range(200)]
        p.documents.add(inputs, "anna", log)
        raw = p.conn.execute("SELECT changes FROM operations WHERE id = ?", (log.op_id,)).fetchone()[0]
        assert len(raw) < 200 * 8  # a few bytes per document id
        p.history.undo("anna")
        assert p.documents.all() == []
        p.history.redo("anna")
        assert len(p.documents.all()) == 200


# -- removing documents and editing attributes --------------------------------------------------------
def test_remove_document_refuses_coded_without_force_and_undo_restores(project: Project) -> None:
    project.documents.add([sample_input(OTHER_TEXT, name="b", attributes={"casus": "Delfshaven Helpt"})],
                          "anna")
    project.codings.add(1, 0, 5, "relaties", "bram", memo="m")
    before = dump(project)
    with pytest.raises(InvalidInput, match="codings: 'interview1' \\(1\\); pass --force"):
        project.documents.remove(["interview1"], "anna")
    assert dump(project) == before
    project.documents.remove(["interview1", "b"], "anna", force=True)
    assert project.documents.all() == [] and project.codings.all() == []
    assert project.retrieval.search("buurthuis") == []
    assert project.history.undo("anna").startswith("remove 2 document(s)")
    assert dump(project) == before
    project.history.redo("anna")
    assert project.documents.all() == []
    project.history.undo("anna")
    assert dump(project) == before


def test_set_attributes_is_undoable_and_empty_removes(project: Project) -> None:
    project.documents.set_attributes(1, {"rol": "professional", "jaar": "2021", "wijk": ""}, "anna")
    assert project.documents.get(1).attributes == {"rol": "professional", "jaar": "2021"}
    project.history.undo("anna")
    assert project.documents.get(1).attributes == {"rol": "bewoner", "wijk": "Bospolder"}


def test_fk_map_sees_every_table(project: Project) -> None:
    """Documents removed leave no row behind in any table that points at them."""
    project.documents.remove([1], "anna")
    for (table,) in project.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        cols = [r[1] for r in project.conn.execute(f"PRAGMA table_info({table})")]
        if "document_id" in cols:
            assert project.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    with pytest.raises(sqlite3.IntegrityError):  # sanity: foreign keys are on
        project.conn.execute("INSERT INTO attributes VALUES (99, 'x', 'y')")
    assert json.loads(project.conn.execute("SELECT changes FROM operations ORDER BY id DESC").fetchone()[0])
