"""Cluster validity: how far to trust the personas — separation (silhouette, DBCV) and
per-persona stability. (The data quality of the input is :mod:`.ingest.data_quality`.)

Stability is the question product owners actually ask ("would we get this persona
again?"). We re-run the clustering on random subsamples of 80 % of the customers
and, for each persona, take the mean Jaccard overlap with its best-matching cluster
in each rerun (Hennig's clusterboot). Subsampling instead of resampling with
replacement: duplicated points form fake dense spots that fool density clustering.
The reruns are kept, so a persona the user edits (merge, split, reassign) gets its
stability from the same reruns without clustering again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from sklearn.metrics import silhouette_score

SILHOUETTE_SAMPLE = 5_000
DBCV_SAMPLE = 2_000
RESAMPLE_MAX = 10_000      # a rerun clusters at most this many customers
SUBSAMPLE_SHARE = 0.8

# Hennig (2007): below 0.5 a cluster "dissolved"; above 0.75 it is stable.
STABLE, SHAKY = 0.75, 0.5


def stability_label(value: float | None) -> str:
    if value is None or not np.isfinite(value):
        return "not measured"
    return "stable" if value >= STABLE else "shaky" if value >= SHAKY else "unstable"


@dataclass(frozen=True)
class Resamples:
    """Reruns of the clustering: ``index[b]`` are the customers of rerun b, ``labels[b]``
    their cluster there (-1 = noise)."""

    index: np.ndarray    # (B, m) int
    labels: np.ndarray   # (B, m) int


def silhouette(Z: np.ndarray, labels: np.ndarray, seed: int = 0) -> float | None:
    """Mean silhouette of assigned customers (sampled for large n); None if < 2 personas."""
    mask = labels >= 0
    if len(np.unique(labels[mask])) < 2:
        return None
    idx = np.flatnonzero(mask)
    rng = np.random.default_rng(seed)
    if len(idx) > SILHOUETTE_SAMPLE:
        idx = rng.choice(idx, SILHOUETTE_SAMPLE, replace=False)
    if len(np.unique(labels[idx])) < 2:
        return None
    return float(silhouette_score(Z[idx], labels[idx]))


def dbcv(Z: np.ndarray, labels: np.ndarray, seed: int = 0) -> float | None:
    """Density-based cluster validity (-1..1) on a stratified sample; None if not computable."""
    from hdbscan import validity_index

    rng = np.random.default_rng(seed)
    idx = np.arange(len(Z)) if len(Z) <= DBCV_SAMPLE else rng.choice(len(Z), DBCV_SAMPLE, replace=False)
    lab = labels[idx]
    ok = [c for c in np.unique(lab[lab >= 0]) if (lab == c).sum() >= 3]
    if len(ok) < 2:
        return None
    keep = np.isin(lab, ok) | (lab < 0)
    try:
        with np.errstate(all="ignore"):
            v = float(validity_index(Z[idx][keep].astype(np.float64), lab[keep]))
    except (ValueError, ZeroDivisionError, IndexError):
        return None
    return v if np.isfinite(v) else None


def resample(n: int, refit: Callable[[np.ndarray], np.ndarray], n_runs: int,
             seed: int) -> Resamples:
    """Run ``refit`` (sorted row positions of a subsample -> their labels) on ``n_runs``
    random subsamples of the ``n`` customers."""
    m = min(int(SUBSAMPLE_SHARE * n), RESAMPLE_MAX)
    rng = np.random.default_rng(seed + 1)
    index = np.empty((n_runs, m), dtype=np.int64)
    labels = np.empty((n_runs, m), dtype=np.int64)
    for b in range(n_runs):
        idx = np.sort(rng.choice(n, m, replace=False))
        index[b], labels[b] = idx, refit(idx)
    return Resamples(index=index, labels=labels)


def persona_stability(members: np.ndarray, resamples: Resamples | None) -> float | None:
    """Mean best-match Jaccard of a persona (boolean mask over customers) over the reruns."""
    if resamples is None or len(resamples.index) == 0:
        return None
    scores = []
    for idx, lab in zip(resamples.index, resamples.labels):
        inside = members[idx]
        if inside.sum() == 0:
            continue
        best = 0.0
        for c in np.unique(lab[inside]):
            if c < 0:
                continue
            other = lab == c
            inter = np.logical_and(inside, other).sum()
            best = max(best, inter / np.logical_or(inside, other).sum())
        scores.append(best)
    return float(np.mean(scores)) if scores else None
