"""Triangulation: verdicts, thresholds, editions, cases, reports, plots, CLI, TUI and the demo.

The rules themselves, with hand-computed examples, are in test_triangulation_rules.py.
"""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from wijkverhalen.cli import cli
from wijkverhalen.errors import DataError, NotFound
from wijkverhalen.linking.plots import write_plots
from wijkverhalen.linking.triangulation import (
    AGREEMENT,
    DISSONANCE,
    PARTIAL,
    SILENCE,
    VERDICTS,
    ValidationOptions,
    validate,
)
from wijkverhalen.linking.validation_report import to_json, to_markdown, write_report
from wijkverhalen.models import Code, IndicatorLink, ParsedDocument, Sentence, Turn
from wijkverhalen.models.linking import IndicatorValue
from wijkverhalen.store import DocumentInput, Project

TEXT = "R: " + " ".join(f"Zin nummer {i} over de buurt." for i in range(40)) + "\n"

CODES = [
    Code("relaties", "Relaties", color="#138A72"),
    Code("relaties.vertrouwen", "Vertrouwen", parent_id="relaties", indicators=(IndicatorLink("ind_up"),)),
    Code("relaties.contact", "Contact", parent_id="relaties", position=1, indicators=(IndicatorLink("ind_down"),)),
    Code("relaties.onbekend", "Onbekend", parent_id="relaties", position=2, indicators=(IndicatorLink("nergens"),)),
    Code("eenzaam", "Eenzaamheid", position=1, indicators=(IndicatorLink("kwal", "-"),)),
    Code("buurt", "Buurt", position=2, indicators=(IndicatorLink("ind_up"),)),
    Code("buurt.plekken", "Plekken", parent_id="buurt"),
    Code("wonen", "Wonen", position=3, indicators=(IndicatorLink("ind_parts"), IndicatorLink("ind_one"))),
    Code("governance", "Governance", position=4),
    Code("governance.leiderschap", "Leiderschap", parent_id="governance"),
    Code("sibd", "SIBD", position=5),
    Code("sibd.botu12", "BoTu12", parent_id="sibd"),
]
SERIES = {
    "ind_up": {"BoTu": [30, 32, 35, 40], "Rotterdam": [33, 33, 34, 34], "NPRZ-focuswijken": [25, 26, 27, 28]},
    "ind_down": {"BoTu": [50, 49, 46, 44], "Rotterdam": [52, 52, 51, 51]},
    "kwal": {"BoTu": [80, 79, 77, 75], "Rotterdam": [90, 90, 91, 91]},
    "ind_parts": {"Bospolder": [10, 12, 14, 16], "Tussendijken": [20, 20, 22, 24]},
}
YEARS = [2014, 2016, 2018, 2020]


def _doc(name: str, attributes: dict[str, str]) -> DocumentInput:
    sentences = []
    pos = 3
    while True:
        end = TEXT.find(".", pos)
        if end < 0:
            break
        sentences.append(Sentence(pos, end + 1, 0, ""))
        pos = end + 2
    parsed = ParsedDocument(name=name, text=TEXT + name, format="txt", source_path=name,
                            turns=(Turn(0, len(TEXT) - 1, 3, "R"),))
    return DocumentInput(parsed, sentences, 100, attributes)


def build(path: Path) -> Project:
    project = Project.create(path, codes=CODES, coder="anna")
    project.documents.add([
        _doc("a", {"rol": "bewoner", "jaar": "2020", "casus": "Delfshaven Helpt"}),
        _doc("b", {"rol": "professional", "jaar": "2020", "casus": "Delfshaven Helpt"}),
        _doc("c", {"rol": "initiatiefnemer", "jaar": "2018", "casus": "Social Impact by Design"}),
        _doc("d", {"rol": "bewoner", "jaar": "2016"}),
    ], "anna")
    values = [IndicatorValue(ind, area, year, v, unit="%", row=i)
              for i, (ind, areas) in enumerate(SERIES.items())
              for area, series in areas.items() for year, v in zip(YEARS, series, strict=True)]
    values.append(IndicatorValue("ind_one", "BoTu", 2020, 12.0, row=99))
    project.indicators.import_values(values, file="t.csv", coder="anna")
    return project


