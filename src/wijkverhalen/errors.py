"""One exception hierarchy for every error a user can cause.

The CLI turns any :class:`WijkError` into exit code 1 and a single line on stderr;
the TUI shows the same line in an error dialog. Anything else is a bug and may
show a traceback.
"""

from __future__ import annotations

from pathlib import Path

from .textsafe import printable


class WijkError(Exception):
    """Base class: a user-facing error with a one-line message."""

    def __init__(self, message: str, *, path: str | Path | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``file:line:col: message``, leaving out what is unknown."""
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        # Paths and messages quote user files: no terminal control characters.
        return printable((where + self.message).replace("\n", " "))


class ProjectError(WijkError):
    """The project file is missing, not a project, locked or too new."""


class ProjectLocked(ProjectError):
    """Another process holds the write lock for longer than we wait."""


class StorageError(ProjectError):
    """SQLite could not read or write the project file (disk, permissions, damage)."""


class ProjectFull(StorageError):
    """The disk (or the project's size limit) is full; the change was not saved."""


class ProjectReadOnly(StorageError):
    """The project file or its folder cannot be written."""


class ProjectCorrupt(StorageError):
    """The project file is damaged; only a backup can bring it back."""


class CodebookError(WijkError):
    """The codebook YAML is invalid (names file, line and column)."""


class ImportError_(WijkError):
    """A file could not be imported (unsupported, corrupt, undecodable)."""


class NotFound(WijkError):
    """A document, code, coding or other record named by the user does not exist."""


class InvalidInput(WijkError):
    """An argument is out of range or malformed (span outside the text, bad colour...)."""


class UndoConflict(WijkError):
    """Undo/redo cannot be applied because the rows changed since."""


class DataError(WijkError):
    """A quantitative or registry table (indicators, actors, pseudonyms) is malformed."""


class ExchangeError(WijkError):
    """A REFI-QDA file (qdpx/qdc) is malformed, hostile or unsupported."""


class ConfigError(WijkError):
    """The user config file cannot be read (names the file and, for YAML, the line)."""
