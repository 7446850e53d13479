"""Shared helpers for the export and REFI-QDA tests: a coded copy of the demo project.

The demo project (fictional BoTu interviews) has no codings yet; :func:`code_demo`
codes it deterministically through the store API the way two researchers would:
sentences whose lemmas hit a code's keywords get that code from "anna", every third
one also from "bram" (slightly different span), with memos and valences here and
there. The other test modules import :func:`coded_demo` from here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wijkverhalen.store import Project

CODERS = ("anna", "bram")
PSEUDONYMS = [("Fatima", "Bewoner 1"), ("Henk", "Bewoner 2"), ("Rosa", "Bewoner 3"),
              ("Samira", "Bewoner 4"), ("Youssef", "Initiatiefnemer 1")]


def code_demo(project: Project, per_code_per_doc: int = 2) -> int:
    """Code the demo project; returns the number of codings made."""
    codes = [c for c in project.codes.all() if c.keywords]
    made = 0
    for doc in project.documents.all():
        text = project.documents.text(doc.id)
        sentences = project.documents.segments(doc.id, "sentence")
        lemmas = project.documents.sentence_lemmas(doc.id)
        for code in codes:
            hits = [s for s, lem in zip(sentences, lemmas, strict=True)
                    if set(lem.split()) & set(code.keywords)][:per_code_per_doc]
            for k, s in enumerate(hits):
                memo = "kernquote over vertrouwen" if (made % 7 == 0) else ("" if made % 3 else "let op")
                valence = ("positive", "negative", "mixed", None)[made % 4]
                project.codings.add(doc.id, s.start, s.end, code.id, "anna", memo=memo, valence=valence)
                made += 1
                if k % 3 == 0 and s.end - s.start > 10:
                    end = s.end - 1 if text[s.end - 1] in ".?!" else s.end
                    project.codings.add(doc.id, s.start, end, code.id, "bram")
                    made += 1
    return made


def coded_demo(tmp_path_factory: pytest.TempPathFactory, target: Path) -> Path:
    """A fresh copy of the coded demo project at ``target`` (built once per session)."""
    from wijkverhalen.demo import build_demo_project

    cache = tmp_path_factory.getbasetemp() / "coded-demo" / "demo.wijk"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        building = cache.with_name("building.wijk")
        build_demo_project(building, rebuild=True)
        with Project.open(building) as project:
            code_demo(project)
            project.exchange.import_pseudonyms(PSEUDONYMS, "anna")
            project.documents.set_memo(project.documents.all()[0].id, "Fatima vertelde dit aan de telefoon.",
                                      "anna")
        building.replace(cache)
    shutil.copy(cache, target)
    return target


def test_code_demo_codes_every_document_by_two_coders(tmp_path_factory: pytest.TempPathFactory,
                                                      tmp_path: Path) -> None:
    path = coded_demo(tmp_path_factory, tmp_path / "demo.wijk")
    with Project.open(path) as project:
        stats = project.retrieval.stats()
        assert stats["documents"] >= 9
        assert {r["coder"] for r in stats["per_coder"]} == set(CODERS)
        coded_docs = {c.document_id for c in project.codings.all()}
        assert len(coded_docs) == stats["documents"]
        assert any(c.memo for c in project.codings.all()) and any(c.valence for c in project.codings.all())
