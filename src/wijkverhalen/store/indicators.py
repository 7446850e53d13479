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
from collections.abc import Sequence

from ..errors import InvalidInput, NotFound
from ..models.areas import AreaRegistry, check_members
from ..models.linking import BETTER, Area
from .base import ProjectBase

NPRZ_MEMBERS_KEY = "comparison.nprz_members"
# The seed compares BoTu with "3 focuswijken" without naming them; the project says which.
NPRZ_EXPECTED = 3


class IndicatorSettingsMixin(ProjectBase):
    """Areas, indicator metadata set by hand and the comparison-group setting."""

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

    def set_indicator_meta(self, indicator_id: str, coder: str, **fields: str | float | None) -> bool:
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
        raw = self.get_meta(NPRZ_MEMBERS_KEY)
        return list(json.loads(raw)) if raw else None

    def set_nprz_members(self, names: Sequence[str]) -> list[str]:
        """Set (or with no names, clear) the NPRZ reference group; names go through the area registry."""
        if not names:
            with self.transaction():
                self.conn.execute("DELETE FROM meta WHERE key = ?", (NPRZ_MEMBERS_KEY,))
            return []
        members = check_members(names, self.area_registry(), "nprz")
        self.set_meta(NPRZ_MEMBERS_KEY, json.dumps(members, ensure_ascii=False))
        return members

