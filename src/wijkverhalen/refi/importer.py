"""Read REFI-QDA projects (.qdpx) and codebooks (.qdc) into an import plan.

:func:`read_qdpx` turns an archive into an :class:`ImportPlan` (no store involved):
it finds ``project.qde`` under whatever name, reads each text source from
``sources/`` or ``Sources/`` (``internal://GUID.txt`` or a bare file name), chooses
how to count offsets (:mod:`.offsets`), converts every selection to the canonical
text and notes everything it has to skip, with the reason. :func:`read_qdc` does
the same for a codebook. :mod:`.apply` segments the texts and writes the plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ExchangeError, InvalidInput
from ..exporters import ProgressCallback, no_progress
from ..models import Code, IndicatorLink, Sentence, Turn
from ..store.codes import code_guid
from ..store.exchange import ExchangeCase, ExchangeCode, ExchangeCoding, ExchangeDocument
from .codetext import parse_description, slug_id
from .groups import (
    check_unique_guids,
    free_notes_memo,
    link_notes,
    plan_sets,
    skip_links_and_graphs,
)
from .offsets import MODES, Detection, OffsetConverter, decode_source, detect_mode
from .reader import (
    RefiCode,
    RefiProject,
    RefiSelection,
    RefiSource,
    clip,
    parse_codebook,
    parse_project,
    walk_codes,
)
from .safezip import Limits, SafeArchive
from .sidecar import load_sidecar
from .xmlio import parse_xml


@dataclass
class Skipped:
    kind: str  # "source", "selection", "coding", "note", "file", "code", "set", "link", "graph"
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
    code_sets: dict[str, list[str]] = field(default_factory=dict)  # set name -> code ids
    uncodable: list[str] = field(default_factory=list)  # ids of codes with isCodable="false"
    project_memo: str = ""  # free-standing notes
    duplicates_in_file: int = 0  # codings that repeat another of the same file
    seen: set[tuple[str, int, int, str, str]] = field(default_factory=set, repr=False)

    def skip(self, kind: str, subject: str, reason: str) -> None:
        self.skipped.append(Skipped(kind, subject, reason))


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


_GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def stored_guid(guid: str) -> str:
    """The GUID to keep, or "" (the store then gives a new one) when it is not a valid GUID.

    Kept as it is, an invalid GUID would make our own export invalid against the schema.
    """
    return guid if _GUID.match(guid) else ""


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


def join_memos(description: str, notes: Sequence[str]) -> str:
    """One memo from a ``Description`` and the notes referred to, each text once.

    wijkverhalen writes a memo both ways (QualCoder reads only the description,
    the others the note), so the same text in both is one memo, kept as the note
    has it (verbatim, where the description may have lost surrounding white space).
    """
    parts: dict[str, str] = {}
    if description.strip():
        parts[description.strip()] = description.strip()
    for note in notes:
        if note:  # a note is verbatim, even one of only white space
            parts[note.strip() or note] = note
    return "\n\n".join(parts.values())


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
            if memo:  # the memo is also in the description (for QualCoder): read it once
                marker, fields = parse_description(rc.description)
                fields.pop("memo", None)
            if extra:
                code = Code(
                    id=code_id, label=extra.get("label") or rc.name or code_id, parent_id=parent,
                    position=int(extra.get("position", position)), gloss=extra.get("gloss", ""),
                    definition=extra.get("definition", ""), include=extra.get("include", ""),
                    exclude=extra.get("exclude", ""), example=extra.get("example", ""),
                    color=rc.color or extra.get("color") or "#888888",
                    keywords=tuple(extra.get("keywords", ())),
                    indicators=tuple(IndicatorLink(i["indicator"], i.get("direction", "+"), i.get("hypothesis") is True,
                                                   "change" if i.get("aspect") == "change" else "level")
                                     for i in extra.get("indicators", ()) if isinstance(i, dict) and i.get("indicator")),
                    actors=tuple(extra.get("actors", ())), memo=extra.get("memo", memo),
                    source=str(extra.get("source", "")), valence=str(extra.get("valence", "")))
            else:
                code = Code(id=code_id, label=rc.name or code_id, parent_id=parent, position=position,
                            color=rc.color or "#888888", memo=memo or str(fields.pop("memo", "")),
                            **{k: v for k, v in fields.items() if k != "memo"})  # type: ignore[arg-type]
            mapping[rc.guid] = code_id
            taken.add(code_id)
            planned.append(ExchangeCode(code=code, guid=stored_guid(rc.guid) or code_guid(code_id)))
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
            plan.skipped.append(Skipped("note", f"'{clip(note.name or guid)}'", why))
            continue
        texts[guid] = decode_source(archive.read(member))[0].strip()  # a file: trailing newline
    return texts


def _open(path: Path, limits: Limits) -> tuple[SafeArchive | None, bytes | None]:
    """The archive, or (a bare ``.qde``, not zipped) None and the XML itself."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
        size = path.stat().st_size
    except OSError as exc:
        raise ExchangeError(f"cannot read ({exc.strerror or exc})", path=path) from exc
    if head.startswith(b"PK"):
        return SafeArchive(path, limits), None
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and not head.startswith(b"\xef\xbb\xbf"):
        raise ExchangeError("not a zip archive (a .qdpx is a zip file) nor the XML of a project.qde", path=path)
    if size > limits.qde_bytes:
        raise ExchangeError(f"is {size} bytes, over the limit of {limits.qde_bytes} for a project.qde",
                            path=path)
    return None, path.read_bytes()


