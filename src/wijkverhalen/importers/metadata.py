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
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import yaml

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.encoding import read_text_file
from wijkverhalen.safeyaml import FrontMatterLoader, RefusedYAML
from wijkverhalen.textsafe import printable

_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
# Header names (casefolded, without spaces, '_' and '-') that name the file column.
_KEY_COLUMNS = ("file", "bestand", "filename", "bestandsnaam", "document", "documentnaam",
                "documentname", "files", "bestanden", "doc", "path", "pad")
_DELIMITERS = (",", ";", "\t")
_SAMPLE = 65536
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


def _choose_delimiter(text: str) -> str:
    """Comma, semicolon (Dutch Excel) or tab: the one that splits the sample into a table.

    Every candidate parses the sample with the standard (Excel) quoting rules,
    quotes doubled inside quoted cells; the delimiter that gives the most rows
    as wide as the header (at least two columns) wins, comma on a tie. Sniffing
    the header alone guessed quoting wrongly and shifted cells into other columns.
    """
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (-1, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter)
                    if any(cell.strip() for cell in r)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(1 for r in rows[1:] if len(r) == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def _key_index(header: list[str], path: Path) -> int:
    """The column that names the file: ``file``, ``bestand``, ``filename``, ``document``..."""
    lowered = [_column_key(name) for name in header]
    for wanted in _KEY_COLUMNS:
        if wanted in lowered:
            return lowered.index(wanted)
    shown = ", ".join(f"'{printable(name)}'" for name in header if name) or "none"
    raise ImportError_(
        "metadata table has no file column (name one 'file', 'bestand', 'filename' or "
        f"'document'); its columns are: {shown}",
        path=path, line=1,
    )


def _name_key(name: str) -> str:
    """Compare file names case-insensitively and without any folder part."""
    return PurePath(name.replace("\\", "/")).name.casefold()


@dataclass(frozen=True)
class MetadataTable:
    """A sidecar table: rows keyed by file name as written, and each row's line."""

    path: Path
    rows: dict[str, dict[str, str]]
    lines: dict[str, int]
    key_column: str
    warnings: tuple[str, ...] = ()


def read_metadata_table(path: Path) -> MetadataTable:
    """Read a sidecar table: one row per document, keyed by file name.

    The delimiter is a comma, semicolon or tab (see :func:`_choose_delimiter`),
    quoting is standard CSV. The key column is the one named ``file``,
    ``bestand``, ``bestandsnaam``, ``filename``, ``document`` or ``path`` (any
    case); without one the table is refused with its columns listed. Values are
    stripped; empty cells are left out so they do not overwrite attributes from
    elsewhere. A row without a key, a duplicate key, a duplicate column name or
    a row with more cells than the header raises :class:`ImportError_` naming the line.
    """
    path = Path(path)
    decoded = read_text_file(path)
    text = decoded.text
    reader = csv.reader(io.StringIO(text), delimiter=_choose_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - decode_text already refused empty files
        raise ImportError_("metadata table has no header row", path=path, line=1) from None
    except csv.Error as exc:
        raise ImportError_(f"malformed CSV: {exc}", path=path, line=1) from exc
    header = [name.strip() for name in header]
    if not any(header):
        raise ImportError_("metadata table has no header row", path=path, line=1)
    key_at = _key_index(header, path)
    named = [name for name in header if name]
    for name in named:
        if named.count(name) > 1:
            raise ImportError_(f"column '{printable(name)}' appears twice in the header",
                               path=path, line=1)
    rows: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
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
                    f"row has no value in column '{printable(header[key_at])}'", path=path, line=line
                )
            norm = _name_key(key)
            if norm in seen:
                raise ImportError_(
                    f"duplicate file '{printable(key)}' (first on line {seen[norm]})",
                    path=path, line=line,
                )
            seen[norm] = line
            lines[key] = line
            rows[key] = {
                name: cell.strip()
                for i, (name, cell) in enumerate(zip(header, cells, strict=False))
                if i != key_at and name and cell.strip()
            }
    except csv.Error as exc:
        raise ImportError_(f"malformed CSV: {exc}", path=path, line=reader.line_num) from exc
    return MetadataTable(path, rows, lines, header[key_at], decoded.warnings)


def read_metadata_csv(path: Path) -> dict[str, dict[str, str]]:
    """The rows of :func:`read_metadata_table`, keyed by file name as written."""
    return read_metadata_table(path).rows


class MetadataIndex:
    """Sidecar rows indexed once by casefolded file name and by stem.

    Matching 1,000 files against a 1,000-row sidecar by scanning costs seconds;
    two dict look-ups per file cost nothing. The index remembers which rows
    matched, so :meth:`unmatched` can report rows that matched no file.
    """

    def __init__(self, csv_rows: Mapping[str, Mapping[str, str]]) -> None:
        self.rows = csv_rows
        self.by_name: dict[str, str] = {}
        self.by_stem: dict[str, str] = {}
        self.used: set[str] = set()
        for key in csv_rows:
            norm = _name_key(key)
            self.by_name.setdefault(norm, key)
            self.by_stem.setdefault(norm, key)
            self.by_stem.setdefault(PurePath(norm).stem, key)

    def key_for(self, path: Path) -> str | None:
        """The row key that ``path`` matches (and mark it used), or None."""
        key = self.by_name.get(path.name.casefold()) or self.by_stem.get(path.stem.casefold())
        if key is not None:
            self.used.add(key)
        return key

    def lookup(self, path: Path) -> dict[str, str]:
        key = self.key_for(path)
        return dict(self.rows[key]) if key is not None else {}

    def unmatched(self) -> list[str]:
        """Row keys, in table order, that no :meth:`lookup` has matched."""
        return [key for key in self.rows if key not in self.used]


def metadata_for(csv_rows: Mapping[str, Mapping[str, str]] | MetadataIndex, path: Path) -> dict[str, str]:
    """The sidecar row for ``path``: by file name (any case), else by stem.

    ``interview_fatima.docx`` matches a row keyed ``interview_fatima.docx``,
    ``Interview_Fatima.DOCX``, ``map/interview_fatima.docx`` or ``interview_fatima``.
    Pass a :class:`MetadataIndex` when matching many files.
    """
    index = csv_rows if isinstance(csv_rows, MetadataIndex) else MetadataIndex(csv_rows)
    return index.lookup(path)
