"""Trait wording agrees with the numbers shown, also for mostly-missing features."""

from __future__ import annotations

import numpy as np
import pandas as pd

from persona_mining.features import FeaturePreprocessor
from persona_mining.profile import trait_table


def test_effect_direction_matches_the_values_shown_when_most_values_are_missing():
    rng = np.random.default_rng(0)
    n = 2000
    labels = np.array(["P1"] * 1000 + ["P2"] * 1000, dtype=object)
    # P1: few have a value, but theirs are large; P2: most have one, smaller on average.
    gap = np.where(labels == "P1", rng.normal(300, 20, n), rng.normal(100, 20, n))
    gap[(labels == "P1") & (rng.random(n) < 0.9)] = np.nan
    gap[(labels == "P2") & (rng.random(n) < 0.2)] = np.nan
    data = pd.DataFrame({"days_between_purchases": gap, "orders": rng.poisson(3, n).astype(float)})
    prep = FeaturePreprocessor(numeric=("days_between_purchases", "orders")).fit(data)
    t = trait_table(data, labels, prep.transform(data), prep)
    row = t[(t["persona"] == "P1") & (t["column"] == "days_between_purchases")].iloc[0]
    assert row["persona_value"] > row["population_value"]
    assert row["effect_size"] > 0.5
    assert "lower" not in row["sentence"] and "below" not in row["sentence"]
    other = t[(t["persona"] == "P2") & (t["column"] == "days_between_purchases")].iloc[0]
    assert other["persona_value"] < other["population_value"] and other["effect_size"] < 0
