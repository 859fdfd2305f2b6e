"""Reading customer files: any common format in, one DataFrame and an ingest report out.

Also decides what each column is for (roles, including personal data that must
never reach a persona card) and reports data quality. Every problem the user can
fix is an :class:`InputError` naming the file, column or row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import InputError
from .roles import (ALL_ROLES, BOOLEAN, CATEGORICAL, CONSTANT, DATETIME, FEATURE_ROLES, ID,
                    IGNORE, LABEL, NUMERIC, PII, TEXT)

MAX_COLUMNS = 1000
MAX_BYTES = 2 * 1024**3
ROLE_SAMPLE = 20_000
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
TEXT_EXT = {".csv", ".tsv", ".txt", ".dat", ".tab"}


# =============================================================================== reading
@dataclass(frozen=True)
class IngestReport:
    source: str
    sha256: str
    format: str
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    thousands: str | None
    n_rows: int
    n_columns: int
    dropped_rows: tuple[tuple[str, int], ...] = ()
    dropped_columns: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["dropped_rows"] = [list(x) for x in self.dropped_rows]
        d["dropped_columns"] = [list(x) for x in self.dropped_columns]
        d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "IngestReport":
        d = dict(d)
        d["dropped_rows"] = tuple((str(a), int(b)) for a, b in d.get("dropped_rows", ()))
        d["dropped_columns"] = tuple((str(a), str(b)) for a, b in d.get("dropped_columns", ()))
        d["notes"] = tuple(d.get("notes", ()))
        return cls(**d)


def read_table(source: str | os.PathLike | bytes, *, name: str | None = None) -> tuple[pd.DataFrame, IngestReport]:
    """Read a customer file (path or uploaded bytes) into a DataFrame plus an ingest report."""
    raw, label = _raw_bytes(source, name)
    fmt = _detect_format(raw, label)
    sha = hashlib.sha256(raw).hexdigest()
    if fmt == "parquet":
        df, info = _read_parquet(raw, label), {}
    elif fmt == "xlsx":
        df, info = _read_excel(raw, label), {}
    elif fmt == "jsonl":
        df, info = _read_jsonl(raw, label), {}
    else:
        df, info = _read_text(raw, label)
    return _finish(df, label, sha, fmt, info)


def _raw_bytes(source: str | os.PathLike | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "upload"
    path = Path(source)
    label = name or path.name
    if not path.exists():
        raise InputError(f"{path}: file not found — check the path", source=label)
    if path.is_dir():
        raise InputError(f"{path}: is a folder — give a data file", source=label)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{label}: larger than {MAX_BYTES // 1024**3} GB — convert it to Parquet "
                         "or aggregate it first", source=label)
    return path.read_bytes(), label


def _detect_format(raw: bytes, label: str) -> str:
    ext = Path(label).suffix.lower()
    if not raw:
        raise InputError(f"{label}: the file is empty — export the data again", source=label)
    if raw[:4] == b"PAR1" or ext == ".parquet":
        return "parquet"
    if ext in (".xlsx", ".xlsm") or (raw[:2] == b"PK" and ext not in TEXT_EXT | {".jsonl", ".ndjson"}):
        return "xlsx"
    if ext == ".xls":
        raise InputError(f"{label}: old Excel .xls is not supported — save it as .xlsx or CSV",
                         source=label)
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if raw[:2] == b"PK":
        raise InputError(f"{label}: this is a zip archive, not a {ext or 'text'} table — unzip "
                         "it or save it as CSV", source=label)
    return "text"


def _read_parquet(raw: bytes, label: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types; all mean "not readable"
        raise InputError(f"{label}: not a readable Parquet file ({_short(exc)}) — export it again",
                         source=label) from None


def _read_excel(raw: bytes, label: str) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(raw), sheet_name=0, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{label}: not a readable Excel .xlsx file ({_short(exc)}) — save it "
                         "again as .xlsx or CSV", source=label) from None


def _read_jsonl(raw: bytes, label: str) -> pd.DataFrame:
    text, _ = _decode(raw, label)
    stripped = text.lstrip()
    if stripped.startswith("["):   # a JSON array of objects is accepted too
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}: invalid JSON at line {exc.lineno} — {exc.msg}",
                             source=label, row=exc.lineno) from None
        if not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{label}: the JSON array must hold one object per customer",
                             source=label)
        return pd.DataFrame(rows)
    rows = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}: line {i} is not valid JSON ({exc.msg}) — JSON Lines needs "
                             "one object per line", source=label, row=i) from None
        if not isinstance(obj, dict):
            raise InputError(f"{label}: line {i} is a JSON {type(obj).__name__}, not an object — "
                             "JSON Lines needs one {{...}} object per customer", source=label, row=i)
        rows.append(obj)
    return pd.DataFrame(rows)


# -- delimited text --------------------------------------------------------------------
def _decode(raw: bytes, label: str) -> tuple[str, str]:
    if b"\x00" in raw[:65536]:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return raw.decode("utf-16"), "utf-16"
            except UnicodeDecodeError:
                pass
        raise InputError(f"{label}: looks like a binary file, not a table — export the data as "
                         "CSV, Excel .xlsx, Parquet or JSON Lines", source=label)
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for enc in ("utf-8", "cp1252"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "cp1252" and _looks_binary(text):
            break
        return text, enc
    text = raw.decode("latin-1")
    if _looks_binary(text):
        raise InputError(f"{label}: looks like a binary file, not a table — export the data as "
                         "CSV, Excel .xlsx, Parquet or JSON Lines", source=label)
    return text, "latin-1"


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    ctrl = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or 0x7F <= ord(ch) < 0xA0)
    return ctrl / len(sample) > 0.01


def _sniff(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (>1) of fields."""
    best, best_score = None, 0.0
    for d in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines if ln.strip()]
        if not counts or counts[0] < 2:
            continue
        same = sum(c == counts[0] for c in counts) / len(counts)
        score = same * 10 + min(counts[0], 50) / 50
        if same >= 0.9 and score > best_score:
            best, best_score = d, score
    if best is None:
        ws = [len(ln.split()) for ln in lines if ln.strip()]
        if ws and ws[0] >= 2 and sum(c == ws[0] for c in ws) / len(ws) >= 0.9:
            return "whitespace"
        return ","
    return best


