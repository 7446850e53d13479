"""Memo commands (``wijkverhalen memo ...``): memos on codings, codes and documents.

The same memos the workbench edits with ``m``; every change is one undoable step
in the operation log (``wijkverhalen undo``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import InvalidInput
from . import cli
from .common import (
    coder_option,
    echo_json,
    json_option,
    opened,
    project_argument,
    resolve_coder,
    table,
)

if TYPE_CHECKING:
    from ..store import Project

KINDS = ("coding", "code", "document")
kind_argument = click.argument("kind", type=click.Choice(KINDS))
target_argument = click.argument("target", metavar="ID")


def _coding_id(target: str) -> int:
    try:
        value = int(target)
    except ValueError:
        raise InvalidInput(f"coding id '{target}' is not a number (see 'wijkverhalen segments')") from None
    if value < 0:
        raise InvalidInput(f"coding id {value} is negative")
    return value


def read_memo(kind: str, target: str, project: Project) -> tuple[str, str]:
    """``(what, memo)`` of one coding, code or document; ``what`` names it for messages."""
    if kind == "coding":
        coding = project.coding(_coding_id(target))
        return f"coding {coding.id} ({coding.code_id})", coding.memo
    if kind == "code":
        code = project.code(target)
        return f"code {code.id}", code.memo
    doc = project.document(target)
    return f"document {doc.name}", doc.memo


def write_memo(kind: str, target: str, project: Project, text: str, coder: str) -> str:
    """Set the memo (one undoable step); returns what was changed, for the message."""
    if kind == "coding":
        coding = project.update_coding(_coding_id(target), coder, memo=text)
        return f"coding {coding.id} ({coding.code_id})"
    if kind == "code":
        code = project.update_code(target, coder, memo=text)
        return f"code {code.id}"
    doc = project.document(target)
    project.set_document_memo(doc.id, text, coder)
    return f"document {doc.name}"


@cli.group()
def memo() -> None:
    """Memos on codings, codes and documents: set, show, clear and list them."""


@memo.command("set")
@project_argument
@kind_argument
@target_argument
@click.argument("text", required=False)
@click.option("--file", "memo_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Read the memo from this UTF-8 file instead of TEXT.")
@click.option("--append", is_flag=True, help="Add TEXT as a new paragraph after the memo there is.")
@coder_option
def memo_set(project: Path, kind: str, target: str, text: str | None, memo_file: Path | None, append: bool,
             coder: str | None) -> None:
    """Write the memo of a coding (by number), a code (by id) or a document (id or name).

    TEXT '-' reads the memo from standard input. The change is undoable.

    \b
    Example:
      wijkverhalen memo set botu.wijk coding 42 "kernquote voor hoofdstuk 3"
      wijkverhalen memo set botu.wijk code relaties.vertrouwen --file memo-vertrouwen.md
      wijkverhalen memo set botu.wijk document 01_bewoner_fatima "tweede gesprek volgt" --append
    """
    with opened(project) as proj:  # a missing project is the first thing to say
        if memo_file is not None and text is not None:
            raise InvalidInput("give TEXT or --file, not both")
        if memo_file is not None:
            text = memo_file.read_text(encoding="utf-8")
        elif text == "-":
            text = sys.stdin.read()
        elif text is None:
            raise InvalidInput("give the memo TEXT (or --file FILE, or '-' for standard input)")
        text = text.rstrip("\n")
        if append:
            _, old = read_memo(kind, target, proj)
            text = f"{old}\n\n{text}" if old.strip() else text
        what = write_memo(kind, target, proj, text, resolve_coder(coder))
    click.echo(f"memo on {what}: {len(text)} character(s)")


@memo.command("clear")
@project_argument
@kind_argument
@target_argument
@coder_option
def memo_clear(project: Path, kind: str, target: str, coder: str | None) -> None:
    """Empty the memo of a coding, a code or a document (undoable).

    \b
    Example:
      wijkverhalen memo clear botu.wijk coding 42
    """
    with opened(project) as proj:
        what = write_memo(kind, target, proj, "", resolve_coder(coder))
    click.echo(f"memo on {what} cleared")


@memo.command("show")
@project_argument
@kind_argument
@target_argument
def memo_show(project: Path, kind: str, target: str) -> None:
    """Print the memo of a coding, a code or a document as it is.

    \b
    Example:
      wijkverhalen memo show botu.wijk code relaties.vertrouwen
    """
    with opened(project) as proj:
        _, text = read_memo(kind, target, proj)
    if text:
        click.echo(text)


@memo.command("list")
@project_argument
@click.option("--kind", "kinds", type=click.Choice(KINDS), multiple=True,
              help="Only memos on these (repeatable; default: all three).")
@json_option
def memo_list(project: Path, kinds: tuple[str, ...], as_json: bool) -> None:
    """List every memo: on codings, codes and documents.

    \b
    Example:
      wijkverhalen memo list botu.wijk
      wijkverhalen memo list botu.wijk --kind code --json
    """
    wanted = set(kinds or KINDS)
    rows: list[dict[str, Any]] = []
    with opened(project) as proj:
        names = {d.id: d.name for d in proj.documents()}
        if "document" in wanted:
            rows += [{"kind": "document", "id": d.id, "name": d.name, "memo": d.memo}
                     for d in proj.documents() if d.memo]
        if "code" in wanted:
            rows += [{"kind": "code", "id": c.id, "name": c.label, "memo": c.memo} for c in proj.codes() if c.memo]
        if "coding" in wanted:
            rows += [{"kind": "coding", "id": c.id, "name": f"{c.code_id} in {names.get(c.document_id, '?')} "
                      f"[{c.start}-{c.end}]", "memo": c.memo, "coder": c.coder}
                     for c in proj.codings() if c.memo]
    if as_json:
        echo_json(rows)
        return
    table(f"{len(rows)} memo(s)", ["kind", "id", "on", "memo"],
          [[r["kind"], r["id"], r["name"], r["memo"]] for r in rows], no_wrap=("id",))
