"""The neighbourhood network from the stories: actors, their ties, and who is missing.

Nodes are actors of the registry, codes (when coded passages mention an actor) and,
on request, respondents (one node per document). Ties:

* actor - actor ("co-mention"): both are mentioned in the same document; ``documents``
  counts those documents and ``passages`` the turns (speaker turns, the passages of an
  interview) that mention both. ``weight`` is the count at the chosen tie level.
* actor - code ("coded"): coded passages that overlap a mention of the actor;
  ``weight`` is the number of such codings.
* respondent - actor ("mentions"): how often the document names the actor.

Mentions a researcher rejected never count; ``confirmed_only`` also leaves out the
ones not yet reviewed. Export goes to GEXF and GraphML (Gephi) and to an XLSX with
``Elements`` and ``Connections`` sheets as Kumu imports it.

networkx and openpyxl are imported inside the functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput

if TYPE_CHECKING:
    import networkx as nx

    from ..store import Project

NETWORK_FORMATS = {".gexf": "gexf", ".graphml": "graphml", ".xlsx": "xlsx"}
TIE_LEVELS = ("document", "passage")


@dataclass(frozen=True)
class NetworkOptions:
    confirmed_only: bool = False
    case: str | None = None
    tie_level: str = "document"
    min_weight: int = 1
    include_codes: bool = True
    include_respondents: bool = False
    role_attribute: str = "rol"


@dataclass(frozen=True)
class GroupReach:
    """How far the network reaches one respondent group (e.g. rol=bewoner)."""

    group: str
    documents: int
    documents_with_actors: int
    actors: int  # distinct actors its documents mention
    mean_actors: float  # distinct actors per document
    few_ties: bool


@dataclass
class Inclusiveness:
    """Who is not (or hardly) in the network: the researchers' inclusiveness question."""

    rule: str
    unmentioned: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    few_ties: list[tuple[str, str, int, int]] = field(default_factory=list)  # id, name, ties, mentions
    groups: list[GroupReach] = field(default_factory=list)
    respondents_few_actors: list[tuple[str, str, int]] = field(default_factory=list)  # name, group, actors


def _statuses(options: NetworkOptions) -> tuple[str, ...]:
    return ("confirmed",) if options.confirmed_only else ("detected", "confirmed")


def _document_ids(project: Project, case: str | None) -> list[int] | None:
    return project.case_document_ids(project.resolve_case(case)) if case else None


def build_network(project: Project, options: NetworkOptions = NetworkOptions()) -> nx.Graph:
    """The network as a networkx Graph (node ids ``actor:ID``, ``code:ID``, ``doc:ID``)."""
    import networkx as nx

    if options.tie_level not in TIE_LEVELS:
        raise InvalidInput(f"tie level must be one of {', '.join(TIE_LEVELS)}")
    case = project.resolve_case(options.case) if options.case else None
    doc_ids = project.case_document_ids(case) if case else None
    statuses = _statuses(options)
    units = project.mention_units(statuses=statuses, document_ids=doc_ids)
    graph = nx.Graph(name="wijkverhalen network" + (f" ({case})" if case else ""))
    mentions: Counter[str] = Counter()
    docs_of: dict[str, set[int]] = defaultdict(set)
    per_doc: dict[int, set[str]] = defaultdict(set)
    per_turn: dict[tuple[int, int], set[str]] = defaultdict(set)
    per_doc_count: Counter[tuple[int, str]] = Counter()
    for actor_id, doc_id, turn in units:
        mentions[actor_id] += 1
        docs_of[actor_id].add(doc_id)
        per_doc[doc_id].add(actor_id)
        per_doc_count[(doc_id, actor_id)] += 1
        per_turn[(doc_id, turn)].add(actor_id)
    for actor in project.actors():
        graph.add_node(f"actor:{actor.id}", label=actor.name, kind="actor", actor_id=actor.id,
                       type=actor.type, inventory=", ".join(actor.inventory),
                       mentions=mentions.get(actor.id, 0), documents=len(docs_of.get(actor.id, ())))
    doc_pairs: Counter[tuple[str, str]] = Counter()
    for actors in per_doc.values():
        doc_pairs.update(combinations(sorted(actors), 2))
    passage_pairs: Counter[tuple[str, str]] = Counter()
    for actors in per_turn.values():
        passage_pairs.update(combinations(sorted(actors), 2))
    for (a, b), n_docs in doc_pairs.items():
        n_pass = passage_pairs.get((a, b), 0)
        weight = n_docs if options.tie_level == "document" else n_pass
        if weight >= options.min_weight:
            graph.add_edge(f"actor:{a}", f"actor:{b}", kind="co-mention", weight=weight,
                           documents=n_docs, passages=n_pass)
    if options.include_codes:
        codes = {c.id: c for c in project.codes()}
        for actor_id, code_id, n_codings, n_docs in project.actor_code_ties(statuses=statuses,
                                                                            document_ids=doc_ids):
            if n_codings < options.min_weight or code_id not in codes:
                continue
            code = codes[code_id]
            node = f"code:{code_id}"
            if node not in graph:
                graph.add_node(node, label=code.label, kind="code", code_id=code_id, color=code.color,
                               type="code", inventory="", mentions=0, documents=0)
            graph.add_edge(f"actor:{actor_id}", node, kind="coded", weight=n_codings, documents=n_docs,
                           passages=n_codings, declared=actor_id in code.actors)
    if options.include_respondents:
        names = project.document_names()
        roles = project.attribute_map(options.role_attribute)
        for doc_id in (doc_ids if doc_ids is not None else sorted(names)):
            node = f"doc:{doc_id}"
            graph.add_node(node, label=names.get(doc_id, str(doc_id)), kind="respondent",
                           type=roles.get(doc_id, ""), inventory="", mentions=0, documents=1)
            for actor_id in sorted(per_doc.get(doc_id, ())):
                graph.add_edge(node, f"actor:{actor_id}", kind="mentions",
                               weight=per_doc_count[(doc_id, actor_id)], documents=1, passages=0)
    return graph


