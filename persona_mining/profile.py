"""Persona evidence: who is in a persona, what sets them apart, and a rule to recognise them.

Everything here is computed from the customer table and the current persona labels,
so it can be recomputed after every user edit (merge, split, reassign). Values are
reported in the units of the input (euros, orders, shares); effect sizes are
standardised so traits of different units can be ranked against each other.
Identifiers never leave this module except as internal row positions (prototypes).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from . import naming
from .features import MISSING, OTHER, FeaturePreprocessor, near_copies
from .i18n import _, fmt_number, fmt_percent
from .validity import Resamples, persona_stability, stability_label
from .roles import BOOLEAN, CATEGORICAL, DATETIME, LABEL, NUMERIC

UNASSIGNED = "unassigned"
TOP_TRAITS = 6
MIN_EFFECT = 0.2          # |effect| below this is not "distinguishing"
N_PROTOTYPES = 5
RULE_SAMPLE = 20_000
RULE_DEPTH = 3
DAYS_AGO = " (days ago)"    # suffix of date columns in the rule frame (a key, never shown)
RULE_CANDIDATES = 100     # columns a rule tree chooses from in wide tables (see _separating_columns)


@dataclass(frozen=True)
class Trait:
    """One way a persona differs from the population."""

    feature: str              # "revenue_12m" or "device = iOS"
    column: str
    kind: str                 # numeric | boolean | datetime | categorical
    persona_value: float      # mean (numeric), share (boolean/categorical), days (datetime)
    population_value: float
    effect_size: float        # numeric: standardised mean difference; shares: Cohen's h
    ratio: float | None       # persona / population, None when population is ~0
    sentence: str             # plain words for product owners


@dataclass(frozen=True)
class Rule:
    """A plain-language rule from a shallow surrogate decision tree."""

    conditions: tuple[str, ...]
    fidelity: float           # share of customers matching the rule who are in the persona
    coverage: float           # share of the persona the rule matches
    text: str


@dataclass(frozen=True)
class PersonaProfile:
    id: str
    suggested_name: str
    suggested_description: str
    size: int
    share: float
    stability: float | None
    stability_label: str
    mean_confidence: float
    traits: tuple[Trait, ...]
    rules: tuple[Rule, ...]
    prototypes: tuple[int, ...] = field(repr=False)   # row positions: internal, never exported
    label_mix: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PersonaProfile":
        d = dict(d)
        d["traits"] = tuple(Trait(**t) for t in d["traits"])
        d["rules"] = tuple(Rule(**{**r, "conditions": tuple(r["conditions"])}) for r in d["rules"])
        d["prototypes"] = tuple(d["prototypes"])
        d["label_mix"] = tuple((c, tuple((str(v), float(s)) for v, s in mix)) for c, mix in d["label_mix"])
        return cls(**d)


# -- public entry points ------------------------------------------------------------
def profile_personas(data: pd.DataFrame, roles: Any, labels: np.ndarray, Z: np.ndarray,
                     X: np.ndarray, prep: FeaturePreprocessor, confidence: np.ndarray,
                     resamples: Resamples | None = None, seed: int = 42,
                     taken_names: Mapping[str, str] | None = None) -> list[PersonaProfile]:
    """One profile per persona (largest first); ``labels`` holds persona ids or "unassigned".

    Suggested names are unique among the personas and differ from ``taken_names``
    (persona id -> the name a user gave it), so no two personas are ever called the same.
    """
    rule_frame = _rule_frame(data, prep)
    table = trait_table(data, labels, X, prep, facts=_fact_keys(_rule_frame(data, prep, fill=False)))
    label_cols = roles.columns(LABEL)
    n = len(labels)
    pids = persona_ids(labels)
    traits = {pid: _top_traits(table, pid) for pid in pids}
    taken_names = dict(taken_names or {})
    # personas the user named keep a suggestion of their own (shown as "suggested");
    # the others' suggestions, which are displayed, avoid every name the user gave
    names = {**suggest_names({p: t for p, t in traits.items() if p in taken_names}),
             **suggest_names({p: t for p, t in traits.items() if p not in taken_names},
                             taken=list(taken_names.values()))}
    out = []
    for pid in pids:
        mask = labels == pid
        stab = persona_stability(mask, resamples)
        out.append(PersonaProfile(
            id=pid, suggested_name=names[pid],
            suggested_description=describe_persona(traits[pid], mask.mean()),
            size=int(mask.sum()), share=float(mask.sum() / n),
            stability=stab, stability_label=stability_label(stab),
            mean_confidence=float(confidence[mask].mean()) if mask.any() else 0.0,
            traits=tuple(traits[pid]), rules=tuple(surrogate_rules(rule_frame, mask, seed)),
            prototypes=tuple(int(i) for i in prototypes(Z, mask)),
            label_mix=tuple((c, _mix(data[c], mask)) for c in label_cols),
        ))
    return out


def persona_ids(labels: np.ndarray) -> list[str]:
    """Persona ids present in ``labels``, largest first (ties by id), without "unassigned"."""
    ids, counts = np.unique(labels[labels != UNASSIGNED].astype(str), return_counts=True)
    order = sorted(zip(ids, counts), key=lambda t: (-t[1], _natural(t[0])))
    return [i for i, _ in order]


def _natural(s: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s))


# -- traits ----------------------------------------------------------------------------
def trait_table(data: pd.DataFrame, labels: np.ndarray, X: np.ndarray,
                prep: FeaturePreprocessor, facts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Long table: one row per (persona, feature) with values, effect size and sentence;
    ``fact`` names the feature that this one repeats (see :func:`_fact_keys`), else itself.

    Also feeds the persona x trait heatmap on the Explore page.
    """
    pids = persona_ids(labels)
    masks = {p: labels == p for p in pids}
    rows: list[dict] = []
    col_index = {f.name: i for i, f in enumerate(prep.features_)}
    numeric = _numeric_rows_all([s for s in prep.steps_ if not hasattr(s, "levels")],
                                data, X, col_index, masks)
    for step in prep.steps_:
        if hasattr(step, "levels"):
            rows += _categorical_rows(step, data[step.column], masks)
        else:
            rows += numeric[step.column]
    out = pd.DataFrame(rows, columns=["persona", "feature", "column", "kind", "persona_value",
                                      "population_value", "effect_size", "ratio", "sentence"])
    out["fact"] = out["feature"].map(lambda f: (facts or {}).get(f, f))
    return out


