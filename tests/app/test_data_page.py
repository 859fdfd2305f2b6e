

def test_upload_shows_roles_and_quality(no_exception, page, small_csv):
    at = page("pages/data.py")
    no_exception(at)
    at.file_uploader[0].set_value(("kunden.csv", small_csv.read_bytes(), "text/csv")).run()
    no_exception(at)
    assert at.success and "kunden.csv" in at.success[0].value
    ds = at.session_state["dataset"]
    assert ds["roles"]["email"] == "pii" and ds["roles"]["customer_id"] == "id"
    roles = at.data_editor[0].value if hasattr(at, "data_editor") and at.data_editor else None
    assert roles is None or "role" in roles.columns


def test_bad_file_shows_error_and_keeps_data(no_exception, page, small_ws):
    at = page("pages/data.py")
    at.file_uploader[0].set_value(("broken.csv", bytes(range(256)) * 20, "text/csv")).run()
    assert at.error and "broken.csv" in at.error[0].value
    assert "dataset" not in at.session_state
    assert at.session_state["workspace"] is small_ws


def test_sample_button_loads_sample(no_exception, page):
    at = page("pages/data.py")
    at.button(key="use_sample").click().run()
    no_exception(at)
    assert at.session_state["project"] == "Sample customers"
    assert at.session_state["workspace"].n == 10_000


def test_event_log_upload_mapping_and_discovery(no_exception, page, tmp_path):
    from persona_mining.synthetic import make_event_log

    events, _ = make_event_log(400, seed=2)
    at = page("pages/data.py")
    at.radio(key="file_kind").set_value("one row per event (an event log)").run()
    at.file_uploader[0].set_value(("log.csv", events.to_csv(index=False).encode(), "text/csv")).run()
    no_exception(at)
    assert at.selectbox(key="map_customer").value == "customer_id"
    assert at.selectbox(key="map_event").value == "event"
    at.button(key="aggregate").click().run()
    no_exception(at)
    ds = at.session_state["dataset"]
    assert len(ds["frame"]) == events["customer_id"].nunique()
    assert "events_per_session" in ds["frame"].columns and ds["roles"]["customer_id"] == "id"
    at = page("pages/discover.py")
    at.session_state["dataset"] = ds
    at.run()
    at.selectbox(key="method").set_value("kmeans").run()
    at.checkbox(key="auto_k").set_value(False).run()
    at.number_input(key="k").set_value(5)
    at.button(key="run").click().run()
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.metrics["n_personas"] == 5 and ws.extras["journeys"]


def test_sample_event_log_is_offered(no_exception, page):
    at = page("pages/data.py")
    at.button(key="use_event_sample").click().run()
    no_exception(at)
    assert at.session_state["event_log"]["report"].source == "events.csv"
    assert at.selectbox(key="map_time").value == "timestamp"
