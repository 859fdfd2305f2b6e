"""The one serialisable object behind a persona project, saved as a directory.

A workspace holds the data reference, config, fitted preprocessing, embedding,
clustering, stability reruns and the user's edit log. Personas are derived from it
(`state()`, `personas()`), never stored twice. On disk:

    manifest.json   schema version, provenance, config, roles, reports, edit log, checksums
    data.parquet    the customer table as used (PII and free-text columns are never stored)
    arrays.npz      embedding, map, labels, confidence, reruns (loaded with allow_pickle=False)

Writes are atomic (temporary file or directory, then rename; see ``atomic``), so a
crash never leaves a half-written project. Loading checks the manifest against its
JSON schema and its own SHA-256, every file against its checksum, the arrays' shapes
and that the edit log replays: a damaged workspace raises ModelError saying why, it
never fails later in the middle of a page.
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
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Hashable, Mapping, TypeVar

import numpy as np
import pandas as pd

from . import atomic, refine, safe_read
from .config import DiscoverConfig
from .errors import InputError, ModelError
from .i18n import _
from .features import FeaturePreprocessor
from .ingest import ColumnRoles, IngestReport, QualityReport
from .i18n import _, fmt_number
from .validity import Resamples

SCHEMA_VERSION = 1
MANIFEST_SCHEMA = Path(__file__).with_name("workspace-manifest.schema.json")
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

        from .i18n import current_language

        st = self.state()
        given = {pid: f["name"] for pid, f in st.fields.items() if f.get("name")}
        # names and sentences are made in the language of the moment: cached per language
        return self.memo(("profiles", len(self.edits), current_language()), lambda: profile_personas(
            self.data, self.roles, st.labels, self.Z, self.X, self.prep,
            self.confidence, self.resamples, seed=self.config.seed, taken_names=given))

    def persona_name(self, pid: str) -> str:
        st = self.state()
        name = st.fields.get(pid, {}).get("name")
        if name:
            return name
        for p in self.personas():
            if p.id == pid:
                return p.suggested_name
        if pid == refine.UNASSIGNED:
            return _("Unassigned")
        return pid

    # -- edits (each returns a new workspace) ---------------------------------------------
    def with_edit(self, edit: Mapping[str, Any]) -> "Workspace":
        self._check_unique_name(edit)
        new = dataclasses.replace(self, edits=self.edits + (dict(edit),), redo_stack=(),
                                  _cache=self._shared_cache())
        new.state()   # validate now: a bad edit fails here, not on the next render
        return new

    def _check_unique_name(self, edit: Mapping[str, Any]) -> None:
        """Two personas never share a name: a rename to another persona's name is refused."""
        if edit.get("op") != "set" or edit.get("field") != "name" or not edit.get("value"):
            return
        wanted = str(edit["value"]).strip().casefold()
        for p in self.personas():
            if p.id != edit.get("persona") and self.persona_name(p.id).strip().casefold() == wanted:
                raise InputError(_("Another persona is already called “{name}”: choose a "
                                   "different name.", name=str(edit["value"]).strip()))

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

    def with_new_personas(self, **changes: Any) -> "Workspace":
        """Other personas on the same customers, features and map (e.g. another number of
        personas): ``changes`` replace fields; derived values that do not depend on the
        personas are kept, the rest is recomputed on demand."""
        return dataclasses.replace(self, **changes, _cache=self._shared_cache())

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
def save(ws: Workspace, directory: str | os.PathLike, *, edits_only: bool = False,
         revision: int = 1) -> Path:
    """Write the workspace as a directory, atomically; ``revision`` is recorded in the manifest.

    ``edits_only`` rewrites just the manifest (the edit log lives there): that is the
    autosave after every edit, cheap even for a million customers. It falls back to a
    full save when the directory holds another discovery than ``ws`` (e.g. a full save
    that failed earlier), so the edit log never lands next to foreign arrays.
    """
    directory = Path(directory)
    with atomic.locked(directory.parent):
        if edits_only and _same_discovery(ws, directory):
            manifest = read_manifest(directory)
            manifest.update(_edit_part(ws), revision=revision)
            atomic.write_bytes(directory / "manifest.json", _manifest_bytes(manifest))
            return directory
        tmp = atomic.temp_dir(directory)
        try:
            write_files(ws, tmp, revision)
            atomic.swap_in(tmp, directory)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return directory


