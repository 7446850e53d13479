"""Documents, their derived segments, attributes, cases and document memos.

How a document's rows are written (its row, text pages, segments, search rows, and
the streaming path of a long text) is :mod:`.document_writes`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidInput, NotFound
from ..models import Document, ParsedDocument, Segment, Sentence
from ..models.areas import area_key
from . import document_writes, oplog
from .base import Part
from .document_writes import CountedSentences, DocumentInput, small_page_cache, text_sha256
from .schema import marks


@dataclass
class ImportLog:
    """The one undoable operation of an import that writes several batches.

    Only document ids go into the log (and the row images of cases the import
    created), never the texts: undo captures the documents when it removes them.
    """

    op_id: int | None = None
    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)

    def label(self) -> str:
        shown = ", ".join(self.names[:5]) + (" ..." if len(self.names) > 5 else "")
        return f"import {len(self.ids)} document(s): {shown}"

    def changes(self) -> list[dict[str, Any]]:
        # Cases first: undo runs backwards, so the documents leave their cases first.
        return [*self.cases, {"docs": self.ids, "present": True, "rows": None}]


class Documents(Part):
    """``project.documents``: documents, their segments, attributes, cases and memos."""

    # -- import ----------------------------------------------------------------
    def has_sha256(self, sha: str) -> str | None:
        row = self.conn.execute("SELECT name FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        return row[0] if row else None

    def unique_name(self, name: str) -> str:
        candidate, n = name, 2
        while self.conn.execute("SELECT 1 FROM documents WHERE name = ?", (candidate,)).fetchone():
            candidate = f"{name} ({n})"
            n += 1
        return candidate

    def add(self, items: Iterable[DocumentInput], coder: str,
            log: ImportLog | None = None) -> list[tuple[str, int | None, str | None]]:
        """Store documents atomically (all or none of this batch).

        Returns ``(name, document_id, duplicate_of)`` per item: a document whose
        text is already in the project is skipped and names the one it duplicates.
        The batch is one undoable operation, or part of ``log``'s operation when an
        import writes several batches (one import command, one undo step).
        """
        log = log if log is not None else ImportLog()
        results: list[tuple[str, int | None, str | None]] = []
        with self.transaction(), small_page_cache(self.conn):
            for item in items:
                p = item.parsed
                sha = text_sha256(p.text)
                dup = self.has_sha256(sha)
                if dup is not None:
                    results.append((p.name, None, dup))
                    continue
                name = self.unique_name(p.name)
                if isinstance(item.sentences, CountedSentences):
                    doc_id = document_writes.insert_streamed(self.conn, name, p, sha, item.sentences)
                else:
                    doc_id = document_writes.insert_document(
                        self.conn, name, p.text, sha, p.source_path, p.format, item.word_count)
                    document_writes.write_segments(self.conn, doc_id, p, item.sentences)
                self.conn.executemany(
                    "INSERT INTO attributes (document_id, name, value) VALUES (?, ?, ?)",
                    [(doc_id, k, str(v)) for k, v in item.attributes.items() if str(v) != ""],
                )
                case_name = item.attributes.get("casus") or item.attributes.get("case")
                if case_name:
                    created = self._assign_case(doc_id, case_name)
                    if created is not None:
                        log.cases.append(created)
                results.append((name, doc_id, None))
                log.ids.append(doc_id)
                log.names.append(name)
            if log.ids:
                log.op_id = oplog.save_import(self.conn, log.op_id, coder, log.label(), log.changes())
        return results

    def replace_segments(self, document_id: int, parsed: ParsedDocument, sentences: Sequence[Sentence]) -> None:
        """Re-segment a document. Codings are spans and are untouched."""
        with self.transaction():
            text = self.text(document_id)
            old = self.conn.execute(
                'SELECT id, start, "end", lemmas FROM segments WHERE document_id = ? AND kind = \'sentence\'',
                (document_id,)).fetchall()
            # A contentless index forgets a row only when told its exact old values.
            self.conn.executemany(
                "INSERT INTO segments_fts (segments_fts, rowid, text, lemmas) VALUES ('delete', ?, ?, ?)",
                [(i, text[a:b], lemmas) for i, a, b, lemmas in old])
            self.conn.execute("DELETE FROM segments WHERE document_id = ?", (document_id,))
            self.conn.execute("DELETE FROM text_chunks WHERE document_id = ?", (document_id,))
            document_writes.write_segments(self.conn, document_id, parsed, sentences)

    # -- reading -----------------------------------------------------------------
    def _document_from_row(self, row: dict[str, Any]) -> Document:
        return Document(
            id=row["id"], name=row["name"], format=row["format"], source_path=row["source_path"],
            sha256=row["sha256"], imported_at=row["imported_at"], word_count=row["word_count"],
            guid=row["guid"], memo=row["memo"], attributes=self.attributes(row["id"]),
        )

    _DOC_COLS = "id, name, format, source_path, sha256, imported_at, word_count, guid, memo"

    def all(self) -> list[Document]:
        attrs: dict[int, dict[str, str]] = {}
        for doc_id, name, value in self.conn.execute("SELECT document_id, name, value FROM attributes"):
            attrs.setdefault(doc_id, {})[name] = value
        out = []
        for row in self.db.query(f"SELECT {self._DOC_COLS} FROM documents ORDER BY name"):
            out.append(Document(**{**row, "attributes": attrs.get(row["id"], {})}))
        return out

    def get(self, ref: int | str) -> Document:
        """A document by id, exact name, or unambiguous name prefix."""
        doc_id = self.resolve(ref)
        row = next(self.db.query(f"SELECT {self._DOC_COLS} FROM documents WHERE id = ?", (doc_id,)))
        return self._document_from_row(row)

    def resolve(self, ref: int | str) -> int:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = self.conn.execute("SELECT id FROM documents WHERE id = ?", (int(ref),)).fetchone()
            if row:
                return int(row[0])
        ref = str(ref)
        row = self.conn.execute("SELECT id FROM documents WHERE name = ?", (ref,)).fetchone()
        if row:
            return int(row[0])
        rows = self.conn.execute(
            "SELECT id, name FROM documents WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
            (ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        if len(rows) > 1:
            names = ", ".join(r[1] for r in rows[:4])
            raise InvalidInput(f"document '{ref}' is ambiguous: {names}")
        raise NotFound(f"no document '{ref}' (see 'wijkverhalen documents')")

    def length(self, document_id: int) -> int:
        """Length in code points; cached, since a document's text never changes."""
        cache = self.core.lengths
        if document_id not in cache:
            row = self.conn.execute("SELECT length(text) FROM documents WHERE id = ?", (document_id,)).fetchone()
            if row is None:
                raise NotFound(f"no document {document_id}")
            cache[document_id] = int(row[0])
        return cache[document_id]

    def text(self, document_id: int) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document {document_id}")
        return str(row[0])

    def segments(self, document_id: int, kind: str = "sentence") -> list[Segment]:
        return [
            Segment(id=r[0], document_id=r[1], kind=r[2], index=r[3], start=r[4], end=r[5],
                    speaker=r[6], turn_index=r[7])
            for r in self.conn.execute(
                'SELECT id, document_id, kind, idx, start, "end", speaker, turn_idx FROM segments'
                " WHERE document_id = ? AND kind = ? ORDER BY start",
                (document_id, kind),
            )
        ]

    def sentence_lemmas(self, document_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT lemmas FROM segments WHERE document_id = ? AND kind = 'sentence' ORDER BY start",
            (document_id,))]

    # -- attributes, cases, memos (logged) -------------------------------------
    def attributes(self, document_id: int) -> dict[str, str]:
        return dict(self.conn.execute(
            "SELECT name, value FROM attributes WHERE document_id = ? ORDER BY name", (document_id,)))

    def attribute_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT name FROM attributes ORDER BY name")]

    def set_attribute(self, document_id: int, name: str, value: str | None, coder: str) -> None:
        """Set (or with ``None`` remove) a document attribute; undoable."""
        if not name.strip():
            raise InvalidInput("attribute name is empty")
        pk = {"document_id": document_id, "name": name}
        exists = self.conn.execute(
            "SELECT 1 FROM attributes WHERE document_id = ? AND name = ?", (document_id, name)).fetchone()
        with self.operation(coder, f"attribute {name} of document {document_id}") as op:
            if value is None:
                if exists:
                    op.delete("attributes", pk)
            elif exists:
                op.update("attributes", pk, {"value": value})
            else:
                op.insert("attributes", {**pk, "value": value})

    def set_attributes(self, document_id: int, values: dict[str, str | None], coder: str) -> int:
        """Set several attributes of one document as one undoable operation.

        A value of ``None`` or ``""`` removes the attribute. Returns how many changed.
        """
        doc = self.get(document_id)
        for name in values:
            if not name.strip():
                raise InvalidInput("attribute name is empty")
        with self.operation(coder, f"attributes of document {doc.id}: {', '.join(values)}") as op:
            changed = self._write_attributes(op, doc.id, values)
        return changed

    def apply_attributes(self, per_document: dict[int, dict[str, str]], coder: str, label: str) -> int:
        """Set attributes of many documents (a metadata sidecar) as one undoable operation."""
        with self.operation(coder, label) as op:
            return sum(self._write_attributes(op, doc_id, values) for doc_id, values in per_document.items())

    def _write_attributes(self, op: oplog.Recorder, document_id: int, values: Mapping[str, str | None]) -> int:
        changed = 0
        current = self.attributes(document_id)
        for name, value in values.items():
            name = name.strip()
            pk = {"document_id": document_id, "name": name}
            if value is None or str(value) == "":
                if name in current:
                    op.delete("attributes", pk)
                    changed += 1
            elif name not in current:
                op.insert("attributes", {**pk, "value": str(value)})
                changed += 1
            elif op.update("attributes", pk, {"value": str(value)}):
                changed += 1
        return changed

    def remove(self, refs: Sequence[int | str], coder: str, *, force: bool = False) -> list[Document]:
        """Remove documents (and with ``force`` their codings) as one undoable operation.

        A coded document is refused without ``force``. Undo puts the documents back
        with their segments, attributes, cases and codings under their own ids.
        """
        ids = list(dict.fromkeys(self.resolve(ref) for ref in refs))
        if not ids:
            raise InvalidInput("name at least one document to remove")
        docs = [self.get(i) for i in ids]
        coded = self.conn.execute(
            f"SELECT document_id, COUNT(*) FROM codings WHERE document_id IN ({marks(len(ids))})"
            " GROUP BY document_id", ids).fetchall()
        if coded and not force:
            by_id = {d.id: d.name for d in docs}
            listed = ", ".join(f"'{by_id[d]}' ({n})" for d, n in coded)
            raise InvalidInput(f"document(s) with codings: {listed}; pass --force to remove them "
                               "with their codings (undo brings both back)")
        names = ", ".join(d.name for d in docs[:3]) + (" ..." if len(docs) > 3 else "")
        with self.operation(coder, f"remove {len(ids)} document(s): {names}") as op:
            for (cid,) in self.conn.execute(
                    f"SELECT id FROM codings WHERE document_id IN ({marks(len(ids))}) ORDER BY id",
                    ids).fetchall():
                op.delete("codings", {"id": cid})
            op.remove_documents(ids)
        self.core.lengths.clear()
        return docs

    def set_memo(self, document_id: int, memo: str, coder: str) -> None:
        self.resolve(document_id)
        with self.operation(coder, f"memo on document {document_id}") as op:
            op.update("documents", {"id": document_id}, {"memo": memo})

    def _assign_case(self, document_id: int, case_name: str) -> dict[str, Any] | None:
        """Put a document in a case; returns the insert image of the case if it is new."""
        row = self.conn.execute("SELECT id FROM cases WHERE name = ?", (case_name,)).fetchone()
        created = None
        if row is None:
            rec = oplog.Recorder(self.conn)
            case_id = rec.insert("cases", {"guid": str(uuid.uuid4()).upper(), "name": case_name})
            created = rec.changes[0]
        else:
            case_id = row[0]
        self.conn.execute(
            "INSERT OR IGNORE INTO case_documents (case_id, document_id) VALUES (?, ?)", (case_id, document_id))
        return created

    def cases(self) -> dict[str, list[int]]:
        """Case name -> document ids."""
        out: dict[str, list[int]] = {}
        for name, doc_id in self.conn.execute(
            "SELECT c.name, cd.document_id FROM cases c LEFT JOIN case_documents cd ON cd.case_id = c.id"
            " ORDER BY c.name, cd.document_id"
        ):
            out.setdefault(name, [])
            if doc_id is not None:
                out[name].append(doc_id)
        return out

    def add_to_case(self, case_name: str, document_id: int, coder: str) -> None:
        """Put a document in a case (created if new); undoable."""
        with self.operation(coder, f"document {document_id} to case {case_name}") as op:
            row = self.conn.execute("SELECT id FROM cases WHERE name = ?", (case_name,)).fetchone()
            case_id = row[0] if row else op.insert("cases", {"guid": str(uuid.uuid4()).upper(), "name": case_name})
            if not self.conn.execute("SELECT 1 FROM case_documents WHERE case_id = ? AND document_id = ?",
                                     (case_id, document_id)).fetchone():
                op.insert("case_documents", {"case_id": case_id, "document_id": document_id})

    def all_segments(self, kind: str) -> dict[int, list[tuple[int, int, int, str | None, str]]]:
        """Document id -> ``(start, end, turn_index, speaker, lemmas)`` of every segment of ``kind``."""
        out: dict[int, list[tuple[int, int, int, str | None, str]]] = {}
        for doc_id, start, end, turn, speaker, lemmas in self.conn.execute(
            'SELECT document_id, start, "end", turn_idx, speaker, lemmas FROM segments'
            " WHERE kind = ? ORDER BY document_id, idx", (kind,)):
            out.setdefault(doc_id, []).append((start, end, turn, speaker, lemmas))
        return out

    def texts(self, document_ids: Sequence[int] | None = None) -> dict[int, str]:
        if document_ids is None:
            return dict(self.conn.execute("SELECT id, text FROM documents"))
        out: dict[int, str] = {}
        for doc_id in document_ids:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is not None:
                out[doc_id] = row[0]
        return out

    def case_rows(self) -> list[dict[str, Any]]:
        """Cases with guid, memo and document ids."""
        cases: dict[int, dict[str, Any]] = {}
        for case_id, guid, name, memo, doc_id in self.conn.execute(
            "SELECT c.id, c.guid, c.name, c.memo, cd.document_id FROM cases c"
            " LEFT JOIN case_documents cd ON cd.case_id = c.id ORDER BY c.name, cd.document_id"):
            entry = cases.setdefault(case_id, {"guid": guid, "name": name, "memo": memo, "documents": []})
            if doc_id is not None:
                entry["documents"].append(doc_id)
        return list(cases.values())

    def resolve_case(self, name: str) -> str:
        """A case by name, ignoring case and punctuation, by acronym ("SIBD") or unique prefix."""
        cases = list(self.conn.execute("SELECT name FROM cases ORDER BY name"))
        names = [r[0] for r in cases]
        key = area_key(name)
        exact = [n for n in names if area_key(n) == key]
        acronym = [n for n in names if "".join(w[0] for w in re.findall(r"\w+", n.lower())) == key]
        prefix = [n for n in names if area_key(n).startswith(key)] if key else []
        for candidates in (exact, acronym, prefix):
            if len(candidates) == 1:
                return candidates[0]
        if len(prefix) > 1:
            raise InvalidInput(f"case '{name}' is ambiguous: {', '.join(prefix)}")
        raise NotFound(f"no case '{name}' (cases: {', '.join(names) or 'none'})")

    def case_document_ids(self, case: str) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT cd.document_id FROM case_documents cd JOIN cases c ON c.id = cd.case_id WHERE c.name = ?"
            " ORDER BY cd.document_id", (case,))]

    def resolve_case_documents(self, case: str) -> tuple[str, list[int]]:
        """The case's name and document ids; matches as :meth:`resolve_case` (NotFound if none)."""
        name = self.resolve_case(case)
        return name, self.case_document_ids(name)

    def attribute_map(self, name: str) -> dict[int, str]:
        """Document id -> value of attribute ``name`` (documents without it are left out)."""
        return dict(self.conn.execute("SELECT document_id, value FROM attributes WHERE name = ?", (name,)))

    def names(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, name FROM documents"))
