"""Inter-coder agreement per code: Krippendorff's alpha over sentences.

Units are the sentences of documents that at least two of the coders coded (a coder
"coded" a document when they made at least one coding in it). For each code, a
coder's value for a sentence is 1 when one of their passages with that code
overlaps the sentence, else 0; a coder who did not code the document is missing for
its sentences. Alpha is nominal; 1 is perfect agreement, 0 is chance level. A code
that nobody or everybody applied everywhere has no variation and gets no alpha.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .frames import code_tree, codings_frame, expand_to_ancestors

if TYPE_CHECKING:
    import pandas as pd


def agreement(project: Any, coders: Sequence[str] | None = None, *,
              document_ids: Sequence[int] | None = None, include_children: bool = False) -> pd.DataFrame:
    """Per code: ``alpha``, sentences compared, documents, and sentences each coder marked."""
    import krippendorff
    import numpy as np
    import pandas as pd

    tree = code_tree(project)
    codings = codings_frame(project, document_ids=document_ids)
    if include_children:
        codings = expand_to_ancestors(codings, tree)
    chosen = list(coders) if coders else sorted(codings["coder"].unique())
    codings = codings[codings["coder"].isin(chosen)]
    coded_by = codings.groupby("document_id")["coder"].agg(lambda s: set(s))
    shared_docs = [d for d, who in coded_by.items() if len(who) >= 2]
    sentences = project.all_segments("sentence")
    units: list[tuple[int, int, int]] = []  # (document, start, end)
    unit_index: dict[int, list[int]] = {}
    for doc_id in shared_docs:
        first = len(units)
        units.extend((doc_id, s[0], s[1]) for s in sentences.get(doc_id, []))
        unit_index[doc_id] = list(range(first, len(units)))
    starts = {doc_id: [units[u][1] for u in idx] for doc_id, idx in unit_index.items()}
    rows = []
    for code in tree.codes:
        data = np.full((len(chosen), len(units)), np.nan)
        for ci, coder in enumerate(chosen):
            for doc_id in shared_docs:
                if coder in coded_by[doc_id]:
                    data[ci, unit_index[doc_id]] = 0.0
        subset = codings[(codings["code_id"] == code.id) & codings["document_id"].isin(shared_docs)]
        for coder, doc_id, start, end in zip(subset["coder"], subset["document_id"], subset["start"],
                                             subset["end"], strict=True):
            idx: list[int] = unit_index[doc_id]
            k = max(0, bisect.bisect_right(starts[doc_id], int(start)) - 1)
            while k < len(idx) and units[idx[k]][1] < end:
                if units[idx[k]][2] > start:
                    data[chosen.index(coder), idx[k]] = 1.0
                k += 1
        marked = {f"marked:{c}": int(np.nansum(data[i])) for i, c in enumerate(chosen)}
        alpha = float("nan")
        values = data[~np.isnan(data)]
        if len(units) and len(chosen) >= 2 and values.size and 0 < values.sum() < values.size:
            try:
                alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
            except (ValueError, ZeroDivisionError):
                alpha = float("nan")
        rows.append({"code_id": code.id, "label": code.label, "alpha": round(alpha, 4) if alpha == alpha else alpha,
                     "sentences": len(units), "documents": len(shared_docs), **marked})
    return pd.DataFrame(rows).set_index("code_id")
