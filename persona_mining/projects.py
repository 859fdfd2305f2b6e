"""Named persona projects on disk, each with an owner: list, open, autosave, share, recover.

Layout under the projects folder (default ``~/PersonaMining/projects``, or
``$PERSONA_MINING_HOME/projects``)::

    <owner>/<project>/      a saved workspace (manifest.json, data.parquet, arrays.npz, ...)
    <owner>/.last           the project this owner had open last
    <owner>/.shared.json    projects others shared with this owner (by share link)
    .shares/<hash>.json     one per share link: whose project, which one

An owner is who a browser session acts for: ``b-<hash>`` for a browser (a random key in
an HttpOnly cookie, see ``browser_key``), ``u-<hash>`` for a person logged in with
Streamlit's ``st.login``, ``local`` for the command line and scripts. Only the hash of
the key or login is on disk. Nobody lists or opens another owner's projects unless the
owner shared one: a share link names one project, whoever opens it may open and edit
it, and the owner can stop sharing at any time.

Every save carries a revision number (in the manifest). An autosave says which revision
it started from; when the project moved on meanwhile (another tab, a collaborator) the
edits are combined when they can be (:func:`autosave`: ours replayed after theirs), and a
:class:`Conflict` is raised when they cannot, so no edit is ever dropped without a word.

A damaged project (manifest that fails its schema or checksum, missing files) is listed
with the reason and never opened at start; a crash in the middle of a save is repaired
by :func:`recover` when the workbench starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import atomic, refine
from . import workspace as wsmod
from .errors import InputError, ModelError
from .i18n import _
from .workspace import Workspace

LOCAL_OWNER = "local"
_OWNER = re.compile(r"^(local|[bu]-[0-9a-f]{32})$")
_SAFE = re.compile(r"[^A-Za-z0-9._() -]+")
_NUMBERED = re.compile(r" \(\d+\)$")       # "name (2)"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
SHARES = ".shares"
log = logging.getLogger("persona_mining.projects")


# -- where -----------------------------------------------------------------------------------
def home() -> Path:
    return Path(os.environ.get("PERSONA_MINING_HOME", Path.home() / "PersonaMining"))


def projects_dir(root: str | os.PathLike | None = None) -> Path:
    return Path(root) if root is not None else home() / "projects"


def owner_dir(owner: str, root: str | os.PathLike | None = None) -> Path:
    if not _OWNER.match(owner or ""):
        raise InputError(_("'{owner}' is not an owner id", owner=owner))
    return projects_dir(root) / owner


def browser_owner(key: str) -> str:
    """The owner a browser key stands for (only this hash is ever stored)."""
    return "b-" + hashlib.sha256(f"persona-mining browser:{key}".encode()).hexdigest()[:32]


def login_owner(issuer: str, subject: str) -> str:
    """The owner of a person logged in through an identity provider (issuer + subject)."""
    return "u-" + hashlib.sha256(f"persona-mining login:{issuer}\n{subject}".encode()).hexdigest()[:32]


def safe_name(name: str) -> str:
    """Project names become folder names: letters, digits, space and ._-() only."""
    clean = _SAFE.sub("_", str(name)).strip(" ._")[:80]
    if not clean:
        raise InputError(_("project name {name} has no usable characters — use letters or digits",
                           name=repr(name)))
    return clean


# -- what ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProjectInfo:
    name: str
    path: Path
    modified: float
    n_customers: int | None
    n_personas: int | None
    source: str | None
    owner: str = LOCAL_OWNER
    revision: int = 0
    shared: bool = False          # someone else's project, shared with the one who asked
    problem: str | None = None    # why it cannot be opened (damaged), None when it is fine

    @property
    def ok(self) -> bool:
        return self.problem is None


class ProjectExists(InputError):
    """A new project would replace an existing one of the same name."""

    def __init__(self, name: str, suggestion: str) -> None:
        self.name, self.suggestion = name, suggestion
        super().__init__(_("a project “{name}” exists already — replace it, or save as "
                           "“{suggestion}”", name=name, suggestion=suggestion))


class Conflict(InputError):
    """The project changed on disk since this session read it, and the changes do not combine."""

    def __init__(self, name: str, revision: int, reason: str) -> None:
        self.name, self.revision, self.reason = name, revision, reason
        super().__init__(reason)


class NoAccess(InputError):
    """The project is someone else's and not (or no longer) shared with the one who asked."""


