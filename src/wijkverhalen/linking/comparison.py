"""The comparison areas of the monitor: BoTu, the NPRZ focus neighbourhoods, Rotterdam.

The seed sets BoTu beside "3 focuswijken en Rotterdams gemiddelde". Each of the three
series is an :class:`Aggregate` that carries the rule it was made by, so every output
can say it:

* **BoTu** is Bospolder + Tussendijken. A BoTu row of the table is used as it is;
  otherwise the members are averaged, weighted by their inhabitants when those are
  known (an indicator such as ``aantal_inwoners`` from the same or a CBS table), else
  as the plain mean.
* **NPRZ** is the project's NPRZ reference group (a project setting, or the
  ``--nprz`` option); the same averaging applies. A group with fewer members with
  data than configured is flagged ("NPRZ = Carnisse only: 1 of 3").
* **Rotterdam** is the table's city row; when there is none that is said.

Weights for a year are the inhabitants of that year when known for every member
used, else those of the nearest year that has them (the rule names the year).
Pure Python; no pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InvalidInput, NotFound
from ..models.areas import AreaRegistry, check_members

if TYPE_CHECKING:
    from ..store import Project

# Indicator ids that hold the number of inhabitants (Wijkprofiel, CBS kerncijfers).
INHABITANT_INDICATORS = ("aantal_inwoners", "inwoners", "aantalinwoners", "bevolking", "inwonertal",
                         "aantal_bewoners")

TABLE, WEIGHTED, MEAN, MISSING = "table row", "population-weighted mean", "mean", "missing"


@dataclass(frozen=True)
class Aggregate:
    """A comparison series with the rule it was made by (to be shown with it)."""

    area: str  # the name the series stands for: BoTu, NPRZ-focuswijken, Rotterdam
    values: dict[int, float]
    method: str  # TABLE, WEIGHTED, MEAN or MISSING
    rule: str  # one sentence, e.g. "BoTu = population-weighted mean of Bospolder and Tussendijken ..."
    members: tuple[str, ...] = ()  # the areas the mean was taken over
    expected: tuple[str, ...] = ()  # the areas it should be made of
    weights: dict[int, dict[str, float]] = field(default_factory=dict)  # year -> area -> inhabitants
    flags: tuple[str, ...] = ()  # incomplete group, missing years, ...

    @property
    def complete(self) -> bool:
        return self.method != MISSING and not self.flags


@dataclass(frozen=True)
class Comparison:
    """BoTu, NPRZ and Rotterdam for one indicator, with the neighbourhoods they come from."""

    indicator: str
    focus: Aggregate
    nprz: Aggregate
    reference: Aggregate
    parts: dict[str, dict[int, float]]  # member neighbourhood -> year -> value

    def rules(self) -> list[str]:
        return [a.rule for a in (self.focus, self.nprz, self.reference)] + [
            f for a in (self.focus, self.nprz, self.reference) for f in a.flags]


def _num(x: float) -> str:
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"
    return text.replace(",", ".")  # Dutch thousands separator, as the tables write it


def _weights_for(year: int, members: Sequence[str],
                 inhabitants: Mapping[str, Mapping[int, float]]) -> tuple[int, dict[str, float]] | None:
    """Inhabitants of ``members`` in ``year``, else in the nearest year that has them all."""
    years = set.intersection(*(set(inhabitants.get(m, {})) for m in members)) if members else set()
    years = {y for y in years if all(inhabitants[m][y] > 0 for m in members)}
    if not years:
        return None
    best = min(years, key=lambda y: (abs(y - year), y))
    return best, {m: float(inhabitants[m][best]) for m in members}


def aggregate(name: str, label: str, members: Sequence[str], values: Mapping[str, Mapping[int, float]],
              inhabitants: Mapping[str, Mapping[int, float]] | None = None, *,
              weight_indicator: str = "") -> Aggregate:
    """The series of ``name``: its own table row, else the (weighted) mean of ``members``.

    ``label`` is the short name used in the rule ("BoTu", "NPRZ"). Years where only some
    members have a value use those members, and are flagged.
    """
    own = values.get(name)
    if own:
        return Aggregate(name, dict(sorted(own.items())), TABLE,
                         f"{label} = the table's own {name} row", expected=tuple(members))
    if not members:
        return Aggregate(name, {}, MISSING, f"{label}: no members set and no {name} row in the table")
    with_data = [m for m in members if values.get(m)]
    if not with_data:
        return Aggregate(name, {}, MISSING, f"{label}: no values for {', '.join(members)} and no {name} row",
                         expected=tuple(members))
    inhabitants = inhabitants or {}
    out: dict[int, float] = {}
    weights: dict[int, dict[str, float]] = {}
    weight_years: dict[int, dict[str, float]] = {}  # year of the inhabitants -> area -> inhabitants
    partial: dict[tuple[str, ...], list[int]] = {}
    all_weighted = True
    for year in sorted(set().union(*(set(values[m]) for m in with_data))):
        present = [m for m in members if year in values.get(m, {})]
        if len(present) < len(members):
            partial.setdefault(tuple(present), []).append(year)
        found = _weights_for(year, present, inhabitants)
        if found is None:
            all_weighted = False
            out[year] = round(sum(values[m][year] for m in present) / len(present), 3)
        else:
            weight_years.setdefault(found[0], {}).update(found[1])
            weights[year] = found[1]
            total = sum(found[1].values())
            out[year] = round(sum(values[m][year] * found[1][m] for m in present) / total, 3)
    used = tuple(m for m in members if m in with_data)
    parts = " and ".join([", ".join(used[:-1]), used[-1]] if len(used) > 1 else used)
    source = f"'{weight_indicator}'" if weight_indicator else "inhabitants"
    if len(used) == 1:
        method = WEIGHTED if weights else MEAN
        rule = f"{label} = {used[0]} alone (the only member with values)"
    elif weights:
        method = WEIGHTED
        shown = [f"{wy}: " + ", ".join(f"{m} {_num(n)}" for m, n in w.items())
                 for wy, w in sorted(weight_years.items())]
        rule = (f"{label} = population-weighted mean of {parts} (weights: inhabitants from {source}, "
                + "; ".join(shown) + ")")
        if not all_weighted:
            rule += "; plain mean in " + ", ".join(map(str, sorted(set(out) - set(weights))))
    else:
        method = MEAN
        rule = f"{label} = plain mean of {parts} (inhabitants not known)"
    flags = []
    for with_values, years in partial.items():
        have = ", ".join(with_values) if with_values else "none"
        only = f"{have} only" if with_values else "no member"
        span = "" if len(years) == len(out) else f" in {', '.join(map(str, years))}"
        flags.append(f"{label} = {only}: {len(with_values)} of {len(members)}{span}")
    return Aggregate(name, out, method, rule, members=used, expected=tuple(members), weights=weights,
                     flags=tuple(flags))


def compare(indicator: str, values: Mapping[str, Mapping[int, float]], registry: AreaRegistry, *,
            focus: str = "BoTu", nprz_members: Sequence[str] | None = None,
            inhabitants: Mapping[str, Mapping[int, float]] | None = None,
            weight_indicator: str = "", nprz_expected: int = 3) -> Comparison:
    """BoTu (or ``focus``), the NPRZ group and Rotterdam for one indicator's ``values`` (area -> year -> value)."""
    focus_members = registry.members(focus) if focus in registry.areas else []
    focus_agg = aggregate(focus, focus, focus_members, values, inhabitants, weight_indicator=weight_indicator)
    nprz_area = registry.aggregate("nprz")
    nprz_name = nprz_area.name if nprz_area else "NPRZ-focuswijken"
    members = list(nprz_members or [])
    nprz = aggregate(nprz_name, "NPRZ", members, values, inhabitants, weight_indicator=weight_indicator)
    if nprz.method != TABLE and not members:
        nprz = Aggregate(nprz_name, {}, MISSING,
                         f"NPRZ: no {nprz_name} row in the table and the group's members are not set "
                         f"(the seed compares with {nprz_expected} focuswijken; set them with "
                         "'wijkverhalen indicators nprz PROJECT NAME...' or --nprz)")
    ref_area = registry.aggregate("reference")
    ref_name = ref_area.name if ref_area else "Rotterdam"
    if values.get(ref_name):
        reference = Aggregate(ref_name, dict(sorted(values[ref_name].items())), TABLE,
                              f"{ref_name} = the table's own {ref_name} row (city average)")
    else:
        reference = Aggregate(ref_name, {}, MISSING,
                              f"{ref_name}: no {ref_name} row for this indicator, so no city average to "
                              "compare with")
    parts = {m: dict(sorted(values[m].items())) for m in [*focus_members, *members] if values.get(m)}
    return Comparison(indicator, focus_agg, nprz, reference, parts)


