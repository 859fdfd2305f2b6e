"""What was read and how: the IngestReport (persona_mining.ingest.report).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import json

from persona_mining.ingest import IngestReport, read_table

from ingest_helpers import write


def test_report_source_is_the_file_name_only(tmp_path):
    path = write(tmp_path, "only_name.csv", "a,b\n1,2\n")
    _, rep = read_table(path)
    assert rep.source == "only_name.csv" and str(tmp_path) not in json.dumps(rep.to_dict())


def test_ingest_report_round_trip():
    rep = IngestReport(source="x.csv", sha256="0" * 64, format="csv", encoding="cp1252",
                       delimiter=";", decimal=",", thousands=".", n_rows=3, n_columns=2,
                       dropped_rows=(("completely empty", 2),),
                       dropped_columns=(("column_3", "no header and no values"),),
                       notes=("a note",))
    assert IngestReport.from_dict(json.loads(json.dumps(rep.to_dict()))) == rep
