"""Core commands: init, import, search, code, undo, segments, stats."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InvalidInput, WijkError
from ..snippets import snippet_text
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
@click.option("--codebook", "codebook_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Codebook YAML to seed the project (default: the bundled veerkracht codebook).")
@click.option("--no-actors", is_flag=True,
              help="Do not load the bundled registry of the actors named in the monitor.")
@coder_option
def init(project: Path, codebook_file: Path | None, no_actors: bool, coder: str | None) -> None:
    """Create a new project file seeded with a codebook and the monitor's actors.

    The actors (Gemeente Rotterdam, Havensteder, Delfshaven Helpt!...) come from the
    bundled registry, so 'actors detect' works at once; --no-actors leaves them out
    ('actors import' adds a registry later).

    \b
    Example:
      wijkverhalen init botu.wijk
      wijkverhalen init botu.wijk --codebook mijn-codeboek.yaml --no-actors
    """
    from ..codebook import default_codebook_path, load_codebook
    from ..linking.actors import parse_actor_registry
    from ..resources import resource_path
    from ..store import Project

    cb = load_codebook(codebook_file or default_codebook_path())
    registry = resource_path("data/actors.yaml")
    actors = () if no_actors else parse_actor_registry(registry)
    with Project.create(project, codes=cb.codes, coder=resolve_coder(coder), codebook_name=cb.name,
                        codebook_version=cb.version, actors=actors, actors_source=str(registry)):
        pass
    with_actors = f" and {len(actors)} actors" if actors else ""
    click.echo(f"created {project} with codebook '{cb.name}' ({len(cb.codes)} codes){with_actors}")


# Unmatched sidecar rows and files listed one per line before "... and N more".
_LISTED = 20


class ImportCommand(click.Command):
    """``import``, whose help names the formats registered when it is shown (``{formats}``)."""

    @property  # type: ignore[override]
    def help(self) -> str | None:
        from ..importers.registry import format_names

        return self._help.replace("{formats}", ", ".join(format_names())) if self._help else None

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


@cli.command("import", cls=ImportCommand)
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--metadata", "metadata_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV sidecar keyed by file name (column 'file') with document attributes.")
@click.option("--speaker-pattern", default=None,
              help="Regular expression for a speaker label at line start; group 1 is the name.")
@click.option("--pipeline", default=None,
              help="spaCy pipeline, e.g. nl_core_news_sm (default: blank Dutch + lookup lemmas).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores).")
@click.option("--docx-properties", is_flag=True,
              help="Keep a .docx/.odt's own title, author and created date as attributes.")
@coder_option
def import_(project: Path, paths: tuple[Path, ...], metadata_csv: Path | None, speaker_pattern: str | None,
            pipeline: str | None, workers: int | None, docx_properties: bool, coder: str | None) -> None:
    """Import interviews ({formats}; folders recursively).

    Broken, hostile or unsupported files and symbolic links out of a folder are
    listed with the reason; the others still import. Importing the same text
    again is reported and skipped. Sidecar rows that match no file, and files
    without a row, are listed; a sidecar that matches no file is an error.

    \b
    Example:
      wijkverhalen import botu.wijk interviews/ --metadata interviews/metadata.csv
    """
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..importing import import_paths
    from ..textsafe import printable

    with opened(project) as proj, Progress(
        TextColumn("[bold]import"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}"), transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(printable(name)))

        report = import_paths(proj, list(paths), resolve_coder(coder), metadata_csv=metadata_csv,
                              speaker_pattern=speaker_pattern, pipeline=pipeline, workers=workers,
                              progress=progress, docx_properties=docx_properties)
    # File names and reasons come from outside: no terminal control characters.
    click.echo(f"imported {len(report.imported)} document(s), {report.words} words")
    for path, existing in report.duplicates:
        click.echo(f"  already in project: {printable(path)} (same text as '{printable(existing)}')")
    for path, reason in report.failed:
        click.echo(f"  skipped: {printable(path)}: {printable(reason)}", err=True)
    for warning in report.warnings:
        click.echo(f"  warning: {printable(warning)}", err=True)
    for what, items in (("metadata row matches no imported file", report.unmatched_rows),
                        ("no metadata row for", report.files_without_row)):
        for item in items[:_LISTED]:
            click.echo(f"  {what}: {printable(item)}", err=True)
        if len(items) > _LISTED:
            click.echo(f"  {what}: ... and {len(items) - _LISTED} more", err=True)
    if report.failed and not report.imported and not report.duplicates:
        raise SystemExit(1)


@cli.command()
@project_argument
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@json_option
def search(project: Path, query: str, limit: int, as_json: bool) -> None:
    """Full-text search; words also match by lemma ("hielpen" finds "helpen").

    Matches are highlighted in the sentence; with --json each hit has "matches",
    a list of [start, end] offsets into its "text".

    \b
    Example:
      wijkverhalen search botu.wijk "vertrouwen gemeente"
      wijkverhalen search botu.wijk '"doe maar"'
    """
    from .. import nlp

    lemmas = nlp.query_lemmas(query)
    with opened(project) as proj:
        hits = proj.search(query, lemmas, limit=limit)
    if as_json:
        echo_json([h.to_json() for h in hits])
        return
    table(f"{len(hits)} hit(s)", ["document", "span", "speaker", "sentence"],
          [[h.document_name, f"{h.start}-{h.end}", h.speaker, snippet_text(h.snippet)] for h in hits])


@cli.command()
@project_argument
@click.argument("coding_id", type=int)
@coder_option
def uncode(project: Path, coding_id: int, coder: str | None) -> None:
    """Remove a coding (undoable).

    \b
    Example:
      wijkverhalen uncode botu.wijk 42
    """
    with opened(project) as proj:
        removed = proj.remove_coding(coding_id, resolve_coder(coder))
    click.echo(f"removed coding {coding_id} ({removed.code_id})")


def _step(project: Path, coder: str | None, skip: bool, redo: bool) -> None:
    verb = "redo" if redo else "undo"
    who = resolve_coder(coder)
    with opened(project) as proj:
        step = proj.redo_step(who, skip=skip) if redo else proj.undo_step(who, skip=skip)
    if step is None:
        click.echo(f"nothing to {verb} for {who}")
        return
    for conflict in step.skipped:
        click.echo(f"skipped {conflict.short}")
    click.echo(f"{verb}ne: {step.label} (#{step.op_id})")


@cli.command()
@project_argument
@click.option("--coder", default=None,
              help="Whose change to undo (default: you: config, $WIJKVERHALEN_CODER or login name).")
@click.option("--skip", is_flag=True,
              help="Pass over changes that later work of others depends on; undo the next one.")
def undo(project: Path, coder: str | None, skip: bool) -> None:
    """Undo your last change (also after a restart).

    Undo is per coder: it takes the newest change of --coder (default: you). A change
    that someone's later work depends on is refused with the reason and what to do.

    \b
    Example:
      wijkverhalen undo botu.wijk
      wijkverhalen undo botu.wijk --coder anna --skip
    """
    _step(project, coder, skip, redo=False)


@cli.command()
@project_argument
@click.option("--coder", default=None,
              help="Whose change to redo (default: you: config, $WIJKVERHALEN_CODER or login name).")
@click.option("--skip", is_flag=True, help="Pass over changes that cannot be redone; redo the next one.")
def redo(project: Path, coder: str | None, skip: bool) -> None:
    """Redo the change you undid last.

    \b
    Example:
      wijkverhalen redo botu.wijk
    """
    _step(project, coder, skip, redo=True)


@cli.command()
@project_argument
@click.option("--limit", type=click.IntRange(1, 100000), default=30, show_default=True)
@click.option("--coder", default=None, help="Only this coder's operations.")
@json_option
def history(project: Path, limit: int, coder: str | None, as_json: bool) -> None:
    """The audit trail: who changed what, when (newest first).

    \b
    Example:
      wijkverhalen history botu.wijk --coder anna
    """
    with opened(project) as proj:
        ops = proj.history(limit, coder)
    if as_json:
        echo_json([op.__dict__ for op in ops])
        return
    table(None, ["#", "when", "coder", "state", "what"],
          [[op.id, op.timestamp, op.coder, op.state, op.label] for op in ops])


@cli.command()
@project_argument
@click.option("--code", "code_id", required=True, help="Code id to retrieve.")
@click.option("--children", is_flag=True, help="Include passages of sub-codes.")
@click.option("--coder", default=None, help="Only this coder's codings.")
@click.option("--where", "where", multiple=True, metavar="ATTR=VALUE", help="Filter by document attribute.")
@json_option
def segments(project: Path, code_id: str, children: bool, coder: str | None, where: tuple[str, ...],
             as_json: bool) -> None:
    """Retrieve the coded passages of a code with one sentence of context.

    \b
    Example:
      wijkverhalen segments botu.wijk --code relaties.vertrouwen --where rol=bewoner
    """
    attrs = {}
    for item in where:
        if "=" not in item:
            raise InvalidInput(f"--where '{item}' must be ATTR=VALUE")
        key, value = item.split("=", 1)
        attrs[key.strip()] = value.strip()
    with opened(project) as proj:
        proj.code(code_id)
        passages = proj.passages(code_id, include_children=children, coder=coder, attributes=attrs)
    if as_json:
        echo_json([{"coding_id": p.coding.id, "document": p.document_name, "start": p.coding.start,
                    "end": p.coding.end, "code": p.coding.code_id, "coder": p.coding.coder,
                    "speaker": p.speaker, "sentence": p.sentence_index, "text": p.text,
                    "before": p.before, "after": p.after, "memo": p.coding.memo,
                    "valence": p.coding.valence} for p in passages])
        return
    from rich.text import Text

    out = console_()
    for p in passages:
        out.print(f"[bold]{p.document_name}[/] #{p.coding.id} [{p.coding.start}-{p.coding.end}] "
                  f"{p.speaker or ''} ({p.coding.coder})")
        line = Text("  ")
        line.append(p.before.replace("\n", " "), style="dim")
        line.append(p.text.replace("\n", " "), style="bold")
        line.append(p.after.replace("\n", " "), style="dim")
        out.print(line)
    out.print(f"{len(passages)} passage(s)")


@cli.command()
@project_argument
@json_option
def stats(project: Path, as_json: bool) -> None:
    """Documents, words, and codings per code and per coder.

    \b
    Example:
      wijkverhalen stats botu.wijk --json
    """
    with opened(project) as proj:
        data = proj.stats()
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['documents']} documents, {data['words']} words, {data['sentences']} sentences, "
               f"{data['codings']} codings, {data['codes']} codes")
    table("codings per code", ["code", "label", "codings", "documents"],
          [[r["code"], r["label"], r["codings"], r["documents"]] for r in data["per_code"] if r["codings"]])
    table("codings per coder", ["coder", "codings", "documents"],
          [[r["coder"], r["codings"], r["documents"]] for r in data["per_coder"]])


def console_():  # type: ignore[no-untyped-def]
    from .common import console

    return console()


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["WijkError"]


@cli.command()
@click.option("--path", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to build the demo project (default: build/demo.wijk).")
@click.option("--rebuild", is_flag=True, help="Build it anew even if it exists.")
@click.option("--no-tui", is_flag=True, help="Only build it and print a summary (for scripts and CI).")
def demo(path: Path | None, rebuild: bool, no_tui: bool) -> None:
    """Build the demo project from the bundled fictional BoTu interviews and open it.

    The project is built once (or anew with --rebuild), then the coding
    workbench opens on it.

    \b
    Example:
      wijkverhalen demo
      wijkverhalen demo --rebuild --no-tui
    """
    from ..demo import build_demo_project, default_demo_path

    target, report = build_demo_project(path or default_demo_path(), rebuild=rebuild)
    if report is not None:
        click.echo(f"built {target}: {len(report.imported)} interviews, {report.words} words")
        for file, reason in report.failed:
            click.echo(f"  skipped: {file}: {reason}", err=True)
    with opened(target) as proj:
        data = proj.stats()
    click.echo(f"{target}: {data['documents']} documents, {data['words']} words, "
               f"{data['codes']} codes, {data['codings']} codings")
    if not no_tui:
        from .tui import run_tui

        run_tui(target)
