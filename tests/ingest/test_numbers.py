"""Numbers stored as text: thousands, currency, placeholders (persona_mining.ingest.numbers).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import numpy as np

from persona_mining.ingest import read_table

from ingest_helpers import write


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
