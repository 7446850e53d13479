"""Benchmark: what hostile input files cost to refuse (wall time and memory).

Issue 8 asks that a hostile file give one line naming it, write nothing, and
stay within about 5x its size in memory. For each case below the file is built
in a temporary folder, then read in a FRESH Python process (so one case's
memory cannot hide another's) exactly as the import reads it. The child reports:

- ``wall``: seconds to read (and refuse) the file, imports excluded;
- ``peak RSS growth``: ``ru_maxrss`` after reading minus ``ru_maxrss`` before,
  i.e. how much the process's peak resident memory rose because of this file;
- ``py peak``: tracemalloc's peak of Python allocations while reading;
- ``x input``: RSS growth divided by the input size (the issue's "~5x").

The children run with an address-space limit (``--limit-mb``, default 2048) and
a time limit (``--timeout``, default 60 s) so that a regression shows as
MemoryError or TIMEOUT instead of taking the shared machine down. To see the
figures of another checkout, e.g. before the fixes:
``PYTHONPATH=../main/src python bench/bench_hostile.py --timeout 20``.
``RSS +MB`` is 0.0 when reading the file did not raise the process's peak at all.

Usage::

    .venv/bin/python bench/bench_hostile.py
    .venv/bin/python bench/bench_hostile.py --only docx --json bench/out/hostile.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

GOOD = "I: Hoe begon het?\nR: In maart hielpen we de buren met boodschappen.\n"

# The child: import everything a reader needs first, then measure only the read.
CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
kind, target = sys.argv[1], Path(sys.argv[2])
limit = int(sys.argv[3]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import docx, odf.opendocument, yaml  # noqa: F401  (imported before measuring)
from wijkverhalen.codebook import load_codebook
from wijkverhalen.errors import WijkError
from wijkverhalen.importers import iter_import_paths, parse_file

def read():
    if kind == "codebook":
        load_codebook(target)
        return "loaded"
    if kind == "folder":
        files, skipped = iter_import_paths([target])
        return f"{len(files)} file(s); skipped: " + "; ".join(r for _, r in skipped)
    parsed = parse_file(target)
    return f"parsed, {len(parsed.text)} characters"

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
try:
    outcome = read()
except WijkError as exc:
    outcome = "error: " + exc.one_line()
except BaseException as exc:  # what the bench exists to catch
    outcome = f"CRASH {type(exc).__name__}: {exc}"[:300]
wall = time.perf_counter() - start
_, py_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall": wall, "rss_growth_kb": after - before, "py_peak": py_peak,
                  "baseline_kb": before, "outcome": outcome}))
"""

