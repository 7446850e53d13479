"""Build the bundled demo project (fictional BoTu interviews) for ``make demo``."""

from __future__ import annotations

from pathlib import Path

from .codebook import default_codebook_path, load_codebook
from .importing import ImportReport, import_paths
from .resources import demo_dir
from .store import Project

DEMO_CODER = "demo"


def default_demo_path() -> Path:
    return Path("build") / "demo.wijk"


def build_demo_project(path: Path, *, rebuild: bool = False) -> tuple[Path, ImportReport | None]:
    """Create the demo project at ``path`` unless it exists (or ``rebuild``)."""
    path = Path(path)
    if path.exists() and not rebuild:
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    cb = load_codebook(default_codebook_path())
    source = demo_dir()
    with Project.create(tmp, codes=cb.codes, coder=DEMO_CODER, codebook_name=cb.name,
                        codebook_version=cb.version) as project:
        report = import_paths(project, [source], DEMO_CODER, metadata_csv=source / "metadata.csv")
    # Build aside and rename, so an interrupted build never leaves a half demo behind.
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)
    return path, report
