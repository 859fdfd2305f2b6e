"""app.py: the router opens with the sample (prebuilt, within seconds) or the last project."""

from persona_mining import projects, refine
from persona_mining.sample import PREBUILT

from apptest_helpers import ROOT, page_text


def run_app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def test_first_start_shows_the_sample_personas(no_exception):
    import json

    at = run_app()
    no_exception(at)
    ws = at.session_state["workspace"]
    prebuilt = json.loads((PREBUILT / "manifest.json").read_text())
    # the prebuilt workspace (personas at once), not a fresh discovery
    assert ws.provenance["created_at"] == prebuilt["provenance"]["created_at"]
    assert ws.n == 10_000 and at.session_state["project"] == "Sample customers"
    names = [s.value for s in at.subheader]
    assert len(names) == len(ws.personas()) >= 5
    assert "Open: Sample customers · 10,000 customers" in page_text(at)
    assert projects.last_project() == "Sample customers"      # saved for the next start


def test_restart_reopens_the_last_project_with_its_edits(no_exception, small_ws):
    pid = small_ws.personas()[0].id
    edited = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Nachteulen"))
    projects.save_project(edited, "kunden")
    at = run_app()                                  # a new session, as after a restart
    no_exception(at)
    assert at.session_state["project"] == "kunden"
    assert at.session_state["workspace"].persona_name(pid) == "Nachteulen"
    assert "Nachteulen" in [s.value for s in at.subheader]


def test_every_page_renders_through_the_router(no_exception, small_ws):
    projects.save_project(small_ws, "small")
    at = run_app()
    for page in ("pages/explore.py", "pages/refine.py", "pages/discover.py", "pages/data.py",
                 "pages/personas.py"):
        at.switch_page(page).run()
        no_exception(at)
        assert at.title, page


def test_project_switcher_opens_and_saves_copies(no_exception, small_ws):
    projects.save_project(small_ws, "alpha")
    projects.save_project(small_ws, "beta")          # last saved: opened at start
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "tests/app/sidebar_app.py"), default_timeout=120).run()
    assert at.session_state["project"] == "beta"
    at.selectbox(key="project_choice").set_value("alpha").run()
    at.button(key="open_project").click().run()
    no_exception(at)
    assert at.session_state["project"] == "alpha"
    at.text_input(key="save_as_name").set_value("gamma / copy")
    at.button[[b.label for b in at.button].index("Save copy")].click().run()
    no_exception(at)
    assert at.session_state["project"] == "gamma _ copy"
    assert {"alpha", "beta", "gamma _ copy"} <= {p.name for p in projects.list_projects()}