def _members_to_read(archive: SafeArchive, project: RefiProject) -> list[str]:
    names = [m for s in project.sources if s.kind == "text" and (s.content is None or s.plain_path)
             for m in [_resolve(archive, s.plain_path)[0]] if m is not None]
    names += [m for n in project.notes.values() if n.content is None
              for m in [_resolve(archive, n.plain_path)[0]] if m is not None]
    return names


def read_qdpx(path: str | Path, *, offsets: str = "auto", coder: str = "refi-import",
              existing_codes: dict[str, str] | None = None, limits: Limits | None = None,
              progress: ProgressCallback | None = None) -> ImportPlan:
    """Read a .qdpx (or a bare project.qde) into an import plan. Nothing is written.

    The sizes of everything to be read are checked against ``limits`` before the XML
    is parsed and before any source is read.
    """
    if offsets not in ("auto", *MODES):
        raise InvalidInput(f"--offsets must be auto, codepoints or utf16, not '{clip(offsets)}'")
    path = Path(path)
    try:
        return _read_qdpx(path, offsets, coder, existing_codes, limits or Limits(), progress or no_progress)
    except RecursionError as exc:  # a hostile nesting somewhere in the XML
        raise ExchangeError("elements are nested too deep to read; refused", path=path) from exc


def _read_qdpx(path: Path, offsets: str, coder: str, existing_codes: dict[str, str] | None, limits: Limits,
               progress: ProgressCallback) -> ImportPlan:
    archive, bare = _open(path, limits)
    data: bytes | bytearray
    try:
        if archive is not None:
            qde = find_qde(archive)
            archive.check_declared([qde], limits.qde_bytes)
            data = archive.read(qde, limits.qde_bytes)
        else:
            qde, data = path.name, bare or b""
        project = parse_project(parse_xml(data, qde))
        del data
        check_unique_guids(project)
        plan = ImportPlan(source=path.name, origin=project.origin)
        if archive is not None:
            for name in archive.unsafe:
                plan.skip("file", clip(name), "unsafe path in the archive (absolute or '..'); never read")
            archive.check_declared(_members_to_read(archive, project))
        sidecar = load_sidecar(archive)
        plan.sidecar = bool(sidecar)
        plan.codebook_meta = {k: str(v) for k, v in (sidecar.get("codebook") or {}).items()}
        notes = _note_texts(project, archive, plan)
        used_notes = link_notes(project, notes)
        codes, code_ids, skipped = plan_codes(project.codes, sidecar.get("codes") or {}, notes, existing_codes)
        plan.codes, plan.skipped = codes, plan.skipped + skipped
        plan.uncodable = [code_ids[c.guid] for c in walk_codes(project.codes) if not c.codable and c.guid in code_ids]
        raws: list[tuple[RefiSource, str]] = []
        for i, source in enumerate(project.sources):
            progress(i, len(project.sources), source.name)
            label = f"'{clip(source.name or source.guid)}'"
            if source.kind != "text":
                n = len(source.codings) + source.other_codings
                plan.skip("source", label, f"{source.kind} source; only text sources are imported "
                                           f"({n} coding(s) on it skipped)")
                continue
            if source.content is not None and not source.plain_path:
                raw = source.content
            else:
                member, why = _resolve(archive, source.plain_path) if archive is not None else \
                    (None, "is a file, and a bare .qde has no files beside it (import the .qdpx)")
                if member is None:
                    n = len(source.codings) + sum(len(s.codings) for s in source.selections)
                    plan.skip("source", label, why + f" ({n} coding(s) skipped)")
                    continue
                raw = decode_source(archive.read(member))[0]  # type: ignore[union-attr]
            if not raw or raw.isspace():  # (strip() would copy the whole text)
                plan.skip("source", label, "empty text")
                continue
            raws.append((source, raw))
    finally:
        if archive is not None:
            archive.close()
    _plan_sources(plan, project, raws, sidecar, code_ids, notes, offsets, coder)
    source_sets, plan.code_sets = plan_sets(project, code_ids, {d.key for d in plan.documents}, plan.skip)
    _set_attributes(plan, source_sets)
    skip_links_and_graphs(project, notes, plan.skip)
    plan.project_memo = free_notes_memo(project, notes, used_notes)
    plan.memos += bool(plan.project_memo)
    progress(len(project.sources), len(project.sources), "")
    return plan


