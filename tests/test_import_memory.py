"""A long file imports within a few times its text, with the same rows (issue 11: ~5x).

The figures are measured in bench/bench_refi_bombs.py (case file4); these tests check
what keeps them there and that nothing it changes shows in the project: a text over
``importing.STREAM_CHARS`` is segmented while the store writes it (its sentences never
all in memory) and gives exactly the rows of the text segmented first; a document's
text goes into its row a UTF-8 slice at a time, never bound whole; a text without line
breaks is cut into spaCy's chunks in place, into exactly the chunks of before.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sample import SAMPLE_CODES, sample_input

from wijkverhalen import importing, nlp
from wijkverhalen.models import Turn
from wijkverhalen.store import Project, document_writes

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
    monkeypatch.setattr(document_writes, "SENTENCE_BATCH", 7)
    connections: list[sqlite3.Connection] = []
    streamed: list[int] = []
    original_insert = document_writes.insert_streamed
    original_rows = nlp.sentence_rows

    def insert(conn: sqlite3.Connection, *args: Any) -> int:
        connections.append(conn)
        return original_insert(conn, *args)

    def watched(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[tuple[Any, ...]]:
        for sentence in original_rows(text, turns, model):
            if connections:  # sentences the store already holds while spaCy makes this one
                streamed.append(connections[0].execute(
                    "SELECT count(*) FROM segments WHERE kind = 'sentence'").fetchone()[0])
            yield sentence

    monkeypatch.setattr(document_writes, "insert_streamed", insert)
    monkeypatch.setattr(nlp, "sentence_rows", watched)
    after_report, after = _import(tmp_path, "after", [folder])

    assert len(connections) == 1  # the long text, and only it, went the streaming way
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
        project.history.undo(coder="t")
        assert project.documents.all() == []


def test_a_failure_of_spacy_on_a_streamed_text_fails_that_file_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Kort.\nR: Ja.\n", encoding="utf-8")
    (folder / "b.txt").write_text(LONG_TEXT, encoding="utf-8")
    monkeypatch.setattr(importing, "STREAM_CHARS", 100)
    original_rows = nlp.sentence_rows

    def failing(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[tuple[Any, ...]]:
        for n, sentence in enumerate(original_rows(text, turns, model)):
            if n == 50:
                raise ValueError("spaCy broke")
            yield sentence

    monkeypatch.setattr(nlp, "sentence_rows", failing)
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
    monkeypatch.setattr(document_writes, "TEXT_SLICE", 7)
    text = "I: Café 🙂 één 中文 ruïne?\nR: Ja. 𝄞 Geïnterviewd 🙂🙂 daarna.\n"
    statements: list[str] = []
    with Project.create(tmp_path / "p.wijk", codes=SAMPLE_CODES, coder="t") as project:
        project.conn.set_trace_callback(statements.append)
        [(_, doc_id, _)] = project.documents.add([sample_input(text)], "t")
        project.conn.set_trace_callback(None)
        assert doc_id is not None
        assert project.documents.text(doc_id) == text
        assert project.conn.execute("SELECT typeof(text), length(text), sha256 FROM documents").fetchone() == \
            ("text", len(text), hashlib.sha256(text.encode("utf-8")).hexdigest())
        assert document_writes.text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
        # Retrieval reads the text's pages: the same text, cut where the store cuts it.
        assert "".join(r[0] for r in project.conn.execute(
            "SELECT text FROM text_chunks WHERE document_id = ? ORDER BY idx", (doc_id,))) == text
    # Bound as one value, the whole text would show in the statement SQLite ran (and be
    # copied twice more: sqlite3's UTF-8 copy kept on the string, SQLite's own).
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO DOCUMENTS")]
    assert len(inserts) == 1
    assert "Café" not in inserts[0] and "zeroblob" in inserts[0]


# -- the chunking of long texts (nlp._line_chunks) ------------------------------------------

def _line_chunks_copying(text: str, start: int, end: int, max_chunk: int) -> list[tuple[int, str]]:
    """The blocks as nlp cut them before issue 11's last round: by copies of each line and block."""
    out: list[tuple[int, str]] = []

    def pieces(block_start: int, block_end: int) -> None:
        block = text[block_start:block_end]
        stripped = block.strip()
        offset = block_start + len(block) - len(block.lstrip())
        while len(stripped) > max_chunk:
            cut = stripped.rfind(" ", 0, max_chunk)
            cut = cut if cut > 0 else max_chunk
            out.append((offset, stripped[:cut]))
            rest = stripped[cut:]
            offset += cut + len(rest) - len(rest.lstrip())
            stripped = rest.strip()
        if stripped:
            out.append((offset, stripped))

    def starts_upper(pos: int) -> bool:
        nl = text.find("\n", pos, end)
        return text[pos:end if nl == -1 else nl].lstrip()[:1].isupper()

    pos = start
    first = re.search(r"\S", text)
    first_line = text.rfind("\n", 0, first.start()) + 1 if first else -1
    block_start: int | None = None
    block_end = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        line = text[pos:line_end]
        if line.strip():
            if block_start is None:
                block_start = pos
            block_end = line_end
            closes = re.search(r"""[.!?…:;]["'”’)\]]*\s*$""", line) is not None or (
                pos == first_line and starts_upper(line_end + 1))
        else:
            closes = True
        if (closes or nl == -1) and block_start is not None:
            pieces(block_start, block_end)
            block_start = None
        if nl == -1:
            break
        pos = line_end + 1
    return out


# Letters, capitals, spaces of several kinds (no-break, em, tab, the ASCII separators that
# str.isspace() counts), line breaks and the punctuation that ends a sentence or a line.
_ALPHABET = "ab Zé\u00a0\u2003\t\x1c\n\n.?:;\"')…"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=120), max_chunk=st.integers(1, 12),
       edges=st.tuples(st.integers(0, 130), st.integers(0, 130)))
def test_long_lines_are_cut_in_place_into_the_same_chunks(text: str, max_chunk: int, edges: tuple[int, int]) -> None:
    start, end = sorted(min(e, len(text)) for e in edges)
    original = nlp.MAX_CHUNK
    nlp.MAX_CHUNK = max_chunk  # a small chunk size, so that most lines are cut
    try:
        assert list(nlp._line_chunks(text, start, end)) == _line_chunks_copying(text, start, end, max_chunk)
    finally:
        nlp.MAX_CHUNK = original


def test_a_text_without_line_breaks_is_cut_without_copies_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "MAX_CHUNK", 1000)
    text = " ".join(["Eén lange regel over de buren, zonder een regeleinde."] * 20_000) + "  \n"
    tracemalloc.start()
    try:
        pieces = 0
        for offset, chunk in nlp._line_chunks(text, 0, len(text)):
            assert text[offset:offset + len(chunk)] == chunk and len(chunk) <= 1000
            pieces += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pieces > 1000
    # A piece at a time (and the regex's small state), never the line or the block.
    assert peak < len(text) // 20

