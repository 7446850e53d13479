"""Setting up a worker process of a pool whose parent writes what the workers make.

The file import (:mod:`.importing`) and the REFI-QDA import (:mod:`.refi.apply`)
both fork a pool of workers that segment text while the parent writes it to the
project. Each worker calls :func:`setup` first: it ends when the parent goes away
and runs one step below the parent. :func:`stop_pool` ends a pool's workers at once
when the import stops early.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ProcessPoolExecutor

# Workers run this much below the importing process, which writes what they make. On
# two cores, with the writer and two workers at one priority, the writer got two thirds
# of a core and was left to write a backlog alone once the workers had finished (the
# last second or so of every import); a step down lets it keep up. 1,000 interviews,
# seven alternating runs each: median 6.67 s at 0, 5.86 s at 5, 6.10 s at 10
# (bench/README.md). It also keeps the workbench, when it imports, ahead of its workers.
WORKER_NICENESS = 5


def die_with_parent(parent: int) -> None:
    """End this worker process when ``parent`` (the importing process) goes away.

    A pool's workers wait on a pipe that they hold open themselves (fork), so
    they never see the parent die: a killed import left them running for good.
    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG);
    elsewhere, and as a backstop, a daemon thread checks the parent every second.
    """
    import signal
    import sys
    import threading

    # Ctrl-C reaches the whole process group; the parent decides what happens.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread remains
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def below_the_writer() -> None:
    """Lower this worker process's priority by ``WORKER_NICENESS`` (where there is ``nice``)."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):  # not allowed here: run at the parent's priority
            os.nice(WORKER_NICENESS)


def setup(parent: int) -> None:
    """A pool worker's first step: end with ``parent``, and run below it."""
    die_with_parent(parent)
    below_the_writer()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes and return without waiting for queued work.

    For Ctrl-C, a cancelled workbench job or a failed write: the workers ignore
    Ctrl-C themselves (see :func:`die_with_parent`), and ``shutdown(wait=True)``
    would let them segment every document still queued first.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
