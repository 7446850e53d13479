"""The coding screen: a transcript on the left, the codebook tree and the code's card on the right.

Move by sentence (``j``/``k``) or turn (``J``/``K``), select with ``v``, mark exact
words with ``s``, and code with the picker (``c``), a recent code (``1``-``9``),
a suggestion (``a``) or Enter in the tree. The actions on existing codings
(remove, change code, memo, valence) live in :mod:`.coding_actions`.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static

from ...errors import NotFound
from ...models import Coding
from ...textsafe import printable
from ..widgets.code_info import CodeInfo
from ..widgets.code_picker import CodePicker
from ..widgets.code_tree import CodeTree
from ..widgets.footer import WijkFooter
from ..widgets.transcript import TranscriptView
from ..widgets.transcript_model import TranscriptModel, is_interviewer
from .base import WijkScreen, reads_project
from .coding_actions import CodingActions, describe_coding
from .coding_moves import CodingMoves
from .dialogs import TextPrompt

MAX_INFO_CODINGS = 3  # + where, suggestions, status: the six lines of #cursor-info


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class CodingScreen(CodingMoves, CodingActions, WijkScreen):
    """Code one document, sentence by sentence."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = [
        Binding("j,down", "move(1)", "Next sentence", id="coding.next_sentence", show=False),
        Binding("k,up", "move(-1)", "Previous sentence", id="coding.previous_sentence", show=False),
        Binding("J,shift+down", "turn(1)", "Next turn", id="coding.next_turn", show=False),
        Binding("K,shift+up", "turn(-1)", "Previous turn", id="coding.previous_turn", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", id="coding.page_down", show=False),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", id="coding.page_up", show=False),
        Binding("g,home", "edge(0)", "First sentence", id="coding.first", show=False),
        Binding("G,end", "edge(1)", "Last sentence", id="coding.last", show=False),
        Binding("colon", "go_to", "Go to sentence N", id="coding.go_to", show=False),
        Binding("n", "next_uncoded", "Next uncoded sentence", id="coding.next_uncoded", show=False),
        Binding("v", "select", "Select", id="coding.select"),
        Binding("escape", "cancel", "Cancel selection", id="coding.cancel", show=False),
        Binding("s", "exact_span", "Mark exact words", id="coding.exact_span", show=False),
        Binding("w", "word('w')", "Exact words: add the next word", id="coding.word_next",
                show=False),
        Binding("e", "word('e')", "Exact words: take the last word off", id="coding.word_back",
                show=False),
        Binding("W", "word('W')", "Exact words: drop the first word", id="coding.word_start",
                show=False),
        Binding("c", "pick_code", "Code", id="coding.code"),
        *[
            Binding(
                str(n),
                f"recent({n})",
                "Apply a recent code (1 = latest)",
                id=f"coding.recent_{n}",
                show=False,
            )
            for n in range(1, 10)
        ],
        Binding(
            "a",
            "accept_suggestion",
            "Apply first suggestion",
            id="coding.accept_suggestion",
            show=False,
        ),
        Binding("i", "in_vivo", "In vivo", id="coding.in_vivo"),
        Binding("x", "remove", "Remove", id="coding.remove"),
        Binding("C", "change_code", "Change code of a coding", id="coding.change_code", show=False),
        Binding("m", "memo", "Memo", id="coding.memo"),
        Binding("D", "toggle_done", "Mark the document done (agreement)", id="coding.done", show=False),
        Binding(
            "M", "document_memo", "Memo on the document", id="coding.document_memo", show=False
        ),
        Binding("plus", "valence", "Cycle valence (+ − ± none)", id="coding.valence", show=False),
        Binding(
            "tab", "app.focus_next", "Transcript ⇄ codebook", id="coding.switch_pane", show=False
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="coding")
        self.model: TranscriptModel | None = None
        self.status = ""
        self._pending: tuple[int, int | None, int | None, bool] | None = None
        self._keyword_index: dict[str, list[str]] = {}
        self._suggestions: list[tuple[str, str]] = []
        self._ask_interviewer = False  # a asked for suggestions on the interviewer's words
        self._positions: dict[int, int] = {}  # document id -> cursor sentence, this session
        self._ready = False  # set in on_mount (is_mounted is still False there)

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="coding-body"):
            with Vertical(id="transcript-pane"):
                yield Static(id="doc-title")
                yield TranscriptView(id="transcript")
                yield Static(id="recent-codes")
                yield Static(id="cursor-info")
            with Vertical(id="side-pane"):
                yield CodeTree(id="code-tree")
                yield CodeInfo(id="code-info")
        yield WijkFooter()

    @reads_project
    def on_mount(self) -> None:
        transcript = self.transcript
        transcript.color_of = self.session.color
        order = {c.id: i for i, c in enumerate(self.session.codes())}
        transcript.order_of = lambda code_id: order.get(code_id, 10**6)
        self._load_codes()
        self._ready = True
        if self._pending is not None:
            self.load_document(*self._pending)
        else:
            self.query_one("#doc-title", Static).update(
                Text("No document open: press d for the documents.", style="italic"), layout=False
            )
        transcript.focus()

    def screen_subtitle(self) -> str:
        return self.model.document.name if self.model else "coding"

    def refresh_from_project(self) -> None:
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def _load_codes(self) -> None:
        codes = self.session.codes()
        self.code_tree.load(codes, self.session.counts())
        order = {c.id: i for i, c in enumerate(codes)}
        self.transcript.order_of = lambda code_id: order.get(code_id, 10**6)
        self._keyword_index = {}
        for code in codes:
            for keyword in code.keywords:
                self._keyword_index.setdefault(keyword.lower().strip(), []).append(code.id)

    @reads_project
    def load_document(
        self,
        document_id: int,
        start: int | None = None,
        end: int | None = None,
        highlight: bool = False,
    ) -> None:
        """Show a document with the cursor on the sentence at ``start`` (the first if None)."""
        if not self._ready:
            self._pending = (document_id, start, end, highlight)
            return
        self._pending = None
        project = self.session.project
        if self.model is not None and self.model.document.id != document_id:
            self._positions[self.model.document.id] = self.transcript.cursor
        if self.model is None or self.model.document.id != document_id:
            self.model = TranscriptModel(
                document=project.documents.get(document_id),
                text=project.documents.text(document_id),
                sentences=project.documents.segments(document_id, "sentence"),
                turns=project.documents.segments(document_id, "turn"),
                lemmas=project.documents.sentence_lemmas(document_id),
                codings={c.id: c for c in project.codings.all(document_id=document_id)},
            )
            # Reopened without a place to go: back where this coder left it.
            cursor = (
                self.model.sentence_at(start)
                if start is not None
                else self._positions.get(document_id, 0)
            )
            self.transcript.show(self.model, cursor)
        elif start is not None:
            self.transcript.move_to(self.model.sentence_at(start))
        if start is not None and end is not None and highlight:
            self.transcript.set_exact(start, end)
        self.loaded_generation = self.session.generation
        self.status = ""
        self.sub_title = self.wapp.subtitle(self.model.document.name)
        self._update_title()
        self.transcript.focus()

    @reads_project
    def reload(self) -> None:
        """Re-read codings and codes (after undo/redo, a codebook edit or another coder's work)."""
        if self.model is None:
            return
        project = self.session.project
        try:
            self.model.document = project.documents.get(self.model.document.id)
        except NotFound:  # removed, or its import undone: back to the list
            name = self.model.document.name
            self.model = None
            self.loaded_generation = self.session.generation
            self.notify(f"{name} is no longer in the project.", timeout=5)
            self.call_later(self.app.switch_mode, "documents")
            return
        fresh = TranscriptModel(
            document=self.model.document,
            text=self.model.text,
            sentences=self.model.sentences,
            turns=self.model.turns,
            lemmas=self.model.lemmas,
            codings={c.id: c for c in project.codings.all(document_id=self.model.document.id)},
        )
        fresh.lines, fresh.first_line, fresh.width = (
            self.model.lines,
            self.model.first_line,
            self.model.width,
        )
        self.model = fresh
        transcript = self.transcript
        transcript.model = fresh
        transcript.refresh()
        self._load_codes()
        self.loaded_generation = self.session.generation
        self.status = ""
        self._update_title()
        self.update_cursor_info()

    def _update_title(self) -> None:
        if self.model is None:
            return
        doc = self.model.document
        title = Text()
        title.append(printable(doc.name), style="bold")
        preferred = ("rol", "role", "wijk", "jaar", "year", "casus", "case")
        keys = [k for k in preferred if k in doc.attributes] + [
            k for k in doc.attributes if k not in preferred
        ]
        for key in keys:
            title.append(f"  {printable(key)}=", style="dim")
            title.append(printable(doc.attributes[key]))
        title.append(
            f"  ·  {len(self.model)} sentences · {self.model.coded_share():.0%} coded", style="dim"
        )
        if doc.memo:
            title.append("  ✎ memo", style="dim italic")
        self.query_one("#doc-title", Static).update(title, layout=False)

    # -- cursor info, suggestions -------------------------------------------------------------
    def on_transcript_view_cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        self.status = ""
        self._ask_interviewer = False
        self.update_cursor_info()

    def suggestions(
        self, first: int, last: int | None = None, *, interviewer: bool = False
    ) -> list[tuple[str, str]]:
        """``(code_id, keyword)`` for codes whose keywords occur in sentences ``first..last``.

        The union over the selection, so suggestions stay while one is made. The
        interviewer's sentences are skipped unless ``interviewer`` (asked for with ``a``):
        a question that names "de gemeente" is not a finding about the gemeente.
        """
        if self.model is None:
            return []
        last = first if last is None else last
        found: dict[str, str] = {}
        for i in range(first, last + 1):
            if not interviewer and is_interviewer(self.model.speaker(i)):
                continue
            for code_id, keyword in self._sentence_suggestions(i):
                found.setdefault(code_id, keyword)
        span = self.transcript.target_span()  # codes already on all of it are not offered
        applied = {
            c.code_id
            for c in self.model.codings_at(first, last)
            if span is not None and c.start <= span[0] and c.end >= span[1]
        }
        order = {c.id: i for i, c in enumerate(self.session.codes())}
        return sorted(
            ((c, k) for c, k in found.items() if c not in applied),
            key=lambda kv: order.get(kv[0], 0),
        )

    def _sentence_suggestions(self, sentence: int) -> list[tuple[str, str]]:
        if self.model is None or not self._keyword_index or sentence >= len(self.model.lemmas):
            return []
        lemmas = self.model.lemmas[sentence].lower().split()
        words = re.findall(r"\w+", self.model.sentence_text(sentence).lower())
        tokens = set(lemmas) | set(words)
        joined = [" " + " ".join(lemmas) + " ", " " + " ".join(words) + " "]
        found: list[tuple[str, str]] = []
        for keyword, code_ids in self._keyword_index.items():
            hit = (
                f" {keyword} " in joined[0] or f" {keyword} " in joined[1]
                if " " in keyword
                else keyword in tokens
            )
            if hit:
                found += [(code_id, keyword) for code_id in code_ids]
        return found

    def update_cursor_info(self) -> None:
        info = self.query_one("#cursor-info", Static)
        if self.model is None or not len(self.model):
            info.update("", layout=False)
            return
        transcript = self.transcript
        first, last = transcript.selection()
        lines: list[Text] = []
        codings = self.model.codings_at(first, last)
        if transcript.exact is not None:
            a, b = transcript.exact
            codings = [c for c in codings if c.start < b and c.end > a]
        for coding in codings[:MAX_INFO_CODINGS]:
            lines.append(describe_coding(coding, self.session, self.model.text, quote=False))
        if len(codings) > MAX_INFO_CODINGS:
            lines.append(Text(f"  … and {len(codings) - MAX_INFO_CODINGS} more", style="dim"))
        if not codings:
            lines.append(Text("not coded", style="dim"))
        where = Text()
        if transcript.exact is not None:
            a, b = transcript.exact
            where.append("exact words: ", style="bold")
            where.append(f"“{_short(self.model.text[a:b], 70)}”")
            where.append("  w/e/W words · c code · i in-vivo · Esc", style="dim")
        elif transcript.selecting:
            where.append("selection: ", style="bold")
            where.append(f"sentences {first + 1}–{last + 1} ({last - first + 1})")
            where.append("  j/k J/K extend · v whole turns · c code · Esc", style="dim")
        else:
            where.append(f"sentence {self.transcript.cursor + 1}/{len(self.model)}", style="dim")
        lines.append(where)
        self._suggestions = self.suggestions(first, last, interviewer=self._ask_interviewer)
        hidden = (
            not self._suggestions
            and not self._ask_interviewer
            and bool(self.suggestions(first, last, interviewer=True))
        )
        if hidden:
            lines.append(Text("interviewer's question: a shows its keyword suggestions", style="dim"))
        if self._suggestions:
            sug = Text()
            sug.append("suggested: ", style="bold")
            for n, (code_id, keyword) in enumerate(self._suggestions[:4]):
                if n:
                    sug.append("  ·  ")
                if n == 0:
                    sug.append("[a] ", style="bold")
                sug.append("■ ", style=self.session.color(code_id))
                sug.append(self.session.label(code_id))
                sug.append(f" ({keyword})", style="dim")
            lines.append(sug)
        if self.status:
            lines.append(Text(self.status, style="bold"))
        info.update(Text("\n").join(lines), layout=False)
        self.update_recent_line()

    def recent_line(self) -> Text:
        """``1 Vertrouwen 2 Stressor …``: which code each number key applies now."""
        line = Text()
        for n, code_id in enumerate(self.session.recent[:9], 1):
            if n > 1:
                line.append("  ")
            line.append(f"{n}", style="bold reverse")
            line.append(" ■ ", style=self.session.color(code_id))
            line.append(_short(self.session.label(code_id), 18))
        if not line:
            line.append("1-9: recent codes appear here once you code (c)", style="dim")
        return line

    def update_recent_line(self) -> None:
        self.query_one("#recent-codes", Static).update(self.recent_line(), layout=False)

    def confirm(self, message: str) -> None:
        """Confirm an action on the screen; called only after the core committed it."""
        self.loaded_generation = self.session.generation  # our own change: no reload needed
        self.status = message
        self.update_cursor_info()
        self._update_title()

    # -- code tree ----------------------------------------------------------------------------
    def highlighted_code_id(self) -> str | None:
        return self.code_tree.highlighted_code_id if self._ready else None

    def retrieval_candidates(self) -> tuple[str | None, list[str]]:
        """The code ``r`` retrieves: the tree's when it has focus, else the one coded here.

        With no code or several codes under the cursor (or selection) it names none,
        and the app asks with these codes listed first.
        """
        if not self._ready:
            return None, []
        if self.code_tree.has_focus:
            return self.code_tree.highlighted_code_id, []
        codes = list(dict.fromkeys(c.code_id for c in self.codings_in_target()))
        return (codes[0] if len(codes) == 1 else None), codes

    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        code = self.session.code(event.code_id) if event.code_id else None
        self.query_one(CodeInfo).show(code, self.session.counts().get(event.code_id or "", 0))

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self.apply_code(event.code_id)

    # -- applying codes ------------------------------------------------------------------------
    def apply_code(self, code_id: str) -> Coding | None:
        """Code the target span (exact span, selection or cursor sentence) with ``code_id``."""
        if self.model is None or self.transcript.target_span() is None:
            self.app.bell()
            return None
        start, end = self.transcript.target_span()  # type: ignore[misc]
        coding = self.wapp.attempt(
            self.session.add_coding, self.model.document.id, start, end, code_id
        )
        if coding is None:
            return None
        self.model.add(coding)
        # The selection (or exact span) stays, so the same span can take a second code;
        # Esc or a move without a selection drops it.
        self.transcript.refresh()
        self.code_tree.update_counts(self.session.counts(), [code_id])
        kept = self.transcript.selecting or self.transcript.exact is not None
        self.confirm(
            f"✓ coded {self.session.label(code_id)}"
            + (" · span still selected: code again, or Esc" if kept else "")
        )
        return coding

    def action_pick_code(self) -> None:
        if self.model is None or not len(self.model):
            self.app.bell()
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.apply_code(code_id)

        self.app.push_screen(
            CodePicker(
                self.session.codes(),
                depth_of=self.session.depth,
                suggested=[c for c, _ in self._suggestions],
                recent=self.session.recent,
            ),
            chosen,
        )

    def action_recent(self, n: int) -> None:
        if n - 1 < len(self.session.recent):
            self.apply_code(self.session.recent[n - 1])
        else:
            self.confirm(f"no recent code {n} yet: code with c first")

    def action_accept_suggestion(self) -> None:
        if self._suggestions:
            self.apply_code(self._suggestions[0][0])
            return
        first, last = self.transcript.selection()
        if not self._ask_interviewer and self.suggestions(first, last, interviewer=True):
            self._ask_interviewer = True  # shown now; a second a applies the first
            self.confirm("suggestions for the interviewer's words: a again applies the first")
        else:
            self.confirm("no suggestion here")

    def action_in_vivo(self) -> None:
        """Create a code from the selected words and code them with it."""
        span = self.transcript.target_span()
        if self.model is None or span is None:
            return
        quote = _short(self.model.text[span[0] : span[1]].strip(" .,;:!?\"'“”„"), 60)

        def placed(parent: str | None, label: str) -> None:
            if parent is None:
                return
            code = self.wapp.attempt(self.session.in_vivo_code, label, parent or None)
            if code is None:
                return
            self._load_codes()
            self.code_tree.select_code(code.id)
            self.apply_code(code.id)

        def named(label: str | None) -> None:
            if not label:
                return
            self.app.push_screen(
                CodePicker(
                    self.session.codes(),
                    title=f"Place “{_short(label, 40)}” under…",
                    depth_of=self.session.depth,
                    extra=[("(top level)", "")],
                    first=self.code_tree.highlighted_code_id,
                ),
                lambda parent: placed(parent, label),
            )

        self.app.push_screen(
            TextPrompt(
                "New in-vivo code",
                quote,
                placeholder="label of the new code",
                help="The respondent's own words become the label; edit if needed.",
            ),
            named,
        )
