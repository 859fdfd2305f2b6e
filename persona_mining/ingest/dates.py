"""Dates stored as text or YYYYMMDD numbers: the best of the known formats on a sample."""

from __future__ import annotations

import re
import warnings

import pandas as pd

from .values import _sample


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
