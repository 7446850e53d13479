"""The coded summary for the yearly report, as a model the Markdown and DOCX writers render.

:func:`build_report` reads the project once and returns a :class:`Report`: parts
(the whole codebook, or with a case the monitor's "rode lijn": Netwerken, Index+,
Social Impact by Design, Governance, other themes), each a tree of
:class:`CodeSection` with label, gloss, definition, counts, the strongest quotes with
an exact reference, memos and linked indicators with their triangulation verdict.
Every string that can carry a name has passed the pseudonymiser when asked.

Which quotes are "strongest" is a transparent heuristic, not a judgement: passages
the researcher marked with a memo (more so with "kern", "sleutel" or "citaat" in
it) come first, then passages of 12-60 words by a respondent rather than the
interviewer, then passages two coders agreed on; after the first pick, other
documents and roles are preferred so the quotes show the range of voices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import InvalidInput
from ..models import Code, Passage
from . import ProgressCallback, no_progress
from .pseudonymise import IDENTITY, Pseudonymiser
from .summary_index import IndexIndicator, index_section
from .summary_layout import (
    CASES,
    GOVERNANCE,
    INDEX,
    INTRO,
    CaseOverview,
    case_overviews,
    governance_qualities,
    layout,
)
from .summary_verdicts import RULE_NL, IndicatorNote, triangulate

if TYPE_CHECKING:
    from ..store import Project

# The attributes the sources table shows unless the user names others (--source-attributes).
SOURCE_ATTRIBUTES = ("respondent", "rol", "wijk", "jaar", "casus")
PLURALS = {"passage": "passages", "document": "documenten", "respondent": "respondenten", "code": "codes",
           "codering": "coderingen", "casus": "casussen", "indicator": "indicatoren", "woord": "woorden"}


def aantal(n: int, noun: str) -> str:
    """A Dutch count with the right number: ``1 passage``, ``2 passages``, ``0 documenten``."""
    return f"{n} {noun if n == 1 else PLURALS.get(noun, noun + 'en')}"

INTERVIEWER_LABELS = frozenset({"i", "int", "interviewer", "interviewster", "onderzoeker", "vraag"})
KEY_MEMO_WORDS = ("kern", "sleutel", "citaat", "quote", "sterk")

@dataclass(frozen=True)
class Quote:
    text: str
    document: str
    speaker: str | None
    turn: int  # 1-based paragraph / speaker turn
    sentence: int  # 1-based sentence in the document
    start: int
    end: int
    coder: str
    memo: str
    valence: str | None
    role: str = ""

    @property
    def reference(self) -> str:
        parts = [self.document]
        if self.speaker:
            parts.append(self.speaker)
        if self.turn > 0:
            parts.append(f"alinea {self.turn}")
        if self.sentence > 0:
            parts.append(f"zin {self.sentence}")
        return ", ".join(parts) + f" [{self.start}–{self.end}]"


@dataclass
class CodeSection:
    code: Code
    path: str
    depth: int
    codings: int = 0
    documents: int = 0
    respondents: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    coders: dict[str, int] = field(default_factory=dict)
    total_codings: int = 0  # including sub-codes
    total_documents: int = 0
    quotes: list[Quote] = field(default_factory=list)
    memos: list[tuple[str, str]] = field(default_factory=list)  # (reference, memo)
    indicators: list[IndicatorNote] = field(default_factory=list)
    children: list[CodeSection] = field(default_factory=list)
    heading_only: bool = False  # an ancestor shown only to place selected codes
    moved_from: str = ""  # the parent theme, when the seed's structure put the code elsewhere
    is_part: bool = False  # the inventory's own code, shown under the part's heading (not a heading of its own)

    @property
    def count_line(self) -> str:
        if not self.codings:
            text = "Geen passages"
        else:
            text = f"{aantal(self.codings, 'passage')} in {aantal(self.documents, 'document')}"
            if self.respondents:
                roles = ", ".join(f"{n} {r}" for r, n in self.roles.items() if n)
                text += f"; {aantal(self.respondents, 'respondent')}"
                text += f" ({roles})" if roles else ""
        if self.total_codings > self.codings:
            text += (f"; met subcodes {aantal(self.total_codings, 'passage')} in "
                     f"{aantal(self.total_documents, 'document')}")
        return text + "."

    @property
    def coder_line(self) -> str:
        return ", ".join(f"{c} ({n})" for c, n in self.coders.items() if n)


@dataclass
class ReportPart:
    title: str
    intro: str
    sections: list[CodeSection] = field(default_factory=list)
    index: list[IndexIndicator] = field(default_factory=list)  # the Index+ part
    qualities: list[tuple[str, str, int, int]] = field(default_factory=list)  # Governance: dimension, quality, n, docs
    cases: list[CaseOverview] = field(default_factory=list)  # Casuïstiek without --case

    @property
    def empty(self) -> bool:
        return not (self.sections or self.index or self.cases)


@dataclass
class Report:
    title: str
    project: str
    generated: str
    case: str | None
    documents: int
    codings: int
    coders: dict[str, int]
    pseudonymised: bool
    parts: list[ReportPart]
    overview: list[tuple[str, int, int, int, int]]  # (label, depth, codings, documents, respondents)
    sources: list[tuple[str, dict[str, str], int]]  # (document, attributes, words)
    source_count: int
    code_filter: tuple[str, ...] = ()
    source_columns: tuple[str, ...] = ()  # the attributes the sources table shows
    method: list[tuple[str, str]] = field(default_factory=list)  # (rule, text) of the Verantwoording
    thresholds: dict[str, str] = field(default_factory=dict)  # triangulation options in force
    warnings: list[str] = field(default_factory=list)  # of the triangulation
    version: str = __version__

    def subtitle(self) -> str:
        bits = [aantal(self.documents, "document"), aantal(self.codings, "passage")]
        if self.coders:
            bits.append("codeurs: " + ", ".join(self.coders))
        if self.pseudonymised:
            bits.append("gepseudonimiseerd")
        return " · ".join(bits)


def _score(p: Passage, agreed: bool) -> float:
    words = len(p.text.split())
    if 12 <= words <= 60:
        score = 1.0
    elif 6 <= words <= 100:
        score = 0.6
    else:
        score = 0.2
    memo = p.coding.memo.lower()
    if memo:
        score += 0.5 + (1.0 if any(w in memo for w in KEY_MEMO_WORDS) else 0.0)
    if p.coding.valence:
        score += 0.2
    if agreed:
        score += 0.3
    if p.speaker and p.speaker.strip().casefold() in INTERVIEWER_LABELS:
        score -= 1.0
    return score


def agreed_codings(rows: Sequence[Any]) -> set[int]:
    """Ids of codings that another coder's coding of the same code overlaps.

    ``rows`` are codings (objects with ``id, document_id, code_id, start, end, coder``
    or dicts with those keys).
    """
    spans: dict[tuple[int, str], list[tuple[int, int, str, int]]] = {}
    for r in rows:
        d = r if isinstance(r, dict) else vars(r)
        spans.setdefault((d["document_id"], d["code_id"]), []).append((d["start"], d["end"], d["coder"], d["id"]))
    out: set[int] = set()
    for group in spans.values():
        if len({c for _, _, c, _ in group}) < 2:
            continue
        group.sort()
        for k, (_start, end, coder, cid) in enumerate(group):
            for start2, _end2, coder2, cid2 in group[k + 1:]:
                if start2 >= end:
                    break
                if coder2 != coder:
                    out.update((cid, cid2))
    return out


def _cheap_score(row: dict[str, Any], agreed: set[int]) -> float:
    """The score of :func:`_score` without the text: words estimated from the length."""
    words = (row["end"] - row["start"]) / 6
    score = 1.0 if 12 <= words <= 60 else (0.6 if 6 <= words <= 100 else 0.2)
    memo = (row["memo"] or "").lower()
    if memo:
        score += 0.5 + (1.0 if any(w in memo for w in KEY_MEMO_WORDS) else 0.0)
    return score + (0.2 if row["valence"] else 0.0) + (0.3 if row["id"] in agreed else 0.0)


def choose_quotes(passages: Sequence[Passage], n: int, roles: dict[int, str],
                  agreed: set[int] | None = None) -> list[Passage]:
    """The ``n`` strongest passages, spread over documents and roles (see module docstring)."""
    if n <= 0 or not passages:
        return []
    if agreed is None:
        agreed = agreed_codings([p.coding for p in passages])
    base = {p.coding.id: _score(p, p.coding.id in agreed) for p in passages}
    chosen: list[Passage] = []
    covered: list[tuple[int, int, int]] = []
    remaining = list(passages)
    while remaining and len(chosen) < n:
        docs = {c.coding.document_id for c in chosen}
        used_roles = {roles.get(c.coding.document_id, "") for c in chosen}

        def value(p: Passage, docs: set[int] = docs, used_roles: set[str] = used_roles) -> tuple[float, int]:
            v = base[p.coding.id]
            if p.coding.document_id in docs:
                v -= 0.8
            if roles.get(p.coding.document_id, "") in used_roles:
                v -= 0.2
            return v, -p.coding.id

        best = max(remaining, key=value)
        remaining.remove(best)
        if any(d == best.coding.document_id and s < best.coding.end and e > best.coding.start
               for d, s, e in covered):
            continue  # the same words already quoted (another coder's passage)
        chosen.append(best)
        covered.append((best.coding.document_id, best.coding.start, best.coding.end))
    return chosen


def build_report(project: Project, *, case: str | None = None, codes: Sequence[str] = (),
                 pseudonymise: bool = False, quotes: int = 3, all_codes: bool = False,
                 max_memos: int = 8, progress: ProgressCallback | None = None,
                 source_attributes: Sequence[str] | None = None) -> Report:
    """Collect everything the report shows; see the module docstring."""
    from ..analysis.frames import code_tree
    from ..analysis.matrices import ROLE_ATTRIBUTES, code_frequencies_with_children

    progress = progress or no_progress
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    tree = code_tree(project)
    case_name: str | None = None
    doc_ids: list[int] | None = None
    if case:
        case_name, doc_ids = project.documents.resolve_case_documents(case)
    documents = [d for d in project.documents.all() if doc_ids is None or d.id in set(doc_ids)]
    doc_set = {d.id for d in documents}
    role_of = {d.id: next((d.attributes[a] for a in ROLE_ATTRIBUTES if d.attributes.get(a)), "")
               for d in documents}

    selected: set[str] | None = None
    if codes:
        selected = set()
        for cid in codes:
            if cid not in tree.by_id:
                raise InvalidInput(project.codes.not_found(cid).message)
            selected.update(tree.descendants(cid))
    own, total = code_frequencies_with_children(project, document_ids=sorted(doc_set))
    role_cols = [c for c in own.columns if c.startswith("role:")]
    coder_cols = [c for c in own.columns if c.startswith("coder:")]
    tri = triangulate(project, case_name, [c for c in tree.codes if c.indicators])
    notes = tri.notes

    def shown(code_id: str) -> bool:
        if selected is not None and code_id not in selected:
            return False
        return all_codes or int(total.at[code_id, "codings"]) > 0

    rows_by_code: dict[str, list[dict[str, Any]]] = {}
    all_rows = project.codings.spans(sorted(doc_set))
    for row in all_rows:
        rows_by_code.setdefault(row["code_id"], []).append(row)
    agreed = agreed_codings(all_rows)
    doc_names = {d.id: d.name for d in documents}
    wanted = [c for c in tree.codes if shown(c.id)]
    visible: set[str] = set()
    for c in wanted:
        visible.update(tree.ancestors(c.id))
    sections: dict[str, CodeSection] = {}
    done = 0
    for code in tree.codes:
        if code.id not in visible:
            continue
        row, trow = own.loc[code.id], total.loc[code.id]
        section = CodeSection(
            code=code, path=tree.path(code.id), depth=tree.depth(code.id),
            codings=int(row["codings"]), documents=int(row["documents"]),
            respondents=int(row["respondents"]),
            roles={c[5:]: int(row[c]) for c in role_cols if int(row[c])},
            coders={c[6:]: int(row[c]) for c in coder_cols if int(row[c])},
            total_codings=int(trow["codings"]), total_documents=int(trow["documents"]),
            heading_only=code.id not in {w.id for w in wanted},
            indicators=notes.get(code.id, []))
        if section.codings and not section.heading_only:
            _fill_quotes(project, section, rows_by_code.get(code.id, []), quotes, max_memos, role_of,
                         agreed, doc_names, anonymise)
        sections[code.id] = section
        done += 1
        progress(done, len(visible), code.label)
    roots: list[CodeSection] = []
    for section in sections.values():
        parent = section.code.parent_id
        if parent in sections:
            sections[parent].children.append(section)
        else:
            roots.append(section)
    depth = {code_id: s.depth for code_id, s in sections.items()}  # before the layout moves sections
    parts = _parts(project, roots, case_name, notes, documents, anonymise)
    overview = [(s.code.label, depth[s.code.id], s.codings, s.documents, s.respondents)
                for s in _walk_parts(parts) if not s.heading_only]
    coders_total: dict[str, int] = {}
    for c in coder_cols:
        coders_total[c[6:]] = int(own[c].sum())
    columns = source_columns(documents, source_attributes)
    sources = [(anonymise(d.name), anonymise.mapping({k: d.attributes.get(k, "") for k in columns}), d.word_count)
               for d in documents]
    title = "Gecodeerde samenvatting"
    if case_name:
        title += f": {anonymise(case_name)}"
    return Report(
        title=title, project=anonymise(project.path.stem), generated=date.today().isoformat(),
        case=anonymise(case_name) if case_name else None, documents=len(documents),
        codings=int(own["codings"].sum()), coders=coders_total, pseudonymised=pseudonymise,
        parts=parts, overview=overview, sources=sources[:200], source_count=len(sources),
        code_filter=tuple(codes), source_columns=columns,
        method=method_rules(tri.rules, quotes), thresholds=tri.options, warnings=tri.warnings)


def source_columns(documents: Sequence[Any], wanted: Sequence[str] | None) -> tuple[str, ...]:
    """The attributes of the sources table: ``wanted`` (default :data:`SOURCE_ATTRIBUTES`).

    Named attributes no document has are an error when the user named them, and left
    out silently from the default.
    """
    present = {k for d in documents for k, v in d.attributes.items() if v}
    if wanted is None:
        return tuple(a for a in SOURCE_ATTRIBUTES if a in present)
    missing = [a for a in wanted if a not in present]
    if missing and documents:
        known = ", ".join(sorted(present)) or "none"
        raise InvalidInput(f"no document has the attribute(s) {', '.join(missing)} (attributes: {known})")
    return tuple(dict.fromkeys(wanted))


def method_rules(rules: Sequence[tuple[str, str]], quotes: int) -> list[tuple[str, str]]:
    """The Verantwoording: how the report counts and chooses, then the triangulation rules."""
    out = [
        ("Tellingen", "Een passage is een gecodeerd tekstdeel; documenten en respondenten tellen de "
                      "verschillende interviews en verteller(s) (attribuut 'respondent', anders één per "
                      "document) met de code; 'met subcodes' telt de onderliggende codes mee."),
        ("Citaten", f"Per code ten hoogste {quotes} citaten, gekozen met een vaste regel, geen oordeel: "
                    "passages met een memo eerst (meer met 'kern', 'sleutel' of 'citaat' erin), dan passages "
                    "van 12-60 woorden van een respondent (niet de interviewer), dan passages waarover twee "
                    "codeurs het eens zijn; na de eerste keuze gaan andere documenten en rollen voor."),
        ("Vergelijkingsgebieden", "BoTu is Bospolder + Tussendijken, de NPRZ-groep de ingestelde "
                                  "focuswijken, Rotterdam het stedelijk gemiddelde; hoe elke reeks is "
                                  "gemaakt staat bij de indicator in Index+."),
    ]
    return out + [(f"Triangulatie: {RULE_NL.get(name, name)}", text) for name, text in rules]


def _parts(project: Project, roots: list[CodeSection], case: str | None, notes: dict[str, list[IndicatorNote]],
           documents: Sequence[Any], anonymise: Pseudonymiser) -> list[ReportPart]:
    """The parts in the seed's order (summary_layout), with Index+, governance qualities and cases."""
    all_notes = [n for cid in _walk_ids(roots) for n in notes.get(cid, [])]
    parts = [ReportPart(title, INTRO.get(title, ""), sections) for title, sections in layout(roots, case)]
    for part in parts:
        if part.title == INDEX:
            part.index = index_section(project, [n.indicator for n in all_notes], all_notes)
        elif part.title == GOVERNANCE:
            part.qualities = governance_qualities(part.sections)
        elif part.title == CASES:
            part.cases = case_overviews(project, roots, documents, anonymise)
    return parts