def _set_attributes(plan: ImportPlan, source_sets: dict[str, list[str]]) -> None:
    """Each set of sources becomes an attribute (set name = ``true``) of its documents."""
    for i, doc in enumerate(plan.documents):
        names = [name for name, members in source_sets.items() if doc.key in members and name not in doc.attributes]
        if names:
            plan.attributes += len(names)
            plan.documents[i] = _replace_attributes(doc, {**doc.attributes, **dict.fromkeys(names, "true")})


def _plan_sources(plan: ImportPlan, project: RefiProject, raws: list[tuple[RefiSource, str]],
                  sidecar: dict[str, Any], code_ids: dict[str, str], notes: dict[str, str],
                  offsets: str, coder: str) -> None:
    side_docs = sidecar.get("documents") or {}
    side_codings = sidecar.get("codings") or {}
    if offsets != "auto":
        plan.detection = Detection(offsets, "chosen with --offsets" + (
            " (the file was written by wijkverhalen, which counts code points)" if sidecar and offsets != "codepoints"
            else ""))
    elif sidecar and sidecar.get("offsets") == "utf16":
        plan.detection = Detection("utf16", "written by wijkverhalen with --offsets utf16")
    elif sidecar:
        plan.detection = Detection("codepoints", "written by wijkverhalen (code points, as the standard says)")
    else:
        plan.detection = detect_mode([(raw, [(s.start, s.end) for s in src.selections
                                             if s.start is not None and s.end is not None])
                                      for src, raw in raws], project.origin)
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
        memo = join_memos(source.description, [notes[r] for r in source.note_refs if r in notes])
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
            key=key, guid=stored_guid(source.guid), name=name, text=text,
            format=str(extra.get("format") or "qdpx"),
            source_path=str(extra.get("source_path") or f"{plan.source}:{source.plain_path or source.guid}"),
            turns=turns, sentences=sentences, word_count=int(extra.get("word_count") or 0),
            memo=memo, attributes=attributes, imported_at=_timestamp(str(extra.get("imported_at") or source.created))))
        for coding in source.codings:  # codings of the whole source
            _add_coding(plan, key, 0, len(text), coding, None, code_ids, users, notes, linked_notes,
                        side_codings, coder, f"'{clip(name)}' (whole text)")
        for sel in source.selections:
            selection_source[sel.guid] = key
            subject = f"{clip(sel.guid, 40)} in '{clip(name)}'"
            if sel.start is None or sel.end is None:
                plan.skipped.append(Skipped("selection", subject, f"offsets '{clip(sel.raw_start, 20)}'-'{clip(sel.raw_end, 20)}' "
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
        plan.cases.append(ExchangeCase(guid=stored_guid(case.guid), name=name, memo=case.description.strip(),
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
        plan.skipped.append(Skipped("coding", subject, f"refers to code {clip(coding.code_guid or '(none)', 40)} "
                                                       "that is not in the codebook"))
        return
    extra = side_codings.get(coding.guid) or {}
    user = coding.user or (sel.user if sel else "")
    who = str(extra.get("coder") or users.get(user) or coder)
    if user and user not in users and not extra.get("coder"):
        plan.users.setdefault(who, user)
    parts: list[str] = []
    if sel is not None:
        parts += [notes[r] for r in sel.note_refs if r in notes]
        parts += linked.get(sel.guid, [])
    parts += [notes[r] for r in coding.note_refs if r in notes]
    memo = join_memos(sel.description if sel is not None else "", parts)
    seen = (key, start, end, code_id, who)
    if seen in plan.seen:  # the same span, code and coder twice in one file: one coding
        plan.duplicates_in_file += 1
        return
    plan.seen.add(seen)
    plan.memos += bool(memo)
    valence = extra.get("valence")
    plan.codings.append(ExchangeCoding(
        guid=stored_guid(coding.guid), document_key=key, start=start, end=end, code_id=code_id, coder=who, memo=memo,
        valence=valence if valence in ("positive", "negative", "mixed") else None,
        created_at=_timestamp(coding.created or (sel.created if sel else "")),
        updated_at=_timestamp(sel.modified if sel else "") or None))


def read_qdc(path: str | Path, existing_codes: dict[str, str] | None = None) -> ImportPlan:
    path = Path(path)
    data: bytes | bytearray
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"cannot read ({exc.strerror or exc})", path=path) from exc
    if data[:2] == b"PK":  # a .qdpx given where a .qdc was expected: take its codebook
        with SafeArchive(path) as archive:
            data = archive.read(find_qde(archive), archive.limits.qde_bytes)
    try:
        roots, origin = parse_codebook(parse_xml(data, path.name))
    except RecursionError as exc:
        raise ExchangeError("elements are nested too deep to read; refused", path=path) from exc
    if not roots:
        raise ExchangeError("the codebook has no codes", path=path)
    codes, _, skipped = plan_codes(roots, {}, {}, existing_codes)
    plan = ImportPlan(source=path.name, origin=origin, codes=codes, skipped=skipped)
    plan.detection = Detection("codepoints", "a codebook has no selections")
    return plan
