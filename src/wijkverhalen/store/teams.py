"""Team work: documents a coder marked done, and conflicts kept by merges.

``coder_done`` says which documents a coder has finished (agreement counts only
those for a coder who marked any); marking is undoable. ``merge_conflicts`` keeps
every value a merge did not take (the rule: the project merged INTO keeps its
value, the other one is kept here), so nothing of a copy is lost.
``consensus_rejections`` keeps the disagreements the team settled by leaving the
code off (the Compare screen's reject), so they do not come back; undoable.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput
from . import oplog
from .base import ProjectBase
from .oplog import now

oplog.register_tracked_table("consensus_rejections", ("document_id", "start", "end", "code_id"))
oplog.register_tracked_table("coder_done", ("document_id", "coder"))
oplog.register_tracked_table("merge_conflicts", ("id",))


class TeamsMixin(ProjectBase):
    def mark_done(self, document_id: int, coder: str, done: bool = True) -> bool:
        """Mark (or unmark) a document as done by ``coder``. Undoable. False if nothing changed."""
        if not coder.strip():
            raise InvalidInput("a done mark needs a coder name")
        exists = self.conn.execute("SELECT 1 FROM coder_done WHERE document_id = ? AND coder = ?",
                                   (document_id, coder)).fetchone() is not None
        if exists == done:
            return False
        verb = "mark done" if done else "unmark done"
        with self.operation(coder, f"{verb}: document {document_id}") as op:
            if done:
                op.insert("coder_done", {"document_id": document_id, "coder": coder, "marked_at": now()})
            else:
                op.delete("coder_done", {"document_id": document_id, "coder": coder})
        return True

    def done_marks(self) -> dict[str, set[int]]:
        """Coder -> the documents they marked done."""
        out: dict[str, set[int]] = {}
        for doc, coder in self.conn.execute("SELECT document_id, coder FROM coder_done"):
            out.setdefault(coder, set()).add(doc)
        return out

    def reject_unit(self, document_id: int, start: int, end: int, code_id: str, coder: str) -> bool:
        """Record that the team leaves ``code_id`` off this passage (undoable). False if recorded already."""
        key = {"document_id": document_id, "start": start, "end": end, "code_id": code_id}
        if self.conn.execute('SELECT 1 FROM consensus_rejections WHERE document_id = ? AND start = ? '
                             'AND "end" = ? AND code_id = ?', tuple(key.values())).fetchone():
            return False
        with self.operation(coder, f"reject {code_id}: document {document_id} [{start}-{end}]") as op:
            op.insert("consensus_rejections", {**key, "coder": coder, "rejected_at": now()})
        return True

    def rejections(self) -> set[tuple[int, int, int, str]]:
        """The rejected (document, start, end, code) units."""
        return {tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            'SELECT document_id, start, "end", code_id FROM consensus_rejections')}

    def merge_conflicts(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM merge_conflicts ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]
