"""How many personas: merge candidate groups until every pair that is left is distinct.

HDBSCAN on the UMAP map finds dense groups, and on behaviour data it finds too many:
categories, flags and small counts are discrete, so customers who share a region or a
newsletter flag sit in tight islands of the map even when nothing else sets them apart.
A product owner cannot use three copies of one persona that differ only in the region.

So the clustering deliberately over-segments (small ``min_size``), and this module merges
the candidate groups back, most similar pair first, until every remaining pair is
*distinct*. Distinct is judged in the behaviour features, not on the map, with the model
persona researchers use for mixed data, a latent-class model with local independence:
within a persona, continuous behaviour is one Gaussian (full covariance, so correlated and
duplicated columns count once), and each categorical, flag or small-count column is its
own categorical distribution, independent of the rest given the persona.

For two groups A and B the evidence for keeping them apart is the classification
log-likelihood gained by describing them as two personas instead of one, minus what the
split itself costs (the entropy of the split) and what any split gains by chance (half
its extra parameters), per customer of the smaller group. Under this model a split
along an attribute that varies independently within a persona (region 75 % "Nord", the
rest elsewhere) gains exactly what it costs: nothing. A split along a real difference in
behaviour gains a lot. The merge sequence is kept: it is the "how many personas" curve
the user sees, with the reason for every step, and any other number of personas is one
cut of it away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .features import FeaturePreprocessor
from .reduce import feature_weights, fit_projection, needs_reduction

DISCRETE_MAX_VALUES = 12     # a numeric column with at most this many values is a category here
RIDGE = 0.05                 # variance floor in standardised units: spikes (all zeros) are not magic
CONTINUOUS_MAX_DIMS = 40     # wider continuous blocks are reduced by PCA first
STATS_SAMPLE = 50_000        # sufficient statistics from at most this many customers
SPIKE_SHARE = 0.1            # a value this many customers share is a point mass (a fact)
# Two groups whose split gains less than this (nats per customer of the smaller one) are
# one persona. Calibrated on planted data from four differently built generators
# (bench/bench_quality.py, 8 data sets): together with RIDGE it gave the best worst-case ARI.
DISTINCT_GAIN = 0.4
# A persona set is read by people: by default at most this many personas, the most
# distinct ones (more distinct groups are one click away in the "how many" view).
MAX_DEFAULT_PERSONAS = 10
_LOG2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class FactModel:
    """The behaviour features as the merge criterion sees them.

    ``continuous`` (n x d) is the Gaussian block; ``codes`` (n x m) holds one categorical
    code per discrete fact, ``levels`` the number of codes of each; ``continuous_names``
    and ``discrete_names`` say which input column(s) every continuous dimension and
    discrete fact comes from (for the reasons shown to users).
    """

    continuous: np.ndarray
    codes: np.ndarray
    levels: np.ndarray
    continuous_names: tuple[str, ...]
    discrete_names: tuple[str, ...]
    weights: np.ndarray          # per discrete fact (user weight)

    @property
    def n(self) -> int:
        return len(self.continuous)

    def subset(self, rows: np.ndarray) -> "FactModel":
        """The same facts for some customers (stability reruns on subsamples)."""
        return FactModel(self.continuous[rows], self.codes[rows], self.levels,
                         self.continuous_names, self.discrete_names, self.weights)


def fact_model(X: np.ndarray, prep: FeaturePreprocessor, seed: int = 0) -> FactModel:
    """Split the model matrix into the Gaussian block and discrete facts (see module doc)."""
    if needs_reduction(X):
        return _wide_fact_model(X, prep, seed)
    cont, cont_names, codes, names, weights = [], [], [], [], []

    def discrete(code: np.ndarray, name: str, weight: float) -> None:
        codes.append(code.astype(np.int64))
        names.append(name)
        weights.append(weight)

    rng = np.random.default_rng(seed)
    col = 0
    for step in prep.steps_:
        if hasattr(step, "levels"):                     # one-hot block
            width = len(step.levels)
            discrete(_block_codes(X[:, col:col + width]), step.column, step.weight)
            col += width
            continue
        values = X[:, col].astype(np.float64)
        missing = X[:, col + 1] > 0 if step.missing_flag else np.zeros(len(X), dtype=bool)
        col += 1 + int(step.missing_flag)
        if step.missing_flag:
            discrete(missing.astype(np.int64), f"{step.column} missing", step.weight)
        uniq, code = np.unique(values[~missing], return_inverse=True)
        if step.kind == "boolean" or len(uniq) <= DISCRETE_MAX_VALUES:
            full = np.full(len(X), len(uniq), dtype=np.int64)     # missing: a level of its own
            full[~missing] = code
            discrete(full, step.column, step.weight)
            continue
        values = values.copy()
        if missing.any():
            # imputed medians would form a spike that looks like a group of its own; a
            # random observed value says "unknown" without inventing structure
            values[missing] = rng.choice(values[~missing], int(missing.sum()))
        spike = _spike(values) if SPIKE_SHARE < 1 else None
        if spike is not None:
            # a point mass (no purchases: revenue 0) is a fact of its own, a yes/no; the
            # Gaussian sees the customers at it as unknown, so that "at the spike" is not
            # a zero-variance group that any split around it would seem to explain
            at = values == spike
            discrete(at.astype(np.int64), step.column, step.weight)
            values[at] = rng.choice(values[~at], int(at.sum()))
        # X holds the weighted column: the likelihood is scale-free but for the ridge,
        # so a weight above 1 lets finer differences count, below 1 only coarse ones
        cont.append(values)
        cont_names.append(step.column)
    codes, levels, names, weights = _join_redundant(codes, names, weights)
    C = np.column_stack(cont) if cont else np.zeros((len(X), 0))
    if C.shape[1] > CONTINUOUS_MAX_DIMS:
        C = _pca(C, seed)
        cont_names = [f"component {i + 1}" for i in range(CONTINUOUS_MAX_DIMS)]
    K = np.column_stack(codes) if codes else np.zeros((len(X), 0), dtype=np.int64)
    return FactModel(continuous=C, codes=K, levels=np.array(levels, dtype=np.int64),
                     continuous_names=tuple(cont_names), discrete_names=tuple(names),
                     weights=np.array(weights, dtype=np.float64))


def _wide_fact_model(X: np.ndarray, prep: FeaturePreprocessor, seed: int) -> FactModel:
    """A wide table (thousands of product columns, see :mod:`reduce`): its principal
    components are the Gaussian block, with no discrete facts.

    As discrete facts, almost every pair of rarely bought products "shares a level"
    (never bought), so the redundancy join would fuse them all into one fact of as many
    levels as customers; and its pairwise check costs minutes for 3,000 columns and
    hours for 10,000. Components keep what many products share, which is what sets
    personas apart; each is named by the two columns that load on it most.
    """
    idx = np.arange(len(X)) if len(X) <= STATS_SAMPLE else \
        np.sort(np.random.default_rng(seed).choice(len(X), STATS_SAMPLE, replace=False))
    proj = fit_projection(X, idx, seed, CONTINUOUS_MAX_DIMS, weights=feature_weights(prep))
    columns = [f.source for f in prep.features_]
    names = []
    for i, loading in enumerate(np.abs(proj.components)):
        top = [columns[j] for j in np.argsort(-loading, kind="stable")[:2]]
        names.append(" + ".join(top) + " + …")     # column names only: no words to translate
    return FactModel(continuous=proj.transform(X).astype(np.float64),
                     codes=np.zeros((len(X), 0), dtype=np.int64), levels=np.zeros(0, np.int64),
                     continuous_names=tuple(names), discrete_names=(), weights=np.zeros(0))


def _join_redundant(codes: list[np.ndarray], names: list[str], weights: list[float]):
    """Discrete facts that encode one fact twice become one joint fact.

    Telco's "No internet service" stands in six service columns and in InternetService;
    "No phone service" in PhoneService and MultipleLines. Under local independence each
    copy would count as fresh evidence. Two facts are linked when one (nearly) determines
    the other, or when they share a level (each implies the other, both >= 1 % of
    customers); linked facts are replaced by the combination of their values.
    """
    m = len(codes)
    parent = list(range(m))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(m):
        for j in range(i + 1, m):
            if root(i) != root(j) and _redundant(codes[i], codes[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(m):
        groups.setdefault(root(i), []).append(i)
    out_codes, out_levels, out_names, out_weights = [], [], [], []
    for members in groups.values():
        if len(members) == 1:
            code = codes[members[0]]
        else:
            code = np.unique(np.column_stack([codes[i] for i in members]), axis=0,
                             return_inverse=True)[1].ravel()
        out_codes.append(code.astype(np.int64))
        out_levels.append(int(code.max()) + 1 if len(code) else 1)
        out_names.append(" + ".join(names[i] for i in members))
        out_weights.append(float(np.mean([weights[i] for i in members])))
    return out_codes, out_levels, out_names, out_weights


def _redundant(a: np.ndarray, b: np.ndarray, sample: int = 20_000) -> bool:
    a, b = a[:sample], b[:sample]
    table = np.zeros((int(a.max()) + 1, int(b.max()) + 1))
    np.add.at(table, (a, b), 1.0)
    n = table.sum()
    pa, pb = table.sum(axis=1) / n, table.sum(axis=0) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pab = table / n
        h = lambda p: float(-(p[p > 0] * np.log(p[p > 0])).sum())  # noqa: E731
        mi = h(pa) + h(pb) - h(pab.ravel())
        if min(h(pa), h(pb)) > 0 and mi / min(h(pa), h(pb)) >= 0.95:   # one determines the other
            return True
        given_b = table / np.maximum(table.sum(axis=0, keepdims=True), 1)
        given_a = table / np.maximum(table.sum(axis=1, keepdims=True), 1)
    shared = (given_a >= 0.98) & (given_b >= 0.98) & (pab >= 0.01)
    return bool(shared.any())


def _spike(values: np.ndarray) -> float | None:
    """The value that at least SPIKE_SHARE of the customers share, if one does (and not
    nearly all of them: then the column says little else)."""
    uniq, counts = np.unique(values, return_counts=True)
    top = int(counts.argmax())
    share = counts[top] / len(values)
    return float(uniq[top]) if SPIKE_SHARE <= share <= 0.95 else None


def _block_codes(block: np.ndarray) -> np.ndarray:
    """One-hot block -> level code; rows with no level set get their own code."""
    hot = block > 0
    code = np.argmax(hot, axis=1)
    code[~hot.any(axis=1)] = block.shape[1]
    return code.astype(np.int64)


def _pca(C: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    return PCA(n_components=CONTINUOUS_MAX_DIMS, random_state=seed).fit_transform(C)


# -- sufficient statistics ---------------------------------------------------------------------
@dataclass
class _Stats:
    n: float
    s1: np.ndarray        # sum of continuous values (d,)
    s2: np.ndarray        # sum of outer products (d, d)
    counts: np.ndarray    # level counts of all discrete facts, concatenated (sum of levels,)

    def __add__(self, other: "_Stats") -> "_Stats":
        return _Stats(self.n + other.n, self.s1 + other.s1, self.s2 + other.s2,
                      self.counts + other.counts)


class _Scorer:
    """Log-likelihood of a group under the persona model, from its statistics."""

    def __init__(self, facts: FactModel) -> None:
        self.d = facts.continuous.shape[1]
        self.offsets = np.concatenate([[0], np.cumsum(facts.levels)]).astype(np.int64)
        self.fact_of_level = np.repeat(np.arange(len(facts.levels)), facts.levels)
        self.level_weight = np.repeat(facts.weights, facts.levels)

    def stats(self, facts: FactModel, rows: np.ndarray) -> _Stats:
        C = facts.continuous[rows]
        counts = np.zeros(int(self.offsets[-1]))
        if facts.codes.shape[1]:
            flat = (facts.codes[rows] + self.offsets[:-1]).ravel()
            counts = np.bincount(flat, minlength=len(counts)).astype(np.float64)
        return _Stats(float(len(rows)), C.sum(axis=0), C.T @ C, counts)

    def extra_params(self, st: _Stats) -> float:
        """Free parameters one more persona costs: its Gaussian, its level shares (of the
        levels seen), its size. Two groups fitted separately gain about half of this in
        log-likelihood by chance alone (Wilks), however alike they are."""
        seen = np.bincount(self.fact_of_level, weights=(st.counts > 0).astype(float),
                           minlength=len(self.offsets) - 1)
        return self.d + self.d * (self.d + 1) / 2 + float(np.maximum(seen - 1, 0).sum()) + 1

    def loglik(self, st: _Stats) -> float:
        return self.gaussian(st) + float(self.discrete_terms(st).sum())

    def gaussian(self, st: _Stats) -> float:
        if self.d == 0 or st.n == 0:
            return 0.0
        mu = st.s1 / st.n
        cov = st.s2 / st.n - np.outer(mu, mu) + RIDGE * np.eye(self.d)
        sign, logdet = np.linalg.slogdet(cov)
        return -0.5 * st.n * (logdet + self.d * (1.0 + _LOG2PI))

    def discrete_terms(self, st: _Stats) -> np.ndarray:
        """Per level: weight * count * log(share of the level in the group)."""
        c = st.counts
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(c > 0, c * np.log(c / max(st.n, 1.0)), 0.0)
        return self.level_weight * term

    def fact_gains(self, a: _Stats, b: _Stats) -> dict[int, float]:
        """Per discrete fact: log-likelihood gained by describing a and b separately."""
        ab = a + b
        per_level = self.discrete_terms(a) + self.discrete_terms(b) - self.discrete_terms(ab)
        return dict(enumerate(np.bincount(self.fact_of_level, weights=per_level,
                                          minlength=len(self.offsets) - 1)))


def split_gain(scorer: _Scorer, a: _Stats, b: _Stats) -> float:
    """Evidence for keeping a and b apart, in nats per customer of the smaller group.

    The classification log-likelihood of a and b as two personas, minus that of one
    persona, minus what the split itself costs (its entropy), minus what any two groups
    gain by chance from fitting more parameters (half the extra parameters, Wilks).
    Per customer of the *smaller* group, so a small persona that differs a lot is not
    drowned by its big neighbour. Negative: the two are better described as one.
    """
    ab = a + b
    p = a.n / ab.n
    entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p)) if 0 < p < 1 else 0.0
    gain = (scorer.loglik(a) + scorer.loglik(b) - scorer.loglik(ab) - ab.n * entropy
            - 0.5 * scorer.extra_params(ab))
    return float(gain / max(min(a.n, b.n), 1.0))


# -- agglomeration ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Merge:
    """One step of the merge sequence: groups ``a`` and ``b`` (candidate ids) became one.

    ``gain`` is the evidence for keeping them apart (nats per customer); ``reasons`` the
    facts that set them apart most, strongest first (input column, share of the evidence).
    """

    a: int
    b: int
    gain: float
    n_before: int                           # personas before this merge
    reasons: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Consolidation:
    candidates: np.ndarray                  # candidate id per customer (-1 noise), as clustered
    merges: tuple[Merge, ...]               # from all candidates down to one persona
    n_distinct: int                         # personas where every remaining pair is distinct
    n_default: int                          # the engine's choice: n_distinct, at most the cap

    def labels(self, k: int | None = None) -> np.ndarray:
        """Candidate labels merged down to ``k`` personas (None: the default number)."""
        k = self.n_default if k is None else k
        mapping = {c: c for c in np.unique(self.candidates[self.candidates >= 0])}
        for m in self.merges:
            if m.n_before <= k:
                break
            for c, root in mapping.items():
                if root == m.b:
                    mapping[c] = m.a
        out = np.full(len(self.candidates), -1, dtype=np.int64)
        for c, root in mapping.items():
            out[self.candidates == c] = root
        return out

    @property
    def n_candidates(self) -> int:
        return len(np.unique(self.candidates[self.candidates >= 0]))

    def table(self) -> list[dict[str, Any]]:
        """Rows for the "how many personas" view: per number of personas, the evidence
        for the closest pair at that level (what one more merge would lose)."""
        return [{"k": m.n_before, "closest_gain": m.gain,
                 "closest_reasons": "; ".join(f"{c} ({s * 100:.0f} %)" for c, s in m.reasons)}
                for m in self.merges]


def consolidate(labels: np.ndarray, facts: FactModel, *, threshold: float = DISTINCT_GAIN,
                max_default: int = MAX_DEFAULT_PERSONAS, seed: int = 0) -> Consolidation:
    """Merge the candidate groups in ``labels`` (-1 = noise) most-similar first, all the
    way down to one; the default number of personas is where the closest remaining pair
    is distinct (``gain >= threshold``), at most ``max_default``."""
    labels = np.asarray(labels, dtype=np.int64)
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(labels >= 0)
    if len(rows) > STATS_SAMPLE:
        rows = np.sort(rng.choice(rows, STATS_SAMPLE, replace=False))
    scorer = _Scorer(facts)
    groups = {int(c): scorer.stats(facts, rows[labels[rows] == c]) for c in np.unique(labels[rows])}
    gains = {(a, b): split_gain(scorer, groups[a], groups[b])
             for a in groups for b in groups if a < b}
    merges: list[Merge] = []
    n_default = None
    while len(groups) > 1:
        (a, b), gain = min(gains.items(), key=lambda kv: (kv[1], kv[0]))
        if n_default is None and gain >= threshold:
            n_default = len(groups)
        merges.append(Merge(a=a, b=b, gain=gain, n_before=len(groups),
                            reasons=_reasons(scorer, facts, groups[a], groups[b])))
        groups[a] = groups[a] + groups.pop(b)
        gains = {k: v for k, v in gains.items() if b not in k and a not in k}
        for c in groups:
            if c != a:
                gains[(min(a, c), max(a, c))] = split_gain(scorer, groups[min(a, c)], groups[max(a, c)])
    n_all = len(np.unique(labels[labels >= 0]))
    n_distinct = n_default if n_default is not None else min(1, n_all)
    return Consolidation(candidates=labels, merges=tuple(merges), n_distinct=n_distinct,
                         n_default=min(n_distinct, max_default))


def _reasons(scorer: _Scorer, facts: FactModel, a: _Stats, b: _Stats,
             top: int = 3) -> tuple[tuple[str, float], ...]:
    """The input columns that carry most of the evidence for keeping a and b apart:
    discrete facts exactly, continuous columns by their univariate gain."""
    named: dict[str, float] = {}
    for j, g in scorer.fact_gains(a, b).items():
        name = facts.discrete_names[j]
        named[name] = named.get(name, 0.0) + max(g, 0.0)
    ab = a + b
    for j, name in enumerate(facts.continuous_names):
        v = [st.s2[j, j] / st.n - (st.s1[j] / st.n) ** 2 + RIDGE for st in (a, b, ab)]
        g = 0.5 * (ab.n * np.log(v[2]) - a.n * np.log(v[0]) - b.n * np.log(v[1]))
        named[name] = named.get(name, 0.0) + max(float(g), 0.0)
    total = sum(named.values())
    if total <= 0:
        return ()
    best = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return tuple((name, g / total) for name, g in best if g > 0)
