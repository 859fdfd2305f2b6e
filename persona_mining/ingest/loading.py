"""Raw bytes from a path, bytes or an upload, and which format they hold.

The format comes from the file extension, checked against the content's magic bytes:
images, archives, old Excel files and pickles are refused with what to do instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import safe_read
from ..errors import InputError
from .limits import MAX_BYTES
from .messages import _fail


EXTENSIONS = ("csv", "tsv", "txt", "dat", "parquet", "xlsx", "jsonl", "ndjson")


_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv",
            ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_FORMAT_NAMES = {"csv": "text", "parquet": "Parquet", "xlsx": "Excel .xlsx", "jsonl": "JSON Lines"}


def _load_bytes(source: Any, name: str | None) -> tuple[bytes, str]:
    """Raw bytes and the display name (file name only) of a path, bytes or file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), _base_name(name) or "upload"
    if hasattr(source, "read"):
        display = _base_name(name) or _base_name(getattr(source, "name", None)) or "upload"
        return safe_read.read_stream(source, MAX_BYTES, name=display), display
    path = Path(os.fspath(source))
    fname = _base_name(name) or path.name or str(path)
    try:
        # a regular file of at most MAX_BYTES: never a device (/dev/zero behind a link)
        return safe_read.read_bytes(path, MAX_BYTES, name=fname), fname
    except InputError:
        raise
    except FileNotFoundError:
        raise _fail(fname, "file not found", "check the path and the file name") from None
    except IsADirectoryError:
        raise _fail(fname, "is a folder, not a file", "choose the table file inside it") from None
    except PermissionError:
        raise _fail(fname, "cannot be read (permission denied)",
                    "check the file's permissions or copy it somewhere readable") from None
    except OSError as exc:
        raise _fail(fname, f"cannot be read ({exc.strerror or exc})",
                    "check the path and try again") from None
    except ValueError:      # e.g. a NUL character in the path
        raise _fail(fname, "is not a valid file path", "check the path and try again") from None


def _base_name(name: Any) -> str | None:
    if not name:
        return None
    return re.split(r"[\\/]", str(name))[-1] or None


# -- format detection ---------------------------------------------------------------------
_MAGIC = ((b"PAR1", "parquet"), (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0", "ole2"),
          (b"\x1f\x8b", "gzip"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"%PDF", "PDF document"), (b"BZh", "bzip2"),
          (b"7z\xbc\xaf", "7-Zip archive"), (b"\x80\x04\x95", "Python pickle"),
          (b"\x80\x05\x95", "Python pickle"))


def _magic(raw: bytes) -> str | None:
    for prefix, kind in _MAGIC:
        if raw.startswith(prefix):
            return kind
    return None


def _detect_format(raw: bytes, fname: str) -> str:
    """csv | parquet | xlsx | jsonl from the extension, checked against the content."""
    ext = Path(fname).suffix.lower()
    kind = _magic(raw)
    if ext == ".xls" or kind == "ole2":
        raise _fail(fname, "is an old Excel 97-2003 workbook (.xls)",
                    "open it in Excel and save it as .xlsx or CSV")
    if kind in ("gzip", "bzip2", "7-Zip archive"):
        raise _fail(fname, f"is a compressed file ({kind})", "unpack it first and load the table inside")
    if kind is not None and kind not in ("parquet", "zip"):
        raise _fail(fname, f"is a {kind}, not a table",
                    "load a CSV, Parquet, Excel .xlsx or JSON Lines file")
    fmt = _FORMATS.get(ext)
    if kind == "parquet":
        return "parquet"
    if kind == "zip":
        if fmt not in (None, "xlsx", "csv", "jsonl"):
            raise _fail(fname, "is a zip archive, not a Parquet file", "export the table again")
        return "xlsx"
    if fmt in ("parquet", "xlsx"):
        raise _fail(fname, f"is not a valid {_FORMAT_NAMES[fmt]} file (the content does not match "
                    "the extension)", "export the table again or fix the file extension")
    if fmt is not None:
        return fmt
    return "jsonl" if raw[:4096].lstrip()[:1] == b"{" else "csv"


def _format_notes(fname: str, fmt: str) -> list[str]:
    """Say so when the format came from the content instead of the file extension."""
    ext = Path(fname).suffix.lower()
    expected = _FORMATS.get(ext)
    if expected is None:
        return [f"unknown file extension '{ext or '(none)'}': the content was read as "
                f"{_FORMAT_NAMES[fmt]}"]
    if expected != fmt:
        return [f"the file name says {ext} but the content is {_FORMAT_NAMES[fmt]}: "
                f"read as {_FORMAT_NAMES[fmt]}"]
    return []
