"""Real browser, in German: a German browser gets the workbench in German at once, every
page reads German, the PDF downloaded from the Export page is German, and the language
switch is remembered by the browser (cookie) and by the project.

Screenshots land in tests/_artifacts/ (de-*.png) for people to look at.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from browser_helpers import TIMEOUT, wait_idle

pytestmark = pytest.mark.e2e
PAGES = {"Personas": "Personas", "Erkunden": "Persona-Landkarte erkunden",
         "Verfeinern": "Personas verfeinern", "Beobachten": "Beobachten", "Export": "Export",
         "Daten": "Daten", "Ermitteln": "Personas ermitteln"}


def goto(page, title: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=heading, level=1).wait_for(timeout=TIMEOUT)
    wait_idle(page)


def test_workbench_in_german(server, visitors, shots):
    page = visitors.new_page(server, locale="de-DE", viewport={"width": 1400, "height": 2000})
    ctx = page.context
    page.goto(server.url)
    page.get_by_role("heading", name="Personas", level=1).wait_for()
    wait_idle(page)
    nav, side = page.get_by_test_id("stSidebarNav"), page.get_by_test_id("stSidebar")
    for title in PAGES:
        assert nav.get_by_text(title, exact=True).count() == 1, title
    assert nav.get_by_text("Ihre Personas").count() == 1
    assert side.get_by_text(re.compile(r"Geöffnet: Sample customers · 10\.000 Kund:innen")).count() == 1
    assert page.get_by_text("Was sie auszeichnet").count() >= 5
    page.locator(".vega-embed").first.wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "de-01-personas.png"))

    for i, (title, heading) in enumerate(list(PAGES.items())[1:], start=2):
        goto(page, title, heading)
        if title == "Beobachten":          # scoring three months saves the project
            page.get_by_role("button", name="Ausprobieren: drei synthetische Monate der "
                                            "Beispieldaten").click()
            page.get_by_role("heading", name="Persona-Anteile im Zeitverlauf").wait_for()
            wait_idle(page)
            assert page.get_by_text(re.compile(r"^2027-01 — ")).count() >= 1     # German warnings
        if title == "Export":
            with page.expect_download() as download:
                page.get_by_role("button", name="PDF").click()
            assert download.value.suggested_filename == "Sample customers - Personas.pdf"
            pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
            text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
            assert "Anteil der Kund:innen" in text and "Was sie auszeichnet" in text
            assert "Share of customers" not in text and "Seite 1 von" in text
        if title in ("Erkunden", "Beobachten"):
            page.locator(".vega-embed").first.wait_for()
            page.wait_for_timeout(1200)
        page.mouse.move(5, 5)
        page.screenshot(path=str(shots / f"de-{i:02d}-{title.lower()}.png"), full_page=True)

    # Switch to English: the page, a reload and a new tab of this browser stay English.
    side.get_by_text("English", exact=True).click()
    nav.get_by_text("Explore", exact=True).wait_for()
    wait_idle(page)
    assert page.get_by_role("heading", name="Discover personas", level=1).count() == 1
    assert any(c["name"] == "persona_mining_lang" and c["value"] == "en" for c in ctx.cookies())
    page.reload()
    page.get_by_role("heading", name="Discover personas", level=1).wait_for()
    other = ctx.new_page()
    other.goto(server.url)
    other.get_by_test_id("stSidebarNav").get_by_text("Explore", exact=True).wait_for()
    other.close()

    # Back to German. The project remembers it: even with the browser's own choice set to
    # English again, the project opens in German.
    side.get_by_text("Deutsch", exact=True).click()
    nav.get_by_text("Erkunden", exact=True).wait_for()
    wait_idle(page)
    ctx.add_cookies([{"name": "persona_mining_lang", "value": "en", "url": server.url}])
    page.reload()
    page.get_by_test_id("stSidebarNav").get_by_text("Erkunden", exact=True).wait_for()
    wait_idle(page)
    page.screenshot(path=str(shots / "de-09-project-language.png"))
