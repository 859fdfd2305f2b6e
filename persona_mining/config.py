"""Settings for persona discovery, validated once, with the allowed range in every error."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import InputError
from .i18n import _
from .roles import ALL_ROLES

METHODS = ("hdbscan", "kmeans", "gmm", "ward")
EMBEDDINGS = ("umap", "pca")


@dataclass(frozen=True)
class DiscoverConfig:
    """Everything that decides which personas come out; saved with every artefact.

    Attributes:
        id_col: column holding the customer id (None: inferred, else row numbers).
        exclude: columns the user keeps out of the features (role ``ignore``).
        labels: columns kept out of the features but reported per persona.
        outcomes: outcome columns (churn, response, value ...): kept out of the features,
            reported per persona as a rate or mean with a confidence interval.
        roles: explicit role overrides, column -> role.
        weights: per-feature weights (column -> weight, 1 = neutral, 0 = off).
        method: clustering method: hdbscan (default), kmeans, gmm or ward.
        k: number of personas (None: the engine decides). For kmeans/gmm/ward the number
            of clusters; for hdbscan the cut of the merge sequence of its candidate groups.
        min_size: smallest candidate group as a share of customers (hdbscan's min cluster
            size); candidates that are not distinct are merged, so personas are larger.
        max_unassigned: largest share left unassigned; the rest of the noise is
            assigned to the nearest persona with a lower confidence (1.0 = keep all noise).
        seed: random seed; the same seed and data give the same personas.
        embedding: umap (default) or pca.
        n_components: dimensions of the embedding used for clustering.
        n_neighbors: UMAP neighbourhood size (local vs global structure).
        fit_sample: at most this many customers fit the embedding; the rest are transformed.
        bootstrap: resamples for per-persona stability (0 = skip).
        rare_level_share: categorical levels rarer than this share are grouped as "other".
    """

    id_col: str | None = None
    exclude: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    method: str = "hdbscan"
    k: int | None = None
    min_size: float = 0.01
    max_unassigned: float = 0.10
    seed: int = 42
    embedding: str = "umap"
    n_components: int = 8
    n_neighbors: int = 30
    fit_sample: int = 10_000
    bootstrap: int = 10
    rare_level_share: float = 0.01

    def __post_init__(self) -> None:
        # the allowed ranges are callables: translated only when a check fails
        _check(self.method in METHODS, "method", self.method,
               lambda: _("one of {values}", values=", ".join(METHODS)))
        _check(self.embedding in EMBEDDINGS, "embedding", self.embedding, lambda: _("umap or pca"))
        _check(self.k is None or 2 <= self.k <= 50, "k", self.k,
               lambda: _("a whole number from {low} to {high}", low=2, high=50))
        _check(0.001 <= self.min_size <= 0.5, "min_size", self.min_size,
               lambda: _("a share from {low} to {high}", low=0.001, high=0.5))
        _check(0.0 <= self.max_unassigned <= 1.0, "max_unassigned", self.max_unassigned,
               lambda: _("a share from {low} to {high}", low=0, high=1))
        _check(0 <= self.seed < 2**32, "seed", self.seed,
               lambda: _("a whole number from {low} to {high}", low=0, high=2**32 - 1))
        _check(2 <= self.n_components <= 50, "n_components", self.n_components,
               lambda: _("{low} to {high}", low=2, high=50))
        _check(2 <= self.n_neighbors <= 200, "n_neighbors", self.n_neighbors,
               lambda: _("{low} to {high}", low=2, high=200))
        _check(self.fit_sample >= 1000, "fit_sample", self.fit_sample,
               lambda: _("at least {low}", low=1000))
        _check(0 <= self.bootstrap <= 100, "bootstrap", self.bootstrap,
               lambda: _("{low} to {high}", low=0, high=100))
        _check(0.0 <= self.rare_level_share < 0.5, "rare_level_share", self.rare_level_share,
               lambda: _("a share from {low} to {high}", low=0, high=0.5))
        for col, role in self.roles:
            _check(role in ALL_ROLES, lambda col=col: _("role of column '{column}'", column=col),
                   role, lambda: ", ".join(ALL_ROLES))
        for col, w in self.weights:
            _check(0.0 <= w <= 10.0, lambda col=col: _("weight of column '{column}'", column=col),
                   w, lambda: _("{low} to {high}", low=0, high=10))

    @property
    def role_overrides(self) -> dict[str, str]:
        return dict(self.roles)

    @property
    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)

    def replace(self, **changes: Any) -> "DiscoverConfig":
        return dataclasses.replace(self, **_normalise(changes))

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["exclude"] = list(self.exclude)
        d["labels"] = list(self.labels)
        d["outcomes"] = list(self.outcomes)
        d["roles"] = dict(self.roles)
        d["weights"] = dict(self.weights)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "DiscoverConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise InputError(_("unknown setting(s): {settings}", settings=", ".join(sorted(unknown))))
        return cls(**_normalise(dict(d)))


def _normalise(d: dict[str, Any]) -> dict[str, Any]:
    """Accept lists/dicts from JSON or widgets and store hashable tuples."""
    out = dict(d)
    for key in ("exclude", "labels", "outcomes"):
        if key in out and out[key] is not None:
            out[key] = tuple(out[key])
    for key in ("roles", "weights"):
        if key in out and isinstance(out[key], Mapping):
            out[key] = tuple(sorted(out[key].items()))
        elif key in out and out[key] is not None:
            out[key] = tuple(tuple(x) for x in out[key])
    return out


def _check(ok: bool, name: str | Callable[[], str], value: Any, allowed: Callable[[], str]) -> None:
    if not ok:
        raise InputError(_("setting {name}={value} is out of range: use {allowed}",
                           name=name() if callable(name) else name, value=repr(value),
                           allowed=allowed()))
