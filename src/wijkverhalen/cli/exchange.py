"""Exchange commands: REFI-QDA project import (``qdpx import``) and pseudonyms.

``codebook import-qdc`` lives with its group in :mod:`wijkverhalen.cli.codebook`.
"""

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


def project_then_file(command: str, first: Path, second: Path, suffixes: tuple[str, ...]) -> tuple[Path, Path]:
    """``(project, file)`` from ``PROJECT FILE``; the old order ``FILE PROJECT`` still works, with a note.

    The old order is recognised only when it is unambiguous: the first path ends in
    one of ``suffixes`` (.qdpx, .qdc...) and the second does not.
    """
    if first.suffix.lower() in suffixes and second.suffix.lower() not in suffixes:
        click.echo(f"note: '{command} FILE PROJECT' is deprecated; give the project first: "
                   f"wijkverhalen {command} {second} {first}", err=True)
        first, second = second, first
    if not second.is_file():
        raise InvalidInput("no such file" if not second.exists() else "is not a file", path=second)
    return first, second


def print_summary(summary: object, as_json: bool) -> None:
    if as_json:
        echo_json(summary.to_dict())  # type: ignore[attr-defined]
        return
    for line in summary.lines():  # type: ignore[attr-defined]
        click.echo(line)


@cli.group()
def qdpx() -> None:
    """Import REFI-QDA projects (.qdpx) from ATLAS.ti, NVivo, MAXQDA, QualCoder, Taguette..."""


@qdpx.command("import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--offsets", type=click.Choice(["auto", "codepoints", "utf16"]), default="auto", show_default=True,
              help="How the file counts selection offsets: code points (the standard) or UTF-16 units "
                   "(NVivo for Windows); auto decides from the selections.")
@click.option("--merge", is_flag=True, help="Add to an existing project (documents with the same text are matched).")
@click.option("--dry-run", is_flag=True, help="Read and check the file; report what would be imported.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes for sentence segmentation (default: cores).")
@coder_option
@json_option
def qdpx_import(project: Path, file: Path, offsets: str, merge: bool, dry_run: bool, workers: int | None,
                coder: str | None, as_json: bool) -> None:
    """Import FILE.qdpx (or a bare project.qde) into PROJECT (created if it does not exist).

    Codes keep their hierarchy and colours, codings their spans, coders and memos,
    documents their variables (attributes) and cases; sets of documents become
    attributes. Selections outside their text, non-text sources, missing files,
    links and graphs are skipped and listed with the reason (all of them with --json).

    \b
    Example:
      wijkverhalen qdpx import botu-collega.wijk collega.qdpx
      wijkverhalen qdpx import botu.wijk nvivo.qdpx --merge --offsets utf16
      wijkverhalen qdpx import x.wijk atlas.qdpx --dry-run
    """
    project, file = project_then_file("qdpx import", project, file, (".qdpx", ".qde", ".zip"))
    from ..refi import import_qdpx
    from .export import progress_bar

    with progress_bar("qdpx") as bar:
        task = bar.add_task("", total=None)
        summary = import_qdpx(file, project, coder=resolve_coder(coder), offsets=offsets, merge=merge,
                              dry_run=dry_run, workers=workers,
                              progress=lambda d, t, w: bar.update(task, completed=d, total=t, description=w))
    print_summary(summary, as_json)


@cli.group()
def pseudonyms() -> None:
    """The project's pseudonym table: names replaced in exports with --pseudonymise (AVG)."""


@pseudonyms.command("add")
@project_argument
@click.argument("name")
@click.argument("pseudonym")
@coder_option
def pseudonyms_add(project: Path, name: str, pseudonym: str, coder: str | None) -> None:
    """Replace NAME by PSEUDONYM in exports (case-insensitive, also "NAME's"); undoable.

    \b
    Example:
      wijkverhalen pseudonyms add botu.wijk "Fatima Bakkali" "Bewoner 7"
      wijkverhalen pseudonyms add botu.wijk Fatima "Bewoner 7"
    """
    with opened(project) as proj:
        replaced = proj.add_pseudonym(name, pseudonym, resolve_coder(coder))
    click.echo(f"{'changed' if replaced else 'added'}: {' '.join(name.split())} -> {' '.join(pseudonym.split())}")


@pseudonyms.command("import")
@project_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@coder_option
def pseudonyms_import(project: Path, file: Path, coder: str | None) -> None:
    """Add or change pseudonyms from a CSV file (name,pseudonym) in one undoable step.

    The file may use ',' or ';' and may have a header (name,pseudonym or
    naam,pseudoniem).

    \b
    Example:
      wijkverhalen pseudonyms import botu.wijk pseudoniemen.csv
    """
    from ..errors import DataError
    from ..exporters.pseudonymise import read_pseudonym_csv

    rows = read_pseudonym_csv(str(file))
    seen: dict[str, int] = {}
    for line, name, _ in rows:
        key = " ".join(name.split()).casefold()
        if key in seen:
            raise DataError(f"'{name}' is listed twice (also on line {seen[key]})", path=file, line=line)
        seen[key] = line
    with opened(project) as proj:
        try:
            result = proj.import_pseudonyms([(n, p) for _, n, p in rows], resolve_coder(coder),
                                            label=f"import pseudonyms from {file.name}")
        except InvalidInput as exc:
            raise DataError(exc.message, path=file) from exc
    click.echo(f"added {len(result.added)}, changed {len(result.changed)}, unchanged {len(result.unchanged)}")


@pseudonyms.command("list")
@project_argument
@json_option
def pseudonyms_list(project: Path, as_json: bool) -> None:
    """Show the pseudonym table.

    \b
    Example:
      wijkverhalen pseudonyms list botu.wijk
    """
    with opened(project) as proj:
        rows = proj.pseudonyms()
    if as_json:
        echo_json([{"name": p.name, "pseudonym": p.pseudonym} for p in rows])
        return
    table(f"{len(rows)} pseudonym(s)", ["name", "pseudonym"], [[p.name, p.pseudonym] for p in rows])


@pseudonyms.command("remove")
@project_argument
@click.argument("name")
@coder_option
def pseudonyms_remove(project: Path, name: str, coder: str | None) -> None:
    """Remove the pseudonym of NAME (undoable).

    \b
    Example:
      wijkverhalen pseudonyms remove botu.wijk "Fatima Bakkali"
    """
    with opened(project) as proj:
        removed = proj.remove_pseudonym(name, resolve_coder(coder))
    click.echo(f"removed: {removed.name} -> {removed.pseudonym}")
