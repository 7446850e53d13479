"""Benchmark: what undoing and redoing a large import costs (time and operation-log size).

An import stores only the ids of its documents in the operation log; undo captures
the documents (text, sentences with lemmas, attributes, cases) into the log while
they are out of the project, and redo puts them back and empties the capture again.
This prints the log size at each stage and the time of undo and redo.

Documents come from ``bench/corpus.py`` and are stored through
``Documents.add`` in batches of 50 with one :class:`ImportLog`, as
``importing.import_paths`` does, with simple sentence segments and lower-cased
words as lemmas (no spaCy).

Usage::

    .venv/bin/python bench/bench_undo.py --n 1000
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from wijkverhalen.models import ParsedDocument, Sentence, Turn  # noqa: E402
from wijkverhalen.store import DocumentInput, ImportLog, Project  # noqa: E402

_SENTENCE = re.compile(r"[^.?!\n]+[.?!]")


def document_input(index: int, words: int) -> DocumentInput:
    text = corpus.generate_document(index, words=words)
    sentences = []
    for m in _SENTENCE.finditer(text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if start < m.end():
            sentences.append(Sentence(start, m.end(), 0, " ".join(re.findall(r"\w+", m.group().lower()))))
    parsed = ParsedDocument(name=corpus.file_name(index), text=text, format="txt",
                            source_path=corpus.file_name(index), turns=(Turn(0, len(text), 0, None),))
    attributes = {k: v for k, v in corpus.metadata_row(index).items() if k != "file"}
    return DocumentInput(parsed, sentences, len(text.split()), attributes)


def log_bytes(project: Project) -> int:
    return int(project.conn.execute("SELECT COALESCE(SUM(length(changes)), 0) FROM operations").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--words", type=int, default=3000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.wijk"
        with Project.create(path, coder="bench") as project:
            log = ImportLog()
            text_bytes = 0
            t0 = time.perf_counter()
            for first in range(0, args.n, 50):
                batch = [document_input(i, args.words) for i in range(first, min(first + 50, args.n))]
                text_bytes += sum(len(d.parsed.text.encode()) for d in batch)
                project.documents.add(batch, "bench", log)
            t_import = time.perf_counter() - t0
            after_import = log_bytes(project)
            t0 = time.perf_counter()
            project.history.undo("bench")
            t_undo = time.perf_counter() - t0
            while_undone = log_bytes(project)
            t0 = time.perf_counter()
            project.history.redo("bench")
            t_redo = time.perf_counter() - t0
            after_redo = log_bytes(project)
            n_docs = len(project.documents.all())
        size = path.stat().st_size
        with open("/proc/loadavg") as fh:
            load = fh.read().split()[:3]
    mb = 1024 * 1024
    print(f"documents: {n_docs} ({text_bytes / mb:.1f} MB of text)   load average: {' '.join(load)}")
    print(f"import (store only, no spaCy): {t_import:.2f} s   project file: {size / mb:.1f} MB")
    print(f"operation log after import:  {after_import:,} bytes")
    print(f"undo of the import:          {t_undo:.2f} s; log while undone: {while_undone / mb:.1f} MB")
    print(f"redo of the import:          {t_redo:.2f} s; log after redo:  {after_redo:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
