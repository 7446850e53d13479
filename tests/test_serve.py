"""``wijkverhalen serve``: the workbench in a browser through textual-serve.

One test starts the real server as a process on a free loopback port and fetches
its page; the others run the command with the server's ``serve`` replaced, to see
what it would listen on and what it says.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.tui import web

STARTUP_DEADLINE_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch_when_up(url: str, server: subprocess.Popen[bytes], deadline_s: float) -> str:
    """The page at ``url``, polling until the server answers (or died, or the deadline passed)."""
    deadline = time.monotonic() + deadline_s
    while True:
        if server.poll() is not None:
            _, err = server.communicate()
            raise AssertionError(f"the server ended with {server.returncode}: {err.decode()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer from {url} within {deadline_s} s") from None
            time.sleep(0.05)  # a poll interval, not a wait for something to happen


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@pytest.fixture
def closed_project(project) -> Path:  # type: ignore[no-untyped-def]
    path = Path(project.path)
    project.close()
    return path


def test_serve_answers_with_the_workbench_page(closed_project: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wijkverhalen", "serve", str(closed_project),
         "--port", str(port), "--coder", "anna"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
    )
    try:
        # Asked as "localhost": the page's websocket must follow the name the browser used.
        page = fetch_when_up(f"http://localhost:{port}/", server, STARTUP_DEADLINE_S)
    finally:
        stop(server)
    assert "js/textual.js" in page  # textual-serve's terminal page...
    assert f"wijkverhalen · {closed_project.name}" in page  # ...for our app on this project
    assert f'data-session-websocket-url="ws://localhost:{port}/ws"' in page


def test_the_command_each_tab_runs_opens_the_project_as_the_coder(tmp_path: Path) -> None:
    command = web.workbench_command(tmp_path / "botu kopie.wijk", "anna de V")
    assert command.startswith(f"{sys.executable} -m wijkverhalen open ")
    assert f"'{tmp_path / 'botu kopie.wijk'}' --coder 'anna de V'" in command


class Recorded:
    """Stands in for textual-serve's ``Server.serve``: records where it would listen."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.servers: list[Any] = []
        from textual_serve.server import Server

        recorded = self

        def serve(server: Any, debug: bool = False) -> None:
            recorded.servers.append(server)

        monkeypatch.setattr(Server, "serve", serve)


def test_serve_listens_on_loopback_by_default_without_warning(
    closed_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = Recorded(monkeypatch)
    result = CliRunner().invoke(cli, ["serve", str(closed_project)])
    assert result.exit_code == 0, result.output
    (server,) = recorded.servers
    assert (server.host, server.port) == ("127.0.0.1", 8000)
    assert "--coder tester" in server.command  # $WIJKVERHALEN_CODER of the test config
    assert result.stderr == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "werkplek.example.org", "::"])
def test_a_public_host_warns_in_one_line(
    host: str, closed_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = Recorded(monkeypatch)
    result = CliRunner().invoke(cli, ["serve", str(closed_project), "--host", host,
                                      "--port", "8123", "--coder", "anna"])
    assert result.exit_code == 0, result.output
    assert recorded.servers[0].host == host
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ")
    assert host in lines[0] and "anna" in lines[0] and "SSH" in lines[0]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.1.1", "::1"])
def test_loopback_hosts_do_not_warn(host: str) -> None:
    assert web.exposure_warning(host, Path("botu.wijk"), "anna") is None


def test_a_port_in_use_is_one_error_line(closed_project: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "wijkverhalen", "serve", str(closed_project),
             "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0] == (
        f"error: port {port} on 127.0.0.1 is in use; choose another with --port"
    ), result.stderr
