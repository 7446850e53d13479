"""The import's worker processes: the project gets what an import in one process
gives; a killed import (of files or of a .qdpx) leaves no process behind; a worker
that dies costs only the files not yet written."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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

# The same for a .qdpx import whose sources are all segmented again (workers stuck in spaCy).
REFI_SCRIPT = """
import sys, time
from pathlib import Path
import wijkverhalen.nlp as nlp
from wijkverhalen.refi import import_qdpx

def slow(*args, **kwargs):
    time.sleep(120)

nlp.segment_turns = slow
import_qdpx(Path(sys.argv[1]), Path(sys.argv[1]).with_suffix(".wijk"), coder="t", workers=2)
"""


def foreign_qdpx(tmp_path: Path) -> Path:
    """A .qdpx of 30 interviews without wijkverhalen's sidecar: every source is segmented again."""
    import zipfile

    from wijkverhalen import importing
    from wijkverhalen.refi import export_qdpx
    from wijkverhalen.store import Project

    folder = tmp_path / "qdpx-in"
    folder.mkdir()
    for i in range(30):  # above the REFI import's threshold for a worker pool
        (folder / f"doc{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord {i}.\n", encoding="utf-8")
    with Project.create(tmp_path / "qdpx-source.wijk", codes=(), coder="t") as project:
        importing.import_paths(project, [folder], "t", workers=1)
        export_qdpx(project, tmp_path / "ours.qdpx")
    foreign = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(tmp_path / "ours.qdpx") as src, zipfile.ZipFile(foreign, "w") as dst:
        for name in src.namelist():
            if name != "wijkverhalen.json":
                dst.writestr(name, src.read(name))
    return foreign


def import_processes(pid: int) -> list[psutil.Process]:
    """The import's worker processes (skipping any that end while they are listed)."""
    found = []
    for process in psutil.Process(pid).children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(process.cmdline()):
                found.append(process)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            pass
    return found


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("sig", "kind"), [(signal.SIGKILL, "files"), (signal.SIGTERM, "files"),
                                           (signal.SIGINT, "files"), (signal.SIGKILL, "qdpx"),
                                           (signal.SIGINT, "qdpx")],
                         ids=["SIGKILL", "SIGTERM", "SIGINT", "qdpx-SIGKILL", "qdpx-SIGINT"])
def test_workers_end_when_the_import_is_killed(tmp_path: Path, sig: signal.Signals, kind: str) -> None:
    if kind == "files":
        source = tmp_path / "in"
        source.mkdir()
        for i in range(30):  # above PARALLEL_THRESHOLD: the import uses a worker pool
            (source / f"doc{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord.\n", encoding="utf-8")
    else:
        source = foreign_qdpx(tmp_path)
    script = tmp_path / "run_import.py"
    script.write_text(SCRIPT if kind == "files" else REFI_SCRIPT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), str(source)], stderr=subprocess.DEVNULL)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            assert parent.poll() is None, "the import ended before it was killed"
            workers = import_processes(parent.pid)
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
        assert {d.name for d in project.documents.all()} == imported


@pytest.mark.skipif(not hasattr(__import__("os"), "nice"), reason="no nice() here")
def test_workers_run_below_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers yield to the importing process, which writes what they make."""
    import os

    from wijkverhalen import importing, worker_process
    from wijkverhalen.store import Project

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"doc{i:02}.txt").write_text(f"I: Vraag {i}?\nR: Antwoord.\n", encoding="utf-8")
    real = importing.prepare_document

    def with_niceness(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        made.attributes["niceness"] = str(os.nice(0))
        return made

    monkeypatch.setattr(importing, "prepare_document", with_niceness)
    with Project.create(tmp_path / "p.wijk", codes=(), coder="t") as project:
        importing.import_paths(project, [folder], "t", workers=2)
        values = {project.documents.attributes(d.id)["niceness"] for d in project.documents.all()}
    assert values == {str(min(os.nice(0) + worker_process.WORKER_NICENESS, 19))}


def _corpus(folder: Path) -> None:
    """40 interviews of different lengths, an empty file, an unreadable one, and a
    duplicate text: every kind of result, in a known file order."""
    folder.mkdir()
    words = ["wij", "hielpen", "de", "buren", "met", "boodschappen", "want", "het", "vertrouwen", "in", "de", "wijk", "groeide"]
    for i in range(40):
        turns = [f"{'I' if t % 2 == 0 else 'R'}: " + " ".join(words[(i + t + k) % len(words)]
                                                             for k in range(5 + (i * 7 + t) % 30)) + "."
                 for t in range(2 + i % 9)]
        (folder / f"doc{i:02}.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    (folder / "doc05b.txt").write_text("", encoding="utf-8")
    (folder / "doc11b.txt").write_bytes(b"\xff\xfe\x00\xd8 broken")
    (folder / "doc30b.txt").write_bytes((folder / "doc03.txt").read_bytes())


def _contents(project: Any) -> list[tuple[Any, ...]]:
    out = []
    for doc in project.documents.all():
        out.append((doc.name, project.documents.text(doc.id), doc.word_count,
                    sorted(project.documents.attributes(doc.id).items()),
                    [(s.start, s.end, s.turn_index) for s in project.documents.segments(doc.id)],
                    project.documents.sentence_lemmas(doc.id),
                    [(s.start, s.end, s.speaker) for s in project.documents.segments(doc.id, "turn")]))
    return out


def _imported(tmp_path: Path, name: str, folder: Path, workers: int) -> tuple[Any, list[tuple[Any, ...]]]:
    from wijkverhalen import importing
    from wijkverhalen.store import Project

    with Project.create(tmp_path / f"{name}.wijk", codes=(), coder="t") as project:
        report = importing.import_paths(project, [folder], "t", workers=workers)
        summary = (report.imported, report.duplicates, report.failed, report.warnings, report.words)
        return summary, _contents(project)


@pytest.mark.slow
def test_the_parallel_import_gives_what_one_process_gives(tmp_path: Path) -> None:
    """Workers hand back documents, errors, duplicates and warnings in file order,
    and the project gets the same rows as an import in one process."""
    folder = tmp_path / "in"
    _corpus(folder)
    alone = _imported(tmp_path, "alone", folder, workers=1)
    parallel = _imported(tmp_path, "parallel", folder, workers=2)
    assert parallel[1] == alone[1]
    assert [x[0] for x in parallel[0][0]] == [x[0] for x in alone[0][0]]
    assert parallel[0][1:] == alone[0][1:]
    assert alone[0][1] and alone[0][2]  # a duplicate and a failure were there to keep in order
    assert len(alone[1]) == 40  # the 40 interviews: the empty and the broken file fail, one is a duplicate


@pytest.mark.slow
def test_a_refi_import_sets_up_its_workers_as_the_file_import_does(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The .qdpx import's segmenting workers also end with the importing process and run below it."""
    import concurrent.futures
    import os

    from wijkverhalen import worker_process
    from wijkverhalen.refi import import_qdpx
    from wijkverhalen.store import Project

    foreign = foreign_qdpx(tmp_path)
    pools: list[dict[str, Any]] = []
    real_pool = concurrent.futures.ProcessPoolExecutor

    class RecordedPool(real_pool):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", RecordedPool)
    import_qdpx(foreign, tmp_path / "back.wijk", coder="t", workers=2)
    assert [(p.get("initializer"), p.get("initargs")) for p in pools] == [(worker_process.setup, (os.getpid(),))]
    with Project.open(tmp_path / "back.wijk") as back:
        assert len(back.documents.all()) == 30
        assert all(back.documents.segments(d.id) for d in back.documents.all())
