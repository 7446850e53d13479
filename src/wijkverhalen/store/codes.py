"""The project's codebook: codes with stable ids, edited through the operation log."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import InvalidInput, NotFound
from ..models import Code, IndicatorLink
from .base import ProjectBase
from .oplog import now

COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_EDITABLE = ("label", "gloss", "definition", "include", "exclude", "example", "color", "memo")

# REFI-QDA wants GUIDs; derive them from the stable id so every export of a code agrees.
_GUID_NAMESPACE = uuid.UUID("6f1c7d2a-3b9e-4c55-9a0e-5d1b2f7e8c41")



def code_guid(code_id: str) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, code_id)).upper()


def _code_row(code: Code) -> dict[str, Any]:
    return {
        "id": code.id, "guid": code_guid(code.id), "parent_id": code.parent_id,
        "position": code.position, "label": code.label, "gloss": code.gloss,
        "definition": code.definition, "include": code.include, "exclude": code.exclude,
        "example": code.example, "color": code.color,
        "keywords": json.dumps(list(code.keywords), ensure_ascii=False),
        "indicators": json.dumps([asdict(i) for i in code.indicators], ensure_ascii=False),
        "actors": json.dumps(list(code.actors), ensure_ascii=False),
        "memo": code.memo, "source": code.source, "valence_meaning": code.valence,
    }


def _code_from_row(r: dict[str, Any]) -> Code:
    return Code(
        id=r["id"], label=r["label"], parent_id=r["parent_id"], position=r["position"],
        gloss=r["gloss"], definition=r["definition"], include=r["include"], exclude=r["exclude"],
        example=r["example"], color=r["color"], keywords=tuple(json.loads(r["keywords"])),
        indicators=tuple(IndicatorLink(**i) for i in json.loads(r["indicators"])),
        actors=tuple(json.loads(r["actors"])), memo=r["memo"], source=r["source"],
        valence=r["valence_meaning"],
    )


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # removed id -> id its codings went to


class CodesMixin(ProjectBase):
    def codes(self) -> list[Code]:
        """All codes in tree (pre-)order."""
        rows = list(self.db.query("SELECT * FROM codes ORDER BY position, id"))
        children: dict[str | None, list[dict[str, Any]]] = {}
        for r in rows:
            children.setdefault(r["parent_id"], []).append(r)
        out: list[Code] = []

        def walk(parent: str | None) -> None:
            for r in children.get(parent, []):
                out.append(_code_from_row(r))
                walk(r["id"])

        walk(None)
        return out

    def code(self, code_id: str) -> Code:
        rows = list(self.db.query("SELECT * FROM codes WHERE id = ?", (code_id,)))
        if not rows:
            raise self.no_code(code_id)
        return _code_from_row(rows[0])

    def no_code(self, code_id: str) -> NotFound:
        """The error for an unknown code id (or a label), naming the closest ids."""
        from ..suggest import closest_codes, did_you_mean

        pairs = [(r[0], r[1]) for r in self.conn.execute("SELECT id, label FROM codes")]
        hint = did_you_mean(closest_codes(code_id, pairs))
        return NotFound(f"no code '{code_id}'{hint}" + ("" if hint else " (see 'wijkverhalen codebook show')"))

    def has_code(self, code_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is not None

    def descendants(self, code_id: str) -> list[str]:
        """``code_id`` and all codes below it."""
        return [r[0] for r in self.conn.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL "
            "SELECT c.id FROM codes c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub",
            (code_id,))]

    def code_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT code_id, COUNT(*) FROM codings GROUP BY code_id"))

    # -- seeding -------------------------------------------------------------------
    def load_codes(self, codes: Sequence[Code], coder: str, label: str = "load codebook") -> None:
        """Insert codes (in tree order, parents first) as one undoable operation."""
        with self.operation(coder, label) as op:
            for code in codes:
                self._validate_code(code)
                op.insert("codes", _code_row(code))

    def _validate_code(self, code: Code) -> None:
        if not ID_RE.match(code.id):
            raise InvalidInput(f"code id '{code.id}' must be lower-case letters, digits, '.', '_' or '-'")
        if not code.label.strip():
            raise InvalidInput(f"code '{code.id}' needs a label")
        if not COLOR_RE.match(code.color):
            raise InvalidInput(f"colour '{code.color}' of code '{code.id}' is not #RGB or #RRGGBB")

    # -- editing (all undoable) -------------------------------------------------------
    def add_code(self, code: Code, coder: str) -> Code:
        self._validate_code(code)
        if self.has_code(code.id):
            raise InvalidInput(f"code '{code.id}' already exists")
        if code.parent_id is not None:
            self.code(code.parent_id)
        position = self.conn.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM codes WHERE parent_id IS ?", (code.parent_id,)
        ).fetchone()[0]
        row = _code_row(code)
        row["position"] = position
        with self.operation(coder, f"add code {code.id}") as op:
            op.insert("codes", row)
        return self.code(code.id)

    def update_code(self, code_id: str, coder: str, **values: Any) -> Code:
        """Change label, gloss, definition, include, exclude, example, colour or memo."""
        self.code(code_id)
        values = self._checked_code_values(values)
        with self.operation(coder, f"edit code {code_id}: {', '.join(values)}") as op:
            op.update("codes", {"id": code_id}, values)
        return self.code(code_id)

    def _checked_code_values(self, values: dict[str, Any]) -> dict[str, Any]:
        unknown = set(values) - set(_EDITABLE) - {"keywords"}
        if unknown:
            raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))} of a code")
        if "color" in values and not COLOR_RE.match(values["color"]):
            raise InvalidInput(f"colour '{values['color']}' is not #RGB or #RRGGBB")
        if "label" in values and not str(values["label"]).strip():
            raise InvalidInput("a code needs a label")
        if "keywords" in values:
            values = {**values, "keywords": json.dumps(list(values["keywords"]), ensure_ascii=False)}
        return values

    def _sibling_order(self, code_id: str, parent_id: str | None, position: int | None) -> list[str]:
        """The new order of ``parent_id``'s children with ``code_id`` at ``position`` (default last)."""
        if parent_id is not None:
            self.code(parent_id)
            if parent_id in self.descendants(code_id):
                raise InvalidInput(f"cannot move '{code_id}' under itself or its own sub-code")
        siblings = [r[0] for r in self.conn.execute(
            "SELECT id FROM codes WHERE parent_id IS ? AND id != ? ORDER BY position, id", (parent_id, code_id))]
        pos = len(siblings) if position is None else max(0, min(position, len(siblings)))
        siblings.insert(pos, code_id)
        return siblings

    @staticmethod
    def _apply_order(op: Any, code_id: str, parent_id: str | None, siblings: list[str]) -> None:
        for i, sid in enumerate(siblings):
            values: dict[str, Any] = {"position": i}
            if sid == code_id:
                values["parent_id"] = parent_id
            op.update("codes", {"id": sid}, values)

    def move_code(self, code_id: str, parent_id: str | None, coder: str, position: int | None = None) -> None:
        """Put a code under another parent (None: top level) at ``position`` (default last)."""
        self.code(code_id)
        siblings = self._sibling_order(code_id, parent_id, position)
        with self.operation(coder, f"move code {code_id}") as op:
            self._apply_order(op, code_id, parent_id, siblings)

    def edit_code(self, code_id: str, coder: str, values: dict[str, Any], *, move: bool = False,
                  parent_id: str | None = None, position: int | None = None) -> Code:
        """Change fields and (with ``move``) the parent or place of a code, as one undoable step.

        ``position`` is 0-based among the new siblings (default: last when the parent
        changes, unchanged otherwise).
        """
        current = self.code(code_id)
        values = self._checked_code_values(values)
        move = move and (parent_id != current.parent_id or position is not None)
        if not values and not move:
            return current
        siblings = self._sibling_order(code_id, parent_id, position) if move else []
        what = [*values, *(["parent"] if move else [])]
        with self.operation(coder, f"edit code {code_id}: {', '.join(what)}") as op:
            if values:
                op.update("codes", {"id": code_id}, values)
            if move:
                self._apply_order(op, code_id, parent_id, siblings)
        return self.code(code_id)

    def merge_codes(self, source_id: str, target_id: str, coder: str) -> int:
        """Move all codings (and sub-codes) of ``source_id`` to ``target_id``, then remove it."""
        if source_id == target_id:
            raise InvalidInput("cannot merge a code into itself")
        self.code(source_id)
        self.code(target_id)
        if target_id in self.descendants(source_id):
            raise InvalidInput(f"cannot merge '{source_id}' into its own sub-code '{target_id}'")
        with self.operation(coder, f"merge code {source_id} into {target_id}") as op:
            moved = self._move_codings(op, source_id, target_id)
            for (child,) in self.conn.execute(
                    "SELECT id FROM codes WHERE parent_id = ? ORDER BY position", (source_id,)).fetchall():
                op.update("codes", {"id": child}, {"parent_id": target_id})
            op.delete("codes", {"id": source_id})
        return moved

    def _move_codings(self, op: Any, source_id: str, target_id: str) -> int:
        """Give ``source_id``'s codings to ``target_id``; returns how many it had.

        A passage already coded with the target by the same coder keeps that one
        coding: the source's is removed, its memo appended to the target's memo and
        its valence kept where the target has none. All rows go through ``op``, so
        undoing the merge restores both codings exactly.
        """
        rows = self.conn.execute(
            'SELECT id, document_id, start, "end", coder, memo, valence FROM codings WHERE code_id = ?'
            " ORDER BY id", (source_id,)).fetchall()
        for cid, doc, start, end, coder, memo, valence in rows:
            twin = self.conn.execute(
                'SELECT id, memo, valence FROM codings WHERE code_id = ? AND document_id = ? AND start = ?'
                ' AND "end" = ? AND coder = ? ORDER BY id LIMIT 1',
                (target_id, doc, start, end, coder)).fetchone()
            if twin is None:
                op.update("codings", {"id": cid}, {"code_id": target_id})
                continue
            twin_id, twin_memo, twin_valence = twin
            values: dict[str, Any] = {}
            if memo.strip() and memo.strip() != twin_memo.strip():
                values["memo"] = f"{twin_memo}\n\n{memo}" if twin_memo.strip() else memo
            if twin_valence is None and valence is not None:
                values["valence"] = valence
            if values:
                op.update("codings", {"id": twin_id}, {**values, "updated_at": now()})
            op.delete("codings", {"id": cid})
        return len(rows)

    def delete_code(self, code_id: str, coder: str) -> None:
        """Remove a code without codings or sub-codes (merge it otherwise)."""
        self.code(code_id)
        n = self.conn.execute("SELECT COUNT(*) FROM codings WHERE code_id = ?", (code_id,)).fetchone()[0]
        if n:
            raise InvalidInput(f"code '{code_id}' has {n} coding(s); merge it into another code instead")
        if self.conn.execute("SELECT 1 FROM codes WHERE parent_id = ?", (code_id,)).fetchone():
            raise InvalidInput(f"code '{code_id}' has sub-codes; move or merge them first")
        with self.operation(coder, f"delete code {code_id}") as op:
            op.delete("codes", {"id": code_id})

    # -- sync with a changed codebook file ---------------------------------------------------
    def sync_codes(self, new_codes: Sequence[Code], coder: str, merge_into: str | None = None,
                   *, version: str | None = None) -> SyncReport:
        """Apply a changed codebook by id: update and add codes, remove dropped ones.

        A dropped code that has codings is refused unless ``merge_into`` names the
        code (in the new codebook) that receives them. All of it, with the
        codebook's ``version`` when given, is one operation (one transaction).
        """
        report = SyncReport()
        new_ids = {c.id for c in new_codes}
        old = {c.id: c for c in self.codes()}
        counts = self.code_counts()
        dropped = [cid for cid in old if cid not in new_ids]
        dropped_with_codings = [cid for cid in dropped if counts.get(cid)]
        if dropped_with_codings and merge_into is None:
            listed = ", ".join(f"{c} ({counts[c]})" for c in dropped_with_codings)
            raise InvalidInput(
                f"the new codebook drops codes that have codings: {listed}; "
                "pass --merge-into ID to move their codings")
        if merge_into is not None and merge_into not in new_ids:
            raise InvalidInput(f"--merge-into '{merge_into}' is not a code of the new codebook")
        for code in new_codes:
            self._validate_code(code)
        with self.operation(coder, "sync codebook") as op:
            for code in new_codes:  # parents come first in tree order
                row = _code_row(code)
                row["memo"] = old[code.id].memo if code.id in old and not code.memo else code.memo
                if code.id in old:
                    values = {k: v for k, v in row.items() if k not in ("id", "guid")}
                    if op.update("codes", {"id": code.id}, values):
                        report.changed.append(code.id)
                else:
                    op.insert("codes", row)
                    report.added.append(code.id)
            # remove dropped codes deepest first
            for cid in sorted(dropped, key=lambda c: -len(self.descendants_path(c))):
                if counts.get(cid):
                    assert merge_into is not None
                    self._move_codings(op, cid, merge_into)
                    report.merged[cid] = merge_into
                op.delete("codes", {"id": cid})
                report.removed.append(cid)
            if version is not None:
                self.set_meta("codebook_version", version)  # joins this operation's transaction
        return report

    def descendants_path(self, code_id: str) -> list[str]:
        """The ids from the root down to ``code_id``."""
        path: list[str] = []
        current: str | None = code_id
        while current is not None and len(path) < 100:
            path.insert(0, current)
            row = self.conn.execute("SELECT parent_id FROM codes WHERE id = ?", (current,)).fetchone()
            current = row[0] if row else None
        return path
