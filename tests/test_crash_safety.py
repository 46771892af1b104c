"""A load or an undo killed (SIGKILL) at any moment leaves the store exactly as before or after it, unlocked."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, census_snapshot, copy_store

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from synth import write_census

KILLS = 12  # each kill lands at a random moment of a real load or undo; twelve of each cover its phases


def cli(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sendlib", "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ,
    )


def snapshot(db: Path) -> list[tuple]:
    """The census in force; opening read-write also proves no lock was left behind."""
    store = Store.open(db)
    try:
        return census_snapshot(store)
    finally:
        store.close()


def latest_load(db: Path) -> int | None:
    store = Store.open(db)
    try:
        return store.query_value(
            "SELECT max(load_id) FROM loads WHERE outcome = 'loaded' AND kind = 'census' AND file_name = 'big.csv'"
        )
    finally:
        store.close()


@pytest.fixture(scope="module")
def states(
    tmp_path_factory: pytest.TempPathFactory, built_demo: Path
) -> tuple[Path, Path, list[tuple], list[tuple], float]:
    """A demo store, a large census file, the census before and after loading it, and how long a load takes."""
    folder = tmp_path_factory.mktemp("crash")
    big = folder / "big.csv"
    write_census(big, 100_000)
    db = folder / "send.duckdb"
    copy_store(built_demo, db)
    before = snapshot(db)
    started = time.monotonic()
    assert cli(db, "ingest", "census", str(big)).wait(timeout=300) == 0
    duration = time.monotonic() - started
    after = snapshot(db)
    assert after != before
    return db, big, before, after, duration


def test_a_load_killed_at_random_moments_leaves_before_or_after(states) -> None:
    db, big, before, after, duration = states
    load_id = latest_load(db)
    assert cli(db, "undo", str(load_id)).wait(timeout=120) == 0
    assert snapshot(db) == before
    rng = random.Random(20261123)
    outcomes = []
    for _ in range(KILLS):
        process = cli(db, "ingest", "census", str(big))
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = snapshot(db)
        assert state in (before, after)
        outcomes.append("after" if state == after else "before")
        if state == after:  # put it back, so the next kill interrupts a real load again
            assert cli(db, "undo", str(latest_load(db))).wait(timeout=120) == 0
    assert "before" in outcomes  # some kills did land mid-load
    assert cli(db, "ingest", "census", str(big)).wait(timeout=300) == 0  # and the next load works
    assert snapshot(db) == after


def test_an_undo_killed_at_random_moments_leaves_before_or_after(states, tmp_path: Path) -> None:
    db, big, before, after, _ = states
    copy = tmp_path / "send.duckdb"
    shutil.copy(db, copy)
    if snapshot(copy) != after:
        assert cli(copy, "ingest", "census", str(big)).wait(timeout=300) == 0
    rng = random.Random(7)
    for _ in range(KILLS):
        load_id = latest_load(copy)
        process = cli(copy, "undo", str(load_id))
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = snapshot(copy)
        assert state in (before, after)
        if state == before:  # load it again (a real load), so the next kill interrupts a real undo
            assert cli(copy, "ingest", "census", str(big)).wait(timeout=300) == 0
    assert cli(copy, "undo", str(latest_load(copy))).wait(timeout=120) == 0
    assert snapshot(copy) == before
