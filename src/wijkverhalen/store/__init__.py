"""The project store: the only place that touches SQL.

A project is one SQLite file. :class:`Project` is the facade the CLI, the TUI,
importers, analysis and exporters use::

    with Project.create("botu.wijk", codes=codebook.codes, coder="anna") as project:
        coding = project.add_coding(doc_id, 120, 188, "relaties.vertrouwen", coder="anna")
        project.undo(coder="anna")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..models import Code
from ..models.linking import Actor
from .codes import CodesMixin, SyncReport, code_guid
from .codings import VALENCES, CodingsMixin
from .connection import open_database
from .documents import CountedSentences, DocumentInput, DocumentsMixin, ImportLog, text_sha256
from .exchange import ExchangeMixin
from .faults import storage_error, storage_errors
from .linking import LinkingMixin
from .merge import MergeMixin, MergeReport, copy_project
from .retrieval import RetrievalMixin, build_match
from .teams import TeamsMixin

__all__ = ["VALENCES", "CountedSentences", "DocumentInput", "ImportLog", "MergeReport", "Project", "SyncReport", "copy_project", "build_match", "code_guid",
           "storage_error", "storage_errors", "text_sha256"]


class Project(DocumentsMixin, CodesMixin, CodingsMixin, RetrievalMixin, LinkingMixin, ExchangeMixin,
              TeamsMixin, MergeMixin):
    """An open project file."""

    @classmethod
    def open(cls, path: str | Path, *, durability: str | None = None) -> Project:
        path = Path(path)
        return cls(open_database(path, durability=durability), path)

    @classmethod
    def create(cls, path: str | Path, *, codes: Sequence[Code] = (), coder: str = "wijkverhalen",
               codebook_name: str = "", codebook_version: str = "", actors: Sequence[Actor] = (),
               actors_source: str = "") -> Project:
        """A new project file seeded with ``codes`` and an actor registry (``actors``).

        Nothing is left behind when seeding fails.
        """
        path = Path(path)
        project = cls(open_database(path, create=True), path)
        try:
            if codes:
                project.load_codes(codes, coder, label=f"load codebook {codebook_name}".strip())
            project.set_meta("codebook_name", codebook_name)
            project.set_meta("codebook_version", codebook_version)
            if actors:
                project.import_actors(actors, coder, source=actors_source)
        except BaseException:
            project.close()
            path.unlink(missing_ok=True)
            raise
        return project

    def __enter__(self) -> Project:
        return self
