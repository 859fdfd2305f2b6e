""":func:`infer_roles`: what every column is for, in plain words the user can check
and override (the id column, personal data, labels, outcomes, flags, dates, numbers,
categories).

Role inference looks at an evenly spread sample of at most
:data:`~.values.SAMPLE_SIZE` values per column; only cheap linear checks (uniqueness,
constancy) see the whole column.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..outcomes.names import outcome_reason
from ..roles import (BOOLEAN, CATEGORICAL, CONSTANT, DATETIME, ID, IGNORE, LABEL, NUMERIC, OUTCOME,
                     PII, TEXT)
from .column_roles import ColumnRole, ColumnRoles
from .dates import _DATE_SHARE, _best_date_format, _date_name
from ..i18n import N_, _, fmt_number, ngettext
from .messages import _pct, _show, _unknown_column
from .numbers import _number_plan
from .pii import _pii_by_name, _pii_by_value
from .values import SAMPLE_SIZE, _CATEGORY_SHARE, _MAX_CATEGORIES, _is_text, _kind, _sample, _texts


def infer_roles(df: pd.DataFrame, *, id_col: str | None = None, exclude: Sequence[str] = (),
                labels: Sequence[str] = (), overrides: Mapping[str, str] | None = None,
                source: str = "data", outcomes: Sequence[str] = ()) -> ColumnRoles:
    """Role of every column, with a plain-words reason (see the module docstring).

    Args:
        df: the table as returned by :func:`read_table` (any DataFrame works).
        id_col: the customer id column; inferred from names like ``customer_id`` if None.
        exclude: columns to leave out (role ``ignore``).
        labels: columns kept out of the features but reported per persona (role ``label``).
        outcomes: outcome columns (churn, response, value): kept out of the features and
            reported per persona as a rate or mean (role ``outcome``, see
            :mod:`persona_mining.outcomes`).
        overrides: column -> role, applied last.
        source: file name used in error messages.

    Raises:
        InputError: a named column does not exist, a role is unknown, or column names
            are not unique.
    """
    columns = [str(c) for c in df.columns]
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise InputError(_("{source}: column name '{column}' appears twice — give every column "
                           "its own name", source=source, column=dup), source=source, column=dup)
    named = ([(id_col, _("id column"))] if id_col is not None else []) \
        + [(c, _("excluded column")) for c in exclude] + [(c, _("label column")) for c in labels] \
        + [(c, _("outcome column")) for c in outcomes] \
        + [(c, _("role override")) for c in (overrides or {})]
    for col, what in named:
        if col not in columns:
            raise _unknown_column(source, col, what, columns)
    norms = {c: _norm_name(c) for c in columns}
    chosen, id_reason, other_ids = _choose_id(df, norms, id_col)
    items = []
    for col, raw in zip(columns, df.columns):
        if col == chosen:
            items.append(ColumnRole(col, ID, id_reason, inferred=id_col is None))
        elif col in other_ids:
            items.append(ColumnRole(col, IGNORE, _("another identifier: '{column}' is the id column",
                                                   column=chosen)))
        else:
            role, reason = _infer_column(df[raw], norms[col])
            if role == NUMERIC and _id_priority(norms[col]) is not None:
                role, reason = _id_code_role(df[raw])
            items.append(ColumnRole(col, role, reason))
    roles = ColumnRoles(tuple(items))
    # labels and outcomes are reported per persona: personal data never is
    for cols, role in ((labels, CATEGORICAL), (outcomes, OUTCOME)):
        for col in cols:
            item = roles.get(col)
            if item is None or item.role != PII:
                continue
            if role == OUTCOME:
                raise InputError(_("{source}: column '{column}' holds personal data ({reason}) "
                                   "and cannot be an outcome reported per persona — leave it "
                                   "out, or if it is not personal data set its role yourself "
                                   "(e.g. --role {column}=outcome)", source=source, column=col,
                                   reason=item.reason), source=source, column=col)
            raise InputError(_("{source}: column '{column}' holds personal data ({reason}) and "
                               "cannot be a label reported per persona — leave it out, or if it "
                               "is not personal data set its role yourself (e.g. --role "
                               "{column}=categorical)", source=source, column=col,
                               reason=item.reason), source=source, column=col)
    explicit = {c: IGNORE for c in exclude}
    explicit.update({c: LABEL for c in labels})
    explicit.update({c: OUTCOME for c in outcomes})
    said = {IGNORE: N_("left out by you (exclude)"), LABEL: N_("marked as a label by you"),
            OUTCOME: N_("marked as an outcome by you")}
    if explicit:
        roles = roles.with_overrides(explicit, source)
        roles = ColumnRoles(tuple(
            ColumnRole(i.column, i.role, _(said[i.role]), False) if i.column in explicit else i
            for i in roles.items))
    if overrides:
        roles = roles.with_overrides(overrides, source)
    return roles


# -- names ------------------------------------------------------------------------------------
def _norm_name(name: str) -> str:
    """'CustomerID' / 'Customer ID' / 'customer-id' -> 'customer_id'."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    return re.sub(r"[\W_]+", "_", split.lower()).strip("_")


