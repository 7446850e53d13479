"""The qualitative evidence of triangulation: unique passages and respondents, not codings.

Two coders coding the same sentence, or a parent and a child code on overlapping
spans, are one passage. :class:`PassageIndex` reads every coding span once and, for
a code subtree, merges the overlapping spans of one document into passages
(:func:`merge_spans`). A passage's valence is the one its codings agree on;
codings that disagree (positive and negative), or a coding marked mixed, make it
``mixed``; no valence at all makes it unrated.

A passage that cites the indicator or the survey itself ("volgens het wijkprofiel",
"de cijfers", "40 procent") is a report of the numbers, not independent evidence for
them: it is flagged and left out (:data:`CITATION_PATTERN`), and listed separately.

Respondents are the document attribute ``respondent`` (else one per document), so
two interviews with one person count once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Words that show a passage reports the indicator or the survey rather than experience.
CITATION_WORDS = ("wijkprofiel", "sociale index", "index", "enquête", "enquete", "vragenlijst", "cijfers",
                  "procent", "percentage", "statistiek")
CITATION_PATTERN = r"\b(?:" + "|".join(re.escape(w) for w in CITATION_WORDS) + r")\b|\d+(?:[.,]\d+)?\s?%"


@dataclass(slots=True)  # not frozen: 100,000 passages are built per run, and frozen init is slow
class Passage:
    """One unique passage: the union of overlapping coded spans in one document."""

    document_id: int
    document: str
    start: int
    end: int
    valence: str  # "positive", "negative", "mixed" or "" (unrated)
    respondent: str
    role: str
    year: int | None
    codes: tuple[str, ...]
    codings: int  # how many codings it merges (coders x codes)
    text: str = ""
    cites: str = ""  # the words that cite the indicator or survey ("" = independent evidence)


@dataclass
class QualEvidence:
    """The stories' side of a finding; every count is of unique passages or respondents."""

    passages: int = 0  # unique passages used as evidence (citations left out)
    respondents: int = 0  # distinct respondents of those passages
    documents: int = 0
    codings: int = 0  # codings behind the passages (shows what double counting was avoided)
    positive: int = 0
    negative: int = 0
    mixed: int = 0
    unrated: int = 0
    rated_respondents: int = 0  # respondents with at least one rated passage
    roles: dict[str, int] = field(default_factory=dict)  # respondents per role
    years: dict[int, int] = field(default_factory=dict)  # passages per story year
    claim: str = ""  # "up", "down", "mixed" or "" (no rated passage): what the stories say
    direction: int | None = None  # +1 / -1 for up / down; None when mixed or unrated
    enough: bool = False
    quotes: list[Passage] = field(default_factory=list)  # the evidence passages
    citations: list[Passage] = field(default_factory=list)  # left out: they cite the indicator/survey

    @property
    def rated(self) -> int:
        return self.positive + self.negative + self.mixed


