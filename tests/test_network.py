"""The actor network: ties, actor-code links, inclusiveness, GEXF/GraphML/Kumu export, CLI."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sample import SAMPLE_CODES, SAMPLE_TEXT, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import InvalidInput, NotFound
from wijkverhalen.linking.actors import detect_in_project, parse_actor_registry
from wijkverhalen.linking.network import (
    NetworkOptions,
    build_network,
    inclusiveness,
    top_ties,
    write_network,
)
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "linking"

DH_TEXT = (
    "I: Hoe begon Delfshaven Helpt!?\n"
    "R: Via DH Helpt en de gemeente kwamen we bij de Cooperatie terecht. Gemeente Rotterdam sloot later aan.\n"
    "I: En de Rebelgroep?\n"
    "R: De rebellen van de Rebelgroep kwamen ook. Havensteder niet. delfshaven helpt bleef.\n"
)
SOLO_TEXT = "I: En u?\nR: Alleen Havensteder kwam langs.\n"


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "net.wijk", codes=SAMPLE_CODES, coder="anna")
    project.documents.add([
        sample_input(DH_TEXT, "dh", {"rol": "professional", "casus": "Delfshaven Helpt!"}),
        sample_input(SAMPLE_TEXT, "other", {"rol": "bewoner", "casus": "Delfshaven Helpt!"}),
        sample_input(SOLO_TEXT, "solo", {"rol": "bewoner"}),
    ], "anna")
    project.actors.import_registry(parse_actor_registry(DATA / "actors_ok.yaml"), "anna")
    detect_in_project(project, "anna")
    # "de gemeente" (a generic alias) is stored as a suggestion; here it counts as a detection.
    suggested = project.actors.mentions(statuses=["suggested"])
    assert {m.text.lower() for m in suggested} == {"de gemeente"}
    project.actors.set_mention_status([m.id for m in suggested], "detected", "anna")
    start = DH_TEXT.index("Gemeente Rotterdam sloot")
    project.codings.add(1, start, start + len("Gemeente Rotterdam sloot later aan"), "relaties.vertrouwen", "anna")
    turn = DH_TEXT.index("De rebellen")
    project.codings.add(1, turn, DH_TEXT.index(" bleef."), "netwerken", "anna")
    yield project
    project.close()


def edge(graph: nx.Graph, a: str, b: str) -> dict:
    return graph.edges[f"actor:{a}", f"actor:{b}"]


def test_co_mention_ties_count_documents_and_passages(proj: Project) -> None:
    graph = build_network(proj)
    assert edge(graph, "delfshaven_helpt", "gemeente_rotterdam")["documents"] == 2
    assert edge(graph, "delfshaven_helpt", "gemeente_rotterdam")["passages"] == 1  # one shared speaker turn
    assert edge(graph, "delfshaven_helpt", "gemeente_rotterdam")["weight"] == 2
    assert edge(graph, "rebelgroep", "havensteder")["passages"] == 1
    assert edge(graph, "gemeente_rotterdam", "rebelgroep")["passages"] == 0
    assert graph.nodes["actor:delfshaven_helpt"]["mentions"] == 4
    assert graph.nodes["actor:havensteder"]["documents"] == 2
    passage = build_network(proj, NetworkOptions(tie_level="passage"))
    assert not passage.has_edge("actor:gemeente_rotterdam", "actor:rebelgroep")  # weight 0 at passage level
    strong = build_network(proj, NetworkOptions(min_weight=2))
    assert [tuple(sorted((a, b))) for a, b, d in strong.edges(data=True) if d["kind"] == "co-mention"] == [
        ("actor:delfshaven_helpt", "actor:gemeente_rotterdam")]


def test_coded_passages_tie_actors_to_codes(proj: Project) -> None:
    graph = build_network(proj)
    assert graph.edges["actor:gemeente_rotterdam", "code:relaties.vertrouwen"]["weight"] == 1
    assert graph.nodes["code:relaties.vertrouwen"]["kind"] == "code"
    for actor in ("rebelgroep", "havensteder", "delfshaven_helpt"):
        assert graph.has_edge(f"actor:{actor}", "code:netwerken")
    assert not graph.has_edge("actor:delfshaven_cooperatie", "code:netwerken")
    no_codes = build_network(proj, NetworkOptions(include_codes=False))
    assert not any(data["kind"] == "code" for _, data in no_codes.nodes(data=True))


def test_rejected_and_unreviewed_mentions(proj: Project) -> None:
    rebel = [m.id for m in proj.actors.mentions(actor_id="rebelgroep")]
    proj.actors.set_mention_status(rebel, "rejected", "anna")
    graph = build_network(proj)
    assert graph.nodes["actor:rebelgroep"]["mentions"] == 0 and graph.degree("actor:rebelgroep") == 0
    gem = proj.actors.mentions(actor_id="gemeente_rotterdam")[0]
    proj.actors.set_mention_status([gem.id], "confirmed", "anna")
    confirmed = build_network(proj, NetworkOptions(confirmed_only=True))
    assert confirmed.nodes["actor:gemeente_rotterdam"]["mentions"] == 1
    assert confirmed.number_of_edges() == 0


def test_case_and_respondents(proj: Project) -> None:
    graph = build_network(proj, NetworkOptions(case="delfshaven helpt", include_respondents=True))
    assert graph.graph["name"].endswith("(Delfshaven Helpt!)")
    assert graph.nodes["actor:havensteder"]["documents"] == 1  # 'solo' is not in the case
    respondents = [n for n, d in graph.nodes(data=True) if d["kind"] == "respondent"]
    assert sorted(graph.nodes[n]["label"] for n in respondents) == ["dh", "other"]
    assert graph.nodes["doc:2"]["type"] == "bewoner"
    assert graph.edges["doc:1", "actor:delfshaven_helpt"]["weight"] == 3
    with pytest.raises(NotFound, match="no case 'sibd'"):
        build_network(proj, NetworkOptions(case="sibd"))
    assert top_ties(graph, "delfshaven_helpt", 1) == [("Gemeente Rotterdam", 2)]


def test_inclusiveness_reports_who_is_missing(proj: Project) -> None:
    haven_dh = [m.id for m in proj.actors.mentions(actor_id="havensteder", document_id=1)]
    proj.actors.set_mention_status(haven_dh, "rejected", "anna")
    report = inclusiveness(proj)
    assert report.unmentioned == []
    assert ("havensteder", "Havensteder", 0, 1) in report.few_ties  # only named alone, in 'solo'
    assert report.respondents_few_actors == [("solo", "bewoner", 1)]
    groups = {g.group: g for g in report.groups}
    assert groups["bewoner"].documents == 2 and groups["bewoner"].mean_actors == 1.5
    assert groups["professional"].actors == 4
    assert "few ties" in report.rule
    proj.actors.set_mention_status([m.id for m in proj.actors.mentions(actor_id="havensteder")], "rejected", "anna")
    assert ("havensteder", "Havensteder") in inclusiveness(proj).unmentioned


def test_export_gexf_graphml_kumu(proj: Project, tmp_path: Path) -> None:
    graph = build_network(proj, NetworkOptions(include_respondents=True))
    assert write_network(graph, tmp_path / "n.gexf") == "gexf"
    back = nx.read_gexf(tmp_path / "n.gexf")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert float(back.edges["actor:delfshaven_helpt", "actor:gemeente_rotterdam"]["weight"]) == 2
    write_network(graph, tmp_path / "n.graphml")
    ml = nx.read_graphml(tmp_path / "n.graphml")
    assert ml.nodes["actor:havensteder"]["type"] == "woningcorporatie"
    assert ml.nodes["code:netwerken"]["kind"] == "code"
    write_network(graph, tmp_path / "n.xlsx")
    book = load_workbook(tmp_path / "n.xlsx")
    elements = list(book["Elements"].values)
    connections = list(book["Connections"].values)
    assert elements[0][:2] == ("Label", "Type") and connections[0][:3] == ("From", "To", "Type")
    labels = [row[0] for row in elements[1:]]
    assert len(labels) == len(set(labels)) == graph.number_of_nodes()
    assert all(row[0] in labels and row[1] in labels for row in connections[1:])
    assert ("Delfshaven Helpt!", "Gemeente Rotterdam", "co-mention", 2) in [r[:4] for r in connections[1:]]
    with pytest.raises(InvalidInput, match="gexf, .graphml or .xlsx"):
        write_network(graph, tmp_path / "n.png")


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_cli_export_network(proj: Project, tmp_path: Path) -> None:
    path = proj.path  # the fixture's connection stays open: the CLI reads beside it (WAL)
    # A fresh project's header (application id) is still in the WAL until a checkpoint.
    proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = run("export", "network", str(path), "-o", str(tmp_path / "a.gexf"), "-o", str(tmp_path / "a.xlsx"),
              "--respondents").output
    assert (tmp_path / "a.gexf").exists() and (tmp_path / "a.xlsx").exists()
    assert "respondents naming few actors: solo (bewoner, 1)" in out
    assert "professional: 1 document(s)" in out
    err = run("export", "network", str(path), "-o", str(tmp_path / "a.png"), code=1).stderr
    assert "cannot tell the format of 'a.png'" in err and not (tmp_path / "a.png").exists()
    err = run("export", "network", str(path), "-o", str(tmp_path / "b.gexf"), "--case", "onbekend", code=1).stderr
    assert "no case 'onbekend'" in err
