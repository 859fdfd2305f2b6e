"""Data quality of the table as read: missing shares, distinct counts, skew,
duplicates (shown on the Data page before the user trusts the personas).

Not to be confused with cluster validity (silhouette, DBCV, stability), which lives in
:mod:`persona_mining.validity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

# one threshold: the report says what the features will do
from ..features import SKEW_THRESHOLD as _SKEW_THRESHOLD
from ..roles import CATEGORICAL, CONSTANT, ID, IGNORE, NUMERIC, PII
from .coercion import ABSURD_VALUE, _to_float_raw, unusable_numbers
from .column_roles import ColumnRoles
from ..i18n import _, fmt_number, ngettext
from .messages import _pct


_MANY_LEVELS = 30           # as features.MAX_LEVELS: more levels are grouped as "(other)"
_MISSING_WARN = 0.2


@dataclass(frozen=True)
class ColumnQuality:
    """Quality of one column as the user should see it before trusting the personas."""

    column: str
    role: str
    dtype: str
    missing_share: float
    n_unique: int
    skew: float | None          # numeric only
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualityReport:
    """Per-column quality plus whole-table duplicates and warnings."""

    columns: tuple[ColumnQuality, ...]
    n_rows: int
    duplicate_rows: int
    duplicate_ids: int
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per column; warnings joined with '; '."""
        return pd.DataFrame([{"column": c.column, "role": c.role, "dtype": c.dtype,
                              "missing_share": c.missing_share, "n_unique": c.n_unique,
                              "skew": c.skew, "warnings": "; ".join(c.warnings)}
                             for c in self.columns],
                            columns=["column", "role", "dtype", "missing_share", "n_unique",
                                     "skew", "warnings"])

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [{"column": c.column, "role": c.role, "dtype": c.dtype,
                             "missing_share": float(c.missing_share), "n_unique": int(c.n_unique),
                             "skew": None if c.skew is None else float(c.skew),
                             "warnings": list(c.warnings)} for c in self.columns],
                "n_rows": int(self.n_rows), "duplicate_rows": int(self.duplicate_rows),
                "duplicate_ids": int(self.duplicate_ids), "warnings": list(self.warnings)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "QualityReport":
        cols = tuple(ColumnQuality(column=str(c["column"]), role=str(c["role"]),
                                   dtype=str(c["dtype"]), missing_share=float(c["missing_share"]),
                                   n_unique=int(c["n_unique"]),
                                   skew=None if c.get("skew") is None else float(c["skew"]),
                                   warnings=tuple(c.get("warnings", ())))
                     for c in d["columns"])
        return cls(columns=cols, n_rows=int(d["n_rows"]), duplicate_rows=int(d["duplicate_rows"]),
                   duplicate_ids=int(d["duplicate_ids"]), warnings=tuple(d.get("warnings", ())))


def quality_report(df: pd.DataFrame, roles: ColumnRoles) -> QualityReport:
    """Missing shares, distinct counts, skew and duplicates of the table as read."""
    columns = []
    for raw in df.columns:
        s = df[raw]
        item = roles.get(str(raw))
        role = item.role if item else IGNORE
        columns.append(_column_quality(str(raw), s, role))
    id_col = roles.id_col
    duplicate_rows = _duplicate_rows(df, id_col)
    duplicate_ids = 0
    if id_col is not None and id_col in df.columns:
        duplicate_ids = int(df[id_col].dropna().duplicated().sum())
    return QualityReport(columns=tuple(columns), n_rows=len(df), duplicate_rows=duplicate_rows,
                         duplicate_ids=duplicate_ids,
                         warnings=_warnings(roles, duplicate_ids, duplicate_rows,
                                            id_col is None or id_col in df.columns))


def _warnings(roles: ColumnRoles, duplicate_ids: int, duplicate_rows: int,
              id_present: bool) -> tuple[str, ...]:
    """The table-level warnings, in the current language, from the report's numbers."""
    id_col = roles.id_col
    out: list[str] = []
    if id_col is not None and id_present:
        if duplicate_ids:
            out.append(ngettext("{n} repeated id in column '{column}'",
                                "{n} repeated ids in column '{column}'", duplicate_ids,
                                column=id_col))
    elif id_col is None:
        out.append(_("no id column: customers are identified by their row number"))
    if duplicate_rows:
        out.append(ngettext("{n} row exactly repeats an earlier row",
                            "{n} rows exactly repeat an earlier row", duplicate_rows))
    private = roles.columns(PII)
    if private:
        out.append(_("personal data is never used or shown: {columns}",
                     columns=", ".join(private[:10])))
    if not roles.feature_columns:
        out.append(_("no behaviour columns: personas cannot be found"))
    return tuple(out)


