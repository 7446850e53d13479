"""Writing a document into the store: its row, its text pages, segments and search rows.

Every import path (files, a REFI-QDA project) writes a document through these
functions inside the caller's transaction: :func:`insert_document` for its row,
:func:`write_segments` for the rows derived from it. A long text takes the
streaming path (:func:`insert_streamed`): its sentences are written as they are
made and its row last (:func:`row_written_last`), so they are never all in memory.
The part that owns documents, undo and the reading side is :mod:`.documents`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from ..models import ParsedDocument, Sentence
from .oplog import now
from .schema import CHUNK

# Sentences written per statement: a batch is all of them that is alive at once.
SENTENCE_BATCH = 500


# Page cache while one import writes (KiB). The project's 32 MiB cache speeds up reading,
# but a write transaction fills it with its own dirty pages: a whole 4 MB text (its
# row, text pages, sentences, search index) is about 25 MB of pages, six times the
# text. Pages past this much go to the WAL file, where they would go at commit anyway.
IMPORT_CACHE_KIB = 1024


@contextmanager
def small_page_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """Keep SQLite's page cache to ``IMPORT_CACHE_KIB`` inside a bulk write, then restore it."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


# A text is encoded to UTF-8 this many code points at a time (for its digest and for
# writing it into its row), never whole: a whole copy is another 1-4x the text.
TEXT_SLICE = 1 << 16


def utf8_slices(text: str) -> Iterator[bytes]:
    """``text`` encoded as UTF-8, a slice of ``TEXT_SLICE`` code points at a time."""
    for pos in range(0, len(text), TEXT_SLICE):
        yield text[pos:pos + TEXT_SLICE].encode("utf-8")


def text_sha256(text: str) -> str:
    digest = hashlib.sha256()
    for piece in utf8_slices(text):
        digest.update(piece)
    return digest.hexdigest()


def lemma_words(lemmas: str) -> int:
    """Words of a sentence, counted from its lemmas (speaker labels are not words)."""
    return lemmas.count(" ") + 1 if lemmas else 0


class CountedSentences:
    """Sentences made while the store writes them, counting their words as they pass.

    A document whose sentences come as one of these is written sentences first and
    its row last, once its word count is known, so its sentences are never all in
    memory (issue 11: a long text as Python objects is about twice its size).
    """

    def __init__(self, sentences: Iterable[Sentence] | Iterable[tuple[int, int, int, str]]) -> None:
        self._sentences: Iterator[Sentence] = iter(sentences)  # type: ignore[arg-type]  # plain rows too
        self.words = 0

    def __iter__(self) -> Iterator[Sentence]:
        for sentence in self._sentences:
            self.words += lemma_words(sentence[3])
            yield sentence


@dataclass(frozen=True)
class DocumentInput:
    """A parsed document with its sentences and attributes, ready to store.

    ``sentences`` is a list, or :class:`CountedSentences` made while they are
    written (``word_count`` is then read from it: see :attr:`words`).
    """

    parsed: ParsedDocument
    sentences: Sequence[Sentence] | CountedSentences
    word_count: int
    attributes: dict[str, str]

    @property
    def words(self) -> int:
        """The word count stored (for streamed sentences, known once they are written)."""
        return self.sentences.words if isinstance(self.sentences, CountedSentences) else self.word_count


def insert_streamed(conn: sqlite3.Connection, name: str, parsed: ParsedDocument, sha: str,
                    sentences: CountedSentences) -> int:
    """Write a document's sentences as they are made, then its row with their word count."""
    with row_written_last(conn) as doc_id:
        write_segments(conn, doc_id, parsed, sentences)
        insert_document(conn, name, parsed.text, sha, parsed.source_path, parsed.format, sentences.words,
                        document_id=doc_id)
    return doc_id


