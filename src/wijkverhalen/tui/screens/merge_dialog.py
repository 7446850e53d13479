"""Merge coders' copies from the TUI: ask for the copy files, then say what the merge did.

The merge itself runs in a worker through :meth:`Session.merge_copies` (one
undoable change per copy, as ``wijkverhalen merge``); this module holds the two
dialogs and the plain-text summary.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ..plain import plain
from .dialogs import TextPrompt

SHOWN_CONFLICTS = 20


def parse_paths(value: str, project: Path) -> tuple[list[Path], str | None]:
    """The copy files typed (space separated; quote a name with spaces), or a problem."""
    try:
        words = shlex.split(value)
    except ValueError as exc:
        return [], f"Cannot read the file names: {exc}."
    if not words:
        return [], "Type the path of one or more coder copies (.wijk)."
    paths = [Path(w).expanduser() for w in words]
    for path in paths:
        if not path.is_file():
            return [], f"No such file: {path}"
        if path.resolve() == project.resolve():
            return [], f"Cannot merge a project into itself: {path}"
    return paths, None


class MergePrompt(TextPrompt):
    """Ask for the copy files to merge into the open project."""

    def __init__(self, project: Path) -> None:
        super().__init__(
            "Merge coders' copies",
            placeholder="botu-anna.wijk botu-bram.wijk",
            help="The copies' codings, memos and history come into this project (one undoable "
            "change per copy: u takes it back). Paths separated by spaces.",
            check=lambda value: parse_paths(value, project)[1],
        )


def merge_summary(reports: Sequence[Any]) -> str:
    """What each merge did, then its conflicts (this project's value kept, the copy's listed)."""

    def counts(c: dict[str, int]) -> str:
        return ", ".join(f"{n} {k}(s)" for k, n in sorted(c.items())) or "nothing"

    lines = []
    for r in reports:
        name = Path(r.source).name
        if not r.changed:
            lines.append(f"{name}: nothing new")
            continue
        lines.append(f"{name}: added {counts(r.added)}; updated {counts(r.updated)}; removed "
                     f"{counts(r.removed)}; {r.operations} operation(s) into the history")
        if r.conflicts:
            lines.append(f"  {len(r.conflicts)} conflict(s): this project's value is kept, the copy's "
                         "is in the conflict list")
            for c in r.conflicts[:SHOWN_CONFLICTS]:
                lines.append(f"  {c['kind']} {c['ref']} {c['field']}: kept {c['kept'] or '-'!s}, "
                             f"copy's {c['other'] or '-'!s} ({c['rule']})")
            if len(r.conflicts) > SHOWN_CONFLICTS:
                lines.append(f"  … {len(r.conflicts) - SHOWN_CONFLICTS} more: 'wijkverhalen merge --json'")
    return "\n".join(lines)


class MergeResultDialog(ModalScreen[None]):
    """The merge summary and its conflicts; Enter or Esc closes it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", show=False)]
    DEFAULT_CSS = "MergeResultDialog #merge-summary { height: auto; max-height: 20; }"

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Merged", classes="dialog-title")
            with VerticalScroll(id="merge-summary"):
                yield Static(plain(self.summary), classes="dialog-body")
            yield Static("u (on the documents screen) undoes the last merge.", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)
