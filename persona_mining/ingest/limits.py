"""Size limits of what is read: beyond them a file is not a customer table we can use
(or is read more safely as Parquet or aggregated first).
"""

from __future__ import annotations

from ..errors import InputError
from ..i18n import _
from .messages import _fail


MAX_COLUMNS = 1000          # more columns than this is not a customer table we can use
MAX_BYTES = 2 * 1024**3     # larger files are read more safely as Parquet or aggregated first


def _too_many_columns(fname: str, n: int) -> InputError:
    return _fail(fname, _("has {n} columns, more than the limit of {limit}", n=n, limit=MAX_COLUMNS),
                 _("keep only the columns that describe customer behaviour"))
