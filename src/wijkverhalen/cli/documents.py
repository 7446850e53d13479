"""``wijkverhalen documents``: list documents, and fix mistakes in them (all undoable).

``documents PROJECT`` lists (as it always did); ``documents remove``, ``documents
set`` and ``documents attributes`` change documents as one operation each, so
``wijkverhalen undo`` takes the change back exactly.
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

_KEY = "\0row"


class DocumentsGroup(click.Group):
    """A group where ``documents PROJECT`` (no subcommand) means ``documents list PROJECT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            from ..suggest import closest

            if closest(args[0], self.commands, n=1, cutoff=0.75) and not Path(args[0]).exists():
                from . import no_such_command  # "remov", not a project file

                raise click.UsageError(no_such_command(self, ctx, args[0]), ctx)
            args = ["list", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=DocumentsGroup)
def documents() -> None:
    """List documents; remove them or edit their attributes (undoable).

    \b
    Example:
      wijkverhalen documents botu.wijk
      wijkverhalen documents remove botu.wijk interview_07
      wijkverhalen documents set botu.wijk interview_07 rol=bewoner jaar=2021
      wijkverhalen documents attributes botu.wijk interviews/metadata.csv
    """


@documents.command("list")
@project_argument
@json_option
def documents_list(project: Path, as_json: bool) -> None:
    """List documents with attributes, words, codings and coding progress.

    \b
    Example:
      wijkverhalen documents botu.wijk --json
    """
    with opened(project) as proj:
        docs = proj.documents.all()
        progress = proj.retrieval.document_progress()
    rows: list[dict[str, Any]] = []
    for d in docs:
        n_codings, n_sent, n_coded = progress.get(d.id, (0, 0, 0))
        rows.append({"id": d.id, "name": d.name, "format": d.format, "words": d.word_count,
                     "codings": n_codings, "sentences": n_sent,
                     "coded_share": round(n_coded / n_sent, 3) if n_sent else 0.0,
                     "attributes": d.attributes, "source_path": d.source_path, "sha256": d.sha256,
                     "imported_at": d.imported_at})
    if as_json:
        echo_json(rows)
        return
    table(f"{len(rows)} documents", ["id", "name", "rol", "wijk", "jaar", "words", "codings", "coded"],
          [[r["id"], r["name"], r["attributes"].get("rol"), r["attributes"].get("wijk"),
            r["attributes"].get("jaar"), r["words"], r["codings"], f"{r['coded_share']:.0%}"] for r in rows])


@documents.command("remove")
@project_argument
@click.argument("docs", nargs=-1, required=True, metavar="DOC...")
@click.option("--force", is_flag=True, help="Also remove documents that have codings (with their codings).")
@coder_option
def documents_remove(project: Path, docs: tuple[str, ...], force: bool, coder: str | None) -> None:
    """Remove documents by id or name (one undoable step).

    A document with codings is refused unless --force; then its codings go too,
    and 'wijkverhalen undo' brings documents and codings back exactly.

    \b
    Example:
      wijkverhalen documents remove botu.wijk interview_07 12
      wijkverhalen documents remove botu.wijk interview_07 --force
    """
    with opened(project) as proj:
        n_codings = {d: n for d, (n, _, _) in proj.retrieval.document_progress().items()}
        removed = proj.documents.remove(list(docs), resolve_coder(coder), force=force)
    codings = sum(n_codings.get(d.id, 0) for d in removed)
    extra = f" and {codings} coding(s)" if codings else ""
    click.echo(f"removed {len(removed)} document(s){extra}: {', '.join(d.name for d in removed)} "
               "(wijkverhalen undo brings them back)")


def parse_assignments(pairs: tuple[str, ...]) -> dict[str, str | None]:
    """``name=value`` pairs; an empty value removes the attribute."""
    values: dict[str, str | None] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"'{pair}' is not attribute=value (an empty value removes the attribute)")
        values[name.strip()] = value.strip() or None
    return values


@documents.command("set")
@project_argument
@click.argument("doc")
@click.argument("assignments", nargs=-1, required=True, metavar="ATTRIBUTE=VALUE...")
@coder_option
def documents_set(project: Path, doc: str, assignments: tuple[str, ...], coder: str | None) -> None:
    """Set or remove attributes of one document (one undoable step).

    An empty value (rol=) removes the attribute.

    \b
    Example:
      wijkverhalen documents set botu.wijk interview_07 rol=bewoner jaar=2021 wijk=
    """
    with opened(project) as proj:  # a missing project is the first thing to say
        values = parse_assignments(assignments)
        document = proj.documents.get(doc)
        changed = proj.documents.set_attributes(document.id, values, resolve_coder(coder))
        attributes = proj.documents.attributes(document.id)
    shown = ", ".join(f"{k}={v}" for k, v in attributes.items()) or "(none)"
    click.echo(f"{document.name}: {changed} attribute(s) changed; now {shown}")


@documents.command("attributes")
@project_argument
@click.argument("csv_file", metavar="META.CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@coder_option
def documents_attributes(project: Path, csv_file: Path, coder: str | None) -> None:
    """Apply a metadata sidecar (CSV keyed by file name) to imported documents.

    Attributes in the table are set (empty cells leave an attribute as it is);
    rows that match no document and documents without a row are listed. One
    undoable step.

    \b
    Example:
      wijkverhalen documents attributes botu.wijk interviews/metadata.csv
    """
    from ..importers.metadata import MetadataIndex, read_metadata_csv

    rows = read_metadata_csv(csv_file)
    # Tag each row with its key so a match says which row it was (the reader's own
    # matching rules stay the only ones: file name in any case, else the stem).
    index = MetadataIndex({key: {**row, _KEY: key} for key, row in rows.items()})
    with opened(project) as proj:
        matched: dict[int, dict[str, str]] = {}
        used: set[str] = set()
        unmatched_docs: list[str] = []
        for d in proj.documents.all():
            found = index.lookup(Path(d.source_path)) or index.lookup(Path(d.name))
            if found:
                used.add(found.pop(_KEY))
                matched[d.id] = found
            else:
                unmatched_docs.append(d.name)
        if not matched:
            raise InvalidInput("no row matches an imported document (rows are matched by file name, "
                               "or by name without extension)", path=csv_file)
        changed = proj.documents.apply_attributes(matched, resolve_coder(coder), f"attributes from {csv_file.name}")
    unmatched_rows = [key for key in rows if key not in used]
    click.echo(f"{len(matched)} document(s) matched, {changed} attribute(s) changed")
    for key in unmatched_rows:
        click.echo(f"  no document for row: {key}")
    for name in unmatched_docs:
        click.echo(f"  no row for document: {name}")
