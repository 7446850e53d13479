"""Linked indicators of codes, with the triangulation verdict when the linking package gives one.

The report shows, per code, the Index+ indicators it is linked to. Triangulation
(``wijkverhalen.linking.triangulation``) compares the coded stories with the
indicators and gives a verdict per code and indicator ("consistent met",
"deels consistent", "tegenstrijdig", "stil"). That package is developed beside this one and may be missing or
have no indicator data yet, so this adapter asks it defensively and falls back to
the bare links stored on the codes; the report then says why verdicts are absent.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..models import Code

_CANDIDATES = ("code_verdicts", "verdicts_by_code", "verdicts", "triangulate")


@dataclass(frozen=True)
class IndicatorNote:
    code_id: str
    code_label: str
    indicator: str
    label: str
    direction: str
    verdict: str | None = None
    detail: str = ""

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


def _field(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "value") and isinstance(value.value, str):  # an Enum
        return value.value
    return str(value)


def _call_linking(project: Any, case: str | None, codes: Sequence[Code]) -> Iterable[Any] | None:
    try:
        from ..linking import triangulation
    except ImportError:
        return None
    validate = getattr(triangulation, "validate", None)
    options = getattr(triangulation, "ValidationOptions", None)
    if callable(validate) and options is not None:
        # The linking package's own entry point: findings per code and indicator.
        options_kwargs: dict[str, Any] = {"case": case}
        if "with_cases" in getattr(options, "__dataclass_fields__", {}):
            options_kwargs["with_cases"] = False
        result = validate(project, options(**options_kwargs))
        dutch = getattr(triangulation, "VERDICT_NL", {})
        return [{"code_id": f.code_id, "indicator": f.indicator,
                 "verdict": dutch.get(f.verdict, f.verdict), "detail": getattr(f, "reason", ""),
                 "label": getattr(getattr(f, "quant", None), "label", "")}
                for f in getattr(result, "findings", [])]
    for name in _CANDIDATES:
        func = getattr(triangulation, name, None)
        if not callable(func):
            continue
        params = inspect.signature(func).parameters
        kwargs: dict[str, Any] = {}
        if "case" in params:
            kwargs["case"] = case
        if "code_ids" in params:
            kwargs["code_ids"] = [c.id for c in codes]
        result = func(project, **kwargs)
        if isinstance(result, dict):
            items: list[Any] = []
            for code_id, value in result.items():
                for v in value if isinstance(value, (list, tuple)) else [value]:
                    items.append({"code_id": code_id, "item": v})
            return items
        if hasattr(result, "verdicts"):
            return list(result.verdicts)
        return list(result)
    return None


def indicator_notes(project: Any, case: str | None, codes: Sequence[Code]
                    ) -> tuple[dict[str, list[IndicatorNote]], str]:
    """Code id -> its indicator links (with verdicts if available), and a note for the report."""
    if not codes:
        return {}, ""
    labels: dict[str, str] = {}
    try:
        labels = {i.id: i.label for i in project.indicators()}
    except Exception:  # noqa: BLE001 - the linking store may be absent
        labels = {}
    verdicts: dict[tuple[str, str], tuple[str, str]] = {}
    note = ""
    try:
        raw = _call_linking(project, case, codes)
    except Exception as exc:  # noqa: BLE001 - an unfinished or failing module must not sink the report
        raw = None
        note = f"Triangulatie niet beschikbaar ({type(exc).__name__}: {exc})."
    if raw is None and not note:
        note = "Triangulatie niet beschikbaar; alleen gekoppelde indicatoren."
    for entry in raw or []:
        item = entry["item"] if isinstance(entry, dict) and "item" in entry else entry
        code_id = _field(entry, "code_id") if isinstance(entry, dict) and "item" in entry else None
        code_id = code_id or _text(_field(item, "code_id", "code"))
        if hasattr(code_id, "id"):
            code_id = code_id.id
        indicator = _text(_field(item, "indicator_id", "indicator"))
        if hasattr(_field(item, "indicator"), "id"):
            indicator = _field(item, "indicator").id
        verdict = _text(_field(item, "verdict", "status"))
        label = _text(_field(item, "label")) if isinstance(item, dict) else ""
        if label and indicator:
            labels.setdefault(indicator, label)
        detail = _text(_field(item, "detail", "explanation", "summary", "reason", "message"))
        if code_id and indicator and verdict:
            verdicts[(str(code_id), str(indicator))] = (verdict, detail)
    out: dict[str, list[IndicatorNote]] = {}
    for code in codes:
        for link in code.indicators:
            found = verdicts.get((code.id, link.indicator))
            out.setdefault(code.id, []).append(IndicatorNote(
                code_id=code.id, code_label=code.label, indicator=link.indicator,
                label=labels.get(link.indicator, link.indicator), direction=link.direction,
                verdict=found[0] if found else None, detail=found[1] if found else ""))
    if verdicts:
        note = ""
    return out, note
