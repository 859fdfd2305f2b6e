"""Size limits and unusable values (persona_mining.ingest.limits, sheet_size, coercion).

Every fixture is generated in tmp_path: no network, no shared data files. Big inputs
(50 MB lines and cells) are written in tmp and refused or cleaned within seconds.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import (MAX_COLUMNS, coerce_types, infer_roles, quality_report,
                                   read_table)
from persona_mining.ingest import limits

from ingest_helpers import write


def _customers(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)],
                         "orders": rng.poisson(3, n),
                         "revenue": rng.gamma(2, 50, n).round(2),
                         "visits": rng.poisson(10, n)})


# -- columns and cells --------------------------------------------------------------------------
def test_too_many_columns(tmp_path):
    n = MAX_COLUMNS + 1
    text = ",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" for _ in range(n)) + "\n"
    with pytest.raises(InputError, match=r"wide\.csv: has 20,001 columns, more than the limit "
                                         r"of 20,000"):
        read_table(write(tmp_path, "wide.csv", text))


def test_too_many_columns_in_parquet_from_the_footer(tmp_path, monkeypatch):
    monkeypatch.setattr("persona_mining.ingest.structured.MAX_COLUMNS", 40)
    wide = pd.DataFrame(np.zeros((2, 41)), columns=[f"c{i}" for i in range(41)])
    wide.to_parquet(tmp_path / "wide.parquet")
    with pytest.raises(InputError, match=r"wide\.parquet: has 41 columns, more than the limit"):
        read_table(tmp_path / "wide.parquet")


def test_wide_tables_are_read(tmp_path):
    """3,000 product columns (the old limit was 1,000) are a table, not an error."""
    frame = pd.DataFrame(np.random.default_rng(0).poisson(0.05, (50, 3000)),
                         columns=[f"product_{j}" for j in range(3000)])
    frame.insert(0, "customer_id", [f"C{i}" for i in range(50)])
    df, report = read_table(frame.to_csv(index=False).encode(), name="purchases.csv")
    assert df.shape == (50, 3001) and report.n_columns == 3001
    assert (df.iloc[:, 1:].to_numpy() == frame.iloc[:, 1:].to_numpy()).all()


def test_too_many_cells(tmp_path, monkeypatch):
    monkeypatch.setattr("persona_mining.ingest.cleanup.MAX_CELLS", 1000)
    monkeypatch.setattr("persona_mining.ingest.limits.MAX_CELLS", 1000)
    with pytest.raises(InputError, match=r"c\.csv: has 300 rows × 4 columns = 1,200 values, more "
                                         r"than the limit of 1,000"):
        read_table(_customers().to_csv(index=False).encode(), name="c.csv")
    monkeypatch.setattr("persona_mining.ingest.structured.MAX_CELLS", 1000)
    _customers().to_parquet(tmp_path / "c.parquet")
    with pytest.raises(InputError, match="1,200 values"):      # from the footer, before reading
        read_table(tmp_path / "c.parquet")


# -- one huge line or cell ------------------------------------------------------------------------
def test_50_mb_line_without_newline(tmp_path):
    path = tmp_path / "oneline.csv"
    path.write_bytes(b"a,b," + b"x" * (50 << 20))
    with pytest.raises(InputError, match=r"oneline\.csv: the first line is longer than 4\.0 MB "
                                         r"\(no line break\) — give a table with a header row"):
        read_table(path)


def test_header_with_a_value_longer_than_csvs_field_limit():
    raw = b"a," + b"x" * 200_000 + b"\n1,2\n"
    with pytest.raises(InputError, match=r"h\.csv: the first line has a value longer than "
                                         r"131,072 characters"):
        read_table(raw, name="h.csv")


def test_huge_text_cell_becomes_missing_with_a_note():
    df = _customers().astype({"revenue": object})
    df["segment"] = ["a", "b", "c"] * 100
    df.loc[7, "segment"] = "x" * (20 << 20)
    out, report = read_table(df.to_csv(index=False).encode(), name="c.csv")
    assert pd.isna(out.loc[7, "segment"]) and out.loc[8, "segment"] == "c"
    assert any("column 'segment': 1 value longer than 100,000 characters (in data row 8, "
               "20,971,520 characters) treated as missing" in n for n in report.notes)


def test_huge_numeric_cell_is_an_unusable_number(tmp_path):
    """A 20 MB run of digits parses as infinite: missing, and counted per column."""
    df = _customers().astype({"revenue": object})
    df.loc[5, "revenue"] = "9" * (20 << 20)
    path = tmp_path / "hugecell.csv"
    df.to_csv(path, index=False)
    out, _ = read_table(path)
    roles = infer_roles(out)
    typed = coerce_types(out, roles)
    assert np.isnan(typed.loc[5, "revenue"]) and np.isfinite(typed["revenue"].drop(5)).all()
    col = {c.column: c for c in quality_report(out, roles).columns}["revenue"]
    assert any(w.startswith("1 infinite value") for w in col.warnings)


# -- unusable numbers ------------------------------------------------------------------------------
def test_inf_and_absurd_values_are_missing_and_reported():
    df = _customers().astype({"revenue": object})
    df.loc[3, "revenue"], df.loc[4, "revenue"], df.loc[5, "revenue"] = "inf", "-inf", "1e200"
    out, _ = read_table(df.to_csv(index=False).encode(), name="c.csv")
    roles = infer_roles(out)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no RuntimeWarning (overflow) anywhere
        typed = coerce_types(out, roles)
        report = quality_report(out, roles)
    assert typed.loc[[3, 4, 5], "revenue"].isna().all()
    assert typed["revenue"].drop([3, 4, 5]).notna().all()
    col = {c.column: c for c in report.columns}["revenue"]
    assert col.missing_share == pytest.approx(3 / 300)
    assert "2 infinite values (inf, -inf or numbers too long to store): treated as missing" \
        in col.warnings
    assert any(w.startswith("1 value of 10^15 or more, a billion times the column's typical "
                            "size (e.g. 10^200)") for w in col.warnings)
    assert col.skew is not None and np.isfinite(col.skew)


def test_large_values_of_a_large_column_are_kept():
    """Amounts in a currency with large numbers, or nanosecond timestamps: not errors."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"customer_id": range(200), "spend": rng.gamma(2, 5e14, 200),
                       "stamp_ns": 1.7e18 + rng.integers(0, 10**12, 200)})
    roles = infer_roles(df)
    typed = coerce_types(df, roles)
    assert typed["spend"].notna().all() and typed["stamp_ns"].notna().all()


