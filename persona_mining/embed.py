"""Embedding: preprocessed features -> n-d coordinates for clustering and a 2-D map.

UMAP keeps local neighbourhoods, so density-based clustering finds personas of
very different sizes; PCA is the fast, linear alternative. Both are seeded. For
large inputs the embedding is fitted on a sample and the rest is transformed, so
memory and time grow with the sample, not with the customer base. Wide matrices
(thousands of product columns) are reduced to principal components first (see
:mod:`persona_mining.reduce`).
"""

from __future__ import annotations

import os
import warnings
from typing import Callable

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from .reduce import needs_reduction, reduce

ProgressFn = Callable[[str, float], None]
N_EPOCHS = 200      # UMAP default for n > 10k; 500 (its default below) costs 2.5x for no visible gain
MAP_EPOCHS = 120    # the 2-D map is for looking at, starts from PCA, and converges sooner
EXTEND_K = 10
CHUNK = 50_000


class Embedder:
    """scikit-learn style: ``fit(X)`` learns ``embedding_`` (n-d) and ``map_`` (2-D), and
    ``reduction_`` (a :class:`~persona_mining.reduce.Reduction`, or None when ``X`` was
    narrow enough for UMAP as it is).

    Args:
        method: "umap" or "pca".
        n_components: dimensions used for clustering.
        n_neighbors: UMAP neighbourhood size.
        seed: random seed.
        fit_sample: customers used to fit the embedding; the rest are transformed.
    """

    def __init__(self, method: str = "umap", n_components: int = 8, n_neighbors: int = 30,
                 seed: int = 42, fit_sample: int = 30_000) -> None:
        self.method = method
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.seed = seed
        self.fit_sample = fit_sample

    def fit(self, X: np.ndarray, progress: ProgressFn | None = None,
            weights: np.ndarray | None = None) -> "Embedder":
        """``weights``: the user's weight of every column of ``X``, for the reduction of
        wide matrices (which standardises the columns first)."""
        n = X.shape[0]
        rng = np.random.default_rng(self.seed)
        fit_idx = np.sort(rng.choice(n, self.fit_sample, replace=False)) if n > self.fit_sample \
            else np.arange(n)
        self.fit_index_ = fit_idx
        self.reduction_ = None
        if self.method == "umap" and needs_reduction(X):    # thousands of columns
            X, self.reduction_ = reduce(X, fit_idx, self.seed, weights=weights)
        n_comp = max(1, min(self.n_components, X.shape[1], n - 2))
        if self.method == "pca":
            self.embedding_, self.map_ = _pca(X, fit_idx, n_comp, self.seed)
        else:
            self.embedding_, self.map_ = _umap_pair(X, fit_idx, n_comp, self.n_neighbors,
                                                    self.seed, progress)
        return self


def _pca(X: np.ndarray, fit_idx: np.ndarray, n_comp: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    pca = PCA(n_components=max(2, n_comp), random_state=seed, svd_solver="auto").fit(X[fit_idx])
    Z = pca.transform(X).astype(np.float32)
    return Z[:, :n_comp], Z[:, :2].copy()


def _umap_pair(X: np.ndarray, fit_idx: np.ndarray, n_comp: int, n_neighbors: int,
               seed: int, progress: ProgressFn | None) -> tuple[np.ndarray, np.ndarray]:
    """n-d embedding (min_dist 0, for clustering) and 2-D map (for people), sharing one kNN graph."""
    import umap  # lazily: numba compilation is slow and PCA users should not pay it

    Xf = X[fit_idx]
    k = max(2, min(n_neighbors, len(fit_idx) - 1))
    # Exact neighbours from scikit-learn: fast at sample size, deterministic, and computed
    # once for both embeddings (UMAP's own NN-descent would run, and compile, twice).
    dist, ind = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(Xf).kneighbors(Xf)
    out = []
    small = len(fit_idx) <= n_comp + 2
    # UMAP's spectral start keeps the global layout that separates personas best, but on
    # a graph in several pieces (CDNOW: identical one-purchase customers split off) its
    # multi-component layout is not reproducible run to run: start from PCA there.
    start = "random" if small else ("spectral" if _one_piece(Xf, ind, dist, seed) else "pca")
    plans = [(n_comp, 0.0, N_EPOCHS, start),
             (2, 0.3, MAP_EPOCHS, "random" if small else "pca")]
    for step, (dims, min_dist, epochs, init) in enumerate(plans):
        reducer = umap.UMAP(n_components=dims, n_neighbors=k, min_dist=min_dist,
                            random_state=seed, n_epochs=epochs, low_memory=True,
                            precomputed_knn=(ind, dist, None), init=init)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(reducer.fit_transform(Xf).astype(np.float32))
        if progress:
            progress("embedding", 0.5 * (step + 1))
    if len(fit_idx) == X.shape[0]:
        return out[0], out[1]
    return _extend(X, fit_idx, out)


def _one_piece(Xf: np.ndarray, ind: np.ndarray, dist: np.ndarray, seed: int) -> bool:
    """Is UMAP's graph one piece, after UMAP drops its weakest edges before the layout?"""
    from scipy.sparse.csgraph import connected_components
    from umap.umap_ import fuzzy_simplicial_set

    graph, _, _ = fuzzy_simplicial_set(Xf, ind.shape[1], np.random.RandomState(seed), "euclidean",
                                       knn_indices=ind, knn_dists=dist)
    graph = graph.tocsr()
    graph.data[graph.data < graph.data.max() / float(N_EPOCHS)] = 0.0
    graph.eliminate_zeros()
    return connected_components(graph, directed=False)[0] == 1


def _extend(X: np.ndarray, fit_idx: np.ndarray, fitted: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Place customers outside the fit sample at the distance-weighted mean of their
    nearest sampled neighbours: UMAP's own transform starts from exactly this point,
    and it is deterministic and fast for millions of rows. One neighbour search
    serves every embedding in ``fitted``."""
    outs = [np.empty((X.shape[0], f.shape[1]), dtype=np.float32) for f in fitted]
    for o, f in zip(outs, fitted):
        o[fit_idx] = f
    rest = np.setdiff1d(np.arange(X.shape[0]), fit_idx)
    nn = NearestNeighbors(n_neighbors=EXTEND_K, algorithm="brute").fit(X[fit_idx])
    for start in range(0, len(rest), CHUNK):  # chunks bound memory
        chunk = rest[start:start + CHUNK]
        d, i = nn.kneighbors(X[chunk])
        w = (1.0 / (d + 1e-6))[..., None]
        for o, f in zip(outs, fitted):
            o[chunk] = (f[i] * w).sum(axis=1) / w.sum(axis=1)
    return tuple(outs)


def warm_up() -> None:
    """Compile UMAP's numba kernels once (tens of seconds on first use in a process)."""
    os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "numba"))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    Embedder("umap", n_components=2, n_neighbors=10, fit_sample=1000).fit(X)
