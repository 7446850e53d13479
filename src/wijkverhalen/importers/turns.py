"""Split a transcript into speaker turns (beurten), or paragraphs when it has none.

Transcripts mark who speaks at the start of a line: ``I:``/``R:`` (interviewer,
respondent), ``Interviewer:``, a name such as ``Fatima:`` or ``Jan de Vries:``, or a
bracketed name ``[Fatima]``. A turn runs from its label to the next speaker line.
Text without (enough) speaker lines falls back to paragraphs, so every document
has turns and coded passages always have a context.

Every ``Turn`` satisfies ``text[start:end] == text[start:end].strip() != ""`` and
``start <= body_start <= end``: offsets never point into surrounding whitespace.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from wijkverhalen.errors import InvalidInput
from wijkverhalen.models import Turn

MAX_LABEL = 40

# Role labels are trusted even if they occur once; any other name must occur at
# least twice, so a line such as "Notitie: ..." does not start a turn.
ROLE_LABELS = frozenset(
    [
        "i",
        "r",
        "int",
        "resp",
        "interviewer",
        "interviewster",
        "interviewee",
        "respondent",
        "geïnterviewde",
        "geinterviewde",
        "onderzoeker",
    ]
)
# Lower-case name particles (tussenvoegsels) allowed between capitalised words.
_PARTICLES = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "ten",
        "ter",
        "te",
        "'t",
        "’t",
        "'s",
        "’s",
        "d'",
        "von",
        "la",
        "le",
        "el",
        "al",
        "da",
        "di",
        "du",
        "dos",
        "das",
        "del",
        "bin",
        "ben",
        "ibn",
    ]
)
_NAME_PUNCT = frozenset("'’-.")

# Optional timestamp such as "[00:01:23] " or "12:30 " before the label.
_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?[ \t]+)?"
DEFAULT_SPEAKER_PATTERN = (
    r"^[ \t]*"
    + _TIMESTAMP
    + r"(?:\[(?P<bracket>[^\]\n]{1,40})\](?:[ \t]*:)?"
    + r"|(?:\*\*)?(?P<plain>[^\W\d_][^:\n]{0,39}?)[ \t]*(?:\*\*)?:(?:\*\*)?)"
    + r"(?=[ \t]|$)"
)
_DEFAULT_RE = re.compile(DEFAULT_SPEAKER_PATTERN, re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def _is_name(label: str) -> bool:
    """1-3 capitalised words, tussenvoegsels between them, an optional number last."""
    words = label.split()
    if not words or not words[0][0].isupper():
        return False
    if len(words) > 1 and words[-1].isdigit() and len(words[-1]) <= 3:
        words = words[:-1]
    capitalised = 0
    for word in words:
        if word in _PARTICLES:
            continue
        if not (word[0].isupper() and all(ch.isalnum() or ch in _NAME_PUNCT for ch in word)):
            return False
        capitalised += 1
    return 1 <= capitalised <= 3 and words[-1] not in _PARTICLES


def _is_role(label: str) -> bool:
    return label.rstrip("0123456789 ").casefold() in ROLE_LABELS


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``start..end`` to exclude leading/trailing whitespace (str.strip rules)."""
    chunk = text[start:end]
    stripped = chunk.lstrip()
    start += len(chunk) - len(stripped)
    return start, start + len(stripped.rstrip())


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def paragraph_turns(text: str, start: int = 0, end: int | None = None) -> Iterator[Turn]:
    """Paragraphs of ``text[start:end]`` as speaker-less turns.

    Blocks are separated by blank lines; a stretch without any blank line (as in a
    .docx where each paragraph is one line) gives one turn per line.
    """
    end = len(text) if end is None else end
    separator = "\n"
    if _BLANK_LINE.search(text, start, end) is not None:
        separator = "blank"
    pos = start
    while pos < end:
        if separator == "blank":
            match = _BLANK_LINE.search(text, pos, end)
            block_end = end if match is None else match.start()
            next_pos = end if match is None else match.end() - 1
        else:
            nl = text.find("\n", pos, end)
            block_end = end if nl == -1 else nl
            next_pos = end if nl == -1 else nl + 1
        s, e = _trim(text, pos, block_end)
        if s < e:
            yield Turn(start=s, end=e, body_start=s, speaker=None)
        pos = max(next_pos, pos + 1)


def _speaker_lines(text: str, pattern: str | None) -> list[tuple[int, int, str | None]]:
    """``(label_start, body_start, speaker)`` for each line that opens a turn."""
    if pattern is None:
        regex = _DEFAULT_RE
    else:
        try:
            regex = re.compile(pattern, re.MULTILINE)
        except re.error as exc:
            raise InvalidInput(f"invalid speaker pattern {pattern!r}: {exc}") from exc
    found: list[tuple[int, int, str | None]] = []
    for match in regex.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start : match.start()].strip(" \t") or match.end() == match.start():
            continue  # not at the start of a line, or an empty match
        if "\n" in text[match.start() : match.end()].rstrip("\n"):
            continue  # a label never spans lines
        label_start = _skip_blanks(text, match.start())
        body_start = _skip_blanks(text, match.end())
        if pattern is None:
            speaker = (match.group("bracket") or match.group("plain") or "").strip()
            if len(speaker) > MAX_LABEL or not _is_name(speaker):
                continue
        else:
            groups = regex.groupindex
            if "speaker" in groups:
                speaker = match.group("speaker") or ""
            elif regex.groups:
                speaker = match.group(1) or ""
            else:
                speaker = match.group(0)
            speaker = speaker.strip().strip("[]:*").strip()[:MAX_LABEL]
        found.append((label_start, body_start, speaker or None))
    if pattern is None:
        counts = Counter(speaker for _, _, speaker in found)
        found = [f for f in found if f[2] is not None and (counts[f[2]] >= 2 or _is_role(f[2]))]
    return found


def detect_turns(text: str, pattern: str | None = None) -> tuple[Turn, ...]:
    """Speaker turns of ``text``; paragraphs when fewer than two speaker lines exist.

    ``pattern`` is a regular expression matched at line starts (``re.MULTILINE``);
    the speaker is its ``speaker`` group, else its first group, else the whole match
    without brackets and colon. With a custom pattern every match counts; with the
    default one a name must occur at least twice unless it is a role (I, R,
    Interviewer, Respondent...). Text before the first speaker line becomes
    speaker-less paragraph turns.
    """
    lines = _speaker_lines(text, pattern)
    if len(lines) < 2:
        return tuple(paragraph_turns(text))
    turns: list[Turn] = list(paragraph_turns(text, 0, lines[0][0]))
    for i, (label_start, body_start, speaker) in enumerate(lines):
        stop = lines[i + 1][0] if i + 1 < len(lines) else len(text)
        start, end = _trim(text, label_start, stop)
        if start >= end:
            continue
        turns.append(
            Turn(start=start, end=end, body_start=min(max(body_start, start), end), speaker=speaker)
        )
    return tuple(turns)
