"""The validate screen: findings beside the indicators (triangulation), with a terminal plot.

The table shows one row per code and linked indicator with the verdict; the plot
under it draws the selected indicator per area (BoTu, its parts, NPRZ, Rotterdam)
with textual-plotext, and the panel beside it gives the reasoning and the rule of
the verdict. Validation runs in a worker on its own connection and reports by
posting :class:`ValidationFinished`.

Keys: Enter opens the passages of the code; ``c`` cycles through the cases; ``s``
switches the selected link between level and change; ``a`` adds or changes a code-indicator link,
``-`` flips the selected link's direction, ``x`` removes it (all undoable with
``u``); ``m`` opens the actor mentions to confirm (``y``) or reject (``n``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Label, Select, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from ...linking.triangulation import Finding, Validation, ValidationOptions
from ...linking.validation_report import comparison_value, verdict_label
from ...linking.validation_report import fmt_number as _num
from ...models.linking import IndicatorMeta, Mention
from ..messages import PassageChosen
from ..plain import plain
from ..widgets.footer import WijkFooter
from .base import WijkScreen

VERDICT_STYLE = {"agreement": "bold green", "partial agreement": "yellow", "dissonance": "bold red",
                 "silence": "dim"}
SERIES_COLORS = {"focus": "red", "member": "orange", "nprz": "blue", "reference": "gray"}


@dataclass
class ValidationFinished(Message):
    """A validation run ended (in a worker)."""

    result: Validation
    cases: list[str]


@dataclass
class MentionsLoaded(Message):
    mentions: list[Mention]


class LinkDialog(ModalScreen[tuple[str, str, str] | None]):
    """Choose code, indicator and direction; dismisses with ``(code, indicator, direction)``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, codes: list[tuple[str, str]], indicators: list[tuple[str, str]],
                 code_id: str | None = None, indicator: str | None = None, direction: str = "+") -> None:
        super().__init__()
        self.codes, self.indicators = codes, indicators
        self.code_id, self.indicator, self.direction = code_id, indicator, direction

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Link a code to an indicator", classes="dialog-title")
            yield Select([(f"{label} ({cid})", cid) for cid, label in self.codes], value=self.code_id or Select.BLANK,
                         prompt="code", id="link-code")
            yield Select([(f"{label} ({iid})", iid) for iid, label in self.indicators],
                         value=self.indicator or Select.BLANK, prompt="indicator", id="link-indicator")
            yield Select([("+  more of the theme goes with a higher value", "+"),
                          ("-  more of the theme goes with a lower value", "-")],
                         value=self.direction, allow_blank=False, id="link-direction")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Link", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "ok":
            self.dismiss(None)
            return
        code = self.query_one("#link-code", Select).value
        indicator = self.query_one("#link-indicator", Select).value
        direction = self.query_one("#link-direction", Select).value
        if code is Select.BLANK or indicator is Select.BLANK:
            self.notify("Choose a code and an indicator.", severity="warning")
            return
        self.dismiss((str(code), str(indicator), str(direction)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MentionsScreen(ModalScreen[bool]):
    """Actor mentions found in the stories: confirm (y), reject (n), reset (r), open (Enter)."""

    BINDINGS = [
        Binding("y", "status('confirmed')", "Confirm", id="mentions.confirm"),
        Binding("n", "status('rejected')", "Reject", id="mentions.reject"),
        Binding("r", "status('detected')", "Reset", id="mentions.reset"),
        Binding("f", "cycle_filter", "Filter", id="mentions.filter"),
        Binding("escape,q", "close", "Back", id="mentions.close"),
    ]
    FILTERS = (None, "detected", "suggested", "confirmed", "rejected")

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.mentions: list[Mention] = []
        self.filter_index = 0
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Actor mentions", classes="dialog-title")
            yield DataTable(id="mentions-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="mentions-summary")
        yield WijkFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("id", "status", "actor", "document", "context"):  # status in view at 80 columns
            table.add_column(col, key=col)
        self.load()
        table.focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mentions")
    def load(self) -> None:
        status = self.FILTERS[self.filter_index]
        with self.session.reader() as project:
            found = project.actors.mentions(statuses=[status] if status else None, context=40)
        if not get_current_worker().is_cancelled:
            self.post_message(MentionsLoaded(found))

    def on_mentions_loaded(self, message: MentionsLoaded) -> None:
        self.mentions = message.mentions
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        style = {"confirmed": "green", "rejected": "red strike", "detected": "", "suggested": "yellow italic"}
        for m in self.mentions:
            table.add_row(str(m.id), Text(m.status, style=style[m.status]), m.actor_id, plain(m.document_name),
                          plain(m.context), key=str(m.id))
        if self.mentions:
            table.move_cursor(row=min(keep, len(self.mentions) - 1), animate=False)
        status = self.FILTERS[self.filter_index] or "all"
        self.query_one("#mentions-summary", Static).update(
            f"{len(self.mentions)} mention(s) ({status}) · y confirm · n reject · r reset · Enter open · f filter")

    def selected(self) -> Mention | None:
        table = self.query_one(DataTable)
        if not self.mentions or table.cursor_row >= len(self.mentions):
            return None
        return self.mentions[table.cursor_row]

    def action_status(self, status: str) -> None:
        mention = self.selected()
        if mention is None:
            return
        app: Any = self.app
        done = app.attempt(self.session.set_mention_status, [mention.id], status)
        if done is not None:
            self.changed = True
            self.load()
            self.query_one(DataTable).move_cursor(row=self.query_one(DataTable).cursor_row + 1, animate=False)

    def action_cycle_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(self.FILTERS)
        self.load()

    @on(DataTable.RowSelected)
    def open_mention(self) -> None:
        mention = self.selected()
        if mention is not None:
            self.dismiss(self.changed)
            self.app.post_message(PassageChosen(mention.document_id, mention.start, mention.end, highlight=True))

    def action_close(self) -> None:
        self.dismiss(self.changed)


class ValidateScreen(WijkScreen):
    """Triangulation: every code-indicator link with its evidence and verdict."""

    SCREEN_NAME = "validate"
    BINDINGS = [
        Binding("c", "cycle_case", "Case", id="validate.case"),
        Binding("s", "toggle_aspect", "Aspect", id="validate.aspect"),
        Binding("a", "link", "Link", id="validate.link"),
        Binding("minus", "flip", "Flip link", id="validate.flip"),
        Binding("x", "unlink", "Unlink", id="validate.unlink"),
        Binding("m", "mentions", "Mentions", id="validate.mentions"),
        Binding("g", "reload", "Recompute", id="validate.reload"),
    ]

    def __init__(self) -> None:
        super().__init__(id="validate")
        self.options = ValidationOptions()
        self.result: Validation | None = None
        self.cases: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("computing…", id="validate-status")
        yield DataTable(id="validate-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="validate-bottom"):
            yield PlotextPlot(id="validate-plot")
            # Focusable (Tab) so the reasoning can be scrolled with the keys when it does not fit.
            with VerticalScroll(id="validate-detail-pane"):
                yield Static(id="validate-detail")
        yield WijkFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The verdict comes first so that it is in view at 80 columns (the rest scrolls sideways).
        for col in ("verdict", "code", "indicator", "link", "aspect", "passages", "resp.", "+/−/±", "stories",
                    "BoTu", "vs R'dam", "vs NPRZ"):
            table.add_column(col, key=col)
        self.loaded_generation = self.session.generation
        self.compute()
        table.focus()

    def refresh_from_project(self) -> None:
        self.compute()

    def screen_subtitle(self) -> str:
        case = f" · case {self.options.case}" if self.options.case else ""
        return f"validate{case}"

    # -- computing ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="validate")
    def compute(self) -> None:
        from ...linking.triangulation import validate

        with self.session.reader() as project:
            result = validate(project, self.options)
            cases = sorted(project.documents.cases())
        if not get_current_worker().is_cancelled:
            self.post_message(ValidationFinished(result, cases))

    def on_validation_finished(self, message: ValidationFinished) -> None:
        self.result, self.cases = message.result, message.cases
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        area = self.options.area
        table.columns[next(k for k in table.columns if k.value == "BoTu")].label = Text(area)
        for i, f in enumerate(self.result.findings):
            q, n = f.qual, f.quant
            value = ""
            if n.enough:
                value = _num(n.level) if f.aspect == "level" else f"{_num(n.change, True)} ({n.years[0]}-{n.years[-1]})"
            table.add_row(
                Text(f.verdict + (f": {f.silent}" if f.silent else ""), style=VERDICT_STYLE[f.verdict]),
                f.code_id, f.indicator, f.link_direction, f.aspect, str(q.passages), str(q.respondents),
                f"{q.positive}/{q.negative}/{q.mixed}",
                q.claim or "–", value, _num(comparison_value(f, "Rotterdam"), True),
                _num(comparison_value(f, "NPRZ"), True), key=str(i))
        if self.result.findings:
            table.move_cursor(row=min(keep, len(self.result.findings) - 1), animate=False)
        counts = " · ".join(f"{k}: {v}" for k, v in self.result.counts().items() if v)
        status = Text(f"{area} beside Rotterdam and NPRZ" + (f" · case {self.options.case}" if self.options.case
                                                              else " · all documents"), style="bold")
        status.append(f"   {counts or 'no findings'}")
        for warning in self.result.warnings:
            status.append(f"   ⚠ {warning}", style="yellow")
        self.query_one("#validate-status", Static).update(status)
        self.sub_title = self.wapp.subtitle(self.screen_subtitle())
        self.show_selected()

    # -- selection -----------------------------------------------------------------------------
    def selected(self) -> Finding | None:
        if self.result is None or not self.result.findings:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.result.findings[row] if 0 <= row < len(self.result.findings) else None

    def highlighted_code_id(self) -> str | None:
        finding = self.selected()
        return finding.code_id if finding else None

    @on(DataTable.RowHighlighted)
    def show_selected(self) -> None:
        finding = self.selected()
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        detail = self.query_one("#validate-detail", Static)
        if finding is None or self.result is None:
            plt.title("no finding selected")
            detail.update("No code links an indicator yet: press a to link one, or import indicators "
                          "with 'wijkverhalen indicators import'.")
            plot.refresh()
            return
        n = finding.quant
        kinds = [("focus", n.focus), *[("member", m) for m in n.members], ("nprz", n.nprz), ("reference", n.reference)]
        for kind, series in kinds:
            if series is None or not series.values:
                continue
            xs = sorted(series.values)
            plt.plot(xs, [series.values[x] for x in xs], label=series.area, color=SERIES_COLORS[kind],
                     marker="hd" if kind == "focus" else "braille")
        years = sorted({y for _, s in kinds if s is not None for y in s.values})
        if years:
            plt.xticks([float(y) for y in years], [str(y) for y in years])
        passages = " ".join(f"{y}:{c}" for y, c in finding.qual.years.items())
        plt.title(f"{n.label[:60]}" + (f" · passages {passages}" if passages else ""))
        plot.refresh()
        text = Text()
        text.append(f"{finding.code_label} × {n.label} ({finding.aspect})\n", style="bold")
        text.append(f"{verdict_label(finding)}\n", style=VERDICT_STYLE[finding.verdict])
        text.append(f"rule: {finding.rule}\n")
        text.append(f"evidence: {finding.reason}\n")
        for flag in finding.flags:
            text.append(f"⚠ {flag}\n", style="yellow")
        q = finding.qual
        if q.roles:
            text.append("respondents by role: " + ", ".join(f"{k} {v}" for k, v in q.roles.items()) + "\n")
        text.append("indicator: " + IndicatorMeta(n.unit, n.scale, n.better, n.source).describe() + "\n")
        for series in (n.focus, n.nprz):
            if series is not None and series.rule:
                text.append("; ".join((series.rule, *series.flags)) + "\n", style="dim")
        for p in q.citations:
            text.append(f"left out (cites {p.cites}): {p.document} {p.start}-{p.end}\n", style="dim")
        detail.update(text)

    @on(DataTable.RowSelected)
    def open_passages(self) -> None:
        finding = self.selected()
        if finding is not None:
            self.wapp.show_retrieval(finding.code_id)

    # -- actions --------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.compute()

    def action_cycle_case(self) -> None:
        choices: list[str | None] = [None, *self.cases]
        position = choices.index(self.options.case) if self.options.case in choices else 0
        self.options = replace(self.options, case=choices[(position + 1) % len(choices)])
        self.query_one("#validate-status", Static).update(
            f"computing… case {self.options.case or 'all documents'}")
        self.compute()

    def action_toggle_aspect(self) -> None:
        """Switch the selected link between level and change (undoable)."""
        finding = self.selected()
        if finding is None:
            self.notify("No link selected: add one with a", severity="warning")
            return
        if not finding.quant.imported:
            self.notify(f"No values of {finding.indicator} imported, so neither level nor change can be judged: "
                        "wijkverhalen indicators import PROJECT FILE", severity="warning")
            return
        aspect = "change" if finding.aspect == "level" else "level"
        self._write(self.session.set_indicator_link, finding.code_id, finding.indicator, finding.link_direction,
                    aspect)

    def _write(self, action: Any, *args: Any) -> None:
        if self.wapp.attempt(lambda: action(*args) or True) is not None:
            self.loaded_generation = self.session.generation
            self.compute()

    def action_link(self) -> None:
        project = self.session.project
        finding = self.selected()
        codes = [(c.id, c.label) for c in self.session.codes()]
        indicators = [(i.id, i.label) for i in project.indicators.all()]
        if not indicators:
            self.notify("Import indicators first: wijkverhalen indicators import PROJECT FILE", severity="warning")
            return

        def chosen(answer: tuple[str, str, str] | None) -> None:
            if answer is not None:
                self._write(self.session.set_indicator_link, answer[0], answer[1], answer[2])

        self.app.push_screen(LinkDialog(codes, indicators, finding.code_id if finding else None,
                                        finding.indicator if finding else None,
                                        finding.link_direction if finding else "+"), chosen)

    def action_flip(self) -> None:
        finding = self.selected()
        if finding is None:
            return
        if not finding.quant.imported:
            self.notify(f"'{finding.indicator}' is not imported; edit the codebook to change this link.",
                        severity="warning")
            return
        new = "-" if finding.link_direction == "+" else "+"
        self._write(self.session.set_indicator_link, finding.code_id, finding.indicator, new)

    def action_unlink(self) -> None:
        finding = self.selected()
        if finding is not None:
            self._write(self.session.remove_indicator_link, finding.code_id, finding.indicator)
            self.notify(f"unlinked {finding.code_id} × {finding.indicator} (u undoes)", timeout=4)

    def action_mentions(self) -> None:
        def closed(changed: bool | None) -> None:
            if changed:
                self.compute()

        self.app.push_screen(MentionsScreen(self.session), closed)
