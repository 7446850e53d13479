"""A killed import must not leave its worker processes running."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

# The import runs in its own process; its workers get stuck on a slow file (a
# stand-in for a huge transcript) so that the import is surely mid-run when the
# test kills it. The workers inherit the patched function through fork.
SCRIPT = """
import sys, time
from pathlib import Path
import wijkverhalen.importing as importing
from wijkverhalen.store import Project

def slow(*args, **kwargs):
    time.sleep(120)

importing.prepare_document = slow
folder = Path(sys.argv[1])
with Project.create(folder.parent / "p.wijk", codes=(), coder="t") as project:
    importing.import_paths(project, [folder], "t", workers=2)
"""


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_workers_end_when_the_import_is_killed(tmp_path: Path, sig: signal.Signals) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):  # above PARALLEL_THRESHOLD: the import uses a worker pool
        (folder / f"doc{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord.\n", encoding="utf-8")
    script = tmp_path / "run_import.py"
    script.write_text(SCRIPT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), str(folder)], stderr=subprocess.DEVNULL)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            assert parent.poll() is None, "the import ended before it was killed"
            workers = [p for p in psutil.Process(parent.pid).children(recursive=True)
                       if "resource_tracker" not in " ".join(p.cmdline())]
            time.sleep(0.1)
        assert len(workers) >= 2, "the worker pool never started"
        parent.send_signal(sig)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.1)
        assert not [w.pid for w in workers if alive(w)]
    finally:
        parent.kill()
        for worker in workers:
            if alive(worker):
                worker.kill()
