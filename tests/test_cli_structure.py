"""The command line's shape: every group is defined whole in one module."""

from __future__ import annotations

import click

from wijkverhalen.cli import cli


def _groups(group: click.Group, path: str = "") -> list[tuple[str, click.Group]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.append((f"{path}{name}", command))
            found.extend(_groups(command, f"{path}{name} "))
    return found


def test_every_group_lives_whole_in_one_module() -> None:
    groups = _groups(cli)
    assert {"export", "codebook", "indicators"} <= {name for name, _ in groups}
    for name, group in groups:
        home = group.callback.__module__  # type: ignore[union-attr]
        strays = {f"{name} {sub}": command.callback.__module__  # type: ignore[union-attr]
                  for sub, command in group.commands.items() if command.callback.__module__ != home}
        assert not strays, f"'{name}' is defined in {home}, but these subcommands live elsewhere: {strays}"
