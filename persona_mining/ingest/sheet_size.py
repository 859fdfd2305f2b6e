"""How large the first sheet of an ``.xlsx`` really is, found before it is read.

openpyxl and pandas turn a sheet into a dense grid from its first to its last used
cell: a 1.5 KB workbook with values in A1 and XFD1048576 becomes 17 billion cells and
takes the server down. The sheet's declared ``<dimension>`` cannot be trusted (writers
get it wrong, so pandas ignores it), so the sheet XML itself is scanned: streamed from
the zip in chunks (after the entries' declared sizes and compression ratios are
checked), with one regular expression over the cell tags. Only cells that hold a value
count, as in pandas' grid; the scan costs about a tenth of reading the sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from operator import methodcaller

from .. import safe_read
from ..i18n import _, fmt_number
from .limits import MAX_COLUMNS, MAX_SHEET_CELLS, MAX_XLSX_UNPACKED, _too_many_columns
from .messages import _fail

_CHUNK = 4 << 20
# A cell start tag with its position and a value (not self-closing: <c r="B2" s="1"/> is
# formatting only). The namespace prefix is optional (x:c is valid too).
_VALUED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}[0-9]+)"[^>]*(?<!/)>')
_CELL_WITHOUT_REF = re.compile(rb"<(?:\w+:)?c[\s>/](?![^>]*\br=)")
_LETTERS = methodcaller("rstrip", b"0123456789")
_DIGITS = methodcaller("lstrip", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_POSITIONAL = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>')
_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]*)"')


@dataclass(frozen=True)
class SheetSize:
    """The used range of a sheet: last row and column holding a value, and how many do."""

    rows: int
    columns: int
    cells: int
    far_cell: str          # the cell furthest right (or down), to name in messages


def check_first_sheet(raw: bytes, fname: str) -> SheetSize:
    """The first sheet's used range, or InputError when it is too large to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            safe_read.check_zip(zf, name=fname, max_entry=MAX_XLSX_UNPACKED,
                                max_total=MAX_XLSX_UNPACKED)
            path = _first_sheet_path(zf)
            size = _scan(zf, path)
    except zipfile.BadZipFile:
        raise _fail(fname, _("is not a readable Excel .xlsx file (broken zip container)"),
                    _("open it in Excel and save it again, or export it as CSV")) from None
    if size.columns > MAX_COLUMNS:
        raise _fail(fname, _("the first sheet has a value in cell {cell}, column {n} — more "
                             "than the limit of {limit} columns", cell=size.far_cell,
                             n=fmt_number(size.columns), limit=fmt_number(MAX_COLUMNS)),
                    _delete_stray())
    if size.rows * size.columns > MAX_SHEET_CELLS:
        raise _fail(fname, _("the first sheet's used range is A1:{corner} ({rows} rows × "
                             "{columns} columns), more than the limit of {limit} cells",
                             corner=f"{_col_letters(size.columns)}{size.rows}",
                             rows=fmt_number(size.rows),
                             columns=fmt_number(size.columns), limit=fmt_number(MAX_SHEET_CELLS)),
                    _delete_stray())
    return size


def _delete_stray() -> str:
    return _("delete stray cells far from the table (Ctrl+End in Excel jumps to the last "
             "used cell), or save the table as CSV or Parquet")


def _first_sheet_path(zf: zipfile.ZipFile) -> str | None:
    """Zip path of the first sheet in workbook order (pandas reads that one), or None."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    book = zf.read("xl/workbook.xml")          # sizes checked by check_zip
    m = re.search(rb'<(?:\w+:)?sheet\s[^>]*?\b\w+:id="([^"]+)"', book)
    if not m:
        return None
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\s([^>]*)>", zf.read("xl/_rels/workbook.xml.rels")):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', rel.group(1)))
        if attrs.get(b"Id") == m.group(1):
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return path if path in names else None
    return None


def _scan(zf: zipfile.ZipFile, path: str | None) -> SheetSize:
    """Used range of the sheet at ``path`` (all worksheets when it is unknown: larger,
    never smaller than the truth)."""
    paths = [path] if path else [n for n in zf.namelist()
                                 if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    sizes = [_scan_one(zf, p) for p in paths]
    if not sizes:
        return SheetSize(0, 0, 0, "A1")
    return max(sizes, key=lambda s: (s.rows * s.columns, s.columns))


def _scan_one(zf: zipfile.ZipFile, path: str) -> SheetSize:
    rows = columns = cells = 0
    far = "A1"
    tail = b""
    with zf.open(path) as f:
        while True:
            block = f.read(_CHUNK)
            data = tail + block
            # a tag cut at the chunk's end is scanned again with the next chunk
            cut = data.rfind(b"<") if block else len(data)
            cut = len(data) if cut < 0 else cut
            part, tail = data[:cut], data[cut:]
            if _CELL_WITHOUT_REF.search(part):   # cells placed one after another
                return _scan_positional(zf, path)
            refs = _VALUED_CELL.findall(part)    # b"T100001", ...: C-level work only
            if refs:
                cells += len(refs)
                rows = max(rows, max(map(int, map(_DIGITS, refs))))
                col = max(set(map(_LETTERS, refs)), key=lambda c: (len(c), c))
                if _col_number(col) > columns:
                    columns = _col_number(col)
                    far = next(r for r in refs if _LETTERS(r) == col).decode()
            if not block:
                break
    return SheetSize(rows, columns, cells, far)


def _scan_positional(zf: zipfile.ZipFile, path: str) -> SheetSize:
    """Slow path for sheets whose cells or rows omit their position (allowed, rare): walk
    the row and cell tags in order, as openpyxl places them."""
    xml = zf.read(path)                 # size checked by check_zip
    row = col = rows = columns = cells = 0
    far = (1, 1)
    for m in _POSITIONAL.finditer(xml):
        ref = _REF.search(m.group(2))
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        col = _col_number(ref.group(1)) if ref and ref.group(1) else col + 1
        if ref and ref.group(2):
            row = int(ref.group(2))
        if not m.group(2).endswith(b"/"):
            cells += 1
            rows = max(rows, row)
            if col > columns:
                columns, far = col, (col, row)
    return SheetSize(rows, columns, cells, f"{_col_letters(far[0])}{far[1]}")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out or "A"
