"""Compare coders: the units they disagree on, and the transcript with a stripe per coder.

Every coder except ``consensus`` is compared over sentences (as ``wijkverhalen
agreement``). The list holds one line per unit and code the coders differ on, in
document order; below it the transcript of the highlighted line's document shows,
for that code, a gutter column per coder in the coder's colour (the first two
coders, then ``consensus``), so the two codings sit side by side.

``n``/``p`` jump from disagreement to disagreement; Enter opens the passage in the
Coding screen. Settling writes as the third coder ``consensus``: ``a`` codes the
unit with the code, ``-`` rejects it (stored, so it stays settled), ``1``/``2``
take the first or second coder's coding of the passage (every code the lines of
that passage name), ``A`` accepts both (every code any coder applied there).
``m`` writes a discussion memo (on the consensus coding of the passage, else in
the document memo). ``x`` undoes the last consensus step. Settled units are not
listed.
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

from ...models import Coding
from ..messages import PassageChosen
from ..session import CONSENSUS
from ..widgets.footer import WijkFooter
from ..widgets.transcript import BARS, TranscriptView
from ..widgets.transcript_model import TranscriptModel
from .base import WijkScreen
from .dialogs import MemoDialog

CODER_COLOURS = ("#e5a50a", "#3584e4")  # first and second coder's stripes
CONSENSUS_COLOUR = "#2ec27e"


@dataclass
class DisagreementsFound(Message):
    coders: list[str]
    rows: list[dict[str, Any]]


def unit_of(row: dict[str, Any]) -> tuple[int, int, int]:
    return row["document_id"], row["start"], row["end"]


class CompareScreen(WijkScreen):
    """Disagreements between coders, settled into a consensus."""

    SCREEN_NAME = "compare"

    BINDINGS = [
        Binding("n", "jump(1)", "Next", id="compare.next"),
        Binding("p", "jump(-1)", "Previous", id="compare.previous"),
        Binding("a", "settle(True)", "Accept (consensus codes it)", id="compare.accept"),
        Binding("minus", "settle(False)", "Reject (consensus leaves it)", id="compare.reject"),
        Binding("1", "take(0)", "Take the first coder's", id="compare.first", show=False),
        Binding("2", "take(1)", "Take the second coder's", id="compare.second", show=False),
        Binding("A", "both", "Accept both", id="compare.both"),
        Binding("m", "memo", "Memo", id="compare.memo"),
        Binding("x", "undo_consensus", "Undo the last consensus step", id="compare.undo", show=False),
    ]

    DEFAULT_CSS = """
    CompareScreen #compare-list { height: 40%; }
    CompareScreen #compare-transcript { height: 1fr; border-top: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__(id="compare")
        self.coders: list[str] = []
        self.rows: list[dict[str, Any]] = []
        self.model: TranscriptModel | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-status")
        yield OptionList(id="compare-list")
        yield TranscriptView(id="compare-transcript")
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
            settled |= project.rejections()
        rows = self.session.disagreements(coders) if len(coders) >= 2 else []
        rows = [r for r in rows if (*unit_of(r), r["code"]) not in settled]
        rows.sort(key=lambda r: (r["document"], r["document_id"], r["start"], r["code"]))
        self.post_message(DisagreementsFound(coders, rows))

    def on_disagreements_found(self, message: DisagreementsFound) -> None:
        self.coders, self.rows = message.coders, message.rows
        self.loaded_generation = self.session.generation
        self._show()

    # -- painting ------------------------------------------------------------------------
    def _colour(self, coder: str) -> str:
        if coder == CONSENSUS:
            return CONSENSUS_COLOUR
        index = self.coders.index(coder) if coder in self.coders else -1
        return CODER_COLOURS[index] if 0 <= index < len(CODER_COLOURS) else ""

    def _legend(self) -> Text:
        out = Text()
        for coder in [*self.coders[: BARS - 1], CONSENSUS]:
            out.append("▌", style=self._colour(coder))
            out.append(f"{coder}  ")
        return out

    def _show(self, index: int = 0) -> None:
        status = self.query_one("#compare-status", Static)
        if len(self.coders) < 2:
            status.update("Comparing needs codings by two coders (merge their copies: 'wijkverhalen merge').")
        else:
            status.update(Text.assemble(f"{len(self.rows)} disagreement(s) · ", self._legend(),
                                         ("· n/p: next/previous · a/-: accept/reject · 1/2/A: take a "
                                          "coder's/both · m: memo", "dim")))
        options = self.query_one("#compare-list", OptionList)
        options.clear_options()
        for row in self.rows:
            who = " · ".join(f"{c}: {row.get(c) or '-'}" for c in self.coders)
            line = Text.assemble((f"{row['document']} [{row['start']}-{row['end']}] ", "dim"),
                                 (row["label"], "bold"), f"  {who}\n", (row["text"][:160], "italic"))
            options.add_option(Option(line))
        if self.rows:
            options.highlighted = max(0, min(index, len(self.rows) - 1))
            options.focus()
        else:
            self._show_transcript(None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self.rows):
            self._show_transcript(self.rows[event.option_index])

    def _show_transcript(self, row: dict[str, Any] | None) -> None:
        """The row's document with the row's code striped per coder, the unit marked."""
        view = self.query_one("#compare-transcript", TranscriptView)
        if row is None:
            view.display = False
            return
        view.display = True
        doc = row["document_id"]
        project = self.session.project
        if self.model is None or self.model.document.id != doc or self.loaded_generation != self.session.generation:
            self.model = TranscriptModel.read(project, doc)
            view.show(self.model, self.model.sentence_at(row["start"]))
        columns = {coder: n for n, coder in enumerate(self.coders[: BARS - 1])}
        columns[CONSENSUS] = BARS - 1
        code = row["code"]

        def stripe(coding: Coding) -> tuple[int, str] | None:
            if coding.code_id != code or coding.coder not in columns:
                return None
            return columns[coding.coder], self._colour(coding.coder)

        view.stripe_of = stripe
        view.set_exact(row["start"], row["end"])
        view.scroll_to_cursor(center=True)

    # -- actions -------------------------------------------------------------------------
    def _current(self) -> dict[str, Any] | None:
        index = self.query_one("#compare-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            self.app.bell()
            return None
        return self.rows[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.rows[event.option_index]
        self.post_message(PassageChosen(row["document_id"], row["start"], row["end"], highlight=True))

    def action_jump(self, delta: int) -> None:
        options = self.query_one("#compare-list", OptionList)
        if not self.rows:
            self.app.bell()
            return
        current = options.highlighted if options.highlighted is not None else -delta
        target = current + delta
        if not 0 <= target < len(self.rows):
            self.app.bell()
            return
        options.highlighted = target

    def _settle(self, decisions: list[tuple[dict[str, Any], bool]]) -> None:
        """Write each (row, accept) as the consensus; settled rows leave the list."""
        index = self.rows.index(decisions[0][0])
        for row, accept in decisions:
            write = self.session.add_consensus_coding if accept else self.session.reject_unit
            if self.wapp.attempt(write, row["document_id"], row["start"], row["end"], row["code"]) is None:
                break
            self.rows.remove(row)
        self.model = None  # the consensus stripes changed
        self.loaded_generation = self.session.generation
        self._show(min(index, len(self.rows) - 1))

    def action_settle(self, accept: bool) -> None:
        row = self._current()
        if row is not None:
            self._settle([(row, accept)])

    def _same_unit(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        return [r for r in self.rows if unit_of(r) == unit_of(row)]

    def action_take(self, which: int) -> None:
        """Take coder ``which``'s coding of the passage: their codes accepted, the others rejected."""
        row = self._current()
        if row is None or which >= len(self.coders):
            self.app.bell()
            return
        coder = self.coders[which]
        self._settle([(r, r.get(coder) == "applied") for r in self._same_unit(row)])

    def action_both(self) -> None:
        """Accept both: the consensus codes the passage with every code a coder applied there."""
        row = self._current()
        if row is not None:
            self._settle([(r, True) for r in self._same_unit(row)])

    def action_memo(self) -> None:
        row = self._current()
        if row is None:
            return

        def written(memo: str | None) -> None:
            if memo and memo.strip():
                where = self.wapp.attempt(self.session.memo_on_passage, row["document_id"], row["start"],
                                          row["end"], f"{row['label']}: {memo}")
                if where is not None:
                    self.notify(f"Memo written on {where}.", timeout=3)

        self.app.push_screen(MemoDialog(f"Memo on {row['document']} [{row['start']}-{row['end']}]", "",
                                        row["text"][:300]), written)

    def action_undo_consensus(self) -> None:
        step = self.wapp.attempt(self.session.undo_consensus)
        if step is not None:
            self.refresh_from_project()
