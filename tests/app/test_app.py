"""app.py: the router opens with the sample (prebuilt, within seconds) or the visitor's own
last project, never someone else's."""

from persona_mining import projects, refine
from persona_mining.sample import PREBUILT

from apptest_helpers import ROOT, page_text

ALICE, BOB = projects.browser_owner("alice-key-" + "a" * 30), projects.browser_owner("bob-key-" + "b" * 30)


def run_app(owner: str | None = None):
    """A new browser session; ``owner`` as the browser key cookie would give (None: no key)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if owner is not None:
        at.session_state["_owner"] = owner
    return at.run()


def test_first_start_shows_the_sample_personas(no_exception):
    import json

    at = run_app(ALICE)
    no_exception(at)
    ws = at.session_state["workspace"]
    prebuilt = json.loads((PREBUILT / "manifest.json").read_text())
    # the prebuilt workspace (personas at once), not a fresh discovery
    assert ws.provenance["created_at"] == prebuilt["provenance"]["created_at"]
    assert ws.n == 10_000 and at.session_state["project"] == "Sample customers"
    names = [s.value for s in at.subheader]
    assert len(names) == len(ws.personas()) >= 5
    assert "Open: Sample customers · 10,000 customers" in page_text(at)
    # a visitor who only looks leaves nothing on disk (the first edit saves the sample)
    assert projects.list_projects(owner=ALICE) == [] and projects.last_project(owner=ALICE) is None


def test_without_a_browser_key_nothing_is_kept_and_the_sidebar_says_so(no_exception, small_ws):
    projects.save_project(small_ws, "somebody's", owner=ALICE)
    at = run_app(None)
    no_exception(at)
    assert at.session_state["project"] == "Sample customers"
    assert any("no key for its projects" in w.value for w in at.sidebar.warning)
    assert not [s for s in at.sidebar.selectbox if s.key == "project_choice"]   # nothing listed


def test_restart_reopens_the_last_project_with_its_edits(no_exception, small_ws):
    pid = small_ws.personas()[0].id
    edited = small_ws.with_edit(refine.edit_set(small_ws.state(), pid, "name", "Nachteulen"))
    projects.save_project(edited, "kunden", owner=ALICE)
    at = run_app(ALICE)                             # a new session, as after a restart
    no_exception(at)
    assert at.session_state["project"] == "kunden"
    assert at.session_state["workspace"].persona_name(pid) == "Nachteulen"
    assert "Nachteulen" in [s.value for s in at.subheader]


def test_a_new_visitor_never_gets_someone_elses_project(no_exception, small_ws):
    projects.save_project(small_ws, "kunden", owner=ALICE)        # Alice's last project
    at = run_app(BOB)
    no_exception(at)
    assert at.session_state["project"] == "Sample customers"
    assert at.session_state["workspace"].n == 10_000
    listed = [o for s in at.sidebar.selectbox if s.key == "project_choice" for o in s.options]
    assert not any("kunden" in o for o in listed)
    assert "kunden" not in page_text(at)


def test_every_page_renders_through_the_router(no_exception, small_ws):
    projects.save_project(small_ws, "small")
    at = run_app(projects.LOCAL_OWNER)
    for page in ("pages/explore.py", "pages/refine.py", "pages/discover.py", "pages/data.py",
                 "pages/personas.py"):
        at.switch_page(page).run()
        no_exception(at)
        assert at.title, page


def test_project_switcher_opens_and_saves_copies(no_exception, small_ws):
    projects.save_project(small_ws, "alpha")
    projects.save_project(small_ws, "beta")          # last saved: opened at start
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "tests/app/sidebar_app.py"), default_timeout=120)
    at.session_state["_owner"] = projects.LOCAL_OWNER
    at.run()
    assert at.session_state["project"] == "beta"
    at.selectbox(key="project_choice").set_value(f"{projects.LOCAL_OWNER}/alpha").run()
    at.button(key="open_project").click().run()
    no_exception(at)
    assert at.session_state["project"] == "alpha"
    at.text_input(key="save_as_name").set_value("gamma / copy")
    at.button[[b.label for b in at.button].index("Save copy")].click().run()
    no_exception(at)
    assert at.session_state["project"] == "gamma _ copy"
    assert {"alpha", "beta", "gamma _ copy"} <= {p.name for p in projects.list_projects()}
