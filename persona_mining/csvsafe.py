"""CSV output that spreadsheet programs cannot execute (formula injection)."""

from __future__ import annotations

import os
import re

import pandas as pd

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """Prefix text cells that a spreadsheet would run as a formula with a single quote.

    A bare carriage return becomes a line feed: CSV writers quote cells with line feeds
    but not with a lone CR, which readers take for the end of the row."""
    if not isinstance(value, str):
        return value
    if value.startswith(_DANGEROUS) and not _NUMBER.fullmatch(value):
        value = "'" + value      # a plain number (-17, +4915112345) runs nothing: kept as is
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8")
