"""A kill at any moment leaves the project consistent and loses no committed coding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample import SAMPLE_CODES

from wijkverhalen.store import Project

WRITER = r"""
import sys
from pathlib import Path
from wijkverhalen.importing import import_paths
from wijkverhalen.store import Project

project = Project.open(sys.argv[1])
print("ready", flush=True)
import_paths(project, [Path(sys.argv[2])], "crash", workers=1,
             progress=lambda done, total, name: print(done, flush=True))
"""


def _write_corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        turns = "\n".join(
            f"{'I' if t % 2 == 0 else 'R'}: Dit is beurt {t} van interview {i}. "
            f"We hielpen de buren in de Schiemond en het buurthuis ging weer open." for t in range(60))
        (folder / f"int_{i:04d}.txt").write_text(turns + "\n", encoding="utf-8")


@pytest.mark.slow
def test_killed_import_leaves_whole_documents_and_keeps_codings(tmp_path: Path) -> None:
    path = tmp_path / "p.wijk"
    with Project.create(path, codes=SAMPLE_CODES) as p:
        pass
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 400)
    # A committed coding before the import must survive the kill.
    first = tmp_path / "first"
    _write_corpus(first, 1)
    with Project.open(path) as p:
        from wijkverhalen.importing import import_paths

        import_paths(p, [first], "anna", workers=1)
        p.add_coding(1, 0, 10, "relaties", "anna")

    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(corpus)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    # wait until the writer is well inside the import (past the first batch), then kill -9
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if int(line) >= 120 or time.monotonic() > deadline:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with Project.open(path) as p:
        integrity = p.conn.execute("PRAGMA integrity_check").fetchone()[0]
        assert integrity == "ok"
        assert p.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        docs = p.documents()
        assert 1 < len(docs) < 401, "the kill should land mid-import"
        # every stored document is whole: its sentences cover its turns and the FTS index has them
        for doc in docs:
            text = p.document_text(doc.id)
            sentences = p.segments(doc.id)
            assert len(sentences) == 120 and len(p.segments(doc.id, "turn")) == 60
            assert all(text[s.start:s.end].strip() == text[s.start:s.end] for s in sentences)
        n_fts = p.conn.execute("SELECT COUNT(*) FROM segments_fts").fetchone()[0]
        assert n_fts == 120 * len(docs)
        [coding] = p.codings()
        assert (coding.code_id, coding.start, coding.end) == ("relaties", 0, 10)
