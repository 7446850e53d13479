"""Import REFI-QDA projects (.qdpx) and codebooks (.qdc) into a wijkverhalen project.

:func:`read_qdpx` turns an archive into an :class:`ImportPlan` (no store involved):
it finds ``project.qde`` under whatever name, reads each text source from
``sources/`` or ``Sources/`` (``internal://GUID.txt`` or a bare file name), chooses
how to count offsets (:mod:`.offsets`), converts every selection to the canonical
text and notes everything it has to skip, with the reason. :func:`apply_plan`
segments the new texts (spaCy, in worker processes for many documents) and writes
the plan in one transaction. :func:`import_qdpx` and :func:`import_qdc` do both for
the CLI, creating the project when it does not exist yet.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ...errors import ExchangeError, InvalidInput, ProjectError
from ...models import Code, IndicatorLink, Sentence, Turn
from ...store.exchange import ExchangeCase, ExchangeCode, ExchangeCoding, ExchangeDocument
from .. import ProgressCallback, no_progress
from .codetext import parse_description, slug_id
from .offsets import MODES, Detection, OffsetConverter, decode_source, detect_mode
from .reader import RefiCode, RefiProject, RefiSelection, RefiSource, norm_guid, parse_codebook, parse_project
from .safezip import Limits, SafeArchive
from .writer import SIDECAR, SIDECAR_FORMAT
from .xmlio import parse_xml

PARALLEL_THRESHOLD = 24
_COLOR_OK = ("#",)


@dataclass
class Skipped:
    kind: str  # "source", "selection", "coding", "note", "file", "code"
    subject: str
    reason: str


@dataclass
class ImportPlan:
    source: str
    origin: str
    codes: list[ExchangeCode] = field(default_factory=list)
    documents: list[ExchangeDocument] = field(default_factory=list)
    codings: list[ExchangeCoding] = field(default_factory=list)
    cases: list[ExchangeCase] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # name -> guid
    skipped: list[Skipped] = field(default_factory=list)
    detection: Detection | None = None
    snapped: int = 0
    memos: int = 0
    attributes: int = 0
    sidecar: bool = False
    codebook_meta: dict[str, str] = field(default_factory=dict)
    needs_segmenting: list[int] = field(default_factory=list)  # indexes into documents


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


def _timestamp(value: str) -> str | None:
    """REFI dateTime -> wijkverhalen's UTC ``...Z`` form (kept verbatim when already so)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.endswith("Z") and "." in value:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def find_qde(archive: SafeArchive) -> str:
    """``project.qde`` at the top, else ``Project.qde``, else the only ``.qde`` anywhere."""
    exact = archive.find("project.qde")
    if exact is not None:
        return exact
    qdes = sorted((n for n in archive.names() if n.lower().endswith(".qde")), key=lambda n: (n.count("/"), n))
    if not qdes:
        raise ExchangeError("no project.qde in the archive (is it a REFI-QDA .qdpx?)", path=archive.path)
    return qdes[0]


def _resolve(archive: SafeArchive, path: str) -> tuple[str | None, str]:
    """The archive member a source path names, or None and why not."""
    if not path:
        return None, "has no plain-text file"
    lowered = path.lower()
    for scheme in ("internal://", "relative://", "absolute://", "file://"):
        if lowered.startswith(scheme):
            rest = path[len(scheme):]
            break
    else:
        scheme, rest = "", path
    rest = rest.replace("\\", "/")
    if scheme in ("internal://", ""):
        for candidate in (f"sources/{rest.lstrip('/')}", rest):
            found = archive.find(candidate)
            if found is not None:
                return found, ""
    base = PurePosixPath(rest).name
    matches = [n for n in archive.names() if PurePosixPath(n).name.lower() == base.lower()] if base else []
    if len(matches) == 1:
        return matches[0], ""
    if scheme in ("relative://", "absolute://", "file://"):
        return None, f"is an external file ({path}) that is not in the archive"
    return None, f"file {path} is missing from the archive"


