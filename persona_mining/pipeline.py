"""discover(): customer file -> workspace with candidate personas. The table of contents
of the engine; each step lives in its own module."""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import refine
from .cluster import ClusterResult, cluster, fit_labels, suggest_k
from .consolidate import FactModel, consolidate, fact_model
from .config import DiscoverConfig
from .datasource import DataSource, Dataset, id_column
from .embed import Embedder
from .reduce import feature_weights
from .errors import InputError
from .events import EventConfig
from .i18n import _
from .features import FeaturePreprocessor
from .ingest import IngestReport, check_usable, coerce_types, infer_roles, quality_report
from .outcomes import specs_for
from .roles import ID, OUTCOME, PII, TEXT
from .validity import Resamples, dbcv, resample, silhouette
from .workspace import Workspace, make_provenance

ProgressFn = Callable[[str, float], None]
STAGES = ("read", "roles", "features", "embedding", "clustering", "stability", "profiles")
MAX_SHOWN_K = 20      # the "how many personas" view lists at most this many
HOW_MANY_SAMPLE = 1_500   # customers the silhouette per number of personas is measured on


def discover(source: DataSource | Dataset | str | os.PathLike | bytes,
             config: DiscoverConfig | None = None, *, name: str | None = None,
             progress: ProgressFn | None = None, previous: Workspace | None = None,
             event_config: EventConfig | None = None) -> Workspace:
    """Discover personas in a customer table or an event log (see :func:`discover_frame`).

    ``source``: a :class:`~.datasource.DataSource`; a :class:`~.datasource.Dataset`
    already read (its column roles replace ``config.roles``); or a path or the bytes of
    a customer table (``name``: its file name). An event log's customer table is its
    behaviour features per customer, and its personas get journeys.
    ``event_config``: how event logs are aggregated (the source's session gap wins).
    """
    config = config or DiscoverConfig()
    if isinstance(source, Dataset):
        config = dataclasses.replace(config, roles=source.role_choices)
        return _discover_table(source.frame, source.report, config, source.event_log,
                               event_config, progress, previous)
    if not isinstance(source, DataSource):
        source = DataSource.table(source, name)
    _say(progress, "read", 0.0)
    source = source.completed()
    frame, report = source.customer_table(event_config or EventConfig())
    return _discover_table(frame, report, config, source if source.is_event_log else None,
                           event_config, progress, previous)


def _discover_table(frame: pd.DataFrame, report: IngestReport, config: DiscoverConfig,
                    event_log: DataSource | None, event_config: EventConfig | None,
                    progress: ProgressFn | None, previous: Workspace | None) -> Workspace:
    """Discovery on the customer table; for one aggregated from ``event_log``, keyed by
    its customer (account) column and with the journeys of the log."""
    if event_log is None:
        return discover_frame(frame, report, config, progress=progress, previous=previous)
    from .events import with_journeys

    config = dataclasses.replace(config, id_col=id_column(event_log.events))
    ws = discover_frame(frame, report, config, progress=progress, previous=previous)
    return with_journeys(ws, event_log.location, event_log.events,
                         event_log.event_config(event_config or EventConfig()))


def discover_frame(frame: pd.DataFrame, report: IngestReport,
                   config: DiscoverConfig = DiscoverConfig(), *,
                   progress: ProgressFn | None = None,
                   previous: Workspace | None = None) -> Workspace:
    """Roles -> features -> embedding -> clusters -> how many -> stability, timed per stage.

    With ``previous`` (re-discovery), new clusters inherit the ids, names and notes of
    the old personas they overlap most (see refine.match_lineage).
    """
    timer = _Timer(progress)
    with timer("roles"):
        inferred = infer_roles(frame, id_col=config.id_col, exclude=config.exclude,
                               labels=config.labels, outcomes=config.outcomes,
                               source=report.source)
        roles = inferred.with_overrides(config.role_overrides, report.source) \
            if config.role_overrides else inferred
        check_usable(frame, roles, report.source)
        _check_weights(config, roles, report.source)
        data = _stored_columns(coerce_types(frame, roles), roles)
        specs_for(data, roles.columns(OUTCOME), report.source)   # an unusable outcome fails here
        quality = quality_report(frame, roles)
    with timer("features"):
        prep = FeaturePreprocessor.from_roles(roles, config.weight_map,
                                              config.rare_level_share).fit(data)
        X = prep.transform(data)
    with timer("embedding"):
        emb = Embedder(config.embedding, config.n_components, config.n_neighbors, config.seed,
                       config.fit_sample).fit(X, progress, weights=feature_weights(prep))
    ids = _customer_ids(frame, roles)
    ws = Workspace(config=config, source=report, roles=roles, quality=quality, data=data,
                   ids=ids, prep=prep, Z=emb.embedding_, map2d=emb.map_,
                   base_labels=np.full(len(ids), -1, dtype=np.int64), base_ids=(),
                   confidence=np.zeros(len(ids)), resamples=None,
                   # a wide table: the embedding saw principal components (see reduce)
                   metrics={"reduction": dataclasses.asdict(emb.reduction_)} if emb.reduction_ else {},
                   suggestions=pd.DataFrame(),
                   provenance={**make_provenance(config, report.to_dict()),
                               "role_changes": role_changes(inferred, roles, previous, report)})
    ws.memo("X", lambda: X)           # already computed: the workspace keeps it
    return _personas_on_map(ws, config, timer, previous)


