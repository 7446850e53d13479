"""Store support for exchange with other software: pseudonyms, users and bulk import.

Three things the exporters and the REFI-QDA importer need from the project file:

* the **pseudonym table** (AVG): full names with the pseudonym that replaces them in
  every export (``--pseudonymise``); edits are undoable like any other change;
* the **users table**: coder name -> REFI-QDA user GUID, so a colleague's user keeps
  its GUID when a project goes to ATLAS.ti or NVivo and comes back;
* **bulk import** of a whole exchange project (documents with given GUIDs, codes,
  codings with their own GUID, coder and timestamps, cases) in one transaction as
  one undoable operation, as :meth:`Documents.add` does: the new
  documents as a document set (their ids only), the codes, codings, cases and case
  links it wrote as row images. Undo removes exactly what the import added.

Migration 3 (:mod:`.migrations`) adds the two tables.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, InvalidInput, NotFound
from ..models import Code, ParsedDocument, Sentence
from . import oplog
from .base import Core, Part
from .codes import COLOR_RE, ID_RE, code_guid
from .document_writes import (
    insert_document,
    row_written_last,
    small_page_cache,
    text_sha256,
    write_segments,
)
from .documents import Documents
from .history import History
from .merge import Merger, MergeReport
from .oplog import now

oplog.register_tracked_table("pseudonyms", ("name",))

# User GUIDs are derived from the coder's name unless the users table says otherwise,
# so two exports of one project agree without ever writing to it.
_USER_NAMESPACE = uuid.UUID("0b6f3c1e-7d4a-4f0e-9a61-3c2e5b8d9f10")


def user_guid(name: str) -> str:
    return str(uuid.uuid5(_USER_NAMESPACE, name)).upper()


@dataclass(frozen=True)
class Pseudonym:
    """A full name and the pseudonym that replaces it in exports."""

    name: str
    pseudonym: str


@dataclass(frozen=True)
class PseudonymImport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExchangeCode:
    """A code to import with the GUID it has in the exchange file."""

    code: Code
    guid: str


@dataclass(frozen=True)
class ExchangeDocument:
    """A text source to import; ``key`` links codings and cases to it."""

    key: str
    guid: str
    name: str
    text: str
    format: str
    source_path: str
    turns: tuple[Any, ...]
    sentences: Sequence[Sentence]
    word_count: int
    memo: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    imported_at: str | None = None


# A document -> its word count, and what makes its turns and its sentences (a list or a
# generator), called once the document's row is written.
Segmenter = Callable[[ExchangeDocument],
                     tuple[int, Callable[[], tuple[Sequence[Any], Iterable[Sentence]]]]]


@dataclass(frozen=True)
class ExchangeCoding:
    guid: str
    document_key: str
    start: int
    end: int
    code_id: str
    coder: str
    memo: str = ""
    valence: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class ExchangeCase:
    guid: str
    name: str
    memo: str = ""
    document_keys: tuple[str, ...] = ()


@dataclass
class ExchangeResult:
    """What :meth:`Exchange.import_project` wrote (or matched)."""

    documents: dict[str, int] = field(default_factory=dict)  # key -> document id
    new_documents: list[str] = field(default_factory=list)
    new_document_ids: list[int] = field(default_factory=list)
    matched_documents: list[tuple[str, str]] = field(default_factory=list)  # (name, existing)
    codes_added: list[str] = field(default_factory=list)
    codes_existing: list[str] = field(default_factory=list)
    codings: int = 0
    duplicate_codings: int = 0
    cases: int = 0
    users: int = 0
    memos: int = 0  # document and coding memos written
    attributes: int = 0  # attribute values written


class Exchange(Part):
    """``project.exchange``: pseudonyms, GUIDs, REFI-QDA import and merging another project file."""

    def __init__(self, core: Core, history: History, documents: Documents, merger: Merger) -> None:
        super().__init__(core, history)
        self.documents = documents
        self.merger = merger

    # -- pseudonyms (undoable) -------------------------------------------------
    def pseudonyms(self) -> list[Pseudonym]:
        return [Pseudonym(r[0], r[1]) for r in self.conn.execute(
            "SELECT name, pseudonym FROM pseudonyms ORDER BY name COLLATE NOCASE")]

    @staticmethod
    def _check_pseudonym(name: str, pseudonym: str, *, line: int | None = None,
                         path: str | None = None) -> tuple[str, str]:
        name, pseudonym = " ".join(name.split()), " ".join(pseudonym.split())
        error = DataError if line is not None else InvalidInput
        if not name:
            raise error("the name to replace is empty", path=path, line=line)
        if not pseudonym:
            raise error(f"the pseudonym for '{name}' is empty", path=path, line=line)
        if name.casefold() == pseudonym.casefold():
            raise error(f"'{name}' would be replaced by itself", path=path, line=line)
        return name, pseudonym

    def add_pseudonym(self, name: str, pseudonym: str, coder: str) -> bool:
        """Add (or change) the pseudonym of ``name``; True if it replaced an old one."""
        name, pseudonym = self._check_pseudonym(name, pseudonym)
        result = self.import_pseudonyms([(name, pseudonym)], coder, label=f"pseudonym for {name}")
        return bool(result.changed)

    def import_pseudonyms(self, pairs: Iterable[tuple[str, str]], coder: str,
                          label: str = "import pseudonyms") -> PseudonymImport:
        """Add or change many pseudonyms as one undoable operation."""
        added: list[str] = []
        changed: list[str] = []
        unchanged: list[str] = []
        with self.operation(coder, label) as op:
            for raw_name, raw_pseudonym in pairs:
                name, pseudonym = self._check_pseudonym(raw_name, raw_pseudonym)
                row = self.conn.execute(
                    "SELECT name, pseudonym FROM pseudonyms WHERE name = ?", (name,)).fetchone()
                if row is None:
                    op.insert("pseudonyms", {"name": name, "pseudonym": pseudonym, "created_at": now()})
                    added.append(name)
                elif row[1] != pseudonym:
                    op.update("pseudonyms", {"name": row[0]}, {"pseudonym": pseudonym})
                    changed.append(name)
                else:
                    unchanged.append(name)
        return PseudonymImport(tuple(added), tuple(changed), tuple(unchanged))

    def remove_pseudonym(self, name: str, coder: str) -> Pseudonym:
        row = self.conn.execute(
            "SELECT name, pseudonym FROM pseudonyms WHERE name = ?", (" ".join(name.split()),)).fetchone()
        if row is None:
            raise NotFound(f"no pseudonym for '{name}' (see 'wijkverhalen pseudonyms list')")
        with self.operation(coder, f"remove pseudonym for {row[0]}") as op:
            op.delete("pseudonyms", {"name": row[0]})
        return Pseudonym(row[0], row[1])

    # -- users ---------------------------------------------------------------------
    def user_guids(self) -> dict[str, str]:
        """Coder name -> REFI-QDA GUID for every coder and stored user."""
        stored = dict(self.conn.execute("SELECT name, guid FROM users"))
        coders = [r[0] for r in self.conn.execute("SELECT DISTINCT coder FROM codings")]
        return {name: stored.get(name) or user_guid(name) for name in sorted({*stored, *coders})}

    # -- bulk reads for exporters ---------------------------------------------------
    # -- bulk import ------------------------------------------------------------------
    def import_project(self, *, codes: Sequence[ExchangeCode], documents: Sequence[ExchangeDocument],
                       codings: Sequence[ExchangeCoding], cases: Sequence[ExchangeCase] = (),
                       users: dict[str, str] | None = None, coder: str, label: str,
                       segment: Segmenter | None = None) -> ExchangeResult:
        """Write an exchange project in one transaction as one undoable operation.

        ``segment``, when given, is asked for the word count, and then the turns and
        sentences, of each new document as it is written (a document already in the
        project is never segmented); its sentences may be a generator, written as
        they come, so one document's sentences at most are ever in memory.

        Codes whose id exists are kept as they are; documents whose text is already in
        the project are matched to it; codings identical to an existing one (same
        span, code and coder) or with a GUID already used are counted, not doubled.
        Undo takes away what the import added (codings, case links, documents, cases,
        codes) and nothing that was there before; the user GUIDs it learnt stay.
        """
        result = ExchangeResult()
        with self.transaction(), small_page_cache(self.conn):
            added_codes, added_cases, links = (oplog.Recorder(self.conn) for _ in range(3))
            self._import_codes(codes, result, added_codes)
            self._import_documents(documents, result, segment)
            coding_images = self._import_codings(codings, result, documents)
            self._import_cases(cases, result, added_cases, links)
            for name, guid in (users or {}).items():
                cur = self.conn.execute("INSERT OR IGNORE INTO users (name, guid) VALUES (?, ?)",
                                        (name, guid.upper()))
                if cur.rowcount:
                    result.users += 1
            summary = (f"{label}: {len(result.new_documents)} document(s), {len(result.codes_added)} code(s),"
                       f" {result.codings} coding(s)")
            # Redo runs in this order and undo backwards: codes and cases exist before the
            # documents and codings that use them, and leave after them.
            changes = [*added_codes.changes, *added_cases.changes]
            if result.new_document_ids:
                changes.append({"docs": result.new_document_ids, "present": True, "rows": None})
            changes += [*coding_images, *links.changes]
            if changes:
                oplog.save_import(self.conn, None, coder, summary, changes)
            else:  # nothing new: an audit entry, nothing to undo
                oplog.save_audit(self.conn, coder, summary)
        return result

    def _import_codes(self, codes: Sequence[ExchangeCode], result: ExchangeResult,
                      rec: oplog.Recorder) -> None:
        used_guids = {r[0] for r in self.conn.execute("SELECT guid FROM codes")}
        for item in codes:  # parents first
            code = item.code
            if not ID_RE.match(code.id):
                raise InvalidInput(f"code id '{code.id}' is not a valid id")
            if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code.id,)).fetchone():
                result.codes_existing.append(code.id)
                continue
            guid = item.guid.strip("{}").upper()
            if guid in used_guids:
                guid = code_guid(code.id)
            color = code.color if COLOR_RE.match(code.color) else "#888888"
            rec.insert("codes", {
                "id": code.id, "guid": guid, "parent_id": code.parent_id, "position": code.position,
                "label": code.label, "gloss": code.gloss, "definition": code.definition,
                "include": code.include, "exclude": code.exclude, "example": code.example,
                "color": color, "keywords": json.dumps(list(code.keywords), ensure_ascii=False),
                "indicators": json.dumps([asdict(i) for i in code.indicators], ensure_ascii=False),
                "actors": json.dumps(list(code.actors), ensure_ascii=False), "memo": code.memo,
                "source": code.source, "valence_meaning": code.valence})
            used_guids.add(guid)
            result.codes_added.append(code.id)

    def _import_documents(self, documents: Sequence[ExchangeDocument], result: ExchangeResult,
                          segment: Segmenter | None) -> None:
        used_guids = {r[0] for r in self.conn.execute("SELECT guid FROM documents")}
        unique_name = self.documents.unique_name
        attribute_rows: list[tuple[int, str, str]] = []
        for doc in documents:
            sha = text_sha256(doc.text)
            row = self.conn.execute("SELECT id, name FROM documents WHERE sha256 = ?", (sha,)).fetchone()
            if row is not None:
                result.documents[doc.key] = int(row[0])
                result.matched_documents.append((doc.name, row[1]))
                continue
            guid = doc.guid.strip("{}").upper()
            if not guid or guid in used_guids:
                guid = str(uuid.uuid4()).upper()
            name = unique_name(doc.name)
            words, segments = segment(doc) if segment is not None else \
                (doc.word_count, lambda doc=doc: (doc.turns, doc.sentences))
            # Segmented and written first, its row last (the import's peak memory is
            # SQLite copying the text into the row, best done when nothing else is alive).
            with row_written_last(self.conn) as doc_id:
                turns, sentences = segments()
                parsed = ParsedDocument(name=name, text=doc.text, format=doc.format,
                                        source_path=doc.source_path, turns=tuple(turns))
                write_segments(self.conn, doc_id, parsed, sentences)
                del turns, sentences, parsed
                insert_document(
                    self.conn, name, doc.text, sha, doc.source_path, doc.format, words, guid=guid,
                    imported_at=doc.imported_at or None, memo=doc.memo, document_id=doc_id)
            used_guids.add(guid)
            attribute_rows.extend((doc_id, k, str(v)) for k, v in doc.attributes.items() if str(v) != "")
            result.memos += bool(doc.memo)
            result.documents[doc.key] = doc_id
            result.new_documents.append(name)
            result.new_document_ids.append(doc_id)
        self.conn.executemany(
            "INSERT OR IGNORE INTO attributes (document_id, name, value) VALUES (?, ?, ?)", attribute_rows)
        result.attributes = len(attribute_rows)

    def _import_codings(self, codings: Sequence[ExchangeCoding], result: ExchangeResult,
                        documents: Sequence[ExchangeDocument]) -> list[dict[str, Any]]:
        """Insert the codings in one statement; returns their row images for the log."""
        used_guids = {r[0] for r in self.conn.execute("SELECT guid FROM codings")}
        existing = {tuple(r) for r in self.conn.execute(
            'SELECT document_id, start, "end", code_id, coder FROM codings')}
        # A matched document has the same text: its length is the one in the file. (SQL's
        # length(text) would read every text of the project, each whole, into memory.)
        lengths = {result.documents[d.key]: len(d.text) for d in documents if d.key in result.documents}
        rows: list[tuple[Any, ...]] = []
        ts = now()
        for c in codings:
            doc_id = result.documents.get(c.document_key)
            if doc_id is None:
                continue
            if not (0 <= c.start < c.end <= lengths[doc_id]):
                raise InvalidInput(f"coding {c.guid} span {c.start}-{c.end} is outside its document")
            key = (doc_id, c.start, c.end, c.code_id, c.coder)
            guid = c.guid.strip("{}").upper()
            if key in existing:
                result.duplicate_codings += 1
                continue
            if not guid or guid in used_guids:
                guid = str(uuid.uuid4()).upper()
            existing.add(key)
            used_guids.add(guid)
            created = c.created_at or ts
            rows.append((guid, doc_id, c.start, c.end, c.code_id, c.coder, c.memo, c.valence, created,
                         c.updated_at or created))
        first = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM codings").fetchone()[0]
        self.conn.executemany(
            'INSERT INTO codings (guid, document_id, start, "end", code_id, coder, memo, valence,'
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        result.codings = len(rows)
        result.memos += sum(1 for r in rows if r[6])
        cursor = self.conn.execute("SELECT * FROM codings WHERE id > ? ORDER BY id", (first,))
        names = [d[0] for d in cursor.description]
        return [{"t": "codings", "pk": {"id": row[0]}, "before": None,
                 "after": dict(zip(names, row, strict=True))} for row in cursor]

    def _import_cases(self, cases: Sequence[ExchangeCase], result: ExchangeResult,
                      rec: oplog.Recorder, links: oplog.Recorder) -> None:
        for case in cases:
            row = self.conn.execute("SELECT id FROM cases WHERE name = ?", (case.name,)).fetchone()
            if row is None:
                guid = case.guid.strip("{}").upper()
                if not guid or self.conn.execute("SELECT 1 FROM cases WHERE guid = ?", (guid,)).fetchone():
                    guid = str(uuid.uuid4()).upper()
                case_id = rec.insert("cases", {"guid": guid, "name": case.name, "memo": case.memo})
                result.cases += 1
            else:
                case_id = row[0]
            for doc_id in dict.fromkeys(result.documents[k] for k in case.document_keys
                                        if k in result.documents):
                if not self.conn.execute("SELECT 1 FROM case_documents WHERE case_id = ? AND document_id = ?",
                                         (case_id, doc_id)).fetchone():
                    links.insert("case_documents", {"case_id": case_id, "document_id": doc_id})

    # -- merge -------------------------------------------------------------------------
    def merge_from(self, source: str | Path, coder: str) -> MergeReport:
        """Merge the project file ``source`` into this one as one undoable operation."""
        return self.merger.merge_from(source, coder)
