"""The clean-up shared by every format: names, empty rows, index columns
(persona_mining.ingest.cleanup).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

from persona_mining.ingest import read_table

from ingest_helpers import write


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
