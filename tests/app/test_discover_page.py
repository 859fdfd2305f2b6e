

def test_run_discovery_with_new_settings(no_exception, page, small_ws):
    at = page("pages/discover.py")
    no_exception(at)
    at.selectbox(key="method").set_value("kmeans")
    at.run()
    at.checkbox(key="auto_k").set_value(False)
    at.run()
    at.number_input(key="k").set_value(3)
    at.button(key="run").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.metrics["n_personas"] == 3 and ws.config.k == 3
    assert set(ws.lineage.values()) <= {"kept", "changed", "new", "gone"} and ws.lineage
    assert at.metric[0].value == "3"


def test_invalid_setting_shows_error_and_keeps_workspace(no_exception, page, small_ws, monkeypatch):
    at = page("pages/discover.py")
    at.selectbox(key="method").set_value("kmeans").run()
    at.checkbox(key="auto_k").set_value(False).run()
    at.session_state["dataset"] = {"frame": small_ws.data.head(5), "report":
                                   __import__("persona_mining.ingest", fromlist=["x"]).IngestReport.from_dict(small_ws.source),
                                   "roles": {}, "new": True, "project": "tiny"}
    at.button(key="run").click().run()
    assert at.error and "at least 10 customers" in at.error[0].value
    assert at.session_state["workspace"] is small_ws
