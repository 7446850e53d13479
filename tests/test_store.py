"""Core store: documents, codes, codings, operation log, retrieval, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.errors import InvalidInput, NotFound, ProjectError, UndoConflict
from wijkverhalen.models import Code
from wijkverhalen.store import Project, migrations


def span_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_documents_are_stored_with_segments_and_attributes(project: Project) -> None:
    [doc] = project.documents.all()
    assert doc.name == "interview1"
    assert doc.attributes == {"rol": "bewoner", "wijk": "Bospolder"}
    text = project.documents.text(doc.id)
    assert text == SAMPLE_TEXT
    sentences = project.documents.segments(doc.id)
    assert [text[s.start:s.end] for s in sentences][:2] == ["Hoe begon Delfshaven Helpt?",
                                                           "We hielpen eerst de buren"]
    turns = project.documents.segments(doc.id, "turn")
    assert [t.speaker for t in turns] == ["I", "R", "I", "R"]


def test_reimport_of_same_text_is_a_noop(project: Project) -> None:
    results = project.documents.add([sample_input(name="copy")], "anna")
    assert results == [("copy", None, "interview1")]
    assert len(project.documents.all()) == 1


def test_canonical_text_cannot_change(project: Project) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        project.conn.execute("UPDATE documents SET text = 'x' WHERE id = 1")


def test_add_coding_validates_span_and_code(project: Project) -> None:
    with pytest.raises(InvalidInput, match="outside document"):
        project.codings.add(1, 10, len(SAMPLE_TEXT) + 1, "relaties", "anna")
    with pytest.raises(InvalidInput):
        project.codings.add(1, 10, 10, "relaties", "anna")
    with pytest.raises(NotFound, match="no code 'nope'"):
        project.codings.add(1, 0, 5, "nope", "anna")
    assert project.codings.all() == []


def test_coding_undo_redo_survive_restart(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as p:
        p.documents.add([sample_input()], "anna")
        start, end = span_of(SAMPLE_TEXT, "Ik vertrouw de gebiedscommissie wel.")
        coding = p.codings.add(1, start, end, "relaties.vertrouwen", "anna", memo="kern")
    with Project.open(path) as p:
        assert p.history.undo("anna") is not None
        assert p.codings.all() == []
    with Project.open(path) as p:
        assert p.history.redo("anna") is not None
        [again] = p.codings.all()
        assert (again.id, again.start, again.end, again.memo) == (coding.id, start, end, "kern")
        assert p.history.redo("anna") is None


def test_new_operation_discards_redo_stack(project: Project) -> None:
    project.codings.add(1, 0, 5, "relaties", "anna")
    project.history.undo("anna")
    project.codings.add(1, 5, 9, "netwerken", "anna")
    assert project.history.redo("anna") is None
    assert [c.code_id for c in project.codings.all()] == ["netwerken"]


def test_undo_is_per_coder(project: Project) -> None:
    project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.add(1, 5, 9, "netwerken", "bert")
    assert "relaties" in (project.history.undo("anna") or "")
    assert [c.coder for c in project.codings.all()] == ["bert"]


def test_undo_refuses_when_rows_changed_since(project: Project) -> None:
    c = project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.update(c.id, "bert", memo="later edit")
    # anna's undo would delete a coding bert has edited since: refuse, change nothing.
    with pytest.raises(UndoConflict):
        project.history.undo("anna")
    assert project.codings.get(c.id).memo == "later edit"


def test_update_remove_and_history(project: Project) -> None:
    c = project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.update(c.id, "anna", code_id="netwerken", valence="positive")
    assert project.codings.get(c.id).code_id == "netwerken"
    project.codings.remove(c.id, "anna")
    assert project.codings.all() == []
    labels = [op.label for op in project.history.recent()]
    assert labels[0].startswith("remove coding")
    assert any(label.startswith("import 1 document") for label in labels)
    project.history.undo("anna")
    assert project.codings.get(c.id).valence == "positive"
    project.history.undo("anna")
    assert project.codings.get(c.id).code_id == "relaties"


def test_merge_codes_moves_codings_and_is_undoable(project: Project) -> None:
    project.codings.add(1, 0, 5, "relaties.vertrouwen", "anna")
    moved = project.codes.merge("relaties.vertrouwen", "netwerken", "anna")
    assert moved == 1
    assert not project.codes.has("relaties.vertrouwen")
    assert project.codings.all()[0].code_id == "netwerken"
    project.history.undo("anna")
    assert project.codes.has("relaties.vertrouwen")
    assert project.codings.all()[0].code_id == "relaties.vertrouwen"


def test_merge_into_own_subcode_is_refused(project: Project) -> None:
    with pytest.raises(InvalidInput, match="own sub-code"):
        project.codes.merge("relaties", "relaties.vertrouwen", "anna")


def test_code_edit_move_and_tree_order(project: Project) -> None:
    project.codes.update("netwerken", "anna", label="Netwerken en coalities", color="#abc")
    assert project.codes.get("netwerken").label == "Netwerken en coalities"
    with pytest.raises(InvalidInput, match="colour"):
        project.codes.update("netwerken", "anna", color="red")
    project.codes.move("stressor", "relaties", "anna", position=0)
    order = [c.id for c in project.codes.all()]
    assert order == ["relaties", "stressor", "relaties.vertrouwen", "netwerken"]
    project.history.undo("anna")
    assert [c.id for c in project.codes.all()][:3] == ["relaties", "relaties.vertrouwen", "netwerken"]
    with pytest.raises(InvalidInput, match="under itself"):
        project.codes.move("relaties", "relaties.vertrouwen", "anna")


def test_sync_codes_keeps_renames_adds_and_refuses_drops(project: Project) -> None:
    project.codings.add(1, 0, 5, "stressor", "anna")
    renamed = [c if c.id != "netwerken" else Code(**{**c.__dict__, "label": "Netwerk"}) for c in SAMPLE_CODES]
    new = [*[c for c in renamed if c.id != "stressor"], Code(id="nieuw", label="Nieuw", position=5)]
    with pytest.raises(InvalidInput, match="stressor"):
        project.codes.sync(new, "anna")
    assert project.codes.has("stressor")
    report = project.codes.sync(new, "anna", merge_into="netwerken")
    assert report.added == ["nieuw"] and "netwerken" in report.changed
    assert report.removed == ["stressor"]
    assert project.codings.all()[0].code_id == "netwerken"
    assert project.codes.get("netwerken").label == "Netwerk"


def test_passages_have_context_speaker_and_filters(project: Project) -> None:
    start, end = span_of(SAMPLE_TEXT, "vertrouw de gebiedscommissie")
    project.codings.add(1, start, end, "relaties.vertrouwen", "anna")
    [p] = project.retrieval.passages("relaties.vertrouwen")
    assert p.text == "vertrouw de gebiedscommissie"
    assert p.speaker == "R"
    assert p.before.endswith("De gemeente sloot later aan. Ik ")
    assert p.after == " wel."
    assert project.retrieval.passages("relaties") == []
    assert len(project.retrieval.passages("relaties", include_children=True)) == 1
    assert project.retrieval.passages("relaties.vertrouwen", attributes={"rol": "professional"}) == []
    assert project.retrieval.count_passages("relaties", include_children=True, attributes={"rol": "bewoner"}) == 1


def test_search_matches_words_lemmas_and_phrases(project: Project) -> None:
    hits = project.retrieval.search("helpen", {"helpen": ["helpen"]})
    assert hits == []  # the fixture's lemmas are the lower-cased words, no "helpen" there
    hits = project.retrieval.search("hielpen")
    assert [h.text for h in hits] == ["We hielpen eerst de buren"]
    assert project.retrieval.search('"sloot later"')[0].text.startswith("De gemeente sloot later aan")
    assert project.retrieval.search("gemeente gebiedscommissie") == []  # AND across one sentence
    assert project.retrieval.search("   ") == []


def test_stats_count_codings_per_code_and_coder(project: Project) -> None:
    project.codings.add(1, 0, 5, "relaties", "anna")
    project.codings.add(1, 6, 9, "relaties", "bert")
    data = project.retrieval.stats()
    assert data["documents"] == 1 and data["codings"] == 2
    assert {r["coder"]: r["codings"] for r in data["per_coder"]} == {"anna": 1, "bert": 1}
    assert data["per_code"][0] == {"code": "relaties", "label": "Relaties tussen actoren",
                                   "codings": 2, "documents": 1}


def test_attributes_cases_and_memos_are_logged(project: Project) -> None:
    project.documents.set_attribute(1, "jaar", "2020", "anna")
    project.documents.set_memo(1, "eerste interview", "anna")
    project.documents.add_to_case("Delfshaven Helpt", 1, "anna")
    assert project.documents.attributes(1)["jaar"] == "2020"
    assert project.documents.cases() == {"Delfshaven Helpt": [1]}
    project.history.undo("anna")
    assert project.documents.cases() == {}
    project.history.undo("anna")
    assert project.documents.get(1).memo == ""


def test_opening_a_non_project_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wijk"
    bad.write_text("hello")
    with pytest.raises(ProjectError, match="not a wijkverhalen project"):
        Project.open(bad)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(other)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.wijk")


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    Project.create(path).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)


def test_older_schema_is_migrated_and_newer_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.wijk"
    Project.create(path, codes=SAMPLE_CODES).close()
    applied: list[int] = []
    future = migrations.latest_version() + 1
    known = migrations.MIGRATIONS
    monkeypatch.setattr(migrations, "MIGRATIONS", (*known, migrations.Migration(
        future, "a test table",
        lambda conn: (applied.append(future), conn.execute("CREATE TABLE extra (x)")))))
    with Project.open(path) as p:
        assert applied == [future]
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == future
        assert p.codes.has("relaties")
    monkeypatch.setattr(migrations, "MIGRATIONS", known)
    with pytest.raises(ProjectError, match="newer wijkverhalen"):
        Project.open(path)


def test_failed_batch_writes_nothing(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES)
    good = sample_input(name="a")
    bad = sample_input(text="R: Iets anders.\n", name="b")
    # sabotage: a sentence outside the text violates the CHECK constraint mid-batch
    from wijkverhalen.models import Sentence
    from wijkverhalen.store import DocumentInput

    broken = DocumentInput(parsed=bad.parsed, sentences=[Sentence(5, 3, 0, "")], word_count=2, attributes={})
    with pytest.raises(sqlite3.IntegrityError):
        p.documents.add([good, broken], "anna")
    assert p.documents.all() == []
    assert p.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    p.close()


def test_passages_and_hits_across_text_pages(tmp_path: Path) -> None:
    """Context is cut from 256-code-point pages; spans crossing pages come out exact."""
    sentences = [f"Zin {i} over het buurthuis en de buren van Bospolder, met één emoji 🙂." for i in range(60)]
    text = "R: " + " ".join(sentences) + "\n"
    p = Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES)
    p.documents.add([sample_input(text=text, name="lang")], "anna")
    segs = p.documents.segments(1)
    assert len(text) > 10 * 256 and len(segs) == 60
    for first, last in [(0, 0), (3, 9), (20, 21), (59, 59)]:
        start, end = segs[first].start + 2, segs[last].end
        p.codings.add(1, start, end, "relaties", "anna")
        [passage] = p.retrieval.passages("relaties")
        before_start = segs[max(first - 1, 0)].start
        after_end = segs[min(last + 1, 59)].end
        assert passage.text == text[start:end]
        assert passage.before == text[before_start:start]
        assert passage.after == text[end:after_end]
        p.history.undo("anna")
    hits = p.retrieval.search('"Zin 37"')
    assert [h.text for h in hits] == [text[segs[37].start:segs[37].end]]
    assert hits[0].before == text[segs[36].start:segs[37].start]
    assert hits[0].after == text[segs[37].end:segs[38].end]
    p.close()


def test_coding_ids_are_never_reused(project: Project) -> None:
    first = project.codings.add(1, 0, 5, "relaties", "anna")
    second = project.codings.add(1, 6, 9, "relaties", "anna")
    project.codings.remove(second.id, "anna")
    project.codings.remove(first.id, "anna")
    third = project.codings.add(1, 10, 14, "netwerken", "bert")
    assert third.id not in (first.id, second.id)
    assert project.history.undo("anna") and project.history.undo("anna")  # both removals undone, ids intact
    assert {c.id for c in project.codings.all()} == {first.id, second.id, third.id}


def test_opening_twice_in_one_process_keeps_the_first_connection_safe(tmp_path: Path) -> None:
    """Checking a project must not drop the POSIX locks of a connection already open."""
    path = tmp_path / "p.wijk"
    first = Project.create(path, codes=SAMPLE_CODES)
    first.documents.add([sample_input()], "anna")
    coding = first.codings.add(1, 0, 5, "relaties", "anna")
    second = Project.open(path)  # examines the file while `first` holds it
    second.close()
    first.codings.add(1, 6, 9, "netwerken", "anna")
    first.close()
    with Project.open(path) as again:
        assert [c.id for c in again.codings.all()][0] == coding.id
        assert len(again.codings.all()) == 2


def test_document_progress_counts_coded_sentences(project: Project) -> None:
    segs = project.documents.segments(1)
    project.codings.add(1, segs[1].start, segs[2].end, "relaties", "anna")  # two sentences
    project.codings.add(1, segs[1].start + 1, segs[1].start + 3, "netwerken", "bert")  # inside one
    assert project.retrieval.document_progress() == {1: (2, len(segs), 2)}


def test_search_snippets_mark_words_and_lemma_matches(project: Project) -> None:
    from wijkverhalen.snippets import match_spans, snippet_parts

    [hit] = project.retrieval.search("hielpen")
    assert hit.text == "We hielpen eerst de buren"
    assert hit.spans == ((3, 10),)
    assert snippet_parts(hit.snippet) == [("We ", False), ("hielpen", True), (" eerst de buren", False)]
    # a lemma match marks the inflected word: lemmas line up with the words
    assert match_spans("Ze hielpen de buren.", "ze helpen de buren", {"helpen"}) == ((3, 10),)


def test_durability_full_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.wijk"
    Project.create(path).close()
    with Project.open(path) as p:
        assert p.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    monkeypatch.setenv("WIJKVERHALEN_DURABILITY", "full")
    with Project.open(path) as p:
        assert p.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    monkeypatch.setenv("WIJKVERHALEN_DURABILITY", "sometimes")
    with pytest.raises(ProjectError, match="must be 'normal' or 'full'"):
        Project.open(path)


def test_passages_for_ids_match_retrieval(project: Project) -> None:
    start, end = span_of(SAMPLE_TEXT, "vertrouw de gebiedscommissie")
    a = project.codings.add(1, start, end, "relaties.vertrouwen", "anna")
    b = project.codings.add(1, 0, 5, "netwerken", "anna")
    by_id = {p.coding.id: p for p in project.retrieval.passages_for([b.id, a.id, a.id])}
    assert set(by_id) == {a.id, b.id}
    assert by_id[a.id] == project.retrieval.passages("relaties.vertrouwen")[0]
    assert project.retrieval.passages_for([]) == []
