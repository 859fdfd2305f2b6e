"""Discover page: settings, a run with progress, quality summary, lineage on re-runs."""

import dataclasses

from persona_mining import projects
from persona_mining.datasource import Dataset
from persona_mining.ingest import ColumnRoles

from apptest_helpers import page_text


def test_shows_settings_curve_and_quality(no_exception, page, small_ws):
    at = page("pages/discover.py")
    no_exception(at)
    assert at.selectbox(key="method").value == "kmeans"
    assert len(at.get("vega_lite_chart")) == 1                    # how many personas?
    assert "Suggested:" in page_text(at)
    assert at.metric[0].value == str(small_ws.metrics["n_personas"])
    table = at.dataframe[0].value
    assert len(table) == len(small_ws.personas()) and "stability" in table.columns


def test_run_discovery_with_new_settings_keeps_names(no_exception, page, small_ws):
    from persona_mining import refine

    pid = small_ws.personas()[0].id
    named = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Stammkunden"))
    at = page("pages/discover.py", ws=named)
    at.checkbox(key="auto_k").set_value(False).run()
    at.number_input(key="k").set_value(3)
    at.button(key="run").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.metrics["n_personas"] == 3 and ws.config.k == 3
    assert set(ws.lineage.values()) <= {"kept", "changed", "new", "gone"} and ws.lineage
    assert "gone" in ws.lineage.values()                          # 4 -> 3 personas
    assert at.metric[0].value == "3"
    assert "No longer found" in page_text(at)
    kept = [p for p, s in ws.lineage.items() if s in ("kept", "changed")]
    assert "Stammkunden" in [ws.persona_name(p) for p in kept]   # the name came along
    saved = projects.open_project("test")                         # saved in full
    assert saved.metrics["n_personas"] == 3


def test_hdbscan_settings_and_gmm_curve(no_exception, page, small_ws):
    at = page("pages/discover.py")
    at.selectbox(key="method").set_value("hdbscan").run()
    no_exception(at)
    assert at.slider(key="min_size") and at.slider(key="max_unassigned")
    at.selectbox(key="method").set_value("gmm").run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 2                    # silhouette and BIC


def test_invalid_data_shows_error_and_keeps_workspace(no_exception, page, small_ws):
    at = page("pages/discover.py")
    at.checkbox(key="auto_k").set_value(False).run()
    at.session_state["dataset"] = Dataset(small_ws.data.head(5), dataclasses.replace(
        small_ws.source, source="tiny.csv"), ColumnRoles(()), {})
    at.button(key="run").click().run()
    no_exception(at)
    assert at.error and "at least 10 customers" in at.error[0].value
    assert at.session_state["workspace"] is small_ws
    assert at.session_state["project"] == "test"


def test_selection_is_dropped_when_the_data_changes(no_exception, page, small_ws):
    at = page("pages/discover.py")
    at.session_state["selection"] = [1, 2, 3]
    frame = small_ws.data.head(400)
    report = dataclasses.replace(small_ws.source, n_rows=400)
    report = dataclasses.replace(report, source="klein.csv")
    at.session_state["dataset"] = Dataset(frame, report, ColumnRoles(()), {})
    at.run()
    at.checkbox(key="auto_k").set_value(False).run()
    at.number_input(key="k").set_value(3)
    at.button(key="run").click().run()
    no_exception(at)
    assert at.session_state["workspace"].n == 400
    assert at.session_state["project"] == "klein" and "selection" not in at.session_state


def test_how_many_view_explains_the_number_and_recuts_in_one_click(no_exception, page,
                                                                  hdbscan_ws):
    from persona_mining import refine

    first = hdbscan_ws.personas()[0].id
    named = hdbscan_ws.with_edit(refine.edit_set(hdbscan_ws.state(), first, "name", "Stammkunden"))
    at = page("pages/discover.py", ws=named)
    no_exception(at)
    chosen = named.metrics["engine_k"]
    text = page_text(at)
    assert "How many personas?" in text and f"The engine chose {chosen} personas." in text
    assert "distinct" in text and "Stability:" in text
    assert len(at.get("vega_lite_chart")) == 1              # the evidence chart
    assert "replaces your merges" in text                   # there is an edit (a rename)
    pick = at.selectbox(key="how_many_pick")
    assert chosen not in pick.options and str(chosen - 2) in pick.options
    pick.set_value(chosen - 2).run()
    at.button(key="how_many_apply").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert len(ws.personas()) == chosen - 2 and ws.config.k == chosen - 2
    assert ws.metrics["engine_k"] == chosen                  # the evidence still knows
    assert "Stammkunden" in [ws.persona_name(p.id) for p in ws.personas()]
    assert projects.open_project("test").config.k == chosen - 2      # saved
    text = page_text(at)
    assert f"You picked {chosen - 2} personas instead" in text
    at.button(key="how_many_engine").click().run()             # and back, one click
    no_exception(at)
    ws = at.session_state["workspace"]
    assert len(ws.personas()) == chosen and ws.config.k is None
