"""Read interview files into :class:`~wijkverhalen.models.ParsedDocument` (no database).

One module per format, registered by file suffix in :data:`IMPORTERS`; each
returns the canonical text and the metadata the file itself carries (front
matter, document properties). :func:`parse_file` adds speaker turns. Sidecar CSV
metadata is read separately (:func:`read_metadata_csv`, :func:`metadata_for`)
and merged by the caller, which decides precedence.

Example::

    files, skipped = iter_import_paths([Path("interviews")])
    for path in files:
        parsed = parse_file(path)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.docx import extract_docx
from wijkverhalen.importers.metadata import metadata_for, read_metadata_csv, split_front_matter
from wijkverhalen.importers.odt import extract_odt
from wijkverhalen.importers.text import extract_text
from wijkverhalen.importers.turns import DEFAULT_SPEAKER_PATTERN, detect_turns
from wijkverhalen.models import ParsedDocument

__all__ = [
    "DEFAULT_SPEAKER_PATTERN",
    "IMPORTERS",
    "SUPPORTED_SUFFIXES",
    "Importer",
    "detect_turns",
    "iter_import_paths",
    "metadata_for",
    "parse_file",
    "read_metadata_csv",
    "split_front_matter",
]


class Importer(NamedTuple):
    """A format: its short name (stored as ``Document.format``) and its reader."""

    format: str
    extract: Callable[[Path], tuple[str, dict[str, str]]]


IMPORTERS: dict[str, Importer] = {
    ".txt": Importer("txt", extract_text),
    ".md": Importer("md", extract_text),
    ".markdown": Importer("md", extract_text),
    ".docx": Importer("docx", extract_docx),
    ".odt": Importer("odt", extract_odt),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(IMPORTERS)

# Why common look-alikes are refused, so the user knows what to do instead.
_UNSUPPORTED_REASONS = {
    ".doc": "old Word .doc format; save it as .docx",
    ".rtf": "RTF is not supported; save it as .docx or .txt",
    ".pdf": "PDF is not supported; export the text as .txt or .docx",
    ".csv": "a table, not a transcript (use it as a metadata sidecar)",
    ".xlsx": "a spreadsheet, not a transcript",
    ".pages": "Apple Pages is not supported; export as .docx",
}


def _unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.name.startswith("~$"):
        return "Office lock file (the document is open in Word)"
    if suffix in _UNSUPPORTED_REASONS:
        return _UNSUPPORTED_REASONS[suffix]
    kind = f"'{suffix}'" if suffix else "without a suffix"
    return f"unsupported file type {kind} (supported: {', '.join(SUPPORTED_SUFFIXES)})"


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in IMPORTERS and not path.name.startswith("~$")


def parse_file(path: Path, *, speaker_pattern: str | None = None) -> ParsedDocument:
    """Read one interview file: canonical text, own metadata and speaker turns.

    Raises :class:`ImportError_` (naming the file) for unsupported, unreadable,
    corrupt, binary or empty files; see :func:`detect_turns` for ``speaker_pattern``.
    """
    path = Path(path)
    importer = IMPORTERS.get(path.suffix.lower())
    if importer is None or path.name.startswith("~$"):
        raise ImportError_(_unsupported_reason(path), path=path)
    if not path.is_file():
        raise ImportError_("not found" if not path.exists() else "not a file", path=path)
    text, metadata = importer.extract(path)
    return ParsedDocument(
        name=path.stem,
        text=text,
        format=importer.format,
        source_path=str(path),
        metadata=metadata,
        turns=detect_turns(text, speaker_pattern),
    )


def _walk(folder: Path) -> Iterable[Path]:
    """Files under ``folder``, sorted, without hidden files or folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def iter_import_paths(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into importable files and ``(path, reason)`` skips.

    Folders are searched recursively in sorted order; hidden files and folders
    and CSV tables (metadata sidecars) in them are passed over silently. A file
    named explicitly is kept when supported even if hidden. Each file appears once.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        if _is_supported(path):
            files.append(path)
        else:
            skipped.append((path, _unsupported_reason(path)))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path):
                # A folder of transcripts often holds its metadata sidecar; that
                # is not a failed import. A .csv named explicitly is reported.
                if found.suffix.lower() != ".csv":
                    add(found)
        elif path.is_file():
            add(path)
        else:
            skipped.append((path, "not found"))
    return files, skipped
