"""Split a transcript into speaker turns (beurten), or paragraphs when it has none.

Transcripts mark who speaks at the start of a line. The default detector knows:

- a label and a colon: ``I:``/``R:`` (also lower-case ``i:``/``r:``), ``Interviewer:``,
  a name such as ``Fatima:``, ``Jan de Vries:`` or ``Dhr. Jansen:``, Markdown bold
  ``**Fatima:**``, a bracketed name ``[Fatima]``;
- a label with its abbreviation or a timestamp: ``Interviewer (I):``,
  ``Interviewer [00:00:05]:``, ``[00:01:23] Fatima:``, ``(00:12) Spreker 1:``;
- a label and a dash or a table bar: ``I - Hoe begon het?``, ``Fatima | Via mijn
  buurvrouw.`` (a two-column table from a .docx or .odt: speaker | text);
- a label and a timestamp alone on a line, the text on the lines after it, as
  transcription software exports it: ``Spreker 1  00:00:03``.

Importers that know more (bold names in a .docx, voices in WebVTT) pass the label
positions they found (:class:`LabelHint`) or the turns themselves (:class:`Label`).

Which labels count: a role (I, R, Interviewer, Respondent...) always; any other name
when it opens at least two lines; a name used once only inside a transcript that
already has turns, after its first turn, with a colon (or bold, or a timestamp), and
when it does not look like an ordinary word that opens a sentence ("Let op:",
"Conclusie:", "Notitie:" stay text; see :data:`NOT_SPEAKERS`).

A turn runs from its label to the next speaker line. Text without (enough) speaker
lines falls back to paragraphs, so every document has turns and coded passages
always have a context.

Every ``Turn`` satisfies ``text[start:end] == text[start:end].strip() != ""`` and
``start <= body_start <= end``: offsets never point into surrounding whitespace.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from wijkverhalen.errors import InvalidInput
from wijkverhalen.models import Turn

MAX_LABEL = 40

# Role labels are trusted even if they occur once, and in lower case too; any
# other name must occur at least twice or pass the single-use rules.
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
        "van", "de", "der", "den", "het", "ten", "ter", "te", "'t", "’t", "'s", "’s", "d'", "von",
        "la", "le", "el", "al", "da", "di", "du", "dos", "das", "del", "bin", "ben", "ibn",
    ]
)
_NAME_PUNCT = frozenset("'’-.")
# Titles that make a one-word label a name at once ("Dhr. Jansen", "Mevrouw Bakker").
_TITLES = frozenset(
    [
        "dhr", "dhr.", "mr", "mr.", "mw", "mw.", "mevr", "mevr.", "mevrouw", "meneer", "heer",
        "mijnheer", "dr", "dr.", "prof", "prof.",
    ]
)

# Words that open ordinary sentences or notes with a colon ("Let op:", "Conclusie:"):
# never a speaker when used once. Written from field notes, reports and transcript
# headers; tests/test_turns_formats.py measures the false positives on prose.
NOT_SPEAKERS = frozenset(
    [
        "aanbeveling", "aanbevelingen", "aanpak", "aantekening", "aanvulling", "aanwezig",
        "aanwezigen", "achtergrond", "actie", "acties", "actiepunt", "actiepunten", "adres",
        "advies", "afspraak", "afspraken", "afsluiting", "afwezig", "agenda", "antwoord", "bedankt",
        "begin", "casus", "belangrijk", "beroep", "besluit", "bestand", "bijlage", "bijvoorbeeld",
        "bron", "bronnen", "citaat", "code", "codering", "codes", "conclusie", "conclusies",
        "context", "correctie", "datum", "definitie", "deel", "dus", "doel", "doelen", "duur",
        "e-mail", "edit", "eerst", "einde", "email", "en", "fase", "figuur", "functie", "gelach",
        "geslacht", "goed", "hoe", "hoofdstuk", "indruk", "inleiding", "inzicht", "inzichten", "ja",
        "kader", "kanttekening", "kern", "kijk", "kortom", "leeftijd", "les", "lessen", "let",
        "link", "locatie", "maar", "memo", "methode", "naam", "namelijk", "nb", "nee", "noot",
        "notitie", "notities", "nou", "nu", "observatie", "observaties", "of", "ofwel", "oftewel",
        "oké", "ok", "onderbreking", "onderwerp", "onverstaanbaar", "ook", "opgelet", "opmerking",
        "opmerkingen", "opname", "opzet", "oplossing", "overigens", "paragraaf", "pauze", "plaats",
        "planning", "probleem", "project", "ps", "punt", "reactie", "resultaat", "resultaten",
        "samenvatting", "samengevat", "sectie", "setting", "sfeer", "slot", "stap", "start",
        "status", "stelling", "stilte", "storing", "tabel", "thema", "tijd", "tijdstip", "tip",
        "titel", "toelichting", "toen", "toevoeging", "transcript", "transcriptie", "transcribent",
        "trouwens", "uitkomst", "update", "url", "verder", "vervolg", "voorbeeld", "voorbeelden",
        "vraag", "vraagstelling", "want", "waar", "waarom", "wanneer", "wat", "website", "welke",
        "wie", "wijk", "buurt", "zie", "precies", "klopt", "inderdaad", "zeker", "prima", "hmm",
        "eh", "uh", "uhm", "ehm", "oh", "ah", "hallo", "hoi", "dag", "doei", "sorry", "welkom",
        "juist", "absoluut", "answer", "conclusion", "date", "example", "important",
        "location", "note", "notes", "question", "source", "summary", "warning", "maandag",
        "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "januari", "februari",
        "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november",
        "december", "vandaag", "gisteren", "morgen",
    ]
)
# Endings of ordinary nouns that names rarely have (Opmerking, Conclusie, Gelegenheid).
_NOUN_ENDINGS = ("heid", "schap", "ing", "tie", "sie", "nis", "teit", "isme", "ment", "ers")

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
# Optional timestamp such as "[00:01:23] " or "12:30 " before the label; the label;
# an optional "(I)" and timestamp after it; then a colon, dash, table bar, the end
# of the line (label on its own line) or, after "[Name]", nothing.
DEFAULT_SPEAKER_PATTERN = (
    r"^[ \t]*"
    # Fast refusal of the many lines with no colon, bracket, dash or bar near their start.
    + r"(?=[^\n]{0,90}?(?:[:|\]–—]|[ \t]-[ \t]|$))"
    + r"(?:(?P<ts1>[\[(]?" + _TS + r"[\])]?)[ \t]+)?"
    + r"(?:\*\*)?"
    + r"(?:\[(?P<bracket>[^\]\n]{1,40})\]|(?P<plain>[^\W\d_][^:|\n]{0,39}?))"
    + r"(?:[ \t]*\((?P<paren>[^():\n]{1,20})\))?"
    + r"(?:[ \t]*(?P<ts2>[\[(]?" + _TS + r"[\])]?))?"
    + r"[ \t]*(?:\*\*)?"
    + r"(?P<sep>:(?:\*\*)?(?=[ \t]|$)|[-–—](?=[ \t])|\|(?=[ \t])|(?=[ \t]*$)|(?(bracket)(?=[ \t])|(?!)))"
)
_DEFAULT_RE = re.compile(DEFAULT_SPEAKER_PATTERN, re.MULTILINE)
_TIMESTAMP_AT = re.compile(r"[ \t]*[\[(]?" + _TS)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


class Label(NamedTuple):
    """A speaker label an importer is sure of: where it starts, where the words start, who."""

    start: int
    body_start: int
    speaker: str | None


class LabelHint(NamedTuple):
    """A span an importer thinks may be a speaker label (a bold name in a .docx).

    It is judged like a label found in the text (a name, used twice or a role, or once
    inside a transcript); ``end`` is where the label ends.
    """

    start: int
    end: int


class _Candidate(NamedTuple):
    start: int
    body_start: int
    speaker: str
    kind: str  # "colon", "dash", "bar", "alone" (with a timestamp) or "hint"


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


def _plausible_once(label: str) -> bool:
    """Could a label used once be a person rather than a word opening a sentence?"""
    words = label.split()
    first = words[0].casefold()
    if first in _TITLES or (len(words) > 1 and words[-1].isdigit()):
        return True  # "Dhr. Jansen", "Spreker 3"
    if len([w for w in words if w not in _PARTICLES]) >= 2:
        return not any(w.casefold() in NOT_SPEAKERS for w in words)  # "Jan de Vries"
    if first.rstrip(".") in NOT_SPEAKERS or label.endswith("."):
        return False
    return not (len(first) >= 6 and first.endswith(_NOUN_ENDINGS))


def _opens_an_utterance(text: str, pos: int) -> bool:
    """Spoken words after a label start with a capital, a quote or a bracket ("(lacht)");
    prose after a colon goes on in lower case ("Conclusie: het werkte")."""
    if pos >= len(text) or text[pos] == "\n":
        return True
    first = text[pos]
    return first.isupper() or first in "\"'‘’“”„([…."


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``start..end`` to exclude leading/trailing whitespace (str.strip rules)."""
    chunk = text[start:end]
    stripped = chunk.lstrip()
    start += len(chunk) - len(stripped)
    return start, start + len(stripped.rstrip())


