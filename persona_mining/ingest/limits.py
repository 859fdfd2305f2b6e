"""Size limits of what is read, checked before the expensive step they protect.

Beyond them a file is not a customer table we can use (or is read more safely as
Parquet, or aggregated first). Wide tables are real (purchases per product, one column
per SKU): up to :data:`MAX_COLUMNS` columns are read, and the embedding reduces wide
model matrices first (see :mod:`persona_mining.reduce`). Memory grows with the cells
of the table, so that is limited too (:data:`MAX_CELLS`).
"""

from __future__ import annotations

from ..errors import InputError
from ..i18n import _, fmt_number
from .messages import _fail


MAX_COLUMNS = 20_000        # more columns than this is not a customer table we can use
MAX_BYTES = 2 * 1024**3     # larger files are read more safely as Parquet or aggregated first
MAX_CELLS = 250_000_000     # rows x columns: 2 GB as numbers; beyond, aggregate or select
MAX_CELL_CHARS = 100_000    # no customer attribute is longer (a 50 MB cell is an export error)
# Excel: the used range of the sheet (the declared dimension and the cells' positions are
# checked before openpyxl fills a grid with it) and the unpacked size of the sheet XML.
MAX_SHEET_CELLS = 25_000_000
MAX_XLSX_UNPACKED = 2 * 1024**3


def _too_many_columns(fname: str, n: int) -> InputError:
    return _fail(fname, _("has {n} columns, more than the limit of {limit}",
                          n=fmt_number(n), limit=fmt_number(MAX_COLUMNS)),
                 _("keep only the columns that describe customer behaviour"))


def _too_many_cells(fname: str, rows: int, columns: int) -> InputError:
    return _fail(fname, _("has {rows} rows × {columns} columns = {cells} values, more than "
                          "the limit of {limit}", rows=fmt_number(rows),
                          columns=fmt_number(columns), cells=fmt_number(rows * columns),
                          limit=fmt_number(MAX_CELLS)),
                 _("keep fewer columns, or discover personas on a sample of the customers"))
