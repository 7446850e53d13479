"""Every table the tool writes (CSV or Excel), and the segment table on top of it.

**The one tabular writer.** Spreadsheets execute cells that look like formulas, and
labels, attributes, memos, actor and case names come from people. Every CSV and
.xlsx the tool writes goes through :func:`write_csv` or :func:`write_xlsx` here
(a test greps the source for any other writer), which neutralise such cells the
OWASP way: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe in a CSV (Excel hides it, other tools
show it); in an .xlsx it is written as a text cell with Excel's "quote prefix", so
the exact text is kept and nothing is executed, not even after editing the cell.
Numbers stay numbers: ``-3`` (or the text ``"-3"``) is not a formula.

Files are written to a temp file beside the target and moved into place when
complete; on any error, Ctrl-C or SIGTERM the temp file is removed.

**The segment table** (``wijkverhalen export segments``): one row per coding.
Columns: coding id and GUID, document, one column per document attribute, speaker,
paragraph (turn) and sentence number (1-based), start and end (code points into the
canonical text, end exclusive), the coded text, code id and code path, coder, memo,
valence and timestamps.
"""

from __future__ import annotations

import contextlib
import csv
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ProgressCallback, atomic_output, atomic_path, no_progress, output_format
from .pseudonymise import IDENTITY, Pseudonymiser

if TYPE_CHECKING:
    from ..store import Project

FIXED_BEFORE = ["coding_id", "guid", "document"]
FIXED_AFTER = ["speaker", "paragraph", "sentence", "start", "end", "text", "code_id", "code_path", "coder",
               "memo", "valence", "created_at", "updated_at"]
XLSX_CELL_LIMIT = 32767
TABLE_FORMATS = ("csv", "xlsx")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


# ----------------------------------------------------------------------------- the writer


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet could run: it starts with = + - @ tab or CR and is not a number."""
    return value.startswith(FORMULA_START) and _NUMBER.fullmatch(value) is None


def plain_value(value: Any) -> Any:
    """A cell value as a plain Python value: numpy scalars unwrapped, NaN and None empty."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(AttributeError, ValueError, TypeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: formula-like text gets a leading apostrophe."""
    value = plain_value(value)
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return "" if value is None else value


def write_csv(path: str | Path, rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> None:
    """Write ``rows`` (the header is simply the first) as CSV, atomically and formula-safe."""
    # utf-8-sig: Excel only reads a CSV as UTF-8 when it starts with a BOM.
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])


@dataclass
class Sheet:
    """One worksheet for :func:`write_xlsx`.

    ``rows`` are lists of values; rows whose index is in ``bold_rows`` are headers.
    ``widths`` maps 1-based column numbers to widths (others get ``default_width``),
    ``number_formats`` maps column numbers to an Excel number format for the numbers
    in that column (e.g. ``"0.0%"``).
    """

    name: str
    rows: Sequence[Sequence[Any]]
    bold_rows: frozenset[int] = frozenset({0})
    widths: Mapping[int, float] = field(default_factory=dict)
    default_width: float | None = None
    freeze: str | None = "A2"
    auto_filter: bool = False
    number_formats: Mapping[int, str] = field(default_factory=dict)


