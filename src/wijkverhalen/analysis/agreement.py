"""Inter-coder agreement per code, over sentences, turns, documents or coded segments.

Which documents count for a coder: those they marked done (``wijkverhalen done``)
when they marked any; otherwise every document compared. In a counted document a
coder who did not apply a code has it *absent* (0); in a document that does not
count for a coder, their values are missing.

Units (``unit``):

* ``sentence`` (default) / ``turn``: a coder's value is 1 when one of their
  passages with the code overlaps the segment, else 0.
* ``document``: 1 when the coder applied the code anywhere in the document.
* ``overlap`` (MAXQDA's segment comparison): every coded passage of every coder is
  a unit; its coder has 1, another coder 1 when they coded a passage with the same
  code that overlaps it by at least ``overlap`` percent of the union of the two
  spans, else 0 (a coder for whom the document does not count is missing).

Measures per code (:mod:`.reliability`): percent agreement, Cohen's kappa (exactly
two coders), Brennan & Prediger's kappa (two categories), Krippendorff's alpha
(binary, any number of coders, missing values) with an optional bootstrap interval.
``nominal_set`` adds one row for a set of mutually exclusive codes: each coder's
value for a unit is the code of the set they applied (or "none").
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from .frames import code_tree, codings_frame, expand_to_ancestors

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Project

UNITS = ("sentence", "turn", "document", "overlap")
SET_ROW = "(nominal set)"
CONSENSUS = "consensus"  # the coder who settles disagreements: compared only when named


@dataclass
class Units:
    """The units of one code: (document, start, end) and a coders x units value matrix."""

    spans: list[tuple[int, int, int]] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)


def counted_documents(project: Project, coders: Sequence[str], documents: Sequence[int]) -> dict[str, set[int]]:
    """Per coder, the documents that count: the ones they marked done, else all."""
    marks = project.done_marks()
    out = {}
    for coder in coders:
        done = marks.get(coder)
        out[coder] = set(documents) & done if done else set(documents)
    return out


def _segment_units(segments: dict[int, list[tuple[int, int]]], spans_by_coder: list[dict[int, list[tuple[int, int]]]],
                   counted: list[set[int]], docs: Sequence[int]) -> Units:
    nan = float("nan")
    units = Units()
    rows: list[list[float]] = [[] for _ in spans_by_coder]
    for doc in docs:
        segs = segments.get(doc, [])
        starts = [s for s, _ in segs]
        for ci, spans in enumerate(spans_by_coder):
            marked = [0.0] * len(segs)
            for start, end in spans.get(doc, []):
                k = max(0, bisect.bisect_right(starts, start) - 1)
                while k < len(segs) and segs[k][0] < end:
                    if segs[k][1] > start:
                        marked[k] = 1.0
                    k += 1
            rows[ci].extend(marked if doc in counted[ci] else [nan] * len(segs))
        units.spans.extend((doc, s, e) for s, e in segs)
    units.rows = rows
    return units


def overlap_share(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection / union of two spans, in percent."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return 100.0 * inter / (max(a[1], b[1]) - min(a[0], b[0]))


def _overlap_units(spans_by_coder: list[dict[int, list[tuple[int, int]]]], counted: list[set[int]],
                   docs: Sequence[int], threshold: float) -> Units:
    nan = float("nan")
    units = Units()
    rows: list[list[float]] = [[] for _ in spans_by_coder]
    for doc in docs:
        for owner, spans in enumerate(spans_by_coder):
            if doc not in counted[owner]:
                continue
            for span in spans.get(doc, []):
                units.spans.append((doc, span[0], span[1]))
                for ci, other in enumerate(spans_by_coder):
                    if ci == owner:
                        rows[ci].append(1.0)
                    elif doc not in counted[ci]:
                        rows[ci].append(nan)
                    else:
                        hit = any(overlap_share(span, o) >= threshold for o in other.get(doc, []))
                        rows[ci].append(1.0 if hit else 0.0)
    units.rows = rows
    return units


def _measures(matrix: Any, coders: Sequence[str], categories: int, bootstrap: int, seed: int) -> dict[str, Any]:
    import numpy as np

    from . import reliability as r

    data = np.asarray(matrix, dtype=float).reshape(len(coders), -1)
    pairable = int(((~np.isnan(data)).sum(axis=0) >= 2).sum())
    percent = r.percent_agreement(data) if pairable else float("nan")
    out: dict[str, Any] = {
        "units": pairable,
        "percent": percent,
        "cohen_kappa": r.cohen_kappa(data[0], data[1]) if len(coders) == 2 and pairable else float("nan"),
        "bp_kappa": r.brennan_prediger(percent, categories),
        "alpha": r.krippendorff_alpha(data) if pairable else float("nan"),
    }
    if bootstrap:
        out["alpha_low"], out["alpha_high"] = r.bootstrap_alpha(data, bootstrap, seed=seed)
    out["reading"] = r.reading(out["alpha"])
    return out


def agreement_units(project: Project, coders: Sequence[str], code_id: str | None = None, *,
                    unit: str = "sentence", overlap: float = 90.0, codings: Any = None,
                    document_ids: Sequence[int] | None = None,
                    segments: dict[int, list[tuple[int, int]]] | None = None) -> Units:
    """The units and values of one code (``codings``: a codings frame, already filtered;
    ``segments``: :func:`unit_segments`, read once for many codes)."""
    if unit not in UNITS:
        raise InvalidInput(f"unit must be one of {', '.join(UNITS)}, not '{unit}'")
    docs = sorted(document_ids) if document_ids is not None else [d.id for d in project.documents()]
    counted_map = counted_documents(project, coders, docs)
    counted = [counted_map[c] for c in coders]
    if codings is None:
        codings = codings_frame(project, document_ids=docs)
    subset = codings[codings["code_id"] == code_id] if code_id is not None else codings
    spans_by_coder: list[dict[int, list[tuple[int, int]]]] = []
    for coder in coders:
        mine = subset[subset["coder"] == coder]
        spans: dict[int, list[tuple[int, int]]] = {}
        for doc, start, end in zip(mine["document_id"], mine["start"], mine["end"], strict=True):
            spans.setdefault(int(doc), []).append((int(start), int(end)))
        spans_by_coder.append(spans)
    if unit == "overlap":
        return _overlap_units(spans_by_coder, counted, docs, overlap)
    if segments is None:
        segments = unit_segments(project, unit, docs)
    return _segment_units(segments, spans_by_coder, counted, docs)


def unit_segments(project: Project, unit: str, docs: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """Document -> (start, end) of its units: sentences, turns, or the whole document."""
    if unit == "document":
        return {d: [(0, project.document_length(d))] for d in docs}
    if unit == "overlap":
        return {}
    return {d: [(s[0], s[1]) for s in segs] for d, segs in project.all_segments(unit).items()}


def agreement(project: Project, coders: Sequence[str] | None = None, *, unit: str = "sentence",
              overlap: float = 90.0, document_ids: Sequence[int] | None = None,
              include_children: bool = False, code_ids: Sequence[str] | None = None,
              nominal_set: Sequence[str] = (), bootstrap: int = 0, seed: int = 0) -> pd.DataFrame:
    """Per code: units, percent agreement, kappas, alpha (and interval), its reading, marks per coder."""
    import numpy as np
    import pandas as pd

    tree = code_tree(project)
    docs = sorted(document_ids) if document_ids is not None else [d.id for d in project.documents()]
    codings = codings_frame(project, document_ids=docs)
    if include_children:
        codings = expand_to_ancestors(codings, tree)
    chosen = list(coders) if coders else sorted(c for c in codings["coder"].unique() if c != CONSENSUS)
    codings = codings[codings["coder"].isin(chosen)]
    counted = counted_documents(project, chosen, docs)
    segments = unit_segments(project, unit, docs)
    rows = []
    for code in tree.codes:
        if code_ids is not None and code.id not in code_ids:
            continue
        units = agreement_units(project, chosen, code.id, unit=unit, overlap=overlap, codings=codings,
                                document_ids=docs, segments=segments)
        data = np.asarray(units.rows, dtype=float).reshape(len(chosen), -1)
        marked = {f"marked:{c}": int(np.nansum(data[i])) for i, c in enumerate(chosen)}
        rows.append({"code_id": code.id, "label": code.label,
                     **_measures(data, chosen, 2, bootstrap, seed), **marked})
    if nominal_set:
        data = nominal_matrix(project, chosen, nominal_set, unit=unit, codings=codings, document_ids=docs)
        rows.append({"code_id": SET_ROW, "label": " | ".join(nominal_set),
                     **_measures(data, chosen, len(nominal_set) + 1, bootstrap, seed)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["code_id", "label", "units", "percent", "cohen_kappa", "bp_kappa",
                                      "alpha", "reading"])
    frame["documents"] = len(set().union(*counted.values())) if counted else 0
    return frame.set_index("code_id")


def nominal_matrix(project: Project, coders: Sequence[str], codes: Sequence[str], *, unit: str = "sentence",
                   codings: Any = None, document_ids: Sequence[int] | None = None) -> Any:
    """Coders x units: 0 for none of ``codes``, i+1 for ``codes[i]`` (the first when several)."""
    import numpy as np

    if unit == "overlap":
        raise InvalidInput("a nominal set needs sentence, turn or document units")
    combined = None
    docs = sorted(document_ids) if document_ids is not None else [d.id for d in project.documents()]
    segments = unit_segments(project, unit, docs)
    for i, code_id in enumerate(codes):
        units = agreement_units(project, coders, code_id, unit=unit, codings=codings, document_ids=document_ids,
                                segments=segments)
        data = np.asarray(units.rows, dtype=float).reshape(len(coders), -1)
        if combined is None:
            combined = np.where(np.isnan(data), np.nan, 0.0)
        combined = np.where((data == 1) & (combined == 0), float(i + 1), combined)
    return combined if combined is not None else np.zeros((len(coders), 0))


def disagreements(project: Project, coders: Sequence[str], *, unit: str = "sentence", overlap: float = 90.0,
                  document_ids: Sequence[int] | None = None, code_ids: Sequence[str] | None = None,
                  include_children: bool = False) -> list[dict[str, Any]]:
    """Every unit where the coders' values for a code differ: document, span, text, who applied it."""
    tree = code_tree(project)
    docs = sorted(document_ids) if document_ids is not None else [d.id for d in project.documents()]
    codings = codings_frame(project, document_ids=docs)
    if include_children:
        codings = expand_to_ancestors(codings, tree)
    names = {d.id: d.name for d in project.documents()}
    segments = unit_segments(project, unit, docs)
    texts: dict[int, str] = {}
    out = []
    for code in tree.codes:
        if code_ids is not None and code.id not in code_ids:
            continue
        units = agreement_units(project, coders, code.id, unit=unit, overlap=overlap, codings=codings,
                                document_ids=docs, segments=segments)
        seen: set[tuple[int, int, int]] = set()
        for k, (doc, start, end) in enumerate(units.spans):
            values = [row[k] for row in units.rows]
            present = [v for v in values if not math.isnan(v)]
            if len(present) < 2 or len(set(present)) < 2 or (doc, start, end) in seen:
                continue
            seen.add((doc, start, end))
            if doc not in texts:
                texts[doc] = project.document_text(doc)
            row = {"document_id": doc, "document": names.get(doc, str(doc)), "start": start, "end": end,
                   "code": code.id,
                   "label": code.label}
            for coder, value in zip(coders, values, strict=True):
                row[coder] = "" if math.isnan(value) else ("applied" if value else "not applied")
            row["text"] = " ".join(texts[doc][start:end].split())
            out.append(row)
    return out
