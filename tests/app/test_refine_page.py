"""Refine page: merge / split / reassign / discard, undo / redo, the edit log, autosave."""

import numpy as np

from persona_mining import projects
from persona_mining.labels import persona_label as label

from apptest_helpers import page_text


def picker(at, label_start: str):
    """Persona pickers are found by label: their keys change with every edit."""
    return [s for s in at.selectbox if s.label.startswith(label_start)][0]


def edit_log(at):
    return [d.value for d in at.dataframe if "what" in d.value.columns][0]


def test_merge_undo_redo(no_exception, page, small_ws):
    at = page("pages/refine.py")
    no_exception(at)
    ids = [p.id for p in small_ws.personas()]
    at.multiselect[0].set_value([label(small_ws, i) for i in ids[:2]]).run()
    at.button(key="merge").click().run()
    no_exception(at)
    assert len(at.session_state["workspace"].personas()) == len(ids) - 1
    assert "merged" in edit_log(at)["what"].iloc[0]                # newest first
    assert len(projects.open_project("test").edits) == 1            # autosaved
    at.button(key="undo").click().run()
    assert len(at.session_state["workspace"].personas()) == len(ids)
    assert len(projects.open_project("test").edits) == 0
    at.button(key="redo").click().run()
    no_exception(at)
    assert len(at.session_state["workspace"].personas()) == len(ids) - 1
    assert at.button(key="redo").disabled and not at.button(key="undo").disabled
    assert at.multiselect[0].value == []              # the merged personas are not offered


def test_split_preview_then_accept(no_exception, page, small_ws):
    at = page("pages/refine.py")
    target = small_ws.personas()[0]
    picker(at, "Persona to split").set_value(label(small_ws, target.id))
    at.number_input(key="split_k").set_value(3)
    at.button(key="split_preview").click().run()
    no_exception(at)
    parts = at.session_state["split_proposal"]["parts"]
    assert len(parts) == 3 and sum(map(len, parts)) == target.size
    text = page_text(at)
    assert "Part 1 (keeps the name)" in text and "Part 3 (new)" in text
    assert f"{len(parts[0]):,} customers" in text
    at.button(key="split_accept").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert len(ws.personas()) == len(small_ws.personas()) + 2
    assert ws.edits[-1]["op"] == "split" and "split_proposal" not in at.session_state


def test_split_cancel_changes_nothing(no_exception, page, small_ws):
    at = page("pages/refine.py")
    at.button(key="split_preview").click().run()
    at.button(key="split_cancel").click().run()
    no_exception(at)
    assert at.session_state["workspace"] is small_ws
    assert "split_proposal" not in at.session_state


def test_reassign_selection_and_discard(no_exception, page, small_ws):
    at = page("pages/refine.py")
    assert "No customers selected" in page_text(at)
    rows = np.flatnonzero(small_ws.state().labels == small_ws.personas()[0].id)[:5].tolist()
    at.session_state["selection"] = rows
    at.run()
    target = small_ws.personas()[1].id
    picker(at, "Move the").set_value(label(small_ws, target))
    at.button(key="reassign").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert (ws.state().labels[rows] == target).all()
    picker(at, "Persona to discard").set_value(label(at.session_state["workspace"], target))
    at.button(key="discard").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert target not in [p.id for p in ws.personas()]
    assert (ws.state().labels[rows] == "unassigned").all()
    log = edit_log(at)
    assert len(log) == 2 and "discarded" in log["what"].iloc[0]
