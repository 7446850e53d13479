"""Rewrite calls of the old one-facade ``Project`` API to the store's parts.

``project.add_coding(...)`` becomes ``project.codings.add(...)``,
``project.codes()`` becomes ``project.codes.all()``, and so on for every method
that moved to a part (see ``MOVES``). Run from the repository root::

    .venv/bin/python tools/codemod_store_parts.py            # rewrite src tests bench tools docs
    .venv/bin/python tools/codemod_store_parts.py --check    # only report; exit 1 if anything is left

Only calls on receivers that are project objects are rewritten: the usual names
(``project``, ``proj``, ``p``, ``self.project``, ``...session.project``,
``ctx.project``, ``reopen()``, ``Project.open(...)``) and, per file, names bound
to a project there (``with Project.open(...) as NAME``, ``NAME = Project.create(...)``,
``NAME: Project``). ``re.search(...)``, ``session.search(...)`` and the like are
left alone. It is idempotent: a file rewritten before (or written against the
new API) comes out unchanged. Afterwards it lists suspicious leftovers: an old
name still called on something it did not recognise as a project, a ``hasattr``/
``setattr`` naming an old method, or a part name used bare where the old method
was passed as a callable. Review those by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# old method name -> (part, new name)
MOVES: dict[str, tuple[str, str]] = {
    # project.documents
    "has_sha256": ("documents", "has_sha256"),
    "add_documents": ("documents", "add"),
    "replace_segments": ("documents", "replace_segments"),
    "documents": ("documents", "all"),
    "document": ("documents", "get"),
    "resolve_document": ("documents", "resolve"),
    "document_length": ("documents", "length"),
    "document_text": ("documents", "text"),
    "document_texts": ("documents", "texts"),
    "document_names": ("documents", "names"),
    "segments": ("documents", "segments"),
    "all_segments": ("documents", "all_segments"),
    "sentence_lemmas": ("documents", "sentence_lemmas"),
    "attributes": ("documents", "attributes"),
    "attribute_names": ("documents", "attribute_names"),
    "attribute_map": ("documents", "attribute_map"),
    "set_attribute": ("documents", "set_attribute"),
    "set_attributes": ("documents", "set_attributes"),
    "apply_attributes": ("documents", "apply_attributes"),
    "remove_documents": ("documents", "remove"),
    "set_document_memo": ("documents", "set_memo"),
    "cases": ("documents", "cases"),
    "case_rows": ("documents", "case_rows"),
    "add_to_case": ("documents", "add_to_case"),
    "resolve_case": ("documents", "resolve_case"),
    "case_document_ids": ("documents", "case_document_ids"),
    # project.codes
    "codes": ("codes", "all"),
    "code": ("codes", "get"),
    "no_code": ("codes", "not_found"),
    "has_code": ("codes", "has"),
    "descendants": ("codes", "descendants"),
    "descendants_path": ("codes", "descendants_path"),
    "code_counts": ("codes", "counts"),
    "code_guids": ("codes", "guids"),
    "load_codes": ("codes", "load"),
    "add_code": ("codes", "add"),
    "update_code": ("codes", "update"),
    "move_code": ("codes", "move"),
    "edit_code": ("codes", "edit"),
    "merge_codes": ("codes", "merge"),
    "delete_code": ("codes", "delete"),
    "sync_codes": ("codes", "sync"),
    # project.codings
    "add_coding": ("codings", "add"),
    "coding": ("codings", "get"),
    "remove_coding": ("codings", "remove"),
    "update_coding": ("codings", "update"),
    "codings": ("codings", "all"),
    "codings_overlapping": ("codings", "overlapping"),
    "coders": ("codings", "coders"),
    "coding_spans": ("codings", "spans"),
    "coding_evidence": ("codings", "evidence"),
    "passage_spans": ("codings", "passage_spans"),
    # project.retrieval
    "passages_for": ("retrieval", "passages_for"),
    "passages": ("retrieval", "passages"),
    "count_passages": ("retrieval", "count_passages"),
    "search": ("retrieval", "search"),
    "count_search": ("retrieval", "count_search"),
    "stats": ("retrieval", "stats"),
    "document_counts": ("retrieval", "document_counts"),
    "document_progress": ("retrieval", "document_progress"),
    # project.indicators
    "import_indicator_values": ("indicators", "import_values"),
    "indicators": ("indicators", "all"),
    "has_indicator": ("indicators", "has"),
    "indicator_values": ("indicators", "values"),
    "indicator_links": ("indicators", "links"),
    "set_indicator_link": ("indicators", "set_link"),
    "remove_indicator_link": ("indicators", "remove_link"),
    "areas": ("indicators", "areas"),
    "area_registry": ("indicators", "area_registry"),
    "add_area_aliases": ("indicators", "add_area_aliases"),
    "set_indicator_meta": ("indicators", "set_meta"),
    "nprz_members": ("indicators", "nprz_members"),
    "set_nprz_members": ("indicators", "set_nprz_members"),
    # project.actors
    "import_actors": ("actors", "import_registry"),
    "actors": ("actors", "all"),
    "actor": ("actors", "get"),
    "store_detected_mentions": ("actors", "store_detected_mentions"),
    "mentions": ("actors", "mentions"),
    "set_mention_status": ("actors", "set_mention_status"),
    "add_mention": ("actors", "add_mention"),
    "mention_units": ("actors", "mention_units"),
    "actor_code_ties": ("actors", "code_ties"),
    # project.exchange
    "pseudonyms": ("exchange", "pseudonyms"),
    "add_pseudonym": ("exchange", "add_pseudonym"),
    "import_pseudonyms": ("exchange", "import_pseudonyms"),
    "remove_pseudonym": ("exchange", "remove_pseudonym"),
    "user_guids": ("exchange", "user_guids"),
    "import_exchange": ("exchange", "import_project"),
    "merge_from": ("exchange", "merge_from"),
    # project.teams
    "mark_done": ("teams", "mark_done"),
    "done_marks": ("teams", "done_marks"),
    "reject_unit": ("teams", "reject_unit"),
    "rejections": ("teams", "rejections"),
    "merge_conflicts": ("teams", "merge_conflicts"),
    # project.history
    "operation": ("history", "operation"),
    "undo": ("history", "undo"),
    "redo": ("history", "redo"),
    "undo_step": ("history", "undo_step"),
    "redo_step": ("history", "redo_step"),
    "history": ("history", "recent"),
    "change_stamp": ("history", "change_stamp"),
    "recent_codes": ("history", "recent_codes"),
}

PARTS = sorted({part for part, _ in MOVES.values()})
# Old names that are now also part names (``project.codes()`` was a method, ``project.codes`` is a part).
CALL_ONLY = {name for name in MOVES if name in PARTS}
# Part classes, for ``monkeypatch.setattr(Project, "old", ...)``.
PART_CLASSES = {"documents": "Documents", "codes": "Codes", "codings": "Codings", "retrieval": "Retrieval",
                "indicators": "Indicators", "actors": "Actors", "exchange": "Exchange", "teams": "Teams",
                "history": "History"}

# Old mixin classes -> part classes (LinkingMixin split into Indicators and Actors: listed, not rewritten).
MIXINS = {"DocumentsMixin": "Documents", "CodesMixin": "Codes", "CodingsMixin": "Codings",
          "RetrievalMixin": "Retrieval", "IndicatorSettingsMixin": "Indicators", "ExchangeMixin": "Exchange",
          "TeamsMixin": "Teams", "MergeMixin": "Merger"}

# Receivers that are a project wherever they occur.
COMMON_RECEIVERS = (
    r"(?:self\.|ctx\.|(?:[A-Za-z_]\w*\.)*session\.)?project",
    r"proj",
    r"p",
    r"reopen\(\)",
    r"Project\.(?:open|create)\([^()\n]*\)",
)
# Names bound to a project in a file.
_BINDINGS = (
    re.compile(r"Project\.(?:open|create)\([^\n]*?\)\s+as\s+([A-Za-z_]\w*)"),
    re.compile(r"\b([A-Za-z_]\w*)\s*=\s*Project\.(?:open|create)\("),
    re.compile(r"\b([A-Za-z_]\w*)\s*:\s*[\"']?Project\b(?!\w)"),
)
ROOTS = ("src", "tests", "bench", "tools", "docs")
SUFFIXES = (".py", ".md")
SELF = Path(__file__).resolve()
SKIP_MARK = "codemod_store_parts: skip-file"  # a file that holds old calls on purpose (the codemod's test)


def project_names(text: str) -> set[str]:
    names: set[str] = set()
    for pattern in _BINDINGS:
        names.update(m.group(1) for m in pattern.finditer(text))
    names.discard("self")
    return names


def receiver_pattern(text: str) -> str:
    extra = tuple(re.escape(n) for n in sorted(project_names(text), key=len, reverse=True))
    return "|".join((*COMMON_RECEIVERS, *extra))


def rewrite(text: str, path: Path | str = "") -> tuple[str, list[str]]:
    """``text`` with old calls on project receivers rewritten; and what changed."""
    recv = receiver_pattern(text)
    names = "|".join(sorted(MOVES, key=len, reverse=True))
    changes: list[str] = []

    # obj.old(...); a bare obj.old (the method passed as a value) is listed as a leftover instead
    call = re.compile(rf"(?<![\w.])(?P<recv>{recv})\.(?P<name>{names})(?P<after>\s*\()")

    def on_call(m: re.Match[str]) -> str:
        name, after = m.group("name"), m.group("after")
        part, new = MOVES[name]
        changes.append(f"{m.group('recv')}.{name} -> {m.group('recv')}.{part}.{new}")
        return f"{m.group('recv')}.{part}.{new}{after}"

    text = call.sub(on_call, text)

    # obj.old as a value (a callback), where obj surely is a Project: an attribute named
    # project, or a name the file binds to one. A bare ``project.cases`` may be another kind
    # of project (a parsed REFI-QDA file): listed instead.
    sure = "|".join((r"(?:[A-Za-z_]\w*\.)+project",
                     *(re.escape(n) for n in sorted(project_names(text) - {"p"}, key=len, reverse=True))))
    bare = re.compile(rf"(?<![\w.])(?P<recv>{sure})\.(?P<name>{names})\b(?!\s*[.(\w=])")

    def on_bare(m: re.Match[str]) -> str:
        name = m.group("name")
        if name in CALL_ONLY:
            return m.group(0)  # the part itself
        part, new = MOVES[name]
        changes.append(f"{m.group('recv')}.{name} -> {m.group('recv')}.{part}.{new} (as a value)")
        return f"{m.group('recv')}.{part}.{new}"

    text = bare.sub(on_bare, text)

    # hasattr/getattr/setattr(obj, "old" ...)
    attr = re.compile(rf"\b(?P<fn>hasattr|getattr|setattr)\((?P<recv>{recv}),\s*(?P<q>[\"'])(?P<name>{names})(?P=q)")

    def on_attr(m: re.Match[str]) -> str:
        part, new = MOVES[m.group("name")]
        changes.append(f"{m.group('fn')}({m.group('recv')}, {m.group('name')!r}) -> {m.group('recv')}.{part}")
        return f"{m.group('fn')}({m.group('recv')}.{part}, {m.group('q')}{new}{m.group('q')}"

    text = attr.sub(on_attr, text)

    # monkeypatch.setattr(Project, "old", ...) -> the part's class
    cls = re.compile(rf"\bsetattr\(Project,\s*(?P<q>[\"'])(?P<name>{names})(?P=q)")

    def on_class(m: re.Match[str]) -> str:
        part, new = MOVES[m.group("name")]
        changes.append(f"setattr(Project, {m.group('name')!r}) -> {PART_CLASSES[part]} (import it)")
        return f"setattr({PART_CLASSES[part]}, {m.group('q')}{new}{m.group('q')}"

    text = cls.sub(on_class, text)

    # Project.old (the unbound method, e.g. kept to wrap it in a test) -> the part's class
    unbound = re.compile(rf"(?<![\w.])Project\.(?P<name>{names})\b(?!\s*\()")

    def on_unbound(m: re.Match[str]) -> str:
        part, new = MOVES[m.group("name")]
        changes.append(f"Project.{m.group('name')} -> {PART_CLASSES[part]}.{new} (import it)")
        return f"{PART_CLASSES[part]}.{new}"

    text = unbound.sub(on_unbound, text)

    # The old mixin classes (tests patch their private methods) -> the part classes
    mixin = re.compile(rf"\b(?P<name>{'|'.join(MIXINS)})\b")

    def on_mixin(m: re.Match[str]) -> str:
        changes.append(f"{m.group('name')} -> {MIXINS[m.group('name')]}")
        return MIXINS[m.group("name")]

    if "/store/" not in str(path):
        text = mixin.sub(on_mixin, text)
    return text, changes


# Receivers that are never a project; an old name called on them is not a leftover.
NOT_PROJECT = re.compile(
    r"^(re|session|self\.session|self\.app\.session|app\.session|self\.wapp\.session|op|rec|tree|self\.tree|"
    r"self\.transcript|self\.codes|self\.documents|self\.codings|self\.history|self\.merger|self\.retrieval|super\(\)|"
    r"[A-Z_][A-Z0-9_]*|pattern|regex|rx|lemmas|evidence|monkeypatch|oplog|.*_RE)$")


def leftovers(path: Path, text: str) -> list[str]:
    """Places where an old name is still used in a way the rewrite did not touch."""
    names = "|".join(sorted(MOVES, key=len, reverse=True))
    parts = "|".join(PARTS)
    recv = receiver_pattern(text)
    out: list[str] = []
    in_store = "/store/" in path.as_posix()
    for i, line in enumerate(text.splitlines(), 1):
        if in_store and re.search(r"\bProjectBase\b|\b\w+Mixin\b|_length_cache|attr-defined", line):
            out.append(f"{path}:{i}: a mixin-era construct in the store: move it into its part by hand "
                       f"({line.strip()[:90]})")
        for m in re.finditer(rf"(?P<recv>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\(\))?)\.(?P<name>{names})\(", line):
            r = m.group("recv")
            if re.search(rf"(^|\.)({parts})$", r) or r.endswith(")") and r != "reopen()" or NOT_PROJECT.match(r):
                continue
            if r in {"self", "cls"} and "/store/" in path.as_posix():
                continue  # a part calling its own methods
            if r == "self":
                continue
            out.append(f"{path}:{i}: {r}.{m.group('name')}(  ->  {MOVES[m.group('name')][0]}? ({line.strip()[:90]})")
        for m in re.finditer(rf"\b(hasattr|getattr|setattr)\((?P<obj>[^,()]+),\s*[\"'](?P<name>{names})[\"']", line):
            obj = m.group("obj").strip()
            if "session" not in obj and obj not in PART_CLASSES.values() and not re.search(rf"\.({parts})$", obj):
                out.append(f"{path}:{i}: {m.group(0)}  (attribute by name)")
        for m in re.finditer(rf"(?<![\w.])(?:{recv})\.(?P<name>{names})\b(?!\s*[.(\w=])", line):
            if m.group("name") not in CALL_ONLY and not (m.group(0).startswith("p.") and m.group("name")
                                                          in ("document", "coding")):  # Passage fields
                out.append(f"{path}:{i}: bare {m.group(0)} (an old method passed as a value?) ({line.strip()[:90]})")
    return out


def files(roots: list[str]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        base = Path(root)
        if base.is_file():
            out.append(base)
            continue
        out.extend(p for p in sorted(base.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
                   and ".venv" not in p.parts and "__pycache__" not in p.parts)
    return [p for p in out if p.resolve() != SELF and p.name != "cli.md"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(ROOTS), help="files or folders (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a rewrite is due")
    args = parser.parse_args(argv)
    due = 0
    left: list[str] = []
    for path in files(args.paths):
        text = path.read_text(encoding="utf-8")
        if SKIP_MARK in text:
            continue
        new, changes = rewrite(text, path)
        if changes:
            due += len(changes)
            print(f"{path}: {len(changes)} change(s)")
            for change in sorted(set(changes)):
                print(f"    {change}")
            if not args.check:
                path.write_text(new, encoding="utf-8")
        left.extend(leftovers(path, new))
    print(f"{due} rewrite(s) {'due' if args.check else 'made'}.")
    if left:
        print(f"\n{len(left)} suspicious leftover(s) to review by hand:")
        print("\n".join(left))
    return 1 if args.check and (due or left) else 0


if __name__ == "__main__":
    sys.exit(main())
