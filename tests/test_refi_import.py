"""Importing REFI-QDA files as other programs write them (samples in tests/data/refi)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.errors import ExchangeError, ProjectError
from wijkverhalen.refi import import_qdc, import_qdpx, read_qdpx
from wijkverhalen.refi.offsets import OffsetConverter, decode_source, detect_mode
from wijkverhalen.store import Project

DATA = Path(__file__).parent / "data" / "refi"


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def coded(project: Project) -> dict[str, list[str]]:
    """code label -> coded texts."""
    labels = {c.id: c.label for c in project.codes()}
    out: dict[str, list[str]] = {}
    for c in project.codings():
        out.setdefault(labels[c.code_id], []).append(project.document_text(c.document_id)[c.start:c.end])
    return out


def test_nvivo_windows_utf16_offsets_are_detected(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "nvivo_windows", tmp_path / "nvivo.qdpx")
    summary = import_qdpx(qdpx, tmp_path / "n.wijk", coder="tester", workers=1)
    assert summary.offsets == "utf16" and "UTF-16" in summary.offsets_reason
    with Project.open(tmp_path / "n.wijk") as project:
        assert coded(project) == {"Netwerken": ["De buren 👍 brachten elke week eten."],
                                  "Vertrouwen": ["Ik vertrouw de buurvrouw 💯 volledig."],
                                  "Gemeente": ["Die kwam pas later 🕐 met steun."]}
        doc = project.documents()[0]
        text = project.document_text(doc.id)
        assert "\r" not in text and not text.startswith("\ufeff")  # canonical: BOM gone, LF
        codes = {c.label: c for c in project.codes()}
        assert codes["Vertrouwen"].parent_id == codes["Netwerken"].id and codes["Vertrouwen"].color == "#33c"
        assert codes["Netwerken"].definition == "Steun van buren en initiatieven."
        vertrouwen = project.codings(code_ids=[codes["Vertrouwen"].id])[0]
        assert vertrouwen.memo == "Buurvrouw noemt ze bij naam."  # annotation through Links
        assert vertrouwen.guid == "21111111-0000-4000-8000-000000000002"
        assert {c.coder for c in project.codings()} == {"Lotte"}
        assert project.user_guids()["Lotte"] == "A1B2C3D4-0000-4000-8000-000000000001"
        assert project.segments(doc.id) and project.segments(doc.id, "turn")[1].speaker == "I"
        history = project.history()
        assert history[0].label.startswith("import nvivo.qdpx") and history[0].state == "done"


def test_wrong_offsets_choice_is_reported_not_fatal(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "nvivo_windows", tmp_path / "nvivo.qdpx")
    plan = read_qdpx(qdpx, offsets="codepoints")
    texts = [plan.documents[0].text[c.start:c.end] for c in plan.codings]
    assert texts[0] != "De buren 👍 brachten elke week eten."  # shifted by the emoji before it
    assert plan.detection is not None and plan.detection.reason == "chosen with --offsets"


def test_atlas_ti_project(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "atlas", tmp_path / "atlas.qdpx")
    summary = import_qdpx(qdpx, tmp_path / "a.wijk", coder="tester", workers=1)
    assert summary.offsets == "codepoints" and summary.codings == 3 and not summary.skipped
    with Project.open(tmp_path / "a.wijk") as project:
        ids = [c.id for c in project.codes()]
        assert ids == ["eenzaamheid", "eenzaamheid_2", "buurthulp"]  # same names, unique ids
        doc = project.documents()[0]
        assert doc.name == "Henk.txt" and doc.memo == "Telefonisch interview, maart 2021."
        assert doc.attributes == {"leeftijd": "78", "rol": "bewoner"}
        first = project.codings(code_ids=["eenzaamheid"])[0]
        assert first.memo == "Kernquote eenzaamheid" and first.coder == "Anna"
        assert first.created_at == "2021-03-02T08:00:00.000Z"  # +01:00 moved to UTC
        assert project.codings(code_ids=["buurthulp"])[0].coder == "Anna"  # from the selection
        assert project.segments(doc.id, "turn")[1].speaker == "Henk"


def test_messy_project_imports_what_it_can_and_says_why_not(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "messy", tmp_path / "messy.qdpx")
    summary = import_qdpx(qdpx, tmp_path / "m.wijk", coder="tester", workers=1)
    reasons = [(s.kind, s.reason) for s in summary.skipped]
    assert ("selection", "500-520 falls outside its text (82 characters)") in reasons
    assert any(k == "selection" and "not numbers" in r for k, r in reasons)
    assert any(k == "coding" and "not in the codebook" in r for k, r in reasons)
    assert any(k == "source" and "missing from the archive" in r for k, r in reasons)
    assert any(k == "source" and r.startswith("PDF source") for k, r in reasons)
    assert summary.skipped_counts() == {"coding": 1, "selection": 2, "source": 2}
    text = "\n".join(summary.lines())
    assert "skipped 1 coding(s), 2 selection(s), 2 source(s)" in text
    with Project.open(tmp_path / "m.wijk") as project:
        names = sorted(d.name for d in project.documents())
        assert names == ["Ineke", "Ineke (2)", "Ingebed"]  # same names made unique, inline text
        codes = {c.id: c for c in project.codes()}
        assert set(codes) == {"governance", "governance.vertrouwen_in_bestuur", "sibd"}
        assert codes["sibd"].color == "#888888"  # invalid colour replaced
        assert codes["governance.vertrouwen_in_bestuur"].definition == "Wat bewoners over de gemeente zeggen."
        got = coded(project)
        assert got["Vertrouwen in bestuur"] == ["Doe maar, zei de gemeente."]
        assert got["SIBD"] == ["de open oproep"]
        board = next(d for d in project.documents() if d.name == "Ineke (2)")
        whole = project.codings(code_ids=["governance"])[0]
        assert (whole.document_id, whole.start) == (board.id, 0)
        assert whole.end == len(project.document_text(board.id))  # a coding on the whole source
        memo = project.codings(code_ids=["governance.vertrouwen_in_bestuur"])[0].memo
        assert memo == "Letterlijk citaat van de wethouder?"
        assert project.cases() == {"Buurtkeuken": [next(d.id for d in project.documents() if d.name == "Ineke")]}
        assert {c.coder for c in project.codings()} == {"bram", "tester"}  # no user: the importer


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "messy", tmp_path / "messy.qdpx")
    summary = import_qdpx(qdpx, tmp_path / "m.wijk", coder="tester", dry_run=True)
    assert summary.dry_run and len(summary.documents) == 3 and not (tmp_path / "m.wijk").exists()
    assert summary.lines()[0].startswith("would import 3 document(s)")


def test_existing_project_needs_merge_and_merge_matches_texts(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "atlas", tmp_path / "atlas.qdpx")
    import_qdpx(qdpx, tmp_path / "a.wijk", coder="tester", workers=1)
    with pytest.raises(ProjectError, match="--merge"):
        import_qdpx(qdpx, tmp_path / "a.wijk", coder="tester")
    again = import_qdpx(qdpx, tmp_path / "a.wijk", coder="tester", merge=True, workers=1)
    assert again.documents == [] and again.matched_documents == [("Henk.txt", "Henk.txt")]
    assert again.codings == 0 and again.duplicate_codings == 3 and again.codes_existing == 3
    with Project.open(tmp_path / "a.wijk") as project:
        assert len(project.codings()) == 3


def test_failed_import_into_a_new_project_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project><unclosed></Project>")
    with pytest.raises(ExchangeError, match="not well-formed"):
        import_qdpx(bad, tmp_path / "x.wijk", coder="tester")
    assert not list(tmp_path.glob("x.wijk*"))


def test_taguette_codebook_with_empty_sets(tmp_path: Path) -> None:
    summary = import_qdc(DATA / "taguette.qdc", tmp_path / "t.wijk", coder="tester")
    assert summary.codes_added == 2 and summary.created
    with Project.open(tmp_path / "t.wijk") as project:
        codes = project.codes()
        assert [c.id for c in codes] == ["vertrouwen", "eenzaamheid"]
        assert codes[0].color == "#7FB3D5" and codes[0].definition == "Vertrouwen tussen bewoners"
    again = import_qdc(DATA / "taguette.qdc", tmp_path / "t.wijk", coder="tester")
    assert again.codes_added == 0 and again.codes_existing == 2  # matched by GUID


def test_offset_converter_maps_utf16_and_crlf() -> None:
    raw = "a😀b\r\nc"
    conv = OffsetConverter(raw, "utf16")
    assert conv.canonical == "a😀b\nc" and conv.length == 7
    assert conv.span(3, 4) == (2, 3, False)  # "b"
    assert conv.span(6, 7) == (4, 5, False)  # "c" after CRLF
    assert conv.span(2, 4) == (1, 3, True)  # starts inside the surrogate pair: widened
    assert isinstance(conv.span(4, 5), str)  # only the CR of CRLF, which is dropped
    assert conv.span(5, 6) == (3, 4, False)  # the LF stays
    assert "outside" in str(conv.span(6, 9))
    assert decode_source("\ufeffhé".encode("utf-16-le")[0:0] + b"\xff\xfe" + "hé".encode("utf-16-le")) == \
        ("hé", "utf-16-le")
    assert decode_source(b"caf\xe9") == ("café", "cp1252")


def test_detection_needs_astral_characters() -> None:
    assert detect_mode([("plain text", [(0, 5)])]).mode == "codepoints"
    text = "😀😀 woord een en twee"
    as_units = [(5, 10), (11, 14)]  # "woord", "een" counted in UTF-16 units
    assert detect_mode([(text, as_units)]).mode == "utf16"
    assert detect_mode([(text, [(3, 8), (9, 12)])]).mode == "codepoints"


def test_cli_qdpx_import_json_and_qdc(tmp_path: Path) -> None:
    qdpx = zip_folder(DATA / "messy", tmp_path / "messy.qdpx")
    runner = CliRunner()
    result = runner.invoke(cli, ["qdpx", "import", str(tmp_path / "m.wijk"), str(qdpx), "--json", "--workers", "1"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["codings"] == 3 and data["skipped_counts"]["source"] == 2
    result = runner.invoke(cli, ["codebook", "import-qdc", str(tmp_path / "m.wijk"), str(DATA / "taguette.qdc")])
    assert result.exit_code == 0 and "2 new code(s)" in result.output
    result = runner.invoke(cli, ["qdpx", "import", str(tmp_path / "m.wijk"), str(qdpx)])
    assert result.exit_code == 1 and "--merge" in result.output


def test_two_sources_with_the_same_text_become_one_document(tmp_path: Path) -> None:
    text = "R: Zonder vertrouwen gebeurt er niks in deze wijk.\n"
    guids = ("1a000000-0000-4000-8000-000000000001", "1a000000-0000-4000-8000-000000000002")
    sources = "".join(
        f'<TextSource guid="{g}" name="kopie {i}" plainTextPath="internal://{g}.txt">'
        f'<PlainTextSelection guid="2b00000{i}-0000-4000-8000-000000000001" startPosition="{3 + i}" '
        f'endPosition="20"><Coding guid="3c00000{i}-0000-4000-8000-000000000001">'
        '<CodeRef targetGUID="4d000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection></TextSource>'
        for i, g in enumerate(guids))
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="dubbel"><CodeBook><Codes>'
           '<Code guid="4d000000-0000-4000-8000-000000000001" name="Vertrouwen" isCodable="true"/>'
           f"</Codes></CodeBook><Sources>{sources}</Sources></Project>")
    with zipfile.ZipFile(tmp_path / "d.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        for g in guids:
            archive.writestr(f"Sources/{g}.txt", text)
    summary = import_qdpx(tmp_path / "d.qdpx", tmp_path / "d.wijk", coder="t", workers=1)
    assert summary.documents == ["kopie 0"] and summary.matched_documents == [("kopie 1", "kopie 0")]
    with Project.open(tmp_path / "d.wijk") as project:
        assert len(project.documents()) == 1
        assert sorted((c.start, c.end) for c in project.codings()) == [(3, 20), (4, 20)]
