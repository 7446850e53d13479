"""A fake import format for the registry tests: ``.fake`` files, text written backwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wijkverhalen.importers.registry import Importer, register_importer, unregister_importer


def extract_backwards(path: Path, *, properties: bool = False, warnings: Any = None) -> tuple[str, dict[str, str]]:
    return path.read_text(encoding="utf-8")[::-1].strip() + "\n", {"bron": "achterstevoren"}


FAKE = Importer("fake", (".FAKE",), extract_backwards, "text written backwards (a test format)")


@contextmanager
def fake_importer_registered() -> Iterator[Importer]:
    registered = register_importer(FAKE)
    try:
        yield registered
    finally:
        unregister_importer(FAKE.format)
