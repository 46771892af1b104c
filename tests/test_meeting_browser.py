"""The meeting room in real Chromium, on one server: agenda links (deep links) and a sign-in that lasts across
reloads and tabs until sign-out, a role change or removal ends it; presentation mode at 1280×720."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from sendlib.auth import COMMISSIONER, SESSION_COOKIE, Actor, add_user, issue_session_token
from sendlib.store import Store
from tests.browser import ARTIFACTS, PASSWORD, running_server, screenshot, wait_for_app, wait_for_session_cookie
from tests.conftest import TEST_OFFICER, copy_store

MOVED = "a.moved@example.invalid"  # first in the Accounts page's lists: its forms pick it without a choice
PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def meeting(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The server's URL, and session tokens made before it started: one fresh, one issued nine hours ago (past
    the default access.session_hours of 8)."""
    db = copy_store(built_demo, tmp_path_factory.mktemp("meeting") / "demo.duckdb")
    store = Store.open(db)
    for role in ("officer", "commissioner", "forum"):
        add_user(store, f"{role}@example.invalid", role, PASSWORD, by=TEST_OFFICER)
    add_user(store, MOVED, COMMISSIONER, PASSWORD, by=TEST_OFFICER)
    commissioner = Actor("commissioner@example.invalid", COMMISSIONER)
    fresh = issue_session_token(store, commissioner)
    expired = issue_session_token(store, commissioner, now=datetime.now() - timedelta(hours=9))
    store.close()
    with running_server(db) as url:
        yield {"url": url, "fresh": fresh, "expired": expired}


def context(browser: Browser, viewport: dict[str, int] | None = None) -> BrowserContext:
    """A new browser context: its own cookies, as another person's browser."""
    return browser.new_context(viewport=viewport or {"width": 1400, "height": 900})


def signed_in_context(
    browser: Browser, meeting: dict[str, str], viewport: dict[str, int] | None = None
) -> BrowserContext:
    """A browser signed in as the commissioner by the fresh session token (its cookie, as a browser that signed
    in earlier holds it): for the tests of presenting, which are not about signing in."""
    ctx = context(browser, viewport)
    ctx.add_cookies([{"name": SESSION_COOKIE, "value": meeting["fresh"], "url": meeting["url"]}])
    return ctx


def open_at(ctx: BrowserContext, url: str) -> Page:
    page = ctx.new_page()
    page.goto(url)
    wait_for_app(page)
    return page


def sign_in(page: Page, email: str) -> None:
    """Sign in through the form the page shows."""
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(state="attached", timeout=60_000)  # hidden when presenting
    wait_for_app(page)
    wait_for_session_cookie(page)


def signed_out(page: Page) -> bool:
    """True when the page shows the sign-in form (and no signed-in identity)."""
    page.get_by_label("E-mail address").or_(page.get_by_text("Signed in as")).first.wait_for(timeout=60_000)
    return page.get_by_label("E-mail address").is_visible() and not page.get_by_text("Signed in as").count()


def reload(page: Page) -> Page:
    page.reload()
    wait_for_app(page)
    return page


def test_a_deep_link_signs_in_to_that_page_with_its_filters_and_stays_signed_in(
    meeting: dict[str, str], browser: Browser
) -> None:
    ctx = context(browser)
    page = open_at(ctx, f"{meeting['url']}/stakeholders?grid_as_of=2025-01-01")
    assert signed_out(page)
    sign_in(page, "commissioner@example.invalid")
    page.get_by_role("heading", name="Stakeholders", exact=True).wait_for(timeout=60_000)
    summary = page.get_by_text("groups with a target are in their target quadrant").first
    summary.wait_for(timeout=60_000)
    assert summary.inner_text().startswith("On 01 January 2025,")  # the filter came from the link
    assert "/stakeholders" in page.url and "grid_as_of=2025-01-01" in page.url
    cookie = next(c for c in ctx.cookies() if c["name"] == SESSION_COOKIE)
    assert PASSWORD.split()[0] not in cookie["value"] and cookie["sameSite"] == "Strict"
    assert 7 * 3600 < cookie["expires"] - datetime.now().timestamp() <= 8 * 3600  # access.session_hours

    reload(page)  # a reload stays signed in, on the same page with the same filter
    page.get_by_text("Role: commissioner").wait_for(timeout=60_000)
    assert (
        page.get_by_text("groups with a target are in their target quadrant")
        .first.inner_text()
        .startswith("On 01 January 2025,")
    )
    tab = open_at(ctx, f"{meeting['url']}/primary_needs")  # a new tab of the same browser is signed in too
    tab.get_by_text("Role: commissioner").wait_for(timeout=60_000)
    tab.get_by_role("heading", name="Primary needs", exact=True).wait_for(timeout=60_000)
    assert not tab.get_by_label("E-mail address").count()
    # The first page has its own address too: an agenda link to it opens it, no "Page not found".
    overview = open_at(ctx, f"{meeting['url']}/overview")
    overview.get_by_role("heading", name="Sunderland SEND: overview").wait_for(timeout=60_000)
    assert not overview.get_by_text("Page not found").count() and "/overview" in overview.url
    ctx.close()


