"""Edit a document's attributes: one ``attribute=value`` per line, ctrl+s saves.

The dialog dismisses with the changes only (``None`` for a removed attribute), so
the session writes them as one undoable operation.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from ..plain import plain


def parse_attribute_lines(text: str) -> tuple[dict[str, str], str | None]:
    """``name=value`` lines -> attributes, or an error naming the line."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            return {}, f"line {number}: '{line.strip()}' is not attribute=value"
        if name.strip() in values:
            return {}, f"line {number}: '{name.strip()}' twice"
        if value.strip():
            values[name.strip()] = value.strip()
    return values, None


def attribute_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, str | None]:
    """What to write: changed and new attributes, ``None`` for those that are gone."""
    changes: dict[str, str | None] = {k: v for k, v in new.items() if old.get(k) != v}
    changes.update({k: None for k in old if k not in new})
    return changes


class AttributesDialog(ModalScreen[dict[str, str | None] | None]):
    """Attributes of one document as ``name=value`` lines; an emptied line removes one."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save attributes", show=False),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, name: str, attributes: dict[str, str]) -> None:
        super().__init__()
        self.document_name = name
        self.attributes = dict(attributes)

    def compose(self) -> ComposeResult:
        text = "\n".join(f"{k}={v}" for k, v in self.attributes.items())
        with Vertical(classes="dialog memo-dialog"):
            yield Label(plain(f"Attributes of {self.document_name}"), classes="dialog-title")
            yield Static("One attribute=value per line (rol=bewoner); delete a line to remove it.",
                         classes="dialog-body", markup=False)
            yield TextArea(text, id="attributes-text", show_line_numbers=False)
            yield Static("", id="attributes-error", classes="dialog-error")
            yield Static("ctrl+s: save · Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        values, problem = parse_attribute_lines(self.query_one(TextArea).text)
        if problem:
            self.query_one("#attributes-error", Static).update(plain(problem))
            return
        self.dismiss(attribute_changes(self.attributes, values))

    def action_cancel(self) -> None:
        self.dismiss(None)