def _fill_quotes(project: Project, section: CodeSection, rows: list[dict[str, Any]], quotes: int, max_memos: int,
                 role_of: dict[int, str], agreed: set[int], doc_names: dict[int, str],
                 anonymise: Pseudonymiser) -> None:
    """Quotes and passage memos of one code, reading only a short list of candidates."""
    ranked = sorted(rows, key=lambda r: (-_cheap_score(r, agreed), r["id"]))
    candidates = [r["id"] for r in ranked[:max(30, quotes * 10)]] if quotes else []
    memo_rows = sorted((r for r in rows if r["memo"]), key=lambda r: (doc_names.get(r["document_id"], ""), r["start"],
                                                                       r["end"], r["id"]))
    wanted = candidates + [r["id"] for r in memo_rows[:max_memos + quotes]]
    fetched = {p.coding.id: p for p in project.retrieval.passages_for(wanted)}
    chosen = choose_quotes([fetched[i] for i in candidates if i in fetched], quotes, role_of, agreed)
    section.quotes = [_quote(p, role_of, anonymise) for p in chosen]
    quoted = {p.coding.id for p in chosen}
    for row in memo_rows:
        if len(section.memos) >= max_memos:
            break
        if row["id"] in quoted or row["id"] not in fetched:
            continue
        q = _quote(fetched[row["id"]], role_of, anonymise)
        section.memos.append((q.reference, anonymise(row["memo"])))


def _quote(p: Passage, role_of: dict[int, str], anonymise: Pseudonymiser) -> Quote:
    return Quote(
        text=anonymise(" ".join(p.text.split())), document=anonymise(p.document_name),
        speaker=anonymise.optional(p.speaker), turn=p.turn_index + 1, sentence=p.sentence_index + 1,
        start=p.coding.start, end=p.coding.end, coder=p.coding.coder, memo=anonymise(p.coding.memo),
        valence=p.coding.valence, role=anonymise(role_of.get(p.coding.document_id, "")))


def _walk_parts(parts: list[ReportPart]) -> list[CodeSection]:
    """Every section of ``parts`` in the order the report shows them."""
    out: list[CodeSection] = []

    def walk(sections: list[CodeSection]) -> None:
        for s in sections:
            out.append(s)
            walk(s.children)

    for part in parts:
        walk(part.sections)
    return out


def _walk_ids(sections: list[CodeSection]) -> list[str]:
    out: list[str] = []
    for s in sections:
        if s.codings:
            out.append(s.code.id)
        out.extend(_walk_ids(s.children))
    return out
