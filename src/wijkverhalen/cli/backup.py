"""``wijkverhalen backup``: one complete file to copy or mail, even while the project is open."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .common import project_argument


@cli.command()
@project_argument
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite DEST if it already exists.")
def backup(project: Path, dest: Path, force: bool) -> None:
    """Copy the project into DEST as one complete, consistent file.

    Safe while the TUI or another command has the project open: the copy holds
    every committed change, including those still in the project's -wal file,
    and needs no -wal beside it. DEST may be a folder. An existing file is only
    overwritten with --force.

    \b
    Example:
      wijkverhalen backup botu.wijk backups/botu-2021-03-01.wijk
    """
    from ..store.backup import backup_project

    written = backup_project(project, dest, force=force)
    click.echo(f"backed up {project} to {written}")