def test_a_presentation_link_shows_the_sign_in_form_then_presents_that_page(
    meeting: dict[str, str], browser: Browser
) -> None:
    ctx = context(browser, PROJECTOR)
    page = open_at(ctx, f"{meeting['url']}/overview?present=1")
    assert signed_out(page), "presentation mode hid the sign-in form"
    screenshot(page, "meeting-link-sign-in-projector")
    sign_in(page, "commissioner@example.invalid")
    page.get_by_role("button", name="Leave presentation mode").wait_for(timeout=60_000)
    assert not page.get_by_text("Page not found").count()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    ctx.close()


def test_sign_out_in_one_tab_ends_the_sign_in_in_another(meeting: dict[str, str], browser: Browser) -> None:
    ctx = context(browser)
    first = open_at(ctx, f"{meeting['url']}/primary_needs")
    sign_in(first, "forum@example.invalid")
    second = open_at(ctx, f"{meeting['url']}/reach_gaps")
    second.get_by_text("Role: forum").wait_for(timeout=60_000)
    second.get_by_role("button", name="Sign out").click()
    second.get_by_label("E-mail address").wait_for(timeout=60_000)
    wait_for_app(second)
    assert signed_out(reload(first))
    assert SESSION_COOKIE not in {c["name"] for c in ctx.cookies()}
    assert signed_out(reload(second))  # and stays signed out
    ctx.close()


def test_a_role_change_or_removal_ends_the_accounts_sign_in(meeting: dict[str, str], browser: Browser) -> None:
    holder_ctx, officer_ctx = context(browser), context(browser)
    holder = open_at(holder_ctx, f"{meeting['url']}/primary_needs")
    sign_in(holder, MOVED)
    holder.get_by_text("Role: commissioner").wait_for(timeout=60_000)
    officer = open_at(officer_ctx, f"{meeting['url']}/accounts")
    sign_in(officer, "officer@example.invalid")
    officer.get_by_role("heading", name="Accounts", exact=True).wait_for(timeout=60_000)

    officer.get_by_role("tab", name="Change a role").click()
    # The first account is chosen already; its new role starts at the one it has: choose officer.
    officer.get_by_role("combobox", name="New role").click()
    officer.get_by_role("option", name="officer", exact=True).click()
    officer.get_by_role("button", name="Change the role").click()
    officer.get_by_text("is now officer.").wait_for(timeout=60_000)
    assert signed_out(reload(holder))
    sign_in(holder, MOVED)  # signing in again gives the new role
    holder.get_by_text("Role: officer").wait_for(timeout=60_000)

    officer.get_by_role("tab", name="Remove an account").click()
    officer.get_by_text("Yes, remove this account").click()
    officer.get_by_role("button", name="Remove the account").click()
    officer.get_by_text("was removed.").wait_for(timeout=60_000)
    assert signed_out(reload(holder))
    holder_ctx.close()
    officer_ctx.close()


def test_an_expired_or_altered_token_is_refused(meeting: dict[str, str], browser: Browser) -> None:
    for token, accepted in (
        (meeting["fresh"], True),  # the control: a token made the same way, in date, signs in
        (meeting["expired"], False),
        (meeting["fresh"][:-3] + "abc", False),
    ):
        ctx = context(browser)
        ctx.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": meeting["url"]}])
        page = open_at(ctx, f"{meeting['url']}/primary_needs")
        assert signed_out(page) is not accepted, token
        ctx.close()