@contextmanager
def row_written_last(conn: sqlite3.Connection) -> Iterator[int]:
    """The id the next document row will have, with foreign keys waiting for that row.

    Inside, a document's derived rows are written before its own row: its words are
    counted from its sentences, and SQLite's copies of the text while the row is
    inserted are made after segmenting, not kept (unused) under it. The id is what
    SQLite would give the row; the row must be written inside, in this transaction.
    """
    doc_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM documents").fetchone()[0])
    conn.execute("PRAGMA defer_foreign_keys = ON")
    try:
        yield doc_id
    finally:
        conn.execute("PRAGMA defer_foreign_keys = OFF")


def insert_document(conn: sqlite3.Connection, name: str, text: str, sha: str, source_path: str, fmt: str,
                    word_count: int, *, guid: str | None = None, imported_at: str | None = None,
                    memo: str = "", document_id: int | None = None) -> int:
    """Insert one document row (inside the caller's transaction); returns its id.

    Its derived rows come from :func:`write_segments`; every import path uses both.

    The text is not bound as one value: sqlite3 would keep a UTF-8 copy on the
    string for as long as it lives and SQLite would copy it again (about 3x the
    text). The row gets a text of zeros of the right length in bytes, which
    incremental blob I/O (no trigger fires) overwrites a slice at a time.
    """
    # Our project files are UTF-8 (SQLite's default); bytes would be misread in any other.
    utf8 = conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
    cur = conn.execute(
        "INSERT INTO documents (id, guid, name, text, sha256, source_path, format, imported_at,"
        " word_count, memo) VALUES (?, ?, ?, " + ("CAST(zeroblob(?) AS TEXT)" if utf8 else "?")
        + ", ?, ?, ?, ?, ?, ?)",
        (document_id, guid or str(uuid.uuid4()).upper(), name,
         sum(map(len, utf8_slices(text))) if utf8 else text,
         sha, source_path, fmt, imported_at or now(), word_count, memo),
    )
    doc_id = int(cur.lastrowid or 0)
    if utf8 and text:
        with conn.blobopen("documents", "text", doc_id) as blob:
            for piece in utf8_slices(text):
                blob.write(piece)
    return doc_id


def write_segments(conn: sqlite3.Connection, doc_id: int, parsed: ParsedDocument, sentences: Iterable[Sentence]) -> None:
    """Write the derived rows of a document: text pages, turns, sentences, FTS.

    Rows are made as they are written and sentences are taken a batch at a time,
    so ``sentences`` may be a generator (the REFI-QDA import segments while it
    writes) and no list of rows ever holds a copy of the text.
    """
    text = parsed.text
    conn.executemany(
        "INSERT INTO text_chunks (document_id, idx, text) VALUES (?, ?, ?)",
        ((doc_id, i, text[pos:pos + CHUNK]) for i, pos in enumerate(range(0, len(text), CHUNK))),
    )
    conn.executemany(
        'INSERT INTO segments (document_id, kind, idx, start, "end", speaker, turn_idx, lemmas)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((doc_id, "turn", i, t.start, t.end, t.speaker, i, "") for i, t in enumerate(parsed.turns)),
    )
    speakers = [t.speaker for t in parsed.turns]
    n_turns = len(speakers)
    first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM segments").fetchone()[0]
    # Sentences may arrive as plain (start, end, turn_index, lemmas) tuples.
    numbered = enumerate(sentences)
    while batch := list(islice(numbered, SENTENCE_BATCH)):
        conn.executemany(
            'INSERT INTO segments (id, document_id, kind, idx, start, "end", speaker, turn_idx, lemmas)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((first + i, doc_id, "sentence", i, start, end, speakers[turn] if turn < n_turns else None,
              turn, lemmas) for i, (start, end, turn, lemmas) in batch),
        )
        conn.executemany(
            "INSERT INTO segments_fts (rowid, text, lemmas) VALUES (?, ?, ?)",
            ((first + i, text[start:end], lemmas) for i, (start, end, _, lemmas) in batch),
        )