@dataclass(frozen=True)
class Autosaved:
    workspace: Workspace      # what is on disk now (ours, or ours combined with theirs)
    revision: int
    combined: int = 0         # edits made elsewhere that ours were combined with


# -- listing ---------------------------------------------------------------------------------
def list_projects(root: str | os.PathLike | None = None, *, owner: str = LOCAL_OWNER,
                  include_shared: bool = True) -> list[ProjectInfo]:
    """The owner's projects and (by default) those shared with them, newest first.

    Damaged ones are included with ``problem`` set, so they can be shown as such.
    """
    base = owner_dir(owner, root)
    out = []
    if base.is_dir():
        for d in base.iterdir():
            if d.name.startswith(".") or not d.is_dir() or d.is_symlink():
                continue
            if (d / "manifest.json").exists() or (d / "arrays.npz").exists():
                out.append(_info(d, owner))
    if include_shared:
        out += [dataclasses.replace(info, shared=True)
                for info in (_info(owner_dir(o, root) / n, o) for o, n in _shared_with(owner, root))]
    return sorted(out, key=lambda p: -p.modified)


def project_info(name: str, root: str | os.PathLike | None = None, *,
                 owner: str = LOCAL_OWNER) -> ProjectInfo | None:
    path = owner_dir(owner, root) / safe_name(name)
    return _info(path, owner) if path.is_dir() else None


_info_cache: dict[tuple, ProjectInfo] = {}
_info_lock = threading.Lock()


def _info(d: Path, owner: str) -> ProjectInfo:
    """What the manifest says (checked: schema + checksum), cached while it is unchanged."""
    m = d / "manifest.json"
    try:
        st = m.stat()
        key = (str(d), st.st_mtime_ns, st.st_size)
    except OSError:
        return ProjectInfo(d.name, d, _mtime(d), None, None, None, owner,
                           problem=_("manifest.json is missing"))
    with _info_lock:
        if key in _info_cache:
            return _info_cache[key]
    try:
        meta = wsmod.read_manifest(d)
        missing = [f for f in meta["files"] if not (d / f).is_file()]
        metrics = meta["metrics"]
        info = ProjectInfo(d.name, d, st.st_mtime, metrics.get("n_customers"),
                           metrics.get("n_personas"), meta["source"].get("source"), owner,
                           revision=meta.get("revision", 1),
                           problem=_("{file} is missing", file=missing[0]) if missing else None)
    except ModelError as exc:
        info = ProjectInfo(d.name, d, st.st_mtime, None, None, None, owner, problem=str(exc))
    with _info_lock:
        if len(_info_cache) > 2000:
            _info_cache.clear()
        _info_cache[key] = info
    return info


def _mark_damaged(d: Path, owner: str, problem: str) -> None:
    info = _info(d, owner)
    try:
        st = (d / "manifest.json").stat()
    except OSError:
        return
    with _info_lock:
        _info_cache[(str(d), st.st_mtime_ns, st.st_size)] = dataclasses.replace(info, problem=problem)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def unique_name(name: str, root: str | os.PathLike | None = None, *,
                owner: str = LOCAL_OWNER) -> str:
    """``name`` if the owner has no such project, else ``name (2)``, ``name (3)``, …"""
    base = safe_name(name)
    folder = owner_dir(owner, root)
    taken = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    stem = _NUMBERED.sub("", base)[:72]
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate, i = f"{stem} ({i})", i + 1
    return candidate


