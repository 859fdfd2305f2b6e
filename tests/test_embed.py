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


def test_customers_outside_the_hdbscan_sample_follow_their_neighbours():
    from persona_mining.cluster import _extend_labels

    rng = np.random.default_rng(1)
    fit = np.vstack([rng.normal(0, 1, (200, 3)), rng.normal(20, 1, (200, 3)),
                     rng.uniform(-60, -40, (50, 3))])
    lab = np.array([0] * 200 + [1] * 200 + [-1] * 50)
    prob = np.where(lab < 0, 0.0, 0.9)
    rest = np.vstack([rng.normal(0, 1, (30, 3)), rng.normal(20, 1, (30, 3)),
                      rng.uniform(-60, -40, (10, 3))])
    got, strength = _extend_labels(fit, lab, prob, rest)
    assert (got[:30] == 0).all() and (got[30:60] == 1).all() and (got[60:] == -1).all()
    assert np.allclose(strength[:60], 0.9) and (strength[60:] == 0).all()
