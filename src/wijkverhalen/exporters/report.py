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
from typing import Any

from .. import __version__
from ..errors import InvalidInput, NotFound
from ..models import Code, Passage
from . import ProgressCallback, no_progress
from .pseudonymise import IDENTITY, Pseudonymiser
from .triangulation import IndicatorNote, indicator_notes

INTERVIEWER_LABELS = frozenset({"i", "int", "interviewer", "interviewster", "onderzoeker", "vraag"})
KEY_MEMO_WORDS = ("kern", "sleutel", "citaat", "quote", "sterk")

# The monitor's four inventories (Fig. 1.1), matched to top-level codes by id or label.
RODE_LIJN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Netwerken", "Het netwerk van actoren en initiatieven in de wijk.", ("netwerk", "netwerken")),
    ("Index+", "Indicatoren van het Wijkprofiel (Sociale Index) naast de verhalen.", ()),
    ("Social Impact by Design (SIBD)", "Programmaonderdeel met teams, open oproep, kernteam en BoTu12.",
     ("sibd", "social impact by design")),
    ("Governance", "De responsiviteit van de overheid: vijf dimensies, vier kwaliteiten.",
     ("governance",)),
)


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

    @property
    def count_line(self) -> str:
        if not self.codings:
            text = "Geen passages"
        else:
            text = (f"{self.codings} passage{'s' if self.codings != 1 else ''} in {self.documents} "
                    f"document{'en' if self.documents != 1 else ''}")
            if self.respondents:
                roles = ", ".join(f"{n} {r}" for r, n in self.roles.items() if n)
                text += f"; {self.respondents} respondent{'en' if self.respondents != 1 else ''}"
                text += f" ({roles})" if roles else ""
        if self.total_codings > self.codings:
            text += f"; met subcodes {self.total_codings} passages in {self.total_documents} documenten"
        return text + "."

    @property
    def coder_line(self) -> str:
        return ", ".join(f"{c} ({n})" for c, n in self.coders.items() if n)


@dataclass
class ReportPart:
    title: str
    intro: str
    sections: list[CodeSection] = field(default_factory=list)
    indicator_table: list[IndicatorNote] = field(default_factory=list)


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
    triangulation_note: str
    code_filter: tuple[str, ...] = ()
    version: str = __version__

    def subtitle(self) -> str:
        bits = [f"{self.documents} documenten", f"{self.codings} passages"]
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


def resolve_case_documents(project: Any, case: str) -> tuple[str, list[int]]:
    """The case's name and document ids; matches by name, acronym or unique prefix."""
    if hasattr(project, "resolve_case") and hasattr(project, "case_document_ids"):
        name = project.resolve_case(case)
        return name, list(project.case_document_ids(name))
    cases = project.cases()
    matches = [n for n in cases if n.casefold() == case.casefold()] or \
              [n for n in cases if n.casefold().startswith(case.casefold())]
    if len(matches) != 1:
        raise NotFound(f"no case '{case}' (cases: {', '.join(cases) or 'none'})")
    return matches[0], cases[matches[0]]


