import numpy as np



def test_merge_undo_redo(no_exception, page, small_ws):
    at = page("pages/refine.py")
    no_exception(at)
    ids = [p.id for p in small_ws.personas()]
    at.multiselect(key="merge_ids").set_value(ids[:2]).run()
    at.button(key="merge").click().run()
    no_exception(at)
    assert len(at.session_state["workspace"].personas()) == len(ids) - 1
    assert "merged" in at.dataframe[-1].value["what"].iloc[0]      # audit log, newest first
    at.button(key="undo").click().run()
    assert len(at.session_state["workspace"].personas()) == len(ids)
    at.button(key="redo").click().run()
    assert len(at.session_state["workspace"].personas()) == len(ids) - 1


def test_split_preview_then_accept(no_exception, page, small_ws):
    at = page("pages/refine.py")
    pid = small_ws.personas()[0].id
    at.selectbox(key="split_id").set_value(pid)
    at.number_input(key="split_k").set_value(3)
    at.button(key="split_preview").click().run()
    no_exception(at)
    preview = at.dataframe[0].value
    assert len(preview) == 3 and preview["customers"].sum() == small_ws.personas()[0].size
    at.button(key="split_accept").click().run()
    ws = at.session_state["workspace"]
    assert len(ws.personas()) == len(small_ws.personas()) + 2
    assert ws.edits[-1]["op"] == "split"


def test_reassign_selection_and_discard(no_exception, page, small_ws):
    at = page("pages/refine.py")
    rows = np.flatnonzero(small_ws.state().labels == small_ws.personas()[0].id)[:5].tolist()
    at.session_state["selection"] = rows
    at.run()
    target = small_ws.personas()[1].id
    at.selectbox(key="move_to").set_value(target)
    at.button(key="reassign").click().run()
    ws = at.session_state["workspace"]
    assert (ws.state().labels[rows] == target).all()
    at.selectbox(key="discard_id").set_value(target)
    at.button(key="discard").click().run()
    ws = at.session_state["workspace"]
    assert target not in [p.id for p in ws.personas()]
    assert (ws.state().labels[rows] == "unassigned").all()
