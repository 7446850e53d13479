"""Apply an import plan to a project: segment the texts, write everything, summarise.

:func:`apply_plan` writes the plan in one transaction with one audit entry, and
segments each new text that the plan has no sentences for (spaCy, in worker
processes for many documents) as it is written. :func:`import_qdpx` and :func:`import_qdc` do the whole import for
the CLI and the TUI. A new project is built under a hidden temporary name beside the
target and renamed into place only when the import has succeeded, so a failed or
interrupted import (an error, Ctrl-C, a killed process) never leaves a project file
at the target.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ProjectError
from ..exporters import ProgressCallback, no_progress
from ..models import Sentence, Turn
from ..store.exchange import ExchangeDocument
from .importer import ImportPlan, Skipped, read_qdc, read_qdpx
from .offsets import Detection
from .safezip import Limits

if TYPE_CHECKING:
    from ..store import Project

PARALLEL_THRESHOLD = 24


@dataclass
class ImportSummary:
    """What an import did (or would do, with ``dry_run``); the CLI prints it."""

    source: str
    target: str
    origin: str
    offsets: str
    offsets_reason: str
    documents: list[str] = field(default_factory=list)
    matched_documents: list[tuple[str, str]] = field(default_factory=list)
    codes_added: int = 0
    codes_existing: int = 0
    codings: int = 0
    duplicate_codings: int = 0
    duplicates_in_file: int = 0
    memos: int = 0
    cases: int = 0
    users: int = 0
    attributes: int = 0
    snapped: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    sidecar: bool = False
    dry_run: bool = False
    created: bool = False

    def skipped_counts(self) -> dict[str, int]:
        return dict(Counter(s.kind for s in self.skipped))

    def lines(self, details: int = 20) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        out = [f"{verb} {len(self.documents)} document(s), {self.codes_added} new code(s), "
               f"{self.codings} coding(s), {self.memos} memo(s), {self.cases} case(s), "
               f"{self.attributes} attribute value(s) from {self.source}"
               + (f" ({self.origin})" if self.origin else "")]
        out.append(f"offsets counted as {self.offsets}: {self.offsets_reason}")
        if self.codes_existing:
            out.append(f"{self.codes_existing} code(s) already in the project were kept as they are")
        if self.matched_documents:
            shown = ", ".join(f"'{n}'" + (f" (= '{e}')" if e != n else "") for n, e in self.matched_documents[:3])
            more = f" and {len(self.matched_documents) - 3} more" if len(self.matched_documents) > 3 else ""
            out.append(f"{len(self.matched_documents)} document(s) already in the project (same text): "
                       f"{shown}{more}; their new codings were added there")
        if self.duplicate_codings:
            out.append(f"{self.duplicate_codings} coding(s) were already in the project")
        if self.duplicates_in_file:
            out.append(f"{self.duplicates_in_file} coding(s) repeated another in the file (same span, code "
                       "and coder) and were imported once")
        if self.snapped:
            out.append(f"{self.snapped} selection edge(s) fell inside a character and were widened to it")
        if self.skipped:
            counts = ", ".join(f"{n} {k}(s)" for k, n in sorted(self.skipped_counts().items()))
            out.append(f"skipped {counts}:")
            for s in self.skipped[:details]:
                out.append(f"  {s.kind} {s.subject}: {s.reason}")
            if len(self.skipped) > details:
                out.append(f"  ... and {len(self.skipped) - details} more (use --json to see all)")
        return out

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["skipped_counts"] = self.skipped_counts()
        return data


# -- segmentation (spaCy) ------------------------------------------------------------


def _segment(item: tuple[str, str]) -> tuple[str, tuple[tuple[Turn, ...], list[Sentence], int]]:
    """A document's key with its turns, sentences and word count (in a worker process)."""
    from .. import nlp
    from ..importers.turns import detect_turns

    key, text = item
    turns = detect_turns(text)
    return key, (turns, nlp.segment_turns(text, turns, nlp.load_pipeline()), nlp.count_words(text))


