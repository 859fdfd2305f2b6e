"""check_usable: stop early, with a fix, when no personas can come out
(persona_mining.ingest.usability).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import pandas as pd
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import check_usable, infer_roles

from ingest_helpers import _mixed


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
