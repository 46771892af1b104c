"""The Upload page in AppTest: check a file, see the preview, confirm, see it in the history, undo it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.config import Config
from sendlib.ingest import load_census
from sendlib.publish import SITE_PAGES
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, census_snapshot, copy_store
from tests.hostile_files import OVER_ONE_MB, sunderland_rows

GOOD = b"period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1500\n2024/25,EHCP,ASD,700\n"
BAD = b"period,provision,primary_need,pupils\n202425,SEN suport,SLCN,15\n"


@pytest.fixture
def db(built_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the session's demo store (census loads 1 and 2, DfE's EHC plan release 3, engagement 4) with an
    officer's account."""
    path = copy_store(built_demo, tmp_path / "upload.duckdb")
    store = Store.open(path)
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
    assert "Loaded new.csv as load 5" in at.success[0].value
    history = at.dataframe[0].value
    assert history.iloc[0]["File"] == "new.csv" and history.iloc[0]["Outcome"] == "loaded"
    assert history.iloc[0]["Who"] == "jo.officer@example.invalid"  # recorded against the signed-in user

    assert at.selectbox(key="undo_choice").value == 5  # the Undo box offers the load just made, unasked
    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "Undid load 5" in at.success[0].value
    assert 5 not in at.selectbox(key="undo_choice").options and not at.checkbox(key="undo_sure").value


def test_a_bad_file_lists_its_problems_and_writes_nothing(db: Path) -> None:
    before = snapshot(db)
    at = open_upload_page()
    at.file_uploader[0].set_value(("bad.csv", BAD, "text/csv"))
    at.button(key="check_file").click().run()
    assert "bad.csv cannot be loaded" in at.error[0].value.replace("\\", "")
    assert "Did you mean 'SEN support'" in " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Load this file" not in [b.label for b in at.button]
    assert snapshot(db) == before


def test_a_file_over_the_upload_limit_is_refused_with_where_to_load_it(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page keeps upload.max_file_mb (the command line loads the same file: tests/test_cli.py)."""
    config = tmp_path / "config.yaml"
    config.write_text("upload:\n  max_file_mb: 1\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config))
    before = snapshot(db)
    at = open_upload_page()
    at.file_uploader[0].set_value(("big.csv", OVER_ONE_MB, "text/csv"))
    at.button(key="check_file").click().run()
    assert not at.exception
    assert "big.csv cannot be loaded" in at.error[0].value.replace("\\", "")
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "big.csv is 2.0 MB, over the 1 MB limit for files uploaded through this page" in shown
    assert "The command line loads a file of any size: python -m sendlib ingest census FILE" in shown
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
    assert "Loaded example.csv as load 5: 2 engagement activities." in at.success[0].value.replace("\\", "")
    history = at.dataframe[0].value
    assert history.iloc[0]["Kind"] == "engagement" and history.iloc[0]["Outcome"] == "loaded"
    store = Store.open(db)
    try:
        assert store.query_value("SELECT count(*) FROM engagement_current WHERE load_id = 5") == 2
        stored = " ".join(str(v) for row in store.query_rows("SELECT * FROM engagement_participants") for v in row)
        assert "YC-01" not in stored and "yc-01" not in stored  # only the keyed hash is kept
    finally:
        store.close()

    at.selectbox(key="undo_choice").set_value(5)
    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "its engagement records no longer count anywhere" in at.success[0].value
    store = Store.open(db)
    try:
        assert store.query_value("SELECT count(*) FROM engagement_current WHERE load_id = 5") == 0
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
    assert "Loaded new.csv as load 6" in at.success[0].value


def changed_timeliness() -> bytes:
    """Sunderland's rows of DfE's timeliness_20_week.csv as published, with 2024's 77.7% made 78.8%."""
    header, rows = sunderland_rows()
    changed = [
        r.replace(",77.7,", ",78.8,") if r.startswith("2024,") and ",All EHC plans issued," in r else r for r in rows
    ]
    return ("\n".join([header, *changed]) + "\n").encode("utf-8")


def ehcp_figure(db: Path) -> float:
    store = Store.open(db)
    try:
        return float(
            store.query_value(
                """SELECT value FROM ehcp_current WHERE dataset = 'timeliness_20_week' AND period = '2024'
                   AND area_key = '394' AND breakdown = 'All EHC plans issued'
                   AND measure = 'pc_plans_issued_within_20_weeks'"""
            )
        )
    finally:
        store.close()


def test_a_file_of_dfes_ehc_plan_release_is_checked_previewed_loaded_and_undone(db: Path) -> None:
    at = open_upload_page()
    at.radio(key="upload_kind").set_value("ehcp").run()
    at.file_uploader[0].set_value(("timeliness_20_week.csv", changed_timeliness(), "text/csv"))
    at.button(key="check_ehcp").click().run()
    assert not at.exception
    assert next(s.value for s in at.subheader).replace("\\", "") == "Check before loading: timeliness_20_week.csv"
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "timeliness_20_week 2024: replaces what is loaded: 1 figure changed, 0 new, 0 no longer given." in shown
    changed = at.dataframe[1].value  # the figures that change, after the table per period
    assert changed[["Measure", "Before", "After"]].values.tolist() == [
        ["pc_plans_issued_within_20_weeks", "77.7", "78.8"]
    ]
    assert ehcp_figure(db) == 77.7  # nothing written by the check

    at.button(key="confirm_ehcp").click().run()
    assert not at.exception
    assert "Loaded timeliness_20_week.csv as load 5" in at.success[0].value.replace("\\", "")
    assert ehcp_figure(db) == 78.8
    history = at.dataframe[0].value
    assert history.iloc[0][["Kind", "File", "Outcome"]].tolist() == ["ehcp", "timeliness_20_week.csv", "loaded"]

    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "the EHC plan figures as they were before that load are back in force" in at.success[0].value
    assert ehcp_figure(db) == 77.7


def test_a_census_upload_that_is_dfes_ehc_plan_data_is_recognised_and_checked_as_such(db: Path) -> None:
    header, rows = sunderland_rows("data/caseload.csv")
    at = open_upload_page()
    at.file_uploader[0].set_value(("caseload.csv", ("\n".join([header, *rows]) + "\n").encode(), "text/csv"))
    at.button(key="check_file").click().run()
    assert not at.exception and not at.error
    assert "This is DfE's EHC plan data (caseload.csv), not a census file" in at.info[0].value.replace("\\", "")
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "caseload 2024/25: the same figures as loaded now." in shown  # Sunderland's rows, loaded with the demo
    assert "Load this file" in [b.label for b in at.button]


def test_officers_publish_the_public_site_from_the_upload_page(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No publish.folder: the site is offered as a zip. With one: Publish now writes it there, and the page says
    when it was last published (from the status file beside the folder)."""
    at = open_upload_page()
    assert not at.exception
    assert [button.label for button in at.get("download_button") if "zip" in button.label] == [
        "Publish: download the site (zip)"
    ]
    out = tmp_path / "public" / "site"
    settings = tmp_path / "config.yaml"
    settings.write_text(f"publish:\n  folder: {out}\n", encoding="utf-8")
    monkeypatch.setenv("SENDLIB_CONFIG", str(settings))
    at = open_upload_page()
    at.button(key="publish_now").click().run(timeout=300)
    assert not at.exception
    assert any(f"Published {len(SITE_PAGES) + 1} pages" in message.value for message in at.success)
    assert (out / "index.html").is_file() and (out / "downloads").is_dir()
    at = open_upload_page()
    assert any(message.value.startswith("Last published ") for message in at.success)
