"""Backups and restores round-trip everything; bad or damaged stores are reported in one plain sentence."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sendlib.auth import OFFICER, add_user
from sendlib.backup import BackupError, backup, restore
from sendlib.config import Config
from sendlib.ingest.engagement import load_engagement
from sendlib.store import Store, StoreError
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, copy_store

BIG_TABLE_ROWS = 100_000  # over this, a table is compared by its row count and the sum of its rows' hashes


def everything(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, keyed by table; a big table (the EHC plan figures, millions of rows) as its
    row count and the sum of a hash of each whole row, worked out in DuckDB: a row lost, added or changed shows."""
    store = Store.open(path)
    try:
        tables = {}
        for name in store.table_names():
            if store.query_value(f'SELECT count(*) FROM "{name}"') > BIG_TABLE_ROWS:
                tables[name] = store.query_rows(f'SELECT count(*), sum(hash(t)) FROM "{name}" t')
            else:
                tables[name] = store.query_rows(f'SELECT * FROM "{name}" ORDER BY ALL')
        return tables
    finally:
        store.close()


@pytest.fixture
def populated(built_demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo store (DfE's EHC plan release among it) with an engagement file and an account added."""
    db = copy_store(built_demo, tmp_path / "live" / "send.duckdb")
    store = Store.open(db)
    load_engagement(
        store, PROJECT_ROOT / "data" / "templates" / "engagement-example.csv", config=Config(), actor=TEST_OFFICER
    )
    add_user(store, "jo@example.invalid", OFFICER, "a long test password", by=TEST_OFFICER)
    store.close()
    return db


def test_a_backup_restores_every_table_exactly_and_sequences_carry_on(populated: Path, tmp_path: Path) -> None:
    store = Store.open(populated)
    message = backup(store, tmp_path / "backup")
    store.close()
    assert "kept upload" in message and (tmp_path / "backup" / "database" / "census.parquet").exists()
    assert (tmp_path / "backup" / "uploads").exists()  # the raw census files kept at load time
    target = tmp_path / "elsewhere" / "send.duckdb"
    restore(tmp_path / "backup", target)
    assert everything(target) == everything(populated)
    assert (target.parent / "uploads").exists()
    restored = Store.open(target)
    try:  # a new id after a restore does not collide with a restored one
        from sendlib.stakeholders import add_group

        new_id = add_group(
            restored, TEST_OFFICER, name="A new group", description="", kind="other", engagement="engage"
        )
        assert new_id > max(
            r[0] for r in restored.query_rows("SELECT group_id FROM stakeholder_groups WHERE group_id <> ?", [new_id])
        )
    finally:
        restored.close()


def test_restore_refuses_to_replace_data_without_force_and_keeps_the_old_file(populated: Path, tmp_path: Path) -> None:
    store = Store.open(populated)
    backup(store, tmp_path / "backup")
    store.close()
    other = tmp_path / "other" / "send.duckdb"
    occupied = Store.open(other)
    add_user(occupied, "someone@example.invalid", OFFICER, "a long test password", by=TEST_OFFICER)
    occupied.close()
    before = everything(other)
    with pytest.raises(
        BackupError, match=re.escape("already holds data; restoring would replace it. Run again with --force")
    ):
        restore(tmp_path / "backup", other)
    assert everything(other) == before
    message = restore(tmp_path / "backup", other, force=True)
    assert "is kept as send.duckdb.before-restore-" in message
    assert everything(other) == everything(populated)
    kept = next(other.parent.glob("send.duckdb.before-restore-*"))
    assert everything(kept) == before
    with pytest.raises(BackupError, match="not a backup made by"):
        restore(tmp_path, tmp_path / "x.duckdb")
    with pytest.raises(BackupError, match="is not empty"):
        backup(Store.open(tmp_path / "y.duckdb"), tmp_path / "backup")


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        env=os.environ,
    )


def test_backup_and_restore_from_the_command_line(populated: Path, tmp_path: Path) -> None:
    made = run_cli("backup", "--out", str(tmp_path / "b"), db=populated)
    assert made.returncode == 0 and "Backed up" in made.stdout
    refused = run_cli("restore", str(tmp_path / "b"), db=populated)
    assert refused.returncode == 1 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced = run_cli("restore", str(tmp_path / "b"), "--force", db=populated)
    assert forced.returncode == 0 and "Restored" in forced.stdout


def test_a_damaged_store_is_reported_in_one_sentence(tmp_path: Path) -> None:
    damaged = tmp_path / "send.duckdb"
    damaged.write_bytes(os.urandom(8192))
    with pytest.raises(StoreError, match="is damaged or is not a DuckDB file; restore it from a backup"):
        Store.open(damaged)
    shown = run_cli("history", db=damaged)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert shown.stderr.count("\n") == 1 and "restore it from a backup" in shown.stderr


def test_the_running_dashboard_backs_itself_up_when_configured(
    populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from streamlit.testing.v1 import AppTest

    config = tmp_path / "backups.yaml"
    config.write_text(f"store:\n  backup_folder: {tmp_path / 'nightly'}\n  backup_every_hours: 24\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config))
    monkeypatch.setenv("SENDLIB_DB", str(populated))
    AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    deadline = time.monotonic() + 60
    while not list((tmp_path / "nightly").glob("send-*/manifest.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    made = next((tmp_path / "nightly").glob("send-*"))
    restore(made, tmp_path / "check" / "send.duckdb")
    assert everything(tmp_path / "check" / "send.duckdb")["census"] == everything_while_open(populated)


def everything_while_open(path: Path) -> list[tuple]:
    """The census rows of a store the app in this process still holds (read through its own connection)."""
    import ui

    return ui.get_store().query_rows('SELECT * FROM "census" ORDER BY ALL')


def test_a_missing_store_is_named_not_silently_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "send.duckdb"
    shown = run_cli("history", db=missing)
    assert shown.returncode == 1 and "there is no data store at" in shown.stderr and "make run" in shown.stderr
    assert not missing.exists() and "Traceback" not in shown.stderr


def test_the_app_names_a_damaged_store_in_one_sentence_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(os.urandom(8192))
    monkeypatch.setenv("SENDLIB_DB", str(damaged))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "is damaged or is not a DuckDB file; restore it from a backup" in at.error[0].value


def as_if_from_a_newer_duckdb(path: Path) -> None:
    """Give the store file ``path`` a storage version no DuckDB reads yet, as a newer DuckDB would write it: the
    header block's version number (bytes 12-19), and its checksum (bytes 0-7: DuckDB's, over bytes 8-4095)."""
    import struct

    data = bytearray(path.read_bytes())
    data[12:20] = struct.pack("<Q", 100_000)
    checksum = 5381
    for (word,) in struct.iter_unpack("<Q", bytes(data[8:4096])):
        checksum ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFF_FFFF_FFFF_FFFF
    data[0:8] = struct.pack("<Q", checksum)
    path.write_bytes(bytes(data))


def test_a_store_from_a_newer_duckdb_says_what_to_do(tmp_path: Path) -> None:
    from sendlib.store import StoreVersionError

    newer = tmp_path / "send.duckdb"
    Store.open(newer).close()
    as_if_from_a_newer_duckdb(newer)
    with pytest.raises(StoreVersionError) as refused:
        Store.open(newer)
    message = str(refused.value)
    assert message.startswith(f"The data store {newer} was written by a newer DuckDB version")
    assert "install the pinned requirements (make run) or restore a backup" in message
