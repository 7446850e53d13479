"""The bundled demo data imports whole: 12 fictional interviews with turns and attributes."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from wijkverhalen.demo import build_demo_project
from wijkverhalen.resources import demo_dir, resource_path
from wijkverhalen.store import Project


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, report = build_demo_project(tmp_path_factory.mktemp("demo") / "demo.wijk")
    assert report is not None and report.failed == []
    return path


def test_every_demo_file_imports_with_speaker_turns(demo: Path) -> None:
    rows = list(csv.DictReader((demo_dir() / "metadata.csv").open(encoding="utf-8")))
    with Project.open(demo) as p:
        docs = {d.name: d for d in p.documents.all()}
        assert len(docs) == len(rows) == 12
        formats = {d.format for d in docs.values()}
        assert {"txt", "md", "docx", "odt"} <= formats
        for row in rows:
            doc = docs[Path(row["file"]).stem]
            assert doc.attributes["rol"] == row["rol"]
            assert doc.attributes["jaar"] == row["jaar"]
            speakers = {t.speaker for t in p.documents.segments(doc.id, "turn")} - {None}
            assert len(speakers) >= 2, f"{doc.name}: no speaker turns found"
            assert len(p.documents.segments(doc.id)) > 30


def test_docx_table_text_is_imported(demo: Path) -> None:
    with Project.open(demo) as p:
        doc = p.documents.get("04_professional_gemeente_marieke_tijdlijn")
        assert " | " in p.documents.text(doc.id)


def test_demo_is_marked_fictional(demo: Path) -> None:
    with Project.open(demo) as p:
        for doc in p.documents.all():
            assert "fictief" in p.documents.text(doc.id).lower() or "fictief" in doc.attributes


def test_demo_binaries_are_up_to_date() -> None:
    script = resource_path("tools/make_demo_binaries.py")
    if not script.exists():
        pytest.skip("source checkout only")
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
