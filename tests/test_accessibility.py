"""WCAG 2.2 AA in a real browser: axe-core on every page as every role, normal and presentation mode; and a
keyboard-only journey from the first Tab to a submitted upload, with visible focus all the way.

axe-core is the npm package (pinned in package-lock.json, installed by `make test`), injected by Playwright
into the real page in Chromium. Violations of serious or critical impact fail the test; every finding,
whatever its impact, is written to test-artifacts/accessibility-report.md for people to read.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.public_pages import read_accessibility_report
from sendlib.views import PAGES

# The demo server (officer, commissioner and forum accounts) and Chromium, shared with the other browser tests.
from tests.browser import ARTIFACTS, AXE, PASSWORD, WCAG_TAGS, run_axe, screenshot, signed_in_page, wait_for_app

BLOCKING = ("serious", "critical")
REPORT = ARTIFACTS / "accessibility-report.md"
# The short, dated result the accessibility statement cites (sendlib.public_pages.read_accessibility_report).
RESULT = ARTIFACTS / "accessibility-report.json"
VIEWPORT = "1400 × 900 pixels"  # signed_in_page's window


def axe_findings(page: Page) -> list[dict]:
    """Run axe-core in the page as it stands; every violation, with its impact and the elements at fault."""
    # Streamlit fades the elements of a page while a rerun is under way (data-stale): check the page at rest.
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === 'notRunning'
                 && !document.querySelector('[data-stale="true"]')""",
        timeout=60_000,
    )
    return run_axe(page, WCAG_TAGS)


def _open(page: Page, url_path: str) -> None:
    link = page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']")
    footer = page.locator(f"a[data-testid='stPageLink-NavLink'][href='{url_path}']")
    if link.count():
        link.first.click()
    elif footer.count():  # the pages a public service owes are in every page's footer, not the menu
        footer.last.click()
        page.wait_for_url(lambda url: url.split("?")[0].endswith(f"/{url_path}"), timeout=60_000)
    wait_for_app(page)
    page.wait_for_timeout(300)  # charts draw just after the script run ends


def _wait_for_charts(page: Page) -> None:
    charts = page.locator("[data-testid='stPlotlyChart']")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=60_000)


