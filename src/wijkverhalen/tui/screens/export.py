"""The export screen: run any exporter of :mod:`wijkverhalen.exporters.registry`.

The form mirrors ``wijkverhalen export ...`` and is built from the same registry:
choose what to export (every exporter in every format it writes), the output file
(a name beside the project is suggested), the options the registry marks for the
workbench (a case, codes, the matrix columns, pseudonymisation...), then press
Enter on "Export" (or ``ctrl+e``). The
export runs in a worker on its own connection and reports progress by posting
:class:`ExportProgressed`; ``escape`` cancels it (the half-written file is
removed, exporters write atomically). A failed export ends in the app's error
dialog; a finished one shows what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from ...errors import WijkError
from ...exporters.registry import (
    Choice,
    Option,
    choices,
    run_export,
    suggested_output,
    workbench_options,
)
from ..plain import plain
from ..widgets.footer import WijkFooter
from ..widgets.state_checkbox import StateCheckbox
from .base import WijkScreen


class ExportCancelled(WijkError):
    """The user cancelled a running export."""


@dataclass
class ExportProgressed(Message):
    done: int
    total: int
    what: str


@dataclass
class ExportFinished(Message):
    path: Path
    summary: str


class ExportScreen(WijkScreen):
    """Run any export with a progress bar."""

    SCREEN_NAME = "export"
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", id="export.run"),
        Binding("escape", "cancel", "Cancel export", id="export.cancel"),
    ]
    DEFAULT_CSS = """
    ExportScreen #export-form { padding: 1 2; height: 1fr; }
    ExportScreen .export-row { height: auto; margin-bottom: 1; }
    ExportScreen .export-label { width: 18; padding: 1 1 0 0; text-style: bold; }
    ExportScreen .export-row Input, ExportScreen .export-row Select { width: 1fr; }
    ExportScreen #export-progress-row { height: 3; padding: 0 2; }
    ExportScreen #export-status { height: auto; min-height: 3; padding: 0 2; color: $text-muted; }
    ExportScreen .hidden { display: none; }
    """

    def __init__(self) -> None:
        super().__init__(id="export")
        self.worker: Worker[None] | None = None
        self.last_output: Path | None = None
        self.choices: tuple[Choice, ...] = choices()
        self.options: tuple[Option, ...] = workbench_options()

    @staticmethod
    def _field(option: Option) -> Checkbox | Input:
        if option.kind == "flag":
            # [x]/[ ]: the state shows without colour too
            return StateCheckbox(option.placeholder or option.label, bool(option.default),
                                 id=f"export-{option.name}")
        value = "" if option.default is None or option.kind == "list" else str(option.default)
        return Input(value=value, id=f"export-{option.name}", placeholder=option.placeholder)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="export-form"):
            with Horizontal(classes="export-row"):
                yield Label("Export", classes="export-label")
                yield Select([(c.title, c.key) for c in self.choices], value=self.choices[0].key,
                             allow_blank=False, id="export-kind")
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-label")
                yield Input(id="export-output", placeholder="where to write")
            for option in self.options:
                with Horizontal(classes="export-row", id=f"row-{option.name}"):
                    yield Label(option.label, classes="export-label")
                    yield self._field(option)
            with Horizontal(classes="export-row"):
                yield Label("", classes="export-label")
                yield Button("Export", variant="primary", id="export-run")
                yield Button("Cancel", id="export-cancel", disabled=True)
        with Vertical(id="export-progress-row"):
            yield ProgressBar(total=1, id="export-progress", show_eta=False)
        yield Static("Choose what to export and press Export (ctrl+e).", id="export-status")
        yield WijkFooter()

    def on_mount(self) -> None:
        self.loaded_generation = self.session.generation
        self._kind_changed(self.choices[0].key)

    # -- the form ------------------------------------------------------------------------------
    def choice(self, key: str) -> Choice:
        return next(c for c in self.choices if c.key == key)

    def _kind_changed(self, key: str) -> None:
        choice = self.choice(key)
        for option in self.options:
            self.query_one(f"#row-{option.name}").set_class(choice.exporter.option(option.name) is None, "hidden")
        output = self.query_one("#export-output", Input)
        current = Path(output.value) if output.value else None
        if current is None or current.suffix.lower() != choice.format.suffix or current == self.last_output:
            output.value = str(suggested_output(self.session.path, choice.exporter, choice.format))

    @on(Select.Changed, "#export-kind")
    def kind_selected(self, event: Select.Changed) -> None:
        if event.value is not Select.BLANK:
            self._kind_changed(str(event.value))

    def form(self) -> dict[str, Any]:
        """The chosen exporter, format and file, and the values of the options it takes."""
        choice = self.choice(str(self.query_one("#export-kind", Select).value))
        options: dict[str, Any] = {}
        for option in self.options:
            if choice.exporter.option(option.name) is not None:
                widget = self.query_one(f"#export-{option.name}")
                options[option.name] = widget.value if isinstance(widget, (Checkbox, Input)) else None
        for option in choice.exporter.options:
            if option.kind == "coder":
                options[option.name] = self.session.coder
        return {
            "exporter": choice.exporter.name,
            "format": choice.format.name,
            "output": Path(self.query_one("#export-output", Input).value.strip()).expanduser(),
            "options": options,
        }

    # -- running ---------------------------------------------------------------------------------
    @on(Button.Pressed, "#export-run")
    def action_export(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.notify("An export is already running.", severity="warning")
            return
        values = self.form()
        if not values["output"].name:
            self.notify("Give a file to write.", severity="warning")
            return
        self.query_one("#export-run", Button).disabled = True
        self.query_one("#export-cancel", Button).disabled = False
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#export-status", Static).update(plain(f"exporting to {values['output']}…"))
        self.worker = self.export(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export")
    def export(self, values: dict[str, Any]) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int, what: str) -> None:
            if worker.is_cancelled:
                raise ExportCancelled("export cancelled")
            self.post_message(ExportProgressed(done, total, what))

        with self.session.reader() as project:
            result = run_export(project, values["exporter"], values["output"], format=values["format"],
                                progress=progress, **values["options"])
        if not worker.is_cancelled:
            self.post_message(ExportFinished(values["output"], result.summary))

    def on_export_progressed(self, message: ExportProgressed) -> None:
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#export-status", Static).update(plain(f"{message.done}/{message.total} {message.what}"))

    def on_export_finished(self, message: ExportFinished) -> None:
        self._idle()
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.last_output = message.path
        self.query_one("#export-status", Static).update(plain(f"wrote {message.path}: {message.summary}"))
        self.notify(f"wrote {message.path.name}", title="Export finished", timeout=5)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            super().on_worker_state_changed(event)
            return
        if event.state == WorkerState.CANCELLED or (
                event.state == WorkerState.ERROR and isinstance(event.worker.error, ExportCancelled)):
            self._idle()
            self.query_one("#export-status", Static).update("export cancelled; nothing was written")
            return
        if event.state == WorkerState.ERROR:
            self._idle()
            self.query_one("#export-status", Static).update("export failed")
        super().on_worker_state_changed(event)

    def _idle(self) -> None:
        self.query_one("#export-run", Button).disabled = False
        self.query_one("#export-cancel", Button).disabled = True

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self.query_one("#export-status", Static).update("cancelling…")
