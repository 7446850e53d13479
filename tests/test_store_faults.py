"""Storage faults give one honest line naming the project, never a traceback.

Full disk is simulated with ``PRAGMA max_page_count`` (SQLite then fails with
SQLITE_FULL exactly as on a full disk, and rolls the transaction back itself);
read-only with ``PRAGMA query_only`` (SQLITE_READONLY; the tests run as root, for
whom a chmod does not block writes); damage by overwriting a page of a copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import ProjectCorrupt, ProjectFull, ProjectLocked, ProjectReadOnly
from wijkverhalen.store import Project, connection, storage_error
from wijkverhalen.store.faults import READONLY_MESSAGE

BIG_MEMO = "x" * 300_000  # needs ~75 new pages


def _fill(conn: sqlite3.Connection) -> None:
    """Let the file grow by no page: the next write that needs one fails with SQLITE_FULL."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def _real_full_error(tmp_path: Path) -> sqlite3.OperationalError:
    conn = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    _fill(conn)
    try:
        conn.execute("INSERT INTO t VALUES (?)", (BIG_MEMO,))
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("max_page_count did not fill the database")


@pytest.fixture
def proj_path(tmp_path: Path) -> Path:
    path = tmp_path / "faults.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.add_documents([sample_input()], "anna")
        for i in range(5):
            project.add_coding(1, i, i + 10, "relaties", "anna")
    return path


