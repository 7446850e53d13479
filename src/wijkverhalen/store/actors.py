"""Store side of the actor registry and the mentions of actors in the documents.

The tables come from migration 2 (:mod:`.migrations`). Importing a registry, confirming, rejecting or adding a mention is one undoable
operation; ``actors detect`` is logged but not undoable (it is a pure function of
the texts and the registry: run it again). Reading the registry file and phrase
matching live in :mod:`wijkverhalen.linking`; the models in :mod:`wijkverhalen.models.linking`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import DataError, InvalidInput, NotFound
from ..models.linking import MENTION_STATUSES, Actor, DetectReport, Mention
from . import oplog
from .base import Part
from .codings import document_filter
from .oplog import now
from .schema import marks

for _table, _pk in (("actors", ("id",)), ("actor_mentions", ("id",))):
    oplog.register_tracked_table(_table, _pk)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
LIVE_STATUSES = ("detected", "confirmed")  # mentions that count in the network



class Actors(Part):
    """``project.actors``: the actor registry, mentions in the documents and their ties to codes."""

    def import_registry(self, actors: Sequence[Actor], coder: str, *, source: str = "") -> tuple[int, int, int]:
        """Add or update actors by id (one undoable step). Returns (added, changed, unchanged)."""
        seen: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in seen:
                raise DataError(f"duplicate actor id '{actor.id}' (first on line {seen[actor.id].line})",
                                path=source or None, line=actor.line)
            if not ID_RE.match(actor.id):
                raise DataError(f"actor id '{actor.id}' must be lower-case letters, digits, '_', '.' or '-'",
                                path=source or None, line=actor.line)
            seen[actor.id] = actor
        if not actors:
            raise DataError("the registry holds no actors", path=source or None)
        current = {a.id: a for a in self.all()}
        added = changed = unchanged = 0
        name = source.replace("\\", "/").rsplit("/", 1)[-1]
        with self.operation(coder, f"import {len(actors)} actor(s) from {name or 'registry'}") as op:
            for actor in actors:
                row = {"name": actor.name, "type": actor.type,
                       "inventory": json.dumps(list(actor.inventory), ensure_ascii=False),
                       "aliases": json.dumps(list(actor.aliases), ensure_ascii=False),
                       "memo": actor.memo, "source": source}
                if actor.id not in current:
                    op.insert("actors", {"id": actor.id, **row})
                    added += 1
                elif op.update("actors", {"id": actor.id}, {k: v for k, v in row.items() if k != "source"}):
                    changed += 1
                else:
                    unchanged += 1
        return added, changed, unchanged

    def all(self) -> list[Actor]:
        return [Actor(id=r[0], name=r[1], type=r[2], inventory=tuple(json.loads(r[3])),
                      aliases=tuple(json.loads(r[4])), memo=r[5])
                for r in self.conn.execute(
                    "SELECT id, name, type, inventory, aliases, memo FROM actors ORDER BY name COLLATE NOCASE")]

    def get(self, actor_id: str) -> Actor:
        for a in self.all():
            if a.id == actor_id:
                return a
        raise NotFound(f"no actor '{actor_id}' (see 'wijkverhalen actors list')")

    # -- mentions ----------------------------------------------------------------------------
    def store_detected_mentions(
            self, found: Mapping[int, Sequence[tuple[str, int, int, str] | tuple[str, int, int, str, bool]]],
            coder: str) -> DetectReport:
        """Replace the detected (unreviewed) mentions of the scanned documents.

        ``found`` maps every scanned document id to ``(actor_id, start, end, text)``, with an
        optional fifth item, true for a suggestion (found only through a generic alias; stored
        as ``suggested``). Confirmed, rejected and manually added mentions are kept as the
        researcher left them.
        """
        known = {a.id for a in self.all()}
        added = kept = removed = total = 0
        per_actor: dict[str, int] = {}
        ts = now()
        with self.operation(coder, f"detect actor mentions in {len(found)} document(s)", undoable=False):
            for doc_id, spans in found.items():
                existing = {(r[1], r[2], r[3]): (r[0], r[4], r[5]) for r in self.conn.execute(
                    'SELECT id, actor_id, start, "end", status, origin FROM actor_mentions WHERE document_id = ?',
                    (doc_id,))}
                wanted = set()
                for span in spans:
                    actor_id, start, end, text = span[:4]
                    status = "suggested" if len(span) > 4 and span[4] else "detected"
                    if actor_id not in known:
                        raise NotFound(f"no actor '{actor_id}'")
                    key = (actor_id, start, end)
                    wanted.add(key)
                    total += 1
                    per_actor[actor_id] = per_actor.get(actor_id, 0) + 1
                    if key in existing:
                        kept += 1
                        continue
                    self.conn.execute(
                        'INSERT INTO actor_mentions (actor_id, document_id, start, "end", matched, status,'
                        " origin, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'detected', ?, ?)",
                        (actor_id, doc_id, start, end, text, status, coder, ts))
                    added += 1
                stale = [mid for key, (mid, status, origin) in existing.items()
                         if key not in wanted and status in ("detected", "suggested") and origin == "detected"]
                self.conn.executemany("DELETE FROM actor_mentions WHERE id = ?", [(m,) for m in stale])
                removed += len(stale)
        return DetectReport(documents=len(found), found=total, added=added, kept=kept, removed=removed,
                            per_actor=per_actor)

    _MENTION_SQL = (
        'SELECT m.id, m.actor_id, m.document_id, m.start, m."end", m.matched, m.status, m.origin, d.name,'
        " substr(d.text, max(1, m.start + 1 - :ctx), min(m.start, :ctx)),"
        ' substr(d.text, m."end" + 1, :ctx)'
        " FROM actor_mentions m JOIN documents d ON d.id = m.document_id")

    def mentions(self, *, actor_id: str | None = None, document_id: int | None = None,
                 statuses: Sequence[str] | None = None, ids: Sequence[int] | None = None,
                 context: int = 50) -> list[Mention]:
        """Mentions with ``context`` characters either side (``context`` = before … after)."""
        where: list[str] = []
        params: dict[str, Any] = {"ctx": context}
        if actor_id is not None:
            where.append("m.actor_id = :actor")
            params["actor"] = actor_id
        if document_id is not None:
            where.append("m.document_id = :doc")
            params["doc"] = document_id
        if statuses is not None:
            where.append("m.status IN (" + ", ".join(f":s{i}" for i in range(len(statuses))) + ")")
            params.update({f"s{i}": s for i, s in enumerate(statuses)})
        if ids is not None:
            where.append("m.id IN (" + ", ".join(f":i{i}" for i in range(len(ids))) + ")")
            params.update({f"i{i}": v for i, v in enumerate(ids)})
        sql = self._MENTION_SQL + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY d.name, m.start, m.actor_id"
        out = []
        for r in self.conn.execute(sql, params):
            before, after = (r[9] or "").replace("\n", " "), (r[10] or "").replace("\n", " ")
            out.append(Mention(id=r[0], actor_id=r[1], document_id=r[2], start=r[3], end=r[4], text=r[5],
                               status=r[6], origin=r[7], document_name=r[8],
                               context=f"{before}[{r[5]}]{after}"))
        return out

    def set_mention_status(self, mention_ids: Iterable[int], status: str, coder: str) -> int:
        """Confirm, reject or reset (``detected``) mentions; one undoable step. Returns changed count."""
        if status not in MENTION_STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(MENTION_STATUSES)}")
        ids = list(dict.fromkeys(int(i) for i in mention_ids))
        if not ids:
            raise InvalidInput("no mention ids given")
        found = dict(self.conn.execute(f"SELECT id, status FROM actor_mentions WHERE id IN ({marks(len(ids))})", ids))
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"no mention {', '.join(map(str, missing))} (see 'wijkverhalen actors mentions')")
        verb = {"confirmed": "confirm", "rejected": "reject", "detected": "reset",
                "suggested": "mark as suggestion"}[status]
        changed = 0
        with self.operation(coder, f"{verb} {len(ids)} actor mention(s)") as op:
            for mid in ids:
                if found[mid] != status:  # already so: leave who and when alone
                    op.update("actor_mentions", {"id": mid},
                              {"status": status, "updated_by": coder, "updated_at": now()})
                    changed += 1
        return changed

    def add_mention(self, document_id: int, start: int, end: int, actor_id: str, coder: str) -> Mention:
        """Mark a span by hand as naming an actor (confirmed); undoable."""
        self.get(actor_id)
        row = self.conn.execute("SELECT length(text), substr(text, ? + 1, ? - ?) FROM documents WHERE id = ?",
                                (start, end, start, document_id)).fetchone()
        if row is None:
            raise NotFound(f"no document {document_id}")
        if not (0 <= start < end <= row[0]):
            raise InvalidInput(f"span {start}-{end} is outside document {document_id} (0-{row[0]})")
        if self.conn.execute('SELECT 1 FROM actor_mentions WHERE actor_id = ? AND document_id = ? AND start = ?'
                             ' AND "end" = ?', (actor_id, document_id, start, end)).fetchone():
            raise InvalidInput(f"this span is already a mention of '{actor_id}'")
        with self.operation(coder, f"mention of {actor_id} in document {document_id} [{start}:{end}]") as op:
            mid = op.insert("actor_mentions", {
                "actor_id": actor_id, "document_id": document_id, "start": start, "end": end,
                "matched": row[1], "status": "confirmed", "origin": "manual", "updated_by": coder,
                "updated_at": now()})
        return self.mentions(ids=[mid])[0]

    # -- read models for triangulation and the network -----------------------------------------
    def mention_units(self, *, statuses: Sequence[str] = LIVE_STATUSES,
                      document_ids: Sequence[int] | None = None) -> list[tuple[str, int, int]]:
        """``(actor_id, document_id, turn_index)`` per mention; the turn is the passage unit (-1 if none)."""
        where, params = document_filter("m.document_id", document_ids)
        where.append(f"m.status IN ({marks(len(statuses))})")
        params.extend(statuses)
        sql = ("SELECT m.actor_id, m.document_id, COALESCE((SELECT t.idx FROM segments t"
               " WHERE t.document_id = m.document_id AND t.kind = 'turn' AND t.start <= m.start"
               " ORDER BY t.start DESC LIMIT 1), -1) FROM actor_mentions m WHERE " + " AND ".join(where))
        return list(self.conn.execute(sql, params))

    def code_ties(self, *, statuses: Sequence[str] = LIVE_STATUSES,
                        document_ids: Sequence[int] | None = None) -> list[tuple[str, str, int, int]]:
        """``(actor_id, code_id, codings, documents)``: coded passages that mention the actor."""
        where, params = document_filter("m.document_id", document_ids)
        where.append(f"m.status IN ({marks(len(statuses))})")
        params.extend(statuses)
        sql = ("SELECT m.actor_id, c.code_id, COUNT(DISTINCT c.id), COUNT(DISTINCT c.document_id)"
               " FROM actor_mentions m JOIN codings c ON c.document_id = m.document_id"
               ' AND c.start < m."end" AND c."end" > m.start WHERE ' + " AND ".join(where)
               + " GROUP BY m.actor_id, c.code_id")
        return list(self.conn.execute(sql, params))

