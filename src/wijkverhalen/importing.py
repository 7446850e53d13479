"""Import pipeline: files -> parsed text -> sentences and lemmas -> project.

Parsing and spaCy run in worker processes (one per core) while the parent writes
finished documents to the project in batches, one transaction per batch: a kill
at any moment leaves whole documents or none, never half of one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import WijkError
from .store import DocumentInput, ImportLog, Project

ProgressCallback = Callable[[int, int, str], None]

# Below this many files the cost of starting workers (each loads spaCy) outweighs
# the gain of a second core.
PARALLEL_THRESHOLD = 24
BATCH_SIZE = 50


@dataclass
class ImportReport:
    imported: list[tuple[str, int]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, existing document)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    words: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


_worker_options: dict[str, object] = {}


def _init_worker(speaker_pattern: str | None, pipeline: str | None, load: bool = False) -> None:
    _worker_options["speaker_pattern"] = speaker_pattern
    _worker_options["pipeline"] = pipeline
    if load:
        from . import nlp

        nlp.load_pipeline(pipeline)


def prepare_document(path: Path, metadata: dict[str, str], speaker_pattern: str | None = None,
                     pipeline: str | None = None) -> DocumentInput:
    """Parse and segment one file (runs in a worker process)."""
    from . import nlp
    from .importers import parse_file

    parsed = parse_file(path, speaker_pattern=speaker_pattern)
    sentences = nlp.segment_turns(parsed.text, parsed.turns, nlp.load_pipeline(pipeline))
    attributes = {**parsed.metadata, **metadata}
    # Words of the spoken text, counted from the lemmas spaCy already made
    # (speaker labels are not words of the interview).
    words = sum(s.lemmas.count(" ") + 1 for s in sentences if s.lemmas)
    # Plain tuples, not named tuples: they cross the process boundary 7x faster.
    plain = [tuple(s) for s in sentences]
    return DocumentInput(parsed=parsed, sentences=plain, word_count=words,  # type: ignore[arg-type]
                         attributes=attributes)


def _prepare_in_worker(args: tuple[Path, dict[str, str]]) -> DocumentInput | WijkError:
    path, metadata = args
    try:
        return prepare_document(path, metadata, _worker_options.get("speaker_pattern"),  # type: ignore[arg-type]
                                _worker_options.get("pipeline"))  # type: ignore[arg-type]
    except WijkError as exc:
        return exc


def import_paths(project: Project, paths: Sequence[Path], coder: str, *,
                 metadata_csv: Path | None = None, speaker_pattern: str | None = None,
                 pipeline: str | None = None, workers: int | None = None,
                 progress: ProgressCallback | None = None) -> ImportReport:
    """Import files and folders; broken files are reported, the others still import."""
    from .importers import iter_import_paths, read_metadata_csv
    from .importers.metadata import MetadataIndex

    sidecar = MetadataIndex(read_metadata_csv(metadata_csv) if metadata_csv is not None else {})
    files, unsupported = iter_import_paths(paths)
    if metadata_csv is not None:  # named explicitly: it is the sidecar, not a document
        sidecar_path = Path(metadata_csv).resolve()
        unsupported = [(p, r) for p, r in unsupported if Path(p).resolve() != sidecar_path]
    report = ImportReport(failed=[(str(p), reason) for p, reason in unsupported])
    jobs = [(f, sidecar.lookup(f)) for f in files]
    total = len(jobs)
    done = 0
    batch: list[DocumentInput] = []
    log = ImportLog()  # every batch joins one operation: one import, one undo step

    def flush() -> None:
        if not batch:
            return
        for (name, doc_id, dup), item in zip(project.add_documents(batch, coder, log), batch, strict=True):
            if doc_id is None:
                report.duplicates.append((item.parsed.source_path, dup or ""))
            else:
                report.imported.append((name, doc_id))
                report.words += item.word_count
        batch.clear()

    def handle(path: Path, result: DocumentInput | WijkError) -> None:
        nonlocal done
        done += 1
        if isinstance(result, WijkError):
            report.failed.append((str(path), result.message))
        else:
            batch.append(result)
            if len(batch) >= BATCH_SIZE:
                flush()
        if progress is not None:
            progress(done, total, path.name)

    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n_workers > 1 and total >= PARALLEL_THRESHOLD:
        import multiprocessing

        from . import nlp

        fork = "fork" in multiprocessing.get_all_start_methods()
        if fork:
            # Import spaCy's modules once here, so forked workers inherit them; each
            # worker then only builds its pipeline (in parallel, both cores busy).
            nlp.import_spacy()
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(speaker_pattern, pipeline, True)) as pool:
            for (path, _), result in zip(jobs, pool.map(_prepare_in_worker, jobs, chunksize=4), strict=True):
                handle(path, result)
    else:
        _init_worker(speaker_pattern, pipeline)
        for job in jobs:
            handle(job[0], _prepare_in_worker(job))
    flush()
    return report

