"""The registry of the workbench's main screens: name, key, palette title, help, class.

Plugging in a screen: add a :class:`ScreenEntry` to :data:`SCREENS` naming
``"module:Class"``; the class is a :class:`~.screens.base.WijkScreen` subclass
constructed without arguments, imported when the screen is first shown.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    """A main screen: its mode name, default key, palette title and help, and its class."""

    name: str
    key: str
    title: str
    help: str
    target: str  # "package.module:ClassName"

    @property
    def binding_id(self) -> str:
        return f"app.{self.name}"

    def load(self) -> type[Screen[Any]]:
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


_SCREENS_PKG = "wijkverhalen.tui.screens"

SCREENS: list[ScreenEntry] = [
    ScreenEntry(
        "documents",
        "d",
        "Documents",
        "All interviews with attributes and coding progress",
        f"{_SCREENS_PKG}.documents:DocumentsScreen",
    ),
    ScreenEntry(
        "coding",
        "t",
        "Coding",
        "The transcript of the open document, with the codebook",
        f"{_SCREENS_PKG}.coding:CodingScreen",
    ),
    ScreenEntry(
        "retrieval",
        "r",
        "Passages",
        "Retrieval: all passages of the highlighted code",
        f"{_SCREENS_PKG}.retrieval:RetrievalScreen",
    ),
    ScreenEntry(
        "search",
        "slash",
        "Search",
        "Full-text search; inflected forms match too",
        f"{_SCREENS_PKG}.search:SearchScreen",
    ),
    ScreenEntry(
        "codebook",
        "b",
        "Codebook",
        "Browse and edit the code tree",
        f"{_SCREENS_PKG}.codebook:CodebookScreen",
    ),
    ScreenEntry(
        "validate",
        "V",
        "Validate",
        "Set coded findings beside the indicators (triangulation)",
        f"{_SCREENS_PKG}.validate:ValidateScreen",
    ),
    ScreenEntry(
        "compare",
        "R",
        "Compare coders",
        "Where coders disagree: go to each passage, settle it into a consensus",
        f"{_SCREENS_PKG}.compare:CompareScreen",
    ),
    ScreenEntry(
        "analysis",
        "X",
        "Analysis",
        "Code x document, code x attribute and co-occurrence tables; Enter shows a cell's passages",
        f"{_SCREENS_PKG}.analysis:AnalysisScreen",
    ),
    ScreenEntry(
        "memos",
        "M",
        "Memos",
        "Every memo (codings, codes, documents): filter, search, jump, edit",
        f"{_SCREENS_PKG}.memos:MemosScreen",
    ),
    ScreenEntry(
        "export",
        "E",
        "Export",
        "Export coded summaries, tables and REFI-QDA",
        f"{_SCREENS_PKG}.export:ExportScreen",
    ),
]


SCREEN_NAMES = frozenset(e.name for e in SCREENS)
FOOTER_SCREENS = {"documents", "search", "codebook", "retrieval"}  # the rest: help and palette