def _skip_blanks(text: str, pos: int, newlines: bool = False) -> int:
    skip = " \t\n" if newlines else " \t"
    while pos < len(text) and text[pos] in skip:
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


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise InvalidInput(f"invalid speaker pattern {pattern!r}: {exc}") from exc


def _at_line_start(text: str, match: re.Match[str]) -> bool:
    line_start = text.rfind("\n", 0, match.start()) + 1
    if text[line_start : match.start()].strip(" \t") or match.end() == match.start():
        return False  # not at the start of a line, or an empty match
    return "\n" not in text[match.start() : match.end()].rstrip("\n")  # a label never spans lines


def _custom_lines(text: str, regex: re.Pattern[str]) -> list[Label]:
    """Every match of a user's pattern at a line start opens a turn."""
    found: list[Label] = []
    for match in regex.finditer(text):
        if not _at_line_start(text, match):
            continue
        groups = regex.groupindex
        if "speaker" in groups:
            speaker = match.group("speaker") or ""
        elif regex.groups:
            speaker = match.group(1) or ""
        else:
            speaker = match.group(0)
        speaker = speaker.strip().strip("[]:*").strip()[:MAX_LABEL]
        found.append(Label(_skip_blanks(text, match.start()), _skip_blanks(text, match.end()), speaker or None))
    return found


