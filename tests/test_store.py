from __future__ import annotations

import pytest

from sendlib.store import (
    MIGRATIONS,
    Store,
    StoreConstraintError,
    StoreDamagedError,
    StoreError,
    StoreInputError,
    StoreLockedError,
)
from tests.conftest import TEST_OFFICER, held_by_another_process


def test_new_store_has_every_migration(store: Store) -> None:
    assert store.schema_version() == MIGRATIONS[-1][0]
    tables = {row[0] for row in store.query_rows("SELECT table_name FROM information_schema.tables")}
    assert {"schema_version", "loads", "census", "census_current"} <= tables


def test_migrations_apply_once(tmp_path) -> None:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    reopened = Store.open(path)
    assert reopened.query_value("SELECT count(*) FROM schema_version") == len(MIGRATIONS)
    reopened.close()


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(StoreError), store.transaction() as tx:
        tx.execute(
            "INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, outcome) "
            "VALUES (1, 'census', now(), 'x', 'f', 0, '', 'loaded')"
        )
        tx.execute("SELECT * FROM no_such_table")
    assert store.query_value("SELECT count(*) FROM loads") == 0


def test_duckdb_errors_become_store_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="Data store error"):
        store.query_df("SELECT * FROM missing_table")


def test_data_version_changes_when_data_changes(demo_store: Store) -> None:
    before = demo_store.data_version()
    from sendlib.loads import undo_load

    undo_load(demo_store, 2, TEST_OFFICER)
    assert demo_store.data_version() != before


def test_file_held_by_another_process_gives_a_plain_message(tmp_path) -> None:
    path = tmp_path / "held.duckdb"
    with held_by_another_process(path), pytest.raises(StoreLockedError, match="in use by another program"):
        Store.open(path)


def test_duckdb_errors_become_the_store_kind_of_their_type(store: Store, tmp_path) -> None:
    with pytest.raises(StoreConstraintError, match="Data store error"), store.transaction() as tx:
        tx.execute("INSERT INTO store_secrets VALUES ('participant_key', 'again')")  # its primary key is taken
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"a,b\r\n1,2\n3,4\r5,6\r\n")  # mixed line endings: DuckDB's reader stops outright
    with pytest.raises(StoreInputError):
        store.query_rows(
            f"SELECT * FROM read_csv('{broken}', header = true, auto_detect = false, "
            "columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}, store_rejects = true)"
        )
    with pytest.raises(StoreError) as plain:
        store.query_df("SELECT * FROM missing_table")
    assert type(plain.value) is StoreError  # a duckdb error with no kind of its own is a plain StoreError


def test_a_file_that_is_not_a_duckdb_store_is_damaged(tmp_path) -> None:
    damaged = tmp_path / "notes.duckdb"
    damaged.write_bytes(b"these are somebody's notes, not a database" * 200)
    with pytest.raises(StoreDamagedError, match="is damaged or is not a DuckDB file"):
        Store.open(damaged)
