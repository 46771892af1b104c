"""Many people at once on the real server: eight readers go through every page while two officers upload
different census files and a third records commitment updates. Nobody sees an error, every write is
recorded, and every read shows the census either before or after each load, never half of one."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from playwright.async_api import Browser, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from sendlib.auth import COMMISSIONER, OFFICER, add_user
from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_server
from tests.conftest import TEST_OFFICER

PASSWORD = "correct horse battery"
READERS = 8
READING_SECONDS = 45
PAGES = (
    "Overview",
    "Primary needs",
    "Stakeholders",
    "Participation reach",
    "Reach gaps",
    "Commitments",
    "You said, we did",
)
# The headline on Primary needs in each state the store can be in: the demo (2019/20), after file A
# (2024/25), after file B (2025/26, the newest whatever order they land in).
FILE_A = "period,provision,primary_need,pupils\n202425,SEN support,SLCN,1500\n202425,EHC plan,ASD,700\n"
FILE_B = "period,provision,primary_need,pupils\n202526,SEN support,SLCN,1600\n202526,EHC plan,ASD,900\n"
HEADLINES = {"6,842", "2,200", "2,500"}


async def signed_in(browser: Browser, url: str, email: str):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)  # eleven people on two CPUs: slow is allowed, an error is not
    await page.goto(url)
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Role:").wait_for(timeout=120_000)
    return page


async def settled(page) -> None:
    # Eleven browsers on two CPUs: a page may take minutes to settle (slow is allowed, an error is not).
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=300_000)


async def open_page(page, title: str) -> None:
    await page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    await settled(page)


async def reader(browser: Browser, url: str, number: int, seen: list[str], problems: list[str]) -> None:
    page = await signed_in(browser, url, f"reader{number}@example.invalid")
    deadline = time.monotonic() + READING_SECONDS
    turn = number
    while time.monotonic() < deadline:
        title = PAGES[turn % len(PAGES)]
        turn += 1
        await open_page(page, title)
        if await page.locator("[data-testid='stException']").count():
            problems.append(
                f"reader {number}, {title}: {await page.locator('[data-testid=stException]').first.inner_text()}"
            )
        errors = page.locator("[data-testid='stAlertContentError']")
        if await errors.count():
            problems.append(f"reader {number}, {title}: {await errors.first.inner_text()}")
        if title == "Primary needs":
            metric = page.locator("[data-testid='stMetric']").filter(has_text="Children and young people with SEND")
            await metric.first.wait_for(timeout=120_000)
            seen.append(await metric.locator("[data-testid='stMetricValue']").first.inner_text())
    await page.context.close()


async def uploader(browser: Browser, url: str, email: str, path: Path, done: list[str]) -> None:
    page = await signed_in(browser, url, email)
    await open_page(page, "Upload data")
    await page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    await page.get_by_text(path.name).first.wait_for()  # the upload has reached the server
    await settled(page)
    preview = page.get_by_text(f"Check before loading: {path.name}")
    loaded, overtaken = page.get_by_text(f"Loaded {path.name}"), page.get_by_text("changed since you checked this file")
    for _ in range(3):  # the other officer's load may overtake this preview: then, as the page asks, check again
        for _ in range(5):  # a click that lands while the upload's own rerun starts is lost: a person clicks again
            await page.get_by_role("button", name="Check the file").click()
            try:
                await preview.wait_for(timeout=30_000)
                break
            except PlaywrightTimeout:
                continue
        await settled(page)
        await page.get_by_role("button", name="Load this file").click()
        await loaded.or_(overtaken).first.wait_for(timeout=120_000)
        if await loaded.count():
            break
        await settled(page)
    await loaded.wait_for(timeout=1_000)
    done.append(path.name)
    await page.context.close()


async def updater(browser: Browser, url: str, done: list[str]) -> None:
    page = await signed_in(browser, url, "updater@example.invalid")
    await open_page(page, "Commitments")
    for number, percent in enumerate(("70", "75", "80"), start=1):
        chooser = page.get_by_role("combobox", name="Commitment", exact=True).first
        await chooser.click()
        await chooser.fill("B-C01")
        await page.keyboard.press("Enter")
        await page.get_by_label("% complete", exact=True).fill(percent)
        await page.get_by_label("Commentary", exact=True).fill(f"Concurrent update {number}")
        await page.get_by_role("button", name="Record the update").click()
        # The message names the update, so an earlier update's message still on screen does not count.
        await page.get_by_text(f"Update recorded for B-C01: {percent}% complete").wait_for(timeout=120_000)
        await settled(page)
        done.append(percent)
    await page.context.close()


def test_many_people_at_once_see_no_errors_and_no_half_loads(tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    store = Store.open(db)
    load_demo(store, Config())
    for email, role in [(f"reader{n}@example.invalid", COMMISSIONER) for n in range(READERS)] + [
        ("up1@example.invalid", OFFICER),
        ("up2@example.invalid", OFFICER),
        ("updater@example.invalid", OFFICER),
    ]:
        add_user(store, email, role, PASSWORD, by=TEST_OFFICER)
    updates_before = store.query_value("SELECT count(*) FROM commitment_updates")
    store.close()
    file_a, file_b = tmp_path / "census-a.csv", tmp_path / "census-b.csv"
    file_a.write_text(FILE_A)
    file_b.write_text(FILE_B)
    seen: list[str] = []
    problems: list[str] = []
    uploads: list[str] = []
    updates: list[str] = []

    async def everyone(url: str) -> None:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            readers = [reader(browser, url, n, seen, problems) for n in range(READERS)]

            async def writers() -> None:
                await asyncio.sleep(8)  # the readers are busy first
                await asyncio.gather(
                    uploader(browser, url, "up1@example.invalid", file_a, uploads),
                    uploader(browser, url, "up2@example.invalid", file_b, uploads),
                    updater(browser, url, updates),
                )

            await asyncio.gather(*readers, writers())
            await browser.close()

    with running_server(db) as url:
        asyncio.run(everyone(url))

    assert not problems, problems[:5]
    assert sorted(uploads) == ["census-a.csv", "census-b.csv"] and len(updates) == 3
    assert seen and set(seen) <= HEADLINES, set(seen) - HEADLINES  # never a half-applied load
    store = Store.open(db)
    try:
        loaded = store.query_rows(
            "SELECT file_name FROM loads WHERE outcome = 'loaded' AND file_name LIKE 'census-%' ORDER BY 1"
        )
        assert loaded == [("census-a.csv",), ("census-b.csv",)]
        assert store.query_value("SELECT count(*) FROM commitment_updates") == updates_before + 3
    finally:
        store.close()
