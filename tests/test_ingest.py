"""Reading customer files, inferring column roles, quality checks (persona_mining.ingest).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import io
import json
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import (MAX_COLUMNS, ColumnRole, ColumnRoles, IngestReport,
                                   QualityReport, check_usable, coerce_types, infer_roles,
                                   quality_report, read_table)
from persona_mining.roles import (BOOLEAN, CATEGORICAL, CONSTANT, DATETIME, ID, IGNORE, LABEL,
                                  NUMERIC, PII, TEXT)


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


# =========================================================================== delimited text
@pytest.mark.parametrize("sep, expected", [(",", ","), (";", ";"), ("\t", "\t"), ("|", "|")])
def test_sniffs_single_character_delimiters(tmp_path, sep, expected):
    text = sep.join(["id", "city", "orders"]) + "\n" + "\n".join(
        sep.join([str(i), f"Town {i % 3}", str(i * 2)]) for i in range(1, 6)) + "\n"
    df, rep = read_table(write(tmp_path, "t.csv", text))
    assert rep.delimiter == expected
    assert list(df.columns) == ["id", "city", "orders"]
    assert df["orders"].tolist() == [2, 4, 6, 8, 10]
    assert df["city"].iloc[0] == "Town 1"
    assert rep.n_rows == 5 and rep.n_columns == 3 and rep.format == "csv"


def test_sniffs_runs_of_whitespace(tmp_path):
    text = " customer_id  date number_of_cds  dollar_value\n" \
           " 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00003 19970102  2   77.00\n"
    df, rep = read_table(write(tmp_path, "cd.txt", text))
    assert rep.delimiter == "whitespace"
    assert list(df.columns) == ["customer_id", "date", "number_of_cds", "dollar_value"]
    assert df["customer_id"].tolist() == ["00001", "00002", "00003"]   # leading zeros kept
    assert df["dollar_value"].tolist() == [11.77, 12.0, 77.0]
    assert any("leading zeros" in n for n in rep.notes)


def test_decimal_comma_with_semicolon(tmp_path):
    text = "kunde;umsatz;anteil;seit\nA1;1.234,56;3,5;05.01.2021\nA2;12,5;0,25;17.03.2020\n" \
           "A3;2.000,00;1,0;01.12.2019\n"
    df, rep = read_table(write(tmp_path, "de.csv", text))
    assert rep.delimiter == ";" and rep.decimal == "," and rep.thousands == "."
    assert df["umsatz"].tolist() == [1234.56, 12.5, 2000.0]
    assert df["anteil"].tolist() == [3.5, 0.25, 1.0]
    # dates are never mistaken for numbers with thousands separators
    assert df["seit"].tolist() == ["05.01.2021", "17.03.2020", "01.12.2019"]


def test_thousands_separators_in_comma_file(tmp_path):
    text = 'id,revenue,visits\n1,"1,234.50",3\n2,"12,000.00",4\n3,"999.99",5\n'
    df, rep = read_table(write(tmp_path, "us.csv", text))
    assert rep.decimal == "." and rep.thousands == ","
    assert df["revenue"].tolist() == [1234.5, 12000.0, 999.99]


def test_currency_suffix_and_missing_markers(tmp_path):
    text = "id;spend\n1;12,50 €\n2;3,00 €\n3;-\n4;1.200,00 €\n"
    df, rep = read_table(write(tmp_path, "eur.csv", text))
    assert df["spend"].iloc[[0, 1, 3]].tolist() == [12.5, 3.0, 1200.0]
    assert np.isnan(df["spend"].iloc[2])
    assert any("'-'" in n for n in rep.notes)


def test_mixed_text_column_stays_text(tmp_path):
    text = "id,code\n" + "".join(f"{i},{'A' if i % 2 else i}\n" for i in range(1, 21))
    df, _ = read_table(write(tmp_path, "m.csv", text))
    assert df["code"].iloc[0] == "A" and df["code"].iloc[1] == "2"


@pytest.mark.parametrize("encoding, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("cp1252", "cp1252"), ("utf-16", "utf-16")])
def test_encodings_keep_umlauts_in_names_and_values(tmp_path, encoding, reported):
    text = "Kundennummer;Straße;Größe;Betrag\r\nK1;Müller;süß;5 €\r\nK2;Jäger;Öl;7 €\r\n"
    df, rep = read_table(write(tmp_path, "umlaut.csv", text, encoding))
    assert rep.encoding == reported
    assert list(df.columns) == ["Kundennummer", "Straße", "Größe", "Betrag"]   # no BOM in name
    assert df["Straße"].tolist() == ["Müller", "Jäger"]
    assert df["Größe"].tolist() == ["süß", "Öl"]
    assert df["Betrag"].tolist() == [5, 7]


def test_latin1_when_cp1252_cannot_decode(tmp_path):
    # 0x81 is undefined in cp1252, so only latin-1 can read this file
    raw = "name,städt\nA,Köln\x81\nB,Düsseldorf\n".encode("latin-1")
    df, rep = read_table(write(tmp_path, "l1.csv", raw))
    assert rep.encoding == "latin-1"
    assert list(df.columns) == ["name", "städt"]
    assert df["städt"].iloc[1] == "Düsseldorf"
    assert any("latin-1" in n for n in rep.notes)


def test_crlf_and_quoted_fields(tmp_path):
    text = 'id,comment,amount\r\n1,"Hello, world",2.5\r\n2,"multi\r\nline ""quoted""",3\r\n'
    df, rep = read_table(write(tmp_path, "crlf.csv", text))
    assert list(df.columns) == ["id", "comment", "amount"]
    assert df["comment"].iloc[0] == "Hello, world"
    assert df["comment"].iloc[1] == 'multi\r\nline "quoted"'
    assert df["amount"].tolist() == [2.5, 3.0]
    assert rep.n_rows == 2


