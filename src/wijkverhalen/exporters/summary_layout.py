"""Where each theme goes in the report: the seed's structure.

The monitor's summary (the seed, March 2021) is built as: the two cases
("Casuïstiek": I. Delfshaven Helpt, II. Social Impact by Design), the observations
per inventory (1. Netwerken, 2. Index+, 3. Social Impact by Design, 4. Governance,
with the five dimensions and four qualities of a responsive government), and the
definition of resilience with its factors (potential and effective action, the stock
of capacities, relations between actors, the neighbourhood as context).
:func:`layout` puts the code sections of the report in those parts, in that order.

With a case (``--case``) the report follows the seed's pages on that case: the
case through the inventories. The themes the seed discusses inside an inventory go
there, not to the factors at the end: for Delfshaven Helpt trust ("Onderling
vertrouwen en gedeelde opvattingen", "Vertrouwen") and the case's own codes go to
Netwerken, "beheer door de gemeenschap zelf" to Governance (dimension 5); for
Social Impact by Design the SIBD items split over Netwerken and Governance as the
seed's two SIBD pages do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Project
    from .summary import CodeSection

NETWERKEN, INDEX, SIBD, GOVERNANCE = "Netwerken", "Index+", "Social Impact by Design (SIBD)", "Governance"
CASES, FACTORS, OTHER = "Casuïstiek", "Definitie veerkracht", "Overige thema's"

INTRO = {
    CASES: "De rode lijn verbindt de vier inventarisaties middels twee casestudies: Delfshaven Helpt "
           "en Social Impact by Design (seed, Fig. 1.2).",
    NETWERKEN: "Inventarisatie 1: het netwerk van actoren en initiatieven in de wijk; bestaande netwerken "
               "en nieuwe coalities in tijden van corona.",
    INDEX: "Inventarisatie 2: indicatoren van het Wijkprofiel (Sociale Index) als meetinstrument voor "
           "veerkracht; BoTu naast de NPRZ-focuswijken en het Rotterdams gemiddelde, per editie.",
    SIBD: "Inventarisatie 3: observaties en aanbevelingen uit Social Impact by Design (SIBD): teams, "
          "open oproep, kernteam en de bewonersadviesgroep BoTu12.",
    GOVERNANCE: "Inventarisatie 4: de responsiviteit van de overheid. Een responsieve overheid faciliteert "
                "gemeenschapsveerkracht met vier kwaliteiten: mobiliserend vermogen, verbindend vermogen, "
                "institutionele souplesse en betrouwbaarheid.",
    FACTORS: "Factoren die potentieel en effectief handelen (= gemeenschapsveerkracht) beïnvloeden "
             "(seed, Fig. 1.8): de voorraad aan capaciteiten, de relaties tussen actoren en de buurt als context.",
    OTHER: "Codes buiten de vier inventarisaties, de casussen en de factoren van veerkracht.",
}

# Top-level codes per part (matched on the code id or the start of the label).
ROOTS: dict[str, tuple[str, ...]] = {
    CASES: ("casus",),
    NETWERKEN: ("netwerk", "netwerken"),
    SIBD: ("sibd", "social impact by design"),
    GOVERNANCE: ("governance",),
    FACTORS: ("handelen", "capaciteiten", "relaties", "buurt"),
}
ORDER = (CASES, NETWERKEN, INDEX, SIBD, GOVERNANCE, FACTORS)
CASE_ORDER = (NETWERKEN, INDEX, SIBD, GOVERNANCE, FACTORS)

# The five dimensions with the quality of a responsive government each (seed, governance pages).
GOVERNANCE_QUALITIES = (
    ("sociaal_kapitaal", "1. Sociaal kapitaal", "mobiliserend vermogen"),
    ("leiderschap", "2. Leiderschap", "verbindend vermogen"),
    ("betrokken_bestuur", "3. Betrokken bestuur", "institutionele souplesse"),
    ("probleemoplossend_vermogen", "4. Probleemoplossend vermogen", "betrouwbaarheid"),
    ("communicatieomgeving", "5. Communicatieomgeving", "betrouwbaarheid"),
)

# With --case: code-id endings the seed discusses inside an inventory, per case kind.
TRUST_IN_NETWERKEN = ("relaties.vertrouwen", "relaties.gedeelde_opvattingen")
CASE_GOVERNANCE = ("zelfbeheer", "beheer")
SIBD_NETWERKEN = ("open_oproep", "doelstelling", "bewoners_betrekken", "gemeente_betrekken", "privaat")
SIBD_GOVERNANCE = ("kaders_regelgeving", "fasering", "financiering", "effectiviteit_efficientie", "botu12",
                   "dynamiek", "experimenteer")


def key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def matches(section: CodeSection, keys: tuple[str, ...]) -> bool:
    ident = section.code.id.casefold()
    label = section.code.label.casefold()
    return any(ident == k or ident.startswith(k) or label.startswith(k) for k in keys)


def is_sibd(case: str) -> bool:
    return key(case) in ("sibd", "socialimpactbydesign") or key(case).startswith("socialimpact")


@dataclass
class CaseOverview:
    """A case of the project: its documents and the passages per inventory in them."""

    name: str
    documents: int
    roles: dict[str, int]
    rows: list[tuple[str, int, int]]  # (inventory or factor, passages incl. sub-codes, documents)


def _shift(section: CodeSection, by: int) -> None:
    section.depth -= by
    for child in section.children:
        _shift(child, by)


def _detach(roots: list[CodeSection], wanted: Callable[[CodeSection], bool], origin: str = "") -> list[CodeSection]:
    """Take the sections ``wanted`` out of the tree (with their sub-codes), re-based to depth 0."""
    taken: list[CodeSection] = []

    def walk(siblings: list[CodeSection], parent_path: str) -> None:
        for s in list(siblings):
            if wanted(s):
                siblings.remove(s)
                _shift(s, s.depth)
                s.moved_from = parent_path or origin
                taken.append(s)
            else:
                walk(s.children, s.code.label)

    walk(roots, "")
    return taken


def _prune(sections: list[CodeSection]) -> None:
    """Drop themes left empty because all their coded sub-codes moved to another part."""
    for s in list(sections):
        _prune(s.children)
        if s.codings == 0 and not s.children and s.total_codings > 0:
            sections.remove(s)


def _case_code(roots: list[CodeSection], case: str) -> CodeSection | None:
    """The codebook's own code for ``case`` (a child of 'casus' whose label or id names it)."""
    wanted = key(case)
    for root in roots:
        if not matches(root, ROOTS[CASES]):
            continue
        for child in root.children:
            names = (key(child.code.label), key(child.code.id.rsplit(".", 1)[-1]))
            if any(n and (n.startswith(wanted) or wanted.startswith(n)) for n in names):
                return child
    return None


