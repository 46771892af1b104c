"""A parent carer on a phone (390×844): every page the forum sees fits the screen's width, and the menu closes
once a page is chosen from it. One server and one browser for the module; one signed-in tab moves between
the pages as a person would, by the menu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sendlib.auth import FORUM
from sendlib.views import PAGES
from sendlib.views import Page as ViewPage
from tests.browser import PASSWORD, screenshot, wait_for_app

# The pages in the forum's menu (the public pages, in the footer, are checked by tests/test_public_pages_browser.py).
FORUM_PAGES = [page for page in PAGES if FORUM in page.roles and not page.public]


@pytest.fixture(scope="module")
def phone(browser: Browser, server_url: str) -> Iterator[Page]:
    """One tab at 390×844, signed in as the forum through the sign-in form."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_label("E-mail address").fill(f"{FORUM}@example.invalid")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Role: {FORUM}").wait_for(state="attached", timeout=60_000)  # in the closed menu
    wait_for_app(page)
    yield page
    context.close()


def open_by_menu(phone: Page, entry: ViewPage) -> None:
    """Open the menu, choose ``entry``, and wait until the menu has closed and the page has run."""
    phone.locator("[data-testid='stExpandSidebarButton']").click()
    link = phone.locator("[data-testid='stSidebarNav'] a").filter(has_text=entry.title).first
    link.wait_for(timeout=60_000)
    link.click()
    # Closed: the menu's open button is back (while open, Streamlit shows the close button instead).
    phone.locator("[data-testid='stExpandSidebarButton']").wait_for(state="visible", timeout=60_000)
    if entry is not PAGES[0]:  # the first page lives at the app's own address
        phone.wait_for_url(f"**/{entry.url_path}", timeout=60_000)
    wait_for_app(phone)
    phone.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60_000)


@pytest.mark.parametrize("entry", FORUM_PAGES, ids=[page.url_path for page in FORUM_PAGES])
def test_a_forum_page_on_a_phone_fits_and_the_menu_closes_after_the_choice(phone: Page, entry: ViewPage) -> None:
    open_by_menu(phone, entry)
    assert not phone.locator("[data-testid='stSidebarCollapseButton'] button").is_visible()
    assert not phone.locator("[data-testid='stException']").count()
    width, viewport = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{entry.url_path} scrolls sideways: {width} px wide on a {viewport} px screen"
    screenshot(phone, f"phone-forum-{entry.url_path or 'overview'}")


def test_the_forum_reach_gaps_single_choices_read_as_plain_text(phone: Page) -> None:
    open_by_menu(phone, next(page for page in FORUM_PAGES if page.url_path == "reach_gaps"))
    phone.get_by_text("Heard from:").first.wait_for(timeout=60_000)
    assert not phone.get_by_role("combobox", name="Heard from").count()  # one option: no drop-down
