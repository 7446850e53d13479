"""Benchmark: triangulation (``wijkverhalen validate``) on a large project.

Builds a project of 1,000 documents with 100,000 codings (valence mixed), 50
indicators (5 areas x 4 years), 12 actors with ~10 mentions per document, three
cases, and times :func:`wijkverhalen.linking.triangulation.validate` with every
part the CLI runs by default (all findings, the per-case view of the four
inventories, the inclusiveness report). Target: <= 5 s.

Documents come from ``bench/corpus.py`` (short transcripts, attributes rol, wijk,
jaar, casus) and are stored through ``Project.add_documents`` with trivial sentence
segments (no spaCy). The store has no bulk API for codings, so the 100,000 codings
are written in one transaction as ``add_coding`` would write them.

Usage::

    .venv/bin/python bench/bench_validate.py            # build in a temp dir, time, clean up
    .venv/bin/python bench/bench_validate.py --keep build/bench_validate.wijk --report
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py, the shared synthetic transcripts)

from wijkverhalen.linking.actors import parse_actor_registry  # noqa: E402
from wijkverhalen.linking.triangulation import ValidationOptions, validate  # noqa: E402
from wijkverhalen.models import Code, IndicatorLink, ParsedDocument, Sentence, Turn  # noqa: E402
from wijkverhalen.models.linking import IndicatorValue  # noqa: E402
from wijkverhalen.resources import resource_path  # noqa: E402
from wijkverhalen.store import DocumentInput, Project  # noqa: E402

CODER = "bench"
AREAS = {"BoTu": 50.0, "Bospolder": 48.0, "Tussendijken": 52.0, "NPRZ-focuswijken": 40.0, "Rotterdam": 55.0}
YEARS = (2014, 2016, 2018, 2020)
VALENCES = ("positive", "negative", "mixed", None)
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]")


def bench_codes(n_indicators: int) -> list[Code]:
    """Ten themes with six sub-codes each; fifty of the sub-codes link one indicator each."""
    codes: list[Code] = []
    linked = 0
    for t in range(10):
        parent = f"thema{t}"
        codes.append(Code(parent, f"Thema {t}", position=t))
        for s in range(6):
            links: tuple[IndicatorLink, ...] = ()
            if linked < n_indicators:
                links = (IndicatorLink(f"indicator_{linked:02d}", "+" if linked % 3 else "-"),)
                linked += 1
            codes.append(Code(f"{parent}.sub{s}", f"Thema {t}.{s}", parent_id=parent, position=s, indicators=links))
    codes += [Code("governance", "Governance", position=10), Code("governance.leiderschap", "Leiderschap",
                                                                       parent_id="governance"),
              Code("sibd", "SIBD", position=11), Code("sibd.botu12", "BoTu12", parent_id="sibd")]
    return codes


def document_input(index: int, words: int) -> DocumentInput:
    text = corpus.generate_document(index, words=words)
    sentences = [Sentence(m.start(), m.end(), 0) for m in _SENTENCE.finditer(text) if m.group().strip()]
    sentences = [Sentence(s.start + (len(text[s.start:s.end]) - len(text[s.start:s.end].lstrip())), s.end, 0)
                 for s in sentences]
    parsed = ParsedDocument(name=corpus.file_name(index), text=text, format="txt", source_path=corpus.file_name(index),
                            turns=(Turn(0, len(text), 0, None),))
    attributes = {k: v for k, v in corpus.metadata_row(index).items() if k != "file"}
    return DocumentInput(parsed, sentences, len(text.split()), attributes)


def build(path: Path, n_docs: int, n_codings: int, n_indicators: int, words: int, seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    codes = bench_codes(n_indicators)
    project = Project.create(path, codes=codes, coder=CODER)
    try:
        batch = [document_input(i, words) for i in range(n_docs)]
        for i in range(0, n_docs, 100):
            project.add_documents(batch[i:i + 100], CODER)
        timings["documents"] = time.perf_counter() - started
        lengths = dict(project.conn.execute("SELECT id, length(text) FROM documents"))
        doc_ids = sorted(lengths)
        code_ids = [c.id for c in codes if c.parent_id is not None]
        t = time.perf_counter()
        ts = "2021-01-01T00:00:00.000Z"
        rows = []
        for n in range(n_codings):
            doc = doc_ids[n % len(doc_ids)]
            start = rng.randrange(0, max(1, lengths[doc] - 200))
            rows.append((str(uuid.UUID(int=rng.getrandbits(128))).upper(), doc, start, start + rng.randint(20, 180),
                         rng.choice(code_ids), CODER, "", rng.choice(VALENCES), ts, ts))
        with project.transaction():  # what add_coding writes, 100,000 times, in one transaction
            project.conn.executemany(
                'INSERT INTO codings (guid, document_id, start, "end", code_id, coder, memo, valence, created_at,'
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        timings["codings"] = time.perf_counter() - t
        t = time.perf_counter()
        values = []
        for k in range(n_indicators):
            slope = rng.uniform(-2.5, 2.5)
            for area, base in AREAS.items():
                for j, year in enumerate(YEARS):
                    values.append(IndicatorValue(f"indicator_{k:02d}", area, year,
                                                 round(base + k % 7 + slope * j + rng.uniform(-0.5, 0.5), 1),
                                                 unit="%", row=len(values) + 2))
        project.import_indicator_values(values, file="bench_indicators.csv", coder=CODER)
        timings["indicators"] = time.perf_counter() - t
        t = time.perf_counter()
        actors = parse_actor_registry(resource_path("data/actors.yaml"))
        project.import_actors(actors, CODER)
        found: dict[int, list[tuple[str, int, int, str]]] = {}
        for doc in doc_ids:
            spans = sorted(rng.sample(range(0, max(20, lengths[doc] - 20), 15), 10))
            found[doc] = [(rng.choice(actors).id, s, s + 10, "x" * 10) for s in spans]
        project.store_detected_mentions(found, CODER)
        timings["mentions"] = time.perf_counter() - t
    finally:
        project.close()
    timings["build"] = time.perf_counter() - started
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time 'wijkverhalen validate' on a large project.",
                                     epilog="Example: .venv/bin/python bench/bench_validate.py --docs 1000")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--words", type=int, default=400, help="words per synthetic document (default 400)")
    parser.add_argument("--repeat", type=int, default=3, help="validate runs; the best is reported")
    parser.add_argument("--keep", type=Path, default=None, help="build the project here and keep it")
    parser.add_argument("--report", action="store_true", help="also time writing Markdown, XLSX and plots")
    args = parser.parse_args(argv)
    if args.indicators > 60:
        parser.error("--indicators is at most 60 (the bench codebook has 60 sub-codes)")
    tmp = None
    if args.keep is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench_validate.wijk"
    else:
        path = args.keep
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
    try:
        timings = build(path, args.docs, args.codings, args.indicators, args.words)
        print(f"built {path.name}: {args.docs} documents, {args.codings} codings, {args.indicators} indicators "
              f"in {timings['build']:.1f} s (documents {timings['documents']:.1f} s, codings "
              f"{timings['codings']:.1f} s, indicators {timings['indicators']:.2f} s, mentions "
              f"{timings['mentions']:.2f} s)")
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            with Project.open(path) as project:  # opening is part of what a user waits for
                result = validate(project, ValidationOptions())
            best = min(best, time.perf_counter() - t)
        counts = ", ".join(f"{k}: {v}" for k, v in result.counts().items())
        verdict = "ok" if best <= 5.0 else "TOO SLOW"
        print(f"validate: {best:.2f} s wall (best of {max(1, args.repeat)}; target <= 5 s: {verdict})")
        print(f"  {len(result.findings)} findings ({counts}); {len(result.cases)} case views")
        if args.report:
            from wijkverhalen.linking.plots import write_plots
            from wijkverhalen.linking.validation_report import write_report

            out = path.parent / "bench_validate_report"
            out.mkdir(exist_ok=True)
            t = time.perf_counter()
            write_report(result, out / "validatie.md")
            write_report(result, out / "validatie.xlsx")
            print(f"  reports (md + xlsx): {time.perf_counter() - t:.2f} s")
            t = time.perf_counter()
            plots = write_plots(result, out / "plots")
            print(f"  plots: {sum(len(v) for v in plots.values())} files in {time.perf_counter() - t:.1f} s")
        return 0 if best <= 5.0 else 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
