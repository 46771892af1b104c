"""The real server in real Chromium: what a person sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sendlib.auth import add_user
from sendlib.store import Store
from tests.browser import PASSWORD, running_server, screenshot, signed_in_page, wait_for_app
from tests.conftest import copy_store


def test_primary_needs_page_renders_the_chart_and_seed_figures(server_url: str, browser: Browser) -> None:
    page = signed_in_page(browser, server_url, "commissioner", "primary_needs")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 3
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert "5,620" in metrics and "1,222" in metrics and "16.1%" in metrics
    # The chart itself draws the provision totals in its subplot titles.
    chart_text = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "SEN support: 5,620" in chart_text and "EHC plan: 1,222" in chart_text
    assert page.get_by_text("Source:").first.is_visible()
    assert not page.locator("[data-testid='stException']").count()
    screenshot(page, "primary-needs")
    page.close()


def test_officer_uploads_a_census_file_through_the_page(server_url: str, browser: Browser, tmp_path: Path) -> None:
    upload = tmp_path / "browser-upload.csv"
    upload.write_text("period,provision,primary_need,pupils\n2023/24,SEN support,SLCN,1450\n2023/24,EHCP,ASD,650\n")
    page = signed_in_page(browser, server_url, "officer", "upload", height=1000)
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
    page.locator("[data-testid='stSidebarNav']").get_by_text("Primary needs").click()
    wait_for_app(page)
    page.get_by_text("Over time", exact=True).wait_for(timeout=60_000)
    # The latest census is now the uploaded one: its figures head the page.
    # Wait for the figures themselves: on a busy machine the metrics can arrive after the headings.
    for figure in ("1,450", "650"):
        page.locator("[data-testid='stMetricValue']").filter(has_text=figure).first.wait_for(timeout=60_000)
    page.close()


def test_a_direct_url_opened_first_runs_inside_the_frame(server_url: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(f"{server_url}/upload")
    wait_for_app(page)
    # Not signed in: the frame's sign-in page, never the upload page run on its own.
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert not page.locator("[data-testid='stFileUploader']").count()
    page.close()


def test_forum_and_officer_see_their_own_navigation(server_url: str, browser: Browser) -> None:
    officer = signed_in_page(browser, server_url, "officer")
    assert "Upload data" in officer.locator("[data-testid='stSidebarNav']").inner_text()
    officer.close()
    forum = signed_in_page(browser, server_url, "forum")
    sidebar = forum.locator("[data-testid='stSidebar']").inner_text()
    assert (
        "Role: forum" in sidebar
        and "Upload data" not in sidebar
        and "Participation reach" not in sidebar
        and "Reach gaps" in sidebar
    )
    screenshot(forum, "forum-signed-in")
    forum.close()


@pytest.fixture(scope="module")
def public_url(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on a demo store where visitors who have not signed in see the forum views (one for the module:
    its tests only read)."""
    folder = tmp_path_factory.mktemp("public")
    db = copy_store(built_demo, folder / "public.duckdb")
    config = folder / "public.yaml"
    config.write_text("access:\n  public: true\n")
    with running_server(db, {"SENDLIB_CONFIG": str(config)}) as url:
        yield url