_ID_NAMES = {
    0: {"customer_id", "customerid", "cust_id", "custid", "kunden_id", "kundenid",
        "kundennummer", "kunden_nr", "kundennr", "kunde_id", "client_id", "clientid",
        "customer_number", "customer_no", "customer_nr", "customer_key"},
    1: {"id"},
    2: {"user_id", "userid", "account_id", "accountid", "member_id", "memberid", "person_id",
        "contact_id", "mitgliedsnummer", "nutzer_id"},
}
_STRONG_ID = 2


def _id_priority(norm: str) -> int | None:
    """Lower is a better customer-id name; None: not an id name."""
    for priority, names in _ID_NAMES.items():
        if norm in names:
            return priority
    if norm.endswith("_id") or norm in ("uuid", "guid"):
        return 3
    return None


def _id_like_values(s: pd.Series) -> bool:
    """Strings or whole numbers: what an id column holds."""
    if _is_text(s):
        return True
    if pd.api.types.is_bool_dtype(s.dtype):
        return False
    if pd.api.types.is_integer_dtype(s.dtype):
        return True
    if pd.api.types.is_float_dtype(s.dtype):
        values = s.dropna().to_numpy()
        return bool(len(values)) and bool(np.all(np.mod(values, 1) == 0))
    return False


def _choose_id(df: pd.DataFrame, norms: Mapping[str, str],
               id_col: str | None) -> tuple[str | None, str, set[str]]:
    """(id column, reason, other unique identifier columns to leave out)."""
    candidates = []
    for pos, (col, raw) in enumerate(zip(norms, df.columns)):
        priority = _id_priority(norms[col])
        if priority is not None and _id_like_values(df[raw]):
            candidates.append((priority, pos, col, raw))
    candidates.sort()
    unique = [(p, col) for p, _pos, col, raw in candidates
              if df[raw].notna().all() and df[raw].is_unique]
    if id_col is not None:
        others = {col for _p, col in unique if col != id_col}
        return id_col, _("set as the id column by you"), others
    if unique:
        best = unique[0][1]
        return best, _("named like an id and every value is unique"), {c for _p, c in unique[1:]}
    for priority, _pos, col, raw in candidates:
        if priority <= _STRONG_ID:
            s = df[raw]
            problems = []
            n_missing = int(s.isna().sum())
            n_dup = int(s.dropna().duplicated().sum())
            if n_dup:
                problems.append(ngettext("{n} repeated value", "{n} repeated values", n_dup))
            if n_missing:
                problems.append(_("{n} missing", n=n_missing))
            joined = _(" and ").join(problems)
            return col, _("named like a customer id, but it has {problems}", problems=joined), set()
    return None, "", set()


