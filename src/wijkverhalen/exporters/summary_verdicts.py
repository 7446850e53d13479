"""Linked indicators of codes, with the triangulation verdict, for the coded summary.

The report shows, per code, the Index+ indicators it is linked to, and in the Index+
section and the method section the verdicts with their evidence and rule. They come
from :func:`wijkverhalen.linking.triangulation.validate` (the same run as
``wijkverhalen validate``), in the Dutch the triangulation module words them in
(``verdict_nl``, ``reason_nl``, ``rule_nl``, ``flags_nl``); :data:`RULE_NL` and
:data:`OPTION_NL` name its rules and settings in the Verantwoording. A failing
validation is an error of the export (a :class:`~wijkverhalen.errors.WijkError`
is one line in the CLI, a dialog in the workbench), never text in the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from ..linking.triangulation import VERDICT_NL, Finding, ValidationOptions, validate
from ..models import Code

if TYPE_CHECKING:
    from ..store import Project

# The triangulation's settings as the Verantwoording names them (others are shown as they are called).
OPTION_NL = {"area": "focusgebied", "min_respondents": "minimum respondenten",
             "mixed_ratio": "drempel gemengd (kleinste / grootste kant)",
             "min_editions": "minimum edities voor verandering",
             "edition_span": "editie telt binnen zoveel jaar van de verhalen", "threshold": "drempel (alle indicatoren)",
             "include_children": "subcodes meetellen", "case": "casus", "coder": "codeur", "code": "code",
             "year_attribute": "attribuut jaar", "role_attribute": "attribuut rol",
             "respondent_attribute": "attribuut respondent", "citation_pattern": "patroon: citeert de enquête",
             "governance_code": "code governance", "sibd_code": "code SIBD", "with_cases": "casussen"}
# The protocol's rule names (English in the triangulation module) as the Verantwoording heads them.
RULE_NL = {"agreement": "consistent met", "partial agreement": "deels consistent",
           "dissonance": "tegenstrijdig", "silence": "stil", "mixed": "gemengd", "passages": "passages",
           "citations": "citaten van de enquête", "stories": "richting van de verhalen",
           "stories speak": "de verhalen spreken", "level": "niveau", "change": "verandering",
           "threshold": "drempel", "valence": "valentie"}


@dataclass(frozen=True)
class VerdictView:
    """A verdict as the report prints it: the Dutch word, the evidence and the rule."""

    key: str  # the verdict as the triangulation module names it
    verdict: str  # Dutch, for the reader
    evidence: str = ""
    rule: str = ""


@dataclass(frozen=True)
class IndicatorNote:
    code_id: str
    code_label: str
    indicator: str
    label: str
    direction: str
    verdict: str | None = None
    detail: str = ""  # the evidence
    rule: str = ""

    @property
    def line(self) -> str:
        text = f"{self.label} ({self.direction})"
        if self.label != self.indicator:
            text += f" [{self.indicator}]"
        if self.verdict:
            text += f": {self.verdict}"
            if self.detail:
                text += f" — {self.detail}"
        return text


@dataclass
class Triangulation:
    """What the report shows of a validation run: notes per code, the rules and thresholds."""

    notes: dict[str, list[IndicatorNote]] = field(default_factory=dict)
    rules: list[tuple[str, str]] = field(default_factory=list)  # (name, text), as the module states them
    options: dict[str, str] = field(default_factory=dict)  # threshold name -> value
    warnings: list[str] = field(default_factory=list)


def verdict_view(finding: Finding, rules: Mapping[str, str] | None = None) -> VerdictView:
    """The verdict of ``finding`` in the report's Dutch: the word, the evidence (with its flags), the rule.

    The rule is the finding's own; failing that, the validation's stated rule for the verdict (``rules``).
    """
    evidence = finding.reason_nl or finding.reason
    flags = "; ".join(finding.flags_nl or finding.flags)
    if flags and flags not in evidence:
        evidence = f"{evidence}; let op: {flags}" if evidence else f"let op: {flags}"
    rule = finding.rule_nl or finding.rule or (rules or {}).get(finding.verdict, "")
    return VerdictView(key=finding.verdict, verdict=finding.verdict_nl or VERDICT_NL[finding.verdict],
                       evidence=evidence, rule=rule)


def _options_table(options: ValidationOptions) -> dict[str, str]:
    words = {True: "ja", False: "nee"}
    return {OPTION_NL.get(k, k): "" if v is None else words.get(v, str(v)) if isinstance(v, bool) else str(v)
            for k, v in asdict(options).items()}


def triangulate(project: Project, case: str | None, codes: Sequence[Code]) -> Triangulation:
    """Code id -> its indicator links with verdicts, plus the rules and settings in force."""
    out = Triangulation()
    if not codes:
        return out
    labels = {i.id: i.label for i in project.indicators()}
    result = validate(project, ValidationOptions(case=case, with_cases=False))
    out.rules = list(result.rules)
    out.options = _options_table(result.options)
    out.warnings = list(result.warnings)
    stated = dict(out.rules)
    views: dict[tuple[str, str], VerdictView] = {}
    for f in result.findings:
        if f.quant.label:
            labels.setdefault(f.indicator, f.quant.label)
        views[(f.code_id, f.indicator)] = verdict_view(f, stated)
    for code in codes:
        for link in code.indicators:
            view = views.get((code.id, link.indicator))
            out.notes.setdefault(code.id, []).append(IndicatorNote(
                code_id=code.id, code_label=code.label, indicator=link.indicator,
                label=labels.get(link.indicator, link.indicator), direction=link.direction,
                verdict=view.verdict if view else None, detail=view.evidence if view else "",
                rule=view.rule if view else ""))
    return out