def merge_spans(spans: Iterable[tuple[int, int, str | None, str]]) -> list[tuple[int, int, set[str], list[str]]]:
    """Merge overlapping ``(start, end, valence, code)`` spans of one document.

    Returns ``(start, end, valences, codes)`` per passage; spans that only touch
    (one ends where the next starts) stay apart.
    """
    out: list[tuple[int, int, set[str], list[str]]] = []
    for start, end, valence, code in sorted(spans, key=lambda s: (s[0], s[1])):
        if out and start < out[-1][1]:
            last = out[-1]
            out[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            out.append((start, end, set(), []))
        if valence:
            out[-1][2].add(valence)
        out[-1][3].append(code)
    return out


def passage_valence(valences: set[str]) -> str:
    if not valences:
        return ""
    if len(valences) == 1:
        return next(iter(valences))
    return "mixed"  # coders or codes disagree, or one says mixed


class DocumentTexts:
    """Document texts and the places in them that cite the survey, read once per validation run."""

    def __init__(self, text_of: Any, citation_pattern: str = CITATION_PATTERN) -> None:
        self.text_of = text_of  # document id -> text (None: no texts, no citation check)
        self.citation = re.compile(citation_pattern, re.IGNORECASE) if citation_pattern else None
        self._cache: dict[int, tuple[str, list[int], list[tuple[int, int, str]]]] = {}
        # (codes with spans in the document, document) -> its passages; see PassageIndex.passages
        self.passages: dict[tuple[tuple[str, ...], int], list[Passage]] = {}

    def get(self, doc_id: int) -> tuple[str, list[int], list[tuple[int, int, str]]]:
        """``(text, match starts, [(start, end, word)])`` of one document."""
        if doc_id not in self._cache:
            text = self.text_of(doc_id) if self.text_of is not None else ""
            found = ([(m.start(), m.end(), m.group(0).lower()) for m in self.citation.finditer(text)]
                     if self.citation is not None and text else [])
            self._cache[doc_id] = (text, [f[0] for f in found], found)
        return self._cache[doc_id]

    def cites(self, doc_id: int, start: int, end: int) -> str:
        """The survey words inside ``start..end`` ("" when none)."""
        _, starts, found = self.get(doc_id)
        if not found:
            return ""
        words = [w for s, e, w in found[bisect_left(starts, start):] if s < end and e <= end]
        return ", ".join(dict.fromkeys(words))


class PassageIndex:
    """Every coding span read once; unique passages per code subtree on demand."""

    def __init__(self, spans: Sequence[tuple[str, int, int, int, str | None]], *, names: dict[int, str],
                 respondents: dict[int, str], roles: dict[int, str], years: dict[int, int | None],
                 texts: DocumentTexts | None = None) -> None:
        self.by_code: dict[str, dict[int, list[tuple[int, int, str | None, str]]]] = defaultdict(
            lambda: defaultdict(list))
        for code_id, doc_id, start, end, valence in spans:
            self.by_code[code_id][doc_id].append((start, end, valence, code_id))
        self.names, self.respondents, self.roles, self.years = names, respondents, roles, years
        self.texts = texts or DocumentTexts(None)
        self.only: set[int] | None = None  # a case view: only these documents
        self._memo: dict[tuple[str, ...], list[Passage]] = {}

    def restricted(self, document_ids: Iterable[int]) -> PassageIndex:
        """The same index seen through a subset of documents (a case), sharing spans and passages."""
        view = PassageIndex((), names=self.names, respondents=self.respondents, roles=self.roles,
                            years=self.years, texts=self.texts)
        view.only = set(document_ids)
        view.by_code = defaultdict(dict)
        for code_id, docs in self.by_code.items():
            kept = {d: spans for d, spans in docs.items() if d in view.only}
            if kept:
                view.by_code[code_id] = kept  # type: ignore[assignment]
        return view

    def respondent(self, doc_id: int) -> str:
        return self.respondents.get(doc_id) or self.names.get(doc_id, str(doc_id))

    def passages(self, code_ids: Sequence[str]) -> list[Passage]:
        key = tuple(code_ids)
        if key in self._memo:
            return self._memo[key]
        contributing: dict[int, list[str]] = defaultdict(list)  # document -> the codes with spans in it
        for code_id in code_ids:
            for doc_id in self.by_code.get(code_id, {}):
                contributing[doc_id].append(code_id)
        out: list[Passage] = []
        shared = self.texts.passages
        for doc_id in sorted(contributing):
            # A document's passages depend only on the codes with spans in it, so they are shared
            # between a code and its parent, and between the whole project and each case view.
            codes = tuple(contributing[doc_id])
            found = shared.get((codes, doc_id))
            if found is None:
                found = shared[(codes, doc_id)] = self._document_passages(doc_id, codes)
            out.extend(found)
        self._memo[key] = out
        return out

    def _document_passages(self, doc_id: int, codes: tuple[str, ...]) -> list[Passage]:
        spans = [span for code_id in codes for span in self.by_code[code_id][doc_id]]
        text = self.texts.get(doc_id)[0]
        name, person = self.names.get(doc_id, str(doc_id)), self.respondent(doc_id)
        role, year = self.roles.get(doc_id, "?"), self.years.get(doc_id)
        return [Passage(doc_id, name, start, end, passage_valence(valences), person, role, year,
                        tuple(dict.fromkeys(found)), len(found), text[start:end], self.texts.cites(doc_id, start, end))
                for start, end, valences, found in merge_spans(spans)]

    def collect(self, code_ids: Sequence[str], options: Any) -> QualEvidence:
        """The evidence of ``code_ids`` under ``options`` (min_respondents, mixed_ratio)."""
        q = QualEvidence()
        for p in self.passages(code_ids):
            (q.citations if p.cites else q.quotes).append(p)
        q.passages = len(q.quotes)
        q.codings = sum(p.codings for p in q.quotes)
        q.documents = len({p.document_id for p in q.quotes})
        valences = Counter(p.valence for p in q.quotes)
        q.positive, q.negative, q.mixed = valences["positive"], valences["negative"], valences["mixed"]
        q.unrated = valences[""]
        people = {p.respondent: p.role for p in q.quotes}
        q.respondents = len(people)
        q.roles = dict(sorted(Counter(people.values()).items()))
        q.rated_respondents = len({p.respondent for p in q.quotes if p.valence})
        q.years = dict(sorted(Counter(p.year for p in q.quotes if p.year is not None).items()))
        q.claim, q.direction = story_claim(q.positive, q.negative, q.mixed, options.mixed_ratio)
        q.enough = bool(q.claim) and q.rated_respondents >= options.min_respondents
        return q


def story_claim(positive: int, negative: int, mixed: int, mixed_ratio: float) -> tuple[str, int | None]:
    """What the rated passages say: ``("up", 1)``, ``("down", -1)``, ``("mixed", None)`` or ``("", None)``.

    Mixed when passages marked mixed outnumber the one-sided ones, or when the
    smaller side is at least ``mixed_ratio`` of the larger (2 positive and 2
    negative: mixed, never "flat").
    """
    if positive + negative + mixed == 0:
        return "", None
    larger, smaller = max(positive, negative), min(positive, negative)
    if mixed > positive + negative or larger == 0 or smaller / larger >= mixed_ratio:
        return "mixed", None
    return ("up", 1) if positive > negative else ("down", -1)
