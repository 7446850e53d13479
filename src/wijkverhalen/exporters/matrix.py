"""Code matrices as Excel or CSV: ``wijkverhalen export matrix``.

Rows are codes in codebook order (label indented by depth, id beside it); columns
are the values of a document attribute, the documents, or the codes again
(co-occurrence). The .xlsx has one sheet per measure (passages, documents,
document share) plus a sheet that says how everything was counted; a .csv holds one
measure (``--measure``). See :mod:`wijkverhalen.analysis.matrices` for the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import output_format
from .pseudonymise import IDENTITY, Pseudonymiser

if TYPE_CHECKING:
    from ..store import Project

MEASURES = ("counts", "documents", "shares")
SHEETS = {
    "attribute": (("passages", "counts"), ("documenten", "documents"), ("aandeel documenten", "shares")),
    "documents": (("passages", "counts"), ("gecodeerd", "documents"), ("aandeel tekst", "shares")),
    "codes": (("documenten samen", "documents"), ("overlappende passages", "counts"),
              ("aandeel documenten", "shares")),
}
EXPLANATION = {
    "attribute": [
        "passages: gecodeerde passages per code en waarde van '{label}'.",
        "documenten: documenten met de code, per waarde.",
        "aandeel documenten: documenten met de code gedeeld door alle documenten met die waarde.",
    ],
    "documents": [
        "passages: gecodeerde passages per code en document.",
        "gecodeerd: 1 als het document de code heeft.",
        "aandeel tekst: deel van de tekens van het document dat met de code gecodeerd is.",
    ],
    "codes": [
        "documenten samen: documenten waarin beide codes voorkomen (diagonaal: documenten met de code).",
        "overlappende passages: paren passages van beide codes die in de tekst overlappen "
        "(diagonaal: passages van de code).",
        "aandeel documenten: deel van de documenten van de rijcode dat ook de kolomcode heeft.",
    ],
}


def build_matrix(project: Project, cols: str, *, include_children: bool = False, case: str | None = None) -> Any:
    """The :class:`~wijkverhalen.analysis.matrices.CodeMatrix` for ``--cols``."""
    from ..analysis.matrices import code_by_attribute, code_by_document, cooccurrence

    doc_ids = project.documents.resolve_case_documents(case)[1] if case else None
    if cols == "documents":
        return code_by_document(project, document_ids=doc_ids, include_children=include_children)
    if cols == "codes":
        return cooccurrence(project, document_ids=doc_ids, include_children=include_children)
    return code_by_attribute(project, cols, document_ids=doc_ids, include_children=include_children)


def _labelled(frame: Any, matrix: Any, anonymise: Pseudonymiser, *, drop_empty: bool) -> Any:
    import pandas as pd

    tree = matrix.tree
    out = frame.copy()
    if matrix.kind == "codes":
        out.columns = [tree.by_id[c].label for c in out.columns]
    else:
        out.columns = [anonymise(str(c)) for c in out.columns]
    if drop_empty:
        keep = matrix.counts.sum(axis=1) > 0 if matrix.kind != "codes" else matrix.documents.sum(axis=1) > 0
        out = out[keep.reindex(out.index, fill_value=False)]
    labels = pd.DataFrame({"code": ["  " * tree.depth(c) + tree.by_id[c].label for c in out.index],
                           "code_id": list(out.index)}, index=out.index)
    return pd.concat([labels, out], axis=1).reset_index(drop=True)


def export_matrix(project: Project, output: str | Path, *, cols: str, rows: str = "codes", fmt: str | None = None,
                  measure: str = "counts", include_children: bool = False, case: str | None = None,
                  pseudonymise: bool = False, drop_empty: bool = False) -> Any:
    """Write a code matrix; returns the CodeMatrix."""
    from ..errors import InvalidInput

    if rows != "codes":
        raise InvalidInput("only --rows codes is supported (use --cols for the other dimension)")
    if measure not in MEASURES:
        raise InvalidInput(f"--measure must be one of {', '.join(MEASURES)}")
    chosen = output_format(output, ("xlsx", "csv"), fmt)
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    matrix = build_matrix(project, cols, include_children=include_children, case=case)
    if chosen == "csv":
        from .tables import frame_rows, write_csv

        frame = _labelled(getattr(matrix, measure), matrix, anonymise, drop_empty=drop_empty)
        write_csv(output, frame_rows(frame))
        return matrix
    _write_xlsx(output, matrix, anonymise, drop_empty=drop_empty, include_children=include_children,
                case=anonymise(case) if case else None)
    return matrix


def _write_xlsx(output: str | Path, matrix: Any, anonymise: Pseudonymiser, *, drop_empty: bool,
                include_children: bool, case: str | None) -> None:
    from .tables import Sheet, frame_rows, write_xlsx

    sheets: list[Sheet] = []
    for sheet_name, measure in SHEETS[matrix.kind]:
        frame = _labelled(getattr(matrix, measure), matrix, anonymise, drop_empty=drop_empty)
        formats = {i: "0.0%" for i in range(3, frame.shape[1] + 1)} if measure == "shares" else {}
        sheets.append(Sheet(sheet_name, frame_rows(frame), widths={1: 48, 2: 28}, default_width=14,
                            freeze="C2", number_formats=formats))
    notes = [line.format(label=matrix.columns_label) for line in EXPLANATION[matrix.kind]]
    notes.append("Subcodes tellen mee bij hun bovenliggende code." if include_children
                 else "Elke code telt alleen zijn eigen passages (gebruik --children om subcodes mee te tellen).")
    if case:
        notes.append(f"Alleen documenten van casus '{case}'.")
    totals = [[anonymise(str(c)) if matrix.kind != "codes" else matrix.tree.by_id[c].label, n]
              for c, n in zip(matrix.column_totals.index, matrix.column_totals.values, strict=True)]
    rows: list[list[Any]] = [["toelichting"], *([n] for n in notes), [], ["kolom", "documenten"], *totals]
    sheets.append(Sheet("toelichting", rows, bold_rows=frozenset({0, len(notes) + 2}), widths={1: 100},
                        freeze=None))
    write_xlsx(output, sheets)
