"""The ``open`` command: start the coding workbench (TUI).

``wijkverhalen PROJECT`` is rewritten to ``wijkverhalen open PROJECT`` by the
group, so both start the app through the same factory, ``make_app``.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .common import project_argument


def run_tui(project: Path, coder: str | None = None) -> None:
    """Open the workbench on ``project`` (errors before drawing become one CLI line)."""
    from ..tui.app import make_app

    app = make_app(project, coder=coder)
    app.run()
    if app.return_code:  # 129: the terminal hung up (the work is saved, as on quit)
        raise SystemExit(app.return_code)


@cli.command("open")
@project_argument
@click.option(
    "--coder",
    default=None,
    help="Code as this name for this session (default: the name saved at first start).",
)
def open_(project: Path, coder: str | None) -> None:
    """Open the coding workbench (TUI) on PROJECT.

    The first start asks for your name once. Press ? in the app for every key.

    \b
    Example:
      wijkverhalen botu.wijk
      wijkverhalen open botu.wijk --coder anna
    """
    run_tui(project, coder)
