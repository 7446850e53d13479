"""Triangulation: set the coded stories beside the indicators and give a verdict.

For every code that links indicators (in the codebook YAML or with ``links add``),
and every such link, :func:`validate` gathers

* the qualitative evidence: coded passages (of the code and, by default, its
  sub-codes), documents, respondents by role, years of the stories and the valence
  balance; and
* the quantitative evidence: the indicator's series for the focus area (BoTu), the
  NPRZ focus neighbourhoods and Rotterdam, its change over the years of the stories
  and its level against Rotterdam and NPRZ;

and decides a verdict with the rules of :func:`verdict_rules`, which every output
states. All thresholds are :class:`ValidationOptions`. Pure Python over a few
grouped queries, so 100,000 codings take well under a second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import InvalidInput
from .areas import AreaRegistry

CONVERGES = "converges"
DIVERGES = "diverges"
ONLY_QUALITATIVE = "only qualitative evidence"
ONLY_QUANTITATIVE = "only quantitative evidence"
TOO_LITTLE = "too little evidence"
VERDICTS = (CONVERGES, DIVERGES, ONLY_QUALITATIVE, ONLY_QUANTITATIVE, TOO_LITTLE)
VERDICT_NL = {CONVERGES: "bevestigt", DIVERGES: "spreekt tegen", ONLY_QUALITATIVE: "alleen kwalitatief",
              ONLY_QUANTITATIVE: "alleen kwantitatief", TOO_LITTLE: "te weinig bewijs"}
BASES = ("trend", "level")
DIRECTION_WORDS = {1: "up", -1: "down", 0: "flat"}


@dataclass(frozen=True)
class ValidationOptions:
    """The thresholds of the verdict rules and what to look at."""

    area: str = "BoTu"
    basis: str = "trend"  # compare the stories with the trend, or with the level vs Rotterdam
    min_passages: int = 3  # rated (valenced) passages
    min_documents: int = 2
    min_years: int = 2  # indicator years with a value for the focus area in the window
    min_change: float = 1.0  # in the indicator's unit (percentage points for %)
    balance_threshold: float = 0.2
    lookback: int = 4  # years before the first story year that the trend window starts
    include_children: bool = True
    case: str | None = None
    coder: str | None = None
    code: str | None = None  # only this code (and its sub-codes)
    year_attribute: str = "jaar"
    role_attribute: str = "rol"
    governance_code: str = "governance"
    sibd_code: str = "sibd"
    with_cases: bool = True

    def check(self) -> None:
        if self.basis not in BASES:
            raise InvalidInput(f"basis must be one of {', '.join(BASES)}")
        if min(self.min_passages, self.min_documents, self.min_years, self.lookback) < 0:
            raise InvalidInput("thresholds cannot be negative")
        if not 0 <= self.balance_threshold <= 1:
            raise InvalidInput("the balance threshold must lie between 0 and 1")
        if self.min_change < 0:
            raise InvalidInput("the minimum change cannot be negative")


@dataclass
class QualEvidence:
    passages: int = 0
    documents: int = 0
    positive: int = 0
    negative: int = 0
    mixed: int = 0
    unrated: int = 0
    rated_documents: int = 0
    roles: dict[str, int] = field(default_factory=dict)  # passages per respondent role
    years: dict[int, int] = field(default_factory=dict)  # passages per story year
    balance: float | None = None
    direction: int | None = None
    enough: bool = False

    @property
    def rated(self) -> int:
        return self.positive + self.negative + self.mixed


@dataclass
class Series:
    area: str
    values: dict[int, float]
    derived_from: tuple[str, ...] = ()  # mean of these areas when the table has no aggregate row
    rule: str = ""  # how the series was made (comparison.Aggregate.rule), to be stated with it
    flags: tuple[str, ...] = ()  # e.g. "NPRZ = Carnisse only: 1 of 3"


@dataclass
class QuantEvidence:
    indicator: str
    label: str = ""
    unit: str = ""
    scale: str = ""  # what the numbers mean (indicator metadata, shown with the values)
    better: str = ""
    source: str = ""
    imported: bool = False
    focus: Series | None = None
    nprz: Series | None = None
    reference: Series | None = None
    members: list[Series] = field(default_factory=list)
    window: tuple[int, int] | None = None
    years: list[int] = field(default_factory=list)  # focus-area years inside the window
    first: float | None = None
    last: float | None = None
    change: float | None = None
    vs_reference: float | None = None
    vs_nprz: float | None = None
    gap_change: float | None = None  # change of (focus - Rotterdam) over the window
    direction: int | None = None
    enough: bool = False


@dataclass
class Finding:
    code_id: str
    code_label: str
    indicator: str
    link_direction: str
    qual: QualEvidence
    quant: QuantEvidence
    expected: int | None
    verdict: str
    reason: str


@dataclass
class Validation:
    options: ValidationOptions
    rules: list[tuple[str, str]]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)
    unlinked: list[tuple[str, str, int]] = field(default_factory=list)  # coded codes without links
    cases: list[Any] = field(default_factory=list)  # cases.CaseView, one per case
    case: str | None = None
    inclusiveness: Any = None  # network.Inclusiveness when the project has actor mentions

    def counts(self) -> dict[str, int]:
        found = Counter(f.verdict for f in self.findings)
        return {v: found.get(v, 0) for v in VERDICTS}


def verdict_rules(o: ValidationOptions) -> list[tuple[str, str]]:
    """The rules, worded with the thresholds in force; every output states them."""
    scope = "the code and its sub-codes" if o.include_children else "the code itself (not its sub-codes)"
    if o.basis == "trend":
        quant = (f"the change of {o.area} from the first to the last indicator year of the window "
                 f"[first story year - {o.lookback}, last story year] (all years when the stories have no "
                 f"'{o.year_attribute}'): up when >= +{o.min_change:g}, down when <= -{o.min_change:g} "
                 "(in the indicator's unit, points for %), flat otherwise")
    else:
        quant = (f"the level of {o.area} minus Rotterdam in the last indicator year of the window "
                 f"[first story year - {o.lookback}, last story year]: up (above) when >= +{o.min_change:g}, "
                 f"down (below) when <= -{o.min_change:g}, flat otherwise")
    return [
        ("valence", "a passage's valence says whether the story finds much or more of the coded theme "
                    "(positive: trust is strong, loneliness is severe), little or less of it (negative), or "
                    "both (mixed); passages without a valence count as evidence but not for direction"),
        ("passages", f"passages are the codings of {scope}"
                     + (f" by coder {o.coder}" if o.coder else "") + (f" in case {o.case}" if o.case else "")),
        ("qualitative direction", f"balance = (positive - negative) / rated passages; up when >= "
                                  f"+{o.balance_threshold:g}, down when <= -{o.balance_threshold:g}, flat "
                                  "otherwise; a '-' link turns it around (more of the theme should go "
                                  "with a lower value)"),
        ("enough stories", f">= {o.min_passages} rated passages from >= {o.min_documents} documents"),
        ("quantitative direction", quant),
        ("enough indicator data", f">= {o.min_years} years with a value for {o.area} in the window"),
        (CONVERGES, "enough stories and enough indicator data, and the direction the stories point to "
                    "equals the indicator's direction (flat = flat counts as agreeing)"),
        (DIVERGES, "enough stories and enough indicator data, and the directions differ"),
        (ONLY_QUALITATIVE, "enough stories, not enough indicator data (or the indicator is not imported)"),
        (ONLY_QUANTITATIVE, "enough indicator data, not enough stories"),
        (TOO_LITTLE, "neither enough stories nor enough indicator data"),
    ]


# ----------------------------------------------------------------------------- evidence


def _sign(value: float, threshold: float) -> int:
    if value >= threshold and value > 0:
        return 1
    if value <= -threshold and value < 0:
        return -1
    return 0


def _parse_year(value: str | None) -> int | None:
    if not value:
        return None
    text = str(value).strip()[:4]
    return int(text) if text.isdigit() else None


class _Evidence:
    """Codings grouped per code once, then summed over any code subtree."""

    def __init__(self, rows: list[tuple[str, int, str | None, int]], roles: dict[int, str],
                 years: dict[int, int | None]) -> None:
        self.by_code: dict[str, list[tuple[int, str | None, int]]] = defaultdict(list)
        for code_id, doc_id, valence, n in rows:
            self.by_code[code_id].append((doc_id, valence, n))
        self.roles = roles
        self.years = years

    def collect(self, code_ids: list[str], o: ValidationOptions) -> QualEvidence:
        q = QualEvidence()
        docs: set[int] = set()
        rated_docs: set[int] = set()
        roles: Counter[str] = Counter()
        years: Counter[int] = Counter()
        for code_id in code_ids:
            for doc_id, valence, n in self.by_code.get(code_id, ()):
                q.passages += n
                docs.add(doc_id)
                if valence == "positive":
                    q.positive += n
                elif valence == "negative":
                    q.negative += n
                elif valence == "mixed":
                    q.mixed += n
                else:
                    q.unrated += n
                if valence:
                    rated_docs.add(doc_id)
                roles[self.roles.get(doc_id, "?")] += n
                year = self.years.get(doc_id)
                if year is not None:
                    years[year] += n
        q.documents, q.rated_documents = len(docs), len(rated_docs)
        q.roles = dict(sorted(roles.items()))
        q.years = dict(sorted(years.items()))
        if q.rated:
            q.balance = round((q.positive - q.negative) / q.rated, 3)
            q.direction = _sign(q.balance, o.balance_threshold)
        q.enough = q.rated >= o.min_passages and q.rated_documents >= o.min_documents and q.rated > 0
        return q


def _series(values: dict[str, dict[int, float]], registry: AreaRegistry, area: str | None,
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


def _quant(indicator: str, meta: dict[str, tuple[str, str]], values: dict[str, dict[int, float]],
           registry: AreaRegistry, focus_area: str, story_years: list[int],
           o: ValidationOptions, setup: dict[str, Any] | None = None) -> QuantEvidence:
    label, unit = meta.get(indicator, (indicator, ""))
    q = QuantEvidence(indicator=indicator, label=label or indicator, unit=unit, imported=indicator in meta)
    if not q.imported:
        return q
    setup = setup or {}
    described = setup.get("indicators", {}).get(indicator)
    if described is not None:
        q.scale, q.better, q.source = described.scale, described.better, described.meta.source
    weights = {"inhabitants": setup.get("inhabitants"), "weight_indicator": setup.get("weight_indicator", "")}
    q.focus = _series(values, registry, focus_area, **weights)
    ref = registry.aggregate("reference")
    nprz = registry.aggregate("nprz")
    if ref is not None and ref.name != focus_area:
        q.reference = _series(values, registry, ref.name)
    if nprz is not None and nprz.name != focus_area:
        q.nprz = _series(values, registry, nprz.name, setup.get("nprz_members"), **weights)
    q.members = [Series(m, dict(sorted(values[m].items()))) for m in registry.members(focus_area) if values.get(m)]
    if q.focus is None:
        return q
    all_years = sorted(q.focus.values)
    if story_years:
        q.window = (min(story_years) - o.lookback, max(story_years))
    else:
        q.window = (all_years[0], all_years[-1])
    q.years = [y for y in all_years if q.window[0] <= y <= q.window[1]]
    if not q.years:
        return q
    first, last = q.years[0], q.years[-1]
    q.first, q.last = q.focus.values[first], q.focus.values[last]
    q.change = round(q.last - q.first, 3)
    if q.reference and last in q.reference.values:
        q.vs_reference = round(q.last - q.reference.values[last], 3)
        if first in q.reference.values and first != last:
            q.gap_change = round(q.vs_reference - (q.first - q.reference.values[first]), 3)
    if q.nprz and last in q.nprz.values:
        q.vs_nprz = round(q.last - q.nprz.values[last], 3)
    q.enough = len(q.years) >= o.min_years
    if o.basis == "trend":
        q.direction = _sign(q.change, o.min_change) if len(q.years) >= 2 else None
    else:
        q.direction = _sign(q.vs_reference, o.min_change) if q.vs_reference is not None else None
        q.enough = q.enough and q.vs_reference is not None
    if q.direction is None:
        q.enough = False
    return q


def _fmt(x: float | None, unit: str = "", signed: bool = False) -> str:
    if x is None:
        return "-"
    text = f"{x:+.1f}" if signed else f"{x:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return text + ("%" if unit == "%" and not signed else (" pt" if unit == "%" else ""))


def _decide(qual: QualEvidence, quant: QuantEvidence, link_sign: int, o: ValidationOptions) -> tuple[int | None, str, str]:
    expected = qual.direction * link_sign if qual.direction is not None else None
    parts = []
    if qual.rated:
        parts.append(f"stories {DIRECTION_WORDS[qual.direction or 0]} (balance {qual.balance:+.2f}: "
                     f"{qual.positive}+ {qual.negative}- {qual.mixed}± of {qual.passages} passages in "
                     f"{qual.documents} docs)")
    else:
        parts.append(f"{qual.passages} passage(s), none rated" if qual.passages else "no coded passages")
    if expected is not None:
        parts.append(f"so the indicator should go {DIRECTION_WORDS[expected]}" + (" (link '-')" if link_sign < 0 else ""))
    if not quant.imported:
        parts.append("indicator not imported")
    elif quant.focus is None:
        parts.append(f"no values for {o.area}")
    elif not quant.years:
        parts.append(f"no {o.area} values in {quant.window[0]}-{quant.window[1]}" if quant.window else "no values")
    elif o.basis == "trend":
        parts.append(f"{o.area} {_fmt(quant.first, quant.unit)} -> {_fmt(quant.last, quant.unit)} "
                     f"({quant.years[0]}-{quant.years[-1]}, {_fmt(quant.change, quant.unit, True)}): "
                     f"{DIRECTION_WORDS.get(quant.direction, '?') if quant.direction is not None else 'one year only'}")
    else:
        parts.append(f"{o.area} {_fmt(quant.last, quant.unit)} in {quant.years[-1]}, "
                     f"{_fmt(quant.vs_reference, quant.unit, True)} vs Rotterdam: "
                     f"{DIRECTION_WORDS.get(quant.direction, '?') if quant.direction is not None else '?'}")
    if qual.enough and quant.enough:
        verdict = CONVERGES if expected == quant.direction else DIVERGES
    elif qual.enough:
        verdict = ONLY_QUALITATIVE
    elif quant.enough:
        verdict = ONLY_QUANTITATIVE
    else:
        verdict = TOO_LITTLE
    return expected, verdict, "; ".join(parts)


# ----------------------------------------------------------------------------- entry point


def _subtrees(codes: list[Any]) -> dict[str, list[str]]:
    """Code id -> the id and all ids below it, in tree order."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for c in codes:
        children[c.parent_id].append(c.id)
    out: dict[str, list[str]] = {}

    def walk(code_id: str) -> list[str]:
        if code_id not in out:
            ids = [code_id]
            for child in children.get(code_id, ()):
                ids.extend(walk(child))
            out[code_id] = ids
        return out[code_id]

    for c in codes:
        walk(c.id)
    return out


