"""Readers for the structured formats: Parquet (pyarrow), Excel ``.xlsx`` (openpyxl,
first sheet) and JSON Lines (or a ``.json`` array of objects). Nothing is ever
unpickled or evaluated.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .cleanup import _clean_names
from .encoding import _decode_check
from ..i18n import N_, _
from .limits import MAX_CELLS, MAX_COLUMNS, _too_many_cells, _too_many_columns
from .messages import _fail, _short
from .report import _ReadState
from .sheet_size import check_first_sheet

JSON_EXAMPLE = '{"customer_id": 1, "orders": 3}'


def _read_parquet(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """Parquet through pyarrow (no pickled extension types are ever loaded)."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(raw))
        if len(pf.schema_arrow) > MAX_COLUMNS:
            raise _too_many_columns(st.fname, len(pf.schema_arrow))
        if pf.metadata.num_rows * len(pf.schema_arrow) > MAX_CELLS:
            raise _too_many_cells(st.fname, pf.metadata.num_rows, len(pf.schema_arrow))
        df = _binary_as_text(pf.read(), st).to_pandas()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for broken files
        raise _fail(st.fname, _("is not a readable Parquet file ({problem})", problem=_short(exc)),
                    _("export the table again as Parquet or CSV")) from None
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()       # a stored index (e.g. customer_id) becomes a column
    return df


def _binary_as_text(table: Any, st: _ReadState) -> Any:
    """Binary columns (bytes) as text when every value is UTF-8 (some writers store text
    so); otherwise they hold images, hashes or blobs, which are no behaviour: dropped,
    with the reason in the report."""
    import pyarrow as pa

    for i, field in reversed(list(enumerate(table.schema))):
        t = field.type
        if not (pa.types.is_binary(t) or pa.types.is_large_binary(t)
                or pa.types.is_fixed_size_binary(t)):
            continue
        try:
            text = table.column(i).cast(pa.binary()).cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            table = table.remove_column(i)
            st.dropped_columns.append((field.name, _("binary data (not text or numbers)")))
        else:
            table = table.set_column(i, field.name, text)
    return table


def _read_xlsx(raw: bytes, st: _ReadState) -> pd.DataFrame:
    """First sheet of an .xlsx through openpyxl; the first non-empty row is the header."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            is_workbook = "xl/workbook.xml" in zf.namelist()
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError, OSError, ...
        raise _fail(st.fname, _("is not a readable Excel .xlsx file (broken zip container)"),
                    _("open it in Excel and save it again, or export it as CSV")) from None
    if not is_workbook:
        raise _fail(st.fname, _("is a zip archive, not an Excel workbook"),
                    _("unpack it, or save the table as .xlsx or CSV"))
    check_first_sheet(raw, st.fname)    # the used range, before a grid is built from it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pd.ExcelFile(io.BytesIO(raw), engine="openpyxl") as book:
                sheets = book.sheet_names
                grid = book.parse(sheets[0], header=None)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise _fail(st.fname, _("is not a readable Excel .xlsx file ({problem})", problem=_short(exc)),
                    _("open it in Excel and save it again, or export it as CSV")) from None
    if len(sheets) > 1:
        st.notes.append(_("read the first sheet '{sheet}' of {n} (not read: {others})",
                          sheet=sheets[0], n=len(sheets),
                          others=", ".join(map(str, sheets[1:6])) + (", …" if len(sheets) > 6 else "")))
    filled = grid.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise _fail(st.fname, _("the first sheet '{sheet}' is empty", sheet=sheets[0]),
                    _("put the table on the first sheet, with a header row"))
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
        raise _fail(st.fname, _("contains no records (only empty lines)"),
                    _("write one JSON object per line, e.g. {example}", example=JSON_EXAMPLE))
    records = _json_records(lines, where, st.fname)
    columns: dict[str, None] = {}
    for k, rec in enumerate(records):
        if type(rec) is not dict:
            raise _fail(st.fname, _("line {line} is not a JSON object (it is {kind})",
                                    line=where[k] + 1, kind=_json_kind(rec)),
                        _("write one object per line, e.g. {example}", example=JSON_EXAMPLE),
                        row=where[k] + 1)
        columns.update(dict.fromkeys(rec))
        if len(columns) > MAX_COLUMNS:
            raise _too_many_columns(st.fname, len(columns))
    if not columns:
        raise _fail(st.fname, _("the records have no fields"),
                    _("write one JSON object per line with fields"))
    return pd.DataFrame.from_records(records, columns=list(columns))


def _json_array(text: str, st: _ReadState) -> pd.DataFrame:
    """A .json file holding one array of objects (a common export) instead of JSON Lines."""
    try:
        records = json.loads(text)
    except RecursionError:
        raise _fail(st.fname, _("the JSON is nested too deeply to read"),
                    _("write one flat JSON object per customer")) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        problem = getattr(exc, "msg", exc)
        what = (_("is not valid JSON at line {line} ({problem})", line=line, problem=problem)
                if line else _("is not valid JSON ({problem})", problem=problem))
        raise _fail(st.fname, what, _("write one JSON object per line (JSON Lines)"),
                    row=line) from None
    for k, rec in enumerate(records):
        if type(rec) is not dict:
            raise _fail(st.fname, _("element {n} of the JSON array is not an object (it is {kind})",
                                    n=k + 1, kind=_json_kind(rec)),
                        _("write one object per customer"))
    st.notes.append(_("read a JSON array of objects (JSON Lines is preferred for large files)"))
    if not records:
        raise _fail(st.fname, _("the JSON array is empty"), _("write one object per customer"))
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
    except (ValueError, RecursionError):
        pass
    out = []
    for i in where:
        try:
            out.append(json.loads(lines[i]))
        except RecursionError:
            raise _fail(fname, _("line {n} is nested too deeply to read", n=i + 1),
                        _("write one flat JSON object per line"), row=i + 1) from None
        except ValueError as exc:
            msg = getattr(exc, "msg", str(exc))
            raise _fail(fname, _("line {line} is not valid JSON ({problem})", line=i + 1, problem=msg),
                        _("write one JSON object per line (JSON Lines)"), row=i + 1) from None
    return out


def _json_kind(value: Any) -> str:
    kinds = {list: N_("a list"), str: N_("a string"), bool: N_("true/false"), type(None): "null",
             int: N_("a number"), float: N_("a number")}
    return _(kinds[type(value)]) if type(value) in kinds else type(value).__name__
