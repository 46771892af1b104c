"""Helpers for browser tests: a real Streamlit server on a free port, and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sendlib.auth import SESSION_COOKIE
from tests.conftest import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the rules axe-core can check automatically.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(page: Any, tags: list[str] = WCAG_TAGS) -> list[dict]:
    """axe-core (the npm package, injected from node_modules) run on the page as it stands: every violation, with
    its impact and the elements at fault."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make test` (it runs `npm ci`).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: list[dict] = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                                      summary: n.failureSummary}))}));
        }""",
        tags,
    )
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TRACEBACK = "Traceback (most recent call last)"


def tracebacks_in(log_text: str) -> list[str]:
    """Each traceback a server wrote to its log, from its first line to the error it ends with."""
    found = []
    for part in log_text.split(TRACEBACK)[1:]:
        lines = part.splitlines()
        last = next((line for line in lines[1:] if line and not line.startswith(" ")), "")
        found.append(f"{TRACEBACK} … {last}")
    return found


@contextmanager
def running_server(
    db_path: Path, extra_env: dict[str, str] | None = None, script: str = "dashboard.py"
) -> Iterator[str]:
    """Start ``streamlit run dashboard.py`` (or another ``script``) on the store ``db_path``; yields its base URL.

    When the server stops, its log must hold no traceback (an error a page swallowed, such as Streamlit's
    ``ArrowInvalid`` for a table column mixing ``c`` and numbers, is still a fault): the ``with`` fails if it does."""
    port = free_port()
    log = open(db_path.with_suffix(".server.log"), "w")  # noqa: SIM115 - the server writes it until the finally
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SENDLIB_DB": str(db_path), **(extra_env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Streamlit did not start: see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    found = tracebacks_in(Path(log.name).read_text(errors="replace"))
    assert not found, f"The server logged {len(found)} traceback(s) (see {log.name}): {found[:3]}"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run has finished and no skeleton placeholders remain."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=timeout_ms)


def click_and_wait(page, locator, timeout_ms: int = 60_000) -> None:
    """Click ``locator`` and wait until the script run that click starts has finished.

    ``wait_for_app`` alone can return before the click's run has begun (the app still says it is not running), so
    a test that then clicks again may interrupt that run before it has done its work: under load a sign-in attempt
    was lost that way. Here a MutationObserver notes the app going to "running" after the click (or already
    running at it; or the page replaced, by a navigation), and the wait is for "notRunning" after that."""
    page.evaluate(
        """() => {
            window.__sendlibRan = false;
            const app = window.__sendlibApp = document.querySelector("[data-testid='stApp']");
            // Already running (a run the click then cuts short and starts again): the state may never change to
            // "running" again, so that counts as seen.
            const seen = () => {
                if (app.getAttribute('data-test-script-state') === 'running') window.__sendlibRan = true;
            };
            seen();
            new MutationObserver(seen).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        }"""
    )
    locator.click()
    page.wait_for_function(
        "(window.__sendlibRan !== false || !document.contains(window.__sendlibApp))"
        " && document.querySelector(\"[data-testid='stApp']\")"
        ".getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout_ms,
    )
    wait_for_app(page, timeout_ms)


def wait_for_session_cookie(page, timeout_ms: int = 60_000) -> None:
    """Wait until the browser holds the session cookie a sign-in writes: a script in the run after the sign-in
    sets it once drawn, which on a busy machine is after the page already shows who is signed in."""
    page.wait_for_function(
        f"document.cookie.split('; ').some(c => c.startsWith('{SESSION_COOKIE}='))", timeout=timeout_ms
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (for people to look at)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The password of the role accounts (<role>@example.invalid) on the server_url fixture's server.
PASSWORD = "correct horse battery"


# Each (server, role)'s browser storage after its first sign-in through the form: its session cookie.
_SIGNED_IN: dict[tuple[str, str], Any] = {}


def signed_in_page(browser: Browser, server_url: str, role: str, path: str = "", height: int = 900):
    """A new page signed in as ``role``, then at ``path`` (the role's first page when ``path`` is empty or is that
    first page).

    The first page for a server and role signs in through the real sign-in form; later ones open ``path`` with the
    session cookie that sign-in left (as a new tab of the same person's browser does: one run instead of the
    form's three), and go through the form again if that sign-in has been ended since (a sign-out, a role change).
    Tests of signing in itself use the form (tests/test_meeting_browser.py, tests/test_sign_in_browser.py)."""
    viewport = {"width": 1400, "height": height}
    if (state := _SIGNED_IN.get((server_url, role))) is not None:
        page = browser.new_page(viewport=viewport, storage_state=state)
        page.goto(f"{server_url}/{path}")
        wait_for_app(page)
        if page.get_by_text(f"Role: {role}").count():
            return page
        page.close()  # the sign-in was ended: sign in again
    page = browser.new_page(viewport=viewport)
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_label("E-mail address").fill(f"{role}@example.invalid")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Role: {role}").wait_for(timeout=60_000)
    wait_for_app(page)  # the run after a sign-in writes its session cookie: a click during it can be lost
    wait_for_session_cookie(page)
    _SIGNED_IN[(server_url, role)] = page.context.storage_state()
    link = page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']")
    if path and link.count():
        # Move within the app by its navigation (as a person would; a goto would also stay signed in: the cookie),
        # clicking again if a click was lost in a rerun (the address says which page is open).
        for _ in range(3):
            link.first.click()
            try:  # the address changes once the app has taken the click (on a busy machine, seconds later)
                page.wait_for_url(lambda url: url.split("?")[0].endswith(f"/{path}"), timeout=30_000)
            except PlaywrightTimeout:
                continue
            wait_for_app(page)
            break
        assert page.url.split("?")[0].endswith(f"/{path}"), f"the menu never opened {path} (at {page.url})"
    return page