def test_a_public_visitor_opening_the_upload_url_is_politely_refused(browser: Browser, public_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{public_url}/upload")
    wait_for_app(page)
    page.get_by_text("This page is for officer accounts").wait_for(timeout=30_000)
    assert not page.locator("[data-testid='stFileUploader']").count()
    screenshot(page, "public-upload-refused")
    page.close()


def test_officer_records_an_assessment_and_sees_the_grid_change(server_url: str, browser: Browser) -> None:
    page = signed_in_page(browser, server_url, "officer", "stakeholders", height=1400)
    page.get_by_text("groups with a target are in their target quadrant").first.wait_for(timeout=60_000)
    before = page.get_by_text("groups with a target are in their target quadrant").first.inner_text()
    assert "3 of 6 groups with a target are in their target quadrant" in before
    group = page.get_by_role("combobox", name="Group").first
    group.click()
    group.fill("Providers")
    page.keyboard.press("Enter")
    wait_for_app(page)  # the sliders start again from the group chosen (where Providers stands now)
    for _ in range(3):  # a form drawn again by a late rerun starts from the stored scores: set them again
        for label in ("Influence", "Importance"):  # both scores to 0 with the keyboard, as a person might
            slider = page.get_by_role("slider", name=label).first
            slider.focus()
            slider.press("Home")
        wait_for_app(page)
        sliders = [page.get_by_role("slider", name=label).first for label in ("Influence", "Importance")]
        if all(float(slider.get_attribute("aria-valuenow") or -1) == 0 for slider in sliders):
            break
    page.get_by_role("button", name="Record the assessment").click()
    page.get_by_text("Assessment recorded.").wait_for(timeout=60_000)
    wait_for_app(page)
    after = page.get_by_text("groups with a target are in their target quadrant").first.inner_text()
    assert "2 of 6 groups with a target are in their target quadrant" in after  # Providers left its quadrant
    screenshot(page, "stakeholders-after-assessment")
    page.close()


def test_forum_reads_the_reach_gaps_in_plain_words(server_url: str, browser: Browser) -> None:
    page = signed_in_page(browser, server_url, "forum", "reach_gaps", height=2600)
    # Other tests in this module load a newer census, so the shares may differ from the demo's: the words may not.
    sentence = page.get_by_text("Children on SEN support are", exact=False)
    sentence.first.wait_for(timeout=60_000)
    text = sentence.first.inner_text()
    assert "of children and young people with SEND but" in text and "of those we heard from in 2025/26" in text
    assert "What is planned: A representative parental voice" in text
    page.locator("[data-testid='stPlotlyChart']").nth(1).wait_for(timeout=60_000)  # charts draw after the words
    assert page.locator("[data-testid='stPlotlyChart']").count() == 2
    assert not page.locator("[data-testid='stException']").count()
    screenshot(page, "reach-gaps-forum")
    page.close()


def test_officer_records_an_update_and_sees_the_rag_change(browser: Browser, tmp_path: Path, built_demo: Path) -> None:
    from datetime import date, timedelta

    from sendlib.commitments import add_commitment
    from tests.conftest import TEST_OFFICER

    db = tmp_path / "commitments.duckdb"
    store = Store.open(copy_store(built_demo, db))
    add_user(store, "officer@example.invalid", "officer", PASSWORD, by=TEST_OFFICER)
    # Halfway through its time with nothing done: red whatever today's date is.
    add_commitment(
        store,
        TEST_OFFICER,
        reference="T-1",
        title="Lagging commitment",
        full_text="",
        strategy="Test",
        section="",
        theme="Test",
        level="meso",
        owner="Test Owner",
        start_date=date.today() - timedelta(days=100),
        due_date=date.today() + timedelta(days=100),
    )
    store.close()
    with running_server(db) as url:
        page = signed_in_page(browser, url, "officer", "commitments", height=1600)
        # The exceptions panel's card (the pickers below name the commitment the same way).
        exceptions = page.locator("[data-testid='stMarkdownContainer']").filter(has_text="Owner:")
        exceptions.filter(has_text="T-1: Lagging commitment").first.wait_for(timeout=60_000)
        red_before = int(
            page.locator("[data-testid='stMetric']")
            .filter(has_text="Red")
            .locator("[data-testid='stMetricValue']")
            .inner_text()
        )
        chooser = page.get_by_role("combobox", name="Commitment", exact=True).first
        chooser.click()
        chooser.fill("T-1")
        page.keyboard.press("Enter")
        wait_for_app(page)  # the form now starts from T-1 as stored: not started, 0%
        # The form is drawn again for T-1 (its fields start from T-1's values): wait for that before using it.
        # (While it is drawn again the old field and the new one are both on the page for a moment.)
        page.wait_for_function(
            """() => { const boxes = document.querySelectorAll('input[aria-label="% complete"]');
                       return boxes.length === 1 && boxes[0].value === '0.00'; }""",
            timeout=60_000,
        )
        wait_for_app(page)
        status = page.get_by_role("combobox", name="Status", exact=True)
        status.click()
        page.get_by_role("option", name="in progress", exact=True).click()
        page.get_by_label("% complete", exact=True).fill("60")
        page.get_by_label("Commentary", exact=True).fill("Half the sessions held")
        page.get_by_role("button", name="Record the update").click()
        page.get_by_text("Update recorded for T-1: 60% complete").wait_for(timeout=60_000)
        wait_for_app(page)
        red_after = int(
            page.locator("[data-testid='stMetric']")
            .filter(has_text="Red")
            .locator("[data-testid='stMetricValue']")
            .inner_text()
        )
        assert red_after == red_before - 1
        assert not exceptions.filter(has_text="T-1: Lagging commitment").count()  # gone from the exceptions
        screenshot(page, "commitments-after-update")
        page.close()


def test_presentation_mode_from_a_meeting_link(browser: Browser, public_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{public_url}/stakeholders?present=1&grid_as_of=2025-01-01")
    wait_for_app(page)
    summary = page.get_by_text("groups with a target are in their target quadrant").first
    summary.wait_for(timeout=60_000)
    assert summary.inner_text().startswith("On 01 January 2025,")  # the date came from the link
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # no menu
    assert not page.get_by_text("Show the grid as it stood on").is_visible()  # no controls
    assert page.get_by_role("button", name="Leave presentation mode").is_visible()
    font = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert font == "20px"
    chart = page.locator("[data-testid='stPlotlyChart']").first
    assert chart.bounding_box()["width"] <= 1280
    title_size = chart.locator(".gtitle").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert title_size >= 26  # the chart's own text is enlarged too (20 × 1.35)
    screenshot(page, "presentation-mode-stakeholders")
    page.get_by_role("button", name="Leave presentation mode").click()
    wait_for_app(page)
    page.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=30_000)
    page.close()


def test_a_meeting_link_opened_in_a_new_tab_asks_for_sign_in_then_presents(browser: Browser, server_url: str) -> None:
    # A new browser (context) is signed out, so a link from the agenda shows the form: it must be usable.
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server_url}/primary_needs?present=1")
    wait_for_app(page)
    email = page.get_by_label("E-mail address")
    assert email.is_visible(), "presentation mode hid the sign-in form"
    email.fill("commissioner@example.invalid")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Leave presentation mode").wait_for(timeout=60_000)  # presenting once in
    # The page the link names: the deck's position line names it (whatever its first slide shows, which
    # depends on the census loaded, as after the upload test on this same server).
    page.locator(".st-key-present_position").get_by_text("Primary needs").wait_for(timeout=60_000)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.get_by_text("Page not found").count()
    screenshot(page, "meeting-link-signed-in-presenting")
    page.close()