# -- Parquet binary columns --------------------------------------------------------------------------
def test_parquet_binary_columns(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 50
    pq.write_table(pa.table({"customer_id": pa.array(range(n)), "orders": pa.array(range(n)),
                             "blob": pa.array([os.urandom(16) for _ in range(n)], pa.binary()),
                             "code": pa.array([b"ab" if i % 2 else "é".encode() for i in range(n)],
                                              pa.binary())}), tmp_path / "b.parquet")
    df, report = read_table(tmp_path / "b.parquet")
    assert "blob" not in df.columns
    assert ("blob", "binary data (not text or numbers)") in report.dropped_columns
    assert df["code"].tolist()[:2] == ["é", "ab"]


# -- JSON nesting ------------------------------------------------------------------------------------
def test_deeply_nested_json_lines_name_the_line():
    raw = b'{"a": 1}\n{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    with pytest.raises(InputError, match=r"x\.jsonl: line 2 is nested too deeply to read"):
        read_table(raw, name="x.jsonl")
    with pytest.raises(InputError, match=r"x\.json: the JSON is nested too deeply"):
        read_table(b"[" * 100_000, name="x.json")


# -- Excel: the used range before the grid ---------------------------------------------------------------
def test_xlsx_with_a_far_cell_is_refused_before_reading(tmp_path):
    import resource
    import time

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["XFD1048576"] = "x", 1
    wb.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with pytest.raises(InputError, match=r"far\.xlsx: the first sheet's used range is "
                                         r"A1:XFD1048576 \(1,048,576 rows × 16,384 columns\)"):
        read_table(tmp_path / "far.xlsx")
    assert time.perf_counter() - t < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000   # KB


def test_xlsx_far_column_and_stray_formatting(tmp_path):
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 30):
        ws.append([f"C{r}" if r > 1 else "customer_id", r, r * 2] if r > 1 else
                  ["customer_id", "orders", "spend"])
    ws["XFD3"].font = Font(bold=True)      # formatted, empty: not part of the used range
    wb.save(tmp_path / "styled.xlsx")
    df, _ = read_table(tmp_path / "styled.xlsx")
    assert list(df.columns) == ["customer_id", "orders", "spend"] and len(df) == 28


