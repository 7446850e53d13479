"""The report the monitor can publish: Dutch, A4, seed order, Index+, sources (issue 9).

Checked on the docx structure with python-docx; the rendering itself (LibreOffice to
PDF) is in tests/test_export_report.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_export_fixtures import coded_demo

from wijkverhalen.cli import cli
from wijkverhalen.errors import InvalidInput
from wijkverhalen.exporters.docx import _column_widths, export_docx
from wijkverhalen.exporters.markdown import export_markdown
from wijkverhalen.exporters.summary import CodeSection, aantal, build_report
from wijkverhalen.exporters.summary_verdicts import verdict_view
from wijkverhalen.linking.indicators import import_indicator_file
from wijkverhalen.models import Code
from wijkverhalen.store import Project

REPO = Path(__file__).resolve().parents[1]
SEED_ORDER = ["Overzicht", "Casuïstiek", "Netwerken", "Index+", "Social Impact by Design (SIBD)", "Governance",
              "Definitie veerkracht", "Verantwoording", "Bronnen"]


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Project:
    """The coded demo with the illustrative (invented) indicator table."""
    project = Project.open(coded_demo(tmp_path_factory, tmp_path / "demo.wijk"))
    import_indicator_file(project, REPO / "data" / "indicators_illustrative.csv", "anna")
    yield project
    project.close()


@pytest.fixture(scope="module")
def demo_docx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project and the Word report written from it once, for the tests that only read the file."""
    folder = tmp_path_factory.mktemp("report")
    path = coded_demo(tmp_path_factory, folder / "demo.wijk")
    with Project.open(path) as project:
        import_indicator_file(project, REPO / "data" / "indicators_illustrative.csv", "anna")
        export_docx(project, folder / "rapport.docx")
    return path, folder / "rapport.docx"


def _sections(part):  # type: ignore[no-untyped-def]
    out = []

    def walk(sections):  # type: ignore[no-untyped-def]
        for s in sections:
            out.append(s)
            walk(s.children)

    walk(part.sections)
    return out


def _part(report, title):  # type: ignore[no-untyped-def]
    return next(p for p in report.parts if p.title == title)


# ----------------------------------------------------------------------------- page, TOC, footer


@pytest.mark.slow
def test_docx_is_a4_with_margins_and_page_numbers(demo_docx: tuple[Path, Path]) -> None:
    import docx

    document = docx.Document(str(demo_docx[1]))
    for section in document.sections:
        assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
        assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.5
        footer = section.footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)  # a field, computed per page
        assert 'w:fldCharType="begin"' in footer and 'w:fldCharType="end"' in footer


def test_docx_table_of_contents_is_filled_from_the_headings(demo_docx: tuple[Path, Path]) -> None:
    import docx

    document = docx.Document(str(demo_docx[1]))
    paragraphs = document.paragraphs
    toc = [p for p in paragraphs if p.style.name.startswith("TOC ") and p.style.name != "TOC Heading"]
    headings = [(int(p.style.name.split()[-1]), p.text) for p in paragraphs
                if p.style.name.startswith("Heading") and int(p.style.name.split()[-1]) <= 2]
    entries = [(int(p.style.name.split()[-1]), p.text) for p in toc]
    # The entries are written out (no F9 needed), one per heading of level 1-2, in order.
    assert len(entries) == len(headings) > 20
    assert [level for level, _ in entries] == [level for level, _ in headings]
    assert [text for level, text in entries if level == 1] == [t for level, t in headings if level == 1]
    for (_, entry), (_, heading) in zip(entries, headings, strict=True):
        assert heading.startswith(entry.split(" — ")[0]) or entry.startswith("Casus ")
    # ... inside a real TOC field that Word refreshes with page numbers.
    assert 'TOC \\o "1-2"' in toc[0]._p.xml and 'w:fldCharType="separate"' in toc[0]._p.xml
    assert 'w:fldCharType="end"' in toc[-1]._p.xml
    assert "F9" not in "\n".join(p.text for p in paragraphs)
    settings = zipfile.ZipFile(demo_docx[1]).read("word/settings.xml").decode()
    assert "updateFields" in settings


