"""Named persona projects on disk, for the workbench: list, open, autosave, remember the last.

A project is a workspace directory under the projects folder (default
``~/PersonaMining/projects``, or ``$PERSONA_MINING_HOME/projects``). Every edit is
autosaved atomically, so a browser refresh or a server restart reopens the last
project exactly as it was.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import workspace as wsmod
from .errors import InputError, ModelError
from .workspace import Workspace

_SAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def home() -> Path:
    return Path(os.environ.get("PERSONA_MINING_HOME", Path.home() / "PersonaMining"))


def projects_dir(root: str | os.PathLike | None = None) -> Path:
    return Path(root) if root is not None else home() / "projects"


@dataclass(frozen=True)
class ProjectInfo:
    name: str
    path: Path
    modified: float
    n_customers: int | None
    n_personas: int | None
    source: str | None


def safe_name(name: str) -> str:
    """Project names become folder names: keep letters, digits, space, dot, dash, underscore."""
    clean = _SAFE.sub("_", str(name)).strip(" ._")[:80]
    if not clean:
        raise InputError(f"project name {name!r} has no usable characters — use letters or digits")
    return clean


def list_projects(root: str | os.PathLike | None = None) -> list[ProjectInfo]:
    base = projects_dir(root)
    out = []
    if not base.exists():
        return out
    for d in base.iterdir():
        m = d / "manifest.json"
        if not d.is_dir() or d.name.startswith(".") or not m.exists():
            continue
        try:
            meta = json.loads(m.read_text("utf-8"))
            metrics, source = meta.get("metrics", {}), meta.get("source", {})
            out.append(ProjectInfo(d.name, d, m.stat().st_mtime, metrics.get("n_customers"),
                                   metrics.get("n_personas"), source.get("source")))
        except (OSError, json.JSONDecodeError):
            continue
    return sorted(out, key=lambda p: -p.modified)


def save_project(ws: Workspace, name: str, root: str | os.PathLike | None = None, *,
                 edits_only: bool = False) -> Path:
    path = projects_dir(root) / safe_name(name)
    wsmod.save(ws, path, edits_only=edits_only and path.exists())
    _remember(name, root)
    return path


def open_project(name: str, root: str | os.PathLike | None = None) -> Workspace:
    path = projects_dir(root) / safe_name(name)
    if not path.exists():
        raise InputError(f"project '{name}' not found in {projects_dir(root)}")
    ws = wsmod.load(path)
    _remember(name, root)
    return ws


def last_project(root: str | os.PathLike | None = None) -> str | None:
    f = projects_dir(root) / ".last"
    try:
        name = f.read_text("utf-8").strip()
    except OSError:
        return None
    return name if name and (projects_dir(root) / safe_name(name) / "manifest.json").exists() else None


def delete_project(name: str, root: str | os.PathLike | None = None) -> None:
    import shutil

    path = projects_dir(root) / safe_name(name)
    if path.exists():
        shutil.rmtree(path)


def _remember(name: str, root: str | os.PathLike | None) -> None:
    base = projects_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    wsmod._atomic_write(base / ".last", safe_name(name).encode("utf-8"))


__all__ = ["ProjectInfo", "list_projects", "save_project", "open_project", "last_project",
           "delete_project", "safe_name", "projects_dir", "home", "ModelError"]
