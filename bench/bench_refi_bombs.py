"""Benchmark: what hostile and very large .qdpx files cost (wall time and peak memory).

Issue 11: a 2.2 MB .qdpx holding three 500 MB members ran past 10 minutes at 4.1 GB,
and a 60 MB source needed 2.3 GB (39x). The caps (refi/safezip.py) are now
sized to real projects and checked from the sizes the zip declares before anything is
parsed or segmented. Each case is built in a temporary folder, then imported in a
FRESH Python process (one case's memory cannot hide another's), which reports:

- ``wall``: seconds for the import (or its refusal), imports of modules excluded;
- ``RSS +MB``: the peak resident memory (``VmHWM``, reset just before through
  ``/proc/self/clear_refs``) minus the resident memory before: what the file cost.
  What is subtracted (``base MB``) is the process after a warm-up: the same kind of
  import of a 20 000-character text, into a scratch project deleted after it. So the
  modules, the spaCy pipeline (built once per name: the file import asks for it by
  name, the .qdpx import without one, and warming only one of them charged the file
  case with a second pipeline, about 30 MB) and SQLite are in the baseline, not in the
  cost of the text. Memory freed before the start is handed back to the system
  first (``malloc_trim``), or the import would reuse it unseen;
- ``x text``: that growth (MiB) divided by the text imported (MiB of characters;
  the texts are Latin-1, one byte a character in Python): the issue's "~5x".

Cases: ``bomb`` (three 500 MB members in a zip of about 2 MB), ``source60`` (one
60 MB source), ``read20`` (reading a 20 MB source into an import plan, no spaCy),
``import4`` (a whole import of a 4 MB source: read, segment, write), ``import10x2``
(ten 2 MB sources in one .qdpx) and ``file4`` (a 4 MB .txt through ``wijkverhalen
import``, the file import path) and ``line4`` (the same text without line breaks,
one block that spaCy gets in pieces of ``nlp.MAX_CHUNK``). The children run
under an address-space limit (``--limit-mb``) and a time limit (``--timeout``) so a
regression shows as MemoryError or TIMEOUT. Another checkout's figures:
``PYTHONPATH=../main/src python bench/bench_refi_bombs.py``.

Usage::

    .venv/bin/python bench/bench_refi_bombs.py
    .venv/bin/python bench/bench_refi_bombs.py --only bomb source60
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHILD = r"""
import ctypes, gc, json, resource, sys, time
from pathlib import Path
kind, target, out, warm = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[5])
limit = int(sys.argv[4]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from wijkverhalen.errors import WijkError
from wijkverhalen.refi import import_qdpx, read_qdpx
from wijkverhalen.importing import import_paths
from wijkverhalen.store import Project
def run(path, project_path):
    if kind == "read":
        plan = read_qdpx(path)
        return f"planned {len(plan.documents)} document(s), {sum(len(d.text) for d in plan.documents)} chars"
    if kind == "file":
        project = Project.create(project_path, coder="bench")
        report = import_paths(project, [path], "bench", workers=1)
        project.close()
        return f"imported {len(report.imported)} document(s), {report.words} word(s)" + (
            f"; failed {report.failed[0][1]}" if report.failed else "")
    summary = import_qdpx(path, project_path, coder="bench", workers=1)
    return f"imported {len(summary.documents)} document(s), {summary.codings} coding(s)"
# The baseline: the same kind of import of a small text (WARM_CHARS) first, in this process,
# so that what every import loads once (modules, the spaCy pipeline and lemma tables, SQLite)
# is not counted as the cost of the text. Its project is deleted.
scratch = out.with_name(out.name + ".warm")
run(warm, scratch)
for suffix in ("", "-wal", "-shm"):
    Path(str(scratch) + suffix).unlink(missing_ok=True)
# Memory freed before the start is handed back to the system first, or the import would
# reuse it unseen and its rise would read as less than it is.
gc.collect()
try:
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except (OSError, AttributeError):
    pass
def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])  # kB
    return 0
Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
before = status("VmRSS")
start = time.perf_counter()
try:
    result = run(target, out)
except WijkError as exc:
    result = "refused: " + exc.one_line()
except MemoryError:
    result = "MemoryError"
wall = time.perf_counter() - start
after = status("VmHWM")
print(json.dumps({"wall": wall, "rss_mb": max(0, after - before) / 1024, "base_mb": before / 1024,
                  "result": result[:160]}))
