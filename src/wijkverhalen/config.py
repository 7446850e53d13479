"""User settings kept outside projects (platformdirs): the coder's name, key bindings."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_config_dir

from . import safeyaml

CODER_ENV = "WIJKVERHALEN_CODER"


def config_path() -> Path:
    override = os.environ.get("WIJKVERHALEN_CONFIG")
    if override:
        return Path(override)
    return Path(user_config_dir("wijkverhalen")) / "config.yaml"


def load_config() -> dict[str, Any]:
    path = config_path()
    try:
        data = safeyaml.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def save_config(values: dict[str, Any]) -> None:
    """Merge ``values`` into the config file, written atomically."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**load_config(), **values}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def configured_coder() -> str | None:
    """The coder's name from the environment or the config file, if set."""
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
