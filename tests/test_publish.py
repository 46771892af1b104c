"""The published site (issue 21): built once for the module from a copy of the demo store (with a hostile "you
said" item), then read as files, served by ``python -m http.server`` and opened in Chromium; the republish after a
real load, a failed publish, and the command line as a real process."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sendlib import public_pages, you_said
from sendlib import publish as site
from sendlib.config import Config, PublishConfig
from sendlib.documents import Document, Link, Section
from sendlib.ingest import load_census
from sendlib.store import Store
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, run_axe
from tests.conftest import TEST_OFFICER, copy_store
from tests.fixtures import run_cli
from tests.published_site import html_pages, small_counts_in_charts, small_counts_in_tables

# The only addresses outside the site a page may link to (besides the configured feedback address): the bodies a
# public service's statements must name.
PUBLIC_BODIES = {public_pages.EASS, public_pages.ICO, public_pages.WCAG, public_pages.ABILITYNET}

pytestmark = pytest.mark.xdist_group("published_site")

CONFIG = Config(publish=PublishConfig(feedback="mailto:forum@example.invalid"))
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
FORMULA = '=HYPERLINK("http://evil.invalid","figures")'
BLOCKING = ("serious", "critical")


class _Page(HTMLParser):
    """Links, ids, SVG root attributes and table cells of one published page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.svgs: list[dict[str, str | None]] = []
        self.scripts = 0
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "svg" and values.get("class") == "main-svg":
            self.svgs.append(values)
        for name in ("href", "src"):
            if values.get(name) is not None and tag not in ("use",):
                self.links.append(str(values[name]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def published(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Store]]:
    """The demo's site, published once (a "you said" item with markup and a formula in it added first)."""
    folder = tmp_path_factory.mktemp("published")
    store = Store.open(copy_store(built_demo, folder / "demo.duckdb"))
    hostile_item(store)
    site.publish(store, CONFIG, folder / "site")
    yield folder / "site", store
    store.close()


def hostile_item(store: Store) -> None:
    """A published "you said" item whose words are markup, and whose answer is a spreadsheet formula."""
    today = date.today()
    item = you_said.add_item(
        store, TEST_OFFICER, said_on=today, said_by=you_said.SAID_BY[0], what_was_said=HOSTILE, theme="Communication"
    )
    you_said.respond(store, TEST_OFFICER, item_id=item, what_we_did=FORMULA, state="closed", published_on=today)


def test_the_site_has_every_page_and_a_download_per_table(published) -> None:
    folder, _ = published
    names = {path.name for path in html_pages(folder)}
    assert names == {"index.html", *(f"{entry.slug}.html" for entry in site.SITE_PAGES)}
    linked = set()
    for path in html_pages(folder):  # every table has its CSV download beside it, in its section
        for section in re.findall(r'<section class="view".*?</section>', path.read_text("utf-8"), flags=re.S):
            csvs = re.findall(r'href="downloads/([^"]+\.csv)"', section)
            assert len(csvs) == ("<table" in section), f"{path.name}: a table without its download, or one too many"
            linked.update(csvs)
    assert {path.name for path in (folder / "downloads").glob("*.csv")} == linked and len(linked) >= 10
    for path in html_pages(folder):
        assert "Data as at " in path.read_text(encoding="utf-8"), path.name
    assert not list(folder.parent.glob("site.new")) and not list(folder.parent.glob("site.old"))
    status = site.read_status(folder)
    assert status is not None and status.ok and f"Published {len(site.SITE_PAGES) + 1} pages" in status.message


def test_every_chart_is_an_inline_svg_named_by_its_sentence(published) -> None:
    folder, _ = published
    charts = 0
    for path in html_pages(folder):
        page = parsed(path)
        assert page.scripts == 0, f"{path.name} has a script"
        for svg in page.svgs:
            charts += 1
            assert svg.get("role") == "img" and svg.get("aria-label"), path.name
            assert svg.get("viewbox") and "width" not in svg, path.name  # scales with the page
        text = path.read_text(encoding="utf-8")
        assert text.count("<title>") == len(page.svgs) + 1  # the page's own, and one per chart
    assert charts >= 10


def test_ids_are_unique_and_every_internal_link_resolves(published) -> None:
    folder, _ = published
    for path in html_pages(folder):
        page = parsed(path)
        text = path.read_text(encoding="utf-8")
        assert len(re.findall(r'\sid="', text)) == len(page.ids), f"{path.name} repeats an id"
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("mailto",):
                assert link == "mailto:forum@example.invalid"  # the configured feedback address only
                continue
            if link in PUBLIC_BODIES:  # the accessibility statement's and privacy notice's standard addresses
                assert path.name in ("accessibility.html", "privacy.html"), f"{path.name}: {link}"
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), f"{path.name}: {link}"
            if parts.path:
                assert (path.parent / unquote(parts.path)).is_file(), f"{path.name}: {link} is missing"
            if parts.fragment:
                target = parsed(path.parent / unquote(parts.path)) if parts.path else page
                assert parts.fragment in target.ids, f"{path.name}: #{parts.fragment} is missing"