LAUGH = "\n".join(
    [f'{c}: &{c} [{",".join([f"*{p}"] * 9)}]' for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)


def yaml_bomb_front(folder: Path) -> Path:
    path = folder / "bomb.md"
    body = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + LAUGH + "\n"
    path.write_text(f"---\n{body}---\n{GOOD}", encoding="utf-8")
    return path


def yaml_recursive_front(folder: Path) -> Path:
    path = folder / "recursive.md"
    path.write_text(f"---\na: &a [*a, *a]\nb: &b {{x: *b}}\n---\n{GOOD}", encoding="utf-8")
    return path


def yaml_deep_front(folder: Path) -> Path:
    path = folder / "deep.md"
    path.write_text(f"---\na: {'[' * 1_000_000}{']' * 1_000_000}\n---\n{GOOD}", encoding="utf-8")
    return path


def yaml_bomb_codebook(folder: Path) -> Path:
    """Codes whose children are aliases of the level below: 9**7 codes when expanded."""
    lines = ["name: bom", "codes:", "  - &n0 {id: x, label: X}"]
    for level in range(1, 8):
        kids = ", ".join([f"*n{level - 1}"] * 9)
        lines.append(f"  - &n{level} {{id: x{level}, label: X, children: [{kids}]}}")
    path = folder / "bomb_codebook.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def yaml_recursive_codebook(folder: Path) -> Path:
    path = folder / "recursive_codebook.yaml"
    path.write_text("name: lus\ncodes:\n  - &c {id: a, label: A, children: [*c]}\n",
                    encoding="utf-8")
    return path


def _docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    for i in range(200):
        document.add_paragraph(f"R: Zin {i} over de buurt, het buurthuis en de voedselhulp.")
    document.save(str(path))
    return path


def _rewrite(source: Path, target: Path, replace: dict[str, bytes],
             padding: tuple[str, int] | None = None) -> Path:
    """Copy a zip, replacing members; ``padding`` (name, n) streams n filler bytes into a part.

    An XML part gets n spaces before its last closing tag (still valid XML, which
    a parser would read in full); a new part gets n zero bytes.
    """
    pad_name, pad_size = padding if padding is not None else ("", 0)
    block = 4194304
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for filename in names:
            data = replace.get(filename, src.read(filename))
            if filename != pad_name:
                dst.writestr(filename, data)
                continue
            cut = data.rindex(b"</")
            info = zipfile.ZipInfo(filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=pad_size > 2**31 - 1) as member:
                member.write(data[:cut])
                for _ in range(pad_size // block):
                    member.write(b" " * block)
                member.write(data[cut:])
        if pad_name and pad_name not in names:
            info = zipfile.ZipInfo(pad_name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=pad_size > 2**31 - 1) as member:
                for _ in range(pad_size // block):
                    member.write(bytes(block))
    return target


def docx_good(folder: Path) -> Path:
    return _docx(folder / "good.docx")


def docx_zip_bomb(folder: Path) -> Path:
    # 2 GiB of spaces in document.xml, a ~2 MB package (the 4.8 MB docx took 8 GB).
    return _rewrite(_docx(folder / "base.docx"), folder / "zipbomb.docx", {},
                    ("word/document.xml", 2 * 1024**3))


def docx_below_floor(folder: Path) -> Path:
    """The worst bomb still read: 15 MiB of spaces, just below RATIO_FLOOR (16 MiB)."""
    return _rewrite(_docx(folder / "base.docx"), folder / "floor.docx", {},
                    ("word/document.xml", 15 * 1024**2))


def docx_lying_sizes(folder: Path) -> Path:
    """document.xml declares 1,000 bytes (checksum to match) and inflates to 512 MiB."""
    import struct

    bomb = _rewrite(_docx(folder / "base.docx"), folder / "lying.docx", {},
                    ("word/document.xml", 512 * 1024**2))
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("word/document.xml")
        head = archive.open(info).read(1000)
    central = data.index(b"word/document.xml", data.index(b"PK\x01\x02")) - 46
    # Central directory entry and local header: the checksum of the first 1,000
    # bytes, the real compressed size, 1,000 as the uncompressed size.
    for field_at in (central + 16, info.header_offset + 14):
        struct.pack_into("<III", data, field_at, zlib.crc32(head), info.compress_size, 1000)
    bomb.write_bytes(bytes(data))
    return bomb


def _entity_xml(xml: str) -> str:
    head, rest = xml.split("?>", 1)
    lol = "".join(f'<!ENTITY l{i} "{"".join([f"&l{i - 1};"] * 10)}">' for i in range(1, 10))
    return head + f'?><!DOCTYPE x [<!ENTITY l0 "lol">{lol}]>' + rest.replace("Zin 1 ", "Zin &l9; ")


def docx_entities(folder: Path) -> Path:
    base = _docx(folder / "base.docx")
    with zipfile.ZipFile(base) as archive:
        xml = archive.read("word/document.xml").decode()
    return _rewrite(base, folder / "laughs.docx", {"word/document.xml": _entity_xml(xml).encode()})


def _odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for i in range(200):
        document.text.addElement(P(text=f"R: Zin {i} over de buurt."))
    document.save(str(path))
    return path


def odt_zip_bomb(folder: Path) -> Path:
    return _rewrite(_odt(folder / "base.odt"), folder / "zipbomb.odt", {},
                    ("content.xml", 2 * 1024**3))


def odt_entities(folder: Path) -> Path:
    base = _odt(folder / "base.odt")
    with zipfile.ZipFile(base) as archive:
        xml = archive.read("content.xml").decode()
    return _rewrite(base, folder / "laughs.odt", {"content.xml": _entity_xml(xml).encode()})


def symlink_folder(folder: Path) -> Path:
    corpus = folder / "links"
    corpus.mkdir()
    (corpus / "goed.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "lus1.txt").symlink_to(corpus / "lus2.txt")
    (corpus / "lus2.txt").symlink_to(corpus / "lus1.txt")
    (corpus / "zelf").symlink_to(corpus, target_is_directory=True)
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    return corpus


CASES: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "front matter: alias bomb": ("file", yaml_bomb_front),
    "front matter: recursive alias": ("file", yaml_recursive_front),
    "front matter: 10^6 levels": ("file", yaml_deep_front),
    "codebook: alias bomb": ("codebook", yaml_bomb_codebook),
    "codebook: recursive alias": ("codebook", yaml_recursive_codebook),
    "docx: good (reference)": ("file", docx_good),
    "docx: zip bomb 2 GiB xml": ("file", docx_zip_bomb),
    "docx: 15 MiB xml (below floor)": ("file", docx_below_floor),
    "docx: lying sizes 512 MiB": ("file", docx_lying_sizes),
    "docx: entity laughs": ("file", docx_entities),
    "odt: zip bomb 2 GiB xml": ("file", odt_zip_bomb),
    "odt: entity laughs": ("file", odt_entities),
    "folder: symlink loops": ("folder", symlink_folder),
}


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.lstat().st_size for p in path.iterdir())
    return path.stat().st_size


def run_case(kind: str, target: Path, limit_mb: int, timeout: float) -> dict[str, object]:
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, kind, str(target), str(limit_mb)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"outcome": f"TIMEOUT: still reading after {timeout:.0f} s", "wall": timeout,
                "process_wall": timeout}
    whole = time.perf_counter() - start
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"outcome": f"CHILD FAILED rc={proc.returncode}: {proc.stderr.strip()[-300:]}",
                "process_wall": whole}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall"] = whole
    return result


def loadavg() -> str:
    path = Path("/proc/loadavg")
    return path.read_text().strip() if path.exists() else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--limit-mb", type=int, default=2048, help="address-space limit per child")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per case before giving up")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    rows = []
    print(f"load average before: {loadavg()}")
    header = f"{'case':32} {'input':>10} {'wall s':>8} {'RSS +MB':>8} {'x input':>8} {'py peak MB':>10}  outcome"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for name, (kind, build) in CASES.items():
            if args.only not in name:
                continue
            folder = Path(tmp) / f"case{len(rows)}"
            folder.mkdir()
            target = build(folder)
            size = size_of(target)
            result = run_case(kind, target, args.limit_mb, args.timeout)
            growth = int(result.get("rss_growth_kb", 0)) * 1024
            row = {"case": name, "input_bytes": size, **result,
                   "rss_growth_bytes": growth, "x_input": growth / size if size else None}
            rows.append(row)
            print(f"{name:32} {size:>10,} {result.get('wall', float('nan')):>8.3f} "
                  f"{growth / 2**20:>8.1f} {growth / size:>8.1f} "
                  f"{int(result.get('py_peak', 0)) / 2**20:>10.2f}  {str(result['outcome'])[:110]}")
    print(f"load average after: {loadavg()}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