def _read_text(raw: bytes, label: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    text, enc = _decode(raw, label)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln for ln in text.split("\n", 60)[:50]]
    if not any(ln.strip() for ln in lines):
        raise InputError(f"{label}: the file is empty — export the data again", source=label)
    delim = _sniff(lines)
    try:
        if delim == "whitespace":
            df = pd.read_csv(io.StringIO(text), sep=r"\s+", engine="python", dtype=str,
                             keep_default_na=False, skip_blank_lines=True)
        else:
            df = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False,
                             skip_blank_lines=True, engine="c", on_bad_lines="error")
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+).*?expected (\d+) fields?, saw (\d+)", str(exc))
        where = (f"line {m.group(1)} has {m.group(3)} fields where the header has {m.group(2)}"
                 if m else _short(exc))
        raise InputError(f"{label}: {where} — check the delimiter and quoting in that line",
                         source=label) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{label}: the file is empty — export the data again", source=label) from None
    if len(df.columns) > MAX_COLUMNS:
        raise InputError(f"{label}: {len(df.columns):,} columns, at most {MAX_COLUMNS:,} are "
                         "supported — select the behaviour columns you need", source=label)
    df = df.replace({"": None})
    df, decimal, thousands = _numbers_from_text(df, delim)
    return df, {"encoding": enc, "delimiter": delim, "decimal": decimal, "thousands": thousands}


