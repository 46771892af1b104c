"""Screenshots of every page as every role, at a desktop (1440 px), a projector in presentation mode (1280×720) and
a phone (390×844), from a real server over a copy of the demo store, in Debian's Chromium. Written to
test-artifacts/screens/<role>-<page>-<width>.png (full page) for people to look at: `make screenshots`.

Each screenshot also reports what a person would see as a defect: sideways scrolling (the page wider than the
window) and chart text outside its chart's box."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from sendlib.auth import OFFICER, Actor, add_user  # noqa: E402
from sendlib.config import Config  # noqa: E402
from sendlib.demo import load_demo  # noqa: E402
from sendlib.store import Store  # noqa: E402
from sendlib.views import PAGES  # noqa: E402
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, running_server, wait_for_app  # noqa: E402

SIZES = {"desktop": (1440, 900), "projector": (1280, 720), "phone": (390, 844)}
ROLES = ("officer", "commissioner", "forum")
# Sideways scrolling, and chart text (SVG) that pokes outside its chart: what the eye catches on a screenshot.
DEFECTS = """() => {
    const found = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
        found.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
    for (const chart of document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg")) {
        const box = chart.getBoundingClientRect();
        for (const text of chart.parentElement.querySelectorAll('text')) {
            const r = text.getBoundingClientRect();
            if (!text.textContent.trim() || r.width === 0) continue;
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                found.push(`chart text outside its chart: "${text.textContent.trim().slice(0, 40)}"`);
        }
    }
    return found;
}"""


def sign_in(page, url: str, role: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    # The sign-in form, not any e-mail field (the Feedback page has one; it and the other public pages open signed
    # out, so they show no form).
    if page.get_by_role("textbox", name="Password").count():
        page.get_by_label("E-mail address").fill(f"{role}@example.invalid")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text(f"Role: {role}").first.wait_for(state="attached", timeout=60_000)  # a phone folds the menu
        wait_for_app(page)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", help="only these pages (their addresses, e.g. ehc_plans)")
    parser.add_argument("--roles", nargs="*", choices=ROLES, default=list(ROLES), help="only these roles")
    args = parser.parse_args()
    out = ARTIFACTS / "screens"
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "screens.duckdb"
        store = Store.open(db)
        load_demo(store, Config())
        for role in ROLES:
            add_user(store, f"{role}@example.invalid", role, PASSWORD, by=Actor("screenshots", OFFICER))
        store.close()
        with running_server(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role in args.roles:
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    for spec in (p for p in PAGES if role in p.roles and (not args.pages or p.url_path in args.pages)):
                        path = spec.url_path + ("?present=1" if size == "projector" else "")
                        sign_in(page, url, role, path)
                        page.wait_for_timeout(500)  # charts draw just after the script run ends
                        name = f"{role}-{spec.url_path or 'overview'}-{size}"
                        # The page scrolls inside Streamlit's main block, not the document: grow the window to the
                        # block's height for the picture, so it shows the whole page.
                        tall = page.evaluate("document.querySelector(\"[data-testid='stMain']\")?.scrollHeight ?? 0")
                        if size != "projector" and tall > height:
                            page.set_viewport_size({"width": width, "height": min(tall, 16_000)})
                            page.wait_for_timeout(500)
                        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                        page.set_viewport_size({"width": width, "height": height})
                        problems += [f"{name}: {defect}" for defect in page.evaluate(DEFECTS)]
                    context.close()
            browser.close()
    print(f"Screenshots in {out}")
    print("\n".join(problems) if problems else "No sideways scrolling and no chart text outside its chart.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
