"""Triangulation: set the coded stories beside the Wijkprofiel indicators, in a protocol's terms.

For every code-indicator link (codebook YAML or ``links add``) :func:`validate`
gives one :class:`Finding` with the vocabulary of a triangulation protocol:

* **agreement** (*consistent met*): the indicator points the stories' way against
  every reference area with data;
* **partial agreement** (*deels consistent*): against some reference areas, not all;
  or the stories are mixed (*gemengd*), so only some of them can agree;
* **dissonance** (*tegenstrijdig*): against none (within the threshold, or the other way);
* **silence** (*stil*): one source says nothing: too few respondents (the stories
  are silent), or no usable indicator data (the indicator is silent), or both.

A verdict says whether two sources are consistent, never that one proves the other.

How the two sides are compared follows the link's ``aspect``:

* ``level`` (default): the stories say how much of the theme there is, so BoTu's level
  is compared with the reference areas (Rotterdam, the NPRZ group) in the editions
  that overlap the stories' period (story years ± ``edition_span``);
* ``change``: the stories say it grows or shrinks, so BoTu's robust change (Theil–Sen
  slope over all editions up to the stories' period, times its span) is compared with
  each reference area's change: BoTu moving with the whole city is no evidence for a
  BoTu story.

A difference counts only beyond the threshold: ``--threshold`` if given, else the
indicator's own (``indicators describe --threshold``), else its median absolute
edition-to-edition change (:mod:`.trends`). The qualitative side counts unique
passages and respondents (:mod:`.passages`); passages citing the survey are left out.

Data model (read by the exporters; all plain dataclasses, ``asdict`` gives JSON):

``Validation``: ``options`` (:class:`ValidationOptions`), ``rules`` [(name, text)],
``findings`` [Finding], ``warnings`` [str], ``unlinked`` [(code, label, passages)],
``cases`` [cases.CaseView], ``case``, ``inclusiveness``; ``counts()`` per verdict.

``Finding``: ``code_id``, ``code_label``, ``indicator``, ``link_direction`` ("+"/"-"),
``aspect`` ("level"/"change"), ``hypothesis`` (bool), ``qual`` (passages.QualEvidence:
``passages``, ``respondents``, ``documents``, ``codings``, ``positive``, ``negative``,
``mixed``, ``unrated``, ``rated_respondents``, ``roles``, ``years``, ``claim``
("up"/"down"/"mixed"/""), ``direction``, ``enough``, ``quotes`` and ``citations``
[passages.Passage]), ``quant`` (:class:`QuantEvidence`), ``expected`` (+1/-1/None: the
way the indicator should point), ``verdict`` (one of :data:`VERDICTS`), ``verdict_nl``,
``silent`` ("stories"/"indicator"/"both"/""), ``rule`` (the rule that fired, with its
thresholds), ``reason`` (the evidence in one line) and ``flags`` [str] (stories after
the last edition, citations left out, a missing reference area...); ``rule_nl``,
``reason_nl`` and ``flags_nl`` say the same in Dutch, for Dutch outputs.

``QuantEvidence``: indicator metadata (``label``, ``unit``, ``scale``, ``better``,
``source``, ``imported``), the series (``focus``, ``nprz``, ``reference``, ``members``:
:class:`Series`), ``editions`` (all BoTu editions), ``years`` (the editions used),
``window``, ``last_edition``, ``threshold`` with ``threshold_rule``, ``level`` (BoTu's
mean in the editions used), ``slope`` (per year) and ``change`` (BoTu), ``first``/``last``,
``comparisons`` [:class:`Comparison`: ``area``, ``value`` (level gap, or change minus
the area's change), ``own`` (the area's level or change), ``sign``], ``direction``,
``enough`` and ``note`` (why it is silent).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..models.areas import AreaRegistry
from .passages import CITATION_PATTERN, DocumentTexts, PassageIndex, QualEvidence
from .quantitative import (
    Comparison,
    QuantEvidence,
    Series,
    area_series,
    num,
    plural,
    quantitative,
    set_threshold,
)
from .wording_nl import evidence_nl, flags_nl, rule_nl

if TYPE_CHECKING:
    from ..store import Project

__all__ = ["AGREEMENT", "PARTIAL", "DISSONANCE", "SILENCE", "VERDICTS", "VERDICT_NL", "Comparison", "Finding",
           "QualEvidence", "QuantEvidence", "Series", "Validation", "ValidationOptions", "validate"]

AGREEMENT = "agreement"
PARTIAL = "partial agreement"
DISSONANCE = "dissonance"
SILENCE = "silence"
VERDICTS = (AGREEMENT, PARTIAL, DISSONANCE, SILENCE)
VERDICT_NL = {AGREEMENT: "consistent met", PARTIAL: "deels consistent", DISSONANCE: "tegenstrijdig",
              SILENCE: "stil"}
SILENT_NL = {"stories": "de verhalen zwijgen", "indicator": "de indicator zwijgt", "both": "beide zwijgen"}
CLAIM_NL = {"up": "veel/meer", "down": "weinig/minder", "mixed": "gemengd", "": "geen valentie"}
ASPECTS = ("level", "change")
DIRECTION_WORDS = {1: "up", -1: "down", 0: "within threshold"}


@dataclass(frozen=True)
class ValidationOptions:
    """The thresholds of the verdict rules and what to look at."""

    area: str = "BoTu"
    min_respondents: int = 3  # respondents with a rated passage for the stories to speak
    mixed_ratio: float = 0.5  # smaller side / larger side from which stories are mixed
    min_editions: int = 3  # editions needed for a change (robust slope)
    edition_span: int = 1  # an edition overlaps the stories when within this many years of them
    threshold: float | None = None  # overrides every indicator's threshold
    include_children: bool = True
    case: str | None = None
    coder: str | None = None
    code: str | None = None  # only this code (and its sub-codes)
    year_attribute: str = "jaar"
    role_attribute: str = "rol"
    respondent_attribute: str = "respondent"
    citation_pattern: str = CITATION_PATTERN  # passages matching it cite the survey: left out
    governance_code: str = "governance"
    sibd_code: str = "sibd"
    with_cases: bool = True

    def check(self) -> None:
        if min(self.min_respondents, self.min_editions, self.edition_span) < 0:
            raise InvalidInput("thresholds cannot be negative")
        if not 0 < self.mixed_ratio <= 1:
            raise InvalidInput("the mixed ratio must lie above 0 and at most 1")
        if self.threshold is not None and not 0 <= self.threshold < float("inf"):
            raise InvalidInput("the threshold must be a number >= 0")


@dataclass
class Finding:
    code_id: str
    code_label: str
    indicator: str
    link_direction: str
    aspect: str
    hypothesis: bool
    qual: QualEvidence
    quant: QuantEvidence
    expected: int | None
    verdict: str
    verdict_nl: str
    silent: str
    rule: str
    reason: str
    flags: list[str] = field(default_factory=list)
    # The same in Dutch, for Dutch outputs (linking.wording_nl).
    rule_nl: str = ""
    reason_nl: str = ""
    flags_nl: list[str] = field(default_factory=list)


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
    threshold = (f"{o.threshold:g} (--threshold)" if o.threshold is not None else
                 "the indicator's own threshold (indicators describe --threshold), else its median absolute "
                 "edition-to-edition change")
    return [
        ("passages", f"unique passages of {scope}" + (f" by coder {o.coder}" if o.coder else "")
         + (f" in case {o.case}" if o.case else "") + ": overlapping spans in one document count once, "
         "whatever the coders or codes; a passage's valence is the one its codings agree on, mixed when they "
         f"differ; respondents by the document attribute '{o.respondent_attribute}' (else one per document)"),
        ("citations", "a passage that cites the indicator or survey (wijkprofiel, index, enquête, cijfers, "
                      "procent, a percentage...) is left out of the evidence and listed separately"),
        ("stories", f"up when positive passages outnumber negative ones, down when the reverse; mixed (gemengd) "
                    f"when the smaller side is >= {o.mixed_ratio:g} of the larger or mixed passages outnumber "
                    "both; a '-' link turns up and down around"),
        ("stories speak", f">= {o.min_respondents} respondents with a rated passage"),
        ("level", f"{o.area} minus Rotterdam and minus NPRZ, averaged over the editions within "
                  f"{plural(o.edition_span, 'year')} of the story years (the last edition when stories have no "
                  f"'{o.year_attribute}'): above / below when beyond the threshold"),
        ("change", f"Theil-Sen slope over all editions up to the last story year + {o.edition_span}, times "
                   f"their span; BoTu's change minus Rotterdam's and minus NPRZ's: faster / slower when beyond "
                   f"the threshold; >= {o.min_editions} editions needed"),
        ("threshold", threshold),
        (AGREEMENT, "the stories speak, the indicator has data, and it points the stories' way against every "
                    "reference area with data"),
        (PARTIAL, "it points the stories' way against some reference areas but not all; or the stories are "
                  "mixed (only some of them can agree)"),
        (DISSONANCE, "it points the stories' way against no reference area (within the threshold or opposite)"),
        (SILENCE, "the stories do not speak (too few respondents, or no rated passage), or the indicator has no "
                  "usable data (not imported, no reference area, no edition in the stories' period, too few "
                  "editions for a change), or both"),
    ]


def _parse_year(value: str | None) -> int | None:
    if not value:
        return None
    text = str(value).strip()[:4]
    return int(text) if text.isdigit() else None



# ----------------------------------------------------------------------------- the verdict


def decide(qual: QualEvidence, quant: QuantEvidence, link_sign: int, aspect: str,
           o: ValidationOptions) -> tuple[int | None, str, str, str]:
    """``(expected, verdict, silent, rule)`` for one link: the rule that fired, with its thresholds."""
    expected = qual.direction * link_sign if qual.direction is not None else None
    if not qual.enough or not quant.enough:
        silent = "both" if not qual.enough and not quant.enough else "stories" if not qual.enough else "indicator"
        why = []
        if not qual.enough:
            why.append(f"the stories do not speak ({plural(qual.rated_respondents, 'respondent')} with a rated passage, "
                       f"{o.min_respondents} needed)" if qual.claim else "the stories do not speak (no rated passage)")
        if not quant.enough:
            why.append("the indicator is silent (" + (quant.note or "not imported") + ")")
        return expected, SILENCE, silent, f"{SILENCE}: " + "; ".join(why)
    against = "level against" if aspect == "level" else "change beyond that of"
    t = quant.threshold_rule
    if qual.claim == "mixed":
        return expected, PARTIAL, "", (f"{PARTIAL}: the stories are mixed ({qual.positive}+ {qual.negative}- "
                                       f"{qual.mixed}±; mixed ratio {o.mixed_ratio:g}), so only some of them can "
                                       "agree with the indicator")
    words = {1: "above" if aspect == "level" else "faster up", -1: "below" if aspect == "level" else "faster down"}
    matching = [c.area for c in quant.comparisons if c.sign == expected]
    areas = ", ".join(c.area for c in quant.comparisons)
    assert expected is not None
    if len(matching) == len(quant.comparisons):
        return expected, AGREEMENT, "", (f"{AGREEMENT}: {o.area} is {words[expected]} ({against} {areas}) "
                                         f"beyond the {t}, as the stories say")
    if matching:
        rest = ", ".join(c.area for c in quant.comparisons if c.sign != expected)
        return expected, PARTIAL, "", (f"{PARTIAL}: {o.area} is {words[expected]} beyond the {t} against "
                                       f"{', '.join(matching)}, not against {rest}")
    return expected, DISSONANCE, "", (f"{DISSONANCE}: the stories expect {o.area} {words[expected]} "
                                      f"({against} {areas}), but it is not beyond the {t}, or points the other way")


def describe(qual: QualEvidence, quant: QuantEvidence, link_sign: int, aspect: str, o: ValidationOptions) -> str:
    """The evidence of a finding in one line: passages, respondents, numbers, slopes."""
    parts = []
    if qual.passages or qual.citations:
        parts.append(f"stories {qual.claim or 'unrated'}: {plural(qual.passages, 'passage')} of "
                     f"{plural(qual.respondents, 'respondent')} ({qual.positive}+ {qual.negative}- {qual.mixed}± "
                     f"{qual.unrated} unrated; {plural(qual.codings, 'coding')})")
    else:
        parts.append("no coded passages")
    if link_sign < 0 and qual.direction is not None:
        parts.append("link '-': the indicator should go the other way")
    if not quant.imported:
        parts.append("indicator not imported")
    elif quant.enough:
        unit = " pt" if quant.unit == "%" else ""
        if aspect == "level":
            head = f"{o.area} level {num(quant.level)} in {', '.join(map(str, quant.years))}"
        else:
            head = (f"{o.area} {num(quant.first)} -> {num(quant.last)} ({quant.years[0]}-{quant.years[-1]}), "
                    f"Theil-Sen {num(quant.slope, True)}/yr, change {num(quant.change, True)}{unit}")
        comps = "; ".join(f"vs {c.area} {num(c.value, True)}{unit} ({c.area} {num(c.own)})"
                          for c in quant.comparisons)
        parts.append(f"{head}; {comps}; {quant.threshold_rule}")
    elif quant.note:
        parts.append(quant.note)
    return "; ".join(parts)


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

    project: Project
    options: ValidationOptions
    registry: AreaRegistry
    focus: str
    codes: list[Any]
    trees: dict[str, list[str]]
    meta: dict[str, tuple[str, str]]  # indicator -> (label, unit)
    values: dict[str, dict[str, dict[int, float]]]  # indicator -> area -> year -> value
    roles: dict[int, str]
    years: dict[int, int | None]
    respondents: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    # Indicator metadata, NPRZ members and inhabitants for the comparison areas (linking.comparison).
    setup: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, project: Project, o: ValidationOptions) -> Context:
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
                   respondents=project.attribute_map(o.respondent_attribute), names=project.document_names(),
                   setup=setup)

    def evidence(self, document_ids: list[int] | None) -> PassageIndex:
        # All spans are read once; a case view sees the same index through its documents.
        if "index" not in self.setup:
            texts = DocumentTexts(self.project.document_text, self.options.citation_pattern)
            self.setup["index"] = PassageIndex(self.project.passage_spans(coder=self.options.coder),
                                               names=self.names, respondents=self.respondents, roles=self.roles,
                                               years=self.years, texts=texts)
        index: PassageIndex = self.setup["index"]
        return index if document_ids is None else index.restricted(document_ids)

    def quant(self, indicator: str, aspect: str, story_years: list[int]) -> QuantEvidence:
        o, setup = self.options, self.setup
        label, unit = self.meta.get(indicator, (indicator, ""))
        q = QuantEvidence(indicator=indicator, label=label or indicator, unit=unit, imported=indicator in self.meta)
        if not q.imported:
            q.note = "indicator not imported"
            return q
        values = self.values.get(indicator, {})
        described = setup["indicators"].get(indicator)
        if described is not None:
            q.scale, q.better, q.source = described.scale, described.better, described.meta.source
        weights = {"inhabitants": setup.get("inhabitants"), "weight_indicator": setup.get("weight_indicator", "")}
        q.focus = area_series(values, self.registry, self.focus, **weights)
        ref, nprz = self.registry.aggregate("reference"), self.registry.aggregate("nprz")
        if ref is not None and ref.name != self.focus:
            q.reference = area_series(values, self.registry, ref.name)
        if nprz is not None and nprz.name != self.focus:
            q.nprz = area_series(values, self.registry, nprz.name, setup.get("nprz_members"), **weights)
        q.members = [Series(m, dict(sorted(values[m].items()))) for m in self.registry.members(self.focus)
                     if values.get(m)]
        set_threshold(q, described, o)
        return quantitative(q, aspect, story_years, o)

    def findings(self, evidence: PassageIndex) -> list[Finding]:
        o = self.options
        wanted = set(self.trees[o.code]) if o.code else None
        out = []
        for code in self.codes:
            if not code.indicators or (wanted is not None and code.id not in wanted):
                continue
            qual = evidence.collect(self.trees[code.id] if o.include_children else [code.id], o)
            for link in code.indicators:
                aspect = getattr(link, "aspect", "level")
                sign = -1 if link.direction == "-" else 1
                quant = self.quant(link.indicator, aspect, list(qual.years))
                expected, verdict, silent, rule = decide(qual, quant, sign, aspect, o)
                flags = _flags(qual, quant, o)
                found = Finding(code.id, code.label, link.indicator, link.direction, aspect, link.hypothesis,
                                qual, quant, expected, verdict, VERDICT_NL[verdict], silent, rule,
                                describe(qual, quant, sign, aspect, o), flags)
                found.rule_nl, found.reason_nl = rule_nl(found, o), evidence_nl(found, o)
                found.flags_nl = flags_nl(found)
                out.append(found)
        return out


def _flags(qual: QualEvidence, quant: QuantEvidence, o: ValidationOptions) -> list[str]:
    flags = []
    if quant.last_edition is not None:
        late = Counter(p.year for p in qual.quotes if p.year is not None and p.year > quant.last_edition)
        if late:
            years = ", ".join(f"{y} ({plural(n, 'passage')})" for y, n in sorted(late.items()))
            flags.append(f"stories later than the last edition ({quant.last_edition}): {years}; "
                         "the indicator cannot show that period yet")
    if qual.citations:
        flags.append(f"{plural(len(qual.citations), 'passage')} citing the indicator or survey left out")
    if quant.imported and quant.focus is not None and not any(c.area == "NPRZ" for c in quant.comparisons) \
            and quant.enough:
        flags.append("no NPRZ comparison in these editions")
    if quant.imported and quant.enough and not any(c.area == "Rotterdam" for c in quant.comparisons):
        flags.append("no Rotterdam comparison in these editions")
    if qual.passages and not qual.years:
        flags.append(f"the stories have no '{o.year_attribute}': compared with the last edition")
    return flags


def validate(project: Project, options: ValidationOptions = ValidationOptions()) -> Validation:
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
        result.warnings.append("linked indicators not imported: " + ", ".join(missing))
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
    late = sorted({f.quant.last_edition for f in findings if f.quant.last_edition is not None
                   and any(p.year is not None and p.year > f.quant.last_edition for p in f.qual.quotes)})
    if late:
        result.warnings.append("some stories are later than the last indicator edition "
                               f"({', '.join(map(str, late))}): the indicator cannot show that period yet")
    if not findings:
        result.warnings.append("no code links an indicator (codebook 'indicators:' or 'wijkverhalen links add')")
    for code in ctx.codes:
        if not code.indicators and code.id in evidence.by_code:
            result.unlinked.append((code.id, code.label, len(evidence.passages([code.id]))))
    if project.mention_units(document_ids=doc_ids):
        from .network import NetworkOptions, inclusiveness

        result.inclusiveness = inclusiveness(project, NetworkOptions(case=o.case))
    if o.with_cases:
        from .cases import case_view

        for name in [o.case] if o.case else sorted(project.cases()):
            result.cases.append(case_view(ctx, name))
    return result
