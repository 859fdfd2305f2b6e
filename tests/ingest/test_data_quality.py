"""The data-quality report (persona_mining.ingest.data_quality).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from persona_mining.ingest import QualityReport, infer_roles, quality_report
from persona_mining.roles import CATEGORICAL


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