class _Segmenter:
    """Turns, sentences and word count of each document, made when the store writes it.

    The store asks for one document at a time and writes its sentences as spaCy
    makes them (in this process), so no document's sentences, let alone all of
    them, wait in memory for the write: a whole import stays within a few times its
    text (``bench/bench_refi_bombs.py``). Many documents are segmented in worker
    processes instead, whose finished documents are taken in order.
    """

    def __init__(self, plan: ImportPlan, progress: ProgressCallback,
                 results: Iterator[tuple[str, tuple[tuple[Turn, ...], list[Sentence], int]]] | None) -> None:
        self.todo = {plan.documents[i].key for i in plan.needs_segmenting}
        self.progress = progress
        self.results = results
        self.done = 0

    def __call__(self, doc: ExchangeDocument) -> tuple[int, Callable[[], tuple[Sequence[Turn], Iterable[Sentence]]]]:
        from .. import nlp

        words = doc.word_count or nlp.count_words(doc.text)
        if doc.key not in self.todo:  # the sidecar brought its turns and sentences
            return words, lambda: (doc.turns, doc.sentences)
        return words, lambda: self._segments(doc)

    def _segments(self, doc: ExchangeDocument) -> tuple[Sequence[Turn], Iterable[Sentence]]:
        from .. import nlp
        from ..importers.turns import detect_turns

        self.done += 1
        self.progress(self.done, len(self.todo), doc.name)
        if self.results is not None:
            for key, (turns, sentences, _) in self.results:  # documents matched in the project are passed
                if key == doc.key:
                    return turns, sentences
            raise RuntimeError(f"no segmentation came back for {doc.key}")  # pragma: no cover - a bug
        turns = detect_turns(doc.text)
        return turns, nlp.iter_sentences(doc.text, turns, nlp.load_pipeline())


@contextmanager
def segmenter(plan: ImportPlan, *, workers: int | None = None,
              progress: ProgressCallback | None = None) -> Iterator[_Segmenter]:
    """What :meth:`Exchange.import_project` asks for each document's segments (see :class:`_Segmenter`)."""
    progress = progress or no_progress
    todo = [plan.documents[i] for i in plan.needs_segmenting]
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n_workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        from .. import worker_process

        # As the file import's: the workers end with this process and run below it, and
        # an import stopped early (Ctrl-C, a failed write) ends them at once.
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=worker_process.setup,
                                   initargs=(os.getpid(),))
        try:
            yield _Segmenter(plan, progress, pool.map(_segment, ((d.key, d.text) for d in todo), chunksize=4))
        except BaseException:
            worker_process.stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    else:
        yield _Segmenter(plan, progress, None)


# -- applying to a project ------------------------------------------------------------


def apply_plan(project: Project | None, plan: ImportPlan, coder: str, *, created: bool = False, dry_run: bool = False,
               workers: int | None = None, progress: ProgressCallback | None = None) -> ImportSummary:
    detection = plan.detection or Detection("codepoints", "no text sources")
    summary = ImportSummary(source=plan.source, target=str(project.path) if project is not None else "",
                            origin=plan.origin, offsets=detection.mode, offsets_reason=detection.reason,
                            memos=plan.memos, attributes=plan.attributes, snapped=plan.snapped,
                            duplicates_in_file=plan.duplicates_in_file,
                            skipped=list(plan.skipped), sidecar=plan.sidecar, dry_run=dry_run, created=created)
    if dry_run or project is None:
        summary.documents = [d.name for d in plan.documents]
        summary.codes_added = len(plan.codes)
        summary.codings = len(plan.codings)
        summary.cases = len(plan.cases)
        summary.users = len(plan.users)
        return summary
    with segmenter(plan, workers=workers, progress=progress) as segment:
        result = project.exchange.import_project(codes=plan.codes, documents=plan.documents, codings=plan.codings,
                                         cases=plan.cases, users=plan.users, coder=coder,
                                         label=f"import {plan.source}", segment=segment)
    if created and plan.codebook_meta:
        for key in ("name", "version"):
            if plan.codebook_meta.get(key):
                project.set_meta(f"codebook_{key}", plan.codebook_meta[key])
    _keep_refi_meta(project, plan)
    summary.documents = result.new_documents
    summary.matched_documents = result.matched_documents
    summary.codes_added = len(result.codes_added)
    summary.codes_existing = len(result.codes_existing)
    summary.codings = result.codings
    summary.duplicate_codings = result.duplicate_codings
    summary.cases = result.cases
    summary.users = result.users
    summary.memos = result.memos
    summary.attributes = result.attributes
    return summary


