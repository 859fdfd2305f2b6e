"""Crash-safe writing: whole files and whole directories appear at once or not at all.

Everything a user relies on later (projects, `discover --out` results, `.last`) is
written to a temporary sibling first and renamed into place, so a full disk, an I/O
error or a ``kill -9`` never leaves a half-written file and never loses the previous
good one. Directories are swapped in with two renames (old out of the way, new in);
:func:`recover` repairs the one moment in between after a crash and removes temporary
leftovers. Temporary names say what they belong to: ``.tmp-<name>-<random>`` and
``.old-<name>-<pid>``.

Writers of one folder serialise through :func:`locked` (``flock`` on the folder itself,
so no lock files are left behind; re-entrant within a thread), which is also what makes
"check the revision, then write" in :mod:`persona_mining.projects` safe between the
browser sessions of one server and between processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

try:                       # POSIX; elsewhere one process is assumed (a process-wide lock)
    import fcntl
except ImportError:        # pragma: no cover - Windows
    fcntl = None

TMP, OLD = ".tmp-", ".old-"
_UMASK = os.umask(0o022)   # read once at import (changing it later would race other threads)
os.umask(_UMASK)
STALE_SECONDS = 3600       # a temporary file this old belongs to no running writer
_held = threading.local()
_fallback = threading.RLock()


@contextlib.contextmanager
def locked(folder: str | os.PathLike) -> Iterator[None]:
    """Exclusive lock on ``folder`` across threads and processes (re-entrant per thread)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve())
    depth = getattr(_held, "depth", None)
    if depth is None:
        depth = _held.depth = {}
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    if fcntl is None:      # pragma: no cover
        with _fallback:
            depth[key] = 1
            try:
                yield
            finally:
                depth.pop(key, None)
        return
    fd = os.open(key, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        depth[key] = 1
        try:
            yield
        finally:
            depth.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike, payload: bytes) -> None:
    """Replace ``path`` by ``payload`` atomically (fsynced temporary file, then rename)."""
    with writing(path) as tmp:
        tmp.write_bytes(payload)


@contextlib.contextmanager
def writing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``.

    On any error the temporary file is removed and ``path`` keeps its previous content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_file(path)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def temp_dir(target: str | os.PathLike) -> Path:
    """A fresh temporary directory next to ``target``, to be swapped in with :func:`swap_in`.

    It gets the permissions a plain ``mkdir`` would give (or those of ``target``), not the
    private ones of ``mkdtemp``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP}{target.name}-", dir=target.parent))
    os.chmod(tmp, _mode(target, 0o777))
    return tmp


def _temp_file(target: Path) -> Path:
    """An empty temporary file next to ``target``, with the permissions ``target`` has (or a
    plain new file would get), so replacing a file never changes who may read it."""
    fd, name = tempfile.mkstemp(prefix=f"{TMP}{target.name}-", dir=target.parent)
    os.close(fd)
    os.chmod(name, _mode(target, 0o666))
    return Path(name)


def _mode(target: Path, default: int) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return default & ~_UMASK


def swap_in(tmp: Path, directory: Path) -> None:
    """Replace ``directory`` by the complete directory ``tmp`` (two renames).

    Between the renames neither name holds the project; :func:`recover` finishes the swap
    after a crash there (the temporary directory is complete: it is only swapped in
    after every file in it was written).
    """
    for f in tmp.iterdir():
        if f.is_file():
            _fsync(f)
    old = None
    if directory.exists():
        old = directory.with_name(f"{OLD}{directory.name}-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(directory, old)
    os.replace(tmp, directory)
    _fsync_dir(directory.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class Staging:
    """Outputs written to temporary names in one folder, put in place together (see :func:`staged`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, Path] = {}
        self._dirs: dict[str, Path] = {}

    def file(self, name: str) -> Path:
        """A temporary path that becomes ``folder/name``."""
        self._files[name] = _temp_file(self.folder / name)
        return self._files[name]

    def directory(self, name: str) -> Path:
        """A temporary directory that replaces ``folder/name``."""
        self._dirs[name] = temp_dir(self.folder / name)
        return self._dirs[name]

    def _commit(self) -> None:
        for tmp in self._files.values():
            _fsync(tmp)
        for name, tmp in self._dirs.items():
            swap_in(tmp, self.folder / name)
        for name, tmp in self._files.items():
            os.replace(tmp, self.folder / name)
        _fsync_dir(self.folder)

    def _discard(self) -> None:
        for tmp in self._files.values():
            tmp.unlink(missing_ok=True)
        for tmp in self._dirs.values():
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def staged(folder: str | os.PathLike) -> Iterator[Staging]:
    """Write several outputs of one run, then put them all in place.

    Everything is written to temporary names first; only when every output was written
    completely are they renamed into place, so a failed run (full disk, I/O error,
    exception) leaves the previous run's outputs untouched and no temporary files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stage = Staging(folder)
    try:
        yield stage
        stage._commit()
    finally:
        stage._discard()


def recover(folder: str | os.PathLike, is_complete: Callable[[Path], bool]) -> list[str]:
    """Finish or undo swaps that a crash interrupted in ``folder``; remove leftovers.

    For every name with a ``.tmp-<name>-*`` or ``.old-<name>-*`` directory: if ``<name>``
    is missing, the newest complete temporary directory (a save that had finished
    writing) takes its place, else the newest ``.old-`` one (the previous version) comes
    back. Remaining temporary directories are removed (kept while ``<name>`` itself is
    damaged: they may hold the only good copy), and temporary files older than an hour.
    Returns what was restored, for the log.
    """
    folder = Path(folder)
    restored: list[str] = []
    if not folder.is_dir():
        return restored
    with locked(folder):
        groups: dict[str, list[Path]] = {}
        for entry in folder.iterdir():
            if entry.name.startswith((TMP, OLD)) and entry.is_dir() and not entry.is_symlink():
                name = entry.name[len(TMP):].rsplit("-", 1)[0]
                groups.setdefault(name, []).append(entry)
            elif entry.name.startswith(TMP) and entry.is_file() and _age(entry) > STALE_SECONDS:
                entry.unlink(missing_ok=True)
        for name, leftovers in groups.items():
            target = folder / name
            if name and not name.startswith(".") and not target.exists():
                by_age = sorted(leftovers, key=lambda p: p.stat().st_mtime, reverse=True)
                candidates = [p for p in by_age if p.name.startswith(TMP) and is_complete(p)]
                candidates += [p for p in by_age if p.name.startswith(OLD) and is_complete(p)]
                if candidates:
                    os.replace(candidates[0], target)
                    restored.append(f"{name} (from {candidates[0].name})")
                    leftovers = [p for p in leftovers if p != candidates[0]]
            elif target.exists() and not is_complete(target):
                continue       # damaged: keep what might be the only good copy, for a human
            for p in leftovers:
                shutil.rmtree(p, ignore_errors=True)
    return restored


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:        # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:        # pragma: no cover
        pass
    finally:
        os.close(fd)
