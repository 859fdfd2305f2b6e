"""Mixed-type, skew-aware preprocessing: customer table -> numeric matrix for embedding.

Why this shape: behaviour data is heavy-tailed (a few customers spend 100x the
median), mixes numbers, categories and flags, and has gaps. Left raw, the one
spend column with the longest tail decides every distance. So each numeric column
gets a transform chosen from its own skew (log1p, Yeo-Johnson or none, shown to
the user), is standardised and clipped; categories are one-hot with rare levels
grouped; missing values are imputed and flagged. All fitted parameters are plain
JSON so a persona model can be saved without pickle.

How much each input column counts (``scale``, shown on the Data page and in the glossary):
a numeric column has variance 1 after standardising. A category, a yes/no column or a
missing-value flag is rescaled so that its one-hot block has variance CATEGORY_BUDGET
(one half) in total, whatever its number of levels: a category then does not outweigh a
number just because it is one-hot encoded, and counts half because its values jump
where numbers change gradually (jumps cut the map into islands that are not personas).
Model columns that are near-copies of each other (|correlation| >= REDUNDANT_CORR, e.g.
Telco's "No internet service" in six service columns, revenue gross and net) share one
column's weight, so a fact counts once however often the table repeats it. The user's
weight multiplies all of this.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .roles import BOOLEAN, CATEGORICAL, DATETIME, NUMERIC

SKEW_THRESHOLD = 1.0     # |skew| above this gets a transform
CLIP_Z = 5.0             # standardised values are clipped to +-CLIP_Z: no single outlier dominates
MAX_LEVELS = 30          # one-hot columns per categorical at most; the rest become "other"
OTHER = "(other)"
MISSING = "(missing)"
_SKEW_SAMPLE = 50_000
CATEGORY_BUDGET = 0.5    # variance of a categorical / boolean block, relative to a numeric column
MAX_SCALE = 1.5          # a rare yes/no level is not pushed further away than this
FLAG_SCALE = 0.5         # "value missing" flags: information, but not a persona on their own
REDUNDANT_CORR = 0.95    # model columns this correlated are one fact
_REDUNDANCY_SAMPLE = 5_000
_REDUNDANCY_MAX_COLUMNS = 2_000   # wider matrices skip the check (cost grows with the square)
_PAIRWISE_MAX_COLUMNS = 300       # up to this width, gaps are handled pair by pair


@dataclass(frozen=True)
class FeatureInfo:
    """One model column: where it comes from and what was done to it (shown in the UI)."""

    name: str          # model column name, e.g. "revenue_12m" or "device = iOS"
    source: str        # input column
    kind: str          # numeric | missing-flag | one-hot | boolean | datetime
    transform: str     # none | log1p | yeo-johnson | one-hot | days-since
    weight: float


@dataclass(frozen=True)
class _NumericStep:
    column: str
    kind: str                  # numeric | boolean | datetime
    median: float
    transform: str             # none | log1p | yeo-johnson
    shift: float               # subtracted before log1p so the minimum maps to 0
    lam: float                 # Yeo-Johnson lambda
    mean: float
    std: float
    missing_flag: bool
    weight: float
    reference: str | None = None   # datetime: "days since" this instant (ISO)
    scale: tuple[float, ...] = ()  # balance per model column (value[, missing flag]); () = 1


@dataclass(frozen=True)
class _CategoricalStep:
    column: str
    levels: tuple[str, ...]    # kept levels, in one-hot order (may include OTHER / MISSING)
    weight: float
    scale: tuple[float, ...] = ()  # balance per one-hot column; () = 1


class FeaturePreprocessor:
    """Fit on a coerced customer table, transform any table with the same columns.

    Parameters are scikit-learn style: stored in ``__init__``, learned attributes
    end in ``_`` (``steps_``, ``features_``).
    """

    def __init__(self, numeric: tuple[str, ...] = (), categorical: tuple[str, ...] = (),
                 boolean: tuple[str, ...] = (), datetime: tuple[str, ...] = (),
                 weights: Mapping[str, float] | None = None,
                 rare_level_share: float = 0.01) -> None:
        self.numeric = tuple(numeric)
        self.categorical = tuple(categorical)
        self.boolean = tuple(boolean)
        self.datetime = tuple(datetime)
        self.weights = dict(weights or {})
        self.rare_level_share = rare_level_share

    @classmethod
    def from_roles(cls, roles: Any, weights: Mapping[str, float] | None = None,
                   rare_level_share: float = 0.01) -> "FeaturePreprocessor":
        return cls(numeric=tuple(roles.columns(NUMERIC)),
                   categorical=tuple(roles.columns(CATEGORICAL)),
                   boolean=tuple(roles.columns(BOOLEAN)),
                   datetime=tuple(roles.columns(DATETIME)),
                   weights=weights, rare_level_share=rare_level_share)

    # -- fitting ---------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> "FeaturePreprocessor":
        steps: list[_NumericStep | _CategoricalStep] = []
        for col in self.numeric:
            steps.append(_fit_numeric(col, _as_float(df[col]), "numeric", self._w(col)))
        for col in self.boolean:
            steps.append(_fit_numeric(col, _as_float(df[col]), "boolean", self._w(col)))
        for col in self.datetime:
            ref = pd.to_datetime(df[col]).max()
            ref_iso = None if pd.isna(ref) else pd.Timestamp(ref).isoformat()
            days = _days_since(df[col], ref_iso)
            steps.append(_fit_numeric(col, days, "datetime", self._w(col), reference=ref_iso))
        for col in self.categorical:
            steps.append(_fit_categorical(col, df[col], self.rare_level_share, self._w(col)))
        self.steps_ = _balance(tuple(s for s in steps if s.weight > 0), df)
        self.features_ = tuple(_infos(self.steps_))
        return self

    def _w(self, col: str) -> float:
        return float(self.weights.get(col, 1.0))

    # -- transforming ------------------------------------------------------------
    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """Matrix (n_customers x n_features, float32) in the order of ``features_``."""
        # filled block by block: a wide table (10,000 columns) never exists twice as float64
        out = np.empty((len(df), len(self.features_)), dtype=np.float32)
        at = 0
        for s in self.steps_:
            block = _transform_step(s, df)
            out[:, at:at + block.shape[1]] = block
            at += block.shape[1]
        return out

    def fit_transform(self, df: pd.DataFrame) -> np.ndarray:
        return self.fit(df).transform(df)

    @property
    def feature_names_(self) -> list[str]:
        return [f.name for f in self.features_]

    @property
    def source_columns_(self) -> list[str]:
        return [s.column for s in self.steps_]

    def describe(self) -> pd.DataFrame:
        """One row per input column: what was done to it, for the UI and the docs."""
        rows = []
        for s in self.steps_:
            if isinstance(s, _CategoricalStep):
                rows.append({"column": s.column, "kind": "categorical",
                             "transform": f"one-hot ({len(s.levels)} levels)",
                             "missing flag": MISSING in s.levels, "weight": s.weight,
                             "balance": balance_of(s)})
            else:
                t = {"none": "standardised", "log1p": "log(1+x), standardised",
                     "yeo-johnson": f"Yeo-Johnson (λ={s.lam:.2f}), standardised"}[s.transform]
                if s.kind == "datetime":
                    t = "days since latest date, " + t
                rows.append({"column": s.column, "kind": s.kind, "transform": t,
                             "missing flag": s.missing_flag, "weight": s.weight,
                             "balance": balance_of(s)})
        return pd.DataFrame(rows, columns=["column", "kind", "transform", "missing flag", "weight",
                                           "balance"])

    # -- serialisation (JSON, never pickle) ---------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "params": {"numeric": list(self.numeric), "categorical": list(self.categorical),
                       "boolean": list(self.boolean), "datetime": list(self.datetime),
                       "weights": self.weights, "rare_level_share": self.rare_level_share},
            "steps": [{"type": "categorical" if isinstance(s, _CategoricalStep) else "numeric",
                       **asdict(s)} for s in getattr(self, "steps_", ())],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "FeaturePreprocessor":
        p = d["params"]
        obj = cls(numeric=tuple(p["numeric"]), categorical=tuple(p["categorical"]),
                  boolean=tuple(p["boolean"]), datetime=tuple(p["datetime"]),
                  weights=p["weights"], rare_level_share=p["rare_level_share"])
        steps = []
        for s in d["steps"]:
            s = dict(s)
            kind = s.pop("type")
            if kind == "categorical":
                steps.append(_CategoricalStep(column=s["column"], levels=tuple(s["levels"]),
                                              weight=s["weight"],
                                              scale=tuple(s.get("scale", ()))))
            else:
                s["scale"] = tuple(s.get("scale", ()))
                steps.append(_NumericStep(**s))
        obj.steps_ = tuple(steps)
        obj.features_ = tuple(_infos(obj.steps_))
        return obj


# -- helpers -----------------------------------------------------------------------
def _as_float(s: pd.Series) -> np.ndarray:
    """float64, with inf / -inf as missing (no customer value is infinite)."""
    x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isinf(x), np.nan, x)


def _mean_std(t: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation without overflow for values up to float's limit
    (computed on values scaled to [-1, 1], then scaled back)."""
    scale = float(np.max(np.abs(t))) if len(t) else 0.0
    if not np.isfinite(scale) or scale == 0:
        return (0.0, 0.0) if scale == 0 else (float(np.mean(t)), 0.0)
    ts = t / scale
    return float(ts.mean()) * scale, float(ts.std()) * scale