def test_column_names_are_cleaned(tmp_path):
    text = " id , x ,x,,x_2\n1,2,3,4,5\n6,7,8,9,10\n"
    df, rep = read_table(write(tmp_path, "names.csv", text))
    assert list(df.columns) == ["id", "x", "x_3", "column_4", "x_2"]
    assert any("duplicate column names" in n for n in rep.notes)


def test_empty_rows_dropped_and_counted(tmp_path):
    text = "a,b\n1,2\n,\n\n3,4\n , \n"
    df, rep = read_table(write(tmp_path, "gaps.csv", text))
    assert df.values.tolist() == [[1, 2], [3, 4]]
    assert rep.dropped_rows == (("completely empty", 3),)


def test_unnamed_empty_column_and_exported_index_dropped(tmp_path):
    text = ",a,b,\n0,1,x,\n1,2,y,\n2,3,z,\n"
    df, rep = read_table(write(tmp_path, "idx.csv", text))
    assert list(df.columns) == ["a", "b"]
    assert {c for c, _ in rep.dropped_columns} == {"column_1", "column_4"}


def test_leading_zero_codes_stay_text(tmp_path):
    text = "customer_id,plz,orders\n007,01067,3\n012,10115,4\n100,80331,5\n"
    df, _ = read_table(write(tmp_path, "z.csv", text))
    assert df["customer_id"].tolist() == ["007", "012", "100"]
    assert df["plz"].tolist() == ["01067", "10115", "80331"]
    assert df["orders"].dtype.kind == "i"


def test_trailing_delimiter_on_every_row_is_fine(tmp_path):
    df, _ = read_table(write(tmp_path, "trail.csv", "a,b\n1,2,\n3,4,\n"))
    assert df.values.tolist() == [[1, 2], [3, 4]]


def test_single_column_file(tmp_path):
    df, rep = read_table(write(tmp_path, "one.csv", "orders\n1\n2\n3\n"))
    assert list(df.columns) == ["orders"] and df["orders"].tolist() == [1, 2, 3]
    assert rep.delimiter is None


# ============================================================================ other formats
def _frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "orders": [3, 5, 7],
                         "revenue": [10.5, np.nan, 99.25], "city": ["Köln", None, "Berlin"]})