@dataclass
class Context:
    """Everything read once from the project that the findings of any subset of documents need."""

    project: Any
    options: ValidationOptions
    registry: AreaRegistry
    focus: str
    codes: list[Any]
    trees: dict[str, list[str]]
    meta: dict[str, tuple[str, str]]  # indicator -> (label, unit)
    values: dict[str, dict[str, dict[int, float]]]  # indicator -> area -> year -> value
    roles: dict[int, str]
    years: dict[int, int | None]
    # Indicator metadata, NPRZ members and inhabitants for the comparison areas (linking.comparison).
    setup: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, project: Any, o: ValidationOptions) -> Context:
        registry = project.area_registry()
        focus = registry.require(o.area)
        codes = project.codes()
        if o.code and o.code not in {c.id for c in codes}:
            project.code(o.code)  # raises NotFound with the usual hint
        values: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
        for row in project.indicator_values():
            values[row["indicator"]][row["area"]][row["year"]] = row["value"]
        from .comparison import inhabitants_from

        described = project.indicators()
        weight_indicator, inhabitants = inhabitants_from(values)
        setup = {"indicators": {i.id: i for i in described}, "nprz_members": project.nprz_members(),
                 "inhabitants": inhabitants, "weight_indicator": weight_indicator}
        return cls(project=project, options=o, registry=registry, focus=focus, codes=codes,
                   trees=_subtrees(codes), meta={i.id: (i.label, i.unit) for i in described},
                   values=values, roles=project.attribute_map(o.role_attribute),
                   years={d: _parse_year(v) for d, v in project.attribute_map(o.year_attribute).items()},
                   setup=setup)

    def evidence(self, document_ids: list[int] | None) -> _Evidence:
        rows = self.project.coding_evidence(document_ids=document_ids, coder=self.options.coder)
        return _Evidence(rows, self.roles, self.years)

    def findings(self, evidence: _Evidence) -> list[Finding]:
        o = self.options
        wanted = set(self.trees[o.code]) if o.code else None
        out = []
        for code in self.codes:
            if not code.indicators or (wanted is not None and code.id not in wanted):
                continue
            qual = evidence.collect(self.trees[code.id] if o.include_children else [code.id], o)
            for link in code.indicators:
                quant = _quant(link.indicator, self.meta, self.values.get(link.indicator, {}), self.registry,
                               self.focus, list(qual.years), o, self.setup)
                expected, verdict, reason = _decide(qual, quant, -1 if link.direction == "-" else 1, o)
                out.append(Finding(code.id, code.label, link.indicator, link.direction, qual, quant,
                                   expected, verdict, reason))
        return out


