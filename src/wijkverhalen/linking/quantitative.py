"""The indicator side of a triangulation finding: BoTu's level or change beside the reference areas.

:func:`quantitative` fills a :class:`QuantEvidence` for one link:

* ``level``: BoTu's mean over the editions within ``edition_span`` years of the story
  years (the last edition when the stories have no year), and per reference area
  (Rotterdam, NPRZ) the mean gap over the editions both have;
* ``change``: the Theil–Sen change of BoTu over all editions up to the last story year
  (+ ``edition_span``), and per reference area BoTu's change minus the area's change
  over the same editions, so BoTu moving with the whole city is not read as a BoTu
  effect.

Each gap or relative change is judged against the threshold (:func:`set_threshold`):
the ``--threshold`` option, else the indicator's own, else its median absolute
edition-to-edition change (:mod:`.trends`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models.areas import AreaRegistry
from .trends import change_over, judge, median_step, theil_sen


def plural(n: int, word: str) -> str:
    """``1 passage``, ``2 passages``: counts read as words, never ``passage(s)``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass
class Series:
    area: str
    values: dict[int, float]
    derived_from: tuple[str, ...] = ()  # mean of these areas when the table has no aggregate row
    rule: str = ""  # how the series was made (comparison.Aggregate.rule), to be stated with it
    flags: tuple[str, ...] = ()  # e.g. "NPRZ = Carnisse only: 1 of 3"


@dataclass
class Comparison:
    """BoTu against one reference area: the level gap, or the change beyond the area's change."""

    area: str  # "Rotterdam" or "NPRZ"
    value: float  # BoTu minus the area (level), or BoTu's change minus the area's change
    own: float  # the area's mean level, or its own change
    sign: int  # +1 above / faster, -1 below / slower, 0 within the threshold


@dataclass
class QuantEvidence:
    indicator: str
    label: str = ""
    unit: str = ""
    scale: str = ""
    better: str = ""
    source: str = ""
    imported: bool = False
    focus: Series | None = None
    nprz: Series | None = None
    reference: Series | None = None
    members: list[Series] = field(default_factory=list)
    editions: list[int] = field(default_factory=list)  # every BoTu edition
    years: list[int] = field(default_factory=list)  # the editions used
    window: tuple[int, int] | None = None
    last_edition: int | None = None
    threshold: float | None = None
    threshold_rule: str = ""
    level: float | None = None  # BoTu's mean over the editions used (level)
    slope: float | None = None  # BoTu's Theil-Sen slope per year (change)
    change: float | None = None  # slope x span of the editions used
    first: float | None = None
    last: float | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    direction: int | None = None  # the common sign of the comparisons, None when they differ
    enough: bool = False
    note: str = ""  # why the indicator is silent


def area_series(values: dict[str, dict[int, float]], registry: AreaRegistry, area: str | None,
            members: list[str] | None = None, inhabitants: dict[str, dict[int, float]] | None = None,
            weight_indicator: str = "") -> Series | None:
    """The series of ``area``: its table row, else the (population-weighted) mean of its members."""
    from .comparison import MISSING, TABLE, aggregate

    if area is None:
        return None
    label = "NPRZ" if registry.areas[area].group == "nprz" else area
    agg = aggregate(area, label, registry.members(area) if members is None else members, values, inhabitants,
                    weight_indicator=weight_indicator)
    if agg.method == MISSING or not agg.values:
        return None
    return Series(area, agg.values, derived_from=() if agg.method == TABLE else agg.members, rule=agg.rule,
                  flags=agg.flags)


def num(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    text = f"{x:+.2f}" if signed else f"{x:.2f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("+0", "-0") else text


def set_threshold(q: QuantEvidence, described: Any, o: Any) -> None:
    if o.threshold is not None:
        q.threshold, q.threshold_rule = o.threshold, f"threshold {o.threshold:g} (--threshold)"
        return
    own = getattr(described, "threshold", None)
    if own is not None:
        q.threshold, q.threshold_rule = own, f"threshold {own:g} (set for {q.indicator})"
        return
    step = median_step(q.focus.values) if q.focus else None
    if step is not None:
        q.threshold = step
        q.threshold_rule = f"threshold {num(step)} (median absolute edition-to-edition change of {q.focus.area})"  # type: ignore[union-attr]


def quantitative(q: QuantEvidence, aspect: str, story_years: list[int], o: Any) -> QuantEvidence:
    """Fill the level or change comparison of ``q`` (its series already set) for the stories' years."""
    if q.focus is None:
        q.note = f"no values for {o.area}"
        return q
    focus = q.focus.values
    q.editions = sorted(focus)
    q.last_edition = q.editions[-1]
    refs = [(label, s) for label, s in (("Rotterdam", q.reference), ("NPRZ", q.nprz)) if s is not None]
    if q.threshold is None:
        q.note = f"one edition only and no threshold set (indicators describe {q.indicator} --threshold)"
        return q
    if aspect == "level":
        if story_years:
            lo, hi = min(story_years) - o.edition_span, max(story_years) + o.edition_span
            q.years = [y for y in q.editions if lo <= y <= hi]
        else:
            q.years = q.editions[-1:]
        if not q.years:
            q.note = (f"no edition of {o.area} within {plural(o.edition_span, 'year')} of the stories "
                      f"({min(story_years)}-{max(story_years)}); editions {', '.join(map(str, q.editions))}")
            return q
        q.level = round(sum(focus[y] for y in q.years) / len(q.years), 3)
        for label, s in refs:
            shared = [y for y in q.years if y in s.values]
            if shared:
                own = round(sum(s.values[y] for y in shared) / len(shared), 3)
                gap = round(sum(focus[y] - s.values[y] for y in shared) / len(shared), 3)
                q.comparisons.append(Comparison(label, gap, own, judge(gap, q.threshold) or 0))
    else:
        end = max(story_years) + o.edition_span if story_years else q.editions[-1]
        q.years = [y for y in q.editions if y <= end]
        if len(q.years) < o.min_editions:
            q.note = f"{plural(len(q.years), 'edition')} of {o.area} up to {end}; a change needs {o.min_editions}"
            return q
        used = {y: focus[y] for y in q.years}
        q.slope, q.change = theil_sen(used), change_over(used)
        for label, s in refs:
            theirs = {y: s.values[y] for y in q.years if y in s.values}
            if len(theirs) >= o.min_editions:
                their_change = change_over(theirs)
                assert their_change is not None and q.change is not None
                diff = round(q.change - their_change, 3)
                q.comparisons.append(Comparison(label, diff, their_change, judge(diff, q.threshold) or 0))
    q.window = (q.years[0], q.years[-1])
    q.first, q.last = focus[q.years[0]], focus[q.years[-1]]
    if not q.comparisons:
        q.note = "no reference area (Rotterdam, NPRZ) with values in the same editions"
        return q
    signs = {c.sign for c in q.comparisons}
    q.direction = signs.pop() if len(signs) == 1 else None
    q.enough = True
    return q