@pytest.fixture
def connect_with(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make every project connection the CLI opens run ``pragma`` first (or fill up for "full")."""

    def install(pragma: str) -> None:
        real = connection._connect

        def patched(path: Path, durability: str) -> sqlite3.Connection:
            conn = real(path, durability)
            if pragma == "full":
                _fill(conn)
            else:
                conn.execute(pragma)
            return conn

        monkeypatch.setattr(connection, "_connect", patched)

    return install


def _one_line_error(result: Any, fragment: str, path: Path) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ") and fragment in result.stderr, result.stderr
    assert str(path) in result.stderr


# -- full disk ------------------------------------------------------------------------------


def test_full_disk_is_reported_as_full_and_the_project_stays_usable(project: Project) -> None:
    before = len(project.codings())
    _fill(project.conn)
    with pytest.raises(ProjectFull) as caught:
        project.add_coding(1, 0, 10, "netwerken", "anna", memo=BIG_MEMO)
    assert "disk full" in caught.value.one_line()
    assert str(project.path) in caught.value.one_line()
    assert "rollback" not in caught.value.one_line()
    assert not project.conn.in_transaction and project.transaction.depth == 0
    assert len(project.codings()) == before  # nothing half-written
    project.conn.execute("PRAGMA max_page_count = 1073741823")
    project.add_coding(1, 0, 10, "netwerken", "anna", memo=BIG_MEMO)
    assert len(project.codings()) == before + 1


class _CommitFails:
    """The project's connection, except that COMMIT raises ``error`` (as a full disk at commit does)."""

    def __init__(self, conn: sqlite3.Connection, error: sqlite3.Error) -> None:
        self.conn, self.error = conn, error

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            raise self.error
        return self.conn.execute(sql, *args)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction


def test_a_failed_commit_says_why_not_busy(project: Project, tmp_path: Path) -> None:
    project.transaction.conn = _CommitFails(project.conn, _real_full_error(tmp_path))  # type: ignore[assignment]
    with pytest.raises(ProjectFull) as caught, project.transaction():
        project.conn.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")
    assert not isinstance(caught.value, ProjectLocked)
    assert "disk full" in caught.value.one_line()
    assert not project.conn.in_transaction  # rolled back
    assert project.get_meta("probe") is None


def test_cli_full_disk_is_one_line(proj_path: Path, connect_with: Callable[[str], None]) -> None:
    connect_with("full")
    result = CliRunner().invoke(cli, ["code", str(proj_path), "1", "0", "10", "netwerken", "--memo", BIG_MEMO])
    _one_line_error(result, "disk full", proj_path)
    with Project.open(proj_path) as project:
        assert len(project.codings()) == 5


# -- read-only ----------------------------------------------------------------------------


def test_read_only_write_is_one_line(project: Project) -> None:
    project.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(ProjectReadOnly) as caught:
        project.add_coding(1, 0, 10, "netwerken", "anna")
    assert "read-only" in caught.value.one_line() and str(project.path) in caught.value.one_line()
    assert project.transaction.depth == 0 and not project.conn.in_transaction


def test_cli_read_only_is_one_line(proj_path: Path, connect_with: Callable[[str], None]) -> None:
    connect_with("PRAGMA query_only = ON")
    result = CliRunner().invoke(cli, ["code", str(proj_path), "1", "0", "10", "netwerken"])
    _one_line_error(result, "read-only", proj_path)


def test_a_real_read_only_file_is_one_line(tmp_path: Path) -> None:
    """chmod 444 on the project, the command run by a user who cannot override it.

    The tests run as root, for whom permissions do not apply, so the command then
    runs as ``nobody`` through setpriv, in a folder outside pytest's root-only tmp.
    """
    prefix: list[str] = []
    folder = tmp_path
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop the right to write")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        folder = Path(tempfile.mkdtemp(prefix="wijk-readonly-"))
        folder.chmod(0o777)
    try:
        path = folder / "ro.wijk"
        with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
            project.add_documents([sample_input()], "anna")
        path.chmod(0o444)
        env = {**os.environ, "WIJKVERHALEN_CONFIG": str(folder / "config.yaml"), "HOME": str(folder)}
        result = subprocess.run([*prefix, sys.executable, "-m", "wijkverhalen", "code", str(path), "1", "0", "10",
                                 "netwerken"], capture_output=True, text=True, env=env, cwd=folder, timeout=120)
        assert result.returncode == 1, result.stderr
        assert result.stderr == f"error: {path}: {READONLY_MESSAGE}\n"
    finally:
        if folder != tmp_path:
            shutil.rmtree(folder, ignore_errors=True)


def test_read_only_uri_error_maps_to_read_only(proj_path: Path) -> None:
    """A real SQLITE_READONLY from a connection opened read-only (mode=ro)."""
    conn = sqlite3.connect(f"{proj_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
    finally:
        conn.close()
    mapped = storage_error(caught.value, proj_path)
    assert isinstance(mapped, ProjectReadOnly)


# -- damaged file ----------------------------------------------------------------------------


def _damage_codings_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xa5" * page_size)


def test_damaged_page_is_one_line_from_the_cli(proj_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged.wijk"
    shutil.copyfile(proj_path, copy)  # closed project: the WAL is folded back, the copy is whole
    _damage_codings_table(copy)
    for args in (["stats", str(copy)], ["code", str(copy), "1", "0", "10", "netwerken"]):
        result = CliRunner().invoke(cli, args)
        _one_line_error(result, "database disk image is malformed — restore from backup", copy)


def test_damaged_page_maps_to_corrupt(proj_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged.wijk"
    shutil.copyfile(proj_path, copy)
    _damage_codings_table(copy)
    with Project.open(copy) as project, pytest.raises(ProjectCorrupt):
        project.add_coding(1, 0, 10, "netwerken", "anna")


def test_errors_that_are_not_about_storage_stay_bugs() -> None:
    assert storage_error(sqlite3.OperationalError("no such table: x"), "p.wijk") is None
    assert storage_error(sqlite3.IntegrityError("UNIQUE constraint failed"), "p.wijk") is None


def test_the_clis_last_resort_maps_only_sqlites_storage_failures(tmp_path: Path) -> None:
    """The CLI asks the store (``storage_failure``) instead of importing sqlite3 itself."""
    from wijkverhalen.store.faults import storage_failure

    assert isinstance(storage_failure(_real_full_error(tmp_path)), ProjectFull)
    assert storage_failure(sqlite3.OperationalError("no such table: x")) is None
    assert storage_failure(ValueError("database or disk is full")) is None
