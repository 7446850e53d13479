"""Subtitle files as transcripts: WebVTT (.vtt) and SubRip (.srt).

Video-call tools (Teams, Zoom) and transcription services export these. Each cue
has a time and text; WebVTT names the speaker with a voice tag (``<v Fatima>``),
Zoom and some SRT files write ``Fatima: ...`` at the start of a cue. Cues of one
speaker that follow each other become one turn, written as one paragraph::

    [00:00:05] Fatima: Via mijn buurvrouw. Zij kookte al voor de ouderen.

The start time of the turn's first cue stays in its label (before the spoken
words, so it is never part of a sentence); end times, cue numbers, styling tags,
NOTE/STYLE/REGION blocks and positioning settings are dropped. Cues without a
speaker after a speaker's cues are taken as that speaker going on; without any
speaker, cues are joined into paragraphs, a new one after a pause of
:data:`PAUSE` seconds. The turns come from the cues themselves (no guessing from
the text).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from wijkverhalen.errors import ImportError_
from wijkverhalen.importers.encoding import read_text_file
from wijkverhalen.importers.extracted import Extracted
from wijkverhalen.importers.turns import MAX_LABEL, Label, _is_name, _is_role

PAUSE = 2.0
_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[^>\n]{0,200}>")
_NAME_PREFIX = re.compile(r"^\s*(?:\[([^\]\n]{1,40})\]|([^\W\d_][^:\n]{0,39}?)\s*:)\s+")
_BLOCKS = re.compile(r"\n[^\S\n]*\n")
# Invisible direction marks and no-break spaces that WebVTT writes as entities.
_INVISIBLE = str.maketrans({"\u200e": "", "\u200f": "", "\u00a0": " "})


class Cue(NamedTuple):
    start: float
    end: float
    speaker: str | None
    text: str


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, fraction = groups
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0) + int(fraction or 0) / 1000


def _clean(text: str) -> str:
    """Tags out, entities decoded, the cue's line breaks joined with spaces."""
    plain = html.unescape(_TAG.sub("", text)).translate(_INVISIBLE)
    return " ".join(plain.split())


def _split_voices(payload: str, cue_speaker: str | None) -> Iterator[tuple[str | None, str]]:
    """``(speaker, text)`` parts of a cue: a voice tag, or a ``Name:`` at the start."""
    voices = list(_VOICE.finditer(payload))
    if not voices:
        prefix = _NAME_PREFIX.match(payload)
        if prefix is not None:
            name = (prefix.group(1) or prefix.group(2) or "").strip()
            if _is_name(name) or _is_role(name):
                yield name, payload[prefix.end() :]
                return
        yield cue_speaker, payload
        return
    if payload[: voices[0].start()].strip():
        yield cue_speaker, payload[: voices[0].start()]
    for i, voice in enumerate(voices):
        stop = voices[i + 1].start() if i + 1 < len(voices) else len(payload)
        name = " ".join(html.unescape(voice.group(1) or "").split())[:MAX_LABEL]
        yield name or None, payload[voice.end() : stop]


def _cues(text: str, path: Path, *, webvtt: bool) -> list[Cue]:
    cues: list[Cue] = []
    speaker: str | None = None
    for block in _BLOCKS.split(text):
        lines = block.strip("\n").split("\n")
        timing_at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        if timing_at is None:
            continue  # the header, NOTE, STYLE and REGION blocks, stray numbers
        match = _TIMING.match(lines[timing_at])
        if match is None:
            continue
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        payload = "\n".join(lines[timing_at + 1 :])
        parts = _split_voices(payload, speaker) if webvtt else _split_voices(_TAG.sub("", payload), speaker)
        for who, words in parts:
            words = _clean(words)
            if words:
                speaker = who
                cues.append(Cue(start, end, who, words))
    if not cues:
        raise ImportError_("empty file (no subtitle cues with text)", path=path)
    return cues


def _stamp(seconds: float) -> str:
    whole = int(seconds)
    return f"[{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}]"


def render_cues(cues: list[Cue]) -> tuple[str, tuple[Label, ...]]:
    """Text with one paragraph per turn, and the labels of those turns."""
    groups: list[list[Cue]] = []
    for cue in cues:
        last = groups[-1][-1] if groups else None
        if last is not None and cue.speaker == last.speaker and (
            cue.speaker is not None or cue.start - last.end < PAUSE
        ):
            groups[-1].append(cue)
        else:
            groups.append([cue])
    parts: list[str] = []
    labels: list[Label] = []
    offset = 0
    for group in groups:
        speaker = group[0].speaker
        label = f"{_stamp(group[0].start)} " + (f"{speaker}: " if speaker else "")
        paragraph = label + " ".join(cue.text for cue in group)
        labels.append(Label(offset, offset + len(label), speaker))
        parts.append(paragraph)
        offset += len(paragraph) + 2
    return "\n\n".join(parts), tuple(labels)


def _read(path: Path, warnings: list[str] | None) -> str:
    decoded = read_text_file(path)
    if warnings is not None:
        warnings.extend(decoded.warnings)
    return decoded.text


def extract_vtt(path: Path, *, properties: bool = False, warnings: list[str] | None = None) -> Extracted:
    """Turns of a WebVTT file; refused without the ``WEBVTT`` header."""
    text = _read(path, warnings)
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ImportError_("not a WebVTT file (the first line must start with WEBVTT)", path=path)
    body, labels = render_cues(_cues(text, path, webvtt=True))
    return Extracted(body, {}, labels=labels)


def extract_srt(path: Path, *, properties: bool = False, warnings: list[str] | None = None) -> Extracted:
    """Turns of a SubRip file; refused when no line holds a ``-->`` timing."""
    text = _read(path, warnings)
    if "-->" not in text:
        raise ImportError_("not a SubRip file (no '00:00:01,000 --> 00:00:04,000' timings)", path=path)
    body, labels = render_cues(_cues(text, path, webvtt=False))
    return Extracted(body, {}, labels=labels)
