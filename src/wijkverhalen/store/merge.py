"""Coder copies and merging them back: a three-way merge driven by the operation logs.

A copy (:func:`copy_project`) is a complete backup of the project with a note of
whose copy it is; a *blind* copy leaves out the other coders' codings (and the
memos on them) and hides their coding operations.

:meth:`Merger.merge_from` unites a copy (FROM) into this project (INTO) as one
undoable operation. Rows are matched by natural keys: documents by text hash,
codes by id, codings by GUID, attributes by (document, name), cases by name,
actors by id, actor mentions by (actor, document, span), pseudonyms by name, done
marks by (document, coder). Both logs tell what changed since the copy was made:
an operation is identified by (time, coder), so the operations both files share
are the common past and the others are each side's own changes. Then, per row
and field:

* changed only in FROM: FROM's value is taken (added, updated or removed);
* changed only in INTO, or in neither: INTO's value stays;
* changed in both (or different with no record of either changing it): a
  conflict. The rule: INTO keeps its value; FROM's is kept in ``merge_conflicts``
  (``wijkverhalen merge`` prints them). Nothing of FROM is lost.

FROM's own operations are added to INTO's log as history (not undoable one by
one), with their coder and time, so ``history`` still says who did what. Merging
the same copy again finds nothing new and changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import document_rows, oplog, oplog_queries
from .base import Core, Part
from .history import History
from .oplog import now

Key = tuple[Any, ...]
ALL = "*"  # a field name meaning "the row itself" (added or removed)


@dataclass
class MergeReport:
    source: str
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    operations: int = 0
    op_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.conflicts or self.operations)


def _rows(conn: Any, table: str) -> list[dict[str, Any]]:
    cur = conn.execute(f'SELECT * FROM "{table}"')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


class _Side:
    """One file's view for the merge: its rows, id maps and operations."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.docs = {r["id"]: r["sha256"] for r in _rows(conn, "documents")}
        self.doc_by_sha = {sha: i for i, sha in self.docs.items()}
        self.ops = oplog_queries.read_log(conn)
        # An operation is known by (time, coder, n): n counts earlier ones of the same coder
        # in the same millisecond, so two files that share a past name it alike.
        self.keys: dict[Key, Any] = {}
        seen: Counter[tuple[str, str]] = Counter()
        for r in self.ops:
            self.keys[(r[1], r[2], seen[(r[1], r[2])])] = r
            seen[(r[1], r[2])] += 1
        self.names = {r[0]: r[1] for r in conn.execute("SELECT sha256, name FROM documents")}
        # pk -> full row from the table now and from insert/delete images (for rows gone since)
        self.by_pk: dict[str, dict[Key, dict[str, Any]]] = {}
        self.cases = {r["id"]: r["name"] for r in _rows(conn, "cases")}
        for op in self.ops:
            for change in oplog_queries.row_changes(op):
                if "t" not in change:
                    continue
                image = change["after"] if change["before"] is None else change["before"]
                if not change.get("update") and image:
                    pk = tuple(change["pk"].values())
                    self.by_pk.setdefault(change["t"], {}).setdefault(pk, image)
                    if change["t"] == "cases":
                        self.cases.setdefault(image["id"], image["name"])

    def rows(self, spec: TableSpec) -> dict[Key, dict[str, Any]]:
        out = {}
        current = self.by_pk.setdefault(spec.table, {})
        for row in _rows(self.conn, spec.table):
            current[tuple(row[c] for c in spec.pk)] = row
            key = spec.key(self, row)
            if key is not None:
                out[key] = row
        return out


@dataclass
class TableSpec:
    table: str
    pk: tuple[str, ...]
    key: Callable[[_Side, dict[str, Any]], Key | None]
    fields: tuple[str, ...]
    kind: str
    generated_id: bool = False  # INTO gives a new id on insert


def _doc(side: _Side, doc_id: Any) -> Any:
    return side.docs.get(doc_id)


