"""Bytes from a path or an upload, and the format they hold (persona_mining.ingest.loading).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import io

import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import read_table

from ingest_helpers import _frame, _check_frame


def test_bytes_input_uses_name_for_format_and_report(tmp_path):
    buf = io.BytesIO()
    _frame().to_parquet(buf, index=False)
    df, rep = read_table(buf.getvalue(), name=r"C:\Users\anna\Desktop\upload.parquet")
    _check_frame(df)
    assert rep.source == "upload.parquet" and rep.format == "parquet"
    df, rep = read_table(b"a;b\n1;2,5\n", name="export.csv")
    assert rep.source == "export.csv" and df["b"].tolist() == [2.5]
    assert len(rep.sha256) == 64


def test_unknown_extension_is_sniffed(tmp_path):
    buf = io.BytesIO()
    _frame().to_parquet(buf, index=False)
    df, rep = read_table(buf.getvalue(), name="export.bin")
    assert rep.format == "parquet"
    _check_frame(df)
    df, rep = read_table(b'{"a": 1}\n{"a": 2}\n', name="export")
    assert rep.format == "jsonl" and df["a"].tolist() == [1, 2]
    df, rep = read_table(b"a,b\n1,2\n", name="export.data")
    assert rep.format == "csv" and df.shape == (1, 2)
    buf = io.BytesIO()
    _frame().to_excel(buf, index=False)
    df, rep = read_table(buf.getvalue(), name="export")
    assert rep.format == "xlsx" and any("unknown file extension" in n for n in rep.notes)
    _check_frame(df)


def test_file_not_found_names_the_file(tmp_path):
    with pytest.raises(InputError, match=r"^missing\.csv: file not found — "):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path)
