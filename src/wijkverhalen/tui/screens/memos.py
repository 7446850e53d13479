"""Memos: every memo on a coding, a code or a document, in one list.

Type in the filter to narrow it: plain words search the memo text, ``coder=``,
``code=``, ``document=`` and ``kind=`` match by prefix (quotes for values with
spaces). Enter jumps to the memo's place (the passage, the document, or the code's
passages); ``m`` edits the memo, through the session like every write.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...analysis.views import filter_memos, memo_rows
from ..messages import PassageChosen
from ..widgets.footer import WijkFooter
from .base import WijkScreen, reads_project
from .dialogs import MemoDialog


class MemosScreen(WijkScreen):
    """All memos, filtered and searched; Enter jumps, m edits."""

    SCREEN_NAME = "memos"
    AUTO_FOCUS = "#memo-list"
    DEFAULT_CSS = """
    MemosScreen #memo-list { height: 1fr; }
    """

    BINDINGS = [
        Binding("f", "filter", "Filter/search", id="memos.filter"),
        Binding("m", "edit", "Edit memo", id="memos.edit"),
        Binding("escape", "clear_filter", "Clear filter", id="memos.clear_filter", show=False),
        Binding("j", "move(1)", "Down", id="memos.down", show=False),
        Binding("k", "move(-1)", "Up", id="memos.up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="memos")
        self.rows: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder='filter: words in memos, coder=anna code=relaties document="01 ..."',
                    id="memo-filter")
        yield Static(id="memo-status")
        yield OptionList(id="memo-list")
        yield WijkFooter()

    def on_mount(self) -> None:
        self.reload()

    def refresh_from_project(self) -> None:
        self.reload()

    @reads_project
    def reload(self) -> None:
        self.rows = memo_rows(self.session.project)
        self.loaded_generation = self.session.generation
        self.fill()

    def fill(self) -> None:
        query = self.query_one("#memo-filter", Input).value
        options = self.query_one("#memo-list", OptionList)
        at = options.highlighted or 0
        self.shown = filter_memos(self.rows, query)
        options.clear_options()
        options.add_options([Option(self.describe(r), id=str(i)) for i, r in enumerate(self.shown)])
        if self.shown:
            options.highlighted = min(at, len(self.shown) - 1)
        status = Text(f"{len(self.shown)} of {len(self.rows)} memo" + ("" if len(self.rows) == 1 else "s"), style="bold")
        status.append("   Enter: go to its place · m: edit · f: filter", style="dim")
        self.query_one("#memo-status", Static).update(status)

    def describe(self, row: dict[str, Any]) -> Text:
        text = Text()
        text.append(f"{row['kind']:<8} ", style="dim")
        if row["code_id"]:
            text.append("■ ", style=self.session.color(row["code_id"]))
            text.append(self.session.label(row["code_id"]) + " ")
        if row["document"]:
            text.append(row["document"], style="bold")
        if row["coder"]:
            text.append(f" · {row['coder']}", style="dim")
        text.append("\n  " + " ".join(str(row["text"]).split())[:300], style="italic")
        return text

    def current(self) -> dict[str, Any] | None:
        index = self.query_one("#memo-list", OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    # -- actions ---------------------------------------------------------------------------
    @on(Input.Changed, "#memo-filter")
    def filter_changed(self) -> None:
        self.fill()

    @on(Input.Submitted, "#memo-filter")
    def filter_submitted(self) -> None:
        self.query_one("#memo-list", OptionList).focus()

    def action_filter(self) -> None:
        self.query_one("#memo-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#memo-filter", Input)
        box.value = ""
        self.query_one("#memo-list", OptionList).focus()

    def action_move(self, delta: int) -> None:
        options = self.query_one("#memo-list", OptionList)
        if options.has_focus:
            options.action_cursor_down() if delta > 0 else options.action_cursor_up()

    @on(OptionList.OptionSelected, "#memo-list")
    def jump(self, event: OptionList.OptionSelected) -> None:
        row = self.shown[int(event.option.id or 0)]
        if row["kind"] == "code":
            self.wapp.show_retrieval(row["code_id"])
        else:
            self.post_message(PassageChosen(row["document_id"], row["start"], row["end"],
                                            highlight=row["kind"] == "coding"))

    def action_edit(self) -> None:
        row = self.current()
        if row is None:
            self.notify("No memo highlighted.")
            return
        what = {"coding": f"coding of {self.session.label(row['code_id'] or '')} in {row['document']}",
                "code": f"code {self.session.label(row['code_id'] or '')}",
                "document": f"document {row['document']}"}[row["kind"]]

        def saved(text: str | None) -> None:
            if text is None:
                return
            if row["kind"] == "coding":
                self.session.update_coding(row["coding_id"], memo=text)
            elif row["kind"] == "code":
                self.session.update_code(row["code_id"], memo=text)
            else:
                self.session.set_document_memo(row["document_id"], text)
            self.reload()
            self.notify(f"Memo saved ({what}).")

        self.app.push_screen(MemoDialog(f"Memo on the {what}", str(row["text"])), saved)