_SPANS = itertools.count()


def code(project: Project, doc: int, code_id: str, valence: str | None, n: int = 1, coder: str = "anna") -> None:
    for _ in range(n):
        start = 3 + 10 * (next(_SPANS) % 100)  # a fresh span each time: no duplicate codings
        project.codings.add(doc, start, start + 8, code_id, coder, valence=valence)


@pytest.fixture
def proj(tmp_path: Path):
    project = build(tmp_path / "v.wijk")
    yield project
    project.close()


def finding(result, code_id: str, indicator: str):  # type: ignore[no-untyped-def]
    return next(f for f in result.findings if f.code_id == code_id and f.indicator == indicator)


# ----------------------------------------------------------------------------- the four verdicts


def test_the_four_verdicts(proj: Project) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", "positive")
        code(proj, doc, "relaties.contact", "positive")  # stories: much contact; BoTu is below Rotterdam
        code(proj, doc, "relaties.onbekend", "negative")
        code(proj, doc, "eenzaam", "positive")  # severe loneliness; link '-': the index should be low
    code(proj, 1, "wonen", "negative", n=2)
    result = validate(proj)
    vertrouwen = finding(result, "relaties.vertrouwen", "ind_up")
    # Stories 2018-2020 -> editions 2018 and 2020 (span 1). BoTu mean 37.5; Rotterdam 34 (+3.5),
    # NPRZ 27.5 (+10); threshold = median of the steps 2, 3, 5 = 3: above both -> agreement.
    assert vertrouwen.verdict == AGREEMENT and vertrouwen.verdict_nl == "consistent met"
    assert (vertrouwen.qual.claim, vertrouwen.qual.direction, vertrouwen.expected) == ("up", 1, 1)
    assert (vertrouwen.quant.years, vertrouwen.quant.level, vertrouwen.quant.threshold) == ([2018, 2020], 37.5, 3)
    assert [(c.area, c.value) for c in vertrouwen.quant.comparisons] == [("Rotterdam", 3.5), ("NPRZ", 10)]
    assert vertrouwen.qual.roles == {"bewoner": 1, "initiatiefnemer": 1, "professional": 1}
    assert vertrouwen.qual.years == {2018: 1, 2020: 2}
    assert "BoTu level 37.5 in 2018, 2020" in vertrouwen.reason
    # Contact: BoTu 46/44 vs Rotterdam 51/51 (-6) -> below, steps 1, 3, 2 -> threshold 2; no NPRZ row.
    contact = finding(result, "relaties.contact", "ind_down")
    assert contact.verdict == DISSONANCE and "no NPRZ comparison in these editions" in contact.flags
    eenzaam = finding(result, "eenzaam", "kwal")
    # 'much loneliness' with a '-' link expects the index below: 76 vs 91 -> agreement.
    assert (eenzaam.expected, eenzaam.quant.direction, eenzaam.verdict) == (-1, -1, AGREEMENT)
    onbekend = finding(result, "relaties.onbekend", "nergens")
    assert (onbekend.verdict, onbekend.silent) == (SILENCE, "indicator") and "not imported" in onbekend.reason
    assert any("nergens" in w for w in result.warnings)
    # 'buurt' has no passages of its own or below it, but its indicator has a series: the stories are silent.
    assert (finding(result, "buurt", "ind_up").verdict, finding(result, "buurt", "ind_up").silent) == (
        SILENCE, "stories")
    # 1 respondent, and an indicator with a single year and no threshold: both silent.
    assert finding(result, "wonen", "ind_one").silent == "both"
    assert set(result.counts()) == set(VERDICTS)
    assert dict(result.rules)[AGREEMENT].startswith("the stories speak, the indicator has data")


