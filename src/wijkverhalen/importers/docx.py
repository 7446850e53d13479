"""Word documents (.docx) via python-docx.

Body paragraphs and tables are read in document order by walking the XML body
(``w:p``, ``w:tbl``, and content controls ``w:sdt`` around them). A table row
becomes one line with its cells joined by `` | ``, which keeps a two-column
transcript table (speaker | text) readable and codable. Text inserted with
tracked changes is included, deleted text is not; comments, headers and footers
are left out. The package is checked for zip bombs and DTDs before python-docx
reads it. python-docx is imported lazily to keep ``wijkverhalen --help`` fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.archive import check_package

CELL_SEPARATOR = " | "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Runs directly in the paragraph, in hyperlinks, in tracked insertions/moves,
# smart tags, simple fields and inline content controls, in document order.
_RUNS = (
    "w:r | w:hyperlink | w:ins/w:r | w:ins/w:hyperlink | w:moveTo/w:r | w:smartTag/w:r"
    " | w:fldSimple/w:r | w:sdt/w:sdtContent/w:r"
)


def _paragraph_text(p: Any) -> str:
    return "".join(e.text for e in p.xpath(_RUNS))


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs (and nested tables) on one line, so a row stays one line."""
    lines = _block_lines(tc)
    return " ".join(line.replace("\n", " ").strip() for line in lines if line.strip())


def _table_lines(tbl: Any) -> Iterator[str]:
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells = [_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")]
        yield CELL_SEPARATOR.join(cells).strip()


def _block_lines(parent: Any) -> Iterator[str]:
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            yield _paragraph_text(child)
        elif child.tag == f"{_W}tbl":
            yield from _table_lines(child)
        elif child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _block_lines(content)


def _core_metadata(document: Any) -> dict[str, str]:
    props = document.core_properties
    found = {"title": props.title, "author": props.author, "created": props.created}
    metadata: dict[str, str] = {}
    for key, value in found.items():
        if value is None:
            continue
        text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        if text:
            metadata[key] = text
    return metadata


def extract_docx(path: Path, *, properties: bool = False,
                 warnings: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """Text (paragraphs and table rows, one per line) of a .docx.

    The core properties (title, author, created) become metadata only with
    ``properties=True``: the author is often a login name that would otherwise
    end up in every export. The package is checked first (size limits, no DTD;
    see :mod:`wijkverhalen.importers.archive`).
    """
    from docx import Document  # lazy: lxml and python-docx are slow to import

    check_package(path, ".docx")
    try:
        document = Document(str(path))
    except KeyError as exc:
        raise ImportError_(f"not a valid .docx (missing part: {exc.args[0]})", path=path) from exc
    except Exception as exc:  # python-docx raises many kinds for damaged packages
        raise ImportError_(f"not a valid .docx ({type(exc).__name__}: {exc})", path=path) from exc
    lines = list(_block_lines(document.element.body))
    text = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportError_("empty file (no text in the document)", path=path)
    return text, (_core_metadata(document) if properties else {})
