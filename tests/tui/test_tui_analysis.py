"""The analysis screens (issue 14, "Analysis on screen"): code matrices with drill-down,
co-occurrence and per-attribute counts, the memo overview, sub-code totals in the tree."""

from __future__ import annotations

from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList

from wijkverhalen.analysis.views import (
    code_attribute_table,
    cooccurrence_table,
    documents_matching,
    filter_memos,
    memo_rows,
    parse_attribute_filter,
)
from wijkverhalen.tui.screens.analysis import AnalysisScreen, PassagesDialog
from wijkverhalen.tui.screens.coding import CodingScreen
from wijkverhalen.tui.screens.memos import MemosScreen
from wijkverhalen.tui.widgets.code_tree import CodeTree

SIZE = (80, 24)


def coded(reopen: Any) -> dict[str, int]:
    """Doc 1: vertrouwen + samenhang on one sentence, netwerken on the next; doc 2: vertrouwen."""
    project = reopen()
    docs = {d.name: d.id for d in project.documents()}
    one = project.segments(docs["01_bewoner_fatima"])
    two = project.segments(docs["02_professional_ronald"])
    ids = {
        "a": project.add_coding(docs["01_bewoner_fatima"], one[3].start, one[3].end,
                                "relaties.vertrouwen", "anna", memo="kernquote vertrouwen").id,
        "b": project.add_coding(docs["01_bewoner_fatima"], one[3].start, one[3].end,
                                "relaties.samenhang", "bram").id,
        "c": project.add_coding(docs["01_bewoner_fatima"], one[1].start, one[1].end, "netwerken", "anna").id,
        "d": project.add_coding(docs["02_professional_ronald"], two[1].start, two[1].end,
                                "relaties.vertrouwen", "anna").id,
    }
    project.set_attribute(docs["01_bewoner_fatima"], "casus", "Delfshaven Helpt", "anna")
    project.set_attribute(docs["02_professional_ronald"], "casus", "Havensteder", "anna")
    project.close()
    return ids


def test_core_tables_and_filters(reopen: Any) -> None:
    ids = coded(reopen)
    assert parse_attribute_filter('rol=bewoner casus="Delfshaven Helpt"') == {
        "rol": "bewoner", "casus": "Delfshaven Helpt"}
    assert isinstance(parse_attribute_filter('casus="Delfshaven'), str)
    project = reopen()
    only = documents_matching(project, {"casus": "Delfshaven Helpt"})
    assert [project.document(i).name for i in only or []] == ["01_bewoner_fatima"]
    per_rol = code_attribute_table(project, "rol", include_children=True)
    assert per_rol.coding_ids("relaties", "bewoner") == sorted([ids["a"], ids["b"]])
    assert per_rol.count("relaties", "professional") == 1
    assert code_attribute_table(project, "rol").count("relaties", "bewoner") == 0
    overlap = cooccurrence_table(project, "overlap")
    assert overlap.coding_ids("relaties.vertrouwen", "relaties.samenhang") == [ids["a"]]
    assert overlap.count("relaties.vertrouwen", "netwerken") == 0
    same_doc = cooccurrence_table(project, "document")
    assert same_doc.coding_ids("netwerken", "relaties.vertrouwen") == [ids["c"]]
    sentence = cooccurrence_table(project, "sentence")
    assert sentence.count("relaties.vertrouwen", "relaties.samenhang") == 1
    assert sentence.count("relaties.vertrouwen", "netwerken") == 0
    rows = memo_rows(project)
    assert [r["coding_id"] for r in rows] == [ids["a"]]
    assert filter_memos(rows, "coder=anna kernquote") == rows
    assert filter_memos(rows, "coder=bram") == []
    project.close()


async def _analysis(pilot: Any) -> AnalysisScreen:
    await pilot.press("X")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, AnalysisScreen)
    return screen


@pytest.mark.slow
async def test_matrix_counts_presence_children_filter_and_drill_down(make: Any, reopen: Any) -> None:
    coded(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await _analysis(pilot)
        grid = screen.query_one(DataTable)
        assert screen.table is not None and screen.table.kind == "documents"
        assert screen.table.count("relaties", screen.table.columns[0]) == 0
        await pilot.press("s")  # sub-codes counted in their parent
        await pilot.pause()
        assert screen.table.count("relaties", screen.table.columns[0]) == 2
        assert str(grid.get_cell_at(Coordinate(0, 1))) == "2"
        await pilot.press("p")  # presence
        await pilot.pause()
        assert str(grid.get_cell_at(Coordinate(0, 1))) == "●"
        await pilot.press("f", *'casus="Delfshaven Helpt"', "enter")
        await pilot.pause()
        assert screen.attributes == {"casus": "Delfshaven Helpt"}
        assert screen.table.column_labels == ["01_bewoner_fatima"]
        # the highlighted row shows its code id below the table
        assert "[relaties]" in str(screen.query_one("#analysis-status").render())
        await pilot.press("j")
        await pilot.pause()
        assert grid.cursor_coordinate.row == 1
        await pilot.press("enter")  # the passages of vertrouwen in fatima's interview
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, PassagesDialog)
        assert [p.coding.code_id for p in dialog.passages] == ["relaties.vertrouwen"]
        await pilot.press("enter")  # and into the transcript
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CodingScreen)