def revision(name: str, root: str | os.PathLike | None = None, *, owner: str = LOCAL_OWNER) -> int:
    """The saved revision of a project; 0 when it does not exist."""
    path = owner_dir(owner, root) / safe_name(name)
    if not path.exists():
        return 0
    try:
        return int(wsmod.read_manifest(path).get("revision", 1))
    except ModelError:
        return -1          # damaged: never the revision anybody expects


# -- open / save -----------------------------------------------------------------------------
def open_project(name: str, root: str | os.PathLike | None = None, *, owner: str = LOCAL_OWNER,
                 viewer: str | None = None) -> Workspace:
    return open_versioned(name, root, owner=owner, viewer=viewer)[0]


def open_versioned(name: str, root: str | os.PathLike | None = None, *,
                   owner: str = LOCAL_OWNER, viewer: str | None = None) -> tuple[Workspace, int]:
    """The project and its revision, read together; ModelError when it is damaged."""
    _check_access(name, owner, viewer, root)
    path = owner_dir(owner, root) / safe_name(name)
    if not path.exists():
        raise InputError(_("project “{name}” not found", name=name))
    with atomic.locked(path.parent):
        rev = revision(name, root, owner=owner)
        try:
            ws = wsmod.load(path)
        except ModelError as exc:     # e.g. arrays that do not fit: listed as damaged from now on
            _mark_damaged(path, owner, str(exc))
            raise
    remember(name, root, owner=owner, viewer=viewer)
    return ws, rev


def save_project(ws: Workspace, name: str, root: str | os.PathLike | None = None, *,
                 edits_only: bool = False, owner: str = LOCAL_OWNER, viewer: str | None = None,
                 expected_revision: int | None = None) -> int:
    """Save ``ws`` as project ``name`` of ``owner``; returns the new revision.

    ``expected_revision`` is the revision this save builds on (0: the project must not
    exist yet); when the project is at another one, :class:`Conflict` is raised and
    nothing is written. ``None`` saves unconditionally.
    """
    _check_access(name, owner, viewer, root)
    path = owner_dir(owner, root) / safe_name(name)
    with atomic.locked(path.parent):
        current = revision(name, root, owner=owner)
        if expected_revision is not None and current != expected_revision:
            raise Conflict(name, current, _conflict_reason(name, current, expected_revision))
        new = max(current, 0) + 1
        wsmod.save(ws, path, edits_only=edits_only and current > 0, revision=new)
    remember(name, root, owner=owner, viewer=viewer)
    return new


def create_project(ws: Workspace, name: str, root: str | os.PathLike | None = None, *,
                   owner: str = LOCAL_OWNER, replace: bool = False) -> tuple[str, int]:
    """A new project (``Save copy``): :class:`ProjectExists` rather than replacing one,
    unless ``replace``. Returns the (cleaned) name and its revision."""
    clean = safe_name(name)
    with atomic.locked(owner_dir(owner, root)):
        if not replace and (owner_dir(owner, root) / clean).exists():
            raise ProjectExists(clean, unique_name(clean, root, owner=owner))
        return clean, save_project(ws, clean, root, owner=owner)