def test_stored_text_is_escaped_everywhere(published) -> None:
    folder, _ = published
    page = (folder / "you-said-we-did.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "=HYPERLINK(&#34;http://evil.invalid&#34;,&#34;figures&#34;)" in page  # shown as typed, as text
    rows = list(csv.reader(io.StringIO((folder / "downloads" / "you-said-items.csv").read_text("utf-8-sig"))))
    assert any(HOSTILE in cell for row in rows for cell in row)  # the CSV holds the words as typed
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)  # never a formula


def test_no_small_count_is_published_from_the_demo(published) -> None:
    folder, _ = published
    assert not small_counts_in_tables(folder)
    assert not small_counts_in_charts(folder)
    html = (folder / "primary-needs.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="numeric">c</td>', html)  # the hidden counts are there, as c


def test_the_small_count_readers_would_catch_one(published, tmp_path: Path) -> None:
    folder, _ = published
    copy = tmp_path / "site"
    shutil.copytree(folder, copy)
    page = copy / "primary-needs.html"
    page.write_text(page.read_text("utf-8").replace('<td class="numeric">c</td>', '<td class="numeric">3</td>', 1))
    need = copy / "downloads" / "primary-needs-need.csv"
    need.write_text(need.read_text("utf-8-sig").replace(",c,", ",2,", 1), encoding="utf-8-sig")
    found = small_counts_in_tables(copy)
    assert any("primary-needs.html" in line and "= 3" in line for line in found)
    assert any("primary-needs-need.csv" in line and "= 2" in line for line in found)


def test_a_document_page_is_drawn_by_the_one_template(published, tmp_path: Path) -> None:
    """A sendlib.documents.Document (the pages another part of the work adds) needs only a registry entry."""
    _, store = published
    document = Document(
        "accessibility",
        "Accessibility statement",
        f"How accessible this site is. {HOSTILE}",
        (
            Section("Contact us", ("Write to us.",), ("By e-mail",), (Link("E-mail the forum", "mailto:a@b.invalid"),)),
            Section("The figures", links=(Link("Primary needs", "primary-needs"),)),
        ),
        updated="Last reviewed 1 December 2026",
    )
    pages = (
        site.SitePage("primary-needs", "Primary needs", lambda *_: site.ViewsContent(())),
        site.SitePage("accessibility", document.title, lambda *_: document, in_menu=False),
    )
    site.publish(store, CONFIG, tmp_path / "site", pages=pages)
    html = (tmp_path / "site" / "accessibility.html").read_text(encoding="utf-8")
    assert "<h2>Contact us</h2>" in html and "Last reviewed 1 December 2026" in html
    assert 'href="mailto:a@b.invalid"' in html and 'href="primary-needs.html"' in html and "<script>" not in html
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    footer = index[index.index("<footer") :]
    menu = index[index.index('<nav class="menu"') : index.index("</nav>")]
    assert 'href="accessibility.html"' in footer and "accessibility.html" not in menu  # footer only
    refused = replace(document, sections=(Section("x", links=(Link("elsewhere", "nowhere"),)),))
    with pytest.raises(site.PublishError, match="not on the site"):
        site.publish(store, CONFIG, tmp_path / "other", pages=(site.SitePage("a", "A", lambda *_: refused),))


# -- served and read ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(published) -> Iterator[str]:
    """The site served by Python's own web server, in a real process, on 127.0.0.1."""
    folder, _ = published
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_hundred_readers_at_once(served, published) -> None:
    folder, _ = published
    files = [path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()]
    start = threading.Barrier(50)

    def read(number: int) -> tuple[int, int]:
        if number < 50:
            start.wait(timeout=30)  # the first fifty arrive together
        name = files[number % len(files)]
        with urllib.request.urlopen(served + name, timeout=60) as response:
            return response.status, len(response.read())

    with ThreadPoolExecutor(max_workers=50) as pool:  # bounded: fifty connections at a time, two hundred readers
        results = list(pool.map(read, range(200)))
    assert all(status == 200 for status, _ in results)
    sizes = {files[n % len(files)]: size for n, (_, size) in enumerate(results)}
    assert all(sizes[name] == (folder / name).stat().st_size for name in sizes)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_axe_finds_nothing_serious_and_nothing_scrolls_sideways(chromium, served, published, width: int) -> None:
    folder, _ = published
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    for path in html_pages(folder):
        page.goto(served + path.name)
        blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
        problems += [f"{path.name} @ {width}: {v['id']} {v['help']} {v['nodes'][:2]}" for v in blocking]
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{path.name} @ {width}: the page scrolls sideways ({scroll} px)")
    context.close()
    assert not problems, "\n".join(problems)


def test_readable_without_javascript_from_a_plain_folder(chromium, published) -> None:
    """Opened from file:// with JavaScript off: the charts are drawn (SVG with marks) and the tables are there."""
    folder, _ = published
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto((folder / "primary-needs.html").as_uri())
    assert page.locator("svg[role=img]").count() >= 3
    box = page.locator("svg[role=img]").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert page.locator("svg[role=img] .point, svg[role=img] .bars path").count() > 10  # the marks are drawn
    assert page.locator("table tbody tr").count() > 10
    page.locator("a", has_text="EHC plans").first.click()  # a relative link, from file://
    assert page.url.endswith("/ehc-plans.html") and page.locator("h1").inner_text() == "EHC plans"
    context.close()


# -- kept current ----------------------------------------------------------------------------------------------
def test_a_real_load_republishes_and_a_failed_publish_keeps_the_last_site(built_demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public" / "site"
    config = Config(publish=PublishConfig(folder=str(out)))
    store = Store.open(copy_store(built_demo, tmp_path / "demo.duckdb"))
    republisher = site.keep_current(store, config)
    try:
        assert republisher is not None and site.keep_current(store, config) is republisher
        later = tmp_path / "later.csv"
        later.write_text(
            "period,area_code,area_name,provision,primary_need,pupils\n"
            "202021,E08000024,Sunderland,SEN support,ASD,900\n202021,E08000024,Sunderland,EHC plan,ASD,600\n"
        )
        load_census(store, later, config=config, actor=TEST_OFFICER)  # the officers' load path
        assert republisher.wait(timeout=300)
        status = site.read_status(out)
        assert status is not None and status.ok, status
        assert "2020/21" in (out / "primary-needs.html").read_text(encoding="utf-8")
        assert sorted(path.name for path in out.parent.iterdir()) == [".site.lock", "site", "site.status.json"]
        before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}

        def broken(*_: object) -> site.ViewsContent:
            raise RuntimeError("a view that raises")

        with pytest.raises(site.PublishError, match="a view that raises"):
            site.publish(store, config, out, pages=(site.SitePage("broken", "Broken", broken), *site.SITE_PAGES))
        assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
        failed = site.read_status(out)
        assert failed is not None and not failed.ok and "last site is unchanged" in failed.message
        assert sorted(path.name for path in out.parent.iterdir()) == [".site.lock", "site", "site.status.json"]
    finally:
        if republisher is not None:
            republisher.close()
        store.close()


def test_a_folder_that_cannot_be_made_is_refused_plainly(published, tmp_path: Path) -> None:
    _, store = published
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(site.PublishError, match="is a file"):
        site.publish(store, CONFIG, blocker)
    with pytest.raises(site.PublishError, match="cannot be made"):
        site.publish(store, CONFIG, blocker / "site")


def test_a_hook_that_fails_never_fails_the_write(store: Store) -> None:
    calls = []

    def failing() -> None:
        calls.append(store.data_version())
        raise RuntimeError("publish broke")

    store.add_commit_hook(failing)
    hostile_item(store)  # two writes: the item, then its answer
    assert calls == ["1", "2"] and store.data_version() == "2"  # after each commit, and each write stands
    assert store.query_value("SELECT count(*) FROM we_did") == 1
    with store.transaction(counts_as_change=False) as tx:  # a write that changes no figure (a sign-in) ...
        tx.execute("SELECT 1")
    assert len(calls) == 2  # ... does not republish


# -- the command line ----------------------------------------------------------------------------------------------
def test_the_command_line_publishes_and_refuses_a_file(tmp_path: Path) -> None:
    """On an empty store (quick: no chart to draw; the pages' contents are tested above, in this process)."""
    db = tmp_path / "empty.duckdb"
    Store.open(db).close()
    out = tmp_path / "site"
    done = run_cli("publish", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    assert f"Published {len(site.SITE_PAGES) + 1} pages" in done.stdout and (out / "index.html").is_file()
    assert "Nothing has been loaded for this page yet." in (out / "primary-needs.html").read_text(encoding="utf-8")
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    refused = run_cli("publish", "--out", str(a_file), db=db)
    assert refused.returncode == 1 and "is a file, not a folder" in refused.stderr and "Traceback" not in refused.stderr
    assert a_file.read_text() == "x"


def test_a_load_from_the_command_line_republishes(tmp_path: Path) -> None:
    """With publish.folder in config.yaml, ``ingest`` republishes before it exits, and says so."""
    out = tmp_path / "public"
    settings = tmp_path / "config.yaml"
    settings.write_text(f"publish:\n  folder: {out}\n", encoding="utf-8")
    census = tmp_path / "census.csv"
    census.write_text(
        "period,area_code,area_name,provision,primary_need,pupils\n"
        "202425,E08000024,Sunderland,SEN support,ASD,900\n202425,E08000024,Sunderland,EHC plan,ASD,600\n"
    )
    done = run_cli("--config", str(settings), "ingest", "census", str(census), db=tmp_path / "s.duckdb")
    assert done.returncode == 0, done.stderr
    assert f"Published {len(site.SITE_PAGES) + 1} pages" in done.stdout and "2024/25" in (
        out / "primary-needs.html"
    ).read_text("utf-8")
