"""The ``codebook`` group: check, show, sync, export, import-qdc, and editing.

``edit``, ``add``, ``merge`` and ``delete`` do what the workbench's codebook screen
does, from the command line; each is one undoable step in the operation log
(``wijkverhalen undo``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from .exchange import print_summary, project_then_file


@cli.group()
def codebook() -> None:
    """Check, show, sync and export codebooks."""


@codebook.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def codebook_check(file: Path) -> None:
    """Validate a codebook YAML; every error names file, line and column.

    \b
    Example:
      wijkverhalen codebook check codebook/veerkracht.yaml
    """
    from ..codebook import load_codebook, validate_codebook_file

    errors = validate_codebook_file(file)
    if errors:
        for err in errors:
            click.echo(f"error: {err.one_line()}", err=True)
        raise SystemExit(1)
    cb = load_codebook(file)
    click.echo(f"{file}: ok, {len(cb.codes)} codes")


@codebook.command("show")
@project_argument
@json_option
def codebook_show(project: Path, as_json: bool) -> None:
    """Show the project's code tree with counts.

    \b
    Example:
      wijkverhalen codebook show botu.wijk
    """
    from dataclasses import asdict

    with opened(project) as proj:
        codes = proj.codes()
        counts = proj.code_counts()
    if as_json:
        echo_json([{**asdict(c), "codings": counts.get(c.id, 0)} for c in codes])
        return
    depth: dict[str, int] = {}
    rows = []
    for c in codes:
        depth[c.id] = depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
        rows.append(["  " * depth[c.id] + c.label, c.gloss, c.id, counts.get(c.id, 0)])
    table(None, ["code", "gloss", "id", "codings"], rows, no_wrap=("id",))


@codebook.command("sync")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--merge-into", default=None, help="Code that receives codings of codes the file drops.")
@coder_option
def codebook_sync(project: Path, file: Path, merge_into: str | None, coder: str | None) -> None:
    """Apply a changed codebook YAML to the project by id (one undoable step).

    Renamed codes keep their codings, new codes are added; a dropped code with
    codings is refused unless --merge-into says where its codings go.

    \b
    Example:
      wijkverhalen codebook sync botu.wijk codebook/veerkracht.yaml --merge-into netwerken
    """
    from ..codebook import load_codebook

    cb = load_codebook(file)
    with opened(project) as proj:
        report = proj.sync_codes(cb.codes, resolve_coder(coder), merge_into=merge_into, version=cb.version)
    click.echo(f"added {len(report.added)}, changed {len(report.changed)}, removed {len(report.removed)}")
    for old, new in report.merged.items():
        click.echo(f"  codings of {old} moved to {new}")


@codebook.command("export")
@project_argument
@click.option("-o", "--output", "outputs", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="Write to this file (repeatable; default: standard output).")
def codebook_export(project: Path, outputs: tuple[Path, ...]) -> None:
    """Write the project's codebook back out as YAML.

    \b
    Example:
      wijkverhalen codebook export botu.wijk -o codebook-2021.yaml
    """
    from ..codebook import dump_codebook
    from ..exporters import atomic_output

    with opened(project) as proj:
        text = dump_codebook(proj.codes(), name=proj.get_meta("codebook_name") or "",
                             version=proj.get_meta("codebook_version") or "")
    if not outputs:
        click.echo(text, nl=False)
    for output in outputs:
        with atomic_output(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"wrote {output}")


@codebook.command("import-qdc")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be imported without writing.")
@coder_option
@json_option
def codebook_import_qdc(project: Path, file: Path, dry_run: bool, coder: str | None, as_json: bool) -> None:
    """Add the codes of a REFI-QDA codebook (.qdc) to PROJECT (created if missing).

    Codes already in the project (same id or GUID) are kept as they are; new codes
    are added under their parents with colours and descriptions.

    \b
    Example:
      wijkverhalen codebook import-qdc botu.wijk taguette-codes.qdc
    """
    project, file = project_then_file("codebook import-qdc", project, file, (".qdc", ".xml"))
    from ..refi import import_qdc

    summary = import_qdc(file, project, coder=resolve_coder(coder), dry_run=dry_run)
    print_summary(summary, as_json)


TEXT_FIELDS = {"label": "New label.", "gloss": "New English gloss.", "definition": "New definition.",
               "include": "When to use the code (inclusion rule).", "exclude": "When not to (exclusion rule).",
               "example": "An example passage."}


def _keywords(value: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in value.split(",") if k.strip())


def _field_options(f: Any) -> Any:
    f = click.option("--keywords", default=None, metavar="WORD,...",
                     help="Keywords for suggestions, comma-separated ('' clears them).")(f)
    f = click.option("--colour", "--color", "colour", default=None, metavar="#RRGGBB", help="New colour.")(f)
    for name, text in reversed(TEXT_FIELDS.items()):
        f = click.option(f"--{name}", default=None, metavar="TEXT", help=text)(f)
    return f


@codebook.command("edit")
@project_argument
@click.argument("code_id")
@_field_options
@click.option("--parent", default=None, help="Move the code under this code.")
@click.option("--top-level", is_flag=True, help="Move the code to the top level.")
@click.option("--position", type=click.IntRange(1), default=None,
              help="Place among its siblings (1 is first; default: last when the parent changes).")
@coder_option
def codebook_edit(project: Path, code_id: str, parent: str | None, top_level: bool, position: int | None,
                  colour: str | None, keywords: str | None, coder: str | None, **fields: str | None) -> None:
    """Change a code's label, gloss, definition, rules, colour, keywords or place (one undoable step).

    The id stays the same, so codings keep their code.

    \b
    Example:
      wijkverhalen codebook edit botu.wijk relaties.vertrouwen --label "Onderling vertrouwen" --colour "#3399ff"
      wijkverhalen codebook edit botu.wijk relaties.vertrouwen --parent governance --position 1
      wijkverhalen codebook edit botu.wijk netwerken --keywords "netwerk,contacten,kennen"
    """
    if parent is not None and top_level:
        raise InvalidInput("give --parent or --top-level, not both")
    values: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if colour is not None:
        values["color"] = colour
    if keywords is not None:
        values["keywords"] = _keywords(keywords)
    with opened(project) as proj:
        current = proj.code(code_id)
        move = parent is not None or top_level or position is not None
        new_parent = None if top_level else (parent if parent is not None else current.parent_id)
        if not values and not move:
            raise InvalidInput("nothing to change; give --label, --gloss, ... or --parent (see --help)")
        code = proj.edit_code(code_id, resolve_coder(coder), values, move=move, parent_id=new_parent,
                              position=None if position is None else position - 1)
    changed = [*(k if k != "color" else "colour" for k in values), *(["place"] if move else [])]
    click.echo(f"edited {code.id}: {', '.join(changed)}")


@codebook.command("add")
@project_argument
@click.argument("code_id")
@click.argument("label")
@click.option("--parent", default=None, help="Add it under this code (default: top level).")
@click.option("--gloss", default="", help="English gloss.")
@click.option("--definition", default="", help="When the code applies.")
@click.option("--colour", "--color", "colour", default=None, metavar="#RRGGBB",
              help="Its colour (default: the palette colour that stands out most from its siblings').")
@click.option("--keywords", default="", metavar="WORD,...", help="Keywords for suggestions, comma-separated.")
@coder_option
def codebook_add(project: Path, code_id: str, label: str, parent: str | None, gloss: str, definition: str,
                 colour: str | None, keywords: str, coder: str | None) -> None:
    """Add a code to the project's codebook (undoable).

    \b
    Example:
      wijkverhalen codebook add botu.wijk relaties.buren "Burenhulp" --parent relaties --gloss "neighbour help"
    """
    from ..codebook import new_code_color
    from ..models import Code

    with opened(project) as proj:
        colour = colour or new_code_color(proj.codes(), parent)
        code = proj.add_code(Code(id=code_id, label=label, parent_id=parent, gloss=gloss, definition=definition,
                                  color=colour, keywords=_keywords(keywords)), resolve_coder(coder))
    click.echo(f"added {code.id}" + (f" under {code.parent_id}" if code.parent_id else ""))


@codebook.command("merge")
@project_argument
@click.argument("source")
@click.argument("target")
@coder_option
def codebook_merge(project: Path, source: str, target: str, coder: str | None) -> None:
    """Move the codings and sub-codes of SOURCE to TARGET and remove SOURCE (undoable).

    \b
    Example:
      wijkverhalen codebook merge botu.wijk relaties.contact relaties
    """
    with opened(project) as proj:
        moved = proj.merge_codes(source, target, resolve_coder(coder))
    click.echo(f"merged {source} into {target}: {moved} coding(s) moved")


@codebook.command("delete")
@project_argument
@click.argument("code_id")
@coder_option
def codebook_delete(project: Path, code_id: str, coder: str | None) -> None:
    """Remove a code without codings or sub-codes (merge it otherwise); undoable.

    \b
    Example:
      wijkverhalen codebook delete botu.wijk relaties.oud
    """
    with opened(project) as proj:
        proj.delete_code(code_id, resolve_coder(coder))
    click.echo(f"deleted {code_id}")
