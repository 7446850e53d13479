"""The store is a set of composed parts reached from one Project (issue 10)."""


from __future__ import annotations

import inspect
from pathlib import Path

from wijkverhalen.store import Project
from wijkverhalen.store.base import Part

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "src" / "wijkverhalen" / "store"
PARTS = ("documents", "codes", "codings", "retrieval", "indicators", "actors", "exchange", "teams", "history")


def test_project_is_composed_of_parts_not_mixins(tmp_path: Path) -> None:
    assert Project.__mro__ == (Project, object)
    with Project.create(tmp_path / "p.wijk") as project:
        for name in PARTS:
            part = getattr(project, name)
            assert type(part).__module__ == f"wijkverhalen.store.{name}", name
            assert name == "history" or isinstance(part, Part)
        # the parts share the one connection and its transactions
        assert {id(getattr(project, n).conn) for n in PARTS} == {id(project.conn)}
        assert {id(getattr(project, n).transaction) for n in PARTS} == {id(project.transaction)}
    # what is left on Project is lifecycle and meta
    own = {n for n, v in vars(Project).items() if inspect.isfunction(v) or isinstance(v, classmethod)}
    assert own == {"__init__", "open", "create", "close", "checkpoint", "__enter__", "__exit__",
                   "get_meta", "set_meta", "query"}


def test_parts_declare_what_they_use() -> None:
    """No part reaches another through an undeclared attribute (what the mixins did)."""
    offenders = [f"{p.name}:{n}" for p in sorted(STORE.glob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "attr-defined" in line or "Mixin" in line]
    assert offenders == []


def test_a_part_sees_the_other_parts_writes_and_undo(tmp_path: Path) -> None:
    from wijkverhalen.models import Code, ParsedDocument, Sentence
    from wijkverhalen.store import DocumentInput

    with Project.create(tmp_path / "p.wijk", codes=[Code(id="netwerken", label="Netwerken")]) as project:
        parsed = ParsedDocument(name="a", text="Een zin. Nog een zin.", format="txt", source_path="/x/a.txt",
                                turns=[])
        sentences = [Sentence(0, 8, 0, "een zin"), Sentence(9, 21, 0, "nog een zin")]
        [(_, doc_id, _)] = project.documents.add([DocumentInput(parsed, sentences, 5, {})], "anna")
        assert doc_id is not None
        coding = project.codings.add(doc_id, 0, 8, "netwerken", "anna")
        assert [p.coding.id for p in project.retrieval.passages("netwerken")] == [coding.id]
        assert project.codes.counts() == {"netwerken": 1}
        assert project.history.undo("anna") == f"code netwerken in document {doc_id} [0:8]"
        assert project.codings.all() == []
        assert project.history.undo("anna") is not None  # the import
        assert project.documents.all() == []
        # the length cache of documents was cleared by the undo: the id is unknown now
        try:
            project.codings.add(doc_id, 0, 8, "netwerken", "anna")
        except Exception as exc:  # noqa: BLE001 - the error type is the store's NotFound
            assert "no document" in str(exc)
        else:
            raise AssertionError("a coding on an undone document was accepted")
