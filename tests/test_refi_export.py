"""REFI-QDA export: .qdpx and .qdc valid against the 2019 schemas, and what they contain."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sample import SAMPLE_CODES, sample_input
from test_export_fixtures import coded_demo

from wijkverhalen.models import Code, IndicatorLink
from wijkverhalen.refi import export_qdc, export_qdpx
from wijkverhalen.refi.codetext import compose_description, parse_description
from wijkverhalen.refi.writer import variable_type
from wijkverhalen.refi.xmlio import parse_xml
from wijkverhalen.store import Project

xmlschema = pytest.importorskip("xmlschema")
# The REFI-QDA 1.0 schemas (MIT), vendored so these tests run in every clone.
SCHEMAS = Path(__file__).resolve().parent / "data" / "refi" / "xsd"
NS = {"p": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema():  # type: ignore[no-untyped-def]
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema():  # type: ignore[no-untyped-def]
    return xmlschema.XMLSchema(str(SCHEMAS / "Codebook-mrt2019.xsd"))


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Project:
    project = Project.open(coded_demo(tmp_path_factory, tmp_path / "demo.wijk"))
    yield project
    project.close()


def test_demo_qdpx_is_valid_and_complete(demo: Project, tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo.qdpx"
    summary = export_qdpx(demo, out, coder="anna")
    archive = zipfile.ZipFile(out)
    qde = archive.read("project.qde").decode("utf-8")
    project_schema.validate(qde)
    root = parse_xml(qde.encode(), "project.qde")
    documents = demo.documents()
    assert summary.documents == len(documents) and summary.codings == len(demo.codings())
    sources = root.findall("p:Sources/p:TextSource", NS)
    assert len(sources) == len(documents)
    for source in sources:
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        data = archive.read(f"sources/{guid}.txt")
        assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
        doc = next(d for d in documents if d.guid == guid)
        text = data.decode("utf-8")
        assert text == demo.document_text(doc.id)
        for sel in source.findall("p:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            coding_guid = sel.find("p:Coding", NS).get("guid")
            coding = next(c for c in demo.codings(document_id=doc.id) if c.guid == coding_guid)
            assert (start, end) == (coding.start, coding.end)  # code points, end exclusive
    codes = root.findall(".//p:Code", NS)
    assert len(codes) == len(demo.codes())
    top = root.find("p:CodeBook/p:Codes/p:Code", NS)
    assert top.get("name") == "Governance" and top.get("color") == "#3D7DD8"
    assert "[wijkverhalen-id: governance]" in top.find("p:Description", NS).text
    assert top.find("p:Code", NS) is not None  # hierarchy by nesting
    users = {u.get("name") for u in root.findall("p:Users/p:User", NS)}
    assert users == {"anna", "bram"}
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.findall("p:Variables/p:Variable", NS)}
    assert variables["jaar"] == "Integer" and variables["rol"] == "Text" and variables["datum"] == "Date"
    assert root.findall("p:Cases/p:Case", NS)
    notes = root.findall("p:Notes/p:Note", NS)
    assert len(notes) == summary.notes and notes[0].find("p:PlainTextContent", NS).text
    sidecar = json.loads(archive.read("wijkverhalen.json"))
    assert sidecar["format"] == 1 and len(sidecar["codings"]) == summary.codings


def test_hostile_characters_still_give_valid_xml(tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    text = "I: Vraag\r\nR: Antwoord met \x0b tab\tand 😀 e\u0301 & <tags> \"quotes\"\r\n"
    with Project.create(tmp_path / "h.wijk", codes=SAMPLE_CODES, coder="anna") as project:
        project.add_documents([sample_input(text, name="weird <&> \x01 name",
                                            attributes={"rol": "a\r\nb", "score": "007", "n": "-3"})], "anna")
        doc = project.documents()[0]
        project.add_coding(doc.id, 3, 20, "netwerken", "anna & co <x>", memo="memo\r\nmet CRLF\x0c")
        export_qdpx(project, tmp_path / "h.qdpx")
    qde = zipfile.ZipFile(tmp_path / "h.qdpx").read("project.qde").decode("utf-8")
    project_schema.validate(qde)
    assert "&#13;" in qde  # the CR of CRLF survives parsing
    root = parse_xml(qde.encode(), "x")
    note = root.find("p:Notes/p:Note/p:PlainTextContent", NS).text
    assert note == "memo\r\nmet CRLF\ufffd"
    values = {v.find("p:VariableRef", NS).get("targetGUID"): v[1].tag.split("}")[1]
              for v in root.iter("{urn:QDA-XML:project:1.0}VariableValue")}
    assert sorted(values.values()) == ["IntegerValue", "TextValue", "TextValue"]  # 007 stays text


def test_pseudonymised_qdpx_is_valid(demo: Project, tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "p.qdpx"
    export_qdpx(demo, out, pseudonymise=True)
    archive = zipfile.ZipFile(out)
    project_schema.validate(archive.read("project.qde").decode("utf-8"))
    for name in archive.namelist():
        assert "fatima" not in archive.read(name).decode("utf-8").lower()
    sidecar = json.loads(archive.read("wijkverhalen.json"))
    assert sidecar["pseudonymised"] and not any(d["sentences"] for d in sidecar["documents"].values())


def test_qdc_is_valid(demo: Project, tmp_path: Path, codebook_schema) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "c.qdc"
    assert export_qdc(demo, out) == len(demo.codes())
    codebook_schema.validate(out.read_text(encoding="utf-8"))


def test_empty_project_qdpx_is_valid(tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    with Project.create(tmp_path / "e.wijk") as project:
        summary = export_qdpx(project, tmp_path / "e.qdpx")
    assert summary.documents == 0
    project_schema.validate(zipfile.ZipFile(tmp_path / "e.qdpx").read("project.qde").decode("utf-8"))


@pytest.mark.parametrize(("values", "expected"), [
    (["1", "20", "-3"], "Integer"), (["007"], "Text"), (["1.5", "2.25"], "Float"), (["1", "1.5"], "Text"),
    (["true", "false"], "Boolean"), (["2021-03-01"], "Date"), (["2021-02-30"], "Text"),
    (["2021-03-01T10:00:00Z"], "DateTime"), ([], "Text"), (["ja"], "Text")])
def test_variable_types(values: list[str], expected: str) -> None:
    assert variable_type(values) == expected


def test_description_round_trip() -> None:
    code = Code(id="relaties.vertrouwen", label="Onderling vertrouwen", gloss="mutual trust",
                definition="Eerste alinea.\n\nTweede alinea.", include="wel", exclude="niet", example="“Ja.”",
                keywords=("vertrouwen", "vertrouwd"), indicators=(IndicatorLink("vertrouwen_buren", "-"),),
                actors=("botu12",), memo="een memo")
    code_id, fields = parse_description(compose_description(code, memo=True))
    assert code_id == code.id
    assert fields == {"gloss": "mutual trust", "definition": "Eerste alinea.\n\nTweede alinea.", "include": "wel",
                      "exclude": "niet", "example": "“Ja.”", "keywords": ("vertrouwen", "vertrouwd"),
                      "indicators": (IndicatorLink("vertrouwen_buren", "-"),), "actors": ("botu12",),
                      "memo": "een memo"}
    assert parse_description("Gewoon een omschrijving.") == (None, {"definition": "Gewoon een omschrijving."})