def inclusiveness(project: Project, options: NetworkOptions = NetworkOptions(), *, max_ties: int = 1) -> Inclusiveness:
    """Actors never mentioned or with at most ``max_ties`` actor ties; reach per respondent group."""
    graph = build_network(project, NetworkOptions(
        confirmed_only=options.confirmed_only, case=options.case, tie_level=options.tie_level,
        min_weight=options.min_weight, include_codes=False, include_respondents=False))
    rule = (f"an actor has few ties when it shares a document with at most {max_ties} other actor(s); "
            f"a respondent (document) names few actors when it names at most {max_ties}; a respondent group "
            "has few ties when its documents name on average fewer than half as many distinct actors as all "
            "documents do")
    report = Inclusiveness(rule=rule)
    for node, data in sorted(graph.nodes(data=True), key=lambda n: n[1]["label"].lower()):
        ties = graph.degree(node)
        if data["mentions"] == 0:
            report.unmentioned.append((data["actor_id"], data["label"]))
        elif ties <= max_ties:
            report.few_ties.append((data["actor_id"], data["label"], ties, data["mentions"]))
    doc_ids = _document_ids(project, options.case)
    names = project.document_names()
    scope = doc_ids if doc_ids is not None else sorted(names)
    roles = project.attribute_map(options.role_attribute)
    per_doc: dict[int, set[str]] = defaultdict(set)
    for actor_id, doc_id, _ in project.mention_units(statuses=_statuses(options), document_ids=doc_ids):
        per_doc[doc_id].add(actor_id)
    overall = sum(len(per_doc.get(d, ())) for d in scope) / len(scope) if scope else 0.0
    groups: dict[str, list[int]] = defaultdict(list)
    for doc_id in scope:
        groups[roles.get(doc_id, "(geen " + options.role_attribute + ")")].append(doc_id)
        if len(per_doc.get(doc_id, ())) <= max_ties:
            report.respondents_few_actors.append((names.get(doc_id, str(doc_id)), roles.get(doc_id, ""),
                                                  len(per_doc.get(doc_id, ()))))
    for group, ids in sorted(groups.items()):
        counts = [len(per_doc.get(d, ())) for d in ids]
        mean = sum(counts) / len(ids)
        report.groups.append(GroupReach(
            group=group, documents=len(ids), documents_with_actors=sum(1 for c in counts if c),
            actors=len(set().union(*(per_doc.get(d, set()) for d in ids))), mean_actors=round(mean, 2),
            few_ties=mean < overall / 2))
    report.groups.sort(key=lambda g: (g.mean_actors, g.group))
    return report


