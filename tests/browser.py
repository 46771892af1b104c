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

from playwright.sync_api import Browser

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(
    db_path: Path, extra_env: dict[str, str] | None = None, script: str = "dashboard.py"
) -> Iterator[str]:
    """Start ``streamlit run dashboard.py`` (or another ``script``) on the store ``db_path``; yields its base URL."""
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


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run has finished and no skeleton placeholders remain."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=timeout_ms)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (for people to look at)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The password of the role accounts (<role>@example.invalid) on the server_url fixture's server.
PASSWORD = "correct horse battery"


def signed_in_page(browser: Browser, server_url: str, role: str, path: str = "", height: int = 900):
    """A new page signed in as ``role`` through the real sign-in form, then at ``path`` (the role's first
    page when ``path`` is empty or is that first page)."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_label("E-mail address").fill(f"{role}@example.invalid")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Role: {role}").wait_for(timeout=60_000)
    link = page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']")
    if path and link.count():
        # A local sign-in lasts for the browser tab's session: move within the app by its navigation.
        link.first.click()
        wait_for_app(page)
    return page