def with_personas(ws: Workspace, k: int | None, *, progress: ProgressFn | None = None) -> Workspace:
    """The same customers, features and map with ``k`` personas (None: the engine's own
    choice): the "how many personas" view's one click. hdbscan cuts its merge sequence
    at ``k``, the other methods cluster again with ``k``; names and notes carry over to
    the personas that share most customers with the current ones."""
    config = ws.config.replace(k=k)
    return _personas_on_map(ws, config, _Timer(progress), previous=ws)


def _personas_on_map(ws: Workspace, config: DiscoverConfig, timer: "_Timer",
                     previous: Workspace | None) -> Workspace:
    """Clusters -> how many personas -> stability -> profiles, on the workspace's map."""
    Z, X = ws.Z, ws.X
    with timer("clustering"):
        facts = fact_model(X, ws.prep, config.seed) if config.method == "hdbscan" else None
        # hdbscan: always the engine's own number first, so the "how many" evidence
        # says what the engine would choose even when the user picked another number
        own_k = None if config.method == "hdbscan" else config.k
        result = cluster(Z, config.method, own_k, config.min_size, config.max_unassigned,
                         config.seed, facts=facts)
    with timer("stability"):
        reruns = _reruns(Z, facts, result, config)
        agreement = reruns.summary(result.n_clusters) if reruns is not None else {}
        if reruns is not None and result.consolidation is not None:
            result = _stable_choice(Z, result, reruns)
        engine_k = result.n_clusters
        if config.k is not None and result.consolidation is not None:
            result = result.at(Z, config.k)           # the user's number, same candidates
        metrics = {**_metrics(Z, result, config), **agreement, "engine_k": engine_k}
        if "reduction" in ws.metrics:
            metrics["reduction"] = ws.metrics["reduction"]
        suggestions = how_many_table(Z, result, config, reruns, engine_k=engine_k)
        reruns = reruns.at(result.n_clusters) if reruns is not None else None
    base_ids, carried, lineage = _identities(result, previous, ws.ids)
    new = ws.with_new_personas(
        config=config, base_labels=result.labels, base_ids=base_ids,
        confidence=result.confidence, resamples=reruns, metrics=metrics,
        suggestions=suggestions, carried=carried, lineage=lineage, edits=(), redo_stack=(),
        provenance={**make_provenance(config, ws.source.to_dict()),   # the roles stay
                    "role_changes": ws.provenance.get("role_changes", [])})
    with timer("profiles"):
        new.personas()
    new.metrics["seconds"] = {**ws.metrics.get("seconds", {}), **timer.seconds} \
        if previous is ws else timer.seconds
    return new


