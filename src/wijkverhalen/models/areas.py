"""The areas of the indicator tables and their groups.

The monitor compares Bospolder-Tussendijken (BoTu) with the NPRZ focus neighbourhoods
(Nationaal Programma Rotterdam Zuid) and with the Rotterdam average. Tables name the
same area in many ways ("Bospolder-Tussendijken", "BoTu", "Rotterdam gemiddelde"), so
names are matched on a key without case, accents, spaces or punctuation, and mapped to
one canonical name. A project starts with :data:`DEFAULT_AREAS`; other areas are added
explicitly (``indicators import --new-area NAME=GROUP``) so a typo never becomes an area.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from ..errors import DataError, InvalidInput
from .linking import AREA_GROUPS, Area, IndicatorValue

# The aggregate of each group is what trends are read from.
FOCUS_AREA = "BoTu"
GROUP_LABELS = {
    "botu": "BoTu (Bospolder-Tussendijken)",
    "nprz": "NPRZ-focuswijken",
    "reference": "Rotterdam (gemiddelde)",
    "other": "overig",
}

DEFAULT_AREAS: tuple[Area, ...] = (
    Area("BoTu", "botu", aggregate=True, position=0, level="group", district="Delfshaven",
         aliases=("Bospolder-Tussendijken", "Bospolder/Tussendijken", "Bospolder en Tussendijken",
                  "BoTu totaal", "Bo-Tu")),
    Area("Bospolder", "botu", position=1, level="neighbourhood", district="Delfshaven"),
    Area("Tussendijken", "botu", position=2, level="neighbourhood", district="Delfshaven"),
    Area("NPRZ-focuswijken", "nprz", aggregate=True, position=3, level="group",
         aliases=("NPRZ", "NPRZ focuswijken", "NPRZ-wijken", "NPRZ wijken", "focuswijken NPRZ",
                  "focuswijken", "NPRZ gemiddelde", "3 NPRZ-focuswijken", "drie NPRZ-focuswijken")),
    # The seven focus neighbourhoods of Rotterdam-Zuid, for tables that list them one by one.
    Area("Afrikaanderwijk", "nprz", position=4, level="neighbourhood", district="Feijenoord"),
    Area("Bloemhof", "nprz", position=5, level="neighbourhood", district="Feijenoord"),
    Area("Carnisse", "nprz", position=6, level="neighbourhood", district="Charlois"),
    Area("Feijenoord", "nprz", position=7, level="neighbourhood", district="Feijenoord"),
    Area("Hillesluis", "nprz", position=8, level="neighbourhood", district="Feijenoord"),
    Area("Oud-Charlois", "nprz", position=9, level="neighbourhood", district="Charlois"),
    Area("Tarwewijk", "nprz", position=10, level="neighbourhood", district="Charlois"),
    Area("Rotterdam", "reference", aggregate=True, position=11, level="city",
         aliases=("Rotterdam gemiddelde", "Rotterdam gemiddeld", "gemiddelde Rotterdam",
                  "Rotterdam (gemiddelde)", "Rotterdam totaal", "Rotterdam stad", "stad",
                  "stedelijk gemiddelde", "Gemeente Rotterdam")),
)
# The districts (gebieden) the monitor's neighbourhoods lie in, so that a table whose area
# column holds districts (older map exports call them "wijknaam") is recognised instead of
# read as neighbourhoods. Added by migration 4. The gebied Feijenoord is left out on
# purpose: it has the name of one of its own neighbourhoods, and "Feijenoord" in an area
# column is read as the neighbourhood (a column that also holds Delfshaven or Charlois is
# still recognised as a district column).
DISTRICT_AREAS: tuple[Area, ...] = (
    Area("Delfshaven", "other", position=12, level="district",
         aliases=("gebied Delfshaven", "stadsdeel Delfshaven", "deelgemeente Delfshaven")),
    Area("Charlois", "other", position=13, level="district",
         aliases=("gebied Charlois", "stadsdeel Charlois", "deelgemeente Charlois")),
)
LEVEL_WORDS = {"neighbourhood": "a neighbourhood (wijk)", "district": "a district (gebied)",
               "city": "the city", "group": "a group of neighbourhoods", "": "an area"}


def area_key(name: str) -> str:
    """Compare key: lower case, accents and everything but letters and digits removed."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", plain.lower())