# -- presentation mode at 1280×720 ----------------------------------------------------------------------------
# Every visible text in the page's main area below 18 px (SVG text measured as drawn: its font size times the
# scale it is drawn at), as "TAG size: text".
SMALL_TEXT = """() => {
  const small = [];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.bottom < 0 || box.top > innerHeight) return false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") return false;
    }
    return true;
  };
  for (const el of document.querySelectorAll("[data-testid='stMain'] *")) {
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) || !shown(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
    if (size < 17.95) small.push(`${el.tagName} ${size.toFixed(1)}px: ${el.textContent.trim().slice(0, 60)}`);
  }
  return small;
}"""


def slide_at(page: Page, number: int) -> tuple[str, int, str]:
    """Wait for slide ``number`` of the page's deck: (the deck's name, how many slides, the chart's title)."""
    nav = page.locator(".st-key-present_position [data-testid='stMarkdownContainer']")
    nav.filter(has_text=re.compile(rf"· {number} of \d+$")).wait_for(timeout=60_000)
    wait_for_app(page)
    chart = page.locator("[data-testid='stPlotlyChart']")
    chart.locator(".main-svg").first.wait_for(timeout=60_000)
    name, total = re.fullmatch(r"(.+) · \d+ of (\d+)", nav.inner_text().strip()).groups()
    return name, int(total), chart.locator(".gtitle").first.text_content()


def test_presenting_shows_one_chart_per_screen_with_next_previous_and_arrow_keys_all_text_18px(
    meeting: dict[str, str], browser: Browser
) -> None:
    ctx = signed_in_context(browser, meeting, PROJECTOR)
    page = open_at(ctx, f"{meeting['url']}/overview?present=1")
    titles: list[str] = []
    below: list[str] = []  # charts that run below the screen
    number, total = 1, 1
    while number <= total:
        name, total, title = slide_at(page, number)
        assert name == "Overview" and page.locator("[data-testid='stPlotlyChart']").count() == 1  # one per screen
        box = page.locator("[data-testid='stPlotlyChart']").bounding_box()
        assert 0 <= box["y"] < 200, title  # each screen starts with its chart
        if box["y"] + box["height"] > PROJECTOR["height"] + 1:  # a chart of many rows is split over screens
            below.append(f"{title}: {box['y'] + box['height'] - PROJECTOR['height']:.0f} px below")
        if number == 1:  # the first screen shows a chart
            page.screenshot(path=str(ARTIFACTS / "presenting-first-screen.png"))  # the screen as the room sees it
        assert page.evaluate(SMALL_TEXT) == [], title
        titles.append(title)
        if number < total:  # on alternately with the arrow key and the button
            page.keyboard.press("ArrowRight") if number % 2 else page.get_by_role("button", name="Next").click()
        number += 1
    assert total == len(titles) >= 10  # the deck: every chart view the commissioner may see
    assert below == [], below  # each screen's chart whole on the screen
    # The thirty commitments' timeline over screens in turn: "(1 of N)", "(2 of N)" …
    parts = [re.search(r"\((\d+) of (\d+)\)$", title) for title in titles]
    numbered = [(int(m[1]), int(m[2])) for m in parts if m]
    assert numbered and numbered[: numbered[0][1]] == [(n, numbered[0][1]) for n in range(1, numbered[0][1] + 1)]
    assert page.get_by_role("button", name="Next").is_disabled()
    page.keyboard.press("ArrowLeft")
    assert slide_at(page, total - 1)[2] == titles[-2]
    page.get_by_role("button", name="Previous").click()
    assert slide_at(page, total - 2)[2] == titles[-3]
    assert f"slide={total - 2}" in page.url  # the address says which slide: a link opens it
    ctx.close()


def test_next_on_a_pages_last_chart_opens_the_next_page_and_previous_comes_back(
    meeting: dict[str, str], browser: Browser
) -> None:
    ctx = signed_in_context(browser, meeting, PROJECTOR)
    page = open_at(ctx, f"{meeting['url']}/primary_needs?present=1&census_period=201920")
    name, total, first = slide_at(page, 1)
    assert name == "Primary needs" and "by primary need" in first
    # The source is in the chart (its foot): the page's own source caption is not repeated beside it.
    assert not page.locator("[data-testid='stCaptionContainer']", has_text="Source:").filter(visible=True).count()
    assert page.locator("[data-testid='stPlotlyChart'] text", has_text="Source:").count()
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        slide_at(page, number)
    page.keyboard.press("ArrowRight")
    assert slide_at(page, 1)[0] == "EHC plans" and "/ehc_plans" in page.url  # the next page in the menu
    page.keyboard.press("ArrowLeft")
    assert slide_at(page, total)[0] == "Primary needs"
    ctx.close()
