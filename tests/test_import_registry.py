"""One registry of import formats: parse_file, folder walks, the import and its help read it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from fake_importer import fake_importer_registered

from wijkverhalen.cli import cli
from wijkverhalen.errors import ImportError_
from wijkverhalen.importers import iter_import_paths, parse_file
from wijkverhalen.importers.registry import format_names, importer_for, supported_suffixes
from wijkverhalen.store import Project


def _help_formats() -> list[str]:
    out = " ".join(CliRunner().invoke(cli, ["import", "--help"]).output.split())  # unwrapped
    listed = re.search(r"Import interviews \(([^;]+); folders recursively\)", out)
    assert listed, out
    return listed.group(1).split(", ")


def test_the_import_help_lists_the_registry() -> None:
    assert _help_formats() == list(format_names())
    assert {"txt", "md", "docx", "odt", "pdf", "vtt", "srt"} <= set(format_names())


def test_a_registered_format_is_parsed_walked_listed_and_imported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.fake").write_text("R: Ik ben goed geholpen.\n"[::-1], encoding="utf-8")
    try:
        parse_file(folder / "a.fake")
        raise AssertionError("a .fake file was read without its importer")
    except ImportError_ as exc:
        assert "unsupported file type '.fake'" in exc.message
    with fake_importer_registered():
        assert ".fake" in supported_suffixes() and importer_for("x.FAKE").format == "fake"  # type: ignore[union-attr]
        parsed = parse_file(folder / "a.fake")
        assert parsed.format == "fake" and parsed.text.startswith("R: Ik ben goed geholpen.")
        assert parsed.metadata == {"bron": "achterstevoren"}
        assert iter_import_paths([folder])[0] == [folder / "a.fake"]
        assert "fake" in _help_formats()
        project = tmp_path / "p.wijk"
        Project.create(project).close()
        result = CliRunner().invoke(cli, ["import", str(project), str(folder), "--workers", "1"])
        assert result.exit_code == 0, result.output
    assert "fake" not in _help_formats()
    with Project.open(project) as proj:
        [doc] = proj.documents()
        assert doc.format == "fake" and doc.attributes.get("bron") == "achterstevoren"
