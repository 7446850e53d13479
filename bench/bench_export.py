"""Benchmark: report (Markdown, DOCX) and REFI-QDA (.qdpx) export and import at scale.

Builds a project of 1,000 synthetic interviews of ~3,000 words (``bench/corpus.py``,
attributes rol/wijk/jaar/casus, the veerkracht codebook) with ~30 codings per
document by two coders (memos on one in five, valences), five pseudonyms, and
times, each against the issue 5 target of <= 10 s:

* ``export report`` as Markdown and as DOCX (whole codebook, 3 quotes per code),
  and as DOCX with ``--case`` and ``--pseudonymise``;
* ``export qdpx`` (all texts, codings, memos as notes, sidecar with segments);
* ``qdpx import`` of that file into a new project (the sidecar's segments are used,
  no spaCy);

and, for information (no target), ``export segments`` (.xlsx), ``export matrix``
(codes x rol) and ``qdpx import`` of the same file *without* the sidecar, as a file
from another program arrives, which re-segments every text with spaCy.

The project is written through the store's bulk exchange API with trivial sentence
segments (a regex), so building it takes seconds rather than a spaCy import.
Timings are never asserted; the machine is shared and noisy.

Usage::

    .venv/bin/python bench/bench_export.py                 # 1,000 documents, temp dir
    .venv/bin/python bench/bench_export.py --n 200 --keep /tmp/bx --json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py, the shared synthetic transcripts)

from wijkverhalen.codebook import default_codebook_path, load_codebook  # noqa: E402
from wijkverhalen.importers.turns import detect_turns  # noqa: E402
from wijkverhalen.models import Sentence  # noqa: E402
from wijkverhalen.store import Project  # noqa: E402
from wijkverhalen.store.exchange import ExchangeCase, ExchangeCode, ExchangeCoding, ExchangeDocument  # noqa: E402

TARGET_S = 10.0
CODERS = ("anna", "bram")
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]?")
PSEUDONYMS = [("Fatima", "Bewoner 1"), ("Henk", "Bewoner 2"), ("Rosa", "Bewoner 3"), ("Delfshaven", "Wijk D"),
              ("Havensteder", "Corporatie H")]


def _document(index: int, words: int) -> ExchangeDocument:
    text = corpus.generate_document(index, words=words)
    turns = detect_turns(text)
    sentences: list[Sentence] = []
    for t_index, turn in enumerate(turns):
        for m in _SENTENCE.finditer(text, turn.body_start, turn.end):
            chunk = m.group()
            if chunk.strip():
                start = m.start() + len(chunk) - len(chunk.lstrip())
                end = m.start() + len(chunk.rstrip())
                sentences.append(Sentence(start, end, t_index, " ".join(text[start:end].lower().split())))
    attributes = {k: v for k, v in corpus.metadata_row(index).items() if k != "file" and v}
    return ExchangeDocument(key=str(index), guid=str(uuid.UUID(int=index + 1)).upper(),
                            name=corpus.file_name(index).removesuffix(".txt"), text=text, format="txt",
                            source_path=corpus.file_name(index), turns=turns, sentences=sentences,
                            word_count=len(re.findall(r"\w+", text)), attributes=attributes,
                            memo="Memo bij het interview." if index % 10 == 0 else "")


def build(path: Path, n: int, words: int, per_doc: int, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    codebook = load_codebook(default_codebook_path())
    documents = [_document(i, words) for i in range(n)]
    code_ids = [c.id for c in codebook.codes]
    codings: list[ExchangeCoding] = []
    for doc in documents:
        for k in range(per_doc):
            sentence = doc.sentences[rng.randrange(len(doc.sentences))]
            end = sentence.end
            if rng.random() < 0.3:  # some passages run into the next sentence
                following = [s for s in doc.sentences if s.start >= sentence.end][:1]
                end = following[0].end if following else end
            codings.append(ExchangeCoding(
                guid=str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper(), document_key=doc.key,
                start=sentence.start, end=end, code_id=rng.choice(code_ids), coder=CODERS[k % 2],
                memo="kernquote: vertrouwen in de buren" if rng.random() < 0.2 else "",
                valence=rng.choice(("positive", "negative", "mixed", None))))
    cases = [ExchangeCase(guid=str(uuid.uuid4()).upper(), name=name,
                          document_keys=tuple(d.key for d in documents if d.attributes.get("casus") == name))
             for name in ("Delfshaven Helpt!", "Social Impact by Design")]
    started = time.perf_counter()
    with Project.create(path, coder="bench", codebook_name=codebook.name, codebook_version=codebook.version) as p:
        p.import_exchange(codes=[ExchangeCode(c, "") for c in codebook.codes], documents=documents,
                          codings=codings, cases=cases, coder="bench", label="bench")
        p.import_pseudonyms(PSEUDONYMS, "bench")
        stored = len(p.coding_spans())  # random spans may repeat; the store keeps one
    return {"documents": n, "words": sum(d.word_count for d in documents), "codings": stored,
            "build_s": round(time.perf_counter() - started, 2)}


def timed(label: str, results: dict[str, Any], func: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    results[label] = round(time.perf_counter() - started, 2)
    print(f"  {label:<34} {results[label]:>7.2f} s", flush=True)
    return value


def run(n: int, words: int, per_doc: int, folder: Path, foreign: bool) -> dict[str, Any]:
    from wijkverhalen.exporters.docx import export_docx
    from wijkverhalen.exporters.markdown import export_markdown
    from wijkverhalen.exporters.matrix import export_matrix
    from wijkverhalen.exporters.tables import export_segments
    from wijkverhalen.refi import export_qdpx, import_qdpx

    path = folder / "bench.wijk"
    print(f"building {n} documents of ~{words} words, {per_doc} codings each ...", flush=True)
    info = build(path, n, words, per_doc)
    print(f"  built in {info['build_s']} s: {info['words']} words, {info['codings']} codings", flush=True)
    times: dict[str, Any] = {}
    with Project.open(path) as project:
        timed("report md", times, export_markdown, project, folder / "r.md")
        timed("report docx", times, export_docx, project, folder / "r.docx")
        timed("report docx --case --pseudonymise", times, export_docx, project, folder / "rc.docx",
              case="Delfshaven Helpt!", pseudonymise=True)
        timed("qdpx export", times, export_qdpx, project, folder / "b.qdpx", coder="bench")
        timed("segments xlsx (info)", times, export_segments, project, folder / "s.xlsx")
        timed("matrix codes x rol (info)", times, export_matrix, project, folder / "m.xlsx", cols="rol")
    summary = timed("qdpx import", times, import_qdpx, folder / "b.qdpx", folder / "back.wijk", coder="bench")
    assert summary.codings == info["codings"], summary.lines()
    if foreign:
        stripped = folder / "foreign.qdpx"
        with zipfile.ZipFile(folder / "b.qdpx") as src, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in src.namelist():
                if name != "wijkverhalen.json":
                    dst.writestr(name, src.read(name))
        timed("qdpx import, no sidecar (info)", times, import_qdpx, stripped, folder / "foreign.wijk",
              coder="bench")
    sizes = {"qdpx_mb": round((folder / "b.qdpx").stat().st_size / 1e6, 1),
             "docx_kb": round((folder / "r.docx").stat().st_size / 1e3), "md_kb": round((folder / "r.md").stat().st_size / 1e3)}
    targets = {k: v for k, v in times.items() if "(info)" not in k}
    return {**info, "seconds": times, "sizes": sizes, "cores": os.cpu_count(), "load": os.getloadavg()[0],
            "within_target": all(v <= TARGET_S for v in targets.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Example: .venv/bin/python bench/bench_export.py --n 1000")
    parser.add_argument("--n", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--words", type=int, default=3000, help="words per document (default 3000)")
    parser.add_argument("--codings", type=int, default=30, help="codings per document (default 30)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the project and outputs in this folder")
    parser.add_argument("--no-foreign", action="store_true", help="skip the import without sidecar (spaCy)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="wijk-bench-export-"))
    if args.keep:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    try:
        result = run(args.n, args.words, args.codings, folder, not args.no_foreign)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    verdict = "all within" if result["within_target"] else "NOT all within"
    print(f"{verdict} the {TARGET_S:g} s target (load average {result['load']:.1f} on {result['cores']} cores); "
          f"qdpx {result['sizes']['qdpx_mb']} MB, docx {result['sizes']['docx_kb']} kB")
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
