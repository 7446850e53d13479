"""Robust change and variation of an indicator series, for triangulation.

A Wijkprofiel series has few editions (2014, 2016, 2018, 2020) and swings between
them, so the first-to-last difference says little. Here:

* :func:`theil_sen` is the Theil–Sen slope (per year): the median of the slopes of
  all pairs of editions, robust to one odd edition. ``scipy.stats.theilslopes`` is
  used when scipy is installed; the fallback computes the same median.
* :func:`median_step` is the indicator's own edition-to-edition variation: the median
  absolute change between consecutive editions, the default threshold below which a
  difference or a change is not told apart from the series' usual movement.
* :func:`judge` turns a difference into +1 / -1 / 0 against a threshold.

Pure Python; no pandas.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median


def theil_sen(values: Mapping[int, float]) -> float | None:
    """The Theil–Sen slope per year of ``values`` (year -> value); None with fewer than 2 years."""
    years = sorted(values)
    if len(years) < 2:
        return None
    try:  # scipy is optional: the same median of pairwise slopes when it is present
        from scipy.stats import theilslopes  # type: ignore[import-untyped]
    except ImportError:
        slopes = [(values[b] - values[a]) / (b - a) for i, a in enumerate(years) for b in years[i + 1:]]
        return round(float(median(slopes)), 6)
    return round(float(theilslopes([values[y] for y in years], years)[0]), 6)


def median_step(values: Mapping[int, float]) -> float | None:
    """Median absolute change between consecutive editions; None with fewer than 2 editions."""
    years = sorted(values)
    steps = [abs(values[b] - values[a]) for a, b in zip(years, years[1:], strict=False)]
    return round(float(median(steps)), 6) if steps else None


def change_over(values: Mapping[int, float]) -> float | None:
    """The Theil–Sen slope times the span of the editions: the change of the fitted line."""
    slope = theil_sen(values)
    if slope is None:
        return None
    return round(slope * (max(values) - min(values)), 6)


def judge(value: float | None, threshold: float) -> int | None:
    """+1 when ``value`` >= threshold (and > 0), -1 when <= -threshold (and < 0), else 0."""
    if value is None:
        return None
    if value >= threshold and value > 0:
        return 1
    if value <= -threshold and value < 0:
        return -1
    return 0
