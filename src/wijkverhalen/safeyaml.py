"""YAML loaders that cannot be turned against the reader.

A YAML anchor (``&a``) and its aliases (``*a``) let a few hundred bytes stand for
an exponentially large tree (the "billion laughs"): PyYAML shares the nodes, but
anything that walks or flattens the result expands them, so a 350-byte front
matter block took 4 GB. An anchor used inside itself (``&a [*a]``) makes a cycle
that never ends. Deep nesting (``[[[[...``) exhausts the recursion limit.

Interview front matter and codebooks are short hand-written files that never
need anchors, so these loaders refuse them (and deep nesting) with a
:class:`yaml.MarkedYAMLError` pointing at the line, which the callers already
turn into a one-line ``file:line`` error.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.error import Mark
from yaml.events import AliasEvent

# Codebooks nest codes a few levels deep (each level is a mapping and a list);
# 64 leaves room for any real file and stays far below Python's recursion limit.
MAX_DEPTH = 64


class RefusedYAML(ComposerError):
    """Valid YAML that these loaders refuse (an anchor, an alias, deep nesting)."""


_BRACKETS = re.compile(r"[\[\]{}\n]")


def _flow_too_deep(text: str) -> int | None:
    """The 0-based line where ``[``/``{`` nesting passes :data:`MAX_DEPTH`, else None.

    PyYAML's scanner keeps a possible key for every open bracket and rescans up
    to 1,024 of them for each character, so 100 KB of ``[`` took 5 seconds (and
    10 MB would seem to hang) before the composer's depth limit was reached. This
    count runs first, in linear time. Brackets inside quoted text are counted
    too; only a text with more than 64 unclosed ones in a row is refused.
    """
    depth = line = 0
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif depth:
            depth -= 1
    return None


class _Guard:
    """Mixin for a PyYAML loader: no anchors, no aliases, bounded nesting."""

    _depth = 0
    what = "this file"

    def __init__(self, stream: Any) -> None:
        if isinstance(stream, str) and (line := _flow_too_deep(stream)) is not None:
            raise RefusedYAML(None, None, f"nested more than {MAX_DEPTH} levels deep",
                              Mark("<text>", 0, line, 0, None, 0))  # type: ignore[arg-type]
        super().__init__(stream)  # type: ignore[call-arg]

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise RefusedYAML(
                None, None,
                f"anchors and aliases (&name, *name) are not allowed in {self.what}; "
                "write the value out in full",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedYAML(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                    event.start_mark)
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class FrontMatterLoader(_Guard, yaml.BaseLoader):
    """BaseLoader (every scalar a string, as written) without anchors or aliases."""

    what = "front matter"


class CodebookLoader(_Guard, yaml.SafeLoader):
    """SafeLoader without anchors or aliases, for :func:`yaml.compose` of a codebook."""

    what = "a codebook"


class StrictLoader(_Guard, yaml.SafeLoader):
    """SafeLoader without anchors or aliases for any other hand-written YAML file."""

    what = "this file"


def load(text: str) -> Any:
    """Parse hand-written YAML like :func:`yaml.safe_load`, refusing anchors, aliases, deep nesting.

    Raises :class:`RefusedYAML` (a :class:`yaml.MarkedYAMLError` with the line) for
    what it refuses, and PyYAML's own errors for text that is not YAML.
    """
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - SafeLoader builds no objects
