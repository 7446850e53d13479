"""Spreadsheet formula injection: every CSV and .xlsx the tool writes is formula-safe.

Labels, attributes, memos, document, actor and case names come from people; a cell
that starts with ``=``, ``+``, ``-`` or ``@`` would run in Excel or LibreOffice.
Every tabular export is run here on a project whose names are hostile, and no cell
may come out as a formula. A second test greps the source: only the one writer in
``wijkverhalen.exporters.tables`` may write CSV or .xlsx.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from wijkverhalen.cli import cli
from wijkverhalen.exporters.tables import Sheet, csv_cell, looks_like_formula, write_csv, write_xlsx
from wijkverhalen.models import Code, IndicatorLink, ParsedDocument, Sentence, Turn
from wijkverhalen.models.linking import Actor, IndicatorValue
from wijkverhalen.store import DocumentInput, Project

LINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1)"
HOSTILE = (LINK, SUM, "+1+1", "-2+3", "\tx", "\rx")
SRC = Path(__file__).resolve().parent.parent / "src" / "wijkverhalen"

TEXT = "R: " + " ".join(f"Zin {i} over de Rebelgroep en {LINK}." for i in range(12)) + "\n"


def _doc(name: str, attributes: dict[str, str]) -> DocumentInput:
    sentences, pos = [], 3
    while (end := TEXT.find(".", pos)) >= 0:
        sentences.append(Sentence(pos, end + 1, 0, ""))
        pos = end + 2
    parsed = ParsedDocument(name=name, text=TEXT + name, format="txt", source_path=name,
                            turns=(Turn(0, len(TEXT) - 1, 3, "R"),))
    return DocumentInput(parsed, sentences, 100, attributes)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.wijk"
    codes = [Code("a", LINK, gloss=SUM, indicators=(IndicatorLink("ind"),)),
             Code("b", SUM, position=1, indicators=(IndicatorLink("ind"),)),
             Code("c", "-min", position=2)]
    with Project.create(path, codes=codes, coder="anna") as project:
        project.add_documents([
            _doc(LINK, {"rol": SUM, "casus": LINK, "jaar": "2020"}),
            _doc(SUM, {"rol": LINK, "casus": LINK, "jaar": "2018"}),
        ], "anna")
        project.import_actors([Actor("rebel", LINK, type=SUM, aliases=("Rebelgroep",)),
                               Actor("sum", SUM, aliases=("HYPERLINK",))], "anna")
        from wijkverhalen.linking.actors import detect_in_project

        detect_in_project(project, "anna")
        project.import_indicator_values(
            [IndicatorValue("ind", area, year, v, unit="%", row=i) for i, (area, year, v) in enumerate(
                [("BoTu", 2016, 30.0), ("BoTu", 2018, 35.0), ("BoTu", 2020, 40.0),
                 ("Rotterdam", 2016, 33.0), ("Rotterdam", 2018, 33.0), ("Rotterdam", 2020, 34.0)])],
            file="t.csv", coder="anna")
        for doc in (1, 2):
            for n, code in enumerate(("a", "b", "a", "c")):
                for coder in ("anna", "bram"):
                    start = 3 + 40 * n
                    project.add_coding(doc, start, start + 10, code, coder, memo=SUM, valence="positive")
    return path


def _formula_free_xlsx(path: Path) -> list[str]:
    book = load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if looks_like_formula(cell.value):
                        assert cell.quotePrefix, f"{path.name}!{cell.coordinate} has no quote prefix"
    return texts


def _csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        dialect = csv.Sniffer().sniff(fh.read(4096), delimiters=",;\t")
        fh.seek(0)
        cells = [cell for row in csv.reader(fh, dialect) for cell in row]
    for cell in cells:
        assert not looks_like_formula(cell), f"{path.name}: live formula {cell!r}"
    return cells


EXPORTS = [
    ("segments.csv", ["export", "segments", "{p}", "-o", "{out}"]),
    ("segments.xlsx", ["export", "segments", "{p}", "-o", "{out}"]),
    ("rol.csv", ["export", "matrix", "{p}", "--cols", "rol", "-o", "{out}"]),
    ("rol.xlsx", ["export", "matrix", "{p}", "--cols", "rol", "-o", "{out}"]),
    ("docs.csv", ["export", "matrix", "{p}", "--cols", "documents", "-o", "{out}"]),
    ("docs.xlsx", ["export", "matrix", "{p}", "--cols", "documents", "-o", "{out}"]),
    ("co.csv", ["export", "matrix", "{p}", "--cols", "codes", "-o", "{out}"]),
    ("co.xlsx", ["export", "matrix", "{p}", "--cols", "codes", "--case", LINK, "-o", "{out}"]),
    ("net.xlsx", ["export", "network", "{p}", "-o", "{out}", "--respondents"]),
    ("validate.xlsx", ["validate", "{p}", "-o", "{out}", "--min-respondents", "1"]),
    ("agree.csv", ["agreement", "{p}", "-o", "{out}"]),
    ("agree.xlsx", ["agreement", "{p}", "-o", "{out}"]),
]


@pytest.mark.parametrize("name, args", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_every_tabular_export_is_formula_free(hostile: Path, tmp_path: Path, name: str, args: list[str]) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(cli, [a.replace("{p}", str(hostile)).replace("{out}", str(out)) for a in args])
    assert result.exit_code == 0, result.output
    if out.suffix == ".xlsx":
        texts = _formula_free_xlsx(out)
        assert any(t in (LINK, SUM) for t in texts), "the hostile names should be in the file, as text"
    else:
        cells = _csv_cells(out)
        assert "'" + LINK in cells or "'" + SUM in cells, "hostile cells should be prefixed with an apostrophe"
    assert not list(tmp_path.glob("*.part*"))


def test_writer_keeps_numbers_and_exact_text(tmp_path: Path) -> None:
    rows = [["name", "n", "text"], *[[h, -3, h] for h in HOSTILE], ["-3", -2.5, "-1e3"]]
    write_csv(tmp_path / "t.csv", rows)
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert [r[0] for r in back[1:-1]] == ["'" + h for h in HOSTILE]
    assert back[-1] == ["-3", "-2.5", "-1e3"]  # numbers are not formulas
    assert [csv_cell(v) for v in (None, float("nan"), 7)] == ["", "", 7]
    write_xlsx(tmp_path / "t.xlsx", [Sheet("s", rows)])
    sheet = load_workbook(tmp_path / "t.xlsx")["s"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[0] for r in values[1:5]] == list(HOSTILE[:4])  # the exact text, as text
    assert values[1][1] == -3 and sheet["B2"].data_type == "n"
    _formula_free_xlsx(tmp_path / "t.xlsx")


# Any of these in a module other than the one writer means a CSV or .xlsx written around it.
_DIRECT = re.compile(r"csv\.writer|csv\.DictWriter|\.to_csv\(|\.to_excel\(|ExcelWriter|\bWorkbook\b|xlsxwriter"
                     r"|WriteOnlyCell")


def test_no_module_writes_csv_or_xlsx_around_the_writer() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "exporters/tables.py":
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _DIRECT.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{lineno}: {line.strip()}")
    assert not offenders, "write tables through wijkverhalen.exporters.tables:\n" + "\n".join(offenders)
