"""The command line: ``wijkverhalen PROJECT`` opens the TUI, subcommands do batch work.

Every command is a thin face on the core. User errors (any ``WijkError``) end with
exit code 1 and one line on stderr; heavy libraries (spaCy, pandas, Textual) are
imported inside commands so ``wijkverhalen --help`` stays instant.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import __version__
from ..errors import WijkError


def usage_error_line(exc: click.ClickException) -> str:
    """click's usage error as the house's one line: ``error: <message> (see '<cmd> --help')``."""
    message = " ".join(exc.format_message().split())
    command_ctx = getattr(exc, "ctx", None)
    if command_ctx is not None:
        message += f" (see '{command_ctx.command_path} --help')"
    return f"error: {message}"


def no_such_command(group: click.Group, ctx: click.Context, name: str) -> str:
    """``no such command 'x'; did you mean 'y'?`` (one line)."""
    from ..suggest import closest, did_you_mean

    return f"no such command '{name}'" + did_you_mean(closest(name, group.list_commands(ctx), n=1))


class WijkGroup(click.Group):
    """A command group whose unknown commands are one ``error:`` line and exit 1, with a suggestion."""

    group_class: type[click.Group] | type[type] | None = type  # sub-groups are WijkGroups too

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                               list[str]]:
        name = args[0] if args else None
        if name is not None and not name.startswith("-") and self.get_command(ctx, name) is None:
            click.echo(f"error: {no_such_command(self, ctx, name)}", err=True)
            ctx.exit(1)
        return super().resolve_command(ctx, args)


class ProjectGroup(WijkGroup):
    """A group where ``wijkverhalen PROJECT`` means ``wijkverhalen open PROJECT``.

    Every error ends the same way: one line ``error: ...`` on stderr and exit code 1,
    also click's own usage errors (unknown option, missing argument, bad value),
    which click would print as a usage block with exit code 2.
    """

    group_class = WijkGroup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands and "open" in self.commands:
            if self._looks_like_command(ctx, args[0]):
                click.echo(f"error: {no_such_command(self, ctx, args[0])}", err=True)
                ctx.exit(1)
            args = ["open", *args]
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            click.echo(usage_error_line(exc), err=True)
            raise click.exceptions.Exit(1) from exc

    def _looks_like_command(self, ctx: click.Context, word: str) -> bool:
        """A mistyped command rather than a project: no such file, no suffix, close to a command."""
        from pathlib import Path

        from ..suggest import closest

        path = Path(word)
        if path.exists() or path.suffix or len(path.parts) > 1:
            return False
        return bool(closest(word, self.list_commands(ctx), n=1))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WijkError as exc:
            click.echo(f"error: {exc.one_line()}", err=True)
            ctx.exit(1)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            click.echo(usage_error_line(exc), err=True)
            ctx.exit(1)
        except Exception as exc:  # a storage failure outside `opened` (disk, permissions, damage)
            from ..store.faults import storage_failure  # the store alone knows SQLite's errors

            mapped = storage_failure(exc)
            if mapped is None:
                raise
            click.echo(f"error: {mapped.one_line()}", err=True)
            ctx.exit(1)


@click.group(cls=ProjectGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wijkverhalen")
def cli() -> None:
    """Code neighbourhood stories (interviews) in the terminal.

    \b
    Start:
      wijkverhalen init botu.wijk
      wijkverhalen import botu.wijk interviews/ --metadata interviews/metadata.csv
      wijkverhalen botu.wijk            # open the coding workbench (TUI)
    """


from . import (  # noqa: E402,F401,E501  (register the commands)
    analysis,
    backup,
    codebook,
    coding,
    core,
    documents,
    exchange,
    export,
    indicators,
    linking,
    memos,
    reindex,
    serve,
    teams,
    tui,
)


def main(argv: list[str] | None = None) -> None:
    from .common import exit_on_sigterm

    exit_on_sigterm()
    try:
        cli.main(args=argv, prog_name="wijkverhalen", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)
