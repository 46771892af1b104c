"""Many people at once on the real server: three readers go through the pages while two officers upload
different census files and a third records commitment updates, six people in one Chromium (a browser context
each: its own cookies, as six people's browsers). Nobody sees an error, every write is recorded, and every
read shows the census either before or after each load, never half of one.

Each step waits for the run it caused to end (the page's own heading drawn, then nothing left running or
stale), as a person waits for a page before reading it. Waiting only for "not running" right after a click
returned at once (Streamlit says a run has started only when the server answers), so the readers clicked
through the pages several times a second, each click another script run, and the writers' runs starved:
the cause of the old time-outs with nine people on two CPUs."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from sendlib.auth import COMMISSIONER, OFFICER, add_user
from sendlib.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_server
from tests.conftest import TEST_OFFICER, copy_store

PASSWORD = "correct horse battery"
READERS = 3  # with three writers, six people at once on two CPUs
MIN_PAGES = 3  # each reader reads at least this many pages, and goes on until every write is done
# Each page a reader or a writer opens: its name in the menu and its heading (the first thing its run draws).
HEADINGS = {
    "Overview": "SEND: overview",
    "Primary needs": "Primary needs",
    "Stakeholders": "Stakeholders",
    "Participation reach": "Participation reach",
    "Reach gaps": "Reach gaps",
    "Commitments": "Commitments",
    "You said, we did": "You said, we did",
    "Upload data": "Upload data",
}
PAGES = tuple(title for title in HEADINGS if title != "Upload data")  # what the readers read, in turn
# The headline on Primary needs in each state the store can be in: the demo (2019/20), after file A
# (2024/25), after file B (2025/26, the newest whatever order they land in).
FILE_A = "period,provision,primary_need,pupils\n202425,SEN support,SLCN,1500\n202425,EHC plan,ASD,700\n"
FILE_B = "period,provision,primary_need,pupils\n202526,SEN support,SLCN,1600\n202526,EHC plan,ASD,900\n"
HEADLINES = {"6,842", "2,200", "2,500"}
AT_REST = """() => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === 'notRunning'
                 && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')"""


async def settled(page: Page) -> None:
    """Wait until the page is at rest: no script run under way, nothing left from an earlier run. Slow is allowed
    (six people and the other test worker on two CPUs), an error is not. Right after a click this can still be
    the state before it (the server has not yet said a run started): wait for what the click makes first."""
    await page.wait_for_function(AT_REST, timeout=180_000)


async def signed_in(browser: Browser, url: str, email: str) -> Page:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(f"{url}/overview")  # as from an agenda link: the sign-in form there, then that page
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Role:").wait_for()
    await settled(page)  # the run after a sign-in writes its session cookie: a click during it can be lost
    return page