def test_report_headings_follow_the_seed_order(demo_docx: tuple[Path, Path]) -> None:
    import docx

    document = docx.Document(str(demo_docx[1]))
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in level1 if h != "Overige thema's"] == SEED_ORDER
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    # Governance: the five dimensions, each with its quality, in the seed's order.
    dims = [h for h in level2 if "·" in h]
    assert [d.split(" · ")[0] for d in dims] == ["Sociaal kapitaal", "Leiderschap", "Betrokken bestuur",
                                                  "Probleemoplossend vermogen", "Communicatieomgeving"]
    # The resilience factors (Fig. 1.8) under Definitie veerkracht; trust stays there without --case.
    assert {"Veerkrachtig handelen", "Voorraad aan capaciteiten", "Relaties tussen actoren",
            "Buurt als context"} <= {h.split(" — ")[0] for h in level2}
    # The governance qualities table.
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Dimensie")
    assert [r.cells[1].text for r in table.rows[1:]] == ["mobiliserend vermogen", "verbindend vermogen",
                                                         "institutionele souplesse", "betrouwbaarheid",
                                                         "betrouwbaarheid"]


def test_inventory_code_is_not_repeated_under_its_part(demo: Project) -> None:
    report = build_report(demo)
    netwerken = _part(report, "Netwerken")
    assert netwerken.sections[0].code.id == "netwerken" and netwerken.sections[0].is_part
    assert {s.depth for s in netwerken.sections[0].children} == {0}  # its sub-codes are the part's headings


# ----------------------------------------------------------------------------- --case


def test_case_report_puts_trust_and_the_other_factors_where_the_seed_does(demo: Project) -> None:
    plain = build_report(demo)
    factors = {s.code.id for s in _sections(_part(plain, "Definitie veerkracht"))}
    assert "relaties.vertrouwen" in factors  # without a case: a factor of resilience (Fig. 1.8)

    dh = build_report(demo, case="Delfshaven Helpt")
    assert [p.title for p in dh.parts][:5] == SEED_ORDER[2:7]
    netwerken = {s.code.id: s for s in _sections(_part(dh, "Netwerken"))}
    # "I. Delfshaven Helpt netwerken": Samenwerking, Vertrouwen, Inclusieve netwerken.
    assert {"relaties.vertrouwen", "delfshaven_helpt", "delfshaven_helpt.vertrouwen"} <= set(netwerken)
    assert netwerken["relaties.vertrouwen"].moved_from == "Relaties tussen actoren"
    # "Delfshaven Helpt beheert door de gemeenschap zelf": governance, dimension 5.
    assert "delfshaven_helpt.zelfbeheer" in {s.code.id for s in _sections(_part(dh, "Governance"))}
    assert "relaties.vertrouwen" not in {s.code.id for s in _sections(_part(dh, "Definitie veerkracht"))}

    sibd = build_report(demo, case="sibd")
    coded = set(demo.code_counts())
    net = {s.code.id for s in _sections(_part(sibd, "Netwerken"))}
    gov = {s.code.id for s in _sections(_part(sibd, "Governance"))}
    # The seed's SIBD pages: resident/municipal involvement under netwerken, frames and phasing under governance.
    assert "sibd.bewoners_betrekken" in net and "sibd.gemeente_betrekken" in net
    assert {"sibd.financiering", "sibd.fasering"} & coded <= gov
    assert not (net & gov)


# ----------------------------------------------------------------------------- Dutch


def test_counts_are_dutch_with_plurals(demo_docx: tuple[Path, Path]) -> None:
    assert [aantal(1, "passage"), aantal(2, "passage"), aantal(0, "document"), aantal(1, "document"),
            aantal(3, "respondent")] == ["1 passage", "2 passages", "0 documenten", "1 document", "3 respondenten"]
    section = CodeSection(code=Code(id="x", label="X"), path="X", depth=0, codings=0, total_codings=1,
                          total_documents=1)
    assert section.count_line == "Geen passages; met subcodes 1 passage in 1 document."
    one = CodeSection(code=Code(id="x", label="X"), path="X", depth=0, codings=1, documents=1, respondents=1,
                      roles={"bewoner": 1})
    assert one.count_line == "1 passage in 1 document; 1 respondent (1 bewoner)."
    import docx

    text = "\n".join(p.text for p in docx.Document(str(demo_docx[1])).paragraphs)
    assert not re.search(r"\b1 (passages|documenten|respondenten)\b", text)
    assert "Telling." in text and "Verantwoording" in text
    for english in ("converges", "diverges", "bevestigt", "Sources", "Overview", "passage(s)"):
        assert english not in text.replace("Triangulatie: ", "")  # rules' own words come from linking