class AreaRegistry:
    """Known areas by canonical name, resolvable by any alias."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas: dict[str, Area] = {}
        self._by_key: dict[str, str] = {}
        for area in sorted(areas, key=lambda a: (a.position, a.name)):
            self.add(area)

    def add(self, area: Area) -> None:
        if area.group not in AREA_GROUPS:
            raise DataError(f"area group '{area.group}' must be one of {', '.join(AREA_GROUPS)}")
        self.areas[area.name] = area
        for alias in (area.name, *area.aliases):
            self._by_key.setdefault(area_key(alias), area.name)

    def resolve(self, name: str) -> str | None:
        """The canonical name of ``name`` or None when unknown."""
        return self._by_key.get(area_key(name))

    def require(self, name: str) -> str:
        found = self.resolve(name)
        if found is None:
            raise DataError(f"unknown area '{name}' ({self.suggest(name)})")
        return found

    def suggest(self, name: str) -> str:
        """``"did you mean Bospolder?; known: BoTu, ..."`` for an error about ``name``."""
        import difflib

        names = {area_key(alias): area.name for area in self.areas.values()
                 for alias in (area.name, *area.aliases)}
        close = difflib.get_close_matches(area_key(name), list(names), n=3, cutoff=0.75)
        hint = list(dict.fromkeys(names[c] for c in close))
        known = "known: " + ", ".join(self.areas)
        return (f"did you mean {' or '.join(hint)}?; " if hint else "") + known

    def level(self, name: str) -> str:
        return self.areas[name].level

    def in_district(self, district: str) -> list[str]:
        """The neighbourhoods the registry places in ``district``."""
        return [a.name for a in self.areas.values() if a.district == district and a.level == "neighbourhood"]

    def group(self, group: str) -> list[Area]:
        return [a for a in self.areas.values() if a.group == group]

    def aggregate(self, group: str) -> Area | None:
        return next((a for a in self.group(group) if a.aggregate), None)

    def members(self, name: str) -> list[str]:
        """The areas an aggregate stands for (``BoTu`` -> Bospolder, Tussendijken)."""
        area = self.areas[name]
        if not area.aggregate or area.group == "reference":
            return []
        return [a.name for a in self.group(area.group) if not a.aggregate]


def check_members(names: Sequence[str], registry: AreaRegistry, group: str) -> list[str]:
    """Canonical names of ``names``; each must be a neighbourhood of ``group`` in the registry."""
    out: list[str] = []
    allowed = [a.name for a in registry.group(group) if not a.aggregate]
    for name in names:
        found = registry.resolve(name)
        if found is None:
            raise InvalidInput(f"unknown area '{name}' ({registry.suggest(name)})")
        if found not in allowed:
            raise InvalidInput(f"'{found}' is not one of the {group.upper()} neighbourhoods "
                               f"({', '.join(allowed)})")
        if found not in out:
            out.append(found)
    return out


def parse_new_area(spec: str, position: int) -> Area:
    """``"Delfshaven=other"`` (from ``--new-area``) -> :class:`Area`."""
    name, sep, group = spec.partition("=")
    name, group = name.strip(), (group.strip().lower() or "other")
    if not name:
        raise DataError(f"--new-area '{spec}' must be NAME=GROUP")
    if not sep:
        group = "other"
    if group not in AREA_GROUPS:
        raise DataError(f"--new-area '{spec}': group must be one of {', '.join(AREA_GROUPS)}")
    return Area(name, group, position=position)


_INDICATOR_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def resolve_values(values: Iterable[IndicatorValue], registry: AreaRegistry,
                   file: str) -> dict[tuple[str, str, int], IndicatorValue]:
    """Key values by (indicator, canonical area, year); unknown areas and duplicates are errors.

    "BoTu" and "Bospolder-Tussendijken" in the same year of one indicator are duplicates.
    """
    resolved: dict[tuple[str, str, int], IndicatorValue] = {}
    for v in values:
        area = registry.resolve(v.area)
        if area is None:
            raise DataError(
                f"row {v.row}: unknown area '{v.area}' ({registry.suggest(v.area)}); "
                f"add it with --new-area '{v.area}=other' (groups: {', '.join(AREA_GROUPS)})",
                path=file, line=v.row)
        if not _INDICATOR_ID.match(v.indicator):
            raise DataError(f"row {v.row}: indicator id '{v.indicator}' must be lower-case letters, digits, "
                            "'_', '.' or '-'", path=file, line=v.row)
        key = (v.indicator, area, v.year)
        if key in resolved:
            raise DataError(f"row {v.row}: duplicate value for indicator '{v.indicator}', area '{area}', "
                            f"year {v.year} (also on row {resolved[key].row})", path=file, line=v.row)
        resolved[key] = v
    return resolved
