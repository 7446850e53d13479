"""The workbench in a browser: ``wijkverhalen serve`` on top of textual-serve.

textual-serve is a small aiohttp server: its page holds a terminal emulator that
talks over a websocket, and every websocket (every browser tab) starts the command
it was given as a process of its own, with Textual's web driver. Here that command
is ``python -m wijkverhalen open PROJECT --coder NAME``, so a tab in the browser
runs the very same workbench as a terminal does, as one fixed coder.

textual-serve has no login: whoever reaches the port codes in the project. So the
server listens on the loopback address unless told otherwise, and
:func:`exposure_warning` says so when it is told otherwise (docs/serve.md says how to
share it through an SSH tunnel instead).
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def workbench_command(project: Path, coder: str) -> str:
    """The shell command textual-serve runs for each browser tab (quoted for ``sh``)."""
    return shlex.join(
        [sys.executable, "-m", "wijkverhalen", "open", str(project.resolve()), "--coder", coder]
    )


def is_loopback(host: str) -> bool:
    """Only this machine can connect to ``host`` (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to an address others can reach
        return False


def exposure_warning(host: str, project: Path, coder: str) -> str | None:
    """One line when ``host`` lets other machines in, else None."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}: anyone who can reach this port codes in "
        f"{project.name} as {coder} (textual-serve has no login); "
        "prefer the default 127.0.0.1 and an SSH tunnel (docs/serve.md)"
    )


def make_server(project: Path, coder: str, host: str, port: int) -> Any:
    """A textual-serve server for the workbench on ``project`` as ``coder``."""
    from textual_serve.server import Server

    class WorkbenchServer(Server):  # type: ignore[misc]
        """textual-serve with links that follow the address the browser used.

        textual-serve writes absolute URLs (the websocket, the static files) into
        the page, built from the host it listens on. Behind an SSH tunnel or on
        0.0.0.0 that address is not the one the browser knows, so the page is built
        from the request's own ``Host`` instead.
        """

        async def handle_index(self, request: Any) -> Any:
            # The parent reads public_url before its first await: no other request interleaves.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: Any) -> None:
            shown = f"[{host}]" if ":" in host else host
            self.console.print(
                f"wijkverhalen: serving {project.name} as coder {coder} on "
                f"http://{shown}:{port} · each browser tab is a workbench · Ctrl+C stops",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )

    return WorkbenchServer(
        workbench_command(project, coder),
        host=host,
        port=port,
        title=f"wijkverhalen · {project.name}",
    )
