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
    [doc] = project.documents()
    assert doc.name == "interview1"
    assert doc.attributes == {"rol": "bewoner", "wijk": "Bospolder"}
    text = project.document_text(doc.id)
    assert text == SAMPLE_TEXT
    sentences = project.segments(doc.id)
    assert [text[s.start:s.end] for s in sentences][:2] == ["Hoe begon Delfshaven Helpt?",
                                                           "We hielpen eerst de buren"]
    turns = project.segments(doc.id, "turn")
    assert [t.speaker for t in turns] == ["I", "R", "I", "R"]


def test_reimport_of_same_text_is_a_noop(project: Project) -> None:
    results = project.add_documents([sample_input(name="copy")], "anna")
    assert results == [("copy", None, "interview1")]
    assert len(project.documents()) == 1


def test_canonical_text_cannot_change(project: Project) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        project.conn.execute("UPDATE documents SET text = 'x' WHERE id = 1")


def test_add_coding_validates_span_and_code(project: Project) -> None:
    with pytest.raises(InvalidInput, match="outside document"):
        project.add_coding(1, 10, len(SAMPLE_TEXT) + 1, "relaties", "anna")
    with pytest.raises(InvalidInput):
        project.add_coding(1, 10, 10, "relaties", "anna")
    with pytest.raises(NotFound, match="no code 'nope'"):
        project.add_coding(1, 0, 5, "nope", "anna")
    assert project.codings() == []


