"""A portable persona model: assign new customers to the personas of a refined workspace.

What it is: the workspace's fitted preprocessing (JSON), a reference set of training
customers in feature space with their *final* persona (after the user's merges, splits,
reassignments and discards) and, per persona, how far its members usually lie from their
nearest neighbours. A new customer gets the persona that dominates its nearest reference
customers (distance-weighted vote); one that lies further from them than 99 % of that
persona's own members fits no persona well and is ``unassigned``. A customer identical
to a reference customer gets that customer's persona, so scoring the training data
reproduces the workspace's assignments.

Why kNN in feature space rather than the UMAP + HDBSCAN pipeline: the user's edits
(reassigning a brushed region, splitting a persona) define personas that no clustering
rule reproduces, while a neighbour vote follows them exactly; and it needs nothing but
arrays and JSON, so a model is safe to receive from someone else (no pickle: NPZ loaded
with ``allow_pickle=False``, the scikit-learn index is rebuilt on load) and loads in any
later version of persona-mining.

On disk (a directory): ``manifest.json`` (format and version, personas, preprocessing,
column roles, drift baseline, event-log mapping, outcome columns with their training
figures (optional: older models have none), provenance, SHA-256 of every file) and
``arrays.npz`` (reference features as float32, labels, thresholds). For wide tables
(thousands of product columns) the neighbours are searched in principal components of
the features: the projection (mean and components) is stored with the arrays and the
reference holds the customers' components (``projection`` in the manifest; optional,
models of narrow tables have none). The reference holds
transformed behaviour features of up to ``reference_size`` training customers, never ids
or PII columns; treat a model like the workspace it came from.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import outcomes, refine, safe_read
from .errors import InputError, ModelError
from .features import FeaturePreprocessor
from .i18n import _
from .ingest import ColumnRoles, coerce_types
from .reduce import Projection, feature_weights, fit_projection, needs_reduction
from .roles import CATEGORICAL, DATETIME
from .workspace import Workspace, file_sha256, manifest_digest, package_versions

MODEL_FORMAT = "persona-mining/persona-model"
MODEL_VERSION = 1
EXACT = 1e-6            # feature-space distance below which two customers are the same
CHUNK = 20_000          # rows per nearest-neighbour query (bounded memory)
MIN_REFERENCE = 100     # fewer reference customers cannot describe a persona
N_BINS = 10             # drift baseline: deciles per numeric feature


class PersonaModel:
    """Nearest-neighbour persona assignment learned from a refined workspace.

    Parameters follow scikit-learn: set in ``__init__``; :meth:`fit` learns the
    attributes ending in ``_``.

    Args:
        n_neighbors: reference customers that vote on a new customer's persona.
        reference_size: most training customers kept as reference (stratified by
            persona); all of them when the workspace is smaller.
        fit_quantile: a customer further from its neighbours than this quantile of the
            persona's own members is unassigned (0.99: 1 % of typical members would be).
        seed: for the reference sample and the hold-out check.
    """

    def __init__(self, n_neighbors: int = 10, reference_size: int = 200_000,
                 fit_quantile: float = 0.99, seed: int = 42) -> None:
        self.n_neighbors = n_neighbors
        self.reference_size = reference_size
        self.fit_quantile = fit_quantile
        self.seed = seed

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, ws: Workspace) -> "PersonaModel":
        """Learn from the workspace's current personas (edits applied)."""
        if not 1 <= self.n_neighbors <= 100:
            raise InputError(_("n_neighbors {n}: use a number from 1 to 100", n=self.n_neighbors))
        if self.reference_size < MIN_REFERENCE:
            raise InputError(_("--reference-size {n}: keep at least {low} customers",
                               n=self.reference_size, low=MIN_REFERENCE))
        labels = np.asarray(ws.state().labels, dtype=object).astype(str)
        personas = [p.id for p in ws.personas()]
        if not personas:
            raise InputError(_("the workspace has no personas (all customers unassigned) — "
                               "run discovery again before making a model"))
        self.persona_ids_ = tuple(personas)
        self.persona_names_ = {pid: ws.persona_name(pid) for pid in personas}
        codes = _codes(labels, self.persona_ids_)
        X = np.asarray(ws.X, dtype=np.float32)
        rng = np.random.default_rng(self.seed)
        keep = _stratified(codes, self.reference_size, rng)
        # A wide table (thousands of product columns): neighbours in principal components,
        # as for the embedding (in the raw columns distances say little; see reduce)
        self.projection_ = fit_projection(X, keep, self.seed, weights=feature_weights(ws.prep)) \
            if needs_reduction(X) else None
        if self.projection_ is not None:
            X = self.projection_.transform(X)
        self.prep_ = ws.prep
        self.roles_ = ws.roles.to_dict()
        self.id_col_ = ws.roles.id_col
        self.holdout_agreement_ = _holdout(X[keep], codes[keep], self, rng)
        self._fit_reference(X[keep], codes[keep])
        self.training_shares_ = {pid: float((labels == pid).mean()) for pid in personas}
        self.training_shares_[refine.UNASSIGNED] = float((labels == refine.UNASSIGNED).mean())
        self.baseline_ = drift_baseline(ws.data, self.prep_)
        self.events_ = _event_spec(ws)
        self.outcomes_ = outcomes.model_outcomes(ws)
        self.provenance_ = _provenance(ws, self)
        return self

    def _fit_reference(self, R: np.ndarray, codes: np.ndarray,
                       thresholds: np.ndarray | None = None) -> None:
        from sklearn.neighbors import NearestNeighbors

        self.reference_ = np.ascontiguousarray(R, dtype=np.float32)
        self.reference_codes_ = codes.astype(np.int32)
        k = min(self.n_neighbors, len(R))
        self.index_ = NearestNeighbors(n_neighbors=k).fit(self.reference_)
        self.thresholds_ = self._thresholds() if thresholds is None else thresholds

    def _thresholds(self) -> np.ndarray:
        """Per persona: the fit_quantile of its members' mean distance to their k nearest
        *other* reference customers (leave-one-out, as a new customer would see it)."""
        R, codes = self.reference_, self.reference_codes_
        k = self.index_.n_neighbors
        spread = np.empty(len(R))
        for lo in range(0, len(R), CHUNK):
            d, _idx = self.index_.kneighbors(R[lo:lo + CHUNK], n_neighbors=min(k + 1, len(R)))
            spread[lo:lo + CHUNK] = d[:, 1:].mean(axis=1) if d.shape[1] > 1 else 0.0
        out = np.full(len(self.persona_ids_), np.inf)
        for c in range(len(self.persona_ids_)):
            member = codes == c
            if member.sum() >= 5:          # too few members to say what is "far"
                out[c] = float(np.quantile(spread[member], self.fit_quantile))
        return out

    # -- assigning -------------------------------------------------------------------------
    def assign_matrix(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Persona code per row (-1 unassigned) and confidence (share of the k nearest
        reference customers in that persona; 0 when unassigned)."""
        codes = np.empty(len(X), dtype=np.int32)
        conf = np.empty(len(X))
        projection = getattr(self, "projection_", None)
        for lo in range(0, len(X), CHUNK):
            chunk = np.asarray(X[lo:lo + CHUNK], dtype=np.float32)
            if projection is not None:
                chunk = projection.transform(chunk)
            codes[lo:lo + CHUNK], conf[lo:lo + CHUNK] = self._assign_chunk(chunk)
        return codes, conf

    def _assign_chunk(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d, idx = self.index_.kneighbors(X)
        nb = self.reference_codes_[idx]                      # neighbour personas, -1 = unassigned
        w = 1.0 / np.maximum(d, EXACT)
        n_p = len(self.persona_ids_)
        votes = np.zeros((len(X), n_p + 1))                  # last column: unassigned
        np.add.at(votes, (np.repeat(np.arange(len(X)), nb.shape[1]), np.where(nb < 0, n_p, nb).ravel()),
                  w.ravel())
        win = votes.argmax(axis=1)
        exact = d[:, 0] <= EXACT
        win[exact] = np.where(nb[exact, 0] < 0, n_p, nb[exact, 0])   # a known customer
        codes = np.where(win == n_p, -1, win).astype(np.int32)
        spread = d.mean(axis=1)
        far = (codes >= 0) & ~exact & (spread > self.thresholds_[np.maximum(codes, 0)])
        codes[far] = -1
        share = (nb == codes[:, None]).mean(axis=1)
        return codes, np.where(codes < 0, 0.0, share)

    def prepare(self, frame: pd.DataFrame, source: str = "input") -> pd.DataFrame:
        """The input table typed like the training table; missing feature columns are an
        InputError that names them."""
        need = self.prep_.source_columns_
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise InputError(_("{source}: the persona model needs the column(s) {columns}, which "
                               "this file lacks — score a table with the same columns as the "
                               "training data", source=source,
                               columns=", ".join(repr(c) for c in missing)),
                             source=source, column=missing[0])
        return coerce_types(frame, ColumnRoles.from_dict(self.roles_))

    def assignments(self, codes: np.ndarray, conf: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
        pids = np.array(list(self.persona_ids_) + [refine.UNASSIGNED], dtype=object)[codes]
        names = {**self.persona_names_, refine.UNASSIGNED: "Unassigned"}
        return pd.DataFrame({"customer_id": ids, "persona_id": pids,
                             "persona_name": [names[p] for p in pids],
                             "confidence": np.round(conf, 4)})

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> Path:
        """Write the model directory atomically (manifest.json + arrays.npz)."""
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise InputError(_("{path}: exists and is not a directory — choose another path",
                               path=directory))
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
        try:
            buf = io.BytesIO()
            projection = getattr(self, "projection_", None)
            extra = {} if projection is None else {"projection_mean": projection.mean,
                                                   "projection_components": projection.components}
            np.savez_compressed(buf, reference=self.reference_, codes=self.reference_codes_,
                                thresholds=self.thresholds_, **extra)
            (tmp / "arrays.npz").write_bytes(buf.getvalue())
            manifest = {**self._manifest(), "files": {"arrays.npz": file_sha256(tmp / "arrays.npz")}}
            manifest["manifest_sha256"] = manifest_digest(manifest)
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                               "utf-8")
            if directory.exists():
                shutil.rmtree(directory)
            os.replace(tmp, directory)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return directory

    def _manifest(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "version": MODEL_VERSION,
                "params": {"n_neighbors": self.n_neighbors, "reference_size": self.reference_size,
                           "fit_quantile": self.fit_quantile, "seed": self.seed},
                "personas": [{"id": pid, "name": self.persona_names_[pid],
                              "training_share": self.training_shares_[pid]}
                             for pid in self.persona_ids_],
                "training_unassigned_share": self.training_shares_[refine.UNASSIGNED],
                "holdout_agreement": self.holdout_agreement_,
                "preprocessing": self.prep_.to_dict(), "roles": self.roles_,
                "id_col": self.id_col_, "baseline": self.baseline_, "events": self.events_,
                "outcomes": self.outcomes_,
                "projection": _projection_info(getattr(self, "projection_", None)),
                "provenance": self.provenance_}


def model_for(ws: Workspace) -> PersonaModel:
    """The persona model of the workspace's current personas, built once per edit state
    (kept in the workspace's derived-values cache, like its profiles)."""
    return ws.memo(("model", len(ws.edits)), lambda: PersonaModel(seed=ws.config.seed).fit(ws))


def to_zip_bytes(model: PersonaModel) -> bytes:
    """The model directory as one .zip (a download from the workbench); `load` reads it."""
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        d = model.save(Path(tmp) / "persona-model")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(d.iterdir()):
                z.write(f, f.name)
        return buf.getvalue()


def load(directory: str | os.PathLike) -> PersonaModel:
    """Load a model directory (or its .zip); anything damaged, tampered with or from an
    unknown model version raises ModelError saying what and what to do."""
    directory = Path(directory)
    if directory.is_file() and directory.suffix.lower() == ".zip":
        return _load_zip(directory)
    _check_sizes(directory)
    m = _read_manifest(directory)
    _check_files(directory, m)
    try:
        return _from_manifest(directory, m)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ModelError):
            raise
        made = m.get("provenance", {}).get("packages", {}).get("persona-mining", "unknown")
        raise ModelError(_("{path}: cannot read {problem} in this model (made by persona-mining "
                           "{version}) — make the model again from its workspace with this "
                           "version", path=directory / "manifest.json", problem=repr(exc),
                           version=made)) from None


def _from_manifest(directory: Path, m: Mapping[str, Any]) -> PersonaModel:
    # headers first: an array may declare 80 GB in a file of a few KB
    safe_read.check_npz(directory / "arrays.npz", MAX_ARRAY_BYTES, error=ModelError)
    try:
        with np.load(directory / "arrays.npz", allow_pickle=False) as a:
            R, codes, thresholds = a["reference"], a["codes"], a["thresholds"]
            info = m.get("projection")      # optional: models of narrow tables have none
            projection = None if not info else Projection(
                mean=a["projection_mean"], components=a["projection_components"],
                explained_variance=float(info["explained_variance"]))
    except (ValueError, KeyError, OSError) as exc:
        raise ModelError(_("{path}: not readable ({problem}) — export the model again",
                           path=directory / "arrays.npz", problem=exc)) from None
    model = PersonaModel(**m["params"])
    model.persona_ids_ = tuple(p["id"] for p in m["personas"])
    model.persona_names_ = {p["id"]: p["name"] for p in m["personas"]}
    model.training_shares_ = {p["id"]: p["training_share"] for p in m["personas"]}
    model.training_shares_[refine.UNASSIGNED] = m["training_unassigned_share"]
    model.holdout_agreement_ = m.get("holdout_agreement")
    model.prep_ = FeaturePreprocessor.from_dict(m["preprocessing"])
    model.roles_, model.id_col_ = m["roles"], m.get("id_col")
    model.baseline_, model.events_, model.provenance_ = m["baseline"], m.get("events"), m["provenance"]
    model.outcomes_ = list(m.get("outcomes") or [])       # models made before outcomes: none
    model.projection_ = projection
    _check_arrays(directory, model, R, codes, thresholds)
    model._fit_reference(R, codes, thresholds)     # as trained (recomputing gives the same)
    return model


def _load_zip(path: Path) -> PersonaModel:
    import zipfile

    safe_read.regular_file(path, MAX_ARRAY_BYTES, error=ModelError)
    try:
        with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as tmp:
            names = z.namelist()
            entries = {}
            for name in ("manifest.json", "arrays.npz"):     # these two only; never a path
                # at the top, or in one folder (a zipped model directory)
                found = [n for n in names if n == name or (n.endswith("/" + name) and n.count("/") == 1)]
                if len(found) != 1:
                    raise ModelError(_("{path}: no {name} inside — not a persona model .zip",
                                       path=path, name=name))
                entries[name] = z.getinfo(found[0])
            # declared sizes and compression ratios first; then copied in chunks, never
            # held in memory (a 2 MB zip may claim a 2 GB entry)
            for name, info in entries.items():
                limit = MAX_MANIFEST_BYTES if name == "manifest.json" else MAX_ARRAY_BYTES
                safe_read.check_zip(z, name=path.name, max_entry=limit, max_total=limit,
                                    members=[info.filename], error=ModelError)
                safe_read.extract_member(z, info, Path(tmp) / name)
            return load(tmp)
    except zipfile.BadZipFile:
        raise ModelError(_("{path}: not a readable .zip — download the model again",
                           path=path)) from None


MAX_MANIFEST_BYTES = 256 << 20   # preprocessing and drift baseline of 10,000 columns fit many times
MAX_ARRAY_BYTES = 4 << 30        # the reference: 200,000 customers x 1,000 features as float32 is 0.8 GB


def _check_sizes(directory: Path) -> None:
    """Before anything of a model is read: regular files (not a link to /dev/zero) of
    bounded size. (The array headers are checked after the checksums, before loading.)"""
    for name, limit in (("manifest.json", MAX_MANIFEST_BYTES), ("arrays.npz", MAX_ARRAY_BYTES)):
        if (directory / name).exists():
            safe_read.regular_file(directory / name, limit, error=ModelError,
                                   todo=_("make the model again from its workspace"))


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.exists():
        raise ModelError(_("{path}: no manifest.json — not a persona model; give the directory "
                           "(or .zip) written by `python -m persona_mining model`", path=directory))
    try:
        m = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(_("{path}: not valid JSON ({problem}) — the model is damaged; export it "
                           "again", path=path, problem=exc)) from None
    if isinstance(m, dict) and m.get("kind") == "persona-mining workspace":
        raise ModelError(_("{path}: this is a workspace, not a persona model — make one with "
                           "`python -m persona_mining model {path} --out MODEL_DIR`", path=directory))
    if not isinstance(m, dict) or m.get("format") != MODEL_FORMAT:
        raise ModelError(_("{path}: not a persona model — give the directory (or .zip) written by "
                           "`python -m persona_mining model`", path=path))
    version = m.get("version")
    if version != MODEL_VERSION:
        made = m.get("provenance", {}).get("packages", {}).get("persona-mining", "unknown")
        newer = isinstance(version, int) and version > MODEL_VERSION
        if newer:
            raise ModelError(_("{path}: persona model format version {version} (made by "
                               "persona-mining {made}); this persona-mining reads version {known} "
                               "— upgrade persona-mining to use it", path=path,
                               version=repr(version), made=made, known=MODEL_VERSION))
        raise ModelError(_("{path}: persona model format version {version} (made by persona-mining "
                           "{made}); this persona-mining reads version {known} — make the model "
                           "again from its workspace with this version", path=path,
                           version=repr(version), made=made, known=MODEL_VERSION))
    return m


def _check_files(directory: Path, m: Mapping[str, Any]) -> None:
    if m.get("manifest_sha256") != manifest_digest(m):
        raise ModelError(_("{path} does not match its checksum — the model was changed after "
                           "export; export it again from the workspace",
                           path=directory / "manifest.json"))
    files = m.get("files") or {}
    if "arrays.npz" not in files:
        raise ModelError(_("{path}: lists no arrays.npz checksum — the model is incomplete",
                           path=directory / "manifest.json"))
    for name, digest in files.items():
        if not (directory / name).exists():
            raise ModelError(_("{path} is missing — the model is incomplete; copy the whole "
                               "directory", path=directory / name))
        if file_sha256(directory / name) != digest:
            raise ModelError(_("{path} does not match its checksum in manifest.json — the model "
                               "was changed after export; export it again from the workspace",
                               path=directory / name))


def _check_arrays(directory: Path, model: PersonaModel, R: np.ndarray, codes: np.ndarray,
                  thresholds: np.ndarray) -> None:
    n_feat, n_p = len(model.prep_.features_), len(model.persona_ids_)
    p = model.projection_
    if p is not None:       # the reference lives in the projection's components
        if not (p.mean.shape == (n_feat,) and p.components.ndim == 2
                and p.components.shape[1] == n_feat):
            raise ModelError(f"{directory}: the projection in arrays.npz does not fit the "
                             f"{n_feat} features of manifest.json — the model is damaged; "
                             "export it again")
        n_feat = p.components.shape[0]
    ok = (R.ndim == 2 and R.shape[1] == n_feat and codes.shape == (len(R),) and len(R) > 0
          and thresholds.shape == (n_p,) and codes.min() >= -1 and codes.max() < n_p)
    if not ok:
        raise ModelError(_("{path}: arrays.npz does not fit manifest.json ({shape} reference, "
                           "{features} features, {personas} personas) — the model is damaged; "
                           "export it again", path=directory, shape=R.shape, features=n_feat,
                           personas=n_p))


# -- helpers ------------------------------------------------------------------------------------
def _projection_info(projection: Projection | None) -> dict[str, Any] | None:
    if projection is None:
        return None
    return {"components": int(projection.components.shape[0]),
            "explained_variance": round(float(projection.explained_variance), 6)}


def _codes(labels: np.ndarray, persona_ids: tuple[str, ...]) -> np.ndarray:
    lookup = {pid: i for i, pid in enumerate(persona_ids)}
    return np.array([lookup.get(l, -1) for l in labels], dtype=np.int32)


def _stratified(codes: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices: all rows, or ``size`` rows with every persona at its share (at least
    min(its size, 200) so that small personas keep a usable neighbourhood)."""
    n = len(codes)
    if n <= size:
        return np.arange(n)
    out = []
    for c in np.unique(codes):
        rows = np.flatnonzero(codes == c)
        take = min(len(rows), max(200, int(round(size * len(rows) / n))))
        out.append(rng.choice(rows, take, replace=False))
    return np.sort(np.concatenate(out))


def _holdout(R: np.ndarray, codes: np.ndarray, params: PersonaModel,
             rng: np.random.Generator) -> float | None:
    """Agreement with the workspace on 20 % of the reference customers held out of a
    model trained on the other 80 %: how well the model generalises to new customers
    (scoring the training customers themselves agrees by construction)."""
    if len(R) < 100:
        return None
    test = rng.random(len(R)) < 0.2
    probe = PersonaModel(params.n_neighbors, params.reference_size, params.fit_quantile, params.seed)
    probe.persona_ids_ = params.persona_ids_
    probe._fit_reference(R[~test], codes[~test])
    got, _conf = probe.assign_matrix(R[test])
    return round(float((got == codes[test]).mean()), 4)


def _event_spec(ws: Workspace) -> dict[str, Any] | None:
    """Event-log mapping and the fixed touchpoint/channel levels of the mix features."""
    if "event_mapping" not in ws.extras:
        return None
    levels: dict[str, list[str]] = {"event_share": [], "channel_share": [], "role_share": []}
    for col in ws.prep.source_columns_:
        prefix, _sep, level = col.partition(": ")
        if prefix in levels and level != "other":
            levels[prefix].append(level)
    return {"mapping": ws.extras["event_mapping"], "config": ws.extras.get("event_config", {}),
            "levels": levels, "span_days": _span_days(ws.data)}


def _span_days(data: pd.DataFrame) -> float | None:
    """Length of the training log: for the customer with the earliest first event,
    recency + tenure = end of log - first event of the log."""
    if not {"recency_days", "tenure_days"} <= set(data.columns):
        return None
    total = (pd.to_numeric(data["recency_days"], errors="coerce")
             + pd.to_numeric(data["tenure_days"], errors="coerce")).max()
    return None if pd.isna(total) else float(total)


def _provenance(ws: Workspace, model: PersonaModel) -> dict[str, Any]:
    return {"created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "packages": package_versions(), "workspace": ws.provenance,
            "workspace_config": ws.config.to_dict(), "edits": len(ws.edits),
            "dataset": {"file": ws.source.source, "sha256": ws.source.sha256,
                        "rows": ws.n}, "reference_rows": int(len(model.reference_))
            if hasattr(model, "reference_") else None}


# -- drift baseline ------------------------------------------------------------------------------
def drift_baseline(data: pd.DataFrame, prep: FeaturePreprocessor) -> dict[str, Any]:
    """Per feature column: bins (deciles, or levels) and the training shares in them."""
    out: dict[str, Any] = {}
    kinds = {c: (CATEGORICAL if c in prep.categorical else DATETIME if c in prep.datetime else "num")
             for c in prep.source_columns_}
    for col, kind in kinds.items():
        if kind == CATEGORICAL:
            s = data[col].astype(object)
            shares = s.where(s.notna(), "(missing)").astype(str).value_counts(normalize=True)
            top = shares.head(30)
            out[col] = {"kind": "categorical", "levels": [str(l) for l in top.index],
                        "shares": [float(v) for v in top.to_numpy()] + [float(1 - top.sum())]}
        else:
            x = _numeric_values(data[col], kind, prep)
            finite = x[np.isfinite(x)]
            edges = np.unique(np.quantile(finite, np.linspace(0, 1, N_BINS + 1)[1:-1])) \
                if len(finite) else np.array([])
            out[col] = {"kind": "datetime" if kind == DATETIME else "numeric",
                        "edges": [float(e) for e in edges],
                        "shares": [float(v) for v in _numeric_shares(x, edges)]}
    return out


def _numeric_values(s: pd.Series, kind: str, prep: FeaturePreprocessor) -> np.ndarray:
    if kind == DATETIME:
        ref = next((st.reference for st in prep.steps_ if st.column == s.name), None)
        if ref is None:
            return np.full(len(s), np.nan)
        ts = pd.to_datetime(s, errors="coerce")
        return ((pd.Timestamp(ref) - ts).dt.total_seconds() / 86400.0).to_numpy(
            dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _numeric_shares(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Shares per bin (len(edges)+1 bins) plus a last bin for missing values."""
    ok = np.isfinite(x)
    counts = np.bincount(np.searchsorted(edges, x[ok], side="right"), minlength=len(edges) + 1)
    counts = np.append(counts, (~ok).sum()).astype(float)
    return counts / max(len(x), 1)


def feature_shares(data: pd.DataFrame, baseline: Mapping[str, Any],
                   prep: FeaturePreprocessor) -> dict[str, np.ndarray]:
    """Shares of a (typed) table in the baseline's bins, column by column."""
    out = {}
    for col, b in baseline.items():
        if col not in data.columns:
            continue
        if b["kind"] == "categorical":
            s = data[col].astype(object)
            s = s.where(s.notna(), "(missing)").astype(str)
            shares = s.value_counts(normalize=True)
            known = [float(shares.get(l, 0.0)) for l in b["levels"]]
            out[col] = np.array(known + [max(0.0, 1.0 - sum(known))])
        else:
            kind = DATETIME if b["kind"] == "datetime" else "num"
            out[col] = _numeric_shares(_numeric_values(data[col], kind, prep), np.array(b["edges"]))
    return out


def psi(expected: np.ndarray, actual: np.ndarray, eps: float = 1e-4) -> float:
    """Population stability index: sum (a - e) ln(a / e); > 0.2 is usually called drift."""
    e = np.clip(np.asarray(expected, float), eps, None)
    a = np.clip(np.asarray(actual, float), eps, None)
    return float(np.sum((a - e) * np.log(a / e)))


def describe(model: PersonaModel) -> dict[str, Any]:
    """A short summary for the CLI and the Track page."""
    return {"personas": len(model.persona_ids_), "reference_rows": int(len(model.reference_)),
            "features": len(model.prep_.features_), "holdout_agreement": model.holdout_agreement_,
            "event_log": model.events_ is not None,
            "made_from": model.provenance_.get("dataset", {}).get("file")}


__all__ = ["PersonaModel", "load", "psi", "drift_baseline", "feature_shares", "describe",
           "MODEL_FORMAT", "MODEL_VERSION"]