async def open_page(page: Page, title: str) -> None:
    """Open ``title`` from the menu and wait for its run to end. A click is made again only when it was lost (the
    address never changed): clicking again while the page runs would start its run again, never letting it end."""
    link = page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title).first
    address = urlsplit(await link.get_attribute("href") or "").path
    for _ in range(3):
        await link.click()
        try:  # the address changes once the server has taken the click and started the page's run
            await page.wait_for_url(lambda url: urlsplit(url).path == address, timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    # The page's heading, drawn first by its run: from here "not running" is this run's end, not the state before.
    await page.locator("[data-testid='stMain'] h1").filter(has_text=HEADINGS[title]).first.wait_for()
    await settled(page)


async def reader(
    browser: Browser,
    url: str,
    number: int,
    ready: asyncio.Event,
    writes_done: asyncio.Event,
    seen: list[str],
    problems: list[str],
) -> None:
    page = await signed_in(browser, url, f"reader{number}@example.invalid")
    ready.set()
    turn = number
    while turn < number + MIN_PAGES or not writes_done.is_set():
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
            await metric.first.wait_for()
            seen.append(await metric.locator("[data-testid='stMetricValue']").first.inner_text())
    await page.context.close()


async def choose(page: Page, path: Path) -> None:
    """Choose ``path`` in the census file box (the server has it after the upload's own rerun)."""
    await page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    await page.get_by_text(path.name).first.wait_for()
    await settled(page)


async def uploader(browser: Browser, url: str, email: str, path: Path, done: list[str]) -> None:
    page = await signed_in(browser, url, email)
    await open_page(page, "Upload data")
    await choose(page, path)
    preview = page.get_by_text(f"Check before loading: {path.name}")
    too_soon = page.get_by_text("Choose a file first.")
    loaded, overtaken = page.get_by_text(f"Loaded {path.name}"), page.get_by_text("changed since you checked this file")
    # Each round looks at the page at rest and does the next thing a person would: check the file (again, after the
    # other officer's load overtook the preview, as the page asks), or load the file checked. A press before the
    # upload's own rerun is answered "Choose a file first.", and a click in a rerun can be lost: press again.
    for _ in range(8):
        if not await preview.count():
            await page.get_by_role("button", name="Check the file").click()
            with contextlib.suppress(PlaywrightTimeout):  # lost: the next round presses again
                await preview.or_(too_soon).first.wait_for(timeout=60_000)
            await settled(page)
            if await too_soon.count():  # the server has no file for this box (yet): as the page asks, choose it
                await choose(page, path)
            continue
        await page.get_by_role("button", name="Load this file").click()
        with contextlib.suppress(PlaywrightTimeout):
            await loaded.or_(overtaken).first.wait_for()
        await settled(page)
        if await loaded.count():
            break
    alerts = await page.locator("[data-testid='stAlertContainer']").all_inner_texts()
    assert await loaded.count(), f"{path.name} was never loaded: {alerts}"
    done.append(path.name)
    await page.context.close()


async def updater(browser: Browser, url: str, done: list[str]) -> None:
    page = await signed_in(browser, url, "updater@example.invalid")
    await open_page(page, "Commitments")
    before = "65"  # B-C01's latest update in the demo
    for number, percent in enumerate(("70", "75", "80"), start=1):
        chooser = page.get_by_role("combobox", name="Commitment", exact=True).first
        await chooser.click()
        await chooser.fill("B-C01")
        await page.keyboard.press("Enter")
        # The form is drawn for the commitment chosen, from its latest update (the one recorded last time round).
        await page.get_by_text(f"Now: {before}% complete").first.wait_for()
        await settled(page)
        percent_box = page.get_by_label("% complete", exact=True)
        commentary = page.get_by_label("Commentary", exact=True)
        for _ in range(3):  # typed into a form that a rerun then drew again: as a person would, type it again
            await percent_box.fill(percent)
            await commentary.fill(f"Concurrent update {number}")
            await settled(page)
            if await percent_box.input_value() == percent and await commentary.input_value():
                break
        await page.get_by_role("button", name="Record the update").click()
        # The message names the update, so an earlier update's message still on screen does not count.
        await page.get_by_text(f"Update recorded for B-C01: {percent}% complete").wait_for()
        await settled(page)
        done.append(percent)
        before = percent
    await page.context.close()


def test_many_people_at_once_see_no_errors_and_no_half_loads(tmp_path: Path, built_demo: Path) -> None:
    db = tmp_path / "busy.duckdb"
    store = Store.open(copy_store(built_demo, db))
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
            ready = [asyncio.Event() for _ in range(READERS)]
            writes_done = asyncio.Event()
            readers = [reader(browser, url, n, ready[n], writes_done, seen, problems) for n in range(READERS)]

            async def writers() -> None:
                for signed_in_reader in ready:  # the readers are busy first, and read until the writes end
                    await signed_in_reader.wait()
                try:
                    await asyncio.gather(
                        uploader(browser, url, "up1@example.invalid", file_a, uploads),
                        uploader(browser, url, "up2@example.invalid", file_b, uploads),
                        updater(browser, url, updates),
                    )
                finally:
                    writes_done.set()

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
