"""The synthetic customer generator: determinism, shape, planted shares, data hygiene,
and that the committed sample is what the generator makes."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from persona_mining import synthetic as syn
from persona_mining.sample import SAMPLE_CSV
from persona_mining.synthetic import (CHURN_RATES, MISSING_COLUMNS, NOISE, OUTCOME_COLUMN, PERSONAS,
                                      SHARE_COLUMNS, TRUTH_COLUMN, expected_shares, make_customers,
                                      write_sample)

SAMPLE = SAMPLE_CSV
BASE_COLUMNS = [
    "customer_id", "email", "signup_date", "orders_12m", "revenue_12m", "avg_basket_value",
    "share_app", "share_web", "share_store", "night_order_share", "discount_share", "return_rate",
    "service_contacts_12m", "newsletter_open_rate", "days_since_last_order", "categories_bought",
    "device", "region", "loyalty_member", "preferred_payment", TRUTH_COLUMN,
]
EMAIL = re.compile(r"[a-z]+\.[a-z]+\d+@example\.(com|org|net)")


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return make_customers(10_000, seed=7)


def test_same_arguments_same_frame(df):
    pd.testing.assert_frame_equal(df, make_customers(10_000, seed=7))
    other = make_customers(10_000, seed=8)
    assert not other[TRUTH_COLUMN].equals(df[TRUTH_COLUMN])


def test_columns_and_types(df):
    assert list(df.columns) == BASE_COLUMNS and len(df) == 10_000
    for col in ("orders_12m", "days_since_last_order", "categories_bought"):
        assert df[col].dtype == np.int64, col
    assert df["customer_id"].is_unique
    assert df["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert pd.to_datetime(df["signup_date"], format="%Y-%m-%d").notna().all()
    assert set(df["device"].dropna()) == {"iOS", "Android", "Desktop", "Mixed"}
    assert set(df["region"]) == {"Nord", "Süd", "Ost", "West"}
    assert set(df["loyalty_member"]) == {"yes", "no"}
    assert set(df["preferred_payment"]) == {"card", "PayPal", "invoice", "cash"}
    assert set(df[TRUTH_COLUMN]) == {p.name for p in PERSONAS} | {NOISE}


def test_extra_features_are_numeric_and_leave_the_rest_alone(df):
    wide = make_customers(10_000, seed=7, extra_features=20)
    extra = [f"feature_{j:02d}" for j in range(1, 21)]
    assert wide.shape == (10_000, 41)
    assert list(wide.columns) == BASE_COLUMNS[:-1] + extra + [TRUTH_COLUMN]
    assert all(wide[c].dtype == np.float32 for c in extra)
    pd.testing.assert_frame_equal(wide.drop(columns=extra), df)   # own random stream
    # First half persona-dependent, second half pure noise: spread of the persona means.
    spread = wide.groupby(TRUTH_COLUMN)[extra].mean().std()
    assert spread[extra[:10]].min() > 0.1 and spread[extra[10:]].max() < 0.1


def test_persona_shares_match_the_spec(df):
    assert sum(p.share for p in PERSONAS) == pytest.approx(1.0)
    assert 6 <= len(PERSONAS) <= 8 and len({p.share for p in PERSONAS}) == len(PERSONAS)
    assert min(p.share for p in PERSONAS) < 0.03            # a small persona worth finding
    observed = df[TRUTH_COLUMN].value_counts(normalize=True)
    for name, share in expected_shares(0.05).items():
        assert abs(observed[name] - share) <= 0.01, name
        assert abs(observed[name] - share) <= 1 / len(df) + 1e-12, name   # exact up to rounding
    # smallest planted persona still clears the pipeline's default 2 % minimum size
    assert observed.drop(NOISE).min() > 0.02
    wild = make_customers(5_000, seed=1, noise_share=0.2)[TRUTH_COLUMN].value_counts(normalize=True)
    assert wild[NOISE] == pytest.approx(0.2)
    assert wild["Everyday app shoppers"] == pytest.approx(PERSONAS[0].share * 0.8, abs=0.01)


def test_rows_are_shuffled(df):
    head = df[TRUTH_COLUMN].iloc[:300]
    assert head.nunique() == len(PERSONAS) + 1
    runs = (df[TRUTH_COLUMN] != df[TRUTH_COLUMN].shift()).sum()
    assert runs > 0.7 * len(df)


def test_channel_shares_sum_to_one(df):
    shares = df[list(SHARE_COLUMNS)].to_numpy()
    assert np.allclose(shares.sum(axis=1), 1.0, atol=1e-9)
    assert (shares >= 0).all() and (shares <= 1).all()
    assert not np.signbit(shares).any()                      # no "-0.0" in the CSV
    assert np.allclose(np.round(shares, 3), shares, atol=1e-12)


def test_behaviour_is_consistent(df):
    active = df["orders_12m"] > 0
    assert (active == (df["days_since_last_order"] <= syn.ACTIVE_DAYS)).all()
    assert ((df["revenue_12m"] == 0) == ~active).all()
    assert df.loc[~active, "avg_basket_value"].isna().all()
    ratio = df["revenue_12m"] / df["orders_12m"]
    ok = active & df["avg_basket_value"].notna()
    assert np.allclose(df.loc[ok, "avg_basket_value"], ratio[ok], atol=0.006)
    tenure = (pd.Timestamp(syn.REFERENCE_DATE) - pd.to_datetime(df["signup_date"])).dt.days
    assert (tenure >= df["days_since_last_order"]).all()
    rates = ["night_order_share", "discount_share", "return_rate", "newsletter_open_rate"]
    assert ((df[rates] >= 0) & (df[rates] <= 1) | df[rates].isna()).all().all()
    # heavy tails: the top percent spends far more than the median customer
    rev = df["revenue_12m"]
    assert rev.quantile(0.99) > 5 * rev.median() and rev.skew() > 2


def test_personas_show_their_defining_behaviour(df):
    med = df.groupby(TRUTH_COLUMN).median(numeric_only=True)
    rest = lambda name: med.drop(index=[name, NOISE])          # noqa: E731
    checks = {
        "Everyday app shoppers": "share_app", "Store loyalists": "share_store",
        "Bargain hunters": "discount_share", "Big-basket occasional buyers": "avg_basket_value",
        "Serial returners": "return_rate", "App night owls": "night_order_share",
        "Help seekers": "service_contacts_12m", "Lapsed customers": "days_since_last_order",
    }
    assert set(checks) == {p.name for p in PERSONAS}
    for name, col in checks.items():
        if name == "Everyday app shoppers":     # app-first like the night owls, but by day
            assert med.loc[name, col] > 0.6 and med.loc[name, "night_order_share"] < 0.3
            continue
        assert med.loc[name, col] > 1.5 * rest(name)[col].max(), (name, col)
    assert med.loc["Lapsed customers", "orders_12m"] == 0
    assert all(p.traits for p in PERSONAS)


def test_missing_values_only_where_intended(df):
    holes = df.isna().mean()
    assert set(holes[holes > 0].index) == set(MISSING_COLUMNS)
    for col in MISSING_COLUMNS:
        extra = (df["orders_12m"] == 0).mean() if col == "avg_basket_value" else 0.0
        assert 0.02 < holes[col] - extra < 0.04, col
    clean = make_customers(3_000, seed=2, missing_share=0.0)
    assert clean.drop(columns="avg_basket_value").notna().all().all()
    assert clean["avg_basket_value"].isna().equals(clean["orders_12m"] == 0)


def test_emails_are_fake_unique_and_reserved(df):
    email = df["email"]
    assert email.is_unique and email.notna().all()
    assert email.str.fullmatch(EMAIL.pattern).all()
    assert set(email.str.split("@").str[1]) == {"example.com", "example.org", "example.net"}
    # the number in the address is not the customer number
    num = email.str.extract(r"(\d+)@")[0].astype(int)
    assert (num != df["customer_id"].str[1:].astype(int)).mean() > 0.99


def test_truth_and_email_get_the_right_roles(df):
    from persona_mining.ingest import infer_roles
    from persona_mining.roles import ID, LABEL, PII

    roles = infer_roles(df.head(2_000)).as_mapping()
    assert roles[TRUTH_COLUMN] == LABEL and roles["email"] == PII and roles["customer_id"] == ID


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        make_customers(0)
    with pytest.raises(ValueError):
        make_customers(100, noise_share=1.0)
    with pytest.raises(ValueError):
        make_customers(100, extra_features=-1)


def test_outcome_is_planted_per_persona_on_its_own_stream(df):
    with_outcome = make_customers(10_000, seed=7, outcome=True)
    pd.testing.assert_frame_equal(with_outcome.drop(columns=OUTCOME_COLUMN), df)
    assert list(with_outcome.columns).index(OUTCOME_COLUMN) == len(BASE_COLUMNS) - 1
    big = make_customers(60_000, seed=4, outcome=True)
    got = (big[OUTCOME_COLUMN] == "yes").groupby(big[TRUTH_COLUMN]).agg(["mean", "size"])
    for persona, row in got.iterrows():
        se = np.sqrt(CHURN_RATES[persona] * (1 - CHURN_RATES[persona]) / row["size"])
        assert abs(row["mean"] - CHURN_RATES[persona]) < 4 * se, persona


def test_write_sample_format(tmp_path):
    path = write_sample(tmp_path / "sub" / "c.csv", n=500, seed=3)
    raw = path.read_bytes()
    assert b"\r\n" not in raw and "Süd".encode("utf-8") in raw and b"-0.0," not in raw
    back = pd.read_csv(path, float_precision="round_trip")
    expected = make_customers(500, seed=3, outcome=True)       # the sample carries an outcome
    assert list(back.columns) == list(expected.columns)
    assert back[OUTCOME_COLUMN].tolist() == expected[OUTCOME_COLUMN].tolist()
    for cols, digits in ((["revenue_12m", "avg_basket_value"], 2),
                         ([*SHARE_COLUMNS, "night_order_share", "discount_share", "return_rate",
                           "newsletter_open_rate"], 3)):
        values = back[cols].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        assert np.allclose(values, np.round(values, digits), rtol=0, atol=1e-9), cols


def test_committed_sample_is_the_generator_output(df):
    assert SAMPLE.exists(), "run: python scripts/generate_sample.py"
    committed = pd.read_csv(SAMPLE, float_precision="round_trip", keep_default_na=True)
    buf = io.StringIO()
    make_customers(10_000, seed=7, outcome=True).to_csv(buf, index=False, lineterminator="\n")
    buf.seek(0)
    regenerated = pd.read_csv(buf, float_precision="round_trip", keep_default_na=True)
    assert committed.shape == (10_000, 22)
    assert list(committed.drop(columns=OUTCOME_COLUMN).columns) == list(df.columns)
    assert list(committed["customer_id"]) == list(df["customer_id"])
    assert list(committed[TRUTH_COLUMN]) == list(df[TRUTH_COLUMN])
    pd.testing.assert_frame_equal(committed, regenerated)
