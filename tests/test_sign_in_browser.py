"""Sign-in and accounts on the real server in real Chromium: per-client slowing, the Accounts page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sendlib.auth import COMMISSIONER, OFFICER, add_user
from sendlib.store import Store
from tests.browser import click_and_wait, running_server, screenshot, wait_for_app
from tests.conftest import TEST_OFFICER

PASSWORD = "correct horse battery"
OWNER = "officer@example.invalid"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server behind a pretend proxy: the visitor's address comes from X-Forwarded-For."""
    folder = tmp_path_factory.mktemp("sign_in")
    db = folder / "accounts.duckdb"
    config = folder / "config.yaml"
    config.write_text(
        "store:\n  demo_on_first_run: false\naccess:\n  client_address_header: X-Forwarded-For\n"
        "  max_failed_sign_ins: 3\n"
    )
    store = Store.open(db)
    add_user(store, OWNER, OFFICER, PASSWORD, by=TEST_OFFICER)
    add_user(store, "ann@example.invalid", COMMISSIONER, PASSWORD, by=TEST_OFFICER)  # first in the list
    store.close()
    with running_server(db, extra_env={"SENDLIB_CONFIG": str(config)}) as url:
        yield url


def page_from(browser: Browser, url: str, address: str) -> Page:
    """A fresh browser (own session) whose requests the pretend proxy says come from ``address``."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1200}, extra_http_headers={"X-Forwarded-For": f"10.0.0.1, {address}"}
    )
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    return page


def try_password(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))


def test_a_strangers_guesses_slow_the_stranger_and_never_the_holder(server_url: str, browser: Browser) -> None:
    stranger = page_from(browser, server_url, "203.0.113.66")
    for guess in range(3):
        try_password(stranger, OWNER, f"a wrong guess {guess}")
        stranger.get_by_text("The e-mail address or password is not right.").wait_for(timeout=30_000)
    try_password(stranger, OWNER, PASSWORD)  # even the right password waits, from the stranger's address
    stranger.get_by_text("Too many wrong passwords for this account from this device. Wait").wait_for(timeout=30_000)
    screenshot(stranger, "sign-in-stranger-waits")
    stranger.context.close()

    owner = page_from(browser, server_url, "192.0.2.10")
    try_password(owner, OWNER, PASSWORD)
    owner.get_by_text("Role: officer").wait_for(timeout=60_000)  # at once, from the meeting room
    wait_for_app(owner)
    click_and_wait(owner, owner.locator("[data-testid='stSidebarNav'] a[href$='/accounts']").first)
    owner.get_by_role("heading", name="Accounts", exact=True).wait_for(timeout=30_000)
    owner.get_by_role("tab", name="Reset a password").click()
    click_and_wait(owner, owner.get_by_role("button", name="Reset the password"))  # Ann's, the first listed
    owner.get_by_text("shown only now").wait_for(timeout=30_000)
    assert len(owner.locator("[data-testid='stCode']").inner_text().strip()) >= 10
    screenshot(owner, "accounts-page-after-reset")
    owner.context.close()
