"""Helpers for the real-browser tests: wait for Streamlit, navigate, read persona cards."""

from __future__ import annotations

TIMEOUT = 120_000


def wait_idle(page) -> None:
    """Until Streamlit has finished the current run (its status widget goes away)."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => { const app = document.querySelector('[data-testid="stApp"]');
                   const s = app && app.getAttribute('data-test-script-state');
                   return s && s !== 'running' && s !== 'rerunRequested'; }""", timeout=TIMEOUT)
    page.wait_for_timeout(300)


def goto(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", level=1).first.wait_for(timeout=TIMEOUT)
    wait_idle(page)


def persona_names(page) -> list[str]:
    return [h.inner_text().strip() for h in page.locator("h3").all()]
