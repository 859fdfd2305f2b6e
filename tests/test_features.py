"""Preprocessing: skew-aware transforms, imputation, one-hot, JSON round trip."""

import json

import numpy as np
import pandas as pd
import pytest

from persona_mining.features import CATEGORY_BUDGET, FLAG_SCALE, MISSING, OTHER, FeaturePreprocessor


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 2000
    spend = rng.lognormal(3, 1.5, n)          # heavy right tail
    spend[:20] = np.nan
    return pd.DataFrame({
        "spend": spend,
        "balance": rng.normal(0, 1, n) ** 3 * 100,   # skewed both ways, negative values
        "score": rng.normal(50, 10, n),              # symmetric
        "member": rng.integers(0, 2, n).astype(float),
        "device": rng.choice(["iOS", "Android", "Desktop", "Fax"], n, p=[.5, .3, .195, .005]).astype(object),
        "signup": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
    })


def _prep():
    return FeaturePreprocessor(numeric=("spend", "balance", "score"), categorical=("device",),
                               boolean=("member",), datetime=("signup",), rare_level_share=0.01)


def test_transform_is_chosen_from_skew(frame):
    prep = _prep().fit(frame)
    chosen = {s.column: s.transform for s in prep.steps_ if hasattr(s, "transform")}
    assert chosen["spend"] == "log1p"
    assert chosen["balance"] == "yeo-johnson"
    assert chosen["score"] == "none"
    table = prep.describe()
    assert "log(1+x)" in table.set_index("column").loc["spend", "transform"]


def test_heavy_tail_does_not_dominate(frame):
    X = _prep().fit_transform(frame)
    assert np.isfinite(X).all()
    names = _prep().fit(frame).feature_names_
    spend = X[:, names.index("spend")]
    assert abs(spend.mean()) < 0.05 and 0.9 < spend.std() < 1.1
    assert np.abs(X[:, names.index("balance")]).max() <= 5.0


def test_missing_values_imputed_and_flagged(frame):
    prep = _prep().fit(frame)
    X = prep.transform(frame)
    flag = X[:, prep.feature_names_.index("spend missing")]
    # flagged rows carry the flag's balanced value (FLAG_SCALE), the others 0
    assert flag[:20].tolist() == [FLAG_SCALE] * 20 and flag[20:].sum() == 0


def test_rare_levels_grouped_and_unknown_levels_go_to_other(frame):
    prep = _prep().fit(frame)
    names = prep.feature_names_
    assert "device = Fax" not in names and f"device = {OTHER}" in names
    new = frame.head(3).copy()
    new["device"] = ["Smart TV", None, "iOS"]
    X = prep.transform(new)
    device = [i for i, n in enumerate(names) if n.startswith("device")]
    # exactly one level is hot per known row (its value is the level's balanced scale)
    assert np.flatnonzero(X[0, device]).tolist() == [device.index(names.index(f"device = {OTHER}"))]
    assert np.flatnonzero(X[2, device]).tolist() == [device.index(names.index("device = iOS"))]
    assert f"device = {MISSING}" not in names     # no missing device at fit time
    assert X[1, device].sum() == 0


def test_weights_scale_and_zero_weight_drops(frame):
    base = _prep().fit(frame)
    w = FeaturePreprocessor(numeric=("spend", "balance", "score"), categorical=("device",),
                            boolean=("member",), datetime=("signup",),
                            weights={"score": 2.0, "balance": 0.0}).fit(frame)
    assert "balance" not in w.feature_names_
    np.testing.assert_allclose(w.transform(frame)[:, w.feature_names_.index("score")],
                               2 * base.transform(frame)[:, base.feature_names_.index("score")],
                               rtol=1e-6)


def test_json_round_trip_gives_identical_matrix(frame):
    prep = _prep().fit(frame)
    again = FeaturePreprocessor.from_dict(json.loads(json.dumps(prep.to_dict())))
    np.testing.assert_array_equal(prep.transform(frame), again.transform(frame))
    assert again.feature_names_ == prep.feature_names_


def test_datetime_becomes_days_since_latest(frame):
    prep = _prep().fit(frame)
    step = [s for s in prep.steps_ if s.column == "signup"][0]
    assert step.kind == "datetime" and step.reference.startswith("2025-")


