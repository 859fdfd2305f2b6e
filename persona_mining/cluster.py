"""Clustering the embedding into candidate personas, with an explicit "unassigned" group.

HDBSCAN is the default because personas differ in size by an order of magnitude
and some customers fit no persona at all; it says so (noise) instead of forcing
them in. KMeans, Gaussian mixture and Ward are there for users who want a fixed
number of personas. Noise beyond the user's maximum unassigned share is assigned
to the nearest persona, with a confidence that says it was a close call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

from .consolidate import Consolidation, FactModel, consolidate

UNASSIGNED = -1
HDBSCAN_FIT_MAX = 30_000    # HDBSCAN fits on at most this many; the rest get approximate_predict
WARD_FIT_MAX = 5_000        # Ward is O(n^2) in time and memory; the rest join the nearest centre
SUGGEST_SAMPLE = 2_500     # the curve's shape is stable at this size; 5k took ~8 s
VOTE_K = 15


@dataclass(frozen=True)
class ClusterResult:
    """Labels 0..k-1 (ordered by size, largest first) or -1 for unassigned."""

    labels: np.ndarray           # int, per customer
    confidence: np.ndarray       # float 0..1, per customer (0 for unassigned)
    raw_labels: np.ndarray       # before noise assignment
    method: str
    n_clusters: int
    consolidation: Consolidation | None = None   # hdbscan: the merge sequence of its candidates
    strength: np.ndarray | None = None           # clustering's membership strength (hdbscan)
    max_unassigned: float = 0.1

    def at(self, Z: np.ndarray, k: int) -> "ClusterResult":
        """The same candidates merged down to ``k`` personas (hdbscan only)."""
        if self.consolidation is None or self.strength is None:
            raise ValueError("only a consolidated (hdbscan) result can be cut at another k")
        return _finish(Z, self.consolidation.labels(k), self.strength, self.method,
                       self.max_unassigned, self.consolidation)


def cluster(Z: np.ndarray, method: str = "hdbscan", k: int | None = None, min_size: float = 0.01,
            max_unassigned: float = 0.1, seed: int = 42,
            facts: FactModel | None = None) -> ClusterResult:
    """Cluster, merge candidates that are not distinct personas (hdbscan, given the
    behaviour ``facts``), order personas by size, then limit the unassigned share."""
    if method in ("kmeans", "gmm", "ward") and k is None:
        k = best_k(suggest_k(Z, method=method, seed=seed))
    raw, strength = fit_labels(Z, method, k, min_size, seed)
    cons = None
    if method == "hdbscan" and facts is not None and (raw >= 0).any():
        cons = consolidate(raw, facts, seed=seed)
        raw = cons.labels(k)
    return _finish(Z, raw, strength, method, max_unassigned, cons)


def _finish(Z: np.ndarray, raw: np.ndarray, strength: np.ndarray, method: str,
            max_unassigned: float, cons: Consolidation | None) -> ClusterResult:
    """Order personas by size, then limit the unassigned share."""
    raw = _order_by_size(raw)
    labels, conf = assign_noise(Z, raw, strength, max_unassigned)
    n_clusters = int(labels.max()) + 1 if (labels >= 0).any() else 0
    return ClusterResult(labels=labels, confidence=conf, raw_labels=raw, method=method,
                         n_clusters=n_clusters, consolidation=cons, strength=strength,
                         max_unassigned=max_unassigned)


def fit_labels(Z: np.ndarray, method: str, k: int | None, min_size: float,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw labels (-1 = noise) and a per-customer membership strength in 0..1."""
    if method == "hdbscan":
        return _hdbscan(Z, min_size, seed)
    if method == "kmeans":
        km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(Z)
        return km.labels_.astype(np.int64), _margin_confidence(km.transform(Z))
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="full", random_state=seed,
                             n_init=2).fit(Z)
        proba = gm.predict_proba(Z)
        return proba.argmax(axis=1).astype(np.int64), proba.max(axis=1)
    if method == "ward":
        return _ward(Z, k, seed)
    raise ValueError(f"unknown method {method!r}")


def _hdbscan(Z: np.ndarray, min_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    import hdbscan

    n = len(Z)
    rng = np.random.default_rng(seed)
    fit_idx = np.sort(rng.choice(n, HDBSCAN_FIT_MAX, replace=False)) if n > HDBSCAN_FIT_MAX \
        else np.arange(n)
    mcs = max(5, int(round(min_size * len(fit_idx))))
    # min_samples well below min_cluster_size: fewer customers declared noise, and far
    # faster than the default (= min_cluster_size) on large inputs.
    model = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=min(mcs, 10), core_dist_n_jobs=1)
    model.fit(Z[fit_idx])
    labels = np.full(n, UNASSIGNED, dtype=np.int64)
    strength = np.zeros(n)
    labels[fit_idx] = model.labels_
    strength[fit_idx] = model.probabilities_
    if n > len(fit_idx):
        rest = np.setdiff1d(np.arange(n), fit_idx)
        labels[rest], strength[rest] = _extend_labels(Z[fit_idx], model.labels_,
                                                      model.probabilities_, Z[rest])
    return labels, strength