def _id_code_role(s: pd.Series) -> tuple[str, str]:
    """A numeric column named like an id that is not the id (e.g. store_id): the numbers
    are codes, so they are categories when there are few, else not used."""
    values = s.dropna()
    n_distinct = int(_sample(values).nunique())
    n_sampled = min(len(values), SAMPLE_SIZE)
    if n_distinct <= _MAX_CATEGORIES or n_distinct <= _CATEGORY_SHARE * n_sampled:
        return CATEGORICAL, ngettext("codes named like an id ({n} distinct value)",
                                     "codes named like an id ({n} distinct values)", n_distinct)
    return IGNORE, _("codes named like an id, with too many values to use")


_LABEL_NAME = re.compile(
    r"segment|segments|persona|personas|cluster|label|labels|class|klasse|truth|ground_truth|"
    r"target|group|gruppe|kundengruppe|kundensegment|segmentierung|true_.*|.*_segment|"
    r"segment_.*|.*_persona|persona_.*|.*_label|.*_cluster|cluster_.*|customer_group|"
    r"customer_class")
_TRUE = ("1", "1.0", "true", "yes", "ja", "y", "j", "t", "wahr")
_FALSE = ("0", "0.0", "false", "no", "nein", "n", "f", "falsch")
_BOOL_PAIRS = ({"0", "1"}, {"0.0", "1.0"}, {"true", "false"}, {"yes", "no"}, {"ja", "nein"},
               {"y", "n"}, {"j", "n"}, {"t", "f"}, {"wahr", "falsch"})


def _infer_column(s: pd.Series, norm: str) -> tuple[str, str]:
    """(role, reason) of one column, rules in order: missing, PII, constant, label,
    outcome, boolean, datetime, numeric, free text vs categorical."""
    values = s.dropna()
    if values.empty:
        return CONSTANT, _("all values missing")
    kind = _kind(s)
    sample = _sample(values)
    texts = _texts(sample) if kind == "text" else None
    n_distinct = int((texts if texts is not None else sample).nunique())
    if texts is not None:
        pii = _pii_by_value(texts)
        if pii:
            return PII, pii
    pii = _pii_by_name(norm, kind, n_distinct, len(sample))
    if pii:
        return PII, pii
    if n_distinct <= 1 and _is_constant(values):
        if len(values) < len(s):
            return CONSTANT, _("only one value: {value} (the rest missing)",
                               value=_show(values.iloc[0]))
        return CONSTANT, _("only one value: {value}", value=_show(values.iloc[0]))
    if _LABEL_NAME.fullmatch(norm) and not (kind == "numeric" and n_distinct > _MAX_CATEGORIES):
        return LABEL, _("name suggests a known segment or label ({n} values)", n=n_distinct)
    outcome = outcome_reason(norm, values)
    if outcome:
        return OUTCOME, outcome
    boolean = _boolean_reason(kind, values, texts, n_distinct)
    if boolean:
        return BOOLEAN, boolean
    if kind == "datetime":
        return DATETIME, _("stored as dates")
    date = _datetime_reason(norm, kind, sample, texts)
    if date:
        return DATETIME, date
    if kind == "numeric" and _CODE_NAME.search(norm) and not _COUNT_NAME.search(norm) \
            and n_distinct <= _MAX_CODES and _whole_numbers(sample):
        return CATEGORICAL, ngettext("whole numbers named like codes of a category ({n} distinct "
                                     "value)", "whole numbers named like codes of a category "
                                     "({n} distinct values)", n_distinct)
    if kind == "numeric":
        if len(sample) < len(values):
            return NUMERIC, ngettext("numbers ({n} distinct value in the sample)",
                                     "numbers ({n} distinct values in the sample)", n_distinct)
        return NUMERIC, ngettext("numbers ({n} distinct value)", "numbers ({n} distinct values)",
                                 n_distinct)
    if kind == "bool":
        return CONSTANT, _("only one value: {value}", value=_show(values.iloc[0]))
    if _number_plan(texts) is not None:
        return NUMERIC, _("numbers stored as text")
    return _text_or_categorical(texts, n_distinct)


