"""A virtual list of coded passages: only the passages on screen are ever fetched.

Each passage takes :data:`ITEM_HEIGHT` lines (a header, three lines of text with
one sentence of context either side, a gap), so line ``y`` belongs to passage
``y // ITEM_HEIGHT`` and the list needs only the total to lay itself out. Passages
come from a ``fetch(limit, offset)`` callable (the core's ``passages``) one page
at a time, with a small page cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import Passage

ITEM_HEIGHT = 5
TEXT_LINES = 3
PAGE_SIZE = 50
MAX_PAGES = 16

Fetch = Callable[[int, int], list[Passage]]
Describe = Callable[[Passage], Text]


def _flat(text: str) -> str:
    return " ".join(text.split())


def passage_text(p: Passage, budget: int) -> Text:
    """Context before (dim), the passage (bold), context after (dim), cut to ``budget`` chars."""
    body, before, after = _flat(p.text), _flat(p.before), _flat(p.after)
    if len(body) >= budget - 8:
        body, before, after = body[: max(1, budget - 9)] + "…", "", ""
    else:
        rest = budget - len(body) - 4
        keep_before = min(len(before), max(rest // 2, rest - len(after)))
        if keep_before < len(before):
            before = "…" + before[len(before) - keep_before :]
        keep_after = max(0, rest - len(before))
        if keep_after < len(after):
            after = after[:keep_after] + "…"
    text = Text()
    if before:
        text.append(before + " ", style="dim")
    text.append(body, style="bold")
    if after:
        text.append(" " + after, style="dim")
    return text


class PassageList(ScrollView, can_focus=True, inherit_bindings=False):
    """Passages of a code, virtualised; Enter chooses the highlighted one."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Next passage", id="passages.next", show=False),
        Binding("k,up", "move(-1)", "Previous passage", id="passages.previous", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", id="passages.page_down", show=False),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", id="passages.page_up", show=False),
        Binding("g,home", "edge(0)", "First passage", id="passages.first", show=False),
        Binding("G,end", "edge(1)", "Last passage", id="passages.last", show=False),
        Binding("enter", "choose", "Go to passage", id="passages.open"),
    ]

    COMPONENT_CLASSES = {"passages--cursor", "passages--empty"}

    class Chosen(Message):
        def __init__(self, passage_list: PassageList, passage: Passage) -> None:
            super().__init__()
            self.passage_list = passage_list
            self.passage = passage

        @property
        def control(self) -> PassageList:
            return self.passage_list

    class Highlighted(Message):
        def __init__(self, passage_list: PassageList, index: int) -> None:
            super().__init__()
            self.passage_list = passage_list
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self.cursor = 0
        self.fetch: Fetch = lambda limit, offset: []
        self.describe: Describe = lambda p: Text(p.document_name)
        self.empty_message = "No passages."
        self._pages: OrderedDict[int, list[Passage]] = OrderedDict()
        self._strips: OrderedDict[tuple[int, int], list[Strip]] = OrderedDict()

    def load(
        self, total: int, fetch: Fetch, describe: Describe | None = None, cursor: int = 0
    ) -> None:
        self.total = total
        self.fetch = fetch
        if describe is not None:
            self.describe = describe
        self._pages.clear()
        self._strips.clear()
        self.cursor = max(0, min(cursor, total - 1)) if total else 0
        self.virtual_size = Size(self.size.width, total * ITEM_HEIGHT)
        self.scroll_to(y=self.cursor * ITEM_HEIGHT, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))

    def passage(self, index: int) -> Passage | None:
        if not 0 <= index < self.total:
            return None
        page = index // PAGE_SIZE
        if page not in self._pages:
            self._pages[page] = self.fetch(PAGE_SIZE, page * PAGE_SIZE)
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        rows = self._pages[page]
        offset = index - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    # -- painting ----------------------------------------------------------------------------
    def _item_strips(self, index: int, width: int) -> list[Strip]:
        key = (index, width)
        if key in self._strips:
            return self._strips[key]
        passage = self.passage(index)
        console = self.app.console
        strips: list[Strip] = []
        if passage is not None:
            header = Text(f"{index + 1:>5}  ", style="dim")
            header.append_text(self.describe(passage))
            header.truncate(width, overflow="ellipsis")
            strips.append(Strip(list(header.render(console))))
            text = passage_text(passage, TEXT_LINES * (width - 8))
            lines = text.wrap(console, width - 7)
            for n, line in enumerate(list(lines)[:TEXT_LINES]):
                if n == TEXT_LINES - 1 and len(lines) > TEXT_LINES:
                    line.truncate(width - 8)
                    line.append("…")
                strips.append(Strip([*Text("       ").render(console), *line.render(console)]))
        while len(strips) < ITEM_HEIGHT:
            strips.append(Strip([]))
        self._strips[key] = strips
        while len(self._strips) > 200:
            self._strips.popitem(last=False)
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if not self.total:
            if y == 1:
                style = base + self.get_component_rich_style("passages--empty", partial=True)
                message = Text("  " + self.empty_message, style=style)
                return Strip(list(message.render(self.app.console))).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        line = y + int(self.scroll_y)
        index, row = divmod(line, ITEM_HEIGHT)
        if index >= self.total:
            return Strip.blank(width, base)
        strip = self._item_strips(index, width)[row]
        if index == self.cursor and row < ITEM_HEIGHT - 1:
            style = base + self.get_component_rich_style("passages--cursor", partial=True)
            return strip.apply_style(style).adjust_cell_length(width, style)
        return strip.apply_style(base).adjust_cell_length(width, base)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self.total * ITEM_HEIGHT)

    def on_click(self, event: events.Click) -> None:
        index = (event.y + int(self.scroll_y)) // ITEM_HEIGHT
        if 0 <= index < self.total:
            if index == self.cursor and event.chain > 1:
                self.action_choose()
            self.move_to(index)

    # -- cursor --------------------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        height = self.scrollable_content_region.height or ITEM_HEIGHT
        top = self.cursor * ITEM_HEIGHT
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + ITEM_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ITEM_HEIGHT - height, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        per_page = max(1, (self.scrollable_content_region.height or ITEM_HEIGHT) // ITEM_HEIGHT)
        self.move_to(self.cursor + delta * per_page)

    def action_edge(self, end: int) -> None:
        self.move_to(self.total - 1 if end else 0)

    def action_choose(self) -> None:
        passage = self.passage(self.cursor)
        if passage is not None:
            self.post_message(self.Chosen(self, passage))
