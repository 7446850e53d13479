"""The ``export`` group: one subcommand per exporter in :mod:`wijkverhalen.exporters.registry`.

Each subcommand is built from its registry entry: ``PROJECT``, ``-o/--output``
(repeatable; the suffix picks the format) and the exporter's options, then
``run`` once per output file. ``--pseudonymise`` replaces the names in the
project's pseudonym table (``wijkverhalen pseudonyms``) in everything written.
The group reads the registry when it lists or looks up a command, so an exporter
registered later (a plugin, a test) is a command too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import WijkGroup, cli
from .common import coder_option, opened, project_argument, resolve_coder

if TYPE_CHECKING:
    from ..exporters.registry import Exporter, Option
    from ..store import Project


def progress_bar(label: str) -> Any:
    """A transient progress bar on stderr, silent when stderr is not a terminal."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
                    disable=not sys.stderr.isatty())


def remind_pseudonyms(project: Project, pseudonymise: bool) -> None:
    """Say so when the project has pseudonyms but this export keeps the real names."""
    if not pseudonymise:
        n = len(project.pseudonyms())
        if n:
            click.echo(f"note: the project has {n} pseudonym(s); this export keeps the real names "
                       "(add --pseudonymise to replace them)", err=True)


def _click_option(option: Option) -> Any:
    """The click decorator for one registry option."""
    if option.kind == "coder":
        return coder_option
    kwargs: dict[str, Any] = {"help": option.help}
    if option.kind == "flag":
        kwargs["is_flag"] = True
    else:
        if option.kind in ("choice", "format"):
            kwargs["type"] = click.Choice(list(option.choices))
        elif option.kind == "int":
            kwargs["type"] = click.IntRange(option.minimum, option.maximum)  # type: ignore[arg-type]
        elif option.kind == "float":
            kwargs["type"] = click.FloatRange(option.minimum, option.maximum)
        if option.required:
            kwargs["required"] = True
        else:
            kwargs["default"] = option.default
        if option.show_default:
            kwargs["show_default"] = True
        if option.metavar:
            kwargs["metavar"] = option.metavar
    return click.option(*option.cli_flags, option.name, **kwargs)


def export_command(exporter: Exporter) -> click.Command:
    """``wijkverhalen export NAME``, built from the exporter's registry entry."""

    def command(project: Path, outputs: tuple[Path, ...], **given: Any) -> None:
        fmt = given.pop("format", None)
        formats = [exporter.format_for(output, fmt) for output in outputs]  # every name checked first
        if "coder" in given:
            given["coder"] = resolve_coder(given["coder"])
        values = exporter.values(given)
        notes: tuple[str, ...] = ()
        with opened(project) as proj:
            for output, chosen in zip(outputs, formats, strict=True):
                with progress_bar(exporter.name) as bar:
                    task = bar.add_task("", total=None)

                    def progress(done: int, total: int, what: str, bar: Any = bar, task: Any = task) -> None:
                        bar.update(task, completed=done, total=total, description=what)

                    result = exporter.run(proj, output, format=chosen, progress=progress, **values)
                click.echo(f"wrote {output}: {result.summary}")
                notes = result.notes
            if exporter.option("pseudonymise") is not None:
                remind_pseudonyms(proj, values["pseudonymise"])
        for line in notes:
            click.echo(line)

    decorators = [project_argument,
                  click.option("-o", "--output", "outputs", type=click.Path(dir_okay=False, path_type=Path),
                               required=True, multiple=True, help=exporter.output_help),
                  *(_click_option(option) for option in exporter.options)]
    for decorator in reversed(decorators):
        command = decorator(command)
    return click.command(exporter.name, help=exporter.help)(command)


class ExportGroup(WijkGroup):
    """A group whose commands are the registered exporters (read again on every lookup)."""

    def sync(self) -> None:
        from ..exporters.registry import exporters

        registered = {exporter.name: exporter for exporter in exporters()}
        for name in [n for n in self.commands if n not in registered]:
            del self.commands[name]
        for name, exporter in registered.items():
            command = self.commands.get(name)
            if command is None or getattr(command, "exporter", None) is not exporter:
                command = export_command(exporter)
                command.exporter = exporter  # type: ignore[attr-defined]
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.sync()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self.sync()
        return super().get_command(ctx, cmd_name)


@cli.group(cls=ExportGroup)
def export() -> None:
    """Export coded material: report, segments, matrices, REFI-QDA, network."""


if isinstance(export, ExportGroup):  # fill .commands now, for those that walk the tree
    export.sync()
