"""The one serialisable object behind a persona project, saved as a directory.

A workspace holds the data reference, config, fitted preprocessing, embedding,
clustering, stability reruns and the user's edit log. Personas are derived from it
(`state()`, `personas()`), never stored twice. On disk:

    manifest.json   schema version, provenance, config, roles, reports, edit log, checksums
    data.parquet    the customer table as used (PII and free-text columns are never stored)
    arrays.npz      embedding, map, labels, confidence, reruns (loaded with allow_pickle=False)

Writes are atomic (temporary file or directory, then rename), so a crash never
leaves a half-written project.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Hashable, Mapping, TypeVar

import numpy as np
import pandas as pd

from . import refine
from .config import DiscoverConfig
from .errors import ModelError
from .features import FeaturePreprocessor
from .ingest import ColumnRoles, IngestReport, QualityReport
from .validity import Resamples

SCHEMA_VERSION = 1
PACKAGES = ("numpy", "pandas", "scikit-learn", "umap-learn", "hdbscan", "scipy",
            "pyarrow")
T = TypeVar("T")


@dataclass(frozen=True)
class Workspace:
    config: DiscoverConfig
    source: IngestReport              # how the input was read (file name, hash, format)
    roles: ColumnRoles                # the role of every input column
    quality: QualityReport            # data quality of the input as read
    data: pd.DataFrame                # coerced table, PII/text columns removed
    ids: np.ndarray                   # customer id per row (str), or 1-based row numbers
    prep: FeaturePreprocessor
    Z: np.ndarray                     # n-d embedding for clustering
    map2d: np.ndarray                 # 2-D map
    base_labels: np.ndarray           # cluster per customer (-1 unassigned)
    base_ids: tuple[str, ...]         # persona id per cluster
    confidence: np.ndarray
    resamples: Resamples | None
    metrics: dict[str, Any]
    suggestions: pd.DataFrame         # k, silhouette, bic
    carried: dict[str, dict[str, Any]] = field(default_factory=dict)   # fields carried over on re-discovery
    lineage: dict[str, str] = field(default_factory=dict)              # pid -> kept/changed/new/gone
    edits: tuple[dict[str, Any], ...] = ()
    redo_stack: tuple[dict[str, Any], ...] = ()
    provenance: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)   # e.g. event-log mapping and journeys
    # tables kept with the workspace, e.g. per-customer journey counts (one Parquet file each)
    extras_frames: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # -- derived views ----------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.base_labels)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value derived from this workspace, computed once and kept with it (not saved).

        Values that depend on the personas must have the edit count in ``key`` (e.g.
        ``("profiles", len(ws.edits))``): an edit, undo or redo gives a new workspace
        that keeps only what does not depend on the edits.
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def X(self) -> np.ndarray:
        """Model matrix, recomputed from data (deterministic) and cached."""
        return self.memo("X", lambda: self.prep.transform(self.data))

    def state(self) -> refine.PersonaState:
        return self.memo(("state", len(self.edits)), lambda: refine.apply_edits(
            refine.base_state(self.base_labels, self.base_ids, self.carried), self.edits))

    def personas(self) -> list:
        """Profiles of the current personas (after edits), largest first; cached per edit."""
        from .profile import profile_personas

        return self.memo(("profiles", len(self.edits)), lambda: profile_personas(
            self.data, self.roles, self.state().labels, self.Z, self.X, self.prep,
            self.confidence, self.resamples, seed=self.config.seed))

    def persona_name(self, pid: str) -> str:
        st = self.state()
        name = st.fields.get(pid, {}).get("name")
        if name:
            return name
        for p in self.personas():
            if p.id == pid:
                return p.suggested_name
        return "Unassigned" if pid == refine.UNASSIGNED else pid

    # -- edits (each returns a new workspace) ---------------------------------------------
    def with_edit(self, edit: Mapping[str, Any]) -> "Workspace":
        new = dataclasses.replace(self, edits=self.edits + (dict(edit),), redo_stack=(),
                                  _cache=self._shared_cache())
        new.state()   # validate now: a bad edit fails here, not on the next render
        return new

    def undo(self) -> "Workspace":
        if not self.edits:
            return self
        return dataclasses.replace(self, edits=self.edits[:-1],
                                   redo_stack=self.redo_stack + (self.edits[-1],),
                                   _cache=self._shared_cache())

    def redo(self) -> "Workspace":
        if not self.redo_stack:
            return self
        return dataclasses.replace(self, edits=self.edits + (self.redo_stack[-1],),
                                   redo_stack=self.redo_stack[:-1], _cache=self._shared_cache())

    def _shared_cache(self) -> dict:
        # X does not depend on edits; state/profiles are keyed by edit count, which
        # differs between an undo and a later edit, so only X is safe to share.
        return {"X": self._cache["X"]} if "X" in self._cache else {}


# -- provenance ---------------------------------------------------------------------------
def package_versions() -> dict[str, str]:
    from . import __version__

    out = {"python": platform.python_version(), "persona-mining": __version__}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return out


def make_provenance(config: DiscoverConfig, source: Mapping[str, Any]) -> dict[str, Any]:
    return {"created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "seed": config.seed, "method": config.method, "input_sha256": source.get("sha256"),
            "input_shape": [source.get("n_rows"), source.get("n_columns")],
            "packages": package_versions()}


# -- save / load -----------------------------------------------------------------------------
def save(ws: Workspace, directory: str | os.PathLike, *, edits_only: bool = False) -> Path:
    """Write the workspace as a directory, atomically.

    ``edits_only`` rewrites just the manifest (the edit log lives there): that is the
    autosave after every edit, cheap even for a million customers.
    """
    directory = Path(directory)
    if edits_only and (directory / "arrays.npz").exists():
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
        manifest.update(_edit_part(ws))
        _atomic_write(directory / "manifest.json", _dumps(manifest).encode("utf-8"))
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
    try:
        arrays = _arrays(ws)
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        (tmp / "arrays.npz").write_bytes(buf.getvalue())
        ws.data.to_parquet(tmp / "data.parquet", index=False)
        ws.suggestions.to_csv(tmp / "suggestions.csv", index=False)
        names = ["arrays.npz", "data.parquet", "suggestions.csv"]
        for key, frame in ws.extras_frames.items():
            frame.to_parquet(tmp / f"frame-{key}.parquet", index=False)
            names.append(f"frame-{key}.parquet")
        manifest = _manifest(ws, {name: file_sha256(tmp / name) for name in names})
        (tmp / "manifest.json").write_text(_dumps(manifest), "utf-8")
        _swap_in(tmp, directory)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return directory


def load(directory: str | os.PathLike) -> Workspace:
    """Load a saved workspace; a damaged or incompatible one raises ModelError."""
    directory = Path(directory)
    mpath = directory / "manifest.json"
    if not mpath.exists():
        raise ModelError(f"{directory}: no manifest.json — this is not a saved persona workspace")
    try:
        m = json.loads(mpath.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{mpath}: not valid JSON ({exc}) — the workspace is damaged") from None
    if m.get("format") == "persona-mining/persona-model":
        raise ModelError(f"{directory}: this is a persona model, not a workspace — give the "
                         "workspace directory (DIR/workspace as written by `discover --out DIR`)")
    if m.get("schema_version") != SCHEMA_VERSION:
        raise ModelError(f"{mpath}: workspace schema version {m.get('schema_version')!r}, this "
                         f"version of persona-mining reads version {SCHEMA_VERSION}")
    for name, digest in m.get("files", {}).items():
        if not (directory / name).exists():
            raise ModelError(f"{directory / name} is missing — the workspace is incomplete")
        if file_sha256(directory / name) != digest:
            raise ModelError(f"{directory / name} does not match its checksum — the workspace "
                             "was changed outside persona-mining; re-run discovery")
    with np.load(directory / "arrays.npz", allow_pickle=False) as a:
        arr = {k: a[k] for k in a.files}
    data = _restore_dtypes(pd.read_parquet(directory / "data.parquet"))
    suggestions = pd.read_csv(directory / "suggestions.csv")
    frames = {name[len("frame-"):-len(".parquet")]: _restore_dtypes(pd.read_parquet(directory / name))
              for name in m.get("files", {}) if name.startswith("frame-")}
    resamples = Resamples(arr["resample_index"], arr["resample_labels"]) \
        if arr["resample_index"].size else None
    return Workspace(
        config=DiscoverConfig.from_dict(m["config"]), source=IngestReport.from_dict(m["source"]),
        roles=ColumnRoles.from_dict(m["roles"]), quality=QualityReport.from_dict(m["quality"]),
        data=data, ids=arr["ids"].astype(str).astype(object),
        prep=FeaturePreprocessor.from_dict(m["preprocessing"]), Z=arr["Z"], map2d=arr["map2d"],
        base_labels=arr["base_labels"], base_ids=tuple(m["base_ids"]),
        confidence=arr["confidence"], resamples=resamples, metrics=m["metrics"],
        suggestions=suggestions, carried=m.get("carried", {}), lineage=m.get("lineage", {}),
        edits=tuple(m.get("edits", ())), redo_stack=tuple(m.get("redo", ())),
        provenance=m["provenance"], extras=m.get("extras", {}), extras_frames=frames)


def _restore_dtypes(data: pd.DataFrame) -> pd.DataFrame:
    """Parquet gives text back as pandas' string dtype; the pipeline keeps categories as
    plain objects (see ingest.coerce_types), so restore that for an exact round trip."""
    for col in data.columns:
        if pd.api.types.is_string_dtype(data[col]) and data[col].dtype != object:
            data[col] = data[col].astype(object).where(data[col].notna(), np.nan)
    return data


def _arrays(ws: Workspace) -> dict[str, np.ndarray]:
    r = ws.resamples
    return {"Z": ws.Z, "map2d": ws.map2d, "base_labels": ws.base_labels,
            "confidence": ws.confidence, "ids": np.asarray(ws.ids, dtype=str),
            "resample_index": r.index if r is not None else np.zeros((0, 0), np.int64),
            "resample_labels": r.labels if r is not None else np.zeros((0, 0), np.int64)}


def _manifest(ws: Workspace, files: dict[str, str]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": "persona-mining workspace",
            "provenance": ws.provenance, "config": ws.config.to_dict(),
            "source": ws.source.to_dict(), "roles": ws.roles.to_dict(),
            "quality": ws.quality.to_dict(), "preprocessing": ws.prep.to_dict(),
            "base_ids": list(ws.base_ids), "metrics": ws.metrics, "files": files,
            **_edit_part(ws)}


def _edit_part(ws: Workspace) -> dict[str, Any]:
    # extras (journeys, tracking results) are small JSON: saved with every autosave
    return {"edits": list(ws.edits), "redo": list(ws.redo_stack), "carried": ws.carried,
            "lineage": ws.lineage, "extras": ws.extras}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=_json_default)


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (pd.Timestamp, _dt.datetime, _dt.date)):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (works for multi-GB logs)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _atomic_write(path: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _swap_in(tmp: Path, directory: Path) -> None:
    """Replace ``directory`` by ``tmp`` with at most a moment where neither is complete."""
    old = None
    if directory.exists():
        old = directory.with_name(f".old-{directory.name}-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(directory, old)
    os.replace(tmp, directory)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
