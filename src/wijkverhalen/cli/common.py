"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..store import Project

project_argument = click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
coder_option = click.option("--coder", default=None,
                            help="Coder name (default: config, $WIJKVERHALEN_CODER or login name).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def resolve_coder(coder: str | None) -> str:
    from ..config import default_coder
    from ..errors import ConfigError

    if coder:
        return coder
    try:
        return default_coder()
    except ConfigError as exc:  # never code under a guessed name when the config is broken
        raise ConfigError(f"{exc.message} (fix the file, or give --coder)", path=exc.path,
                          line=exc.line, column=exc.column) from exc


@contextmanager
def opened(path: Path) -> Iterator[Project]:
    from ..store import Project, storage_errors

    project = Project.open(path)
    try:
        with storage_errors(path):  # a damaged page met while reading: one line, no traceback
            yield project
    finally:
        project.close()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console() -> Any:
    from rich.console import Console

    return Console()


def cell_text(value: Any) -> str:
    """A table cell as one line of plain text (rich ``Text`` loses its styles)."""
    if value is None:
        return ""
    text = value.plain if hasattr(value, "plain") else str(value)
    return " ".join(text.replace("\t", " ").splitlines()) if ("\n" in text or "\r" in text or "\t" in text) \
        else text


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def table(title: str | None, columns: list[str], rows: list[list[Any]],
          no_wrap: tuple[str, ...] = ("name", "document", "id", "code")) -> None:
    """Print a table: a rich table on a terminal, tab-separated lines otherwise.

    On a terminal, identifiers (the ``no_wrap`` columns) are never cut: the column is
    at least as wide as its longest value and other columns wrap instead. When
    stdout is a pipe or a file every value is printed whole, one row per line,
    columns separated by tabs (tabs and line breaks inside values become spaces),
    after a ``# title`` line when the table has a title.
    """
    if not stdout_is_terminal():
        if title:
            click.echo(f"# {title}")
        click.echo("\t".join(columns))
        for row in rows:
            click.echo("\t".join(cell_text(v) for v in row))
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, header_style="bold", show_lines=False)
    needed = 1  # the left border; each column adds its padding (2) and a border (1)
    for i, col in enumerate(columns):
        widest = max([len(col), *(len(cell_text(r[i])) for r in rows)])
        if col in no_wrap:
            t.add_column(col, no_wrap=True, overflow="fold", min_width=widest)
        else:  # may wrap, but never shrinks to nothing beside a long id
            widest = min(8, widest)
            t.add_column(col, overflow="fold", min_width=widest)
        needed += widest + 3
    for row in rows:
        t.add_row(*[v if isinstance(v, Text) else Text("" if v is None else str(v)) for v in row])
    out = console()
    # Too narrow for whole ids: draw it wider and let the terminal wrap the lines.
    if out.width < needed:
        out.width = needed
    out.print(t, crop=False)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit(143)`` in this process, so ``finally`` blocks run.

    Without it a killed export leaves its ``.part`` temp file behind and an open
    transaction is not rolled back cleanly. Processes forked from this one (import
    workers) inherit the handler; there it falls back to the default (die at once).
    """
    import contextlib
    import os
    import signal

    owner = os.getpid()

    def on_sigterm(signum: int, frame: object) -> None:
        if os.getpid() != owner:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError):  # not the main thread (embedded use): leave it
        signal.signal(signal.SIGTERM, on_sigterm)
