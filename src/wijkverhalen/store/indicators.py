"""Store side of indicator metadata, area levels and the comparison groups.

Migration 4 (:mod:`.migrations`) adds what a number means to the indicator tables (scale, which
direction is better, the indicator's source, the edition of each value), the
level of each area (neighbourhood, district, city, group) with the district a
neighbourhood lies in, and the districts of the monitor's neighbourhoods. The
members of the NPRZ reference group are a project setting (``meta`` table).

Only SQL lives here; :mod:`wijkverhalen.models.areas` and
:mod:`wijkverhalen.linking.comparison` hold the rules.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from ..errors import DataError, InvalidInput, NotFound
from ..models import IndicatorLink
from ..models.areas import AreaRegistry, check_members, resolve_values
from ..models.linking import BETTER, Area, Indicator, IndicatorImportReport, IndicatorValue
from . import oplog
from .base import Core, Part
from .codes import Codes
from .history import History
from .oplog import now
from .schema import marks

NPRZ_MEMBERS_KEY = "comparison.nprz_members"
# The seed compares BoTu with "3 focuswijken" without naming them; the project says which.
NPRZ_EXPECTED = 3


for _table, _pk in (("areas", ("name",)), ("indicators", ("id",)),
                    ("indicator_values", ("indicator_id", "area", "year"))):
    oplog.register_tracked_table(_table, _pk)



class Indicators(Part):
    """``project.indicators``: areas, indicator values, their metadata and links to codes, the comparison group."""

    def __init__(self, core: Core, history: History, codes: Codes) -> None:
        super().__init__(core, history)
        self.codes = codes

    def areas(self) -> list[Area]:
        return [Area(name=r[0], group=r[1], aggregate=bool(r[2]), aliases=tuple(json.loads(r[3])),
                     position=r[4], level=r[5], district=r[6])
                for r in self.conn.execute(
                    "SELECT name, area_group, aggregate, aliases, position, level, district FROM areas"
                    " ORDER BY position, name")]

    def area_registry(self) -> AreaRegistry:
        return AreaRegistry(self.areas())

    def add_area_aliases(self, area: str, aliases: Sequence[str], coder: str) -> list[str]:
        """Let ``aliases`` (a CBS code, a spelling of an export) name ``area``; one undoable step.

        Returns the aliases that were new. An alias that already names another area is an error.
        """
        registry = self.area_registry()
        name = registry.resolve(area)
        if name is None:
            raise NotFound(f"unknown area '{area}' ({registry.suggest(area)})")
        new: list[str] = []
        for alias in aliases:
            alias = alias.strip()
            if not alias:
                raise InvalidInput("an alias cannot be empty")
            other = registry.resolve(alias)
            if other is not None and other != name:
                raise InvalidInput(f"'{alias}' already names the area '{other}'")
            if other is None and alias not in new:
                new.append(alias)
        if new:
            current = registry.areas[name].aliases
            with self.operation(coder, f"add alias(es) {', '.join(new)} to area {name}") as op:
                op.update("areas", {"name": name},
                          {"aliases": json.dumps([*current, *new], ensure_ascii=False)})
        return new

    def set_meta(self, indicator_id: str, coder: str, **fields: str | float | None) -> bool:
        """Set ``label``, ``unit``, ``scale``, ``better``, ``source`` or ``threshold`` of an indicator.

        Undoable. ``threshold`` is a number >= 0 or None (the indicator's own variation).
        Returns False when nothing changed.
        """
        allowed = {"label", "unit", "scale", "better", "source", "threshold"}
        unknown = sorted(set(fields) - allowed)
        if unknown:
            raise InvalidInput(f"unknown indicator field(s) {', '.join(unknown)}")
        if "better" in fields and fields["better"] not in BETTER:
            raise InvalidInput("better must be 'higher', 'lower' or '' (not said)")
        threshold = fields.get("threshold")
        if threshold is not None and (not isinstance(threshold, (int, float)) or not 0 <= threshold < float("inf")):
            raise InvalidInput("the threshold must be a number >= 0 (or 'auto')")
        row = self.conn.execute("SELECT label, unit, scale, better, source, threshold FROM indicators WHERE id = ?",
                                (indicator_id,)).fetchone()
        if row is None:
            raise NotFound(f"no indicator '{indicator_id}' (see 'wijkverhalen indicators list')")
        current = dict(zip(("label", "unit", "scale", "better", "source", "threshold"), row, strict=True))
        changes = {k: v for k, v in fields.items() if current[k] != v}
        if not changes:
            return False
        with self.operation(coder, f"describe indicator {indicator_id}") as op:
            op.update("indicators", {"id": indicator_id}, changes)
        return True

    def nprz_members(self) -> list[str] | None:
        """The neighbourhoods of the NPRZ reference group, or None when the project has not set them."""
        raw = self.core.get_meta(NPRZ_MEMBERS_KEY)
        return list(json.loads(raw)) if raw else None

    def set_nprz_members(self, names: Sequence[str]) -> list[str]:
        """Set (or with no names, clear) the NPRZ reference group; names go through the area registry."""
        if not names:
            with self.transaction():
                self.conn.execute("DELETE FROM meta WHERE key = ?", (NPRZ_MEMBERS_KEY,))
            return []
        members = check_members(names, self.area_registry(), "nprz")
        self.core.set_meta(NPRZ_MEMBERS_KEY, json.dumps(members, ensure_ascii=False))
        return members

    def import_values(self, values: Sequence[IndicatorValue], *, file: str, coder: str,
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
            f"SELECT id, label, unit, scale, better, source FROM indicators WHERE id IN ({marks(len(ind_ids))})", ind_ids)}
        old = {(r[0], r[1], r[2]): (r[3], r[4], r[5], r[6]) for r in self.conn.execute(
            "SELECT indicator_id, area, year, value, unit, source, edition FROM indicator_values"
            f" WHERE indicator_id IN ({marks(len(ind_ids))})", ind_ids)}
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

    def all(self) -> list[Indicator]:
        """All indicators with the areas, years and sources of their values and linked codes."""
        links: dict[str, list[str]] = {}
        for code_id, link in self.links():
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

    def has(self, indicator_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM indicators WHERE id = ?", (indicator_id,)).fetchone() is not None

    def values(self, indicator_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Values with provenance, ordered by indicator, area position and year."""
        sql = ("SELECT v.indicator_id AS indicator, v.area, a.area_group AS area_group, v.year, v.value,"
               " v.unit, v.source, v.edition, v.file, v.sheet, v.row, v.imported_at"
               " FROM indicator_values v JOIN areas a ON a.name = v.area")
        params: list[Any] = []
        if indicator_ids is not None:
            sql += f" WHERE v.indicator_id IN ({marks(len(indicator_ids))})"
            params = list(indicator_ids)
        sql += " ORDER BY v.indicator_id, a.position, v.area, v.year"
        return self.core.query(sql, tuple(params))

    def links(self) -> list[tuple[str, IndicatorLink]]:
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
            raise self.codes.not_found(code_id)
        return list(json.loads(row[0]))

    def set_link(self, code_id: str, indicator: str, direction: str, coder: str,
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
        if not self.has(indicator):
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

    def remove_link(self, code_id: str, indicator: str, coder: str) -> None:
        links = self._code_links(code_id)
        new = [link for link in links if link["indicator"] != indicator]
        if len(new) == len(links):
            raise NotFound(f"code '{code_id}' has no link to indicator '{indicator}'")
        with self.operation(coder, f"unlink code {code_id} from indicator {indicator}") as op:
            op.update("codes", {"id": code_id}, {"indicators": json.dumps(new, ensure_ascii=False)})

