"""UMAP embeddings are reproducible, also when the neighbour graph falls apart."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

from persona_mining.embed import Embedder, _one_piece


def _two_groups() -> np.ndarray:
    rng = np.random.default_rng(0)
    # Two groups far apart (e.g. identical one-purchase customers vs. everyone else).
    a = np.repeat(rng.normal(0, 1, (40, 6)), 10, axis=0)
    b = rng.normal(50, 1, (1200, 6))
    return np.vstack([a, b]).astype(np.float32)


def test_graph_in_pieces_is_detected():
    X = _two_groups()
    dist, ind = NearestNeighbors(n_neighbors=15).fit(X).kneighbors(X)
    assert not _one_piece(X, ind, dist, seed=3)       # -> PCA start, not spectral
    Y = X[400:]
    dist, ind = NearestNeighbors(n_neighbors=15).fit(Y).kneighbors(Y)
    assert _one_piece(Y, ind, dist, seed=3)


def test_disconnected_graph_embeds_reproducibly():
    X = _two_groups()
    e1 = Embedder("umap", n_components=4, n_neighbors=15, seed=3).fit(X)
    e2 = Embedder("umap", n_components=4, n_neighbors=15, seed=3).fit(X)
    assert np.array_equal(e1.embedding_, e2.embedding_) and np.array_equal(e1.map_, e2.map_)
