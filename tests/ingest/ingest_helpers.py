"""Fixtures shared by the ingest tests: files written in tmp_path, small frames.

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "orders": [3, 5, 7],
                         "revenue": [10.5, np.nan, 99.25], "city": ["Köln", None, "Berlin"]})


def _check_frame(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["customer_id", "orders", "revenue", "city"]
    assert df["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert df["orders"].tolist() == [3, 5, 7]
    assert df["revenue"].iloc[[0, 2]].tolist() == [10.5, 99.25] and np.isnan(df["revenue"].iloc[1])
    assert df["city"].iloc[0] == "Köln" and pd.isna(df["city"].iloc[1])


def _mixed(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    first = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans"]
    return pd.DataFrame({
        "Customer ID": [f"K{i:04d}" for i in range(n)],
        "email": [f"user{i}@example.com" for i in range(n)],
        "phone": [["+49 30 1234567", "(030) 123-4567", "0171/1234567"][i % 3] + str(i)
                  for i in range(n)],
        "iban": [f"DE89 3704 0044 0532 0130 {i:02d}" for i in range(n)],
        "first_name": [first[i % len(first)] + str(i % 5) for i in range(n)],
        "street": [f"Hauptstraße {i + 1}" for i in range(n)],
        "country": ["DE"] * n,
        "notes_empty": [np.nan] * n,
        "newsletter": ["yes" if i % 3 else "No" for i in range(n)],
        "signup": [f"{(i % 28) + 1:02d}.{(i % 12) + 1:02d}.2021" for i in range(n)],
        "last_order": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "segment": ["gold", "silver", "bronze", "gold"] * (n // 4),
        "orders": rng.integers(0, 30, n),
        "revenue": rng.gamma(2.0, 50.0, n).round(2),
        "vip": rng.integers(0, 2, n),
        "device": ["iOS", "Android", "Web"] * (n // 3) + ["iOS"] * (n % 3),
        "feedback": [f"The delivery number {i} arrived late and the box was damaged badly"
                     for i in range(n)],
    })
