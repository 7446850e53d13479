"""The wijkverhalen benchmark: import, search, coding, retrieval and CLI start-up.

Run by ``make bench`` as ``.venv/bin/python bench/run_bench.py``. It builds (or
reuses from ``bench/out/``) a synthetic corpus of N interviews of ~3,000 words
(see ``bench/corpus.py``), then measures, against the targets of issue 2:

* import: ``wijkverhalen init`` and ``importing.import_paths`` in a fresh process
  (so its peak RSS, and that of its largest worker, can be read with getrusage);
* full-text search: 100 queries, p50/p95, with and without lemmatising the query;
* durable coding: 10,000 ``Codings.add`` calls, one committed transaction each;
* retrieval: ``Retrieval.passages`` of one code with 1,000 passages and context;
* ``wijkverhalen --help`` wall time.

The table goes to stdout and the figures to ``bench/out/results.json``. Timings
are never asserted: the machine is shared and noisy. ``--profile N`` instead
profiles an N-document import in-process with one worker and prints where the
time goes. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
sys.path.insert(0, str(BENCH_DIR))
import corpus  # noqa: E402  (bench/ is not a package on sys.path when run as a script)

MB = 1024 * 1024
TARGETS = {  # issue 2, "Benchmark"; (limit, unit)
    "import_s": (6.0, "s"), "peak_rss_mb": (400.0, "MB"), "coding_p95_ms": (0.5, "ms"),
    "fts_p95_ms": (20.0, "ms"), "retrieval_p50_ms": (20.0, "ms"), "help_median_s": (0.3, "s"),
}
SINGLE = [
    "vertrouwen", "buurthuis", "gemeente", "voedselpakketten", "eenzaam", "vrijwilligers",
    "subsidie", "Havensteder", "zelfregie", "corona", "moskee", "wijkagent", "samenhang",
    "veerkracht", "netwerk", "ouderen", "jongeren", "boodschappen", "Bospolder", "Tussendijken",
    "lockdown", "huisarts", "portiek", "gebiedsbestuur", "Rebelgroep", "WhatsApp", "taal",
    "maaltijden", "kwetsbaar", "initiatieven",
]
INFLECTED = [
    "hielpen", "geholpen", "helpt", "hielp", "werkten", "kwamen", "organiseerden", "belden",
    "zochten", "spraken", "kregen", "buurthuizen", "eenzame", "vertrouwt", "gingen", "deden",
    "zeiden", "wisten", "kookten", "deelden", "voelden", "ontmoetten", "woonden", "regelden",
    "vroegen", "kenden", "brachten", "gewerkt", "gekomen", "gebeld",
]
PAIRS = [
    "vertrouwen gemeente", "buurthuis vrijwilligers", "hielpen buren", "voedselpakketten kinderen",
    "eenzaam ouderen", "subsidie gemeente", "corona netwerk", "kwamen buurthuis", "werkten samen",
    "Havensteder woning", "moskee boodschappen", "vertrouwde gemeente", "organiseerden maaltijden",
    "geholpen Delfshaven", "belden ouderen", "zelfregie bewoners", "wijkteam contact",
    "jongeren straat", "taal Nederlands", "samenhang buurt", "kregen pakketten", "eenzaamheid corona",
    "huisarts zorg", "initiatief geld", "crisis hulp", "spraken Arabisch", "gemeente betrokken",
    "markt ondernemers", "vertrouwen buren", "school kinderen",
]
PHRASES = ('"Delfshaven Helpt"', '"doe maar"', '"in de wijk"', '"het buurthuis"', '"onderling vertrouwen"',
           '"sociale samenhang"', '"de gemeente"', '"Social Impact by Design"', '"gewone mensen"',
           '"op straat"')
QUERIES = SINGLE + INFLECTED + PAIRS + list(PHRASES)
assert len(QUERIES) == 100


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Timings:
    """Wall and thread-CPU milliseconds of repeated calls.

    On a shared machine the wall-clock tail is mostly other processes preempting
    us; the CPU time of this thread shows what the code itself costs.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def __call__(self) -> Iterator[None]:
        w, c = time.perf_counter_ns(), time.thread_time_ns()
        yield
        self.cpu.append((time.thread_time_ns() - c) / 1e6)
        self.wall.append((time.perf_counter_ns() - w) / 1e6)

    def summary(self, prefix: str = "") -> dict[str, float]:
        return {f"{prefix}p50_ms": pct(self.wall, 50), f"{prefix}p95_ms": pct(self.wall, 95),
                f"{prefix}cpu_p50_ms": pct(self.cpu, 50), f"{prefix}cpu_p95_ms": pct(self.cpu, 95)}


