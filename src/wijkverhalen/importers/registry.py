"""The one list of import formats, by file suffix.

:func:`~wijkverhalen.importers.parse_file` (and through it the import pipeline in
:mod:`wijkverhalen.importing`), folder walks, the CLI's ``import`` help and the
workbench's import dialog all read this registry, so a format registered here is
imported, walked into and listed everywhere. An :class:`Importer` is a format name
(stored as ``Document.format``), its suffixes, a description and its reader,
``extract(path, *, properties, warnings)`` returning ``(text, metadata)`` or an
:class:`~wijkverhalen.importers.extracted.Extracted`. The reader may be given as
``"module:function"`` so this module (and ``wijkverhalen --help``) stays light; it
is imported on first use. Register with :func:`register_importer`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Extract = Callable[..., Any]  # (path, *, properties, warnings) -> (text, metadata) | Extracted


@dataclass(frozen=True)
class Importer:
    format: str
    suffixes: tuple[str, ...]
    extract: Extract | str  # a function, or "package.module:function"
    description: str = ""

    def reader(self) -> Extract:
        """The extract function (imported now when given by name)."""
        if callable(self.extract):
            return self.extract
        module, _, name = self.extract.partition(":")
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


_IMPORTERS: dict[str, Importer] = {}  # by format name, in registration order


def register_importer(importer: Importer) -> Importer:
    """Add ``importer`` (or replace the one with its format name); its suffixes are lower case."""
    suffixes = tuple(s.lower() for s in importer.suffixes)
    for suffix in suffixes:
        if not suffix.startswith("."):
            raise ValueError(f"suffix '{suffix}' must start with a dot")
    importer = Importer(importer.format, suffixes, importer.extract, importer.description)
    _IMPORTERS[importer.format] = importer
    return importer


def unregister_importer(format: str) -> None:
    _IMPORTERS.pop(format, None)


def importers() -> tuple[Importer, ...]:
    return tuple(_IMPORTERS.values())


def importer_for(path: str | Path) -> Importer | None:
    """The importer of ``path``'s suffix (the one registered last wins), or None."""
    suffix = Path(path).suffix.lower()
    found = None
    for importer in _IMPORTERS.values():
        if suffix in importer.suffixes:
            found = importer
    return found


def supported_suffixes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for i in _IMPORTERS.values() for s in i.suffixes))


def format_names() -> tuple[str, ...]:
    """The format names, for help texts that list what can be imported ("txt, md, docx, ...")."""
    return tuple(_IMPORTERS)


for _importer in (
    Importer("txt", (".txt",), "wijkverhalen.importers.text:extract_text", "plain text"),
    Importer("md", (".md", ".markdown"), "wijkverhalen.importers.text:extract_text", "Markdown"),
    Importer("docx", (".docx",), "wijkverhalen.importers.docx:extract_docx", "Word"),
    Importer("odt", (".odt",), "wijkverhalen.importers.odt:extract_odt", "OpenDocument text"),
    Importer("pdf", (".pdf",), "wijkverhalen.importers.pdf:extract_pdf", "PDF with a text layer"),
    Importer("vtt", (".vtt",), "wijkverhalen.importers.subtitles:extract_vtt", "WebVTT subtitles"),
    Importer("srt", (".srt",), "wijkverhalen.importers.subtitles:extract_srt", "SubRip subtitles"),
):
    register_importer(_importer)