SPECS = (
    TableSpec("codes", ("id",), lambda s, r: (r["id"],),
              ("parent_id", "position", "label", "gloss", "definition", "include", "exclude", "example",
               "color", "keywords", "indicators", "actors", "memo", "source", "valence_meaning"), "code"),
    TableSpec("cases", ("id",), lambda s, r: (r["name"],), ("memo",), "case", generated_id=True),
    TableSpec("actors", ("id",), lambda s, r: (r["id"],),
              ("name", "type", "inventory", "aliases", "memo", "source"), "actor"),
    TableSpec("pseudonyms", ("name",), lambda s, r: (str(r["name"]).lower(),), ("pseudonym",), "pseudonym"),
    TableSpec("documents", ("id",), lambda s, r: (r["sha256"],), ("memo",), "document"),
    TableSpec("attributes", ("document_id", "name"), lambda s, r: (_doc(s, r["document_id"]), r["name"]),
              ("value",), "attribute"),
    TableSpec("case_documents", ("case_id", "document_id"),
              lambda s, r: (s.cases.get(r["case_id"]), _doc(s, r["document_id"])), (), "case document"),
    TableSpec("codings", ("id",), lambda s, r: (r["guid"],),
              ("document_id", "start", "end", "code_id", "coder", "memo", "valence"), "coding", generated_id=True),
    TableSpec("actor_mentions", ("id",),
              lambda s, r: (r["actor_id"], _doc(s, r["document_id"]), r["start"], r["end"]),
              ("status", "origin", "updated_by", "updated_at"), "actor mention", generated_id=True),
    TableSpec("coder_done", ("document_id", "coder"), lambda s, r: (_doc(s, r["document_id"]), r["coder"]),
              (), "done mark"),
)
_BY_TABLE = {s.table: s for s in SPECS}


def _touched(side: _Side, ops: list[Any]) -> set[tuple[str, Key, str]]:
    """(table, natural key, field or ALL) of every row the operations changed."""
    out: set[tuple[str, Key, str]] = set()
    for op in ops:
        for change in oplog_queries.row_changes(op):
            spec = _BY_TABLE.get(change.get("t", ""))
            if spec is None:
                continue
            row = side.by_pk.get(spec.table, {}).get(tuple(change["pk"].values()))
            if row is None:
                continue
            key = spec.key(side, row)
            if key is None:
                continue
            names = list(change["after"]) if change.get("update") else [ALL]
            out.update((spec.table, key, name) for name in names)
    return out


