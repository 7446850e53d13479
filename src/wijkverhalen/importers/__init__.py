"""Read interview files into :class:`~wijkverhalen.models.ParsedDocument` (no database).

One module per format, registered by file suffix in :mod:`.registry`; each
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

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.extracted import Extracted
from wijkverhalen.importers.metadata import metadata_for, read_metadata_csv, split_front_matter
from wijkverhalen.importers.registry import (
    Importer,
    format_names,
    importer_for,
    register_importer,
    supported_suffixes,
)
from wijkverhalen.importers.turns import DEFAULT_SPEAKER_PATTERN, detect_turns, turns_from_labels
from wijkverhalen.models import ParsedDocument
from wijkverhalen.textsafe import printable

__all__ = [
    "DEFAULT_SPEAKER_PATTERN",
    "Extracted",
    "Importer",
    "detect_turns",
    "format_names",
    "importer_for",
    "iter_import_paths",
    "metadata_for",
    "parse_file",
    "read_metadata_csv",
    "register_importer",
    "split_front_matter",
    "supported_suffixes",
]


# Why common look-alikes are refused, so the user knows what to do instead.
_UNSUPPORTED_REASONS = {
    ".doc": "old Word .doc format; save it as .docx",
    ".rtf": "RTF is not supported; save it as .docx or .txt",
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
    return f"unsupported file type {kind} (supported: {', '.join(supported_suffixes())})"


def _is_supported(path: Path) -> bool:
    return importer_for(path) is not None and not path.name.startswith("~$")


def parse_file(path: Path, *, speaker_pattern: str | None = None, properties: bool = False,
               warnings: list[str] | None = None) -> ParsedDocument:
    """Read one interview file: canonical text, own metadata and speaker turns.

    Raises :class:`ImportError_` (naming the file) for unsupported, unreadable,
    corrupt, hostile (zip bomb, DTD, YAML alias), binary or empty files; see
    :func:`detect_turns` for ``speaker_pattern``. ``properties`` keeps a .docx's or
    .odt's own title/author/created as metadata (off: they leak account names).
    Notes that do not stop the import (a line read as Windows-1252) are appended
    to ``warnings``.
    """
    path = Path(path)
    importer = importer_for(path)
    if importer is None or path.name.startswith("~$"):
        raise ImportError_(_unsupported_reason(path), path=path)
    if not path.is_file():
        raise ImportError_("not found" if not path.exists() else "not a file", path=path)
    try:
        extracted = importer.reader()(path, properties=properties, warnings=warnings)
        if not isinstance(extracted, Extracted):
            extracted = Extracted(*extracted)
        text, metadata = extracted.text, extracted.metadata
        if extracted.labels and speaker_pattern is None:
            turns = turns_from_labels(text, extracted.labels)  # the format marks its speakers
        else:
            turns = detect_turns(text, speaker_pattern, extracted.hints)
    except RecursionError as exc:  # e.g. lists nested thousands deep in an .odt
        raise ImportError_("refused: the document is nested too deeply to read", path=path) from exc
    except MemoryError as exc:
        raise ImportError_("refused: the document is too large to read into memory", path=path) from exc
    return ParsedDocument(
        # A name is a label shown everywhere: no terminal control characters in it.
        name=printable(path.stem),
        text=text,
        format=importer.format,
        source_path=str(path),
        metadata=metadata,
        turns=turns,
    )


def _symlink_reason(link: Path, root: Path) -> str | None:
    """Why a symbolic link found in a folder is not followed, or None when it stays inside."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return "symbolic link loop; not followed"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; not followed"
        return "broken symbolic link (its target does not exist)"
    if not target.is_relative_to(root):
        return f"symbolic link pointing outside the imported folder (to {printable(target)}); not followed"
    return None


def _walk(folder: Path, skipped: list[tuple[Path, str]]) -> Iterable[Path]:
    """Files under ``folder``, sorted, without hidden files or folders.

    Symbolic links that stay inside ``folder`` are kept (a linked folder is
    walked where it really is); links out of it, loops and broken links are
    added to ``skipped`` with the reason, never followed.
    """
    root_real = folder.resolve()
    for root, dirs, files in os.walk(folder):  # followlinks=False: linked folders not entered
        kept = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            sub = Path(root) / name
            if sub.is_symlink():
                reason = _symlink_reason(sub, root_real)
                if reason is not None:
                    skipped.append((sub, reason))
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            found = Path(root) / name
            if found.is_symlink():
                reason = _symlink_reason(found, root_real)
                if reason is not None:
                    skipped.append((found, reason))
                    continue
            yield found


def iter_import_paths(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into importable files and ``(path, reason)`` skips.

    Folders are searched recursively in sorted order; hidden files and folders
    and CSV tables (metadata sidecars) in them are passed over silently, symbolic
    links leading out of the folder (or in a loop) are skipped with a reason. A
    file named explicitly is kept when supported even if hidden or a link. Each
    file appears once.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            skipped.append((path, "cannot resolve the path (a symbolic link loop?)"))
            return
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
            for found in _walk(path, skipped):
                # A folder of transcripts often holds its metadata sidecar; that
                # is not a failed import. A .csv named explicitly is reported.
                if found.suffix.lower() != ".csv":
                    add(found)
        elif path.is_file():
            add(path)
        elif path.is_symlink():
            skipped.append((path, _symlink_reason(path, Path("/")) or "not a file"))
        else:
            skipped.append((path, "not found"))
    return files, skipped
