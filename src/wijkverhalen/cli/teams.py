"""Team work: a coder's copy, merging copies back, marking documents done."""

from __future__ import annotations

from pathlib import Path

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


@cli.command()
@project_argument
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--coder", required=True, help="Whose copy it is.")
@click.option("--blind", is_flag=True, help="Leave out the other coders' codings (and the memos on them).")
@click.option("--force", is_flag=True, help="Overwrite DEST if it already exists.")
def copy(project: Path, dest: Path, coder: str, blind: bool, force: bool) -> None:
    """Make a coder's copy of the project to code in, and merge back later.

    The copy has the same documents, codebook and ids (it is a complete backup
    of the project). With --blind the other coders' codings and the memos on
    them are left out, so the coder codes without seeing them.

    \b
    Example:
      wijkverhalen copy botu.wijk botu-anna.wijk --coder anna --blind
    """
    from ..store import copy_project

    if not coder.strip():
        raise InvalidInput("--coder must name a coder")
    written = copy_project(project, dest, coder.strip(), blind=blind, force=force)
    click.echo(f"copied {project} to {written} for {coder}" + (" (blind)" if blind else ""))


@cli.command()
@click.argument("project", metavar="INTO", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@coder_option
@json_option
def merge(project: Path, sources: tuple[Path, ...], coder: str | None, as_json: bool) -> None:
    """Merge coders' copies (FROM...) into the project INTO.

    Documents are matched by their text, codes by id, codings by GUID. What a
    copy changed since it was made comes in; what only INTO changed stays. A
    value changed in both is a conflict: INTO keeps its value and the copy's is
    kept in the project's conflict list (printed here). Each copy is merged as
    one operation (undo takes it back); merging the same copy again changes
    nothing. The copies' operations join INTO's history with their coders.

    \b
    Example:
      wijkverhalen merge botu.wijk botu-anna.wijk botu-bram.wijk
    """
    from ..store import Project

    who = resolve_coder(coder)
    for source in sources:
        Project.open(source).close()  # refuse a missing or damaged copy before changing anything
        if source.resolve() == project.resolve():
            raise InvalidInput("cannot merge a project into itself", path=source)
    reports = []
    with opened(project) as proj:
        for source in sources:
            reports.append(proj.exchange.merge_from(source, who))
    if as_json:
        echo_json([{"source": r.source, "added": dict(r.added), "updated": dict(r.updated),
                    "removed": dict(r.removed), "operations": r.operations, "conflicts": r.conflicts,
                    "operation": r.op_id} for r in reports])
        return
    for r in reports:
        if not r.changed:
            click.echo(f"{r.source}: nothing new")
            continue

        def counts(c: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}(s)" for k, n in sorted(c.items())) or "nothing"

        click.echo(f"{r.source}: added {counts(r.added)}; updated {counts(r.updated)}; "
                   f"removed {counts(r.removed)}; {r.operations} operation(s) into the history"
                   + (f" (operation #{r.op_id}: 'undo' takes it back)" if r.op_id else ""))
        if r.conflicts:
            click.echo(f"{len(r.conflicts)} conflict(s): this project's value is kept, the copy's is kept "
                       "in the conflict list")
            table(None, ["kind", "item", "field", "kept", "copy's", "rule"],
                  [[c["kind"], c["ref"], c["field"], c["kept"] or "", c["other"] or "", c["rule"]]
                   for c in r.conflicts])


@cli.command()
@project_argument
@click.argument("documents", nargs=-1, required=True)
@coder_option
@click.option("--undo", "unmark", is_flag=True, help="Take the done mark off again.")
def done(project: Path, documents: tuple[str, ...], coder: str | None, unmark: bool) -> None:
    """Mark documents (by id or name) as done by a coder.

    Agreement counts, for a coder who marked any document done, only the
    documents they marked; an uncoded passage in a done document counts as
    "code absent". Undoable like any change.

    \b
    Example:
      wijkverhalen done botu-anna.wijk interview-03 interview-07 --coder anna
    """
    who = resolve_coder(coder)
    with opened(project) as proj:
        for ref in documents:
            doc_id = proj.documents.resolve(ref)
            changed = proj.teams.mark_done(doc_id, who, done=not unmark)
            state = "not done" if unmark else "done"
            click.echo(f"{ref}: {state} by {who}" + ("" if changed else " (already)"))