def _label_matches(text: str) -> Iterator[re.Match[str]]:
    """Matches of the default pattern, tried at each line start only.

    The same matches as ``_DEFAULT_RE.finditer(text)`` (the pattern is anchored at
    line starts and never spans lines), without trying every other position of
    the text: a third of the cost of finding turns in an interview.
    """
    match_at = _DEFAULT_RE.match
    find = text.find
    pos = 0
    while True:
        match = match_at(text, pos)
        if match is not None:
            yield match
        pos = find("\n", pos) + 1
        if not pos:
            return


def _candidates(text: str) -> Iterator[_Candidate]:
    """Lines that look like a speaker label, by the default pattern."""
    for match in _label_matches(text):
        group = match.group
        sep, bracket = group("sep"), group("bracket")
        timed = group("ts1") is not None or group("ts2") is not None
        if not sep and bracket is None and not timed:
            continue  # a short line without a colon is a line of text
        name = (bracket or group("plain") or "").strip()
        if len(name) > MAX_LABEL or not (_is_name(name) or _is_role(name)):
            continue
        if name.islower():  # "i:", "interviewer:" (only roles get here in lower case)
            name = name.upper() if len(name) <= 2 else name.capitalize()
        paren = (group("paren") or "").strip()
        speaker = f"{name} ({paren})" if len(paren) > 3 else name
        kind = {":": "colon", "|": "bar"}.get(sep[:1], "dash" if sep else "colon")
        if not sep and bracket is None:
            kind = "alone"  # "Spreker 1  00:00:03": the words follow on the next line(s)
            if name.endswith((".", "?", "!")) or name.casefold() in NOT_SPEAKERS:
                continue
            body = _skip_blanks(text, match.end(), newlines=True)
            if body >= len(text) or _TIMESTAMP_AT.match(text, body):
                continue  # no words follow, or the next line is itself timed: a line of text
        else:
            body = _skip_blanks(text, match.end())
            if sep == ":" and text.startswith("| ", body):  # "Fatima: | tekst" (a table row)
                body = _skip_blanks(text, body + 1)
        yield _Candidate(_skip_blanks(text, match.start()), body, speaker, kind)


