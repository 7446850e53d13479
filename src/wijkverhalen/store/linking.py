"""Store side of the linking inventories: areas, indicators, code links, actors, mentions.

Migration 2 (:mod:`.migrations`) adds the tables. Everything a researcher changes by hand (importing an
indicator table or actor registry, linking a code to an indicator, confirming or
rejecting a mention) is one undoable operation; ``actors detect`` is logged but not
undoable (it is a pure function of the texts and the registry: run it again).
Every write is one transaction and checks its whole input first, so bad input
writes nothing.

Only SQL lives here. Reading files (pandas, YAML) and phrase matching are in
:mod:`wijkverhalen.linking`; those modules hand over the frozen dataclasses of
:mod:`wijkverhalen.models.linking`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import DataError, InvalidInput, NotFound
from ..models import IndicatorLink
from ..models.areas import area_key, resolve_values
from ..models.linking import (
    MENTION_STATUSES,
    Actor,
    Area,
    DetectReport,
    Indicator,
    IndicatorImportReport,
    IndicatorValue,
    Mention,
)
from . import oplog
from .indicators import IndicatorSettingsMixin
from .oplog import now

for _table, _pk in (("areas", ("name",)), ("indicators", ("id",)),
                    ("indicator_values", ("indicator_id", "area", "year")),
                    ("actors", ("id",)), ("actor_mentions", ("id",))):
    oplog.register_tracked_table(_table, _pk)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
LIVE_STATUSES = ("detected", "confirmed")  # mentions that count in the network


def _in(values: Sequence[Any]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


class LinkingMixin(IndicatorSettingsMixin):
    # -- areas: areas() and area_registry() are in .indicators (IndicatorSettingsMixin) ---------

    # -- indicators ------------------------------------------------------------------------
    def import_indicator_values(self, values: Sequence[IndicatorValue], *, file: str, coder: str,
                                sheet: str = "", form: str = "long",
                                new_areas: Sequence[Area] = ()) -> IndicatorImportReport:
        """Add or update indicator values (one undoable step); refuses the whole table on any error.

        Areas are resolved through their aliases; ``new_areas`` are added first. A value
        already in the project for the same indicator, area and year is updated (never
        duplicated) and takes the provenance of this file.
        """
        registry = self.area_registry()
        added_areas: list[Area] = []
        position = len(registry.areas)
        for area in new_areas:
            if registry.resolve(area.name) is None:
                area = Area(area.name, area.group, area.aggregate, area.aliases, position + len(added_areas))
                registry.add(area)
                added_areas.append(area)
        if not values:
            raise DataError("the table holds no indicator values", path=file)
        for v in values:  # the parsers refuse these; a value from elsewhere must not be stored as Inf
            if not math.isfinite(v.value):
                raise DataError(f"{v.indicator}, {v.area} {v.year}: '{v.value}' is not a finite number",
                                path=file, line=v.row or None)
        resolved = resolve_values(values, registry, file)
        ts = now()
        ind_ids = sorted({k[0] for k in resolved})
        existing_ind = {r[0]: (r[1], r[2], {"scale": r[3], "better": r[4], "source": r[5]})
                        for r in self.conn.execute(
            f"SELECT id, label, unit, scale, better, source FROM indicators WHERE id IN {_in(ind_ids)}", ind_ids)}
        old = {(r[0], r[1], r[2]): (r[3], r[4], r[5], r[6]) for r in self.conn.execute(
            "SELECT indicator_id, area, year, value, unit, source, edition FROM indicator_values"
            f" WHERE indicator_id IN {_in(ind_ids)}", ind_ids)}
        added = changed = unchanged = 0
        new_inds: list[str] = []
        name = file.replace("\\", "/").rsplit("/", 1)[-1]
        with self.operation(coder, f"import indicators from {name}" + (f" [{sheet}]" if sheet else "")) as op:
            for area in added_areas:
                op.insert("areas", {"name": area.name, "area_group": area.group,
                                    "aggregate": int(area.aggregate),
                                    "aliases": json.dumps(list(area.aliases)), "position": area.position,
                                    "level": area.level, "district": area.district})
            for ind in ind_ids:
                sample = next(v for k, v in resolved.items() if k[0] == ind)
                label = next((v.label for k, v in resolved.items() if k[0] == ind and v.label), "")
                # What the table says about the indicator (the first row that says it).
                said = {f: next((getattr(v, f) for k, v in resolved.items() if k[0] == ind and getattr(v, f)), "")
                        for f in ("scale", "better", "source")}
                if ind not in existing_ind:
                    op.insert("indicators", {"id": ind, "label": label, "unit": sample.unit, **said})
                    new_inds.append(ind)
                else:
                    updates = {}
                    if label and label != existing_ind[ind][0]:
                        updates["label"] = label
                    if sample.unit and not existing_ind[ind][1]:
                        updates["unit"] = sample.unit
                    updates.update({f: text for f, text in said.items() if text and text != existing_ind[ind][2][f]})
                    if updates:
                        op.update("indicators", {"id": ind}, updates)
            for (ind, area_name, year), v in resolved.items():
                before = old.get((ind, area_name, year))
                # A table without a unit or source column leaves those of an earlier import alone.
                unit = v.unit or (before[1] if before else "")
                source = v.source or (before[2] if before else "")
                edition = v.edition or (before[3] if before else "")
                prov = {"unit": unit, "source": source, "edition": edition, "file": file, "sheet": sheet,
                        "row": v.row, "imported_at": ts}
                if before is None:
                    op.insert("indicator_values", {"indicator_id": ind, "area": area_name, "year": year,
                                                   "value": v.value, **prov})
                    added += 1
                elif (abs(before[0] - v.value) > 1e-9 or before[1] != unit or before[2] != source
                      or before[3] != edition):
                    op.update("indicator_values", {"indicator_id": ind, "area": area_name, "year": year},
                              {"value": v.value, **prov})
                    changed += 1
                else:
                    unchanged += 1
        return IndicatorImportReport(file=file, sheet=sheet, form=form, added=added, changed=changed,
                                     unchanged=unchanged, new_indicators=tuple(new_inds),
                                     new_areas=tuple(a.name for a in added_areas))

    def indicators(self) -> list[Indicator]:
        """All indicators with the areas, years and sources of their values and linked codes."""
        links: dict[str, list[str]] = {}
        for code_id, link in self.indicator_links():
            links.setdefault(link.indicator, []).append(code_id)
        agg: dict[str, dict[str, Any]] = {}
        for ind, area, year, source, file in self.conn.execute(
                "SELECT indicator_id, area, year, source, file FROM indicator_values"):
            a = agg.setdefault(ind, {"areas": set(), "years": set(), "n": 0, "sources": set(), "files": set()})
            a["areas"].add(area)
            a["years"].add(year)
            a["n"] += 1
            if source:
                a["sources"].add(source)
            a["files"].add(file)
        order = {a.name: a.position for a in self.areas()}
        out = []
        for ind, label, unit, memo, scale, better, source, threshold in self.conn.execute(
                "SELECT id, label, unit, memo, scale, better, source, threshold FROM indicators ORDER BY id"):
            a = agg.get(ind, {"areas": set(), "years": set(), "n": 0, "sources": set(), "files": set()})
            out.append(Indicator(
                id=ind, label=label or ind, unit=unit, memo=memo, scale=scale, better=better, source=source,
                areas=tuple(sorted(a["areas"], key=lambda n: (order.get(n, 999), n))),
                years=tuple(sorted(a["years"])), values=a["n"], sources=tuple(sorted(a["sources"])),
                files=tuple(sorted(a["files"])), linked_codes=tuple(links.get(ind, ())),
                threshold=threshold))
        return out

    def has_indicator(self, indicator_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM indicators WHERE id = ?", (indicator_id,)).fetchone() is not None

    def indicator_values(self, indicator_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Values with provenance, ordered by indicator, area position and year."""
        sql = ("SELECT v.indicator_id AS indicator, v.area, a.area_group AS area_group, v.year, v.value,"
               " v.unit, v.source, v.edition, v.file, v.sheet, v.row, v.imported_at"
               " FROM indicator_values v JOIN areas a ON a.name = v.area")
        params: list[Any] = []
        if indicator_ids is not None:
            sql += f" WHERE v.indicator_id IN {_in(indicator_ids)}"
            params = list(indicator_ids)
        sql += " ORDER BY v.indicator_id, a.position, v.area, v.year"
        return self.query(sql, tuple(params))

    # -- code <-> indicator links (stored on the code, as in the codebook YAML) -------------
    def indicator_links(self) -> list[tuple[str, IndicatorLink]]:
        """``(code_id, link)`` for every code that links indicators, in code order."""
        out = []
        for code_id, raw in self.conn.execute(
                "SELECT id, indicators FROM codes WHERE indicators != '[]' ORDER BY position, id"):
            for item in json.loads(raw):
                out.append((code_id, IndicatorLink(**item)))
        return out

    def _code_links(self, code_id: str) -> list[dict[str, str]]:
        row = self.conn.execute("SELECT indicators FROM codes WHERE id = ?", (code_id,)).fetchone()
        if row is None:
            raise self.no_code(code_id)  # type: ignore[attr-defined]
        return list(json.loads(row[0]))

    def set_indicator_link(self, code_id: str, indicator: str, direction: str, coder: str,
                           aspect: str | None = None) -> None:
        """Link a code to an imported indicator, or change the link's direction or aspect; undoable.

        ``aspect`` is ``"level"`` or ``"change"``; None keeps the link's aspect (``"level"``
        for a new link). A link's ``hypothesis`` mark is kept.
        """
        if direction not in ("+", "-"):
            raise InvalidInput(f"direction must be '+' or '-', not '{direction}'")
        if aspect not in (None, "level", "change"):
            raise InvalidInput(f"aspect must be 'level' or 'change', not '{aspect}'")
        links = self._code_links(code_id)
        if not self.has_indicator(indicator):
            raise NotFound(f"no indicator '{indicator}' in the project (import it first; "
                           "see 'wijkverhalen indicators list')")
        old = next((link for link in links if link["indicator"] == indicator), {})
        new = [link for link in links if link["indicator"] != indicator]
        pos = next((i for i, link in enumerate(links) if link["indicator"] == indicator), len(new))
        entry: dict[str, Any] = {"indicator": indicator, "direction": direction}
        if old.get("hypothesis"):
            entry["hypothesis"] = True
        aspect = aspect or str(old.get("aspect", "level"))
        if aspect != "level":
            entry["aspect"] = aspect
        new.insert(pos, entry)
        with self.operation(coder, f"link code {code_id} to indicator {indicator} ({direction}, {aspect})") as op:
            op.update("codes", {"id": code_id}, {"indicators": json.dumps(new, ensure_ascii=False)})

    def remove_indicator_link(self, code_id: str, indicator: str, coder: str) -> None:
        links = self._code_links(code_id)
        new = [link for link in links if link["indicator"] != indicator]
        if len(new) == len(links):
            raise NotFound(f"code '{code_id}' has no link to indicator '{indicator}'")
        with self.operation(coder, f"unlink code {code_id} from indicator {indicator}") as op:
            op.update("codes", {"id": code_id}, {"indicators": json.dumps(new, ensure_ascii=False)})

    # -- actors ------------------------------------------------------------------------------
    def import_actors(self, actors: Sequence[Actor], coder: str, *, source: str = "") -> tuple[int, int, int]:
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
        current = {a.id: a for a in self.actors()}
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

    def actors(self) -> list[Actor]:
        return [Actor(id=r[0], name=r[1], type=r[2], inventory=tuple(json.loads(r[3])),
                      aliases=tuple(json.loads(r[4])), memo=r[5])
                for r in self.conn.execute(
                    "SELECT id, name, type, inventory, aliases, memo FROM actors ORDER BY name COLLATE NOCASE")]

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors():
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
        known = {a.id for a in self.actors()}
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
        found = dict(self.conn.execute(f"SELECT id, status FROM actor_mentions WHERE id IN {_in(ids)}", ids))
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
        self.actor(actor_id)
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
    def resolve_case(self, name: str) -> str:
        """A case by name, ignoring case and punctuation, by acronym ("SIBD") or unique prefix."""
        cases = list(self.conn.execute("SELECT name FROM cases ORDER BY name"))
        names = [r[0] for r in cases]
        key = area_key(name)
        exact = [n for n in names if area_key(n) == key]
        acronym = [n for n in names if "".join(w[0] for w in re.findall(r"\w+", n.lower())) == key]
        prefix = [n for n in names if area_key(n).startswith(key)] if key else []
        for candidates in (exact, acronym, prefix):
            if len(candidates) == 1:
                return candidates[0]
        if len(prefix) > 1:
            raise InvalidInput(f"case '{name}' is ambiguous: {', '.join(prefix)}")
        raise NotFound(f"no case '{name}' (cases: {', '.join(names) or 'none'})")

    def case_document_ids(self, case: str) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT cd.document_id FROM case_documents cd JOIN cases c ON c.id = cd.case_id WHERE c.name = ?"
            " ORDER BY cd.document_id", (case,))]

    def coding_evidence(self, *, document_ids: Sequence[int] | None = None,
                        coder: str | None = None) -> list[tuple[str, int, str | None, int]]:
        """``(code_id, document_id, valence, codings)`` grouped, for fast aggregation."""
        sql = "SELECT code_id, document_id, valence, COUNT(*) FROM codings"
        where, params = self._doc_filter("document_id", document_ids)
        if coder is not None:
            where.append("coder = ?")
            params.append(coder)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(self.conn.execute(sql + " GROUP BY code_id, document_id, valence", params))

    def passage_spans(self, *, document_ids: Sequence[int] | None = None,
                     coder: str | None = None) -> list[tuple[str, int, int, int, str | None]]:
        """``(code_id, document_id, start, end, valence)`` of every coding, for unique passages."""
        sql = 'SELECT code_id, document_id, start, "end", valence FROM codings'
        where, params = self._doc_filter("document_id", document_ids)
        if coder is not None:
            where.append("coder = ?")
            params.append(coder)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(self.conn.execute(sql, params))  # unordered: triangulation sorts per document

    def attribute_map(self, name: str) -> dict[int, str]:
        """Document id -> value of attribute ``name`` (documents without it are left out)."""
        return dict(self.conn.execute("SELECT document_id, value FROM attributes WHERE name = ?", (name,)))

    def document_names(self) -> dict[int, str]:
        return dict(self.conn.execute("SELECT id, name FROM documents"))

    def mention_units(self, *, statuses: Sequence[str] = LIVE_STATUSES,
                      document_ids: Sequence[int] | None = None) -> list[tuple[str, int, int]]:
        """``(actor_id, document_id, turn_index)`` per mention; the turn is the passage unit (-1 if none)."""
        where, params = self._doc_filter("m.document_id", document_ids)
        where.append(f"m.status IN {_in(statuses)}")
        params.extend(statuses)
        sql = ("SELECT m.actor_id, m.document_id, COALESCE((SELECT t.idx FROM segments t"
               " WHERE t.document_id = m.document_id AND t.kind = 'turn' AND t.start <= m.start"
               " ORDER BY t.start DESC LIMIT 1), -1) FROM actor_mentions m WHERE " + " AND ".join(where))
        return list(self.conn.execute(sql, params))

    def actor_code_ties(self, *, statuses: Sequence[str] = LIVE_STATUSES,
                        document_ids: Sequence[int] | None = None) -> list[tuple[str, str, int, int]]:
        """``(actor_id, code_id, codings, documents)``: coded passages that mention the actor."""
        where, params = self._doc_filter("m.document_id", document_ids)
        where.append(f"m.status IN {_in(statuses)}")
        params.extend(statuses)
        sql = ("SELECT m.actor_id, c.code_id, COUNT(DISTINCT c.id), COUNT(DISTINCT c.document_id)"
               " FROM actor_mentions m JOIN codings c ON c.document_id = m.document_id"
               ' AND c.start < m."end" AND c."end" > m.start WHERE ' + " AND ".join(where)
               + " GROUP BY m.actor_id, c.code_id")
        return list(self.conn.execute(sql, params))

    @staticmethod
    def _doc_filter(column: str, document_ids: Sequence[int] | None) -> tuple[list[str], list[Any]]:
        if document_ids is None:
            return [], []
        # A JSON array keeps the statement short however many documents a case has.
        return [f"{column} IN (SELECT value FROM json_each(?))"], [json.dumps(list(document_ids))]
