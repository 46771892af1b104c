"""Planted links and markup stay text in real Chromium, for the forum and for an officer (issue 17, req. 16).

The store is given hostile text through the normal paths before the server starts (a census file loaded
under the name "<a href='https://evil.example/phish'>Click here for the full data</a>.csv", a you-said item
and its answer, a commitment update's commentary; the other free-text fields appended directly), then every
page each role can open is checked: no <a> anywhere (HTML or inside Plotly's SVG) points at the planted site,
no element was made bold by the planted <b>, and the planted text is on the page as the characters typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from sendlib.auth import add_user
from sendlib.config import Config
from sendlib.store import Store
from tests.browser import PASSWORD, running_server, screenshot, signed_in_page, wait_for_app
from tests.conftest import TEST_OFFICER, copy_store
from tests.hostile_text import plant_hostile_text

# Each page's address and (part of) its title, the first thing its run draws.
TITLES = {
    "overview": "SEND: overview",
    "primary_needs": "Primary needs",
    "stakeholders": "Stakeholders",
    "reach_gaps": "Reach gaps",
    "you_said": "You said, we did",
    "easy_read": "Easy read",
    "participation": "Participation reach",
    "commitments": "Commitments",
    "upload": "Upload data",
}
FORUM_PAGES = ("overview", "primary_needs", "stakeholders", "reach_gaps", "you_said", "easy_read")
OFFICER_PAGES = (*FORUM_PAGES, "participation", "commitments", "upload")

LINKS_TO_THE_PLANTED_SITE = """() => [...document.querySelectorAll('a')]
    .map(a => a.getAttribute('href') || a.getAttribute('xlink:href')
              || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')
    .filter(href => href.includes('evil.example'))"""
# An element whose whole text is the planted "bold": made by the planted <b> (HTML <b>/<strong>, or the
# bold <tspan> Plotly draws for <b>).
ELEMENTS_MADE_BOLD = """() => [...document.querySelectorAll('b, strong, tspan, text')]
    .filter(e => e.textContent.trim() === 'bold').map(e => e.outerHTML)"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, built_demo: Path) -> Iterator[str]:
    work = tmp_path_factory.mktemp("hostile-browser")
    db = work / "hostile.duckdb"
    store = Store.open(copy_store(built_demo, db))
    plant_hostile_text(store, Config(), work)
    for role in ("officer", "forum"):
        add_user(store, f"{role}@example.invalid", role, PASSWORD, by=TEST_OFFICER)
    store.close()
    with running_server(db) as url:
        yield url


def visible_text(page: Page) -> str:
    """Everything the page shows as text (HTML and the charts' SVG), word joiners dropped."""
    return page.evaluate(
        "() => document.body.innerText + ' ' + [...document.querySelectorAll('svg text')]"
        ".map(t => t.textContent).join(' ')"
    ).replace("\u2060", "")


def open_page(page: Page, path: str) -> None:
    """Move to ``path`` by the app's navigation (the overview, the first page, is where sign-in lands)."""
    if path != "overview":
        page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first.click()
    # The old page's 'notRunning' can still be showing when the click returns: wait for this page's title
    # (drawn first by its run), then for the run to end with nothing left over from the previous page.
    page.get_by_role("heading", level=1, name=TITLES[path]).first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    if page.locator("[data-testid='stPlotlyChart']").count():
        page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)


@pytest.mark.parametrize("role, paths", [("forum", FORUM_PAGES), ("officer", OFFICER_PAGES)])
def test_planted_links_and_markup_show_as_text_on_every_page(
    hostile_server: str,
    browser: Browser,
    role: str,
    paths: tuple[str, ...],
) -> None:
    page = signed_in_page(browser, hostile_server, role, height=1200)
    seen = ""
    for path in paths:
        open_page(page, path)
        assert not page.locator("[data-testid='stException']").count(), path
        assert page.evaluate(LINKS_TO_THE_PLANTED_SITE) == [], path
        assert page.evaluate(ELEMENTS_MADE_BOLD) == [], path
        assert not page.locator("script:has-text('alert(1)')").count(), path
        if path == "you_said":  # the planted item, the last on the page, has been drawn
            page.get_by_text("Said: <a href=", exact=False).first.wait_for(timeout=60_000)
        seen += visible_text(page)
        if path in ("primary_needs", "you_said"):
            screenshot(page, f"planted-text-{role}-{path}")
    # The planted text is there, as the characters typed: the file name in the source lines (page and chart)
    # and the you-said item.
    assert "<a href='https://evil.example/phish'>Click here for the full data</a>.csv" in seen
    assert "Said: <a href='https://evil.example/phish'>x</a> <b>bold</b> www.evil.example/path" in seen
    assert "[link](https://evil.example)" in seen and "bob@evil.example" in seen
    page.close()