CHART_NAMES = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map(chart => {
    const label = chart.getAttribute('aria-label') || '';
    const container = chart.closest("[data-testid='stElementContainer']");
    let next = container ? container.nextElementSibling : null;
    return {role: chart.getAttribute('role'), label: label,
            shownUnder: !!next && next.innerText.trim() === label.trim()};
})"""


def unnamed_charts(page: Page) -> list[dict]:
    """Charts whose text alternative is missing, or is not the sentence shown right under them."""
    return [
        c for c in page.evaluate(CHART_NAMES) if c["role"] != "figure" or not c["label"].strip() or not c["shownUnder"]
    ]


def _write_result(findings: dict[str, list[dict]], blocking: int) -> None:
    """The dated summary the accessibility statement reads: when, with what, over which views, found what."""
    version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    by_impact: dict[str, int] = {}
    rules: dict[str, str] = {}
    for violations in findings.values():
        for v in violations:
            by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + 1
            rules[v["id"]] = f"{v['impact']}: {v['help']} ({v['id']})"
    RESULT.write_text(
        json.dumps(
            {
                "tested_on": date.today().isoformat(),
                "tool": f"axe-core {version} in Chromium",
                "rules": WCAG_TAGS,
                "page_views": len(findings),
                "pages": list(findings),
                "viewports": [VIEWPORT],
                "blocking": blocking,
                "by_impact": by_impact,
                "findings": sorted(rules.values()),
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def _write_report(findings: dict[str, list[dict]]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [
        "# Accessibility report (axe-core, WCAG 2.2 A and AA rules)",
        "",
        f"Written by tests/test_accessibility.py; {len(findings)} page views checked.",
        "",
    ]
    for view, violations in findings.items():
        lines.append(f"## {view}")
        if not violations:
            lines += ["", "No violations.", ""]
            continue
        lines.append("")
        for v in violations:
            lines.append(f"- **{v['impact']}** `{v['id']}`: {v['help']} ({v['helpUrl']})")
            lines += [f"  - `{n['target']}`: `{n['html']}` — {' '.join(n['summary'].split())}" for n in v["nodes"]]
        lines.append("")
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def test_every_page_as_every_role_in_both_modes_has_no_serious_violations(server_url: str, browser: Browser) -> None:
    findings: dict[str, list[dict]] = {}
    for role in (OFFICER, COMMISSIONER, FORUM):
        page = signed_in_page(browser, server_url, role)
        for spec in (s for s in PAGES if role in s.roles):
            _open(page, spec.url_path)
            _wait_for_charts(page)
            findings[f"{spec.title}, {role}"] = axe_findings(page)
            # A screen reader announces each chart by its one-sentence summary, the same words shown under it.
            assert not unnamed_charts(page), (spec.title, role, unnamed_charts(page))
            if role != OFFICER:
                # Presentation mode is the same layout for every role (only the figures differ): checked once per
                # page, as the officer, who sees every page. It was a third of this test's time for each role.
                continue
            page.get_by_role("button", name="Presentation mode").click()
            page.get_by_role("button", name="Leave presentation mode").wait_for(timeout=60_000)
            wait_for_app(page)
            _wait_for_charts(page)
            findings[f"{spec.title}, {role}, presentation mode"] = axe_findings(page)
            page.get_by_role("button", name="Leave presentation mode").click()
            page.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=30_000)
            wait_for_app(page)
        page.close()
    _write_report(findings)
    blocking = {
        view: [
            f"{v['impact']} {v['id']}: {v['help']} at {[(n['html'], n['summary']) for n in v['nodes']]}"
            for v in violations
            if v["impact"] in BLOCKING
        ]
        for view, violations in findings.items()
    }
    blocking = {view: found for view, found in blocking.items() if found}
    _write_result(findings, sum(len(found) for found in blocking.values()))
    assert read_accessibility_report(RESULT) is not None  # the statement can read what was written
    assert len(findings) == sum(len(s.roles) for s in PAGES) + len(PAGES)
    assert not blocking, json.dumps(blocking, indent=1)


def test_axe_finds_a_planted_violation(server_url: str, browser: Browser) -> None:
    # The check has teeth: an image with no text alternative and grey-on-white text are serious violations.
    page = signed_in_page(browser, server_url, FORUM)
    wait_for_app(page)  # planted in the page at rest (a rerun would draw the page again without them)
    page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        main.insertAdjacentHTML('afterbegin',
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">' +
            '<p style="color:#BBBBBB !important;background:#FFFFFF !important">Faint text nobody can read</p>');
    }""")
    found = {v["id"]: v["impact"] for v in axe_findings(page)}
    assert found.get("image-alt") in BLOCKING and found.get("color-contrast") in BLOCKING
    page.close()


# -- keyboard only -----------------------------------------------------------------------------------------
FOCUS_INFO = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    // A visually hidden control (the file input) shows its focus on the nearest visible box around it.
    let shown = e;
    while (shown.parentElement && (shown.getBoundingClientRect().width < 2 || shown.getBoundingClientRect().height < 2))
        shown = shown.parentElement;
    const style = getComputedStyle(shown);
    return {tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 80),
            label: e.getAttribute('aria-label') || '', role: e.getAttribute('role') || '',
            inNav: !!e.closest("[data-testid='stSidebarNav']"),
            inExpander: !!e.closest("[data-testid='stExpander']"),
            inUploader: !!e.closest("[data-testid='stFileUploader']"),
            inGrid: !!e.closest("[data-testid='stDataFrame'] table"),
            inFilter: !!e.closest("[data-testid='stSelectbox'], [data-testid='stMultiSelect'], "
                                  + "[data-testid='stDateInput']"),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            shadow: style.boxShadow !== 'none'};
}"""


def _focus(page: Page) -> dict | None:
    return page.evaluate(FOCUS_INFO)


def tab_to(page: Page, wanted, what: str, limit: int = 120) -> dict:
    """Press Tab until the focused element matches ``wanted``; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = _focus(page)
        if focus is None:
            continue
        # A data grid draws its focused cell's ring on its canvas: the cell in the DOM is the grid's accessible copy
        # (Tab reaches it when the grid takes focus mid-render, as under load), so its own style cannot show it.
        shown = focus["outline"] or focus["shadow"] or focus["inGrid"]
        assert shown, f"focus is not visible on {focus} (on the way to {what})"
        if wanted(focus):
            return focus
    raise AssertionError(f"{limit} presses of Tab never reached {what}; last: {_focus(page)}")


