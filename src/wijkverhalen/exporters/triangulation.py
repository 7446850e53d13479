"""Linked indicators of codes, with the triangulation verdict, for the report.

The report shows, per code, the Index+ indicators it is linked to, and in the Index+
section and the method section the verdicts with their evidence and rule.
Triangulation (``wijkverhalen.linking.triangulation``) is developed beside the
report, so everything the report needs from a verdict goes through one small
adapter, :func:`verdict_view`: it reads whatever the finding offers (a Dutch
verdict, evidence, a rule) and falls back to the older fields. The report never
prints a verdict word the method does not support ("bevestigt"): the older English
verdicts are worded in the triangulation protocol's Dutch vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Code

if TYPE_CHECKING:
    from ..store import Project

# The older verdicts (English keys) in the protocol's Dutch vocabulary; used when the
# triangulation module does not give a Dutch word itself, or gives one that claims too much.
LEGACY_NL = {
    "converges": "consistent met",
    "diverges": "tegenstrijdig",
    "only qualitative evidence": "stil (alleen verhalen)",
    "only quantitative evidence": "stil (alleen cijfers)",
    "too little evidence": "te weinig gegevens",
}
# The triangulation's settings as the Verantwoording names them (others are shown as they are called).
OPTION_NL = {"area": "focusgebied", "basis": "vergelijking (trend of niveau)", "min_passages": "minimum passages",
             "min_documents": "minimum documenten", "min_respondents": "minimum respondenten",
             "min_years": "minimum edities", "min_change": "minimale verandering",
             "balance_threshold": "drempel balans", "lookback": "jaren terug vóór de verhalen",
             "include_children": "subcodes meetellen", "case": "casus", "coder": "codeur", "code": "code",
             "year_attribute": "attribuut jaar", "role_attribute": "attribuut rol",
             "governance_code": "code governance", "sibd_code": "code SIBD", "with_cases": "casussen",
             "mixed_ratio": "drempel gemengd (kleinste / grootste kant)", "min_editions": "minimum edities voor verandering",
             "edition_span": "editie telt binnen zoveel jaar van de verhalen", "threshold": "drempel (alle indicatoren)",
             "respondent_attribute": "attribuut respondent", "citation_pattern": "patroon: citeert de enquête"}
# The protocol's rule names (English in the triangulation module) as the Verantwoording heads them.
RULE_NL = {**LEGACY_NL, "agreement": "consistent met", "partial agreement": "deels consistent",
           "dissonance": "tegenstrijdig", "silence": "stil", "mixed": "gemengd", "passages": "passages",
           "citations": "citaten van de enquête", "stories": "richting van de verhalen",
           "stories speak": "de verhalen spreken", "level": "niveau", "change": "verandering",
           "threshold": "drempel", "valence": "valentie"}
OVERCLAIMING = frozenset({"bevestigt", "bevestigd", "spreekt tegen"})


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
    note: str = ""  # why verdicts are absent, if they are


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # an Enum
        return value.value
    if isinstance(value, (list, tuple)):
        return "; ".join(t for t in (_text(v) for v in value) if t)
    for name in ("text", "summary", "nl", "label"):
        inner = getattr(value, name, None)
        if isinstance(inner, str) and inner:
            return inner
    return str(value)


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return None


def verdict_view(finding: Any, dutch: Mapping[str, str] | None = None,
                 rules: Mapping[str, str] | None = None) -> VerdictView:
    """The verdict of ``finding`` (any triangulation model) in the report's Dutch.

    Looks for a Dutch word on the finding (``verdict_nl``, ``label_nl``, ``dutch``),
    then in ``dutch`` (the module's ``VERDICT_NL``), then in :data:`LEGACY_NL`;
    evidence in ``evidence``/``reason``; the rule in ``rule`` or, by the verdict's
    key, in ``rules`` (the validation's stated rules).
    """
    raw = _first(finding, "verdict", "status")
    key = _text(_first(raw, "key", "name", "value") if raw is not None and not isinstance(raw, str) else raw)
    word = _text(_first(finding, "verdict_nl", "label_nl", "dutch"))
    if not word and raw is not None and not isinstance(raw, str):
        word = _text(_first(raw, "nl", "dutch", "label"))
    if not word:
        word = (dutch or {}).get(key, "")
    if not word or word.casefold() in OVERCLAIMING:
        word = LEGACY_NL.get(key, key)
    evidence = _text(_first(finding, "reason_nl", "evidence", "reason", "detail", "explanation"))
    flags = _text(_first(finding, "flags_nl", "flags"))
    if flags and flags not in evidence:
        evidence = f"{evidence}; let op: {flags}" if evidence else f"let op: {flags}"
    rule = _text(_first(finding, "rule_nl", "rule", "rule_text"))
    if not rule and rules:
        rule = rules.get(key, "") or rules.get(word, "")
    return VerdictView(key=key, verdict=word, evidence=evidence, rule=rule)


def _validate(project: Project, case: str | None) -> Any:
    from ..linking import triangulation

    options = triangulation.ValidationOptions
    kwargs: dict[str, Any] = {"case": case}
    if "with_cases" in getattr(options, "__dataclass_fields__", {}):
        kwargs["with_cases"] = False
    return triangulation.validate(project, options(**kwargs)), getattr(triangulation, "VERDICT_NL", {})


def _options_table(options: Any) -> dict[str, str]:
    from dataclasses import asdict, is_dataclass

    if not is_dataclass(options) or isinstance(options, type):
        return {}
    words = {True: "ja", False: "nee"}
    return {OPTION_NL.get(k, k): "" if v is None else words.get(v, str(v)) if isinstance(v, bool) else str(v)
            for k, v in asdict(options).items()}


def triangulate(project: Project, case: str | None, codes: Sequence[Code]) -> Triangulation:
    """Code id -> its indicator links with verdicts, plus the rules in force (see module docstring)."""
    out = Triangulation()
    if not codes:
        return out
    try:
        labels = {i.id: i.label for i in project.indicators()}
    except Exception:  # noqa: BLE001 - the linking store may be absent
        labels = {}
    views: dict[tuple[str, str], VerdictView] = {}
    try:
        result, dutch = _validate(project, case)
    except Exception as exc:  # noqa: BLE001 - an unfinished or failing module must not sink the report
        out.note = f"Triangulatie niet beschikbaar ({type(exc).__name__}: {exc}); alleen gekoppelde indicatoren."
        result, dutch = None, {}
    if result is not None:
        out.rules = [(_text(name), _text(text)) for name, text in getattr(result, "rules", [])]
        out.options = _options_table(getattr(result, "options", None))
        out.warnings = [_text(w) for w in getattr(result, "warnings", [])]
        stated = dict(out.rules)
        for f in getattr(result, "findings", []):
            code_id, indicator = _text(_first(f, "code_id", "code")), _text(_first(f, "indicator", "indicator_id"))
            label = _text(getattr(getattr(f, "quant", None), "label", ""))
            if label and indicator:
                labels.setdefault(indicator, label)
            views[(code_id, indicator)] = verdict_view(f, dutch, stated)
    for code in codes:
        for link in code.indicators:
            view = views.get((code.id, link.indicator))
            out.notes.setdefault(code.id, []).append(IndicatorNote(
                code_id=code.id, code_label=code.label, indicator=link.indicator,
                label=labels.get(link.indicator, link.indicator), direction=link.direction,
                verdict=view.verdict if view else None, detail=view.evidence if view else "",
                rule=view.rule if view else ""))
    return out


def indicator_notes(project: Project, case: str | None, codes: Sequence[Code]
                    ) -> tuple[dict[str, list[IndicatorNote]], str]:
    """Code id -> its indicator links (with verdicts if available), and a note for the report."""
    result = triangulate(project, case, codes)
    return result.notes, result.note
