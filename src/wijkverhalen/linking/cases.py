"""Per case (casuïstiek): the four inventories of the monitor side by side.

For the documents of one case (Delfshaven Helpt, Social Impact by Design...):

1. **Netwerken** - the actors its stories name, how often, and their strongest ties;
2. **Index+** - the findings (code x indicator) that have passages in the case;
3. **Social Impact by Design** - the codes under ``sibd`` that were coded, with valence;
4. **Governance** - the codes under ``governance`` (the dimensions and qualities of a
   responsive government) that were coded, with valence.

The root codes of inventories 3 and 4 are options of
:class:`~wijkverhalen.linking.triangulation.ValidationOptions`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for annotations: triangulation.validate builds the case views, so cases sits
    # above triangulation at run time and a real import back would be a cycle.
    from .triangulation import Context, Finding


@dataclass
class InventoryCount:
    """How often a code was applied in the case, by valence."""

    code_id: str
    label: str
    passages: int
    positive: int
    negative: int
    mixed: int
    unrated: int


@dataclass
class CaseView:
    """The four inventories of one case side by side."""

    name: str
    documents: int
    roles: dict[str, int]
    actors: list[dict[str, Any]]  # netwerken: id, name, mentions, documents, ties [(name, weight)]
    findings: list[Finding]  # index+
    governance: list[InventoryCount]
    sibd: list[InventoryCount]


def _inventory(ctx: Context, evidence: Any, root: str) -> list[InventoryCount]:
    """Counts for ``root`` (with everything below it) and for each code under it that was applied."""
    if root not in ctx.trees:
        return []
    labels = {c.id: c.label for c in ctx.codes}
    out = []
    for code_id in ctx.trees[root]:
        q = evidence.collect(ctx.trees[code_id] if code_id == root else [code_id], ctx.options)
        if q.passages:
            out.append(InventoryCount(code_id, labels[code_id], q.passages, q.positive, q.negative, q.mixed,
                                      q.unrated))
    return out


def _actors(ctx: Context, name: str, doc_ids: list[int]) -> list[dict[str, Any]]:
    units = ctx.project.mention_units(document_ids=doc_ids)
    if not units:
        return []
    from .network import NetworkOptions, build_network, top_ties

    graph = build_network(ctx.project, NetworkOptions(case=name, include_codes=False))
    names = {a.id: a.name for a in ctx.project.actors()}
    mentions = Counter(u[0] for u in units)
    docs: dict[str, set[int]] = defaultdict(set)
    for actor_id, doc_id, _ in units:
        docs[actor_id].add(doc_id)
    return [{"id": actor_id, "name": names.get(actor_id, actor_id), "mentions": n, "documents": len(docs[actor_id]),
             "ties": top_ties(graph, actor_id, 3)}
            for actor_id, n in sorted(mentions.items(), key=lambda t: (-t[1], t[0]))]


def case_view(ctx: Context, name: str) -> CaseView:
    doc_ids = ctx.project.case_document_ids(name)
    evidence = ctx.evidence(doc_ids)
    role_counts = Counter(ctx.roles.get(d, "?") for d in doc_ids)
    return CaseView(name=name, documents=len(doc_ids), roles=dict(sorted(role_counts.items())),
                    actors=_actors(ctx, name, doc_ids),
                    findings=[f for f in ctx.findings(evidence) if f.qual.passages],
                    governance=_inventory(ctx, evidence, ctx.options.governance_code),
                    sibd=_inventory(ctx, evidence, ctx.options.sibd_code))
