"""Outcomes per persona: what each persona is worth (churn, conversion, response, value).

An *outcome* column says what happened to a customer — churned, converted, answered the
last campaign, cancelled, their lifetime value — rather than how they behave. Outcomes
are kept out of the behaviour features (personas are found on behaviour, then judged by
their outcomes: clustering on churn would find "the churners" and explain nothing) and
are reported per persona: a **rate** for yes/no outcomes, a **mean** for numbers, each
with a 95 % confidence interval, against all customers, in one plain sentence ("churns
2.3× as often as the average customer: 42 % ± 3 vs 27 %").

Intervals
    rates: Wilson score interval — keeps its 95 % coverage for small groups and for
        rates near 0 or 1, where the usual "p ± 1.96·se" does not;
    means: Student t interval, mean ± t(0.975, n − 1) · s / √n.
    Both are computed from per-group counts, sums and sums of squares
    (:func:`group_sums`), so partitions of a large file add up exactly (Dask) and the
    tracking periods use the very same formula as the persona cards.

A persona's figure "differs" from all customers when its interval excludes the rate
(mean) of all customers; otherwise the sentence says "about as often as".

Privacy: a group with fewer than :data:`privacy.MIN_GROUP_SIZE` customers with a value
gets no figure at all (``suppressed``), on every page and in every export. Figures follow
the user's edits (merge, split, reassign, discard): they are computed from the current
persona labels, cached per edit like the profiles.

Which columns are outcomes: the role ``outcome`` (set by the user, ``--outcome COL`` on
the command line, or inferred by :func:`outcome_reason` from the name *and* the values:
a yes/no column named like churn, cancelled, converted, purchased, response, … in
English or German, or a number named like a lifetime value or a future revenue). A
behaviour column such as ``revenue_12m`` or ``purchases`` is not an outcome.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import InputError
from .i18n import N_, _, fmt_number, fmt_percent
from .privacy import MIN_GROUP_SIZE

RATE, MEAN = "rate", "mean"
ALL, UNASSIGNED = "all", "unassigned"     # group names next to the persona ids
Z95 = 1.959963984540054                   # two-sided 95 % normal quantile (Wilson)
OTHER = "other"                           # concept of an outcome whose name says nothing

# -- which columns are outcomes -------------------------------------------------------------
# Words (after lower-casing, umlauts as ae/oe/ue, split at _ - space and camelCase) that
# name a yes/no outcome. A column is only an outcome when it also has exactly two values:
# "purchased" (yes/no) is an outcome, "purchases_12m" (a count) is behaviour.
RATE_WORDS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "churned", "churner", "churning", "attrition", "attrited", "exited",
              "abwanderung", "abgewandert", "kuendigung", "gekuendigt", "kuendiger",
              "kuendigt"),
    "cancel": ("cancel", "cancelled", "canceled", "cancellation", "storno", "storniert",
               "stornierung"),
    "convert": ("converted", "conversion", "convert", "konvertiert", "konversion"),
    "purchase": ("purchased", "purchase", "bought", "gekauft", "kauf", "revenue", "umsatz"),
    "respond": ("response", "responded", "responder", "antwort", "geantwortet", "reaktion",
                "reagiert"),
}
# Numbers that are an outcome: a (customer) lifetime value, or money "next"/"future".
VALUE_WORDS = ("clv", "cltv", "ltv", "lifetimevalue", "customerlifetimevalue", "customervalue",
               "kundenwert", "kundenlebenswert", "lebenszeitwert")
FORWARD_WORDS = ("next", "future", "following", "naechste", "naechsten", "naechstes",
                 "zukuenftig", "zukuenftige", "zukuenftiger", "kuenftig", "kuenftige", "folgende")
MONEY_WORDS = ("revenue", "umsatz", "spend", "sales", "value", "wert", "profit", "gewinn",
               "margin", "marge")
# A name with one of these describes past behaviour or a derived number, not an outcome:
# "churn_score", "response_rate", "cancellation_date", "previous_response".
NOT_OUTCOME_WORDS = ("rate", "ratio", "share", "anteil", "quote", "count", "cnt", "num", "number",
                     "anzahl", "prob", "probability", "wahrscheinlichkeit", "score", "risk",
                     "risiko", "propensity", "days", "tage", "date", "datum", "time", "zeit",
                     "reason", "grund", "type", "typ", "channel", "kanal", "prev", "previous",
                     "past", "prior", "before", "frueher", "vorherige", "vorjahr")
# Level texts that mark the "yes" of a two-level column with other words than yes/no
# ("Attrited Customer" / "Existing Customer").
YES_HINTS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "attrit", "exit", "left", "lost", "former", "cancel", "kuendig",
              "abgewandert", "ehemalig"),
    "cancel": ("cancel", "storn"),
    "convert": ("convert", "konvert", "success", "won", "erfolg"),
    "purchase": ("buy", "bought", "purchas", "kauf", "gekauft"),
    "respond": ("respon", "antwort", "reagiert", "accepted"),
}
# yes/no words of both languages (as in ingest's flags), lower case.
YES_WORDS = ("1", "1.0", "true", "yes", "ja", "y", "j", "t", "wahr")
NO_WORDS = ("0", "0.0", "false", "no", "nein", "n", "f", "falsch")

CONCEPT_NAMES = {"churn": N_("churn"), "cancel": N_("cancellation"), "convert": N_("conversion"),
                 "purchase": N_("purchase"), "respond": N_("response"),
                 "value": N_("customer value"), OTHER: N_("outcome")}
# Verb of the plain sentence: "churns 2.3× as often as the average customer".
VERBS = {"churn": N_("churns"), "cancel": N_("cancels"), "convert": N_("converts"),
         "purchase": N_("buys"), "respond": N_("responds")}
# Whether more is good news (for colours and arrows); None: the name does not say.
HIGHER_IS_BETTER = {"churn": False, "cancel": False, "convert": True, "purchase": True,
                    "respond": True, "value": True, OTHER: None}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_tokens(name: str) -> list[str]:
    """'hasChurned_next90d' -> ['has', 'churned', 'next90d']; 'Kündigung' -> ['kuendigung']."""
    split = re.sub(r"(?<=[a-zäöü0-9])(?=[A-ZÄÖÜ])", "_", str(name))
    return [t for t in re.split(r"[^a-z0-9]+", split.lower().translate(_UMLAUTS)) if t]


def _matches(token: str, words: Iterable[str]) -> bool:
    # whole token, or a long word at the start or end of a compound ("ischurned",
    # "kundenkuendigung"); short words ("kauf", "ltv") only as whole tokens; a plural
    # ("purchases", "cancellations") counts events: behaviour, not an outcome
    words = tuple(words)
    if any(token in (w + "s", w + "es") for w in words):
        return False
    return any(token == w or (len(w) >= 5 and (token.startswith(w) or token.endswith(w)))
               for w in words)


def concept_of(name: str) -> str | None:
    """The kind of outcome a column name points to (churn, cancel, convert, purchase,
    respond, value), or None when the name does not read like an outcome."""
    tokens = name_tokens(name)
    if not tokens or any(t in NOT_OUTCOME_WORDS for t in tokens):
        return None
    for concept, words in RATE_WORDS.items():
        if any(_matches(t, words) for t in tokens):
            if concept == "purchase" and any(t in FORWARD_WORDS for t in tokens) \
                    and any(_matches(t, ("revenue", "umsatz")) for t in tokens):
                return "value"          # "revenue_next_12m": money to come, not a yes/no
            return concept
    joined = "".join(tokens)
    if any(t in VALUE_WORDS for t in tokens) or any(w in joined for w in VALUE_WORDS if len(w) > 4):
        return "value"
    if any(t in FORWARD_WORDS for t in tokens) and any(_matches(t, MONEY_WORDS) for t in tokens):
        return "value"
    return None


def outcome_reason(name: str, values: pd.Series) -> str | None:
    """Why a column is an outcome (for the role table), or None. ``values`` are the
    column's non-missing values. Name and values must agree: a yes/no outcome needs a
    column with exactly two values, a value outcome needs numbers."""
    concept = concept_of(name)
    if concept is None or values.empty:
        return None
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    try:
        n_distinct = int(values.nunique())
    except TypeError:
        n_distinct = int(values.astype("str").nunique())
    what = _(CONCEPT_NAMES[concept])
    if concept == "value":
        if not numeric or n_distinct <= 2:
            return None
        return _("name suggests an outcome ({what}): reported per persona as an average, "
                 "not used to find personas", what=what)
    if n_distinct != 2:
        return None
    return _("name suggests an outcome ({what}, two values): reported per persona as a rate, "
             "not used to find personas", what=what)


# -- how an outcome column is read ----------------------------------------------------------
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
        keys = value_keys(s)
        present = pd.notna(keys)
        out = np.full(len(s), np.nan)
        out[present & (keys == self.yes)] = 1.0
        no = present & (keys != self.yes) if self.no is None else present & (keys == self.no)
        out[no] = 0.0
        return out

    @property
    def higher_is_better(self) -> bool | None:
        return HIGHER_IS_BETTER.get(self.concept)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "OutcomeSpec":
        return cls(**{k: d.get(k) for k in ("column", "kind", "concept", "yes", "no", "shown_yes")})


def value_keys(s: pd.Series) -> np.ndarray:
    """Comparable text keys of a column's values (object array, NaN for missing)."""
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


