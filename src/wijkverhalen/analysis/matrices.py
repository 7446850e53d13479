"""Code frequencies and code x attribute / document / code matrices (pandas).

Every function takes an open project and optional filters (documents, whether a
code counts the codings of its sub-codes) and returns DataFrames indexed by code id
in codebook (tree) order, so rows line up with the code tree in the report.

Counting rules, stated once:

* *codings*: coded passages; with ``include_children`` a parent also counts every
  passage of its sub-codes (a passage coded twice under one parent counts twice);
* *documents*: documents with at least one such passage;
* *respondents*: distinct values of the ``respondent`` attribute among those
  documents, or distinct documents when the project has no such attribute (one
  interview, one respondent);
* *document share* of a cell: documents with the code in that column divided by all
  documents in that column (for example: 3 of the 4 "bewoner" interviews = 0.75).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .frames import (
    CodeTree,
    attribute_values,
    code_tree,
    codings_frame,
    documents_frame,
    expand_to_ancestors,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Project

ROLE_ATTRIBUTES = ("rol", "role")
RESPONDENT_ATTRIBUTES = ("respondent", "respondent_id", "pseudoniem")


@dataclass(frozen=True)
class CodeMatrix:
    """A code x something matrix with counts, documents and document shares."""

    kind: str  # "attribute", "documents" or "codes"
    columns_label: str
    counts: pd.DataFrame  # codings (for "codes": overlapping passage pairs)
    documents: pd.DataFrame  # documents with the code (for "codes": documents with both codes)
    shares: pd.DataFrame  # see module docstring; for "documents": share of the text coded
    column_totals: pd.Series  # documents per column
    tree: CodeTree


def _prepare(project: Project, document_ids: Sequence[int] | None, include_children: bool
             ) -> tuple[CodeTree, pd.DataFrame, pd.DataFrame]:
    tree = code_tree(project)
    documents = documents_frame(project, document_ids)
    codings = codings_frame(project, document_ids=document_ids)
    codings = codings[codings["code_id"].isin(list(tree.by_id))]
    if include_children:
        codings = expand_to_ancestors(codings, tree)
    return tree, documents, codings


def _order(frame: pd.DataFrame, tree: CodeTree, fill: Any = 0) -> pd.DataFrame:
    return frame.reindex([c.id for c in tree.codes], fill_value=fill)


def first_attribute(documents: pd.DataFrame, names: Sequence[str]) -> str | None:
    for name in names:
        if f"attr:{name}" in documents.columns:
            return name
    return None


def code_frequencies(project: Project, *, document_ids: Sequence[int] | None = None,
                     include_children: bool = False) -> pd.DataFrame:
    """Per code: codings, documents, respondents, respondents per role, codings per coder.

    Columns: ``label``, ``path``, ``depth``, ``codings``, ``documents``, ``respondents``,
    one ``role:<value>`` column per value of the role attribute (``rol``) and one
    ``coder:<name>`` column per coder.
    """
    tree, documents, codings = _prepare(project, document_ids, include_children)
    return _frequencies(tree, documents, codings)


def code_frequencies_with_children(project: Project, *, document_ids: Sequence[int] | None = None
                                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``code_frequencies`` without and with sub-codes counted, reading the project once."""
    tree, documents, codings = _prepare(project, document_ids, False)
    return (_frequencies(tree, documents, codings),
            _frequencies(tree, documents, expand_to_ancestors(codings, tree)))


