"""Project data as pandas DataFrames: codings, documents with attributes, the code tree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Code

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Project

MISSING = "(leeg)"  # column label for documents without a value of the attribute


class CodeTree:
    """The codebook in tree order with paths, ancestors and descendants of each code."""

    def __init__(self, codes: Sequence[Code]) -> None:
        self.codes = tuple(codes)
        self.by_id = {c.id: c for c in self.codes}
        self.children: dict[str | None, list[str]] = {}
        for c in self.codes:
            self.children.setdefault(c.parent_id if c.parent_id in self.by_id else None, []).append(c.id)

    def ancestors(self, code_id: str) -> list[str]:
        """``code_id`` and every code above it, nearest first."""
        out: list[str] = []
        current: str | None = code_id
        while current is not None and current in self.by_id and len(out) < 100:
            out.append(current)
            current = self.by_id[current].parent_id
        return out

    def path(self, code_id: str, sep: str = " > ") -> str:
        return sep.join(self.by_id[c].label for c in reversed(self.ancestors(code_id)))

    def depth(self, code_id: str) -> int:
        return max(0, len(self.ancestors(code_id)) - 1)

    def descendants(self, code_id: str) -> list[str]:
        """``code_id`` and every code below it, in tree order."""
        out: list[str] = []
        stack = [code_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return out


def code_tree(project: Project) -> CodeTree:
    return CodeTree(tuple(project.codes()))


def documents_frame(project: Project, document_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per document (index ``document_id``): name, words, memo and every attribute."""
    import pandas as pd

    wanted = None if document_ids is None else set(document_ids)
    rows = []
    for d in project.documents():
        if wanted is not None and d.id not in wanted:
            continue
        rows.append({"document_id": d.id, "document": d.name, "words": d.word_count, "memo": d.memo,
                     "guid": d.guid, **{f"attr:{k}": v for k, v in d.attributes.items()}})
    frame = pd.DataFrame(rows, columns=["document_id", "document", "words", "memo", "guid"]
                         if not rows else None)
    return frame.set_index("document_id")


def codings_frame(project: Project, document_ids: Sequence[int] | None = None,
                  code_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per coding with its document's name (no text)."""
    import pandas as pd

    rows = project.coding_spans(document_ids)
    columns = ["id", "guid", "document_id", "start", "end", "code_id", "coder", "memo", "valence",
               "created_at", "updated_at"]
    frame = pd.DataFrame(rows, columns=columns)
    if code_ids is not None:
        frame = frame[frame["code_id"].isin(list(code_ids))]
    names = {d.id: d.name for d in project.documents()}
    frame = frame.assign(document=frame["document_id"].map(names))
    return frame.rename(columns={"id": "coding_id"}).reset_index(drop=True)


def attribute_values(documents: pd.DataFrame, attribute: str) -> pd.Series:
    """The attribute's value per document, ``(leeg)`` where a document has none."""
    import pandas as pd

    column = f"attr:{attribute}"
    if column not in documents.columns:
        return pd.Series(MISSING, index=documents.index, dtype=object)
    return documents[column].fillna(MISSING).replace("", MISSING).astype(object)


def expand_to_ancestors(codings: pd.DataFrame, tree: CodeTree) -> pd.DataFrame:
    """Each coding once for its code and once for every code above it (sub-codes count up)."""
    import pandas as pd

    if codings.empty:
        return codings
    ancestors = {cid: tree.ancestors(cid) or [cid] for cid in codings["code_id"].unique()}
    mapping = pd.DataFrame([(cid, anc) for cid, ancs in ancestors.items() for anc in ancs],
                           columns=["code_id", "counted_code"])
    expanded = codings.merge(mapping, on="code_id", how="left")
    return expanded.drop(columns=["code_id"]).rename(columns={"counted_code": "code_id"})
