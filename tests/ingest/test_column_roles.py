"""The ColumnRoles model: overrides, round trip (persona_mining.ingest.column_roles).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import json

import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import ColumnRole, ColumnRoles, infer_roles
from persona_mining.roles import IGNORE, LABEL

from ingest_helpers import _mixed


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