def write_files(ws: Workspace, tmp: Path, revision: int = 1) -> None:
    """Every file of the workspace into the empty directory ``tmp``, the manifest (with
    checksums) last. Not atomic by itself: for directories swapped in afterwards."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **_arrays(ws))
    (tmp / "arrays.npz").write_bytes(buf.getvalue())
    ws.data.to_parquet(tmp / "data.parquet", index=False)
    ws.suggestions.to_csv(tmp / "suggestions.csv", index=False)
    names = ["arrays.npz", "data.parquet", "suggestions.csv"]
    for key, frame in ws.extras_frames.items():
        frame.to_parquet(tmp / f"frame-{key}.parquet", index=False)
        names.append(f"frame-{key}.parquet")
    manifest = _manifest(ws, {name: file_sha256(tmp / name) for name in names})
    manifest["revision"] = revision
    (tmp / "manifest.json").write_bytes(_manifest_bytes(manifest))


def _same_discovery(ws: Workspace, directory: Path) -> bool:
    try:
        m = read_manifest(directory)
    except ModelError:
        return False
    return (m["provenance"] == json.loads(_dumps(ws.provenance))
            and m["base_ids"] == list(ws.base_ids) and (directory / "arrays.npz").exists())


def read_manifest(directory: str | os.PathLike) -> dict[str, Any]:
    """The manifest of a saved workspace, checked (JSON, schema, checksum): ModelError if not.

    Cheap (no array is read), so lists of projects can tell damaged ones apart.
    """
    directory = Path(directory)
    mpath = directory / "manifest.json"
    if not mpath.is_file():
        raise ModelError(_("{path}: no manifest.json — this is not a saved persona workspace",
                           path=directory))
    try:
        # bounded: a 10 GB manifest would hold the project list of every visitor
        m = json.loads(safe_read.read_bytes(mpath, MAX_MANIFEST_BYTES, error=ModelError).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(_("{path}: not valid JSON ({problem}) — the workspace is damaged",
                           path=mpath, problem=_short(str(exc)))) from None
    except OSError as exc:
        raise ModelError(_("{path}: cannot be read ({problem})", path=mpath,
                           problem=exc.strerror or exc)) from None
    validate_manifest(m, mpath)
    return m


def validate_manifest(m: Any, where: str | os.PathLike = "manifest.json") -> None:
    """Raise ModelError unless ``m`` is a manifest this version reads and nobody changed."""
    if isinstance(m, dict) and m.get("format") == "persona-mining/persona-model":
        raise ModelError(_("{path}: this is a persona model, not a workspace — give the workspace "
                           "directory (DIR/workspace as written by `discover --out DIR`)",
                           path=Path(where).parent))
    if isinstance(m, dict) and "schema_version" in m and m["schema_version"] != SCHEMA_VERSION:
        raise ModelError(_("{path}: workspace schema version {version}, this version of "
                           "persona-mining reads version {known}", path=where,
                           version=repr(m.get("schema_version")), known=SCHEMA_VERSION))
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(_manifest_schema()).iter_errors(m))
    if errors:
        e = min(errors, key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
        at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        raise ModelError(_("{path}: damaged at {at}: {problem} — open another project or "
                           "restore this one from a backup", path=where, at="$" + at,
                           problem=_short(e.message)))
    if "manifest_sha256" in m and m["manifest_sha256"] != manifest_digest(m):
        raise ModelError(_("{path} does not match its checksum — it was changed outside "
                           "persona-mining; restore it from a backup or re-run discovery",
                           path=where))


def manifest_digest(m: Mapping[str, Any]) -> str:
    """SHA-256 of a manifest's content (without this digest), key order independent."""
    body = {k: v for k, v in m.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def is_complete(directory: Path) -> bool:
    """A directory that holds a whole saved workspace (manifest valid, every file there)."""
    try:
        m = read_manifest(directory)
    except ModelError:
        return False
    return all((directory / name).is_file() for name in m["files"])


def load(directory: str | os.PathLike) -> Workspace:
    """Load a saved workspace; a damaged or incompatible one raises ModelError."""
    directory = Path(directory)
    check_sizes(directory)
    m = read_manifest(directory)
    for name, digest in m["files"].items():
        if not (directory / name).is_file():
            raise ModelError(_("{path} is missing — the workspace is incomplete",
                               path=directory / name))
        if file_sha256(directory / name) != digest:
            raise ModelError(_("{path} does not match its checksum — the workspace was changed "
                               "outside persona-mining; re-run discovery", path=directory / name))
    check_headers(directory, m["files"])
    try:
        ws = _build(directory, m)
        _check_arrays(ws)
        ws.state()            # the edit log replays: personas exist, rows are in range
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError) as exc:
        raise ModelError(_("{path}: the saved workspace is damaged ({problem}) — open another "
                           "project or re-run discovery", path=directory,
                           problem=_short(str(exc) or type(exc).__name__))) from None
    return ws


