"""Replace respondents' names by pseudonyms in everything an export writes (AVG).

The project keeps a table of full names and their pseudonyms (``wijkverhalen
pseudonyms add``). With ``--pseudonymise`` every exporter passes quotes, memos,
titles, speaker labels and attribute values through a :class:`Pseudonymiser`; the
canonical text in the project never changes.

Matching is case-insensitive and on whole words: "Jan" replaces "jan" and "JAN" but
not "Janssen" or "januari". Underscores separate words too, so a file name such as
``03_bewoner_henk`` loses the name. A multi-word name matches across any whitespace.
Possessives are kept: "Fatima's" becomes "Bewoner 7's", and the Dutch genitive
without apostrophe ("Henks fiets") becomes "Bewoner 3s"; after a pseudonym ending in
a digit or vowel the apostrophe is added ("Jans" -> "Bewoner 7's") as Dutch spelling
wants. Longer names win over shorter ones ("Jan de Vries" before "Jan").

When the text itself is exported with coding offsets (REFI-QDA), the replacement
shifts the offsets; :meth:`Pseudonymiser.apply_with_offsets` returns an
:class:`OffsetMap` that moves every offset of the original text to the new one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Project

_APOSTROPHE_AFTER = frozenset("aeiouyAEIOUY0123456789")


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets of an original text to offsets of its pseudonymised version.

    ``spans`` are ``(old_start, old_end, new_start, new_end)`` of each replacement in
    order. An offset inside a replaced name moves to the start of the replacement
    when it starts a span (``end=False``) and to its end when it ends one, so a
    coded span that covers part of a name covers the whole pseudonym.
    """

    spans: tuple[tuple[int, int, int, int], ...] = ()
    _starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s[0] for s in self.spans))

    def __call__(self, offset: int, *, end: bool = False) -> int:
        if not self.spans:
            return offset
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        old_start, old_end, new_start, new_end = self.spans[i]
        if offset >= old_end:
            return new_end + (offset - old_end)
        if offset == old_start:
            return new_start  # just before the name, whichever side of a span it is
        return new_end if end else new_start


class Pseudonymiser:
    """Callable that pseudonymises a string; an empty one returns its input unchanged."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        table: dict[str, str] = {}
        for name, pseudonym in pairs:
            key = _key(name)
            if key and pseudonym:
                table[key] = pseudonym
        self.table = table
        self.pattern: re.Pattern[str] | None = None
        if table:
            names = sorted(table, key=lambda k: (-len(k), k))
            alternatives = "|".join(r"\s+".join(re.escape(w) for w in k.split(" ")) for k in names)
            self.pattern = re.compile(
                rf"(?<![^\W_])(?P<name>{alternatives})(?P<poss>['’]s|s)?(?![^\W_])", re.IGNORECASE)

    @classmethod
    def from_project(cls, project: Project) -> Pseudonymiser:
        return cls((p.name, p.pseudonym) for p in project.pseudonyms())

    def __bool__(self) -> bool:
        return self.pattern is not None

    def _replacement(self, match: re.Match[str]) -> str:
        pseudonym = self.table.get(_key(match.group("name")))
        if pseudonym is None:  # casefold and IGNORECASE disagree (rare, e.g. ß): keep the text
            return match.group(0)
        poss = match.group("poss") or ""
        if poss.lower() == "s":
            poss = "'s" if pseudonym[-1] in _APOSTROPHE_AFTER else "s"
        return pseudonym + poss

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(self._replacement, text)

    def optional(self, text: str | None) -> str | None:
        return None if text is None else self(text)

    def apply_with_offsets(self, text: str) -> tuple[str, OffsetMap]:
        """The pseudonymised text and the map from old offsets to new ones."""
        if self.pattern is None:
            return text, OffsetMap()
        parts: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        pos = new_pos = 0
        for match in self.pattern.finditer(text):
            start, end = match.span()
            replacement = self._replacement(match)
            parts.append(text[pos:start])
            new_pos += start - pos
            parts.append(replacement)
            spans.append((start, end, new_pos, new_pos + len(replacement)))
            new_pos += len(replacement)
            pos = end
        parts.append(text[pos:])
        return "".join(parts), OffsetMap(tuple(spans))

    def mapping(self, values: dict[str, str]) -> dict[str, str]:
        """Pseudonymise the values of an attribute dict (names stay as they are)."""
        if self.pattern is None:
            return values
        return {k: self(v) for k, v in values.items()}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


IDENTITY = Pseudonymiser()


def read_pseudonym_csv(path: str) -> list[tuple[int, str, str]]:
    """``(line, name, pseudonym)`` rows of a CSV file.

    Accepts comma, semicolon or tab separated files (Dutch Excel writes ``;``), UTF-8
    with or without BOM, with or without a header row (``name,pseudonym`` or
    ``naam,pseudoniem``). Malformed rows raise :class:`DataError` with their line.
    """
    import csv
    from pathlib import Path

    from ..errors import DataError

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("not UTF-8 text; save the CSV as UTF-8", path=path) from exc
    except OSError as exc:
        raise DataError(f"cannot read ({exc.strerror or exc})", path=path) from exc
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    delimiter = max((";", ",", "\t"), key=lambda d: sample.count(d)) if sample else ","
    rows: list[tuple[int, str, str]] = []
    header_names = {"name", "naam", "full name", "volledige naam", "echte naam"}
    header_pseudonyms = {"pseudonym", "pseudoniem", "alias", "schuilnaam"}
    name_col, pseudonym_col = 0, 1
    for lineno, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [c.strip() for c in record]
        if not any(cells) or cells[0].startswith("#"):
            continue
        lowered = [c.casefold() for c in cells]
        if not rows and lineno == 1 and any(c in header_names | header_pseudonyms for c in lowered):
            name_col = next((i for i, c in enumerate(lowered) if c in header_names), 0)
            pseudonym_col = next((i for i, c in enumerate(lowered) if c in header_pseudonyms), 1)
            continue
        if len(cells) <= max(name_col, pseudonym_col):
            raise DataError(f"expected a name and a pseudonym separated by '{delimiter}'",
                            path=path, line=lineno)
        name, pseudonym = cells[name_col], cells[pseudonym_col]
        if not name or not pseudonym:
            raise DataError("empty name or pseudonym", path=path, line=lineno)
        rows.append((lineno, name, pseudonym))
    if not rows:
        raise DataError("no pseudonyms in the file", path=path)
    return rows