def _load_sidecar(archive: SafeArchive) -> dict[str, Any]:
    name = archive.find(SIDECAR)
    if name is None:
        return {}
    try:
        data = json.loads(archive.read(name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        return {}
    return data


def plan_codes(roots: Sequence[RefiCode], sidecar_codes: dict[str, Any], notes: dict[str, str],
               existing: dict[str, str] | None = None) -> tuple[list[ExchangeCode], dict[str, str], list[Skipped]]:
    """Codes in tree order with ids, and code GUID -> id."""
    existing = existing or {}
    by_guid_existing = {g.upper(): cid for cid, g in existing.items()}
    taken: set[str] = set(existing)
    planned: list[ExchangeCode] = []
    mapping: dict[str, str] = {}
    skipped: list[Skipped] = []

    def walk(codes: Sequence[RefiCode], parent: str | None) -> None:
        for position, rc in enumerate(codes):
            extra = sidecar_codes.get(rc.guid) or sidecar_codes.get(rc.guid.lower()) or {}
            marker, fields = parse_description(rc.description)
            wanted = extra.get("id") or marker
            if rc.guid in by_guid_existing:
                code_id = by_guid_existing[rc.guid]
            elif isinstance(wanted, str) and wanted and wanted not in mapping.values() and \
                    (wanted not in taken or wanted in existing):
                code_id = wanted
            else:
                code_id = slug_id(rc.name or "code", parent, taken | set(mapping.values()))
            if not rc.name and not extra:
                skipped.append(Skipped("code", rc.guid, "has no name; imported as 'code'"))
            memo = "\n\n".join(notes[r] for r in rc.note_refs if r in notes)
            if extra:
                code = Code(
                    id=code_id, label=extra.get("label") or rc.name or code_id, parent_id=parent,
                    position=int(extra.get("position", position)), gloss=extra.get("gloss", ""),
                    definition=extra.get("definition", ""), include=extra.get("include", ""),
                    exclude=extra.get("exclude", ""), example=extra.get("example", ""),
                    color=rc.color or extra.get("color") or "#888888",
                    keywords=tuple(extra.get("keywords", ())),
                    indicators=tuple(IndicatorLink(i["indicator"], i.get("direction", "+"))
                                     for i in extra.get("indicators", ()) if isinstance(i, dict) and i.get("indicator")),
                    actors=tuple(extra.get("actors", ())), memo=extra.get("memo", memo))
            else:
                code = Code(id=code_id, label=rc.name or code_id, parent_id=parent, position=position,
                            color=rc.color or "#888888", memo=memo or str(fields.pop("memo", "")),
                            **{k: v for k, v in fields.items() if k != "memo"})  # type: ignore[arg-type]
            mapping[rc.guid] = code_id
            taken.add(code_id)
            planned.append(ExchangeCode(code=code, guid=rc.guid))
            walk(rc.children, code_id)

    walk(roots, None)
    return planned, mapping, skipped


def _note_texts(project: RefiProject, archive: SafeArchive | None, plan: ImportPlan) -> dict[str, str]:
    texts: dict[str, str] = {}
    for guid, note in project.notes.items():
        if note.content is not None:
            texts[guid] = note.content  # verbatim: a memo comes back exactly as written
            continue
        if archive is None:
            continue
        member, why = _resolve(archive, note.plain_path)
        if member is None:
            plan.skipped.append(Skipped("note", note.name or guid, why))
            continue
        texts[guid] = decode_source(archive.read(member))[0].strip()  # a file: trailing newline
    return texts


def read_qdpx(path: str | Path, *, offsets: str = "auto", coder: str = "refi-import",
              existing_codes: dict[str, str] | None = None, limits: Limits | None = None,
              progress: ProgressCallback | None = None) -> ImportPlan:
    """Read a .qdpx into an import plan (see the module docstring). Nothing is written."""
    if offsets not in ("auto", *MODES):
        raise InvalidInput(f"--offsets must be auto, codepoints or utf16, not '{offsets}'")
    progress = progress or no_progress
    path = Path(path)
    with SafeArchive(path, limits or Limits()) as archive:
        qde = find_qde(archive)
        project = parse_project(parse_xml(archive.read(qde), qde))
        plan = ImportPlan(source=path.name, origin=project.origin)
        for name in archive.unsafe:
            plan.skipped.append(Skipped("file", name, "unsafe path in the archive (absolute or '..'); never read"))
        sidecar = _load_sidecar(archive)
        plan.sidecar = bool(sidecar)
        plan.codebook_meta = {k: str(v) for k, v in (sidecar.get("codebook") or {}).items()}
        notes = _note_texts(project, archive, plan)
        codes, code_ids, skipped = plan_codes(project.codes, sidecar.get("codes") or {}, notes, existing_codes)
        plan.codes, plan.skipped = codes, plan.skipped + skipped
        raws: list[tuple[RefiSource, str]] = []
        for i, source in enumerate(project.sources):
            progress(i, len(project.sources), source.name)
            label = f"'{source.name or source.guid}'"
            if source.kind != "text":
                n = len(source.codings) + source.other_selections
                plan.skipped.append(Skipped("source", label, f"{source.kind} source; only text sources are "
                                                             f"imported ({n} coding(s) on it skipped)"))
                continue
            if source.content is not None and not source.plain_path:
                raw = source.content
            else:
                member, why = _resolve(archive, source.plain_path)
                if member is None:
                    plan.skipped.append(Skipped("source", label, why + f" ({len(source.selections)} "
                                                                       "selection(s) skipped)"))
                    continue
                raw = decode_source(archive.read(member))[0]
            if not raw.strip():
                plan.skipped.append(Skipped("source", label, "empty text"))
                continue
            raws.append((source, raw))
    _plan_sources(plan, project, raws, sidecar, code_ids, notes, offsets, coder)
    progress(len(project.sources), len(project.sources), "")
    return plan


def _plan_sources(plan: ImportPlan, project: RefiProject, raws: list[tuple[RefiSource, str]],
                  sidecar: dict[str, Any], code_ids: dict[str, str], notes: dict[str, str],
                  offsets: str, coder: str) -> None:
    side_docs = sidecar.get("documents") or {}
    side_codings = sidecar.get("codings") or {}
    if sidecar:
        plan.detection = Detection("codepoints", "written by wijkverhalen (code points, as the standard says)")
    elif offsets == "auto":
        plan.detection = detect_mode([(raw, [(s.start, s.end) for s in src.selections
                                             if s.start is not None and s.end is not None])
                                      for src, raw in raws], project.origin)
    else:
        plan.detection = Detection(offsets, "chosen with --offsets")
    mode = plan.detection.mode
    users = {guid: name or f"user-{guid[:8].lower()}" for guid, name in project.users.items()}
    plan.users = {name: guid for guid, name in users.items()}
    selection_source: dict[str, str] = {}
    linked_notes: dict[str, list[str]] = {}
    for origin, target in project.links:
        if origin in notes:
            linked_notes.setdefault(target, []).append(notes[origin])
        elif target in notes:
            linked_notes.setdefault(origin, []).append(notes[target])
    variables = project.variables
    for source, raw in raws:
        extra = side_docs.get(source.guid) or {}
        canonical = bool(extra.get("canonical")) and extra.get("text_length") == len(raw)
        conv = OffsetConverter(raw, mode, normalise_newlines=not canonical)
        text = conv.canonical
        key = source.guid or f"source-{len(plan.documents)}"
        attributes = {variables[g][0]: v for g, v in source.values if g in variables and variables[g][0] and v != ""}
        memo_parts = [source.description.strip()] + [notes[r] for r in source.note_refs if r in notes]
        memo = "\n\n".join(p for p in memo_parts if p)
        plan.memos += bool(memo)
        plan.attributes += len(attributes)
        turns: tuple[Turn, ...] = ()
        sentences: list[Sentence] = []
        if canonical and extra.get("sentences"):
            turns, sentences = _sidecar_segments(extra, len(text))
        if not sentences:
            plan.needs_segmenting.append(len(plan.documents))
        name = source.name or PurePosixPath(source.plain_path.replace("\\", "/")).stem or key
        plan.documents.append(ExchangeDocument(
            key=key, guid=source.guid, name=name, text=text,
            format=str(extra.get("format") or "qdpx"),
            source_path=str(extra.get("source_path") or f"{plan.source}:{source.plain_path or source.guid}"),
            turns=turns, sentences=sentences, word_count=int(extra.get("word_count") or 0),
            memo=memo, attributes=attributes, imported_at=_timestamp(str(extra.get("imported_at") or source.created))))
        for coding in source.codings:  # codings of the whole source
            _add_coding(plan, key, 0, len(text), coding, None, code_ids, users, notes, linked_notes,
                        side_codings, coder, f"'{name}' (whole text)")
        for sel in source.selections:
            selection_source[sel.guid] = key
            subject = f"{sel.guid} in '{name}'"
            if sel.start is None or sel.end is None:
                plan.skipped.append(Skipped("selection", subject, f"offsets '{sel.raw_start}'-'{sel.raw_end}' "
                                                                  "are not numbers"))
                continue
            span = conv.span(sel.start, sel.end)
            if isinstance(span, str):
                plan.skipped.append(Skipped("selection", subject, span))
                continue
            start, end, snapped = span
            plan.snapped += snapped
            if not sel.codings:
                continue
            for coding in sel.codings:
                _add_coding(plan, key, start, end, coding, sel, code_ids, users, notes, linked_notes,
                            side_codings, coder, subject)
    keys = {d.key for d in plan.documents}
    for case in project.cases:
        doc_keys = [k for k in case.source_refs if k in keys]
        doc_keys += [selection_source[s] for s in case.selection_refs if s in selection_source]
        doc_keys = list(dict.fromkeys(doc_keys))
        name = case.name or f"case-{case.guid[:8].lower()}"
        plan.cases.append(ExchangeCase(guid=case.guid, name=name, memo=case.description.strip(),
                                       document_keys=tuple(doc_keys)))
        values = {variables[g][0]: v for g, v in case.values if g in variables and v != ""}
        if values:  # case variables describe its documents: fill in what they lack
            for i, doc in enumerate(plan.documents):
                if doc.key in doc_keys:
                    merged = {**values, **doc.attributes}
                    plan.attributes += len(merged) - len(doc.attributes)
                    plan.documents[i] = _replace_attributes(doc, merged)


def _replace_attributes(doc: ExchangeDocument, attributes: dict[str, str]) -> ExchangeDocument:
    from dataclasses import replace

    return replace(doc, attributes=attributes)


def _sidecar_segments(extra: dict[str, Any], length: int) -> tuple[tuple[Turn, ...], list[Sentence]]:
    """Turns and sentences from the sidecar, or nothing if any of them is out of place."""
    try:
        turns = tuple(Turn(start=int(s), end=int(e), body_start=int(s), speaker=sp if isinstance(sp, str) else None)
                      for s, e, sp in extra.get("turns") or [])
        sentences = [Sentence(start=int(s), end=int(e), turn_index=int(t), lemmas=str(lem))
                     for s, e, t, lem in extra.get("sentences") or []]
    except (TypeError, ValueError):
        return (), []
    if any(not (0 <= t.start < t.end <= length) for t in turns) or \
            any(not (0 <= s.start < s.end <= length) or s.turn_index >= max(1, len(turns)) for s in sentences):
        return (), []
    return turns, sentences


def _add_coding(plan: ImportPlan, key: str, start: int, end: int, coding: Any, sel: RefiSelection | None,
                code_ids: dict[str, str], users: dict[str, str], notes: dict[str, str],
                linked: dict[str, list[str]], side_codings: dict[str, Any], coder: str, subject: str) -> None:
    code_id = code_ids.get(coding.code_guid)
    if code_id is None:
        plan.skipped.append(Skipped("coding", subject, f"refers to code {coding.code_guid or '(none)'} "
                                                       "that is not in the codebook"))
        return
    extra = side_codings.get(coding.guid) or {}
    user = coding.user or (sel.user if sel else "")
    who = str(extra.get("coder") or users.get(user) or coder)
    if user and user not in users and not extra.get("coder"):
        plan.users.setdefault(who, user)
    parts: list[str] = []
    if sel is not None:
        parts.append(sel.description.strip())
        parts += [notes[r] for r in sel.note_refs if r in notes]
        parts += linked.get(sel.guid, [])
    parts += [notes[r] for r in coding.note_refs if r in notes]
    memo = "\n\n".join(dict.fromkeys(p for p in parts if p))
    plan.memos += bool(memo)
    valence = extra.get("valence")
    plan.codings.append(ExchangeCoding(
        guid=coding.guid, document_key=key, start=start, end=end, code_id=code_id, coder=who, memo=memo,
        valence=valence if valence in ("positive", "negative", "mixed") else None,
        created_at=_timestamp(coding.created or (sel.created if sel else "")),
        updated_at=_timestamp(sel.modified if sel else "") or None))


# -- segmentation (spaCy) ------------------------------------------------------------


def _segment(text: str) -> tuple[tuple[Turn, ...], list[Sentence], int]:
    from ... import nlp
    from ...importers.turns import detect_turns

    turns = detect_turns(text)
    return turns, nlp.segment_turns(text, turns, nlp.load_pipeline()), nlp.count_words(text)


def segment_plan(plan: ImportPlan, *, workers: int | None = None, progress: ProgressCallback | None = None) -> None:
    """Detect turns and sentences of the documents the sidecar did not segment."""
    from dataclasses import replace

    progress = progress or no_progress
    todo = plan.needs_segmenting
    texts = [plan.documents[i].text for i in todo]
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n_workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
            results = pool.map(_segment, texts, chunksize=4)
            for n, (i, result) in enumerate(zip(todo, results, strict=True)):
                _store_segments(plan, i, result, replace)
                progress(n + 1, len(todo), plan.documents[i].name)
    else:
        for n, (i, text) in enumerate(zip(todo, texts, strict=True)):
            _store_segments(plan, i, _segment(text), replace)
            progress(n + 1, len(todo), plan.documents[i].name)
    for i, doc in enumerate(plan.documents):
        if not doc.word_count:
            from ...nlp import count_words

            plan.documents[i] = replace(doc, word_count=count_words(doc.text))
    plan.needs_segmenting = []


def _store_segments(plan: ImportPlan, i: int, result: tuple[Any, list[Sentence], int], replace: Any) -> None:
    turns, sentences, words = result
    doc = plan.documents[i]
    plan.documents[i] = replace(doc, turns=tuple(turns), sentences=sentences, word_count=doc.word_count or words)


# -- applying to a project ------------------------------------------------------------


def apply_plan(project: Any, plan: ImportPlan, coder: str, *, created: bool = False, dry_run: bool = False,
               workers: int | None = None, progress: ProgressCallback | None = None) -> ImportSummary:
    detection = plan.detection or Detection("codepoints", "no text sources")
    summary = ImportSummary(source=plan.source, target=str(project.path) if project is not None else "",
                            origin=plan.origin, offsets=detection.mode, offsets_reason=detection.reason,
                            memos=plan.memos, attributes=plan.attributes, snapped=plan.snapped,
                            skipped=list(plan.skipped), sidecar=plan.sidecar, dry_run=dry_run, created=created)
    if dry_run or project is None:
        summary.documents = [d.name for d in plan.documents]
        summary.codes_added = len(plan.codes)
        summary.codings = len(plan.codings)
        summary.cases = len(plan.cases)
        summary.users = len(plan.users)
        return summary
    segment_plan(plan, workers=workers, progress=progress)
    result = project.import_exchange(codes=plan.codes, documents=plan.documents, codings=plan.codings,
                                     cases=plan.cases, users=plan.users, coder=coder,
                                     label=f"import {plan.source}")
    if created and plan.codebook_meta:
        for key in ("name", "version"):
            if plan.codebook_meta.get(key):
                project.set_meta(f"codebook_{key}", plan.codebook_meta[key])
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


def _open_target(project_path: Path, merge: bool, coder: str) -> tuple[Any, bool]:
    from ...store import Project

    if project_path.exists() and project_path.stat().st_size > 0:
        if not merge:
            raise ProjectError("already exists; pass --merge to add the file to it, or name a new project",
                               path=project_path)
        return Project.open(project_path), False
    return Project.create(project_path, coder=coder), True


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
    project, created = _open_target(project_path, merge, coder)
    try:
        plan = read_qdpx(path, offsets=offsets, coder=coder, existing_codes=project.code_guids(),
                         limits=limits, progress=progress)
        summary = apply_plan(project, plan, coder, created=created, workers=workers, progress=progress)
    except BaseException:
        project.close()
        if created:
            _discard(project_path)
        raise
    project.close()
    return summary


def read_qdc(path: str | Path, existing_codes: dict[str, str] | None = None) -> ImportPlan:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"cannot read ({exc.strerror or exc})", path=path) from exc
    if data[:2] == b"PK":  # a .qdpx given where a .qdc was expected: take its codebook
        with SafeArchive(path) as archive:
            data = archive.read(find_qde(archive))
    roots, origin = parse_codebook(parse_xml(data, path.name))
    if not roots:
        raise ExchangeError("the codebook has no codes", path=path)
    codes, _, skipped = plan_codes(roots, {}, {}, existing_codes)
    plan = ImportPlan(source=path.name, origin=origin, codes=codes, skipped=skipped)
    plan.detection = Detection("codepoints", "a codebook has no selections")
    return plan


def import_qdc(path: str | Path, project_path: str | Path, *, coder: str, dry_run: bool = False) -> ImportSummary:
    """Add the codes of a .qdc to a project (created when it does not exist)."""
    project_path = Path(project_path)
    if dry_run:
        return apply_plan(None, read_qdc(path), coder, dry_run=True)
    project, created = _open_target(project_path, True, coder)
    try:
        plan = read_qdc(path, project.code_guids())
        summary = apply_plan(project, plan, coder, created=created)
    except BaseException:
        project.close()
        if created:
            _discard(project_path)
        raise
    project.close()
    return summary
