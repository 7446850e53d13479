"""The layers of the code, read from its import graph (grimp, as import-linter reads it).

The store sits on the models alone: it imports ``wijkverhalen.models`` (with the
linking inventories' models and areas), ``wijkverhalen.errors`` and two small leaf
helpers that import nothing but the models (``suggest``: did-you-mean hints;
``snippets``: where a search matches). No feature package (linking, analysis,
exporters...) is below it, so every one of them can import ``Project``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import grimp
import networkx
import pytest

STORE_MAY_IMPORT = {
    "wijkverhalen",
    "wijkverhalen.errors",
    "wijkverhalen.models",
    "wijkverhalen.models.areas",
    "wijkverhalen.models.linking",
    "wijkverhalen.suggest",
    "wijkverhalen.snippets",
}


@cache
def _graph(*, runtime_only: bool) -> grimp.ImportGraph:
    return grimp.build_graph("wijkverhalen", exclude_type_checking_imports=runtime_only, cache_dir=None)


def _outside(graph: grimp.ImportGraph, package: str) -> set[tuple[str, str]]:
    """(importer, imported) of every import from ``package`` to the rest of wijkverhalen."""
    out = set()
    for module in graph.find_descendants(package) | {package}:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("wijkverhalen") and not imported.startswith(package):
                out.add((module, imported))
    return out


def test_the_store_imports_only_the_models_and_errors() -> None:
    graph = _graph(runtime_only=False)  # annotations count too: the store knows no feature
    wrong = sorted((a, b) for a, b in _outside(graph, "wijkverhalen.store") if b not in STORE_MAY_IMPORT)
    assert wrong == []


def test_the_models_import_nothing_but_errors() -> None:
    graph = _graph(runtime_only=False)
    wrong = sorted((a, b) for a, b in _outside(graph, "wijkverhalen.models") if b != "wijkverhalen.errors")
    assert wrong == []


def _cycles_inside(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Import cycles among the modules of ``package`` (lazy imports count, annotations do not)."""
    modules = graph.find_descendants(package) | {package}
    edges = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in modules and i != package)
             for m in modules}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in edges[module]:
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], module, nxt] if nxt in path else [module, nxt])
            elif nxt not in state:
                visit(nxt, [*path, module])
        state[module] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [])
    return cycles


@pytest.mark.parametrize("package", ["wijkverhalen.store", "wijkverhalen.models", "wijkverhalen.linking"])
def test_no_import_cycles_inside_the_package(package: str) -> None:
    assert _cycles_inside(_graph(runtime_only=True), package) == []


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """The groups of nodes that reach one another, each of more than one node."""
    graph = networkx.DiGraph((node, nxt) for node, targets in edges.items() for nxt in targets)
    graph.add_nodes_from(edges)
    return [group for group in networkx.strongly_connected_components(graph) if len(group) > 1]


def _top_level(module: str) -> str:
    """``wijkverhalen.linking.network`` -> ``wijkverhalen.linking`` (a package or module of the root)."""
    return ".".join(module.split(".")[:2])


def _module_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i.startswith("wijkverhalen")}
            for m in graph.modules if m.startswith("wijkverhalen")}


def test_no_import_cycle_runs_through_two_top_level_packages() -> None:
    """No chain of imports leaves a package (store, linking, exporters, refi, nlp, lemmas...)
    and comes back to it. Imports inside functions count (they run when the function
    does); annotations under ``if TYPE_CHECKING:`` do not. There was one: linking.network
    -> exporters.tables -> exporters.summary -> exporters.summary_verdicts ->
    linking.triangulation -> linking.cases -> linking.network, and lemmas <-> lemma_context."""
    crossing = [sorted(group) for group in _strongly_connected(_module_edges(_graph(runtime_only=True)))
                if len({_top_level(m) for m in group}) > 1]
    assert crossing == []


# Packages that use each other without an import cycle between their modules: the coded
# summary (exporters) reports linking's triangulation and registers the network and
# REFI-QDA exports, while linking and refi write their files through exporters'
# atomic output, formula-safe table writer and pseudonymiser. Shrink this, never grow it.
KNOWN_PACKAGE_LOOP = {"wijkverhalen.exporters", "wijkverhalen.linking", "wijkverhalen.refi"}


def test_no_new_package_depends_on_a_package_that_depends_on_it() -> None:
    packages: dict[str, set[str]] = {}
    for module, imported in _module_edges(_graph(runtime_only=True)).items():
        for other in imported:
            if _top_level(other) != _top_level(module):
                packages.setdefault(_top_level(module), set()).add(_top_level(other))
    loops = _strongly_connected(packages)
    assert [sorted(loop) for loop in loops if not loop <= KNOWN_PACKAGE_LOOP] == []


_UNTYPED_PROJECT = re.compile(r"\bproject\s*:\s*(Any|object|\"Any\")\b")


def test_every_project_parameter_is_typed() -> None:
    """``project: Any`` hid the store's API from mypy (53 places once); the type is ``Project``."""
    src = Path(__file__).resolve().parents[1] / "src" / "wijkverhalen"
    found = [f"{module.relative_to(src)}:{number}: {line.strip()}"
             for module in sorted(src.rglob("*.py"))
             for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
             if _UNTYPED_PROJECT.search(line)]
    assert found == []


def test_the_import_contracts_hold() -> None:
    """``make lint`` runs import-linter; the suite (and so CI) runs it too."""
    root = Path(__file__).resolve().parents[1]
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--no-cache"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