def test_thresholds_are_options(proj: Project) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", "positive")
    code(proj, 1, "relaties.vertrouwen", "negative")
    assert finding(validate(proj), "relaties.vertrouwen", "ind_up").verdict == AGREEMENT
    stricter = validate(proj, ValidationOptions(min_respondents=4))
    assert finding(stricter, "relaties.vertrouwen", "ind_up").verdict == SILENCE
    assert ">= 4 respondents" in dict(stricter.rules)["stories speak"]
    # 3 positive, 1 negative: 1/3 < 0.5 -> up; with a mixed ratio of 0.3 the stories are mixed.
    mixed = finding(validate(proj, ValidationOptions(mixed_ratio=0.3)), "relaties.vertrouwen", "ind_up")
    assert (mixed.qual.claim, mixed.verdict) == ("mixed", PARTIAL)
    # +3.5 vs Rotterdam is not beyond a threshold of 4; +10 vs NPRZ is: partial agreement.
    assert finding(validate(proj, ValidationOptions(threshold=4)), "relaties.vertrouwen",
                   "ind_up").verdict == PARTIAL
    assert finding(validate(proj, ValidationOptions(edition_span=0)), "relaties.vertrouwen",
                   "ind_up").quant.years == [2018, 2020]


def test_unrated_passages_count_but_give_no_direction(proj: Project) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", None, n=2)
    f = finding(validate(proj), "relaties.vertrouwen", "ind_up")
    assert (f.qual.passages, f.qual.unrated, f.qual.claim, f.verdict) == (6, 6, "", SILENCE)
    assert "no rated passage" in f.rule


def test_focus_area_and_errors(proj: Project) -> None:
    with pytest.raises(DataError, match="unknown area 'Spangen'"):
        validate(proj, ValidationOptions(area="Spangen"))
    with pytest.raises(NotFound, match="no case 'onbekend'"):
        validate(proj, ValidationOptions(case="onbekend"))
    with pytest.raises(NotFound, match="no code 'nee'"):
        validate(proj, ValidationOptions(code="nee"))


def test_children_roll_up_and_derived_focus_series(proj: Project) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "buurt.plekken", "positive")
    assert finding(validate(proj), "buurt", "ind_up").verdict == AGREEMENT
    own = validate(proj, ValidationOptions(include_children=False))
    assert finding(own, "buurt", "ind_up").qual.passages == 0
    assert "not its sub-codes" in dict(own.rules)["passages"]
    parts = finding(validate(proj), "wonen", "ind_parts").quant
    assert parts.focus is not None and parts.focus.derived_from == ("Bospolder", "Tussendijken")
    assert parts.focus.values == {2014: 15, 2016: 16, 2018: 18, 2020: 20}
    only = validate(proj, ValidationOptions(code="relaties"))
    assert {f.code_id for f in only.findings} == {"relaties.vertrouwen", "relaties.contact", "relaties.onbekend"}


def test_story_years_choose_the_editions(proj: Project) -> None:
    code(proj, 4, "relaties.contact", "positive", n=3)  # document d: 2016, one respondent
    narrow = finding(validate(proj, ValidationOptions(min_respondents=1)), "relaties.contact", "ind_down")
    # 2016 (span 1: 2015-2017) -> the 2016 edition only: 49 vs Rotterdam 52 = -3, threshold 2 -> below.
    assert narrow.quant.years == [2016] and narrow.quant.comparisons[0].value == -3
    assert narrow.verdict == DISSONANCE


def test_coder_and_case_filters_and_case_views(proj: Project) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", "positive")
        code(proj, doc, "relaties.vertrouwen", "negative", coder="bert")
    # Six distinct spans: anna's 3 positive, bert's 3 negative -> mixed stories, partial agreement.
    both = finding(validate(proj), "relaties.vertrouwen", "ind_up")
    assert (both.qual.positive, both.qual.negative, both.qual.claim, both.verdict) == (3, 3, "mixed", PARTIAL)
    assert finding(validate(proj, ValidationOptions(coder="bert")), "relaties.vertrouwen",
                   "ind_up").verdict == DISSONANCE
    code(proj, 1, "governance.leiderschap", "positive", n=2)
    code(proj, 3, "sibd.botu12", "mixed")
    result = validate(proj, ValidationOptions(case="delfshaven helpt"))
    assert result.case == "Delfshaven Helpt"
    assert finding(result, "relaties.vertrouwen", "ind_up").qual.documents == 2
    assert [c.name for c in result.cases] == ["Delfshaven Helpt"]
    view = result.cases[0]
    assert view.documents == 2 and view.roles == {"bewoner": 1, "professional": 1}
    assert [(g.code_id, g.passages, g.positive) for g in view.governance] == [
        ("governance", 2, 2), ("governance.leiderschap", 2, 2)]
    assert view.sibd == []
    everything = validate(proj)
    assert [c.name for c in everything.cases] == ["Delfshaven Helpt", "Social Impact by Design"]
    sibd = everything.cases[1]
    assert [(c.code_id, c.mixed) for c in sibd.sibd] == [("sibd", 1), ("sibd.botu12", 1)]
    assert validate(proj, ValidationOptions(case="SIBD")).case == "Social Impact by Design"  # acronym
    assert validate(proj, ValidationOptions(with_cases=False)).cases == []


