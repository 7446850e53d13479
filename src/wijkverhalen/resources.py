"""Locate bundled files (codebook, demo data, actor registry) in a checkout or a wheel.

A wheel carries them under ``wijkverhalen/resources/`` (see pyproject's
force-include); an editable install reads them from the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parents[1]


def resource_path(relative: str) -> Path:
    """``relative`` is a repository path such as ``data/demo`` or ``codebook/veerkracht.yaml``."""
    packaged = _PACKAGE_DIR / "resources" / relative
    if packaged.exists():
        return packaged
    return _REPO_DIR / relative


def demo_dir() -> Path:
    return resource_path("data/demo")
