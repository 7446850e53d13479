"""The generated pages of the guide match the code: docs/cli.md and docs/keys.md.

``tools/gen_docs.py`` renders them from click's ``--help`` and the workbench's
``BINDINGS``; when a command, option or key changes, these tests fail until
``make docs`` is run and the result committed.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = _gen_docs()


@pytest.mark.parametrize("page", sorted(gen_docs.PAGES))
def test_generated_page_is_up_to_date(page: str) -> None:
    committed = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert gen_docs.PAGES[page]() == committed, f"docs/{page} is out of date: run `make docs`"


def test_cli_reference_has_every_command() -> None:
    from wijkverhalen.cli import cli

    command, ctx = gen_docs.root_context()
    paths = [c.command_path for _, c in gen_docs.walk(command, ctx)]
    assert len(paths) == len(set(paths))
    text = gen_docs.render_cli()
    for name in cli.commands:
        assert f"`wijkverhalen {name}`" in text
    for path in paths:
        assert f"Usage: {path} " in text


def test_key_table_has_every_binding_id() -> None:
    from wijkverhalen.tui.app import binding_sources
    from wijkverhalen.tui.bindings import all_binding_ids

    table = gen_docs.render_keys()
    for binding_id in all_binding_ids(binding_sources()):
        # the number keys are one row: "coding.recent_1 … coding.recent_9"
        base = re.sub(r"_\d$", "_1", binding_id)
        assert binding_id in table or base in table, binding_id


def test_readme_is_the_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for command in ("make demo", "make test"):
        assert command in readme
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).exists(), link


def test_links_between_guide_pages_resolve() -> None:
    for page in sorted((ROOT / "docs").glob("*.md")):
        for link in re.findall(r"\]\(([^)#:]+\.md)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).exists(), f"{page.name} links to missing {link}"


def test_every_test_named_in_the_docs_exists() -> None:
    """A promise names its test as `tests/file.py::test_name` (or `::test_name` after one)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = 0
    for page in pages:
        current: Path | None = None
        bare = re.findall(r"`(test_\w+)`", page.read_text("utf-8"))
        assert not bare, f"{page.name}: name the file of {bare} (`tests/x.py::test_y`)"
        for file, name in re.findall(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`", page.read_text("utf-8")):
            if file:
                current = ROOT / file
                assert current.exists(), f"{page.name} names a missing test file {file}"
            if name:
                assert current is not None, f"{page.name}: ::{name} follows no test file"
                source = current.read_text(encoding="utf-8")
                assert re.search(rf"def {name}\(", source), f"{page.name}: no {name} in {current.name}"
                named += 1
    assert named >= 30