_NUM_DOT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?(,\d+)?$")
_CURRENCY = re.compile(r"\s*(€|EUR|\$|USD|£|%)\s*$|^\s*(€|\$|£)\s*")
_MISSING = {"na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "missing"}


def _numbers_from_text(df: pd.DataFrame, delim: str) -> tuple[pd.DataFrame, str, str | None]:
    """Convert columns whose values are all numbers (decimal point or comma) to floats."""
    decimal_votes = {".": 0, ",": 0}
    thousands = None
    out = {}
    for col in df.columns:
        s = df[col]
        vals = s.dropna().astype(str).str.strip()
        vals = vals[~vals.str.lower().isin(_MISSING)]
        if vals.empty:
            out[col] = s
            continue
        sample = vals.sample(min(len(vals), 5000), random_state=0) if len(vals) > 5000 else vals
        sample = sample.str.replace(_CURRENCY, "", regex=True)
        dot = sample.str.match(_NUM_DOT).mean()
        comma = sample.str.match(_NUM_COMMA).mean()
        has_comma = sample.str.contains(",").any()
        has_dot = sample.str.contains(r"\.").any()
        use = None
        if dot == 1.0 and not (has_comma and not has_dot and delim == ";"):
            use = "."
        elif comma == 1.0:
            use = ","
        if use is None:
            out[col] = s
            continue
        cleaned = s.astype("object").where(~s.astype(str).str.strip().str.lower().isin(_MISSING), None)
        cleaned = cleaned.astype(str).str.strip().str.replace(_CURRENCY, "", regex=True)
        if use == ",":
            if sample.str.contains(r"\d\.\d{3}").any():
                thousands = "."
            cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            if has_comma:
                decimal_votes[","] += 1
        else:
            if sample.str.contains(r"\d,\d{3}").any():
                thousands = ","
            cleaned = cleaned.str.replace(",", "", regex=False)
            if has_dot:
                decimal_votes["."] += 1
        out[col] = pd.to_numeric(cleaned.where(s.notna(), None), errors="coerce")
    decimal = "," if decimal_votes[","] > decimal_votes["."] else "."
    return pd.DataFrame(out, index=df.index), decimal, thousands


# -- tidy up ---------------------------------------------------------------------------------
def _finish(df: pd.DataFrame, label: str, sha: str, fmt: str,
            info: Mapping[str, Any]) -> tuple[pd.DataFrame, IngestReport]:
    if len(df.columns) > MAX_COLUMNS:
        raise InputError(f"{label}: {len(df.columns):,} columns, at most {MAX_COLUMNS:,} are "
                         "supported — select the behaviour columns you need", source=label)
    df, notes = _clean_names(df)
    before = len(df)
    df = df.dropna(how="all").reset_index(drop=True)
    dropped = ((("completely empty", before - len(df)),) if before > len(df) else ())
    if df.empty:
        raise InputError(f"{label}: no data rows (only a header or empty lines) — check the "
                         "export", source=label)
    report = IngestReport(source=label, sha256=sha, format=fmt, encoding=info.get("encoding"),
                          delimiter=info.get("delimiter"), decimal=info.get("decimal"),
                          thousands=info.get("thousands"), n_rows=len(df),
                          n_columns=len(df.columns), dropped_rows=dropped, notes=tuple(notes))
    return df, report


def _clean_names(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    names, notes, seen = [], [], {}
    for i, c in enumerate(df.columns):
        name = str(c).strip() if c is not None else ""
        if not name or name.lower().startswith("unnamed:"):
            name = f"column_{i + 1}"
            notes.append(f"column {i + 1} has no name: called it '{name}'")
        if name in seen:
            seen[name] += 1
            new = f"{name}_{seen[name]}"
            notes.append(f"column name '{name}' appears twice: renamed the second to '{new}'")
            name = new
        else:
            seen[name] = 1
        names.append(name)
    out = df.copy()
    out.columns = names
    return out, notes


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


# ================================================================================ roles
@dataclass(frozen=True)
class ColumnRole:
    column: str
    role: str
    reason: str
    inferred: bool = True


@dataclass(frozen=True)
class ColumnRoles:
    items: tuple[ColumnRole, ...]

    def role(self, column: str) -> str:
        for it in self.items:
            if it.column == column:
                return it.role
        raise KeyError(column)

    def columns(self, *roles: str) -> list[str]:
        return [it.column for it in self.items if it.role in roles]

    @property
    def id_col(self) -> str | None:
        ids = self.columns(ID)
        return ids[0] if ids else None

    @property
    def feature_columns(self) -> list[str]:
        return self.columns(*FEATURE_ROLES)

    def with_overrides(self, overrides: Mapping[str, str], source: str = "data") -> "ColumnRoles":
        known = {it.column for it in self.items}
        items = list(self.items)
        for col, role in overrides.items():
            if col not in known:
                raise InputError(f"{source}: no column '{col}' — columns are: {_some(known)}",
                                 source=source, column=col)
            if role not in ALL_ROLES:
                raise InputError(f"{source}: unknown role '{role}' for column '{col}' — use one "
                                 f"of {', '.join(ALL_ROLES)}", source=source, column=col)
            if role == ID:   # only one id column: a new one demotes the old to ignore
                items = [replace(it, role=IGNORE, reason="another column was chosen as id",
                                 inferred=False) if it.role == ID and it.column != col else it
                         for it in items]
            items = [ColumnRole(col, role, "set by you", inferred=False) if it.column == col else it
                     for it in items]
        return ColumnRoles(tuple(items))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(it) for it in self.items])

    def to_dict(self) -> dict[str, Any]:
        return {"items": [asdict(it) for it in self.items]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ColumnRoles":
        return cls(tuple(ColumnRole(**it) for it in d["items"]))


def _some(names: Sequence[str] | set, n: int = 10) -> str:
    names = list(names)
    more = f" (+{len(names) - n} more)" if len(names) > n else ""
    return ", ".join(map(str, names[:n])) + more


_ID_NAME = re.compile(r"^(id|.*[_\s.-]id|customer.?(no|nr|number)|kunden.?(nr|nummer|id)|kdnr|"
                      r"clientid|userid|accountid|custid|memberid|customerid)$", re.I)
_ID_CAMEL = re.compile(r"[a-z](ID|Id)$")   # CustomerID, userId
_PII_NAME = re.compile(r"(e.?mail|phone|telefon|tel\.?$|mobile|handy|iban|bic|^name$|full.?name|"
                       r"first.?name|last.?name|surname|vorname|nachname|familienname|address|"
                       r"adresse|street|stra(ss|ß)e|birth|geburt|date.?of.?birth|dob$|zip|postal|"
                       r"postcode|plz|passport|ssn|tax.?id|credit.?card|card.?number|ip.?addr)",
                       re.I)
_LABEL_NAME = re.compile(r"(segment|persona|cluster|label|^class$|truth|^true_|target|^group$|"
                         r"_group$|^gruppe$)", re.I)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_PHONE = re.compile(r"^(\+|00)?[\d\s()/.-]{7,20}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}\s?([A-Z0-9]{4}\s?){2,7}[A-Z0-9]{1,4}$")
_STREET = re.compile(r"(?:\d+\s+\w+\s+(?:street|st\.?|road|rd\.?|avenue|ave\.?|lane|drive|way)\b|"
                     r"\w+(?:straße|strasse|str\.|weg|allee|platz|gasse)\s*\d+)", re.I)
_BOOL_SETS = [{"0", "1"}, {"true", "false"}, {"yes", "no"}, {"ja", "nein"}, {"y", "n"}, {"t", "f"},
              {"0.0", "1.0"}, {"wahr", "falsch"}]
_TRUE = {"1", "true", "yes", "ja", "y", "t", "1.0", "wahr"}


def infer_roles(df: pd.DataFrame, *, id_col: str | None = None, exclude: Sequence[str] = (),
                labels: Sequence[str] = (), overrides: Mapping[str, str] | None = None,
                source: str = "data") -> ColumnRoles:
    """Guess each column's role from its name and a sample of its values; the user's
    choices (id_col, exclude, labels, overrides) win."""
    for col in [c for c in [id_col, *exclude, *labels, *(overrides or {})] if c is not None]:
        if col not in df.columns:
            raise InputError(f"{source}: no column '{col}' — columns are: {_some(df.columns)}",
                             source=source, column=col)
    sample = df if len(df) <= ROLE_SAMPLE else df.sample(ROLE_SAMPLE, random_state=0)
    items = [ColumnRole(c, *_guess(c, sample[c], len(df))) for c in df.columns]
    items = _one_id(items, df, id_col)
    roles = ColumnRoles(tuple(items))
    forced = {c: IGNORE for c in exclude}
    forced.update({c: LABEL for c in labels})
    if id_col is not None:
        forced[id_col] = ID
    forced.update(overrides or {})
    return roles.with_overrides(forced, source) if forced else roles


def _guess(col: str, s: pd.Series, n_total: int) -> tuple[str, str]:
    nonnull = s.dropna()
    if nonnull.empty:
        return CONSTANT, "all values missing"
    as_str = nonnull.astype(str).str.strip()
    uniq = as_str.nunique()
    if uniq <= 1:
        return CONSTANT, f"only one value ({str(as_str.iloc[0])[:20]})"
    pii = _pii_reason(col, as_str, s)
    if pii:
        return PII, pii
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if (_ID_NAME.match(col) or _ID_CAMEL.search(col)) and uniq == len(nonnull) and len(nonnull) == len(s):
        return ID, "named like an identifier and unique per row"
    if pd.api.types.is_bool_dtype(s):
        return BOOLEAN, "yes/no values"
    lower = set(as_str.str.lower().unique()[:3])
    if uniq == 2 and (numeric or any(lower <= b for b in _BOOL_SETS)):
        return BOOLEAN, f"two values ({', '.join(sorted(as_str.unique().astype(str))[:2])})"
    if _LABEL_NAME.search(col) and not (numeric and uniq > 20):
        return LABEL, "named like a known segment or label: reported, not clustered"
    if pd.api.types.is_datetime64_any_dtype(s):
        return DATETIME, "dates"
    if numeric:
        return NUMERIC, "numbers"
    if _is_dates(col, as_str):
        return DATETIME, "values parse as dates"
    share = uniq / len(nonnull)
    mean_len = as_str.str.len().mean()
    if uniq <= 50 or (share <= 0.05 and mean_len < 40):
        return CATEGORICAL, f"{uniq} distinct values"
    return TEXT, f"free text ({uniq:,} distinct values): not used"


def _pii_reason(col: str, as_str: pd.Series, s: pd.Series) -> str | None:
    sample = as_str.head(500)
    if sample.str.match(_EMAIL).mean() >= 0.8:
        return "looks like e-mail addresses: personal data, never used or shown"
    if sample.str.replace(" ", "").str.match(_IBAN).mean() >= 0.8:
        return "looks like IBANs: personal data, never used or shown"
    if not pd.api.types.is_numeric_dtype(s):
        digits = sample.str.count(r"\d")
        if (sample.str.match(_PHONE) & (digits >= 7)).mean() >= 0.8 and \
                sample.str.contains(r"[\s()/+-]").mean() >= 0.5:
            return "looks like phone numbers: personal data, never used or shown"
        if sample.str.contains(_STREET).mean() >= 0.6:
            return "looks like street addresses: personal data, never used or shown"
    if _PII_NAME.search(col) and not pd.api.types.is_numeric_dtype(s):
        return "named like personal data (name, contact, address, birth date): never used or shown"
    if re.search(r"(zip|postal|plz|postcode)", col, re.I):
        return "postal codes identify people in small areas: never used or shown"
    return None


def _is_dates(col: str, as_str: pd.Series) -> bool:
    sample = as_str.head(300)
    if sample.str.fullmatch(r"\d{8}").all():
        if not re.search(r"(date|datum|day|tag)", col, re.I):
            return False
        parsed = pd.to_datetime(sample, format="%Y%m%d", errors="coerce")
        return parsed.notna().mean() >= 0.95
    if not sample.str.contains(r"\d").all() or sample.str.fullmatch(r"[+-]?\d+([.,]\d+)?").any():
        return False
    for fmt in ("ISO8601", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce", utc=True)
        if parsed.notna().mean() >= 0.95:
            return True
    return False


def _one_id(items: list[ColumnRole], df: pd.DataFrame, id_col: str | None) -> list[ColumnRole]:
    """At most one inferred id column: the first one; the others are ignored."""
    ids = [it for it in items if it.role == ID]
    if id_col is not None or len(ids) <= 1:
        return [replace(it, role=IGNORE, reason="another column was chosen as id")
                if it.role == ID and id_col is not None and it.column != id_col else it
                for it in items]
    keep = ids[0].column
    return [replace(it, role=IGNORE, reason=f"another identifier ('{keep}') was chosen as id")
            if it.role == ID and it.column != keep else it for it in items]


# ============================================================================= coercion
def coerce_types(df: pd.DataFrame, roles: ColumnRoles) -> pd.DataFrame:
    """Columns in the dtype their role needs: floats, 0/1 flags, datetimes, object strings."""
    out = {}
    for it in roles.items:
        s = df[it.column]
        if it.role == NUMERIC:
            out[it.column] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif it.role == BOOLEAN:
            out[it.column] = _to_flag(s)
        elif it.role == DATETIME:
            out[it.column] = _to_datetime(s)
        elif it.role in (CATEGORICAL, LABEL):
            obj = s.astype("object")
            out[it.column] = obj.where(obj.isna(), obj.astype(str).str.strip()).astype("object")
        else:
            out[it.column] = s
    return pd.DataFrame(out, index=df.index)


def _to_flag(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        v = pd.to_numeric(s, errors="coerce").astype("float64")
        vals = sorted(v.dropna().unique())
        if len(vals) == 2 and vals != [0.0, 1.0]:
            v = (v == vals[1]).astype("float64").where(v.notna())
        return v
    low = s.astype("object").where(s.isna(), s.astype(str).str.strip().str.lower())
    vals = sorted(v for v in low.dropna().unique())
    if set(vals) <= _TRUE | {"0", "false", "no", "nein", "n", "f", "0.0", "falsch"}:
        return low.map(lambda v: np.nan if v is None or (isinstance(v, float) and np.isnan(v))
                       else float(v in _TRUE)).astype("float64")
    return (low == vals[-1]).astype("float64").where(low.notna())


def _to_datetime(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        ts = s
    else:
        as_str = s.astype("object").where(s.isna(), s.astype(str).str.strip())
        ts = None
        for fmt in ("ISO8601", "%Y%m%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
            cand = pd.to_datetime(as_str, format=fmt, errors="coerce", utc=True)
            if cand.notna().sum() >= 0.95 * as_str.notna().sum():
                ts = cand
                break
        if ts is None:
            ts = pd.to_datetime(as_str, errors="coerce", utc=True, format="mixed")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.astype("datetime64[ns]")


# ============================================================================== quality
@dataclass(frozen=True)
class ColumnQuality:
    column: str
    role: str
    dtype: str
    missing_share: float
    n_unique: int
    skew: float | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualityReport:
    columns: tuple[ColumnQuality, ...]
    n_rows: int
    duplicate_rows: int
    duplicate_ids: int
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        rows = [{**asdict(c), "warnings": "; ".join(c.warnings)} for c in self.columns]
        return pd.DataFrame(rows, columns=["column", "role", "dtype", "missing_share", "n_unique",
                                           "skew", "warnings"])

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["columns"] = [{**asdict(c), "warnings": list(c.warnings)} for c in self.columns]
        d["warnings"] = list(self.warnings)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "QualityReport":
        cols = tuple(ColumnQuality(**{**c, "warnings": tuple(c["warnings"])}) for c in d["columns"])
        return cls(columns=cols, n_rows=d["n_rows"], duplicate_rows=d["duplicate_rows"],
                   duplicate_ids=d["duplicate_ids"], warnings=tuple(d["warnings"]))


def quality_report(df: pd.DataFrame, roles: ColumnRoles) -> QualityReport:
    cols = [_column_quality(df[it.column], it) for it in roles.items]
    sample = df if len(df) <= 200_000 else df.sample(200_000, random_state=0)
    dup_rows = int(sample.astype(str).duplicated().sum())
    dup_ids = int(df[roles.id_col].duplicated().sum()) if roles.id_col else 0
    warnings = []
    if dup_rows:
        warnings.append(f"{dup_rows:,} rows are exact duplicates of another row")
    if dup_ids:
        warnings.append(f"{dup_ids:,} customer ids occur more than once")
    return QualityReport(tuple(cols), len(df), dup_rows, dup_ids, tuple(warnings))


def _column_quality(s: pd.Series, it: ColumnRole) -> ColumnQuality:
    missing = float(s.isna().mean())
    n_unique = int(s.nunique(dropna=True))
    skew = None
    warns = []
    if it.role == NUMERIC:
        v = pd.to_numeric(s, errors="coerce")
        if v.notna().sum() > 2:
            skew = float(v.skew())
            if np.isfinite(skew) and abs(skew) > 1:
                warns.append(f"{'right' if skew > 0 else 'left'} skew ({skew:.1f}): will be transformed")
    if missing >= 0.3:
        warns.append(f"{missing * 100:.0f} % missing")
    if it.role == CATEGORICAL and n_unique > 50:
        warns.append(f"high cardinality ({n_unique} levels): rare levels grouped")
    return ColumnQuality(it.column, it.role, str(s.dtype), missing, n_unique,
                         None if skew is None or not np.isfinite(skew) else skew, tuple(warns))


def check_usable(df: pd.DataFrame, roles: ColumnRoles, source: str = "data", *,
                 min_rows: int = 10) -> None:
    """Refuse tables discovery cannot work on, saying why and what to do."""
    if len(df) < min_rows:
        what = "customer row" if len(df) == 1 else "customer rows"
        raise InputError(f"{source}: only {len(df)} {what} — persona discovery needs at least "
                         f"{min_rows} customers", source=source)
    if not roles.feature_columns:
        described = ", ".join(f"{it.column} ({it.role})" for it in roles.items[:10])
        raise InputError(f"{source}: no behaviour columns to cluster on — found only {described}; "
                         "add numeric or categorical columns, or set a role with "
                         "--role COLUMN=numeric", source=source)
    idc = roles.id_col
    if idc is not None:
        ids = df[idc]
        if ids.isna().any():
            row = int(np.flatnonzero(ids.isna().to_numpy())[0]) + 1
            raise InputError(f"{source}: id column '{idc}' is empty in data row {row} — every "
                             "customer needs an id (or drop --id-col to use row numbers)",
                             source=source, column=idc, row=row)
        dup = ids.astype(str).duplicated(keep=False).to_numpy()
        if dup.any():
            first = ids.astype(str).to_numpy()[np.flatnonzero(dup)[0]]
            rows = np.flatnonzero(ids.astype(str).to_numpy() == first)[:2] + 1
            raise InputError(f"{source}: id column '{idc}' has the value '{first}' in data rows "
                             f"{rows[0]} and {rows[1]} — each customer must appear once (is this "
                             "an event log? aggregate it per customer first)",
                             source=source, column=idc, row=int(rows[1]))