def _extend_labels(Zfit: np.ndarray, lab: np.ndarray, prob: np.ndarray, Zrest: np.ndarray,
                   k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Customers outside HDBSCAN's fit sample: the distance-weighted vote of their k
    nearest fitted customers (noise included, so sparse regions stay noise); strength =
    the winners' mean membership strength times their vote share. Vectorised: hdbscan's
    approximate_predict walks the tree point by point (8 s for 70k customers)."""
    d, idx = NearestNeighbors(n_neighbors=min(k, len(Zfit)), algorithm="brute").fit(Zfit).kneighbors(Zrest)
    nb = lab[idx]
    w = 1.0 / np.maximum(d, 1e-9)
    classes = np.unique(lab)
    votes = np.stack([(w * (nb == c)).sum(axis=1) for c in classes], axis=1)
    win = classes[votes.argmax(axis=1)]
    share = votes.max(axis=1) / votes.sum(axis=1)
    same = nb == win[:, None]
    mean_prob = (prob[idx] * same).sum(axis=1) / np.maximum(same.sum(axis=1), 1)
    return win.astype(np.int64), np.where(win < 0, 0.0, mean_prob * share)


def _ward(Z: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(Z)
    rng = np.random.default_rng(seed)
    fit_idx = np.sort(rng.choice(n, WARD_FIT_MAX, replace=False)) if n > WARD_FIT_MAX \
        else np.arange(n)
    fit_labels_ = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(Z[fit_idx])
    centres = np.vstack([Z[fit_idx][fit_labels_ == c].mean(axis=0) for c in range(k)])
    d = np.linalg.norm(Z[:, None, :] - centres[None], axis=2)
    labels = d.argmin(axis=1).astype(np.int64)
    labels[fit_idx] = fit_labels_
    return labels, _margin_confidence(d)


def _margin_confidence(dist: np.ndarray) -> np.ndarray:
    """1 - d(nearest)/d(second nearest): 0 on the border between two personas, 1 at a centre."""
    if dist.shape[1] < 2:
        return np.ones(len(dist))
    two = np.partition(dist, 1, axis=1)[:, :2]
    return np.clip(1.0 - two[:, 0] / np.maximum(two[:, 1], 1e-12), 0.0, 1.0)


def _order_by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel so persona 0 is the largest; ties broken by the old label (deterministic)."""
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(labels.max() + 2 if len(ids) else 1, UNASSIGNED, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    out = np.full_like(labels, UNASSIGNED)
    out[labels >= 0] = mapping[labels[labels >= 0]]
    return out


def assign_noise(Z: np.ndarray, labels: np.ndarray, strength: np.ndarray,
                 max_unassigned: float) -> tuple[np.ndarray, np.ndarray]:
    """Assign the noise customers that fit a persona best until at most
    ``max_unassigned`` of all customers are left unassigned.

    Each noise customer votes among its nearest assigned neighbours; its confidence is
    the vote share scaled down by how far away those neighbours are, so an assignment
    out of noise never looks as certain as a core member.
    """
    labels = labels.copy()
    conf = np.where(labels >= 0, strength, 0.0).astype(np.float64)
    noise = np.flatnonzero(labels < 0)
    n_keep = int(np.floor(max_unassigned * len(labels)))
    assigned = np.flatnonzero(labels >= 0)
    if len(noise) <= n_keep or len(assigned) == 0:
        return labels, conf
    k = min(VOTE_K, len(assigned))
    nn = NearestNeighbors(n_neighbors=k).fit(Z[assigned])
    d, i = nn.kneighbors(Z[noise])
    votes = labels[assigned][i]
    best = np.array([np.bincount(v).argmax() for v in votes])
    share = (votes == best[:, None]).mean(axis=1)
    typical = np.median(nn.kneighbors(Z[assigned[:: max(1, len(assigned) // 2000)]],
                                      n_neighbors=min(2, k))[0][:, -1]) + 1e-9
    closeness = np.clip(typical / (d.mean(axis=1) + 1e-9), 0.0, 1.0)
    score = share * closeness
    take = np.argsort(-score, kind="stable")[: len(noise) - n_keep]
    labels[noise[take]] = best[take]
    conf[noise[take]] = 0.5 * score[take]   # never above 0.5: it was noise to the clustering
    return labels, conf


def suggest_k(Z: np.ndarray, method: str = "kmeans", ks: Sequence[int] = range(2, 13),
              seed: int = 42) -> pd.DataFrame:
    """Silhouette (higher is better) and, for gmm, BIC (lower is better) per number of personas."""
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(Z), min(len(Z), SUGGEST_SAMPLE), replace=False)
    S = Z[idx]
    rows = []
    for k in ks:
        if k >= len(S):
            break
        if method == "gmm":
            gm = GaussianMixture(n_components=k, random_state=seed).fit(S)
            lab, bic = gm.predict(S), float(gm.bic(S))
        elif method == "ward":
            lab, bic = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(S), None
        else:
            lab, bic = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(S), None
        sil = float(silhouette_score(S, lab)) if len(set(lab)) > 1 else float("nan")
        rows.append({"k": k, "silhouette": sil, "bic": bic})
    return pd.DataFrame(rows)


def best_k(table: pd.DataFrame) -> int:
    """The k with the best silhouette (BIC breaks near-ties for gmm)."""
    if table.empty:
        return 2
    return int(table.sort_values(["silhouette", "k"], ascending=[False, True]).iloc[0]["k"])


def suggested_k(table: pd.DataFrame | None) -> int | None:
    """The number of personas to suggest from a :func:`suggest_k` table; None without one."""
    if table is None or table.empty:
        return None
    return best_k(table)
