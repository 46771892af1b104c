"""Every chart's text inside the chart, measured in Chromium: the images people take away (the PNG/SVG downloads
and the pack's figures, made by Kaleido as the app makes them) and the live charts at a desktop, a projector in
presentation mode and a 390 px phone. One browser for the module; one page loads every SVG in turn.

The exports are made with Streamlit's Plotly template as the process default, as in the running app (importing
Streamlit's chart element installs it): a figure that leant on the default template lost its axis margins there
and every export cut the names on its left axis.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import plotly.io as pio
import pytest
from playwright.sync_api import Browser, Page

from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.charts import with_note
from sendlib.config import Config
from sendlib.export import figure_to_image
from sendlib.store import Store
from sendlib.views import PAGES, Audience, Filters
from tests.browser import PASSWORD, wait_for_app, wait_for_session_cookie
from tests.conftest import copy_store

DOWNLOAD_WIDTH = 1400  # ui.charts.download_row's width
PACK_SIZE = (1600, 900)  # sendlib.pack's IMAGE_WIDTH, IMAGE_HEIGHT: every figure squeezed to one slide

# For each <svg> (all of them, or those inside `root`): its text elements whose box leaves the svg's own box,
# as [text, its layer, how far out left, top, right, bottom] (positive: outside). Empty and hidden text skipped.
OUTSIDE = """(root) => {
  const scope = root ? document.querySelectorAll(root) : [document];
  const found = [];
  for (const holder of scope) {
    for (const svg of holder.querySelectorAll(root ? 'svg.main-svg' : 'svg')) {
      const box = svg.getBoundingClientRect();
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim() || getComputedStyle(t).visibility === 'hidden') continue;
        const r = t.getBoundingClientRect();
        if (!r.width && !r.height) continue;
        const out = [box.left - r.left, box.top - r.top, r.right - box.right, r.bottom - box.bottom];
        const layer = (t.closest('g[class]') || t).getAttribute('class');
        if (out.some(d => d > 1)) found.push([t.textContent.slice(0, 50), layer, ...out.map(Math.round)]);
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def chart_store(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The demo store, for this module's exports."""
    opened = Store.open(copy_store(built_demo, tmp_path_factory.mktemp("chart-fit") / "demo.duckdb"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def streamlit_default_template() -> Iterator[None]:
    """Streamlit's Plotly template as the process default, as in the app (restored afterwards)."""
    before = pio.templates.default
    import streamlit.elements.plotly_chart  # noqa: F401 - importing it installs the template, as the app does

    assert pio.templates.default == "streamlit"
    yield
    pio.templates.default = before


def _exports(store: Store) -> dict[str, str]:
    """Every registered view's figure as each audience downloads it (SVG, the note written in), and as the pack
    draws it for the officer; identical figures (officer and commissioner see the same) made once."""
    config = Config()
    made: dict[str, str] = {}
    seen: set[tuple[str, int, int]] = set()  # (the figure as JSON, width, height)
    for role in (OFFICER, COMMISSIONER, FORUM):
        audience = Audience.of(role, config)
        for entry in PAGES:
            for spec in entry.visible_views(audience):
                view = spec.build(store, config, Filters(), audience)
                if view is None or view.figure is None:
                    continue
                figure = with_note(view.figure, view.suppression_note)
                sizes = [(DOWNLOAD_WIDTH, 0)] + ([PACK_SIZE] if role == OFFICER and spec.in_pack else [])
                for width, height in sizes:
                    made_as = (json.dumps(figure.to_plotly_json(), sort_keys=True, default=str), width, height)
                    if made_as in seen:
                        continue
                    seen.add(made_as)
                    svg = figure_to_image(figure, fmt="svg", width=width, height=height or None)
                    made[f"{spec.key} as {role} at {width}x{height or 'own height'}"] = svg.decode("utf-8")
    return made


def test_every_exported_chart_keeps_its_text_inside_the_image(
    chart_store: Store, streamlit_default_template: None, browser: Browser
) -> None:
    exports = _exports(chart_store)
    assert len(exports) >= 30  # every chart view of the three audiences, and the pack's sizes
    page = browser.new_page()
    outside: dict[str, list] = {}
    for name, svg in exports.items():
        page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
        count = page.evaluate("document.querySelectorAll('svg text').length")
        assert count > 5, f"{name}: the image has almost no text ({count})"
        if found := page.evaluate(OUTSIDE, None):
            outside[name] = found
    page.close()
    assert not outside, outside


# -- the benchmark against every LA (the demo holds two areas: this store holds them all) -----------------------
BENCHMARK_VIEWS = ("primary_needs.standing", "primary_needs.prevalence", "primary_needs.comparison")
PHONE_WIDTH, PROJECTOR_WIDTH = 390, 1280


def test_the_benchmark_charts_keep_their_text_inside_downloaded_on_a_phone_and_projected(
    built_all_las: Path, tmp_path: Path, streamlit_default_template: None, browser: Browser
) -> None:
    """The distribution of every LA and the comparisons with the statistical neighbours' average: as downloaded,
    as the page draws it on a 390 px phone (``for_screen``) and presented at 1280 px (``for_projector``, as
    presentation mode draws it), every text inside the image; the region-only distribution and the forum's on a
    phone."""
    from sendlib.benchmark import REGION_ONLY
    from sendlib.charts import for_screen
    from sendlib.views import view_spec
    from ui.projector import for_projector

    config = Config()
    officers, forum = Audience.of(OFFICER, config), Audience.of(FORUM, config)
    every_size = ("download", "phone", "projector")
    cases = [
        *((key, Filters(), officers, every_size) for key in BENCHMARK_VIEWS),
        ("primary_needs.standing", Filters(benchmark_scope=REGION_ONLY), officers, ("phone",)),
        ("primary_needs.standing", Filters(), forum, ("phone",)),
    ]
    store = Store.open(copy_store(built_all_las, tmp_path / "las.duckdb"))
    made: dict[str, str] = {}
    try:
        for key, filters, audience, sizes in cases:
            view = view_spec(key).build(store, config, filters, audience)
            assert view is not None and view.figure is not None, key
            shown = {
                "download": (with_note(view.figure, view.suppression_note), DOWNLOAD_WIDTH),
                "phone": (for_screen(view.figure), PHONE_WIDTH),
                "projector": (for_projector(view.figure), PROJECTOR_WIDTH),
            }
            for size in sizes:
                figure, width = shown[size]
                svg = figure_to_image(figure, fmt="svg", width=width)
                made[f"{key} ({filters.benchmark_scope or 'England'}) as {audience.role}, {size}"] = svg.decode()
    finally:
        store.close()
    page = browser.new_page()
    outside: dict[str, list] = {}
    for name, svg in made.items():
        page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
        if found := page.evaluate(OUTSIDE, None):
            outside[name] = found
        # The legend (four areas, or five lines) starts below the title: a legend measured too short runs into it.
        if overlap := page.evaluate(LEGEND_UNDER_TITLE):
            outside[f"{name}: the legend overlaps the title by"] = [overlap]
    page.close()
    assert len(made) == 11 and not outside, outside


# Pixels by which the legend's top rises above the title's bottom (0 when it does not).
LEGEND_UNDER_TITLE = """() => {
  const title = document.querySelector('svg .gtitle'), legend = document.querySelector('svg .legend');
  if (!title || !legend) return 0;
  return Math.max(0, Math.round(title.getBoundingClientRect().bottom - legend.getBoundingClientRect().top));
}"""


# -- the live charts --------------------------------------------------------------------------------------------
LIVE_PAGES = {
    FORUM: ("primary_needs", "ehc_plans", "reach_gaps", "stakeholders"),
    OFFICER: ("participation", "commitments"),
}


def _sign_in(page: Page, server_url: str, role: str) -> None:
    page.goto(server_url)
    wait_for_app(page)
    page.get_by_label("E-mail address").fill(f"{role}@example.invalid")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Role: {role}").wait_for(timeout=60_000, state="attached")
    wait_for_session_cookie(page)  # the phone below opens with it


def _open(page: Page, url_path: str) -> None:
    """Open a page through the menu, as a person moves between pages; on a phone the menu is folded away
    first."""
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']").first.click()
    page.wait_for_url(f"**/{url_path}*", timeout=60_000)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=60_000)  # the new page's first chart


def _charts_drawn(page: Page) -> int:
    """Wait until every chart on the page has drawn at its container's width; how many there are."""
    wait_for_app(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=60_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(c => {
             const svg = c.querySelector('svg.main-svg');
             return svg && Math.abs(svg.getBoundingClientRect().width - c.getBoundingClientRect().width) < 2; })""",
        timeout=60_000,
    )
    return charts.count()


# For each live chart: pairs of its texts that overlap (boxes sharing more than 2 px each way), as [text, text].
# A text's lines are one element (never paired with each other).
OVERLAPPING = """() => {
  const found = [];
  for (const svg of document.querySelectorAll("[data-testid='stPlotlyChart'] svg.main-svg")) {
    // Tick labels Plotly turned on end are left out: their boxes (upright rectangles) overlap where the
    // slanted words do not.
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()
        && getComputedStyle(t).visibility !== 'hidden' && t.getBoundingClientRect().width > 0
        && !/rotate\\((?!0[,)])/.test(t.getAttribute('transform') || ''));
    const boxes = texts.map(t => t.getBoundingClientRect());
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = boxes[i], b = boxes[j];
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 2 && y > 2) found.push([texts[i].textContent.slice(0, 40), texts[j].textContent.slice(0, 40)]);
    }
  }
  return found;
}"""


def _check(page: Page, where: str, outside: dict[str, list]) -> None:
    found = page.evaluate(OUTSIDE, "[data-testid='stPlotlyChart']")
    if found:
        outside[where] = found
    if overlapping := page.evaluate(OVERLAPPING):
        outside[f"{where}: texts overlapping"] = overlapping
    wider = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] svg.main-svg")]
                 .filter(s => s.getBoundingClientRect().right > window.innerWidth + 1).length"""
    )
    if wider:
        outside[f"{where}: charts wider than the screen"] = [wider]


@pytest.mark.parametrize("role", [FORUM, OFFICER])
def test_live_charts_keep_their_text_inside_at_desktop_projector_and_phone(
    server_url: str, browser: Browser, role: str
) -> None:
    outside: dict[str, list] = {}
    desktop = browser.new_context(viewport={"width": 1440, "height": 900})
    page = desktop.new_page()
    _sign_in(page, server_url, role)
    for url_path in LIVE_PAGES[role]:
        page.set_viewport_size({"width": 1440, "height": 900})
        _open(page, url_path)
        assert _charts_drawn(page) >= 1, url_path
        _check(page, f"{url_path} at 1440", outside)
        # The projector: presentation mode (larger text) at 1280×720; the charts follow a resize.
        page.set_viewport_size({"width": 1280, "height": 720})
        page.get_by_role("button", name="Presentation mode").click()
        page.get_by_role("button", name="Leave presentation mode").wait_for(timeout=60_000)
        _charts_drawn(page)
        _check(page, f"{url_path} presented at 1280", outside)
        page.get_by_role("button", name="Leave presentation mode").click()
        page.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=60_000)
        wait_for_app(page)
    signed_in = desktop.storage_state()  # the sign-in's session cookie
    desktop.close()
    # A phone, opened at its width (Plotly does not follow a shrinking window): a parent carer's, an officer's.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, storage_state=signed_in)
    page = phone.new_page()
    page.goto(server_url)  # signed in by the cookie, as a new tab of the same browser (no second sign-in)
    wait_for_app(page)
    page.get_by_text(f"Role: {role}").wait_for(timeout=60_000, state="attached")
    for url_path in LIVE_PAGES[role]:
        _open(page, url_path)
        assert _charts_drawn(page) >= 1, url_path
        _check(page, f"{url_path} at 390", outside)
    phone.close()
    assert not outside, outside
