"""Wide tables (purchases per product): 3,000 and 10,000 columns through discovery, the
persona model and scoring, with planted personas so recovery is measured.

Tables are generated in memory (synthetic.make_wide_purchases: six personas, each buying
mostly from its own range of products) and read from CSV bytes like an upload.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from persona_mining import DiscoverConfig, workspace
from persona_mining.ingest import read_table
from persona_mining.model import PersonaModel, load
from persona_mining.pipeline import discover_frame
from persona_mining.reduce import COMPONENTS, WIDE_COLUMNS
from persona_mining.scoring import score_partition
from persona_mining.synthetic import TRUTH_COLUMN, make_wide_purchases

CONFIG = DiscoverConfig(bootstrap=0, seed=42)      # UMAP + HDBSCAN, as in the workbench


def _discover(n: int, products: int):
    frame = make_wide_purchases(n, products, seed=5)
    table, report = read_table(frame.to_csv(index=False).encode(), name="purchases.csv")
    return frame, table, discover_frame(table, report, CONFIG)


@pytest.fixture(scope="module")
def wide3k():
    return _discover(1500, 3000)


@pytest.mark.slow
def test_3000_product_columns_recover_the_planted_personas(wide3k):
    frame, table, ws = wide3k
    assert table.shape == (1500, 3002)
    # six planted ranges, and at most one more persona: customers who bought almost nothing
    assert ws.metrics["n_personas"] in (6, 7)
    assert adjusted_rand_score(frame[TRUTH_COLUMN], ws.state().labels) >= 0.85
    mix = pd.crosstab(frame[TRUTH_COLUMN], ws.state().labels)
    assert (mix.max(axis=1) / mix.sum(axis=1) >= 0.9).all()     # every range is one persona
    red = ws.metrics["reduction"]
    assert red["components"] == COMPONENTS and red["columns"] > WIDE_COLUMNS
    assert 0 < red["explained_variance"] < 1


@pytest.mark.slow
def test_profiles_talk_about_the_original_columns(wide3k):
    frame, _, ws = wide3k
    products = {c for c in frame.columns if c.startswith("product_")}
    for p in ws.personas():
        assert p.traits and all(t.column in products for t in p.traits)
        assert all(cond.split(" ")[0] == "product" for r in p.rules for cond in r.conditions)
    # each persona's strongest traits are products of one planted range
    members = ws.state().labels == ws.personas()[0].id
    planted = frame.loc[members, TRUTH_COLUMN].mode()[0]
    block = 3000 // 6
    first = (int(planted.split()[-1]) - 1) * block + 1
    top = [int(t.column.split("_")[1]) for t in ws.personas()[0].traits]
    assert all(first <= j < first + block for j in top)


@pytest.mark.slow
def test_wide_model_searches_neighbours_in_components(wide3k, tmp_path):
    frame, table, ws = wide3k
    model = PersonaModel(seed=42).fit(ws)
    assert model.projection_ is not None
    assert model.reference_.shape[1] == COMPONENTS
    assert model.holdout_agreement_ >= 0.9           # raw columns: 0.23 on 10k x 3,000
    again = load(model.save(tmp_path / "model"))
    assert again.projection_ is not None
    assert np.array_equal(again.projection_.components, model.projection_.components)
    scored = score_partition(again, table, "purchases.csv")
    assert (scored.assignments["persona_id"].to_numpy() == ws.state().labels).mean() >= 0.99


@pytest.mark.slow
def test_wide_workspace_round_trip(wide3k, tmp_path):
    _, _, ws = wide3k
    again = workspace.load(workspace.save(ws, tmp_path / "ws"))
    assert again.metrics["reduction"] == ws.metrics["reduction"]
    assert again.data.shape == ws.data.shape


def test_narrow_tables_are_not_reduced(sample_ws):
    assert "reduction" not in sample_ws.metrics


@pytest.mark.slow
def test_10000_product_columns():
    frame, table, ws = _discover(1000, 10_000)
    assert table.shape == (1000, 10_002)
    assert ws.metrics["n_personas"] in (6, 7)
    assert adjusted_rand_score(frame[TRUTH_COLUMN], ws.state().labels) >= 0.9
    assert ws.metrics["reduction"]["columns"] > 5000
    assert all(t.column.startswith("product_") for p in ws.personas() for t in p.traits)


def test_make_wide_purchases_is_sparse_and_deterministic():
    a = make_wide_purchases(200, 600, seed=1)
    b = make_wide_purchases(200, 600, seed=1)
    pd.testing.assert_frame_equal(a, b)
    counts = a.filter(like="product_").to_numpy()
    assert (counts > 0).mean() < 0.1 and set(a[TRUTH_COLUMN]) == {f"range {i}" for i in range(1, 7)}