def infer_spec(series: pd.Series, column: str, source: str = "data") -> OutcomeSpec:
    """How to read an outcome column, decided from its (training) values; InputError
    when the column cannot be an outcome (no values, or text with many values)."""
    concept = concept_of(column) or OTHER
    values = series.dropna()
    if values.empty:
        raise InputError(_("{source}: the outcome column '{column}' is empty — give it another "
                           "role or fill it in", source=source, column=column),
                         source=source, column=column)
    if not pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        as_number = pd.to_numeric(values, errors="coerce")
        if as_number.notna().all():
            values = as_number
    keys = pd.Series(value_keys(values))
    levels = keys.value_counts()
    numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
    if set(levels.index) <= {"0", "1"}:
        return OutcomeSpec(column, RATE, concept, "1", "0", _shown_yes(values, keys, "1"))
    if len(levels) == 2:
        yes = _pick_yes(levels, concept, numeric)
        no = next(k for k in levels.index if k != yes)
        return OutcomeSpec(column, RATE, concept, yes, no, _shown_yes(values, keys, yes))
    if numeric:
        return OutcomeSpec(column, MEAN, "value" if concept == "value" else concept)
    examples = ", ".join(f"'{v}'" for v in values.astype(str).unique()[:3])
    raise InputError(_("{source}: column '{column}' cannot be an outcome: it holds {n} different "
                       "texts ({examples}, …) — an outcome is yes/no or a number; give it the "
                       "role label to see its mix per persona", source=source, column=column,
                       n=len(levels), examples=examples), source=source, column=column)


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