def autosave(ws: Workspace, name: str, root: str | os.PathLike | None = None, *,
             owner: str = LOCAL_OWNER, viewer: str | None = None, base: Workspace | None,
             base_revision: int | None, full: bool = False) -> Autosaved:
    """Save a session's change, combining it with changes saved elsewhere meanwhile.

    ``base`` is the workspace as this session last read or wrote it (revision
    ``base_revision``). When the project moved on, our edits since ``base`` are replayed
    after the saved ones (they must still apply: a persona renamed here and merged there
    is fine; one discarded there and edited here, or the same field of one persona
    changed in both, is a :class:`Conflict`). A full save (new discovery) never
    combines: it is a Conflict when the project moved on.
    """
    for _attempt in range(3):
        try:
            rev = save_project(ws, name, root, owner=owner, viewer=viewer,
                               edits_only=not full, expected_revision=base_revision)
            return Autosaved(ws, rev)
        except Conflict as conflict:
            if full or base is None or conflict.revision <= 0:
                raise
            saved, saved_rev = _saved_edits(name, root, owner)
            ws, n = combine(base, ws, saved, name=name, revision=saved_rev)
            base = dataclasses.replace(ws, edits=tuple(saved["edits"]), extras=saved["extras"],
                                       _cache=ws._shared_cache())
            base_revision = saved_rev
            try:
                rev = save_project(ws, name, root, owner=owner, viewer=viewer, edits_only=True,
                                   expected_revision=saved_rev)
                return Autosaved(ws, rev, n)
            except Conflict:
                continue       # it moved again in between: combine once more
    raise Conflict(name, revision(name, root, owner=owner),
                   _("project “{name}” keeps changing elsewhere — try again", name=name))


def combine(base: Workspace, ours: Workspace, saved: dict[str, Any], *, name: str = "",
            revision: int = 0) -> tuple[Workspace, int]:
    """Our edits since ``base`` replayed after the edits in the saved manifest ``saved``.

    Returns the combined workspace and how many edits were made elsewhere; raises
    :class:`Conflict` (saying why) when the two cannot both be kept.
    """
    def conflict(reason: str) -> Conflict:
        return Conflict(name, revision, reason)

    if saved["provenance"] != json.loads(wsmod._dumps(ours.provenance)) \
            or list(saved["base_ids"]) != list(ours.base_ids):
        raise conflict(_("project “{name}” was re-discovered or replaced elsewhere", name=name))
    b, o, t = list(base.edits), list(ours.edits), list(saved["edits"])
    if o[:len(b)] != b:
        raise conflict(_("you undid an edit here while project “{name}” was changed elsewhere",
                         name=name))
    if t[:len(b)] != b:
        raise conflict(_("an edit was undone elsewhere in project “{name}”", name=name))
    theirs_set = {(e["persona"], e["field"]): e["value"] for e in t[len(b):] if e.get("op") == "set"}
    both = [e for e in o[len(b):] if e.get("op") == "set" and (e["persona"], e["field"]) in theirs_set]
    if both:
        there = theirs_set[(both[0]["persona"], both[0]["field"])]
        there = ", ".join(map(str, there)) if isinstance(there, list) else str(there)
        raise conflict(_("the {field} of persona {persona} was changed here and elsewhere "
                         "(there: “{there}”)", field=refine.field_word(both[0]["field"]),
                         persona=both[0]["persona"],
                         there=there if len(there) <= 80 else there[:79] + "…"))
    extras = dict(saved["extras"])
    for key in set(ours.extras) | set(base.extras):
        if ours.extras.get(key) != base.extras.get(key):
            if key in ours.extras:
                extras[key] = ours.extras[key]
            else:
                extras.pop(key, None)
    combined = dataclasses.replace(ours, edits=tuple(t), redo_stack=(), extras=extras,
                                   _cache=ours._shared_cache())      # X does not depend on edits
    try:
        for e in o[len(b):]:
            combined = combined.with_edit(e)
    except (InputError, KeyError, IndexError) as exc:
        raise conflict(_("your edit does not fit the edits made elsewhere ({why})", why=exc)) from None
    return combined, len(t) - len(b)


def _saved_edits(name: str, root, owner: str) -> tuple[dict[str, Any], int]:
    path = owner_dir(owner, root) / safe_name(name)
    with atomic.locked(path.parent):
        m = wsmod.read_manifest(path)
    return m, int(m.get("revision", 1))


def _conflict_reason(name: str, current: int, expected: int) -> str:
    if current == 0:
        return _("project “{name}” was deleted elsewhere", name=name)
    if current < 0:
        return _("project “{name}” on disk is damaged", name=name)
    if expected == 0:
        return _("a project “{name}” was created elsewhere meanwhile", name=name)
    return _("project “{name}” was changed elsewhere (in another tab or by someone it is "
             "shared with)", name=name)


