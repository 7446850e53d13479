"""Reliability measures on a coders x units matrix (NaN = missing), as published.

* :func:`krippendorff_alpha` - Krippendorff (2011), "Computing Krippendorff's
  Alpha-Reliability": coincidence matrix over pairable values, any number of
  coders, missing values allowed; nominal distance (binary codes are nominal
  with two values).
* :func:`cohen_kappa` - Cohen (1960): two coders, units both coded.
* :func:`brennan_prediger` - Brennan & Prediger (1981): chance agreement 1/q for
  q categories, as MAXQDA reports it.
* :func:`percent_agreement` - the share of agreeing pairs of values within units.
* :func:`bootstrap_alpha` - a percentile interval from resampling units (seeded).

All take plain numpy arrays and return floats (NaN where a measure is undefined:
no pairable values, or no variation).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

NAN = float("nan")


def _pairable(data: Any) -> np.ndarray:
    """The units (columns) with two or more values."""
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError("reliability data must be coders x units")
    counts = (~np.isnan(arr)).sum(axis=0)
    return arr[:, counts >= 2]


def coincidences(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's coincidence matrix ``o[c, k]`` and the values ``c`` it is indexed by."""
    arr = _pairable(data)
    values = np.unique(arr[~np.isnan(arr)])
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in arr.T:
        present = unit[~np.isnan(unit)]
        m = len(present)
        counts = np.zeros(len(values))
        for v in present:
            counts[index[v]] += 1
        # pairs of values within the unit, each ordered pair once, weighted 1/(m-1)
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return o, values


def krippendorff_alpha(data: Any) -> float:
    """Nominal alpha = 1 - D_o / D_e; NaN when there are no pairable values or no variation."""
    o, _ = coincidences(data)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return NAN
    observed = o.sum() - np.trace(o)
    expected = (n * n - (n_c * n_c).sum()) / (n - 1)
    if expected == 0:
        return NAN
    return float(1 - observed / expected)


def percent_agreement(data: Any) -> float:
    """Agreeing pairs of values within units / all pairs (for two coders: agreeing units / units)."""
    arr = _pairable(data)
    agree = pairs = 0.0
    for unit in arr.T:
        present = unit[~np.isnan(unit)]
        m = len(present)
        _, counts = np.unique(present, return_counts=True)
        agree += float((counts * (counts - 1)).sum()) / 2
        pairs += m * (m - 1) / 2
    return agree / pairs if pairs else NAN


def cohen_kappa(first: Any, second: Any) -> float:
    """Cohen's kappa of two coders over the units both coded."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    if not len(a):
        return NAN
    observed = float((a == b).mean())
    categories = np.union1d(a, b)
    expected = float(sum((a == c).mean() * (b == c).mean() for c in categories))
    if expected == 1:
        return NAN
    return (observed - expected) / (1 - expected)


def brennan_prediger(observed: float, categories: int) -> float:
    """Brennan & Prediger's kappa: ``(p_o - 1/q) / (1 - 1/q)`` for ``q`` categories."""
    if categories < 2 or math.isnan(observed):
        return NAN
    chance = 1 / categories
    return (observed - chance) / (1 - chance)


def bootstrap_alpha(data: Any, samples: int, *, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """A percentile interval for alpha from ``samples`` resamples of the pairable units."""
    arr = _pairable(data)
    if samples <= 0 or arr.shape[1] == 0:
        return NAN, NAN
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(samples):
        pick = rng.integers(0, arr.shape[1], arr.shape[1])
        value = krippendorff_alpha(arr[:, pick])
        if not math.isnan(value):
            found.append(value)
    if not found:
        return NAN, NAN
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(found, [tail, 100 - tail])
    return float(low), float(high)


def reading(alpha: float) -> str:
    """The usual reading of alpha (Krippendorff 2004): >= .800 reliable, >= .667 tentative."""
    if math.isnan(alpha):
        return "no variation"
    if alpha >= 0.800:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "not reliable"
