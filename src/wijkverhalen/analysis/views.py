"""Analysis tables for the screen, each cell with the codings behind it (drill-down).

The workbench's analysis screen shows three tables, all built from the same
DataFrames as the reports (:mod:`.frames`):

* *code x document* (MAXQDA's Code Matrix Browser): codings of a code per document;
* *code x attribute value*: codings of a code per value of one document attribute;
* *code x code* (co-occurrence) in one of three scopes: the same sentence,
  overlapping passages, the same document.

Each cell keeps the ids of the codings it counts, so Enter on a cell can list those
passages. With ``include_children`` a parent counts the codings of its sub-codes.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .frames import attribute_values, code_tree, codings_frame, documents_frame, expand_to_ancestors

if TYPE_CHECKING:
    from ..store import Project

SCOPES = ("sentence", "overlap", "document")


@dataclass
class AnalysisTable:
    """Rows are codes (tree order); ``cells[(code_id, column)]`` holds coding ids."""

    kind: str  # "documents", "attribute" or "codes"
    rows: list[str]
    columns: list[str]
    column_labels: list[str]
    cells: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def count(self, code_id: str, column: str) -> int:
        return len(self.cells.get((code_id, column), ()))

    def coding_ids(self, code_id: str, column: str) -> list[int]:
        return list(self.cells.get((code_id, column), ()))


def parse_attribute_filter(text: str) -> dict[str, str] | str:
    """``'rol=bewoner casus="Delfshaven Helpt"'`` -> dict, or an error message."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        return "a quote is not closed"
    out: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key or not value:
            return f"'{token}' is not attribute=value"
        out[key] = value
    return out


def documents_matching(project: Project, attributes: dict[str, str] | None) -> list[int] | None:
    """Ids of the documents whose attributes equal every value given (case-insensitive);
    ``None`` (all documents) when there is no filter."""
    if not attributes:
        return None
    wanted = {k.lower(): v.lower() for k, v in attributes.items()}
    out = []
    for d in project.documents():
        have = {k.lower(): v.lower() for k, v in d.attributes.items()}
        if all(have.get(k) == v for k, v in wanted.items()):
            out.append(d.id)
    return out


def _codings(project: Project, document_ids: Sequence[int] | None, include_children: bool) -> tuple[Any, Any]:
    tree = code_tree(project)
    codings = codings_frame(project, document_ids=document_ids)
    codings = codings[codings["code_id"].isin(list(tree.by_id))]
    if include_children:
        codings = expand_to_ancestors(codings, tree)
    return tree, codings


def _fill(table: AnalysisTable, codings: Any, column_of: Any) -> AnalysisTable:
    for code_id, doc_id, coding_id in zip(codings["code_id"], codings["document_id"],
                                          codings["coding_id"], strict=True):
        column = column_of(doc_id)
        table.cells.setdefault((str(code_id), str(column)), []).append(int(coding_id))
    return table


def code_document_table(project: Project, *, document_ids: Sequence[int] | None = None,
                        include_children: bool = False) -> AnalysisTable:
    """Codes x documents (document names as column labels, ids as column keys)."""
    tree, codings = _codings(project, document_ids, include_children)
    documents = documents_frame(project, document_ids).sort_values("document")
    table = AnalysisTable("documents", [c.id for c in tree.codes],
                          [str(i) for i in documents.index], list(documents["document"]))
    return _fill(table, codings, str)


def code_attribute_table(project: Project, attribute: str, *, document_ids: Sequence[int] | None = None,
                         include_children: bool = False) -> AnalysisTable:
    """Codes x values of one document attribute (``(leeg)`` for documents without it)."""
    from ..errors import InvalidInput

    tree, codings = _codings(project, document_ids, include_children)
    documents = documents_frame(project, document_ids)
    if f"attr:{attribute}" not in documents.columns:
        known = ", ".join(sorted(c[5:] for c in documents.columns if c.startswith("attr:"))) or "none"
        raise InvalidInput(f"no document has attribute '{attribute}' (attributes: {known})")
    values = attribute_values(documents, attribute)
    columns = sorted(set(values.tolist()))
    table = AnalysisTable("attribute", [c.id for c in tree.codes], columns, list(columns))
    return _fill(table, codings, lambda doc_id: values.get(doc_id))


