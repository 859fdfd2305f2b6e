"""Size limits of what is read: beyond them a file is not a customer table we can use
(or is read more safely as Parquet or aggregated first).
"""

from __future__ import annotations

from ..errors import InputError
from .messages import _fail


MAX_COLUMNS = 1000          # more columns than this is not a customer table we can use
MAX_BYTES = 2 * 1024**3     # larger files are read more safely as Parquet or aggregated first


def _too_many_columns(fname: str, n: int) -> InputError:
    return _fail(fname, f"has {n} columns, more than the limit of {MAX_COLUMNS}",
                 "keep only the columns that describe customer behaviour")
