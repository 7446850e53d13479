"""Benchmark: what the store's write lock costs a coding, and how long a close takes while
another process reads.

* ``add_coding``: N codings, one committed transaction each, on a small project
  (p50/p95/p99 in ms). The per-thread write lock of ``Transactions`` is taken and
  released around each one.
* close while another connection holds a read transaction: the close-time checkpoint
  must not wait for the reader (before issue 8 it waited the whole busy timeout, 3 s).
* ``wijkverhalen backup`` of the project while that reader is open.

Timings are printed, never asserted. Usage::

    .venv/bin/python bench/bench_store.py --codings 5000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from wijkverhalen.models import Code, ParsedDocument, Sentence, Turn
from wijkverhalen.store import DocumentInput, Project
from wijkverhalen.store.backup import backup_project

TEXT = "R: " + " ".join(f"woord{i % 97}" for i in range(3000)) + "\n"


def _document() -> DocumentInput:
    parsed = ParsedDocument(name="bench", text=TEXT, format="txt", source_path="/bench.txt",
                            turns=(Turn(start=0, end=len(TEXT) - 1, body_start=3, speaker="R"),))
    return DocumentInput(parsed=parsed, sentences=[Sentence(3, len(TEXT) - 1, 0, "")],
                         word_count=3000, attributes={})


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=5000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    path = folder / "bench.wijk"
    with Project.create(path, codes=[Code(id="c", label="C")], coder="bench") as project:
        project.documents.add([_document()], "bench")
    project = Project.open(path)
    times = []
    for i in range(args.codings):
        start = 3 + (i * 7) % (len(TEXT) - 100)
        t = time.perf_counter()
        project.codings.add(1, start, start + 5 + i // 1000, "c", "bench")
        times.append((time.perf_counter() - t) * 1000)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM codings").fetchone()
    project.codings.add(1, 3, 9, "c", "bench-last")
    t = time.perf_counter()
    project.close()
    close_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    backup_project(path, folder / "copy.wijk")
    backup_ms = (time.perf_counter() - t) * 1000
    size_kib = path.stat().st_size // 1024
    reader.execute("COMMIT")
    reader.close()
    shutil.rmtree(folder)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"add_coding x{len(times)}: p50 {pct(times, 50):.3f} ms, p95 {pct(times, 95):.3f} ms, "
          f"p99 {pct(times, 99):.3f} ms")
    print(f"close while another connection reads: {close_ms:.1f} ms")
    print(f"backup while another connection reads ({size_kib} KiB): {backup_ms:.1f} ms")


if __name__ == "__main__":
    main()
