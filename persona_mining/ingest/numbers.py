"""Numbers stored as text: decimal comma, thousands separators, currency signs and
spreadsheet placeholders such as ``#N/A``, read with strict patterns that check the
digit grouping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..i18n import ngettext
from .report import _ReadState
from .values import _is_text, _sample


_CURRENCY = r"(?:€|\$|£|¥|EUR|USD|GBP|CHF)"
_CURRENCY_EDGE = re.compile(rf"^{_CURRENCY}\s*|\s*{_CURRENCY}$")
_SPACES = "[ \u00a0\u202f']"
_US_NUMBER = (rf"[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:\.\d*)?"
              r"(?:[eE][+-]?\d+)?|[+-]?\.\d+(?:[eE][+-]?\d+)?")
_EU_NUMBER = (rf"[+-]?(?:\d{{1,3}}(?:\.\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:,\d*)?"
              r"|[+-]?,\d+")
_EU_ONLY = r"[+-]?\d*,(?:\d{1,2}|\d{4,})|.*\.\d{3},\d*"
_US_ONLY = r"[+-]?\d*\.(?:\d{1,2}|\d{4,})(?:[eE][+-]?\d+)?|.*,\d{3}\.\d*|.*[eE][+-]?\d+"
# Spreadsheet markers for "no value": treated as missing when the rest are numbers.
MISSING_MARKERS = ("-", "--", "?", "n.a.", "k.a.", "k. a.", "#NV", "#N/A", "#DIV/0!",
                   "#WERT!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "NaN", "nan", "null", "None")


@dataclass(frozen=True)
class _NumberPlan:
    decimal: str                # "." or ","
    thousands: str | None       # separator seen in the sample, if any
    currency: bool


def _number_plan(texts: pd.Series, prefer_decimal: str = ".") -> _NumberPlan | None:
    """How to read stripped text values as numbers, or None when they are not numbers.

    At least 99 % of the non-marker values must match one convention strictly (digit
    groups of three). Ambiguous values such as 1.234 follow any unambiguous value in the
    same column, else ``prefer_decimal`` (the file's decimal sign).
    """
    texts = texts[~texts.isin(MISSING_MARKERS)]
    if texts.empty or texts.str.fullmatch(r"\s*[+-]?0\d+\s*").any():
        return None
    currency = bool(texts.str.contains(_CURRENCY, regex=True).any())
    if currency:
        texts = texts.str.replace(_CURRENCY_EDGE, "", regex=True).str.strip()
    us = texts.str.fullmatch(_US_NUMBER).mean()
    eu = texts.str.fullmatch(_EU_NUMBER).mean()
    if max(us, eu) < 0.99:
        return None
    if us >= 0.99 and eu >= 0.99:
        eu_seen = bool(texts.str.fullmatch(_EU_ONLY).any())
        us_seen = bool(texts.str.fullmatch(_US_ONLY).any())
        decimal = "," if eu_seen and not us_seen else "." if us_seen and not eu_seen \
            else prefer_decimal
    else:
        decimal = "." if us >= 0.99 else ","
    group = "," if decimal == "." else "."
    grouped = f"\\d{re.escape(group)}\\d{{3}}" if decimal == "." else r"\d\.\d{3}(?:,|$)"
    thousands = (group if texts.str.contains(grouped, regex=True).any()
                 else " " if texts.str.contains(rf"\d{_SPACES}\d{{3}}", regex=True).any() else None)
    return _NumberPlan(decimal=decimal, thousands=thousands, currency=currency)


def _apply_number_plan(s: pd.Series, plan: _NumberPlan) -> pd.Series:
    """Text -> float/int by ``plan``; values that do not parse become NaN."""
    t = s.astype("str").str.strip()
    if plan.currency:
        t = t.str.replace(_CURRENCY_EDGE, "", regex=True).str.strip()
    t = t.str.replace(r"[ \u00a0\u202f']", "", regex=True)
    if plan.decimal == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        t = t.str.replace(",", "", regex=False)
    return pd.to_numeric(t, errors="coerce")


def _convert_numeric_text(df: pd.DataFrame, st: _ReadState) -> None:
    """Convert text columns that hold numbers (decimal comma, thousands, currency) in place."""
    for col in df.columns:
        s = df[col]
        if col in st.keep_text or not _is_text(s):
            continue
        values = s.dropna()
        if values.empty:
            continue
        texts = _sample(values).astype("str")
        plan = _number_plan(texts, st.decimal or ".")
        if plan is None:
            continue
        numbers = _apply_number_plan(s, plan)
        failed = numbers.isna() & s.notna() & ~s.isin(MISSING_MARKERS)
        if failed.sum() > 0.01 * len(values):
            continue
        df[col] = numbers
        if plan.decimal == "," and st.format == "csv":
            st.decimal = ","
        if plan.thousands and st.thousands is None:
            st.thousands = plan.thousands
        markers = int((s.isin(MISSING_MARKERS)).sum())
        if failed.any():
            example = s[failed].iloc[0]
            st.notes.append(ngettext("column '{column}': {n} value that is not a number (e.g. "
                                     "'{example}') was treated as missing",
                                     "column '{column}': {n} values that are not numbers (e.g. "
                                     "'{example}') were treated as missing", int(failed.sum()),
                                     column=col, example=example))
        if markers:
            st.notes.append(ngettext("column '{column}': {n} placeholder value such as '{example}' "
                                     "was treated as missing",
                                     "column '{column}': {n} placeholder values such as "
                                     "'{example}' were treated as missing", markers, column=col,
                                     example=s[s.isin(MISSING_MARKERS)].iloc[0]))
