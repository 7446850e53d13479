"""Retrieval: every passage of a code, with its document, speaker and a sentence of context.

The list is virtual (see :class:`~..widgets.passage_list.PassageList`): a code with
ten thousand passages shows its first screen after one count and one page query.
``s`` includes the passages of sub-codes, ``f`` filters by document attribute,
``o`` by coder, ``c`` chooses another code; Enter jumps to the passage.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from ...models import Passage
from ..messages import PassageChosen
from ..widgets.code_picker import CodePicker
from ..widgets.coding_status import VALENCE_MARK
from ..widgets.footer import WijkFooter
from ..widgets.passage_list import PassageList
from .attribute_filter import ask_attribute_filter
from .base import WijkScreen, reads_project
from .dialogs import ChoiceDialog


class RetrievalScreen(WijkScreen):
    """All passages of one code."""

    SCREEN_NAME = "retrieval"
    AUTO_FOCUS = "#passages"

    BINDINGS = [
        Binding("c", "choose_code", "Other code", id="retrieval.code", show=False),
        Binding("s", "toggle_children", "Sub-codes", id="retrieval.children"),
        Binding("f", "filter_attributes", "Filter", id="retrieval.filter"),
        Binding("o", "filter_coder", "Coder", id="retrieval.coder", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="retrieval")
        self.code_id: str | None = None
        self.include_children = False
        self.attributes: dict[str, str] = {}
        self.coder: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="retrieval-title")
        yield PassageList(id="passages")
        yield WijkFooter()

    @reads_project
    def on_mount(self) -> None:
        self.query_one(PassageList).focus()
        if self.code_id is not None:
            self.reload()

    def screen_subtitle(self) -> str:
        return f"retrieval · {self.session.label(self.code_id)}" if self.code_id else "retrieval"

    def refresh_from_project(self) -> None:
        if self.code_id is not None and self.session.code(self.code_id) is None:
            self.code_id = None  # merged or deleted meanwhile
        self.reload(keep_cursor=True)

    @reads_project
    def show_code(self, code_id: str) -> None:
        if code_id != self.code_id:
            self.code_id = code_id
            if self.is_mounted:
                self.reload()
        self.loaded_generation = self.session.generation

    # -- loading ---------------------------------------------------------------------------
    @reads_project
    def reload(self, keep_cursor: bool = False) -> None:
        passages = self.query_one(PassageList)
        cursor = passages.cursor if keep_cursor else 0
        code_id = self.code_id
        if code_id is None:
            passages.empty_message = (
                "Choose a code with c (or press r on a code in the coding screen)."
            )
            passages.load(0, lambda limit, offset: [])
            self._title(0)
            return
        project = self.session.project
        options = {
            "include_children": self.include_children,
            "coder": self.coder,
            "attributes": self.attributes or None,
        }
        total = project.count_passages(code_id, **options)  # type: ignore[arg-type]

        def fetch(limit: int, offset: int) -> list[Passage]:
            return project.passages(code_id, limit=limit, offset=offset, **options)  # type: ignore[arg-type]

        passages.empty_message = "No passages of this code" + (
            " with these filters." if self.attributes or self.coder else " yet."
        )
        passages.load(total, fetch, self.describe, cursor=cursor)
        self._title(total)
        self.sub_title = self.wapp.subtitle(self.screen_subtitle())

    def describe(self, p: Passage) -> Text:
        header = Text()
        if self.include_children:
            header.append("■ ", style=self.session.color(p.coding.code_id))
            header.append(self.session.label(p.coding.code_id) + "  ")
        header.append(p.document_name, style="bold")
        if p.speaker:
            header.append(f" · {p.speaker}")
        if p.sentence_index >= 0:
            header.append(f" · sentence {p.sentence_index + 1}", style="dim")
        header.append(f" · {p.coding.coder}", style="dim")
        if p.coding.valence:
            header.append(f" · {VALENCE_MARK.get(p.coding.valence, '')} {p.coding.valence}")
        if p.coding.memo:
            header.append(f" · ✎ {' '.join(p.coding.memo.split())[:60]}", style="italic")
        return header

    def _title(self, total: int) -> None:
        title = Text()
        code = self.session.code(self.code_id) if self.code_id else None
        if code is None:
            title.append("No code chosen", style="bold")
        else:
            title.append("■ ", style=code.color)
            title.append(code.label, style="bold")
            if code.gloss:
                title.append(f" · {code.gloss}", style="italic")
            title.append(f"  {code.id}", style="dim")
            title.append(f"   {total:,} passage{'s' if total != 1 else ''}")
        filters = [f"sub-codes {'on' if self.include_children else 'off'} (s)"]
        filters.append(
            " ".join(f"{k}={v}" for k, v in self.attributes.items()) or "all documents (f)"
        )
        filters.append(f"coder: {self.coder or 'all'} (o)")
        title.append("\n" + " · ".join(filters), style="dim")
        self.query_one("#retrieval-title", Static).update(title, layout=False)

    # -- actions ---------------------------------------------------------------------------
    def on_passage_list_chosen(self, event: PassageList.Chosen) -> None:
        coding = event.passage.coding
        self.post_message(
            PassageChosen(coding.document_id, coding.start, coding.end, highlight=True)
        )

    def action_toggle_children(self) -> None:
        self.include_children = not self.include_children
        self.reload()

    def action_choose_code(self) -> None:
        def chosen(code_id: str | None) -> None:
            if code_id:
                self.show_code(code_id)

        self.app.push_screen(
            CodePicker(
                self.session.codes(),
                title="Retrieve passages of…",
                depth_of=self.session.depth,
                recent=self.session.recent,
                first=self.code_id,
            ),
            chosen,
        )

    def action_filter_attributes(self) -> None:
        def chosen(attributes: dict[str, str]) -> None:
            self.attributes = attributes
            self.reload()

        ask_attribute_filter(self, "Filter by document attributes", self.attributes,
                             self.session.project.attribute_names(), chosen)

    def action_filter_coder(self) -> None:
        choices: list[tuple[str, str]] = [("all coders", "")]
        choices += [(name, name) for name in self.session.project.coders()]

        def chosen(value: str | None) -> None:
            if value is not None:  # None: cancelled
                self.coder = value or None
                self.reload()

        self.app.push_screen(ChoiceDialog("Show the passages of…", choices), chosen)
