"""The public pages in a real browser: the skip link and the footer on every page, the public pages open without
signing in and fit a phone, and every cookie the app really sets is on the Cookies page."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page

from sendlib.auth import FORUM, SESSION_COOKIE
from sendlib.config import Config
from sendlib.public_pages import cookies
from sendlib.views import PUBLIC_PAGES
from tests.browser import screenshot, signed_in_page, wait_for_app

ACTIVE = """() => { const e = document.activeElement;
    return e ? {id: e.id, text: (e.innerText || '').trim(), testid: e.dataset.testid || e.id || '',
                visible: e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().left >= 0} : null; }"""


def _footer_link(page: Page, url_path: str):
    return page.locator(f"a[data-testid='stPageLink-NavLink'][href='{url_path}']").last


def test_the_skip_link_and_the_footer_work_signed_out(server_url: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(server_url)
    wait_for_app(page)
    page.keyboard.press("Tab")  # the first stop on the page is (Streamlit's own) skip link, shown while it has focus
    first = page.evaluate(ACTIVE)
    assert first["testid"] == "stSkipToContent" and first["text"] == "Skip to main content", first
    assert first["visible"], first
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE)["testid"] == "stMain"  # the focus moved past the menu to the page's content
    # The phase banner links Feedback; the footer links every public page, and each opens without signing in.
    assert page.get_by_text("Your feedback will help us improve it.").count()
    for entry in PUBLIC_PAGES:
        _footer_link(page, entry.url_path).click()
        page.wait_for_url(f"**/{entry.url_path}", timeout=60_000)
        wait_for_app(page)
        heading = page.locator("[data-testid='stMain'] h1").first
        heading.wait_for(timeout=60_000)
        assert entry.title.split()[0] in heading.inner_text(), (entry.url_path, heading.inner_text())
        assert not page.get_by_role("button", name="Sign in").count()  # the page, not the sign-in form
        assert page.locator("[data-testid='stSkipToContent']").count()
        screenshot(page, f"public-{entry.url_path}-1440")
    page.close()


@pytest.mark.parametrize("entry", PUBLIC_PAGES, ids=[entry.url_path for entry in PUBLIC_PAGES])
def test_a_public_page_fits_a_phone(server_url: str, browser: Browser, entry) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server_url}/{entry.url_path}")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60_000)
    assert _footer_link(page, entry.url_path).count()
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{entry.url_path} scrolls sideways: {width} px wide on a {viewport} px screen"
    screenshot(page, f"public-{entry.url_path}-390")
    page.close()


def test_every_cookie_the_app_sets_is_on_the_cookies_page(server_url: str, browser: Browser) -> None:
    page = signed_in_page(browser, server_url, FORUM)  # signed in: the most cookies a local account gets
    held = {cookie["name"]: cookie for cookie in page.context.cookies()}
    set_by_app = set(held)
    assert SESSION_COOKIE in set_by_app and "_streamlit_xsrf" in set_by_app, set_by_app  # the check has teeth
    # What the page says of how long they last: the XSRF cookie ends with the browser session (no expiry), ours
    # within access.session_hours.
    assert held["_streamlit_xsrf"]["expires"] == -1
    assert 0 < held[SESSION_COOKIE]["expires"] <= time.time() + Config().access.session_hours * 3600 + 60
    _footer_link(page, "cookies").click()
    page.wait_for_url("**/cookies", timeout=60_000)
    wait_for_app(page)
    shown = page.locator("[data-testid='stMain']").inner_text()
    assert all(name in shown for name in set_by_app), (set_by_app, shown)
    assert set_by_app <= {cookie.name for cookie in cookies(Config())}
    page.close()
