"""Full-text search over all sentences; words also match by lemma ("hielpen" finds "helpen").

Searching runs in a worker. The Dutch lemmatiser (spaCy) is loaded in the
background when this screen first opens; until it is ready a search shows the
literal matches at once and adds the lemma matches when they come in. From a
result, Enter jumps to the sentence and ``c`` or ``1``-``9`` code it directly.
"""

from __future__ import annotations

import threading
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...models import SearchHit
from ...snippets import snippet_text
from ..messages import LemmatizerLoaded, PassageChosen, SearchFinished
from ..widgets.code_picker import CodePicker
from ..widgets.footer import WijkFooter
from .base import WijkScreen

LIMIT = 200
_lemmatizer_lock = threading.Lock()


class SearchScreen(WijkScreen):
    """Search, jump, and code from the results."""

    SCREEN_NAME = "search"
    AUTO_FOCUS = "#search-query"

    BINDINGS = [
        Binding("c", "code_hit", "Code result", id="search.code"),
        *[
            Binding(
                str(n),
                f"recent({n})",
                "Apply a recent code to the result",
                id=f"search.recent_{n}",
                show=False,
            )
            for n in range(1, 10)
        ],
        Binding("escape", "toggle_focus", "Query ⇄ results", id="search.toggle_focus", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="search")
        self.hits: list[SearchHit] = []
        self.coded: dict[int, list[str]] = {}
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder='search: words (inflected forms match too), "an exact phrase"',
            id="search-query",
        )
        yield Static(id="search-status")
        yield OptionList(id="search-results")
        yield WijkFooter()

    def on_mount(self) -> None:
        self.focus_query()
        self._status(
            Text("Type words and press Enter. Enter on a result opens it; c codes it.", style="dim")
        )
        if not self.session.lemmatizer_ready:
            self.preload_lemmatizer()

    def focus_query(self) -> None:
        box = self.query_one("#search-query", Input)
        box.focus()
        box.cursor_position = len(box.value)

    def action_toggle_focus(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.focused is results or not self.hits:
            self.focus_query()
        else:
            results.focus()

    def _status(self, text: Text | str) -> None:
        self.query_one("#search-status", Static).update(text)  # may wrap to 2 lines at 80 columns

    # -- workers -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="lemmatizer")
    def preload_lemmatizer(self) -> None:
        with _lemmatizer_lock:
            self.session.query_lemmas("begin")
        self.session.lemmatizer_ready = True
        self.post_message(LemmatizerLoaded())

    def on_lemmatizer_loaded(self, message: LemmatizerLoaded) -> None:
        if not self.hits and not self.query_text:
            self._status(Text("Lemma matching is ready.", style="dim"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, query: str) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        session = self.session
        with session.reader() as project:
            if not session.lemmatizer_ready:  # literal matches now, lemma matches when spaCy is in
                hits = project.retrieval.search(query, {}, limit=LIMIT)
                self.post_message(
                    SearchFinished(query, hits, time.perf_counter() - started, partial=True)
                )
            with _lemmatizer_lock:
                lemmas = session.query_lemmas(query)
            session.lemmatizer_ready = True
            if worker.is_cancelled:
                return
            hits = project.retrieval.search(query, lemmas, limit=LIMIT)
        if not worker.is_cancelled:
            self.post_message(SearchFinished(query, hits, time.perf_counter() - started))

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.query != self.query_text:
            return  # an older search
        self.hits = message.hits
        self.coded = {}
        options = self.query_one("#search-results", OptionList)
        options.set_options(Option(self._prompt(i), id=str(i)) for i in range(len(self.hits)))
        n = len(self.hits)
        status = Text(
            f"{n}{'+' if n >= LIMIT else ''} sentence{'s' if n != 1 else ''} for ", style="bold"
        )
        status.append(message.query)
        if message.partial:
            status.append("   (exact words; adding inflected forms…)", style="dim italic")
        else:
            status.append(
                "   Enter: open · c: code · 1-9: a recent code · Esc: edit the query", style="dim"
            )
        self._status(status)
        if self.hits:
            options.highlighted = 0
            if not message.partial or self.focused is not self.query_one("#search-query"):
                options.focus()

    def _prompt(self, index: int) -> Text:
        hit = self.hits[index]
        text = Text()
        text.append(hit.document_name, style="bold")
        if hit.speaker:
            text.append(f" · {hit.speaker}")
        for code_id in self.coded.get(index, []):
            text.append("  ✓ ", style="green")
            text.append("■ ", style=self.session.color(code_id))
            text.append(self.session.label(code_id))
        text.append("\n")
        if hit.before.strip():
            before = " ".join(hit.before.split())
            text.append(("…" + before[-80:] if len(before) > 80 else before) + " ", style="dim")
        text.append_text(snippet_text(hit.snippet))
        text.append("\n")
        return text

    # -- actions -----------------------------------------------------------------------------
    @on(Input.Submitted, "#search-query")
    def submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            return
        self.query_text = query
        waiting = (
            "searching…"
            if self.session.lemmatizer_ready
            else "searching… (loading the Dutch lemmatiser)"
        )
        self._status(Text(waiting, style="italic"))
        self.run_search(query)

    @on(OptionList.OptionSelected, "#search-results")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.post_message(PassageChosen(hit.document_id, hit.start, hit.end))

    def _highlighted(self) -> int | None:
        options = self.query_one("#search-results", OptionList)
        if not self.hits or options.highlighted is None:
            self.app.bell()
            return None
        return options.highlighted

    def code_result(self, index: int, code_id: str) -> None:
        hit = self.hits[index]
        coding = self.wapp.attempt(
            self.session.add_coding, hit.document_id, hit.start, hit.end, code_id
        )
        if coding is None:
            return
        self.loaded_generation = self.session.generation
        self.coded.setdefault(index, []).append(code_id)
        options = self.query_one("#search-results", OptionList)
        options.replace_option_prompt_at_index(index, self._prompt(index))
        self.notify(
            f"coded {self.session.label(code_id)} in {hit.document_name} (#{coding.id})", timeout=3
        )

    def action_code_hit(self) -> None:
        index = self._highlighted()
        if index is None:
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.code_result(index, code_id)

        self.app.push_screen(
            CodePicker(
                self.session.codes(), depth_of=self.session.depth, recent=self.session.recent
            ),
            chosen,
        )

    def action_recent(self, n: int) -> None:
        index = self._highlighted()
        if index is not None and n - 1 < len(self.session.recent):
            self.code_result(index, self.session.recent[n - 1])
