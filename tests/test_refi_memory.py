"""A .qdpx import keeps at most one source's segmentation in memory (issue 11: ~5x the text).

The figures are measured in bench/bench_refi_bombs.py; these tests check the shape that
keeps them there: each source is segmented only when the store writes it, its sentences
are written in batches while spaCy makes them (never gathered in a list first), and a
source whose text is already in the project is not segmented at all. All of it stays one
transaction and one undo step (tests/test_refi_undo.py).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from wijkverhalen import nlp
from wijkverhalen.models import Sentence, Turn
from wijkverhalen.refi import import_qdpx
from wijkverhalen.store import Project, document_writes

NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODES = ('<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000C1" name="c" isCodable="true"/>'
         "</Codes></CodeBook>")


def _qdpx(path: Path, texts: list[str]) -> Path:
    sources = "".join(
        f'<TextSource guid="00000000-0000-4000-8000-00000000000{n}" name="s{n}" plainTextPath="internal://s{n}.txt">'
        f'<PlainTextSelection guid="00000000-0000-4000-8000-10000000000{n}" startPosition="0" endPosition="4">'
        f'<Coding guid="00000000-0000-4000-8000-20000000000{n}"><CodeRef targetGUID="00000000-0000-4000-8000-'
        f'0000000000C1"/></Coding></PlainTextSelection></TextSource>' for n in range(1, len(texts) + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", f'<Project {NS} name="x">{CODES}<Sources>{sources}</Sources></Project>')
        for n, text in enumerate(texts, 1):
            archive.writestr(f"sources/s{n}.txt", text.encode("utf-8"))
    return path


def _text(n: int, sentences: int = 30) -> str:
    return "\n\n".join(f"{'IR'[i % 2]}: Bron {n} zin {i} over de buren. En nog een zin {i}." for i in range(sentences))


def test_sentences_are_written_while_spacy_makes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_writes, "SENTENCE_BATCH", 5)
    opened: list[Project] = []
    original_open = Project.create

    def create(*args: Any, **kwargs: Any) -> Project:
        project = original_open(*args, **kwargs)
        opened.append(project)
        return project

    monkeypatch.setattr(Project, "create", create)
    # Per source: (sentences made so far, sentences the store holds) at each sentence spaCy makes.
    seen: dict[int, list[tuple[int, int]]] = {}
    original = nlp.iter_sentences

    def watched(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[Sentence]:
        written_before = opened[0].conn.execute("SELECT count(*) FROM segments WHERE kind = 'sentence'").fetchone()[0]
        trace = seen.setdefault(len(seen), [])
        for made, sentence in enumerate(original(text, turns, model), 1):
            stored = opened[0].conn.execute(
                "SELECT count(*) FROM segments WHERE kind = 'sentence'").fetchone()[0] - written_before
            trace.append((made, stored))
            yield sentence

    monkeypatch.setattr(nlp, "iter_sentences", watched)
    summary = import_qdpx(_qdpx(tmp_path / "x.qdpx", [_text(1), _text(2)]), tmp_path / "p.wijk",
                          coder="t", workers=1)
    assert len(summary.documents) == 2 and summary.codings == 2
    assert sorted(seen) == [0, 1]
    for trace in seen.values():
        made, stored = trace[-1]
        assert made > 20
        # The store wrote earlier batches before spaCy made the last sentence:
        # no more than one batch was ever waiting.
        assert all(made - stored <= 5 for made, stored in trace)
        assert stored >= made - 5 > 0
    # The first source was wholly written before the second was segmented.
    with Project.open(tmp_path / "p.wijk") as project:
        counts = [project.conn.execute("SELECT count(*) FROM segments WHERE kind = 'sentence' AND document_id = ?",
                                       (d.id,)).fetchone()[0] for d in project.documents.all()]
        assert counts == [len(seen[0]), len(seen[1])]


def test_a_source_already_in_the_project_is_not_segmented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _qdpx(tmp_path / "x.qdpx", [_text(1), _text(2)])
    import_qdpx(path, tmp_path / "p.wijk", coder="t", workers=1)
    segmented: list[str] = []
    original = nlp.iter_sentences

    def watched(text: str, turns: Sequence[Turn], model: Any = None) -> Iterator[Sentence]:
        segmented.append(text)
        return original(text, turns, model)

    monkeypatch.setattr(nlp, "iter_sentences", watched)
    summary = import_qdpx(_qdpx(tmp_path / "y.qdpx", [_text(1), _text(3)]), tmp_path / "p.wijk",
                          coder="t", merge=True, workers=1)
    assert [name for name, _ in summary.matched_documents] == ["s1"]
    assert segmented == [_text(3)]
