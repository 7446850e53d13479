"""The demo coded by two coders, reproducibly: blind copies, seeded coding, merged back.

    .venv/bin/python tools/demo_two_coders.py [DIR] [--seed 13]

builds the demo project in DIR (default ``demo-team``), makes a blind copy for
``anna`` and for ``bram``, codes each copy with a seeded script (a code on a
sentence that names one of its keywords, most of the time; now and then a stray
code), marks every document done, and merges both copies back. Then try

    wijkverhalen agreement DIR/botu.wijk --coders anna,bram
    wijkverhalen open DIR/botu.wijk          # R: the Compare screen

The coders differ only by chance, so the agreement is high but not perfect.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from wijkverhalen.demo import build_demo_project
from wijkverhalen.store import Project, copy_project

CODERS = {"anna": (0.85, 0.02), "bram": (0.75, 0.03)}  # P(code a keyword sentence), P(stray code)


def code_copy(path: Path, coder: str, seed: int) -> int:
    hit, stray = CODERS[coder]
    rng = random.Random(f"{seed}-{coder}")
    added = 0
    with Project.open(path) as project:
        codes = [c for c in project.codes.all() if c.keywords]
        patterns = {c.id: re.compile(r"\b(" + "|".join(map(re.escape, c.keywords)) + ")", re.I) for c in codes}
        for doc in project.documents.all():
            text = project.documents.text(doc.id)
            for sentence in project.documents.segments(doc.id, "sentence"):
                words = text[sentence.start:sentence.end]
                chosen = {c.id for c in codes if patterns[c.id].search(words) and rng.random() < hit}
                if rng.random() < stray:
                    chosen.add(rng.choice(codes).id)
                for code_id in sorted(chosen):
                    project.codings.add(doc.id, sentence.start, sentence.end, code_id, coder)
                    added += 1
            project.teams.mark_done(doc.id, coder)
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default="demo-team", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    main_path, _ = build_demo_project(args.dir / "botu.wijk", rebuild=True)
    copies = []
    for coder in CODERS:
        copy = copy_project(main_path, args.dir / f"botu-{coder}.wijk", coder, blind=True, force=True)
        print(f"{copy}: {code_copy(copy, coder, args.seed)} codings by {coder}")
        copies.append(copy)
    with Project.open(main_path) as project:
        for copy in copies:
            report = project.exchange.merge_from(copy, "lead")
            print(f"merged {copy.name}: added {dict(report.added)}, {len(report.conflicts)} conflict(s)")
    print(f"now: wijkverhalen agreement {main_path} --coders anna,bram")


if __name__ == "__main__":
    main()
