"""How an outcome column is read: the rate of a yes value, or a mean; decided once from
the training values and kept with the persona model, so period files read the same way."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..i18n import _
from .names import _UMLAUTS, HIGHER_IS_BETTER, NO_WORDS, OTHER, YES_HINTS, YES_WORDS, concept_of

RATE, MEAN = "rate", "mean"

@dataclass(frozen=True)
class OutcomeSpec:
    """How to read one outcome column: a rate of ``yes`` (yes/no outcomes) or a mean.

    ``yes`` / ``no`` are value keys (:func:`value_keys`: yes/no words and booleans as
    "1"/"0", numbers as shortest text, other text lower case); ``no`` None means any
    other value counts as no. ``shown_yes`` is the yes value as written in the data when
    it is not a plain yes/true/1 ("Attrited Customer"), for the label.
    """

    column: str
    kind: str                      # rate | mean
    concept: str = OTHER           # churn | cancel | convert | purchase | respond | value | other
    yes: str | None = None
    no: str | None = None
    shown_yes: str | None = None

    def values(self, s: pd.Series) -> np.ndarray:
        """The column as floats: 1/0 for a rate (NaN when missing or neither), numbers
        for a mean (NaN when missing or not a number)."""
        if self.kind == MEAN:
            if pd.api.types.is_bool_dtype(s.dtype):
                s = s.astype("float64")
            return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        codes, uniques = pd.factorize(s, use_na_sentinel=True)   # keys of the distinct values only
        keys = _keys(pd.Series(uniques, dtype=s.dtype if len(uniques) else object))
        present = pd.notna(keys)
        per = np.full(len(keys), np.nan)
        per[present & (keys == self.yes)] = 1.0
        no = present & (keys != self.yes) if self.no is None else present & (keys == self.no)
        per[no] = 0.0
        return np.where(codes >= 0, per[np.maximum(codes, 0)] if len(per) else np.nan, np.nan)

    @property
    def higher_is_better(self) -> bool | None:
        return HIGHER_IS_BETTER.get(self.concept)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "OutcomeSpec":
        return cls(**{k: d.get(k) for k in ("column", "kind", "concept", "yes", "no", "shown_yes")})


def value_keys(s: pd.Series) -> np.ndarray:
    """Comparable text keys of a column's values (object array, NaN for missing): yes/no
    words and booleans as "1"/"0", numbers as their shortest text, other text lower case.
    Computed once per distinct value (a million rows of yes/no are two keys)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    keys = _keys(pd.Series(uniques, dtype=s.dtype if len(uniques) else object))
    out = np.full(len(s), np.nan, dtype=object)
    out[codes >= 0] = keys[codes[codes >= 0]]
    return out


def _keys(s: pd.Series) -> np.ndarray:
    missing = s.isna().to_numpy()
    if pd.api.types.is_bool_dtype(s.dtype):
        keys = np.where(s.fillna(False).to_numpy(dtype=bool), "1", "0").astype(object)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(x)
        keys = np.full(len(x), np.nan, dtype=object)
        whole = finite & (np.mod(np.where(finite, x, 0), 1) == 0) & (np.abs(np.where(finite, x, 0)) < 2**53)
        keys[whole] = x[whole].astype(np.int64).astype(str)
        rest = finite & ~whole
        keys[rest] = [f"{v:g}" for v in x[rest]]
        missing = missing | ~finite
    else:
        text = s.astype("string").str.strip().str.lower()
        yes, no = text.isin(YES_WORDS).to_numpy(), text.isin(NO_WORDS).to_numpy()
        keys = np.where(yes, "1", np.where(no, "0", text.to_numpy(dtype=object))).astype(object)
    keys[missing] = np.nan
    return keys


MAX_TEXT_LEVELS = 50      # a text outcome with more different values is not yes/no


def infer_spec(series: pd.Series, column: str, source: str = "data") -> OutcomeSpec:
    """How to read an outcome column, decided from its (training) values; InputError
    when the column cannot be an outcome (no values, or text with many values)."""
    concept = concept_of(column) or OTHER
    values = series.dropna()
    if values.empty:
        raise InputError(_("{source}: the outcome column '{column}' is empty — give it another "
                           "role or fill it in", source=source, column=column),
                         source=source, column=column)
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    codes, uniques = pd.factorize(values)
    if not numeric and not pd.api.types.is_bool_dtype(values.dtype):
        as_number = pd.to_numeric(pd.Series(uniques), errors="coerce")
        if as_number.notna().all():                  # numbers written as text
            values, numeric = pd.to_numeric(values, errors="coerce"), True
            codes, uniques = pd.factorize(values)
    if numeric and len(uniques) > 2:
        return OutcomeSpec(column, MEAN, "value" if concept == "value" else concept)
    if len(uniques) > MAX_TEXT_LEVELS:
        raise _not_an_outcome(source, column, len(uniques), uniques)
    written = pd.Series(uniques).astype(str).str.strip().to_numpy(dtype=object)
    keys = _keys(pd.Series(uniques, dtype=values.dtype))
    counts = pd.Series(np.bincount(codes, minlength=len(uniques)), index=keys).groupby(level=0).sum()
    if set(counts.index) <= {"0", "1"}:
        return OutcomeSpec(column, RATE, concept, "1", "0")
    if len(counts) == 2:
        yes = _pick_yes(counts, concept, numeric)
        no = next(k for k in counts.index if k != yes)
        return OutcomeSpec(column, RATE, concept, yes, no,
                           _shown_yes(written, keys, np.bincount(codes, minlength=len(uniques)), yes))
    raise _not_an_outcome(source, column, len(counts), uniques)


def _not_an_outcome(source: str, column: str, n: int, uniques: Any) -> InputError:
    examples = ", ".join(f"'{v}'" for v in list(uniques)[:3])
    return InputError(_("{source}: column '{column}' cannot be an outcome: it holds {n} different "
                        "texts ({examples}, …) — an outcome is yes/no or a number; give it the "
                        "role label to see its mix per persona", source=source, column=column,
                        n=n, examples=examples), source=source, column=column)


def _pick_yes(levels: pd.Series, concept: str, numeric: bool) -> str:
    """The "yes" of two values: for numbers the larger; for words the one that names the
    outcome ("Attrited Customer"), else the rarer one (an outcome is usually the event)."""
    keys = list(levels.index)
    if numeric:
        return max(keys, key=float)
    hints = YES_HINTS.get(concept, ())
    named = [k for k in keys if any(h in str(k).translate(_UMLAUTS) for h in hints)]
    if len(named) == 1:
        return named[0]
    counts = levels.sort_index()
    return str(counts.idxmin())


def _shown_yes(written: np.ndarray, keys: np.ndarray, counts: np.ndarray, yes: str) -> str | None:
    """The yes value as written (its most frequent spelling), when it is not a plain
    yes/true/1 (then None)."""
    if yes == "1":
        return None
    mine = np.flatnonzero(keys == yes)
    return str(written[mine[np.argmax(counts[mine])]]) if len(mine) else yes


def specs_for(data: pd.DataFrame, columns: Sequence[str], source: str = "data") -> list[OutcomeSpec]:
    """Specs of the outcome columns of a table (the ones it has), in the given order."""
    return [infer_spec(data[c], c, source) for c in columns if c in data.columns]
