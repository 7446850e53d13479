"""``wijkverhalen reindex``: re-segment and re-lemmatise a project after an upgrade."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .common import opened, project_argument


@cli.command()
@project_argument
@click.option("--pipeline", default=None, metavar="NAME",
              help="spaCy pipeline to segment with (default: the built-in Dutch rules).")
def reindex(project: Path, pipeline: str | None) -> None:
    """Recompute sentences, lemmas and the search index of every document.

    Sentences and lemmas are derived from the text; codings, memos, attributes
    and the undo history are not changed. Run it after upgrading wijkverhalen
    so that search finds what a fresh import would (e.g. "zijn" finds "is").

    \b
    Example:
      wijkverhalen reindex botu.wijk
    """
    from ..reindexing import reindex_project

    with opened(project) as proj:
        result = reindex_project(proj, pipeline)
    click.echo(f"reindexed {result.documents} document(s): {result.sentences_before} sentences before, "
               f"{result.sentences_after} now")
