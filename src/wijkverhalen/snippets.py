"""Search snippets: a sentence with its matches in ``[brackets]`` (from the store).

Shared by the CLI and the TUI, which both show matches highlighted with rich.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

_MARK = re.compile(r"(\[[^\]]*\])")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """``(text, is_match)`` pieces of a snippet, brackets removed."""
    parts = []
    for part in _MARK.split(snippet):
        if part.startswith("[") and part.endswith("]"):
            parts.append((part[1:-1], True))
        elif part:
            parts.append((part, False))
    return parts


def snippet_text(snippet: str, style: str = "bold reverse") -> Text:
    """The snippet as rich Text with its matches styled (no markup parsing)."""
    from rich.text import Text

    text = Text()
    for part, is_match in snippet_parts(snippet):
        text.append(part, style=style if is_match else None)
    return text
