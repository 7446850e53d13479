"""The coding workbench: compose and route only.

The app owns one :class:`~.session.Session` (the open project and the coder), a
registry of main screens (each reachable by a key and from the command palette),
the handler that turns a failed worker into an error dialog, and undo/redo.

Plugging in a screen: add a :class:`ScreenEntry` to :data:`SCREENS` in
``screen_registry.py`` (re-exported here).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from ..config import config_path, configured_coder, load_config, save_config
from ..errors import ConfigError, ProjectCorrupt, ProjectLocked, WijkError
from ..store import Project
from ..store.faults import user_error
from ..store.oplog_undo import OperationConflict, Step
from ..textsafe import printable
from .bindings import KeyHelp, all_binding_ids, help_rows, load_keymap
from .hangup import terminal_fd, terminal_gone
from .messages import PassageChosen
from .plain import plain_text
from .screen_registry import FOOTER_SCREENS, SCREEN_NAMES, SCREENS, ScreenEntry
from .screens.base import WijkScreen
from .screens.dialogs import CoderNameDialog, ConfirmDialog, ErrorDialog
from .session import QueryLemmas, Session
from .widgets.footer import NARROW

T = TypeVar("T")


def _screen_bindings() -> list[Binding]:
    return [
        Binding(e.key, f"show('{e.name}')", e.title, id=e.binding_id, show=e.name in FOOTER_SCREENS)
        for e in SCREENS
    ]


class WijkApp(App[None]):
    """wijkverhalen's terminal workbench for coding interviews."""

    CSS_PATH = "app.tcss"
    TITLE = "wijkverhalen"
    # Screen classes for app.tcss: 80x24 is "-narrow -short" (see the validate layout).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        *_screen_bindings(),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r", "redo", "Redo", id="app.redo", show=False),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.title = f"wijkverhalen · {session.path.name}"
        self._screens: dict[str, Screen[Any]] = {}
        for entry in SCREENS:
            self.add_mode(entry.name, partial(self.main_screen, entry.name))
        self.config_error: ConfigError | None = None
        try:
            config = load_config()
        except ConfigError as exc:  # reported on mount; the file is left as it is
            self.config_error, config = exc, {}
        self.keymap, self.keymap_problems = load_keymap(config)
        self._clash_reported = False

    # -- start and stop ------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.keymap:
            unknown = sorted(set(self.keymap) - all_binding_ids(self.binding_sources()))
            self.keymap_problems += [
                f"keys.{k}: no such binding (see ? for the ids)" for k in unknown
            ]
            self.set_keymap(self.keymap)
        for problem in self.keymap_problems:
            self.notify(problem, title="Key bindings in the config", severity="warning", timeout=10)
        if self.config_error is not None:
            self.notify(
                self.config_error.one_line(),
                title="User config not read (default keys; the file is left as it is)",
                severity="error",
                timeout=30,
            )
        self.switch_mode("documents")
        if self.session.coder is None:
            self.ask_coder()
        else:
            self.session.seed_recent()
        self.sub_title = self.subtitle("")
        # Fold the WAL back into the .wijk a few seconds after the last write (Session).
        self.set_interval(1.0, self.session.checkpoint_if_idle, name="checkpoint")
        # Changes by the CLI or a second coder show without reopening (one cheap query).
        self.session.changed_elsewhere()
        self.set_interval(2.0, self.poll_project, name="poll")
        self.watch_terminal()

    def watch_terminal(self) -> None:
        """Exit (saving as on quit) once the terminal the app runs in has hung up."""
        if self.is_headless or self.is_web:
            return
        fd = terminal_fd()
        if fd is None:
            return

        def check() -> None:
            if terminal_gone(fd):
                self.exit(return_code=129)  # 128 + SIGHUP, as a shell reports a hangup

        self.set_interval(1.0, check, name="hangup")

    def poll_project(self) -> bool:
        """Re-read the screen on top when another process changed the project."""
        try:
            changed = self.session.changed_elsewhere()
        except WijkError:  # the file is busy or gone: try again on the next tick
            return False
        if changed and not isinstance(self.screen, ModalScreen):
            refresh = getattr(self.screen, "on_screen_resume", None)
            if callable(refresh):
                refresh()
        return changed

    def on_unmount(self) -> None:
        self.session.close()

    def ask_coder(self) -> None:
        try:
            suggestion = getpass.getuser()
        except Exception:  # no login name in some containers
            suggestion = ""

        def named(name: str | None) -> None:
            if not name:
                return
            self.session.coder = name
            self.session.seed_recent()
            self.sub_title = self.subtitle("")
            if isinstance(self.screen, WijkScreen):
                self.screen.sub_title = self.subtitle(self.screen.screen_subtitle())
            try:
                saved = save_config({"coder": name})
            except ConfigError as exc:  # never write over a file we could not read
                self.notify(
                    f"Coding as {name} for this session only; not saved: {exc.one_line()}",
                    severity="error",
                    timeout=30,
                )
            else:
                self.notify(f"Coding as {name}. Saved in {saved}.", timeout=5)

        error = self.config_error.one_line() if self.config_error else None
        self.push_screen(CoderNameDialog(suggestion, config_path(), error), named)

    def subtitle(self, what: str) -> str:
        coder = self.session.coder or "?"
        return f"{what} · coder: {coder}" if what else f"coder: {coder}"

    # -- screens ------------------------------------------------------------------------------
    def entry(self, name: str) -> ScreenEntry:
        return next(e for e in SCREENS if e.name == name)

    def main_screen(self, name: str) -> Screen[Any]:
        """The one instance of a main screen (created on first use)."""
        if name not in self._screens:
            screen = self.entry(name).load()()
            if not screen.CSS and not screen.css_path and hasattr(screen, "_css_update_count"):
                # Textual re-parses all CSS and restyles every widget of the app (twice) the
                # first time it shows a screen, in case the screen brought CSS of its own;
                # ours bring none (app.tcss and DEFAULT_CSS are loaded as widgets mount).
                screen._css_update_count = self._css_update_count
            # The size classes (-narrow/-wide, -short/-tall) are added on the screen's first
            # resize, restyling it all; give them now, so its widgets mount styled for them.
            screen.update_classes(self.breakpoint_classes(), update=False)
            self._screens[name] = screen
        return self._screens[name]

    def breakpoint_classes(self) -> dict[str, bool]:
        """The screen classes of the breakpoints at the app's size, as Textual sets them."""
        classes: dict[str, bool] = {}
        for breakpoints, size in (
            (self.HORIZONTAL_BREAKPOINTS, self.size.width),
            (self.VERTICAL_BREAKPOINTS, self.size.height),
        ):
            ordered = sorted(breakpoints or [], reverse=True)
            chosen = next((name for at, name in ordered if size >= at), None)
            classes.update({name: name == chosen for _, name in ordered})
        return classes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"show", "undo", "redo", "help", "import"} and isinstance(
            self.screen, ModalScreen
        ):
            return False  # a dialog is open: its keys only (Esc closes it)
        if action == "show" and parameters:
            return str(parameters[0]) in SCREEN_NAMES
        return True

    def action_show(self, name: str) -> None:
        if name not in SCREEN_NAMES:
            return
        from .screens.help import HelpScreen

        while isinstance(self.screen, HelpScreen):  # leaving help for another screen
            self.pop_screen()
        if name == "retrieval":
            self.show_retrieval(None)
            return
        screen = self.main_screen(name)
        reason = screen.why_not_shown() if isinstance(screen, WijkScreen) else None
        if reason:  # e.g. the coding screen with no document open
            self.notify(reason, timeout=4)
            self.switch_mode("documents")
            return
        self.switch_mode(name)
        if name == "search":
            self.call_after_refresh(self.main_screen("search").focus_query)  # type: ignore[attr-defined]

    def highlighted_code_id(self) -> str | None:
        getter = getattr(self.screen, "highlighted_code_id", None)
        return getter() if callable(getter) else None

    def show_retrieval(self, code_id: str | None) -> None:
        """Retrieval for ``code_id`` (default: the highlighted code; else ask).

        A screen that knows which codes are "under the cursor" (the coding screen)
        offers ``retrieval_candidates``: when it names no single code, the picker
        asks, listing those codes first, rather than reusing whatever was shown last.
        """
        asks = getattr(self.screen, "retrieval_candidates", None)
        candidates: list[str] = []
        if code_id is None and callable(asks):
            code_id, candidates = asks()
        else:
            code_id = code_id or self.highlighted_code_id()
        retrieval = self.main_screen("retrieval")
        if code_id is None and (callable(asks) or getattr(retrieval, "code_id", None) is None):
            from .widgets.code_picker import CodePicker

            def chosen(picked: str | None) -> None:
                if picked:
                    self.show_retrieval(picked)

            self.push_screen(
                CodePicker(
                    self.session.codes(),
                    title="Retrieve passages of…",
                    depth_of=self.session.depth,
                    suggested=candidates,
                    suggested_title="coded here",
                    recent=self.session.recent,
                ),
                chosen,
            )
            return
        if code_id is not None:
            retrieval.show_code(code_id)  # type: ignore[attr-defined]
        self.switch_mode("retrieval")

    def open_document(
        self,
        document_id: int,
        start: int | None = None,
        end: int | None = None,
        highlight: bool = False,
    ) -> None:
        self.main_screen("coding").load_document(document_id, start, end, highlight)  # type: ignore[attr-defined]
        self.switch_mode("coding")

    def on_passage_chosen(self, message: PassageChosen) -> None:
        self.open_document(message.document_id, message.start, message.end, message.highlight)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_rows()))

    def binding_sources(self) -> list[tuple[str, Iterable[Any]]]:
        """Where the bindings live, by group, for the help screen and keymap checks."""
        return binding_sources()

    def help_rows(self) -> list[KeyHelp]:
        return help_rows(self.binding_sources(), self.keymap)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: Any) -> None:
        if not self._clash_reported:
            self._clash_reported = True
            keys = ", ".join(sorted({b.key for b in clashed_bindings}))
            self.notify(
                f"Your key bindings reuse keys that are already taken: {keys}",
                title="Key bindings in the config",
                severity="warning",
                timeout=10,
            )

    # -- messages and errors ------------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification as plain text: never read as markup, no control characters.

        Notifications quote file and document names, attribute values and error
        messages; read as markup, a ``[`` in them could end the app (``markup`` is
        accepted for Textual's callers and ignored). Line breaks are kept.
        """
        super().notify(plain_text(message), title=printable(title), severity=severity,
                       timeout=timeout, markup=False)

    def report_error(self, error: BaseException, title: str = "Could not read the project") -> bool:
        """Show a user or storage error (a damaged page, a full disk...) as a one-line dialog.

        False when ``error`` is neither (a bug): the caller lets it go on up.
        """
        shown = user_error(error, self.session.path)
        if shown is None:
            return False
        hint = ""
        if isinstance(shown, ProjectLocked):
            title, hint = "The project is busy", "Another wijkverhalen is writing to this project; try again."
        elif isinstance(shown, ProjectCorrupt):
            hint = ("Nothing was changed. Close wijkverhalen and restore the project from a copy "
                    "(wijkverhalen backup makes one while the project is sound).")
        if isinstance(self.screen, ErrorDialog) and self.screen.message == shown.one_line():
            return True  # the same failure met again while its dialog is open
        self.bell()
        self.push_screen(ErrorDialog(title, shown.one_line(), hint))
        return True

    def attempt(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a write on the project; on a user error show it and return None.

        Nothing is confirmed on screen unless this returned: the core commits first.
        """
        try:
            return action(*args, **kwargs)
        except ProjectLocked as exc:
            self.push_screen(
                ErrorDialog(
                    "The project is busy",
                    exc.one_line(),
                    "Another wijkverhalen is writing to this project. Nothing was changed; "
                    "try again in a moment.",
                )
            )
        except WijkError as exc:
            self.bell()
            self.notify(exc.one_line(), title="Not done", severity="error", timeout=6)
        except Exception as exc:  # a read inside the action met a damaged page or an I/O error
            if not self.report_error(exc, "Not done"):
                raise
        return None

    def handle_worker_error(self, worker: Worker[Any]) -> None:
        """The one place a failed worker ends up: an error dialog (one line, no traceback)."""
        error = worker.error
        if error is not None and not isinstance(error, WijkError):
            error = user_error(error, self.session.path) or error  # raw sqlite3 storage failures
        if isinstance(error, ProjectLocked):
            self.push_screen(
                ErrorDialog(
                    "The project is busy",
                    error.one_line(),
                    "Another wijkverhalen is writing to this project; try again.",
                )
            )
        elif isinstance(error, WijkError):
            self.push_screen(
                ErrorDialog(f"Could not finish: {worker.name or 'task'}", error.one_line())
            )
        elif error is not None:
            self.push_screen(
                ErrorDialog(
                    "Something went wrong",
                    f"{type(error).__name__}: {error}",
                    "This is a bug in wijkverhalen. Your saved work is safe in the project file.",
                )
            )

    # -- undo and redo -------------------------------------------------------------------------
    def _undo_redo(self, which: str, skip: bool = False) -> None:
        """Undo or redo this coder's change; a conflict is explained and may be passed over."""
        conflicts: list[OperationConflict] = []

        def step() -> tuple[Step | None] | None:
            try:
                return (getattr(self.session, which)(skip=skip),)
            except OperationConflict as exc:  # explained in a dialog, not as a bare error
                conflicts.append(exc)
                return None

        result = self.attempt(step)
        if conflicts:
            self.explain_conflict(which, conflicts[0])
            return
        if result is None:
            return
        done = result[0]
        if done is None:
            self.notify(f"Nothing to {which}.", timeout=3)
            return
        passed = f" (passed over #{', #'.join(str(c.op_id) for c in done.skipped)})" if done.skipped else ""
        self.notify(
            f"{'undone' if which == 'undo' else 'redone'}: {self.readable(done.label)}{passed}",
            timeout=4,
        )
        screen = self.screen
        if isinstance(screen, WijkScreen):
            screen.loaded_generation = self.session.generation
            screen.refresh_from_project()

    def explain_conflict(self, which: str, conflict: OperationConflict) -> None:
        """Say which change cannot be undone, why and how to go on; offer to pass over it."""
        self.bell()

        def decided(past: bool | None) -> None:
            if past:
                self._undo_redo(which, skip=True)

        self.push_screen(
            ConfirmDialog(
                f"Cannot {which} #{conflict.op_id}",
                f"{self.readable(conflict.label)} (by {conflict.coder}): {conflict.reason}.\n\n"
                f"To {which} it, {conflict.hint}. Or {which} your next change past it now; "
                "this one stays as it is.",
                yes=f"{which.capitalize()} past it",
            ),
            decided,
        )

    def readable(self, label: str) -> str:
        """An operation label with code ids shown as their labels ("code Stressor in ...")."""
        import re

        return re.sub(
            r"[a-z0-9][a-z0-9_.-]*",
            lambda m: self.session.label(m.group()) if self.session.code(m.group()) else m.group(),
            label,
        )

    def action_undo(self) -> None:
        self._undo_redo("undo")

    def action_redo(self) -> None:
        self._undo_redo("redo")

    # -- command palette ------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for entry in SCREENS:
            yield SystemCommand(entry.title, entry.help, partial(self.action_show, entry.name))
        yield SystemCommand(
            "Undo", "Undo your last change (also after a restart)", self.action_undo
        )
        yield SystemCommand("Redo", "Redo what you undid", self.action_redo)
        yield SystemCommand("Help", "Every key binding", self.action_help)
        yield SystemCommand(
            "Import interviews", "Import files or a folder into this project", self.action_import
        )
        yield SystemCommand(
            "Merge coders' copies", "Bring coders' copies (.wijk) into this project", self.action_merge
        )
        yield SystemCommand(
            "Change coder name", "Who is coding (saved in the user config)", self.ask_coder
        )
        yield from super().get_system_commands(screen)

    def action_import(self) -> None:
        documents = self.main_screen("documents")
        self.switch_mode("documents")
        self.call_after_refresh(documents.action_import)  # type: ignore[attr-defined]

    def action_merge(self) -> None:
        documents = self.main_screen("documents")
        self.switch_mode("documents")
        self.call_after_refresh(documents.action_merge)  # type: ignore[attr-defined]


__all__ = ["SCREENS", "ScreenEntry", "WijkApp", "binding_sources", "make_app"]


def make_app(
    project_path: str | Path, coder: str | None = None, *, query_lemmas: QueryLemmas | None = None
) -> WijkApp:
    """The app on an open project; shared by ``wijkverhalen open``, tests and the bench.

    Raises :class:`~wijkverhalen.errors.WijkError` (missing, locked, not a project)
    before anything is drawn, so the CLI can print it as one line.
    """
    try:
        coder = coder or configured_coder()
    except ConfigError:
        coder = None  # the app reports the broken config and asks who is coding
    project = Project.open(project_path)
    return WijkApp(Session(project, coder, query_lemmas))


def binding_sources() -> list[tuple[str, Iterable[Any]]]:
    """The bindings by group (app first, then each main screen), in help order.

    Needs no running app: ``tools/gen_docs.py`` renders ``docs/keys.md`` from it.
    """
    from .widgets.coding_transcript import CodingTranscript
    from .widgets.passage_list import PassageList

    sources: list[tuple[str, Iterable[Any]]] = [("everywhere", WijkApp.BINDINGS)]
    titles = {"coding": "coding", "retrieval": "retrieval"}
    for entry in SCREENS:
        bindings = list(getattr(entry.load(), "BINDINGS", []))
        if entry.name == "documents":
            bindings.insert(0, Binding("enter", "open", "Open the document"))
        if entry.name == "retrieval":
            bindings += PassageList.BINDINGS
        if entry.name == "coding":  # the transcript's keys first, as on screen
            bindings = [*CodingTranscript.BINDINGS, *bindings]
            bindings += [
                Binding("enter", "choose", "In the code tree: apply the code"),
                Binding("space", "fold", "In the code tree: fold or unfold"),
            ]
        sources.append((titles.get(entry.name, entry.name), bindings))
    return sources
