"""Key bindings: user overrides from the config file, and the help table built from them.

Every binding that a user may want to change has an ``id`` (``coding.code``,
``app.undo``...). The user config may rebind any of them::

    keys:
      coding.next_sentence: "n,down"
      coding.code: "enter"

Textual's keymap applies the overrides; the help screen is generated from the
same ``BINDINGS`` lists with the overrides applied, so what the help shows is
always what the keys do. ``docs/keys.md`` is rendered from them too, without
overrides (``tools/gen_docs.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyHelp:
    """One row of the help table."""

    group: str
    keys: str
    description: str
    binding_id: str


def load_keymap(config: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The ``keys:`` mapping of the user config, and a list of problems found in it."""
    raw = config.get("keys") or {}
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        return {}, ["'keys' in the config must be a mapping of binding id to keys"]
    keymap: dict[str, str] = {}
    for binding_id, keys in raw.items():
        if isinstance(keys, list | tuple):
            keys = ",".join(str(k) for k in keys)
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f'keys.{binding_id}: give the keys as a string, e.g. "j,down"')
            continue
        keymap[str(binding_id)] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap, problems


def all_binding_ids(sources: Iterable[tuple[str, Iterable[BindingType]]]) -> set[str]:
    return {b.id for _, bindings in sources for b in _bindings(bindings) if b.id}


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    out = []
    for b in bindings:
        if isinstance(b, Binding):
            out.append(b)
        else:
            key, action, *rest = b
            out.append(Binding(key, action, rest[0] if rest else ""))
    return out


def display_keys(keys: str) -> str:
    """``"j,down"`` -> ``"j / ↓"``, as a person reads them."""
    names = {
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "escape": "Esc",
        "enter": "Enter",
        "question_mark": "?",
        "slash": "/",
        "plus": "+",
        "minus": "-",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
        "tab": "Tab",
        "delete": "Del",
        "space": "Space",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "full_stop": ".",
        "comma": ",",
        "asterisk": "*",
    }
    shown = []
    for key in keys.split(","):
        key = key.strip()
        parts = key.split("+")
        parts[-1] = names.get(parts[-1], parts[-1])
        shown.append("+".join(parts))
    return " / ".join(shown)


def help_rows(
    sources: Iterable[tuple[str, Iterable[BindingType]]], keymap: Mapping[str, str]
) -> list[KeyHelp]:
    """Rows for the help screen: ``(group, keys, description)`` with overrides applied.

    Bindings sharing a description within a group are shown as one row (``1``-``9``).
    """
    rows: list[KeyHelp] = []
    for group, bindings in sources:
        merged: dict[str, list[str]] = {}
        ids: dict[str, list[str]] = {}
        for b in _bindings(bindings):
            if not b.description:
                continue
            keys = keymap.get(b.id, b.key) if b.id else b.key
            merged.setdefault(b.description, [])
            for k in keys.split(","):
                if k.strip() and k.strip() not in merged[b.description]:
                    merged[b.description].append(k.strip())
            if b.id:
                ids.setdefault(b.description, []).append(b.id)
        for description, key_list in merged.items():
            if len(key_list) > 2 and all(k.isdigit() and len(k) == 1 for k in key_list):
                shown = f"{key_list[0]}–{key_list[-1]}"  # the number keys
            else:
                shown = display_keys(",".join(key_list))
            id_list = ids.get(description, [])
            binding_id = (
                id_list[0]
                if len(id_list) == 1
                else (f"{id_list[0]} … {id_list[-1]}" if id_list else "")
            )
            rows.append(KeyHelp(group, shown, description, binding_id))
    return rows


def markdown_table(rows: Iterable[KeyHelp]) -> str:
    """The bindings as a Markdown table (docs/keys.md, rendered by tools/gen_docs.py)."""
    lines = [
        "| where | keys | what | id (for `keys:` in the config) |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        keys = r.keys.replace("|", "\\|")
        lines.append(f"| {r.group} | `{keys}` | {r.description} | {r.binding_id} |")
    return "\n".join(lines) + "\n"
