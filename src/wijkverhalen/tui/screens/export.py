"""The export screen: write the report, segment tables, matrices or REFI-QDA files.

The form mirrors ``wijkverhalen export ...``: choose what to export, the output file
(a name beside the project is suggested), optionally a case, codes, the matrix
columns and pseudonymisation, then press Enter on "Export" (or ``ctrl+e``). The
export runs in a worker on its own connection and reports progress by posting
:class:`ExportProgressed`; ``escape`` cancels it (the half-written file is
removed, exporters write atomically). A failed export ends in the app's error
dialog; a finished one shows what was written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from ..plain import plain
from ..widgets.footer import WijkFooter
from .base import WijkScreen

if TYPE_CHECKING:
    from ...store import Project


@dataclass(frozen=True)
class ExportKind:
    key: str
    title: str
    suffix: str
    options: tuple[str, ...]  # which optional fields apply: case, codes, cols, pseudonymise


KINDS: tuple[ExportKind, ...] = (
    ExportKind("report-docx", "Coded summary (Word .docx)", ".docx", ("case", "codes", "pseudonymise")),
    ExportKind("report-md", "Coded summary (Markdown)", ".md", ("case", "codes", "pseudonymise")),
    ExportKind("segments-xlsx", "Segments, one row per coding (Excel)", ".xlsx", ("case", "codes", "pseudonymise")),
    ExportKind("segments-csv", "Segments, one row per coding (CSV)", ".csv", ("case", "codes", "pseudonymise")),
    ExportKind("matrix-xlsx", "Code matrix (Excel)", ".xlsx", ("case", "cols", "pseudonymise")),
    ExportKind("qdpx", "REFI-QDA project (.qdpx)", ".qdpx", ("pseudonymise",)),
    ExportKind("qdc", "REFI-QDA codebook (.qdc)", ".qdc", ()),
)
KIND_BY_KEY = {k.key: k for k in KINDS}


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


def suggested_output(project_path: Path, kind: ExportKind) -> Path:
    stem = {"report-docx": "samenvatting", "report-md": "samenvatting", "segments-xlsx": "segmenten",
            "segments-csv": "segmenten", "matrix-xlsx": "matrix"}.get(kind.key, project_path.stem)
    name = f"{project_path.stem}-{stem}{kind.suffix}" if stem != project_path.stem else f"{stem}{kind.suffix}"
    return project_path.parent / name


def run_export(project: Project, kind: str, output: Path, *, case: str | None = None, codes: tuple[str, ...] = (),
               cols: str = "rol", pseudonymise: bool = False, coder: str | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> str:
    """Run one export on an open project; returns a one-line summary. (No Textual in here.)"""
    if kind in ("report-docx", "report-md"):
        if kind == "report-docx":
            from ...exporters.docx import export_docx as write
        else:
            from ...exporters.markdown import export_markdown as write
        report = write(project, output, case=case, codes=codes, pseudonymise=pseudonymise, progress=progress)
        return f"{len(report.overview)} code(s), {report.codings} passage(s) in {report.documents} document(s)"
    if kind in ("segments-xlsx", "segments-csv"):
        from ...exporters.tables import export_segments

        n = export_segments(project, output, codes=codes, case=case, pseudonymise=pseudonymise, progress=progress)
        return f"{n} coding(s)"
    if kind == "matrix-xlsx":
        from ...exporters.matrix import export_matrix

        matrix = export_matrix(project, output, cols=cols, case=case, pseudonymise=pseudonymise)
        return f"{matrix.counts.shape[0]} codes x {matrix.counts.shape[1]} column(s)"
    if kind == "qdpx":
        from ...exporters.refi import export_qdpx

        s = export_qdpx(project, output, pseudonymise=pseudonymise, coder=coder, progress=progress)
        return f"{s.documents} document(s), {s.codes} code(s), {s.codings} coding(s), {s.notes} memo(s)"
    if kind == "qdc":
        from ...exporters.refi import export_qdc

        return f"{export_qdc(project, output)} code(s)"
    raise ValueError(kind)


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

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="export-form"):
            with Horizontal(classes="export-row"):
                yield Label("Export", classes="export-label")
                yield Select([(k.title, k.key) for k in KINDS], value=KINDS[0].key, allow_blank=False,
                             id="export-kind")
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-label")
                yield Input(id="export-output", placeholder="where to write")
            with Horizontal(classes="export-row", id="row-case"):
                yield Label("Case", classes="export-label")
                yield Input(id="export-case", placeholder="all documents (or a case: name, acronym, prefix)")
            with Horizontal(classes="export-row", id="row-codes"):
                yield Label("Codes", classes="export-label")
                yield Input(id="export-codes", placeholder="all codes (or ids, comma-separated)")
            with Horizontal(classes="export-row", id="row-cols"):
                yield Label("Columns", classes="export-label")
                yield Input(value="rol", id="export-cols", placeholder="attribute, 'documents' or 'codes'")
            with Horizontal(classes="export-row", id="row-pseudonymise"):
                yield Label("AVG", classes="export-label")
                yield Checkbox("Pseudonymise names (pseudonym table)", id="export-pseudonymise")
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
        self._kind_changed(KINDS[0].key)

    # -- the form ------------------------------------------------------------------------------
    def _kind_changed(self, key: str) -> None:
        kind = KIND_BY_KEY[key]
        for option in ("case", "codes", "cols", "pseudonymise"):
            self.query_one(f"#row-{option}").set_class(option not in kind.options, "hidden")
        output = self.query_one("#export-output", Input)
        current = Path(output.value) if output.value else None
        if current is None or current.suffix.lower() != kind.suffix or current == self.last_output:
            output.value = str(suggested_output(self.session.path, kind))

    @on(Select.Changed, "#export-kind")
    def kind_selected(self, event: Select.Changed) -> None:
        if event.value is not Select.BLANK:
            self._kind_changed(str(event.value))

    def form(self) -> dict[str, Any]:
        kind = str(self.query_one("#export-kind", Select).value)
        codes = self.query_one("#export-codes", Input).value
        return {
            "kind": kind,
            "output": Path(self.query_one("#export-output", Input).value.strip()).expanduser(),
            "case": self.query_one("#export-case", Input).value.strip() or None,
            "codes": tuple(c.strip() for c in codes.split(",") if c.strip()),
            "cols": self.query_one("#export-cols", Input).value.strip() or "rol",
            "pseudonymise": self.query_one("#export-pseudonymise", Checkbox).value,
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
            summary = run_export(project, values["kind"], values["output"], case=values["case"],
                                 codes=values["codes"], cols=values["cols"], pseudonymise=values["pseudonymise"],
                                 coder=self.session.coder, progress=progress)
        if not worker.is_cancelled:
            self.post_message(ExportFinished(values["output"], summary))

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
