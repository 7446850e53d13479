"""The highlighted code's definition, include/exclude guidance and example, kept in view."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...models import Code

EXAMPLE_TITLE = "voorbeeld (verzonnen, ter illustratie)"


def code_card(code: Code | None, count: int | None = None, *, full: bool = False) -> Group | Text:
    """Rich renderable describing a code (``full`` adds keywords, indicators, actors, memo)."""
    if code is None:
        return Text("No code highlighted.", style="dim")
    head = Text()
    head.append("■ ", style=code.color)
    head.append(code.label, style="bold")
    if code.gloss:
        head.append(f" · {code.gloss}", style="italic")
    sub = Text(code.id, style="dim")
    if count is not None:
        sub.append(f" · {count} coding{'s' if count != 1 else ''}", style="dim")
    parts: list[Text] = [head, sub]

    def field(title: str, value: str, style: str = "") -> None:
        if value.strip():
            t = Text()
            t.append(f"{title} ", style="bold")
            t.append(" ".join(value.split()), style=style)
            parts.append(t)

    field("Definition", code.definition)
    field("✓ Include", code.include)
    field("✗ Exclude", code.exclude)
    field("± Valence", code.valence)
    if code.example.strip():
        # The codebook's examples are invented: say so wherever one is shown.
        example = Text(EXAMPLE_TITLE + " ", style="dim")
        example.append(f"„{' '.join(code.example.split())}”", style="italic")
        parts.append(example)
    if full:
        field("Source", code.source)
        field("Keywords", ", ".join(code.keywords))
        field("Indicators", ", ".join(f"{i.indicator} ({i.direction}, {i.aspect}"
                                      f"{', hypothese' if i.hypothesis else ''})" for i in code.indicators))
        field("Actors", ", ".join(code.actors))
        field("Colour", code.color)
        field("Memo", code.memo)
    elif code.keywords:
        parts.append(Text("keywords: " + ", ".join(code.keywords), style="dim"))
    lines: list[Text] = parts[:2]
    for part in parts[2:]:
        lines += [Text(""), part]
    return Group(*lines)


class CodeInfo(VerticalScroll, can_focus=False):
    """A scrolling card for one code."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="code-card")

    def show(self, code: Code | None, count: int | None = None, *, full: bool = False) -> None:
        self.query_one("#code-card", Static).update(code_card(code, count, full=full))
        self.scroll_home(animate=False)
