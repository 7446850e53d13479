"""The Index+ section of the report: BoTu beside the NPRZ group and Rotterdam, per edition.

For every indicator linked to a theme in the report, :func:`index_section` gives an
:class:`IndexIndicator`: the series of BoTu, the NPRZ focus neighbourhoods and
Rotterdam (and BoTu's own neighbourhoods) for each edition, made by
:func:`wijkverhalen.linking.comparison.aggregate` (through ``compare``), the
aggregation rule and its flags in Dutch, the indicator's metadata (unit, scale,
which direction is better, source) and the provenance of every figure (source,
edition, file and row), and the verdicts of the codes linked to it. The seed's two
example indicators (Fig. 1.4 and 1.5) come first, under the seed's own headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .summary_verdicts import IndicatorNote

if TYPE_CHECKING:
    from ..store import Project

# The seed's own headings above its two example indicators (Delfshaven Helpt index+).
SEED_HEADINGS = {
    "gemeente_ondersteunt_initiatieven": "Bestaande netwerken ondersteunen (Fig. 1.4)",
    "vertrouwen_gebiedsbestuur": "Vertrouwen (Fig. 1.5)",
}
BETTER_NL = {"higher": "hoger is beter", "lower": "lager is beter", "": "niet opgegeven"}


def number_nl(x: float | None) -> str:
    """A figure as the Dutch report writes it: decimal comma, '–' when missing."""
    if x is None:
        return "–"
    text = f"{x:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return text.replace(".", ",")


def _num(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".") if abs(x) >= 100 else number_nl(x)


def _join(names: Sequence[str]) -> str:
    names = list(names)
    return " en ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def rule_nl(agg: Any, label: str) -> str:
    """The aggregation rule of a :class:`~wijkverhalen.linking.comparison.Aggregate`, in Dutch."""
    from ..linking.comparison import MEAN, MISSING, TABLE, WEIGHTED

    if agg.method == TABLE:
        return f"{label} = de eigen rij '{agg.area}' van de tabel"
    if agg.method == MISSING:
        expected = f" (verwacht: {_join(agg.expected)})" if agg.expected else ""
        return f"{label}: geen rij '{agg.area}' in de tabel en geen waarden van de deelgebieden{expected}"
    if len(agg.members) == 1:
        return f"{label} = alleen {agg.members[0]} (het enige deelgebied met waarden)"
    if agg.method == WEIGHTED:
        shown: dict[tuple[tuple[str, float], ...], list[int]] = {}
        for year, w in sorted(agg.weights.items()):
            shown.setdefault(tuple(w.items()), []).append(year)
        weights = "; ".join(", ".join(f"{m} {_num(n)}" for m, n in w) + f" ({', '.join(map(str, ys))})"
                            for w, ys in shown.items())
        text = f"{label} = naar aantal inwoners gewogen gemiddelde van {_join(agg.members)} (inwoners: {weights})"
        plain = sorted(set(agg.values) - set(agg.weights))
        if plain:
            text += "; ongewogen in " + ", ".join(map(str, plain))
        return text
    assert agg.method == MEAN
    return f"{label} = ongewogen gemiddelde van {_join(agg.members)} (aantal inwoners onbekend)"


_FLAG = re.compile(r"^(?P<label>.*?) = (?:(?P<have>.*) only|no member): (?P<n>\d+) of (?P<of>\d+)(?: in (?P<years>.*))?$")


def flag_nl(agg: Any, label: str) -> list[str]:
    """The flags of an aggregate (an incomplete group: "NPRZ = Carnisse only: 1 of 3"), in Dutch."""
    out = []
    for flag in agg.flags:
        m = _FLAG.match(flag)
        if m is None:
            out.append(flag)
            continue
        have = f"alleen {m['have']}" if m["have"] else "geen deelgebied"
        text = f"{label} = {have}: {m['n']} van {m['of']}"
        out.append(text + (f" in {m['years']}" if m["years"] else ""))
    return out


@dataclass
class IndexIndicator:
    """One indicator of the Index+ section (see module docstring)."""

    id: str
    label: str
    heading: str
    unit: str = ""
    scale: str = ""
    better: str = ""
    source: str = ""
    columns: list[str] = field(default_factory=list)  # BoTu, NPRZ-focuswijken, Rotterdam, parts
    rows: list[tuple[int, list[float | None]]] = field(default_factory=list)  # edition year -> values
    rules: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    notes: list[IndicatorNote] = field(default_factory=list)
    series: dict[str, dict[int, float]] = field(default_factory=dict)  # for the plot

    @property
    def meta_line(self) -> str:
        unit = self.unit or "geen eenheid opgegeven"
        bits = [f"Eenheid: {unit}", f"schaal: {self.scale or 'niet opgegeven'}",
                f"richting: {BETTER_NL.get(self.better, self.better)}"]
        if self.source:
            bits.append(f"bron: {self.source}")
        return "; ".join(bits) + "."


def _provenance(rows: list[dict[str, Any]]) -> list[str]:
    """Where the figures come from: per source and file, the edition and the row of each figure.

    Only the file's name is shown (a local folder does not belong in a published report).
    """
    per: dict[tuple[str, str], dict[tuple[int, str], list[str]]] = {}
    for r in rows:
        file = PurePath(r.get("file") or "").name
        sheet = f", blad {r['sheet']}" if r.get("sheet") else ""
        editions = per.setdefault((r.get("source") or "", file + sheet), {})
        where = r["area"] + (f" r. {r['row']}" if r.get("row") else "")
        editions.setdefault((r["year"], r.get("edition") or ""), []).append(where)
    out = []
    for (source, file), editions in per.items():
        head = f"Bron: {source or 'niet opgegeven'}" + (f"; bestand {file}" if file else "")
        lines = [f"{year}" + (f" ({edition})" if edition and edition != str(year) else "") + ": " + ", ".join(where)
                 for (year, edition), where in sorted(editions.items())]
        out.append(head + ". Rijen per editie: " + "; ".join(lines) + ".")
    return out


def index_section(project: Project, indicator_ids: Sequence[str], notes: Sequence[IndicatorNote],
                  focus: str = "BoTu") -> list[IndexIndicator]:
    """The Index+ indicators for ``indicator_ids`` (imported ones; see module docstring)."""
    from ..linking.comparison import compare, inhabitants_from

    try:
        described = {i.id: i for i in project.indicators()}
        all_rows = project.indicator_values()
        registry = project.area_registry()
        nprz_members = project.nprz_members() or []
    except AttributeError:  # a project without the linking store
        return []
    values: dict[str, dict[str, dict[int, float]]] = {}
    rows_of: dict[str, list[dict[str, Any]]] = {}
    for row in all_rows:
        values.setdefault(row["indicator"], {}).setdefault(row["area"], {})[row["year"]] = row["value"]
        rows_of.setdefault(row["indicator"], []).append(row)
    weight_id, inhabitants = inhabitants_from(values)
    wanted = [i for i in dict.fromkeys(indicator_ids) if i in described]
    wanted.sort(key=lambda i: (i not in SEED_HEADINGS, list(SEED_HEADINGS).index(i) if i in SEED_HEADINGS else 0,
                               described[i].label.casefold()))
    out = []
    for ind in wanted:
        meta = described[ind]
        comparison = compare(ind, values.get(ind, {}), registry, focus=focus, nprz_members=nprz_members,
                             inhabitants=inhabitants, weight_indicator=weight_id)
        groups = [(comparison.focus, focus), (comparison.nprz, "NPRZ"), (comparison.reference, "Rotterdam")]
        series = {agg.area: agg.values for agg, _ in groups if agg.values}
        series.update({name: vals for name, vals in comparison.parts.items()
                       if name in registry.members(focus) and name not in series})
        columns = [agg.area for agg, _ in groups] + [p for p in series if p not in {a.area for a, _ in groups}]
        years = sorted({y for s in series.values() for y in s})
        heading = SEED_HEADINGS.get(ind, meta.label)
        if ind in SEED_HEADINGS:
            heading = f"{heading}: {meta.label}"
        item = IndexIndicator(
            id=ind, label=meta.label, heading=heading, unit=meta.unit, scale=meta.scale, better=meta.better,
            source=meta.source or ", ".join(meta.sources), columns=columns,
            rows=[(y, [series.get(c, {}).get(y) for c in columns]) for y in years],
            rules=[rule_nl(agg, label) for agg, label in groups],
            flags=[f for agg, label in groups for f in flag_nl(agg, label)],
            provenance=_provenance(rows_of.get(ind, [])),
            notes=[n for n in notes if n.indicator == ind], series=series)
        out.append(item)
    return out