def _shown_yes(values: pd.Series, keys: pd.Series, yes: str) -> str | None:
    """The yes value as written, when it is not a plain yes/true/1 (then None)."""
    if yes == "1":
        return None
    written = values.astype(str).str.strip()[keys.to_numpy() == yes]
    return str(written.mode().iloc[0]) if len(written) else yes


def specs_for(data: pd.DataFrame, columns: Sequence[str], source: str = "data") -> list[OutcomeSpec]:
    """Specs of the outcome columns of a table (the ones it has), in the given order."""
    return [infer_spec(data[c], c, source) for c in columns if c in data.columns]


# -- statistics ------------------------------------------------------------------------------
def group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group code 0..n_groups-1: [customers with a value, sum, sum of squares].
    Rows with a negative code or a missing value are left out. Sums add up across
    partitions, so every engine and every period share :func:`estimate`."""
    ok = np.isfinite(values) & (codes >= 0) & (codes < n_groups)
    c, v = codes[ok], values[ok]
    return np.column_stack([np.bincount(c, minlength=n_groups).astype(np.float64),
                            np.bincount(c, weights=v, minlength=n_groups),
                            np.bincount(c, weights=v * v, minlength=n_groups)])


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a rate k / n."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(n: float, total: float, squares: float) -> tuple[float, float]:
    """Student t interval of a mean from n, sum and sum of squares."""
    from scipy import stats

    if n < 2:
        return math.nan, math.nan
    mean = total / n
    var = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return mean - half, mean + half


def estimate(kind: str, sums: Sequence[float]) -> tuple[float, float, float]:
    """(value, low, high) of one group from its [n, sum, sum of squares]."""
    n, total, squares = (float(x) for x in sums)
    if n <= 0:
        return math.nan, math.nan, math.nan
    value = total / n
    low, high = wilson(total, n) if kind == RATE else t_interval(n, total, squares)
    return value, low, high


@dataclass(frozen=True)
class OutcomeFigure:
    """One outcome of one group (a persona, the unassigned, or all customers)."""

    spec: OutcomeSpec
    group: str
    size: int                 # customers in the group
    n: int                    # ... who have a value for this outcome
    value: float | None       # rate (0-1) or mean; None when suppressed
    low: float | None         # 95 % interval
    high: float | None
    overall: float | None     # the same over all customers
    ratio: float | None       # value / overall (when both are >= 0 and overall > 0)
    differs: int              # +1 interval above overall, -1 below, 0 cannot tell
    suppressed: bool          # fewer than MIN_GROUP_SIZE customers with a value

    @property
    def column(self) -> str:
        return self.spec.column

    @property
    def kind(self) -> str:
        return self.spec.kind


def figure(spec: OutcomeSpec, group: str, size: int, sums: Sequence[float],
           overall: float | None) -> OutcomeFigure:
    """The figure of one group, suppressed below the privacy minimum."""
    n = int(sums[0])
    if n < MIN_GROUP_SIZE:
        return OutcomeFigure(spec, group, size, n, None, None, None, _finite(overall), None, 0, True)
    value, low, high = estimate(spec.kind, sums)
    overall = _finite(overall)
    ratio = None
    if overall is not None and overall > 1e-12 and value >= 0:
        ratio = value / overall
    differs = 0
    if overall is not None and np.isfinite(low) and np.isfinite(high):
        differs = 1 if low > overall else -1 if high < overall else 0
    return OutcomeFigure(spec, group, size, n, float(value), _finite(low), _finite(high),
                         overall, ratio, differs, False)


def _finite(v: Any) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


def figures(specs: Sequence[OutcomeSpec], data: pd.DataFrame, labels: np.ndarray,
            groups: Sequence[str]) -> dict[str, list[OutcomeFigure]]:
    """Figures of every outcome for every group in ``groups`` (values of ``labels``) and
    for all customers (key :data:`ALL`), in the order of ``specs``."""
    labels = np.asarray(labels).astype(str)
    lookup = {g: i for i, g in enumerate(groups)}
    codes = np.array([lookup.get(lab, -1) for lab in labels], dtype=np.int64) if len(groups) \
        else np.full(len(labels), -1, dtype=np.int64)
    sizes = np.bincount(codes[codes >= 0], minlength=len(groups)) if len(groups) else np.zeros(0, int)
    out: dict[str, list[OutcomeFigure]] = {g: [] for g in [*groups, ALL]}
    for spec in specs:
        v = spec.values(data[spec.column])
        sums = group_sums(v, codes, len(groups))
        everyone = group_sums(v, np.zeros(len(v), dtype=np.int64), 1)[0]
        overall = figure(spec, ALL, len(v), everyone, None)
        out[ALL].append(overall)
        for g, i in lookup.items():
            out[g].append(figure(spec, g, int(sizes[i]), sums[i], overall.value))
    return out


# -- the workspace's outcomes ------------------------------------------------------------------
def outcome_columns(roles: Mapping[str, Any]) -> list[str]:
    """Outcome columns of a workspace's roles (``Workspace.roles``), in table order."""
    from .roles import OUTCOME

    return [i["column"] for i in roles.get("items", []) if i.get("role") == OUTCOME]