# ----------------------------------------------------------------------------- reports and plots


@pytest.mark.slow
def test_reports_state_the_rules(proj: Project, tmp_path: Path) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", "positive")
    result = validate(proj)
    plots = write_plots(result, tmp_path / "figs")
    md = to_markdown(result, title="v", plots=plots, relative_to=tmp_path)
    assert "## Verdict rules" in md
    for verdict in VERDICTS:
        assert f"- **{verdict}**" in md
    assert ("| `relaties.vertrouwen` | ind_up | + | level | 3 | 3 | 3 | 0 | 0 | up | 37.5 (2018, 2020) | +3.5 | +10 "
            "| 3 | **agreement (consistent met)** |") in md
    assert "- rule: agreement: BoTu is above" in md and "- passage c " in md
    assert "![relaties.vertrouwen × ind_up](figs/relaties.vertrouwen__ind_up.png)" in md
    assert "| Netwerken (actors, ties) | Index+ (indicators) | Social Impact by Design | Governance |" in md
    write_report(result, tmp_path / "v.xlsx")
    book = load_workbook(tmp_path / "v.xlsx")
    assert book.sheetnames == ["Findings", "Series", "Rules", "Passages", "Cases"]
    header = [c.value for c in book["Findings"][1]]
    row = next(r for r in book["Findings"].iter_rows(values_only=True) if r[0] == "relaties.vertrouwen")
    assert row[header.index("verdict")] == AGREEMENT and row[header.index("vs_nprz")] == 10
    rules = {r[0]: r[1] for r in book["Rules"].iter_rows(values_only=True)}
    assert rules["option min_respondents"] == "3" and AGREEMENT in rules
    assert len(list(book["Passages"].iter_rows())) == 4  # header + 3 passages
    data = to_json(result)
    assert data["counts"][AGREEMENT] == 1 and {r["name"] for r in data["rules"]} >= set(VERDICTS)


@pytest.mark.slow
def test_plots_png_and_reproducible_svg(proj: Project, tmp_path: Path) -> None:
    code(proj, 1, "relaties.vertrouwen", "positive")
    result = validate(proj)
    first = write_plots(result, tmp_path / "one")
    files = first[("relaties.vertrouwen", "ind_up")]
    assert [p.suffix for p in files] == [".png", ".svg"]
    assert files[0].read_bytes().startswith(b"\x89PNG")
    assert ("relaties.onbekend", "nergens") not in first  # nothing to draw
    second = write_plots(result, tmp_path / "two")
    assert second[("relaties.vertrouwen", "ind_up")][1].read_bytes() == files[1].read_bytes()
    assert b"n=1" in files[1].read_bytes()  # the passage count annotation (kept as a comment in the SVG)


# ----------------------------------------------------------------------------- CLI


def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_cli_validate_outputs(proj: Project, tmp_path: Path) -> None:
    for doc in (1, 2, 3):
        code(proj, doc, "relaties.vertrouwen", "positive")
    proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = str(proj.path)
    out = run("validate", path, "-o", str(tmp_path / "r.md"), "-o", str(tmp_path / "r.xlsx"),
              "--plots", str(tmp_path / "p")).output
    assert "agreement (consistent met): 1" in out and "rules" in out and "Theil-Sen slope" in out
    assert (tmp_path / "r.md").read_text(encoding="utf-8").count("![") >= 1
    assert (tmp_path / "r.xlsx").exists() and any((tmp_path / "p").glob("*.svg"))
    data = json.loads(run("validate", path, "--json", "--min-respondents", "4", "--no-cases").output)
    assert data["counts"][AGREEMENT] == 0 and data["cases"] == []
    assert data["options"]["min_respondents"] == 4
    err = run("validate", path, "-o", str(tmp_path / "r.pdf"), code=1).stderr
    assert "end it in .md, .xlsx or .json" in err
    err = run("validate", path, "--area", "Spangen", code=1).stderr
    assert err.startswith("error: unknown area 'Spangen'")


