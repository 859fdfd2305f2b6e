"""coerce_types: the dtypes the feature pipeline expects (persona_mining.ingest.coercion).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from persona_mining.ingest import ColumnRole, ColumnRoles, coerce_types, infer_roles
from persona_mining.roles import BOOLEAN

from ingest_helpers import _mixed


def test_coerce_types_dtypes():
    df = _mixed()
    df["revenue"] = df["revenue"].map(lambda v: f"{v:.2f}".replace(".", ","))   # text numbers
    df.loc[3, "newsletter"] = None
    df["ts"] = pd.date_range("2024-01-01", periods=len(df), freq="h", tz="Europe/Berlin")
    df["segment"] = [1.0, 2.0, np.nan, 3.0] * (len(df) // 4)
    df["device"] = df["device"].map(lambda v: f"  {v} ")
    roles = infer_roles(df, overrides={"segment": "label", "revenue": "numeric"})
    out = coerce_types(df, roles)
    assert out is not df and list(out.columns) == list(df.columns)
    assert out["orders"].dtype == np.float64 and out["revenue"].dtype == np.float64
    assert out["revenue"].iloc[0] == pytest.approx(float(df["revenue"].iloc[0].replace(",", ".")))
    assert out["newsletter"].dtype == np.float64
    assert out["newsletter"].iloc[:4].tolist()[:3] == [0.0, 1.0, 1.0]
    assert np.isnan(out["newsletter"].iloc[3])
    assert set(out["vip"].unique()) <= {0.0, 1.0}
    assert out["signup"].dtype == "datetime64[ns]"
    assert out["signup"].iloc[0] == pd.Timestamp("2021-01-01")
    assert out["last_order"].dtype == "datetime64[ns]"
    assert out["ts"].dtype == "datetime64[ns]"                    # tz-naive UTC
    assert out["ts"].iloc[0] == pd.Timestamp("2023-12-31 23:00")
    assert out["device"].dtype == object and out["device"].iloc[0] == "iOS"
    assert out["segment"].dtype == object
    assert out["segment"].iloc[:4].tolist()[:2] == ["1", "2"] and pd.isna(out["segment"].iloc[2])
    assert out["email"].equals(df["email"])                        # other roles unchanged
    assert df["revenue"].dtype != np.float64                       # input untouched


def test_coerce_boolean_variants():
    df = pd.DataFrame({"a": ["Y", "n", None, "y"], "b": [2.0, 7.0, np.nan, 7.0],
                       "c": [True, False, True, True]})
    roles = ColumnRoles(tuple(ColumnRole(c, BOOLEAN, "test") for c in df.columns))
    out = coerce_types(df, roles)
    assert out["a"].tolist()[:2] == [1.0, 0.0] and np.isnan(out["a"].iloc[2])
    assert out["b"].tolist()[:2] == [0.0, 1.0] and np.isnan(out["b"].iloc[2])
    assert out["c"].tolist() == [1.0, 0.0, 1.0, 1.0]


def test_coerce_compact_dates_from_integers():
    df = pd.DataFrame({"order_date": [19970101, 19970112, 19971231]})
    out = coerce_types(df, infer_roles(df))
    assert out["order_date"].tolist() == [pd.Timestamp("1997-01-01"), pd.Timestamp("1997-01-12"),
                                          pd.Timestamp("1997-12-31")]
