"""The transcript: a Line-API view that paints only the visible lines of a document.

A document of any length costs the same to scroll and to repaint: the model keeps
the wrapped lines as offsets into the text, and :meth:`TranscriptView.render_line`
builds the few dozen visible strips on demand. Each sentence starts on its own
line; a turn opens with a blank line and its speaker. The gutter shows a bar in
the colour of every code on the sentence; the cursor sentence, the selection and
an exact in-sentence span have their own backgrounds (theme-aware component
classes, see ``app.tcss``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import Coding
from .transcript_model import CONTROL_TO_SPACE, TranscriptModel, is_interviewer

GUTTER = 5  # marker, three code bars, space
MAX_TEXT_WIDTH = 100  # a readable line on a wide screen; the rest of the pane stays empty
SCROLL_MARGIN = 2  # lines kept in view below (and above) the cursor sentence, at least
BARS = 3
WHOLE_BAR = "▌"  # a coding covering the whole sentence (or more)
PART_BAR = "╎"  # a coding of exact words inside it: the words are underlined in its colour


class TranscriptView(ScrollView, can_focus=True, inherit_bindings=False):
    """Sentences of one document with a sentence cursor, a selection and an exact span.

    It has no keys of its own: the coding screen's :class:`~.coding_transcript.CodingTranscript`
    adds them; the compare screen moves it with its own.
    """

    COMPONENT_CLASSES = {
        "transcript--cursor",
        "transcript--selection",
        "transcript--span",
        "transcript--speaker",
        "transcript--interviewer",
        "transcript--coded",
        "transcript--marker",
        "transcript--empty",
    }

    class CursorMoved(Message):
        """The cursor, the selection or the exact span changed."""

        def __init__(self, view: TranscriptView, sentence: int) -> None:
            super().__init__()
            self.view = view
            self.sentence = sentence

        @property
        def control(self) -> TranscriptView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: TranscriptModel | None = None
        self.cursor = 0
        self.sel_anchor: int | None = None
        self.exact: tuple[int, int] | None = None
        self.color_of: Callable[[str], str] = lambda code_id: "#888888"
        self.order_of: Callable[[str], int] = lambda code_id: 0
        # Compare screen: each coding's bar goes in a fixed column with its own colour
        # (one column per coder) instead of one bar per code.
        self.stripe_of: Callable[[Coding], tuple[int, str] | None] | None = None
        self._styles_memo: dict[str, Style] = {}
        self._drag_from: int | None = None  # text offset where a mouse drag started
        self._dragged = False

    def notify_style_update(self) -> None:
        self._styles_memo.clear()  # theme, CSS or focus changed
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """The widget's base style (``""``) or a component's partial style, memoised per style update.

        ``rich_style`` walks the ancestors on every access; painting a line needs it
        several times, so the lookups are kept until the styles change.
        """
        style = self._styles_memo.get(name)
        if style is None:
            style = (
                self.rich_style if not name else self.get_component_rich_style(name, partial=True)
            )
            self._styles_memo[name] = style
        return style

    # -- content -----------------------------------------------------------------------
    def show(self, model: TranscriptModel, cursor: int = 0) -> None:
        self.model = model
        self.sel_anchor = None
        self.exact = None
        self.cursor = max(0, min(cursor, len(model) - 1)) if len(model) else 0
        self._relayout()
        self.scroll_to_cursor(center=True)
        self.post_message(self.CursorMoved(self, self.cursor))

    def reshow(self, model: TranscriptModel) -> None:
        """The same document re-read (codings changed): keep its layout, cursor and selection."""
        if self.model is not None:
            model.lines, model.first_line, model.width = (
                self.model.lines,
                self.model.first_line,
                self.model.width,
            )
        self.model = model
        self.refresh()

    def clear(self) -> None:
        """Show no document."""
        self.model = None
        self.sel_anchor = None
        self.exact = None
        self.cursor = 0
        self._relayout()

    def add_coding(self, coding: Coding) -> None:
        if self.model is not None:
            self.model.add(coding)
            self.refresh()

    def remove_coding(self, coding_id: int) -> None:
        if self.model is not None:
            self.model.remove(coding_id)
            self.refresh()

    def replace_coding(self, coding: Coding) -> None:
        if self.model is not None:
            self.model.replace(coding)
            self.refresh()

    def _text_width(self) -> int:
        """Cells left for text: the content width less the gutter, the scrollbar and a margin.

        The scrollbar's column is always kept free, so the wrap does not depend on
        whether the document is long enough to show one (a scrollbar appearing
        after the layout would otherwise cover the last column of every line).
        """
        width = self.content_region.width or self.size.width or 80
        return min(MAX_TEXT_WIDTH, max(10, width - self.styles.scrollbar_size_vertical - GUTTER - 1))

    def _relayout(self) -> None:
        if self.model is None:
            self.virtual_size = Size(0, 0)
            return
        width = self._text_width()
        if width != self.model.width or not self.model.lines:
            self.model.layout(width)
        self.virtual_size = Size(width + GUTTER, len(self.model.lines))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.model is not None and self._text_width() != self.model.width:
            self._relayout()
            self.scroll_to_cursor(center=True)

    # -- cursor and selection --------------------------------------------------------------
    @property
    def selecting(self) -> bool:
        return self.sel_anchor is not None

    def selection(self) -> tuple[int, int]:
        """First and last sentence of the selection (the cursor alone if none)."""
        if self.sel_anchor is None:
            return self.cursor, self.cursor
        return min(self.sel_anchor, self.cursor), max(self.sel_anchor, self.cursor)

    def target_span(self) -> tuple[int, int] | None:
        """The character span a code would be applied to now."""
        if self.model is None or not len(self.model):
            return None
        if self.exact is not None:
            return self.exact
        first, last = self.selection()
        return self.model.sentences[first].start, self.model.sentences[last].end

    def move_to(self, sentence: int, *, keep_exact: bool = False, scroll: bool = True) -> None:
        if self.model is None or not len(self.model):
            return
        sentence = max(0, min(sentence, len(self.model) - 1))
        if not keep_exact:
            self.exact = None
        self.cursor = sentence
        if scroll:
            self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self, sentence))

    def page(self, delta: int) -> None:
        """Scroll one page (keeping two lines of the last one) and put the cursor in view.

        The view moves by the page, not to wherever the cursor lands, so paging
        through a document shows every line of it.
        """
        model = self.model
        if model is None or not model.lines:
            return
        height = self.scrollable_content_region.height or self.size.height or 1
        top = int(self.scroll_y)
        new_top = max(0, min(int(self.max_scroll_y), top + delta * max(1, height - 2)))
        if new_top == top:  # at the top or the end already: go to the first or last sentence
            self.move_to(len(model) - 1 if delta > 0 else 0)
            return
        self.scroll_to(y=new_top, animate=False, immediate=True)
        row = max(0, min(height - 1, model.first_line[self.cursor] - top))
        in_view = range(  # sentences starting on the new page
            bisect_left(model.first_line, new_top),
            bisect_left(model.first_line, new_top + height),
        )
        if in_view:  # the sentence starting nearest the cursor's old row
            target = min(in_view, key=lambda i: abs(model.first_line[i] - new_top - row))
        else:  # one sentence fills the page
            target = model.lines[new_top].sentence
        self.move_to(target, scroll=False)

    def start_selection(self) -> None:
        self.sel_anchor = self.cursor
        self.exact = None
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))

    def select_range(self, first: int, last: int) -> None:
        """Select sentences ``first..last`` with the cursor on ``last``."""
        self.sel_anchor = first
        self.exact = None
        self.move_to(last)

    def set_exact(self, start: int, end: int) -> None:
        """Mark an exact span (in-vivo quote, a retrieved passage) and put the cursor on it."""
        if self.model is None or not len(self.model):
            return
        rows = self.model.sentences_overlapping(start, end)
        self.sel_anchor = rows.start if len(rows) > 1 else None
        self.exact = (start, end)
        self.move_to(rows.stop - 1 if len(rows) > 1 else rows.start, keep_exact=True)

    def clear_selection(self) -> bool:
        """Drop the selection and exact span; False if there was none."""
        had = self.sel_anchor is not None or self.exact is not None
        self.sel_anchor = None
        self.exact = None
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))
        return had

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        if self.model is None or not self.model.lines:
            return
        first, last = self.model.line_span(self.cursor)
        if first > 0 and self.model.lines[first - 1].kind == "speaker":
            first -= 1  # keep the speaker of a turn's first sentence in view
        height = self.scrollable_content_region.height or self.size.height or 1
        top = int(self.scroll_y)
        # A margin of SCROLL_MARGIN lines, so the next (or previous) sentence is in view
        # before the cursor reaches it; a sentence taller than the view shows its start.
        model = self.model
        below = (  # the first line of the next sentence (past a turn's blank and speaker)
            model.first_line[self.cursor + 1] if self.cursor + 1 < len(model) else last
        )
        below = min(max(below, last + SCROLL_MARGIN), len(model.lines) - 1)
        above = max(0, first - SCROLL_MARGIN)
        if below - above + 1 > height:  # no room for margins: the sentence alone
            above, below = first, last
        if center:
            target = max(0, first - height // 3)
        elif above < top:
            target = above
        elif below >= top + height:
            target = min(first - 1, below - height + 1)
        else:
            return
        self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def offset_at(self, x: int, y: int) -> int | None:
        """The text offset under widget cell ``(x, y)`` (None off the text lines)."""
        if self.model is None:
            return None
        row = y + int(self.scroll_y)
        if not 0 <= row < len(self.model.lines) or self.model.lines[row].kind != "text":
            return None
        line = self.model.lines[row]
        return max(line.start, min(line.end, line.start + x + int(self.scroll_x) - GUTTER))

    def _word_at(self, offset: int) -> tuple[int, int]:
        """The word around ``offset`` (the character itself if it is not in a word)."""
        assert self.model is not None
        text = self.model.text
        a = b = offset
        while a > 0 and (text[a - 1].isalnum() or text[a - 1] in "'’-"):
            a -= 1
        while b < len(text) and (text[b].isalnum() or text[b] in "'’-"):
            b += 1
        return (a, b) if a < b else (offset, min(len(text), offset + 1))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._drag_from = self.offset_at(event.x, event.y)
        if self._drag_from is not None:
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Dragging marks exact words (snapped to whole words), as ``s`` or ``w`` would."""
        if self._drag_from is None:  # (the mouse is captured from down to up)
            return
        here = self.offset_at(event.x, event.y)
        if here is None:
            return
        a = self._word_at(min(self._drag_from, here))[0]
        b = self._word_at(max(self._drag_from, here))[1]
        if self._word_at(self._drag_from) != (a, b) or self.exact is not None:
            self.set_exact(a, b)
            self._dragged = True

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag_from = None
        self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if self.model is None:
            return
        if self._dragged:  # the click that ends a drag keeps the marked words
            self._dragged = False
            return
        y = event.y + int(self.scroll_y)
        if 0 <= y < len(self.model.lines):
            self.move_to(self.model.lines[y].sentence)

    # -- painting ------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self._style("")
        model = self.model
        index = y + int(self.scroll_y)
        if model is None or not model.lines:
            if y == 0:
                style = base + self._style("transcript--empty")
                return Strip(
                    [Segment("  (this document has no sentences)", style)]
                ).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(model.lines):
            return Strip.blank(width, base)
        line = model.lines[index]
        if line.kind == "blank":
            return Strip.blank(width, base)
        if line.kind == "speaker":
            speaker = model.speaker(line.sentence) or ""
            name = "transcript--interviewer" if is_interviewer(speaker) else "transcript--speaker"
            style = base + self._style(name) + Style(bold=True)
            strip = Strip(
                [Segment(" " * GUTTER, base), Segment(speaker.translate(CONTROL_TO_SPACE), style)]
            )
            return strip.adjust_cell_length(width, base)
        return self._text_line(line, width, base).adjust_cell_length(width, base)

    def _text_line(self, line, width: int, base: Style) -> Strip:  # type: ignore[no-untyped-def]
        model = self.model
        assert model is not None
        i = line.sentence
        first, last = self.selection()
        in_cursor = i == self.cursor
        in_selection = self.sel_anchor is not None and first <= i <= last
        text_style = base
        if is_interviewer(model.speaker(i)):
            text_style = base + self._style("transcript--interviewer")
        if in_selection:
            text_style = text_style + self._style("transcript--selection")
        if in_cursor:
            text_style = text_style + self._style("transcript--cursor")

        segments: list[Segment] = []
        marker_style = base + self._style("transcript--marker")
        if in_cursor and line.first:
            segments.append(Segment("▶", marker_style))
        elif in_selection:
            segments.append(Segment("┃", marker_style))
        else:
            segments.append(Segment(" ", base))
        segments.extend(self._bars(i, base))
        segments.append(Segment(" ", text_style if (in_cursor or in_selection) else base))
        segments.extend(self._text_segments(line.start, line.end, i, text_style, in_cursor))
        strip = Strip(segments)
        if in_cursor or in_selection:  # paint the background of the whole line
            return strip.adjust_cell_length(width, text_style)
        return strip

    def _partial(self, coding_id: int, i: int) -> bool:
        """Whether a coding covers only some words of sentence ``i`` (an exact-word coding)."""
        assert self.model is not None
        c, s = self.model.codings[coding_id], self.model.sentences[i]
        return c.start > s.start or c.end < s.end

    def _bars(self, i: int, base: Style) -> list[Segment]:
        assert self.model is not None
        if self.stripe_of is not None:
            cells = [Segment(" ", base)] * BARS
            for cid in self.model.by_sentence[i]:
                stripe = self.stripe_of(self.model.codings[cid])
                if stripe is not None and 0 <= stripe[0] < BARS:
                    cells[stripe[0]] = Segment("▌", base + Style(color=stripe[1]))
            return cells
        whole: dict[str, bool] = {}
        for cid in self.model.by_sentence[i]:
            code_id = self.model.codings[cid].code_id
            whole[code_id] = whole.get(code_id, False) or not self._partial(cid, i)
        code_ids = sorted(whole, key=self.order_of)
        out: list[Segment] = []
        for n, code_id in enumerate(code_ids[:BARS]):
            if n == BARS - 1 and len(code_ids) > BARS:
                out.append(Segment("+", base + Style(bold=True)))
            else:
                glyph = WHOLE_BAR if whole[code_id] else PART_BAR
                out.append(Segment(glyph, base + Style(color=self.color_of(code_id))))
        out.append(Segment(" " * (BARS - len(out)), base))
        return out

    def _text_segments(
        self, start: int, end: int, i: int, style: Style, in_cursor: bool
    ) -> list[Segment]:
        """The text of one line with the exact span and (on the cursor) coded spans marked."""
        model = self.model
        assert model is not None
        cuts = {start, end}
        marks: list[tuple[int, int, Style]] = []
        coded = self._style("transcript--coded")
        for cid in model.by_sentence[i]:
            # Exact-word codings are underlined in their code's colour on every line;
            # the cursor sentence also shades every coded span.
            partial = self._partial(cid, i)
            if not (in_cursor or partial):
                continue
            c = model.codings[cid]
            a, b = max(c.start, start), min(c.end, end)
            if a < b:
                mark = coded if in_cursor else Style()
                if partial:
                    mark = mark + Style(underline=True, color=self.color_of(c.code_id))
                marks.append((a, b, mark))
                cuts.update((a, b))
        if self.exact is not None:
            a, b = max(self.exact[0], start), min(self.exact[1], end)
            if a < b:
                marks.append((a, b, self._style("transcript--span")))
                cuts.update((a, b))
        text = model.text
        if len(cuts) == 2:
            return [Segment(text[start:end].translate(CONTROL_TO_SPACE), style)]
        points = sorted(cuts)
        out = []
        for a, b in zip(points, points[1:], strict=False):
            piece_style = style
            for ma, mb, mstyle in marks:
                if ma <= a and b <= mb:
                    piece_style = piece_style + mstyle
            out.append(Segment(text[a:b].translate(CONTROL_TO_SPACE), piece_style))
        return out