def workspace_specs(ws: Any) -> list[OutcomeSpec]:
    """How each outcome column of the workspace is read (cached: data never change)."""
    cache = getattr(ws, "_cache", {})
    if "outcome_specs" not in cache:
        cols = outcome_columns(ws.roles)
        cache["outcome_specs"] = specs_for(ws.data, cols, str(ws.source.get("source", "data")))
    return cache["outcome_specs"]


def persona_outcomes(ws: Any) -> dict[str, list[OutcomeFigure]]:
    """Outcome figures per current persona (after edits), for the unassigned customers
    and for all customers (:data:`ALL`); {} when the data have no outcome column.
    Cached per edit, like the profiles."""
    specs = workspace_specs(ws)
    if not specs:
        return {}
    key = ("outcomes", len(ws.edits))
    cache = getattr(ws, "_cache", {})
    if key not in cache:
        from .profile import persona_ids

        labels = np.asarray(ws.state().labels).astype(str)
        groups = persona_ids(labels) + ([UNASSIGNED] if (labels == UNASSIGNED).any() else [])
        cache[key] = figures(specs, ws.data, labels, groups)
    return cache[key]


def selection_outcomes(ws: Any, rows: Sequence[int]) -> list[OutcomeFigure]:
    """Outcome figures of a selection of customers (e.g. brushed on the map) vs all."""
    specs = workspace_specs(ws)
    if not specs:
        return []
    mask = np.zeros(ws.n, dtype=bool)
    mask[np.asarray(rows, dtype=np.int64)] = True
    return figures(specs, ws.data, np.where(mask, "selection", "rest"), ["selection"])["selection"]