def test_a_category_counts_as_much_as_any_other_however_many_levels():
    """Each categorical block has CATEGORY_BUDGET of variance, whatever its level count,
    and a yes/no column is as far from its other value as a two-level category."""
    rng = np.random.default_rng(0)
    n = 4000
    frame = pd.DataFrame({"spend": rng.gamma(2, 50, n),
                          "two": rng.choice(["a", "b"], n),
                          "ten": rng.choice([f"l{i}" for i in range(10)], n),
                          "flag": rng.random(n) < 0.5})
    prep = FeaturePreprocessor(numeric=("spend",), categorical=("two", "ten"),
                               boolean=("flag",)).fit(frame)
    X = prep.transform(frame)
    names = prep.feature_names_
    block = lambda col: X[:, [i for i, nm in enumerate(names) if nm.startswith(col + " =")]]  # noqa: E731
    for col in ("two", "ten"):
        assert block(col).var(axis=0).sum() == pytest.approx(CATEGORY_BUDGET, rel=0.05)
    assert X[:, names.index("spend")].var() == pytest.approx(1.0, rel=0.05)
    two = block("two")
    two_distance = np.linalg.norm(two[frame["two"] == "a"][0] - two[frame["two"] == "b"][0])
    flag = X[:, names.index("flag")]
    assert flag.max() - flag.min() == pytest.approx(two_distance, rel=0.05)


def test_one_fact_in_several_columns_counts_once():
    """Near-copies share one column's weight: six 'No internet service' levels and the
    'No' of the internet column are one fact, gross and net revenue are one fact."""
    rng = np.random.default_rng(1)
    n = 3000
    internet = rng.choice(["DSL", "Fiber", "No"], n, p=[.4, .4, .2])
    frame = pd.DataFrame({"internet": internet, "revenue": rng.gamma(2, 40, n)})
    frame["revenue_net"] = frame["revenue"] / 1.19
    for i in range(6):
        frame[f"s{i}"] = np.where(internet == "No", "No internet service",
                                  np.where(rng.random(n) < .5, "Yes", "No"))
    cats = ("internet", *[f"s{i}" for i in range(6)])
    prep = FeaturePreprocessor(numeric=("revenue", "revenue_net"), categorical=cats).fit(frame)
    steps = {s.column: s for s in prep.steps_}
    no_internet = steps["s0"].scale[steps["s0"].levels.index("No internet service")]
    yes = steps["s0"].scale[steps["s0"].levels.index("Yes")]
    assert no_internet == pytest.approx(yes / np.sqrt(7), rel=0.1)
    X = prep.transform(frame)
    names = prep.feature_names_
    together = X[:, names.index("revenue")].var() + X[:, names.index("revenue_net")].var()
    assert together == pytest.approx(1.0, rel=0.05)
    assert prep.describe().set_index("column").loc["revenue", "balance"] == pytest.approx(0.71, abs=0.01)


def test_the_weighting_table_shows_how_much_each_column_counts():
    """The Data page's "How columns are weighted": a ten-level category counts half as
    much as a number, gross and net revenue together as much as one number."""
    from types import SimpleNamespace

    from persona_mining import tables

    rng = np.random.default_rng(2)
    n = 3000
    frame = pd.DataFrame({"visits": rng.gamma(2, 3, n), "revenue": rng.gamma(2, 40, n),
                          "ten": rng.choice([f"l{i}" for i in range(10)], n)})
    frame["revenue_net"] = frame["revenue"] / 1.19
    prep = FeaturePreprocessor(numeric=("visits", "revenue", "revenue_net"),
                               categorical=("ten",)).fit(frame)
    table = tables.feature_weighting(SimpleNamespace(prep=prep, X=prep.transform(frame)))
    share = table.set_index("column")["counts"]
    assert share.sum() == pytest.approx(1.0)
    assert share["ten"] == pytest.approx(share["visits"] / 2, rel=0.1)
    assert share["revenue"] + share["revenue_net"] == pytest.approx(share["visits"], rel=0.1)
    row = table.set_index("column").loc["ten"]
    assert row["prepared"] == "one-hot, 10 levels" and row["kind"] == "category"
    assert table.iloc[0]["column"] == "visits"                  # largest first
