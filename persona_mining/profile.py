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
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from .features import MISSING, OTHER, FeaturePreprocessor
from .validity import Resamples, persona_stability, stability_label
from .roles import BOOLEAN, CATEGORICAL, DATETIME, LABEL, NUMERIC

UNASSIGNED = "unassigned"
TOP_TRAITS = 6
MIN_EFFECT = 0.2          # |effect| below this is not "distinguishing"
N_PROTOTYPES = 5
RULE_SAMPLE = 20_000
RULE_DEPTH = 3


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
                     resamples: Resamples | None = None, seed: int = 42) -> list[PersonaProfile]:
    """One profile per persona (largest first); ``labels`` holds persona ids or "unassigned"."""
    table = trait_table(data, labels, X, prep)
    rule_frame = _rule_frame(data, prep)
    label_cols = roles.columns(LABEL)
    n = len(labels)
    out = []
    for pid in persona_ids(labels):
        mask = labels == pid
        traits = _top_traits(table, pid)
        name, desc = suggest_name(traits, mask.mean())
        stab = persona_stability(mask, resamples)
        out.append(PersonaProfile(
            id=pid, suggested_name=name, suggested_description=desc,
            size=int(mask.sum()), share=float(mask.sum() / n),
            stability=stab, stability_label=stability_label(stab),
            mean_confidence=float(confidence[mask].mean()) if mask.any() else 0.0,
            traits=tuple(traits), rules=tuple(surrogate_rules(rule_frame, mask, seed)),
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
                prep: FeaturePreprocessor) -> pd.DataFrame:
    """Long table: one row per (persona, feature) with values, effect size and sentence.

    Also feeds the persona x trait heatmap on the Explore page.
    """
    pids = persona_ids(labels)
    masks = {p: labels == p for p in pids}
    rows: list[dict] = []
    col_index = {f.name: i for i, f in enumerate(prep.features_)}
    for step in prep.steps_:
        if hasattr(step, "levels"):
            rows += _categorical_rows(step, data[step.column], masks)
        else:
            rows += _numeric_rows(step, data[step.column], X[:, col_index[step.column]], masks)
    return pd.DataFrame(rows, columns=["persona", "feature", "column", "kind", "persona_value",
                                       "population_value", "effect_size", "ratio", "sentence"])


def real_traits(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`trait_table` that are traits a reader cares about: without the
    bookkeeping levels of one-hot columns ("= (missing)", "= (other)")."""
    return table[~table["feature"].str.endswith((f"= {MISSING}", f"= {OTHER}"))]


def _numeric_rows(step: Any, raw: pd.Series, xz: np.ndarray, masks: dict) -> list[dict]:
    if step.kind == "datetime":
        ref = pd.Timestamp(step.reference) if step.reference else None
        values = ((ref - pd.to_datetime(raw, errors="coerce")).dt.total_seconds() / 86400.0
                  if ref is not None else pd.Series(np.nan, index=raw.index))
    else:
        values = pd.to_numeric(raw, errors="coerce")
    v = values.to_numpy(dtype=np.float64, na_value=np.nan)
    pop = float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")
    # "3x the average" only means something for quantities that cannot go negative.
    nonneg = bool(np.isfinite(v).any() and np.nanmin(v) >= 0)
    # Effect and values over the customers who have a value: with many missing values
    # (e.g. days between purchases, empty below two purchases) the imputed median would
    # otherwise pull the effect one way while the values shown go the other.
    seen = np.isfinite(v)
    sd = float(xz[seen].std()) if seen.any() else 0.0
    sd = sd or 1.0
    rows = []
    for pid, m in masks.items():
        pv = float(np.nanmean(v[m])) if np.isfinite(v[m]).any() else float("nan")
        if step.kind == "boolean":
            effect = _cohens_h(pv, pop)
        elif (m & seen).any():
            effect = float((xz[m & seen].mean() - xz[seen].mean()) / sd)
        else:
            effect = 0.0
        ratio = pv / pop if nonneg and np.isfinite(pv) and np.isfinite(pop) and pop > 1e-9 else None
        rows.append({"persona": pid, "feature": step.column, "column": step.column,
                     "kind": step.kind, "persona_value": pv, "population_value": pop,
                     "effect_size": effect, "ratio": ratio,
                     "sentence": _numeric_sentence(step.column, step.kind, pv, pop, ratio, effect)})
    return rows


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
    # One trait per input column: "device = iOS" and "device = Desktop" say the same thing.
    t = t.drop_duplicates("column").head(TOP_TRAITS)
    return [Trait(feature=r.feature, column=r.column, kind=r.kind,
                  persona_value=float(r.persona_value), population_value=float(r.population_value),
                  effect_size=float(r.effect_size),
                  ratio=None if r.ratio is None or pd.isna(r.ratio) else float(r.ratio),
                  sentence=r.sentence) for r in t.itertuples()]


# -- words -------------------------------------------------------------------------------
_TOKENS = {"12m": "(12 months)", "avg": "average", "num": "number of", "qty": "quantity",
           "pct": "%", "nr": "number of", "cnt": "count", "mnt": "spend on", "amt": "amount of",
           "prods": "products", "freq": "frequency", "trx": "transactions"}


def humanize(column: str) -> str:
    """'orders_12m' -> 'orders (12 months)'; 'NumWebPurchases' -> 'num web purchases'."""
    s = str(column)
    if s.upper() == s:          # SHOUTED_COLUMN_NAMES read better in lower case
        s = s.lower()
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", s)
    parts = [p for p in re.split(r"[_\s]+", s) if p]
    if len(parts) == 2 and parts[0].lower() in ("share", "anteil", "pct"):
        parts = [parts[1], parts[0]]          # share_app -> "app share"
    return " ".join(_TOKENS.get(p.lower(), p.lower() if not p.isupper() else p) for p in parts)


def is_share(column: str, value: float) -> bool:
    return bool(re.search(r"share|rate|ratio|pct|percent|anteil|quote|frequency", column, re.I)) \
        and np.isfinite(value) and 0.0 <= value <= 1.0


def fmt(value: float, column: str = "") -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    if is_share(column, value):
        return f"{value * 100:.0f} %"
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:.0f}"
    if a >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _numeric_sentence(col: str, kind: str, pv: float, pop: float, ratio: float | None,
                      effect: float) -> str:
    """'<feature>: <how it differs> (<persona> vs <average>)': the feature first, for scanning."""
    h = humanize(col)
    if kind == "boolean":
        return f"{h}: {pv * 100:.0f} % (vs {pop * 100:.0f} % overall)"
    if kind == "datetime":
        return f"{h}: {fmt(pv)} days ago on average (vs {fmt(pop)} days overall)"
    both = f"({fmt(pv, col)} vs {fmt(pop, col)} on average)"
    if ratio is not None and ratio >= 1.5:
        return f"{h}: {ratio:.1f}× the average {both}"
    if ratio is not None and 0 <= ratio < 0.05:
        return f"{h}: almost none {both}"
    if ratio is not None and 0 <= ratio <= 0.67:
        return f"{h}: {(1 - ratio) * 100:.0f} % below average {both}"
    strength = "much " if abs(effect) >= 0.8 else ""
    return f"{h}: {strength}{'higher' if effect > 0 else 'lower'} than average {both}"


def _level_sentence(col: str, level: str, pv: float, pop: float, ratio: float | None) -> str:
    times = f", {ratio:.1f}×" if ratio is not None and ratio >= 1.5 else ""
    return f"{humanize(col)} is {level} for {pv * 100:.0f} % (vs {pop * 100:.0f} % overall{times})"


def trait_label(t: Trait) -> str:
    """Two or three words for a name: 'High revenue (12 months)', 'iOS device'."""
    h = humanize(t.column)
    if t.kind == "categorical":
        level = t.feature.split(" = ", 1)[1]
        return f"{level} {h}" if t.effect_size > 0 else f"Rarely {level} {h}"
    if t.kind == "boolean":
        return h.capitalize() if t.effect_size > 0 else f"No {h}"
    if t.kind == "datetime":
        return f"Long ago {h}" if t.effect_size > 0 else f"Recent {h}"
    return f"{'High' if t.effect_size > 0 else 'Low'} {h}"


def suggest_name(traits: Sequence[Trait], share: float) -> tuple[str, str]:
    """Deterministic short name and one-line description from the strongest traits."""
    if not traits:
        return "Average customers", (f"{share * 100:.0f} % of customers; "
                                     "no trait sets them clearly apart from the average.")
    labels = [trait_label(t) for t in traits[:2]]
    labels[1:] = [lb[0].lower() + lb[1:] if lb[:2] in ("Hi", "Lo", "No", "Re", "Lo") else lb
                  for lb in labels[1:]]
    name = " & ".join(labels)
    if name[0].islower() and not name[1:2].isupper():   # keep "iOS", "eBay" as written
        name = name[0].upper() + name[1:]
    parts = [trait_label(t).lower() if not trait_label(t)[1:2].isupper() else trait_label(t)
             for t in traits[:4]]
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return name, f"{share * 100:.0f} % of customers. Compared with the average customer: {said}."


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
def _rule_frame(data: pd.DataFrame, prep: FeaturePreprocessor) -> pd.DataFrame:
    """Interpretable matrix for the surrogate trees: raw units, one-hot levels by name."""
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
            cols[f"{step.column} (days ago)"] = days.fillna(days.median()).to_numpy(float)
        else:
            v = pd.to_numeric(raw, errors="coerce")
            cols[step.column] = v.fillna(v.median()).to_numpy(float)
    return pd.DataFrame(cols, index=data.index)


def surrogate_rules(frame: pd.DataFrame, mask: np.ndarray, seed: int = 42,
                    max_rules: int = 2) -> list[Rule]:
    """Branches of a depth-3 tree (persona vs rest) whose customers are mostly persona members."""
    if frame.shape[1] == 0 or mask.sum() == 0 or mask.all():
        return []
    rng = np.random.default_rng(seed)
    idx = np.arange(len(frame)) if len(frame) <= RULE_SAMPLE else \
        np.sort(rng.choice(len(frame), RULE_SAMPLE, replace=False))
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
            conds.append(f"{humanize(f.split(' = ')[0])} is {f.split(' = ', 1)[1]}" if lo >= 0.5
                         else f"{humanize(f.split(' = ')[0])} is not {f.split(' = ', 1)[1]}")
        elif np.isfinite(lo) and np.isfinite(hi):
            conds.append(f"{fmt(lo, f)} < {humanize(f)} ≤ {fmt(hi, f)}")
        elif np.isfinite(lo):
            conds.append(f"{humanize(f)} > {fmt(lo, f)}")
        else:
            conds.append(f"{humanize(f)} ≤ {fmt(hi, f)}")
    return conds


def _rule_text(conds: list[str], fidelity: float, coverage: float) -> str:
    when = " and ".join(conds) if conds else "any customer"
    return (f"{when} → {fidelity * 100:.0f} % of these customers belong to this persona "
            f"(covers {coverage * 100:.0f} % of it)")
