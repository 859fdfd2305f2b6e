"""Track page: the model summary, scoring uploaded periods, drift warnings, persistence."""

from persona_mining import projects
from persona_mining.synthetic import month_files

from apptest_helpers import unescape


def test_score_periods_shows_shares_and_drift(no_exception, page):
    at = page("pages/track.py")
    no_exception(at)
    assert [m.label for m in at.metric][:3] == ["Personas in the model", "Reference customers",
                                                "Agreement on unseen customers"]
    assert at.info and "No periods scored yet" in at.info[0].value
    files = month_files(1200)[::-1]                           # uploaded out of order
    at.file_uploader(key="track_files").set_value(
        [(name, data, "text/csv") for name, data in files]).run()
    at.button(key="track_run").click().run()
    no_exception(at)
    result = at.session_state["workspace"].extras["tracking"]
    assert [p["period"] for p in result["drift"]["periods"]] == ["2026-11", "2026-12", "2027-01"]
    assert [p["drift"] for p in result["drift"]["periods"]] == [False, False, True]
    warnings = [unescape(w.value) for w in at.warning]
    assert warnings and all(w.startswith("**2027-01**") for w in warnings)
    assert len(at.get("vega_lite_chart")) == 1
    # kept in the project: a new session (browser refresh, server restart) sees it
    assert projects.open_project("test").extras["tracking"]["files"] == [n for n, _ in files[::-1]]


def test_demo_months_and_bad_upload(no_exception, page):
    at = page("pages/track.py")
    at.button(key="track_demo").click().run()
    no_exception(at)
    assert at.session_state["workspace"].extras["tracking"]["drift"]["drift"] is True
    at.file_uploader(key="track_files").set_value([("jan.csv", b"a,b\n1,2\n", "text/csv")]).run()
    at.button(key="track_run").click().run()
    no_exception(at)
    assert at.error and "revenue_12m" in unescape(at.error[0].value)
    # the earlier result is still shown
    assert at.session_state["workspace"].extras["tracking"]["files"][0] == "2026-11.csv"
