"""The language switch: browser language first, then the switch; remembered in the project
(reopened in its language, exports follow it) — every session keeps its own language."""

from __future__ import annotations

from persona_mining import projects

from apptest_helpers import ROOT


def sidebar(locale: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "tests/app/sidebar_app.py"), default_timeout=120)
    at.session_state["_owner"] = projects.LOCAL_OWNER      # as a browser key would
    if locale:
        at.context = {"locale": locale}
    return at.run()


def switch(at, lang: str):
    at.segmented_control(key="language_choice").set_value(lang).run()
    return at


def test_a_german_browser_starts_in_german(no_exception, small_ws):
    projects.save_project(small_ws, "kunden")
    at = sidebar("de-AT")
    no_exception(at)
    assert at.session_state["language"] == "de"
    assert at.segmented_control(key="language_choice").value == "de"
    at = sidebar("fr-FR")                             # neither German nor English: English
    assert at.session_state["language"] == "en"


def test_the_switch_is_kept_in_the_project_and_reopened_with_it(no_exception, small_ws):
    projects.save_project(small_ws, "kunden")
    at = sidebar("en-GB")
    assert at.session_state["language"] == "en"
    switch(at, "de")
    no_exception(at)
    assert at.session_state["language"] == "de"
    assert at.session_state["workspace"].extras["language"] == "de"
    assert projects.open_project("kunden").extras["language"] == "de"     # saved at once
    again = sidebar("en-US")                       # a new session, an English browser
    assert again.session_state["project"] == "kunden"
    assert again.session_state["language"] == "de"       # the project's language wins
    switch(again, "en")
    assert projects.open_project("kunden").extras["language"] == "en"


def test_the_unsaved_sample_is_not_written_for_a_language_switch(no_exception):
    """A visitor who only looks (and switches language) leaves nothing on disk."""
    at = sidebar("en-GB")
    assert at.session_state["project"] == "Sample customers"
    switch(at, "de")
    no_exception(at)
    assert at.session_state["workspace"].extras["language"] == "de"
    assert projects.list_projects(owner=projects.LOCAL_OWNER) == []


def test_opening_another_project_takes_its_language(no_exception, small_ws):
    from persona_mining.i18n import current_language

    import dataclasses

    projects.save_project(dataclasses.replace(small_ws, extras={"language": "de"}), "alpha")
    projects.save_project(small_ws, "beta")          # no language yet; opened at start
    at = sidebar("en-GB")
    assert at.session_state["project"] == "beta" and at.session_state["language"] == "en"
    at.selectbox(key="project_choice").set_value("alpha").run()
    at.button(key="open_project").click().run()
    no_exception(at)
    assert at.session_state["project"] == "alpha"
    assert at.session_state["language"] == "de"
    assert at.segmented_control(key="language_choice").value == "de"
    assert current_language() == "en"               # the test's own context is untouched
