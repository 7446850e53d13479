"""Word documents (.docx) via python-docx.

Body paragraphs and tables are read in document order by walking the XML body
(``w:p``, ``w:tbl``, and content controls ``w:sdt`` around them). A table row
becomes one line with its cells joined by `` | ``, which keeps a two-column
transcript table (speaker | text) readable and codable (the turn detector reads
``Name | text`` as a turn). A paragraph that opens with a bold name (``**Fatima**
Ik woon...``, or a bold name in a paragraph of its own) is passed on as a
:class:`~wijkverhalen.importers.turns.LabelHint`; headings are not. Text inserted with
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
from wijkverhalen.importers.extracted import Extracted
from wijkverhalen.importers.turns import LabelHint

CELL_SEPARATOR = " | "
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Runs directly in the paragraph, in hyperlinks, in tracked insertions/moves,
# smart tags, simple fields and inline content controls, in document order.
_RUNS = (
    "w:r | w:hyperlink | w:ins/w:r | w:ins/w:hyperlink | w:moveTo/w:r | w:smartTag/w:r"
    " | w:fldSimple/w:r | w:sdt/w:sdtContent/w:r"
)


_HEADING_STYLES = ("heading", "kop", "title", "titel", "subtitle", "ondertitel")
_OFF = {"0", "false", "off", "none"}


def _paragraph_text(p: Any) -> str:
    return "".join(e.text for e in p.xpath(_RUNS))


def _is_bold(run: Any) -> bool:
    for b in run.iterchildren(f"{_W}rPr"):
        for flag in b.iterchildren(f"{_W}b"):
            return flag.get(f"{_W}val", "1").lower() not in _OFF
    return False


def _bold_lead(p: Any) -> int:
    """Length of the bold text that opens a paragraph (0 for none, or for a heading)."""
    for style in p.xpath("w:pPr/w:pStyle"):
        if style.get(f"{_W}val", "").lower().startswith(_HEADING_STYLES):
            return 0
    length = 0
    for element in p.xpath(_RUNS):
        text = element.text
        if element.tag != f"{_W}r" or not (_is_bold(element) or not text.strip()):
            break
        length += len(text)
    return length


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs (and nested tables) on one line, so a row stays one line."""
    lines = (line for line, _ in _block_lines(tc))
    return " ".join(line.replace("\n", " ").strip() for line in lines if line.strip())


def _table_lines(tbl: Any) -> Iterator[str]:
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells = [_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")]
        yield CELL_SEPARATOR.join(cells).strip()


def _block_lines(parent: Any) -> Iterator[tuple[str, int]]:
    """``(line, length of its bold lead)`` for each paragraph and table row."""
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            yield _paragraph_text(child), _bold_lead(child)
        elif child.tag == f"{_W}tbl":
            yield from ((line, 0) for line in _table_lines(child))
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
                 warnings: list[str] | None = None) -> Extracted:
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
    lines: list[str] = []
    hints: list[LabelHint] = []
    offset = 0
    for line, bold in _block_lines(document.element.body):
        line = line.replace("\r\n", "\n").replace("\r", "\n")
        lead = len(line) - len(line.lstrip())
        if bold > lead and "\n" not in line[:bold]:
            hints.append(LabelHint(offset + lead, offset + bold))
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    if not text.strip():
        raise ImportError_("empty file (no text in the document)", path=path)
    return Extracted(text, _core_metadata(document) if properties else {}, hints=tuple(hints))
