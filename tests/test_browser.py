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


def test_officer_uploads_a_census_file_through_the_page(server_url: str, browser: Browser, tmp_path: Path) -> None:
    upload = tmp_path / "browser-upload.csv"
    upload.write_text("period,provision,primary_need,pupils\n2023/24,SEN support,SLCN,1450\n2023/24,EHCP,ASD,650\n")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server_url}/upload")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    page.get_by_text("browser-upload.csv").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("Check before loading: browser-upload.csv").wait_for(timeout=60_000)
    wait_for_app(page)
    screenshot(page, "upload-preview")
    page.get_by_role("button", name="Load this file").click()
    page.get_by_text("Loaded browser-upload.csv as load").wait_for(timeout=60_000)
    wait_for_app(page)
    assert not page.locator("[data-testid='stException']").count()
    screenshot(page, "upload-loaded")
    # The new period is now on the Primary needs page, with a trend across both census years.
    page.goto(f"{server_url}/primary_needs")
    wait_for_app(page)
    page.get_by_text("Over time", exact=True).wait_for(timeout=60_000)
    # The latest census is now the uploaded one: its figures head the page.
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert "1,450" in metrics and "650" in metrics
    page.close()
