"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import json
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
    from ..store import Project

    project = Project.open(path)
    try:
        yield project
    finally:
        project.close()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console() -> Any:
    from rich.console import Console

    return Console()


def table(title: str | None, columns: list[str], rows: list[list[Any]],
          no_wrap: tuple[str, ...] = ("name", "document", "id", "code")) -> None:
    """Print a rich table; identifiers in ``no_wrap`` columns stay on one line."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, header_style="bold", show_lines=False)
    for col in columns:
        if col in no_wrap:
            t.add_column(col, no_wrap=True, overflow="ellipsis", max_width=36)
        else:
            t.add_column(col, overflow="fold")
    for row in rows:
        t.add_row(*[v if isinstance(v, Text) else Text("" if v is None else str(v)) for v in row])
    console().print(t)