def _hint_candidates(text: str, hints: Sequence[LabelHint]) -> Iterator[_Candidate]:
    for start, end in hints:
        if not 0 <= start < end <= len(text):
            continue
        label = text[start:end].strip().rstrip(":").strip()
        if not label or len(label) > MAX_LABEL or "\n" in label:
            continue
        if not (_is_name(label) or _is_role(label)) or label.casefold() in NOT_SPEAKERS:
            continue
        body = _skip_blanks(text, end, newlines=True)
        if text[body - 1 : body] == ":":
            body = _skip_blanks(text, body + 1, newlines=True)
        yield _Candidate(_skip_blanks(text, start), min(body, len(text)), label, "hint")


def _speaker_lines(text: str, hints: Sequence[LabelHint] = ()) -> list[Label]:
    """The default detector: candidates judged by role, repetition and the single-use rules."""
    by_start: dict[int, _Candidate] = {c.start: c for c in _candidates(text)}
    for hint in _hint_candidates(text, hints):
        by_start.setdefault(hint.start, hint)
    found = sorted(by_start.values())
    counts = Counter(c.speaker for c in found)
    sure = [c for c in found if counts[c.speaker] >= 2 or _is_role(c.speaker)]
    if len(sure) >= 2:
        # Inside a transcript a third voice may speak once ("Buurman: Klopt."), but not
        # before the first turn (header lines such as "Datum:") and not with a bar or dash.
        first = sure[0].start
        sure_starts = {c.start for c in sure}
        sure += [
            c
            for c in found
            if c.start not in sure_starts
            and c.start > first
            and c.kind in ("colon", "alone", "hint")
            and _plausible_once(c.speaker)
            and _opens_an_utterance(text, c.body_start)
        ]
        sure.sort()
    return [Label(c.start, c.body_start, c.speaker) for c in sure]


def turns_from_labels(text: str, labels: Sequence[Label]) -> tuple[Turn, ...]:
    """Turns running from each label to the next; text before the first becomes paragraphs."""
    labels = sorted(labels)
    if not labels:
        return tuple(paragraph_turns(text))
    turns: list[Turn] = list(paragraph_turns(text, 0, labels[0].start))
    for i, (label_start, body_start, speaker) in enumerate(labels):
        stop = labels[i + 1].start if i + 1 < len(labels) else len(text)
        start, end = _trim(text, label_start, stop)
        if start >= end:
            continue
        turns.append(
            Turn(start=start, end=end, body_start=min(max(body_start, start), end), speaker=speaker)
        )
    return tuple(turns)


def detect_turns(text: str, pattern: str | None = None,
                 hints: Sequence[LabelHint] = ()) -> tuple[Turn, ...]:
    """Speaker turns of ``text``; paragraphs when fewer than two speaker lines exist.

    ``pattern`` is a regular expression matched at line starts (``re.MULTILINE``);
    the speaker is its ``speaker`` group, else its first group, else the whole match
    without brackets and colon. With a custom pattern every match counts; with the
    default one the rules in the module docstring apply, and ``hints`` (spans an
    importer found, such as bold names) are judged by the same rules. Text before
    the first speaker line becomes speaker-less paragraph turns.
    """
    lines = _custom_lines(text, _compile(pattern)) if pattern is not None else _speaker_lines(text, hints)
    if len(lines) < 2:
        return tuple(paragraph_turns(text))
    return turns_from_labels(text, lines)
