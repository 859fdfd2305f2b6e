"""Real browsers, one server: every request stays on the machine; two visitors (two browser
contexts, i.e. two browsers with their own cookies) do not see each other's projects, can
share one by link, and edits made at the same time are combined or reported, never lost."""

from __future__ import annotations

import re

import pytest

from browser_helpers import goto, persona_names, wait_idle

pytestmark = pytest.mark.e2e
PAGES = ("Personas", "Explore", "Refine", "Track", "Export", "Data", "Discover")


def open_app(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Personas", level=1).wait_for()
    wait_idle(page)


def rename(page, index: int, name: str) -> None:
    """Rename the index-th persona card through its edit form."""
    page.locator(".vega-embed").first.wait_for()         # charts draw late and move the layout
    page.wait_for_timeout(800)
    box = page.get_by_test_id("stExpander").filter(has_text="Edit name, description").nth(index)
    box.get_by_text("Edit name, description").click()
    field = box.get_by_label("Name")
    field.wait_for()
    field.fill(name)
    field.press("Enter")                                 # submits the card's form
    wait_idle(page)


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def share_link(page) -> str:
    side = sidebar(page)
    side.get_by_text("Sharing and who sees this").click()
    side.get_by_role("button", name="Create a share link").click()
    wait_idle(page)
    code = side.get_by_test_id("stCode")
    code.wait_for()
    link = re.search(r"\S+\?share=[\w-]+", code.inner_text()).group(0)
    return link


def test_no_request_leaves_the_machine(server, visitors, shots):
    """The favicon and the navigation's material icons come from the workbench itself, and
    so does everything on the Export page. (The ``visitors`` fixture fails any real-browser
    test whose pages make a request to another origin; together the tests visit every page.)"""
    page = visitors.new_page(server, viewport={"width": 1400, "height": 1600})
    open_app(page, server.url)
    goto(page, "Export")
    page.wait_for_timeout(1500)                           # fonts and icons load late
    nav_icons = page.get_by_test_id("stSidebarNav").get_by_test_id("stIconMaterial")
    assert nav_icons.count() >= len(PAGES)               # the page icons are there, drawn locally
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    assert icon.startswith("data:image/svg+xml") or icon.startswith(server.url), icon
    assert not visitors.foreign()
    page.screenshot(path=str(shots / "09-export-no-remote-requests.png"))


def test_two_visitors_share_a_project_and_edit_it_together(server, visitors, shots):
    alice = visitors.new_page(server, viewport={"width": 1400, "height": 2200})
    open_app(alice, server.url)
    sample = persona_names(alice)
    # A bare URL in user text is shown as text, not as a link.
    rename(alice, 0, "Alice www.example.org https://example.com/x")
    heading = alice.get_by_role("heading", name=re.compile("^Alice www"))
    heading.wait_for()
    assert "https://example.com/x" in heading.inner_text().replace("\u2060", "")
    assert alice.locator("a[href*='example.']").count() == 0

    bob = visitors.new_page(server, viewport={"width": 1400, "height": 2200})
    open_app(bob, server.url)                      # a new visitor: the sample, not Alice's work
    assert persona_names(bob) == sample
    assert sidebar(bob).get_by_text("Open another project").count() == 0
    assert "Alice" not in sidebar(bob).inner_text()

    link = share_link(alice)
    assert link.startswith(server.url)
    bob.goto(link)                                 # Bob opens the link
    bob.get_by_role("heading", name=re.compile("^Alice www")).wait_for()
    wait_idle(bob)
    assert "shared with you" in sidebar(bob).inner_text()
    assert "share=" not in bob.url

    rename(bob, 1, "Bobs Persona")                 # Bob edits, Alice's tab has not seen it
    rename(alice, 2, "Alices zweite")
    alice.get_by_text(re.compile("Combined with 1 edit made meanwhile")).wait_for()
    alice.get_by_role("heading", name="Bobs Persona").wait_for()
    wait_idle(alice)
    names = persona_names(alice)
    assert "Bobs Persona" in names and "Alices zweite" in names
    alice.screenshot(path=str(shots / "10-combined-edits.png"))

    rename(alice, 3, "Von Alice")                  # both rename the same persona: a conflict
    rename(bob, 3, "Von Bob")
    box = sidebar(bob).get_by_text(re.compile("Your last change is not saved"))
    box.wait_for()
    wait_idle(bob)
    assert "was changed here and elsewhere" in sidebar(bob).inner_text()
    assert "Von Bob" in persona_names(bob)         # Bob's version is still there, not lost
    bob.screenshot(path=str(shots / "11-conflict.png"))
    sidebar(bob).get_by_role("button", name="Save my version as a new project").click()
    # Wait for the outcome, not a fixed time: on a loaded machine the rerun the click starts
    # may begin after wait_idle's first look, which then sees the old sidebar.
    sidebar(bob).get_by_text(re.compile(r"Open: .*\(mine\)")).wait_for()
    wait_idle(bob)
    assert "(mine)" in sidebar(bob).inner_text() and "Von Bob" in persona_names(bob)
    alice.reload()                                 # Alice's project kept her rename
    alice.get_by_role("heading", name="Von Alice").wait_for()
