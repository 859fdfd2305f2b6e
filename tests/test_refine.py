"""Edit log: merge, split, reassign, discard, rename, undo/redo and lineage matching."""

import numpy as np
import pytest

from persona_mining import refine
from persona_mining.errors import InputError


@pytest.fixture
def state():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 15 + [-1] * 5)
    return refine.base_state(labels, ("P1", "P2", "P3"))


def test_base_state_maps_clusters_to_ids(state):
    assert (state.labels[:50] == "P1").all() and (state.labels[95:] == "unassigned").all()
    assert set(state.fields) == {"P1", "P2", "P3"}


def test_merge_keeps_largest_id_and_user_lists(state):
    e1 = refine.edit_set(state, "P3", "goals", ["save money"])
    s1 = refine.apply_edits(state, [e1])
    e2 = refine.edit_merge(s1, ["P3", "P1"])
    assert e2["into"] == "P1"
    s2 = refine.apply_edits(state, [e1, e2])
    assert "P3" not in s2.fields and (s2.labels == "P1").sum() == 65
    assert s2.fields["P1"]["goals"] == ["save money"]
    assert s2.origin["P1"] == "merge of P3, P1"


def test_split_records_members_and_replays_identically(state):
    members = np.flatnonzero(state.labels == "P2")
    e = refine.edit_split(state, "P2", [members[:10], members[10:]])
    assert list(e["parts"]) == ["P4"]
    s = refine.apply_edits(state, [e])
    assert (s.labels == "P2").sum() == 10 and (s.labels == "P4").sum() == 20
    again = refine.apply_edits(state, [e])
    assert (again.labels == s.labels).all()
    with pytest.raises(InputError, match="not in persona P2"):
        refine.edit_split(state, "P2", [members, np.array([0])])


def test_reassign_and_discard(state):
    e1 = refine.edit_reassign(state, [0, 1, 96], "P3")
    s1 = refine.apply_edits(state, [e1])
    assert list(s1.labels[[0, 1, 96]]) == ["P3"] * 3
    e2 = refine.edit_discard(s1, "P3")
    s2 = refine.apply_edits(state, [e1, e2])
    assert "P3" not in s2.fields and (s2.labels == "unassigned").sum() == 5 - 1 + 15 + 3
    with pytest.raises(InputError, match="does not exist"):
        refine.edit_reassign(s2, [4], "P3")


def test_reassigning_all_members_away_removes_the_persona(state):
    rows = np.flatnonzero(state.labels == "P3")
    s = refine.apply_edits(state, [refine.edit_reassign(state, rows, "P1")])
    assert "P3" not in s.fields


def test_rename_validation(state):
    with pytest.raises(InputError, match="cannot be empty"):
        refine.edit_set(state, "P1", "name", "   ")
    with pytest.raises(InputError, match="not an editable field"):
        refine.edit_set(state, "P1", "size", 3)
    e = refine.edit_set(state, "P1", "name", "  Nachteulen „App“ ")
    assert e["value"] == "Nachteulen „App“" and "renamed P1" in e["summary"] and e["at"]


def test_next_ids_never_reuse_a_used_id(state):
    members = np.flatnonzero(state.labels == "P1")
    e = refine.edit_split(state, "P1", [members[:25], members[25:]])
    s = refine.apply_edits(state, [e, refine.edit_discard(refine.apply_edits(state, [e]), "P4")])
    assert "P4" not in s.fields
    assert refine.next_ids(s, 2) == ["P5", "P6"]


def test_lineage_keeps_ids_of_overlapping_clusters():
    old = np.array(["P1"] * 50 + ["P2"] * 30 + ["P3"] * 20, dtype=object)
    new = np.array([1] * 50 + [0] * 20 + [2] * 30)   # P1 renumbered; P2/P3 border moved
    ids, status = refine.match_lineage(old, new, ["P1", "P2", "P3"])
    assert ids == ["P2", "P1", "P3"]
    assert status == {"P1": "kept", "P2": "changed", "P3": "changed"}
    new2 = np.array([0] * 50 + [1] * 50)
    ids2, status2 = refine.match_lineage(old, new2, ["P1", "P2", "P3"])
    assert ids2[0] == "P1" and "gone" in status2.values()