def test_every_linking_command_has_help_with_an_example() -> None:
    commands = [("indicators", "import"), ("indicators", "list"), ("indicators", "areas"), ("links", "list"),
                ("links", "add"), ("links", "remove"), ("actors", "import"), ("actors", "detect"),
                ("actors", "list"), ("actors", "mentions"), ("actors", "confirm"), ("actors", "reject"),
                ("actors", "mention"), ("validate",), ("export", "network")]
    for path in commands:
        out = run(*path, "--help").output
        assert "Example:" in out and "wijkverhalen " + " ".join(path) in out, path


# ----------------------------------------------------------------------------- the demo, end to end


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wijkverhalen.demo import build_demo_project

    path, _ = build_demo_project(tmp_path_factory.mktemp("demo") / "demo.wijk")
    return path


def _sentence(project: Project, query: str, document_prefix: str) -> tuple[str, int, int]:
    hits = [h for h in project.retrieval.search(query, limit=200) if h.document_name.startswith(document_prefix)]
    assert hits, (query, document_prefix)
    text = hits[0].text
    return hits[0].document_name, hits[0].start, hits[0].start + len(text)


DEMO_CODINGS = [  # (coder, code, query, document, valence)
    ("anna", "relaties.vertrouwen", '"heb ik wel vertrouwen"', "08_", "positive"),
    ("anna", "relaties.vertrouwen", '"Dat vertrouwen is er"', "12_", "positive"),
    ("anna", "relaties.vertrouwen", '"Dat vertrouwen gaf ons vleugels"', "02_", "positive"),
    ("anna", "relaties.vertrouwen", '"het vertrouwen dan weg is"', "10_", "negative"),
    ("anna", "relaties.sociaal_kapitaal", '"Minder dan vroeger"', "03_", "negative"),
    ("anna", "relaties.sociaal_kapitaal", '"contact tussen buren wordt minder"', "12_", "negative"),
    ("anna", "relaties.sociaal_kapitaal", '"al jaren minder aan het worden"', "11_", "negative"),
    ("anna", "relaties.sociaal_kapitaal", '"ken mijn buren beter"', "01_", "positive"),
    ("bert", "relaties.sociaal_kapitaal", '"Dat ik mijn buren ken"', "02_", "positive"),
    ("bert", "relaties.sociaal_kapitaal", '"sommige buren elkaar opeens zagen"', "11_", "positive"),
    ("bert", "relaties.sociaal_kapitaal", '"Vroeger groette ik mijn buren"', "01_", "positive"),
    ("anna", "buurt.infrastructuur", '"genoeg plekken om elkaar te ontmoeten"', "12_", "positive"),
    ("anna", "buurt.infrastructuur", '"Aan plekken ligt het niet"', "12_", "positive"),
    ("anna", "buurt.infrastructuur", '"dat het buurthuis ook dicht was"', "03_", "negative"),
    ("anna", "buurt.infrastructuur", '"het buurthuis was zijn week"', "11_", "mixed"),
]


@pytest.fixture
def demo(demo_source: Path, tmp_path: Path) -> Path:
    """The demo project with indicators, actors and the codings above, made through the CLI."""
    path = tmp_path / "demo.wijk"
    shutil.copy(demo_source, path)
    repo = Path(__file__).resolve().parents[1]
    run("indicators", "import", str(path), str(repo / "data" / "indicators_illustrative.csv"))
    run("actors", "import", str(path))
    run("actors", "detect", str(path))
    with Project.open(path) as project:
        spans = [(coder, code_id, *_sentence(project, query, prefix), valence)
                 for coder, code_id, query, prefix, valence in DEMO_CODINGS]
    for coder, code_id, document, start, end, valence in spans:
        run("code", str(path), document, str(start), str(end), code_id, "--valence", valence, "--coder", coder)
    return path


