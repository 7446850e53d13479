"""The coding screen: a transcript on the left, the codebook tree and the code's card on the right.

It composes widgets that own their keys and state, and reacts to their messages: the
:class:`~..widgets.coding_transcript.CodingTranscript` (cursor, selection, exact words and
the keys that move and select), the :class:`~..widgets.code_tree.CodeTree` with the code's
card, and the lines of :mod:`~..widgets.coding_status`. The screen's own keys write: code
(``c``, ``1``-``9``, ``a``, ``i``, Enter in the tree), remove (``x``), change code (``C``),
memo (``m``/``M``), valence (``+``), done (``D``); each write goes through the session and
is confirmed on screen only after the core committed it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header

from ...errors import NotFound
from ...models import Coding
from ..widgets.code_info import CodeInfo
from ..widgets.code_picker import CodePicker
from ..widgets.code_tree import CodeTree
from ..widgets.coding_status import (
    VALENCE_CYCLE,
    CursorInfo,
    DocumentTitle,
    RecentCodes,
    describe_coding,
    short,
)
from ..widgets.coding_transcript import CodingTranscript
from ..widgets.footer import WijkFooter
from ..widgets.keyword_suggestions import KeywordSuggester
from ..widgets.transcript_model import TranscriptModel
from .base import WijkScreen, reads_project
from .dialogs import ChoiceDialog, MemoDialog, TextPrompt

Pending = tuple[int, int | None, int | None, bool]  # load_document's arguments


class CodingScreen(WijkScreen):
    """Code one document, sentence by sentence."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = [
        Binding("c", "pick_code", "Code", id="coding.code"),
        *[
            Binding(str(n), f"recent({n})", "Apply a recent code (1 = latest)",
                    id=f"coding.recent_{n}", show=False)
            for n in range(1, 10)
        ],
        Binding("a", "accept_suggestion", "Apply first suggestion", id="coding.accept_suggestion",
                show=False),
        Binding("i", "in_vivo", "In vivo", id="coding.in_vivo"),
        Binding("x", "remove", "Remove", id="coding.remove"),
        Binding("C", "change_code", "Change code of a coding", id="coding.change_code", show=False),
        Binding("m", "memo", "Memo", id="coding.memo"),
        Binding("D", "toggle_done", "Mark the document done (agreement)", id="coding.done", show=False),
        Binding("M", "document_memo", "Memo on the document", id="coding.document_memo",
                show=False),
        Binding("plus", "valence", "Cycle valence (+ − ± none)", id="coding.valence", show=False),
        Binding("tab", "app.focus_next", "Transcript ⇄ codebook", id="coding.switch_pane",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="coding")
        self.status = ""  # the last action's confirmation, under the transcript
        self.suggested: list[tuple[str, str]] = []  # (code id, keyword) shown now; a takes [0]
        self._suggester = KeywordSuggester()
        self._ask_interviewer = False  # a asked for suggestions on the interviewer's words
        self._pending: Pending | None = None  # a document asked for before the screen mounted
        self._positions: dict[int, int] = {}  # document id -> cursor sentence, this session
        self._ready = False  # set in on_mount (is_mounted is still False there)

    @property
    def transcript(self) -> CodingTranscript:
        return self.query_one(CodingTranscript)

    @property
    def code_tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    @property
    def model(self) -> TranscriptModel | None:
        """The open document (its sentences and codings), held by the transcript."""
        return self.transcript.model if self._ready else None

    def has_document(self) -> bool:
        """A document is open, or asked for and opening as soon as the screen is shown."""
        return self.model is not None or self._pending is not None

    def why_not_shown(self) -> str | None:
        if not self.has_document():
            return "Open a document first: choose one here and press Enter."
        return None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="coding-body"):
            with Vertical(id="transcript-pane"):
                yield DocumentTitle(id="doc-title")
                yield CodingTranscript(id="transcript")
                yield RecentCodes(id="recent-codes")
                yield CursorInfo(id="cursor-info")
            with Vertical(id="side-pane"):
                yield CodeTree(id="code-tree")
                yield CodeInfo(id="code-info")
        yield WijkFooter()

    @reads_project
    def on_mount(self) -> None:
        transcript = self.transcript
        transcript.color_of = self.session.color
        self._load_codes()
        self._ready = True
        if self._pending is not None:
            self.load_document(*self._pending)
        else:
            self.query_one(DocumentTitle).show(None)
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
        self._suggester = KeywordSuggester(codes)

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
        transcript, model = self.transcript, self.model
        if model is not None and model.document.id != document_id:
            self._positions[model.document.id] = transcript.cursor
        if model is None or model.document.id != document_id:
            model = TranscriptModel.read(project, document_id)
            # Reopened without a place to go: back where this coder left it.
            cursor = (
                model.sentence_at(start) if start is not None else self._positions.get(document_id, 0)
            )
            transcript.show(model, cursor)
        elif start is not None:
            transcript.move_to(model.sentence_at(start))
        if start is not None and end is not None and highlight:
            transcript.set_exact(start, end)
        self.loaded_generation = self.session.generation
        self.status = ""
        self.sub_title = self.wapp.subtitle(model.document.name)
        self._update_title()
        transcript.focus()

    @reads_project
    def reload(self) -> None:
        """Re-read codings and codes (after undo/redo, a codebook edit or another coder's work)."""
        model = self.model
        if model is None:
            return
        project = self.session.project
        try:
            document = project.document(model.document.id)
        except NotFound:  # removed, or its import undone: back to the list
            self.transcript.clear()
            self.loaded_generation = self.session.generation
            self.notify(f"{model.document.name} is no longer in the project.", timeout=5)
            self.call_later(self.app.switch_mode, "documents")
            return
        codings = project.codings(document_id=document.id)
        self.transcript.reshow(model.with_codings(document, codings))
        self._load_codes()
        self.loaded_generation = self.session.generation
        self.status = ""
        self._update_title()
        self.update_cursor_info()

    def _update_title(self) -> None:
        model = self.model
        if model is not None:
            self.query_one(DocumentTitle).show(model.document, len(model), model.coded_share())

    # -- cursor info, suggestions -------------------------------------------------------------
    def on_transcript_view_cursor_moved(self, event: CodingTranscript.CursorMoved) -> None:
        self.status = ""
        self._ask_interviewer = False
        self.update_cursor_info()

    def on_coding_transcript_said(self, event: CodingTranscript.Said) -> None:
        self.confirm(event.text)

    def suggestions(
        self, first: int, last: int | None = None, *, interviewer: bool = False
    ) -> list[tuple[str, str]]:
        """``(code_id, keyword)`` for codes whose keywords occur in sentences ``first..last``
        (see :meth:`~..widgets.keyword_suggestions.KeywordSuggester.suggest`)."""
        model = self.model
        if model is None:
            return []
        last = first if last is None else last
        span = self.transcript.target_span()  # codes already on all of it are not offered
        return self._suggester.suggest(model, first, last, span, interviewer=interviewer)

    def update_cursor_info(self) -> None:
        transcript = self.transcript
        first, last = transcript.selection()
        self.suggested = self.suggestions(first, last, interviewer=self._ask_interviewer)
        hidden = (
            not self.suggested
            and not self._ask_interviewer
            and bool(self.suggestions(first, last, interviewer=True))
        )
        self.query_one(CursorInfo).show(
            transcript, self.session, self.suggested, interviewer_hidden=hidden, status=self.status
        )
        self.query_one(RecentCodes).show(self.session.recent, self.session)

    def confirm(self, message: str) -> None:
        """Confirm an action on the screen; called only after the core committed it."""
        self.loaded_generation = self.session.generation  # our own change: no reload needed
        self.status = message
        self.update_cursor_info()
        self._update_title()

    def what(self, coding: Coding) -> str:
        """A coding as a researcher names it: its code's label and the start of its quote."""
        label = self.session.label(coding.code_id)
        if self.model is None:
            return label
        quote = " ".join(self.model.text[coding.start : coding.end].split())
        return f"{label} on “{quote[:30]}{'…' if len(quote) > 30 else ''}”"

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
        codes = list(dict.fromkeys(c.code_id for c in self.transcript.codings_in_target()))
        return (codes[0] if len(codes) == 1 else None), codes

    def on_code_tree_code_highlighted(self, event: CodeTree.CodeHighlighted) -> None:
        code = self.session.code(event.code_id) if event.code_id else None
        self.query_one(CodeInfo).show(code, self.session.counts().get(event.code_id or "", 0))

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self.apply_code(event.code_id)

    def on_key(self, event: events.Key) -> None:
        """Esc in the code tree drops the selection, or else goes back to the transcript."""
        if event.key == "escape" and self.code_tree.has_focus:
            event.stop()
            if not self.transcript.clear_selection():
                self.transcript.focus()

    # -- applying codes ------------------------------------------------------------------------
    def apply_code(self, code_id: str) -> Coding | None:
        """Code the target span (exact span, selection or cursor sentence) with ``code_id``."""
        span = self.transcript.target_span()
        if self.model is None or span is None:
            self.app.bell()
            return None
        coding = self.wapp.attempt(
            self.session.add_coding, self.model.document.id, span[0], span[1], code_id
        )
        if coding is None:
            return None
        # The selection (or exact span) stays, so the same span can take a second code;
        # Esc or a move without a selection drops it.
        self.transcript.add_coding(coding)
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
                suggested=[c for c, _ in self.suggested],
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
        if self.suggested:
            self.apply_code(self.suggested[0][0])
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
        quote = short(self.model.text[span[0] : span[1]].strip(" .,;:!?\"'“”„"), 60)

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
                    title=f"Place “{short(label, 40)}” under…",
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

    # -- actions on existing codings -------------------------------------------------------------
    def with_coding(self, verb: str, then: Callable[[Coding], None]) -> None:
        """Run ``then`` on the one coding under the cursor, asking which if there are several."""
        codings = self.transcript.codings_in_target()
        if not codings:
            self.confirm(f"nothing to {verb} here: this sentence is not coded")
            self.app.bell()
            return
        if len(codings) == 1:
            then(codings[0])
            return
        assert self.model is not None
        choices = [(describe_coding(c, self.session, self.model.text), c) for c in codings]

        def chosen(coding: Coding | None) -> None:
            if coding is not None:
                then(coding)

        self.app.push_screen(ChoiceDialog(f"Which coding to {verb}?", choices), chosen)

    def action_remove(self) -> None:
        def remove(coding: Coding) -> None:
            removed = self.wapp.attempt(self.session.remove_coding, coding.id)
            if removed is None or self.model is None:
                return
            self.transcript.remove_coding(coding.id)
            self.code_tree.update_counts(self.session.counts(), [coding.code_id])
            self.confirm(f"✓ removed {self.what(coding)} · u to undo")

        self.with_coding("remove", remove)

    def action_change_code(self) -> None:
        def change(coding: Coding) -> None:
            def chosen(code_id: str | None) -> None:
                if not code_id or code_id == coding.code_id:
                    return
                updated = self.wapp.attempt(self.session.update_coding, coding.id, code_id=code_id)
                if updated is not None:
                    self.transcript.replace_coding(updated)
                    self.code_tree.update_counts(self.session.counts(), [coding.code_id, code_id])
                    self.confirm(f"✓ {self.what(coding)} is now {self.session.label(code_id)}")

            self.app.push_screen(
                CodePicker(
                    self.session.codes(),
                    title="Change the code to…",
                    depth_of=self.session.depth,
                    recent=self.session.recent,
                ),
                chosen,
            )

        self.with_coding("change", change)

    def action_memo(self) -> None:
        if not self.transcript.codings_in_target():
            # Nothing coded here: say plainly that the memo goes on the whole document.
            self.action_document_memo(
                context="This sentence is not coded, so this memo goes on the whole document "
                "(M). To annotate a passage, code it first (c), then m."
            )
            return

        def memo(coding: Coding) -> None:
            assert self.model is not None
            quote = " ".join(self.model.text[coding.start : coding.end].split())

            def saved(text: str | None) -> None:
                if text is None or text == coding.memo:
                    return
                updated = self.wapp.attempt(self.session.update_coding, coding.id, memo=text)
                if updated is not None:
                    self.transcript.replace_coding(updated)
                    self.confirm(f"✓ memo saved on {self.what(coding)}")

            title = f"Memo on {self.what(coding)}"
            self.app.push_screen(MemoDialog(title, coding.memo, quote[:300]), saved)

        self.with_coding("write a memo on", memo)

    def action_document_memo(self, context: str = "") -> None:
        if self.model is None:
            return
        document = self.model.document

        def saved(text: str | None) -> None:
            if text is None or text == document.memo or self.model is None:
                return
            updated = self.wapp.attempt(self.session.set_document_memo, document.id, text)
            if updated is not None:
                self.model.document = updated
                self.confirm("✓ document memo saved")

        self.app.push_screen(
            MemoDialog(f"Memo on document {document.name}", document.memo, context), saved
        )

    def action_toggle_done(self) -> None:
        """Mark the open document done by this coder (agreement counts done documents), or not."""
        if self.model is None:
            return
        done = self.wapp.attempt(self.session.toggle_done, self.model.document.id)
        if done is not None:
            name = self.model.document.name
            self.confirm(f"✓ {name} marked done" if done else f"✓ {name} no longer marked done")

    def action_valence(self) -> None:
        def cycle(coding: Coding) -> None:
            current = coding.valence if coding.valence in VALENCE_CYCLE else None
            nxt = VALENCE_CYCLE[(VALENCE_CYCLE.index(current) + 1) % len(VALENCE_CYCLE)]
            updated = self.wapp.attempt(self.session.update_coding, coding.id, valence=nxt)
            if updated is not None:
                self.transcript.replace_coding(updated)
                self.confirm(f"✓ valence of {self.what(coding)}: {nxt or 'none'}")

        self.with_coding("set the valence of", cycle)
