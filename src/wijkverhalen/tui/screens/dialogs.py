"""Small typed dialogs: each is a ``ModalScreen[T]`` that dismisses with its answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ..plain import plain

T = TypeVar("T")


class ErrorDialog(ModalScreen[None]):
    """An error in one calm sentence; Enter or Esc closes it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", show=False)]

    def __init__(self, title: str, message: str, hint: str = "") -> None:
        super().__init__(classes="error-dialog")
        self.title_text = title
        self.message = message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message), classes="dialog-body")
            if self.hint:
                yield Static(plain(self.hint), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; ``y``/Enter confirms, ``n``/Esc declines."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape,q", "answer(False)", "No", show=False),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.message), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TextPrompt(ModalScreen[str | None]):
    """One line of text; ``check`` returns an error message to keep the dialog open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        help: str = "",
        check: Callable[[str], str | None] | None = None,
        cancellable: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.help = help
        self.check = check
        self.cancellable = cancellable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            if self.help:
                yield Static(plain(self.help), classes="dialog-body")
            yield Input(
                self.value, placeholder=self.placeholder, id="prompt-input", select_on_focus=False
            )
            yield Static("", id="prompt-error", classes="dialog-error")
            hint = "Enter: OK · Esc: cancel" if self.cancellable else "Enter: OK"
            yield Static(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if self.check else (None if value else "Please type something.")
        if problem:
            self.query_one("#prompt-error", Static).update(plain(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        if self.cancellable:
            self.dismiss(None)


class CoderNameDialog(TextPrompt):
    """First start: who is coding? Asked once, stored in the user config."""

    def __init__(self, suggestion: str, config_path: Path, config_error: str | None = None) -> None:
        saved = (
            f"It is saved in {config_path} and asked only once."
            if config_error is None
            else f"It is used for this session only: {config_error}"
        )
        super().__init__(
            "Welcome to wijkverhalen: who is coding?",
            suggestion,
            placeholder="your name or initials",
            help=(
                "Your name is stored with every coding you make, so that codings of several "
                f"coders can be compared. {saved}"
            ),
            check=lambda v: None if v.strip() else "A coder name is needed.",
            cancellable=False,
        )


class MemoDialog(ModalScreen[str | None]):
    """Edit a memo; ctrl+s saves, Esc cancels (asking first if something was typed)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", show=False),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, title: str, memo: str, context: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.memo = memo
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo-dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            if self.context:
                yield Static(plain(self.context, style="italic"), classes="dialog-context")
            yield TextArea(self.memo, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Static("ctrl+s: save · Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if text == self.memo.strip():
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Discard memo?", "The memo has unsaved changes.", yes="Discard"), decided
        )


class ChoiceDialog(ModalScreen[T | None], Generic[T]):
    """Choose one of a few items (which coding to remove, which coder to show...)."""

    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", show=False),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[Any, T]],
        hint: str = "Enter: choose · Esc: cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield OptionList(
                *[Option(plain(label) if isinstance(label, str) else label, id=str(i))
                  for i, (label, _) in enumerate(self.choices)],
                id="choices",
            )
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class SpanDialog(ModalScreen[tuple[int, int] | None]):
    """Mark exact words inside the selected sentences (in-vivo quotes).

    The text is shown read-only; shift+arrows (ctrl+shift+arrows by word) or the
    mouse select the words, Enter keeps the selection as the span to code.
    """

    BINDINGS = [
        Binding("enter", "keep", "Keep span", show=False, priority=True),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, text: str, offset: int) -> None:
        super().__init__()
        self.text = text
        self.base = offset

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog span-dialog"):
            yield Label("Mark the exact words", classes="dialog-title")
            yield TextArea(
                self.text,
                id="span-text",
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
                show_cursor=True,
            )
            yield Static(
                "shift+←/→ select · ctrl+shift+←/→ by word · Enter: keep · Esc: cancel",
                classes="dialog-hint",
            )
            yield Static("", id="span-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def _index(self, location: tuple[int, int]) -> int:
        row, col = location
        lines = self.text.split("\n")
        return sum(len(line) + 1 for line in lines[:row]) + col

    def action_keep(self) -> None:
        selection = self.query_one(TextArea).selection
        a, b = sorted((self._index(selection.start), self._index(selection.end)))
        piece = self.text[a:b]
        a += len(piece) - len(piece.lstrip())
        b -= len(piece) - len(piece.rstrip())
        if b <= a:
            self.query_one("#span-error", Static).update("Select some words first (shift+arrows).")
            return
        self.dismiss((self.base + a, self.base + b))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportDialog(ModalScreen[tuple[Path, Path | None] | None]):
    """Files or a folder to import, and an optional metadata CSV."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def compose(self) -> ComposeResult:
        from ...importers.registry import format_names  # every format the import reads

        with Vertical(classes="dialog"):
            yield Label("Import interviews", classes="dialog-title")
            yield Static(
                f"A file or folder ({', '.join(format_names())}; folders recursively).",
                classes="dialog-body",
            )
            yield Input(placeholder="path, e.g. ~/interviews/2021", id="import-path")
            yield Static(
                "Metadata CSV keyed by file name (optional; metadata.csv in the folder is used if present).",
                classes="dialog-body",
            )
            yield Input(placeholder="path to metadata.csv", id="import-metadata")
            yield Static("", id="import-error", classes="dialog-error")
            yield Static("Enter: import · Tab: next field · Esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        raw = self.query_one("#import-path", Input).value.strip()
        meta_raw = self.query_one("#import-metadata", Input).value.strip()
        error = self.query_one("#import-error", Static)
        if not raw:
            error.update("Give a file or folder.")
            return
        path = Path(raw).expanduser()
        if not path.exists():
            error.update(plain(f"{path} does not exist."))
            return
        meta: Path | None = Path(meta_raw).expanduser() if meta_raw else None
        if meta is None and path.is_dir() and (path / "metadata.csv").is_file():
            meta = path / "metadata.csv"
        if meta is not None and not meta.is_file():
            error.update(plain(f"{meta} is not a file."))
            return
        self.dismiss((path, meta))

    def action_cancel(self) -> None:
        self.dismiss(None)
