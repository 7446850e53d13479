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
