""":func:`read_table`: a customer table from a path or uploaded bytes, in any of the
supported formats, with a report of how it was read.
"""

from __future__ import annotations

import hashlib
import os

import pandas as pd

from .cleanup import _finish
from .delimited import _read_text
from .loading import _detect_format, _format_notes, _load_bytes
from ..i18n import _
from .messages import _fail
from .report import IngestReport, _ReadState
from .structured import _read_jsonl, _read_parquet, _read_xlsx


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
        raise _fail(fname, _("the file is empty (0 bytes)"),
                    _("export the table again with a header row and one row per customer"))
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