def inhabitants_from(values: Mapping[str, Mapping[str, Mapping[int, float]]],
                     indicator: str | None = None) -> tuple[str, dict[str, dict[int, float]]]:
    """``(indicator id, area -> year -> inhabitants)`` from all values (indicator -> area -> year)."""
    candidates = [indicator] if indicator else [i for i in INHABITANT_INDICATORS if i in values]
    for ind in candidates:
        if ind in values:
            return ind, {a: dict(v) for a, v in values[ind].items()}
    if indicator:
        raise InvalidInput(f"no indicator '{indicator}' to weight by (see 'wijkverhalen indicators list')")
    return "", {}


def compare_in_project(project: Project, indicator: str, *, focus: str = "BoTu",
                       nprz_members: Sequence[str] | None = None, weight_indicator: str | None = None) -> Comparison:
    """:func:`compare` for an indicator of ``project``.

    ``nprz_members`` overrides the project's setting (``indicators nprz``); the weights are
    the inhabitants in ``weight_indicator`` or in the first of :data:`INHABITANT_INDICATORS`
    the project holds.
    """
    if not project.has_indicator(indicator):
        raise NotFound(f"no indicator '{indicator}' (see 'wijkverhalen indicators list')")
    registry = project.area_registry()
    focus = registry.require(focus)
    members = (check_members(nprz_members, registry, "nprz") if nprz_members
               else project.nprz_members() or [])
    values: dict[str, dict[str, dict[int, float]]] = {}
    for row in project.indicator_values():
        values.setdefault(row["indicator"], {}).setdefault(row["area"], {})[row["year"]] = row["value"]
    weight_id, inhabitants = inhabitants_from(values, weight_indicator)
    return compare(indicator, values.get(indicator, {}), registry, focus=focus, nprz_members=members,
                   inhabitants=inhabitants, weight_indicator=weight_id)