async def test_cooccurrence_and_attribute_views_drill_down(make: Any, reopen: Any) -> None:
    ids = coded(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await _analysis(pilot)
        await pilot.press("o")  # co-occurrence, next scope after "overlap": same document
        await pilot.pause()
        assert screen.table is not None and screen.table.kind == "codes" and screen.scope == "document"
        grid = screen.query_one(DataTable)
        row = screen.table.rows.index("netwerken")
        column = screen.table.columns.index("relaties.vertrouwen") + 1
        grid.cursor_coordinate = Coordinate(row, column)
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, PassagesDialog)
        # both codes' passages: netwerken's and vertrouwen's in the same document (issue 14)
        assert [p.coding.id for p in dialog.passages] == [ids["c"], ids["a"]]
        await pilot.press("escape", "a")
        await pilot.pause()
        await pilot.press(*[k for k in "jjj"])  # choose an attribute: casus, jaar, rol, wijk
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.table_view == "attribute" and screen.attribute is not None
        assert screen.table.columns == sorted(set(screen.table.columns))


async def test_cooccurrence_cell_shows_the_passages_of_both_codes(make: Any, reopen: Any) -> None:
    """Enter on vertrouwen x samenhang (overlapping) lists anna's vertrouwen and bram's
    samenhang on that sentence, both on screen, each with its code."""
    ids = coded(reopen)
    async with make().run_test(size=SIZE) as pilot:
        screen = await _analysis(pilot)
        await pilot.press("v", "v")  # codes x documents -> x attribute -> co-occurrence
        await pilot.pause()
        assert screen.table is not None and screen.table.kind == "codes" and screen.scope == "overlap"
        row = screen.table.rows.index("relaties.vertrouwen")
        column = screen.table.columns.index("relaties.samenhang") + 1
        screen.query_one(DataTable).cursor_coordinate = Coordinate(row, column)
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, PassagesDialog)
        assert sorted(p.coding.id for p in dialog.passages) == sorted([ids["a"], ids["b"]])
        assert "1 passage of Onderling vertrouwen, 1 of Sociale samenhang" in dialog.title_text
        shown = "\n".join(screen_text(pilot.app))
        assert "Onderling vertrouwen" in shown and "Sociale samenhang" in shown
        assert "anna" in shown and "bram" in shown
        await pilot.press("escape")
        grid = screen.query_one(DataTable)
        grid.cursor_coordinate = Coordinate(row, screen.table.columns.index("relaties.vertrouwen") + 1)
        await pilot.press("enter")  # the diagonal: the code's own passages, once each
        await pilot.pause()
        assert sorted(p.coding.id for p in pilot.app.screen.passages) == sorted([ids["a"], ids["d"]])


def screen_text(app: Any) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.slow
async def test_memo_overview_filters_jumps_and_edits(make: Any, reopen: Any) -> None:
    ids = coded(reopen)
    async with make().run_test(size=SIZE) as pilot:
        await pilot.press("M")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MemosScreen)
        assert [r["coding_id"] for r in screen.shown] == [ids["a"]]
        await pilot.press("f", *"coder=bram", "enter")
        await pilot.pause()
        assert screen.shown == []
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.shown) == 1
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("end", *" herzien", "ctrl+s")
        await pilot.pause()
        assert screen.shown[0]["text"] == "kernquote vertrouwen herzien"
        await pilot.press("u")  # the edit is undoable like every write
        await pilot.pause()
        screen.reload()
        assert screen.shown[0]["text"] == "kernquote vertrouwen"
        screen.query_one(OptionList).focus()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CodingScreen)


async def test_code_tree_counts_include_sub_codes(make: Any, reopen: Any) -> None:
    coded(reopen)
    async with make().run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        tree = pilot.app.screen.query_one(CodeTree)
        label = str(tree._code_nodes["relaties"].label)
        assert label.endswith("0 (+3)"), label  # 2 x vertrouwen + 1 x samenhang below it
        assert "(+" not in str(tree._code_nodes["netwerken"].label)
        pilot.app.session.counts()["relaties.samenhang"] += 2
        tree.update_counts(pilot.app.session.counts(), ["relaties.samenhang"])
        assert str(tree._code_nodes["relaties"].label).endswith("(+5)")  # the parent follows


def test_attribute_filter_prompt_shows_what_it_parses_back() -> None:
    """Retrieval and Analysis share one prompt: a value with spaces is shown quoted and
    parses back to the same filter (retrieval's own parser used to split it)."""
    from wijkverhalen.tui.screens.attribute_filter import format_attribute_filter

    attributes = {"rol": "bewoner", "casus": "Delfshaven Helpt"}
    shown = format_attribute_filter(attributes)
    assert shown == 'rol=bewoner casus="Delfshaven Helpt"'
    assert parse_attribute_filter(shown) == attributes
