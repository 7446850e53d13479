"""The lines around the coding screen's transcript: the document's title, the number keys'
codes, and what is under the cursor (codings, selection, suggestions, the last action).

Each is a ``Static`` that the screen tells what to show (``show(...)``) and that
paints it without a re-layout (fixed heights in ``app.tcss``): updating them on
every keypress costs one repaint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from ...models import Coding, Document
from ...textsafe import printable

if TYPE_CHECKING:
    from ..session import Session
    from .coding_transcript import CodingTranscript

MAX_INFO_CODINGS = 3  # + where, suggestions, status: the six lines of #cursor-info
VALENCE_CYCLE: list[str | None] = [None, "positive", "negative", "mixed"]
VALENCE_MARK = {"positive": "+", "negative": "−", "mixed": "±", None: ""}
TITLE_ATTRIBUTES = ("rol", "role", "wijk", "jaar", "year", "casus", "case")  # shown first


def short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


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


class DocumentTitle(Static):
    """The open document's name, its attributes, its size and how much of it is coded."""

    def show(self, document: Document | None, sentences: int = 0, coded: float = 0.0) -> None:
        if document is None:
            self.update(
                Text("No document open: press d for the documents.", style="italic"), layout=False
            )
            return
        title = Text()
        title.append(printable(document.name), style="bold")
        attributes = document.attributes
        keys = [k for k in TITLE_ATTRIBUTES if k in attributes]
        keys += [k for k in attributes if k not in TITLE_ATTRIBUTES]
        for key in keys:
            title.append(f"  {printable(key)}=", style="dim")
            title.append(printable(attributes[key]))
        title.append(f"  ·  {sentences} sentences · {coded:.0%} coded", style="dim")
        if document.memo:
            title.append("  ✎ memo", style="dim italic")
        self.update(title, layout=False)


class RecentCodes(Static):
    """``1 Vertrouwen 2 Stressor …``: which code each number key applies now."""

    def show(self, recent: list[str], session: Session) -> None:
        line = Text()
        for n, code_id in enumerate(recent[:9], 1):
            if n > 1:
                line.append("  ")
            line.append(f"{n}", style="bold reverse")
            line.append(" ■ ", style=session.color(code_id))
            line.append(short(session.label(code_id), 18))
        if not line:
            line.append("1-9: recent codes appear here once you code (c)", style="dim")
        self.update(line, layout=False)


class CursorInfo(Static):
    """The codings under the cursor, where it is, the suggestions and the last action."""

    def show(
        self,
        transcript: CodingTranscript,
        session: Session,
        suggestions: list[tuple[str, str]],
        *,
        interviewer_hidden: bool = False,
        status: str = "",
    ) -> None:
        model = transcript.model
        if model is None or not len(model):
            self.update("", layout=False)
            return
        first, last = transcript.selection()
        lines: list[Text] = []
        codings = transcript.codings_in_target()
        for coding in codings[:MAX_INFO_CODINGS]:
            lines.append(describe_coding(coding, session, model.text, quote=False))
        if len(codings) > MAX_INFO_CODINGS:
            lines.append(Text(f"  … and {len(codings) - MAX_INFO_CODINGS} more", style="dim"))
        if not codings:
            lines.append(Text("not coded", style="dim"))
        where = Text()
        if transcript.exact is not None:
            a, b = transcript.exact
            where.append("exact words: ", style="bold")
            where.append(f"“{short(model.text[a:b], 70)}”")
            where.append("  w/e/W words · c code · i in-vivo · Esc", style="dim")
        elif transcript.selecting:
            where.append("selection: ", style="bold")
            where.append(f"sentences {first + 1}–{last + 1} ({last - first + 1})")
            where.append("  j/k J/K extend · v whole turns · c code · Esc", style="dim")
        else:
            where.append(f"sentence {transcript.cursor + 1}/{len(model)}", style="dim")
        lines.append(where)
        if interviewer_hidden:
            lines.append(Text("interviewer's question: a shows its keyword suggestions", style="dim"))
        if suggestions:
            sug = Text()
            sug.append("suggested: ", style="bold")
            for n, (code_id, keyword) in enumerate(suggestions[:4]):
                if n:
                    sug.append("  ·  ")
                if n == 0:
                    sug.append("[a] ", style="bold")
                sug.append("■ ", style=session.color(code_id))
                sug.append(session.label(code_id))
                sug.append(f" ({keyword})", style="dim")
            lines.append(sug)
        if status:
            lines.append(Text(status, style="bold"))
        self.update(Text("\n").join(lines), layout=False)
