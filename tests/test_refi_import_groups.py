"""What the .qdpx import makes of Sets, Notes, Links, Graphs, duplicates and a bare .qde."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.errors import ExchangeError
from wijkverhalen.refi import export_qdpx, import_qdpx, read_qdpx
from wijkverhalen.store import Project

NS = 'xmlns="urn:QDA-XML:project:1.0"'
U = "AAAAAAAA-0000-4000-8000-0000000000"  # + two hex digits
TEXT = "R: Wij hielpen de buren en de buren hielpen ons."


def qde(*, codes: str = "", sources: str = "", notes: str = "", links: str = "", sets: str = "",
        graphs: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project {NS} name="p" origin="MAXQDA 2022">'
            f'<Users><User guid="{U}99" name="mia"/></Users>'
            f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources>"
            + (f"<Notes>{notes}</Notes>" if notes else "") + (f"<Links>{links}</Links>" if links else "")
            + (f"<Sets>{sets}</Sets>" if sets else "") + (f"<Graphs>{graphs}</Graphs>" if graphs else "")
            + "</Project>")


def code(n: str, name: str, inner: str = "", codable: str = "true") -> str:
    return f'<Code guid="{U}{n}" name="{name}" isCodable="{codable}">{inner}</Code>'


def selection(n: str, start: int, end: int, code_n: str, inner: str = "") -> str:
    return (f'<PlainTextSelection guid="{U}{n}" startPosition="{start}" endPosition="{end}" creatingUser="{U}99">'
            f'{inner}<Coding guid="{U}{n[0]}f{n[1]}" creatingUser="{U}99"><CodeRef targetGUID="{U}{code_n}"/></Coding>'
            "</PlainTextSelection>")


def source(n: str, name: str, inner: str = "", text: str = TEXT) -> str:
    return (f'<TextSource guid="{U}{n}" name="{name}"><PlainTextContent>{text}</PlainTextContent>{inner}'
            "</TextSource>")


def write(path: Path, xml: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
    return path


def test_sets_become_document_attributes_and_code_groups(tmp_path: Path) -> None:
    xml = qde(codes=code("c1", "Buren") + code("c2", "Hulp"),
              sources=source("s1", "een", selection("a1", 3, 6, "c1")) + source("s2", "twee", text="R: Anders."),
              sets=(f'<Set guid="{U}e1" name="Bospolder"><MemberSource targetGUID="{U}s1"/></Set>'
                    f'<Set guid="{U}e2" name="Sociaal"><MemberCode targetGUID="{U}c1"/>'
                    f'<MemberCode targetGUID="{U}c2"/></Set>'
                    f'<Set guid="{U}e3" name="Alleen notities"><MemberNote targetGUID="{U}n9"/></Set>'))
    summary = import_qdpx(write(tmp_path / "s.qdpx", xml), tmp_path / "s.wijk", coder="t", workers=1)
    with Project.open(tmp_path / "s.wijk") as project:
        attrs = {d.name: d.attributes for d in project.documents()}
        assert attrs["een"] == {"Bospolder": "true"} and attrs["twee"] == {}
        assert json.loads(project.get_meta("refi_code_sets") or "{}") == {"Sociaal": ["buren", "hulp"]}
        export_qdpx(project, tmp_path / "again.qdpx", coder="t")
    assert [(s.kind, s.subject) for s in summary.skipped] == [("set", "'Alleen notities'")]
    again = zipfile.ZipFile(tmp_path / "again.qdpx").read("project.qde").decode()
    assert 'name="Sociaal"' in again and again.count("<MemberCode ") == 2
    _valid(again)


def _valid(qde_text: str) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    xsd = Path(__file__).resolve().parent / "data" / "refi" / "xsd" / "Project-mrt2019.xsd"
    xmlschema.XMLSchema(str(xsd)).validate(qde_text)


def test_notes_become_memos_and_links_graphs_are_listed(tmp_path: Path) -> None:
    notes = (f'<Note guid="{U}n1" name="Dagboek"><PlainTextContent>Eerste dag in de wijk.</PlainTextContent></Note>'
             f'<Note guid="{U}n2" name="Over buren"><PlainTextContent>Code-memo via link.</PlainTextContent></Note>'
             f'<Note guid="{U}n3" name="Over een"><PlainTextContent>Document-memo via link.</PlainTextContent></Note>')
    links = (f'<Link guid="{U}l1" originGUID="{U}n2" targetGUID="{U}c1"/>'
             f'<Link guid="{U}l2" originGUID="{U}n3" targetGUID="{U}s1"/>'
             f'<Link guid="{U}l3" name="hangt samen" originGUID="{U}c1" targetGUID="{U}c2"/>')
    xml = qde(codes=code("c1", "Buren") + code("c2", "Hulp"), sources=source("s1", "een"), notes=notes,
              links=links, graphs=f'<Graph guid="{U}g1" name="Netwerk"/>')
    path = write(tmp_path / "n.qdpx", xml)
    result = CliRunner().invoke(cli, ["qdpx", "import", str(tmp_path / "n.wijk"), str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert {(s["kind"], s["reason"].split(" ")[0]) for s in data["skipped"]} == {("link", "links"),
                                                                                ("graph", "graphs")}
    with Project.open(tmp_path / "n.wijk") as project:
        assert project.code("buren").memo == "Code-memo via link."
        assert project.documents()[0].memo == "Document-memo via link."
        assert project.get_meta("project_memo") == "Dagboek\n\nEerste dag in de wijk."


def test_counts_codings_on_media_and_duplicates_within_the_file(tmp_path: Path) -> None:
    pictures = (f'<PictureSource guid="{U}p1" name="foto" path="internal://x.png">'
                f'<PictureSelection guid="{U}q1" firstX="0" firstY="0" secondX="1" secondY="1">'
                f'<Coding guid="{U}q2"><CodeRef targetGUID="{U}c1"/></Coding>'
                f'<Coding guid="{U}q3"><CodeRef targetGUID="{U}c2"/></Coding></PictureSelection></PictureSource>')
    twice = selection("a1", 3, 6, "c1") + selection("a2", 3, 6, "c1")
    xml = qde(codes=code("c1", "Buren") + code("c2", "Hulp"), sources=source("s1", "een", twice) + pictures)
    summary = import_qdpx(write(tmp_path / "c.qdpx", xml), tmp_path / "c.wijk", coder="t", workers=1)
    assert "(2 coding(s) on it skipped)" in next(s.reason for s in summary.skipped if s.kind == "source")
    assert summary.codings == 1 and summary.duplicates_in_file == 1 and summary.duplicate_codings == 0
    lines = "\n".join(summary.lines())
    assert "already in the project" not in lines and "repeated another in the file" in lines


@pytest.mark.parametrize("what", ["sources", "codes"])
def test_duplicate_guids_are_refused(tmp_path: Path, what: str) -> None:
    if what == "sources":
        xml = qde(codes=code("c1", "Buren"), sources=source("s1", "een") + source("s1", "twee", text="R: Ander."))
    else:
        xml = qde(codes=code("c1", "Buren") + code("c1", "Hulp"), sources=source("s1", "een"))
    with pytest.raises(ExchangeError, match=f"used by two or more {what}"):
        read_qdpx(write(tmp_path / "d.qdpx", xml))


def test_bare_qde_is_accepted_and_is_codable_false_is_kept(tmp_path: Path) -> None:
    xml = qde(codes=code("c0", "Thema", code("c1", "Buren"), codable="false"),
              sources=source("s1", "een", selection("a1", 3, 6, "c1")))
    bare = tmp_path / "project.qde"
    bare.write_text(xml, encoding="utf-8")
    result = CliRunner().invoke(cli, ["qdpx", "import", str(tmp_path / "b.wijk"), str(bare)])
    assert result.exit_code == 0, result.output
    with Project.open(tmp_path / "b.wijk") as project:
        assert len(project.codings()) == 1
        export_qdpx(project, tmp_path / "b.qdpx", coder="t")
    again = zipfile.ZipFile(tmp_path / "b.qdpx").read("project.qde").decode()
    assert 'name="Thema" isCodable="false"' in again and 'name="Buren" isCodable="true"' in again
    _valid(again)


def test_a_memo_in_description_and_note_is_read_once(tmp_path: Path) -> None:
    """Our own files (and QualCoder-minded ones) hold each memo as Description and as a Note."""
    memo = "Zij noemt de buren eerst."
    sel = selection("a1", 3, 6, "c1", f"<Description>{memo}</Description>").replace(
        "</Coding>", f'</Coding><NoteRef targetGUID="{U}b1"/>', 1)
    src = source("d1", "een", f'<Description>{memo}</Description>{sel}<NoteRef targetGUID="{U}b2"/>')
    notes = (f'<Note guid="{U}b1"><PlainTextContent>{memo}</PlainTextContent></Note>'
             f'<Note guid="{U}b2"><PlainTextContent>{memo}</PlainTextContent></Note>')
    plan = read_qdpx(write(tmp_path / "m.qdpx", qde(codes=code("c1", "Buren"), sources=src, notes=notes)))
    assert plan.documents[0].memo == memo and [c.memo for c in plan.codings] == [memo]
