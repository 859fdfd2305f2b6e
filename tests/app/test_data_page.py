"""Data page: upload, bad files, sample, editable roles, quality report, event logs."""

import io

import pandas as pd
import pytest

from apptest_helpers import page_text, run_kmeans, unescape


def upload(at, name: str, payload: bytes, mime: str = "text/csv"):
    return at.file_uploader(key="upload").set_value((name, payload, mime)).run()


def test_upload_shows_preview_roles_and_quality(no_exception, page, small_csv):
    at = page("pages/data.py")
    no_exception(at)
    upload(at, "kunden.csv", small_csv.read_bytes())
    no_exception(at)
    assert at.success and "kunden.csv" in at.success[0].value
    ds = at.session_state["dataset"]
    assert ds.roles["email"] == "pii" and ds.roles["customer_id"] == "id"
    assert ds.project == "kunden"
    editor = at.data_editor[0].value
    assert {"column", "role"} <= set(editor.columns) and "email" in set(editor["column"])
    quality = at.dataframe[-1].value
    assert {"missing_share", "n_unique", "warnings"} <= set(quality.columns)
    assert "personal data" in page_text(at)


def test_parquet_upload_works_too(no_exception, page, small_csv):
    buf = io.BytesIO()
    pd.read_csv(small_csv).head(300).to_parquet(buf, index=False)
    at = page("pages/data.py")
    upload(at, "kunden.parquet", buf.getvalue(), "application/octet-stream")
    no_exception(at)
    assert at.session_state["dataset"].report.n_rows == 300


def test_bad_file_shows_error_and_keeps_data(no_exception, page, small_ws):
    at = page("pages/data.py")
    upload(at, "broken.csv", bytes(range(256)) * 20)
    no_exception(at)
    assert at.error and "broken.csv" in at.error[0].value
    assert "dataset" not in at.session_state
    assert at.session_state["workspace"] is small_ws
    assert "Current data" in at.info[0].value                 # the previous data is still shown


def test_bad_file_after_a_good_one_keeps_the_good_one(no_exception, page, small_csv):
    at = page("pages/data.py")
    upload(at, "kunden.csv", small_csv.read_bytes())
    upload(at, "leer.csv", b"")
    no_exception(at)
    assert at.error and "leer.csv" in at.error[0].value
    assert at.session_state["dataset"].report.source == "kunden.csv"


def test_changed_roles_feed_the_discovery(no_exception, page, small_csv):
    at = page("pages/data.py")
    upload(at, "kunden.csv", small_csv.read_bytes())
    editor = at.data_editor[0]
    row = list(editor.value["column"]).index("revenue_12m")
    at.session_state[editor.key] = {"edited_rows": {row: {"role": "ignore"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    no_exception(at)
    ds = at.session_state["dataset"]
    assert ds.roles["revenue_12m"] == "ignore"
    assert "revenue_12m → ignore" in page_text(at)

    from streamlit.testing.v1 import AppTest

    from apptest_helpers import ROOT

    disc = AppTest.from_file(str(ROOT / "pages/discover.py"), default_timeout=120)
    for key in ("workspace", "project", "dataset"):
        disc.session_state[key] = at.session_state[key]
    run_kmeans(disc.run(), 3)
    no_exception(disc)
    ws = disc.session_state["workspace"]
    assert ("revenue_12m", "ignore") in ws.config.roles
    assert "revenue_12m" not in ws.prep.source_columns_
    assert disc.session_state["project"] == "kunden" and ws.lineage == {}


def test_roles_of_the_current_data_are_editable_and_checked(no_exception, page):
    at = page("pages/data.py")
    editor = at.data_editor[0]                              # roles of the current data
    col = list(editor.value["column"])
    assert "email" not in col                               # personal data is not even kept
    at.session_state[editor.key] = {"edited_rows": {col.index("orders_12m"): {"role": "label"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    no_exception(at)
    assert at.session_state["roles_draft"] == {"orders_12m": "label"}
    at.session_state[editor.key] = {"edited_rows": {col.index("orders_12m"): {"role": "id"},
                                                    col.index("revenue_12m"): {"role": "id"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    no_exception(at)
    assert at.error and "two id columns" in at.error[0].value
    assert at.session_state["roles_draft"] == {"orders_12m": "label"}   # last valid roles kept


def test_sample_button_loads_sample(no_exception, page):
    at = page("pages/data.py")
    at.button(key="use_sample").click().run()
    no_exception(at)
    assert at.session_state["project"] == "Sample customers"
    assert at.session_state["workspace"].n == 10_000


def test_event_log_upload_mapping_and_discovery(no_exception, page):
    from persona_mining.synthetic import make_event_log

    events, _ = make_event_log(400, seed=2)
    at = page("pages/data.py")
    at.radio(key="file_kind").set_value("one row per event (an event log)").run()
    upload(at, "log.csv", events.to_csv(index=False).encode())
    no_exception(at)
    assert at.selectbox(key="map_customer").value == "customer_id"
    assert at.selectbox(key="map_event").value == "event"
    at.button(key="aggregate").click().run()
    no_exception(at)
    ds = at.session_state["dataset"]
    assert len(ds.frame) == events["customer_id"].nunique()
    assert "events_per_session" in ds.frame.columns and ds.roles["customer_id"] == "id"
    at = page("pages/discover.py")
    at.session_state["dataset"] = ds
    run_kmeans(at.run(), 5)
    no_exception(at)
    ws = at.session_state["workspace"]
    assert ws.metrics["n_personas"] == 5 and ws.extras["journeys"]


def test_sample_event_log_is_offered(no_exception, page):
    at = page("pages/data.py")
    at.button(key="use_event_sample").click().run()
    no_exception(at)
    assert at.session_state["event_log"]["report"].source == "events.csv"
    assert at.selectbox(key="map_time").value == "timestamp"


def test_excel_with_a_far_cell_shows_error_quickly(no_exception, page, small_ws, tmp_path):
    """1.5 KB .xlsx with values in A1 and XFD1048576: grew the server to 6 GB before."""
    import time

    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1048576"] = "x", 1
    book.save(tmp_path / "far.xlsx")
    at = page("pages/data.py")
    t = time.perf_counter()
    upload(at, "far.xlsx", (tmp_path / "far.xlsx").read_bytes(),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    no_exception(at)
    assert time.perf_counter() - t < 10
    assert at.error and "A1:XFD1048576" in unescape(at.error[0].value)
    assert at.session_state["workspace"] is small_ws           # nothing lost


def test_infinite_and_absurd_values_are_reported(no_exception, page, small_csv):
    frame = pd.read_csv(small_csv).astype({"revenue_12m": object})
    frame.loc[0, "revenue_12m"], frame.loc[1, "revenue_12m"] = "inf", "1e200"
    at = page("pages/data.py")
    upload(at, "kunden.csv", frame.to_csv(index=False).encode())
    no_exception(at)
    quality = at.dataframe[-1].value.set_index("column")
    assert "1 infinite value" in quality.loc["revenue_12m", "warnings"]
    assert "e.g. 10^200" in quality.loc["revenue_12m", "warnings"]


def test_how_columns_are_weighted(no_exception, page, small_ws):
    at = page("pages/data.py")
    no_exception(at)
    assert "How columns are weighted" in [e.label for e in at.expander]
    frames = [d.value for d in at.dataframe if "counts" in d.value.columns]
    assert len(frames) == 1 and set(frames[0]["column"]) == set(
        s.column for s in small_ws.prep.steps_)
    assert frames[0]["counts"].sum() == pytest.approx(1.0)