class Merger(Part):
    """Merges another project file into this one (``project.exchange.merge_from``)."""

    def __init__(self, core: Core, history: History) -> None:
        super().__init__(core, history)
        self._doc_names: dict[str, str] = {}

    def merge_from(self, source: str | Path, coder: str) -> MergeReport:
        """Merge the project file ``source`` into this one as one undoable operation."""
        from . import Project  # the normal open path migrates an older copy first

        source = Path(source)
        report = MergeReport(str(source))
        with Project.open(source) as other:
            theirs = _Side(other.conn)
            with self.operation(coder, f"merge {source.name}") as op:
                ours = _Side(self.conn)
                shared = set(ours.keys) & set(theirs.keys)
                their_new = [r for k, r in theirs.keys.items() if k not in shared]
                our_new = [r for k, r in ours.keys.items() if k not in shared]
                # an operation of the common past undone on one side only is that side's change
                their_new += [theirs.keys[k] for k in shared
                              if theirs.keys[k][6] == "undone" and ours.keys[k][6] == "done"]
                our_new += [ours.keys[k] for k in shared
                            if ours.keys[k][6] == "undone" and theirs.keys[k][6] == "done"]
                self._add_documents(op, other, ours, theirs, report)
                ours = _Side(self.conn)
                self._doc_names = {**theirs.names, **ours.names}
                their_rows = {s.table: theirs.rows(s) for s in SPECS}
                our_rows = {s.table: ours.rows(s) for s in SPECS}
                touched_theirs = _touched(theirs, their_new)
                touched_ours = _touched(ours, our_new)
                for spec in SPECS:
                    self._merge_table(op, spec, ours, theirs, our_rows[spec.table], their_rows[spec.table],
                                      touched_ours, touched_theirs, report)
                for row in sorted(their_new, key=lambda r: r[0]):
                    oplog.add_history(op, row)
                    report.operations += 1
            if op.changes:
                report.op_id = oplog_queries.newest_id(self.conn)
        self.core.lengths.clear()
        return report

    # -- documents ---------------------------------------------------------------------------------
    def _add_documents(self, op: Any, other: Any, ours: _Side, theirs: _Side, report: MergeReport) -> None:
        """Documents of FROM whose text INTO lacks come in under new ids, with their segments."""
        missing = [i for i, sha in theirs.docs.items() if sha not in ours.doc_by_sha]
        if not missing:
            return
        snapshot: dict[str, Any] = {"documents": document_rows._select(other.conn, "documents", "id", missing),
                                    "segments": document_rows._select(other.conn, "segments", "document_id",
                                                                      missing)}
        docs = snapshot["documents"]
        at = {c: i for i, c in enumerate(docs["cols"])}
        next_id = int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0]) + 1
        new_ids: dict[int, int] = {}
        for row in docs["rows"]:
            new_ids[row[at["id"]]] = next_id
            row[at["id"]] = next_id
            next_id += 1
            name = row[at["name"]]
            n = 2
            while self.conn.execute("SELECT 1 FROM documents WHERE name = ?", (row[at["name"]],)).fetchone():
                row[at["name"]] = f"{name} ({n})"
                n += 1
            if self.conn.execute("SELECT 1 FROM documents WHERE guid = ?", (row[at["guid"]],)).fetchone():
                import uuid

                row[at["guid"]] = str(uuid.uuid4()).upper()
        seg = snapshot["segments"]
        sat = {c: i for i, c in enumerate(seg["cols"])}
        first = int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM segments").fetchone()[0]) + 1
        for n, row in enumerate(seg["rows"]):
            row[sat["id"]] = first + n
            row[sat["document_id"]] = new_ids[row[sat["document_id"]]]
        document_rows.restore(self.conn, snapshot)
        op.changes.append({"docs": sorted(new_ids.values()), "present": True, "rows": None})
        report.added["document"] += len(new_ids)

    # -- rows -----------------------------------------------------------------------------------------
    def _to_ours(self, spec: TableSpec, row: dict[str, Any], ours: _Side, theirs: _Side) -> dict[str, Any] | None:
        """FROM's row in INTO's ids; None when what it hangs on is not in INTO."""
        out = dict(row)
        if "document_id" in out:
            out["document_id"] = ours.doc_by_sha.get(theirs.docs.get(row["document_id"]))
            if out["document_id"] is None:
                return None
        if spec.table == "case_documents":
            name = theirs.cases.get(row["case_id"])
            found = self.conn.execute("SELECT id FROM cases WHERE name = ?", (name,)).fetchone()
            if found is None:
                return None
            out["case_id"] = found[0]
        if spec.generated_id:
            out.pop("id", None)
        return out

    def _conflict(self, op: Any, report: MergeReport, spec: TableSpec, key: Key, name: str,
                  kept: Any, other: Any, rule: str) -> None:
        ref = " / ".join(str(self._doc_names.get(k, k)) for k in key)
        row = {"source": report.source, "kind": spec.kind, "ref": ref, "field": name,
               "kept": None if kept is None else str(kept), "other": None if other is None else str(other),
               "rule": rule}
        exists = self.conn.execute(
            "SELECT 1 FROM merge_conflicts WHERE source = ? AND kind = ? AND ref = ? AND field = ?"
            " AND kept IS ? AND other IS ?", (row["source"], row["kind"], ref, name, row["kept"], row["other"]),
        ).fetchone()
        if exists is None:
            op.insert("merge_conflicts", {**row, "merged_at": now()})
            report.conflicts.append(row)

    def _merge_table(self, op: Any, spec: TableSpec, ours: _Side, theirs: _Side,
                     our_rows: dict[Key, dict[str, Any]], their_rows: dict[Key, dict[str, Any]],
                     touched_ours: set[Any], touched_theirs: set[Any], report: MergeReport) -> None:
        t = spec.table

        def mine(key: Key, name: str) -> bool:
            return (t, key, name) in touched_ours or (t, key, ALL) in touched_ours

        def yours(key: Key, name: str) -> bool:
            return (t, key, name) in touched_theirs or (t, key, ALL) in touched_theirs

        def depth(item: tuple[Key, dict[str, Any]]) -> int:
            parents, row = 0, item[1]
            while t == "codes" and row.get("parent_id") and parents < 100:
                row = their_rows.get((row["parent_id"],), {})
                parents += 1
            return parents

        for key, row in sorted(((k, r) for k, r in their_rows.items() if k not in our_rows), key=depth):
            whole = json.dumps(row, ensure_ascii=False, default=str)
            if (t, key, ALL) in touched_ours:  # INTO removed it
                if yours(key, ALL) or any(yours(key, f) for f in spec.fields):
                    self._conflict(op, report, spec, key, ALL, None, whole,
                                   "removed here, changed in the copy: the removal stands")
                continue
            mapped = self._to_ours(spec, row, ours, theirs)
            if mapped is None or (t == "codings" and not self.conn.execute(
                    "SELECT 1 FROM codes WHERE id = ?", (row["code_id"],)).fetchone()):
                self._conflict(op, report, spec, key, ALL, None, whole,
                               "what it belongs to is not in this project: kept here only")
                continue
            if t == "documents":
                continue  # added by _add_documents
            op.insert(t, mapped)
            report.added[spec.kind] += 1
        for key, row in our_rows.items():
            if key in their_rows or not yours(key, ALL):
                continue
            if any(mine(key, f) for f in (ALL, *spec.fields)):
                self._conflict(op, report, spec, key, ALL, json.dumps(row, ensure_ascii=False, default=str),
                               None, "removed in the copy, changed here: kept")
                continue
            if t == "documents":
                continue  # documents are removed in their own project only
            op.delete(t, {c: row[c] for c in spec.pk})
            report.removed[spec.kind] += 1
        for key, row in their_rows.items():
            if key not in our_rows:
                continue
            mapped = self._to_ours(spec, row, ours, theirs)
            if mapped is None:
                continue
            current = our_rows[key]
            updates: dict[str, Any] = {}
            for name in spec.fields:
                if mapped.get(name) == current.get(name):
                    continue
                if yours(key, name) and not mine(key, name):
                    updates[name] = mapped[name]
                elif mine(key, name) and not yours(key, name):
                    continue
                else:
                    self._conflict(op, report, spec, key, name, current.get(name), mapped.get(name),
                                   "changed in both: this project's value is kept")
            if updates:
                if t == "codings":
                    updates["updated_at"] = row["updated_at"]
                op.update(t, {c: current[c] for c in spec.pk}, updates)
                report.updated[spec.kind] += 1


def copy_project(source: str | Path, dest: str | Path, coder: str, *, blind: bool = False,
                 force: bool = False) -> Path:
    """A coder's copy of ``source``: same documents, codebook and ids; ``blind`` hides others' codings."""
    from . import Project
    from .backup import backup_project

    written = backup_project(source, dest, force=force)
    try:
        with Project.open(written) as copy, copy.transaction():
            if blind:
                copy.conn.execute("DELETE FROM codings WHERE coder != ?", (coder,))
                oplog.hide_others_codings(copy.conn, coder)
            for key, value in (("copy_coder", coder), ("copy_of", str(Path(source).resolve())),
                               ("copied_at", now()), ("copy_blind", "yes" if blind else "no")):
                copy.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                                  " SET value = excluded.value", (key, value))
    except BaseException:
        Path(written).unlink(missing_ok=True)
        raise
    return written
