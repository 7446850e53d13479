"""Core commands: init, import, documents, codebook, search, code, undo, segments, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
@coder_option
def init(project: Path, codebook_file: Path | None, coder: str | None) -> None:
    """Create a new project file seeded with a codebook.

    \b
    Example:
      wijkverhalen init botu.wijk
      wijkverhalen init botu.wijk --codebook mijn-codeboek.yaml
    """
    from ..codebook import default_codebook_path, load_codebook
    from ..store import Project

    cb = load_codebook(codebook_file or default_codebook_path())
    with Project.create(project, codes=cb.codes, coder=resolve_coder(coder),
                        codebook_name=cb.name, codebook_version=cb.version):
        pass
    click.echo(f"created {project} with codebook '{cb.name}' ({len(cb.codes)} codes)")


@cli.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--metadata", "metadata_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV sidecar keyed by file name (column 'file') with document attributes.")
@click.option("--speaker-pattern", default=None,
              help="Regular expression for a speaker label at line start; group 1 is the name.")
@click.option("--pipeline", default=None,
              help="spaCy pipeline, e.g. nl_core_news_sm (default: blank Dutch + lookup lemmas).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores).")
@coder_option
def import_(project: Path, paths: tuple[Path, ...], metadata_csv: Path | None, speaker_pattern: str | None,
            pipeline: str | None, workers: int | None, coder: str | None) -> None:
    """Import interviews (txt, md, docx, odt; folders recursively).

    Broken or unsupported files are listed with the reason; the others still import.
    Importing the same text again is reported and skipped.

    \b
    Example:
      wijkverhalen import botu.wijk interviews/ --metadata interviews/metadata.csv
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..importing import import_paths

    with opened(project) as proj, Progress(
        TextColumn("[bold]import"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}"), transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        report = import_paths(proj, list(paths), resolve_coder(coder), metadata_csv=metadata_csv,
                              speaker_pattern=speaker_pattern, pipeline=pipeline, workers=workers,
                              progress=progress)
    click.echo(f"imported {len(report.imported)} document(s), {report.words} words")
    for path, existing in report.duplicates:
        click.echo(f"  already in project: {path} (same text as '{existing}')")
    for path, reason in report.failed:
        click.echo(f"  skipped: {path}: {reason}", err=True)
    if report.failed and not report.imported and not report.duplicates:
        raise SystemExit(1)


@cli.command()
@project_argument
@json_option
def documents(project: Path, as_json: bool) -> None:
    """List documents with attributes, words, codings and coding progress.

    \b
    Example:
      wijkverhalen documents botu.wijk --json
    """
    with opened(project) as proj:
        docs = proj.documents()
        progress = proj.document_progress()
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
        report = proj.sync_codes(cb.codes, resolve_coder(coder), merge_into=merge_into)
        proj.set_meta("codebook_version", cb.version)
    click.echo(f"added {len(report.added)}, changed {len(report.changed)}, removed {len(report.removed)}")
    for old, new in report.merged.items():
        click.echo(f"  codings of {old} moved to {new}")


@codebook.command("export")
@project_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")
def codebook_export(project: Path, output: Path | None) -> None:
    """Write the project's codebook back out as YAML.

    \b
    Example:
      wijkverhalen codebook export botu.wijk -o codebook-2021.yaml
    """
    from ..codebook import dump_codebook

    with opened(project) as proj:
        text = dump_codebook(proj.codes(), name=proj.get_meta("codebook_name") or "",
                             version=proj.get_meta("codebook_version") or "")
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


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
@click.argument("document")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.argument("code_id")
@coder_option
@click.option("--memo", default="", help="Memo on the coding.")
@click.option("--valence", type=click.Choice(["positive", "negative", "mixed"]), default=None)
def code(project: Path, document: str, start: int, end: int, code_id: str, coder: str | None, memo: str,
         valence: str | None) -> None:
    """Code characters START..END (code points, end exclusive) of DOCUMENT.

    DOCUMENT is a document id or (a unique prefix of) its name.

    \b
    Example:
      wijkverhalen code botu.wijk 01_bewoner_fatima 120 188 relaties.vertrouwen --memo "kernquote"
    """
    with opened(project) as proj:
        doc_id = proj.resolve_document(document)
        coding = proj.add_coding(doc_id, start, end, code_id, resolve_coder(coder), memo=memo, valence=valence)
        text = proj.document_text(doc_id)[start:end]
    click.echo(f"coding {coding.id}: {code_id} on \"{_short(text)}\"")


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


@cli.command()
@project_argument
@click.option("--coder", default=None, help="Only undo this coder's operations (default: anyone's).")
def undo(project: Path, coder: str | None) -> None:
    """Undo the last change (also after a restart).

    \b
    Example:
      wijkverhalen undo botu.wijk
    """
    with opened(project) as proj:
        label = proj.undo(coder)
    click.echo(f"undone: {label}" if label else "nothing to undo")


@cli.command()
@project_argument
@click.option("--coder", default=None, help="Only redo this coder's operations (default: anyone's).")
def redo(project: Path, coder: str | None) -> None:
    """Redo the last undone change.

    \b
    Example:
      wijkverhalen redo botu.wijk
    """
    with opened(project) as proj:
        label = proj.redo(coder)
    click.echo(f"redone: {label}" if label else "nothing to redo")


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
