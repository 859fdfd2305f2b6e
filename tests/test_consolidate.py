"""How many personas: the split test behind merging candidate groups (consolidate.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from persona_mining.consolidate import (DISTINCT_GAIN, _Scorer, consolidate, fact_model,
                                        split_gain)
from persona_mining.features import FeaturePreprocessor


def _facts(frame: pd.DataFrame, numeric=(), categorical=(), boolean=()):
    prep = FeaturePreprocessor(numeric=numeric, categorical=categorical, boolean=boolean).fit(frame)
    return fact_model(prep.transform(frame), prep)


def _gain(facts, a: np.ndarray, b: np.ndarray) -> float:
    sc = _Scorer(facts)
    return split_gain(sc, sc.stats(facts, np.flatnonzero(a)), sc.stats(facts, np.flatnonzero(b)))


@pytest.fixture(scope="module")
def one_persona():
    """One persona: correlated spend and orders, a region that varies independently of
    everything else (75 % Nord) and a newsletter flag that is pure noise."""
    rng = np.random.default_rng(0)
    n = 4000
    orders = rng.gamma(5, 2, n)
    return pd.DataFrame({
        "orders": orders, "spend": orders * rng.gamma(8, 5, n), "app_share": rng.beta(6, 3, n),
        "region": np.where(rng.random(n) < 0.75, "Nord", rng.choice(["Süd", "Ost", "West"], n)),
        "newsletter": rng.random(n) < 0.4,
    })


def test_a_split_along_an_independent_attribute_is_not_a_persona(one_persona):
    facts = _facts(one_persona, numeric=("orders", "spend", "app_share"),
                   categorical=("region",), boolean=("newsletter",))
    nord = (one_persona["region"] == "Nord").to_numpy()
    assert _gain(facts, nord, ~nord) < 0.05            # what the split gains, it costs
    news = one_persona["newsletter"].to_numpy()
    assert _gain(facts, nord & news, nord & ~news) < 0.05


def test_a_split_along_correlated_behaviour_within_one_persona_is_not_a_persona(one_persona):
    facts = _facts(one_persona, numeric=("orders", "spend", "app_share"))
    high = (one_persona["spend"] > one_persona["spend"].median()).to_numpy()
    assert _gain(facts, high, ~high) < DISTINCT_GAIN   # one elongated cloud, cut in two


def test_two_real_personas_are_distinct():
    rng = np.random.default_rng(1)
    a = pd.DataFrame({"orders": rng.normal(10, 2, 1500), "app_share": rng.beta(8, 2, 1500)})
    b = pd.DataFrame({"orders": rng.normal(3, 1, 300), "app_share": rng.beta(2, 8, 300)})
    frame = pd.concat([a, b], ignore_index=True)
    facts = _facts(frame, numeric=("orders", "app_share"))
    first = np.arange(len(frame)) < 1500
    assert _gain(facts, first, ~first) > 2 * DISTINCT_GAIN


def test_one_fact_in_many_columns_counts_once():
    """Telco's "No internet service" in six service columns is one fact: joined."""
    rng = np.random.default_rng(2)
    n = 3000
    internet = rng.choice(["DSL", "Fiber", "No"], n, p=[.4, .4, .2])
    frame = pd.DataFrame({"internet": internet})
    services = [f"service_{i}" for i in range(6)]
    for s in services:
        frame[s] = np.where(internet == "No", "No internet service",
                            np.where(rng.random(n) < .5, "Yes", "No"))
    facts = _facts(frame, categorical=("internet", *services))
    assert len(facts.discrete_names) == 1
    assert set(facts.discrete_names[0].split(" + ")) == {"internet", *services}


def test_merging_recovers_planted_groups_from_fragments():
    """Candidates that split two personas along region are merged back to two."""
    rng = np.random.default_rng(3)
    n = 2000
    persona = rng.random(n) < 0.3
    frame = pd.DataFrame({
        "orders": np.where(persona, rng.normal(12, 2, n), rng.normal(4, 1.5, n)),
        "basket": np.where(persona, rng.normal(30, 6, n), rng.normal(90, 15, n)),
        "region": rng.choice(["Nord", "Süd", "Ost", "West"], n),
    })
    facts = _facts(frame, numeric=("orders", "basket"), categorical=("region",))
    region = pd.Categorical(frame["region"]).codes
    candidates = persona.astype(int) * 4 + region          # 8 fragments
    result = consolidate(candidates, facts)
    assert result.n_candidates == 8 and result.n_default == 2
    merged = result.labels()
    for group in np.unique(merged):
        members = merged == group
        assert persona[members].all() or not persona[members].any()
    assert len(np.unique(result.labels(4))) == 4             # any other number: one cut away
    assert [m.n_before for m in result.merges] == list(range(8, 1, -1))
    last = result.merges[-1]
    assert last.gain >= DISTINCT_GAIN and {c for c, _ in last.reasons} & {"orders", "basket"}
    assert all(m.gain < DISTINCT_GAIN for m in result.merges[:-1])
    assert result.merges[0].reasons[0][0] == "region"


def test_noise_is_left_alone_and_labels_keep_it():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"x": np.r_[rng.normal(0, 1, 500), rng.normal(8, 1, 500)]})
    facts = _facts(frame, numeric=("x",))
    candidates = np.r_[np.zeros(500, int), np.ones(500, int)]
    candidates[::50] = -1
    result = consolidate(candidates, facts)
    assert result.n_default == 2
    assert (result.labels()[::50] == -1).all()