def _finding(**kw: Any) -> Any:
    from wijkverhalen.linking.triangulation import Finding

    base = dict(code_id="c", code_label="C", indicator="i", link_direction="+", aspect="level", hypothesis=False,
                qual=None, quant=None, expected=1, verdict="agreement", verdict_nl="consistent met", silent="",
                rule="same direction", reason="3 passages; BoTu +4")
    return Finding(**{**base, **kw})  # type: ignore[arg-type]


def test_verdicts_are_worded_in_the_protocols_dutch() -> None:
    view = verdict_view(_finding())
    assert (view.key, view.verdict, view.evidence, view.rule) == (
        "agreement", "consistent met", "3 passages; BoTu +4", "same direction")
    dutch = verdict_view(_finding(verdict="partial agreement", verdict_nl="deels consistent",
                                  reason_nl="4 passages van 3 respondenten", rule="", rule_nl=""),
                         {"partial agreement": "some reference areas, not all"})
    assert dutch.verdict == "deels consistent" and dutch.evidence == "4 passages van 3 respondenten"
    assert dutch.rule == "some reference areas, not all"  # the validation's stated rule
    flagged = verdict_view(_finding(verdict="silence", verdict_nl="stil", reason="5+ 5-",
                                    flags_nl=["verhalen na de laatste editie (2020)"]))
    assert flagged.verdict == "stil" and flagged.evidence == "5+ 5-; let op: verhalen na de laatste editie (2020)"


# ----------------------------------------------------------------------------- Index+


