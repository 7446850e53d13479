"""Killed or failed exports leave no ``.part`` temp files (SIGTERM, Ctrl-C, errors mid-write)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wijkverhalen.exporters import tables
from wijkverhalen.exporters.tables import Sheet, write_csv, write_xlsx
from wijkverhalen.store import Project

# The child patches the formula-safe cell function to stop half-way through the file:
# it says WRITING on stdout and waits to be killed.
CHILD = textwrap.dedent("""
    import sys, time
    import wijkverhalen.exporters.tables as t
    real_csv, real_row, seen = t.csv_cell, t._xlsx_row, [0]

    def stall():
        seen[0] += 1
        if seen[0] == 30:
            print("WRITING", flush=True)
            time.sleep(120)

    def csv_cell(v):
        stall()
        return real_csv(v)

    def xlsx_row(*a, **k):
        for _ in range(10):
            stall()
        return real_row(*a, **k)

    t.csv_cell, t._xlsx_row = csv_cell, xlsx_row
    from wijkverhalen.cli import main
    main(sys.argv[1:])
""")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_sigterm_during_export_leaves_no_part_file(project: Project, tmp_path: Path, suffix: str) -> None:
    text = project.documents.text(1)
    start = text.index("Ik vertrouw")
    project.codings.add(1, start, start + 11, "relaties.vertrouwen", "anna")
    project.codings.add(1, 0, 10, "stressor", "anna")
    project.close()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"segmenten{suffix}"
    child = subprocess.Popen([sys.executable, "-c", CHILD, "export", "segments", str(project.path), "-o", str(target)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "WRITING", child.stderr.read() if child.stderr else line
        assert [p.name for p in out_dir.iterdir() if ".part" in p.name], "the export should be mid-write"
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("exc", [KeyboardInterrupt, OSError])
def test_failure_mid_write_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 exc: type[BaseException]) -> None:
    real = tables.csv_cell
    calls = [0]

    def failing(value: object) -> object:
        calls[0] += 1
        if calls[0] == 5:
            raise exc("stop")
        return real(value)

    monkeypatch.setattr(tables, "csv_cell", failing)
    rows = [["a", "b"], *([str(i), i] for i in range(10))]
    with pytest.raises(exc):
        write_csv(tmp_path / "t.csv", rows)
    real_row = tables._xlsx_row
    n = [0]

    def failing_row(*args: object, **kwargs: object) -> object:
        n[0] += 1
        if n[0] == 3:
            raise exc("stop")
        return real_row(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tables, "_xlsx_row", failing_row)
    with pytest.raises(exc):
        write_xlsx(tmp_path / "t.xlsx", [Sheet("s", rows)])
    assert os.listdir(tmp_path) == []


def test_network_and_validation_files_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import networkx as nx

    from wijkverhalen.linking import network

    graph = nx.Graph()
    graph.add_node("actor:a", label="A", kind="actor")

    def half_then_fail(g: object, path: object) -> None:
        Path(str(path)).write_text("<gexf", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(nx, "write_gexf", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        network.write_network(graph, tmp_path / "n.gexf")
    monkeypatch.setattr(tables, "_fill_sheet", lambda sheet, spec: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        network.write_network(graph, tmp_path / "n.xlsx")
    assert os.listdir(tmp_path) == []
