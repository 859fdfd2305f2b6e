"""Delimited text: delimiter, decimal sign, leading zeros, field counts
(persona_mining.ingest.delimited).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import read_table

from ingest_helpers import write


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


def test_crlf_and_quoted_fields(tmp_path):
    text = 'id,comment,amount\r\n1,"Hello, world",2.5\r\n2,"multi\r\nline ""quoted""",3\r\n'
    df, rep = read_table(write(tmp_path, "crlf.csv", text))
    assert list(df.columns) == ["id", "comment", "amount"]
    assert df["comment"].iloc[0] == "Hello, world"
    assert df["comment"].iloc[1] == 'multi\r\nline "quoted"'
    assert df["amount"].tolist() == [2.5, 3.0]
    assert rep.n_rows == 2


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


def test_long_line_beyond_the_checked_head_is_found(tmp_path, monkeypatch):
    import persona_mining.ingest.encoding as encoding

    monkeypatch.setattr(encoding, "_CHECK_BYTES", 64)
    rows = "".join(f"{i},{i}\n" for i in range(50))
    with pytest.raises(InputError, match="line 43 has 3 fields"):
        read_table(write(tmp_path, "late.csv", "a,b\n" + rows.replace("41,41\n", "41,41,x\n")))