# -- words and numbers -------------------------------------------------------------------------
def label(spec: OutcomeSpec) -> str:
    """'churn', 'response', 'attrition flag: Attrited Customer' (readable column name)."""
    from .profile import humanize

    name = humanize(spec.column)
    return f"{name}: {spec.shown_yes}" if spec.shown_yes else name


def title(spec: OutcomeSpec) -> str:
    text = label(spec)
    return text[:1].upper() + text[1:]


def fmt_value(kind: str, value: float | None) -> str:
    """A rate as a percentage ('42 %', '4.2 %'), a mean with sensible decimals."""
    if value is None or not np.isfinite(value):
        return _("n/a")
    if kind == RATE:
        return fmt_percent(value, 1 if 0 < value < 0.095 else 0)
    a = abs(value)
    return fmt_number(value, 0 if a >= 100 else 1 if a >= 10 else 2)


def fmt_error(kind: str, low: float | None, high: float | None) -> str:
    """Half the interval's width: '3' (percentage points for a rate) or '12.5'."""
    if low is None or high is None:
        return _("n/a")
    half = (high - low) / 2
    if kind == RATE:
        points = half * 100
        return fmt_number(points, 0 if points >= 0.95 else 1)
    a = abs(half)
    return fmt_number(half, 0 if a >= 100 else 1 if a >= 10 else 2)


def fmt_interval(kind: str, low: float | None, high: float | None) -> str:
    """'39–45 %' or '112–134' (the 95 % interval)."""
    if low is None or high is None:
        return _("n/a")
    if kind == RATE:
        decimals = 1 if high < 0.095 else 0
        return f"{fmt_percent(low, decimals).removesuffix(' %')}–{fmt_percent(high, decimals)}"
    return f"{fmt_value(MEAN, low)}–{fmt_value(MEAN, high)}"


def fmt_spread(kind: str, value: float | None, low: float | None = None,
               high: float | None = None) -> str:
    """'42 % ± 3' ('—' without a value: a group below the privacy minimum)."""
    if value is None or not np.isfinite(value):
        return "—"
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return fmt_value(kind, value)
    return f"{fmt_value(kind, value)} ± {fmt_error(kind, low, high)}"


def _times(ratio: float) -> str:
    return fmt_number(ratio, 1) + "×"


def sentence(fig: OutcomeFigure) -> str:
    """The figure in plain words, in the current language, e.g. 'churns 2.3× as often as
    the average customer: 42 % ± 3 vs 27 %' (no line break inside '42 %' or '± 3')."""
    return _keep_together(_sentence(fig))


def _keep_together(text: str) -> str:
    return re.sub(r"(?<=\d) (?=%)", "\u00a0", text).replace("± ", "±\u00a0")


def _sentence(fig: OutcomeFigure) -> str:
    if fig.suppressed or fig.value is None:
        return ngettext_suppressed(fig.n)
    value, err = fmt_value(fig.kind, fig.value), fmt_error(fig.kind, fig.low, fig.high)
    if fig.group == ALL or fig.overall is None:
        return _("{name}: {value} ± {err} over all customers", name=label(fig.spec), value=value,
                 err=err)
    overall = fmt_value(fig.kind, fig.overall)
    verb = VERBS.get(fig.spec.concept)
    if fig.kind == RATE and verb is not None and not fig.spec.shown_yes:
        verb = _(verb)
        if fig.differs > 0 and fig.ratio is not None:
            return _("{verb} {times} as often as the average customer: {value} ± {err} vs "
                     "{overall}", verb=verb, times=_times(fig.ratio), value=value, err=err,
                     overall=overall)
        if fig.differs < 0 and fig.ratio is not None:
            return _("{verb} {less} less often than the average customer: {value} ± {err} vs "
                     "{overall}", verb=verb, less=fmt_percent(1 - fig.ratio), value=value,
                     err=err, overall=overall)
        return _("{verb} about as often as the average customer: {value} ± {err} vs {overall}",
                 verb=verb, value=value, err=err, overall=overall)
    name = label(fig.spec)
    if fig.differs > 0:
        if fig.ratio is not None and fig.ratio >= 1.1:
            return _("{name}: {times} the average customer — {value} ± {err} vs {overall}",
                     name=name, times=_times(fig.ratio), value=value, err=err, overall=overall)
        return _("{name}: higher than the average customer — {value} ± {err} vs {overall}",
                 name=name, value=value, err=err, overall=overall)
    if fig.differs < 0:
        if fig.ratio is not None:
            return _("{name}: {less} below the average customer — {value} ± {err} vs {overall}",
                     name=name, less=fmt_percent(1 - fig.ratio), value=value, err=err,
                     overall=overall)
        return _("{name}: lower than the average customer — {value} ± {err} vs {overall}",
                 name=name, value=value, err=err, overall=overall)
    return _("{name}: about the same as the average customer — {value} ± {err} vs {overall}",
             name=name, value=value, err=err, overall=overall)


