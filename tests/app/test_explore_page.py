import numpy as np



def test_map_heatmap_and_selection_profile(no_exception, page, small_ws):
    at = page("pages/explore.py")
    no_exception(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3                           # map, heatmap, sizes
    assert at.info and "No customers selected" in at.info[0].value
    rows = np.flatnonzero(small_ws.state().labels == small_ws.personas()[1].id)[:40].tolist()
    at.session_state["selection"] = rows
    at.run()
    profile = at.dataframe[0].value
    assert {"selection", "all customers"} <= set(profile.columns) and len(profile) > 0
    assert any("40 customers selected" in m.value for m in at.markdown)
    at.selectbox(key="color_by").set_value("revenue_12m").run()
    no_exception(at)
