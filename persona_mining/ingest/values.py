"""How a column's values are looked at: its kind, and an evenly spread sample.

Role inference looks at an evenly spread sample of at most :data:`SAMPLE_SIZE` values
per column; only cheap linear checks (uniqueness, constancy) see the whole column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


SAMPLE_SIZE = 20_000        # values per column that role inference looks at


_MAX_CATEGORIES = 50
_CATEGORY_SHARE = 0.05


def _is_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) or s.dtype == object


def _sample(s: pd.Series, n: int = SAMPLE_SIZE) -> pd.Series:
    """At most ``n`` values spread evenly over the series (deterministic)."""
    if len(s) <= n:
        return s
    return s.iloc[np.linspace(0, len(s) - 1, n).astype(np.int64)]


def _kind(s: pd.Series) -> str:
    """bool | numeric | datetime | text (object, str, everything else)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_complex_dtype(s.dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime"
    return "text"


def _texts(sample: pd.Series) -> pd.Series:
    """Sampled non-null values as stripped strings."""
    return sample.astype("str").str.strip()
