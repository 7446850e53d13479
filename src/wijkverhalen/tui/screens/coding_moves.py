"""Moving and selecting in the coding screen: sentences, turns, pages, selection, exact words.

A mixin of :class:`~.coding.CodingScreen`; the cursor, selection and exact span
themselves live in :class:`~..widgets.transcript.TranscriptView`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .dialogs import SpanDialog, TextPrompt

WORD = re.compile(r"\w[\w'’-]*")

if TYPE_CHECKING:
    from ..widgets.transcript import TranscriptView
    from ..widgets.transcript_model import TranscriptModel


class CodingMoves:
    """Mixin for :class:`~.coding.CodingScreen` (which provides the attributes below)."""

    model: TranscriptModel | None
    app: Any

    if TYPE_CHECKING:

        @property
        def transcript(self) -> TranscriptView: ...

    def confirm(self, message: str) -> None:  # implemented by the screen
        raise NotImplementedError

    def action_move(self, delta: int) -> None:
        self.transcript.move_to(self.transcript.cursor + delta)

    def action_turn(self, delta: int) -> None:
        model, transcript = self.model, self.transcript
        if model is None or not len(model):
            return
        turn = model.sentences[transcript.cursor].turn_index
        turns = sorted(model.turn_first)
        pos = turns.index(turn)
        if transcript.selecting:  # extend to the edge of this turn, then of the next one
            if delta > 0:
                edge = model.turn_last[turn]
                if transcript.cursor == edge and pos + 1 < len(turns):
                    edge = model.turn_last[turns[pos + 1]]
            else:
                edge = model.turn_first[turn]
                if transcript.cursor == edge and pos > 0:
                    edge = model.turn_first[turns[pos - 1]]
            transcript.move_to(edge)
            return
        if delta > 0 and pos + 1 < len(turns):
            transcript.move_to(model.turn_first[turns[pos + 1]])
        elif delta < 0:
            start = model.turn_first[turn]
            transcript.move_to(
                start
                if transcript.cursor != start or pos == 0
                else model.turn_first[turns[pos - 1]]
            )

    def action_page(self, delta: int) -> None:
        self.transcript.page(delta)

    def action_edge(self, end: int) -> None:
        if self.model is not None:
            self.transcript.move_to(len(self.model) - 1 if end else 0)

    def action_go_to(self) -> None:
        """Ask for a sentence number (as shown under the transcript) and go there."""
        model = self.model
        if model is None or not len(model):
            return
        total = len(model)

        def check(value: str) -> str | None:
            value = value.strip()
            if not value.isdigit() or not 1 <= int(value) <= total:
                return f"a sentence number from 1 to {total}"
            return None

        def chosen(value: str | None) -> None:
            if value:
                self.transcript.move_to(int(value.strip()) - 1)
                self.transcript.scroll_to_cursor(center=True)

        self.app.push_screen(
            TextPrompt(
                "Go to sentence",
                placeholder=f"1-{total}",
                help=f"now at {self.transcript.cursor + 1} of {total}",
                check=check,
            ),
            chosen,
        )

    def action_next_uncoded(self) -> None:
        if self.model is None:
            return
        nxt = self.model.next_uncoded(self.transcript.cursor)
        if nxt is None:
            self.confirm("no uncoded sentence below the cursor")
        else:
            self.transcript.move_to(nxt)

    def action_select(self) -> None:
        transcript, model = self.transcript, self.model
        if model is None or not len(model):
            return
        if not transcript.selecting:
            transcript.start_selection()
            return
        first, last = transcript.selection()  # second v: grow to whole turns
        a = model.turn_first[model.sentences[first].turn_index]
        b = model.turn_last[model.sentences[last].turn_index]
        if transcript.cursor >= (transcript.sel_anchor or 0):
            transcript.select_range(a, b)
        else:
            transcript.select_range(b, a)

    def action_cancel(self) -> None:
        if not self.transcript.clear_selection():
            self.transcript.focus()

    def _words(self, first: int, last: int) -> list[tuple[int, int]]:
        """``(start, end)`` of every word in sentences ``first..last``."""
        assert self.model is not None
        a, b = self.model.sentences[first].start, self.model.sentences[last].end
        return [(a + m.start(), a + m.end()) for m in WORD.finditer(self.model.text[a:b])]

    def action_word(self, how: str) -> None:
        """Exact words from the keyboard: ``w`` adds the next word (into the next sentence
        too), ``e`` takes the last word off again, ``W`` drops the first word."""
        model, transcript = self.model, self.transcript
        if model is None or not len(model):
            return
        first, last = transcript.selection()
        span = transcript.exact
        if span is None:
            words = self._words(first, last)
            if not words:
                self.app.bell()
                return
            transcript.set_exact(*words[0])
            return
        a, b = span
        if how == "w":
            grow = min(model.sentence_at(max(a, b - 1)) + 1, len(model) - 1)
            after = [w for w in self._words(model.sentence_at(a), grow) if w[1] > b]
            if not after:
                self.app.bell()
                return
            b = after[0][1]
        else:
            inside = [w for w in self._words(model.sentence_at(a), model.sentence_at(b - 1))
                      if a <= w[0] and w[1] <= b]
            if len(inside) < 2:
                self.app.bell()
                return
            if how == "e":
                b = inside[-2][1]
            else:
                a = inside[1][0]
        transcript.set_exact(a, b)

    def action_exact_span(self) -> None:
        if self.model is None or not len(self.model):
            return
        first, last = self.transcript.selection()
        a, b = self.model.sentences[first].start, self.model.sentences[last].end

        def chosen(span: tuple[int, int] | None) -> None:
            if span is not None:
                self.transcript.set_exact(*span)

        self.app.push_screen(SpanDialog(self.model.text[a:b], a), chosen)