def _frequencies(tree: CodeTree, documents: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    role = first_attribute(documents, ROLE_ATTRIBUTES)
    respondent = first_attribute(documents, RESPONDENT_ATTRIBUTES)
    respondent_of = (attribute_values(documents, respondent) if respondent
                     else pd.Series(documents.index.astype(str), index=documents.index, dtype=object))
    codings = codings.assign(respondent=codings["document_id"].map(respondent_of))
    grouped = codings.groupby("code_id")
    table = pd.DataFrame({
        "codings": grouped.size(),
        "documents": grouped["document_id"].nunique(),
        "respondents": grouped["respondent"].nunique(),
    })
    if role is not None and not codings.empty:
        roles = codings.assign(role=codings["document_id"].map(attribute_values(documents, role)))
        per_role = roles.groupby(["code_id", "role"])["respondent"].nunique().unstack(fill_value=0)
        table = table.join(per_role.add_prefix("role:"), how="left")
    if not codings.empty:
        per_coder = codings.groupby(["code_id", "coder"]).size().unstack(fill_value=0)
        table = table.join(per_coder.add_prefix("coder:"), how="left")
    table = _order(table.fillna(0).astype(int), tree)
    table.insert(0, "depth", [tree.depth(c) for c in table.index])
    table.insert(0, "path", [tree.path(c) for c in table.index])
    table.insert(0, "label", [tree.by_id[c].label for c in table.index])
    table.index.name = "code_id"
    return table


def code_by_attribute(project: Project, attribute: str, *, document_ids: Sequence[int] | None = None,
                      include_children: bool = False) -> CodeMatrix:
    """Codes x values of a document attribute (``rol``, ``wijk``, ``jaar``...)."""
    from ..errors import InvalidInput

    tree, documents, codings = _prepare(project, document_ids, include_children)
    if f"attr:{attribute}" not in documents.columns:
        known = ", ".join(sorted(c[5:] for c in documents.columns if c.startswith("attr:"))) or "none"
        raise InvalidInput(f"no document has attribute '{attribute}' (attributes: {known})")
    values = attribute_values(documents, attribute)
    codings = codings.assign(column=codings["document_id"].map(values))
    totals = values.value_counts().sort_index()
    return _matrix("attribute", attribute, tree, codings, totals)


def code_by_document(project: Project, *, document_ids: Sequence[int] | None = None,
                     include_children: bool = False) -> CodeMatrix:
    """Codes x documents: codings per document and the share of each document's text coded."""
    import pandas as pd

    tree, documents, codings = _prepare(project, document_ids, include_children)
    names = documents["document"]
    codings = codings.assign(column=codings["document_id"].map(names))
    totals = pd.Series(1, index=sorted(names.tolist()), dtype=int)
    matrix = _matrix("documents", "document", tree, codings, totals)
    lengths = {names[i]: len(t) for i, t in project.document_texts(list(documents.index)).items()}
    coverage = _coverage(codings, lengths)
    shares = coverage.reindex(index=matrix.counts.index, columns=matrix.counts.columns, fill_value=0.0)
    return CodeMatrix("documents", "document", matrix.counts, matrix.documents, shares.round(4),
                      totals, tree)


def _coverage(codings: pd.DataFrame, lengths: dict[str, int]) -> pd.DataFrame:
    """Share of each document's characters inside the union of a code's passages."""
    import pandas as pd

    cells: dict[tuple[str, str], float] = {}
    for (code_id, column), group in codings.groupby(["code_id", "column"]):
        covered = 0
        last_end = -1
        for start, end in sorted(zip(group["start"], group["end"], strict=True)):
            if start > last_end:
                covered += end - start
                last_end = end
            elif end > last_end:
                covered += end - last_end
                last_end = end
        length = lengths.get(str(column), 0)
        cells[(str(code_id), str(column))] = covered / length if length else 0.0
    if not cells:
        return pd.DataFrame(dtype=float)
    return pd.Series(cells).unstack(fill_value=0.0)


def _matrix(kind: str, label: str, tree: CodeTree, codings: pd.DataFrame, totals: pd.Series) -> CodeMatrix:
    columns = list(totals.index)
    counts = codings.groupby(["code_id", "column"]).size().unstack(fill_value=0)
    docs = codings.groupby(["code_id", "column"])["document_id"].nunique().unstack(fill_value=0)
    counts = _order(counts.reindex(columns=columns, fill_value=0), tree).fillna(0).astype(int)
    docs = _order(docs.reindex(columns=columns, fill_value=0), tree).fillna(0).astype(int)
    shares = (docs / totals.replace(0, 1)).round(4)
    for frame in (counts, docs, shares):
        frame.index.name = "code_id"
        frame.columns.name = label
    return CodeMatrix(kind, label, counts, docs, shares, totals, tree)


def cooccurrence(project: Project, *, document_ids: Sequence[int] | None = None,
                 include_children: bool = False) -> CodeMatrix:
    """Codes x codes: documents with both codes, overlapping passages, conditional shares.

    ``documents[a, b]`` counts documents coded with both; ``counts[a, b]`` counts pairs
    of passages (one of each code) that overlap in the text; ``shares[a, b]`` is the
    share of a's documents that also have b. The diagonal holds each code's own
    documents and passages.
    """
    import pandas as pd

    tree, documents, codings = _prepare(project, document_ids, include_children)
    ids = [c.id for c in tree.codes]
    index = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    both = [[0] * n for _ in range(n)]
    overlaps = [[0] * n for _ in range(n)]
    for _, group in codings.groupby("document_id"):
        present = sorted({index[c] for c in group["code_id"]})
        for i in present:
            for j in present:
                both[i][j] += 1
        spans = sorted(zip(group["start"], group["end"], group["code_id"].map(index), strict=True))
        for k, (_start, end, ci) in enumerate(spans):
            overlaps[ci][ci] += 1
            for start2, _end2, cj in spans[k + 1:]:
                if start2 >= end:
                    break
                if cj != ci:
                    overlaps[ci][cj] += 1
                    overlaps[cj][ci] += 1
    docs = pd.DataFrame(both, index=ids, columns=ids)
    counts = pd.DataFrame(overlaps, index=ids, columns=ids)
    diagonal = pd.Series([both[i][i] for i in range(n)], index=ids)
    shares = docs.div(diagonal.replace(0, 1), axis=0).round(4)
    for frame in (counts, docs, shares):
        frame.index.name = "code_id"
        frame.columns.name = "code_id"
    return CodeMatrix("codes", "code", counts, docs, shares, diagonal, tree)
