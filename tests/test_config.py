"""The user config: a broken file is reported with its line and never written over;
saving the coder's name keeps every other setting (and the comments)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkverhalen.cli import cli
from wijkverhalen.config import config_path, configured_coder, load_config, save_config
from wijkverhalen.errors import ConfigError

# A tab before "coding.code" is not allowed in YAML: the error is on line 5, column 1.
BROKEN = "# my settings\ncoder: anna\nkeys:\n  coding.next_sentence: ctrl+n\n\tcoding.code: enter\n"

KEYS_AND_COMMENTS = (
    "# wijkverhalen settings\n"
    "keys:\n"
    "  # vim-ish\n"
    '  coding.next_sentence: "ctrl+n,down"\n'
    "  app.undo: z\n"
    "theme: textual-light\n"
)


@pytest.fixture
def cfg() -> Path:
    return config_path()  # a temp path (tests/conftest.py sets WIJKVERHALEN_CONFIG)


def test_broken_config_names_file_and_line(cfg: Path) -> None:
    cfg.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config()
    line = caught.value.one_line()
    assert line.startswith(f"{cfg}:5:1: invalid YAML")
    assert "\n" not in line


def test_config_that_is_not_a_mapping_is_an_error(cfg: Path) -> None:
    cfg.write_text("- coder: anna\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config()


def test_missing_or_empty_config_is_no_settings(cfg: Path) -> None:
    assert load_config() == {}
    cfg.write_text("# nothing yet\n", encoding="utf-8")
    assert load_config() == {}


def test_saving_never_overwrites_a_broken_config(cfg: Path) -> None:
    cfg.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError):
        save_config({"coder": "bram"})
    assert cfg.read_text(encoding="utf-8") == BROKEN
    assert [p.name for p in cfg.parent.iterdir()] == [cfg.name]  # no temp file left behind


def test_saving_the_coder_keeps_keys_and_comments(cfg: Path) -> None:
    cfg.write_text(KEYS_AND_COMMENTS, encoding="utf-8")
    save_config({"coder": "Samira"})
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith(KEYS_AND_COMMENTS)  # everything else byte for byte
    assert load_config() == {
        "keys": {"coding.next_sentence": "ctrl+n,down", "app.undo": "z"},
        "theme": "textual-light",
        "coder": "Samira",
    }
    save_config({"coder": "Anna: de tweede"})  # replaced in place, quoted where YAML needs it
    assert cfg.read_text(encoding="utf-8") == KEYS_AND_COMMENTS + "coder: 'Anna: de tweede'\n"
    assert load_config()["coder"] == "Anna: de tweede"


def test_saving_rewrites_the_mapping_when_the_text_cannot_be_edited(cfg: Path) -> None:
    cfg.write_text("coder: |\n  anna\nkeys: {app.undo: z}\n", encoding="utf-8")
    save_config({"coder": "bram"})
    assert load_config() == {"coder": "bram", "keys": {"app.undo": "z"}}


def test_cli_with_a_broken_config_says_where(
    cfg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WIJKVERHALEN_CODER")
    cfg.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError):
        configured_coder()
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "p.wijk")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {cfg}:5:1: invalid YAML: found character '\\t' that cannot start any token "
        "(fix the file, or give --coder)"
    ]
    assert not (tmp_path / "p.wijk").exists()
    assert cfg.read_text(encoding="utf-8") == BROKEN
    # an explicit coder does not need the file
    ok = CliRunner().invoke(cli, ["init", str(tmp_path / "p.wijk"), "--coder", "anna"])
    assert ok.exit_code == 0, ok.output
    assert cfg.read_text(encoding="utf-8") == BROKEN
