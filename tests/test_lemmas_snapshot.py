"""The lemma table's marshal snapshot: what import workers read at start-up (issue 12, import speed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wijkverhalen import lemmas


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("WIJKVERHALEN_CACHE_DIR", str(tmp_path))
    lemmas.table_path.cache_clear()
    lemmas._memory_table.cache_clear()
    lemmas._lemma_values.cache_clear()
    built, lemmas._built[0] = lemmas._built[0], None
    try:
        yield tmp_path
    finally:
        lemmas.table_path.cache_clear()
        lemmas._memory_table.cache_clear()
        lemmas._lemma_values.cache_clear()
        lemmas._built[0] = built


def reload() -> tuple[dict[str, str], frozenset[str]]:
    lemmas._memory_table.cache_clear()
    lemmas._lemma_values.cache_clear()
    lemmas._built[0] = None
    table = lemmas.load_table()
    return table, lemmas._lemma_values()


def test_snapshot_is_written_once_and_read_the_same(fresh_cache: Path) -> None:
    path = lemmas.table_path()
    assert path is not None
    from_lines = reload()  # the table file was just built: read from its lines
    snapshot = lemmas._snapshot_path(path)
    assert snapshot.is_file() and snapshot.parent == fresh_cache
    written = snapshot.stat().st_mtime_ns
    from_snapshot = reload()
    assert from_snapshot == from_lines
    assert from_snapshot[0]["kwam"] == "komen" and "komen" in from_snapshot[1]
    assert snapshot.stat().st_mtime_ns == written  # read, not written again


def test_a_damaged_snapshot_is_ignored_and_replaced(fresh_cache: Path) -> None:
    path = lemmas.table_path()
    assert path is not None
    good = reload()
    snapshot = lemmas._snapshot_path(path)
    snapshot.write_bytes(b"\x00 not marshal")
    assert reload() == good
    assert lemmas._read_snapshot(snapshot) is not None  # rewritten from the lines