def _verdicts(path: Path, *options: str) -> dict[tuple[str, str], str]:
    data = json.loads(run("validate", str(path), "--json", *options).output)
    return {(r["code"], r["indicator"]): r["verdict"] for r in data["rows"]}


def test_demo_verdicts(demo: Path) -> None:
    verdicts = _verdicts(demo)
    # Trust (level): 3 of 4 stories say strong trust; stories 2018-2021 use the 2018 and 2020 editions:
    # BoTu 45.5 vs Rotterdam 36.5 (+9) and NPRZ 34 (+11.5), threshold 3 -> agreement.
    assert verdicts[("relaties.vertrouwen", "vertrouwen_gebiedsbestuur")] == AGREEMENT
    # Meeting places: 2 positive, 1 negative, 1 mixed -> mixed stories -> partial agreement.
    assert verdicts[("buurt.infrastructuur", "genoeg_ontmoetingsplekken")] == PARTIAL
    # Contact between neighbours (a change link, as the seed words it): 4 up, 3 down -> mixed, not "flat".
    assert verdicts[("relaties.sociaal_kapitaal", "contact_buren")] == PARTIAL
    assert verdicts[("handelen.potentieel", "bereid_zorgen")] == SILENCE
    # Anna's reading alone (3 down, 1 up) agrees with BoTu falling faster than Rotterdam and NPRZ
    # (-7 and -6.5 beyond them, threshold 4); Bert's alone (3 up) is dissonant.
    assert _verdicts(demo, "--by-coder", "anna")[("relaties.sociaal_kapitaal", "contact_buren")] == AGREEMENT
    assert _verdicts(demo, "--by-coder", "bert")[("relaties.sociaal_kapitaal", "contact_buren")] == DISSONANCE
    strict = _verdicts(demo, "--min-editions", "5")
    assert strict[("relaties.sociaal_kapitaal", "contact_buren")] == SILENCE
    # A threshold of 10: +9 against Rotterdam no longer counts, +11.5 against NPRZ does.
    assert _verdicts(demo, "--threshold", "10")[("relaties.vertrouwen", "vertrouwen_gebiedsbestuur")] == PARTIAL
    data = json.loads(run("validate", str(demo), "--json", "--no-cases").output)
    trust = next(r for r in data["rows"] if r["code"] == "relaties.vertrouwen"
                 and r["indicator"] == "vertrouwen_gebiedsbestuur")
    assert "later than the last edition (2020): 2021" in trust["flags"]  # file 10 is from 2021
    assert any("later than the last indicator edition" in w for w in data["warnings"])


def test_demo_case_delfshaven_helpt(demo: Path, tmp_path: Path) -> None:
    data = json.loads(run("validate", str(demo), "--json", "--case", "Delfshaven Helpt").output)
    rows = {(r["code"], r["indicator"]): r for r in data["rows"]}
    trust = rows[("relaties.vertrouwen", "vertrouwen_gebiedsbestuur")]
    assert (trust["passages"], trust["respondents"], trust["verdict"]) == (2, 2, SILENCE)  # 02 and 10
    (case,) = data["cases"]
    assert case["name"] == "Delfshaven Helpt" and case["documents"] == 6
    actors = {a["id"]: a for a in case["actors"]}
    assert actors["delfshaven_helpt"]["documents"] >= 4
    assert any(name == "Gemeente Rotterdam" for name, _ in actors["delfshaven_helpt"]["ties"])
    run("validate", str(demo), "--case", "dh", "-o", str(tmp_path / "dh.md"))
    md = (tmp_path / "dh.md").read_text(encoding="utf-8")
    assert "### Delfshaven Helpt" in md and "Delfshaven Helpt! (" in md
    assert "## Netwerken: who is hardly in the network (inclusiveness)" in md


