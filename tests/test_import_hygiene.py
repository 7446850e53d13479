"""The core never loads Textual, and the CLI starts without spaCy or pandas."""

from __future__ import annotations

import subprocess
import sys

CORE = ["wijkverhalen.store", "wijkverhalen.codebook", "wijkverhalen.importers", "wijkverhalen.nlp", "wijkverhalen.refi",
        "wijkverhalen.importing", "wijkverhalen.cli"]


def _loaded_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()}


def test_core_does_not_import_textual() -> None:
    loaded = _loaded_after("\n".join(f"import {m}" for m in CORE))
    assert "textual" not in loaded


def test_cli_start_is_light() -> None:
    loaded = _loaded_after("import wijkverhalen.cli")
    for heavy in ("spacy", "pandas", "numpy", "textual", "matplotlib", "docx", "networkx"):
        assert heavy not in loaded, f"'wijkverhalen --help' would import {heavy}"


def test_store_does_not_pull_in_pandas() -> None:
    # sqlite-utils would import pandas (0.5 s) at every TUI start; the store hides it.
    loaded = _loaded_after("import wijkverhalen.store")
    assert "pandas" not in loaded and "numpy" not in loaded