def how_many_table(Z: np.ndarray, result: ClusterResult, config: DiscoverConfig,
                   reruns: "_Reruns | None" = None, engine_k: int | None = None) -> pd.DataFrame:
    """Evidence for the number of personas, one row per possible number ``k``.

    hdbscan: how distinct the closest pair of personas is at ``k`` (the evidence lost by
    merging them, nats per customer of the smaller one; at least DISTINCT_GAIN means
    distinct), what sets that pair apart, the silhouette of that cut, the stability of
    its least stable persona in the reruns (each rerun cut at ``k`` too), and which ``k``
    the engine chose (``engine_k``; default: the result's own number). Other methods: silhouette (and BIC for gmm) of k-means / gmm fits.
    """
    if result.consolidation is None:
        return suggest_k(Z, "gmm" if config.method == "gmm" else "kmeans", seed=config.seed)
    cons = result.consolidation
    engine_k = result.n_clusters if engine_k is None else engine_k
    rng = np.random.default_rng(config.seed)
    idx = rng.choice(len(Z), min(len(Z), HOW_MANY_SAMPLE), replace=False)
    rows = []
    for m in cons.merges:
        if m.n_before > MAX_SHOWN_K:
            continue
        cut = cons.labels(m.n_before)[idx]
        keep = cut >= 0
        sil = silhouette(Z[idx][keep], cut[keep], config.seed)
        rows.append({"k": m.n_before, "closest_gain": round(m.gain, 4),
                     "closest_differ_in": " | ".join(c for c, _ in m.reasons),
                     "silhouette": sil, "bic": None, "least_stable": _least_stable(
                         Z, result, reruns, m.n_before),
                     "chosen": m.n_before == engine_k})
    rows.append({"k": 1, "closest_gain": None, "closest_differ_in": "", "silhouette": None,
                 "bic": None, "least_stable": None, "chosen": engine_k == 1})
    return pd.DataFrame(rows).sort_values("k").reset_index(drop=True)


# -- steps -----------------------------------------------------------------------------
def _say(progress: ProgressFn | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


class _Timer:
    """Context manager per stage: reports progress and records wall time."""

    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress, self.seconds = progress, {}

    def __call__(self, stage: str) -> "_Timer":
        self.stage = stage
        return self

    def __enter__(self) -> None:
        _say(self.progress, self.stage, 0.0)
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: Any) -> None:
        self.seconds[self.stage] = round(time.perf_counter() - self.t0, 3)
        if exc[0] is None:
            _say(self.progress, self.stage, 1.0)


def _stored_columns(data: pd.DataFrame, roles: Any) -> pd.DataFrame:
    """Drop PII and free text before anything is kept: they are never needed again."""
    drop = [c for c in data.columns if roles.role(c) in (PII, TEXT)]
    kept = data.drop(columns=drop).reset_index(drop=True)
    for col in kept.columns:   # one text dtype (pandas 3 has two), missing always NaN:
        s = kept[col]          # a saved and reloaded workspace is then identical
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            kept[col] = s.astype(object).where(s.notna(), np.nan)
    return kept


def role_changes(inferred: Any, roles: Any, previous: Workspace | None = None,
                 report: IngestReport | None = None) -> list[dict[str, str]]:
    """Columns whose role the user changed from the inferred one (e.g. an outcome taken
    back as a behaviour feature): recorded in the provenance of every artefact.

    Re-discovering the same data (``previous`` made from the same file) passes every
    current role on: a column keeps the record of an earlier change while its role stays,
    and a role that merely differs from what inference says of the *stored* table (which
    is typed already) is no change of the user's."""
    same = previous is not None and report is not None and previous.source.sha256 == report.sha256
    before = previous.roles if same else None
    earlier = {c["column"]: c for c in previous.provenance.get("role_changes", [])} if same else {}
    out = []
    for item in roles.items:
        col, role = item.column, item.role
        if col not in inferred or inferred.role(col) == role:
            continue                                   # as inferred: nothing to record
        if col in earlier and earlier[col]["role"] == role:
            out.append(earlier[col])                   # an earlier change, still in force
        elif before is None or col not in before:
            out.append({"column": col, "inferred": inferred.role(col), "role": role})
        elif before.role(col) != role:                 # changed now, from what it was
            out.append({"column": col, "inferred": before.role(col), "role": role})
    return out


def _check_weights(config: DiscoverConfig, roles: Any, source: str) -> None:
    features = set(roles.feature_columns)
    for col, _weight in config.weights:
        if col not in features:
            raise InputError(_("{source}: weight given for column '{column}', which is not a "
                               "behaviour feature — use one of: {features}", source=source,
                               column=col, features=", ".join(sorted(features))),
                             source=source, column=col)


def _customer_ids(frame: pd.DataFrame, roles: Any) -> np.ndarray:
    if roles.id_col is not None:
        return frame[roles.id_col].astype(str).to_numpy(dtype=object)
    return np.arange(1, len(frame) + 1).astype(str).astype(object)


