"""Analysis: codes x documents, codes x attribute values, codes x codes (co-occurrence).

The tables come from the core (:mod:`wijkverhalen.analysis.views`); the screen only
shows them. ``v`` switches the table, ``p`` counts or presence, ``s`` sub-codes
counted in their parent, ``f`` filters documents by attribute (``casus="Delfshaven
Helpt"``), ``a`` picks the attribute, ``o`` the co-occurrence scope. Enter on a cell
lists the passages behind it (on a co-occurrence cell: the passages of both codes that
meet there, in text order); Enter on a passage opens it in the transcript.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Static

from ...analysis.views import (
    SCOPES,
    AnalysisTable,
    code_attribute_table,
    code_document_table,
    cooccurrence_table,
    documents_matching,
)
from ...models import Passage
from ..messages import PassageChosen
from ..widgets.footer import WijkFooter
from ..widgets.passage_list import PassageList
from .attribute_filter import ask_attribute_filter
from .base import WijkScreen, reads_project
from .dialogs import ChoiceDialog

VIEWS = ("documents", "attribute", "codes")
VIEW_TITLES = {"documents": "codes x documents", "attribute": "codes x attribute",
               "codes": "co-occurrence"}
SCOPE_TITLES = {"sentence": "same sentence", "overlap": "overlapping passages",
                "document": "same document"}
LABEL_WIDTH = 22
CELL_WIDTH = 9


def _passages(n: int) -> str:
    return f"{n} passage{'' if n == 1 else 's'}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class PassagesDialog(ModalScreen[None]):
    """The passages behind one cell; Enter opens one in the transcript, Esc goes back."""

    DEFAULT_CSS = """
    PassagesDialog #cell-passages { height: 1fr; }
    """

    BINDINGS = [Binding("escape,q", "close", "Back", show=False)]

    def __init__(self, title: str, passages: list[Passage]) -> None:
        super().__init__()
        self.title_text = title
        self.passages = passages

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text, style="bold"), id="cell-title")
        yield PassageList(id="cell-passages")
        yield Static(Text("Enter: open in the transcript · j/k: move · Esc: back", style="dim"))

    def on_mount(self) -> None:
        passages = self.passages
        box = self.query_one(PassageList)
        box.empty_message = "No passages in this cell."
        box.load(len(passages), lambda limit, offset: passages[offset:offset + limit], self.describe)
        box.focus()

    def describe(self, p: Passage) -> Text:
        session = self.app.session  # type: ignore[attr-defined]
        header = Text()
        header.append("■ ", style=session.color(p.coding.code_id))
        header.append(session.label(p.coding.code_id) + "  ")
        header.append(p.document_name, style="bold")
        if p.speaker:
            header.append(f" · {p.speaker}")
        header.append(f" · {p.coding.coder}", style="dim")
        return header

    def on_passage_list_chosen(self, event: PassageList.Chosen) -> None:
        event.stop()
        coding = event.passage.coding
        self.dismiss(None)
        self.app.post_message(PassageChosen(coding.document_id, coding.start, coding.end, highlight=True))

    def action_close(self) -> None:
        self.dismiss(None)


class AnalysisScreen(WijkScreen):
    """Code matrices with drill-down to the passages of a cell."""

    SCREEN_NAME = "analysis"
    AUTO_FOCUS = "#matrix"
    DEFAULT_CSS = """
    AnalysisScreen #matrix { height: 1fr; }
    AnalysisScreen #analysis-title, AnalysisScreen #analysis-status { height: auto; }
    """

    BINDINGS = [
        Binding("v", "next_view", "View", id="analysis.view"),
        Binding("p", "toggle_presence", "Presence", id="analysis.presence"),
        Binding("s", "toggle_children", "Sub-codes", id="analysis.children"),
        Binding("f", "filter", "Filter", id="analysis.filter"),
        Binding("a", "choose_attribute", "Attribute", id="analysis.attribute"),
        Binding("o", "next_scope", "Scope", id="analysis.scope"),
        Binding("j", "move(1, 0)", "Down", id="analysis.down", show=False),
        Binding("k", "move(-1, 0)", "Up", id="analysis.up", show=False),
        Binding("l", "move(0, 1)", "Right", id="analysis.right", show=False),
        Binding("h", "move(0, -1)", "Left", id="analysis.left", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="analysis")
        self.table_view = "documents"
        self.presence = False
        self.include_children = False
        self.attributes: dict[str, str] = {}
        self.attribute: str | None = None
        self.scope = "overlap"
        self.table: AnalysisTable | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="analysis-title")
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(id="analysis-status")
        yield WijkFooter()

    def on_mount(self) -> None:
        self.reload()

    def refresh_from_project(self) -> None:
        self.reload()

    def screen_subtitle(self) -> str:
        return f"analysis · {VIEW_TITLES[self.table_view]}"

    # -- loading ---------------------------------------------------------------------------
    @reads_project
    def reload(self) -> None:
        project = self.session.project
        document_ids = documents_matching(project, self.attributes)
        options = {"document_ids": document_ids, "include_children": self.include_children}
        if self.table_view == "attribute" and self.attribute is None:
            names = project.attribute_names()
            self.attribute = names[0] if names else None
        if self.table_view == "documents":
            table = code_document_table(project, **options)  # type: ignore[arg-type]
        elif self.table_view == "attribute":
            if self.attribute is None:
                table = AnalysisTable("attribute", [c.id for c in self.session.codes()], [], [])
            else:
                table = code_attribute_table(project, self.attribute, **options)  # type: ignore[arg-type]
        else:
            table = cooccurrence_table(project, self.scope, **options)  # type: ignore[arg-type]
        self.table = table
        self.loaded_generation = self.session.generation
        self._fill()

    def _fill(self) -> None:
        table = self.table
        assert table is not None
        grid = self.query_one("#matrix", DataTable)
        at = grid.cursor_coordinate
        grid.clear(columns=True)
        grid.fixed_columns = 1
        grid.add_column("code", width=LABEL_WIDTH, key="__code")
        for key, heading in zip(table.columns, table.column_labels, strict=True):
            grid.add_column(_cut(heading, CELL_WIDTH), width=CELL_WIDTH, key=key)
        for code_id in table.rows:
            label = Text("  " * self.session.depth(code_id))
            label.append("■ ", style=self.session.color(code_id))
            label.append(self.session.label(code_id))
            label.truncate(LABEL_WIDTH, overflow="ellipsis")
            cells: list[Text | str] = [label]
            for column in table.columns:
                n = table.count(code_id, column)
                if self.presence:
                    cells.append(Text("●", style="bold green") if n else Text("·", style="dim"))
                else:
                    cells.append(Text(str(n), style="bold") if n else Text("·", style="dim"))
            grid.add_row(*cells, key=code_id)
        if table.rows and table.columns:
            grid.cursor_coordinate = Coordinate(min(at.row, len(table.rows) - 1),
                                                max(1, min(at.column, len(table.columns))))
        self._title()
        self._status()
        self.sub_title = self.wapp.subtitle(self.screen_subtitle())

    def _title(self) -> None:
        title = Text(VIEW_TITLES[self.table_view], style="bold")
        if self.table_view == "attribute":
            title.append(f" · {self.attribute or 'no attributes yet'} (a)")
        if self.table_view == "codes":
            title.append(f" · {SCOPE_TITLES[self.scope]} (o)")
        parts = ["presence (p)" if self.presence else "counts (p)",
                 f"sub-codes {'in parent' if self.include_children else 'apart'} (s)",
                 " ".join(f'{k}="{v}"' if " " in v else f"{k}={v}" for k, v in self.attributes.items())
                 or "all documents (f)"]
        title.append("\n" + " · ".join(parts), style="dim")
        self.query_one("#analysis-title", Static).update(title)

    def current_cell(self) -> tuple[str, str] | None:
        grid = self.query_one("#matrix", DataTable)
        table = self.table
        if table is None or not table.rows or not table.columns:
            return None
        row, column = grid.cursor_coordinate.row, grid.cursor_coordinate.column
        if not 0 <= row < len(table.rows):
            return None
        column = max(1, min(column, len(table.columns)))
        return table.rows[row], table.columns[column - 1]

    def _status(self) -> None:
        status = self.query_one("#analysis-status", Static)
        cell = self.current_cell()
        table = self.table
        if cell is None or table is None:
            status.update(Text("Nothing to show: no codes or no documents (with this filter).", style="dim"))
            return
        code_id, column = cell
        label = table.column_labels[table.columns.index(column)]
        if table.kind == "codes":
            label = self.session.label(column)
        text = Text()
        text.append(self.session.label(code_id), style="bold")
        text.append(f" [{code_id}]", style="dim")
        text.append(f" × {label}: {table.count(code_id, column)} · Enter: passages")
        status.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate.column == 0 and self.table and self.table.columns:
            self.query_one("#matrix", DataTable).cursor_coordinate = Coordinate(event.coordinate.row, 1)
            return
        self._status()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_open_cell()

    # -- actions ---------------------------------------------------------------------------
    def action_move(self, rows: int, columns: int) -> None:
        grid = self.query_one("#matrix", DataTable)
        at = grid.cursor_coordinate
        grid.cursor_coordinate = Coordinate(max(0, at.row + rows), max(1, at.column + columns))

    @reads_project
    def action_open_cell(self) -> None:
        cell = self.current_cell()
        if cell is None or self.table is None:
            return
        code_id, column = cell
        ids = self.table.coding_ids(code_id, column)
        label = self.table.column_labels[self.table.columns.index(column)]
        count = _passages(len(ids))
        if self.table.kind == "codes":
            label = f"with {self.session.label(column)} ({SCOPE_TITLES[self.scope]})"
            if column != code_id:  # both sides of the pair: the column code's passages too
                theirs = [i for i in self.table.coding_ids(column, code_id) if i not in ids]
                count = (f"{_passages(len(ids))} of {self.session.label(code_id)}, "
                         f"{len(theirs)} of {self.session.label(column)}")
                ids = ids + theirs
        passages = self.session.project.passages_for(ids)
        passages.sort(key=lambda p: (p.document_name, p.coding.start, p.coding.end))
        title = f"{self.session.label(code_id)} · {label} · {count}"
        self.app.push_screen(PassagesDialog(title, passages))

    def action_next_view(self) -> None:
        self.table_view = VIEWS[(VIEWS.index(self.table_view) + 1) % len(VIEWS)]
        self.reload()

    def action_toggle_presence(self) -> None:
        self.presence = not self.presence
        if self.table is not None:
            self._fill()

    def action_toggle_children(self) -> None:
        self.include_children = not self.include_children
        self.reload()

    def action_next_scope(self) -> None:
        self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]
        if self.table_view != "codes":
            self.table_view = "codes"
        self.reload()

    def action_choose_attribute(self) -> None:
        names = self.session.project.attribute_names()
        if not names:
            self.notify("The documents have no attributes yet (a on the documents screen).")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.attribute, self.table_view = name, "attribute"
                self.reload()

        self.app.push_screen(ChoiceDialog("Count per value of…", [(n, n) for n in names]), chosen)

    def action_filter(self) -> None:
        def chosen(attributes: dict[str, str]) -> None:
            self.attributes = attributes
            self.reload()

        ask_attribute_filter(self, "Only documents with these attributes", self.attributes,
                             self.session.project.attribute_names(), chosen)
