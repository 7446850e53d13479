"""Where the import's CPU time goes, stage by stage (issue 12: "profile where the time goes").

Imports the first N interviews of the benchmark corpus (``bench/corpus.py``, the
same files as ``run_bench.py``) in this process with one worker, the way a
worker and the writer do it, and charges the thread CPU time
(``time.thread_time_ns``) of every moment to the innermost stage running then.
The stages are found by wrapping the functions that do them; nothing in
wijkverhalen changes. Wrapping costs about a microsecond per call, charged to
the stage that called it (mostly "sentence loop"). The parallel import pays
the same stages split over its processes, plus pickling each finished document
from a worker to the writer (timed here as a round trip), plus each worker's
start (module imports happen once in the parent before it forks).

    .venv/bin/python bench/bench_import_stages.py --n 200

Works against any version of wijkverhalen that has the wrapped functions: a
missing one is skipped and its time stays with its caller. See bench/README.md.
"""

from __future__ import annotations

import argparse
import functools
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import corpus  # noqa: E402


class StageClock:
    """Exclusive thread-CPU nanoseconds per stage; stages nest."""

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self.stack: list[str] = ["other"]
        self.last = time.thread_time_ns()

    def enter(self, name: str) -> None:
        now = time.thread_time_ns()
        self.totals[self.stack[-1]] += now - self.last
        self.stack.append(name)
        self.last = now

    def leave(self) -> None:
        now = time.thread_time_ns()
        self.totals[self.stack.pop()] += now - self.last
        self.last = now

    def call(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(name)
            try:
                return func(*args, **kwargs)
            finally:
                self.leave()
        return timed

    def generator(self, name: str, func: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """A generator function whose every step (``next``) is charged to ``name``."""
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            self.enter(name)
            try:
                inner = func(*args, **kwargs)
            finally:
                self.leave()
            while True:
                self.enter(name)
                try:
                    item = next(inner)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item
        return timed


class TimedConnection:
    """A ``sqlite3.Connection`` stand-in that charges statements to stages by their SQL."""

    def __init__(self, conn: sqlite3.Connection, clock: StageClock) -> None:
        self._conn, self._clock = conn, clock

    def _stage(self, sql: str) -> str:
        head = " ".join(sql.split()[:3]).lower()
        if "segments_fts" in head:
            return "SQLite: FTS index insert"
        if "into segments" in head:
            return "SQLite: segment rows"
        if "text_chunks" in head or "into documents" in head:
            return "SQLite: document and text rows"
        if head.startswith("commit"):
            return "SQLite: commit (WAL write)"
        return "SQLite: other statements"

    def execute(self, sql: str, *args: Any) -> Any:
        return self._clock.call(self._stage(sql), self._conn.execute)(sql, *args)

    def executemany(self, sql: str, rows: Any) -> Any:
        return self._clock.call(self._stage(sql), self._conn.executemany)(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _wrap(clock: StageClock, owner: Any, attr: str, stage: str, *, generator: bool = False) -> None:
    func = getattr(owner, attr, None)
    if func is None:
        print(f"(no {getattr(owner, '__name__', owner)}.{attr} in this version: not a stage)")
        return
    setattr(owner, attr, (clock.generator if generator else clock.call)(stage, func))


class TimedTokenizer:
    """A spaCy tokenizer whose calls (and ``pipe`` steps) are charged to one stage."""

    def __init__(self, tokenizer: Any, clock: StageClock) -> None:
        self._tokenizer = tokenizer
        self._call = clock.call("spaCy tokenizer", tokenizer.__call__)
        self.pipe = clock.generator("spaCy tokenizer", tokenizer.pipe)

    def __call__(self, text: str) -> Any:
        return self._call(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def instrument(clock: StageClock) -> None:
    """Wrap the functions of each stage (innermost wins); names of earlier and
    later versions alike, a missing one is skipped."""
    from wijkverhalen import importers, importing, lemmas, nlp

    stages = [
        (importing, "prepare_document", "prepare: rest (word count, tuples)", False),
        (importers, "parse_file", "read and decode the file", False),
        (importers, "detect_turns", "speaker turns", False),
        (nlp, "import_spacy", "import spaCy, read the lemma table (parent, once)", False),
        (nlp, "load_pipeline", "build the spaCy pipeline (once per worker)", False),
        (nlp, "_sentences", "sentence loop (slices, joins, tuples)", True),
        (nlp, "_grouped_rows", "sentence loop (slices, joins, tuples)", True),
        (nlp, "_block_sentences", "sentence loop (slices, joins, tuples)", True),
        (nlp, "_line_chunks", "cut turns into text blocks", True),
        (nlp._Plan, "spans", "sentence bounds (token kinds, starts)", True),
        (nlp, "sentence_starts", "sentence bounds (token kinds, starts)", False),
        (nlp, "in_context", "lemma context rules", False),
    ]
    try:
        from wijkverhalen import sentence_rows
    except ImportError:
        pass
    else:
        stages += [
            (sentence_rows, "sentence_starts_between", "sentence bounds (token kinds, starts)", False),
            (sentence_rows, "in_context", "lemma context rules", False),
            (sentence_rows, "candidate_tokens", "lemma context rules", False),
        ]
    for owner, attr, stage, generator in stages:
        if hasattr(owner, attr):
            setattr(owner, attr, (clock.generator if generator else clock.call)(stage, getattr(owner, attr)))
    for owner in (nlp, sys.modules.get("wijkverhalen.sentence_rows")):
        for name in ("_LemmaCache", "LemmaCache"):
            if hasattr(owner, name):
                _wrap(clock, getattr(owner, name), "__missing__", "lemma of a new word (table, guesses)")
    for name in ("homograph_lemmas", "verb_lemmas", "load_table"):
        _wrap(clock, lemmas, name, "lemma tables (once per process)")
        if hasattr(nlp, name):
            setattr(nlp, name, getattr(lemmas, name))


def run(n: int, words: int, seed: int) -> tuple[Counter[str], float, int]:
    from wijkverhalen import importing
    from wijkverhalen.store import Project

    folder, _ = ensure_corpus(n, words, seed)
    clock = StageClock()
    instrument(clock)
    workdir = Path(tempfile.mkdtemp(prefix="wijk-stages-"))
    env = {"WIJKVERHALEN_CODER": "bench", "WIJKVERHALEN_CONFIG": str(workdir / "config.yaml")}
    import os

    subprocess.run([str(Path(sys.executable).parent / "wijkverhalen"), "init", str(workdir / "p.wijk")],
                   env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    project = Project.open(workdir / "p.wijk")
    project.conn = TimedConnection(project.conn, clock)  # type: ignore[assignment]
    transactions = getattr(project, "transaction", None)
    if transactions is not None and hasattr(transactions, "conn"):
        transactions.conn = project.conn

    real_worker = importing._prepare_in_worker

    def worker_and_pickle(args: Any, stream: bool = False) -> Any:
        result = real_worker(args)  # as a worker does: never streamed
        clock.enter("pickle a document to the writer and back")
        try:
            return pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            clock.leave()

    importing._prepare_in_worker = worker_and_pickle  # type: ignore[assignment]
    write = clock.call("SQLite: other statements", project.documents.add)
    project.documents.add = write  # type: ignore[method-assign]
    clock.totals.clear()
    clock.last = time.thread_time_ns()
    started = time.perf_counter()
    from wijkverhalen import nlp

    nlp.import_spacy()  # what the parent does before it forks the workers
    pipeline = nlp.load_pipeline(None)  # the same cache key as the import's calls
    pipeline.tokenizer = TimedTokenizer(pipeline.tokenizer, clock)
    report = importing.import_paths(project, [folder], "bench", workers=1,
                                    metadata_csv=folder / corpus.METADATA_FILE)
    if report.failed:
        raise SystemExit(f"import failed: {report.failed[:3]}")
    wall = time.perf_counter() - started
    clock.leave()  # "other" up to now
    clock.stack.append("other")
    project.close()
    return clock.totals, wall, len(report.imported)


def ensure_corpus(n: int, words: int, seed: int) -> tuple[Path, None]:
    import json

    folder = BENCH_DIR / "out" / f"corpus-n{n}-w{words}-s{seed}"
    big = BENCH_DIR / "out" / f"corpus-n1000-w{words}-s{seed}"
    stamp = json.dumps({"n": n, "words": words, "seed": seed, "version": 1})
    if (folder / ".complete").is_file() and (folder / ".complete").read_text() == stamp:
        return folder, None
    if n <= 1000 and (big / ".complete").is_file():
        # Document i is the same whatever N: take the first N of the big corpus.
        subset = Path(tempfile.mkdtemp(prefix="wijk-stages-corpus-"))
        names = sorted(p.name for p in big.glob("interview_*.txt"))[:n]
        for name in names:  # copies: an import does not follow links out of its folder
            shutil.copyfile(big / name, subset / name)
        lines = (big / corpus.METADATA_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
        (subset / corpus.METADATA_FILE).write_text("".join(lines[:n + 1]), encoding="utf-8")
        return subset, None
    folder.mkdir(parents=True, exist_ok=True)
    corpus.generate(folder, n=n, words=words, seed=seed)
    (folder / ".complete").write_text(stamp)
    return folder, None


def print_stages(totals: Counter[str], wall: float, docs: int) -> None:
    total = sum(totals.values()) / 1e9
    print(f"import of {docs} interviews in one process: {total:.2f} s CPU ({wall:.2f} s wall), "
          f"load {Path('/proc/loadavg').read_text().split()[0]}")
    print(f"{'stage':48s} {'CPU s':>7s} {'share':>6s} {'ms/doc':>7s}")
    for name, ns in totals.most_common():
        print(f"{name:48s} {ns / 1e9:7.2f} {100 * ns / 1e9 / total:5.1f}% {ns / 1e6 / max(docs, 1):7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="interviews (default 200)")
    parser.add_argument("--words", type=int, default=3000, help="words per interview (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = parser.parse_args(argv)
    totals, wall, docs = run(args.n, args.words, args.seed)
    print_stages(totals, wall, docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
