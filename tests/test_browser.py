"""The real server in real Chromium: what a person sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_server, screenshot, wait_for_app


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    store = Store.open(db)
    load_demo(store, Config())
    store.close()
    with running_server(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_primary_needs_page_renders_the_chart_and_seed_figures(server_url: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server_url}/primary_needs")
    wait_for_app(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 3
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert "5,620" in metrics and "1,222" in metrics and "16.1%" in metrics
    # The chart itself draws the provision totals in its subplot titles.
    chart_text = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "SEN support: 5,620" in chart_text and "EHC plan: 1,222" in chart_text
    assert page.get_by_text("Source:").first.is_visible()
    assert not page.locator("[data-testid='stException']").count()
    # Opened directly by URL as the first visit to a fresh server, the page still runs inside the frame.
    assert "SEND Commissioning Dashboard" in page.locator("[data-testid='stSidebar']").inner_text()
    screenshot(page, "primary-needs")
    page.close()
