

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
