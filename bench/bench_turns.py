"""Speaker-turn detection: false positives on colon prose, and its cost per document.

Run ``.venv/bin/python bench/bench_turns.py``. Two invented pages (``tests/data/turns/``)
hold interviews with lines of prose that open with a word and a colon ("Let op: ...",
"Conclusie: ..."); every speaker other than the real ones is a false positive. The first
page was used while writing the rules, the second ("held out") only after. The cost is
the CPU time (this thread, best of 5) of ``detect_turns`` per document on the synthetic
benchmark corpus (``bench/corpus.py``, 300 documents of ~3,000 words) and on the demo
transcripts. Nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from wijkverhalen.importers.turns import detect_turns  # noqa: E402

PAGES = {
    "colon_prose.txt (tuned on)": {"I", "R", "Buurman"},
    "colon_prose_heldout.txt (held out)": {"Interviewer", "Ineke", "Samira"},
}


def false_positives() -> None:
    for label, real in PAGES.items():
        text = (ROOT / "tests" / "data" / "turns" / label.split()[0]).read_text(encoding="utf-8")
        colon_lines = sum(1 for line in text.splitlines()
                          if ":" in line[:40] and line.split(":")[0].strip() not in real)
        speakers = [t.speaker for t in detect_turns(text)]
        wrong = sorted({s for s in speakers if s is not None and s not in real})
        print(f"  {label}: {len(wrong)} false speaker(s) {wrong} among {colon_lines} other lines 'Word(s): ...'")


def cost() -> None:
    from corpus import generate_document  # type: ignore[import-not-found]

    texts = [generate_document(i, words=3000, seed=0) for i in range(1, 301)]
    demo = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "demo").glob("*.txt"))]
    for label, corpus in (("benchmark corpus", texts), ("demo .txt", demo)):
        best = float("inf")
        for _ in range(5):
            start = time.thread_time()
            for text in corpus:
                detect_turns(text)
            best = min(best, time.thread_time() - start)
        print(f"  {label}: {best / len(corpus) * 1000:.3f} ms CPU per document ({len(corpus)} documents)")


def main() -> int:
    print("speaker turns: false positives on colon prose")
    false_positives()
    print(f"speaker turns: cost (load average {os.getloadavg()[0]:.2f})")
    cost()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