def delete_project(name: str, root: str | os.PathLike | None = None, *,
                   owner: str = LOCAL_OWNER) -> None:
    path = owner_dir(owner, root) / safe_name(name)
    with atomic.locked(path.parent):
        if path.exists():
            shutil.rmtree(path)
    unshare_project(name, root, owner=owner)


# -- last opened -----------------------------------------------------------------------------
def last_project(root: str | os.PathLike | None = None, *, owner: str = LOCAL_OWNER
                 ) -> tuple[str, str] | None:
    """(project owner, name) of the project ``owner`` had open last, if it can be opened."""
    try:
        last = json.loads((owner_dir(owner, root) / ".last").read_text("utf-8"))
        who, name = str(last["owner"]), str(last["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _OWNER.match(who) or not _can_access(name, who, owner, root):
        return None
    info = project_info(name, root, owner=who)
    return (who, info.name) if info is not None and info.ok else None


def remember(name: str, root: str | os.PathLike | None = None, *, owner: str = LOCAL_OWNER,
             viewer: str | None = None) -> None:
    """Note the project ``viewer`` opened last; a full disk only costs this convenience."""
    viewer = viewer or owner
    try:
        atomic.write_bytes(owner_dir(viewer, root) / ".last",
                           json.dumps({"owner": owner, "name": safe_name(name)}).encode("utf-8"))
    except OSError as exc:
        log.warning("could not note the last project of %s: %s", viewer, exc)


# -- sharing ---------------------------------------------------------------------------------
def share_project(name: str, root: str | os.PathLike | None = None, *,
                  owner: str = LOCAL_OWNER) -> str:
    """The share link token of the owner's project (made on first use)."""
    existing = share_token(name, root, owner=owner)
    if existing:
        return existing
    clean = safe_name(name)
    if not (owner_dir(owner, root) / clean).is_dir():
        raise InputError(_("project “{name}” not found", name=name))
    token = secrets.token_urlsafe(24)
    record = {"owner": owner, "name": clean, "token": token,
              "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    atomic.write_bytes(_share_file(token, root), json.dumps(record).encode("utf-8"))
    return token


def share_token(name: str, root: str | os.PathLike | None = None, *,
                owner: str = LOCAL_OWNER) -> str | None:
    for record in _shares(root):
        if record["owner"] == owner and record["name"] == safe_name(name):
            return record["token"]
    return None


def unshare_project(name: str, root: str | os.PathLike | None = None, *,
                    owner: str = LOCAL_OWNER) -> None:
    """Stop sharing: the link stops working and the project leaves others' lists."""
    for record in _shares(root):
        if record["owner"] == owner and record["name"] == safe_name(name):
            _share_file(record["token"], root).unlink(missing_ok=True)


def accept_share(token: str, root: str | os.PathLike | None = None, *,
                 viewer: str) -> tuple[str, str]:
    """Open a share link: the project joins ``viewer``'s list. Returns (owner, name)."""
    record = _share(token, root)
    if record is None:
        raise NoAccess(_("this share link is not valid (any more) — ask the project's owner "
                         "for a new one"))
    if record["owner"] != viewer:
        folder = owner_dir(viewer, root)
        accepted = _accepted(viewer, root)
        digest = _digest(token)
        if digest not in accepted:
            atomic.write_bytes(folder / ".shared.json",
                               json.dumps(accepted + [digest]).encode("utf-8"))
    return record["owner"], record["name"]


def leave_share(name: str, root: str | os.PathLike | None = None, *, owner: str,
                viewer: str) -> None:
    """Remove someone else's shared project from ``viewer``'s list."""
    keep = [d for d in _accepted(viewer, root)
            if (r := _share_by_digest(d, root)) is None
            or not (r["owner"] == owner and r["name"] == safe_name(name))]
    atomic.write_bytes(owner_dir(viewer, root) / ".shared.json", json.dumps(keep).encode("utf-8"))


def _shared_with(viewer: str, root) -> list[tuple[str, str]]:
    out = []
    for digest in _accepted(viewer, root):
        r = _share_by_digest(digest, root)
        if r is not None and (owner_dir(r["owner"], root) / r["name"]).is_dir():
            out.append((r["owner"], r["name"]))
    return list(dict.fromkeys(out))


def _check_access(name: str, owner: str, viewer: str | None, root) -> None:
    if viewer is not None and not _can_access(name, owner, viewer, root):
        raise NoAccess(_("project “{name}” is not shared with you (any more) — save a copy to "
                         "keep your version", name=name))


def _can_access(name: str, owner: str, viewer: str, root) -> bool:
    return viewer == owner or (owner, safe_name(name)) in _shared_with(viewer, root)


def _accepted(viewer: str, root) -> list[str]:
    try:
        data = json.loads((owner_dir(viewer, root) / ".shared.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [d for d in data if isinstance(d, str) and re.fullmatch(r"[0-9a-f]{64}", d)] \
        if isinstance(data, list) else []


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _share_file(token: str, root) -> Path:
    return projects_dir(root) / SHARES / f"{_digest(token)}.json"


def _share(token: str, root) -> dict[str, str] | None:
    return _share_by_digest(_digest(token), root) if _TOKEN.match(token or "") else None


def _share_by_digest(digest: str, root) -> dict[str, str] | None:
    try:
        r = json.loads((projects_dir(root) / SHARES / f"{digest}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    ok = (isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("owner", "name", "token"))
          and _OWNER.match(r["owner"]) and _digest(r["token"]) == digest)
    return r if ok else None


def _shares(root) -> list[dict[str, str]]:
    folder = projects_dir(root) / SHARES
    if not folder.is_dir():
        return []
    out = []
    for f in folder.glob("*.json"):
        r = _share_by_digest(f.stem, root)
        if r is not None:
            out.append(r)
    return out


# -- crash recovery ----------------------------------------------------------------------------
_recovered: set[str] = set()
_recover_lock = threading.Lock()


def recover(root: str | os.PathLike | None = None) -> list[str]:
    """Finish or undo saves a crash interrupted, in every owner's folder; drop leftovers.

    Runs once per process and projects folder (the workbench calls it for every new
    session; only the first call works). Returns what was restored, for the log.
    """
    base = projects_dir(root)
    key = str(base.resolve()) if base.exists() else str(base)
    with _recover_lock:
        if key in _recovered:
            return []
        _recovered.add(key)
    restored = []
    if base.is_dir():
        for folder in [base, *(d for d in base.iterdir() if d.is_dir() and _OWNER.match(d.name))]:
            try:
                with atomic.locked(folder):      # no save of this owner runs meanwhile
                    restored += atomic.recover(folder, wsmod.is_complete)
                    if folder != base:           # a manifest rewrite killed half-way
                        for tmp in folder.glob(f"*/{atomic.TMP}*"):
                            if tmp.is_file() and not tmp.parent.name.startswith("."):
                                tmp.unlink()
            except OSError as exc:
                log.warning("could not check %s for interrupted saves: %s", folder, exc)
    for item in restored:
        log.warning("recovered project after an interrupted save: %s", item)
    return restored


__all__ = ["LOCAL_OWNER", "Autosaved", "Conflict", "NoAccess", "ProjectExists", "ProjectInfo",
           "accept_share", "autosave", "browser_owner", "combine", "create_project",
           "delete_project", "home", "last_project", "leave_share", "list_projects",
           "login_owner", "open_project", "open_versioned", "owner_dir", "project_info",
           "projects_dir", "recover", "remember", "revision", "safe_name", "save_project",
           "share_project", "share_token", "unique_name", "unshare_project", "ModelError"]
