"""The documents screen: every interview with its attributes, size and coding progress.

Type in the filter to narrow the list (words match the name or any attribute;
``rol=bewoner jaar=2020`` matches attributes); Enter opens a document; ``a`` edits
the highlighted document's attributes and ``x`` removes it (after asking; a coded
document goes with its codings), both one undoable change through the session. Coding
progress (share of sentences with at least one coding) is computed in a worker
so the list appears at once even on a large project: the table is built once on
open, with the codings counted by one aggregate query, and the worker's result only
fills in the "coded" column (bench/bench_tui.py, ``startup_to_counts_ms``).
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ...models import Document
from ...textsafe import printable
from ..messages import ImportFinished, ImportProgressed, ProgressLoaded
from ..plain import plain
from ..widgets.fixed_table import FixedWidthTable
from ..widgets.footer import WijkFooter
from .attributes_dialog import AttributesDialog
from .base import WijkScreen, reads_project
from .dialogs import ConfirmDialog, ImportDialog, MemoDialog

PREFERRED_ATTRIBUTES = ("rol", "role", "wijk", "jaar", "year", "casus", "case")
MAX_ATTRIBUTE_COLUMNS = 4
MAX_ATTRIBUTE_WIDTH = 16
BAR_WIDTH = 6
NOTICE_ITEMS = 3  # items of each list in the import notice (the CLI lists 20)


EIGHTHS = " ▏▎▍▌▋▊▉"


def progress_bar(share: float, width: int = BAR_WIDTH) -> Text:
    """A bar in eighths of a cell, so a few coded sentences already show."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    if share > 0 and not eighths:
        eighths = 1
    full, part = divmod(eighths, 8)
    bar = Text("█" * full, style="green")
    if full < width:
        bar.append(EIGHTHS[part] if part else "", style="green")
        bar.append("·" * (width - full - (1 if part else 0)), style="dim")
    bar.append(f" {share:4.0%}")
    return bar


def matches(document: Document, query: str) -> bool:
    """``query`` words all match: ``key=value`` an attribute (prefix), a word the name or a value.

    A value with spaces is quoted: ``casus="Delfshaven Helpt"``.
    """
    values = [v.lower() for v in document.attributes.values()]
    name = document.name.lower()
    attributes = {k.lower(): v.lower() for k, v in document.attributes.items()}
    try:  # casus="Delfshaven Helpt": quotes keep a value with spaces together
        tokens = shlex.split(query.lower())
    except ValueError:  # an unclosed quote while typing: words as they are
        tokens = query.lower().replace('"', " ").split()
    for token in tokens:
        if "=" in token:
            key, value = token.split("=", 1)
            if not attributes.get(key, "\0").startswith(value):
                return False
        elif token not in name and not any(token in v for v in values):
            return False
    return True


def _listed(items: list[str], shown: int = NOTICE_ITEMS) -> str:
    more = f"; … and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def import_notice(message: ImportFinished) -> str:
    """What an import did, as the CLI says it: skipped files, warnings, unmatched metadata.

    Plain text (the app's notify shows it as written, control characters escaped);
    each list is cut after a few items with a count, as the CLI cuts after 20.
    """
    lines = [f"imported {message.imported} document(s), {message.words:,} words"]
    if message.duplicates:
        lines.append(f"{len(message.duplicates)} already in the project")
    if message.failed:
        lines.append(f"{len(message.failed)} skipped: "
                     + _listed([f"{Path(f).name}: {why}" for f, why in message.failed]))
    if message.warnings:
        lines.append(f"{len(message.warnings)} warning(s): " + _listed(message.warnings))
    if message.unmatched_rows:
        lines.append(f"{len(message.unmatched_rows)} metadata row(s) match no imported file: "
                     + _listed(message.unmatched_rows))
    if message.files_without_row:
        lines.append(f"{len(message.files_without_row)} file(s) without a metadata row: "
                     + _listed([Path(f).name for f in message.files_without_row]))
    return "\n".join(lines)