def console_script() -> Path:
    return Path(sys.executable).parent / "wijkverhalen"


def bench_env(workdir: Path) -> dict[str, str]:
    """Environment for subprocesses: a fixed coder and a throw-away config file."""
    return {**os.environ, "WIJKVERHALEN_CODER": "bench",
            "WIJKVERHALEN_CONFIG": str(workdir / "config.yaml")}


# -- corpus -------------------------------------------------------------------------
def ensure_corpus(folder: Path, n: int, words: int, seed: int) -> tuple[Path, float | None]:
    """Generate the corpus unless a complete one with these parameters is there."""
    marker = folder / ".complete"
    stamp = json.dumps({"n": n, "words": words, "seed": seed, "version": 1})
    if marker.exists() and marker.read_text() == stamp:
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    corpus.generate(folder, n=n, words=words, seed=seed)
    elapsed = time.perf_counter() - started
    marker.write_text(stamp)
    return folder, elapsed


def busy_cpu_seconds() -> float | None:
    """CPU seconds all processes on the machine have used since boot (Linux), else None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# -- import (child process) ----------------------------------------------------------
def import_child(project: Path, folder: Path) -> None:
    """Run in a fresh interpreter: import ``folder`` into ``project``, print JSON."""
    import resource

    t0 = time.perf_counter()
    from wijkverhalen.importing import import_paths
    from wijkverhalen.store import Project

    t_modules = time.perf_counter() - t0
    # The memory sampler is a process of its own: in this one it took about 9 ms of CPU
    # every 0.1 s (psutil reading smaps_rollup of three ~200 MB processes), counted as
    # the import's CPU and competing with the writer for its core.
    sampler = subprocess.Popen([sys.executable, __file__, "--sample-memory", str(os.getpid())],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert sampler.stdin is not None and sampler.stdout is not None
    sampler.stdout.readline()  # "ready": psutil imported, sampling
    cpu0, busy0 = os.times(), busy_cpu_seconds()
    t1 = time.perf_counter()
    proj = Project.open(project)
    report = import_paths(proj, [folder], "bench", metadata_csv=folder / corpus.METADATA_FILE)
    t2 = time.perf_counter()
    proj.close()
    t3 = time.perf_counter()
    cpu1, busy1 = os.times(), busy_cpu_seconds()
    sampler.stdin.close()  # stop: it prints its peaks and its own CPU time
    sampled = json.loads(sampler.stdout.read() or "{}")
    sampler.wait()
    peaks = {"rss": sampled.get("rss", 0), "pss": sampled.get("pss", 0), "workers": sampled.get("workers", 0)}
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    cpu += (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
    # Other processes' CPU use during the import: on a shared machine they steal cores.
    # (The sampler's own CPU is not other work either.)
    others = ((busy1 - busy0 - cpu - sampled.get("cpu_s", 0.0)) / (t3 - t1)
              if busy0 is not None and busy1 is not None else None)
    failed = [f for f in report.failed if not f[0].endswith(corpus.METADATA_FILE)]
    print(json.dumps({
        "modules_s": t_modules, "import_s": t2 - t1, "close_s": t3 - t2, "cpu_s": cpu, "other_cores": others,
        "documents": len(report.imported), "words": report.words, "failed": failed[:5],
        "n_failed": len(failed), "duplicates": len(report.duplicates),
        "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "workers": peaks["workers"] or min(os.cpu_count() or 1, 4),
        "sum_rss_mb": peaks["rss"] / MB or None, "sum_pss_mb": peaks["pss"] / MB or None,
    }))


def sample_memory(pid: int) -> None:
    """Run in a process of its own beside ``import_child`` (process ``pid``): every 0.1 s,
    the sums of RSS and PSS over it and its workers, until its standard input closes;
    then print the peaks and this process's CPU time as JSON.

    RSS counts pages shared after fork once per process (an upper bound); PSS splits
    them between sharers (the honest total).
    """
    import select

    peaks: dict[str, float] = {"rss": 0, "pss": 0, "workers": 0}
    try:
        import psutil
    except ImportError:
        psutil = None  # type: ignore[assignment]
    print("ready", flush=True)
    target = psutil.Process(pid) if psutil is not None else None
    while target is not None:  # at least one sample, then one every 0.1 s
        rss = pss = 0
        try:
            children = [c for c in target.children(recursive=True) if c.pid != os.getpid()]
        except psutil.Error:
            break
        peaks["workers"] = max(peaks["workers"], len(children))
        for proc in [target, *children]:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        peaks["rss"] = max(peaks["rss"], rss)
        peaks["pss"] = max(peaks["pss"], pss)
        if select.select([sys.stdin], [], [], 0.1)[0]:
            break
    sys.stdin.read()
    times = os.times()
    print(json.dumps({**peaks, "cpu_s": times.user + times.system}), flush=True)


def run_import(project: Path, folder: Path, workdir: Path) -> dict[str, Any]:
    env = bench_env(workdir)
    started = time.perf_counter()
    subprocess.run([str(console_script()), "init", str(project)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    init_s = time.perf_counter() - started
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--import-child", str(project), str(folder)],
                          env=env, capture_output=True, text=True)
    end_to_end = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"import failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    wal = project.with_name(project.name + "-wal")
    result.update(
        init_s=init_s, process_s=end_to_end,
        docs_per_s=result["documents"] / result["import_s"],
        words_per_s=result["words"] / result["import_s"],
        cores_used=result["cpu_s"] / result["import_s"],
        project_mb=project.stat().st_size / MB,
        wal_mb=wal.stat().st_size / MB if wal.exists() else 0.0,
    )
    return result


# -- search, coding, retrieval (in this process) --------------------------------------
def query_lemma_function() -> tuple[Any, str]:
    """``query -> {word: [lemmas]}`` from whatever the nlp module offers."""
    from wijkverhalen import nlp

    if hasattr(nlp, "query_lemmas"):
        return nlp.query_lemmas, "nlp.query_lemmas"
    pipe = nlp.load_pipeline()

    def by_word(query: str) -> dict[str, list[str]]:
        bare = re.sub(r'"[^"]*"', " ", query)  # quoted phrases match literally
        return {w: nlp.lemmatize_query(w, pipe) for w in re.findall(r"\w+", bare)}

    return by_word, "nlp.lemmatize_query per word"


def bench_search(project: Any) -> dict[str, Any]:
    lemmatise, how = query_lemma_function()
    for q in QUERIES[:5]:  # warm the pipeline and the page cache
        project.retrieval.search(q, lemmatise(q))
    total, search_only, hits = Timings(), Timings(), []
    for q in QUERIES:
        with total():
            lemmas = lemmatise(q)
            with search_only():
                found = project.retrieval.search(q, lemmas)
        hits.append(len(found))
    slowest = sorted(zip(total.wall, QUERIES, strict=True), reverse=True)[:3]
    return {"queries": len(QUERIES), "lemmatiser": how, **total.summary(),
            **search_only.summary("no_lemma_"), "mean_hits": statistics.mean(hits),
            "zero_hit_queries": sum(1 for h in hits if h == 0),
            "slowest": [[q, round(ms, 2)] for ms, q in slowest]}


def bench_coding(project: Any, n: int, n_full: int, seed: int) -> dict[str, Any]:
    """``n`` codings (every tenth on one code, for retrieval) plus ``n_full`` fsynced ones."""
    from wijkverhalen.store import Project

    rng = random.Random(seed)
    docs = project.documents.all()
    spans = [(s.document_id, s.start, s.end) for d in docs for s in project.documents.segments(d.id)]
    chosen = rng.sample(spans, min(len(spans), n + n_full))
    codes = [c.id for c in project.codes.all()]
    retrieval_code = next((c for c in codes if "vertrouwen" in c), codes[0])
    others = [c for c in codes if c != retrieval_code]
    timings, full_timings = Timings(), Timings()
    started = time.perf_counter()
    for i, (doc_id, start, end) in enumerate(chosen[:n]):
        code = retrieval_code if i % 10 == 0 else rng.choice(others)
        with timings():
            project.codings.add(doc_id, start, end, code, coder="bench")
    wall = time.perf_counter() - started
    with Project.open(project.path, durability="full") as full:
        for doc_id, start, end in chosen[n:]:
            with full_timings():
                full.codings.add(doc_id, start, end, rng.choice(others), coder="bench-full")
    return {"codings": len(timings.wall), **timings.summary(), "p99_ms": pct(timings.wall, 99),
            "max_ms": max(timings.wall), "per_s": len(timings.wall) / wall,
            "retrieval_code": retrieval_code, "full_codings": len(full_timings.wall),
            **(full_timings.summary("full_") if full_timings.wall else {})}


def bench_retrieval(project: Any, code_id: str, runs: int = 20) -> dict[str, Any]:
    t0 = time.perf_counter()
    passages = project.retrieval.passages(code_id)
    cold = (time.perf_counter() - t0) * 1000
    timings = Timings()
    for _ in range(runs):
        with timings():
            project.retrieval.passages(code_id)
    with_context = sum(1 for p in passages if p.before or p.after)
    return {"code": code_id, "passages": len(passages), "with_context": with_context,
            "first_ms": cold, **timings.summary(), "max_ms": max(timings.wall)}


def bench_help(workdir: Path, runs: int = 10) -> dict[str, Any]:
    cmd, env = [str(console_script()), "--help"], bench_env(workdir)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # warm the file cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    probe = ("import sys; from wijkverhalen.cli import cli; print(' '.join(sorted({m.split('.')[0] "
             "for m in sys.modules} & {'spacy', 'pandas', 'numpy', 'textual', 'sqlite_utils', "
             "'rich', 'yaml', 'networkx', 'matplotlib'})))")
    heavy = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    return {"runs": runs, "best_s": min(times), "median_s": statistics.median(times),
            "modules_at_start": heavy.stdout.split()}


def profile_import(n: int, words: int, seed: int, top: int = 25) -> None:
    """cProfile an ``n``-document import in this process with one worker."""
    import cProfile
    import pstats

    from wijkverhalen.importing import import_paths
    from wijkverhalen.store import Project

    OUT_DIR.mkdir(exist_ok=True)
    folder, _ = ensure_corpus(OUT_DIR / f"corpus-n{n}-w{words}-s{seed}", n, words, seed)
    workdir = Path(tempfile.mkdtemp(prefix="wijk-profile-"))
    try:
        subprocess.run([str(console_script()), "init", str(workdir / "p.wijk")], env=bench_env(workdir),
                       check=True, stdout=subprocess.DEVNULL)
        proj = Project.open(workdir / "p.wijk")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(import_paths, proj, [folder], "bench", workers=1,
                         metadata_csv=folder / corpus.METADATA_FILE)
        elapsed = time.perf_counter() - started
        proj.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = OUT_DIR / "import.prof"
    profiler.dump_stats(out)
    print(f"import of {n} documents, 1 worker, under cProfile: {elapsed:.2f} s; stats in {out}")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


# -- report --------------------------------------------------------------------------
def verdict(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    return "ok" if value <= TARGETS[key][0] else "MISSED"


def print_table(r: dict[str, Any]) -> None:
    if "search" not in r:  # --import-only
        r = {**r, "search": None, "coding": None, "retrieval": None, "help": None}
    imp, fts, cod, ret, hlp = r["import"], r["search"], r["coding"], r["retrieval"], r["help"]
    # Without psutil, assume every worker peaked as high as the largest one.
    rss_sum = imp["sum_rss_mb"] or imp["parent_rss_mb"] + imp["workers"] * imp["worker_rss_mb"]
    pss_sum = imp["sum_pss_mb"] or rss_sum
    rows: list[tuple[str, str, str, str]] = [
        ("import: wall (import_paths)", f"{imp['import_s']:.2f} s", "<= 6 s", verdict(imp["import_s"], "import_s")),
        ("import: whole process", f"{imp['process_s']:.2f} s", "", ""),
        ("import: documents/s", f"{imp['docs_per_s']:.0f}", "", ""),
        ("import: words/s", f"{imp['words_per_s']:,.0f}", "", ""),
        ("import: cores used (cpu/wall)", f"{imp['cores_used']:.2f} of {r['env']['cpus']}", "2", ""),
        ("import: CPU time, all processes", f"{imp['cpu_s']:.2f} s", "", ""),
        ("import: cores busy with other work", "-" if imp["other_cores"] is None
         else f"{max(0.0, imp['other_cores']):.2f}", "0", ""),
        ("import: peak RSS parent", f"{imp['parent_rss_mb']:.0f} MB", "<= 400 MB",
         verdict(imp["parent_rss_mb"], "peak_rss_mb")),
        ("import: peak RSS largest worker", f"{imp['worker_rss_mb']:.0f} MB", "<= 400 MB",
         verdict(imp["worker_rss_mb"], "peak_rss_mb")),
        (f"import: peak sum RSS, {imp['workers'] + 1} processes", f"{rss_sum:.0f} MB", "<= 400 MB",
         verdict(rss_sum, "peak_rss_mb")),
        (f"import: peak sum PSS, {imp['workers'] + 1} processes", f"{pss_sum:.0f} MB", "<= 400 MB",
         verdict(pss_sum, "peak_rss_mb")),
        ("project size (.wijk + -wal)", f"{imp['project_mb']:.1f} + {imp['wal_mb']:.1f} MB", "", ""),
        ("init (wijkverhalen init)", f"{imp['init_s']:.2f} s", "", ""),
    ]
    if fts is not None:
        rows += _other_rows(fts, cod, ret, hlp)
    _print_rows(r, rows)
    if fts is not None:
        print(f"\nFTS: {fts['queries']} queries via {fts['lemmatiser']}, mean {fts['mean_hits']:.0f} hits "
              f"(limit 100), {fts['zero_hit_queries']} without hits; slowest {fts['slowest']}")
        print(f"modules loaded by the CLI at start: {' '.join(hlp['modules_at_start']) or 'none of the heavy ones'}")
    env = r["env"]
    if imp["n_failed"] or imp["documents"] != env["n"]:
        print(f"WARNING: imported {imp['documents']} of {env['n']}; failed: {imp['failed']}")


def _other_rows(fts: dict[str, Any], cod: dict[str, Any], ret: dict[str, Any],
                hlp: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = [
        ("FTS p50 / p95 (with lemmas)", f"{fts['p50_ms']:.2f} / {fts['p95_ms']:.2f} ms", "p95 <= 20 ms",
         verdict(fts["p95_ms"], "fts_p95_ms")),
        ("FTS p50 / p95 (search only)", f"{fts['no_lemma_p50_ms']:.2f} / {fts['no_lemma_p95_ms']:.2f} ms", "", ""),
        ("  CPU time p50 / p95", f"{fts['no_lemma_cpu_p50_ms']:.2f} / {fts['no_lemma_cpu_p95_ms']:.2f} ms", "", ""),
        ("coding p50 / p95", f"{cod['p50_ms']:.3f} / {cod['p95_ms']:.3f} ms", "p95 <= 0.5 ms",
         verdict(cod["p95_ms"], "coding_p95_ms")),
        ("  CPU time p50 / p95", f"{cod['cpu_p50_ms']:.3f} / {cod['cpu_p95_ms']:.3f} ms", "", ""),
        ("coding p99 / max", f"{cod['p99_ms']:.3f} / {cod['max_ms']:.1f} ms", "", ""),
    ]
    if cod["full_codings"]:
        rows.append(("coding, synchronous=FULL p50 / p95", f"{cod['full_p50_ms']:.3f} / {cod['full_p95_ms']:.3f} ms",
                     "", ""))
    rows += [
        (f"retrieval {ret['passages']} passages p50", f"{ret['p50_ms']:.1f} ms", "<= 20 ms",
         verdict(ret["p50_ms"], "retrieval_p50_ms")),
        ("  CPU time p50", f"{ret['cpu_p50_ms']:.1f} ms", "", ""),
        ("--help best / median", f"{hlp['best_s']:.3f} / {hlp['median_s']:.3f} s", "<= 0.3 s",
         verdict(hlp["median_s"], "help_median_s")),
    ]
    return rows


def _print_rows(r: dict[str, Any], rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    head = ("measure", "figure", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    env = r["env"]
    print(f"\nwijkverhalen benchmark: {env['n']} interviews x ~{env['words']} words, {env['cpus']} cpus, "
          f"load {env['loadavg']}, Python {env['python']}, SQLite {env['sqlite']}")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def environment(n: int, words: int) -> dict[str, Any]:
    import spacy

    return {"n": n, "words": words, "cpus": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "spacy": spacy.__version__,
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from wijkverhalen.store import Project

    OUT_DIR.mkdir(exist_ok=True)
    keep: Path | None = args.keep.resolve() if args.keep else None
    corpus_dir = (keep / "corpus") if keep else OUT_DIR / f"corpus-n{args.n}-w{args.words}-s{args.seed}"
    folder, generated_s = ensure_corpus(corpus_dir, args.n, args.words, args.seed)
    print(f"corpus: {folder} " + (f"(generated in {generated_s:.2f} s)" if generated_s else "(cached)"))
    workdir = keep or Path(tempfile.mkdtemp(prefix="wijk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    project = workdir / "bench.wijk"
    for suffix in ("", "-wal", "-shm"):
        project.with_name(project.name + suffix).unlink(missing_ok=True)
    try:
        results: dict[str, Any] = {"env": environment(args.n, args.words), "corpus_generated_s": generated_s}
        print("import ...", flush=True)
        results["import"] = run_import(project, folder, workdir)
        if args.import_only:
            return results
        with Project.open(project) as proj:
            print("search ...", flush=True)
            results["search"] = bench_search(proj)
            print("coding ...", flush=True)
            results["coding"] = bench_coding(proj, args.codings, args.full_codings, args.seed)
            print("retrieval ...", flush=True)
            results["retrieval"] = bench_retrieval(proj, results["coding"]["retrieval_code"])
        print("--help ...", flush=True)
        results["help"] = bench_help(workdir)
        results["targets"] = {k: v[0] for k, v in TARGETS.items()}
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark wijkverhalen on a synthetic corpus.",
                                     epilog="Example: .venv/bin/python bench/run_bench.py --n 1000")
    parser.add_argument("--n", type=int, default=1000, help="interviews in the corpus (default 1000)")
    parser.add_argument("--words", type=int, default=3000, help="words per interview (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and sampling seed (default 0)")
    parser.add_argument("--codings", type=int, default=10_000, help="codings to time (default 10000)")
    parser.add_argument("--full-codings", type=int, default=500,
                        help="extra codings timed with synchronous=FULL (default 500; 0 skips)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the corpus and the project in DIR instead of a temp dir")
    parser.add_argument("--import-only", action="store_true",
                        help="measure the import only (its rows of the table; for repeated runs)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="instead of the benchmark, profile an N-document import (1 worker)")
    parser.add_argument("--import-child", nargs=2, metavar=("PROJECT", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--sample-memory", type=int, metavar="PID", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sample_memory:
        sample_memory(args.sample_memory)
        return 0
    if args.import_child:
        import_child(Path(args.import_child[0]), Path(args.import_child[1]))
        return 0
    if args.profile:
        profile_import(args.profile, args.words, args.seed)
        return 0
    results = run(args)
    print_table(results)
    out = OUT_DIR / ("results-import.json" if args.import_only else "results.json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
