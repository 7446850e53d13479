"""The help screen: every key binding, generated from the bindings themselves.

The rows come from the same ``BINDINGS`` lists the app uses, with the user's
``keys:`` overrides applied, so the help is never out of date.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ...config import config_path
from ..bindings import KeyHelp
from ..widgets.footer import WijkFooter


def help_table(rows: list[KeyHelp]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=False)
    table.add_column("where", style="bold", no_wrap=True)
    table.add_column("keys", no_wrap=True)
    table.add_column("what")
    table.add_column("id (config)", style="dim", no_wrap=True)
    previous = ""
    for row in rows:
        table.add_row(
            row.group if row.group != previous else "",
            Text(row.keys, style="bold"),
            row.description,
            row.binding_id,
        )
        previous = row.group
    return table


class HelpScreen(Screen[None]):
    """All bindings; Esc, q or ? closes."""

    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close help", show=True)]

    def __init__(self, rows: list[KeyHelp]) -> None:
        super().__init__(id="help")
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            intro = Text()
            intro.append("Keys of wijkverhalen. ", style="bold")
            intro.append(
                "Every action is saved to the project as soon as the screen shows it; "
                "u undoes it, also after a restart. ctrl+p opens the command palette.\n"
            )
            intro.append(
                f"Change a key in {config_path()} under 'keys:', by id, e.g.\n", style="dim"
            )
            intro.append('  keys:\n    coding.next_sentence: "n,down"\n', style="dim")
            yield Static(intro)
            yield Static(help_table(self.rows))
        yield WijkFooter()

    def on_mount(self) -> None:
        self.sub_title = "help"
        self.query_one("#help-body").focus()
