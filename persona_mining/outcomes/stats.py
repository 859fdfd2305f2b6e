"""Figures of groups: counts, sums and sums of squares per group (they add up across
partitions and periods), Wilson intervals for rates, Student t intervals for means, and
the privacy minimum."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..privacy import MIN_GROUP_SIZE
from .reading import RATE, OutcomeSpec

ALL, UNASSIGNED = "all", "unassigned"     # group names next to the persona ids
Z95 = 1.959963984540054                   # two-sided 95 % normal quantile (Wilson)

def group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group code 0..n_groups-1: [customers with a value, sum, sum of squares].
    Rows with a negative code or a missing value are left out. Sums add up across
    partitions, so every engine and every period share :func:`estimate`."""
    ok = np.isfinite(values) & (codes >= 0) & (codes < n_groups)
    c, v = codes[ok], values[ok]
    return np.column_stack([np.bincount(c, minlength=n_groups).astype(np.float64),
                            np.bincount(c, weights=v, minlength=n_groups),
                            np.bincount(c, weights=v * v, minlength=n_groups)])


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a rate k / n."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(n: float, total: float, squares: float) -> tuple[float, float]:
    """Student t interval of a mean from n, sum and sum of squares."""
    from scipy import stats

    if n < 2:
        return math.nan, math.nan
    mean = total / n
    var = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return mean - half, mean + half


def estimate(kind: str, sums: Sequence[float]) -> tuple[float, float, float]:
    """(value, low, high) of one group from its [n, sum, sum of squares]."""
    n, total, squares = (float(x) for x in sums)
    if n <= 0:
        return math.nan, math.nan, math.nan
    value = total / n
    low, high = wilson(total, n) if kind == RATE else t_interval(n, total, squares)
    return value, low, high


@dataclass(frozen=True)
class OutcomeFigure:
    """One outcome of one group (a persona, the unassigned, or all customers)."""

    spec: OutcomeSpec
    group: str
    size: int                 # customers in the group
    n: int                    # ... who have a value for this outcome
    value: float | None       # rate (0-1) or mean; None when suppressed
    low: float | None         # 95 % interval
    high: float | None
    overall: float | None     # the same over all customers
    ratio: float | None       # value / overall (when both are >= 0 and overall > 0)
    differs: int              # +1 interval above overall, -1 below, 0 cannot tell
    suppressed: bool          # fewer than MIN_GROUP_SIZE customers with a value

    @property
    def column(self) -> str:
        return self.spec.column

    @property
    def kind(self) -> str:
        return self.spec.kind


def figure(spec: OutcomeSpec, group: str, size: int, sums: Sequence[float],
           overall: float | None) -> OutcomeFigure:
    """The figure of one group, suppressed below the privacy minimum."""
    n = int(sums[0])
    if n < MIN_GROUP_SIZE:
        return OutcomeFigure(spec, group, size, n, None, None, None, _finite(overall), None, 0, True)
    value, low, high = estimate(spec.kind, sums)
    overall = _finite(overall)
    ratio = None
    if overall is not None and overall > 1e-12 and value >= 0:
        ratio = value / overall
    differs = 0
    if overall is not None and np.isfinite(low) and np.isfinite(high):
        differs = 1 if low > overall else -1 if high < overall else 0
    return OutcomeFigure(spec, group, size, n, float(value), _finite(low), _finite(high),
                         overall, ratio, differs, False)


def _finite(v: Any) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


def figures(specs: Sequence[OutcomeSpec], data: pd.DataFrame, labels: np.ndarray,
            groups: Sequence[str]) -> dict[str, list[OutcomeFigure]]:
    """Figures of every outcome for every group in ``groups`` (values of ``labels``) and
    for all customers (key :data:`ALL`), in the order of ``specs``."""
    labels = np.asarray(labels).astype(str)
    lookup = {g: i for i, g in enumerate(groups)}
    codes = pd.Categorical(labels, categories=list(groups)).codes.astype(np.int64) if len(groups) \
        else np.full(len(labels), -1, dtype=np.int64)
    sizes = np.bincount(codes[codes >= 0], minlength=len(groups)) if len(groups) else np.zeros(0, int)
    out: dict[str, list[OutcomeFigure]] = {g: [] for g in [*groups, ALL]}
    for spec in specs:
        v = spec.values(data[spec.column])
        sums = group_sums(v, codes, len(groups))
        everyone = group_sums(v, np.zeros(len(v), dtype=np.int64), 1)[0]
        overall = figure(spec, ALL, len(v), everyone, None)
        out[ALL].append(overall)
        for g, i in lookup.items():
            out[g].append(figure(spec, g, int(sizes[i]), sums[i], overall.value))
    return out
