"""Pilot waits for "idle" in 5 ms slices instead of Textual's 20 ms.

``Pilot.press`` waits for the app to go idle twice after every key, and
``Pilot.pause()`` once: ``textual._wait.wait_for_idle`` sleeps a slice at a time
until the process used under a twentieth of a slice of CPU in one. With 20 ms
slices a key costs at least 40 ms of waiting however little the app does (about
10 ms of CPU per key here), so a TUI test spent most of its wall time asleep: a
picker query of ten letters took a second.

Idle is still idle: work the app has queued runs during the slice, and any CPU
over a twentieth of it (0.25 ms) starts another slice. What changes is only how
long we keep looking at an app with nothing to do. Tests that wait for workers
wait on ``app.workers.wait_for_complete()``, never on these slices.

Installed by ``tests/conftest.py``; it does nothing if Textual's internals change shape.
"""

from __future__ import annotations

SLICE = 0.005


def install() -> None:
    try:
        from textual import _wait
    except ImportError:  # pragma: no cover - Textual is a dependency
        return
    if not isinstance(getattr(_wait, "SLEEP_GRANULARITY", None), float):
        return  # another Textual: leave it alone
    if not isinstance(getattr(_wait, "SLEEP_IDLE", None), float):
        return
    _wait.SLEEP_GRANULARITY = SLICE
    _wait.SLEEP_IDLE = SLICE / 20