@pytest.mark.slow
def test_index_sets_botu_beside_nprz_and_rotterdam_per_edition(demo: Project, demo_docx: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    import docx

    report = build_report(demo)
    index = _part(report, "Index+").index
    assert [i.id for i in index[:2]] == ["gemeente_ondersteunt_initiatieven", "vertrouwen_gebiedsbestuur"]
    assert index[0].heading.startswith("Bestaande netwerken ondersteunen (Fig. 1.4)")
    values = {(r["indicator"], r["area"], r["year"]): r["value"] for r in demo.indicator_values()}
    for item in index:
        assert item.columns[:3] == ["BoTu", "NPRZ-focuswijken", "Rotterdam"]
        assert [y for y, _ in item.rows] == [2014, 2016, 2018, 2020]
        for year, row in item.rows:
            for area, value in zip(item.columns, row, strict=True):
                assert value == values.get((item.id, area, year))
        assert item.rules[0] == "BoTu = de eigen rij 'BoTu' van de tabel"
        assert "richting: hoger is beter" in item.meta_line or "richting: lager is beter" in item.meta_line
        assert "illustratief" in item.meta_line  # the source, kept with the values
        assert item.provenance and "indicators_illustrative.csv" in item.provenance[0]
        assert str(REPO) not in item.provenance[0]  # no local folders in a published report
        assert re.search(r"2014: .*BoTu r\. \d+", item.provenance[0])
    document = docx.Document(str(demo_docx[1]))  # the same project, written once for the module
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Editie"]
    assert len(tables) == len(index) and len(document.inline_shapes) == len(index)  # a table and a plot each
    assert tables[0].rows[1].cells[1].text == "36"  # BoTu 2014, as in the table
    md = tmp_path / "r.md"
    export_markdown(demo, md)
    text = md.read_text(encoding="utf-8")
    assert "| Editie | BoTu | NPRZ-focuswijken | Rotterdam |" in text
    assert "](r_figuren/index_1_gemeente_ondersteunt_initiatieven.png)" in text
    assert (tmp_path / "r_figuren" / "index_1_gemeente_ondersteunt_initiatieven.png").stat().st_size > 1000


def test_index_states_the_aggregation_rule_and_flags_in_dutch(tmp_path: Path) -> None:
    """BoTu from its neighbourhoods, weighted by inhabitants; NPRZ incomplete; no Rotterdam row."""
    from sample import SAMPLE_CODES

    table = tmp_path / "wijken.csv"
    table.write_text("area,year,indicator,value,unit\n"
                     "Bospolder,2018,vertrouwen_gebiedsbestuur,40,%\n"
                     "Tussendijken,2018,vertrouwen_gebiedsbestuur,50,%\n"
                     "Carnisse,2018,vertrouwen_gebiedsbestuur,30,%\n"
                     "Bospolder,2018,aantal_inwoners,7000,\n"
                     "Tussendijken,2018,aantal_inwoners,3000,\n", encoding="utf-8")
    codes = [Code(id=c.id, label=c.label, parent_id=c.parent_id, indicators=c.indicators) for c in SAMPLE_CODES]
    with Project.create(tmp_path / "p.wijk", codes=codes, coder="anna") as project:
        import_indicator_file(project, table, "anna")
        project.set_nprz_members(["Carnisse", "Hillesluis", "Tarwewijk"])
        from wijkverhalen.exporters.summary_index import index_section

        [item] = index_section(project, ["vertrouwen_gebiedsbestuur"], [])
    # (40 * 7000 + 50 * 3000) / 10000 = 43.0
    assert item.rows == [(2018, [43.0, 30.0, None, 40.0, 50.0])]
    assert item.rules[0] == ("BoTu = naar aantal inwoners gewogen gemiddelde van Bospolder en Tussendijken "
                             "(inwoners: Bospolder 7.000, Tussendijken 3.000 (2018))")
    assert item.rules[1] == "NPRZ = alleen Carnisse (het enige deelgebied met waarden)"
    assert item.flags == ["NPRZ = alleen Carnisse: 1 van 3"]
    assert item.rules[2].startswith("Rotterdam: geen rij 'Rotterdam' in de tabel")


# ----------------------------------------------------------------------------- sources, columns


@pytest.mark.slow
def test_sources_table_shows_the_attributes_that_matter(demo: Project, demo_docx: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    import docx

    sources = docx.Document(str(demo_docx[1])).tables[-1]  # the same project, written once for the module
    assert [c.text for c in sources.rows[0].cells] == ["Document", "Respondent", "Rol", "Wijk", "Jaar", "Casus",
                                                      "Woorden"]  # not datum, interviewer (alphabetical first six)
    report = build_report(demo, source_attributes=["rol", "datum"])
    assert report.source_columns == ("rol", "datum")
    assert set(report.sources[0][1]) == {"rol", "datum"}
    with pytest.raises(InvalidInput, match="geen_attribuut"):
        build_report(demo, source_attributes=["geen_attribuut"])
    md = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["export", "report", str(demo.path), "-o", str(md),
                                      "--source-attributes", "respondent,interviewer"])
    assert result.exit_code == 0, result.output
    assert "| Document | Respondent | Interviewer | Woorden |" in md.read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, ["export", "report", str(demo.path), "-o", str(tmp_path / "x.md"),
                                   "--source-attributes", "nope"])
    assert bad.exit_code == 1 and "error:" in bad.output and "nope" in bad.output
    assert not (tmp_path / "x.md").exists()


def test_table_columns_are_sized_to_their_content(demo_docx: tuple[Path, Path]) -> None:
    import docx

    document = docx.Document(str(demo_docx[1]))
    overview = document.tables[0]
    widths = [c.width.cm for c in overview.columns]
    assert widths[0] > 1.5 * max(widths[1:])  # the labels, not the numbers, get the room
    assert sum(widths) <= 16.0 + 0.01  # inside the A4 text width
    for table in document.tables:
        assert sum(c.width.cm for c in table.columns) <= 16.0 + 0.01
    # Small tables stay small; a header word never has to break.
    assert sum(_column_widths(("Jaar", "Waarde"), [("2020", "3")], 16.0)) < 4
    alone = _column_widths(("Document", "Rol"), [("x", "bewoner")], 16.0)[1]
    wide = _column_widths(("Document", "Toelichting", "Rol"), [("x" * 200, "woord " * 40, "bewoner")], 16.0)
    assert abs(sum(wide) - 16.0) < 1e-6  # too much text: the table takes the text width ...
    assert wide[2] == alone and wide[0] > 4 * wide[2]  # ... and only the long columns wrap
