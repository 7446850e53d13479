"""Selection offsets of REFI-QDA text sources: code points, UTF-16 units, newlines.

The standard counts Unicode code points from 0, end exclusive (as Python string
indices do). NVivo for Windows counts UTF-16 code units instead (an emoji or other
character outside the Basic Multilingual Plane is two), on the text with its BOM
removed and CRLF kept (two units). Both agree on texts without such characters, so
the choice only matters, and can only be detected, when a source has them.

:func:`detect_mode` decides from the selections themselves: a selection made by a
person starts and ends at word boundaries, so the interpretation under which more
selection edges fall between words (and none inside a surrogate pair or past the end
of the text) wins. The importer reports the evidence.

Text from other programs is brought to wijkverhalen's canonical form (newlines as
``\\n``); :class:`OffsetConverter` maps a selection of the file's text to the
canonical text so the coded words stay the same.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..importers.encoding import BOMS

MODES = ("codepoints", "utf16")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")



def decode_source(data: bytes | bytearray) -> tuple[str, str]:
    """Text of a source file with its BOM removed, and the encoding used.

    The standard says UTF-8; NVivo adds a BOM, some tools write UTF-16 with a BOM,
    and files from old tools may be Windows-1252.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            # A view, not a slice: a slice would copy the whole file first.
            return str(memoryview(data)[len(bom):], encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def has_astral(text: str) -> bool:
    return _ASTRAL.search(text) is not None


class OffsetConverter:
    """Maps selections counted in ``mode`` on ``raw`` to code points of the canonical text."""

    def __init__(self, raw: str, mode: str = "codepoints", *, normalise_newlines: bool = True) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.raw = raw
        self.mode = mode
        # Only the astral characters are remembered (their UTF-16 unit offsets), not a
        # table over the whole text: memory stays proportional to their number.
        self.astral_units: list[int] | None = None
        if mode == "utf16" and has_astral(raw):
            self.astral_units = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(raw))]
        self.length = len(raw) + (len(self.astral_units) if self.astral_units else 0)
        self.dropped: list[int] = []  # raw positions of the CR of each CRLF removed
        if normalise_newlines and "\r" in raw:
            self.dropped = [m.start() for m in re.finditer("\r\n", raw)]
            self.canonical = raw.replace("\r\n", "\n").replace("\r", "\n")
        else:
            self.canonical = raw

    def to_raw(self, unit: int, *, end: bool) -> tuple[int, bool]:
        """Raw code point index of a unit offset; True if it fell inside a character (snapped)."""
        if self.astral_units is None:
            return unit, False
        before = bisect.bisect_left(self.astral_units, unit)  # astral characters starting before the unit
        if before and self.astral_units[before - 1] + 1 == unit:  # between the two halves of a pair
            start = self.astral_units[before - 1] - (before - 1)
            return (start + 1 if end else start), True
        return unit - before, False

    def to_canonical(self, raw_index: int) -> int:
        if not self.dropped:
            return raw_index
        return raw_index - bisect.bisect_left(self.dropped, raw_index)

    def span(self, start: int, end: int) -> tuple[int, int, bool] | str:
        """``(start, end, snapped)`` in the canonical text, or the reason it is unusable."""
        if start < 0 or end < 0:
            return f"negative offset {start}-{end}"
        if end > self.length or start >= self.length:
            return f"{start}-{end} falls outside its text ({self.length} {self.unit_name})"
        if end <= start:
            return f"empty selection {start}-{end}"
        raw_start, snapped_start = self.to_raw(start, end=False)
        raw_end, snapped_end = self.to_raw(end, end=True)
        cs, ce = self.to_canonical(raw_start), self.to_canonical(raw_end)
        if ce <= cs:
            return f"selection {start}-{end} holds only a line break"
        return cs, ce, snapped_start or snapped_end

    @property
    def unit_name(self) -> str:
        return "UTF-16 units" if self.mode == "utf16" else "characters"


def _edge_ok(text: str, pos: int) -> bool:
    if pos <= 0 or pos >= len(text):
        return True
    return not (text[pos - 1].isalnum() and text[pos].isalnum())


def _score(raw: str, selections: Sequence[tuple[int, int]], mode: str) -> int:
    conv = OffsetConverter(raw, mode, normalise_newlines=False)
    score = 0
    for start, end in selections:
        if start < 0 or end > conv.length or end <= start:
            score -= 5
            continue
        s, snapped_s = conv.to_raw(start, end=False)
        e, snapped_e = conv.to_raw(end, end=True)
        if snapped_s or snapped_e:
            score -= 5
            continue
        score += _edge_ok(raw, s) + _edge_ok(raw, e)
    return score


@dataclass(frozen=True)
class Detection:
    mode: str
    reason: str
    codepoint_score: int = 0
    utf16_score: int = 0
    compared: int = 0


def detect_mode(sources: Sequence[tuple[str, Sequence[tuple[int, int]]]], origin: str = "") -> Detection:
    """Pick ``codepoints`` or ``utf16`` for a whole file from its sources' selections."""
    relevant = [(raw, sels) for raw, sels in sources if sels and has_astral(raw)]
    if not relevant:
        return Detection("codepoints", "no source has characters outside the BMP, so code points and "
                                       "UTF-16 units agree")
    cp = sum(_score(raw, sels, "codepoints") for raw, sels in relevant)
    u16 = sum(_score(raw, sels, "utf16") for raw, sels in relevant)
    n = sum(len(sels) for _, sels in relevant)
    if u16 > cp:
        return Detection("utf16", f"selection edges fit word boundaries better as UTF-16 units "
                                  f"({u16} vs {cp} points over {n} selections)", cp, u16, n)
    if cp > u16:
        return Detection("codepoints", f"selection edges fit word boundaries better as code points "
                                       f"({cp} vs {u16} points over {n} selections)", cp, u16, n)
    nvivo_windows = "nvivo" in origin.lower() and "mac" not in origin.lower()
    mode = "utf16" if nvivo_windows else "codepoints"
    return Detection(mode, f"the selections fit both ways equally ({cp} points); chose {mode} "
                           f"from the origin '{origin or 'unknown'}'", cp, u16, n)
