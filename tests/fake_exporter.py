"""A fake exporter for the registry tests: writes the code ids, one a line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wijkverhalen.exporters.registry import (
    Exporter,
    ExportResult,
    Format,
    Option,
    register,
    unregister,
)


def run_code_list(project: Any, path: Path, *, format: str, progress: Any, shout: bool,
                  prefix: str | None) -> ExportResult:
    ids = [(prefix or "") + code.id for code in project.codes()]
    path.write_text("\n".join(i.upper() if shout else i for i in ids) + "\n", encoding="utf-8")
    return ExportResult(f"{len(ids)} code id(s) as {format}")


FAKE = Exporter(
    name="code-list",
    title="Code ids",
    help="The code ids, one a line (a test exporter).\n\n\\b\nExample:\n  wijkverhalen export code-list x.wijk -o ids.txt",
    formats=(Format("txt", ".txt", "text"),),
    stem="codes",
    run=run_code_list,
    options=(Option("shout", kind="flag", help="In capitals.", label="Shout", placeholder="Write in capitals"),
             Option("prefix", help="Put this before every id.")),
)


@contextmanager
def fake_exporter_registered() -> Iterator[Exporter]:
    register(FAKE)
    try:
        yield FAKE
    finally:
        unregister(FAKE.name)