def _xlsx_row(sheet: Any, values: Sequence[Any], *, bold: bool, number_formats: Mapping[int, str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    out: list[Any] = []
    for col, raw in enumerate(values, start=1):
        value = plain_value(raw)
        styled = bold
        if isinstance(value, str):
            if _ILLEGAL.search(value):
                value = _ILLEGAL.sub(" ", value)
            if len(value) > XLSX_CELL_LIMIT:
                value = value[: XLSX_CELL_LIMIT - 1] + "…"
            styled = styled or looks_like_formula(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and col in number_formats and not bold:
            styled = True
        if not styled:
            out.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if looks_like_formula(value):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        if bold:
            cell.font = Font(bold=True)
        elif col in number_formats and isinstance(value, (int, float)):
            cell.number_format = number_formats[col]
        out.append(cell)
    return out


def write_xlsx(path: str | Path, sheets: Sequence[Sheet]) -> None:
    """Write the sheets as one .xlsx workbook, atomically and formula-safe."""
    from openpyxl import Workbook

    # The temp file exists from the start, so a kill while the rows are built is cleaned up too.
    with atomic_path(path) as tmp:
        workbook = Workbook(write_only=True)
        try:
            for spec in sheets:
                _fill_sheet(workbook.create_sheet(spec.name[:31]), spec)
        except BaseException:
            # Close the half-written sheets so openpyxl drops its own temp files quietly.
            for sheet in workbook.worksheets:
                with contextlib.suppress(Exception):
                    sheet.close()
            raise
        workbook.save(tmp)


def _fill_sheet(sheet: Any, spec: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    n_cols = max((len(r) for r in spec.rows), default=0)
    for col in range(1, n_cols + 1):
        width = spec.widths.get(col, spec.default_width)
        if width is not None:
            sheet.column_dimensions[get_column_letter(col)].width = width
    if spec.freeze:
        sheet.freeze_panes = spec.freeze
    if spec.auto_filter and n_cols:
        sheet.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{len(spec.rows)}"
    for i, row in enumerate(spec.rows):
        sheet.append(_xlsx_row(sheet, row, bold=i in spec.bold_rows, number_formats=spec.number_formats))


def frame_rows(frame: Any, *, index: bool = False, index_label: str | None = None) -> list[list[Any]]:
    """A pandas DataFrame as a header row plus value rows (for :func:`write_csv`/:func:`write_xlsx`)."""
    header = [str(c) for c in frame.columns]
    if index:
        header = [index_label or str(frame.index.name or "")] + header
    rows: list[list[Any]] = [header]
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        rows.append(([key] if index else []) + list(values))
    return rows


def write_table(path: str | Path, rows: Sequence[Sequence[Any]], *, fmt: str | None = None,
                sheet_name: str = "data", delimiter: str = ",", widths: Mapping[int, float] | None = None) -> str:
    """Write one table (header first) as .csv or .xlsx by suffix or ``fmt``; returns the format."""
    chosen = output_format(path, TABLE_FORMATS, fmt)
    if chosen == "csv":
        write_csv(path, rows, delimiter=delimiter)
    else:
        write_xlsx(path, [Sheet(sheet_name, list(rows), widths=widths or {}, default_width=14,
                                auto_filter=True)])
    return chosen


# ----------------------------------------------------------------------------- the segment table


def segment_rows(project: Project, *, codes: Sequence[str] = (), case: str | None = None,
                 coder: str | None = None, pseudonymise: bool = False,
                 progress: ProgressCallback | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of the segment table, ordered by document and position."""
    from ..analysis.frames import code_tree
    from ..errors import InvalidInput

    progress = progress or no_progress
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    tree = code_tree(project)
    wanted: list[str] = [c.id for c in tree.codes]
    if codes:
        wanted = []
        for cid in codes:
            if cid not in tree.by_id:
                raise InvalidInput(project.codes.not_found(cid).message)
            wanted.extend(c for c in tree.descendants(cid) if c not in wanted)
    doc_set: set[int] | None = None
    if case:
        doc_set = set(project.documents.resolve_case_documents(case)[1])
    documents = {d.id: d for d in project.documents.all()}
    attribute_names = sorted({k for d in documents.values() for k in d.attributes})
    header = FIXED_BEFORE + attribute_names + FIXED_AFTER
    paths = {c.id: tree.path(c.id) for c in tree.codes}
    wanted_set = set(wanted)
    spans = [r for r in project.codings.spans(sorted(doc_set) if doc_set is not None else None)
             if r["code_id"] in wanted_set and (coder is None or r["coder"] == coder)]
    rows: list[dict[str, Any]] = []
    chunk = 2000
    for n in range(0, len(spans), chunk):
        for p in project.retrieval.passages_for([r["id"] for r in spans[n:n + chunk]]):
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


def export_segments(project: Project, output: str | Path, *, fmt: str | None = None, codes: Sequence[str] = (),
                    case: str | None = None, coder: str | None = None, pseudonymise: bool = False,
                    delimiter: str = ",", progress: ProgressCallback | None = None) -> int:
    """Write the segment table as .csv or .xlsx; returns the number of rows."""
    output_format(output, TABLE_FORMATS, fmt)
    header, rows = segment_rows(project, codes=codes, case=case, coder=coder, pseudonymise=pseudonymise,
                                progress=progress)
    write_segment_table(output, header, rows, fmt=fmt, delimiter=delimiter)
    return len(rows)


def write_segment_table(output: str | Path, header: list[str], rows: Sequence[dict[str, Any]], *,
                        fmt: str | None = None, delimiter: str = ",") -> None:
    """Write rows of :func:`segment_rows` as .csv or .xlsx (by suffix or ``fmt``)."""
    chosen = output_format(output, TABLE_FORMATS, fmt)
    table = [header, *([row.get(h, "") for h in header] for row in rows)]
    if chosen == "csv":
        write_csv(output, table, delimiter=delimiter)
    else:
        named = {"text": 80, "memo": 40, "code_path": 40, "document": 30, "guid": 38}
        widths = {i: named[h] for i, h in enumerate(header, start=1) if h in named}
        write_xlsx(output, [Sheet("segmenten", table, widths=widths, default_width=14, auto_filter=True)])
