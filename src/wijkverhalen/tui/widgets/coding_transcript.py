"""The coding screen's transcript: the keys that move the cursor and make a selection.

:class:`CodingTranscript` is a :class:`~.transcript.TranscriptView` that owns its
keys and its state: the cursor, the selection (``v``), the exact words (``s``,
``w``/``e``/``W``, a mouse drag), moves by sentence, turn and page, and "go to
sentence N". It asks nobody: a dialog it needs (go to, exact span) it opens
itself, and what it has to say ("no uncoded sentence below") goes up as a
:class:`CodingTranscript.Said` message for the screen to show. Coding itself
(the screen's keys) reads :meth:`~.transcript.TranscriptView.target_span` and
:meth:`codings_in_target`.
"""

from __future__ import annotations

import re

from textual.binding import Binding
from textual.message import Message

from ...models import Coding
from ..screens.dialogs import SpanDialog, TextPrompt
from .transcript import TranscriptView

WORD = re.compile(r"\w[\w'’-]*")


class CodingTranscript(TranscriptView, inherit_bindings=False):
    """The transcript of the coding screen, with its movement and selection keys."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next sentence", id="coding.next_sentence", show=False),
        Binding("k,up", "move(-1)", "Previous sentence", id="coding.previous_sentence", show=False),
        Binding("J,shift+down", "turn(1)", "Next turn", id="coding.next_turn", show=False),
        Binding("K,shift+up", "turn(-1)", "Previous turn", id="coding.previous_turn", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", id="coding.page_down", show=False),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", id="coding.page_up", show=False),
        Binding("g,home", "edge(0)", "First sentence", id="coding.first", show=False),
        Binding("G,end", "edge(1)", "Last sentence", id="coding.last", show=False),
        Binding("colon", "go_to", "Go to sentence N", id="coding.go_to", show=False),
        Binding("n", "next_uncoded", "Next uncoded sentence", id="coding.next_uncoded", show=False),
        Binding("v", "select", "Select", id="coding.select"),
        Binding("escape", "cancel", "Cancel selection", id="coding.cancel", show=False),
        Binding("s", "exact_span", "Mark exact words", id="coding.exact_span", show=False),
        Binding("w", "word('w')", "Exact words: add the next word", id="coding.word_next",
                show=False),
        Binding("e", "word('e')", "Exact words: take the last word off", id="coding.word_back",
                show=False),
        Binding("W", "word('W')", "Exact words: drop the first word", id="coding.word_start",
                show=False),
    ]

    class Said(Message):
        """The transcript has something to tell the coder (shown on the status line)."""

        def __init__(self, view: CodingTranscript, text: str) -> None:
            super().__init__()
            self.view = view
            self.text = text

        @property
        def control(self) -> CodingTranscript:
            return self.view

    def _say(self, text: str) -> None:
        self.post_message(self.Said(self, text))

    # -- what is under the cursor ----------------------------------------------------------
    def codings_in_target(self) -> list[Coding]:
        """Codings under the exact span, the selection, or the cursor sentence."""
        if self.model is None or not len(self.model):
            return []
        first, last = self.selection()
        codings = self.model.codings_at(first, last)
        if self.exact is not None:
            a, b = self.exact
            codings = [c for c in codings if c.start < b and c.end > a]
        return codings

    # -- moves ---------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_turn(self, delta: int) -> None:
        model = self.model
        if model is None or not len(model):
            return
        turn = model.sentences[self.cursor].turn_index
        turns = sorted(model.turn_first)
        pos = turns.index(turn)
        if self.selecting:  # extend to the edge of this turn, then of the next one
            if delta > 0:
                edge = model.turn_last[turn]
                if self.cursor == edge and pos + 1 < len(turns):
                    edge = model.turn_last[turns[pos + 1]]
            else:
                edge = model.turn_first[turn]
                if self.cursor == edge and pos > 0:
                    edge = model.turn_first[turns[pos - 1]]
            self.move_to(edge)
            return
        if delta > 0 and pos + 1 < len(turns):
            self.move_to(model.turn_first[turns[pos + 1]])
        elif delta < 0:
            start = model.turn_first[turn]
            self.move_to(
                start if self.cursor != start or pos == 0 else model.turn_first[turns[pos - 1]]
            )

    def action_page(self, delta: int) -> None:
        self.page(delta)

    def action_edge(self, end: int) -> None:
        if self.model is not None:
            self.move_to(len(self.model) - 1 if end else 0)

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
                self.move_to(int(value.strip()) - 1)
                self.scroll_to_cursor(center=True)

        self.app.push_screen(
            TextPrompt(
                "Go to sentence",
                placeholder=f"1-{total}",
                help=f"now at {self.cursor + 1} of {total}",
                check=check,
            ),
            chosen,
        )

    def action_next_uncoded(self) -> None:
        if self.model is None:
            return
        nxt = self.model.next_uncoded(self.cursor)
        if nxt is None:
            self._say("no uncoded sentence below the cursor")
        else:
            self.move_to(nxt)

    # -- selection and exact words ---------------------------------------------------------
    def action_select(self) -> None:
        model = self.model
        if model is None or not len(model):
            return
        if not self.selecting:
            self.start_selection()
            return
        first, last = self.selection()  # second v: grow to whole turns
        a = model.turn_first[model.sentences[first].turn_index]
        b = model.turn_last[model.sentences[last].turn_index]
        if self.cursor >= (self.sel_anchor or 0):
            self.select_range(a, b)
        else:
            self.select_range(b, a)

    def action_cancel(self) -> None:
        self.clear_selection()

    def words(self, first: int, last: int) -> list[tuple[int, int]]:
        """``(start, end)`` of every word in sentences ``first..last``."""
        assert self.model is not None
        a, b = self.model.sentences[first].start, self.model.sentences[last].end
        return [(a + m.start(), a + m.end()) for m in WORD.finditer(self.model.text[a:b])]

    def action_word(self, how: str) -> None:
        """Exact words from the keyboard: ``w`` adds the next word (into the next sentence
        too), ``e`` takes the last word off again, ``W`` drops the first word."""
        model = self.model
        if model is None or not len(model):
            return
        first, last = self.selection()
        span = self.exact
        if span is None:
            words = self.words(first, last)
            if not words:
                self.app.bell()
                return
            self.set_exact(*words[0])
            return
        a, b = span
        if how == "w":
            grow = min(model.sentence_at(max(a, b - 1)) + 1, len(model) - 1)
            after = [w for w in self.words(model.sentence_at(a), grow) if w[1] > b]
            if not after:
                self.app.bell()
                return
            b = after[0][1]
        else:
            inside = [w for w in self.words(model.sentence_at(a), model.sentence_at(b - 1))
                      if a <= w[0] and w[1] <= b]
            if len(inside) < 2:
                self.app.bell()
                return
            if how == "e":
                b = inside[-2][1]
            else:
                a = inside[1][0]
        self.set_exact(a, b)

    def action_exact_span(self) -> None:
        if self.model is None or not len(self.model):
            return
        first, last = self.selection()
        a, b = self.model.sentences[first].start, self.model.sentences[last].end

        def chosen(span: tuple[int, int] | None) -> None:
            if span is not None:
                self.set_exact(*span)

        self.app.push_screen(SpanDialog(self.model.text[a:b], a), chosen)
