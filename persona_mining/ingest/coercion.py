""":func:`coerce_types`: the dtypes the feature pipeline expects, by column role."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..roles import BOOLEAN, CATEGORICAL, DATETIME, LABEL, NUMERIC
from .column_roles import ColumnRoles
from .dates import _best_date_format, _parse_dates
from .inference import _FALSE, _TRUE, _norm_name
from .numbers import _NumberPlan, _apply_number_plan, _number_plan
from .values import _kind, _sample, _texts


def coerce_types(df: pd.DataFrame, roles: ColumnRoles) -> pd.DataFrame:
    """A new frame with the dtypes the feature pipeline expects.

    numeric -> float64; boolean -> float64 0/1 (NaN missing); datetime -> datetime64[ns]
    (UTC, tz-naive); categorical and label -> object strings (stripped, NaN missing).
    Other roles and columns without a role are unchanged.
    """
    converted = [_coerce(df.iloc[:, j], roles.get(str(raw))) for j, raw in enumerate(df.columns)]
    # one new frame instead of setting column by column: on a table with 10,000 product
    # columns pandas would split its blocks once per column (25 s instead of 1 s)
    out = pd.DataFrame(dict(enumerate(converted)), index=df.index)
    out.columns = df.columns
    return out


def _coerce(s: pd.Series, item) -> pd.Series:
    if item is None:
        return s
    if item.role == NUMERIC:
        return _to_float(s)
    if item.role == BOOLEAN:
        return _to_flag(s)
    if item.role == DATETIME:
        return _to_datetime(s, _norm_name(item.column))
    if item.role in (CATEGORICAL, LABEL):
        return _to_object_text(s)
    return s


ABSURD_VALUE = 1e15         # no count, amount or rate of one customer is this large ...
ABSURD_FACTOR = 1e9         # ... when it is also a billion times the column's typical size


def _to_float(s: pd.Series) -> pd.Series:
    """float64; text is parsed with the column's own number convention (NaN if not a number).

    Unusable numbers are missing values (:func:`unusable_numbers`; the quality report
    counts them): no customer has infinite revenue, and one typo like 1e200 among
    amounts around 100 would otherwise decide the column's scale and every average.
    """
    x = _to_float_raw(s)
    infinite, absurd = unusable_numbers(x.to_numpy())
    return x.mask(infinite | absurd)


def unusable_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the infinite values (``inf``, ``-inf``, numbers too long for a float) and
    of the absurd ones: at least :data:`ABSURD_VALUE` and :data:`ABSURD_FACTOR` times
    the median size of the column (so a column of nanosecond timestamps or of amounts in
    a currency with large numbers keeps its values)."""
    infinite = np.isinf(x)
    finite = np.isfinite(x)
    size = np.abs(np.where(finite, x, 0.0))
    absurd = size >= ABSURD_VALUE
    if absurd.any():
        typical = float(np.median(size[finite]))
        absurd &= size >= ABSURD_FACTOR * max(typical, 1.0)
    return infinite, absurd


def _to_float_raw(s: pd.Series) -> pd.Series:
    """float64 as parsed, infinite values kept (for counting them)."""
    kind = _kind(s)
    if kind in ("numeric", "bool"):
        return s.astype("float64")
    if kind == "datetime":
        return pd.Series(np.nan, index=s.index, dtype="float64")
    values = s.dropna()
    plan = _number_plan(_texts(_sample(values))) if len(values) else None
    if plan is None:       # e.g. forced numeric on codes with leading zeros
        plan = _NumberPlan(decimal=".", thousands=None, currency=False)
    return _apply_number_plan(s, plan).astype("float64")


def _to_flag(s: pd.Series) -> pd.Series:
    """0/1 floats: true/yes/ja/1 -> 1; for two other numbers, smaller -> 0, larger -> 1."""
    kind = _kind(s)
    if kind == "bool":
        return s.astype("float64")
    if kind == "numeric":
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        x = pd.Series(v, index=s.index, name=s.name)
        seen = v[~np.isnan(v)]
        if ((seen == 0) | (seen == 1)).all():      # the usual case, without np.unique
            return x
        levels = np.unique(seen)
        if len(levels) == 2:
            return (x == levels[1]).astype("float64").where(x.notna())
        return (x != 0).astype("float64").where(x.notna())
    text = s.astype("str").str.strip().str.lower()
    present = s.notna().to_numpy()
    seen = set(text[present].unique())
    yes, no = text.isin(_TRUE).to_numpy(), text.isin(_FALSE).to_numpy()
    if len(seen) == 2 and not seen & set(_TRUE + _FALSE):     # e.g. forced on male/female
        low, high = sorted(seen)
        yes, no = (text == high).to_numpy(), (text == low).to_numpy()
    out = np.where(yes & present, 1.0, np.where(no & present, 0.0, np.nan))
    return pd.Series(out, index=s.index, name=s.name, dtype="float64")


def _to_datetime(s: pd.Series, norm: str) -> pd.Series:
    """datetime64[ns], tz-naive UTC; text in the column's best format; out of range -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s.dt.tz_convert("UTC").dt.tz_localize(None) if s.dt.tz is not None else s
    else:
        if _kind(s) == "numeric":       # YYYYMMDD numbers
            x = s.astype("float64")
            x = x.where(np.isfinite(x) & (x.abs() < 1e15))
            s = x.round().astype("Int64").astype("str").where(x.notna())
        texts = s.astype("str").str.strip().where(s.notna())
        values = texts.dropna()
        found = (_best_date_format(_sample(values), norm, require_name=False)
                 if len(values) else None)
        # a column the user declared as dates in no known format: let pandas guess per value
        fmt = found[0] if found and found[2] >= 0.5 else "mixed"
        out = _parse_dates(texts, fmt)
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    out = out.where((out >= lo) & (out <= hi))
    return out.astype("datetime64[ns]")


def _to_object_text(s: pd.Series) -> pd.Series:
    """Python str values (whole floats without '.0'), NaN for missing, dtype object."""
    missing = s.isna().to_numpy()
    if _kind(s) == "numeric" and pd.api.types.is_float_dtype(s.dtype):
        values = s.to_numpy()
        finite = values[~missing]
        if len(finite) and np.all(np.mod(finite, 1) == 0) and np.all(np.abs(finite) < 2**53):
            s = s.astype("Int64")
    text = s.astype("str").str.strip()
    arr = text.to_numpy(dtype=object, na_value=np.nan)
    arr[missing] = np.nan
    arr[arr == ""] = np.nan
    return pd.Series(arr, index=s.index, dtype=object, name=s.name)
