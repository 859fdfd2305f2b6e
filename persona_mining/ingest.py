"""From a customer file to a typed table: read it, infer column roles, check quality.

Three steps sit between the user's file and the feature pipeline:

1. :func:`read_table` reads CSV/TSV/TXT, Parquet, Excel ``.xlsx`` or JSON Lines from a
   path or from uploaded bytes. Text files are sniffed for encoding, delimiter, decimal
   comma and thousands separators; what was found is kept in an :class:`IngestReport`.
2. :func:`infer_roles` decides what every column is for (see :mod:`.roles`) and says why
   in plain words, so the user can check and override it; :func:`coerce_types` then
   turns the columns into the dtypes the feature pipeline expects.
3. :func:`quality_report` summarises missing values, skew and duplicates;
   :func:`check_usable` stops early, with a fix, when no personas can come out.

Every problem with the input is an :class:`~.errors.InputError` with one sentence that
names the file (and the column or line) and says what to do.

Design decisions:

* Nothing is ever unpickled or evaluated: Parquet is read by pyarrow, Excel by openpyxl,
  JSON by :mod:`json`.
* Thousands separators are never handed to the CSV parser: pandas would read the date
  ``05.01.2021`` as the number 5012021. Text columns that look numeric are converted
  afterwards with strict patterns that check the digit grouping.
* Pure digit strings with a leading zero (``00042``) stay text: they are codes or ids,
  and the user must get the same ids back in the assignments.
* Role inference looks at an evenly spread sample of at most :data:`SAMPLE_SIZE` values
  per column; only cheap linear checks (uniqueness, constancy) see the whole column.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import difflib
import hashlib
import io
import json
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import InputError
from .roles import (ALL_ROLES, BOOLEAN, CATEGORICAL, CONSTANT, DATETIME, FEATURE_ROLES, ID,
                    IGNORE, LABEL, NUMERIC, PII, TEXT)

MAX_COLUMNS = 1000          # more columns than this is not a customer table we can use
MAX_BYTES = 2 * 1024**3     # larger files are read more safely as Parquet or aggregated first
SAMPLE_SIZE = 20_000        # values per column that role inference looks at
EXTENSIONS = ("csv", "tsv", "txt", "dat", "parquet", "xlsx", "jsonl", "ndjson")

_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dat": "csv",
            ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_FORMAT_NAMES = {"csv": "text", "parquet": "Parquet", "xlsx": "Excel .xlsx", "jsonl": "JSON Lines"}
_DELIMITERS = (",", ";", "\t", "|")
_WHITESPACE = "whitespace"
_CHECK_BYTES = 4 << 20      # field counts of every line in the first 4 MB are checked
_SNIFF_RECORDS = 100        # records used to choose the delimiter
_VALUE_RECORDS = 5_000      # records used to sniff the decimal sign and leading zeros

from .features import SKEW_THRESHOLD as _SKEW_THRESHOLD  # one threshold: the report says what features will do
_MANY_LEVELS = 30           # as features.MAX_LEVELS: more levels are grouped as "(other)"
_MISSING_WARN = 0.2


# =========================================================================================
# Reports
# =========================================================================================
@dataclass(frozen=True)
class IngestReport:
    """What was read and how: shown to the user and saved with every workspace.

    ``source`` is the file name only, never a full path of the user's machine.
    """

    source: str
    sha256: str
    format: str                 # "csv" | "parquet" | "xlsx" | "jsonl"
    encoding: str | None
    delimiter: str | None       # ",", ";", "\t", "|", "whitespace"
    decimal: str | None
    thousands: str | None
    n_rows: int
    n_columns: int
    dropped_rows: tuple[tuple[str, int], ...] = ()
    dropped_columns: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists)."""
        return {"source": self.source, "sha256": self.sha256, "format": self.format,
                "encoding": self.encoding, "delimiter": self.delimiter, "decimal": self.decimal,
                "thousands": self.thousands, "n_rows": self.n_rows, "n_columns": self.n_columns,
                "dropped_rows": [[r, int(n)] for r, n in self.dropped_rows],
                "dropped_columns": [[c, r] for c, r in self.dropped_columns],
                "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "IngestReport":
        """Inverse of :meth:`to_dict`; unknown keys are ignored (newer versions may add some)."""
        return cls(source=str(d["source"]), sha256=str(d["sha256"]), format=str(d["format"]),
                   encoding=d.get("encoding"), delimiter=d.get("delimiter"),
                   decimal=d.get("decimal"), thousands=d.get("thousands"),
                   n_rows=int(d["n_rows"]), n_columns=int(d["n_columns"]),
                   dropped_rows=tuple((str(r), int(n)) for r, n in d.get("dropped_rows", ())),
                   dropped_columns=tuple((str(c), str(r)) for c, r in d.get("dropped_columns", ())),
                   notes=tuple(str(n) for n in d.get("notes", ())))


@dataclass
class _ReadState:
    """Findings collected while reading one file (becomes the IngestReport)."""

    fname: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    dropped_rows: list[tuple[str, int]] = field(default_factory=list)
    dropped_columns: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keep_text: set[str] = field(default_factory=set)      # leading-zero code columns
    unnamed: set[str] = field(default_factory=set)        # columns that had no header


def _fail(fname: str, what: str, todo: str, **where: Any) -> InputError:
    """The one-sentence error every input problem becomes: '<file>: <what> — <todo>'."""
    return InputError(f"{fname}: {what} — {todo}", source=fname, **where)


# =========================================================================================
# read_table
# =========================================================================================
def read_table(source: str | os.PathLike | bytes, *,
               name: str | None = None) -> tuple[pd.DataFrame, IngestReport]:
    """Read a customer table from a path or raw bytes (e.g. a browser upload).

    Args:
        source: path of the file, or its raw bytes (``bytes``, ``bytearray``,
            ``memoryview`` or a binary file object with ``read()``).
        name: file name to report and to choose the format by (``.csv``, ``.tsv``,
            ``.txt``, ``.dat``, ``.parquet``, ``.xlsx``, ``.jsonl``, ``.ndjson``); needed
            for bytes. Unknown extensions are sniffed from the content.

    Returns:
        The table (clean unique column names, completely empty rows dropped,
        numeric-looking text converted to numbers) and a report of how it was read.

    Raises:
        InputError: for every problem with the file, naming the file and what to do.
    """
    raw, fname = _load_bytes(source, name)
    if not raw:
        raise _fail(fname, "the file is empty (0 bytes)",
                    "export the table again with a header row and one row per customer")
    digest = hashlib.sha256(raw).hexdigest()
    st = _ReadState(fname=fname, format=_detect_format(raw, fname))
    st.notes.extend(_format_notes(fname, st.format))
    reader = {"csv": _read_text, "parquet": _read_parquet, "xlsx": _read_xlsx,
              "jsonl": _read_jsonl}[st.format]
    df = _finish(reader(raw, st), st)
    report = IngestReport(source=fname, sha256=digest, format=st.format, encoding=st.encoding,
                          delimiter=st.delimiter, decimal=st.decimal, thousands=st.thousands,
                          n_rows=len(df), n_columns=df.shape[1],
                          dropped_rows=tuple(st.dropped_rows),
                          dropped_columns=tuple(st.dropped_columns), notes=tuple(st.notes))
    return df, report


def _load_bytes(source: Any, name: str | None) -> tuple[bytes, str]:
    """Raw bytes and the display name (file name only) of a path, bytes or file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), _base_name(name) or "upload"
    if hasattr(source, "read"):
        data = source.read()
        display = _base_name(name) or _base_name(getattr(source, "name", None)) or "upload"
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), display
    path = Path(os.fspath(source))
    fname = _base_name(name) or path.name or str(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            raise _fail(fname, f"is larger than {MAX_BYTES // 1024**3} GB",
                        "convert it to Parquet, or aggregate it per customer first")
        return path.read_bytes(), fname
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


# -- text: encoding -------------------------------------------------------------------------
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"


def _decode_check(raw: bytes, st: _ReadState) -> tuple[str, bytes]:
    """Find the encoding (reported in ``st``); return the codec to parse with and the bytes.

    UTF-16 (Excel's "Unicode text") is re-encoded as UTF-8. NUL bytes or many control
    characters mean binary data, which is refused instead of being read as garbage.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _binary(st.fname) from None
        st.encoding = "utf-16"
        return "utf-8", text.encode("utf-8")
    head = raw[:65536]
    if b"\x00" in raw or len(head) - len(head.translate(None, _CONTROL_BYTES)) > 0.01 * len(head):
        raise _binary(st.fname)
    if raw.isascii():
        st.encoding = "utf-8"
    elif raw.startswith(codecs.BOM_UTF8) and _decodes(raw, "utf-8-sig"):
        st.encoding = "utf-8-sig"
    elif _decodes(raw, "utf-8"):
        st.encoding = "utf-8"
    elif _decodes(raw, "cp1252"):
        st.encoding = "cp1252"
    else:
        st.encoding = "latin-1"     # decodes every byte; binary was refused above
    if st.encoding not in ("utf-8", "utf-8-sig"):
        st.notes.append(f"not UTF-8: read with the {st.encoding} encoding")
    return st.encoding, raw


def _binary(fname: str) -> InputError:
    return _fail(fname, "is not a text table (it contains binary data)",
                 "load a CSV, Parquet, Excel .xlsx or JSON Lines file")


def _decodes(raw: bytes, encoding: str, chunk: int = 8 << 20) -> bool:
    """True if ``raw`` decodes without error; chunked so no full copy of a big file is made."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for i in range(0, len(raw), chunk):
            decoder.decode(raw[i:i + chunk], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_text(data: bytes, encoding: str) -> tuple[str, bool]:
    """The first :data:`_CHECK_BYTES` as text, cut at a line end; and whether it is all."""
    if len(data) <= _CHECK_BYTES:
        return data.decode(encoding), True
    text = data[:_CHECK_BYTES].decode(encoding, errors="ignore")
    cut = text.rfind("\n")
    return (text[:cut + 1] if cut > 0 else text), False


# -- text: records, delimiter, field counts --------------------------------------------------
_WS_FIELD = re.compile(r'"(?:[^"]|"")*"|\S+')


def _records(text: str, delimiter: str, limit: int | None = None,
             complete: bool = True) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of the non-blank records in ``text``."""
    out: list[tuple[int, list[str]]] = []
    if delimiter == _WHITESPACE:
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                out.append((i, [f[1:-1].replace('""', '"') if f.startswith('"') and len(f) > 1
                                 else f for f in _WS_FIELD.findall(line)]))
                if limit is not None and len(out) >= limit:
                    break
        return out if complete or len(out) < 2 else out[:-1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous = 0
    try:
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if row:
                out.append((start, row))
                if limit is not None and len(out) >= limit:
                    return out
    except csv.Error:       # e.g. a field longer than csv's limit: trust the main parser
        pass
    return out if complete or len(out) < 2 else out[:-1]


def _fits(row: list[str], n: int) -> bool:
    """A row fits a header of ``n`` fields (extra fields that are all empty are allowed)."""
    return len(row) == n or (len(row) > n and not any(f.strip() for f in row[n:]))


def _consistency(records: list[tuple[int, list[str]]]) -> tuple[float, int] | None:
    """(share of records fitting the header, header field count), None for < 2 fields."""
    if not records or len(records[0][1]) < 2:
        return None
    n = len(records[0][1])
    return sum(_fits(r, n) for _, r in records) / len(records), n


def _sniff_delimiter(text: str) -> str | None:
    """The delimiter whose field count is most consistent (ties: more fields, then the
    order , ; tab |). Runs of whitespace only when no single character fits better."""
    scored = []
    for order, d in enumerate(_DELIMITERS):
        score = _consistency(_records(text, d, _SNIFF_RECORDS))
        if score is not None:
            scored.append((score[0], score[1], -order, d))
    best = max(scored) if scored else None
    ws = _consistency(_records(text, _WHITESPACE, _SNIFF_RECORDS))
    if ws is not None and ws[0] >= 0.9 and (best is None or ws[0] > best[0]):
        return _WHITESPACE
    return best[3] if best else None


def _first_bad_record(records: Iterable[tuple[int, list[str]]], n: int) -> tuple[int, int] | None:
    """(line number, field count) of the first record that does not fit ``n`` fields."""
    for line, row in records:
        if not _fits(row, n):
            return line, len(row)
    return None


def _bad_line_error(fname: str, line: int, got: int, n: int, delimiter: str) -> InputError:
    shown = {"\t": "tab", _WHITESPACE: "whitespace"}.get(delimiter, f"'{delimiter}'")
    return _fail(fname, f"line {line} has {_count(got, 'field')} but the header has {n} "
                 f"(delimiter {shown})",
                 "fix that line, or put quotes around values that contain the delimiter",
                 row=line)


# -- text: numbers ---------------------------------------------------------------------------
_LEADING_ZERO = re.compile(r"\s*[+-]?0\d+\s*")
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


def _sniff_decimal(records: list[tuple[int, list[str]]], delimiter: str) -> str:
    """',' when more cells look like 3,5 / 1.234,56 than like 3.5 (never for ',' files)."""
    if delimiter == ",":
        return "."
    comma = dot = 0
    for _, row in records[1:]:
        for cell in row:
            cell = cell.strip()
            if not cell or not (cell[0].isdigit() or cell[0] in "+-."):
                continue
            if _COMMA_DECIMAL.fullmatch(cell):
                comma += 1
            elif _DOT_DECIMAL.fullmatch(cell) and not _DOT_GROUPS.fullmatch(cell):
                dot += 1
    return "," if comma > dot else "."


def _leading_zero_columns(records: list[tuple[int, list[str]]], names: list[str]) -> set[str]:
    """Columns with digit strings like 00042 in the sample: read as text, not numbers."""
    found = set()
    for _, row in records[1:]:
        for j, cell in enumerate(row[:len(names)]):
            if names[j] not in found and cell[:1] in "0 +-" and _LEADING_ZERO.fullmatch(cell):
                found.add(names[j])
    return found


# -- text: reading ---------------------------------------------------------------------------
def _read_text(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """Delimited text: sniff, check field counts, then pandas' C parser."""
    encoding, data = _decode_check(raw, st)
    text, complete = _head_text(data, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _fail(st.fname, "contains no table (only empty lines)",
                    "export the table again with a header row and one row per customer")
    delimiter = _sniff_delimiter(text)
    st.delimiter = delimiter
    records = _records(text, delimiter or "\x1f", complete=complete)
    header = records[0][1]
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(st.fname, len(header))
    if delimiter is not None:
        bad = _first_bad_record(records[1:], len(header))
        if bad:
            raise _bad_line_error(st.fname, bad[0], bad[1], len(header), delimiter)
    else:
        st.notes.append("no delimiter found: read as a single column")
    names = _clean_names(header, st)
    st.keep_text = _leading_zero_columns(records[:_VALUE_RECORDS], names)
    st.decimal = _sniff_decimal(records[:_VALUE_RECORDS], delimiter or ",")
    for col in sorted(st.keep_text):
        st.notes.append(f"column '{col}' has values with leading zeros (e.g. ids or codes): "
                        "kept as text")
    return _parse_csv(data, encoding, st, names, header_line=records[0][0])


def _parse_csv(data: bytes, encoding: str, st: _ReadState, names: list[str],
               header_line: int) -> pd.DataFrame:
    sep = {None: "\x1f", _WHITESPACE: r"\s+"}.get(st.delimiter, st.delimiter)
    kwargs = dict(sep=sep, engine="c", header=0, names=names, index_col=False,
                  encoding=encoding, skiprows=header_line - 1, skip_blank_lines=False,
                  decimal=st.decimal, dtype={c: "str" for c in st.keep_text} or None,
                  low_memory=False)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            df = pd.read_csv(io.BytesIO(data), **kwargs)
    except pd.errors.ParserError as exc:
        raise _parser_error(st, str(exc)) from None
    except pd.errors.EmptyDataError:
        raise _fail(st.fname, "contains no table", "export the table again with a header row") from None
    except (ValueError, UnicodeDecodeError, OverflowError) as exc:
        raise _fail(st.fname, f"cannot be read as a table ({_short(exc)})",
                    "check that it is a delimited text file") from None
    if any("Length of header or names" in str(w.message) for w in caught):
        _raise_long_line(data, encoding, st, len(names))
    return df


def _parser_error(st: _ReadState, message: str) -> InputError:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        return _bad_line_error(st.fname, int(m.group(2)), int(m.group(3)), int(m.group(1)),
                               st.delimiter or ",")
    if "EOF inside string" in message:
        m = re.search(r"row (\d+)", message)
        where = f" (it starts near line {int(m.group(1)) + 1})" if m else ""
        return _fail(st.fname, f"a quoted value is never closed{where}",
                     "check the quotes in the file")
    return _fail(st.fname, f"cannot be read as a table ({_short(message)})",
                 "check the delimiter and the quotes")


def _raise_long_line(data: bytes, encoding: str, st: _ReadState, n: int) -> None:
    """pandas silently dropped fields of a too-long line: find it (rare, so a full scan)."""
    text = data.decode(encoding)
    bad = _first_bad_record(_records(text, st.delimiter or ","), n)
    if bad:
        raise _bad_line_error(st.fname, bad[0], bad[1], n, st.delimiter or ",")


def _too_many_columns(fname: str, n: int) -> InputError:
    return _fail(fname, f"has {n} columns, more than the limit of {MAX_COLUMNS}",
                 "keep only the columns that describe customer behaviour")


def _short(exc: Any, limit: int = 120) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- parquet, xlsx, jsonl ------------------------------------------------------------------
def _read_parquet(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """Parquet through pyarrow (no pickled extension types are ever loaded)."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(raw))
        if len(pf.schema_arrow) > MAX_COLUMNS:
            raise _too_many_columns(st.fname, len(pf.schema_arrow))
        df = pf.read().to_pandas()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for broken files
        raise _fail(st.fname, f"is not a readable Parquet file ({_short(exc)})",
                    "export the table again as Parquet or CSV") from None
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()       # a stored index (e.g. customer_id) becomes a column
    return df


def _read_xlsx(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """First sheet of an .xlsx through openpyxl; the first non-empty row is the header."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            is_workbook = "xl/workbook.xml" in zf.namelist()
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError, OSError, ...
        raise _fail(st.fname, "is not a readable Excel .xlsx file (broken zip container)",
                    "open it in Excel and save it again, or export it as CSV") from None
    if not is_workbook:
        raise _fail(st.fname, "is a zip archive, not an Excel workbook",
                    "unpack it, or save the table as .xlsx or CSV")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pd.ExcelFile(io.BytesIO(raw), engine="openpyxl") as book:
                sheets = book.sheet_names
                grid = book.parse(sheets[0], header=None)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise _fail(st.fname, f"is not a readable Excel .xlsx file ({_short(exc)})",
                    "open it in Excel and save it again, or export it as CSV") from None
    if len(sheets) > 1:
        st.notes.append(f"read the first sheet '{sheets[0]}' of {len(sheets)} "
                        f"(not read: {', '.join(map(str, sheets[1:6]))}"
                        f"{', …' if len(sheets) > 6 else ''})")
    filled = grid.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise _fail(st.fname, f"the first sheet '{sheets[0]}' is empty",
                    "put the table on the first sheet, with a header row")
    grid = grid.iloc[int(np.argmax(filled)):]
    if grid.shape[1] > MAX_COLUMNS:
        raise _too_many_columns(st.fname, grid.shape[1])
    names = _clean_names([_header_text(v) for v in grid.iloc[0]], st)
    body = grid.iloc[1:].reset_index(drop=True)
    body.columns = names
    return body.infer_objects()


def _header_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_jsonl(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """One JSON object per line; blank lines are skipped; line numbers in errors are 1-based."""
    encoding, data = _decode_check(raw, st)
    text = data.decode(encoding).lstrip("\ufeff")
    if Path(st.fname).suffix.lower() == ".json" and text.lstrip().startswith("["):
        return _json_array(text, st)
    lines = text.splitlines()
    where = [i for i, line in enumerate(lines) if line.strip()]
    if not where:
        raise _fail(st.fname, "contains no records (only empty lines)",
                    "write one JSON object per line, e.g. {\"customer_id\": 1, \"orders\": 3}")
    records = _json_records(lines, where, st.fname)
    columns: dict[str, None] = {}
    for k, rec in enumerate(records):
        if type(rec) is not dict:
            raise _fail(st.fname, f"line {where[k] + 1} is not a JSON object "
                        f"(it is {_json_kind(rec)})",
                        "write one object per line, e.g. {\"customer_id\": 1, \"orders\": 3}",
                        row=where[k] + 1)
        columns.update(dict.fromkeys(rec))
        if len(columns) > MAX_COLUMNS:
            raise _too_many_columns(st.fname, len(columns))
    if not columns:
        raise _fail(st.fname, "the records have no fields", "write one JSON object per line with fields")
    return pd.DataFrame.from_records(records, columns=list(columns))


def _json_array(text: str, st: _ReadState) -> pd.DataFrame:
    """A .json file holding one array of objects (a common export) instead of JSON Lines."""
    try:
        records = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        raise _fail(st.fname, f"is not valid JSON{where} ({getattr(exc, 'msg', exc)})",
                    "write one JSON object per line (JSON Lines)", row=line) from None
    for k, rec in enumerate(records):
        if type(rec) is not dict:
            raise _fail(st.fname, f"element {k + 1} of the JSON array is not an object "
                        f"(it is {_json_kind(rec)})", "write one object per customer")
    st.notes.append("read a JSON array of objects (JSON Lines is preferred for large files)")
    if not records:
        raise _fail(st.fname, "the JSON array is empty", "write one object per customer")
    columns = list(dict.fromkeys(k for rec in records for k in rec))
    if len(columns) > MAX_COLUMNS:
        raise _too_many_columns(st.fname, len(columns))
    return pd.DataFrame.from_records(records, columns=columns)


def _json_records(lines: list[str], where: list[int], fname: str) -> list[Any]:
    """Parse all lines at once (fast); on any doubt parse line by line to name the bad one."""
    try:
        records = json.loads("[" + ",".join(lines[i] for i in where) + "]")
        if len(records) == len(where):
            return records
    except ValueError:
        pass
    out = []
    for i in where:
        try:
            out.append(json.loads(lines[i]))
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            raise _fail(fname, f"line {i + 1} is not valid JSON ({msg})",
                        "write one JSON object per line (JSON Lines)", row=i + 1) from None
    return out


def _json_kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


# -- shared clean-up -----------------------------------------------------------------------
def _clean_names(raw_names: Sequence[Any], st: _ReadState) -> list[str]:
    """Strip names; empty ones become column_N; duplicates become x, x_2, x_3 (noted)."""
    names = [str(n).strip() for n in raw_names]
    for i, n in enumerate(names):
        if not n or re.fullmatch(r"Unnamed: \d+(?:_level_\d+)?", n):
            names[i] = ""
    used = {n for n in names if n}
    out: list[str] = []
    seen: set[str] = set()
    renamed = []
    for i, n in enumerate(names):
        if not n:
            n = f"column_{i + 1}"
            k = 2
            while n in used or n in seen:
                n, k = f"column_{i + 1}_{k}", k + 1
            st.unnamed.add(n)
        elif n in seen:
            k = 2
            while f"{n}_{k}" in used or f"{n}_{k}" in seen:
                k += 1
            renamed.append(f"'{n}' → '{n}_{k}'")
            n = f"{n}_{k}"
        seen.add(n)
        out.append(n)
    if renamed:
        st.notes.append("duplicate column names made unique: " + ", ".join(renamed[:10])
                        + (" …" if len(renamed) > 10 else ""))
    return out


def _finish(df: pd.DataFrame, st: _ReadState) -> pd.DataFrame:
    """Same clean-up for every format: names, dtypes, empty rows/columns, numbers."""
    if df.shape[1] > MAX_COLUMNS:
        raise _too_many_columns(st.fname, df.shape[1])
    if df.shape[1] == 0:
        raise _fail(st.fname, "contains no columns", "export the table again with a header row")
    df.columns = _clean_names(list(df.columns), st)
    nested = []
    for col in df.columns:
        df[col], was_nested = _normalise_column(df[col])
        if was_nested:
            nested.append(col)
    if nested:
        st.notes.append("nested values (lists/objects) kept as text in: " + ", ".join(nested[:10]))
    if len(df) == 0:
        what = "has a header but no data rows" if st.format in ("csv", "xlsx") else "has no rows"
        raise _fail(st.fname, what, "add one row per customer below the header")
    df = _drop_unnamed_columns(df, st)
    empty = df.isna().all(axis=1).to_numpy()
    if empty.any():
        st.dropped_rows.append(("completely empty", int(empty.sum())))
        df = df.loc[~empty]
    if len(df) == 0:
        raise _fail(st.fname, f"has no data rows (only {_count(int(empty.sum()), 'empty row')})",
                    "add one row per customer below the header")
    df = df.reset_index(drop=True)
    _convert_numeric_text(df, st)
    named = [c for c in df.columns if c not in st.unnamed]
    if len(named) > 1 and all(re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", c) for c in named):
        st.notes.append("every column name is a number: does the file have a header row?")
    if st.decimal is None and st.format == "csv":
        st.decimal = "."
    return df


def _normalise_column(s: pd.Series) -> tuple[pd.Series, bool]:
    """One representation per kind: numpy numbers/bools, 'str' text, no categoricals,
    no nullable extension dtypes; text stripped with '' as missing. Also: was it nested?"""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s, dtype = s.astype(object), np.dtype(object)
    if isinstance(dtype, pd.StringDtype) or dtype == object:
        return _normalise_text(s)
    if pd.api.types.is_extension_array_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_bool_dtype(dtype):
            if s.notna().all():
                return s.astype(bool), False
            return s.astype(object).where(s.notna(), np.nan), False
        if pd.api.types.is_integer_dtype(dtype) and s.notna().all():
            return s.astype("int64"), False
        if pd.api.types.is_numeric_dtype(dtype):
            return s.astype("float64"), False
        return _normalise_text(s.astype(object))
    return s, False


def _normalise_text(s: pd.Series) -> tuple[pd.Series, bool]:
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.na_value is pd.NA:
        values = s.dropna()
        head = values.iloc[:1000].map(type).unique() if len(values) else []
        kinds = set(head)
        if kinds and kinds <= {bool, np.bool_}:
            return (s.astype(bool) if s.notna().all() else s), False
        if kinds and all(issubclass(k, (datetime.date, np.datetime64)) for k in kinds):
            try:
                converted = pd.to_datetime(s, errors="coerce", utc=True).dt.tz_convert(None)
            except (TypeError, ValueError):
                converted = None
            if converted is not None and converted.notna().sum() == len(values):
                return converted, False
        nested = any(issubclass(k, (list, dict, tuple, set, np.ndarray)) for k in kinds)
        if nested:
            s = s.map(_json_text, na_action="ignore")
        s = s.astype("str")
    else:
        nested = False
    stripped = s.str.strip()
    return stripped.where(stripped != ""), nested


def _json_text(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, dict, tuple, set)):
        try:
            return json.dumps(list(value) if isinstance(value, (tuple, set)) else value,
                              ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            return str(value)
    return value


def _drop_unnamed_columns(df: pd.DataFrame, st: _ReadState) -> pd.DataFrame:
    """Columns without a header that hold nothing, or only row numbers (an exported index)."""
    drop = []
    n = len(df)
    for col in [c for c in df.columns if c in st.unnamed]:
        s = df[col]
        if s.isna().all():
            drop.append(col)
            st.dropped_columns.append((col, "no header and no values"))
        elif pd.api.types.is_integer_dtype(s.dtype) and n > 1 and (
                np.array_equal(s.to_numpy(), np.arange(n)) or
                np.array_equal(s.to_numpy(), np.arange(1, n + 1))):
            drop.append(col)
            st.dropped_columns.append((col, "no header and only row numbers (an exported index)"))
    return df.drop(columns=drop) if drop else df


# -- numbers stored as text ---------------------------------------------------------------
_CURRENCY = r"(?:€|\$|£|¥|EUR|USD|GBP|CHF)"
_CURRENCY_EDGE = re.compile(rf"^{_CURRENCY}\s*|\s*{_CURRENCY}$")
_SPACES = "[ \u00a0\u202f']"
_US_NUMBER = (rf"[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:\.\d*)?"
              r"(?:[eE][+-]?\d+)?|[+-]?\.\d+(?:[eE][+-]?\d+)?")
_EU_NUMBER = (rf"[+-]?(?:\d{{1,3}}(?:\.\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:,\d*)?"
              r"|[+-]?,\d+")
_EU_ONLY = r"[+-]?\d*,(?:\d{1,2}|\d{4,})|.*\.\d{3},\d*"
_US_ONLY = r"[+-]?\d*\.(?:\d{1,2}|\d{4,})(?:[eE][+-]?\d+)?|.*,\d{3}\.\d*|.*[eE][+-]?\d+"
# Spreadsheet markers for "no value": treated as missing when the rest are numbers.
MISSING_MARKERS = ("-", "--", "?", "n.a.", "k.a.", "k. a.", "#NV", "#N/A", "#DIV/0!",
                   "#WERT!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "NaN", "nan", "null", "None")


@dataclass(frozen=True)
class _NumberPlan:
    decimal: str                # "." or ","
    thousands: str | None       # separator seen in the sample, if any
    currency: bool


def _number_plan(texts: pd.Series, prefer_decimal: str = ".") -> _NumberPlan | None:
    """How to read stripped text values as numbers, or None when they are not numbers.

    At least 99 % of the non-marker values must match one convention strictly (digit
    groups of three). Ambiguous values such as 1.234 follow any unambiguous value in the
    same column, else ``prefer_decimal`` (the file's decimal sign).
    """
    texts = texts[~texts.isin(MISSING_MARKERS)]
    if texts.empty or texts.str.fullmatch(r"\s*[+-]?0\d+\s*").any():
        return None
    currency = bool(texts.str.contains(_CURRENCY, regex=True).any())
    if currency:
        texts = texts.str.replace(_CURRENCY_EDGE, "", regex=True).str.strip()
    us = texts.str.fullmatch(_US_NUMBER).mean()
    eu = texts.str.fullmatch(_EU_NUMBER).mean()
    if max(us, eu) < 0.99:
        return None
    if us >= 0.99 and eu >= 0.99:
        eu_seen = bool(texts.str.fullmatch(_EU_ONLY).any())
        us_seen = bool(texts.str.fullmatch(_US_ONLY).any())
        decimal = "," if eu_seen and not us_seen else "." if us_seen and not eu_seen \
            else prefer_decimal
    else:
        decimal = "." if us >= 0.99 else ","
    group = "," if decimal == "." else "."
    grouped = f"\\d{re.escape(group)}\\d{{3}}" if decimal == "." else r"\d\.\d{3}(?:,|$)"
    thousands = (group if texts.str.contains(grouped, regex=True).any()
                 else " " if texts.str.contains(rf"\d{_SPACES}\d{{3}}", regex=True).any() else None)
    return _NumberPlan(decimal=decimal, thousands=thousands, currency=currency)


def _apply_number_plan(s: pd.Series, plan: _NumberPlan) -> pd.Series:
    """Text -> float/int by ``plan``; values that do not parse become NaN."""
    t = s.astype("str").str.strip()
    if plan.currency:
        t = t.str.replace(_CURRENCY_EDGE, "", regex=True).str.strip()
    t = t.str.replace(r"[ \u00a0\u202f']", "", regex=True)
    if plan.decimal == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        t = t.str.replace(",", "", regex=False)
    return pd.to_numeric(t, errors="coerce")


def _convert_numeric_text(df: pd.DataFrame, st: _ReadState) -> None:
    """Convert text columns that hold numbers (decimal comma, thousands, currency) in place."""
    for col in df.columns:
        s = df[col]
        if col in st.keep_text or not _is_text(s):
            continue
        values = s.dropna()
        if values.empty:
            continue
        texts = _sample(values).astype("str")
        plan = _number_plan(texts, st.decimal or ".")
        if plan is None:
            continue
        numbers = _apply_number_plan(s, plan)
        failed = numbers.isna() & s.notna() & ~s.isin(MISSING_MARKERS)
        if failed.sum() > 0.01 * len(values):
            continue
        df[col] = numbers
        if plan.decimal == "," and st.format == "csv":
            st.decimal = ","
        if plan.thousands and st.thousands is None:
            st.thousands = plan.thousands
        markers = int((s.isin(MISSING_MARKERS)).sum())
        if failed.any():
            example = s[failed].iloc[0]
            st.notes.append(f"column '{col}': {int(failed.sum())} value(s) that are not numbers "
                            f"(e.g. '{example}') were treated as missing")
        if markers:
            st.notes.append(f"column '{col}': {markers} placeholder value(s) such as "
                            f"'{s[s.isin(MISSING_MARKERS)].iloc[0]}' were treated as missing")


def _is_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) or s.dtype == object


def _sample(s: pd.Series, n: int = SAMPLE_SIZE) -> pd.Series:
    """At most ``n`` values spread evenly over the series (deterministic)."""
    if len(s) <= n:
        return s
    return s.iloc[np.linspace(0, len(s) - 1, n).astype(np.int64)]


# =========================================================================================
# Roles
# =========================================================================================
@dataclass(frozen=True)
class ColumnRole:
    """What one column is used for, and why (shown next to the column in the workbench)."""

    column: str
    role: str
    reason: str
    inferred: bool = True       # False when set by the user


@dataclass(frozen=True)
class ColumnRoles:
    """The role of every column, in table order; at most one id column."""

    items: tuple[ColumnRole, ...]
    _by_column: dict = field(init=False, repr=False, compare=False, hash=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        by_column = {}
        for item in self.items:
            if item.role not in ALL_ROLES:
                raise InputError(f"column '{item.column}': '{item.role}' is not a column role — "
                                 f"use one of: {', '.join(ALL_ROLES)}", column=item.column)
            if item.column in by_column:
                raise InputError(f"column '{item.column}' has two roles — give each column one role",
                                 column=item.column)
            by_column[item.column] = item
        ids = [i.column for i in self.items if i.role == ID]
        if len(ids) > 1:
            raise InputError(f"two id columns ('{ids[0]}' and '{ids[1]}') — choose one id column")
        object.__setattr__(self, "_by_column", by_column)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, column: object) -> bool:
        return column in self._by_column

    def get(self, column: str) -> ColumnRole | None:
        """The :class:`ColumnRole` of ``column``, None if it is unknown."""
        return self._by_column.get(column)

    def role(self, column: str) -> str:
        """Role of ``column``; InputError for a column that is not in the table."""
        item = self._by_column.get(column)
        if item is None:
            known = [i.column for i in self.items]
            raise InputError(f"column '{column}' has no role: it is not in the table — known "
                             f"columns: {', '.join(known[:10])}{' …' if len(known) > 10 else ''}",
                             column=str(column))
        return item.role

    def columns(self, *roles: str) -> list[str]:
        """Columns with any of ``roles`` (all columns without arguments), in table order."""
        return [i.column for i in self.items if not roles or i.role in roles]

    @property
    def id_col(self) -> str | None:
        ids = self.columns(ID)
        return ids[0] if ids else None

    @property
    def feature_columns(self) -> list[str]:
        """Columns that become behaviour features (numeric, categorical, boolean, datetime)."""
        return self.columns(*FEATURE_ROLES)

    def as_mapping(self) -> dict[str, str]:
        """column -> role, in table order."""
        return {i.column: i.role for i in self.items}

    def with_overrides(self, overrides: Mapping[str, str], source: str = "data") -> "ColumnRoles":
        """New roles with the user's choices (column -> role) applied.

        A new id column replaces the old one, which becomes ``ignore``; two id columns in
        one set of overrides, unknown columns and unknown roles are InputErrors.
        """
        overrides = dict(overrides or {})
        known = [i.column for i in self.items]
        for col, role in overrides.items():
            if col not in self._by_column:
                raise _unknown_column(source, col, "role override", known)
            if role not in ALL_ROLES:
                raise InputError(f"{source}: '{role}' is not a column role (column '{col}') — "
                                 f"use one of: {', '.join(ALL_ROLES)}", source=source, column=col)
        new_ids = [c for c, r in overrides.items() if r == ID]
        if len(new_ids) > 1:
            raise InputError(f"{source}: two id columns given ('{new_ids[0]}' and "
                             f"'{new_ids[1]}') — choose one id column", source=source)
        items = []
        for item in self.items:
            if item.column in overrides:
                role = overrides[item.column]
                reason = "set by you" if role != IGNORE else "left out by you"
                items.append(ColumnRole(item.column, role, reason, inferred=False))
            elif new_ids and item.role == ID:
                items.append(ColumnRole(item.column, IGNORE,
                                        f"not used: '{new_ids[0]}' is the id column",
                                        inferred=item.inferred))
            else:
                items.append(item)
        return ColumnRoles(tuple(items))

    def to_frame(self) -> pd.DataFrame:
        """One row per column: column, role, reason, inferred (for tables in the UI)."""
        return pd.DataFrame([{"column": i.column, "role": i.role, "reason": i.reason,
                              "inferred": i.inferred} for i in self.items],
                            columns=["column", "role", "reason", "inferred"])

    def to_dict(self) -> dict[str, Any]:
        return {"items": [{"column": i.column, "role": i.role, "reason": i.reason,
                           "inferred": bool(i.inferred)} for i in self.items]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ColumnRoles":
        return cls(tuple(ColumnRole(str(i["column"]), str(i["role"]), str(i.get("reason", "")),
                                    bool(i.get("inferred", True))) for i in d["items"]))


def _unknown_column(source: str, column: str, what: str, available: Sequence[str]) -> InputError:
    """'x.csv: column 'Custid' (id column) does not exist — did you mean ...; available: ...'."""
    close = difflib.get_close_matches(str(column), list(available), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    shown = ", ".join(f"'{c}'" for c in list(available)[:10])
    more = f", … ({len(available)} columns)" if len(available) > 10 else ""
    return InputError(f"{source}: column '{column}' ({what}) does not exist — {hint}"
                      f"available columns: {shown}{more}", source=source, column=str(column))


def infer_roles(df: pd.DataFrame, *, id_col: str | None = None, exclude: Sequence[str] = (),
                labels: Sequence[str] = (), overrides: Mapping[str, str] | None = None,
                source: str = "data") -> ColumnRoles:
    """Role of every column, with a plain-words reason (see the module docstring).

    Args:
        df: the table as returned by :func:`read_table` (any DataFrame works).
        id_col: the customer id column; inferred from names like ``customer_id`` if None.
        exclude: columns to leave out (role ``ignore``).
        labels: columns kept out of the features but reported per persona (role ``label``).
        overrides: column -> role, applied last.
        source: file name used in error messages.

    Raises:
        InputError: a named column does not exist, a role is unknown, or column names
            are not unique.
    """
    columns = [str(c) for c in df.columns]
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise InputError(f"{source}: column name '{dup}' appears twice — give every column "
                         "its own name", source=source, column=dup)
    named = ([(id_col, "id column")] if id_col is not None else []) \
        + [(c, "excluded column") for c in exclude] + [(c, "label column") for c in labels] \
        + [(c, "role override") for c in (overrides or {})]
    for col, what in named:
        if col not in columns:
            raise _unknown_column(source, col, what, columns)
    norms = {c: _norm_name(c) for c in columns}
    chosen, id_reason, other_ids = _choose_id(df, norms, id_col)
    items = []
    for col, raw in zip(columns, df.columns):
        if col == chosen:
            items.append(ColumnRole(col, ID, id_reason, inferred=id_col is None))
        elif col in other_ids:
            items.append(ColumnRole(col, IGNORE, f"another identifier: '{chosen}' is the id column"))
        else:
            role, reason = _infer_column(df[raw], norms[col])
            if role == NUMERIC and _id_priority(norms[col]) is not None:
                role, reason = _id_code_role(df[raw])
            items.append(ColumnRole(col, role, reason))
    roles = ColumnRoles(tuple(items))
    for col in labels:          # labels are reported per persona: personal data never is
        item = roles.get(col)
        if item is not None and item.role == PII:
            raise InputError(f"{source}: column '{col}' holds personal data ({item.reason}) and "
                             "cannot be a label reported per persona — leave it out, or if it is "
                             f"not personal data set its role yourself (e.g. --role {col}=categorical)",
                             source=source, column=col)
    explicit = {c: IGNORE for c in exclude}
    explicit.update({c: LABEL for c in labels})
    if explicit:
        roles = roles.with_overrides(explicit, source)
        roles = ColumnRoles(tuple(
            ColumnRole(i.column, i.role, "left out by you (exclude)" if i.role == IGNORE
                       else "marked as a label by you", False) if i.column in explicit else i
            for i in roles.items))
    if overrides:
        roles = roles.with_overrides(overrides, source)
    return roles


# -- names ------------------------------------------------------------------------------------
def _norm_name(name: str) -> str:
    """'CustomerID' / 'Customer ID' / 'customer-id' -> 'customer_id'."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    return re.sub(r"[\W_]+", "_", split.lower()).strip("_")


_ID_NAMES = {
    0: {"customer_id", "customerid", "cust_id", "custid", "kunden_id", "kundenid",
        "kundennummer", "kunden_nr", "kundennr", "kunde_id", "client_id", "clientid",
        "customer_number", "customer_no", "customer_nr", "customer_key"},
    1: {"id"},
    2: {"user_id", "userid", "account_id", "accountid", "member_id", "memberid", "person_id",
        "contact_id", "mitgliedsnummer", "nutzer_id"},
}
_STRONG_ID = 2


def _id_priority(norm: str) -> int | None:
    """Lower is a better customer-id name; None: not an id name."""
    for priority, names in _ID_NAMES.items():
        if norm in names:
            return priority
    if norm.endswith("_id") or norm in ("uuid", "guid"):
        return 3
    return None


def _id_like_values(s: pd.Series) -> bool:
    """Strings or whole numbers: what an id column holds."""
    if _is_text(s):
        return True
    if pd.api.types.is_bool_dtype(s.dtype):
        return False
    if pd.api.types.is_integer_dtype(s.dtype):
        return True
    if pd.api.types.is_float_dtype(s.dtype):
        values = s.dropna().to_numpy()
        return bool(len(values)) and bool(np.all(np.mod(values, 1) == 0))
    return False


def _choose_id(df: pd.DataFrame, norms: Mapping[str, str],
               id_col: str | None) -> tuple[str | None, str, set[str]]:
    """(id column, reason, other unique identifier columns to leave out)."""
    candidates = []
    for pos, (col, raw) in enumerate(zip(norms, df.columns)):
        priority = _id_priority(norms[col])
        if priority is not None and _id_like_values(df[raw]):
            candidates.append((priority, pos, col, raw))
    candidates.sort()
    unique = [(p, col) for p, _, col, raw in candidates
              if df[raw].notna().all() and df[raw].is_unique]
    if id_col is not None:
        others = {col for _, col in unique if col != id_col}
        return id_col, "set as the id column by you", others
    if unique:
        best = unique[0][1]
        return best, "named like an id and every value is unique", {c for _, c in unique[1:]}
    for priority, _, col, raw in candidates:
        if priority <= _STRONG_ID:
            s = df[raw]
            problems = []
            n_missing = int(s.isna().sum())
            n_dup = int(s.dropna().duplicated().sum())
            if n_dup:
                problems.append(f"{n_dup} repeated value(s)")
            if n_missing:
                problems.append(f"{n_missing} missing")
            return col, "named like a customer id, but it has " + " and ".join(problems), set()
    return None, "", set()


def _id_code_role(s: pd.Series) -> tuple[str, str]:
    """A numeric column named like an id that is not the id (e.g. store_id): the numbers
    are codes, so they are categories when there are few, else not used."""
    values = s.dropna()
    n_distinct = int(_sample(values).nunique())
    n_sampled = min(len(values), SAMPLE_SIZE)
    if n_distinct <= _MAX_CATEGORIES or n_distinct <= _CATEGORY_SHARE * n_sampled:
        return CATEGORICAL, f"codes named like an id ({_count(n_distinct, 'distinct value')})"
    return IGNORE, "codes named like an id, with too many values to use"


_PII_NAMES = (
    (r"(?:(?:first|last|full|given|family|middle|maiden|sur|customer|client|contact|user|"
     r"kunden|person|display)_?)?name|vor_?name|nach_?name|familienname|name_(?:first|last|full)",
     "a person's name"),
    (r".*(?:^|_)(?:address|adresse|anschrift|street|strasse|straße|house_number|hausnummer)"
     r"(?:_.*|$)", "an address"),
    (r".*(?:^|_)e_?mail(?:_.*|$)|mail|mail_address", "an e-mail address"),
    (r".*(?:^|_)(?:phone|telephone|telefon|tel|mobile|mobil|handy|fax|cell)"
     r"(?:_(?:number|nummer|nr|no))?", "a phone number"),
    (r".*(?:^|_)(?:iban|bic|account_number|kontonummer)(?:_.*|$)", "a bank account"),
    (r"birthday|birth_?date|date_of_birth|dob|geburtstag|geburtsdatum|birth_day",
     "a birth date"),
    (r"zip|zip_?code|postal_?code|post_?code|plz|postleitzahl|postal", "a postal code"),
    (r"ssn|social_security_number|passport(?:_.*)?|tax_id|steuer_id|steuernummer|ip|ip_address",
     "an official or network identifier"),
)
# Names that mean personal data even when the values are plain numbers.
_NUMERIC_PII_NAME = re.compile(
    r"(?:phone|telephone|telefon|tel|mobile|mobil|handy|fax)(?:_?(?:number|nummer|nr|no))?|"
    r"zip|zip_?code|postal_?code|post_?code|plz|postleitzahl|iban|account_number|kontonummer|"
    r"ssn|social_security_number|tax_id|steuer_id|steuernummer")
_PII_PARSE_SAMPLE = 2_000
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}"
_IBAN = r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}"
_PHONE = r"(?:\+|00|0|\()[\d\s()/\-]{6,24}"
_STREET = (r"(?:[\w.'\-]+\s)*[\w.'\-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|"
           r"ufer|chaussee|steig|pfad)\s*\d+\s*[a-z]?\b.*"
           r"|\d+[a-z]?\s+(?:[\w.'\-]+\s)+(?:street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|"
           r"drive|dr\.?|boulevard|blvd\.?|way|court|ct\.?|place|pl\.?|square|sq\.?|terrace|"
           r"close|crescent|highway|hwy\.?)(?:\s.*|,.*)?")
_PII_SHARE = 0.8


def _pii_by_name(norm: str, kind: str, n_distinct: int, n_sampled: int) -> str | None:
    """Reason if the name means personal data and the values could identify someone.

    Personal values are varied: a column with two values (email_opt_in: yes/no) or a
    handful of repeated ones (share_mobile: low/high) is a behaviour, not contact data.
    """
    if n_distinct <= 2 or (n_distinct <= _MAX_CATEGORIES and n_distinct < 0.2 * n_sampled):
        return None
    for pattern, meaning in _PII_NAMES:
        if re.fullmatch(pattern, norm):
            if kind == "text" or (kind == "numeric" and _NUMERIC_PII_NAME.fullmatch(norm)) \
                    or (kind == "datetime" and meaning == "a birth date"):
                return f"column name suggests personal data ({meaning})"
    return None


def _pii_by_value(texts: pd.Series) -> str | None:
    """Reason if most sampled values are e-mails, IBANs, phone numbers or street addresses."""
    texts = _sample(texts, _PII_PARSE_SAMPLE)
    checks = (
        ("e-mail addresses", lambda t: t.str.fullmatch(_EMAIL)),
        ("IBANs", lambda t: t.str.replace(" ", "", regex=False).str.upper().str.fullmatch(_IBAN)),
        ("phone numbers", lambda t: t.str.fullmatch(_PHONE)
         & t.str.count(r"\d").between(9, 15)),
        ("street addresses", lambda t: t.str.match(_STREET, case=False)),
    )
    for what, test in checks:
        share = float(test(texts).fillna(False).mean())
        if share >= _PII_SHARE:
            return f"looks like {what} ({_pct(share)} of sampled values)"
    return None


# -- one column -------------------------------------------------------------------------------
_LABEL_NAME = re.compile(
    r"segment|segments|persona|personas|cluster|label|labels|class|klasse|truth|ground_truth|"
    r"target|group|gruppe|kundengruppe|kundensegment|segmentierung|true_.*|.*_segment|"
    r"segment_.*|.*_persona|persona_.*|.*_label|.*_cluster|cluster_.*|customer_group|"
    r"customer_class")
_TRUE = ("1", "1.0", "true", "yes", "ja", "y", "j", "t", "wahr")
_FALSE = ("0", "0.0", "false", "no", "nein", "n", "f", "falsch")
_BOOL_PAIRS = ({"0", "1"}, {"0.0", "1.0"}, {"true", "false"}, {"yes", "no"}, {"ja", "nein"},
               {"y", "n"}, {"j", "n"}, {"t", "f"}, {"wahr", "falsch"})
_MAX_CATEGORIES = 50
_CATEGORY_SHARE = 0.05


def _kind(s: pd.Series) -> str:
    """bool | numeric | datetime | text (object, str, everything else)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_complex_dtype(s.dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime"
    return "text"


def _texts(sample: pd.Series) -> pd.Series:
    """Sampled non-null values as stripped strings."""
    return sample.astype("str").str.strip()


def _infer_column(s: pd.Series, norm: str) -> tuple[str, str]:
    """(role, reason) of one column, rules in order: missing, PII, constant, label,
    boolean, datetime, numeric, free text vs categorical."""
    values = s.dropna()
    if values.empty:
        return CONSTANT, "all values missing"
    kind = _kind(s)
    sample = _sample(values)
    texts = _texts(sample) if kind == "text" else None
    n_distinct = int((texts if texts is not None else sample).nunique())
    if texts is not None:
        pii = _pii_by_value(texts)
        if pii:
            return PII, pii
    pii = _pii_by_name(norm, kind, n_distinct, len(sample))
    if pii:
        return PII, pii
    if n_distinct <= 1 and _is_constant(values):
        missing = " (the rest missing)" if len(values) < len(s) else ""
        return CONSTANT, f"only one value: {_show(values.iloc[0])}{missing}"
    if _LABEL_NAME.fullmatch(norm) and not (kind == "numeric" and n_distinct > _MAX_CATEGORIES):
        return LABEL, f"name suggests a known segment or label ({n_distinct} values)"
    boolean = _boolean_reason(kind, values, texts, n_distinct)
    if boolean:
        return BOOLEAN, boolean
    if kind == "datetime":
        return DATETIME, "stored as dates"
    date = _datetime_reason(norm, kind, sample, texts)
    if date:
        return DATETIME, date
    if kind == "numeric":
        where = " in the sample" if len(sample) < len(values) else ""
        return NUMERIC, f"numbers ({_count(n_distinct, 'distinct value')}{where})"
    if kind == "bool":
        return CONSTANT, f"only one value: {_show(values.iloc[0])}"
    if _number_plan(texts) is not None:
        return NUMERIC, "numbers stored as text"
    return _text_or_categorical(texts, n_distinct)


def _is_constant(values: pd.Series) -> bool:
    """At most one distinct value in the whole (non-null) column, in one linear pass."""
    first = values.iloc[0]
    try:
        return not bool((values != first).any())
    except TypeError:
        return values.astype("str").nunique() <= 1


def _boolean_reason(kind: str, values: pd.Series, texts: pd.Series | None,
                    n_distinct: int) -> str | None:
    """Reason if the column is a yes/no flag: a bool dtype, two numbers, or a known pair
    of words (yes/no, ja/nein, true/false, y/n, t/f, 0/1) in the whole column."""
    if n_distinct != 2:
        return None
    if kind == "bool":
        return "true/false values"
    if kind == "numeric":
        if values.nunique() != 2:
            return None
        lo, hi = sorted(values.unique().tolist())
        if (lo, hi) == (0, 1):
            return "two values only: 0 and 1"
        return f"two values only: {_show(lo)} (read as 0) and {_show(hi)} (read as 1)"
    if texts is None:
        return None
    pair = set(texts.str.lower().unique())
    if pair not in _BOOL_PAIRS:
        return None
    full = values.astype("str").str.strip().str.lower()
    if not full.isin(pair).all():
        return None
    yes = next(v for v in sorted(pair) if v in _TRUE)
    no = next(v for v in sorted(pair) if v in _FALSE)
    return f"two values only: {yes} / {no}"


# -- dates ------------------------------------------------------------------------------------
_DATE_FORMATS = (
    ("ISO8601", "ISO dates (YYYY-MM-DD)"),
    ("%d.%m.%Y", "DD.MM.YYYY"), ("%d.%m.%Y %H:%M", "DD.MM.YYYY hh:mm"),
    ("%d.%m.%Y %H:%M:%S", "DD.MM.YYYY hh:mm:ss"), ("%d.%m.%y", "DD.MM.YY"),
    ("%m/%d/%Y", "MM/DD/YYYY"), ("%d/%m/%Y", "DD/MM/YYYY"),
    ("%m/%d/%Y %H:%M", "MM/DD/YYYY hh:mm"), ("%m/%d/%Y %H:%M:%S", "MM/DD/YYYY hh:mm:ss"),
    ("%d/%m/%Y %H:%M", "DD/MM/YYYY hh:mm"), ("%d/%m/%Y %H:%M:%S", "DD/MM/YYYY hh:mm:ss"),
    ("%d-%m-%Y", "DD-MM-YYYY"), ("%m-%d-%Y", "MM-DD-YYYY"),
    ("%Y/%m/%d", "YYYY/MM/DD"), ("%Y.%m.%d", "YYYY.MM.DD"),
)
_COMPACT = ("%Y%m%d", "YYYYMMDD")
_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:[ T]\d{1,2}:\d{2}.*)?")
_DATE_SHARE = 0.95
_DATE_PARSE_SAMPLE = 5_000
_DATE_NAME = re.compile(r"(?:.*_)?(?:date|datum|dt|day|tag|time|zeit)(?:_.*)?|.*date|.*datum")


def _date_name(norm: str) -> bool:
    return bool(_DATE_NAME.fullmatch(norm))


def _parse_dates(texts: pd.Series, fmt: str) -> pd.Series:
    """Parse with one format; unparsable values become NaT. UTC-normalised, tz-naive."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = pd.to_datetime(texts, format=fmt, errors="coerce", utc=True)
    return out.dt.tz_convert(None)


def _best_date_format(texts: pd.Series, norm: str,
                      require_name: bool = True) -> tuple[str, str, float] | None:
    """(format, description, share parsed) of the best format on the sample, or None.

    Eight-digit numbers count as YYYYMMDD only when the column name says date
    (``require_name``), since ids and amounts look the same.
    """
    texts = _sample(texts, _DATE_PARSE_SAMPLE)
    if texts.empty:
        return None
    if texts.str.fullmatch(r"\d{8}").all():
        if require_name and not _date_name(norm):
            return None
        parsed = _parse_dates(texts, _COMPACT[0])
        ok = parsed.notna() & parsed.dt.year.between(1900, 2100)
        return (*_COMPACT, float(ok.mean()))
    if texts.str.fullmatch(_DATE_LIKE).mean() < _DATE_SHARE:
        return None
    best = None
    for fmt, label in _DATE_FORMATS:
        share = float(_parse_dates(texts, fmt).notna().mean())
        if best is None or share > best[2]:
            best = (fmt, label, share)
        if share == 1.0:
            break
    return best


def _datetime_reason(norm: str, kind: str, sample: pd.Series,
                     texts: pd.Series | None) -> str | None:
    """Reason if the values are dates; whole numbers only as YYYYMMDD under a date name."""
    if kind == "numeric":
        if not (_date_name(norm) and _id_like_values(sample)):
            return None
        texts = sample.astype("int64").astype("str")
    elif texts is None:
        return None
    found = _best_date_format(texts, norm)
    if found is None or found[2] < _DATE_SHARE:
        return None
    return f"dates ({_pct(found[2])} of sampled values parse as {found[1]})"


def _text_or_categorical(texts: pd.Series, n_distinct: int) -> tuple[str, str]:
    share = n_distinct / len(texts)
    median_len = float(texts.str.len().median())
    if median_len >= 30 and share >= 0.5:
        return TEXT, (f"free text (median {median_len:.0f} characters, "
                      f"{_pct(share)} distinct): not used")
    if n_distinct <= _MAX_CATEGORIES or share <= _CATEGORY_SHARE:
        return CATEGORICAL, f"text with {_count(n_distinct, 'distinct value')}"
    return TEXT, (f"text with many different values ({n_distinct} of {len(texts)} sampled): "
                  "not used")


# =========================================================================================
# coerce_types
# =========================================================================================
def coerce_types(df: pd.DataFrame, roles: ColumnRoles) -> pd.DataFrame:
    """A new frame with the dtypes the feature pipeline expects.

    numeric -> float64; boolean -> float64 0/1 (NaN missing); datetime -> datetime64[ns]
    (UTC, tz-naive); categorical and label -> object strings (stripped, NaN missing).
    Other roles and columns without a role are unchanged.
    """
    out = df.copy(deep=False)
    for raw in df.columns:
        item = roles.get(str(raw))
        if item is None:
            continue
        s = df[raw]
        if item.role == NUMERIC:
            out[raw] = _to_float(s)
        elif item.role == BOOLEAN:
            out[raw] = _to_flag(s)
        elif item.role == DATETIME:
            out[raw] = _to_datetime(s, _norm_name(item.column))
        elif item.role in (CATEGORICAL, LABEL):
            out[raw] = _to_object_text(s)
    return out


def _to_float(s: pd.Series) -> pd.Series:
    """float64; text is parsed with the column's own number convention (NaN if not a number)."""
    kind = _kind(s)
    if kind in ("numeric", "bool"):
        return s.astype("float64")
    if kind == "datetime":
        return pd.Series(np.nan, index=s.index, dtype="float64")
    values = s.dropna()
    plan = _number_plan(_texts(_sample(values))) if len(values) else None
    if plan is None:       # e.g. forced numeric on codes with leading zeros
        plan = _NumberPlan(decimal=".", thousands=None, currency=False)
    return _apply_number_plan(s, plan).astype("float64")


def _to_flag(s: pd.Series) -> pd.Series:
    """0/1 floats: true/yes/ja/1 -> 1; for two other numbers, smaller -> 0, larger -> 1."""
    kind = _kind(s)
    if kind == "bool":
        return s.astype("float64")
    if kind == "numeric":
        x = s.astype("float64")
        levels = np.unique(x.dropna().to_numpy())
        if set(levels.tolist()) <= {0.0, 1.0}:
            return x
        if len(levels) == 2:
            return (x == levels[1]).astype("float64").where(x.notna())
        return (x != 0).astype("float64").where(x.notna())
    text = s.astype("str").str.strip().str.lower()
    present = s.notna().to_numpy()
    seen = set(text[present].unique())
    yes, no = text.isin(_TRUE).to_numpy(), text.isin(_FALSE).to_numpy()
    if len(seen) == 2 and not seen & set(_TRUE + _FALSE):     # e.g. forced on male/female
        low, high = sorted(seen)
        yes, no = (text == high).to_numpy(), (text == low).to_numpy()
    out = np.where(yes & present, 1.0, np.where(no & present, 0.0, np.nan))
    return pd.Series(out, index=s.index, name=s.name, dtype="float64")


def _to_datetime(s: pd.Series, norm: str) -> pd.Series:
    """datetime64[ns], tz-naive UTC; text in the column's best format; out of range -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s.dt.tz_convert("UTC").dt.tz_localize(None) if s.dt.tz is not None else s
    else:
        if _kind(s) == "numeric":       # YYYYMMDD numbers
            x = s.astype("float64")
            x = x.where(np.isfinite(x) & (x.abs() < 1e15))
            s = x.round().astype("Int64").astype("str").where(x.notna())
        texts = s.astype("str").str.strip().where(s.notna())
        values = texts.dropna()
        found = (_best_date_format(_sample(values), norm, require_name=False)
                 if len(values) else None)
        # a column the user declared as dates in no known format: let pandas guess per value
        fmt = found[0] if found and found[2] >= 0.5 else "mixed"
        out = _parse_dates(texts, fmt)
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    out = out.where((out >= lo) & (out <= hi))
    return out.astype("datetime64[ns]")


def _to_object_text(s: pd.Series) -> pd.Series:
    """Python str values (whole floats without '.0'), NaN for missing, dtype object."""
    missing = s.isna().to_numpy()
    if _kind(s) == "numeric" and pd.api.types.is_float_dtype(s.dtype):
        values = s.to_numpy()
        finite = values[~missing]
        if len(finite) and np.all(np.mod(finite, 1) == 0) and np.all(np.abs(finite) < 2**53):
            s = s.astype("Int64")
    text = s.astype("str").str.strip()
    arr = text.to_numpy(dtype=object, na_value=np.nan)
    arr[missing] = np.nan
    arr[arr == ""] = np.nan
    return pd.Series(arr, index=s.index, dtype=object, name=s.name)


# =========================================================================================
# Quality
# =========================================================================================
@dataclass(frozen=True)
class ColumnQuality:
    """Quality of one column as the user should see it before trusting the personas."""

    column: str
    role: str
    dtype: str
    missing_share: float
    n_unique: int
    skew: float | None          # numeric only
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualityReport:
    """Per-column quality plus whole-table duplicates and warnings."""

    columns: tuple[ColumnQuality, ...]
    n_rows: int
    duplicate_rows: int
    duplicate_ids: int
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per column; warnings joined with '; '."""
        return pd.DataFrame([{"column": c.column, "role": c.role, "dtype": c.dtype,
                              "missing_share": c.missing_share, "n_unique": c.n_unique,
                              "skew": c.skew, "warnings": "; ".join(c.warnings)}
                             for c in self.columns],
                            columns=["column", "role", "dtype", "missing_share", "n_unique",
                                     "skew", "warnings"])

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [{"column": c.column, "role": c.role, "dtype": c.dtype,
                             "missing_share": float(c.missing_share), "n_unique": int(c.n_unique),
                             "skew": None if c.skew is None else float(c.skew),
                             "warnings": list(c.warnings)} for c in self.columns],
                "n_rows": int(self.n_rows), "duplicate_rows": int(self.duplicate_rows),
                "duplicate_ids": int(self.duplicate_ids), "warnings": list(self.warnings)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "QualityReport":
        cols = tuple(ColumnQuality(column=str(c["column"]), role=str(c["role"]),
                                   dtype=str(c["dtype"]), missing_share=float(c["missing_share"]),
                                   n_unique=int(c["n_unique"]),
                                   skew=None if c.get("skew") is None else float(c["skew"]),
                                   warnings=tuple(c.get("warnings", ())))
                     for c in d["columns"])
        return cls(columns=cols, n_rows=int(d["n_rows"]), duplicate_rows=int(d["duplicate_rows"]),
                   duplicate_ids=int(d["duplicate_ids"]), warnings=tuple(d.get("warnings", ())))


def quality_report(df: pd.DataFrame, roles: ColumnRoles) -> QualityReport:
    """Missing shares, distinct counts, skew and duplicates of the table as read."""
    columns = []
    for raw in df.columns:
        s = df[raw]
        item = roles.get(str(raw))
        role = item.role if item else IGNORE
        columns.append(_column_quality(str(raw), s, role))
    id_col = roles.id_col
    duplicate_rows = _duplicate_rows(df, id_col)
    duplicate_ids = 0
    warnings_: list[str] = []
    if id_col is not None and id_col in df.columns:
        ids = df[id_col].dropna()
        duplicate_ids = int(ids.duplicated().sum())
        if duplicate_ids:
            warnings_.append(f"{_count(duplicate_ids, 'repeated id')} in column '{id_col}'")
    elif id_col is None:
        warnings_.append("no id column: customers are identified by their row number")
    if duplicate_rows:
        warnings_.append(f"{_count(duplicate_rows, 'row')} exactly repeat an earlier row")
    private = roles.columns(PII)
    if private:
        warnings_.append("personal data is never used or shown: " + ", ".join(private[:10]))
    n_features = len(roles.feature_columns)
    if n_features == 0:
        warnings_.append("no behaviour columns: personas cannot be found")
    return QualityReport(columns=tuple(columns), n_rows=len(df), duplicate_rows=duplicate_rows,
                         duplicate_ids=duplicate_ids, warnings=tuple(warnings_))


def _column_quality(col: str, s: pd.Series, role: str) -> ColumnQuality:
    n = len(s)
    missing = float(s.isna().mean()) if n else 0.0
    try:
        n_unique = int(s.nunique())
    except TypeError:
        n_unique = int(s.astype("str").nunique())
    skew = None
    notes: list[str] = []
    if missing >= _MISSING_WARN:
        notes.append(f"{_pct(missing)} missing")
    if role == NUMERIC:
        x = _to_float(s).to_numpy()
        skew = _skew(x[np.isfinite(x)])
        if skew is not None and abs(skew) > _SKEW_THRESHOLD:
            low = np.nanmin(x) if np.isfinite(x).any() else 0.0
            if skew > 0 and low >= 0:
                heavy = "heavy right skew" if skew > 3 else "right skew"
                notes.append(f"{heavy} (skew {skew:.1f}): will be log-transformed")
            else:
                notes.append(f"skewed (skew {skew:.1f}): will be Yeo-Johnson transformed")
    elif role == CATEGORICAL and n_unique > _MANY_LEVELS:
        notes.append(f"high cardinality ({n_unique} levels): rare levels are grouped as other")
    elif role == CONSTANT:
        notes.append("the same value everywhere: not used")
    elif role == PII:
        notes.append("personal data: never used or shown")
    elif role == ID and (missing > 0 or n_unique < n - int(s.isna().sum())):
        notes.append("ids repeat or are missing")
    return ColumnQuality(column=col, role=role, dtype=str(s.dtype), missing_share=missing,
                         n_unique=n_unique, skew=skew, warnings=tuple(notes))


def _skew(x: np.ndarray, limit: int = 50_000) -> float | None:
    """Sample skewness (as scipy.stats.skew), on at most ``limit`` evenly spread values."""
    if len(x) > limit:
        x = x[np.linspace(0, len(x) - 1, limit).astype(np.int64)]
    if len(x) < 3:
        return None
    d = x - x.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 1e-12 * max(1.0, float(np.mean(x * x))):
        return None
    value = float(np.mean(d ** 3)) / m2 ** 1.5
    return round(value, 3) if np.isfinite(value) else None


def _duplicate_rows(df: pd.DataFrame, id_col: str | None) -> int:
    """Rows identical in every column to an earlier row.

    With a unique id column there can be none. Otherwise rows are compared by a 64-bit
    hash of all their cells (2-3x faster than DataFrame.duplicated on wide tables).
    """
    if df.shape[1] == 0 or len(df) < 2:
        return 0
    if id_col is not None and id_col in df.columns:
        ids = df[id_col]
        if ids.notna().all() and ids.is_unique:
            return 0
    try:
        hashes = pd.util.hash_pandas_object(df, index=False)
    except TypeError:       # unhashable cells (lists) in a frame not read by read_table
        hashes = pd.util.hash_pandas_object(df.astype("str"), index=False)
    return int(hashes.duplicated().sum())


# =========================================================================================
# check_usable
# =========================================================================================
def check_usable(df: pd.DataFrame, roles: ColumnRoles, source: str = "data", *,
                 min_rows: int = 10) -> None:
    """Stop before the expensive steps when no personas can come out.

    Raises InputError for: fewer than ``min_rows`` rows, repeated or missing ids, and
    no behaviour (feature) column.
    """
    n = len(df)
    if n < min_rows:
        raise InputError(f"{source}: only {_count(n, 'customer row')} — persona discovery "
                         f"needs at least {min_rows} customers", source=source)
    id_col = roles.id_col
    if id_col is not None and id_col in df.columns:
        _check_ids(df[id_col], id_col, source)
    if not roles.feature_columns:
        raise InputError(f"{source}: no behaviour columns to find personas in — "
                         f"{_describe_roles(roles)}; mark a behaviour column, "
                         f"e.g. --role {_example_column(roles)}=numeric", source=source)


def _check_ids(ids: pd.Series, id_col: str, source: str) -> None:
    missing = ids.isna().to_numpy()
    if missing.any():
        first = int(np.argmax(missing)) + 1
        more = int(missing.sum()) - 1
        extra = f" (and {_count(more, 'more row')})" if more else ""
        raise InputError(f"{source}: the id column '{id_col}' is empty in row {first}{extra} — "
                         "fill in every customer id or choose another id column with --id-col",
                         source=source, column=id_col, row=first)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = int(np.argmax(dup))
        value = ids.iloc[first]
        rows = np.flatnonzero((ids == value).to_numpy())[:2] + 1
        raise InputError(f"{source}: id {_show(value)} appears more than once in column "
                         f"'{id_col}' (rows {rows[0]} and {rows[1]}) — is this an event log? "
                         "use --events to aggregate it per customer, or choose another id "
                         "column with --id-col", source=source, column=id_col, row=int(rows[1]))


def _describe_roles(roles: ColumnRoles) -> str:
    items = list(roles.items)
    if not items:
        return "the table has no columns"
    if len(items) == 1 and items[0].role == ID:
        return f"there is only an id column ('{items[0].column}')"
    shown = ", ".join(f"{i.column} ({i.role})" for i in items[:10])
    more = f", … ({len(items)} columns)" if len(items) > 10 else ""
    return f"the columns are {shown}{more}"


def _example_column(roles: ColumnRoles) -> str:
    for item in roles.items:
        if item.role not in (ID, PII):
            return item.column
    return "COL"


# -- small formatting helpers -----------------------------------------------------------------
def _pct(share: float) -> str:
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share * 100:.0f}%"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _show(value: Any) -> str:
    """A value for a message: whole floats without '.0', text in quotes, long text cut."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        return str(value)
    text = str(value)
    return f"'{text if len(text) <= 40 else text[:39] + '…'}'"