def _keep_refi_meta(project: Project, plan: ImportPlan) -> None:
    """Code sets, non-codable codes and free notes, kept in the project's meta table."""
    import json

    from .writer import CODE_SETS_META, PROJECT_MEMO_META, UNCODABLE_META, meta_json

    ids = {c.id for c in project.codes.all()}
    if plan.code_sets:
        sets = meta_json(project, CODE_SETS_META, {})
        for name, members in plan.code_sets.items():
            known = [m for m in members if m in ids]
            if known:
                sets[name] = list(dict.fromkeys([*sets.get(name, []), *known]))
        project.set_meta(CODE_SETS_META, json.dumps(sets, ensure_ascii=False))
    if plan.uncodable:
        kept = meta_json(project, UNCODABLE_META, [])
        project.set_meta(UNCODABLE_META, json.dumps(list(dict.fromkeys([*kept, *(c for c in plan.uncodable
                                                                                  if c in ids)]))))
    if plan.project_memo:
        old = project.get_meta(PROJECT_MEMO_META) or ""
        if plan.project_memo not in old:
            project.set_meta(PROJECT_MEMO_META, f"{old}\n\n{plan.project_memo}" if old else plan.project_memo)


def _open_target(project_path: Path, merge: bool, coder: str) -> tuple[Any, bool]:
    from ..store import Project

    if project_path.exists() and project_path.stat().st_size > 0:
        if not merge:
            raise ProjectError("already exists; pass --merge to add the file to it, or name a new project",
                               path=project_path)
        return Project.open(project_path), False
    return Project.create(_building_path(project_path), coder=coder), True


def _building_path(project_path: Path) -> Path:
    """Where a new project is built until it is complete (hidden, beside the target)."""
    return project_path.with_name(f".{project_path.name}.importing-{os.getpid()}")


def _discard(project_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(project_path) + suffix).unlink(missing_ok=True)


def import_qdpx(path: str | Path, project_path: str | Path, *, coder: str, offsets: str = "auto",
                merge: bool = False, dry_run: bool = False, workers: int | None = None,
                limits: Limits | None = None, progress: ProgressCallback | None = None) -> ImportSummary:
    """Import a .qdpx into a new project (or, with ``merge``, an existing one)."""
    project_path = Path(project_path)
    if dry_run:
        plan = read_qdpx(path, offsets=offsets, coder=coder, limits=limits, progress=progress)
        return apply_plan(None, plan, coder, dry_run=True)
    return _into_target(
        project_path, merge, coder,
        lambda project, created: apply_plan(
            project,
            read_qdpx(path, offsets=offsets, coder=coder, existing_codes=project.codes.guids(),
                      limits=limits, progress=progress),
            coder, created=created, workers=workers, progress=progress))


def import_qdc(path: str | Path, project_path: str | Path, *, coder: str, dry_run: bool = False) -> ImportSummary:
    """Add the codes of a .qdc to a project (created when it does not exist)."""
    project_path = Path(project_path)
    if dry_run:
        return apply_plan(None, read_qdc(path), coder, dry_run=True)
    return _into_target(
        project_path, True, coder,
        lambda project, created: apply_plan(project, read_qdc(path, project.codes.guids()), coder,
                                            created=created))


def _into_target(project_path: Path, merge: bool, coder: str,
                 apply: Callable[[Any, bool], ImportSummary]) -> ImportSummary:
    """Open (or build) the target project, apply, close; a new project appears only when complete."""
    project, created = _open_target(project_path, merge, coder)
    try:
        summary = apply(project, created)
        project.close()
    except BaseException:
        project.close()
        if created:
            _discard(_building_path(project_path))
        raise
    if created:
        building = _building_path(project_path)
        try:
            os.replace(building, project_path)
        except OSError as exc:
            _discard(building)
            raise ProjectError(f"cannot create ({exc.strerror or exc})", path=project_path) from exc
        _discard(building)  # any -wal/-shm left beside it
        summary.target = str(project_path)
    return summary
