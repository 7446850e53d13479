"""Import pipeline: files -> parsed text -> sentences and lemmas -> project.

Parsing and spaCy run in worker processes (one per core) while the parent writes
finished documents to the project in batches, one transaction per batch: a kill
at any moment leaves whole documents or none, never half of one. In one process, a
text over ``STREAM_CHARS`` is a batch of its own, segmented while it is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import worker_process
from .errors import ImportError_, WijkError
from .sentence_rows import Row
from .store import CountedSentences, DocumentInput, ImportLog, Project
from .textsafe import printable

ProgressCallback = Callable[[int, int, str], None]

# Below this many files the cost of starting workers (each loads spaCy) outweighs
# the gain of a second core.
PARALLEL_THRESHOLD = 24
BATCH_SIZE = 50
# A text longer than this (code points, about 150 pages) is segmented while the store
# writes it, in a transaction of its own, instead of before: its sentences, about twice
# the text as Python objects, are never all in memory (issue 11: an import within ~5x
# its text). Only in this process: a worker process hands over finished lists.
STREAM_CHARS = 500_000


@dataclass
class ImportReport:
    imported: list[tuple[str, int]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, existing document)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    words: int = 0
    # Notes that did not stop a file: ``file:line: ...`` (e.g. a line read as cp1252).
    warnings: list[str] = field(default_factory=list)
    # Sidecar rows (their file name as written) that matched no imported file,
    # and imported files that matched no sidecar row; empty without a sidecar.
    unmatched_rows: list[str] = field(default_factory=list)
    files_without_row: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


_worker_options: dict[str, object] = {}

def _init_worker(speaker_pattern: str | None, pipeline: str | None, load: bool = False,
                 properties: bool = False, parent: int | None = None) -> None:
    if parent is not None:
        worker_process.setup(parent)
    _worker_options["speaker_pattern"] = speaker_pattern
    _worker_options["pipeline"] = pipeline
    _worker_options["properties"] = properties
    if load:
        from . import nlp

        nlp.load_pipeline(pipeline)


def prepare_document(path: Path, metadata: dict[str, str], speaker_pattern: str | None = None,
                     pipeline: str | None = None, properties: bool = False,
                     warnings: list[str] | None = None, *, stream: bool = False) -> DocumentInput:
    """Parse and segment one file (runs in a worker process).

    With ``stream``, a text over ``STREAM_CHARS`` gets sentences that spaCy makes
    only while the store writes them (:class:`CountedSentences`).
    """
    from . import nlp
    from .importers import parse_file

    parsed = parse_file(path, speaker_pattern=speaker_pattern, properties=properties,
                        warnings=warnings)
    attributes = {**parsed.metadata, **metadata}
    # Words of the spoken text, counted from the lemmas spaCy makes
    # (speaker labels are not words of the interview).
    made = nlp.sentence_rows(parsed.text, parsed.turns, nlp.load_pipeline(pipeline))
    if stream and len(parsed.text) > STREAM_CHARS:
        return DocumentInput(parsed=parsed, sentences=CountedSentences(_named_failures(made, path)),
                             word_count=0, attributes=attributes)
    sentences = CountedSentences(made)
    # Plain tuples, not named tuples: they cross the process boundary 7x faster.
    rows = list(sentences)
    return DocumentInput(parsed=parsed, sentences=rows, word_count=sentences.words,  # type: ignore[arg-type]
                         attributes=attributes)


def _named_failures(sentences: Iterator[Row], path: Path) -> Iterator[Row]:
    """``sentences``, with a failure of spaCy on them turned into this file's error."""
    try:
        yield from sentences
    except WijkError:
        raise
    except Exception as exc:  # as _prepare_in_worker does for a file segmented before writing
        raise ImportError_(f"could not be read ({type(exc).__name__}: {exc}); "
                           "please report this file's problem", path=path) from exc


Prepared = tuple[DocumentInput | WijkError, list[str]]


def _prepare_in_worker(args: tuple[Path, dict[str, str]], stream: bool = False) -> Prepared:
    """One file's document (or its error) and its warnings; never raises for one bad file."""
    path, metadata = args
    warnings: list[str] = []
    try:
        return prepare_document(path, metadata, _worker_options.get("speaker_pattern"),  # type: ignore[arg-type]
                                _worker_options.get("pipeline"),  # type: ignore[arg-type]
                                bool(_worker_options.get("properties")), warnings, stream=stream), warnings
    except WijkError as exc:
        return exc, warnings
    except Exception as exc:  # a bug or a library failure on one file must not stop the others
        return ImportError_(f"could not be read ({type(exc).__name__}: {exc}); "
                            "please report this file's problem", path=path), warnings