def build_report(project: Any, *, case: str | None = None, codes: Sequence[str] = (),
                 pseudonymise: bool = False, quotes: int = 3, all_codes: bool = False,
                 max_memos: int = 8, progress: ProgressCallback | None = None) -> Report:
    """Collect everything the report shows; see the module docstring."""
    from ..analysis.frames import code_tree
    from ..analysis.matrices import ROLE_ATTRIBUTES, code_frequencies_with_children

    progress = progress or no_progress
    anonymise: Pseudonymiser = Pseudonymiser.from_project(project) if pseudonymise else IDENTITY
    tree = code_tree(project)
    case_name: str | None = None
    doc_ids: list[int] | None = None
    if case:
        case_name, doc_ids = resolve_case_documents(project, case)
    documents = [d for d in project.documents() if doc_ids is None or d.id in set(doc_ids)]
    doc_set = {d.id for d in documents}
    role_of = {d.id: next((d.attributes[a] for a in ROLE_ATTRIBUTES if d.attributes.get(a)), "")
               for d in documents}

    selected: set[str] | None = None
    if codes:
        selected = set()
        for cid in codes:
            if cid not in tree.by_id:
                raise InvalidInput(project.no_code(cid).message)
            selected.update(tree.descendants(cid))
    own, total = code_frequencies_with_children(project, document_ids=sorted(doc_set))
    role_cols = [c for c in own.columns if c.startswith("role:")]
    coder_cols = [c for c in own.columns if c.startswith("coder:")]
    notes, tri_note = indicator_notes(project, case_name, [c for c in tree.codes if c.indicators])

    def shown(code_id: str) -> bool:
        if selected is not None and code_id not in selected:
            return False
        return all_codes or int(total.at[code_id, "codings"]) > 0

    rows_by_code: dict[str, list[dict[str, Any]]] = {}
    all_rows = project.coding_spans(sorted(doc_set))
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
    parts = _parts(roots, case_name is not None, notes)
    overview = [(s.code.label, s.depth, s.codings, s.documents, s.respondents)
                for s in sections.values() if not s.heading_only]
    coders_total: dict[str, int] = {}
    for c in coder_cols:
        coders_total[c[6:]] = int(own[c].sum())
    sources = [(anonymise(d.name), anonymise.mapping(d.attributes), d.word_count) for d in documents]
    title = "Gecodeerde samenvatting"
    if case_name:
        title += f": {anonymise(case_name)}"
    return Report(
        title=title, project=anonymise(project.path.stem), generated=date.today().isoformat(),
        case=anonymise(case_name) if case_name else None, documents=len(documents),
        codings=int(own["codings"].sum()), coders=coders_total, pseudonymised=pseudonymise,
        parts=parts, overview=overview, sources=sources[:200], source_count=len(sources),
        triangulation_note=tri_note, code_filter=tuple(codes))


def _fill_quotes(project: Any, section: CodeSection, rows: list[dict[str, Any]], quotes: int, max_memos: int,
                 role_of: dict[int, str], agreed: set[int], doc_names: dict[int, str],
                 anonymise: Pseudonymiser) -> None:
    """Quotes and passage memos of one code, reading only a short list of candidates."""
    ranked = sorted(rows, key=lambda r: (-_cheap_score(r, agreed), r["id"]))
    candidates = [r["id"] for r in ranked[:max(30, quotes * 10)]] if quotes else []
    memo_rows = sorted((r for r in rows if r["memo"]), key=lambda r: (doc_names.get(r["document_id"], ""), r["start"],
                                                                       r["end"], r["id"]))
    wanted = candidates + [r["id"] for r in memo_rows[:max_memos + quotes]]
    fetched = {p.coding.id: p for p in project.passages_for(wanted)}
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


def _matches(section: CodeSection, keys: tuple[str, ...]) -> bool:
    ident = section.code.id.casefold()
    label = section.code.label.casefold()
    return any(ident == k or ident.startswith(k) or label.startswith(k) for k in keys)


def _parts(roots: list[CodeSection], rode_lijn: bool, notes: dict[str, list[IndicatorNote]]) -> list[ReportPart]:
    if not rode_lijn:
        return [ReportPart("Codeboek", "", roots)]
    parts: list[ReportPart] = []
    used: set[str] = set()
    for title, intro, keys in RODE_LIJN:
        part = ReportPart(title, intro)
        if not keys:  # Index+: the indicators linked to coded themes
            table = [n for cid in _walk_ids(roots) for n in notes.get(cid, [])]
            part.indicator_table = sorted(table, key=lambda n: (n.label.casefold(), n.indicator))
        else:
            part.sections = [s for s in roots if _matches(s, keys)]
            used.update(s.code.id for s in part.sections)
        parts.append(part)
    rest = [s for s in roots if s.code.id not in used]
    if rest:
        parts.append(ReportPart("Overige thema's", "Codes buiten de vier inventarisaties.", rest))
    return parts


def _walk_ids(sections: list[CodeSection]) -> list[str]:
    out: list[str] = []
    for s in sections:
        if s.codings:
            out.append(s.code.id)
        out.extend(_walk_ids(s.children))
    return out
