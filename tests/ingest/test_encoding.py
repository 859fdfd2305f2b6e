"""Text encodings of delimited files (persona_mining.ingest.encoding).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import pytest

from persona_mining.ingest import read_table

from ingest_helpers import write


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
