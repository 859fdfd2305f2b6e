"""Column role inference: ids, personal data, labels, flags, dates
(persona_mining.ingest.inference).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import coerce_types, infer_roles, quality_report, read_table
from persona_mining.roles import (BOOLEAN, CATEGORICAL, CONSTANT, DATETIME, ID, IGNORE, LABEL,
                                  NUMERIC, PII, TEXT)

from ingest_helpers import _mixed


EXPECTED_ROLES = {
    "Customer ID": ID, "email": PII, "phone": PII, "iban": PII, "first_name": PII,
    "street": PII, "country": CONSTANT, "notes_empty": CONSTANT, "newsletter": BOOLEAN,
    "signup": DATETIME, "last_order": DATETIME, "segment": LABEL, "orders": NUMERIC,
    "revenue": NUMERIC, "vip": BOOLEAN, "device": CATEGORICAL, "feedback": TEXT,
}


def test_infer_roles_on_mixed_frame():
    roles = infer_roles(_mixed())
    assert roles.as_mapping() == EXPECTED_ROLES
    reasons = {i.column: i.reason for i in roles.items}
    assert "e-mail addresses (100% of sampled values)" in reasons["email"]
    assert "phone numbers" in reasons["phone"] and "IBAN" in reasons["iban"]
    assert "street addresses" in reasons["street"]
    assert reasons["notes_empty"] == "all values missing"
    assert "DD.MM.YYYY" in reasons["signup"]
    assert all(i.inferred for i in roles.items)
    assert roles.id_col == "Customer ID"
    assert roles.feature_columns == ["newsletter", "signup", "last_order", "orders", "revenue",
                                     "vip", "device"]
    assert roles.columns(PII) == ["email", "phone", "iban", "first_name", "street"]


def test_infer_roles_after_reading_csv(tmp_path):
    path = tmp_path / "mixed.csv"
    _mixed().to_csv(path, index=False, sep=";", decimal=",")
    df, rep = read_table(path)
    assert rep.decimal == ","
    assert infer_roles(df, source=rep.source).as_mapping() == EXPECTED_ROLES


def test_id_rules():
    n = 30
    base = {"orders": np.arange(n) % 7}
    roles = infer_roles(pd.DataFrame({"ID": np.arange(n), "customer_id": np.arange(100, 100 + n),
                                      **base}))
    assert roles.id_col == "customer_id" and roles.role("ID") == IGNORE
    # a generic *_id with repeats is a code, not the id
    roles = infer_roles(pd.DataFrame({"store_id": np.arange(n) % 3, **base}))
    assert roles.id_col is None and roles.role("store_id") == CATEGORICAL
    # a customer id with repeats is still the id: check_usable then explains the problem
    roles = infer_roles(pd.DataFrame({"kunden_id": np.arange(n) // 2, **base}))
    assert roles.id_col == "kunden_id" and "repeated" in roles.items[0].reason
    # floats that are not whole numbers are no id
    roles = infer_roles(pd.DataFrame({"id": np.arange(n) + 0.5, **base}))
    assert roles.id_col is None


def test_more_role_rules():
    n = 60
    df = pd.DataFrame({
        "flag": [True, False] * (n // 2),
        "ja_nein": ["Ja", "nein"] * (n // 2),
        "two_numbers": [1, 5] * (n // 2),
        "datum": [20240101 + (i % 28) for i in range(n)],
        "amount_id_like": [20240101 + i for i in range(n)],
        "true_segment": ["a", "b", "c"] * (n // 3),
        "cluster": np.arange(n) * 1.5,           # numeric with many levels: not a label
        "city": [f"City {i}" for i in range(n)],  # many distinct short strings: text
        "plz": [10000 + i for i in range(n)],
        "email_opt_in": ["yes", "no"] * (n // 2),
        "Year_Birth": 1950 + np.arange(n) % 40,
    })
    roles = infer_roles(df)
    assert roles.as_mapping() == {
        "flag": BOOLEAN, "ja_nein": BOOLEAN, "two_numbers": BOOLEAN, "datum": DATETIME,
        "amount_id_like": NUMERIC, "true_segment": LABEL, "cluster": NUMERIC, "city": TEXT,
        "plz": PII, "email_opt_in": BOOLEAN, "Year_Birth": NUMERIC}


def test_explicit_choices_and_overrides():
    df = _mixed()
    roles = infer_roles(df, id_col="email", exclude=["orders"], labels=["device"],
                        overrides={"revenue": "categorical", "vip": "ignore"})
    assert roles.id_col == "email"
    assert roles.role("Customer ID") == IGNORE     # only one id column
    assert roles.role("orders") == IGNORE and roles.role("device") == LABEL
    assert roles.role("revenue") == CATEGORICAL and roles.role("vip") == IGNORE
    for col in ("email", "orders", "device", "revenue", "vip"):
        item = next(i for i in roles.items if i.column == col)
        assert item.inferred is False
    # overrides win last
    roles = infer_roles(df, exclude=["orders"], overrides={"orders": "numeric"})
    assert roles.role("orders") == NUMERIC


@pytest.mark.parametrize("kwargs, match", [
    ({"id_col": "cust"}, r"shop\.csv: column 'cust' \(id column\) does not exist"),
    ({"exclude": ["nope"]}, "column 'nope'"),
    ({"labels": ["Segment"]}, "did you mean 'segment'"),
    ({"overrides": {"zzz": "numeric"}}, "available columns: 'Customer ID', 'email'"),
    ({"overrides": {"orders": "money"}}, r"'money' is not a column role .* numeric"),
])
def test_bad_names_and_roles(kwargs, match):
    with pytest.raises(InputError, match=match):
        infer_roles(_mixed(), source="shop.csv", **kwargs)


def test_duplicate_column_names_in_a_frame():
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InputError, match="appears twice"):
        infer_roles(df, source="f.csv")


def test_role_inference_is_sampled_and_fast(tmp_path):
    n = 200_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"customer_id": np.arange(n), "spend": rng.gamma(2, 30, n),
                       "email": [f"u{i}@x.org" for i in range(n)],
                       "channel": rng.choice(["app", "web", "store"], n),
                       "joined": pd.Series(pd.date_range("2020-01-01", periods=n, freq="min"))
                       .dt.strftime("%d.%m.%Y"),
                       "active": rng.choice(["yes", "no"], n)})
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False, sep=";")
    t0 = time.perf_counter()
    table, rep = read_table(path)
    roles = infer_roles(table, source=rep.source)
    coerce_types(table, roles)
    quality_report(table, roles)
    elapsed = time.perf_counter() - t0
    assert rep.n_rows == n
    assert roles.as_mapping() == {"customer_id": ID, "spend": NUMERIC, "email": PII,
                                  "channel": CATEGORICAL, "joined": DATETIME, "active": BOOLEAN}
    assert elapsed < 15, f"read + roles + coerce + quality took {elapsed:.1f} s"


def test_whole_numbers_named_like_codes_are_categories_but_counts_stay_numbers():
    """Online Shoppers codes its browsers, regions and traffic types as 1, 2, 3 …: the
    numbers are labels, not amounts. A column that counts categories is an amount."""
    rng = np.random.default_rng(0)
    n = 500
    frame = pd.DataFrame({"Browser": rng.integers(1, 14, n), "Region": rng.integers(1, 10, n),
                          "TrafficType": rng.integers(1, 21, n),
                          "OperatingSystems": rng.integers(1, 9, n),
                          "categories_bought": rng.integers(1, 16, n),
                          "n_types": rng.integers(0, 6, n), "Anzahl_Kanäle": rng.integers(1, 5, n),
                          "visits": rng.integers(0, 30, n)})
    roles = infer_roles(frame)
    for col in ("Browser", "Region", "TrafficType", "OperatingSystems"):
        assert roles.role(col) == CATEGORICAL, col
    for col in ("categories_bought", "n_types", "Anzahl_Kanäle", "visits"):
        assert roles.role(col) == NUMERIC, col
