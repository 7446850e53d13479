"""The base class of every main screen (and of plug-in screens such as validate and export).

It gives a screen the app's :class:`~wijkverhalen.tui.session.Session`, forwards
failed workers to the app's single error handler (a worker's state messages go to
the node that started it and do not bubble), and reloads the screen when the
project changed while it was hidden.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from ..app import WijkApp
    from ..session import Session

F = TypeVar("F", bound=Callable[..., Any])


def reads_project(method: F) -> F:
    """For a screen's load: a read that fails (a damaged page, an I/O error, a user
    error) is shown by the app as a one-line dialog and the app goes on; the screen
    keeps what it showed before. Anything else is a bug and still raises."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            if not self.app.report_error(exc):
                raise
            return None

    return guarded  # type: ignore[return-value]


class WijkScreen(Screen[None]):
    """A main screen of the workbench.

    Subclasses set ``SCREEN_NAME`` (shown in the header) and may override
    :meth:`refresh_from_project`, called on resume when the project changed.
    """

    SCREEN_NAME = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.loaded_generation = -1

    @property
    def wapp(self) -> WijkApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> Session:
        return self.wapp.session

    def on_screen_resume(self) -> None:
        self.sub_title = self.wapp.subtitle(self.screen_subtitle())
        if self.loaded_generation != self.session.generation:
            self.loaded_generation = self.session.generation
            reads_project(type(self).refresh_from_project)(self)

    def screen_subtitle(self) -> str:
        return self.SCREEN_NAME

    def why_not_shown(self) -> str | None:
        """Why the screen has nothing to show yet (the app then stays on the documents), or None."""
        return None

    def refresh_from_project(self) -> None:
        """Re-read what the screen shows (the project changed since it was last on top)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.wapp.handle_worker_error(event.worker)
