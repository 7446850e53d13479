"""Export to .qdpx and import into a new project: everything coded comes back identical."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample import SAMPLE_CODES
from test_export_fixtures import coded_demo

from wijkverhalen.errors import InvalidInput
from wijkverhalen.importers.turns import detect_turns
from wijkverhalen.models import ParsedDocument, Sentence
from wijkverhalen.refi import export_qdc, export_qdpx, import_qdc, import_qdpx
from wijkverhalen.store import DocumentInput, Project

TOKENS = ["woord", "Vertrouwen", " ", " ", "\n", "\r\n", "\n\n", "😀", "👍🏽", "🇳🇱", "e\u0301", "ï", "ß",
          "中文", "I: ", "R: ", ".", "&", "<", "\t", "\u200d", "Fatima's"]
texts = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map("".join).filter(lambda t: t.strip() != "")
memo_text = st.lists(st.sampled_from(["a", " ", "\r\n", "\n", "😀", "&", "<", "é", "\t"]), max_size=12).map("".join)


def document_input(name: str, text: str, attributes: dict[str, str]) -> DocumentInput:
    turns = detect_turns(text)
    sentences = [Sentence(t.body_start, t.end, i, "") for i, t in enumerate(turns) if t.body_start < t.end]
    parsed = ParsedDocument(name=name, text=text, format="txt", source_path=f"/x/{name}.txt", turns=turns)
    return DocumentInput(parsed=parsed, sentences=sentences, word_count=len(text.split()), attributes=attributes)


def snapshot(project: Project) -> dict[str, object]:
    docs = {d.id: d for d in project.documents()}
    return {
        "codes": project.codes(),
        "documents": sorted((d.name, d.guid, d.memo, tuple(sorted(d.attributes.items())),
                             project.document_text(d.id)) for d in docs.values()),
        "codings": sorted((docs[c.document_id].name, c.start, c.end,
                           project.document_text(c.document_id)[c.start:c.end], c.code_id, c.coder, c.memo,
                           c.valence, c.guid, c.created_at) for c in project.codings()),
        "cases": {k: sorted(docs[i].name for i in v) for k, v in project.cases().items()},
        "turns": sorted((docs[d].name, s.start, s.end, s.speaker) for d in docs
                        for s in project.segments(d, "turn")),
    }


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(texts, min_size=1, max_size=3, unique=True), data=st.data())
def test_round_trip_preserves_everything(tmp_path_factory: pytest.TempPathFactory, texts: list[str],
                                         data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("rt")
    source = Project.create(folder / "a.wijk", codes=SAMPLE_CODES, coder="anna")
    try:
        source.add_documents([document_input(f"doc {i} 😀", t, {"rol": data.draw(st.sampled_from(["bewoner", "7"])),
                                                               "casus": "Delfshaven Helpt!"})
                              for i, t in enumerate(texts)], "anna")
        for doc in source.documents():
            length = len(source.document_text(doc.id))
            for _ in range(data.draw(st.integers(0, 4))):
                start = data.draw(st.integers(0, length - 1))
                end = data.draw(st.integers(start + 1, length))
                code = data.draw(st.sampled_from([c.id for c in SAMPLE_CODES]))
                coder = data.draw(st.sampled_from(["anna", "bram", "Zoë 😀"]))
                memo = data.draw(memo_text)
                valence = data.draw(st.sampled_from([None, "positive", "mixed"]))
                with contextlib.suppress(InvalidInput):  # the same span twice by one coder is refused
                    source.add_coding(doc.id, start, end, code, coder, memo=memo, valence=valence)
            source.set_document_memo(doc.id, data.draw(memo_text), "anna")
        before = snapshot(source)
        export_qdpx(source, folder / "a.qdpx")
    finally:
        source.close()
    import_qdpx(folder / "a.qdpx", folder / "b.wijk", coder="tester", workers=1)
    with Project.open(folder / "b.wijk") as target:
        assert snapshot(target) == before


def test_demo_round_trip_keeps_segments_users_and_codebook_meta(tmp_path_factory: pytest.TempPathFactory,
                                                                tmp_path: Path) -> None:
    path = coded_demo(tmp_path_factory, tmp_path / "demo.wijk")
    with Project.open(path) as demo:
        before = snapshot(demo)
        sentences = {d.name: [(s.start, s.end, s.turn_index) for s in demo.segments(d.id)] for d in demo.documents()}
        lemmas = {d.name: demo.sentence_lemmas(d.id) for d in demo.documents()}
        users = demo.user_guids()
        export_qdpx(demo, tmp_path / "demo.qdpx")
    summary = import_qdpx(tmp_path / "demo.qdpx", tmp_path / "back.wijk", coder="tester")
    assert summary.sidecar and not summary.skipped
    with Project.open(tmp_path / "back.wijk") as back:
        assert snapshot(back) == before
        assert {d.name: [(s.start, s.end, s.turn_index) for s in back.segments(d.id)]
                for d in back.documents()} == sentences
        assert {d.name: back.sentence_lemmas(d.id) for d in back.documents()} == lemmas  # no spaCy rerun
        assert back.user_guids() == users
        assert back.get_meta("codebook_name") == "Veerkracht in BoTu"
        hits = back.search("vertrouwen")
        assert hits  # the full-text index was filled


def test_round_trip_through_another_program_keeps_code_ids(tmp_path_factory: pytest.TempPathFactory,
                                                           tmp_path: Path) -> None:
    """Without wijkverhalen.json (another program re-exported it) ids come from the descriptions."""
    path = coded_demo(tmp_path_factory, tmp_path / "demo.wijk")
    with Project.open(path) as demo:
        export_qdpx(demo, tmp_path / "demo.qdpx")
        codes = demo.codes()
        spans = sorted((d.name, c.start, c.end, c.code_id) for d in demo.documents() for c in demo.codings(d.id))
    stripped = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(tmp_path / "demo.qdpx") as src, zipfile.ZipFile(stripped, "w") as dst:
        for name in src.namelist():
            if name != "wijkverhalen.json":
                dst.writestr(name.replace("sources/", "Sources/"), src.read(name))
    summary = import_qdpx(stripped, tmp_path / "f.wijk", coder="tester", workers=2)
    assert not summary.sidecar and summary.offsets == "codepoints"
    with Project.open(tmp_path / "f.wijk") as back:
        got = back.codes()
        assert [(c.id, c.parent_id, c.color, c.label, c.definition, c.keywords, c.indicators) for c in got] == \
            [(c.id, c.parent_id, c.color, c.label, c.definition, c.keywords, c.indicators) for c in codes]
        assert sorted((d.name, c.start, c.end, c.code_id) for d in back.documents()
                      for c in back.codings(d.id)) == spans
        assert all(back.segments(d.id) for d in back.documents())  # re-segmented with spaCy


def test_qdc_round_trip(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    path = coded_demo(tmp_path_factory, tmp_path / "demo.wijk")
    with Project.open(path) as demo:
        export_qdc(demo, tmp_path / "c.qdc")
        codes = demo.codes()
    import_qdc(tmp_path / "c.qdc", tmp_path / "c.wijk", coder="tester")
    with Project.open(tmp_path / "c.wijk") as back:
        assert back.codes() == codes
        assert back.code_guids() == {c.id: back.code_guids()[c.id] for c in codes}
