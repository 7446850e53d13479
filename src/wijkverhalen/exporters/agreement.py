"""The agreement table and the list of disagreements as CSV, XLSX or Markdown."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from .tables import frame_rows, write_table

FORMATS = (".csv", ".xlsx", ".md")
DISAGREEMENT_COLUMNS = ["document", "start", "end", "code", "label"]


def check_output(path: Path) -> None:
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput("output must end in .csv, .xlsx or .md", path=path)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    return " ".join(str(value).replace("|", "\\|").split())


def markdown_table(rows: Sequence[Sequence[Any]]) -> str:
    header, *body = rows
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def write_agreement(path: Path, frame: Any) -> None:
    rows = frame_rows(frame, index=True, index_label="code")
    if path.suffix.lower() == ".md":
        path.write_text("# Inter-coder agreement\n\n" + markdown_table(rows), encoding="utf-8")
    else:
        write_table(path, rows, sheet_name="agreement")


def disagreement_rows(found: Sequence[dict[str, Any]], coders: Sequence[str]) -> list[list[Any]]:
    header = [*DISAGREEMENT_COLUMNS, *coders, "text"]
    return [header, *([row.get(c, "") for c in header] for row in found)]


def write_disagreements(path: Path, found: Sequence[dict[str, Any]], coders: Sequence[str]) -> None:
    rows = disagreement_rows(found, coders)
    if path.suffix.lower() == ".md":
        path.write_text(f"# Disagreements ({', '.join(coders)})\n\n" + markdown_table(rows), encoding="utf-8")
    else:
        write_table(path, rows, sheet_name="disagreements")