# Numbers that stand for categories (UCI Online Shoppers' Browser, Region, TrafficType,
# OperatingSystems): "browser 2" is not twice "browser 1".
_CODE_NAME = re.compile(
    r"(^|_)(type|types|code|codes|kind|category|categories|class|region|regions|browser|"
    r"browsers|operating_systems?|os|platform|country|state|channel|device|source|medium|"
    r"typ|art|kategorie|klasse|land|gebiet|bundesland|kanal|geraet|gerät|quelle)($|_)")
# ... unless the name says it counts them: categories_bought, n_types, anzahl_kanäle
_COUNT_NAME = re.compile(
    r"(^|_)(n|nr|num|number|count|cnt|total|bought|purchased|visited|used|viewed|ordered|"
    r"anzahl|gekauft|genutzt|besucht|bestellt)($|_)")
_MAX_CODES = 30


def _whole_numbers(sample: pd.Series) -> bool:
    v = pd.to_numeric(sample, errors="coerce").dropna()
    return bool(len(v)) and bool((v == v.round()).all())


def _is_constant(values: pd.Series) -> bool:
    """At most one distinct value in the whole (non-null) column, in one linear pass."""
    first = values.iloc[0]
    try:
        return not bool((values != first).any())
    except TypeError:
        return values.astype("str").nunique() <= 1


def _boolean_reason(kind: str, values: pd.Series, texts: pd.Series | None,
                    n_distinct: int) -> str | None:
    """Reason if the column is a yes/no flag: a bool dtype, two numbers, or a known pair
    of words (yes/no, ja/nein, true/false, y/n, t/f, 0/1) in the whole column."""
    if n_distinct != 2:
        return None
    if kind == "bool":
        return _("true/false values")
    if kind == "numeric":
        if values.nunique() != 2:
            return None
        lo, hi = sorted(values.unique().tolist())
        if (lo, hi) == (0, 1):
            return _("two values only: 0 and 1")
        return _("two values only: {low} (read as 0) and {high} (read as 1)", low=_show(lo),
                 high=_show(hi))
    if texts is None:
        return None
    pair = set(texts.str.lower().unique())
    if pair not in _BOOL_PAIRS:
        return None
    full = values.astype("str").str.strip().str.lower()
    if not full.isin(pair).all():
        return None
    yes = next(v for v in sorted(pair) if v in _TRUE)
    no = next(v for v in sorted(pair) if v in _FALSE)
    return _("two values only: {yes} / {no}", yes=yes, no=no)


def _datetime_reason(norm: str, kind: str, sample: pd.Series,
                     texts: pd.Series | None) -> str | None:
    """Reason if the values are dates; whole numbers only as YYYYMMDD under a date name."""
    if kind == "numeric":
        if not (_date_name(norm) and _id_like_values(sample)):
            return None
        texts = sample.astype("int64").astype("str")
    elif texts is None:
        return None
    found = _best_date_format(texts, norm)
    if found is None or found[2] < _DATE_SHARE:
        return None
    return _("dates ({share} of sampled values parse as {format})", share=_pct(found[2]),
             format=found[1])


def _text_or_categorical(texts: pd.Series, n_distinct: int) -> tuple[str, str]:
    share = n_distinct / len(texts)
    median_len = float(texts.str.len().median())
    if median_len >= 30 and share >= 0.5:
        return TEXT, _("free text (median {n} characters, {share} distinct): not used",
                       n=fmt_number(median_len), share=_pct(share))
    if n_distinct <= _MAX_CATEGORIES or share <= _CATEGORY_SHARE:
        return CATEGORICAL, ngettext("text with {n} distinct value", "text with {n} distinct values",
                                     n_distinct)
    return TEXT, _("text with many different values ({n} of {sampled} sampled): not used",
                   n=n_distinct, sampled=len(texts))
