"""Document attributes from YAML front matter and from a CSV sidecar table.

Researchers record attributes of an interview (wijk, rol, datum, interviewer...) in
two ways: a YAML block at the top of a text or Markdown transcript, or one
spreadsheet row per interview saved as CSV next to the files. Both end up as a
flat ``dict[str, str]``; values are kept as written (``id: 007`` stays ``"007"``,
``datum: 2021-03-01`` stays ISO) because they are labels, not numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import yaml

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.encoding import read_text_file
from wijkverhalen.safeyaml import FrontMatterLoader, RefusedYAML

_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
_KEY_COLUMNS = ("file", "bestand", "filename")
_NULLS = frozenset({"~", "null", "Null", "NULL"})


def _stringify(value: Any) -> str:
    """Flatten a YAML value loaded with BaseLoader (strings, lists, dicts) to one string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "" if value in _NULLS else value
    if isinstance(value, list):
        return ", ".join(_stringify(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def split_front_matter(text: str, path: str | Path | None = None) -> tuple[dict[str, str], str]:
    """Split ``---``-fenced YAML front matter from the top of ``text``.

    Returns ``(metadata, remaining_text)``; without front matter the text comes back
    unchanged with empty metadata. Line numbers in errors count from the file's
    first line (the opening ``---``).
    """
    first_end = text.find("\n")
    if first_end == -1 or not _FENCE.fullmatch(text[:first_end]):
        return {}, text
    pos = first_end + 1
    close_start = close_end = -1
    while pos <= len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl == -1 else nl
        if _CLOSE.fullmatch(text, pos, line_end):
            close_start, close_end = pos, (line_end if nl == -1 else nl + 1)
            break
        if nl == -1:
            break
        pos = nl + 1
    if close_start == -1:
        raise ImportError_("front matter is not closed (no '---' line after it)", path=path, line=1)
    block = text[first_end + 1 : close_start]
    try:
        # BaseLoader keeps every scalar a string as written: no 12:30 -> 750
        # sexagesimal surprises, no lost leading zeros, dates stay ISO text.
        # FrontMatterLoader also refuses anchors and aliases: flattening an alias
        # bomb below would take gigabytes (see wijkverhalen.safeyaml).
        loaded = yaml.load(block, Loader=FrontMatterLoader)  # noqa: S506 - builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if context is not None and (mark is None or mark.line >= block.count("\n")):
            # "Unexpected end of stream" points at the closing fence; the line
            # where the unclosed bracket or quote started is more helpful.
            mark = context
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        if not isinstance(exc, RefusedYAML):  # refused YAML is valid, not malformed
            problem = f"malformed front matter: {problem}"
        raise ImportError_(problem, path=path, line=line) from exc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ImportError_(
            "front matter must be a mapping of 'key: value' lines", path=path, line=2
        )
    metadata = {str(key).strip(): _stringify(value) for key, value in loaded.items()}
    return metadata, text[close_end:]


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, semicolon (Dutch Excel) or tab separated; comma when unsure."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _key_index(header: list[str]) -> int:
    lowered = [name.strip().casefold() for name in header]
    for wanted in _KEY_COLUMNS:
        if wanted in lowered:
            return lowered.index(wanted)
    return 0


def _name_key(name: str) -> str:
    """Compare file names case-insensitively and without any folder part."""
    return PurePath(name.replace("\\", "/")).name.casefold()


def read_metadata_csv(path: Path) -> dict[str, dict[str, str]]:
    """Read a sidecar table: one row per document, keyed by file name.

    The key column is ``file``, ``bestand`` or ``filename`` (any case), else the
    first column. Values are stripped; empty cells are left out so they do not
    overwrite attributes from elsewhere. A row without a key, a duplicate key or a
    row with more cells than the header raises :class:`ImportError_` naming the line.
    """
    text = read_text_file(path).text
    header_end = text.find("\n")
    dialect = _sniff_dialect(text if header_end == -1 else text[:header_end])
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - decode_text already refused empty files
        raise ImportError_("metadata table has no header row", path=path, line=1) from None
    header = [name.strip() for name in header]
    if not any(header):
        raise ImportError_("metadata table has no header row", path=path, line=1)
    key_at = _key_index(header)
    if not header[key_at]:
        raise ImportError_("metadata table has no key column (file/bestand)", path=path, line=1)
    rows: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ImportError_(
                    f"row has {len(cells)} cells but the header has {len(header)}",
                    path=path,
                    line=line,
                )
            key = cells[key_at].strip() if key_at < len(cells) else ""
            if not key:
                raise ImportError_(
                    f"row has no value in column '{header[key_at]}'", path=path, line=line
                )
            norm = _name_key(key)
            if norm in seen:
                raise ImportError_(
                    f"duplicate file '{key}' (first on line {seen[norm]})", path=path, line=line
                )
            seen[norm] = line
            rows[key] = {
                name: cell.strip()
                for i, (name, cell) in enumerate(zip(header, cells, strict=False))
                if i != key_at and name and cell.strip()
            }
    except csv.Error as exc:
        raise ImportError_(f"malformed CSV: {exc}", path=path, line=reader.line_num) from exc
    return rows


class MetadataIndex:
    """Sidecar rows indexed once by casefolded file name and by stem.

    Matching 1,000 files against a 1,000-row sidecar by scanning costs seconds;
    two dict look-ups per file cost nothing.
    """

    def __init__(self, csv_rows: Mapping[str, Mapping[str, str]]) -> None:
        self.by_name: dict[str, Mapping[str, str]] = {}
        self.by_stem: dict[str, Mapping[str, str]] = {}
        for key, row in csv_rows.items():
            norm = _name_key(key)
            self.by_name.setdefault(norm, row)
            self.by_stem.setdefault(norm, row)
            self.by_stem.setdefault(PurePath(norm).stem, row)

    def lookup(self, path: Path) -> dict[str, str]:
        row = self.by_name.get(path.name.casefold()) or self.by_stem.get(path.stem.casefold())
        return dict(row) if row is not None else {}


def metadata_for(csv_rows: Mapping[str, Mapping[str, str]] | MetadataIndex, path: Path) -> dict[str, str]:
    """The sidecar row for ``path``: by file name (any case), else by stem.

    ``interview_fatima.docx`` matches a row keyed ``interview_fatima.docx``,
    ``Interview_Fatima.DOCX``, ``map/interview_fatima.docx`` or ``interview_fatima``.
    Pass a :class:`MetadataIndex` when matching many files.
    """
    index = csv_rows if isinstance(csv_rows, MetadataIndex) else MetadataIndex(csv_rows)
    return index.lookup(path)