def layout(roots: list[CodeSection], case: str | None) -> list[tuple[str, list[CodeSection]]]:
    """``(part title, sections)`` in the seed's order; see the module docstring."""
    out: dict[str, list[CodeSection]] = {}
    if case is not None:
        out[NETWERKEN] = []
        out[GOVERNANCE] = []
        own = _case_code(roots, case)
        if own is not None:
            moved = _detach(own.children, lambda s: matches_end(s, CASE_GOVERNANCE))
            out[GOVERNANCE].extend(moved)
            out[NETWERKEN].extend(_detach(roots, lambda s: s is own))
        out[NETWERKEN].extend(_detach(roots, lambda s: s.code.id in TRUST_IN_NETWERKEN))
        if is_sibd(case):
            out[NETWERKEN].extend(_detach(roots, lambda s: s.depth > 0 and matches_end(s, SIBD_NETWERKEN)
                                          and s.code.id.startswith("sibd")))
            out[GOVERNANCE].extend(_detach(roots, lambda s: s.depth > 0 and matches_end(s, SIBD_GOVERNANCE)
                                           and s.code.id.startswith("sibd")))
    _prune(roots)
    used: set[int] = set()
    for title in CASE_ORDER if case is not None else ORDER:
        if title == INDEX:
            out.setdefault(INDEX, [])
            continue
        picked = [s for s in roots if id(s) not in used and matches(s, ROOTS[title])]
        used.update(id(s) for s in picked)
        if title == CASES:  # the 'casus' code only groups the cases: show the cases themselves
            picked = [c for s in picked for c in ([s] if s.codings else s.children)]
            for c in picked:
                _shift(c, c.depth)
        # Inventory roots first, then what the seed puts there from elsewhere.
        out[title] = picked + out.get(title, [])
    rest = [s for s in roots if id(s) not in used]
    ordered = [(t, out.get(t, [])) for t in (CASE_ORDER if case is not None else ORDER)]
    for title, sections in ordered:
        for s in sections:
            # "Netwerken" under "Netwerken": the part heading stands for the code, its sub-codes move up.
            if s.depth == 0 and not s.is_part and key(title).startswith(key(s.code.label)):
                s.is_part = True
                for child in s.children:
                    _shift(child, 1)
    if rest:
        ordered.append((OTHER, rest))
    return ordered


def matches_end(section: CodeSection, endings: tuple[str, ...]) -> bool:
    last = section.code.id.rsplit(".", 1)[-1].casefold()
    return any(last == e or last.startswith(e) for e in endings)


def governance_qualities(sections: list[CodeSection]) -> list[tuple[str, str, int, int]]:
    out = []
    for root in sections:
        for child in root.children:
            for ending, dimension, quality in GOVERNANCE_QUALITIES:
                if matches_end(child, (ending,)):
                    out.append((dimension, quality, child.total_codings, child.total_documents))
    return out


def case_overviews(project: Project, roots: list[CodeSection], documents: Sequence[Any],
                    anonymise: Callable[[str], str]) -> list[CaseOverview]:
    """Per case of the project (the seed's two first): documents and passages per inventory."""
    from ..analysis.matrices import ROLE_ATTRIBUTES, code_frequencies_with_children

    cases = project.cases()
    shown = {d.id: d for d in documents}
    order = sorted(cases, key=lambda n: (not key(n).startswith("delfshaven"), not key(n).startswith("socialimpact")
                                         and key(n) != "sibd", n.casefold()))
    out = []
    for name in order:
        ids = [i for i in cases[name] if i in shown]
        if not ids:
            continue
        _own, total = code_frequencies_with_children(project, document_ids=ids)
        rows = []
        for title in (NETWERKEN, SIBD, GOVERNANCE, FACTORS):
            ids_of = [r.code.id for r in roots if any(r.code.id.casefold() == k or r.code.id.casefold().startswith(k)
                                                       for k in ROOTS[title]) and r.code.id in total.index]
            rows.append((title, sum(int(total.at[c, "codings"]) for c in ids_of),
                         max((int(total.at[c, "documents"]) for c in ids_of), default=0)))
        roles: dict[str, int] = {}
        for i in ids:
            role = next((shown[i].attributes[a] for a in ROLE_ATTRIBUTES if shown[i].attributes.get(a)), "")
            if role:
                roles[anonymise(role)] = roles.get(anonymise(role), 0) + 1
        out.append(CaseOverview(anonymise(name), len(ids), dict(sorted(roles.items())), rows))
    return out
