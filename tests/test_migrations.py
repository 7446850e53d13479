"""The schema's one ordered list of migrations (store/migrations.py).

A project file of every older schema version is built the way that version wrote
it (its migrations applied, its ``user_version`` set) and must open as a file of
the current schema: the same tables, indexes and triggers, and the same seeded rows
as a project created today.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sample import SAMPLE_CODES

from wijkverhalen.store import Project, migrations, schema


def _schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Every table, index and trigger with its SQL, in a comparable order."""
    return sorted(conn.execute(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall())


def _areas(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return conn.execute("SELECT * FROM areas ORDER BY name").fetchall()


def _old_project(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        migrations.apply_up_to(conn, version)
    finally:
        conn.close()


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    numbers = [m.number for m in migrations.MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert migrations.latest_version() == numbers[-1] >= 9
    assert all(m.adds for m in migrations.MIGRATIONS)
    assert [m.number for m in migrations.pending(5)] == numbers[5:]


def test_only_the_migrations_module_registers_migrations() -> None:
    """No feature module adds migrations by side effect any more."""
    src = Path(migrations.__file__).parent
    for module in src.glob("*.py"):
        if module.name == "migrations.py":
            continue
        text = module.read_text(encoding="utf-8")
        assert "register_migration" not in text and "def _migration_" not in text, module.name


@pytest.mark.parametrize("version", range(1, migrations.latest_version()))
def test_a_project_of_every_older_version_opens_at_the_current_one(tmp_path: Path, version: int) -> None:
    fresh = tmp_path / "fresh.wijk"
    Project.create(fresh).close()
    old = tmp_path / f"v{version}.wijk"
    _old_project(old, version)
    with Project.open(old) as project:
        assert project.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
        upgraded_schema = _schema_of(project.conn)
        upgraded_areas = _areas(project.conn)
    with Project.open(fresh) as project:
        assert _schema_of(project.conn) == upgraded_schema
        assert _areas(project.conn) == upgraded_areas  # seeded by 2, levels and districts by 4


def test_an_upgraded_project_is_usable(tmp_path: Path) -> None:
    path = tmp_path / "v1.wijk"
    _old_project(path, 1)
    with Project.open(path) as project:
        project.codes.load(SAMPLE_CODES, "anna")
        assert project.codes.has("relaties")
        assert {a.name for a in project.indicators.areas()} >= {"BoTu", "Delfshaven", "Rotterdam"}


def _fts_config(path: Path) -> dict[str, object]:
    with Project.open(path) as project:
        return dict(project.conn.execute("SELECT k, v FROM segments_fts_config").fetchall())


def test_the_search_index_merges_eight_segments_at_a_time_in_new_and_upgraded_projects(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.wijk"
    Project.create(fresh).close()
    old = tmp_path / "v9.wijk"
    _old_project(old, 9)
    with Project.open(old):
        pass
    assert _fts_config(fresh)["automerge"] == migrations.FTS_AUTOMERGE == 8
    assert _fts_config(old)["automerge"] == 8
