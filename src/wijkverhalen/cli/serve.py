"""The ``serve`` command: the coding workbench in a web browser (textual-serve).

Each browser tab runs its own ``wijkverhalen open PROJECT --coder NAME`` process;
see ``tui/web.py`` for how, and docs/serve.md for sharing it safely.
"""

from __future__ import annotations

import errno
from pathlib import Path

import click

from ..errors import WijkError
from . import cli
from .common import coder_option, opened, project_argument, resolve_coder


@cli.command("serve")
@project_argument
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine's own (127.0.0.1, localhost, "
                   "::1) lets others in without a login: a warning says so.")
@coder_option
def serve(project: Path, port: int, host: str, coder: str | None) -> None:
    """Serve the coding workbench on PROJECT to a web browser.

    Open the address it prints; every browser tab is a workbench of its own,
    coding as one coder (--coder, else your configured name). There is no login:
    share it through an SSH tunnel, not by listening on a public address
    (see docs/serve.md). Ctrl+C stops the server.

    \b
    Example:
      wijkverhalen serve botu.wijk --coder anna
      wijkverhalen serve botu.wijk --port 8765
    """
    from ..tui.web import exposure_warning, make_server

    with opened(project):  # a missing or damaged project is one line here, not in the browser
        pass
    name = resolve_coder(coder)
    warning = exposure_warning(host, project, name)
    if warning:
        click.echo(warning, err=True)
    server = make_server(project, name, host, port)
    try:
        server.serve()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise WijkError(f"port {port} on {host} is in use; choose another with --port") from exc
        raise WijkError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
