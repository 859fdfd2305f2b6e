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
from ..i18n import N_, _
from .messages import _fail


EXTENSIONS = ("csv", "tsv", "txt", "dat", "parquet", "xlsx", "jsonl", "ndjson")


_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv",
            ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_FORMAT_NAMES = {"csv": N_("text"), "parquet": "Parquet", "xlsx": "Excel .xlsx", "jsonl": "JSON Lines"}


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
        raise _fail(fname, _("file not found"), _("check the path and the file name")) from None
    except IsADirectoryError:
        raise _fail(fname, _("is a folder, not a file"), _("choose the table file inside it")) from None
    except PermissionError:
        raise _fail(fname, _("cannot be read (permission denied)"),
                    _("check the file's permissions or copy it somewhere readable")) from None
    except OSError as exc:
        raise _fail(fname, _("cannot be read ({problem})", problem=exc.strerror or exc),
                    _("check the path and try again")) from None
    except ValueError:      # e.g. a NUL character in the path
        raise _fail(fname, _("is not a valid file path"), _("check the path and try again")) from None


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


KIND_WORDS = {"PNG image": N_("PNG image"), "JPEG image": N_("JPEG image"),
              "GIF image": N_("GIF image"), "PDF document": N_("PDF document"),
              "Python pickle": N_("Python pickle")}


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
        raise _fail(fname, _("is an old Excel 97-2003 workbook (.xls)"),
                    _("open it in Excel and save it as .xlsx or CSV"))
    if kind in ("gzip", "bzip2", "7-Zip archive"):
        raise _fail(fname, _("is a compressed file ({kind})", kind=kind),
                    _("unpack it first and load the table inside"))
    if kind is not None and kind not in ("parquet", "zip"):
        raise _fail(fname, _("is a {kind}, not a table", kind=_(KIND_WORDS.get(kind, kind))),
                    _("load a CSV, Parquet, Excel .xlsx or JSON Lines file"))
    fmt = _FORMATS.get(ext)
    if kind == "parquet":
        return "parquet"
    if kind == "zip":
        if fmt not in (None, "xlsx", "csv", "jsonl"):
            raise _fail(fname, _("is a zip archive, not a Parquet file"), _("export the table again"))
        return "xlsx"
    if fmt in ("parquet", "xlsx"):
        raise _fail(fname, _("is not a valid {format} file (the content does not match the "
                             "extension)", format=_(_FORMAT_NAMES[fmt])),
                    _("export the table again or fix the file extension"))
    if fmt is not None:
        return fmt
    return "jsonl" if raw[:4096].lstrip()[:1] == b"{" else "csv"


def _format_notes(fname: str, fmt: str) -> list[str]:
    """Say so when the format came from the content instead of the file extension."""
    ext = Path(fname).suffix.lower()
    expected = _FORMATS.get(ext)
    if expected is None:
        shown = ext or _("(none)")
        return [_("unknown file extension '{ext}': the content was read as {format}",
                  ext=shown, format=_(_FORMAT_NAMES[fmt]))]
    if expected != fmt:
        return [_("the file name says {ext} but the content is {format}: read as {format}",
                  ext=ext, format=_(_FORMAT_NAMES[fmt]))]
    return []
