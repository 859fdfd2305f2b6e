"""Reading files without trusting them: sizes are checked before anything is read.

A file handed to Persona Mining (an upload, a model ``.zip`` from a colleague, a
workspace folder on a shared drive) may claim more than it holds, or hold more than it
shows: a 2 MB zip with a 2 GB entry, an ``.npz`` whose header declares an 80 GB array,
a "file" that is a symlink to ``/dev/zero`` and never ends. Each would fill the
server's memory before any content check could run. So, before reading:

* only regular files are read (no devices, pipes or sockets, also not behind a
  symlink), and their size on disk is checked against a limit;
* zip archives are checked entry by entry: declared uncompressed size (Python's
  ``zipfile`` never returns more than that), total, and compression ratio (a zip bomb
  compresses 1000 : 1; real tables and arrays a few to a few dozen : 1); entries are
  copied in chunks, never held in memory as a whole;
* ``.npz`` members' ``.npy`` headers are parsed first: shape × item size must fit the
  member's size and a limit, and object (pickled) arrays are refused;
* JSON is checked for size and nesting depth before parsing (Python's parser recurses:
  ``[[[[…`` 100,000 deep raises RecursionError).

Every check raises the caller's error class (:class:`InputError`, or
:class:`ModelError` for models and workspaces) with one sentence saying what and what
to do.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO, Iterable

import numpy as np

from .errors import InputError
from .i18n import _

ANY_SIZE = 1 << 50              # for streamed inputs (DuckDB, Dask): only the file type is checked
MAX_ZIP_RATIO = 200             # uncompressed : compressed of one large entry
RATIO_CHECKED_FROM = 16 << 20   # small entries (manifests, XML) may compress better
MAX_JSON_DEPTH = 64             # persona cards nest 5 deep, customer records a few
_CHUNK = 1 << 20


def size_text(n: float) -> str:
    """1536 -> '1.5 KB', 2147483648 -> '2.0 GB' (binary units, as file managers show)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


# -- plain files ------------------------------------------------------------------------
def regular_file(path: str | os.PathLike, limit: int, *, name: str | None = None,
                 error: type[InputError] = InputError, todo: str | None = None) -> int:
    """Size of ``path`` if it is a regular file (after following symlinks) of at most
    ``limit`` bytes; otherwise ``error`` saying why. Missing files are FileNotFoundError
    (callers word that themselves)."""
    path = Path(path)
    shown = name or str(path)
    st = os.stat(path)          # follows symlinks: /dev/zero behind a link is a device
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(st.st_mode):
        raise error(_("{file}: is not a regular file (a device, pipe or socket) — give a "
                      "file saved on disk", file=shown), source=shown)
    if st.st_size > limit:
        raise error(_("{file}: is {size}, more than the limit of {limit} — {todo}",
                      file=shown, size=size_text(st.st_size), limit=size_text(limit),
                      todo=todo or _too_big_todo()), source=shown)
    return int(st.st_size)


def read_bytes(path: str | os.PathLike, limit: int, *, name: str | None = None,
               error: type[InputError] = InputError, todo: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`regular_file`);
    never more than ``limit`` are read, even if the file grows meanwhile."""
    regular_file(path, limit, name=name, error=error, todo=todo)
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        shown = name or str(path)
        raise error(_("{file}: grew beyond {limit} while it was read — {todo}", file=shown,
                      limit=size_text(limit), todo=todo or _too_big_todo()), source=shown)
    return data


def read_stream(stream: IO[bytes], limit: int, *, name: str,
                error: type[InputError] = InputError, todo: str | None = None) -> bytes:
    """At most ``limit`` bytes from a file object (an upload); ``error`` if there is more."""
    data = stream.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise error(_("{file}: is larger than {limit} — {todo}", file=name,
                      limit=size_text(limit), todo=todo or _too_big_todo()), source=name)
    return bytes(data)


def _too_big_todo() -> str:
    return _("convert it to Parquet, or aggregate it per customer first")


# -- zip archives -----------------------------------------------------------------------
def check_zip(zf: zipfile.ZipFile, *, name: str, max_entry: int, max_total: int,
              members: Iterable[str] | None = None,
              error: type[InputError] = InputError) -> list[zipfile.ZipInfo]:
    """The entries of ``zf`` (only ``members`` if given), after checking their declared
    sizes and compression ratios; ``error`` naming the entry if one is too large or
    compressed like a zip bomb."""
    wanted = None if members is None else set(members)
    infos = [i for i in zf.infolist() if wanted is None or i.filename in wanted]
    total = 0
    for info in infos:
        if info.file_size > max_entry:
            raise error(_("{file}: the entry {entry} unpacks to {size}, more than the limit "
                          "of {limit} — {todo}", file=name, entry=info.filename,
                          size=size_text(info.file_size), limit=size_text(max_entry),
                          todo=_zip_todo(name)), source=name)
        if (info.file_size >= RATIO_CHECKED_FROM
                and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)):
            raise error(_("{file}: the entry {entry} unpacks from {packed} to {size} (more "
                          "than {ratio} : 1, like a zip bomb) — {todo}", file=name,
                          entry=info.filename, packed=size_text(info.compress_size),
                          size=size_text(info.file_size), ratio=MAX_ZIP_RATIO,
                          todo=_zip_todo(name)), source=name)
        total += info.file_size
    if total > max_total:
        raise error(_("{file}: unpacks to {size} in all, more than the limit of {limit} — "
                      "{todo}", file=name, size=size_text(total), limit=size_text(max_total),
                      todo=_zip_todo(name)), source=name)
    return infos


def _zip_todo(name: str) -> str:
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _("save the table as CSV or Parquet instead")
    return _("use the file as it was exported by Persona Mining")


def extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Copy one (checked) entry to ``target`` in chunks: memory stays at one chunk."""
    with zf.open(info) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, _CHUNK)


