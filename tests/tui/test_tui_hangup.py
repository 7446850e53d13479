"""The workbench leaves when its terminal is closed, even without SIGHUP.

A terminal window, tmux or ssh session closed under ``make demo`` left the workbench
running unseen at full CPU with the project open: ``make`` took the hangup signal and
Textual's input thread read end-of-file from the dead terminal in a loop.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from wijkverhalen.store import Project
from wijkverhalen.tui.hangup import terminal_gone

pytestmark = pytest.mark.slow


def test_terminal_gone_once_the_other_end_is_closed() -> None:
    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)


def _read_until(fd: int, needle: bytes, deadline: float) -> bytes:
    seen = b""
    while time.monotonic() < deadline and needle not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_the_workbench_exits_and_saves_when_its_terminal_hangs_up(project_path: Path) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def ignore_hangup() -> None:  # as when a make or shell in between takes the SIGHUP
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    proc = subprocess.Popen(
        [sys.executable, "-m", "wijkverhalen", "open", str(project_path), "--coder", "anna"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=ignore_hangup,
    )
    os.close(slave)
    try:
        shown = _read_until(master, b"documents", time.monotonic() + 60)
        assert b"documents" in shown, shown[-500:]
        os.close(master)
        master = -1
        assert proc.wait(timeout=30) == 129
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # closed as on quit: the WAL folded back, the project whole
    wal = project_path.with_name(project_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with Project.open(project_path) as project:
        assert project.query("PRAGMA quick_check")[0]["quick_check"] == "ok"
