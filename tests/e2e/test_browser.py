"""Real browser, real server: upload, discover, rename, merge, undo, reload, restart.

Screenshots of every page land in tests/_artifacts/ for people to look at. Every request
the pages make is recorded (the ``visitors`` fixture): one to another origin fails the test.
"""

from __future__ import annotations

import re

import pytest

from browser_helpers import goto, persona_names, wait_idle

pytestmark = pytest.mark.e2e


def test_workbench_end_to_end(server, visitors, shots, small_csv):
    page = visitors.new_page(server, viewport={"width": 1400, "height": 2200})
    page.goto(server.url)
    page.get_by_role("heading", name="Personas").wait_for()
    wait_idle(page)
    assert len(persona_names(page)) >= 5                  # the sample is there at once
    # the sample's outcome on every card: a metric and its plain sentence
    outcome_labels = page.get_by_test_id("stMetricLabel").get_by_text("Churned next 6m")
    outcome_labels.first.wait_for()
    assert outcome_labels.count() >= 5
    assert page.get_by_text(re.compile(r"churns \d+(\.\d)?× as often as the average customer")).count() >= 1
    page.locator(".vega-embed").first.wait_for()          # charts draw after the script ends
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "01-personas-sample.png"))

    # Upload a CSV and discover personas in it.
    goto(page, "Data")
    page.locator("input[type=file]").set_input_files(str(small_csv))
    page.get_by_text(re.compile(r"Read “small\.csv”")).wait_for()
    wait_idle(page)
    page.screenshot(path=str(shots / "02-data.png"))
    goto(page, "Discover")
    page.get_by_role("button", name="Discover personas").click()
    # Done when the sidebar says the new project is open with the uploaded customers.
    page.get_by_test_id("stSidebar").get_by_text(re.compile(r"Open: small · 1,500 customers")).wait_for()
    wait_idle(page)
    page.screenshot(path=str(shots / "03-discover.png"))

    # Rename the first persona.
    goto(page, "Personas")
    before = persona_names(page)
    assert len(before) >= 3
    page.locator(".vega-embed").first.wait_for()      # charts draw late and move the layout
    page.wait_for_timeout(1000)
    page.get_by_text("Edit name, description").first.click()
    name_box = page.get_by_label("Name").first
    name_box.wait_for()
    name_box.fill("Nachteulen „E2E“")
    name_box.press("Enter")                             # submits the card's form ("Save changes")
    page.get_by_role("heading", name="Nachteulen „E2E“").wait_for()
    wait_idle(page)
    page.screenshot(path=str(shots / "04-personas-renamed.png"))

    # Merge two personas, then undo.
    goto(page, "Refine")
    ms = page.get_by_test_id("stMultiSelect").first
    for option in before[-2:]:
        ms.locator("input").click()
        ms.locator("input").fill(option)
        page.get_by_role("option").filter(has_text=option).first.wait_for()
        page.keyboard.press("Enter")
        wait_idle(page)
    page.keyboard.press("Escape")
    wait_idle(page)
    page.screenshot(path=str(shots / "05a-refine-chosen.png"))
    page.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text(re.compile(r"^2 edits")).wait_for()       # rename + merge
    wait_idle(page)
    page.screenshot(path=str(shots / "05-refine-merged.png"))
    goto(page, "Personas")
    assert len(persona_names(page)) == len(before) - 1
    goto(page, "Refine")
    page.get_by_role("button", name="↶ Undo").click()
    wait_idle(page)
    goto(page, "Personas")
    assert len(persona_names(page)) == len(before)

    # A browser refresh keeps everything.
    page.reload()
    page.get_by_role("heading", name="Nachteulen „E2E“").wait_for()
    wait_idle(page)
    assert len(persona_names(page)) == len(before)

    # So does a server restart.
    server.stop()
    server.start()
    page.goto(server.url)
    page.get_by_role("heading", name="Nachteulen „E2E“").wait_for()
    wait_idle(page)
    assert len(persona_names(page)) == len(before)
    assert page.get_by_test_id("stSidebar").get_by_text(re.compile(r"Open: small · 1,500")).count() == 1
    page.screenshot(path=str(shots / "06-personas-after-restart.png"))
    goto(page, "Explore")
    page.screenshot(path=str(shots / "07-explore.png"))
    page.close()


def test_deep_link_first_request_and_tracking(fresh_server, visitors, shots):
    """A bookmark to a page as the very first request of a fresh server goes through the
    router (navigation, sidebar, project); then the Track page scores three months."""
    page = visitors.new_page(fresh_server, viewport={"width": 1400, "height": 2400})
    page.goto(fresh_server.url + "/track")
    page.get_by_role("heading", name="Track", level=1).wait_for()
    wait_idle(page)
    nav = page.get_by_test_id("stSidebarNav")
    for title in ("Personas", "Explore", "Refine", "Track", "Export", "Data", "Discover"):
        assert nav.get_by_text(title, exact=True).count() == 1, title
    assert page.get_by_test_id("stSidebar").get_by_text(re.compile(r"Open: Sample customers")).count() == 1
    page.get_by_role("button", name="Try it: three synthetic months of the sample").click()
    page.get_by_role("heading", name="Persona shares over time").wait_for()
    wait_idle(page)
    assert page.get_by_text(re.compile(r"2027-01 — unassigned share")).count() == 1
    assert page.get_by_role("heading", name="Outcomes over time").count() == 1
    page.mouse.move(5, 5)                            # no tooltip over the screenshot
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "08-track.png"), full_page=True)
    page.reload()                                    # tracking results are kept in the project
    page.get_by_role("heading", name="Persona shares over time").wait_for()
    page.close()
