"""Benchmark of the coding workbench (TUI), driven headless with Textual's Pilot.

On a project of N interviews (default 1,000 of ~3,000 words, from ``bench/corpus.py``)
with 100,000 codings, 10,000 of them on one code, it measures against issue 3:

* opening a document: from the request to the first frame that shows it (<= 150 ms),
  and the CPU time of the whole opening until the screen has settled
  (``open_document_cpu_ms``: steadier than wall time on a loaded machine);
* a coding keypress (a recent code on ``1``, removing with ``x``, moving with ``j``)
  to the first repainted frame (<= 50 ms);
* opening the project: from building the app to the first frame of the documents
  screen with every row's number of codings (``startup_to_counts_ms``, <= 500 ms,
  issue 14); the share of coded sentences fills in after it
  (``documents_progress_worker_ms``);
* retrieval of the code with 10,000 passages to its first screen (<= 300 ms), and a
  jump deep into the list.

"Frame" means the moment Textual hands a rendered screen update to the terminal
driver: the bench wraps ``App._display`` and, as a real terminal would need, also
encodes the update to escape sequences before taking the time. Textual batches
repaints at up to 60 frames a second, so a frame can trail its keypress by up to
~16 ms by design.

The project is built once (segmented by a regex, lemmas = lower-case words; no
spaCy) into ``bench/out/tui-n1000.wijk`` and reused; ``--rebuild`` builds it anew.
Timings are printed and written to ``bench/out/tui.json``; nothing is asserted.

    .venv/bin/python bench/bench_tui.py            # 1,000 interviews, 100,000 codings
    .venv/bin/python bench/bench_tui.py --n 100 --codings 10000 --passages 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

import corpus  # noqa: E402

from wijkverhalen.codebook import default_codebook_path, load_codebook  # noqa: E402
from wijkverhalen.models import ParsedDocument, Sentence, Turn  # noqa: E402
from wijkverhalen.store import DocumentInput, Project  # noqa: E402

CODER = "bench"
TARGET_CODE = "relaties.vertrouwen"
SIZE = (120, 40)
_TURN = re.compile(r"^(?:(I|R): )?(.+)$", re.M)
_SENTENCE = re.compile(r"[^.?!]+[.?!]?")
_WORD = re.compile(r"\w+")


def document_input(index: int, words: int) -> DocumentInput:
    """A corpus transcript with turns (``I:``/``R:`` lines) and regex sentences."""
    text = corpus.generate_document(index, words=words)
    turns: list[Turn] = []
    sentences: list[Sentence] = []
    for m in _TURN.finditer(text):
        speaker = {"I": "Interviewer", "R": "Respondent"}.get(m.group(1) or "")
        body = m.start(2)
        turns.append(Turn(m.start(), m.end(), body, speaker))
        for s in _SENTENCE.finditer(text, body, m.end()):
            piece = s.group()
            start = s.start() + len(piece) - len(piece.lstrip())
            end = s.end() - (len(piece) - len(piece.rstrip()))
            if end > start:
                lemmas = " ".join(w.lower() for w in _WORD.findall(text, start, end))
                sentences.append(Sentence(start, end, len(turns) - 1, lemmas))
    parsed = ParsedDocument(
        name=corpus.file_name(index).removesuffix(".txt"),
        text=text,
        format="txt",
        source_path=corpus.file_name(index),
        turns=tuple(turns),
    )
    attributes = {k: v for k, v in corpus.metadata_row(index).items() if k != "file"}
    return DocumentInput(parsed, sentences, len(_WORD.findall(text)), attributes)


def build(
    path: Path, n_docs: int, words: int, n_codings: int, n_target: int, seed: int = 0
) -> dict[str, float]:
    """Create the bench project: documents through the store, codings in bulk (bench only)."""
    rng = random.Random(seed)
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    codebook = load_codebook(default_codebook_path())
    project = Project.create(path, codes=codebook.codes, coder=CODER, codebook_name=codebook.name)
    try:
        for i in range(0, n_docs, 50):
            project.documents.add(
                [document_input(k, words) for k in range(i, min(n_docs, i + 50))], CODER
            )
        t_docs = time.perf_counter() - started
        spans = {
            d.id: [(s.start, s.end) for s in project.documents.segments(d.id)] for d in project.documents.all()
        }
        doc_ids = sorted(spans)
        code_ids = [c.id for c in codebook.codes if c.id != TARGET_CODE]
        ts = "2021-01-01T00:00:00.000Z"
        rows = []
        for n in range(n_codings):
            doc = doc_ids[n % len(doc_ids)]
            first = rng.randrange(len(spans[doc]))
            last = min(len(spans[doc]) - 1, first + rng.choice((0, 0, 0, 1, 2)))
            code = TARGET_CODE if n < n_target else rng.choice(code_ids)
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128))).upper(),
                    doc,
                    spans[doc][first][0],
                    spans[doc][last][1],
                    code,
                    CODER,
                    "",
                    None,
                    ts,
                    ts,
                )
            )
        with (
            project.transaction()
        ):  # what add_coding writes, in one transaction (bench set-up only)
            project.conn.executemany(
                'INSERT INTO codings (guid, document_id, start, "end", code_id, coder, memo, valence, created_at,'
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        project.close()
    return {"documents_s": round(t_docs, 1), "build_s": round(time.perf_counter() - started, 1)}


class Frames:
    """Records when the app hands a rendered update to the (headless) terminal driver."""

    def __init__(self, app: Any, watch: Any = None) -> None:
        self.app = app
        self.times: list[tuple[float, Any]] = []
        self.watched: float | None = None  # first frame for which ``watch(screen)`` was true
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)  # the encoding a real terminal gets
                now = time.perf_counter()
                self.times.append((now, screen))
                if watch is not None and self.watched is None and watch(screen):
                    self.watched = now
            original(screen, renderable)

        app._display = display

    def first_after(self, t0: float, screen_type: type | None = None) -> float | None:
        for t, screen in self.times:
            if t >= t0 and (screen_type is None or isinstance(screen, screen_type)):
                return (t - t0) * 1000
        return None

    async def wait(
        self, t0: float, screen_type: type | None = None, timeout: float = 5.0
    ) -> float | None:
        """Milliseconds from ``t0`` to the first frame after it (waiting for it to come)."""
        deadline = time.perf_counter() + timeout
        while (
            latency := self.first_after(t0, screen_type)
        ) is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        return latency


def summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
        "n": len(ordered),
        "values": [round(v, 1) for v in values],
    }


async def measure(path: Path, reps: int) -> dict[str, Any]:
    from textual.widgets import DataTable

    from wijkverhalen.tui.app import make_app
    from wijkverhalen.tui.screens.coding import CodingScreen
    from wijkverhalen.tui.screens.documents import DocumentsScreen
    from wijkverhalen.tui.screens.retrieval import RetrievalScreen

    def documents_with_counts(screen: Any) -> bool:
        """The documents table is on screen, every row with its number of codings."""
        if not isinstance(screen, DocumentsScreen):
            return False
        table = screen.query_one(DataTable)
        return table.row_count == len(screen.docs) > 0 and all(
            "…" not in str(table.get_cell(str(d.id), "codings")) for d in screen.docs
        )

    results: dict[str, Any] = {"loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
    t_start = time.perf_counter()
    cpu_start = time.process_time()
    app = make_app(path, coder=CODER, query_lemmas=lambda q: {})
    frames = Frames(app, watch=documents_with_counts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        results["startup_to_documents_ms"] = round((time.perf_counter() - t_start) * 1000, 1)
        results["startup_to_documents_cpu_ms"] = round((time.process_time() - cpu_start) * 1000, 1)
        deadline = time.perf_counter() + 30
        while frames.watched is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        results["startup_to_counts_ms"] = round(((frames.watched or time.perf_counter()) - t_start) * 1000, 1)
        t0 = time.perf_counter()
        await app.workers.wait_for_complete()
        results["documents_progress_worker_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        await pilot.pause()

        docs = [d.id for d in app.session.project.documents.all()]
        rng = random.Random(1)
        opened, opened_cpu = [], []
        for doc_id in rng.sample(docs, min(reps, len(docs))):
            await pilot.pause()
            t0 = time.perf_counter()
            cpu0 = time.process_time()
            app.open_document(doc_id)
            latency = await frames.wait(t0, CodingScreen)
            await pilot.pause()
            opened_cpu.append((time.process_time() - cpu0) * 1000)
            if latency is not None:
                opened.append(latency)
        results["open_document_ms"] = summary(opened)
        # CPU of the whole opening, until the screen has settled (less noisy on a loaded machine)
        results["open_document_cpu_ms"] = summary(opened_cpu)
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.model is not None
        results["document_sentences"] = len(screen.model)

        async def keypress(key: str) -> float | None:
            await pilot.pause()
            await asyncio.sleep(0.05)  # let the previous frame go out
            t0 = time.perf_counter()
            await pilot.press(key)
            latency = await frames.wait(t0)
            await pilot.pause()
            return latency

        await pilot.press("c", *"vertr", "enter")  # one coding via the picker: now "1" is that code
        await pilot.pause()
        moves, codes, removes = [], [], []
        for _ in range(reps):
            # n: to the next sentence without codings, so x has exactly one coding to remove
            for store, key in ((moves, "n"), (codes, "1"), (removes, "x")):
                latency = await keypress(key)
                if latency is not None:
                    store.append(latency)
            if not isinstance(app.screen, CodingScreen):
                raise RuntimeError(f"unexpected screen during the bench: {app.screen}")
        results["move_keypress_ms"] = summary(moves)
        results["code_keypress_ms"] = summary(codes)
        results["remove_keypress_ms"] = summary(removes)

        t0 = time.perf_counter()
        total = app.session.project.retrieval.count_passages(TARGET_CODE)
        results["passages_of_code"] = total
        app.show_retrieval(TARGET_CODE)
        results["retrieval_first_screen_ms"] = round(
            await frames.wait(t0, RetrievalScreen) or -1, 1
        )
        await pilot.pause()
        passages = app.screen.query_one("#passages")
        jumps = []
        for target in (total // 2, total - 1, total // 3):
            await pilot.pause()
            await asyncio.sleep(0.05)
            t0 = time.perf_counter()
            passages.move_to(target)
            latency = await frames.wait(t0, RetrievalScreen)
            await pilot.pause()
            if latency is not None:
                jumps.append(latency)
        results["retrieval_jump_deep_ms"] = summary(jumps)
        pages = []
        for _ in range(reps):
            latency = await keypress("pagedown")
            if latency is not None:
                pages.append(latency)
        results["retrieval_pagedown_ms"] = summary(pages)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="interviews (default 1000)")
    parser.add_argument(
        "--words", type=int, default=3000, help="words per interview (default 3000)"
    )
    parser.add_argument(
        "--codings", type=int, default=100_000, help="codings in the project (default 100000)"
    )
    parser.add_argument(
        "--passages", type=int, default=10_000, help=f"codings of {TARGET_CODE} (default 10000)"
    )
    parser.add_argument(
        "--reps", type=int, default=20, help="repetitions per measurement (default 20)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the project anew")
    args = parser.parse_args(argv)

    out = BENCH_DIR / "out"
    path = out / f"tui-n{args.n}-c{args.codings}-p{args.passages}.wijk"
    results: dict[str, Any] = {"n": args.n, "words": args.words, "codings": args.codings}
    if args.rebuild or not path.exists():
        print(f"building {path} ...", flush=True)
        results["build"] = build(path, args.n, args.words, args.codings, args.passages)
    results.update(asyncio.run(measure(path, args.reps)))

    targets = {
        "open_document_ms": 150,
        "code_keypress_ms": 50,
        "remove_keypress_ms": 50,
        "move_keypress_ms": 50,
        "retrieval_first_screen_ms": 300,
        "startup_to_counts_ms": 500,
    }
    print(
        f"\nwijkverhalen TUI on {args.n} interviews, {args.codings:,} codings "
        f"({results['passages_of_code']:,} passages of {TARGET_CODE}), {SIZE[0]}x{SIZE[1]}:"
    )
    for key, value in results.items():
        if key in ("n", "words", "codings", "build"):
            continue
        shown = (
            f"median {value['median']} · p95 {value['p95']} · max {value['max']} (n={value['n']})"
            if isinstance(value, dict)
            else value
        )
        target = targets.get(key)
        check = ""
        if target is not None:
            worst = value["p95"] if isinstance(value, dict) else value
            check = f"   target <= {target}: {'ok' if worst <= target else 'OVER'}"
        print(f"  {key:32} {shown}{check}")
    (out / "tui.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures written to {out / 'tui.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
