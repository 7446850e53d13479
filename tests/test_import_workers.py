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


@pytest.mark.slow
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


def test_a_worker_that_dies_does_not_lose_the_import(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from wijkverhalen import importing
    from wijkverhalen.store import Project

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"doc{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord.\n", encoding="utf-8")
    real = importing.prepare_document

    def dies_on_doc20(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "doc20.txt":
            os._exit(9)  # as the out-of-memory killer would end it
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "prepare_document", dies_on_doc20)
    with Project.create(tmp_path / "p.wijk", codes=(), coder="t") as project:
        report = importing.import_paths(project, [folder], "t", workers=2)
        imported = {name for name, _ in report.imported}
        failed = {Path(p).name: why for p, why in report.failed}
        assert "doc20.txt" in failed and "worker process died" in failed["doc20.txt"]
        assert len(imported) + len(failed) == 30
        assert {d.name for d in project.documents()} == imported
