"""Plain-text and Markdown transcripts (.txt, .md, .markdown).

The canonical text is the decoded file with newlines normalised and the BOM and
YAML front matter removed; everything else, Markdown markup included, is kept
exactly so that offsets match what the researcher sees in an editor.
"""

from __future__ import annotations

from pathlib import Path

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.encoding import read_text_file
from wijkverhalen.importers.metadata import split_front_matter


def extract_text(path: Path, *, properties: bool = False,
                 warnings: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """Canonical text and front-matter metadata of a .txt/.md file.

    Notes about lines decoded differently (mixed encodings) go to ``warnings``.
    """
    decoded = read_text_file(path)
    if warnings is not None:
        warnings.extend(decoded.warnings)
    metadata, text = split_front_matter(decoded.text, path)
    if not text or text.isspace():
        raise ImportError_("empty file (front matter only)", path=path)
    return text, metadata
