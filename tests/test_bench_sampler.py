"""The benchmark's memory sampler runs beside the import, not inside it (bench/run_bench.py).

In the importing process it cost about 9 ms of CPU every 0.1 s, counted as the
import's CPU and taken from the writer's core. No timings are asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUN_BENCH = Path(__file__).resolve().parents[1] / "bench" / "run_bench.py"


def test_memory_sampler_is_a_process_of_its_own_and_counts_the_workers_not_itself() -> None:
    pytest.importorskip("psutil")
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        sampler = subprocess.Popen([sys.executable, str(RUN_BENCH), "--sample-memory", str(os.getpid())],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert sampler.stdin is not None and sampler.stdout is not None
        assert sampler.stdout.readline().strip() == "ready"
        sampler.stdin.close()  # it samples at least once before it looks at its input
        peaks = json.loads(sampler.stdout.read())
        assert sampler.wait(timeout=10) == 0
    finally:
        worker.kill()
        worker.wait()
    # This process and the sleeping one: the sampler does not count itself as a worker.
    assert peaks["workers"] == 1
    assert peaks["pss"] > 0 and peaks["rss"] >= peaks["pss"]
    assert peaks["cpu_s"] >= 0
