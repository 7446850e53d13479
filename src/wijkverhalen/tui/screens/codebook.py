"""The codebook screen: browse the code tree with definitions and counts, and edit it.

Add, rename, recolour, move, reorder, merge and delete codes; edit any field of a
code (``f``: gloss, definition, include, exclude, example, keywords, memo). Every edit is one operation in the project's log, so ``u`` undoes it
(a merge too: its codings go back to the merged code).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header

from ...codebook import PALETTE, new_code_color
from ...models import Code
from ..widgets.code_info import CodeInfo
from ..widgets.code_picker import CodePicker
from ..widgets.code_tree import CodeTree
from ..widgets.footer import WijkFooter
from .base import WijkScreen, reads_project
from .dialogs import ChoiceDialog, ConfirmDialog, MemoDialog, TextPrompt

# Mid-tone colours that read on dark and on light backgrounds.


# Every field the codebook screen edits (f), in the order of the code's card.
EDITABLE_FIELDS = [
    ("label", "Label"),
    ("gloss", "Gloss"),
    ("definition", "Definition"),
    ("include", "Include"),
    ("exclude", "Exclude"),
    ("example", "Example"),
    ("keywords", "Keywords"),
    ("memo", "Memo"),
]
MULTILINE_FIELDS = {"definition", "include", "exclude", "example", "memo"}


def _field_text(code: Code, field: str) -> str:
    value = getattr(code, field)
    return ", ".join(value) if field == "keywords" else str(value)


class CodebookScreen(WijkScreen):
    """Browse and edit the codebook."""

    SCREEN_NAME = "codebook"
    AUTO_FOCUS = "#codebook-tree"

    BINDINGS = [
        Binding("a", "add(False)", "Add", id="codebook.add"),
        Binding("A", "add(True)", "Add top-level code", id="codebook.add_top", show=False),
        Binding("e,f2", "rename", "Rename", id="codebook.rename"),
        Binding("o", "colour", "Colour", id="codebook.colour"),
        Binding("p", "move", "Move", id="codebook.move"),
        Binding(
            "left_square_bracket",
            "reorder(-1)",
            "Move up among siblings",
            id="codebook.up",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "reorder(1)",
            "Move down among siblings",
            id="codebook.down",
            show=False,
        ),
        Binding("g", "merge", "Merge", id="codebook.merge"),
        Binding("f", "edit_field", "Edit field", id="codebook.edit_field"),
        Binding("m", "memo", "Memo on the code", id="codebook.memo", show=False),
        Binding("D", "definition", "Edit definition", id="codebook.definition", show=False),
        Binding("delete", "delete", "Delete unused code", id="codebook.delete", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="codebook")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-body"):
            yield CodeTree(id="codebook-tree")
            yield CodeInfo(id="codebook-info")
        yield WijkFooter()

    @reads_project
    def on_mount(self) -> None:
        self.reload()
        self.query_one(CodeTree).focus()

    def refresh_from_project(self) -> None:
        self.reload()

    @reads_project
    def reload(self, keep: str | None = None) -> None:
        tree = self.query_one(CodeTree)
        tree.load(self.session.codes(), self.session.counts(), keep=keep)
        self.loaded_generation = self.session.generation
        self._show(tree.highlighted_code_id)

    def _show(self, code_id: str | None) -> None:
        code = self.session.code(code_id) if code_id else None
        self.query_one(CodeInfo).show(code, self.session.counts().get(code_id or "", 0), full=True)

    def highlighted_code_id(self) -> str | None:
        return self.query_one(CodeTree).highlighted_code_id if self.is_mounted else None

    def _current(self) -> Code | None:
        code_id = self.highlighted_code_id()
        code = self.session.code(code_id) if code_id else None
        if code is None:
            self.app.bell()
        return code

    def _done(self, result: Any, message: str, keep: str | None) -> None:
        if result is None:
            return
        self.reload(keep=keep)
        self.notify(f"✓ {message} · u to undo", timeout=4)

    def _edit(self, code: Code, message: str, **values: Any) -> None:
        self._done(self.wapp.attempt(self.session.update_code, code.id, **values), message, code.id)

    # -- events -----------------------------------------------------------------------------
    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        self._show(event.code_id)

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self.wapp.show_retrieval(event.code_id)

    # -- actions ----------------------------------------------------------------------------
    def action_add(self, top_level: bool) -> None:
        parent = None if top_level else self._current()
        if not top_level and parent is None:
            return
        where = f"under “{parent.label}”" if parent else "at the top level"

        def named(label: str | None) -> None:
            if not label:
                return
            code = Code(
                id=self.session.new_code_id(label, parent.id if parent else None),
                label=label,
                parent_id=parent.id if parent else None,
                color=new_code_color(self.session.codes(), parent.id if parent else None),
            )
            created = self.wapp.attempt(self.session.add_code, code)
            self._done(created, f"added {label} ({code.id})", code.id)

        self.app.push_screen(
            TextPrompt(
                f"New code {where}",
                placeholder="label (Dutch research term)",
                help="The id is made from the label; A adds a top-level code.",
            ),
            named,
        )

    def action_rename(self) -> None:
        code = self._current()
        if code is None:
            return

        def named(label: str | None) -> None:
            if label and label != code.label:
                self._edit(code, f"renamed to {label}", label=label)

        self.app.push_screen(
            TextPrompt(
                f"Rename {code.id}",
                code.label,
                help="The id stays the same, so codings and exports keep working.",
            ),
            named,
        )

    def action_colour(self) -> None:
        code = self._current()
        if code is None:
            return
        choices: list[tuple[Text, str]] = []
        for name, hex_value in PALETTE:
            label = Text("■■ ", style=hex_value)
            label.append(f"{name}  {hex_value}")
            choices.append((label, hex_value))
        choices.append((Text("other… (#RRGGBB)"), "custom"))

        def custom(value: str | None) -> None:
            if value:
                self._edit(code, f"colour of {code.label} set to {value}", color=value)

        def chosen(value: str | None) -> None:
            if value == "custom":
                self.app.push_screen(
                    TextPrompt("Colour", code.color, placeholder="#RRGGBB"), custom
                )
            elif value:
                self._edit(code, f"colour of {code.label} set to {value}", color=value)

        self.app.push_screen(ChoiceDialog(f"Colour of {code.label}", choices), chosen)

    def action_move(self) -> None:
        code = self._current()
        if code is None:
            return

        def chosen(parent: str | None) -> None:
            if parent is None:
                return
            result = self.wapp.attempt(self.session.move_code, code.id, parent or None)
            where = self.session.label(parent) if parent else "the top level"
            self._done(result, f"moved {code.label} under {where}", code.id)

        others = [c for c in self.session.codes() if c.id != code.id]
        self.app.push_screen(
            CodePicker(
                others,
                title=f"Move “{code.label}” under…",
                depth_of=self.session.depth,
                extra=[("(top level)", "")],
            ),
            chosen,
        )

    def action_reorder(self, delta: int) -> None:
        code = self._current()
        if code is None:
            return
        siblings = [c.id for c in self.session.codes() if c.parent_id == code.parent_id]
        position = siblings.index(code.id) + delta
        if not 0 <= position < len(siblings):
            self.app.bell()
            return
        result = self.wapp.attempt(self.session.move_code, code.id, code.parent_id, position)
        self._done(result, f"moved {code.label} {'up' if delta < 0 else 'down'}", code.id)

    def action_merge(self) -> None:
        code = self._current()
        if code is None:
            return
        count = self.session.counts().get(code.id, 0)

        def confirmed(target: str, ok: bool | None) -> None:
            if ok:
                moved = self.wapp.attempt(self.session.merge_codes, code.id, target)
                self._done(
                    moved,
                    f"merged {code.label} into {self.session.label(target)} "
                    f"({moved} codings moved)",
                    target,
                )

        def chosen(target: str | None) -> None:
            if not target:
                return
            message = (
                f"All {count} coding(s) of “{code.label}” and its sub-codes move to "
                f"“{self.session.label(target)}”, and “{code.label}” is removed. u undoes the merge."
            )
            self.app.push_screen(
                ConfirmDialog("Merge codes?", message, yes="Merge"),
                lambda ok: confirmed(target, ok),
            )

        others = [c for c in self.session.codes() if c.id != code.id]
        self.app.push_screen(
            CodePicker(others, title=f"Merge “{code.label}” into…", depth_of=self.session.depth),
            chosen,
        )

    def _text_field(self, field: str, title: str) -> Callable[[], None]:
        def edit() -> None:
            code = self._current()
            if code is None:
                return

            def saved(text: str | None) -> None:
                if text is not None and text != getattr(code, field):
                    self._edit(code, f"{field} of {code.label} saved", **{field: text})

            self.app.push_screen(MemoDialog(f"{title}: {code.label}", getattr(code, field)), saved)

        return edit

    def action_edit_field(self) -> None:
        """Choose any field of the code (the card shows them all) and edit it."""
        code = self._current()
        if code is None:
            return
        choices: list[tuple[Text, str]] = []
        for field, title in EDITABLE_FIELDS:
            value = _field_text(code, field)
            label = Text(f"{title:<12}", style="bold")
            label.append(" ".join(value.split())[:60] or "(empty)", style="" if value else "dim")
            choices.append((label, field))

        def chosen(field: str | None) -> None:
            if field is None:
                return
            title = dict(EDITABLE_FIELDS)[field]
            if field in MULTILINE_FIELDS:
                self._text_field(field, title)()
                return

            def saved(text: str | None) -> None:
                if text is None or text == _field_text(code, field):
                    return
                value: Any = text
                if field == "keywords":  # one list, comma-separated in the prompt
                    value = tuple(k.strip() for k in text.split(",") if k.strip())
                self._edit(code, f"{title.lower()} of {code.label} saved", **{field: value})

            self.app.push_screen(
                TextPrompt(
                    f"{title}: {code.label}",
                    _field_text(code, field),
                    help="Keywords: separated by commas; they drive the suggestions (a)."
                    if field == "keywords"
                    else "",
                    check=(lambda v: None if v.strip() else "a code needs a label")
                    if field == "label"
                    else (lambda v: None),
                ),
                saved,
            )

        self.app.push_screen(ChoiceDialog(f"Edit a field of {code.label}", choices), chosen)

    def action_memo(self) -> None:
        self._text_field("memo", "Memo on code")()

    def action_definition(self) -> None:
        self._text_field("definition", "Definition of")()

    def action_delete(self) -> None:
        code = self._current()
        if code is None:
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                result = self.wapp.attempt(self.session.delete_code, code.id)
                self._done(result, f"deleted {code.label}", code.parent_id)

        self.app.push_screen(
            ConfirmDialog(
                "Delete code?",
                f"Delete “{code.label}” ({code.id})? "
                "Only codes without codings or sub-codes can be deleted; "
                "merge the others.",
                yes="Delete",
            ),
            confirmed,
        )
