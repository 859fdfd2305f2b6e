"""Parquet, Excel .xlsx and JSON Lines (persona_mining.ingest.structured).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import read_table

from ingest_helpers import write, _frame, _check_frame


def test_parquet_round_trip(tmp_path):
    path = tmp_path / "c.parquet"
    _frame().to_parquet(path, index=False)
    df, rep = read_table(path)
    _check_frame(df)
    assert rep.format == "parquet" and rep.encoding is None and rep.delimiter is None


def test_parquet_keeps_a_stored_index_as_column(tmp_path):
    path = tmp_path / "ix.parquet"
    _frame().set_index("customer_id").to_parquet(path)
    df, _ = read_table(path)
    _check_frame(df)


def test_xlsx_round_trip_first_sheet(tmp_path):
    path = tmp_path / "c.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        _frame().to_excel(xw, sheet_name="Kunden", index=False)
        pd.DataFrame({"z": [1]}).to_excel(xw, sheet_name="Other", index=False)
    df, rep = read_table(path)
    _check_frame(df)
    assert rep.format == "xlsx" and any("Kunden" in n for n in rep.notes)


def test_jsonl_round_trip(tmp_path):
    path = tmp_path / "c.jsonl"
    _frame().to_json(path, orient="records", lines=True, force_ascii=False)
    path.write_text(path.read_text("utf-8") + "\n\n", "utf-8")   # trailing blank lines are fine
    df, rep = read_table(path)
    _check_frame(df)
    assert rep.format == "jsonl"


def test_ndjson_nested_values_become_text(tmp_path):
    lines = [{"id": 1, "tags": ["a", "b"], "ok": True}, {"id": 2, "tags": [], "ok": False}]
    path = write(tmp_path, "n.ndjson", "\n".join(json.dumps(x) for x in lines))
    df, rep = read_table(path)
    assert df["tags"].tolist() == ['["a", "b"]', "[]"]
    assert df["ok"].tolist() == [True, False]


def test_header_only_binary_formats(tmp_path):
    empty = _frame().iloc[:0]
    empty.to_excel(tmp_path / "h.xlsx", index=False)
    with pytest.raises(InputError, match=r"^h\.xlsx: has a header but no data rows"):
        read_table(tmp_path / "h.xlsx")
    empty.to_parquet(tmp_path / "h.parquet")
    with pytest.raises(InputError, match=r"^h\.parquet: has no rows"):
        read_table(tmp_path / "h.parquet")