def _days_since(s: pd.Series, ref_iso: str | None) -> np.ndarray:
    if ref_iso is None:
        return np.full(len(s), np.nan)
    ts = pd.to_datetime(s, errors="coerce")
    delta = (pd.Timestamp(ref_iso) - ts).dt.total_seconds() / 86400.0
    return delta.to_numpy(dtype=np.float64, na_value=np.nan)


def _fit_numeric(col: str, x: np.ndarray, kind: str, weight: float,
                 reference: str | None = None) -> _NumericStep:
    missing = np.isnan(x)
    median = float(np.nanmedian(x)) if (~missing).any() else 0.0
    filled = np.where(missing, median, x)
    transform, shift, lam = "none", 0.0, 1.0
    if kind != "boolean":
        transform, shift, lam = _choose_transform(filled)
    t = _apply_transform(filled, transform, shift, lam)
    mean, std = _mean_std(t)
    return _NumericStep(column=col, kind=kind, median=median, transform=transform, shift=shift,
                        lam=lam, mean=mean, std=std if std > 1e-12 else 1.0,
                        missing_flag=bool(missing.any()), weight=weight, reference=reference)


def _choose_transform(x: np.ndarray) -> tuple[str, float, float]:
    """log1p for skewed non-negative data (counts, money); Yeo-Johnson for other skew."""
    sample = x if len(x) <= _SKEW_SAMPLE else x[:: max(1, len(x) // _SKEW_SAMPLE)]
    if np.ptp(sample) == 0:
        return "none", 0.0, 1.0
    # skewness does not change with scale: scaled to [-1, 1], 1e200 cannot overflow
    skew = float(stats.skew(sample / np.max(np.abs(sample))))
    if not np.isfinite(skew) or abs(skew) <= SKEW_THRESHOLD:
        return "none", 0.0, 1.0
    lo = float(sample.min())
    if skew > 0 and lo >= 0:
        return "log1p", 0.0, 1.0
    # Scale first: Yeo-Johnson's lambda search is unstable on raw large values.
    scale = _mean_std(sample)[1] or 1.0
    with np.errstate(all="ignore"):
        lam = float(stats.yeojohnson_normmax(sample / scale))
    if not np.isfinite(lam):
        return "none", 0.0, 1.0
    return "yeo-johnson", scale, lam


def _apply_transform(x: np.ndarray, transform: str, shift: float, lam: float) -> np.ndarray:
    if transform == "log1p":
        return np.log1p(np.maximum(x - shift, 0.0))
    if transform == "yeo-johnson":
        # shift holds the scale divisor for Yeo-Johnson (see _choose_transform); a value
        # far beyond the training range may overflow to +-inf, which is clipped later
        with np.errstate(over="ignore", invalid="ignore"):
            return stats.yeojohnson(x / shift, lmbda=lam)
    return x


def _fit_categorical(col: str, s: pd.Series, rare_share: float, weight: float) -> _CategoricalStep:
    values = s.astype("object").where(s.notna(), None)
    counts = pd.Series(values).value_counts(dropna=True)
    n = len(s)
    keep = [str(v) for v, c in counts.items() if c / n >= rare_share][:MAX_LEVELS]
    levels = list(keep)
    if len(keep) < len(counts):
        levels.append(OTHER)
    if s.isna().any():
        levels.append(MISSING)
    return _CategoricalStep(column=col, levels=tuple(levels), weight=weight)


def _transform_step(step: _NumericStep | _CategoricalStep, df: pd.DataFrame) -> np.ndarray:
    block = _raw_block(step, df)
    return block * np.asarray(step.scale) if step.scale else block


def _raw_block(step: _NumericStep | _CategoricalStep, df: pd.DataFrame) -> np.ndarray:
    """The step's model columns before balancing: weight x (standardised value | 0/1)."""
    if isinstance(step, _CategoricalStep):
        return _one_hot(step, df[step.column])
    if step.kind == "datetime":
        x = _days_since(df[step.column], step.reference)
    else:
        x = _as_float(df[step.column])
    missing = np.isnan(x)
    t = _apply_transform(np.where(missing, step.median, x), step.transform, step.shift, step.lam)
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.clip(np.nan_to_num((t - step.mean) / step.std, nan=0.0), -CLIP_Z, CLIP_Z)
    if step.kind == "boolean":
        z = np.where(missing, step.median, x)  # flags stay 0/1 like one-hot columns
    cols = [z * step.weight]
    if step.missing_flag:
        cols.append(missing.astype(np.float64) * step.weight)
    return np.column_stack(cols)


def _one_hot(step: _CategoricalStep, s: pd.Series) -> np.ndarray:
    obj = s.astype("object")
    isna = obj.isna().to_numpy()
    real = [lvl for lvl in step.levels if lvl not in (OTHER, MISSING)]
    codes = pd.Categorical(obj.astype(str), categories=real).codes.astype(np.int64)
    if OTHER in step.levels:
        codes[(codes < 0) & ~isna] = step.levels.index(OTHER)
    codes[isna] = step.levels.index(MISSING) if MISSING in step.levels else -1
    out = np.zeros((len(s), len(step.levels)), dtype=np.float64)
    ok = codes >= 0
    out[np.flatnonzero(ok), codes[ok]] = step.weight
    return out


def _infos(steps: tuple) -> list[FeatureInfo]:
    out: list[FeatureInfo] = []
    for s in steps:
        if isinstance(s, _CategoricalStep):
            out += [FeatureInfo(f"{s.column} = {lvl}", s.column, "one-hot", "one-hot", s.weight)
                    for lvl in s.levels]
            continue
        transform = "days-since" if s.kind == "datetime" else s.transform
        out.append(FeatureInfo(s.column, s.column, s.kind, transform, s.weight))
        if s.missing_flag:
            out.append(FeatureInfo(f"{s.column} missing", s.column, "missing-flag", "none", s.weight))
    return out


def balance_of(step) -> float:
    """The balancing factor of a column's values (not its missing flag), for the UI."""
    if not step.scale:
        return 1.0
    values = step.scale if isinstance(step, _CategoricalStep) else step.scale[:1]
    return round(float(np.mean(values)), 2)


# -- balancing -------------------------------------------------------------------------
def _balance(steps: tuple, df: pd.DataFrame) -> tuple:
    """Give every step its per-column ``scale`` (see the module docstring)."""
    if not steps:
        return steps
    sample = df.iloc[:: max(1, len(df) // _REDUNDANCY_SAMPLE)]
    raw = [_raw_block(s, sample) for s in steps]
    scales = [_own_scale(s, b) for s, b in zip(steps, raw)]
    # levels of one category always depend on each other; copies are across columns
    step_of = np.concatenate([np.full(b.shape[1], i) for i, b in enumerate(raw)])
    copies = near_copies(np.hstack(raw)) & (step_of[:, None] != step_of[None, :])
    shared = 1.0 / np.sqrt(1 + copies.sum(axis=1))
    out, col = [], 0
    for s, sc in zip(steps, scales):
        width = len(sc)
        factor = sc * shared[col:col + width]
        col += width
        out.append(replace(s, scale=tuple(float(round(f, 6)) for f in factor)))
    return tuple(out)


def _own_scale(step, block: np.ndarray) -> np.ndarray:
    """Categorical / boolean blocks to CATEGORY_BUDGET of variance, flags to FLAG_SCALE."""
    if isinstance(step, _CategoricalStep) or step.kind == "boolean":
        hot = block[:, : len(step.levels)] if isinstance(step, _CategoricalStep) else block[:, :1]
        p = (hot > 0).mean(axis=0)
        # with the same budget, a yes/no column lies as far from its other value as the
        # two levels of a one-hot pair
        var = float((p * (1 - p)).sum())
        value = min(np.sqrt(CATEGORY_BUDGET / var), MAX_SCALE) if var > 1e-12 else 1.0
        scale = np.full(hot.shape[1], value)
    else:
        scale = np.ones(1)
    if not isinstance(step, _CategoricalStep) and step.missing_flag:
        scale = np.append(scale, FLAG_SCALE)
    return scale


def near_copies(M: np.ndarray) -> np.ndarray:
    """Boolean matrix: columns i and j of ``M`` are near-copies (|correlation| >=
    REDUNDANT_CORR); the diagonal is always set. Matrices wider than
    _REDUNDANCY_MAX_COLUMNS are not checked (cost grows with the square)."""
    d = M.shape[1]
    out = np.eye(d, dtype=bool)
    if d < 2 or d > _REDUNDANCY_MAX_COLUMNS or len(M) < 3:
        return out
    ok = np.flatnonzero(np.nanstd(M, axis=0) > 1e-12)
    if len(ok) < 2:
        return out
    if np.isnan(M).any() and len(ok) <= _PAIRWISE_MAX_COLUMNS:
        # missing cells: correlation over the customers who have both values, so a few
        # gaps do not hide that two columns say the same thing
        R = pd.DataFrame(M[:, ok]).corr(min_periods=3).abs().to_numpy()
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            filled = np.where(np.isnan(M[:, ok]), np.nanmean(M[:, ok], axis=0), M[:, ok])
            R = np.abs(np.corrcoef(filled, rowvar=False))
    out[np.ix_(ok, ok)] |= np.nan_to_num(R) >= REDUNDANT_CORR
    return out
