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


def unit_counts(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """``counts[u, c]``: how many coders gave pairable unit ``u`` the value ``values[c]``."""
    arr = _pairable(data)
    values = np.unique(arr[~np.isnan(arr)])
    if not len(values):
        return np.zeros((arr.shape[1], 0)), values
    return np.stack([(arr == v).sum(axis=0) for v in values], axis=1).astype(float), values


def coincidences_from_counts(counts: np.ndarray) -> np.ndarray:
    """Pairs of values within a unit, each ordered pair once, weighted 1/(m_u - 1)."""
    m = counts.sum(axis=1)
    weighted = counts / (m - 1)[:, None] if len(m) else counts
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def coincidences(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's coincidence matrix ``o[c, k]`` and the values ``c`` it is indexed by."""
    counts, values = unit_counts(data)
    return coincidences_from_counts(counts), values


def _alpha(o: np.ndarray) -> float:
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return NAN
    observed = o.sum() - np.trace(o)
    expected = (n * n - (n_c * n_c).sum()) / (n - 1)
    if expected == 0:
        return NAN
    return float(1 - observed / expected)


def krippendorff_alpha(data: Any) -> float:
    """Nominal alpha = 1 - D_o / D_e; NaN when there are no pairable values or no variation."""
    o, _ = coincidences(data)
    return _alpha(o)


def percent_agreement(data: Any) -> float:
    """Agreeing pairs of values within units / all pairs (for two coders: agreeing units / units)."""
    counts, _ = unit_counts(data)
    m = counts.sum(axis=1)
    pairs = float((m * (m - 1)).sum()) / 2
    agree = float((counts * (counts - 1)).sum()) / 2
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
    counts, _ = unit_counts(data)
    units = counts.shape[0]
    if samples <= 0 or units == 0:
        return NAN, NAN
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(samples):
        value = _alpha(coincidences_from_counts(counts[rng.integers(0, units, units)]))
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
