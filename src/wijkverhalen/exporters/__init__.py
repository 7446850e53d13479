"""Exporters: the coded summary (Markdown, DOCX), segment tables, matrices, the network.

:mod:`.registry` lists them (the CLI's ``export`` and the workbench's export screen
are built from it); REFI-QDA lives in its own package, :mod:`wijkverhalen.refi`.

Each exporter reads a :class:`~wijkverhalen.store.Project`, writes one file
atomically (a crash never leaves half a report behind) and reports progress through
an optional ``progress(done, total, what)`` callback, which the TUI's export worker
uses to drive its progress bar and to cancel (by raising from the callback).

Heavy libraries (pandas, python-docx, openpyxl) are imported inside the functions
that need them, so importing this package is cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import InvalidInput

ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, what: str) -> None:
    """The default progress callback: does nothing."""


def _temp_beside(target: Path) -> Path:
    """A new empty file next to ``target``, created with the user's umask.

    (``tempfile.mkstemp`` creates files readable only by their owner, so the report
    a researcher shares would come out with the wrong permissions.)
    """
    import secrets  # not at import: `wijkverhalen --help` reads the exporter registry

    for _ in range(100):
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.part{target.suffix}"
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise OSError(f"cannot create a temporary file beside {target}")


@contextmanager
def atomic_output(path: str | Path, mode: str = "wb", **kwargs: object) -> Iterator[IO]:  # type: ignore[type-arg]
    """Open a temp file beside ``path``; it replaces ``path`` only if the block succeeds."""
    target = Path(path)
    if target.is_dir():
        raise InvalidInput("is a folder; give a file name", path=target)
    if not target.parent.exists():
        raise InvalidInput("folder does not exist", path=target.parent)
    tmp = _temp_beside(target)
    try:
        with open(tmp, mode, **kwargs) as fh:  # type: ignore[call-overload]
            yield fh
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temp path beside ``path`` for libraries that save by file name (docx, openpyxl)."""
    target = Path(path)
    if target.is_dir():
        raise InvalidInput("is a folder; give a file name", path=target)
    if not target.parent.exists():
        raise InvalidInput("folder does not exist", path=target.parent)
    tmp = _temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_format(path: str | Path, allowed: tuple[str, ...], fmt: str | None = None) -> str:
    """The format named by ``fmt`` or by the suffix of ``path`` (``report.docx`` -> ``docx``)."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    if chosen == "markdown":
        chosen = "md"
    if chosen not in allowed:
        raise InvalidInput(
            f"cannot tell the format from '{Path(path).name}'; use a file ending in "
            + " or ".join("." + a for a in allowed), path=path)
    return chosen
