"""No count from 1 to the threshold, and nothing worked out from one, anywhere in the published site (issue 21,
deliver 5): two worlds that differ only in counts the forum must not see publish byte-identical folders (HTML, SVG,
CSV alike: every chart's text and name, every table and download), and the adversarial stores of
tests/test_small_numbers_attacker.py publish no small count in any table, download or chart label. (The demo's
site is read the same way in tests/test_publish.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from sendlib.publish import SITE_PAGES, publish
from tests.published_site import html_pages, small_counts_in_charts, small_counts_in_tables
from tests.worlds import CONFIG, adversarial_stores, census_world, engagement_world

pytestmark = pytest.mark.xdist_group("published_small_numbers")


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("kind", ["census", "engagement"])
def test_the_site_is_the_same_whatever_the_hidden_counts(kind: str, tmp_path: Path) -> None:
    make = census_world if kind == "census" else engagement_world
    sites = []
    for world in ("A", "B"):
        store = make(tmp_path, world)
        try:
            publish(store, CONFIG, tmp_path / f"site-{world}")
        finally:
            store.close()
        sites.append(files_of(tmp_path / f"site-{world}"))
    first, second = sites
    assert first.keys() == second.keys()
    differ = sorted(name for name in first if first[name] != second[name])
    assert not differ, f"published files that change with counts the forum must not see: {differ}"
    assert len(first) > 10 and any(b'<td class="numeric">c</td>' in first[name] for name in first)


def test_the_worlds_would_tell_a_leak_apart(tmp_path: Path) -> None:
    """The harness itself: the two census worlds do differ in what the site would show without suppression."""
    from sendlib.views import Audience, Filters, view_spec

    officer = Audience("officer", 0)
    tables = []
    for world in ("A", "B"):
        store = census_world(tmp_path, world)
        try:
            view = view_spec("primary_needs.need").build(store, CONFIG, Filters(), officer)
            assert view is not None and view.table is not None
            tables.append(view.table.to_csv())
        finally:
            store.close()
    assert tables[0] != tables[1]


def test_no_adversarial_store_publishes_a_small_count(tmp_path: Path) -> None:
    found: list[str] = []
    published = 0
    for name, store in adversarial_stores(tmp_path):
        if name == "demo":  # read in tests/test_publish.py, from the session's demo store
            continue
        folder = tmp_path / f"site-{published}"
        publish(store, CONFIG, folder)
        published += 1
        assert len(html_pages(folder)) == len(SITE_PAGES) + 1  # every page and the index
        found += [f"{name}: {line}" for line in small_counts_in_tables(folder) + small_counts_in_charts(folder)]
    assert published == 4 and not found, "\n".join(found)
