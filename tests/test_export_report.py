"""The coded summary: report model, Markdown, DOCX (python-docx, LibreOffice to PDF)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_export_fixtures import coded_demo

from wijkverhalen.errors import InvalidInput, NotFound
from wijkverhalen.exporters.docx import export_docx
from wijkverhalen.exporters.markdown import export_markdown, render_markdown
from wijkverhalen.exporters.summary import build_report, choose_quotes
from wijkverhalen.models import Coding, Passage
from wijkverhalen.store import Project


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Project:
    project = Project.open(coded_demo(tmp_path_factory, tmp_path / "demo.wijk"))
    yield project
    project.close()


SEED_PARTS = ["Casuïstiek", "Netwerken", "Index+", "Social Impact by Design (SIBD)", "Governance",
              "Definitie veerkracht"]


def _sections(report):  # type: ignore[no-untyped-def]
    out = []

    def walk(sections):  # type: ignore[no-untyped-def]
        for s in sections:
            out.append(s)
            walk(s.children)

    for part in report.parts:
        walk(part.sections)
    return out


def test_report_follows_the_codebook_and_counts_match_the_store(demo: Project) -> None:
    report = build_report(demo)
    assert [p.title for p in report.parts] == SEED_PARTS
    sections = {s.code.id: s for s in _sections(report)}
    counts = demo.code_counts()
    for code_id, section in sections.items():
        assert section.codings == counts.get(code_id, 0)
        for child in section.children:
            assert child.code.parent_id == code_id
    assert report.codings == sum(counts.values())
    assert set(report.coders) == {"anna", "bram"}
    vertrouwen = sections["relaties.vertrouwen"]
    assert vertrouwen.documents == len({c.document_id for c in demo.codings(code_ids=["relaties.vertrouwen"])})
    assert sum(vertrouwen.roles.values()) == vertrouwen.respondents
    assert vertrouwen.quotes and len(vertrouwen.quotes) <= 3


def test_quotes_carry_exact_references(demo: Project) -> None:
    report = build_report(demo, quotes=5)
    for section in _sections(report):
        for q in section.quotes:
            doc = next(d for d in demo.documents() if d.name == q.document)
            assert " ".join(demo.document_text(doc.id)[q.start:q.end].split()) == q.text
            sentence = demo.segments(doc.id)[q.sentence - 1]
            assert sentence.start <= q.start < sentence.end or q.start < sentence.start
            assert q.document in q.reference and f"zin {q.sentence}" in q.reference


def test_strongest_quotes_prefer_memos_respondents_and_spread() -> None:
    def passage(i: int, doc: int, text: str, memo: str = "", speaker: str = "R") -> Passage:
        coding = Coding(i, f"G{i}", doc, i * 100, i * 100 + len(text), "c", "anna", memo, None, "", "")
        return Passage(coding, f"d{doc}", text, "", "", speaker, i, 0)

    long = "woord " * 20
    passages = [passage(1, 1, long, speaker="Interviewer"), passage(2, 1, long, memo="kernquote"),
                passage(3, 1, long), passage(4, 2, long), passage(5, 3, "kort")]
    chosen = choose_quotes(passages, 3, {1: "bewoner", 2: "professional", 3: "bewoner"})
    assert chosen[0].coding.id == 2  # the marked passage first
    assert {p.coding.document_id for p in chosen[:2]} == {1, 2}  # then another document
    assert all(p.coding.id != 1 for p in chosen)  # the interviewer's words last


def test_case_report_follows_the_rode_lijn(demo: Project) -> None:
    report = build_report(demo, case="dh")  # acronym of "Delfshaven Helpt"
    assert report.case == "Delfshaven Helpt"
    titles = [p.title for p in report.parts]
    assert titles[:4] == ["Netwerken", "Index+", "Social Impact by Design (SIBD)", "Governance"]
    case_docs = set(demo.cases()["Delfshaven Helpt"])
    assert report.documents == len(case_docs)
    governance = next(p for p in report.parts if p.title == "Governance")
    assert [s.code.id for s in governance.sections][0] == "governance"
    index = next(p for p in report.parts if p.title == "Index+")
    assert not index.index  # the demo has no indicator values: Index+ says so (see the Index+ tests)
    for section in _sections(report):
        for q in section.quotes:
            assert q.document in {d.name for d in demo.documents() if d.id in case_docs}


def test_code_filter_keeps_ancestors_as_headings(demo: Project) -> None:
    report = build_report(demo, codes=["relaties.vertrouwen"])
    sections = _sections(report)
    assert [s.code.id for s in sections] == ["relaties", "relaties.vertrouwen"]
    assert sections[0].heading_only and not sections[1].heading_only
    with pytest.raises(InvalidInput):
        build_report(demo, codes=["nope"])
    with pytest.raises(NotFound):
        build_report(demo, case="geen casus")


def test_markdown_report_pseudonymised(demo: Project, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    plain = render_markdown(build_report(demo))
    assert "Fatima" in plain
    export_markdown(demo, out, pseudonymise=True)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Gecodeerde samenvatting")
    assert "fatima" not in text.lower() and "Bewoner 1" in text
    assert "## Overzicht" in text and "> “" in text and "**Definitie.**" in text
    assert "vertrouwen\\_gebiedsbestuur (+)" in text  # linked indicators, escaped
    assert "gepseudonimiseerd" in text
    assert demo.document_text(1).count("Fatima") > 0  # the canonical text is untouched


@pytest.mark.slow
def test_docx_report_has_headings_toc_quotes_and_tables(demo: Project, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "r.docx"
    report = export_docx(demo, out, case="Delfshaven Helpt")
    document = docx.Document(str(out))
    styles = [p.style.name for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Netwerken" in headings and "Governance" in headings and "Overzicht" in headings
    assert any(h.startswith("Onderling vertrouwen") for h in headings)
    assert styles[0] == "Title"
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    first = next(s for s in _sections(report) if s.quotes).quotes[0]
    assert f"“{first.text}”" in quotes
    assert any(first.reference in q for q in quotes)
    assert len(document.tables) >= 2  # overview and Index+
    assert document.tables[0].rows[0].cells[0].text == "Code"
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "TOC \\o" in xml  # a real table-of-contents field
    assert 'w:val="nl-NL"' in zipfile.ZipFile(out).read("word/styles.xml").decode()


def test_empty_project_report_says_so(tmp_path: Path) -> None:
    with Project.create(tmp_path / "leeg.wijk") as project:
        text = render_markdown(build_report(project))
        assert "nog geen gecodeerde passages" in text
        export_docx(project, tmp_path / "leeg.docx")
        assert (tmp_path / "leeg.docx").exists()


def test_written_files_follow_the_umask(demo: Project, tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        export_markdown(demo, tmp_path / "r.md")
        export_docx(demo, tmp_path / "r.docx")
    finally:
        os.umask(old)
    for name in ("r.md", "r.docx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644  # shareable, not 0600


def test_failed_export_leaves_no_file(demo: Project, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(NotFound):
        export_markdown(demo, folder / "r.md", case="geen casus")
    assert list(folder.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")),
                    reason="LibreOffice is not installed")
def test_docx_report_converts_to_pdf_with_libreoffice(demo: Project, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    export_docx(demo, out, pseudonymise=True)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    result = subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                            capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "r.pdf"
    assert pdf.exists(), result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and pdf.stat().st_size > 10_000
    # LibreOffice laid it out on A4 (595 x 842 pt), not on the template's US Letter (612 x 792).
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert sizes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in sizes)
