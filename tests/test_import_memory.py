"""A long file imports within a few times its text, with the same rows (issue 11: ~5x).

The figures are measured in bench/bench_refi_bombs.py (case file4); these tests check
what keeps them there and that nothing it changes shows in the project: a text over
``importing.STREAM_CHARS`` is segmented while the store writes it (its sentences never
all in memory) and gives exactly the rows of the text segmented first; a document's
text goes into its row a UTF-8 slice at a time, never bound whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sample import SAMPLE_CODES, sample_input

from wijkverhalen import importing, nlp
from wijkverhalen.models import Sentence, Turn
from wijkverhalen.store import Project
from wijkverhalen.store import documents as store_documents

# Turns, a paragraph hard-wrapped over lines, accents, an emoji (4 bytes of UTF-8),
# a title line, and enough of it to make many sentence batches.
LONG_TEXT = "Gesprek in Bospolder\n" + "\n\n".join(
    f"I: Vraag {i} over de wijk? En over de buren.\n\n"
    f"R: We hielpen {i} keer met boodschappen 🙂 voor het café, en de\n"
    f"gemeente kwam later. Eén ruïne stond er nog. Geïnterviewd op dag {i}!"
    for i in range(60)) + "\n"


def _rows(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import writes for its documents, in a comparable form."""
    conn = project.conn
    return {
        "documents": conn.execute(
            "SELECT id, name, text, sha256, format, word_count, memo, typeof(text), length(text)"
            " FROM documents ORDER BY id").fetchall(),
        "segments": conn.execute(
            'SELECT id, document_id, kind, idx, start, "end", speaker, turn_idx, lemmas FROM segments'
            " ORDER BY id").fetchall(),
        "text_chunks": conn.execute("SELECT document_id, idx, text FROM text_chunks ORDER BY 1, 2").fetchall(),
        "attributes": conn.execute("SELECT * FROM attributes ORDER BY 1, 2").fetchall(),
        # The contentless index answers for the words and the lemmas of the rows written.
        "fts": conn.execute("SELECT rowid FROM segments_fts WHERE segments_fts MATCH 'buren OR boodschap OR ruine'"
                            " ORDER BY rowid").fetchall(),
    }


def _import(tmp_path: Path, name: str, files: list[Path]) -> tuple[importing.ImportReport, dict[str, Any]]:
    with Project.create(tmp_path / f"{name}.wijk", coder="t") as project:
        report = importing.import_paths(project, files, "t", workers=1)
        return report, _rows(project)


def test_a_long_text_streamed_into_the_store_gives_the_rows_of_a_text_segmented_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    short = "I: Kort gesprek.\nR: Ja, de buren hielpen.\n"
    files = [folder / "a-kort.txt", folder / "b-lang.txt", folder / "c-kort.txt"]
    for path, text in zip(files, [short, LONG_TEXT, short.replace("Kort", "Ander")], strict=True):
        path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(importing, "STREAM_CHARS", 10**9)  # every text segmented before writing
    before_report, before = _import(tmp_path, "before", [folder])

    monkeypatch.setattr(importing, "STREAM_CHARS", len(short) + 1)  # only the long text streamed
    monkeypatch.setattr(store_documents, "SENTENCE_BATCH", 7)
    projects: list[Project] = []
    streamed: list[int] = []
    original_insert = store_documents.DocumentsMixin._insert_streamed
    original_iter = nlp.iter_sentences

    def insert(self: Project, *args: Any) -> int:
        projects.append(self)
        return original_insert(self, *args)

    def watched(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[Sentence]:
        for sentence in original_iter(text, turns, model):
            if projects:  # sentences the store already holds while spaCy makes this one
                streamed.append(projects[0].conn.execute(
                    "SELECT count(*) FROM segments WHERE kind = 'sentence'").fetchone()[0])
            yield sentence

    monkeypatch.setattr(store_documents.DocumentsMixin, "_insert_streamed", insert)
    monkeypatch.setattr(nlp, "iter_sentences", watched)
    after_report, after = _import(tmp_path, "after", [folder])

    assert len(projects) == 1  # the long text, and only it, went the streaming way
    long_sentences = [r for r in before["segments"] if r[1] == 2 and r[2] == "sentence"]
    assert len(long_sentences) > 200
    # The store wrote the long text's sentences batch by batch while spaCy made them.
    assert streamed[-1] >= len(long_sentences) - 7 > 0
    assert after == before
    assert after_report.words == before_report.words > 0
    assert [n for n, _ in after_report.imported] == [n for n, _ in before_report.imported] == \
        ["a-kort", "b-lang", "c-kort"]
    # One import, one undo step: undo removes all three documents.
    with Project.open(tmp_path / "after.wijk") as project:
        project.undo(coder="t")
        assert project.documents() == []


def test_a_failure_of_spacy_on_a_streamed_text_fails_that_file_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Kort.\nR: Ja.\n", encoding="utf-8")
    (folder / "b.txt").write_text(LONG_TEXT, encoding="utf-8")
    monkeypatch.setattr(importing, "STREAM_CHARS", 100)
    original_iter = nlp.iter_sentences

    def failing(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[Sentence]:
        for n, sentence in enumerate(original_iter(text, turns, model)):
            if n == 50:
                raise ValueError("spaCy broke")
            yield sentence

    monkeypatch.setattr(nlp, "iter_sentences", failing)
    with Project.create(tmp_path / "p.wijk", coder="t") as project:
        report = importing.import_paths(project, [folder], "t", workers=1)
        assert [n for n, _ in report.imported] == ["a"]
        assert [Path(f).name for f, _ in report.failed] == ["b.txt"]
        assert "ValueError: spaCy broke" in report.failed[0][1]
        # Nothing of the failed text is left behind (its rows were written before it failed).
        assert project.conn.execute("SELECT count(DISTINCT document_id) FROM segments").fetchone()[0] == 1
        assert project.conn.execute("SELECT count(*) FROM text_chunks WHERE document_id NOT IN"
                                    " (SELECT id FROM documents)").fetchone()[0] == 0


def test_a_text_goes_into_its_row_in_utf8_slices_never_bound_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Slices of 7 code points: the emoji and accents straddle slice edges.
    monkeypatch.setattr(store_documents, "TEXT_SLICE", 7)
    text = "I: Café 🙂 één 中文 ruïne?\nR: Ja. 𝄞 Geïnterviewd 🙂🙂 daarna.\n"
    statements: list[str] = []
    with Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES, coder="t") as project:
        project.conn.set_trace_callback(statements.append)
        [(_, doc_id, _)] = project.add_documents([sample_input(text)], "t")
        project.conn.set_trace_callback(None)
        assert doc_id is not None
        assert project.document_text(doc_id) == text
        assert project.conn.execute("SELECT typeof(text), length(text), sha256 FROM documents").fetchone() == \
            ("text", len(text), hashlib.sha256(text.encode("utf-8")).hexdigest())
        assert store_documents.text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
        # Retrieval reads the text's pages: the same text, cut where the store cuts it.
        assert "".join(r[0] for r in project.conn.execute(
            "SELECT text FROM text_chunks WHERE document_id = ? ORDER BY idx", (doc_id,))) == text
    # Bound as one value, the whole text would show in the statement SQLite ran (and be
    # copied twice more: sqlite3's UTF-8 copy kept on the string, SQLite's own).
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO DOCUMENTS")]
    assert len(inserts) == 1
    assert "Café" not in inserts[0] and "zeroblob" in inserts[0]
