"""OpenDocument text (.odt) via odfpy.

Headings and paragraphs are read in document order, also inside lists, sections
and tables (a table row becomes one line, cells joined by `` | ``). Comments
(annotations), footnotes and tracked deletions are left out, because inline they
would break the sentences of the transcript. odfpy is imported lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.archive import check_package

CELL_SEPARATOR = " | "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DC = "http://purl.org/dc/elements/1.1/"

_PARAGRAPHS = {(_TEXT, "p"), (_TEXT, "h")}
_CONTAINERS = {
    (_TEXT, "list"),
    (_TEXT, "list-item"),
    (_TEXT, "list-header"),
    (_TEXT, "section"),
    (_TEXT, "index-body"),
}
_ROW_GROUPS = {(_TABLE, "table-header-rows"), (_TABLE, "table-rows"), (_TABLE, "table-row-group")}
_SKIP_INLINE = {(_OFFICE, "annotation"), (_TEXT, "note"), (_TEXT, "tracked-changes")}
_ELEMENT = 1


def _inline_text(element: Any) -> str:
    """Like ``odf.teletype.extractText`` but without annotations and notes."""
    parts: list[str] = []
    for node in element.childNodes:
        if node.nodeType != _ELEMENT:
            parts.append(str(node.data))
        elif node.qname in _SKIP_INLINE:
            continue
        elif node.qname == (_TEXT, "s"):
            parts.append(" " * int(node.getAttribute("c") or 1))
        elif node.qname == (_TEXT, "tab"):
            parts.append("\t")
        elif node.qname == (_TEXT, "line-break"):
            parts.append("\n")
        else:
            parts.append(_inline_text(node))
    return "".join(parts)


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs, lists and nested tables on one line, so a row stays one line."""
    lines = _block_lines(cell)
    return " ".join(line.replace("\n", " ").strip() for line in lines if line.strip())


def _rows(table: Any) -> Iterator[str]:
    for node in table.childNodes:
        if node.nodeType != _ELEMENT:
            continue
        if node.qname == (_TABLE, "table-row"):
            cells = [
                _cell_text(c)
                for c in node.childNodes
                if c.nodeType == _ELEMENT and c.qname == (_TABLE, "table-cell")
            ]
            yield CELL_SEPARATOR.join(cells).strip()
        elif node.qname in _ROW_GROUPS:
            yield from _rows(node)


def _block_lines(parent: Any) -> Iterator[str]:
    for node in parent.childNodes:
        if node.nodeType != _ELEMENT:
            continue
        if node.qname in _PARAGRAPHS:
            yield _inline_text(node)
        elif node.qname == (_TABLE, "table"):
            yield from _rows(node)
        elif node.qname in _CONTAINERS:
            yield from _block_lines(node)


def _meta(document: Any) -> dict[str, str]:
    wanted = {
        (_DC, "title"): "title",
        (_META, "initial-creator"): "author",
        (_DC, "creator"): "author",
        (_META, "creation-date"): "created",
    }
    metadata: dict[str, str] = {}
    for node in getattr(document.meta, "childNodes", ()):
        key = wanted.get(getattr(node, "qname", ("", "")))
        value = _inline_text(node).strip() if key else ""
        if key and value and key not in metadata:
            metadata[key] = value
    return metadata


def extract_odt(path: Path, *, properties: bool = False,
                warnings: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """Text (paragraphs, headings, table rows) of an .odt.

    Its meta fields (title, author, created) become metadata only with
    ``properties=True``, as for .docx. The package is checked first.
    """
    from odf.opendocument import load  # lazy: odfpy builds big tables at import

    check_package(path, ".odt")
    try:
        document = load(str(path))
    except KeyError as exc:
        raise ImportError_(f"not a valid .odt (missing part: {exc.args[0]})", path=path) from exc
    except Exception as exc:  # zipfile, expat and odfpy errors alike
        raise ImportError_(f"not a valid .odt ({type(exc).__name__}: {exc})", path=path) from exc
    body = document.text
    if body is None:
        raise ImportError_("not a valid .odt (no text body; a spreadsheet or drawing?)", path=path)
    text = "\n".join(_block_lines(body)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportError_("empty file (no text in the document)", path=path)
    return text, (_meta(document) if properties else {})
