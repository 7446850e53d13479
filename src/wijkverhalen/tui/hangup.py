"""Leave when the terminal is gone.

When the terminal window (or the tmux or ssh session) holding the workbench is
closed, the process does not always get SIGHUP (a ``make`` or shell in between may
swallow it). Textual's input thread then reads end-of-file from the dead terminal
in a loop and the workbench keeps running unseen at full CPU, holding the project
open. The app asks :func:`terminal_gone` once a second and exits normally (the
session folds the WAL back and closes the project) once it is.
"""

from __future__ import annotations

import os
import sys

try:
    import termios
except ImportError:  # pragma: no cover - Windows: no termios, and its console does not hang up like this
    termios = None  # type: ignore[assignment]


def terminal_fd() -> int | None:
    """The file descriptor of the terminal the app reads from, or None when it has none
    (or the platform has no ``termios`` to ask it with)."""
    stream = sys.__stdin__
    if stream is None or termios is None:
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def terminal_gone(fd: int) -> bool:
    """True once the terminal on ``fd`` has hung up (its other end was closed)."""
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return True
    return False
