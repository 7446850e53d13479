"""Segment tables (CSV/XLSX), matrices and the pandas analysis behind them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sample import SAMPLE_CODES, sample_input
from test_export_fixtures import coded_demo

from wijkverhalen.analysis.agreement import agreement
from wijkverhalen.analysis.matrices import (
    code_by_attribute,
    code_by_document,
    code_frequencies,
    cooccurrence,
)
from wijkverhalen.errors import InvalidInput
from wijkverhalen.exporters.matrix import export_matrix
from wijkverhalen.exporters.tables import export_segments, segment_rows
from wijkverhalen.store import Project

TEXT2 = "I: Wat deed u?\nR: Ik hielp de buren. De gemeente was er niet.\n"


@pytest.fixture
def small(tmp_path: Path) -> Project:
    """Three documents, two roles, known codings (see the asserts)."""
    project = Project.create(tmp_path / "small.wijk", codes=SAMPLE_CODES, coder="anna")
    project.documents.add([
        sample_input(name="a", attributes={"rol": "bewoner", "wijk": "Bospolder"}),
        sample_input(TEXT2, name="b", attributes={"rol": "bewoner", "wijk": "Tussendijken"}),
        sample_input(TEXT2.replace("buren", "Buren!"), name="c", attributes={"rol": "professional"}),
    ], "anna")
    ids = {d.name: d.id for d in project.documents.all()}
    text_a = project.documents.text(ids["a"])
    s = text_a.index("Ik vertrouw")
    project.codings.add(ids["a"], s, s + 35, "relaties.vertrouwen", "anna", memo="=SUM(A1)", valence="positive")
    project.codings.add(ids["a"], s, s + 20, "netwerken", "bram")
    project.codings.add(ids["a"], 0, 10, "stressor", "anna")
    project.codings.add(ids["b"], 18, 35, "relaties", "anna")
    project.codings.add(ids["b"], 18, 35, "netwerken", "anna")
    project.codings.add(ids["c"], 18, 30, "netwerken", "anna")
    yield project
    project.close()


def test_frequencies_count_codings_documents_roles_and_coders(small: Project) -> None:
    table = code_frequencies(small)
    assert list(table.index) == ["relaties", "relaties.vertrouwen", "netwerken", "stressor"]
    assert table.at["netwerken", "codings"] == 3 and table.at["netwerken", "documents"] == 3
    assert table.at["netwerken", "role:bewoner"] == 2 and table.at["netwerken", "role:professional"] == 1
    assert table.at["netwerken", "coder:bram"] == 1
    assert table.at["relaties", "codings"] == 1
    rolled = code_frequencies(small, include_children=True)
    assert rolled.at["relaties", "codings"] == 2 and rolled.at["relaties", "documents"] == 2
    assert rolled.at["relaties", "path"] == "Relaties tussen actoren"
    assert rolled.at["relaties.vertrouwen", "depth"] == 1


def test_code_by_attribute_counts_and_document_shares(small: Project) -> None:
    m = code_by_attribute(small, "rol")
    assert list(m.counts.columns) == ["bewoner", "professional"]
    assert m.counts.at["netwerken", "bewoner"] == 2 and m.documents.at["netwerken", "professional"] == 1
    assert m.shares.at["netwerken", "bewoner"] == 1.0  # both bewoner interviews
    assert m.shares.at["stressor", "bewoner"] == 0.5
    wijk = code_by_attribute(small, "wijk")
    assert "(leeg)" in wijk.counts.columns  # c has no wijk
    with pytest.raises(InvalidInput, match="attributes: rol, wijk"):
        code_by_attribute(small, "leeftijd")


def test_code_by_document_coverage_and_cooccurrence(small: Project) -> None:
    m = code_by_document(small)
    assert m.counts.at["netwerken", "b"] == 1
    length_b = len(small.documents.text(small.documents.resolve("b")))
    assert m.shares.at["netwerken", "b"] == round(17 / length_b, 4)
    co = cooccurrence(small)
    assert co.documents.at["netwerken", "relaties"] == 1 and co.documents.at["netwerken", "netwerken"] == 3
    assert co.counts.at["netwerken", "relaties.vertrouwen"] == 1  # overlapping passages in a
    assert co.counts.at["netwerken", "stressor"] == 0  # same document, no overlap
    assert co.shares.at["relaties", "netwerken"] == 1.0
    assert co.shares.at["netwerken", "relaties"] == round(1 / 3, 4)


def test_agreement_per_code(small: Project) -> None:
    table = agreement(small, ["anna", "bram"])
    # every document counts (issue 13): what a coder left uncoded is "absent", not dropped
    assert table.at["netwerken", "documents"] == 3
    assert table.at["netwerken", "marked:bram"] == 1
    assert table.at["netwerken", "alpha"] < 1.0


def test_segment_rows_have_attributes_speaker_and_paths(small: Project) -> None:
    header, rows = segment_rows(small)
    assert header[:4] == ["coding_id", "guid", "document", "rol"] and "wijk" in header
    assert len(rows) == 6
    first = next(r for r in rows if r["code_id"] == "relaties.vertrouwen")
    assert first["code_path"] == "Relaties tussen actoren > Onderling vertrouwen"
    assert first["speaker"] == "R" and first["paragraph"] == 4 and first["sentence"] >= 1
    assert first["text"].startswith("Ik vertrouw") and first["valence"] == "positive"
    assert [r["document"] for r in rows] == sorted(r["document"] for r in rows)
    _, only = segment_rows(small, codes=["relaties"], coder="anna")
    assert {r["code_id"] for r in only} == {"relaties", "relaties.vertrouwen"}


def test_segments_csv_is_excel_friendly_and_formula_safe(small: Project, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    assert export_segments(small, out, delimiter=";") == 6
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["memo"] for r in rows} >= {"'=SUM(A1)"}  # never a formula


def test_segments_xlsx(small: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    export_segments(small, out)
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["coding_id", "guid", "document"] and sheet.freeze_panes == "A2"
    memo_col = header.index("memo")
    memos = [row[memo_col].value for row in sheet.iter_rows(min_row=2)]
    assert "=SUM(A1)" in memos  # kept as text, not turned into a formula
    assert all(row[memo_col].data_type == "s" for row in sheet.iter_rows(min_row=2) if row[memo_col].value)


def test_matrix_xlsx_and_csv(small: Project, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    export_matrix(small, tmp_path / "m.xlsx", cols="rol")
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["passages", "documenten", "aandeel documenten", "toelichting"]
    sheet = book["aandeel documenten"]
    assert [c.value for c in sheet[1]] == ["code", "code_id", "bewoner", "professional"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "stressor")
    assert row[2].value == 0.5 and row[2].number_format == "0.0%"
    export_matrix(small, tmp_path / "co.csv", cols="codes", measure="documents", drop_empty=True)
    lines = (tmp_path / "co.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("code,code_id,Relaties tussen actoren")
    with pytest.raises(InvalidInput):
        export_matrix(small, tmp_path / "m.pdf", cols="rol")


def test_demo_exports_end_to_end(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with Project.open(coded_demo(tmp_path_factory, tmp_path / "demo.wijk")) as demo:
        n = export_segments(demo, tmp_path / "s.xlsx", pseudonymise=True)
        assert n == len(demo.codings.all())
        values = [c.value for row in load_workbook(tmp_path / "s.xlsx").active.iter_rows() for c in row]
        assert not any(isinstance(v, str) and "fatima" in v.lower() for v in values)
        for cols in ("rol", "documents", "codes"):
            m = export_matrix(demo, tmp_path / f"m-{cols}.xlsx", cols=cols, pseudonymise=True)
            assert m.counts.shape[0] == len(demo.codes.all())
        docs = load_workbook(tmp_path / "m-documents.xlsx")["passages"]
        assert not any("fatima" in str(c.value).lower() for c in docs[1])