def _sheet_zip(sheet_xml: bytes) -> bytes:
    """A minimal workbook around one sheet XML (to test what openpyxl would not write)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   "</Types>")
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def test_xlsx_cells_without_positions_are_counted_in_order():
    from persona_mining.ingest.sheet_size import check_first_sheet

    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    rows = b"".join(b"<row>" + b'<c t="n"><v>1</v></c>' * 3 + b"</row>" for _ in range(4))
    size = check_first_sheet(_sheet_zip(head + rows + b"</sheetData></worksheet>"), "p.xlsx")
    assert (size.rows, size.columns, size.cells) == (4, 3, 12)
    wide = b"<row>" + b'<c t="n"><v>1</v></c>' * 20_001 + b"</row>"
    with pytest.raises(InputError, match=r"p\.xlsx: the first sheet has a value in cell "
                                         r"ACOG1, column 20,001"):
        check_first_sheet(_sheet_zip(head + wide + b"</sheetData></worksheet>"), "p.xlsx")


def test_xlsx_zip_bomb_is_refused(tmp_path):
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    bomb = _sheet_zip(head + b" " * (64 << 20) + b"</sheetData></worksheet>")
    assert len(bomb) < 1 << 20
    with pytest.raises(InputError, match=r"bomb\.xlsx: the entry xl/worksheets/sheet1\.xml "
                                         r"unpacks from .* to 64\.0 MB \(more than 200 : 1, like a "
                                         r"zip bomb\) — save the table as CSV or Parquet instead"):
        read_table(bomb, name="bomb.xlsx")


def test_xlsx_sheet_limit(monkeypatch, tmp_path):
    import openpyxl

    monkeypatch.setattr("persona_mining.ingest.sheet_size.MAX_SHEET_CELLS", 50)
    wb = openpyxl.Workbook()
    for r in range(30):
        wb.active.append([r, r + 1])
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(InputError, match=r"s\.xlsx: the first sheet's used range is A1:B30 \(30 "
                                         r"rows × 2 columns\), more than the limit of 50 cells"):
        read_table(tmp_path / "s.xlsx")


# -- files that are no files ------------------------------------------------------------------------------
def test_symlink_to_dev_zero_and_fifo_are_refused(tmp_path):
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"zero\.csv: is not a regular file \(a device, pipe or "
                                         r"socket\) — give a file saved on disk"):
        read_table(tmp_path / "zero.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(InputError, match="not a regular file"):
        read_table(tmp_path / "pipe.csv")       # would block forever if it were opened


def test_upload_stream_is_read_with_a_bound(monkeypatch):
    monkeypatch.setattr("persona_mining.ingest.loading.MAX_BYTES", 1000)
    with pytest.raises(InputError, match=r"up\.csv: is larger than 1000 bytes"):
        read_table(io.BytesIO(b"a,b\n" + b"1,2\n" * 1000), name="up.csv")


def test_limits_are_documented_where_they_are_defined():
    assert limits.MAX_COLUMNS >= 10_000 and limits.MAX_CELL_CHARS == 100_000
