"""Frozen dataclasses of the linking inventories: areas, indicator values, actors, mentions.

They travel between the file parsers (:mod:`wijkverhalen.linking`), the store
(:mod:`wijkverhalen.store.linking`), the CLI and the TUI. Kept free of imports so the
store can use them without loading pandas or spaCy (and without importing the
:mod:`wijkverhalen.linking` package: the store sits below it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

AREA_GROUPS = ("botu", "nprz", "reference", "other")
# What kind of place an area is. Rotterdam's wijken (Bospolder, Carnisse) are neighbourhoods,
# its gebieden (Delfshaven, Charlois) districts; BoTu and the NPRZ focus neighbourhoods are
# groups of neighbourhoods. "" means not said (areas added by hand).
AREA_LEVELS = ("neighbourhood", "district", "city", "group", "")
BETTER = ("higher", "lower", "")
# 'suggested': found only through a generic alias ("de gemeente"); counts once confirmed.
MENTION_STATUSES = ("detected", "suggested", "confirmed", "rejected")


@dataclass(frozen=True)
class Area:
    """An area of the Wijkprofiel tables.

    ``group`` is ``botu`` (Bospolder, Tussendijken and BoTu as a whole), ``nprz`` (the
    NPRZ focus neighbourhoods), ``reference`` (the Rotterdam average) or ``other``.
    ``aggregate`` marks the area that stands for its whole group (BoTu, NPRZ-focuswijken,
    Rotterdam); trends are read from it, or from the mean of the group's other areas
    when the table has no aggregate row.
    """

    name: str
    group: str
    aggregate: bool = False
    aliases: tuple[str, ...] = ()
    position: int = 0
    level: str = ""
    district: str = ""  # the gebied a neighbourhood lies in (Bospolder -> Delfshaven)


@dataclass(frozen=True)
class IndicatorValue:
    """One number of an indicator table with where it came from (provenance)."""

    indicator: str
    area: str
    year: int
    value: float
    unit: str = ""
    source: str = ""
    label: str = ""
    row: int | None = None  # 1-based row in the file (header = 1) or sheet
    scale: str = ""  # what the number is measured against ("Rotterdam 2014 = 100")
    better: str = ""  # "higher", "lower" or "" (not said)
    edition: str = ""  # the edition of the source ("Wijkprofiel 2020"); "" = the year


@dataclass(frozen=True)
class IndicatorMeta:
    """What a number of an indicator means: shown wherever its values are shown."""

    unit: str = ""
    scale: str = ""
    better: str = ""
    source: str = ""

    def describe(self) -> str:
        """One line: ``"%; higher is better; source Wijkprofiel"`` (parts that are known)."""
        parts = []
        if self.unit or self.scale:
            parts.append(" ".join(p for p in (self.unit, f"({self.scale})" if self.scale else "") if p))
        if self.better:
            parts.append(f"{self.better} is better")
        if self.source:
            parts.append(f"source {self.source}")
        return "; ".join(parts) or "unit, scale and direction not given"


@dataclass(frozen=True)
class Indicator:
    """An indicator (Index+ / Wijkprofiel) with the values the project holds."""

    id: str
    label: str
    unit: str = ""
    memo: str = ""
    scale: str = ""
    better: str = ""
    source: str = ""  # the indicator's own source (sources of values: ``sources``)
    areas: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    values: int = 0
    sources: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    linked_codes: tuple[str, ...] = ()
    # The smallest difference or change (in the indicator's unit) that triangulation counts;
    # None: the indicator's own median edition-to-edition change.
    threshold: float | None = None

    @property
    def meta(self) -> IndicatorMeta:
        return IndicatorMeta(unit=self.unit, scale=self.scale, better=self.better,
                             source=self.source or ", ".join(self.sources))


@dataclass(frozen=True)
class IndicatorImportReport:
    """What importing an indicator table changed."""

    file: str
    sheet: str
    form: str  # "long", "wide-years" or "wide-indicators"
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_empty: int = 0
    new_indicators: tuple[str, ...] = ()
    new_areas: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # column -> what it was read as


@dataclass(frozen=True)
class Actor:
    """An actor of the neighbourhood network (organisation, initiative, group)."""

    id: str
    name: str
    type: str = ""
    inventory: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    memo: str = ""
    line: int | None = None  # line in the registry file it came from

    def phrases(self) -> list[str]:
        """The name and aliases, for the phrase matcher."""
        return list(dict.fromkeys([self.name, *self.aliases]))


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an actor; ``status`` is set by the researcher."""

    id: int
    actor_id: str
    document_id: int
    start: int
    end: int
    text: str
    status: str = "detected"
    origin: str = "detected"
    document_name: str = ""
    context: str = ""


@dataclass(frozen=True)
class DetectReport:
    documents: int = 0
    found: int = 0
    added: int = 0
    kept: int = 0
    removed: int = 0
    per_actor: dict[str, int] = field(default_factory=dict)