class _Reruns:
    """The clustering again on subsamples, with the same rule for how many personas;
    for hdbscan each rerun keeps its merge sequence, so it can be cut at any number."""

    def __init__(self, index: np.ndarray, labels: np.ndarray,
                 merges: list | None = None) -> None:
        self.index, self.labels, self.merges = index, labels, merges

    def at(self, k: int) -> Resamples:
        """The reruns' personas when each is cut at ``k`` (hdbscan), else as they are."""
        if not self.merges:
            return Resamples(self.index, self.labels)
        return Resamples(self.index, np.stack([c.labels(k) for c in self.merges]))

    def summary(self, k: int) -> dict[str, Any]:
        """How many distinct personas each rerun found by the same rule, and the share of
        reruns that found ``k`` (the number the whole data gave): agreement is evidence."""
        found = [c.n_default for c in self.merges] if self.merges else \
            [int(len(np.unique(lab[lab >= 0]))) for lab in self.labels]
        return {"rerun_n_distinct": found,
                "rerun_agreement": float(np.mean([c == k for c in found])) if found else None}


def _reruns(Z: np.ndarray, facts: FactModel | None, result: ClusterResult,
            config: DiscoverConfig) -> _Reruns | None:
    """The clustering again on subsamples, with the same decision on how many personas
    (hdbscan: candidates merged by the same rule; the others: the same k)."""
    if config.bootstrap == 0 or result.n_clusters == 0:
        return None
    k = result.n_clusters if config.method != "hdbscan" else None
    merges: list = []

    def refit(idx: np.ndarray) -> np.ndarray:
        raw = fit_labels(Z[idx], config.method, k, config.min_size, config.seed)[0]
        if facts is None:
            return raw
        cons = consolidate(raw, facts.subset(idx), seed=config.seed)
        merges.append(cons)
        return cons.labels(config.k)

    res = resample(len(Z), refit, config.bootstrap, config.seed)
    return _Reruns(res.index, res.labels, merges if facts is not None else None)


def _stable_choice(Z: np.ndarray, result: ClusterResult, reruns: _Reruns) -> ClusterResult:
    """The largest number of personas, at most the distinct ones, at which every persona
    is found again in the reruns (stability >= SHAKY, Hennig's "not dissolved");
    the distinct number itself when no smaller one does better."""
    from .validity import SHAKY

    for k in range(result.n_clusters, 1, -1):
        if (_least_stable(Z, result, reruns, k) or 0.0) >= SHAKY:
            return result if k == result.n_clusters else result.at(Z, k)
    return result


def _least_stable(Z: np.ndarray, result: ClusterResult, reruns: "_Reruns | None",
                  k: int) -> float | None:
    """Stability of the least stable persona when the result and every rerun are cut at k."""
    from .validity import persona_stability

    if reruns is None or result.consolidation is None or k < 1:
        return None
    # the merged candidates themselves (noise not yet assigned): cheap for every k
    cut = result.consolidation.labels(k)
    runs = reruns.at(k)
    values = [persona_stability(cut == c, runs) for c in np.unique(cut[cut >= 0])]
    values = [v for v in values if v is not None]
    return round(min(values), 4) if values else None


def _metrics(Z: np.ndarray, result: ClusterResult, config: DiscoverConfig) -> dict[str, Any]:
    labels = result.labels
    cons = result.consolidation
    merging = {} if cons is None else {"n_candidates": cons.n_candidates,
                                       "n_distinct": cons.n_distinct}
    return {**merging, "n_personas": result.n_clusters, "n_customers": int(len(labels)),
            "unassigned_share": float((labels < 0).mean()),
            "noise_share_before_assignment": float((result.raw_labels < 0).mean()),
            "silhouette": silhouette(Z, labels, config.seed),
            "dbcv": dbcv(Z, result.raw_labels, config.seed) if config.method == "hdbscan" else None}


def _identities(result: ClusterResult, previous: Workspace | None, ids: np.ndarray):
    """Persona ids per cluster; on re-discovery, matched to the previous personas by
    the customers they share (aligned on customer id, so a re-ordered file still matches)."""
    if previous is None:
        return tuple(f"P{c + 1}" for c in range(result.n_clusters)), {}, {}
    st = previous.state()
    old_by_id = dict(zip(previous.ids, st.labels))
    old = np.array([old_by_id.get(i, refine.UNASSIGNED) for i in ids], dtype=object)
    old_ids = list(st.fields)
    ids, status = refine.match_lineage(old, result.labels, old_ids)
    carried = {pid: dict(st.fields[pid]) for pid in ids if pid in st.fields}
    return tuple(ids), carried, status