def test_keyboard_only_from_sign_in_to_a_chart_table_and_a_loaded_file(
    server_url: str, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server_url)
    wait_for_app(page)
    # Sign in: the first Tab reaches the e-mail box.
    tab_to(
        page,
        lambda f: (
            f["tag"] == "INPUT"
            and "E-mail"
            in (
                f["label"]
                or page.evaluate("document.activeElement.closest('[data-testid=stTextInput]')?.innerText || ''")
            )
        ),
        "the e-mail box",
    )
    page.keyboard.type(f"{OFFICER}@example.invalid")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_text(f"Role: {OFFICER}").wait_for(timeout=60_000)
    wait_for_app(page)

    # The navigation, then a page's filters, then a chart's table, all from the keyboard.
    tab_to(page, lambda f: f["inNav"] and "Primary needs" in f["text"], "the Primary needs link")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Primary needs").first.wait_for(timeout=60_000)
    wait_for_app(page)
    # A filter, where the page has one to choose from (with one census period the period is shown as plain text).
    if page.locator("[data-testid='stSelectbox'], [data-testid='stMultiSelect']").count():
        tab_to(page, lambda f: f["inFilter"], "a filter on Primary needs")
    tab_to(page, lambda f: f["inExpander"] and "table" in f["text"].lower(), "a chart's table")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('details')?.open === true", timeout=30_000)
    page.evaluate("document.activeElement.closest('details').setAttribute('data-opened-by-keyboard', '1')")
    page.locator("details[data-opened-by-keyboard] [data-testid='stDataFrame']").wait_for(
        state="visible", timeout=30_000
    )
    screenshot(page, "keyboard-chart-table")

    # As an officer: Upload data, choose a file with the upload button, check it and load it.
    tab_to(page, lambda f: f["inNav"] and "Upload data" in f["text"], "the Upload data link", limit=400)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Upload data").first.wait_for(timeout=60_000)
    wait_for_app(page)
    upload = tmp_path / "keyboard-upload.csv"
    upload.write_text("period,provision,primary_need,pupils\n2022/23,SEN support,SLCN,1300\n2022/23,EHC plan,ASD,600\n")
    on_upload_button = lambda f: f is not None and f["tag"] == "BUTTON" and f["inUploader"]  # noqa: E731
    tab_to(page, on_upload_button, "the file upload button")
    chooser = None
    for _ in range(3):  # a press that lands while the page is still settling opens nothing: press again
        wait_for_app(page)
        if not on_upload_button(_focus(page)):  # a rerun moved the focus: as a person would, Tab back to it
            tab_to(page, on_upload_button, "the file upload button again")
        try:
            with page.expect_file_chooser(timeout=10_000) as opened:
                page.keyboard.press("Enter")
            chooser = opened.value
            break
        except PlaywrightTimeoutError:
            continue
    assert chooser is not None, "Enter on the upload button never opened the file chooser"
    chooser.set_files(str(upload))
    page.get_by_text("keyboard-upload.csv").first.wait_for(timeout=30_000)
    wait_for_app(page)
    # The file's name shows as soon as it is chosen, but the server has it only after the upload's own rerun: a
    # press that lands before then is answered "Choose a file first." (seen under load), and a person presses again.
    preview, too_soon = (
        page.get_by_text("Check before loading: keyboard-upload.csv"),
        page.get_by_text("Choose a file first."),
    )
    for _ in range(3):
        tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Check the file", "Check the file")
        page.keyboard.press("Enter")
        preview.or_(too_soon).first.wait_for(timeout=60_000)
        wait_for_app(page)
        if preview.count():
            break
    preview.wait_for(timeout=1_000)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Load this file", "Load this file")
    page.keyboard.press("Enter")
    page.get_by_text("Loaded keyboard-upload.csv as load").wait_for(timeout=60_000)
    screenshot(page, "keyboard-upload-loaded")
    page.close()
