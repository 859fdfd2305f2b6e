""":func:`check_usable`: stop before the expensive steps when no personas can come out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..roles import ID, PII
from .column_roles import ColumnRoles
from ..i18n import _, ngettext
from .messages import _show


def check_usable(df: pd.DataFrame, roles: ColumnRoles, source: str = "data", *,
                 min_rows: int = 10) -> None:
    """Stop before the expensive steps when no personas can come out.

    Raises InputError for: fewer than ``min_rows`` rows, repeated or missing ids, and
    no behaviour (feature) column.
    """
    n = len(df)
    if n < min_rows:
        raise InputError(ngettext("{source}: only {n} customer row — persona discovery needs at "
                                  "least {min} customers",
                                  "{source}: only {n} customer rows — persona discovery needs at "
                                  "least {min} customers", n, source=source, min=min_rows),
                         source=source)
    id_col = roles.id_col
    if id_col is not None and id_col in df.columns:
        _check_ids(df[id_col], id_col, source)
    if not roles.feature_columns:
        raise InputError(_("{source}: no behaviour columns to find personas in — {roles}; mark a "
                           "behaviour column, e.g. --role {example}=numeric", source=source,
                           roles=_describe_roles(roles), example=_example_column(roles)),
                         source=source)


def _check_ids(ids: pd.Series, id_col: str, source: str) -> None:
    missing = ids.isna().to_numpy()
    if missing.any():
        first = int(np.argmax(missing)) + 1
        more = int(missing.sum()) - 1
        extra = ngettext(" (and {n} more row)", " (and {n} more rows)", more) if more else ""
        raise InputError(_("{source}: the id column '{column}' is empty in row {row}{more} — fill "
                           "in every customer id or choose another id column with --id-col",
                           source=source, column=id_col, row=first, more=extra),
                         source=source, column=id_col, row=first)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.argmax(dup))
        value = ids.iloc[first]
        rows = np.flatnonzero((ids == value).to_numpy())[:2] + 1
        raise InputError(_("{source}: id {value} appears more than once in column '{column}' "
                           "(rows {first} and {second}) — is this an event log? use --events to "
                           "aggregate it per customer, or choose another id column with --id-col",
                           source=source, value=_show(value), column=id_col, first=rows[0],
                           second=rows[1]), source=source, column=id_col, row=int(rows[1]))


def _describe_roles(roles: ColumnRoles) -> str:
    items = list(roles.items)
    if not items:
        return _("the table has no columns")
    if len(items) == 1 and items[0].role == ID:
        return _("there is only an id column ('{column}')", column=items[0].column)
    shown = ", ".join(f"{i.column} ({i.role})" for i in items[:10])
    more = _(", … ({n} columns)", n=len(items)) if len(items) > 10 else ""
    return _("the columns are {columns}{more}", columns=shown, more=more)


def _example_column(roles: ColumnRoles) -> str:
    for item in roles.items:
        if item.role not in (ID, PII):
            return item.column
    return "COL"