def ngettext_suppressed(n: int) -> str:
    """Why a figure is not shown (privacy minimum)."""
    from .i18n import ngettext

    return ngettext("not shown: only {n} customer with a value (fewer than {min}, to protect "
                    "privacy)", "not shown: only {n} customers with a value (fewer than {min}, "
                    "to protect privacy)", n, n=n, min=MIN_GROUP_SIZE)


def method_note() -> str:
    """How the figures are computed, for glossaries and footnotes."""
    return _("Outcomes are not used to find the personas. Rates come with a 95 % Wilson score "
             "interval, averages with a 95 % Student t interval (± is half its width; for a "
             "rate in percentage points). A persona differs from the average customer when its "
             "interval leaves out the figure of all customers. Groups with fewer than {min} "
             "customers with a value show no figure, to protect privacy.", min=MIN_GROUP_SIZE)


@dataclass(frozen=True)
class Metric:
    """A figure as a page shows it: big value, change against all customers, colour."""

    title: str
    value: str            # '42 %' or '—'
    delta: str | None     # '+15 points vs all customers'
    color: str            # normal (more is good) | inverse (more is bad) | off
    help: str             # interval, customers, sentence


def metric(fig: OutcomeFigure) -> Metric:
    """How a page shows one persona's figure (st.metric's parts, computed here)."""
    if fig.suppressed or fig.value is None:
        return Metric(title(fig.spec), "—", None, "off", sentence(fig))
    if fig.overall is None:
        delta = None
    elif fig.kind == RATE:
        delta = _("{diff} points vs all customers",
                  diff=_signed(100 * (fig.value - fig.overall), 0 if abs(fig.value - fig.overall) >= 0.0095 else 1))
    else:
        diff = fig.value - fig.overall
        delta = _("{diff} vs all customers", diff=_signed(diff, 0 if abs(diff) >= 100 else 1 if abs(diff) >= 10 else 2))
    better = fig.spec.higher_is_better
    color = "off" if fig.differs == 0 or better is None else "normal" if better else "inverse"
    info = _("{sentence}. 95 % interval {interval}, {n} customers with a value.",
             sentence=sentence(fig), interval=fmt_interval(fig.kind, fig.low, fig.high),
             n=fmt_number(fig.n))
    return Metric(title(fig.spec), fmt_value(fig.kind, fig.value), delta, color, info)


def _signed(value: float, decimals: int) -> str:
    text = fmt_number(abs(value), decimals)
    return ("+" if value >= 0 else "-") + text      # ASCII: st.metric reads the sign


# -- tables for pages, exports and tracking ------------------------------------------------------
def figure_record(fig: OutcomeFigure) -> dict[str, Any]:
    """A figure as JSON (persona cards, tracking results): no customer-level data."""
    def r(v: float | None, digits: int = 6) -> float | None:
        return None if v is None else round(float(v), digits)

    return {"column": fig.column, "label": label(fig.spec), "kind": fig.kind,
            "concept": fig.spec.concept, "higher_is_better": fig.spec.higher_is_better,
            "customers": fig.n, "value": r(fig.value), "low": r(fig.low), "high": r(fig.high),
            "overall": r(fig.overall), "ratio": r(fig.ratio, 4), "differs": fig.differs,
            "suppressed": fig.suppressed, "sentence": sentence(fig)}


