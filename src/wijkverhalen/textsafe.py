"""Make untrusted text safe to print on a terminal.

File names, CSV cells and YAML values come from outside; a file called
``\\x1b]0;pwned\\x07.txt`` would otherwise retitle the user's terminal, clear the
screen or hide the rest of an error line when printed. :func:`printable`
replaces every control character (C0, DEL, C1) and the Unicode bidirectional
overrides that reorder what the reader sees with a visible escape such as
``\\x1b`` or ``\\u202e``; ordinary text, accents included, is left alone.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline too: a file name or a one-line message has no
# business with them), DEL, C1 controls, and the bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069) behind "Trojan source" tricks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``str(value)`` with control characters shown as ``\\xNN`` escapes.

    >>> printable("rapport\\x1b[2J.txt")
    'rapport\\\\x1b[2J.txt'
    """
    text = str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text