def import_paths(project: Project, paths: Sequence[Path], coder: str, *,
                 metadata_csv: Path | None = None, speaker_pattern: str | None = None,
                 pipeline: str | None = None, workers: int | None = None,
                 progress: ProgressCallback | None = None,
                 docx_properties: bool = False) -> ImportReport:
    """Import files and folders; broken files are reported, the others still import.

    With ``metadata_csv``, rows that match no file and files without a row are
    reported; when not one row matches, :class:`ImportError_` is raised before
    anything is written. ``docx_properties`` keeps a .docx/.odt's own title,
    author and creation date as attributes (off by default: they leak account names).
    """
    from .importers import iter_import_paths
    from .importers.metadata import MetadataIndex, read_metadata_table

    table = read_metadata_table(metadata_csv) if metadata_csv is not None else None
    sidecar = MetadataIndex(table.rows if table is not None else {})
    files, unsupported = iter_import_paths(paths)
    if metadata_csv is not None:  # named explicitly: it is the sidecar, not a document
        sidecar_path = Path(metadata_csv).resolve()
        unsupported = [(p, r) for p, r in unsupported if Path(p).resolve() != sidecar_path]
    report = ImportReport(failed=[(str(p), reason) for p, reason in unsupported])
    jobs = [(f, sidecar.lookup(f)) for f in files]
    if table is not None:
        report.warnings.extend(table.warnings)
        report.unmatched_rows = sidecar.unmatched()
        report.files_without_row = [str(f) for f in files if sidecar.key_for(f) is None]
        if files and not table.rows:
            raise ImportError_("metadata table has a header but no rows; nothing imported",
                               path=metadata_csv)
        if files and not sidecar.used:
            rows = ", ".join(printable(k) for k in list(table.rows)[:3])
            names = ", ".join(printable(f.name) for f in files[:3])
            raise ImportError_(
                f"no row matches a file being imported (column '{printable(table.key_column)}' "
                f"has {rows}{', ...' if len(table.rows) > 3 else ''}; "
                f"the files are {names}{', ...' if len(files) > 3 else ''}); nothing imported",
                path=metadata_csv,
            )
    total = len(jobs)
    done = 0
    batch: list[DocumentInput] = []
    log = ImportLog()  # every batch joins one operation: one import, one undo step

    def flush() -> None:
        if not batch:
            return
        for (name, doc_id, dup), item in zip(project.documents.add(batch, coder, log), batch, strict=True):
            if doc_id is None:
                report.duplicates.append((item.parsed.source_path, dup or ""))
            else:
                report.imported.append((name, doc_id))
                report.words += item.words
        batch.clear()

    def handle(path: Path, prepared: Prepared) -> None:
        nonlocal done
        done += 1
        result, warnings = prepared
        report.warnings.extend(warnings)
        if isinstance(result, WijkError):
            where = f"line {result.line}: " if result.line is not None else ""
            report.failed.append((str(path), where + result.message))
        elif isinstance(result.sentences, CountedSentences):  # a long text: written on its own
            flush()
            batch.append(result)
            try:
                flush()
            except ImportError_ as exc:  # spaCy failed on it while it was written (rolled back)
                batch.clear()
                report.failed.append((str(path), exc.message))
        else:
            batch.append(result)
            if len(batch) >= BATCH_SIZE:
                flush()
        if progress is not None:
            progress(done, total, printable(path.name))

    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n_workers > 1 and total >= PARALLEL_THRESHOLD:
        import multiprocessing

        from . import nlp

        fork = "fork" in multiprocessing.get_all_start_methods()
        if fork:
            # Load spaCy and the pipeline once here, so forked workers inherit them.
            nlp.prepare_for_workers(pipeline)
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(speaker_pattern, pipeline, True, docx_properties,
                                             os.getpid()))
        try:
            results = _map_forked(pool, jobs) if fork else pool.map(_prepare_in_worker, jobs, chunksize=4)
            for (path, _), result in zip(jobs, results, strict=True):
                handle(path, result)
        except BrokenProcessPool:
            # A worker was killed (the kernel's out-of-memory killer, a crash in a
            # C library): keep what was read, name the files that were not.
            worker_process.stop_pool(pool)
            for path, _ in jobs[done:]:
                report.failed.append((str(path), "not read: an import worker process died "
                                                 "(out of memory?); import it again on its own"))
        except BaseException:
            # Ctrl-C, a cancelled TUI worker or a failed write: do not wait for the
            # workers to finish every remaining file; end them now.
            worker_process.stop_pool(pool)
            raise
        else:
            pool.shutdown(wait=True)
    else:
        _init_worker(speaker_pattern, pipeline, properties=docx_properties)
        for job in jobs:
            handle(job[0], _prepare_in_worker(job, stream=True))
    flush()
    return report



def _map_forked(pool: ProcessPoolExecutor, jobs: Sequence[tuple[Path, dict[str, str]]]) -> Iterator[Prepared]:
    """``pool.map`` over ``jobs`` with the garbage collector's view of this process
    frozen while the workers are forked (the first submit forks them all).

    A full collection in a worker would write to every object it inherited and
    so copy the page under it; frozen objects are never scanned, and stay shared
    (``gc.freeze``). This process unfreezes them right after the fork.
    """
    import gc

    gc.freeze()
    try:
        results = pool.map(_prepare_in_worker, jobs, chunksize=4)
    finally:
        gc.unfreeze()
    return results