def cooccurrence_table(project: Project, scope: str = "overlap", *, document_ids: Sequence[int] | None = None,
                       include_children: bool = False) -> AnalysisTable:
    """Codes x codes: cell (a, b) holds the codings of ``a`` that co-occur with ``b``.

    ``scope``: ``sentence`` (a coding of b touches one of the sentences a's coding
    touches), ``overlap`` (the passages overlap in the text) or ``document`` (b is
    anywhere in the same document). The diagonal holds all codings of the code.
    """
    from ..errors import InvalidInput

    if scope not in SCOPES:
        raise InvalidInput(f"co-occurrence scope must be one of {', '.join(SCOPES)}, not '{scope}'")
    tree, codings = _codings(project, document_ids, include_children)
    ids = [c.id for c in tree.codes]
    table = AnalysisTable("codes", ids, list(ids), [tree.by_id[c].label for c in ids])
    for doc_id, group in codings.groupby("document_id"):
        rows = list(zip(group["coding_id"], group["code_id"], group["start"], group["end"], strict=True))
        if scope == "sentence":
            bounds = [(s.start, s.end) for s in project.segments(int(doc_id))]
            reach = {cid: _sentence_reach(bounds, start, end) for cid, _, start, end in rows}
        seen: set[tuple[str, str, int]] = set()
        for cid, code, start, end in rows:
            for cid2, code2, start2, end2 in rows:
                if scope == "document":
                    hit = True
                elif scope == "overlap":
                    hit = start < end2 and start2 < end
                else:
                    a, b = reach[cid], reach[cid2]
                    hit = a[0] <= b[1] and b[0] <= a[1]
                key = (str(code), str(code2), int(cid))
                if hit and key not in seen and (code != code2 or cid == cid2):
                    seen.add(key)
                    table.cells.setdefault((str(code), str(code2)), []).append(int(cid))
    return table


def _sentence_reach(bounds: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The first and last sentence (by position) that the span ``start..end`` touches."""
    touched = [i for i, (s, e) in enumerate(bounds) if s < end and start < e] or [-1]
    return touched[0], touched[-1]


def memo_rows(project: Project) -> list[dict[str, Any]]:
    """Every memo: on codings, codes and documents, as rows for the memo overview.

    Keys: ``kind`` (coding/code/document), ``text``, ``coder`` (for codings), ``code_id``,
    ``document_id``, ``document``, ``coding_id``, ``start``, ``end``.
    """
    names = {d.id: d.name for d in project.documents()}
    rows: list[dict[str, Any]] = []
    for d in project.documents():
        if d.memo and d.memo.strip():
            rows.append({"kind": "document", "text": d.memo, "coder": "", "code_id": None,
                         "document_id": d.id, "document": d.name, "coding_id": None,
                         "start": 0, "end": None})
    for c in project.codes():
        if c.memo and c.memo.strip():
            rows.append({"kind": "code", "text": c.memo, "coder": "", "code_id": c.id,
                         "document_id": None, "document": "", "coding_id": None,
                         "start": 0, "end": None})
    for r in project.coding_spans(None):
        if r.get("memo") and str(r["memo"]).strip():
            rows.append({"kind": "coding", "text": r["memo"], "coder": r["coder"],
                         "code_id": r["code_id"], "document_id": r["document_id"],
                         "document": names.get(r["document_id"], ""), "coding_id": r["id"],
                         "start": r["start"], "end": r["end"]})
    return rows


def filter_memos(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Keep memos matching every word: ``coder=``, ``code=``, ``document=`` (prefix),
    ``kind=`` or plain words found in the memo text."""
    parsed = parse_attribute_filter(query) if "=" in query else {}
    words = [t for t in (shlex.split(query) if _balanced(query) else query.split()) if "=" not in t]
    out = []
    for row in rows:
        ok = True
        for key, value in (parsed if isinstance(parsed, dict) else {}).items():
            have = {"coder": row["coder"], "code": row["code_id"] or "", "document": row["document"],
                    "kind": row["kind"]}.get(key.lower(), "")
            if not str(have).lower().startswith(value.lower()):
                ok = False
        text = str(row["text"]).lower()
        if ok and all(w.lower() in text for w in words):
            out.append(row)
    return out


def _balanced(text: str) -> bool:
    try:
        shlex.split(text)
    except ValueError:
        return False
    return True
