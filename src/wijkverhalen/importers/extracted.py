"""What a format's reader hands to :func:`wijkverhalen.importers.parse_file`.

Most readers return only ``(text, metadata)``; a reader that knows where speakers
are (bold names in a .docx, voices in WebVTT) returns an :class:`Extracted` with
``hints`` (spans judged by the turn detector's rules) or ``labels`` (turns the
format itself marks, used as they are).
"""

from __future__ import annotations

from typing import NamedTuple

from wijkverhalen.importers.turns import Label, LabelHint


class Extracted(NamedTuple):
    """Canonical text, the file's own metadata, and what the format says about speakers."""

    text: str
    metadata: dict[str, str]
    hints: tuple[LabelHint, ...] = ()
    labels: tuple[Label, ...] = ()