def test_coding_undo_redo_survive_restart(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as p:
        p.add_documents([sample_input()], "anna")
        start, end = span_of(SAMPLE_TEXT, "Ik vertrouw de gebiedscommissie wel.")
        coding = p.add_coding(1, start, end, "relaties.vertrouwen", "anna", memo="kern")
    with Project.open(path) as p:
        assert p.undo("anna") is not None
        assert p.codings() == []
    with Project.open(path) as p:
        assert p.redo("anna") is not None
        [again] = p.codings()
        assert (again.id, again.start, again.end, again.memo) == (coding.id, start, end, "kern")
        assert p.redo("anna") is None


def test_new_operation_discards_redo_stack(project: Project) -> None:
    project.add_coding(1, 0, 5, "relaties", "anna")
    project.undo("anna")
    project.add_coding(1, 5, 9, "netwerken", "anna")
    assert project.redo("anna") is None
    assert [c.code_id for c in project.codings()] == ["netwerken"]


def test_undo_is_per_coder(project: Project) -> None:
    project.add_coding(1, 0, 5, "relaties", "anna")
    project.add_coding(1, 5, 9, "netwerken", "bert")
    assert "relaties" in (project.undo("anna") or "")
    assert [c.coder for c in project.codings()] == ["bert"]


def test_undo_refuses_when_rows_changed_since(project: Project) -> None:
    c = project.add_coding(1, 0, 5, "relaties", "anna")
    project.update_coding(c.id, "bert", memo="later edit")
    # anna's undo would delete a coding bert has edited since: refuse, change nothing.
    with pytest.raises(UndoConflict):
        project.undo("anna")
    assert project.coding(c.id).memo == "later edit"


def test_update_remove_and_history(project: Project) -> None:
    c = project.add_coding(1, 0, 5, "relaties", "anna")
    project.update_coding(c.id, "anna", code_id="netwerken", valence="positive")
    assert project.coding(c.id).code_id == "netwerken"
    project.remove_coding(c.id, "anna")
    assert project.codings() == []
    labels = [op.label for op in project.history()]
    assert labels[0].startswith("remove coding")
    assert any(label.startswith("import 1 document") for label in labels)
    project.undo("anna")
    assert project.coding(c.id).valence == "positive"
    project.undo("anna")
    assert project.coding(c.id).code_id == "relaties"


def test_merge_codes_moves_codings_and_is_undoable(project: Project) -> None:
    project.add_coding(1, 0, 5, "relaties.vertrouwen", "anna")
    moved = project.merge_codes("relaties.vertrouwen", "netwerken", "anna")
    assert moved == 1
    assert not project.has_code("relaties.vertrouwen")
    assert project.codings()[0].code_id == "netwerken"
    project.undo("anna")
    assert project.has_code("relaties.vertrouwen")
    assert project.codings()[0].code_id == "relaties.vertrouwen"


def test_merge_into_own_subcode_is_refused(project: Project) -> None:
    with pytest.raises(InvalidInput, match="own sub-code"):
        project.merge_codes("relaties", "relaties.vertrouwen", "anna")


def test_code_edit_move_and_tree_order(project: Project) -> None:
    project.update_code("netwerken", "anna", label="Netwerken en coalities", color="#abc")
    assert project.code("netwerken").label == "Netwerken en coalities"
    with pytest.raises(InvalidInput, match="colour"):
        project.update_code("netwerken", "anna", color="red")
    project.move_code("stressor", "relaties", "anna", position=0)
    order = [c.id for c in project.codes()]
    assert order == ["relaties", "stressor", "relaties.vertrouwen", "netwerken"]
    project.undo("anna")
    assert [c.id for c in project.codes()][:3] == ["relaties", "relaties.vertrouwen", "netwerken"]
    with pytest.raises(InvalidInput, match="under itself"):
        project.move_code("relaties", "relaties.vertrouwen", "anna")


def test_sync_codes_keeps_renames_adds_and_refuses_drops(project: Project) -> None:
    project.add_coding(1, 0, 5, "stressor", "anna")
    renamed = [c if c.id != "netwerken" else Code(**{**c.__dict__, "label": "Netwerk"}) for c in SAMPLE_CODES]
    new = [*[c for c in renamed if c.id != "stressor"], Code(id="nieuw", label="Nieuw", position=5)]
    with pytest.raises(InvalidInput, match="stressor"):
        project.sync_codes(new, "anna")
    assert project.has_code("stressor")
    report = project.sync_codes(new, "anna", merge_into="netwerken")
    assert report.added == ["nieuw"] and "netwerken" in report.changed
    assert report.removed == ["stressor"]
    assert project.codings()[0].code_id == "netwerken"
    assert project.code("netwerken").label == "Netwerk"


def test_passages_have_context_speaker_and_filters(project: Project) -> None:
    start, end = span_of(SAMPLE_TEXT, "vertrouw de gebiedscommissie")
    project.add_coding(1, start, end, "relaties.vertrouwen", "anna")
    [p] = project.passages("relaties.vertrouwen")
    assert p.text == "vertrouw de gebiedscommissie"
    assert p.speaker == "R"
    assert p.before.endswith("De gemeente sloot later aan. Ik ")
    assert p.after == " wel."
    assert project.passages("relaties") == []
    assert len(project.passages("relaties", include_children=True)) == 1
    assert project.passages("relaties.vertrouwen", attributes={"rol": "professional"}) == []
    assert project.count_passages("relaties", include_children=True, attributes={"rol": "bewoner"}) == 1


def test_search_matches_words_lemmas_and_phrases(project: Project) -> None:
    hits = project.search("helpen", {"helpen": ["helpen"]})
    assert hits == []  # the fixture's lemmas are the lower-cased words, no "helpen" there
    hits = project.search("hielpen")
    assert [h.text for h in hits] == ["We hielpen eerst de buren"]
    assert project.search('"sloot later"')[0].text.startswith("De gemeente sloot later aan")
    assert project.search("gemeente gebiedscommissie") == []  # AND across one sentence
    assert project.search("   ") == []


def test_stats_count_codings_per_code_and_coder(project: Project) -> None:
    project.add_coding(1, 0, 5, "relaties", "anna")
    project.add_coding(1, 6, 9, "relaties", "bert")
    data = project.stats()
    assert data["documents"] == 1 and data["codings"] == 2
    assert {r["coder"]: r["codings"] for r in data["per_coder"]} == {"anna": 1, "bert": 1}
    assert data["per_code"][0] == {"code": "relaties", "label": "Relaties tussen actoren",
                                   "codings": 2, "documents": 1}


def test_attributes_cases_and_memos_are_logged(project: Project) -> None:
    project.set_attribute(1, "jaar", "2020", "anna")
    project.set_document_memo(1, "eerste interview", "anna")
    project.add_to_case("Delfshaven Helpt", 1, "anna")
    assert project.attributes(1)["jaar"] == "2020"
    assert project.cases() == {"Delfshaven Helpt": [1]}
    project.undo("anna")
    assert project.cases() == {}
    project.undo("anna")
    assert project.document(1).memo == ""


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
        assert p.has_code("relaties")
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
        p.add_documents([good, broken], "anna")
    assert p.documents() == []
    assert p.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    p.close()


def test_passages_and_hits_across_text_pages(tmp_path: Path) -> None:
    """Context is cut from 256-code-point pages; spans crossing pages come out exact."""
    sentences = [f"Zin {i} over het buurthuis en de buren van Bospolder, met één emoji 🙂." for i in range(60)]
    text = "R: " + " ".join(sentences) + "\n"
    p = Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES)
    p.add_documents([sample_input(text=text, name="lang")], "anna")
    segs = p.segments(1)
    assert len(text) > 10 * 256 and len(segs) == 60
    for first, last in [(0, 0), (3, 9), (20, 21), (59, 59)]:
        start, end = segs[first].start + 2, segs[last].end
        p.add_coding(1, start, end, "relaties", "anna")
        [passage] = p.passages("relaties")
        before_start = segs[max(first - 1, 0)].start
        after_end = segs[min(last + 1, 59)].end
        assert passage.text == text[start:end]
        assert passage.before == text[before_start:start]
        assert passage.after == text[end:after_end]
        p.undo("anna")
    hits = p.search('"Zin 37"')
    assert [h.text for h in hits] == [text[segs[37].start:segs[37].end]]
    assert hits[0].before == text[segs[36].start:segs[37].start]
    assert hits[0].after == text[segs[37].end:segs[38].end]
    p.close()


