"""User settings kept outside projects (platformdirs): the coder's name, key bindings.

The file is the user's: a file that cannot be read is reported (with its line,
as :class:`~.errors.ConfigError`) and never written over, and saving one key
keeps every other key, and the comments, as they were.
"""

from __future__ import annotations

import getpass
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_config_dir

from . import safeyaml
from .errors import ConfigError

CODER_ENV = "WIJKVERHALEN_CODER"
CONFIG_ENV = "WIJKVERHALEN_CONFIG"


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(user_config_dir("wijkverhalen")) / "config.yaml"


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its mapping (``""`` and ``{}`` when there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "", {}
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=path) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the user config: {exc.strerror or exc}", path=path) from exc
    try:
        data = safeyaml.load(text)  # no anchors or aliases: a bomb is refused with its line
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from exc
    if data is None:
        return text, {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"the config must be a mapping of settings (e.g. 'coder: anna'), "
            f"not a {type(data).__name__}",
            path=path,
            line=1,
        )
    return text, data


def load_config() -> dict[str, Any]:
    """The settings in the config file; ``{}`` when there is none.

    Raises :class:`~.errors.ConfigError` (file, line, problem) when the file is there
    but cannot be read: a broken file is never taken for an empty one.
    """
    return _read(config_path())[1]


def save_config(values: dict[str, Any]) -> Path:
    """Set ``values`` in the config file and keep everything else in it.

    Raises :class:`~.errors.ConfigError` without writing when the file cannot be
    read. A top-level scalar is changed in place in the text (comments and the
    order of keys stay); the result is checked by parsing it back, and otherwise
    the whole mapping is written out. The write is atomic (temp file, then
    ``os.replace``), so an interrupted save leaves the old file.
    """
    path = config_path()
    text, data = _read(path)
    wanted = {**data, **values}
    new_text = _edit_in_place(text, values)
    if new_text is None or _parse_quietly(new_text) != wanted:
        new_text = yaml.safe_dump(wanted, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _edit_in_place(text: str, values: dict[str, Any]) -> str | None:
    """``text`` with each top-level ``key: scalar`` line set to its new value (None: cannot)."""
    for key, value in values.items():
        if not isinstance(value, str | int | float | bool):
            return None
        line = f"{key}: {_scalar(value)}"
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[^\n]*$", re.MULTILINE)
        found = pattern.findall(text)
        if len(found) > 1:
            return None
        if found:
            text = pattern.sub(line.replace("\\", "\\\\"), text)
        else:
            text = (text if not text or text.endswith("\n") else text + "\n") + line + "\n"
    return text


def _scalar(value: str | int | float | bool) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).splitlines()[0]


def _parse_quietly(text: str) -> Any:
    try:
        return safeyaml.load(text) or {}
    except yaml.YAMLError:
        return None


def configured_coder() -> str | None:
    """The coder's name from the environment or the config file, if set.

    Raises :class:`~.errors.ConfigError` when the name would come from a config
    file that cannot be read (rather than silently coding under another name).
    """
    name = os.environ.get(CODER_ENV) or load_config().get("coder")
    return str(name).strip() or None if name else None


def default_coder() -> str:
    """The configured coder, else the login name."""
    configured = configured_coder()
    if configured:
        return configured
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "coder"