def overview_frame(ws: Any, persona_label: Any = None) -> pd.DataFrame:
    """One row per (group, outcome): persona, outcome, value, low, high, customers, all
    customers' value, sentence — for the Explore chart and tables. Empty without outcomes."""
    cols = ["group", "persona", "outcome", "column", "kind", "value", "low", "high",
            "customers", "overall", "differs", "suppressed", "sentence"]
    per = persona_outcomes(ws)
    rows = []
    for group, figs in per.items():
        name = (_("All customers") if group == ALL else _("Unassigned") if group == UNASSIGNED
                else persona_label(ws, group) if persona_label else group)
        for f in figs:
            rows.append({"group": group, "persona": name, "outcome": title(f.spec),
                         "column": f.column, "kind": f.kind, "value": f.value, "low": f.low,
                         "high": f.high, "customers": f.n, "overall": f.overall,
                         "differs": f.differs, "suppressed": f.suppressed,
                         "sentence": sentence(f)})
    return pd.DataFrame(rows, columns=cols)


# -- persona models and tracking ------------------------------------------------------------------
def model_outcomes(ws: Any) -> list[dict[str, Any]]:
    """What a persona model keeps about outcomes: how to read each column and the training
    figure per persona and overall (JSON; aggregates only)."""
    per = persona_outcomes(ws)
    out = []
    for i, spec in enumerate(workspace_specs(ws)):
        training = {g: figs[i].value for g, figs in per.items() if g not in (ALL, UNASSIGNED)}
        out.append({**spec.to_dict(), "training": training, "overall": per[ALL][i].value})
    return out


def partition_sums(specs: Sequence[OutcomeSpec], frame: pd.DataFrame, codes: np.ndarray,
                   n_personas: int) -> dict[str, np.ndarray]:
    """Per outcome column the table has: [n, sum, sum of squares] per persona code, the
    unassigned (code -1) in the last row. Sums of partitions add up (see Scored.combine)."""
    codes = np.where(np.asarray(codes) < 0, n_personas, codes).astype(np.int64)
    return {spec.column: group_sums(spec.values(frame[spec.column]), codes, n_personas + 1)
            for spec in specs if spec.column in frame.columns}


TRACKING_COLUMNS = ["period", "outcome", "kind", "persona_id", "persona_name", "customers",
                    "value", "low", "high", "training_value", "change_vs_training", "suppressed"]


def tracking_frame(model: Any, periods: Sequence[tuple[str, Any]]) -> pd.DataFrame:
    """One row per period, outcome and persona (then unassigned and all customers) from
    the scored periods' outcome sums: value with its 95 % interval, the training value and
    the change. Periods whose file lacks an outcome column have no rows for it; groups
    below the privacy minimum have no figures."""
    specs = [OutcomeSpec.from_dict(d) for d in getattr(model, "outcomes_", [])]
    training = {d["column"]: d for d in getattr(model, "outcomes_", [])}
    pids = list(model.persona_ids_) + [UNASSIGNED]
    names = {**model.persona_names_, UNASSIGNED: _("Unassigned"), ALL: _("All customers")}
    rows = []
    for name, scored in periods:
        for spec in specs:
            sums = getattr(scored, "outcomes", {}).get(spec.column)
            if sums is None:
                continue
            groups = list(zip(pids, sums)) + [(ALL, sums.sum(axis=0))]
            for pid, s in groups:
                base = training[spec.column]["overall"] if pid == ALL else \
                    training[spec.column]["training"].get(pid)
                f = figure(spec, pid, int(s[0]), s, None)
                change = None if f.value is None or base is None else f.value - base
                rows.append({"period": name, "outcome": spec.column, "kind": spec.kind,
                             "persona_id": pid, "persona_name": names.get(pid, pid),
                             "customers": f.n, "value": _round(f.value), "low": _round(f.low),
                             "high": _round(f.high), "training_value": _round(base),
                             "change_vs_training": _round(change), "suppressed": f.suppressed})
    return pd.DataFrame(rows, columns=TRACKING_COLUMNS)


def _round(v: float | None) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 6)


__all__ = ["ALL", "MEAN", "MIN_GROUP_SIZE", "Metric", "OutcomeFigure", "OutcomeSpec", "RATE", "concept_of",
           "estimate", "figure", "figure_record", "figures", "fmt_error", "fmt_interval", "fmt_spread",
           "fmt_value", "group_sums", "infer_spec", "label", "method_note", "metric", "model_outcomes", "name_tokens",
           "outcome_columns", "outcome_reason", "overview_frame", "partition_sums", "persona_outcomes",
           "selection_outcomes", "sentence", "specs_for", "t_interval", "title", "tracking_frame",
           "value_keys",
           "wilson", "workspace_specs"]