def test_script_typed_into_a_form_shows_as_text_and_never_runs(
    browser: Browser, tmp_path: Path, built_demo: Path
) -> None:
    from datetime import date

    from sendlib import stakeholders, you_said
    from tests.conftest import TEST_OFFICER

    db = tmp_path / "hostile.duckdb"
    store = Store.open(copy_store(built_demo, db))
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    group = stakeholders.add_group(
        store,
        TEST_OFFICER,
        name=f"{hostile} group",
        description=hostile,
        kind="other",
        engagement="engage",
        short_name="Hostile",
    )
    stakeholders.record_assessment(
        store,
        TEST_OFFICER,
        group_id=group,
        assessed_on=date(2026, 1, 5),
        influence=3,
        importance=3,
        assessed_by="test",
        note=hostile,
    )
    item = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 1, 5),
        said_by="parent carers",
        what_was_said=hostile,
        theme=f"{hostile} theme",
    )
    you_said.respond(
        store, TEST_OFFICER, item_id=item, what_we_did=hostile, state="closed", published_on=date(2026, 2, 1)
    )
    store.close()
    config = tmp_path / "public.yaml"
    config.write_text("access:\n  public: true\n")
    with running_server(db, {"SENDLIB_CONFIG": str(config)}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{url}/stakeholders")
        wait_for_app(page)
        page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=60_000)  # the grid, with the group in it
        assert page.evaluate("window.__pwned === undefined")  # never run
        page.goto(f"{url}/you_said")
        wait_for_app(page)
        said = page.locator("[data-testid='stMarkdownContainer']").filter(has_text="You said:")
        said.first.wait_for(timeout=60_000)
        assert "<script>window.__pwned = 1</script>" in " ".join(said.all_inner_texts())  # shown as text
        assert page.evaluate("window.__pwned === undefined")  # never run
        assert not page.locator("[data-testid='stException']").count()
        screenshot(page, "hostile-text-shown-as-text")
        page.close()
