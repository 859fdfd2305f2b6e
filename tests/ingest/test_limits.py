"""Size limits (persona_mining.ingest.limits).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import MAX_COLUMNS, read_table

from ingest_helpers import write


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
