"""Delimited text (CSV/TSV/TXT): delimiter, decimal sign and leading-zero codes are
sniffed, field counts checked, then pandas' C parser reads the file.

Thousands separators are never handed to the CSV parser: pandas would read the date
``05.01.2021`` as the number 5012021. Text columns that look numeric are converted
afterwards (see :mod:`.numbers`). Pure digit strings with a leading zero (``00042``)
stay text: they are codes or ids, and the user must get the same ids back.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from typing import Iterable

import pandas as pd

from .. import safe_read
from ..errors import InputError
from ..i18n import _, fmt_number
from .cleanup import _clean_names
from .encoding import _CHECK_BYTES, _decode_check, _head_text
from .limits import MAX_COLUMNS, _too_many_columns
from ..i18n import _, ngettext
from .messages import _fail, _short
from .report import _ReadState


_DELIMITERS = (",", ";", "\t", "|")
_WHITESPACE = "whitespace"


_SNIFF_RECORDS = 100        # records used to choose the delimiter
_VALUE_RECORDS = 5_000      # records used to sniff the decimal sign and leading zeros


# -- records, delimiter, field counts -------------------------------------------------------
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
    return sum(_fits(r, n) for _line, r in records) / len(records), n


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
    shown = {"\t": _("tab"), _WHITESPACE: _("whitespace")}.get(delimiter, f"'{delimiter}'")
    return _fail(fname, ngettext("line {line} has {n} field but the header has {header} "
                                 "(delimiter {delimiter})",
                                 "line {line} has {n} fields but the header has {header} "
                                 "(delimiter {delimiter})", got,
                                 line=line, header=n, delimiter=shown),
                 _("fix that line, or put quotes around values that contain the delimiter"),
                 row=line)


# -- decimal sign and leading-zero codes ----------------------------------------------------
_LEADING_ZERO = re.compile(r"\s*[+-]?0\d+\s*")
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


def _sniff_decimal(records: list[tuple[int, list[str]]], delimiter: str) -> str:
    """',' when more cells look like 3,5 / 1.234,56 than like 3.5 (never for ',' files)."""
    if delimiter == ",":
        return "."
    comma = dot = 0
    for _line, row in records[1:]:
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
    for _line, row in records[1:]:
        for j, cell in enumerate(row[:len(names)]):
            if names[j] not in found and cell[:1] in "0 +-" and _LEADING_ZERO.fullmatch(cell):
                found.add(names[j])
    return found


# -- reading ---------------------------------------------------------------------------------
def _read_text(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """Delimited text: sniff, check field counts, then pandas' C parser."""
    encoding, data = _decode_check(raw, st)
    text, complete = _head_text(data, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise _fail(st.fname, _("contains no table (only empty lines)"),
                    _("export the table again with a header row and one row per customer"))
    delimiter = _sniff_delimiter(text)
    st.delimiter = delimiter
    records = _records(text, delimiter or "\x1f", complete=complete)
    if not records:
        raise _unreadable_header(st.fname, text, complete)
    header = records[0][1]
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(st.fname, len(header))
    if delimiter is not None:
        bad = _first_bad_record(records[1:], len(header))
        if bad:
            raise _bad_line_error(st.fname, bad[0], bad[1], len(header), delimiter)
    else:
        st.notes.append(_("no delimiter found: read as a single column"))
    names = _clean_names(header, st)
    st.keep_text = _leading_zero_columns(records[:_VALUE_RECORDS], names)
    st.decimal = _sniff_decimal(records[:_VALUE_RECORDS], delimiter or ",")
    for col in sorted(st.keep_text):
        st.notes.append(_("column '{column}' has values with leading zeros (e.g. ids or codes): "
                          "kept as text", column=col))
    return _parse_csv(data, encoding, st, names, header_line=records[0][0])


def _unreadable_header(fname: str, text: str, complete: bool) -> InputError:
    """The first line is no header row: no line break in the part that is checked, or a
    value longer than the csv module's field limit (128 KB)."""
    if not complete and "\n" not in text:
        what = _("the first line is longer than {size} (no line break)",
                 size=safe_read.size_text(_CHECK_BYTES))
    else:
        what = _("the first line has a value longer than {n} characters",
                 n=fmt_number(csv.field_size_limit()))
    return _fail(fname, what, _("give a table with a header row and one line per customer"))


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
        raise _fail(st.fname, _("contains no table"),
                    _("export the table again with a header row")) from None
    except (ValueError, UnicodeDecodeError, OverflowError) as exc:
        raise _fail(st.fname, _("cannot be read as a table ({problem})", problem=_short(exc)),
                    _("check that it is a delimited text file")) from None
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
        what = (_("a quoted value is never closed (it starts near line {line})",
                  line=int(m.group(1)) + 1) if m else _("a quoted value is never closed"))
        return _fail(st.fname, what, _("check the quotes in the file"))
    return _fail(st.fname, _("cannot be read as a table ({problem})", problem=_short(message)),
                 _("check the delimiter and the quotes"))


def _raise_long_line(data: bytes, encoding: str, st: _ReadState, n: int) -> None:
    """pandas silently dropped fields of a too-long line: find it (rare, so a full scan)."""
    text = data.decode(encoding)
    bad = _first_bad_record(_records(text, st.delimiter or ","), n)
    if bad:
        raise _bad_line_error(st.fname, bad[0], bad[1], n, st.delimiter or ",")
