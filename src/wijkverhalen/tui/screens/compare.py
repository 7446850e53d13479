"""Compare coders: the units they disagree on, one per line, to discuss and settle.

Every coder except ``consensus`` is compared over sentences (as ``wijkverhalen
agreement``). Enter jumps to the passage in the transcript; ``a`` accepts the code
for the unit (a coding by the third coder ``consensus``), ``r`` rejects it (the
consensus leaves it uncoded); both take the line off the list. ``x`` undoes the
last consensus coding. Units that the consensus already coded are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ..messages import PassageChosen
from ..session import CONSENSUS
from ..widgets.footer import WijkFooter
from .base import WijkScreen


@dataclass
class DisagreementsFound(Message):
    coders: list[str]
    rows: list[dict[str, Any]]


class CompareScreen(WijkScreen):
    """Disagreements between coders, settled into a consensus."""

    SCREEN_NAME = "compare"

    BINDINGS = [
        Binding("a", "settle(True)", "Accept (consensus codes it)", id="compare.accept"),
        Binding("r", "settle(False)", "Reject (consensus leaves it)", id="compare.reject"),
        Binding("x", "undo_consensus", "Undo the last consensus coding", id="compare.undo", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="compare")
        self.coders: list[str] = []
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-status")
        yield OptionList(id="compare-list")
        yield WijkFooter()

    def on_mount(self) -> None:
        self.refresh_from_project()

    def refresh_from_project(self) -> None:
        self.query_one("#compare-status", Static).update(Text("Comparing coders…", style="dim"))
        self.find_disagreements()

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def find_disagreements(self) -> None:
        with self.session.reader() as project:
            coders = [c for c in project.coders() if c != CONSENSUS]
            settled = {(c.document_id, c.start, c.end, c.code_id) for c in project.codings(coder=CONSENSUS)}
        rows = self.session.disagreements(coders) if len(coders) >= 2 else []
        rows = [r for r in rows if (r["document_id"], r["start"], r["end"], r["code"]) not in settled]
        self.post_message(DisagreementsFound(coders, rows))

    def on_disagreements_found(self, message: DisagreementsFound) -> None:
        self.coders, self.rows = message.coders, message.rows
        self._show()

    def _show(self) -> None:
        status = self.query_one("#compare-status", Static)
        if len(self.coders) < 2:
            status.update("Comparing needs codings by two coders (merge their copies: 'wijkverhalen merge').")
        else:
            status.update(f"{len(self.rows)} disagreement(s) between {', '.join(self.coders)} · Enter: go to "
                          "the passage · a: accept · r: reject")
        options = self.query_one("#compare-list", OptionList)
        options.clear_options()
        for row in self.rows:
            who = " · ".join(f"{c}: {row.get(c) or '-'}" for c in self.coders)
            line = Text.assemble((f"{row['document']} [{row['start']}-{row['end']}] ", "dim"),
                                 (row["label"], "bold"), f"  {who}\n", (row["text"][:160], "italic"))
            options.add_option(Option(line))
        if self.rows:
            options.highlighted = 0
            options.focus()

    def _current(self) -> dict[str, Any] | None:
        index = self.query_one("#compare-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            self.app.bell()
            return None
        return self.rows[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.rows[event.option_index]
        self.post_message(PassageChosen(row["document_id"], row["start"], row["end"], highlight=True))

    def action_settle(self, accept: bool) -> None:
        row = self._current()
        if row is None:
            return
        if accept and self.wapp.attempt(self.session.add_consensus_coding, row["document_id"], row["start"],
                                        row["end"], row["code"]) is None:
            return
        self.loaded_generation = self.session.generation
        index = self.rows.index(row)
        self.rows.remove(row)
        self._show()
        if self.rows:
            self.query_one("#compare-list", OptionList).highlighted = min(index, len(self.rows) - 1)

    def action_undo_consensus(self) -> None:
        step = self.wapp.attempt(self.session.undo_consensus)
        if step is not None:
            self.refresh_from_project()
