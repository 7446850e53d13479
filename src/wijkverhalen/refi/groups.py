"""What the importer makes of Sets, Links, free-standing Notes and Graphs, and GUID checks.

* A **Set of sources** (MAXQDA document groups, NVivo and ATLAS.ti document groups)
  becomes a document attribute named after the set, ``true`` on its members, as
  QualCoder does (its ``refi.py``, ``insert_set_source_variables``).
* A **Set of codes** (ATLAS.ti code groups, MAXQDA code sets) becomes a code group
  kept with the project (meta ``refi_code_sets``) and written back as a ``Set``.
* A **Note** linked (``Links``) to a code or a source becomes part of that code's or
  document's memo; a note that nothing refers to (a free memo, a journal) becomes part
  of the project memo (meta ``project_memo``).
* Everything else (links between codes or sources, graphs, sets of notes only) has no
  place in wijkverhalen and is listed in the summary with the reason.

Two sources or two codes with one GUID would put codings on the wrong text or code,
so :func:`check_unique_guids` refuses such a file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import ExchangeError
from .reader import RefiProject, clip, walk_codes


def check_unique_guids(project: RefiProject) -> None:
    """Refuse a file in which two sources, or two codes, share a GUID."""
    for what, guids in (("sources", [s.guid for s in project.sources]),
                        ("codes", [c.guid for c in walk_codes(project.codes)])):
        twice = [g for g, n in Counter(g for g in guids if g).items() if n > 1]
        if twice:
            raise ExchangeError(f"{len(twice)} GUID(s) are used by two or more {what} (e.g. {clip(twice[0], 40)}); "
                                "codings would land on the wrong one, so the file is refused")


def link_notes(project: RefiProject, notes: dict[str, str]) -> set[str]:
    """Add notes linked to codes and sources to their ``note_refs``; the GUIDs of notes used anywhere."""
    codes = {c.guid: c for c in walk_codes(project.codes)}
    sources = {s.guid: s for s in project.sources}
    used: set[str] = set()
    for origin, target in project.links:
        note, other = (origin, target) if origin in notes else (target, origin)
        if note not in notes:
            continue
        if other in codes:
            codes[other].note_refs.append(note)
        elif other in sources:
            sources[other].note_refs.append(note)
        used.add(note)  # linked to a selection: read by the importer's selection memos
    for code in codes.values():
        used.update(code.note_refs)
    for source in project.sources:
        used.update(source.note_refs)
        for sel in source.selections:
            used.update(sel.note_refs)
            for coding in sel.codings:
                used.update(coding.note_refs)
        for coding in source.codings:
            used.update(coding.note_refs)
    return used


def free_notes_memo(project: RefiProject, notes: dict[str, str], used: set[str]) -> str:
    """The notes nothing refers to, as one memo (each under its name)."""
    parts = []
    for guid, text in notes.items():
        if guid in used or not text.strip():
            continue
        name = project.notes[guid].name.strip() if guid in project.notes else ""
        parts.append(f"{name}\n\n{text}" if name else text)
    return "\n\n".join(parts)


def plan_sets(project: RefiProject, code_ids: dict[str, str], source_keys: set[str],
              skipped: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``(source sets, code sets)``: set name -> source GUIDs / code ids; the rest is skipped."""
    source_sets: dict[str, list[str]] = {}
    code_sets: dict[str, list[str]] = {}
    for item in project.sets:
        name = item.name or f"set-{item.guid[:8].lower()}"
        members = [g for g in item.sources if g in source_keys]
        codes = [code_ids[g] for g in item.codes if g in code_ids]
        if members:
            source_sets.setdefault(name, []).extend(members)
        if codes:
            code_sets.setdefault(name, []).extend(codes)
        if not members and not codes:
            what = f"{len(item.notes)} note(s)" if item.notes else "no imported documents or codes"
            skipped("set", f"'{clip(name)}'", f"holds {what}; only sets of documents or codes are imported")
    return source_sets, code_sets


def skip_links_and_graphs(project: RefiProject, notes: dict[str, str], skipped: Any) -> None:
    for origin, target in project.links:
        if origin not in notes and target not in notes:
            skipped("link", f"{clip(origin, 40)} -> {clip(target, 40)}",
                    "links between codes, documents or selections have no place in wijkverhalen")
    for name in project.graphs:
        skipped("graph", f"'{clip(name)}'", "graphs (networks of codes) are not imported")