def test_coding_ids_are_never_reused(project: Project) -> None:
    first = project.add_coding(1, 0, 5, "relaties", "anna")
    second = project.add_coding(1, 6, 9, "relaties", "anna")
    project.remove_coding(second.id, "anna")
    project.remove_coding(first.id, "anna")
    third = project.add_coding(1, 10, 14, "netwerken", "bert")
    assert third.id not in (first.id, second.id)
    assert project.undo("anna") and project.undo("anna")  # both removals undone, ids intact
    assert {c.id for c in project.codings()} == {first.id, second.id, third.id}


def test_opening_twice_in_one_process_keeps_the_first_connection_safe(tmp_path: Path) -> None:
    """Checking a project must not drop the POSIX locks of a connection already open."""
    path = tmp_path / "p.wijk"
    first = Project.create(path, codes=SAMPLE_CODES)
    first.add_documents([sample_input()], "anna")
    coding = first.add_coding(1, 0, 5, "relaties", "anna")
    second = Project.open(path)  # examines the file while `first` holds it
    second.close()
    first.add_coding(1, 6, 9, "netwerken", "anna")
    first.close()
    with Project.open(path) as again:
        assert [c.id for c in again.codings()][0] == coding.id
        assert len(again.codings()) == 2


def test_document_progress_counts_coded_sentences(project: Project) -> None:
    segs = project.segments(1)
    project.add_coding(1, segs[1].start, segs[2].end, "relaties", "anna")  # two sentences
    project.add_coding(1, segs[1].start + 1, segs[1].start + 3, "netwerken", "bert")  # inside one
    assert project.document_progress() == {1: (2, len(segs), 2)}


def test_search_snippets_mark_words_and_lemma_matches(project: Project) -> None:
    from wijkverhalen.snippets import match_spans, snippet_parts

    [hit] = project.search("hielpen")
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
    a = project.add_coding(1, start, end, "relaties.vertrouwen", "anna")
    b = project.add_coding(1, 0, 5, "netwerken", "anna")
    by_id = {p.coding.id: p for p in project.passages_for([b.id, a.id, a.id])}
    assert set(by_id) == {a.id, b.id}
    assert by_id[a.id] == project.passages("relaties.vertrouwen")[0]
    assert project.passages_for([]) == []