def _column_quality(col: str, s: pd.Series, role: str) -> ColumnQuality:
    n = len(s)
    notes: list[str] = []
    x = _to_float_raw(s).to_numpy() if role == NUMERIC else None
    n_missing = int(s.isna().sum())
    if x is not None:       # unusable numbers are treated as missing (coerce_types)
        infinite, absurd = unusable_numbers(x)
        n_missing += int(infinite.sum() + absurd.sum())
    missing = n_missing / n if n else 0.0
    try:
        n_unique = int(s.nunique())
    except TypeError:
        n_unique = int(s.astype("str").nunique())
    skew = None
    if missing >= _MISSING_WARN:
        notes.append(_("{share} missing", share=_pct(missing)))
    if x is not None:
        notes.extend(_unusable_notes(x, infinite, absurd))
        finite = x[np.isfinite(x) & ~absurd]
        skew = _skew(finite)
        if skew is not None and abs(skew) > _SKEW_THRESHOLD:
            low = finite.min() if len(finite) else 0.0
            if skew > 0 and low >= 0:
                if skew > 3:
                    notes.append(_("heavy right skew (skew {skew}): will be log-transformed",
                                   skew=fmt_number(skew, 1)))
                else:
                    notes.append(_("right skew (skew {skew}): will be log-transformed",
                                   skew=fmt_number(skew, 1)))
            else:
                notes.append(_("skewed (skew {skew}): will be Yeo-Johnson transformed",
                               skew=fmt_number(skew, 1)))
    elif role == CATEGORICAL and n_unique > _MANY_LEVELS:
        notes.append(_("high cardinality ({n} levels): rare levels are grouped as other",
                       n=n_unique))
    elif role == CONSTANT:
        notes.append(_("the same value everywhere: not used"))
    elif role == PII:
        notes.append(_("personal data: never used or shown"))
    elif role == ID and (missing > 0 or n_unique < n - int(s.isna().sum())):
        notes.append(_("ids repeat or are missing"))
    return ColumnQuality(column=col, role=role, dtype=str(s.dtype), missing_share=missing,
                         n_unique=n_unique, skew=skew, warnings=tuple(notes))


def _unusable_notes(x: np.ndarray, infinite: np.ndarray, absurd: np.ndarray) -> list[str]:
    """Infinite and absurdly large numbers, counted: they are treated as missing, and the
    user should find and fix them."""
    notes = []
    n_inf, n_absurd = int(infinite.sum()), int(absurd.sum())
    if n_inf:
        notes.append(ngettext("{n} infinite value (inf, -inf or a number too long to store): "
                              "treated as missing",
                              "{n} infinite values (inf, -inf or numbers too long to store): "
                              "treated as missing", n_inf, n=fmt_number(n_inf)))
    if n_absurd:
        notes.append(ngettext("{n} value of {limit} or more, a billion times the column's "
                              "typical size (e.g. {example}): surely a data error, treated "
                              "as missing",
                              "{n} values of {limit} or more, a billion times the column's "
                              "typical size (e.g. {example}): surely data errors, treated "
                              "as missing", n_absurd, n=fmt_number(n_absurd),
                              limit=_power_of_ten(ABSURD_VALUE),
                              example=_power_of_ten(float(x[np.flatnonzero(absurd)[0]]))))
    return notes


def _power_of_ten(value: float) -> str:
    """A huge number readably in either language: '10^15', '1,2·10^200' (German comma)."""
    if not np.isfinite(value) or value == 0:
        return fmt_number(value)
    exp = int(np.floor(np.log10(abs(value))))
    mantissa = value / 10.0 ** exp
    if round(mantissa, 1) in (1.0, -1.0):
        return ("-" if value < 0 else "") + f"10^{exp}"
    return f"{fmt_number(mantissa, 1)}·10^{exp}"


def _skew(x: np.ndarray, limit: int = 50_000) -> float | None:
    """Sample skewness (as scipy.stats.skew) of finite values, on at most ``limit``
    evenly spread values. Computed on values scaled to [-1, 1] (skewness does not change
    with scale), so 1e200 does not overflow."""
    if len(x) > limit:
        x = x[np.linspace(0, len(x) - 1, limit).astype(np.int64)]
    if len(x) < 3:
        return None
    scale = float(np.max(np.abs(x)))
    if scale == 0:
        return None
    xs = x / scale
    d = xs - xs.mean()
    m2 = float(np.mean(d * d))
    # constant up to rounding (as before scaling: relative to max(1, mean square))
    if m2 <= 1e-12 * max((1.0 / scale) ** 2, float(np.mean(xs * xs))):
        return None
    value = float(np.mean(d ** 3)) / m2 ** 1.5
    return round(value, 3) if np.isfinite(value) else None


def _duplicate_rows(df: pd.DataFrame, id_col: str | None) -> int:
    """Rows identical in every column to an earlier row.

    With a unique id column there can be none. Otherwise rows are compared by a 64-bit
    hash of all their cells (2-3x faster than DataFrame.duplicated on wide tables).
    """
    if df.shape[1] == 0 or len(df) < 2:
        return 0
    if id_col is not None and id_col in df.columns:
        ids = df[id_col]
        if ids.notna().all() and ids.is_unique:
            return 0
    try:
        hashes = pd.util.hash_pandas_object(df, index=False)
    except TypeError:       # unhashable cells (lists) in a frame not read by read_table
        hashes = pd.util.hash_pandas_object(df.astype("str"), index=False)
    return int(hashes.duplicated().sum())
