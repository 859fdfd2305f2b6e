""":func:`check_usable`: stop before the expensive steps when no personas can come out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..roles import ID, PII
from .column_roles import ColumnRoles
from .messages import _count, _show


def check_usable(df: pd.DataFrame, roles: ColumnRoles, source: str = "data", *,
                 min_rows: int = 10) -> None:
    """Stop before the expensive steps when no personas can come out.

    Raises InputError for: fewer than ``min_rows`` rows, repeated or missing ids, and
    no behaviour (feature) column.
    """
    n = len(df)
    if n < min_rows:
        raise InputError(f"{source}: only {_count(n, 'customer row')} — persona discovery "
                         f"needs at least {min_rows} customers", source=source)
    id_col = roles.id_col
    if id_col is not None and id_col in df.columns:
        _check_ids(df[id_col], id_col, source)
    if not roles.feature_columns:
        raise InputError(f"{source}: no behaviour columns to find personas in — "
                         f"{_describe_roles(roles)}; mark a behaviour column, "
                         f"e.g. --role {_example_column(roles)}=numeric", source=source)


def _check_ids(ids: pd.Series, id_col: str, source: str) -> None:
    missing = ids.isna().to_numpy()
    if missing.any():
        first = int(np.argmax(missing)) + 1
        more = int(missing.sum()) - 1
        extra = f" (and {_count(more, 'more row')})" if more else ""
        raise InputError(f"{source}: the id column '{id_col}' is empty in row {first}{extra} — "
                         "fill in every customer id or choose another id column with --id-col",
                         source=source, column=id_col, row=first)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.argmax(dup))
        value = ids.iloc[first]
        rows = np.flatnonzero((ids == value).to_numpy())[:2] + 1
        raise InputError(f"{source}: id {_show(value)} appears more than once in column "
                         f"'{id_col}' (rows {rows[0]} and {rows[1]}) — is this an event log? "
                         "use --events to aggregate it per customer, or choose another id "
                         "column with --id-col", source=source, column=id_col, row=int(rows[1]))


def _describe_roles(roles: ColumnRoles) -> str:
    items = list(roles.items)
    if not items:
        return "the table has no columns"
    if len(items) == 1 and items[0].role == ID:
        return f"there is only an id column ('{items[0].column}')"
    shown = ", ".join(f"{i.column} ({i.role})" for i in items[:10])
    more = f", … ({len(items)} columns)" if len(items) > 10 else ""
    return f"the columns are {shown}{more}"


def _example_column(roles: ColumnRoles) -> str:
    for item in roles.items:
        if item.role not in (ID, PII):
            return item.column
    return "COL"