# -- npz --------------------------------------------------------------------------------
def check_npz(path: str | os.PathLike, limit: int, *, name: str | None = None,
              error: type[InputError] = InputError) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Shape and dtype of every array in an ``.npz``, from the headers only, after checking
    that each fits its member's size and ``limit`` bytes and holds no pickled objects."""
    shown = name or str(path)
    regular_file(path, limit, name=shown, error=error, todo=_("export it again"))
    out: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for info in check_zip(zf, name=shown, max_entry=limit, max_total=limit, error=error):
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                with zf.open(info) as f:
                    shape, dtype = _npy_header(f, shown, info.filename, error)
                nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
                if nbytes > info.file_size or nbytes > limit:
                    raise error(_("{file}: the array {entry} declares {size} of data but "
                                  "holds {held} — the file is damaged or was made to exhaust "
                                  "memory; export it again", file=shown, entry=key,
                                  size=size_text(nbytes), held=size_text(info.file_size)),
                                source=shown)
                out[key] = (shape, dtype)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise error(_("{file}: not a readable .npz archive — export it again", file=shown),
                    source=shown) from None
    return out


def _npy_header(f: IO[bytes], shown: str, entry: str,
                error: type[InputError]) -> tuple[tuple[int, ...], np.dtype]:
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(f)
        if version == (1, 0):
            shape, _fortran, dtype = npy.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _fortran, dtype = npy.read_array_header_2_0(f)
        else:
            raise ValueError(f"npy format version {version}")
    except (ValueError, EOFError, zlib.error) as exc:
        raise error(_("{file}: the array {entry} has no readable header ({reason}) — export "
                      "it again", file=shown, entry=entry, reason=str(exc)[:80]),
                    source=shown) from None
    if dtype.hasobject:
        raise error(_("{file}: the array {entry} holds Python objects, which are never "
                      "unpickled — use the file as it was exported by Persona Mining",
                      file=shown, entry=entry), source=shown)
    return tuple(int(d) for d in shape), dtype


# -- JSON ---------------------------------------------------------------------------------
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def json_depth(raw: bytes | str) -> int:
    """Deepest nesting of arrays/objects in a JSON text, without parsing it (brackets
    inside strings do not count). Linear time; a malformed text gives some depth, and
    the parser then reports what is wrong with it."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    step = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(step).max())


def check_json(raw: bytes | str, limit: int, *, name: str,
               error: type[InputError] = InputError, max_depth: int = MAX_JSON_DEPTH) -> None:
    """``error`` if a JSON text is larger than ``limit`` bytes or nests deeper than
    ``max_depth`` (checked before it is parsed)."""
    if len(raw) > limit:
        raise error(_("{file}: is {size}, more than the limit of {limit} for this kind of "
                      "file — choose the file as it was exported", file=name,
                      size=size_text(len(raw)), limit=size_text(limit)), source=name)
    depth = json_depth(raw)
    if depth > max_depth:
        raise error(_("{file}: JSON nested {depth} levels deep, more than the limit of "
                      "{limit} — this is not a file Persona Mining wrote; choose the file "
                      "as it was exported", file=name, depth=depth, limit=max_depth),
                    source=name)


# -- Parquet ----------------------------------------------------------------------------
def check_parquet(path: str | os.PathLike, limit: int, max_unpacked: int, *,
                  name: str | None = None, error: type[InputError] = InputError) -> int:
    """Rows of a Parquet file, from its footer only, after checking the file (regular,
    at most ``limit`` bytes) and the declared uncompressed size of its row groups."""
    import pyarrow.parquet as pq

    shown = name or str(path)
    regular_file(path, limit, name=shown, error=error, todo=_("export it again"))
    try:
        md = pq.ParquetFile(path).metadata
        unpacked = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    except Exception:  # noqa: BLE001 - pyarrow raises many types for broken files
        raise error(_("{file}: not a readable Parquet file — export it again", file=shown),
                    source=shown) from None
    if unpacked > max_unpacked:
        raise error(_("{file}: unpacks to {size}, more than the limit of {limit} — the file "
                      "is damaged or was made to exhaust memory; export it again", file=shown,
                      size=size_text(unpacked), limit=size_text(max_unpacked)), source=shown)
    return int(md.num_rows)
