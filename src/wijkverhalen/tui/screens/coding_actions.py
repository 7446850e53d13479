"""Actions on existing codings of the coding screen: remove, change code, memo, valence.

Each action works on the codings under the cursor (or the selection, or the exact
span); when there are several, a small chooser asks which one first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ...models import Coding
from ..widgets.code_picker import CodePicker
from .dialogs import ChoiceDialog, MemoDialog

if TYPE_CHECKING:
    from ..session import Session
    from ..widgets.transcript import TranscriptView
    from ..widgets.transcript_model import TranscriptModel

VALENCE_CYCLE: list[str | None] = [None, "positive", "negative", "mixed"]
VALENCE_MARK = {"positive": "+", "negative": "−", "mixed": "±", None: ""}


def describe_coding(coding: Coding, session: Session, text: str, *, quote: bool = True) -> Text:
    """One line about a coding: colour bar, label, coder, valence, memo, and the quote."""
    line = Text()
    line.append("▌ ", style=session.color(coding.code_id))
    line.append(session.label(coding.code_id), style="bold")
    line.append(f"  {coding.coder}", style="dim")
    if coding.valence:
        line.append(f"  {VALENCE_MARK.get(coding.valence, '')} {coding.valence}")
    if coding.memo:
        memo = " ".join(coding.memo.split())
        line.append(f"  ✎ {memo[:50]}{'…' if len(memo) > 50 else ''}", style="italic")
    if quote:
        piece = " ".join(text[coding.start : coding.end].split())
        line.append(f"  “{piece[:50]}{'…' if len(piece) > 50 else ''}”", style="dim")
    return line


class CodingActions:
    """Mixin for :class:`~.coding.CodingScreen` (which provides the attributes below)."""

    model: TranscriptModel | None
    app: Any

    if TYPE_CHECKING:

        @property
        def session(self) -> Session: ...

        @property
        def wapp(self) -> Any: ...

        @property
        def transcript(self) -> TranscriptView: ...

        @property
        def code_tree(self) -> Any: ...

    def confirm(self, message: str) -> None:  # implemented by the screen
        raise NotImplementedError

    def _update_title(self) -> None:  # implemented by the screen
        raise NotImplementedError

    def what(self, coding: Coding) -> str:
        """A coding as a researcher names it: its code's label and the start of its quote."""
        label = self.session.label(coding.code_id)
        if self.model is None:
            return label
        quote = " ".join(self.model.text[coding.start : coding.end].split())
        return f"{label} on “{quote[:30]}{'…' if len(quote) > 30 else ''}”"

    def codings_in_target(self) -> list[Coding]:
        """Codings under the exact span, the selection, or the cursor sentence."""
        if self.model is None or not len(self.model):
            return []
        first, last = self.transcript.selection()
        codings = self.model.codings_at(first, last)
        if self.transcript.exact is not None:
            a, b = self.transcript.exact
            codings = [c for c in codings if c.start < b and c.end > a]
        return codings

    def with_coding(self, verb: str, then: Callable[[Coding], None]) -> None:
        """Run ``then`` on the one coding under the cursor, asking which if there are several."""
        codings = self.codings_in_target()
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

    def _replace(self, coding: Coding) -> None:
        assert self.model is not None
        self.model.replace(coding)
        self.transcript.refresh()

    # -- actions -----------------------------------------------------------------------------
    def action_remove(self) -> None:
        def remove(coding: Coding) -> None:
            removed = self.wapp.attempt(self.session.remove_coding, coding.id)
            if removed is None or self.model is None:
                return
            self.model.remove(coding.id)
            self.transcript.refresh()
            self.code_tree.update_counts(self.session.counts(), [coding.code_id])
            self.confirm(
                f"✓ removed {self.what(coding)} · u to undo"
            )

        self.with_coding("remove", remove)

    def action_change_code(self) -> None:
        def change(coding: Coding) -> None:
            def chosen(code_id: str | None) -> None:
                if not code_id or code_id == coding.code_id:
                    return
                updated = self.wapp.attempt(self.session.update_coding, coding.id, code_id=code_id)
                if updated is not None:
                    self._replace(updated)
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
        if not self.codings_in_target():
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
                    self._replace(updated)
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
            self.confirm(f"✓ {self.model.document.name} marked done" if done
                         else f"✓ {self.model.document.name} no longer marked done")

    def action_valence(self) -> None:
        def cycle(coding: Coding) -> None:
            current = coding.valence if coding.valence in VALENCE_CYCLE else None
            nxt = VALENCE_CYCLE[(VALENCE_CYCLE.index(current) + 1) % len(VALENCE_CYCLE)]
            updated = self.wapp.attempt(self.session.update_coding, coding.id, valence=nxt)
            if updated is not None:
                self._replace(updated)
                self.confirm(f"✓ valence of {self.what(coding)}: {nxt or 'none'}")

        self.with_coding("set the valence of", cycle)
