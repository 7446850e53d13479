"""The code picker: type a few letters of the id, Dutch label or English gloss, Enter applies.

With an empty query it lists the suggested codes for the sentence (★), the recent
codes with their number keys, then the whole codebook in tree order. Matching is
forgiving: prefixes and word starts rank first, then substrings, then letters in
order (``rvert`` finds ``relaties.vertrouwen``), then near-misses (typos).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...models import Code
from ..plain import plain
from .code_info import code_preview

MIN_SCORE = 70.0
PROMPT_WIDTH = 76


def _subsequence_span(query: str, hay: str) -> int | None:
    """Length of the shortest stretch of ``hay`` holding ``query``'s letters in order."""
    best: int | None = None
    start = hay.find(query[0])
    while start != -1:
        pos = start
        for ch in query[1:]:
            pos = hay.find(ch, pos + 1)
            if pos == -1:
                return best
        span = pos - start + 1
        best = span if best is None else min(best, span)
        start = hay.find(query[0], start + 1)
    return best


def match_score(query: str, code: Code) -> float:
    """How well ``query`` matches a code (0-100); the best of id, label and gloss.

    Prefix 100, word start 95, substring 90; then, for id and label only, letters
    in order close together (``rvert``) 75-85; then typos (partial ratio) for
    queries of four letters or more.
    """
    q = query.strip().lower()
    if not q:
        return 100.0
    best = 0.0
    for field, hay in (
        ("label", code.label.lower()),
        ("id", code.id.lower()),
        ("gloss", code.gloss.lower()),
    ):
        if not hay:
            continue
        if hay.startswith(q):
            score = 100.0
        elif f" {q}" in f" {hay}" or f".{q}" in hay or f"_{q}" in hay or f"({q}" in hay:
            score = 95.0
        elif q in hay:
            score = 90.0
        else:
            score = 0.0
            compact = q.replace(" ", "")
            if field != "gloss" and len(compact) >= 3:
                span = _subsequence_span(compact, hay)
                if span is not None and span <= 2 * len(compact) + 2:
                    score = 75.0 + 10.0 * len(compact) / span
            if not score and len(q) >= 4:
                score = fuzz.partial_ratio(q, hay) * 0.85
        best = max(best, score)
    return best


def rank_codes(query: str, codes: Sequence[Code]) -> list[Code]:
    """Codes matching ``query``, best first (tree order breaks ties)."""
    scored = [(match_score(query, c), i, c) for i, c in enumerate(codes)]
    return [c for s, _, c in sorted(scored, key=lambda t: (-t[0], t[1])) if s >= MIN_SCORE]


def code_prompt(code: Code, depth: int = 0, mark: str = "  ", width: int = PROMPT_WIDTH) -> Text:
    """One line: swatch, label, gloss and id, cut to fit the picker."""
    text = Text(mark)
    text.append("  " * depth)
    text.append("■ ", style=code.color)
    text.append(code.label)
    if code.gloss:
        text.append(f" · {code.gloss}", style="italic dim")
    text.append(f"  {code.id}", style="dim")
    text.truncate(width, overflow="ellipsis")
    return text


class CodePicker(ModalScreen[str | None]):
    """Choose a code; dismisses with its id (or an ``extra`` value), None on Esc."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
    ]

    def __init__(
        self,
        codes: Sequence[Code],
        *,
        title: str = "Apply code",
        depth_of: Callable[[str], int] | None = None,
        suggested: Sequence[str] = (),
        suggested_title: str = "suggested for this sentence",
        recent: Sequence[str] = (),
        extra: Sequence[tuple[str, str]] = (),
        first: str | None = None,
    ) -> None:
        super().__init__()
        self.codes = list(codes)
        self.by_id = {c.id: c for c in self.codes}
        self.title_text = title
        self.depth_of = depth_of or (lambda _: 0)
        self.suggested = [c for c in suggested if c in self.by_id]
        self.suggested_title = suggested_title
        self.recent = [c for c in recent if c in self.by_id]
        self.extra = list(extra)
        self.first = first if first in self.by_id else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Input(placeholder="type id, label or gloss…", id="picker-query")
            yield OptionList(id="picker-options")
            yield Static(id="picker-preview")
            yield Static("↑/↓ choose · Enter: apply · Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.refill("")
        self.query_one(Input).focus()

    def _options(self, query: str) -> list[Option | None]:
        width = (self.query_one(OptionList).scrollable_content_region.width or PROMPT_WIDTH + 2) - 2

        def picker_prompt(code: Code, depth: int = 0, mark: str = "  ") -> Text:
            return code_prompt(code, depth, mark, width)

        options: list[Option | None] = []
        if query.strip():
            for code in rank_codes(query, self.codes):
                options.append(Option(picker_prompt(code), id=f"code:{code.id}"))
            for label, value in self.extra:
                if query.lower() in label.lower():
                    options.append(Option(Text(f"  {label}", style="italic"), id=f"extra:{value}"))
            return options
        if self.first:
            options.append(
                Option(picker_prompt(self.by_id[self.first], mark="→ "), id=f"first:{self.first}")
            )
        for label, value in self.extra:
            options.append(Option(Text(f"  {label}", style="italic"), id=f"extra:{value}"))
        if self.suggested:
            options.append(
                Option(Text(self.suggested_title, style="bold dim"), disabled=True)
            )
            for code_id in self.suggested:
                options.append(
                    Option(picker_prompt(self.by_id[code_id], mark="★ "), id=f"suggested:{code_id}")
                )
        if self.recent:
            options.append(Option(Text("recent", style="bold dim"), disabled=True))
            for n, code_id in enumerate(self.recent, 1):
                options.append(
                    Option(picker_prompt(self.by_id[code_id], mark=f"{n} "), id=f"recent:{code_id}")
                )
        if self.suggested or self.recent or self.first:
            options.append(Option(Text("codebook", style="bold dim"), disabled=True))
        for code in self.codes:
            options.append(
                Option(picker_prompt(code, self.depth_of(code.id)), id=f"code:{code.id}")
            )
        return options

    def refill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.set_options(self._options(query))
        for index in range(options.option_count):
            if not options.get_option_at_index(index).disabled:
                options.highlighted = index
                break

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted)
    def submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.app.bell()
            return
        self._choose(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionHighlighted)
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Preview the highlighted code's definition, include/exclude and example."""
        option_id = event.option.id or ""
        code = self.by_id.get(option_id.split(":", 1)[1]) if ":" in option_id else None
        self.query_one("#picker-preview", Static).update(code_preview(code))

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.disabled or not option.id:
            return
        self.dismiss(option.id.split(":", 1)[1])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            for _ in range(delta):
                options.action_cursor_down()
        else:
            for _ in range(-delta):
                options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
