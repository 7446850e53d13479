"""Every command meets bad input with exit code 1 and one line ``error: ...`` on stderr.

The commands are found by walking the click tree, so a new command is covered the day
it is added. Each runs with a project path in a missing folder, with a file that is not
a project, and (on a real project) with an unknown option, a missing argument and
nonsense values; none may print a traceback, a usage block, or change the project.
Only commands that take no project are listed by hand (``NO_PROJECT``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from wijkverhalen.cli import cli

# Commands without a PROJECT argument: they get the unknown-option case, and a missing
# file where they take one.
NO_PROJECT = {"demo", "codebook check"}

# Commands for which any text is a valid value (a query, a name): nonsense values are no
# error there, so only the typed parameters (numbers, files) are made nonsense.
ANY_TEXT_IS_VALID = {"search", "pseudonyms add", "codebook add"}

# Output suffixes that the exporters accept, so the error is about the input.
OUTPUT_SUFFIX = {"report": ".md", "network": ".gexf", "qdc": ".qdc", "qdpx": ".qdpx"}


def leaf_commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), command


COMMANDS = dict(leaf_commands(cli))
WITH_PROJECT = sorted(
    path for path, c in COMMANDS.items() if any(p.name == "project" for p in c.params)
)


def test_the_allowlist_is_small_and_current() -> None:
    """Every command takes a project except the few listed; the list names real commands."""
    without = {path for path in COMMANDS if path not in WITH_PROJECT}
    assert without == NO_PROJECT
    assert set(WITH_PROJECT) >= ANY_TEXT_IS_VALID


def _value(param: click.Parameter, tmp: Path, command: str, *, nonsense: bool) -> str:
    """A value for a parameter: plausible, or (``nonsense``) one it must refuse."""
    kind = param.type
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return "not-a-number" if nonsense else "1"
    if isinstance(kind, click.Choice):
        return "no-such-choice" if nonsense else str(kind.choices[0])
    if isinstance(kind, click.Path):
        if isinstance(param, click.Option) and param.name in {"output", "outputs"}:
            suffix = OUTPUT_SUFFIX.get(command.split()[-1], ".csv")
            return str(tmp / "out" / f"out{suffix}")
        if nonsense:  # neither readable nor writable: its folder does not exist
            return str(tmp / "no-such-folder" / "no-such-file.txt")
        existing = tmp / "input.txt"
        existing.write_text("een regel tekst\n", encoding="utf-8")
        return str(existing)
    return "no-such-thing" if nonsense else "x"


def _args(command_path: str, project: str, tmp: Path, *, nonsense: bool = False) -> list[str]:
    """Arguments for every required parameter, PROJECT where the command wants it."""
    command = COMMANDS[command_path]
    plain = nonsense and command_path in ANY_TEXT_IS_VALID
    args: list[str] = command_path.split()
    for param in command.params:
        if param.name == "project":
            args.append(project)
        elif isinstance(param, click.Argument) and param.required:
            typed = not isinstance(param.type, click.types.StringParamType)
            args.append(_value(param, tmp, command_path, nonsense=nonsense and (typed or not plain)))
        elif isinstance(param, click.Option) and param.required:
            args += [param.opts[0], _value(param, tmp, command_path, nonsense=False)]
    return args


def assert_one_error_line(result: Result, *mentions: str) -> None:
    """Exit 1, nothing but one line ``error: ...`` on stderr, no exception escaped."""
    shown = f"exit {result.exit_code}\nstderr:\n{result.stderr}"
    if result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}\n{shown}") from result.exception
    assert result.exit_code == 1, shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), shown
    assert "Traceback" not in result.output and "Usage:" not in result.stderr, shown
    if mentions:
        assert any(m in lines[0] for m in mentions), f"the error names none of {mentions}\n{shown}"


def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


@pytest.fixture
def real_project(project, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The sample project of conftest, closed so the command opens it itself."""
    path = Path(project.path)
    project.close()
    return path


@pytest.mark.parametrize("command_path", WITH_PROJECT)
def test_missing_project(command_path: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "missing.wijk"
    result = run(_args(command_path, str(missing), tmp_path))
    assert_one_error_line(result, "missing.wijk", "no-such-folder", "input.txt")
    assert not missing.parent.exists()


@pytest.mark.parametrize("command_path", WITH_PROJECT)
def test_file_that_is_not_a_project(command_path: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.wijk"
    notes.write_text("Dit is geen project, maar aantekeningen.\n", encoding="utf-8")
    before = notes.read_bytes()
    result = run(_args(command_path, str(notes), tmp_path))
    assert_one_error_line(result, "notes.wijk", "input.txt")
    assert notes.read_bytes() == before


@pytest.mark.parametrize("command_path", sorted(COMMANDS))
def test_unknown_option(command_path: str, tmp_path: Path, real_project: Path) -> None:
    args = _args(command_path, str(real_project), tmp_path)
    before = dump(real_project)
    result = run([*args, "--no-such-option"])
    assert_one_error_line(result, "--no-such-option")
    assert dump(real_project) == before


def _needs_more(command_path: str) -> bool:
    return any(p.required and p.name != "project" for p in COMMANDS[command_path].params)


@pytest.mark.parametrize("command_path", [p for p in WITH_PROJECT if _needs_more(p)])
def test_missing_argument(command_path: str, real_project: Path) -> None:
    """Only PROJECT given to a command that needs more."""
    before = dump(real_project)
    result = run([*command_path.split(), str(real_project)])
    assert_one_error_line(result)
    assert dump(real_project) == before


def _takes_nonsense(command_path: str) -> bool:
    command = COMMANDS[command_path]
    return any(
        p.name != "project" and isinstance(p, click.Argument) and p.required
        for p in command.params
    )


@pytest.mark.parametrize("command_path", [p for p in WITH_PROJECT if _takes_nonsense(p)])
def test_nonsense_values(command_path: str, tmp_path: Path, real_project: Path) -> None:
    """A document, code, number or file that does not exist; the project is unchanged."""
    args = _args(command_path, str(real_project), tmp_path, nonsense=True)
    if args == _args(command_path, str(real_project), tmp_path):
        pytest.skip("every argument accepts any text")
    before = dump(real_project)
    result = run(args)
    assert_one_error_line(result)
    assert dump(real_project) == before


@pytest.mark.parametrize("command_path", sorted(NO_PROJECT))
def test_missing_file_for_commands_without_project(command_path: str, tmp_path: Path) -> None:
    command = COMMANDS[command_path]
    if not any(isinstance(p, click.Argument) for p in command.params):
        pytest.skip("takes no file")
    result = run(_args(command_path, "", tmp_path, nonsense=True))
    assert_one_error_line(result, "no-such-file.txt")


def test_help_still_exits_0() -> None:
    for path in ("", "code", "export report"):
        result = run([*path.split(), "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
