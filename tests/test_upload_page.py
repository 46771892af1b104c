"""The Upload page in AppTest: check a file, see the preview, confirm, see it in the history, undo it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.ingest import load_census
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, census_snapshot

GOOD = b"period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1500\n2024/25,EHCP,ASD,700\n"
BAD = b"period,provision,primary_need,pupils\n202425,SEN suport,SLCN,15\n"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "upload.duckdb"
    store = Store.open(path)
    load_demo(store, Config())
    add_user(store, "jo.officer@example.invalid", OFFICER, "a test password", by=TEST_OFFICER)
    store.close()
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


def open_upload_page() -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["actor"] = Actor("jo.officer@example.invalid", OFFICER)
    return at.run().switch_page("pages/upload.py").run()


def snapshot(db: Path) -> list[tuple]:
    store = Store.open(db)  # same configuration as the app's own connection in this process
    try:
        return census_snapshot(store)
    finally:
        store.close()


def test_check_preview_confirm_and_undo(db: Path) -> None:
    at = open_upload_page()
    assert not at.exception
    at.file_uploader[0].set_value(("new.csv", GOOD, "text/csv"))
    at.button(key="check_file").click().run()
    assert next(s.value for s in at.subheader).replace("\\", "") == "Check before loading: new.csv"
    assert "Format:** local census template" in " ".join(m.value for m in at.markdown)
    assert "Load this file" in [b.label for b in at.button]

    at.button(key="confirm_load").click().run()
    assert not at.exception
    assert "Loaded new.csv as load 4" in at.success[0].value
    history = at.dataframe[0].value
    assert history.iloc[0]["File"] == "new.csv" and history.iloc[0]["Outcome"] == "loaded"
    assert history.iloc[0]["Who"] == "jo.officer@example.invalid"  # recorded against the signed-in user

    at.selectbox(key="undo_choice").set_value(4)
    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "Undid load 4" in at.success[0].value


def test_a_bad_file_lists_its_problems_and_writes_nothing(db: Path) -> None:
    before = snapshot(db)
    at = open_upload_page()
    at.file_uploader[0].set_value(("bad.csv", BAD, "text/csv"))
    at.button(key="check_file").click().run()
    assert "bad.csv cannot be loaded" in at.error[0].value.replace("\\", "")
    assert "Did you mean 'SEN support'" in " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Load this file" not in [b.label for b in at.button]
    assert snapshot(db) == before


def test_undo_needs_confirmation(db: Path) -> None:
    before = snapshot(db)
    at = open_upload_page()
    at.button(key="undo_button").click().run()
    assert "Tick 'Yes, undo this load' to confirm." in at.warning[0].value
    assert snapshot(db) == before


def test_an_engagement_file_is_checked_previewed_loaded_and_undone(db: Path) -> None:
    example = (PROJECT_ROOT / "data" / "templates" / "engagement-example.csv").read_bytes()
    at = open_upload_page()
    at.radio(key="upload_kind").set_value("engagement").run()
    at.file_uploader[0].set_value(("example.csv", example, "text/csv"))
    at.button(key="check_engagement").click().run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert list(preview["Reference"]) == ["SB-2026-01", "YC-2026-03"]
    assert list(preview["People"]) == [23, 3] and list(preview["Counted as"]) == ["attendances", "participant records"]

    at.button(key="confirm_engagement").click().run()
    assert "Loaded example.csv as load 4: 2 engagement activities." in at.success[0].value.replace("\\", "")
    history = at.dataframe[0].value
    assert history.iloc[0]["Kind"] == "engagement" and history.iloc[0]["Outcome"] == "loaded"
    store = Store.open(db)
    try:
        assert store.query_value("SELECT count(*) FROM engagement_current WHERE load_id = 4") == 2
        stored = " ".join(str(v) for row in store.query_rows("SELECT * FROM engagement_participants") for v in row)
        assert "YC-01" not in stored and "yc-01" not in stored  # only the keyed hash is kept
    finally:
        store.close()

    at.selectbox(key="undo_choice").set_value(4)
    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "its engagement records no longer count anywhere" in at.success[0].value
    store = Store.open(db)
    try:
        assert store.query_value("SELECT count(*) FROM engagement_current WHERE load_id = 4") == 0
    finally:
        store.close()


def test_a_malformed_engagement_file_lists_problems_by_line_and_column(db: Path) -> None:
    header = (PROJECT_ROOT / "data" / "templates" / "engagement-template.csv").read_text().strip()
    bad = (
        header + "\nX-1,2026-13-01,Survey,mezzo,both,survey,,,9,,,,,,,,,,maybe,parent carers,total,,ten,,,,,\n"
    ).encode()
    at = open_upload_page()
    at.radio(key="upload_kind").set_value("engagement").run()
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv"))
    at.button(key="check_engagement").click().run()
    assert "bad.csv cannot be loaded" in at.error[0].value.replace("\\", "")
    listed = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Line 2, column 'count': The count must be a whole number, not this value." in listed
    assert "Load this file" not in [b.label for b in at.button]


def test_a_preview_overtaken_by_another_load_says_so_and_asks_again(db: Path) -> None:
    at = open_upload_page()
    at.file_uploader[0].set_value(("new.csv", GOOD, "text/csv"))
    at.button(key="check_file").click().run()
    assert "Load this file" in [b.label for b in at.button]
    other = db.parent / "other.csv"
    other.write_bytes(GOOD.replace(b"1500", b"1600"))
    store = Store.open(db)  # another officer loads a file for the same census meanwhile
    try:
        loaded = load_census(store, other, config=Config(), actor=Actor("sam.officer@example.invalid", OFFICER))
        when = store.query_value("SELECT loaded_at FROM loads WHERE load_id = ?", [loaded.load_id])
    finally:
        store.close()
    before = snapshot(db)

    at.button(key="confirm_load").click().run()
    assert not at.exception
    assert [w.value.replace("\\", "") for w in at.warning] == [
        f"The census changed since you checked this file (another load at {when:%H:%M}). "
        "Check it again to see what it would change."
    ]
    assert not at.success and snapshot(db) == before  # nothing loaded, nothing logged
    assert "Load this file" not in [b.label for b in at.button]

    at.button(key="check_file").click().run()  # the file is still chosen: check it again, then load it
    at.button(key="confirm_load").click().run()
    assert "Loaded new.csv as load 5" in at.success[0].value
