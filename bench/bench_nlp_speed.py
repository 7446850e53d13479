"""CPU cost per token of sentences and lemmas, for before/after comparisons.

Segments the first N interviews of ``bench/corpus.py`` (warm caches, best of
5 passes, process CPU time) and prints microseconds per spaCy token. To compare
two versions on a loaded machine, run both alternately in the same minute, the
other one from its checkout::

    python bench/bench_nlp_speed.py --label branch
    PYTHONPATH=../main/src python bench/bench_nlp_speed.py --label main

Only ``nlp.segment_turns`` and ``importers.detect_turns`` are used, so any
version of wijkverhalen can be measured with this file.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40, help="interviews (default 40)")
    parser.add_argument("--label", default="", help="printed before the figure")
    args = parser.parse_args(argv)
    from wijkverhalen import nlp
    from wijkverhalen.importers import detect_turns

    docs = [corpus.generate_document(i) for i in range(args.n)]
    turns = [detect_turns(d) for d in docs]
    for doc, doc_turns in zip(docs, turns, strict=True):  # warm the per-word caches
        nlp.segment_turns(doc, doc_turns)
    tokens = sum(len(nlp.load_pipeline().make_doc(d)) for d in docs)
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        for doc, doc_turns in zip(docs, turns, strict=True):
            nlp.segment_turns(doc, doc_turns)
        best = min(best, time.process_time() - t0)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"{args.label}: {best / tokens * 1e6:.3f} us CPU per token ({tokens} tokens, load {load})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