@pytest.mark.slow
async def test_validate_screen_flow(demo: Path) -> None:
    from textual_plotext import PlotextPlot

    from wijkverhalen.tui.app import make_app
    from wijkverhalen.tui.screens.validate import MentionsScreen, ValidateScreen

    app = make_app(demo, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ValidateScreen) and screen.result is not None
        row = next(i for i, f in enumerate(screen.result.findings)
                   if (f.code_id, f.indicator) == ("relaties.vertrouwen", "vertrouwen_gebiedsbestuur"))
        screen.query_one("DataTable").move_cursor(row=row)
        await pilot.pause()
        assert screen.selected().verdict == AGREEMENT
        assert screen.query_one(PlotextPlot).plt is not None
        detail = str(screen.query_one("#validate-detail").render())
        assert "indicator: %; higher is better" in detail  # the metadata travels with the values
        assert "rule: agreement: BoTu is above" in detail and "evidence: stories up: 4 passages" in detail
        await pilot.press("s")  # the link speaks of a change now
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.project.codes.get("relaties.vertrouwen").indicators[0].aspect == "change"
        assert screen.result.findings[row].aspect == "change"
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.project.codes.get("relaties.vertrouwen").indicators[0].aspect == "level"
        await pilot.press("minus")  # flip the link: more trust should go with *less* trust in the index
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.project.codes.get("relaties.vertrouwen").indicators[0].direction == "-"
        assert screen.result.findings[row].verdict == DISSONANCE
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.project.codes.get("relaties.vertrouwen").indicators[0].direction == "+"
        assert screen.result.findings[row].verdict == AGREEMENT
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MentionsScreen)
        first = app.screen.mentions[0].id
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.project.actors.mentions(ids=[first])[0].status == "rejected"
        await pilot.press("escape")
        await pilot.press("c")  # next case
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result.case == "Delfshaven Helpt"
    with Project.open(demo) as project:
        assert project.history.recent(1)[0].label == "reject 1 actor mention(s)"


async def test_validate_keys_leave_the_global_screen_keys_alone(demo: Path) -> None:
    """b opens the Codebook and r the passages on the Validate screen too; s switches the aspect."""
    from wijkverhalen.tui.app import make_app
    from wijkverhalen.tui.screens.codebook import CodebookScreen
    from wijkverhalen.tui.screens.validate import ValidateScreen

    app = make_app(demo, coder="anna", query_lemmas=lambda q: {})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ValidateScreen)
        footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        assert "Aspect" in footer and "Help" in footer and "Quit" in footer
        before = [link.aspect for link in app.session.project.codes.get("relaties.vertrouwen").indicators]
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ValidateScreen)
        after = [link.aspect for link in app.session.project.codes.get("relaties.vertrouwen").indicators]
        assert after == before  # b did not switch an aspect
    with Project.open(demo) as project:
        assert not project.history.recent(1) or "aspect" not in project.history.recent(1)[0].label


def test_options_are_frozen_and_checked() -> None:
    with pytest.raises(Exception, match="mixed ratio"):
        validate(None, ValidationOptions(mixed_ratio=0))  # type: ignore[arg-type]
    assert replace(ValidationOptions(), area="Tussendijken").area == "Tussendijken"


@pytest.mark.slow
async def test_aspect_key_on_a_link_without_values_says_why(demo_source: Path, tmp_path: Path) -> None:
    """`s` on a link whose indicator has no values imported explains itself instead of doing nothing."""
    from wijkverhalen.tui.app import make_app
    from wijkverhalen.tui.screens.validate import ValidateScreen

    path = tmp_path / "demo.wijk"
    shutil.copy(demo_source, path)  # the codebook's links, no indicator values imported
    app = make_app(path, coder="anna", query_lemmas=lambda q: {})
    notes: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ValidateScreen) and screen.result is not None
        row = next(i for i, f in enumerate(screen.result.findings) if not f.quant.imported)
        finding = screen.result.findings[row]
        screen.query_one("DataTable").move_cursor(row=row)
        await pilot.pause()
        original = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            notes.append(str(message))
            original(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        await pilot.press("s")
        await pilot.pause()
        assert any(f"No values of {finding.indicator} imported" in n for n in notes), notes
        link = next(i for i in app.session.project.codes.get(finding.code_id).indicators
                    if i.indicator == finding.indicator)
        assert link.aspect == finding.aspect  # unchanged