def validate(project: Any, options: ValidationOptions = ValidationOptions()) -> Validation:
    """Compute the findings (and case views) for ``project`` under ``options``."""
    options.check()
    o = replace(options, case=project.resolve_case(options.case)) if options.case else options
    ctx = Context.read(project, o)
    doc_ids = project.case_document_ids(o.case) if o.case else None
    evidence = ctx.evidence(doc_ids)
    findings = ctx.findings(evidence)
    result = Validation(options=o, rules=verdict_rules(o), findings=findings, case=o.case)
    missing = sorted({f.indicator for f in findings if not f.quant.imported})
    if missing:
        result.warnings.append("linked indicator(s) not imported: " + ", ".join(missing))
    if not ctx.meta:
        result.warnings.append("no indicators imported yet (wijkverhalen indicators import PROJECT FILE)")
    # The comparison areas: a missing Rotterdam row and an incomplete group are said, not left blank.
    no_city = sorted({f.indicator for f in findings if f.quant.imported and f.quant.reference is None})
    if no_city:
        result.warnings.append("no Rotterdam row (city average) for: " + ", ".join(no_city))
    flagged: dict[str, list[str]] = {}
    for f in findings:
        for series in (f.quant.focus, f.quant.nprz):
            for flag in series.flags if series is not None else ():
                flagged.setdefault(flag, []).append(f.indicator)
    for flag, inds in flagged.items():
        result.warnings.append(f"{flag} ({', '.join(sorted(set(inds)))})")
    if not findings:
        result.warnings.append("no code links an indicator (codebook 'indicators:' or 'wijkverhalen links add')")
    for code in ctx.codes:
        if not code.indicators and code.id in evidence.by_code:
            result.unlinked.append((code.id, code.label, sum(r[2] for r in evidence.by_code[code.id])))
    if project.mention_units(document_ids=doc_ids):
        from .network import NetworkOptions, inclusiveness

        result.inclusiveness = inclusiveness(project, NetworkOptions(case=o.case))
    if o.with_cases:
        from .cases import case_view

        for name in [o.case] if o.case else sorted(project.cases()):
            result.cases.append(case_view(ctx, name))
    return result