def _check_frame(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["customer_id", "orders", "revenue", "city"]
    assert df["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert df["orders"].tolist() == [3, 5, 7]
    assert df["revenue"].iloc[[0, 2]].tolist() == [10.5, 99.25] and np.isnan(df["revenue"].iloc[1])
    assert df["city"].iloc[0] == "Köln" and pd.isna(df["city"].iloc[1])


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


def test_bytes_input_uses_name_for_format_and_report(tmp_path):
    buf = io.BytesIO()
    _frame().to_parquet(buf, index=False)
    df, rep = read_table(buf.getvalue(), name=r"C:\Users\anna\Desktop\upload.parquet")
    _check_frame(df)
    assert rep.source == "upload.parquet" and rep.format == "parquet"
    df, rep = read_table(b"a;b\n1;2,5\n", name="export.csv")
    assert rep.source == "export.csv" and df["b"].tolist() == [2.5]
    assert len(rep.sha256) == 64


def test_report_source_is_the_file_name_only(tmp_path):
    path = write(tmp_path, "only_name.csv", "a,b\n1,2\n")
    _, rep = read_table(path)
    assert rep.source == "only_name.csv" and str(tmp_path) not in json.dumps(rep.to_dict())


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


def test_header_only_binary_formats(tmp_path):
    empty = _frame().iloc[:0]
    empty.to_excel(tmp_path / "h.xlsx", index=False)
    with pytest.raises(InputError, match=r"^h\.xlsx: has a header but no data rows"):
        read_table(tmp_path / "h.xlsx")
    empty.to_parquet(tmp_path / "h.parquet")
    with pytest.raises(InputError, match=r"^h\.parquet: has no rows"):
        read_table(tmp_path / "h.parquet")


def test_ingest_report_round_trip():
    rep = IngestReport(source="x.csv", sha256="0" * 64, format="csv", encoding="cp1252",
                       delimiter=";", decimal=",", thousands=".", n_rows=3, n_columns=2,
                       dropped_rows=(("completely empty", 2),),
                       dropped_columns=(("column_3", "no header and no values"),),
                       notes=("a note",))
    assert IngestReport.from_dict(json.loads(json.dumps(rep.to_dict()))) == rep


# ================================================================================== errors
def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _zip_not_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buf.getvalue()


def _random_bytes() -> bytes:
    return np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()


@pytest.mark.parametrize("name, content, match", [
    ("empty.csv", b"", "empty"),
    ("header.csv", b"id,orders,revenue\n", "no data rows"),
    ("header_crlf.csv", b"id;orders\r\n\r\n", "no data rows"),
    ("blank.csv", b"\n\n  \n", "no table"),
    ("random.csv", _random_bytes(), "binary"),
    ("random.dat", _random_bytes()[:64].replace(b"\x00", b"\x01"), "binary"),
    ("image.csv", _png(), "PNG"),
    ("archive.xlsx", _zip_not_xlsx(), "zip archive"),
    ("archive.csv", _zip_not_xlsx(), "zip archive"),
    ("broken.xlsx", b"PK\x03\x04garbage that is not a zip", "Excel"),
    ("notzip.xlsx", b"id,orders\n1,2\n", "Excel"),
    ("broken.parquet", b"PAR1 this is no parquet PAR1", "Parquet"),
    ("csv.parquet", b"id,orders\n1,2\n", "Parquet"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("gz.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "compressed"),
    ("pickle.csv", b"\x80\x04\x95" + b"\x00" * 30, "not a table"),
    ("long.csv", b"a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n", "line 3 has 4 fields but the header has 3"),
    ("short.csv", b"a,b,c\n1,2,3\n4,5\n8,9,10\n", "line 3 has 2 fields but the header has 3"),
    ("short.tsv", b"a\tb\tc\n1\t2\t3\n4\t5\t6\n\n7\t8\n", "line 5 has 2 fields"),
    ("bad.jsonl", b'{"a": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
    ("bad2.jsonl", b'{"a": 1}\n\n{"a": 2\n', "line 3 is not valid JSON"),
    ("scalar.jsonl", b'{"a": 1}\n42\n', "line 2 is not a JSON object"),
])
def test_bad_files_give_input_error_naming_the_file(tmp_path, name, content, match):
    with pytest.raises(InputError, match=match) as info:
        read_table(write(tmp_path, name, content))
    assert str(info.value).startswith(f"{name}: ")
    assert " — " in str(info.value)
    with pytest.raises(InputError, match=match):     # the same from uploaded bytes
        read_table(content, name=name)


def test_long_line_beyond_the_checked_head_is_found(tmp_path, monkeypatch):
    import persona_mining.ingest as ingest

    monkeypatch.setattr(ingest, "_CHECK_BYTES", 64)
    rows = "".join(f"{i},{i}\n" for i in range(50))
    with pytest.raises(InputError, match="line 43 has 3 fields"):
        read_table(write(tmp_path, "late.csv", "a,b\n" + rows.replace("41,41\n", "41,41,x\n")))


def test_file_not_found_names_the_file(tmp_path):
    with pytest.raises(InputError, match=r"^missing\.csv: file not found — "):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path)


def test_too_many_columns(tmp_path):
    n = MAX_COLUMNS + 1
    text = ",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" for _ in range(n)) + "\n"
    with pytest.raises(InputError, match=rf"wide\.csv: has {n} columns, more than the limit of "
                                         rf"{MAX_COLUMNS}"):
        read_table(write(tmp_path, "wide.csv", text))
    wide = pd.DataFrame(np.zeros((2, n)), columns=[f"c{i}" for i in range(n)])
    wide.to_parquet(tmp_path / "wide.parquet")
    with pytest.raises(InputError, match="limit"):
        read_table(tmp_path / "wide.parquet")


def test_errors_are_never_other_exceptions(tmp_path):
    """A batch of odd inputs: each either reads or raises InputError, nothing else."""
    odd = [b"\xff\xfe" + "a,b\n1,2\n".encode("utf-16-le"), b'a,"b\n1,2\n', b"\xef\xbb\xbf",
           b"a\n\x01\x02\x03", b"[1,2,3]", b"{}\n{}\n", b'{"a":1}', b"PAR1", b"PK\x03\x04",
           b";;;\n;;;\n", b"a,b\n" + b"1,2\n" * 3 + b'"unclosed,3\n']
    for i, content in enumerate(odd):
        for name in (f"f{i}.csv", f"f{i}.jsonl", f"f{i}.parquet", f"f{i}.xlsx", f"f{i}"):
            try:
                read_table(content, name=name)
            except InputError as exc:
                assert str(exc).startswith(name)


# =================================================================================== roles
def _mixed(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    first = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans"]
    return pd.DataFrame({
        "Customer ID": [f"K{i:04d}" for i in range(n)],
        "email": [f"user{i}@example.com" for i in range(n)],
        "phone": [["+49 30 1234567", "(030) 123-4567", "0171/1234567"][i % 3] + str(i)
                  for i in range(n)],
        "iban": [f"DE89 3704 0044 0532 0130 {i:02d}" for i in range(n)],
        "first_name": [first[i % len(first)] + str(i % 5) for i in range(n)],
        "street": [f"Hauptstraße {i + 1}" for i in range(n)],
        "country": ["DE"] * n,
        "notes_empty": [np.nan] * n,
        "newsletter": ["yes" if i % 3 else "No" for i in range(n)],
        "signup": [f"{(i % 28) + 1:02d}.{(i % 12) + 1:02d}.2021" for i in range(n)],
        "last_order": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "segment": ["gold", "silver", "bronze", "gold"] * (n // 4),
        "orders": rng.integers(0, 30, n),
        "revenue": rng.gamma(2.0, 50.0, n).round(2),
        "vip": rng.integers(0, 2, n),
        "device": ["iOS", "Android", "Web"] * (n // 3) + ["iOS"] * (n % 3),
        "feedback": [f"The delivery number {i} arrived late and the box was damaged badly"
                     for i in range(n)],
    })


EXPECTED_ROLES = {
    "Customer ID": ID, "email": PII, "phone": PII, "iban": PII, "first_name": PII,
    "street": PII, "country": CONSTANT, "notes_empty": CONSTANT, "newsletter": BOOLEAN,
    "signup": DATETIME, "last_order": DATETIME, "segment": LABEL, "orders": NUMERIC,
    "revenue": NUMERIC, "vip": BOOLEAN, "device": CATEGORICAL, "feedback": TEXT,
}


def test_infer_roles_on_mixed_frame():
    roles = infer_roles(_mixed())
    assert roles.as_mapping() == EXPECTED_ROLES
    reasons = {i.column: i.reason for i in roles.items}
    assert "e-mail addresses (100% of sampled values)" in reasons["email"]
    assert "phone numbers" in reasons["phone"] and "IBAN" in reasons["iban"]
    assert "street addresses" in reasons["street"]
    assert reasons["notes_empty"] == "all values missing"
    assert "DD.MM.YYYY" in reasons["signup"]
    assert all(i.inferred for i in roles.items)
    assert roles.id_col == "Customer ID"
    assert roles.feature_columns == ["newsletter", "signup", "last_order", "orders", "revenue",
                                     "vip", "device"]
    assert roles.columns(PII) == ["email", "phone", "iban", "first_name", "street"]


def test_infer_roles_after_reading_csv(tmp_path):
    path = tmp_path / "mixed.csv"
    _mixed().to_csv(path, index=False, sep=";", decimal=",")
    df, rep = read_table(path)
    assert rep.decimal == ","
    assert infer_roles(df, source=rep.source).as_mapping() == EXPECTED_ROLES


def test_id_rules():
    n = 30
    base = {"orders": np.arange(n) % 7}
    roles = infer_roles(pd.DataFrame({"ID": np.arange(n), "customer_id": np.arange(100, 100 + n),
                                      **base}))
    assert roles.id_col == "customer_id" and roles.role("ID") == IGNORE
    # a generic *_id with repeats is a code, not the id
    roles = infer_roles(pd.DataFrame({"store_id": np.arange(n) % 3, **base}))
    assert roles.id_col is None and roles.role("store_id") == CATEGORICAL
    # a customer id with repeats is still the id: check_usable then explains the problem
    roles = infer_roles(pd.DataFrame({"kunden_id": np.arange(n) // 2, **base}))
    assert roles.id_col == "kunden_id" and "repeated" in roles.items[0].reason
    # floats that are not whole numbers are no id
    roles = infer_roles(pd.DataFrame({"id": np.arange(n) + 0.5, **base}))
    assert roles.id_col is None


def test_more_role_rules():
    n = 60
    df = pd.DataFrame({
        "flag": [True, False] * (n // 2),
        "ja_nein": ["Ja", "nein"] * (n // 2),
        "two_numbers": [1, 5] * (n // 2),
        "datum": [20240101 + (i % 28) for i in range(n)],
        "amount_id_like": [20240101 + i for i in range(n)],
        "true_segment": ["a", "b", "c"] * (n // 3),
        "cluster": np.arange(n) * 1.5,           # numeric with many levels: not a label
        "city": [f"City {i}" for i in range(n)],  # many distinct short strings: text
        "plz": [10000 + i for i in range(n)],
        "email_opt_in": ["yes", "no"] * (n // 2),
        "Year_Birth": 1950 + np.arange(n) % 40,
    })
    roles = infer_roles(df)
    assert roles.as_mapping() == {
        "flag": BOOLEAN, "ja_nein": BOOLEAN, "two_numbers": BOOLEAN, "datum": DATETIME,
        "amount_id_like": NUMERIC, "true_segment": LABEL, "cluster": NUMERIC, "city": TEXT,
        "plz": PII, "email_opt_in": BOOLEAN, "Year_Birth": NUMERIC}


def test_explicit_choices_and_overrides():
    df = _mixed()
    roles = infer_roles(df, id_col="email", exclude=["orders"], labels=["device"],
                        overrides={"revenue": "categorical", "vip": "ignore"})
    assert roles.id_col == "email"
    assert roles.role("Customer ID") == IGNORE     # only one id column
    assert roles.role("orders") == IGNORE and roles.role("device") == LABEL
    assert roles.role("revenue") == CATEGORICAL and roles.role("vip") == IGNORE
    for col in ("email", "orders", "device", "revenue", "vip"):
        item = next(i for i in roles.items if i.column == col)
        assert item.inferred is False
    # overrides win last
    roles = infer_roles(df, exclude=["orders"], overrides={"orders": "numeric"})
    assert roles.role("orders") == NUMERIC


@pytest.mark.parametrize("kwargs, match", [
    ({"id_col": "cust"}, r"shop\.csv: column 'cust' \(id column\) does not exist"),
    ({"exclude": ["nope"]}, "column 'nope'"),
    ({"labels": ["Segment"]}, "did you mean 'segment'"),
    ({"overrides": {"zzz": "numeric"}}, "available columns: 'Customer ID', 'email'"),
    ({"overrides": {"orders": "money"}}, r"'money' is not a column role .* numeric"),
])
def test_bad_names_and_roles(kwargs, match):
    with pytest.raises(InputError, match=match):
        infer_roles(_mixed(), source="shop.csv", **kwargs)


def test_with_overrides():
    roles = infer_roles(_mixed())
    new = roles.with_overrides({"orders": "id"})
    assert new.id_col == "orders" and new.role("Customer ID") == IGNORE
    assert roles.id_col == "Customer ID"     # immutable
    with pytest.raises(InputError, match="two id columns"):
        roles.with_overrides({"orders": "id", "revenue": "id"}, source="x.csv")
    with pytest.raises(InputError, match="x.csv: column 'nope'"):
        roles.with_overrides({"nope": "numeric"}, source="x.csv")
    with pytest.raises(InputError, match="not a column role"):
        roles.with_overrides({"orders": "money"})
    with pytest.raises(InputError):
        roles.role("nope")


def test_column_roles_round_trip():
    roles = infer_roles(_mixed()).with_overrides({"device": "label"})
    back = ColumnRoles.from_dict(json.loads(json.dumps(roles.to_dict())))
    assert back == roles
    assert back.columns(LABEL) == ["segment", "device"]
    assert list(roles.to_frame().columns) == ["column", "role", "reason", "inferred"]
    with pytest.raises(InputError):
        ColumnRoles((ColumnRole("a", "money", "?"),))


def test_duplicate_column_names_in_a_frame():
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InputError, match="appears twice"):
        infer_roles(df, source="f.csv")


# ============================================================================ coerce_types
def test_coerce_types_dtypes():
    df = _mixed()
    df["revenue"] = df["revenue"].map(lambda v: f"{v:.2f}".replace(".", ","))   # text numbers
    df.loc[3, "newsletter"] = None
    df["ts"] = pd.date_range("2024-01-01", periods=len(df), freq="h", tz="Europe/Berlin")
    df["segment"] = [1.0, 2.0, np.nan, 3.0] * (len(df) // 4)
    df["device"] = df["device"].map(lambda v: f"  {v} ")
    roles = infer_roles(df, overrides={"segment": "label", "revenue": "numeric"})
    out = coerce_types(df, roles)
    assert out is not df and list(out.columns) == list(df.columns)
    assert out["orders"].dtype == np.float64 and out["revenue"].dtype == np.float64
    assert out["revenue"].iloc[0] == pytest.approx(float(df["revenue"].iloc[0].replace(",", ".")))
    assert out["newsletter"].dtype == np.float64
    assert out["newsletter"].iloc[:4].tolist()[:3] == [0.0, 1.0, 1.0]
    assert np.isnan(out["newsletter"].iloc[3])
    assert set(out["vip"].unique()) <= {0.0, 1.0}
    assert out["signup"].dtype == "datetime64[ns]"
    assert out["signup"].iloc[0] == pd.Timestamp("2021-01-01")
    assert out["last_order"].dtype == "datetime64[ns]"
    assert out["ts"].dtype == "datetime64[ns]"                    # tz-naive UTC
    assert out["ts"].iloc[0] == pd.Timestamp("2023-12-31 23:00")
    assert out["device"].dtype == object and out["device"].iloc[0] == "iOS"
    assert out["segment"].dtype == object
    assert out["segment"].iloc[:4].tolist()[:2] == ["1", "2"] and pd.isna(out["segment"].iloc[2])
    assert out["email"].equals(df["email"])                        # other roles unchanged
    assert df["revenue"].dtype != np.float64                       # input untouched


def test_coerce_boolean_variants():
    df = pd.DataFrame({"a": ["Y", "n", None, "y"], "b": [2.0, 7.0, np.nan, 7.0],
                       "c": [True, False, True, True]})
    roles = ColumnRoles(tuple(ColumnRole(c, BOOLEAN, "test") for c in df.columns))
    out = coerce_types(df, roles)
    assert out["a"].tolist()[:2] == [1.0, 0.0] and np.isnan(out["a"].iloc[2])
    assert out["b"].tolist()[:2] == [0.0, 1.0] and np.isnan(out["b"].iloc[2])
    assert out["c"].tolist() == [1.0, 0.0, 1.0, 1.0]


def test_coerce_compact_dates_from_integers():
    df = pd.DataFrame({"order_date": [19970101, 19970112, 19971231]})
    out = coerce_types(df, infer_roles(df))
    assert out["order_date"].tolist() == [pd.Timestamp("1997-01-01"), pd.Timestamp("1997-01-12"),
                                          pd.Timestamp("1997-12-31")]


# ================================================================================= quality
def test_quality_report_numbers():
    df = pd.DataFrame({
        "customer_id": ["a", "b", "c", "c", "e", "f", "g", "h", "i", "j"],
        "spend": [1, 1, 2, 2, 1, 3, 2, 1, 500, np.nan],
        "city": ["x", "y", None, None, "x", None, None, None, "y", "x"],
    })
    roles = infer_roles(df, id_col="customer_id")
    q = quality_report(df, roles)
    assert q.n_rows == 10
    assert q.duplicate_rows == 1          # row 4 repeats row 3 exactly
    assert q.duplicate_ids == 1
    by = {c.column: c for c in q.columns}
    assert by["spend"].missing_share == pytest.approx(0.1)
    assert by["city"].missing_share == pytest.approx(0.5) and by["city"].n_unique == 2
    assert "50% missing" in by["city"].warnings
    assert by["spend"].skew is not None and by["spend"].skew > 2
    assert any("right skew" in w and "log-transformed" in w for w in by["spend"].warnings)
    assert by["city"].skew is None
    assert any("repeated id" in w for w in q.warnings)
    frame = q.to_frame()
    assert list(frame.columns) == ["column", "role", "dtype", "missing_share", "n_unique", "skew",
                                   "warnings"]
    assert QualityReport.from_dict(json.loads(json.dumps(q.to_dict()))) == q


def test_quality_high_cardinality_warning():
    df = pd.DataFrame({"level": [f"L{i % 40}" for i in range(2000)]})
    q = quality_report(df, infer_roles(df))
    assert q.columns[0].role == CATEGORICAL
    assert "high cardinality (40 levels)" in q.columns[0].warnings[0]


# ============================================================================ check_usable
def test_check_usable_too_few_rows():
    df = pd.DataFrame({"customer_id": ["a"], "orders": [3]})
    with pytest.raises(InputError, match=r"^x\.csv: only 1 customer row — persona discovery "
                                         r"needs at least 10 customers"):
        check_usable(df, infer_roles(df), "x.csv")


def test_check_usable_only_an_id_column():
    df = pd.DataFrame({"customer_id": [f"c{i}" for i in range(20)]})
    with pytest.raises(InputError, match=r"x\.csv: .*only an id column \('customer_id'\).*--role"):
        check_usable(df, infer_roles(df), "x.csv")
    df["email"] = [f"u{i}@example.org" for i in range(20)]
    with pytest.raises(InputError, match=r"customer_id \(id\), email \(pii\)"):
        check_usable(df, infer_roles(df), "x.csv")


def test_check_usable_duplicate_ids_name_value_and_rows():
    df = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "b", "e", "f", "b", "g", "h", "i"],
                       "orders": range(11)})
    roles = infer_roles(df)
    assert roles.id_col == "customer_id"
    with pytest.raises(InputError, match=r"x\.csv: id 'b' appears more than once in column "
                                         r"'customer_id' \(rows 2 and 5\).*event log\? use --events"):
        check_usable(df, roles, "x.csv")


def test_check_usable_missing_ids():
    df = pd.DataFrame({"customer_id": ["a", "b", None] + [f"c{i}" for i in range(10)],
                       "orders": range(13)})
    with pytest.raises(InputError, match=r"x\.csv: the id column 'customer_id' is empty in row 3"):
        check_usable(df, infer_roles(df), "x.csv")


def test_check_usable_passes_on_good_data():
    df = _mixed()
    check_usable(df, infer_roles(df), "ok.csv")


# ============================================================================= performance
def test_role_inference_is_sampled_and_fast(tmp_path):
    n = 200_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"customer_id": np.arange(n), "spend": rng.gamma(2, 30, n),
                       "email": [f"u{i}@x.org" for i in range(n)],
                       "channel": rng.choice(["app", "web", "store"], n),
                       "joined": pd.Series(pd.date_range("2020-01-01", periods=n, freq="min"))
                       .dt.strftime("%d.%m.%Y"),
                       "active": rng.choice(["yes", "no"], n)})
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False, sep=";")
    t0 = time.perf_counter()
    table, rep = read_table(path)
    roles = infer_roles(table, source=rep.source)
    coerce_types(table, roles)
    quality_report(table, roles)
    elapsed = time.perf_counter() - t0
    assert rep.n_rows == n
    assert roles.as_mapping() == {"customer_id": ID, "spend": NUMERIC, "email": PII,
                                  "channel": CATEGORICAL, "joined": DATETIME, "active": BOOLEAN}
    assert elapsed < 15, f"read + roles + coerce + quality took {elapsed:.1f} s"