class DocumentsScreen(WijkScreen):
    """Choose a document to code."""

    BINDINGS = [
        Binding("f", "filter", "Filter", id="documents.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="documents.clear_filter", show=False),
        Binding("i", "import", "Import", id="documents.import"),
        Binding("G", "merge", "Merge copies", id="documents.merge", show=False),
        Binding("m", "memo", "Memo", id="documents.memo"),
        Binding("a", "attributes", "Attributes", id="documents.attributes"),
        Binding("x", "remove", "Remove", id="documents.remove"),
    ]

    SCREEN_NAME = "documents"
    AUTO_FOCUS = "#documents-table"

    def __init__(self) -> None:
        super().__init__(id="documents")
        self.docs: list[Document] = []
        # id -> (codings, sentences, coded sentences); coded is -1 until the worker has it
        self.progress: dict[int, tuple[int, int, int]] = {}
        self.attribute_columns: list[str] = []
        self._layout: tuple[int, ...] = ()  # the column widths the table was built with

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="filter: words in name or attributes, or attribute=value (rol=bewoner jaar=2020)",
            id="doc-filter",
        )
        yield FixedWidthTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        yield ProgressBar(id="import-progress", show_eta=True)
        yield Static(id="doc-summary")
        yield WijkFooter()

    @reads_project
    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.reload()
        self.query_one(DataTable).focus()

    def refresh_from_project(self) -> None:
        self.reload()

    # -- data ----------------------------------------------------------------------------
    @reads_project
    def reload(self) -> None:
        session = self.wapp.session
        self.docs = session.project.documents.all()
        self.progress = {
            doc_id: (codings, sentences, -1)
            for doc_id, (codings, sentences) in session.project.retrieval.document_counts().items()
        }
        self.loaded_generation = session.generation
        names = session.project.documents.attribute_names()
        preferred = [a for a in PREFERRED_ATTRIBUTES if a in names]
        others = [a for a in names if a not in preferred]
        self.attribute_columns = (preferred + others)[:MAX_ATTRIBUTE_COLUMNS]
        keep = self.selected_document_id()
        self._columns()
        self.fill(keep)
        self.load_progress()

    def on_resize(self) -> None:
        if self.docs and self._widths() != self._layout:  # rebuild only when the columns change
            keep = self.selected_document_id()
            self._columns()
            self.fill(keep)

    def _widths(self) -> tuple[int, ...]:
        """The width of each column (name, attributes, words, codings, coded) at this size."""
        # Fit the table to the screen: attribute columns up to 16 cells, the name gets the rest.
        widths = [
            min(
                MAX_ATTRIBUTE_WIDTH,
                max([len(a)] + [len(d.attributes.get(a, "")) for d in self.docs]),
            )
            for a in self.attribute_columns
        ]
        total = self.size.width or self.app.size.width or 120
        fixed = 6 + 7 + (BAR_WIDTH + 5) + 2 * (len(widths) + 4) + 2
        while total - fixed - sum(widths) < 20 and widths and max(widths) > 6:
            widths[widths.index(max(widths))] -= 1  # narrow terminal: attributes give way first
        available = total - fixed - sum(widths)
        natural = max([8] + [len(d.name) for d in self.docs])
        return (max(16, min(natural, available)), *widths, 6, 7, BAR_WIDTH + 5)

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._layout = self._widths()
        name_width, *widths = self._layout[: 1 + len(self.attribute_columns)]
        table.add_column("document", key="name", width=name_width)
        for attribute, width in zip(self.attribute_columns, widths, strict=True):
            table.add_column(plain(attribute), key=f"attr:{attribute}", width=width)
        table.add_column("words", key="words", width=6)
        table.add_column("codings", key="codings", width=7)
        table.add_column("coded", key="coded", width=BAR_WIDTH + 5)

    def fill(self, keep: int | None = None) -> None:
        """Show the documents that match the filter, keeping the cursor on ``keep`` (or where it is)."""
        table = self.query_one(DataTable)
        keep = keep if keep is not None else self.selected_document_id()
        query = self.query_one("#doc-filter", Input).value
        table.clear()
        shown = [d for d in self.docs if matches(d, query)]
        for doc in shown:
            n_codings, n_sentences, n_coded = self.progress.get(doc.id, (-1, 0, -1))
            table.add_row(
                Text(printable(doc.name), overflow="ellipsis", no_wrap=True),
                *[
                    Text(printable(doc.attributes.get(a, "")), overflow="ellipsis", no_wrap=True)
                    for a in self.attribute_columns
                ],
                Text(f"{doc.word_count:,}", justify="right"),
                Text("…" if n_codings < 0 else f"{n_codings:,}", justify="right"),
                self._coded_cell(n_sentences, n_coded),
                key=str(doc.id),
            )
        if keep is not None and str(keep) in {str(d.id) for d in shown}:
            table.move_cursor(row=table.get_row_index(str(keep)), animate=False)
        words = sum(d.word_count for d in shown)
        codings = sum(max(0, self.progress.get(d.id, (0, 0, 0))[0]) for d in shown)
        summary = Text(
            f"{len(shown)} of {len(self.docs)} documents · {words:,} words · {codings:,} codings",
            style="dim",
        )
        if not self.docs:
            summary = Text(
                "No documents yet: press i to import interviews "
                "(or run 'wijkverhalen import PROJECT FOLDER').",
                style="bold",
            )
        else:
            summary.append("   Enter: open · f: filter · i: import · a: attributes · x: remove", style="dim")
        self.query_one("#doc-summary", Static).update(summary)  # may wrap to 2 lines at 80 columns

    @staticmethod
    def _coded_cell(sentences: int, coded: int) -> Text:
        if coded < 0:
            return Text("…", style="dim")
        return progress_bar(coded / sentences if sentences else 0)

    def selected_document_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # no valid cursor while the table is being rebuilt
            return None
        return int(key.value) if key.value is not None else None

    @work(thread=True, exclusive=True, exit_on_error=False, group="progress")
    def load_progress(self) -> None:
        with self.wapp.session.reader() as project:
            progress = project.retrieval.document_progress()
        if not get_current_worker().is_cancelled:
            self.post_message(ProgressLoaded(progress))

    def on_progress_loaded(self, message: ProgressLoaded) -> None:
        """Fill in the "coded" column (and any count that changed meanwhile), not the whole table."""
        table = self.query_one(DataTable)
        for doc_id, (codings, sentences, coded) in message.progress.items():
            before = self.progress.get(doc_id)
            self.progress[doc_id] = (codings, sentences, coded)
            if str(doc_id) not in table.rows:
                continue
            if before is None or before[0] != codings:
                table.update_cell(str(doc_id), "codings", Text(f"{codings:,}", justify="right"))
            table.update_cell(str(doc_id), "coded", self._coded_cell(sentences, coded))

    # -- actions -------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def open_row(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.wapp.open_document(int(event.row_key.value))

    @on(Input.Changed, "#doc-filter")
    def filter_changed(self) -> None:
        self.fill()

    @on(Input.Submitted, "#doc-filter")
    def filter_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#doc-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#doc-filter", Input)
        if box.value:
            box.value = ""
        self.query_one(DataTable).focus()

    def action_memo(self) -> None:
        doc_id = self.selected_document_id()
        if doc_id is None:
            return
        doc = next(d for d in self.docs if d.id == doc_id)

        def saved(text: str | None) -> None:
            if text is None or text == doc.memo:
                return
            if self.wapp.attempt(self.wapp.session.set_document_memo, doc.id, text) is not None:
                self.notify(f"memo saved on {doc.name}")
                self.reload()

        self.app.push_screen(MemoDialog(f"Memo on document {doc.name}", doc.memo), saved)

    def action_attributes(self) -> None:
        """Edit the highlighted document's attributes (one undoable change)."""
        doc_id = self.selected_document_id()
        if doc_id is None:
            return
        doc = next(d for d in self.docs if d.id == doc_id)

        def saved(changes: dict[str, str | None] | None) -> None:
            if not changes:
                return
            if self.wapp.attempt(self.wapp.session.set_attributes, doc.id, changes) is not None:
                self.notify(f"✓ attributes of {doc.name} saved · u to undo", timeout=4)
                self.reload()

        self.app.push_screen(AttributesDialog(doc.name, doc.attributes), saved)

    def action_remove(self) -> None:
        """Remove the highlighted document after asking; a coded one says what goes with it."""
        doc_id = self.selected_document_id()
        if doc_id is None:
            return
        doc = next(d for d in self.docs if d.id == doc_id)
        codings = self.wapp.session.project.codings.all(document_id=doc.id)
        n_codings = len(codings)
        if n_codings:
            coders = ", ".join(sorted({c.coder for c in codings}))
            title = f"Remove {doc.name} and its {n_codings} coding(s)?"
            message = (f"{doc.name} has {n_codings} coding(s) (by {coders}). They are removed "
                       "with it. u undoes the removal and brings both back.")
            yes = "Remove with codings"
        else:
            title = f"Remove {doc.name}?"
            message = "The document, its sentences and attributes leave the project. u undoes it."
            yes = "Remove"

        def decided(sure: bool | None) -> None:
            if not sure:
                return
            removed = self.wapp.attempt(self.wapp.session.remove_document, doc.id, force=bool(n_codings))
            if removed is not None:
                self.notify(f"✓ removed {doc.name} · u to undo", timeout=4)
                self.reload()

        self.app.push_screen(ConfirmDialog(title, message, yes=yes), decided)

    def action_import(self) -> None:
        def chosen(answer: tuple[Path, Path | None] | None) -> None:
            if answer is not None:
                bar = self.query_one("#import-progress", ProgressBar)
                bar.update(total=None, progress=0)
                bar.display = True
                self.run_import(*answer)

        self.app.push_screen(ImportDialog(), chosen)

    def action_merge(self) -> None:
        """Ask for coders' copies and merge them into the project in a worker."""
        from .merge_dialog import MergePrompt, parse_paths

        def chosen(answer: str | None) -> None:
            if answer:
                paths, _ = parse_paths(answer, self.wapp.session.path)
                self.notify(f"Merging {len(paths)} cop{'y' if len(paths) == 1 else 'ies'}…", timeout=3)
                self.run_merge(paths)

        self.app.push_screen(MergePrompt(self.wapp.session.path), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_merge(self, paths: list[Path]) -> None:
        from .merge_dialog import merge_summary

        reports = self.wapp.session.merge_copies(paths)
        self.app.call_from_thread(self.merged, merge_summary(reports))

    def merged(self, summary: str) -> None:
        from .merge_dialog import MergeResultDialog

        self.reload()
        self.app.push_screen(MergeResultDialog(summary))

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, path: Path, metadata: Path | None) -> None:
        from ...importing import import_paths

        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int, name: str) -> None:
            nonlocal last
            if worker.is_cancelled:
                raise InterruptedError("import cancelled")
            now = time.monotonic()
            if now - last > 0.1 or done == total:
                last = now
                self.post_message(ImportProgressed(done, total, name))

        with self.wapp.session.writer() as project:
            # One process: forking worker processes from a threaded TUI is not safe.
            report = import_paths(
                project,
                [path],
                self.wapp.session.who,
                metadata_csv=metadata,
                workers=1,
                progress=progress,
            )
        self.post_message(
            ImportFinished(len(report.imported), report.words, report.duplicates, report.failed,
                           report.warnings, report.unmatched_rows, report.files_without_row)
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "import" and event.state in (
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self.query_one("#import-progress").display = False
            self.fill()
        super().on_worker_state_changed(event)

    def on_import_progressed(self, message: ImportProgressed) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)
        self.query_one("#doc-summary", Static).update(
            plain(f"importing {message.done}/{message.total}: {message.name}", style="bold"),
            layout=False,
        )

    def on_import_finished(self, message: ImportFinished) -> None:
        self.query_one("#import-progress").display = False
        self.notify(
            import_notice(message),
            severity="warning" if (message.failed or message.warnings or message.unmatched_rows
                                   or message.files_without_row) else "information",
            timeout=12,
        )
        self.wapp.session.invalidate(codes=False)
        self.reload()
