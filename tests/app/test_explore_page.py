"""Explore page: map, selection profile, heatmap, sizes; the rectangle -> customers."""

import numpy as np

from persona_mining import charts, selection

from apptest_helpers import page_text


def test_map_heatmap_and_selection_profile(no_exception, page, small_ws):
    at = page("pages/explore.py")
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 3                    # map, sizes, heatmap
    assert at.info and "No customers selected" in at.info[0].value
    second = small_ws.personas()[1]
    rows = np.flatnonzero(small_ws.state().labels == second.id)[:40].tolist()
    at.session_state["selection"] = rows
    at.run()
    no_exception(at)
    profile = at.dataframe[0].value
    assert {"trait", "selection", "all customers"} <= set(profile.columns) and len(profile) > 0
    assert any(c.startswith("its persona (") for c in profile.columns)
    assert "40 customers selected" in page_text(at)
    at.selectbox(key="color_by").set_value("revenue_12m").run()
    no_exception(at)
    at.selectbox(key="color_by").set_value("device").run()
    no_exception(at)
    at.button(key="clear_selection").click().run()
    no_exception(at)
    assert "selection" not in at.session_state and at.session_state["map_version"] == 1


def test_stale_selection_is_ignored(no_exception, page, small_ws):
    at = page("pages/explore.py")
    at.session_state["selection"] = [small_ws.n + 5, small_ws.n + 6]   # from bigger data
    at.run()
    no_exception(at)
    assert "No customers selected" in at.info[0].value


def test_map_has_no_identifiers_and_box_selects_all_customers(small_ws):
    spec = charts.map_chart(small_ws).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert set(data[0]) == {"x", "y", "row", "persona"}           # no customer ids
    assert spec["params"][0]["name"] == "brush"
    m = small_ws.map2d
    box = {"x": [float(m[:, 0].min()), float(np.median(m[:, 0]))],
           "y": [float(m[:, 1].min()), float(m[:, 1].max())]}
    rows = selection.rows_in_box(small_ws, box)
    assert len(rows) == int((m[:, 0] <= np.median(m[:, 0])).sum())
