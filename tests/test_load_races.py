"""Loads at the same moment, and a preview overtaken by another load: "the same file loads once" holds under
concurrency, and a load whose preview no longer matches the store says so instead of loading."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import sendlib.store
from sendlib.config import Config
from sendlib.ingest import IngestRejected, load_census, preview_census
from sendlib.ingest.engagement import load_engagement, preview_engagement
from sendlib.loads import PreviewOutOfDate, undo_load
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER

CENSUS = "period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1500\n2024/25,EHC plan,ASD,700\n"
OTHER_CENSUS = "period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1600\n2024/25,EHC plan,ASD,710\n"
ENGAGEMENT = PROJECT_ROOT / "data" / "templates" / "engagement-example.csv"


class CountingLock:
    """The store's write lock, counting the threads waiting for it, so a test can hold it until every thread
    has got as far as the lock: the moment two officers confirm at once, made certain rather than likely."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._changed = threading.Condition()
        self.waiting = 0

    def __enter__(self) -> CountingLock:
        with self._changed:
            self.waiting += 1
            self._changed.notify_all()
        self._lock.acquire()
        with self._changed:
            self.waiting -= 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def wait_for(self, waiting: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.waiting >= waiting, timeout=60)


@pytest.fixture
def counting_lock(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingLock]:
    lock = CountingLock(sendlib.store._WRITE_LOCK)
    monkeypatch.setattr(sendlib.store, "_WRITE_LOCK", lock)
    yield lock


def at_once(lock: CountingLock, *loads: Callable[[], object]) -> list[object]:
    """Run every load in its own thread, all let through the write lock only once each is waiting for it;
    returns each one's result (or the exception it raised)."""
    results: list[object] = [None] * len(loads)

    def run(index: int, load: Callable[[], object]) -> None:
        try:
            results[index] = load()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each load ended with
            results[index] = exc

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(loads)]
    with lock:  # nobody writes until every load has got as far as the write
        for thread in threads:
            thread.start()
        lock.wait_for(len(threads))
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_identical_census_loads_at_once_load_once(
    store: Store, config: Config, counting_lock: CountingLock, write_csv: Callable[..., Path]
) -> None:
    first, second = write_csv("a.csv", CENSUS), write_csv("b.csv", CENSUS)  # two uploads of the same bytes
    results = at_once(
        counting_lock,
        lambda: load_census(store, first, config=config, actor=TEST_OFFICER),
        lambda: load_census(store, second, config=config, actor=TEST_OFFICER),
    )
    assert store.query_rows("SELECT load_id FROM loads WHERE outcome = 'loaded'") == [(1,)]
    assert sorted(r.already_loaded for r in results) == [False, True]
    again = next(r for r in results if r.already_loaded)
    assert again.load_id == 1 and again.summary().endswith("was already loaded (load 1); nothing changed.")
    assert store.query_value("SELECT count(*) FROM census") == 2


def test_two_identical_engagement_loads_at_once_load_once(
    store: Store, config: Config, counting_lock: CountingLock
) -> None:
    results = at_once(
        counting_lock,
        lambda: load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER),
        lambda: load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert store.query_rows("SELECT load_id FROM loads WHERE outcome = 'loaded'") == [(1,)]
    assert sorted(r.already_loaded for r in results) == [False, True]
    assert next(r for r in results if r.already_loaded).load_id == 1
    assert store.query_value("SELECT count(*) FROM engagement_activities") == 2


def test_an_engagement_file_loaded_while_another_copy_is_being_checked_is_already_loaded(
    store: Store, config: Config, counting_lock: CountingLock
) -> None:
    """The second officer's load has read the file and waits to check its references against the store; the
    first officer's load of the same file commits in between (the test thread holds the write lock, which is
    re-entrant, and loads it). The second is told it is already loaded, not that its references clash."""
    results: list[object] = []

    def second() -> None:
        try:
            results.append(load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER))
        except Exception as exc:  # noqa: BLE001 - the test looks at what the load ended with
            results.append(exc)

    thread = threading.Thread(target=second)
    with counting_lock:
        thread.start()
        counting_lock.wait_for(1)
        first = load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER)
    thread.join(timeout=120)
    assert first.load_id == 1 and not first.already_loaded
    assert len(results) == 1 and not isinstance(results[0], Exception), results
    assert results[0].already_loaded and results[0].load_id == 1
    assert store.query_rows("SELECT load_id, outcome FROM loads") == [(1, "loaded")]


def test_a_census_preview_overtaken_by_another_load_asks_again(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    mine, theirs = write_csv("mine.csv", CENSUS), write_csv("theirs.csv", OTHER_CENSUS)
    preview = preview_census(store, mine, config=config)
    loaded = load_census(store, theirs, config=config, actor=TEST_OFFICER)  # another officer, meanwhile
    with pytest.raises(PreviewOutOfDate) as stale:
        load_census(store, mine, config=config, actor=TEST_OFFICER, checked_version=preview.checked_version)
    when = store.query_value("SELECT loaded_at FROM loads WHERE load_id = ?", [loaded.load_id])
    assert str(stale.value) == (
        f"The census changed since you checked this file (another load at {when:%H:%M}). "
        "Check it again to see what it would change."
    )
    assert store.query_rows("SELECT load_id, outcome FROM loads") == [(1, "loaded")]  # nothing written or logged
    # checked again, it loads; an undo since the check is a change too
    again = preview_census(store, mine, config=config)
    report = load_census(store, mine, config=config, actor=TEST_OFFICER, checked_version=again.checked_version)
    assert not report.already_loaded and report.load_id == 2
    third = write_csv("third.csv", CENSUS.replace("1500", "1550"))
    checked = preview_census(store, third, config=config)
    undo_load(store, 2, TEST_OFFICER)
    with pytest.raises(
        PreviewOutOfDate,
        match=r"^The census changed since you checked this file "
        r"\(load 2 was undone at \d\d:\d\d\)\. Check it again",
    ):
        load_census(store, third, config=config, actor=TEST_OFFICER, checked_version=checked.checked_version)


def test_a_preview_still_matching_loads_whatever_else_changed(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    mine = write_csv("mine.csv", CENSUS)
    preview = preview_census(store, mine, config=config)
    with pytest.raises(IngestRejected):  # a rejected attempt changes no census: the preview still holds
        load_census(store, write_csv("bad.csv", "a,b\n1,2\n"), config=config, actor=TEST_OFFICER)
    load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER)  # nor does an engagement load
    report = load_census(store, mine, config=config, actor=TEST_OFFICER, checked_version=preview.checked_version)
    assert report.load_id == 3 and not report.already_loaded


def test_an_engagement_preview_overtaken_by_another_load_asks_again(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    other = write_csv("other.csv", re.sub(r"SB-2026-01|YC-2026-03", lambda m: m[0] + "-B", ENGAGEMENT.read_text()))
    preview = preview_engagement(store, ENGAGEMENT, config=config)
    load_engagement(store, other, config=config, actor=TEST_OFFICER)
    with pytest.raises(
        PreviewOutOfDate,
        match=r"^The engagement activities changed since you checked this file "
        r"\(another load at \d\d:\d\d\)\. Check it again",
    ):
        load_engagement(store, ENGAGEMENT, config=config, actor=TEST_OFFICER, checked_version=preview.checked_version)
    assert store.query_value("SELECT count(*) FROM loads") == 1