def _build(directory: Path, m: dict[str, Any]) -> Workspace:
    with np.load(directory / "arrays.npz", allow_pickle=False) as a:
        arr = {k: a[k] for k in a.files}
    data = _restore_dtypes(pd.read_parquet(directory / "data.parquet"))
    suggestions = pd.read_csv(directory / "suggestions.csv")
    frames = {name[len("frame-"):-len(".parquet")]: _restore_dtypes(pd.read_parquet(directory / name))
              for name in m["files"] if name.startswith("frame-") and name.endswith(".parquet")}
    resamples = Resamples(arr["resample_index"], arr["resample_labels"]) \
        if arr["resample_index"].size else None
    return Workspace(
        config=DiscoverConfig.from_dict(m["config"]), source=IngestReport.from_dict(m["source"]),
        roles=ColumnRoles.from_dict(m["roles"]), quality=QualityReport.from_dict(m["quality"]),
        data=data, ids=arr["ids"].astype(str).astype(object),
        prep=FeaturePreprocessor.from_dict(m["preprocessing"]), Z=arr["Z"], map2d=arr["map2d"],
        base_labels=arr["base_labels"], base_ids=tuple(m["base_ids"]),
        confidence=arr["confidence"], resamples=resamples, metrics=m["metrics"],
        suggestions=suggestions, carried=m["carried"], lineage=m["lineage"],
        edits=tuple(m["edits"]), redo_stack=tuple(m["redo"]),
        provenance=m["provenance"], extras=m["extras"], extras_frames=frames)


def _check_arrays(ws: Workspace) -> None:
    """Shapes and ranges that every later step relies on (a consistent, untampered save)."""
    n = len(ws.data)
    checks = {
        "ids": ws.ids.ndim == 1 and len(ws.ids) == n,
        "Z": ws.Z.ndim == 2 and ws.Z.shape[0] == n and np.issubdtype(ws.Z.dtype, np.number)
             and bool(np.isfinite(ws.Z).all()),
        "map2d": ws.map2d.shape == (n, 2) and np.issubdtype(ws.map2d.dtype, np.number)
                 and bool(np.isfinite(ws.map2d).all()),
        "base_labels": ws.base_labels.shape == (n,) and np.issubdtype(ws.base_labels.dtype, np.integer)
                       and (n == 0 or (ws.base_labels.min() >= -1
                                       and ws.base_labels.max() < len(ws.base_ids))),
        "confidence": ws.confidence.shape == (n,) and np.issubdtype(ws.confidence.dtype, np.number),
    }
    r = ws.resamples
    if r is not None:
        checks["resamples"] = (r.index.ndim == 2 and r.index.shape == r.labels.shape
                               and np.issubdtype(r.index.dtype, np.integer)
                               and (r.index.size == 0 or (r.index.min() >= 0 and r.index.max() < n)))
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise ModelError(_("arrays.npz: {arrays} do not fit the {n} customers of the workspace — "
                           "it is damaged; re-run discovery", arrays=", ".join(bad),
                           n=fmt_number(n)))
    rows = [r for e in (*ws.edits, *ws.redo_stack)
            for r in (e.get("rows") or [i for p in (e.get("parts") or {}).values() for i in p])]
    if rows and max(rows) >= n:
        raise ModelError(_("the edit log refers to customer row {row}, the workspace has {n} — "
                           "it is damaged", row=max(rows), n=fmt_number(n)))


@lru_cache(maxsize=1)
def _manifest_schema() -> dict[str, Any]:
    return json.loads(MANIFEST_SCHEMA.read_text("utf-8"))


def _short(message: str, n: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= n else message[: n - 1] + "…"


MAX_MANIFEST_BYTES = 256 << 20   # the edit log and 10,000 columns' preprocessing fit many times
MAX_FILE_BYTES = 8 << 30         # one array or table file (a million customers: ~0.3 GB)


def check_sizes(directory: Path) -> None:
    """Before anything of a workspace is read: its files are regular files (not a link
    to /dev/zero) of bounded size (safe_read). A workspace folder may come from anywhere;
    the arrays' and tables' headers are checked after the checksums (:func:`check_headers`)."""
    for path in sorted(directory.iterdir()) if directory.is_dir() else ():
        if path.name == "manifest.json":
            safe_read.regular_file(path, MAX_MANIFEST_BYTES, error=ModelError)
        elif path.suffix in (".npz", ".parquet", ".csv"):
            safe_read.regular_file(path, MAX_FILE_BYTES, error=ModelError)


def check_headers(directory: Path, names: Any) -> None:
    """The arrays and tables declare no more data than their files hold and the limits
    allow (an .npz header may claim 80 GB in a file of a few KB)."""
    for name in names:
        if name.endswith(".npz"):
            safe_read.check_npz(directory / name, MAX_FILE_BYTES, error=ModelError)
        elif name.endswith(".parquet"):
            safe_read.check_parquet(directory / name, MAX_FILE_BYTES, MAX_FILE_BYTES,
                                    error=ModelError)


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


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as written: plain JSON types first (numpy values, dates), then its digest."""
    body = json.loads(_dumps({k: v for k, v in manifest.items() if k != "manifest_sha256"}))
    body["manifest_sha256"] = manifest_digest(body)
    return _dumps(body).encode("utf-8")


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