# ----------------------------------------------------------------------------- export


def network_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in NETWORK_FORMATS.values():
            raise InvalidInput(f"unknown network format '{fmt}' (use gexf, graphml or xlsx)")
        return fmt
    found = NETWORK_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InvalidInput(f"cannot tell the format of '{path.name}'; end it in .gexf, .graphml or .xlsx "
                           "or pass --format")
    return found


def _unique_labels(graph: nx.Graph) -> dict[str, str]:
    """Kumu identifies elements by label: make every label unique."""
    seen: Counter[str] = Counter(data["label"] for _, data in graph.nodes(data=True))
    out = {}
    for node, data in graph.nodes(data=True):
        label = data["label"]
        if seen[label] > 1:
            label = f"{label} ({data['kind']}: {node.split(':', 1)[1]})"
        out[node] = label
    return out


def write_network(graph: nx.Graph, path: str | Path, fmt: str | None = None) -> str:
    """Write ``graph`` as GEXF, GraphML or Kumu XLSX; returns the format written."""
    import networkx as nx

    path = Path(path)
    fmt = network_format(path, fmt)
    if not path.parent.exists():
        raise InvalidInput("folder does not exist", path=path.parent)
    if fmt in ("gexf", "graphml"):
        from ..exporters import atomic_path

        with atomic_path(path) as tmp:
            (nx.write_gexf if fmt == "gexf" else nx.write_graphml)(graph, tmp)
    else:
        _write_kumu(graph, path)
    return fmt


def _write_kumu(graph: nx.Graph, path: Path) -> None:
    from ..exporters.tables import Sheet, write_xlsx

    labels = _unique_labels(graph)
    elements: list[list[Any]] = [["Label", "Type", "Kind", "Inventory", "Mentions", "Documents", "ID"]]
    type_names = {"actor": None, "code": "code", "respondent": "respondent"}
    for node, data in graph.nodes(data=True):
        element_type = type_names[data["kind"]] or data.get("type") or "actor"
        elements.append([labels[node], element_type, data["kind"], data.get("inventory", ""),
                         data.get("mentions", 0), data.get("documents", 0), node])
    connections: list[list[Any]] = [["From", "To", "Type", "Weight", "Documents", "Passages"]]
    for a, b, data in graph.edges(data=True):
        connections.append([labels[a], labels[b], data["kind"], data["weight"], data.get("documents", 0),
                            data.get("passages", 0)])
    write_xlsx(path, [Sheet("Elements", elements, freeze=None), Sheet("Connections", connections, freeze=None)])


def network_summary(graph: nx.Graph) -> dict[str, Any]:
    kinds = Counter(data["kind"] for _, data in graph.nodes(data=True))
    ties = Counter(data["kind"] for _, _, data in graph.edges(data=True))
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "node_kinds": dict(kinds), "tie_kinds": dict(ties)}


def top_ties(graph: nx.Graph, actor_id: str, n: int = 5) -> list[tuple[str, int]]:
    """The strongest actor ties of one actor: ``(name, weight)``."""
    node = f"actor:{actor_id}"
    if node not in graph:
        return []
    out = [(graph.nodes[other]["label"], data["weight"]) for other, data in graph[node].items()
           if graph.nodes[other]["kind"] == "actor"]
    return sorted(out, key=lambda t: (-t[1], t[0]))[:n]


def inclusiveness_lines(report: Inclusiveness) -> list[str]:
    """The inclusiveness report as plain lines for the terminal."""
    lines = [f"few ties: {report.rule}"]
    if report.unmentioned:
        lines.append("  never mentioned: " + ", ".join(name for _, name in report.unmentioned))
    if report.few_ties:
        lines.append("  few ties: " + ", ".join(f"{name} ({t})" for _, name, t, _ in report.few_ties))
    if report.respondents_few_actors:
        lines.append("  respondents naming few actors: "
                     + ", ".join(f"{n} ({g}, {k})" for n, g, k in report.respondents_few_actors))
    for g in report.groups:
        flag = "  <- few ties" if g.few_ties else ""
        lines.append(f"  {g.group}: {g.documents} document(s), {g.documents_with_actors} naming an actor, "
                     f"{g.actors} distinct actor(s), {g.mean_actors:.2f} per document{flag}")
    return lines