"""
WORDS = ["de", "het", "een", "en", "van", "in", "is", "dat", "op", "te", "buren", "wijk", "gemeente", "hulp", "vertrouwen", "we", "ze", "hielpen", "boodschappen", "Delfshaven", "Bospolder", "Tussendijken", "samen", "later", "eerst", "zorg", "één", "geïnterviewd", "café", "ruïne"]


def _text(size: int, seed: int = 0) -> str:
    rnd = random.Random(seed)
    lines: list[str] = []
    total = 0
    turn = 0
    while total < size:
        words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(20, 90)))
        line = f"{'IR'[turn % 2]}: {words[0].upper()}{words[1:]}. {rnd.choice(WORDS)} {rnd.choice(WORDS)}.\n\n"
        lines.append(line)
        total += len(line)
        turn += 1
    return "".join(lines)


def _qde(sources: list[tuple[str, int]]) -> str:
    code = '<Code guid="00000000-0000-4000-8000-0000000000C1" name="buren" isCodable="true"/>'
    body = "".join(
        f'<TextSource guid="{guid}" name="s{i}" plainTextPath="internal://{guid}.txt">'
        f'<PlainTextSelection guid="00000000-0000-4000-8000-1{i:011d}" startPosition="3" endPosition="{end}">'
        f'<Coding guid="00000000-0000-4000-8000-2{i:011d}"><CodeRef targetGUID="00000000-0000-4000-8000-0000000000C1"/>'
        "</Coding></PlainTextSelection></TextSource>"
        for i, (guid, end) in enumerate(sources))
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="bench">'
            f"<CodeBook><Codes>{code}</Codes></CodeBook><Sources>{body}</Sources></Project>")


def build_bomb(path: Path) -> int:
    guids = [f"00000000-0000-4000-8000-00000000000{i}" for i in (1, 2, 3)]
    chunk = b"a" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("project.qde", _qde([(g, 10) for g in guids]))
        for guid in guids:
            with archive.open(f"sources/{guid}.txt", "w", force_zip64=True) as fh:
                for _ in range(500):
                    fh.write(chunk)
    return 0


def build_source(path: Path, megabytes: float, sources: int = 1) -> int:
    guids = [f"00000000-0000-4000-8000-{i + 1:012d}" for i in range(sources)]
    chars = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("project.qde", _qde([(guid, 10) for guid in guids]))
        for i, guid in enumerate(guids):
            text = _text(int(megabytes * 1024 * 1024), seed=i)
            archive.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
            chars += len(text)
    return chars


def build_txt(path: Path, megabytes: float, one_line: bool = False) -> int:
    text = _text(int(megabytes * 1024 * 1024))
    if one_line:  # as some PDF extractions and exports come: one paragraph, cut only at MAX_CHUNK
        text = text.replace("\n\n", " ").replace("\n", " ")
    path.write_text(text, encoding="utf-8")
    return len(text)


WARM_CHARS = 20_000  # the warm-up import's text (see CHILD)

CASES = {
    "bomb": ("three 500 MB members in a ~2 MB zip", "import", build_bomb),
    "source60": ("one 60 MB source", "import", lambda p: build_source(p, 60)),
    "read20": ("a 20 MB source read into a plan", "read", lambda p: build_source(p, 20)),
    "import4": ("a 4 MB source imported whole", "import", lambda p: build_source(p, 4)),
    "import10x2": ("ten 2 MB sources imported whole", "import", lambda p: build_source(p, 2, sources=10)),
    "file4": ("a 4 MB .txt through `wijkverhalen import`", "file", lambda p: build_txt(p, 4)),
    "line4": ("a 4 MB .txt without line breaks", "file", lambda p: build_txt(p, 4, one_line=True)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES))
    parser.add_argument("--limit-mb", type=int, default=4096)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or list(CASES):
            label, kind, build = CASES[name]
            path = Path(tmp) / (f"{name}.txt" if kind == "file" else f"{name}.qdpx")
            chars = build(path)
            warm = Path(tmp) / f"warm-{name}{path.suffix}"
            (build_txt if kind == "file" else build_source)(warm, WARM_CHARS / (1024 * 1024))
            load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
            started = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), str(Path(tmp) / f"{name}.wijk"),
                                       str(args.limit_mb), str(warm)], capture_output=True, text=True,
                                      timeout=args.timeout)
                figures = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else \
                    {"wall": time.perf_counter() - started, "rss_mb": float("nan"), "result": done.stderr[-160:]}
            except subprocess.TimeoutExpired:
                figures = {"wall": args.timeout, "rss_mb": float("nan"), "result": "TIMEOUT"}
            ratio = figures["rss_mb"] * 1024 * 1024 / chars if chars else float("nan")
            rows.append({"case": name, "what": label, "zip_mb": path.stat().st_size / 1e6, "text_mb": chars / 1e6,
                         "load": load, "x_text": ratio, **figures})
            for suffix in ("", "-wal", "-shm"):
                Path(str(Path(tmp) / f"{name}.wijk") + suffix).unlink(missing_ok=True)
            path.unlink()
            warm.unlink()
    print(f"{'case':<10} {'zip MB':>7} {'text MB':>8} {'wall s':>7} {'base MB':>8} {'RSS +MB':>8} {'x text':>7} "
          f"{'load':>5}  result")
    for r in rows:
        print(f"{r['case']:<10} {r['zip_mb']:>7.1f} {r['text_mb']:>8.1f} {r['wall']:>7.2f} {r.get('base_mb', 0):>8.1f} "
              f"{r['rss_mb']:>8.1f} {r['x_text']:>7.1f} {r['load']:>5}  {r['result']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