def real_traits(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`trait_table` that are traits a reader cares about: without the
    bookkeeping levels of one-hot columns ("= (missing)", "= (other)")."""
    return table[~table["feature"].str.endswith((f"= {MISSING}", f"= {OTHER}"))]


_BLOCK = 256     # numeric columns profiled at a time: vectorised, with bounded memory


def _numeric_rows_all(steps: list, data: pd.DataFrame, X: np.ndarray, col_index: dict,
                      masks: dict) -> dict[str, list[dict]]:
    """Trait rows of every numeric / boolean / date step, column -> rows (one per persona).

    Vectorised over blocks of columns: a table of 10,000 product columns is profiled in
    seconds, not minutes (and again after every edit). Per column: values are the
    customers' own (dates as days before the reference); the effect is the standardised
    mean difference on the model scale over the customers who have a value (with many
    missing values the imputed median would otherwise pull the effect one way while
    the values shown go the other); booleans use Cohen's h of the shares.
    """
    out: dict[str, list[dict]] = {}
    for lo in range(0, len(steps), _BLOCK):
        block = steps[lo:lo + _BLOCK]
        V = np.column_stack([_step_values(st, data[st.column]) for st in block]) \
            if block else np.zeros((len(data), 0))
        XZ = X[:, [col_index[st.column] for st in block]].astype(np.float64)
        seen = np.isfinite(V)
        n_seen = seen.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            Vz = np.where(seen, V, 0.0)
            pop = np.where(n_seen > 0, Vz.sum(axis=0) / n_seen, np.nan)
            # "3x the average" only means something for quantities that cannot go negative
            nonneg = (n_seen > 0) & (np.where(seen, V, np.inf).min(axis=0) >= 0)
            XZs = np.where(seen, XZ, 0.0)
            centre = XZs.sum(axis=0) / np.maximum(n_seen, 1)
            sd = np.sqrt((np.where(seen, XZ - centre, 0.0) ** 2).sum(axis=0) / np.maximum(n_seen, 1))
            sd = np.where(sd > 0, sd, 1.0)
            per = {}
            for pid, m in masks.items():
                n_m = seen[m].sum(axis=0)
                pv = np.where(n_m > 0, Vz[m].sum(axis=0) / n_m, np.nan)
                effect = np.where(n_m > 0, (XZs[m].sum(axis=0) / np.maximum(n_m, 1) - centre) / sd, 0.0)
                per[pid] = (pv, effect)
        for j, st in enumerate(block):
            rows = []
            p = float(pop[j])
            for pid, (pv_all, eff_all) in per.items():
                pv = float(pv_all[j])
                effect = _cohens_h(pv, p) if st.kind == "boolean" else float(eff_all[j])
                ratio = pv / p if nonneg[j] and np.isfinite(pv) and np.isfinite(p) and p > 1e-9 else None
                rows.append({"persona": pid, "feature": st.column, "column": st.column,
                             "kind": st.kind, "persona_value": pv, "population_value": p,
                             "effect_size": effect, "ratio": ratio,
                             "sentence": _numeric_sentence(st.column, st.kind, pv, p, ratio, effect)})
            out[st.column] = rows
    return out


def _step_values(step: Any, raw: pd.Series) -> np.ndarray:
    """A numeric step's values in the customers' units (dates: days before the reference)."""
    if step.kind == "datetime":
        ref = pd.Timestamp(step.reference) if step.reference else None
        values = ((ref - pd.to_datetime(raw, errors="coerce")).dt.total_seconds() / 86400.0
                  if ref is not None else pd.Series(np.nan, index=raw.index))
    elif pd.api.types.is_float_dtype(raw.dtype):
        return raw.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = pd.to_numeric(raw, errors="coerce")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _categorical_rows(step: Any, raw: pd.Series, masks: dict) -> list[dict]:
    obj = raw.astype("object")
    rows = []
    for level in step.levels:
        if level == OTHER:
            known = [lv for lv in step.levels if lv not in (OTHER, MISSING)]
            hit = (~obj.isna() & ~obj.astype(str).isin(known)).to_numpy()
        elif level == MISSING:
            hit = obj.isna().to_numpy()
        else:
            hit = (obj.astype(str) == level).to_numpy() & ~obj.isna().to_numpy()
        pop = float(hit.mean())
        for pid, m in masks.items():
            pv = float(hit[m].mean()) if m.any() else 0.0
            ratio = pv / pop if pop > 1e-9 else None
            rows.append({"persona": pid, "feature": f"{step.column} = {level}",
                         "column": step.column, "kind": "categorical", "persona_value": pv,
                         "population_value": pop, "effect_size": _cohens_h(pv, pop),
                         "ratio": ratio,
                         "sentence": _level_sentence(step.column, level, pv, pop, ratio)})
    return rows


def _cohens_h(p1: float, p2: float) -> float:
    if not (np.isfinite(p1) and np.isfinite(p2)):
        return 0.0
    p1, p2 = min(max(p1, 0.0), 1.0), min(max(p2, 0.0), 1.0)
    return float(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)))


def _top_traits(table: pd.DataFrame, pid: str) -> list[Trait]:
    t = table[table["persona"] == pid].copy()
    t["abs"] = t["effect_size"].abs()
    # Missing-level and "other" rows are bookkeeping, not traits a persona is known by.
    t = t[~t["feature"].str.endswith((f"= {MISSING}", f"= {OTHER}"))]
    # "Rarely iOS" says less than the level the persona does use: keep positive levels only.
    t = t[(t["kind"] != "categorical") | (t["effect_size"] > 0)]
    t = t[t["abs"] >= MIN_EFFECT].sort_values(["abs", "feature"], ascending=[False, True])
    # One trait per input column ("device = iOS" and "device = Desktop" say the same
    # thing) and one per fact (Telco's "No internet service" in seven columns is one trait).
    t = t.drop_duplicates("column").drop_duplicates("fact").head(TOP_TRAITS)
    return [Trait(feature=r.feature, column=r.column, kind=r.kind,
                  persona_value=float(r.persona_value), population_value=float(r.population_value),
                  effect_size=float(r.effect_size),
                  ratio=None if r.ratio is None or pd.isna(r.ratio) else float(r.ratio),
                  sentence=r.sentence) for r in t.itertuples()]


def _fact_keys(rule_frame: pd.DataFrame, sample: int = 5_000) -> dict[str, str]:
    """Trait feature -> the first feature it is a near-copy of (itself if none): one-hot
    levels, flags and numbers whose values across customers (nearly) coincide."""
    names = [c[: -len(DAYS_AGO)] if c.endswith(DAYS_AGO) else c for c in rule_frame.columns]
    M = rule_frame.to_numpy(dtype=np.float64)[:: max(1, len(rule_frame) // sample)]
    copies = near_copies(M)
    out: dict[str, str] = {}
    for i, name in enumerate(names):
        first = int(np.flatnonzero(copies[i])[0])
        out[name] = out.get(names[first], names[first])
    return out


# -- words -------------------------------------------------------------------------------
def humanize(column: str) -> str:
    """A column name as people read it, in the data's own language: 'orders_12m' ->
    'orders 12m', 'NumWebPurchases' -> 'num web purchases', 'share_app' -> 'app share',
    'nachtkäufe_anteil' -> 'nachtkäufe anteil' (umlauts and acronyms kept)."""
    s = str(column)
    if s.upper() == s:          # SHOUTED_COLUMN_NAMES read better in lower case
        s = s.lower()
    s = re.sub(r"(?<=[a-zäöüß])(?=[A-ZÄÖÜ])", " ", s)
    parts = [p for p in re.split(r"[_\s]+", s) if p]
    if len(parts) == 2 and parts[0].lower() in ("share", "anteil", "pct"):
        parts = [parts[1], parts[0]]          # share_app -> "app share"
    return " ".join(p.lower() if not p.isupper() else p for p in parts)


def is_share(column: str, value: float) -> bool:
    return bool(re.search(r"share|rate|ratio|pct|percent|anteil|quote|frequency", column, re.I)) \
        and np.isfinite(value) and 0.0 <= value <= 1.0


def fmt(value: float, column: str = "") -> str:
    """A value for a sentence, in the reader's number format: shares as percent, other
    numbers with as many decimals as their size needs."""
    if value is None or not np.isfinite(value):
        return _("n/a")
    if is_share(column, value):
        return fmt_percent(value)
    a = abs(value)
    return fmt_number(value, 0 if a >= 100 else 1 if a >= 10 else 2)


def _times(ratio: float) -> str:
    return _("{ratio}×", ratio=fmt_number(ratio, 1))


def _numeric_sentence(col: str, kind: str, pv: float, pop: float, ratio: float | None,
                      effect: float) -> str:
    """'<feature>: <how it differs> (<persona> vs <average>)': the feature first, for scanning."""
    h = humanize(col)
    if kind == "boolean":
        return _("{column}: {value} (vs {overall} overall)", column=h, value=fmt_percent(pv),
                 overall=fmt_percent(pop))
    if kind == "datetime":
        return _("{column}: {days} days ago on average (vs {overall} days overall)", column=h,
                 days=fmt(pv), overall=fmt(pop))
    v, o = fmt(pv, col), fmt(pop, col)
    if ratio is not None and ratio >= 1.5:
        return _("{column}: {times} the average ({value} vs {overall} on average)", column=h,
                 times=_times(ratio), value=v, overall=o)
    if ratio is not None and 0 <= ratio < 0.05:
        return _("{column}: almost none ({value} vs {overall} on average)", column=h, value=v,
                 overall=o)
    if ratio is not None and 0 <= ratio <= 0.67:
        return _("{column}: {percent} below average ({value} vs {overall} on average)", column=h,
                 percent=fmt_percent(1 - ratio), value=v, overall=o)
    much = abs(effect) >= 0.8
    if effect > 0 and much:
        return _("{column}: much higher than average ({value} vs {overall} on average)",
                 column=h, value=v, overall=o)
    if effect > 0:
        return _("{column}: higher than average ({value} vs {overall} on average)",
                 column=h, value=v, overall=o)
    if much:
        return _("{column}: much lower than average ({value} vs {overall} on average)",
                 column=h, value=v, overall=o)
    return _("{column}: lower than average ({value} vs {overall} on average)",
             column=h, value=v, overall=o)


def _level_sentence(col: str, level: str, pv: float, pop: float, ratio: float | None) -> str:
    if ratio is not None and ratio >= 1.5:
        return _("{column} is {level} for {value} (vs {overall} overall, {times})",
                 column=humanize(col), level=level, value=fmt_percent(pv),
                 overall=fmt_percent(pop), times=_times(ratio))
    return _("{column} is {level} for {value} (vs {overall} overall)", column=humanize(col),
             level=level, value=fmt_percent(pv), overall=fmt_percent(pop))


def trait_phrase(t: Trait) -> str:
    """A trait in a few words for the description: 'orders 12m 2,0× the average'."""
    h = humanize(t.column)
    if t.kind == "categorical":
        return _("{column} {level} for {value}", column=h, level=t.feature.split(" = ", 1)[1],
                 value=fmt_percent(t.persona_value))
    if t.kind == "boolean":
        return _("{column} for {value}", column=h, value=fmt_percent(t.persona_value))
    if t.ratio is not None and t.ratio >= 1.5:
        return _("{column} {times} the average", column=h, times=_times(t.ratio))
    if t.ratio is not None and 0 <= t.ratio <= 0.67:
        return _("{column} {percent} below average", column=h, percent=fmt_percent(1 - t.ratio))
    return _("higher {column}", column=h) if t.effect_size > 0 else _("lower {column}", column=h)


def describe_persona(traits: Sequence[Trait], share: float) -> str:
    """One line for the card: the persona's share and its strongest traits in words."""
    if not traits:
        return _("{share} of customers; no trait sets them clearly apart from the average.",
                 share=fmt_percent(share))
    parts = [trait_phrase(t) for t in traits[:4]]
    said = parts[0] if len(parts) == 1 else _("{items} and {last}", items=", ".join(parts[:-1]),
                                                 last=parts[-1])
    return _("{share} of customers. Compared with the average customer: {traits}.",
             share=fmt_percent(share), traits=said)


def suggest_names(traits: Mapping[str, Sequence[Trait]],
                  taken: Sequence[str] = ()) -> dict[str, str]:
    """Unique, human names for personas from their traits (see :mod:`naming`), none equal
    to a name in ``taken`` (names the user gave other personas)."""
    return naming.unique_names({pid: naming.fragments(t) for pid, t in traits.items()}, taken)


def _mix(values: pd.Series, mask: np.ndarray) -> tuple[tuple[str, float], ...]:
    counts = values[mask].astype("object").fillna("(missing)").astype(str).value_counts(normalize=True)
    return tuple((str(k), float(v)) for k, v in counts.head(5).items())


# -- prototypes ----------------------------------------------------------------------------
def prototypes(Z: np.ndarray, mask: np.ndarray, n: int = N_PROTOTYPES) -> np.ndarray:
    """Row positions of the members nearest to the persona centre in the embedding."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return idx
    centre = Z[idx].mean(axis=0)
    d = np.linalg.norm(Z[idx] - centre, axis=1)
    return idx[np.lexsort((idx, d))[:n]]


# -- surrogate rules -------------------------------------------------------------------------
def _rule_frame(data: pd.DataFrame, prep: FeaturePreprocessor, fill: bool = True) -> pd.DataFrame:
    """Interpretable matrix for the surrogate trees: raw units, one-hot levels by name;
    missing numbers as the median (``fill``) or left missing."""
    cols = {}
    for step in prep.steps_:
        raw = data[step.column]
        if hasattr(step, "levels"):
            obj = raw.astype("object")
            for level in step.levels:
                if level not in (OTHER, MISSING):
                    cols[f"{step.column} = {level}"] = ((obj.astype(str) == level) & obj.notna()).to_numpy(float)
        elif step.kind == "datetime":
            ref = pd.Timestamp(step.reference) if step.reference else pd.Timestamp("1970-01-01")
            days = (ref - pd.to_datetime(raw, errors="coerce")).dt.total_seconds() / 86400.0
            cols[f"{step.column}{DAYS_AGO}"] = (days.fillna(days.median()) if fill else days).to_numpy(float)
        else:       # numpy, not pandas per column: 10,000 product columns take a second
            v = _step_values(step, raw)
            missing = np.isnan(v)
            if fill and missing.any() and not missing.all():
                v = np.where(missing, float(np.median(v[~missing])), v)
            cols[step.column] = v
    return pd.DataFrame(cols, index=data.index)


def surrogate_rules(frame: pd.DataFrame, mask: np.ndarray, seed: int = 42,
                    max_rules: int = 2) -> list[Rule]:
    """Branches of a depth-3 tree (persona vs rest) whose customers are mostly persona members."""
    if frame.shape[1] == 0 or mask.sum() == 0 or mask.all():
        return []
    rng = np.random.default_rng(seed)
    idx = np.arange(len(frame)) if len(frame) <= RULE_SAMPLE else \
        np.sort(rng.choice(len(frame), RULE_SAMPLE, replace=False))
    if frame.shape[1] > RULE_CANDIDATES:       # a wide table: thousands of product columns
        frame = frame.iloc[:, _separating_columns(frame, idx, mask[idx], RULE_CANDIDATES)]
    F, y = frame.to_numpy()[idx], mask[idx]
    leaf_min = max(5, int(0.1 * y.sum()))
    tree = DecisionTreeClassifier(max_depth=RULE_DEPTH, min_samples_leaf=leaf_min,
                                  class_weight="balanced", random_state=seed).fit(F, y)
    rules = []
    for conds, node in _positive_branches(tree, list(frame.columns)):
        hit = _reaches(tree, F, node)
        fidelity = float(y[hit].mean()) if hit.any() else 0.0
        coverage = float((hit & y).sum() / y.sum())
        if fidelity >= 0.5 and coverage >= 0.05:
            rules.append(Rule(conditions=tuple(conds), fidelity=fidelity, coverage=coverage,
                              text=_rule_text(conds, fidelity, coverage)))
    rules.sort(key=lambda r: (-r.coverage * r.fidelity, r.text))
    return rules[:max_rules]


def _separating_columns(frame: pd.DataFrame, idx: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` columns whose means differ most between the persona and the
    rest (in standard deviations), in frame order. A depth-3 tree splits on such columns
    anyway; choosing among 100 instead of 10,000 makes the rules of a wide table take a
    second instead of a minute and keeps the matrix the tree sees small."""
    scores = np.empty(frame.shape[1])
    for lo in range(0, frame.shape[1], _BLOCK):
        B = frame.iloc[idx, lo:lo + _BLOCK].to_numpy(dtype=np.float64)
        sd = B.std(axis=0)
        diff = np.abs(B[y].mean(axis=0) - B[~y].mean(axis=0))
        scores[lo:lo + B.shape[1]] = np.where(sd > 0, diff / np.where(sd > 0, sd, 1.0), 0.0)
    return np.sort(np.argsort(-scores, kind="stable")[:k])


def _positive_branches(tree: DecisionTreeClassifier, names: list[str]) -> list[tuple[list[str], int]]:
    """Highest nodes whose every leaf predicts the persona: sibling leaves that both say
    "persona" become one shorter rule instead of two near-duplicates."""
    t = tree.tree_
    positive_class = list(tree.classes_).index(True)

    def all_positive(node: int) -> bool:
        if t.children_left[node] == t.children_right[node]:
            return int(np.argmax(t.value[node][0])) == positive_class
        return all_positive(t.children_left[node]) and all_positive(t.children_right[node])

    out: list[tuple[list[str], int]] = []

    def walk(node: int, bounds: dict) -> None:
        if all_positive(node):
            out.append((_conditions(bounds), node))
            return
        if t.children_left[node] == t.children_right[node]:
            return
        f, thr = names[t.feature[node]], float(t.threshold[node])
        lo, hi = bounds.get(f, (-np.inf, np.inf))
        walk(t.children_left[node], {**bounds, f: (lo, min(hi, thr))})
        walk(t.children_right[node], {**bounds, f: (max(lo, thr), hi)})

    walk(0, {})
    return out


def _reaches(tree: DecisionTreeClassifier, F: np.ndarray, node: int) -> np.ndarray:
    """Customers whose decision path passes through ``node``."""
    return np.asarray(tree.decision_path(F)[:, node].todense()).ravel() > 0


def _conditions(bounds: dict) -> list[str]:
    conds = []
    for f, (lo, hi) in bounds.items():
        if " = " in f:   # one-hot: <= 0.5 means "is not", > 0.5 means "is"
            col, level = humanize(f.split(" = ")[0]), f.split(" = ", 1)[1]
            conds.append(_("{column} is {level}", column=col, level=level) if lo >= 0.5
                         else _("{column} is not {level}", column=col, level=level))
            continue
        col = _("{column} (days ago)", column=humanize(f[: -len(DAYS_AGO)])) \
            if f.endswith(DAYS_AGO) else humanize(f)
        if np.isfinite(lo) and np.isfinite(hi):
            conds.append(_("{low} < {column} ≤ {high}", low=fmt(lo, f), column=col, high=fmt(hi, f)))
        elif np.isfinite(lo):
            conds.append(_("{column} > {low}", column=col, low=fmt(lo, f)))
        else:
            conds.append(_("{column} ≤ {high}", column=col, high=fmt(hi, f)))
    return conds


def _rule_text(conds: list[str], fidelity: float, coverage: float) -> str:
    when = _(" and ").join(conds) if conds else _("any customer")
    return _("{conditions} → {fidelity} of these customers belong to this persona "
             "(covers {coverage} of it)", conditions=when, fidelity=fmt_percent(fidelity),
             coverage=fmt_percent(coverage))
