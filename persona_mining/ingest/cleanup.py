"""The same clean-up for every format: unique column names, one dtype per kind,
empty rows and unnamed index columns dropped, numbers stored as text converted.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..i18n import N_, _, fmt_number, ngettext
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, _too_many_cells, _too_many_columns
from .messages import _fail
from .numbers import _convert_numeric_text
from .report import _ReadState


def _clean_names(raw_names: Sequence[Any], st: _ReadState) -> list[str]:
    """Strip names; empty ones become column_N; duplicates become x, x_2, x_3 (noted)."""
    names = [str(n).strip() for n in raw_names]
    for i, n in enumerate(names):
        if not n or re.fullmatch(r"Unnamed: \d+(?:_level_\d+)?", n):
            names[i] = ""
    used = {n for n in names if n}
    out: list[str] = []
    seen: set[str] = set()
    renamed = []
    for i, n in enumerate(names):
        if not n:
            n = f"column_{i + 1}"
            k = 2
            while n in used or n in seen:
                n, k = f"column_{i + 1}_{k}", k + 1
            st.unnamed.add(n)
        elif n in seen:
            k = 2
            while f"{n}_{k}" in used or f"{n}_{k}" in seen:
                k += 1
            renamed.append(f"'{n}' → '{n}_{k}'")
            n = f"{n}_{k}"
        seen.add(n)
        out.append(n)
    if renamed:
        st.notes.append(_("duplicate column names made unique: {names}",
                          names=", ".join(renamed[:10]) + (" …" if len(renamed) > 10 else "")))
    return out


def _finish(df: pd.DataFrame, st: _ReadState) -> pd.DataFrame:
    """Same clean-up for every format: names, dtypes, empty rows/columns, numbers."""
    if df.shape[1] > MAX_COLUMNS:
        raise _too_many_columns(st.fname, df.shape[1])
    if df.shape[0] * df.shape[1] > MAX_CELLS:
        raise _too_many_cells(st.fname, df.shape[0], df.shape[1])
    if df.shape[1] == 0:
        raise _fail(st.fname, _("contains no columns"), _("export the table again with a header row"))
    df.columns = _clean_names(list(df.columns), st)
    nested = []
    for col in df.columns:
        df[col], was_nested = _normalise_column(df[col])
        if was_nested:
            nested.append(col)
    if nested:
        st.notes.append(_("nested values (lists/objects) kept as text in: {columns}",
                          columns=", ".join(nested[:10])))
    _drop_long_cells(df, st)
    if len(df) == 0:
        what = _("has a header but no data rows") if st.format in ("csv", "xlsx") else _("has no rows")
        raise _fail(st.fname, what, _("add one row per customer below the header"))
    df = _drop_unnamed_columns(df, st)
    empty = df.isna().all(axis=1).to_numpy()
    if empty.any():
        st.dropped_rows.append((N_("completely empty"), int(empty.sum())))   # shown through _()
        df = df.loc[~empty]
    if len(df) == 0:
        n = int(empty.sum())
        raise _fail(st.fname, ngettext("has no data rows (only {n} empty row)",
                                       "has no data rows (only {n} empty rows)", n),
                    _("add one row per customer below the header"))
    df = df.reset_index(drop=True)
    _convert_numeric_text(df, st)
    named = [c for c in df.columns if c not in st.unnamed]
    if len(named) > 1 and all(re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", c) for c in named):
        st.notes.append(_("every column name is a number: does the file have a header row?"))
    if st.decimal is None and st.format == "csv":
        st.decimal = "."
    return df


def _drop_long_cells(df: pd.DataFrame, st: _ReadState) -> None:
    """Text cells longer than MAX_CELL_CHARS become missing, with a note naming the column
    and the first row: no customer attribute is that long (it is a broken export, a
    pasted file or an attack), and kept it would be stored, shown and one-hot encoded."""
    for col in df.columns:
        s = df[col]
        if not (isinstance(s.dtype, pd.StringDtype) or s.dtype == object):
            continue
        lengths = s.str.len()
        long = (lengths > MAX_CELL_CHARS).to_numpy(dtype=bool, na_value=False)
        if not long.any():
            continue
        first = int(np.argmax(long))
        df[col] = s.mask(long)
        st.notes.append(ngettext(
            "column '{column}': {n} value longer than {limit} characters (in data row {row}, "
            "{size} characters) treated as missing",
            "column '{column}': {n} values longer than {limit} characters (the first in data "
            "row {row}, {size} characters) treated as missing", int(long.sum()), column=col,
            n=int(long.sum()), limit=fmt_number(MAX_CELL_CHARS), row=fmt_number(first + 1),
            size=fmt_number(int(lengths.iloc[first]))))


def _normalise_column(s: pd.Series) -> tuple[pd.Series, bool]:
    """One representation per kind: numpy numbers/bools, 'str' text, no categoricals,
    no nullable extension dtypes; text stripped with '' as missing. Also: was it nested?"""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s, dtype = s.astype(object), np.dtype(object)
    if isinstance(dtype, pd.StringDtype) or dtype == object:
        return _normalise_text(s)
    if pd.api.types.is_extension_array_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_bool_dtype(dtype):
            if s.notna().all():
                return s.astype(bool), False
            return s.astype(object).where(s.notna(), np.nan), False
        if pd.api.types.is_integer_dtype(dtype) and s.notna().all():
            return s.astype("int64"), False
        if pd.api.types.is_numeric_dtype(dtype):
            return s.astype("float64"), False
        return _normalise_text(s.astype(object))
    return s, False


def _normalise_text(s: pd.Series) -> tuple[pd.Series, bool]:
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.na_value is pd.NA:
        values = s.dropna()
        head = values.iloc[:1000].map(type).unique() if len(values) else []
        kinds = set(head)
        if kinds and kinds <= {bool, np.bool_}:
            return (s.astype(bool) if s.notna().all() else s), False
        if kinds and all(issubclass(k, (datetime.date, np.datetime64)) for k in kinds):
            try:
                converted = pd.to_datetime(s, errors="coerce", utc=True).dt.tz_convert(None)
            except (TypeError, ValueError):
                converted = None
            if converted is not None and converted.notna().sum() == len(values):
                return converted, False
        nested = any(issubclass(k, (list, dict, tuple, set, np.ndarray)) for k in kinds)
        if nested:
            s = s.map(_json_text, na_action="ignore")
        s = s.astype("str")
    else:
        nested = False
    stripped = s.str.strip()
    return stripped.where(stripped != ""), nested


def _json_text(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, dict, tuple, set)):
        try:
            return json.dumps(list(value) if isinstance(value, (tuple, set)) else value,
                              ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            return str(value)
    return value


def _drop_unnamed_columns(df: pd.DataFrame, st: _ReadState) -> pd.DataFrame:
    """Columns without a header that hold nothing, or only row numbers (an exported index)."""
    drop = []
    n = len(df)
    for col in [c for c in df.columns if c in st.unnamed]:
        s = df[col]
        if s.isna().all():
            drop.append(col)
            st.dropped_columns.append((col, N_("no header and no values")))
        elif pd.api.types.is_integer_dtype(s.dtype) and n > 1 and (
                np.array_equal(s.to_numpy(), np.arange(n)) or
                np.array_equal(s.to_numpy(), np.arange(1, n + 1))):
            drop.append(col)
            st.dropped_columns.append((col, N_("no header and only row numbers (an exported index)")))
    return df.drop(columns=drop) if drop else df
