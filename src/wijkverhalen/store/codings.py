"""Codings: character spans of a document's canonical text tagged with a code."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidInput, NotFound
from ..models import Coding
from .base import Core, Part
from .codes import Codes
from .documents import Documents
from .history import History
from .oplog import now
from .schema import marks

VALENCES = ("positive", "negative", "mixed")
_COLS = 'id, guid, document_id, start, "end", code_id, coder, memo, valence, created_at, updated_at'


def document_filter(column: str, document_ids: Sequence[int] | None) -> tuple[list[str], list[Any]]:
    if document_ids is None:
        return [], []
    # A JSON array keeps the statement short however many documents a case has.
    return [f"{column} IN (SELECT value FROM json_each(?))"], [json.dumps(list(document_ids))]


def coding_from_row(r: tuple[Any, ...]) -> Coding:
    return Coding(id=r[0], guid=r[1], document_id=r[2], start=r[3], end=r[4], code_id=r[5],
                  coder=r[6], memo=r[7], valence=r[8], created_at=r[9], updated_at=r[10])


class Codings(Part):
    """``project.codings``: coded spans (add, edit, remove, read) and the grouped reads analysis uses."""

    def __init__(self, core: Core, history: History, documents: Documents, codes: Codes) -> None:
        super().__init__(core, history)
        self.documents = documents
        self.codes = codes

    def _check_span(self, document_id: int, start: int, end: int) -> None:
        length = self.documents.length(document_id)
        if not (0 <= start < end <= length):
            raise InvalidInput(
                f"span {start}-{end} is outside document {document_id} (0-{length}, end exclusive)")

    def _check_code(self, code_id: str) -> None:
        if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
            raise self.codes.not_found(code_id)

    def add(self, document_id: int, start: int, end: int, code_id: str, coder: str,
            memo: str = "", valence: str | None = None) -> Coding:
        """Code the span ``[start, end)``; committed when this returns. Undoable."""
        self._check_span(document_id, start, end)
        self._check_code(code_id)
        if valence is not None and valence not in VALENCES:
            raise InvalidInput(f"valence must be one of {', '.join(VALENCES)}")
        ts = now()
        with self.operation(coder, f"code {code_id} in document {document_id} [{start}:{end}]") as op:
            dup = self.conn.execute(
                'SELECT id FROM codings WHERE document_id = ? AND start = ? AND "end" = ? AND code_id = ?'
                " AND coder = ?", (document_id, start, end, code_id, coder)).fetchone()
            if dup is not None:
                raise InvalidInput(f"this span already has code '{code_id}' by {coder} (coding {dup[0]})")
            row: dict[str, Any] = {
                "guid": str(uuid.uuid4()).upper(), "document_id": document_id, "start": start,
                "end": end, "code_id": code_id, "coder": coder, "memo": memo, "valence": valence,
                "created_at": ts, "updated_at": ts,
            }
            new_id = op.insert("codings", row, complete=True)
        return Coding(id=new_id, **row)

    def get(self, coding_id: int) -> Coding:
        row = self.conn.execute(f"SELECT {_COLS} FROM codings WHERE id = ?", (coding_id,)).fetchone()
        if row is None:
            raise NotFound(f"no coding {coding_id}")
        return coding_from_row(row)

    def remove(self, coding_id: int, coder: str) -> Coding:
        coding = self.get(coding_id)
        with self.operation(coder, f"remove coding {coding_id} ({coding.code_id})") as op:
            op.delete("codings", {"id": coding_id})
        return coding

    def update(self, coding_id: int, coder: str, **values: Any) -> Coding:
        """Change the code, memo, valence or span of a coding. Undoable."""
        coding = self.get(coding_id)
        allowed = {"code_id", "memo", "valence", "start", "end"}
        if set(values) - allowed:
            raise InvalidInput(f"cannot change {', '.join(sorted(set(values) - allowed))} of a coding")
        if "code_id" in values:
            self._check_code(values["code_id"])
        if values.get("valence") is not None and values["valence"] not in VALENCES:
            raise InvalidInput(f"valence must be one of {', '.join(VALENCES)}")
        if "start" in values or "end" in values:
            self._check_span(coding.document_id, values.get("start", coding.start), values.get("end", coding.end))
        values["updated_at"] = now()
        with self.operation(coder, f"edit coding {coding_id}: {', '.join(k for k in values if k != 'updated_at')}") as op:
            op.update("codings", {"id": coding_id}, values)
        return self.get(coding_id)

    def all(self, document_id: int | None = None, code_ids: list[str] | None = None,
            coder: str | None = None) -> list[Coding]:
        sql = f"SELECT {_COLS} FROM codings"
        where: list[str] = []
        params: list[Any] = []
        if document_id is not None:
            where.append("document_id = ?")
            params.append(document_id)
        if code_ids is not None:
            where.append(f"code_id IN ({marks(len(code_ids))})")
            params.extend(code_ids)
        if coder is not None:
            where.append("coder = ?")
            params.append(coder)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY document_id, start, \"end\", id"
        return [coding_from_row(r) for r in self.conn.execute(sql, params)]

    def overlapping(self, document_id: int, start: int, end: int) -> list[Coding]:
        return [coding_from_row(r) for r in self.conn.execute(
            f'SELECT {_COLS} FROM codings WHERE document_id = ? AND start < ? AND "end" > ? ORDER BY start, id',
            (document_id, end, start))]

    def coders(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def spans(self, document_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Every coding as a dict row (no text), ordered by document and position."""
        sql = ('SELECT id, guid, document_id, start, "end", code_id, coder, memo, valence, created_at,'
               ' updated_at FROM codings')
        params: list[Any] = []
        if document_ids is not None:
            sql += f" WHERE document_id IN ({marks(len(document_ids))})"
            params = list(document_ids)
        sql += ' ORDER BY document_id, start, "end", id'
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def evidence(self, *, document_ids: Sequence[int] | None = None,
                 coder: str | None = None) -> list[tuple[str, int, str | None, int]]:
        """``(code_id, document_id, valence, codings)`` grouped, for fast aggregation."""
        where, params = _coder_and_documents(document_ids, coder)
        sql = "SELECT code_id, document_id, valence, COUNT(*) FROM codings" + where
        return list(self.conn.execute(sql + " GROUP BY code_id, document_id, valence", params))

    def passage_spans(self, *, document_ids: Sequence[int] | None = None,
                     coder: str | None = None) -> list[tuple[str, int, int, int, str | None]]:
        """``(code_id, document_id, start, end, valence)`` of every coding, for unique passages."""
        where, params = _coder_and_documents(document_ids, coder)
        sql = 'SELECT code_id, document_id, start, "end", valence FROM codings' + where
        return list(self.conn.execute(sql, params))  # unordered: triangulation sorts per document


def _coder_and_documents(document_ids: Sequence[int] | None, coder: str | None) -> tuple[str, list[Any]]:
    """A ``WHERE`` clause (or "") for codings of ``document_ids`` by ``coder``, and its parameters."""
    where, params = document_filter("document_id", document_ids)
    if coder is not None:
        where.append("coder = ?")
        params.append(coder)
    return (" WHERE " + " AND ".join(where) if where else ""), params
