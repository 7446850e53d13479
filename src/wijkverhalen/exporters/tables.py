"""One row per coding, as CSV or Excel: ``wijkverhalen export segments``.

Columns: coding id and GUID, document, one column per document attribute, speaker,
paragraph (turn) and sentence number (1-based), start and end (code points into the
canonical text, end exclusive), the coded text, code id and code path, coder, memo,
valence and timestamps.

Spreadsheets execute cells that look like formulas. In the .xlsx every value is
written as a string cell, so nothing is executed; in the CSV a cell that starts
with ``=``, ``+``, ``-``, ``@`` or a tab gets a leading apostrophe (the OWASP advice
against CSV injection), which Excel hides and other tools show.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import ProgressCallback, atomic_output, atomic_path, no_progress, output_format
from .pseudonymise import IDENTITY, Pseudonymiser

FIXED_BEFORE = ["coding_id", "guid", "document"]
FIXED_AFTER = ["speaker", "paragraph", "sentence", "start", "end", "text", "code_id", "code_path", "coder",
               "memo", "valence", "created_at", "updated_at"]
XLSX_CELL_LIMIT = 32767
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def segment_rows(project: Any, *, codes: Sequence[str] = (), case: str | None = None,
                 coder: str | None = None, pseudonymise: bool = False,
                 progress: ProgressCallback | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of the segment table, ordered by document and position."""
    from ..analysis.frames import code_tree
    from ..errors import InvalidInput
    from .report import resolve_case_documents

    progress = progress or no_progress
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    tree = code_tree(project)
    wanted: list[str] = [c.id for c in tree.codes]
    if codes:
        wanted = []
        for cid in codes:
            if cid not in tree.by_id:
                raise InvalidInput(f"no code '{cid}' (see 'wijkverhalen codebook show')")
            wanted.extend(c for c in tree.descendants(cid) if c not in wanted)
    doc_set: set[int] | None = None
    if case:
        doc_set = set(resolve_case_documents(project, case)[1])
    documents = {d.id: d for d in project.documents()}
    attribute_names = sorted({k for d in documents.values() for k in d.attributes})
    header = FIXED_BEFORE + attribute_names + FIXED_AFTER
    paths = {c.id: tree.path(c.id) for c in tree.codes}
    wanted_set = set(wanted)
    spans = [r for r in project.coding_spans(sorted(doc_set) if doc_set is not None else None)
             if r["code_id"] in wanted_set and (coder is None or r["coder"] == coder)]
    rows: list[dict[str, Any]] = []
    chunk = 2000
    for n in range(0, len(spans), chunk):
        for p in project.passages_for([r["id"] for r in spans[n:n + chunk]]):
            c = p.coding
            doc = documents[c.document_id]
            attrs = anonymise.mapping(doc.attributes)
            rows.append({
                "coding_id": c.id, "guid": c.guid, "document": anonymise(doc.name),
                **{name: attrs.get(name, "") for name in attribute_names},
                "speaker": anonymise(p.speaker or ""),
                "paragraph": p.turn_index + 1 if p.turn_index >= 0 else "",
                "sentence": p.sentence_index + 1 if p.sentence_index >= 0 else "",
                "start": c.start, "end": c.end, "text": anonymise(p.text), "code_id": c.code_id,
                "code_path": paths[c.code_id], "coder": c.coder, "memo": anonymise(c.memo),
                "valence": c.valence or "", "created_at": c.created_at, "updated_at": c.updated_at,
                "_order": (doc.name, c.start, c.end, c.id)})
        progress(min(n + chunk, len(spans)), len(spans), "")
    rows.sort(key=lambda r: r.pop("_order"))
    return header, rows


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: str | Path, header: list[str], rows: Sequence[dict[str, Any]], delimiter: str = ",") -> None:
    # utf-8-sig: Excel only reads a CSV as UTF-8 when it starts with a BOM.
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})


def _xlsx_cells(sheet: Any, values: Sequence[Any], bold: bool = False) -> list[Any]:
    """Values for ``sheet.append``; only text that openpyxl would take for a formula is wrapped."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            if _ILLEGAL.search(value):
                value = _ILLEGAL.sub(" ", value)
            if len(value) > XLSX_CELL_LIMIT:
                value = value[: XLSX_CELL_LIMIT - 1] + "…"
            if bold or value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if bold:
                    cell.font = Font(bold=True)
                value = cell
        out.append(value)
    return out


def write_xlsx(path: str | Path, header: list[str], rows: Sequence[dict[str, Any]], sheet_name: str = "segmenten",
               widths: dict[str, int] | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = (widths or {}).get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    sheet.append(_xlsx_cells(sheet, header, bold=True))
    for row in rows:
        sheet.append(_xlsx_cells(sheet, [row.get(h, "") for h in header]))
    with atomic_path(path) as tmp:
        workbook.save(tmp)


def export_segments(project: Any, output: str | Path, *, fmt: str | None = None, codes: Sequence[str] = (),
                    case: str | None = None, coder: str | None = None, pseudonymise: bool = False,
                    delimiter: str = ",", progress: ProgressCallback | None = None) -> int:
    """Write the segment table as .csv or .xlsx; returns the number of rows."""
    chosen = output_format(output, ("csv", "xlsx"), fmt)
    header, rows = segment_rows(project, codes=codes, case=case, coder=coder, pseudonymise=pseudonymise,
                                progress=progress)
    if chosen == "csv":
        write_csv(output, header, rows, delimiter)
    else:
        write_xlsx(output, header, rows, widths={"text": 80, "memo": 40, "code_path": 40, "document": 30,
                                                 "guid": 38})
    return len(rows)
