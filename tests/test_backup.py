"""The project is one file you can copy and mail: ``backup``, checkpoint on close, close without waiting."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample import SAMPLE_CODES, sample_input

from wijkverhalen.cli import cli
from wijkverhalen.errors import ProjectError
from wijkverhalen.store import Project, connection
from wijkverhalen.store.backup import backup_project


def _codings_in_bytes(path: Path, tmp_path: Path) -> int:
    """Codings in a byte copy of ``path`` alone, as if it were mailed (no -wal, no -shm)."""
    copy = tmp_path / "mailed" / path.name
    if copy.parent.exists():
        shutil.rmtree(copy.parent)
    copy.parent.mkdir()
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def open_project(tmp_path: Path) -> Iterator[Project]:
    """A project kept open (as the TUI keeps it) with 10 codings."""
    project = Project.create(tmp_path / "open.wijk", codes=SAMPLE_CODES, coder="anna")
    project.documents.add([sample_input()], "anna")
    for i in range(10):
        project.codings.add(1, i, i + 10, "relaties", "anna")
    yield project
    project.close()


@pytest.fixture
def pinned_reader(open_project: Project) -> Iterator[sqlite3.Connection]:
    """A second connection holding a read transaction (another process reading), opened before more
    codings were written: SQLite cannot fold those back into the .wijk while it reads."""
    reader = sqlite3.connect(open_project.path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 10
    for i in range(10, 30):
        open_project.codings.add(1, i, i + 10, "netwerken", "anna")
    yield reader
    reader.execute("COMMIT")
    reader.close()


def test_backup_is_complete_while_the_project_is_open_and_read(
        open_project: Project, pinned_reader: sqlite3.Connection, tmp_path: Path) -> None:
    open_project.checkpoint()  # as far as it can: the reader pins the newest frames in the WAL
    assert _codings_in_bytes(open_project.path, tmp_path) < 30  # a plain copy loses codings
    dest = tmp_path / "backups" / "botu.wijk"
    dest.parent.mkdir()
    result = CliRunner().invoke(cli, ["backup", str(open_project.path), str(dest)])
    assert result.exit_code == 0, result.output
    assert str(dest) in result.output
    assert not dest.with_name(dest.name + "-wal").exists()
    assert _codings_in_bytes(dest, tmp_path) == 30  # the copy alone holds every coding
    with Project.open(dest) as copy:  # and is a project wijkverhalen opens
        assert len(copy.codings.all()) == 30
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["botu.wijk"]  # no part file left


def test_backup_refuses_to_overwrite_without_force(open_project: Project, tmp_path: Path) -> None:
    dest = tmp_path / "copy.wijk"
    dest.write_bytes(b"keep me")
    result = CliRunner().invoke(cli, ["backup", str(open_project.path), str(dest)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {dest}: already exists; pass --force to overwrite it\n"
    assert dest.read_bytes() == b"keep me"
    result = CliRunner().invoke(cli, ["backup", str(open_project.path), str(dest), "--force"])
    assert result.exit_code == 0, result.output
    assert _codings_in_bytes(dest, tmp_path) == 10


def test_backup_into_a_folder_and_bad_destinations(open_project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    assert backup_project(open_project.path, folder) == folder / open_project.path.name
    assert _codings_in_bytes(folder / open_project.path.name, tmp_path) == 10
    with pytest.raises(ProjectError, match="folder does not exist"):
        backup_project(open_project.path, tmp_path / "nope" / "x.wijk")
    with pytest.raises(ProjectError, match="the project itself"):
        backup_project(open_project.path, open_project.path, force=True)
    for args, fragment in ((["backup", str(tmp_path / "missing.wijk"), str(tmp_path / "b.wijk")],
                            "no such project"),
                           (["backup", str(open_project.path), str(tmp_path / "nope" / "b.wijk")],
                            "folder does not exist")):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and fragment in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_closed_project_is_one_complete_file(tmp_path: Path) -> None:
    path = tmp_path / "closed.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input()], "anna")
        for i in range(25):
            project.codings.add(1, i, i + 10, "relaties", "anna")
    assert _codings_in_bytes(path, tmp_path) == 25


def test_close_does_not_wait_for_another_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command closing while another process reads returns at once (the checkpoint does not wait).

    The busy timeout is raised to 60 s so a close that waits cannot pass by luck.
    """
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 60_000)
    path = tmp_path / "read.wijk"
    with Project.create(path, codes=SAMPLE_CODES, coder="anna") as project:
        project.documents.add([sample_input()], "anna")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM codings").fetchone()
    try:
        project = Project.open(path)
        project.codings.add(1, 0, 10, "relaties", "anna")
        closer = threading.Thread(target=project.close)
        closer.start()
        closer.join(timeout=20)
        assert not closer.is_alive(), "close waited for the reader"
    finally:
        reader.execute("COMMIT")
        reader.close()
    closer.join()
    with Project.open(path) as project:  # the coding is safe (in the WAL until the next checkpoint)
        assert len(project.codings.all()) == 1
    assert _codings_in_bytes(path, tmp_path) == 1  # ... and that next close folded it back
