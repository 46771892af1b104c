"""Personal data: an upload's bytes never outlive a crash outside the store's private folder, a file carrying
personal columns is refused, the kept copy holds only the columns the product uses, and a kept file never
exists without the load that kept it (issue 17, requirements 7, 8 and 9)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.backup import backup
from sendlib.config import Config
from sendlib.ingest import IngestRejected, load_census, preview_census
from sendlib.ingest.census import uploaded_file
from sendlib.store import Store, work_dir_for
from tests.conftest import FIXTURES, PROJECT_ROOT, TEST_OFFICER, census_snapshot

MARKER = b"ZQXMARKER"
TEMPLATE_ROWS = (
    "2024/25,SEN support,ASD,1012\n2024/25,SEN support,SLCN,1402\n"
    "2024/25,EHC plan,ASD,1110\n2024/25,EHC plan,SLCN,301\n"
)
PUPIL_EXTRACT = FIXTURES / "census" / "pupil_extract_fake.csv"


def template_with(extra: dict[str, str]) -> str:
    """A small valid local template with ``extra`` columns (header → the value on every row)."""
    header = ",".join(["period", "provision", "primary_need", "pupils", *extra])
    values = "".join(f",{value}" for value in extra.values())
    return header + "\n" + "".join(line + values + "\n" for line in TEMPLATE_ROWS.splitlines())


def cp1252_upload(rows: int = 4) -> bytes:
    """A Windows-1252 template (so the load path makes a UTF-8 copy too) with MARKER in a notes column."""
    lines = TEMPLATE_ROWS.splitlines()
    body = "".join(
        f"{lines[i % 4].replace('2024/25', f'{2000 + i // 4}/{(1 + i // 4) % 100:02d}')},Réunion {MARKER.decode()}\n"
        for i in range(rows)
    )
    return ("period,provision,primary_need,pupils,notes\n" + body).encode("cp1252")


def files_holding(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=os.environ,
        timeout=120,
    )


# -- 7. an upload's bytes, and a crash mid-check or mid-load ----------------------------------------
# The Upload page's own way in (uploaded_file, then preview_census or load_census), stopped at a step of
# the progress it reports until the test kills it: the page's server process crashing mid-check.
HANG_AT_A_STEP = r"""
import sys, time
from pathlib import Path
from sendlib.config import Config
from sendlib.ingest import load_census, preview_census
from sendlib.ingest.census import uploaded_file
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

db, upload, action, step = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
store = Store.open(db)

def hang(fraction, text):
    if text == step:
        print("hanging", flush=True)
        time.sleep(600)

with uploaded_file(store, upload.read_bytes(), "upload.csv") as path:
    if action == "check":
        preview_census(store, path, config=Config(), file_name="upload.csv", progress=hang)
    else:
        load_census(store, path, config=Config(), actor=TEST_OFFICER, file_name="upload.csv", progress=hang)
"""


@pytest.mark.parametrize(("action", "step"), [("check", "Reading the file"), ("load", "Writing")])
def test_a_crash_mid_check_or_mid_load_leaves_the_upload_only_in_the_private_folder_which_the_next_open_wipes(
    action: str, step: str, tmp_path: Path
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    db = tmp_path / "store" / "send.duckdb"
    Store.open(db).close()
    upload = tmp_path / "officer" / "upload.csv"
    upload.parent.mkdir()
    upload.write_bytes(cp1252_upload())
    child = subprocess.Popen(
        [sys.executable, "-c", HANG_AT_A_STEP, str(db), str(upload), action, step],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(system_temp)},
    )
    try:
        assert child.stdout.readline().strip() == "hanging"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert files_holding(system_temp, MARKER) == []  # nothing of the upload in the system's temp folder
    work = work_dir_for(db)
    left = files_holding(work, MARKER)
    assert len(left) == 2  # the page's copy of the bytes and the UTF-8 copy DuckDB reads: both in the folder
    assert mode(work) == 0o700 and all(mode(path) == 0o600 for path in left)
    assert not (db.parent / "uploads").exists() or list((db.parent / "uploads").iterdir()) == []
    store = Store.open(db)  # start-up wipes the private folder
    try:
        assert list(work.iterdir()) == [] and mode(work) == 0o700
        assert store.query_value("SELECT count(*) FROM census") == 0
    finally:
        store.close()
    assert files_holding(tmp_path / "store", MARKER) == []


def test_a_check_and_a_load_through_the_page_helper_leave_nothing_anywhere(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    data = cp1252_upload()
    with uploaded_file(store, data, "upload.csv") as path:
        assert path.parent == store.work_dir and mode(path) == 0o600
        preview_census(store, path, config=Config(), file_name="upload.csv")
    with uploaded_file(store, data, "upload.csv") as path:
        load_census(store, path, config=Config(), actor=TEST_OFFICER, file_name="upload.csv")
    assert list(system_temp.iterdir()) == []
    assert list(store.work_dir.iterdir()) == []
    kept = list((tmp_path / "uploads").iterdir())
    assert [p.name for p in kept] == [f"{hashlib.sha256(data).hexdigest()}.csv"] and mode(kept[0]) == 0o600


def test_opening_a_store_wipes_its_private_folder(tmp_path: Path) -> None:
    db = tmp_path / "send.duckdb"
    Store.open(db).close()
    work = work_dir_for(db)
    (work / "left-by-a-crash.csv").write_bytes(MARKER)
    (work / "a-folder").mkdir()
    (work / "a-folder" / "inside.csv").write_bytes(MARKER)
    read_only = Store.open(db, read_only=True)  # a reader (another process may be writing) leaves it alone
    read_only.close()
    assert len(files_holding(work, MARKER)) == 2
    store = Store.open(db)
    try:
        assert store.work_dir == work and list(work.iterdir()) == [] and mode(work) == 0o700
        # what DuckDB spills to disk (a pupil extract's rows among it) goes there too
        assert Path(store.query_value("SELECT current_setting('temp_directory')")).parent == work
    finally:
        store.close()


# -- 8. personal columns refused; the kept copy holds only the recognised columns ------------------
PERSONAL = [
    pytest.param({"child_name": "Testperson", "date_of_birth": "01/09/2015"}, id="child_name-date_of_birth"),
    pytest.param({"First Name": "A", "Surname": "B"}, id="first-name-surname"),
    pytest.param({"forename": "A"}, id="forename"),
    pytest.param({"DOB": "01/09/2015"}, id="dob"),
    pytest.param({"UPN": "Z999000000001"}, id="upn"),
    pytest.param({"PupilULN": "1234567890"}, id="uln-camel-case"),
    pytest.param({"Post code": "SR1 1AA"}, id="postcode"),
    pytest.param({"home_address": "1 High Street"}, id="address"),
    pytest.param({"NHS number": "9434765919"}, id="nhs-number"),
    pytest.param({"parent_email": "a@example.invalid"}, id="email"),
    pytest.param({"Phone": "0191 000 0000"}, id="phone"),
    pytest.param({"child": "A"}, id="child"),
    pytest.param({"name": "A"}, id="name"),
    pytest.param({"Parent Name": "A"}, id="parent-name"),
]


@pytest.mark.parametrize("extra", PERSONAL)
def test_a_census_file_with_personal_columns_is_refused_and_nothing_kept(
    extra: dict[str, str], store: Store, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_csv("census.csv", template_with({"notes": "fine", **extra}))
    with pytest.raises(IngestRejected) as caught:
        load_census(store, path, config=Config(), actor=TEST_OFFICER)
    message = caught.value.describe()
    assert all(f"'{column}'" in message for column in extra) and "'notes'" not in message
    assert "personal data" in message and "remove" in message.lower() and "pupil-level" in message
    assert all(value not in message for value in extra.values())  # the header is named, no value is echoed
    with pytest.raises(IngestRejected, match="personal data"):
        preview_census(store, path, config=Config())
    assert census_snapshot(store) == []
    assert store.query_rows("SELECT outcome FROM loads") == [("rejected",)]
    assert not (tmp_path / "uploads").exists()


@pytest.mark.parametrize("column", ["notes", "region_name", "school_name", "groupname", "school_postcode", "source"])
def test_other_extra_columns_load_with_a_warning_and_are_left_out_of_the_kept_copy(
    column: str, store: Store, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    text = template_with({column: f"Réunion {MARKER.decode()}", "pupils_percent": "12.5"})
    path = write_csv("census.csv", text)
    report = load_census(store, path, config=Config(), actor=TEST_OFFICER)
    assert report.rows_stored == 4 and any(column in warning for warning in report.warnings)
    kept = tmp_path / "uploads" / f"{hashlib.sha256(text.encode()).hexdigest()}.csv"
    assert kept.read_text(encoding="utf-8") == "period,provision,primary_need,pupils\n" + TEMPLATE_ROWS
    assert mode(kept) == 0o600


def test_a_pupil_extract_with_names_and_dates_of_birth_loads_and_is_never_kept(tmp_path: Path) -> None:
    db = tmp_path / "send.duckdb"
    result = run_cli(db, "ingest", "census", str(PUPIL_EXTRACT), "--period", "202425")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "uploads").exists()
    assert files_holding(tmp_path, b"Testperson") == []


def test_the_command_line_refuses_personal_columns_plainly(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    db = tmp_path / "store" / "send.duckdb"
    path = write_csv("with-names.csv", template_with({"child_name": "Testperson", "date_of_birth": "01/09/2015"}))
    result = run_cli(db, "ingest", "census", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'child_name'" in result.stderr and "'date_of_birth'" in result.stderr
    assert "--format pupil" in result.stderr and "Testperson" not in result.stderr
    assert not (db.parent / "uploads").exists()
    assert files_holding(db.parent, b"Testperson") == []
    history = run_cli(db, "history").stdout
    assert "rejected" in history and "loaded" not in history


def test_an_ees_file_with_unused_columns_is_kept_without_them(store: Store, tmp_path: Path) -> None:
    path = FIXTURES / "census" / "ees_older_layout_201819.csv"
    load_census(store, path, config=Config(), actor=TEST_OFFICER)
    kept = tmp_path / "uploads" / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.csv"
    header, *rows = kept.read_text(encoding="utf-8").splitlines()
    assert "pupils_age_5" not in header and "pupils_boys" not in header and header.startswith("time_period,")
    assert len(rows) == len(path.read_text(encoding="utf-8").splitlines()) - 1


# -- 9. a kept file exists only with the load that kept it -----------------------------------------
# The command line, stopped (until killed) right after it has kept its copy of the file and before the
# load's transaction commits.
KEEP_THEN_HANG = r"""
import sys, time
from sendlib.ingest import census
keep = census._keep_raw_file

def keep_then_hang(*args, **kwargs):
    result = keep(*args, **kwargs)
    print("kept", flush=True)
    time.sleep(600)
    return result

census._keep_raw_file = keep_then_hang
from sendlib.cli import main
sys.exit(main(sys.argv[1:]))
"""


def kill_the_load_when(script: str, said: str, db: Path, path: Path) -> None:
    """Run a command-line census load of ``path`` through ``script`` and SIGKILL it once it prints ``said``."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, "--db", str(db), "ingest", "census", str(path)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        assert child.stdout.readline().strip() == said
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)


def test_the_command_line_killed_between_keeping_the_file_and_committing_leaves_no_kept_file(
    tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    db = tmp_path / "store" / "send.duckdb"
    Store.open(db).close()
    path = write_csv("census.csv", template_with({}))
    kill_the_load_when(KEEP_THEN_HANG, "kept", db, path)
    uploads = db.parent / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []  # the copy waits in the private folder
    store = Store.open(db)
    try:
        assert store.query_value("SELECT count(*) FROM loads") == 0
        assert list(store.work_dir.iterdir()) == []
        assert not uploads.exists() or list(uploads.iterdir()) == []
        report = load_census(store, path, config=Config(), actor=TEST_OFFICER)  # and the next load keeps it
        assert [p.name for p in uploads.iterdir()] == [f"{hashlib.sha256(path.read_bytes()).hexdigest()}.csv"]
        assert report.load_id == store.query_value("SELECT max(load_id) FROM loads")
    finally:
        store.close()


PUBLISH_THEN_HANG = r"""
import sys, time
from sendlib.ingest import census

def hang(*args, **kwargs):
    print("committed", flush=True)
    time.sleep(600)

census._publish_kept_copy = hang
from sendlib.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_kill_after_the_commit_and_before_the_kept_copy_is_in_place_is_finished_at_the_next_open(
    tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    db = tmp_path / "store" / "send.duckdb"
    Store.open(db).close()
    path = write_csv("census.csv", template_with({}))
    kill_the_load_when(PUBLISH_THEN_HANG, "committed", db, path)
    store = Store.open(db)
    try:
        assert store.query_rows("SELECT outcome FROM loads") == [("loaded",)]
        kept = db.parent / "uploads" / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.csv"
        assert kept.read_bytes() == path.read_bytes() and list(store.work_dir.iterdir()) == []
    finally:
        store.close()


def test_start_up_sweeps_temporary_leftovers_but_never_another_stores_kept_file(
    tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    db = tmp_path / "send.duckdb"
    store = Store.open(db)
    path = write_csv("census.csv", template_with({}))
    load_census(store, path, config=Config(), actor=TEST_OFFICER)
    store.close()
    uploads = tmp_path / "uploads"
    loaded = f"{hashlib.sha256(path.read_bytes()).hexdigest()}.csv"
    # A kept copy is in uploads/ only once its load committed, so a file this store has no load for is another
    # store's (a second store in the folder, or the live store while a restore rebuilds one beside it): kept.
    others = uploads / f"{'0' * 64}.csv"
    partial = uploads / f".{'1' * 64}.partial"  # a copy killed half-written by an earlier version
    others.write_bytes(MARKER)
    partial.write_bytes(MARKER)
    Store.open(tmp_path / "second.duckdb").close()
    Store.open(db).close()
    assert sorted(p.name for p in uploads.iterdir()) == sorted([loaded, others.name])


def test_a_backup_holds_only_the_kept_files_of_this_stores_loads_and_nothing_from_the_private_folder(
    store: Store, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    path = write_csv("census.csv", template_with({}))
    load_census(store, path, config=Config(), actor=TEST_OFFICER)
    (store.work_dir / "upload-being-checked.csv").write_bytes(MARKER)  # a check in progress in another session
    (tmp_path / "uploads" / f"{'2' * 64}.csv").write_bytes(MARKER)  # not a load of this store
    message = backup(store, tmp_path / "backup")
    loaded = f"{hashlib.sha256(path.read_bytes()).hexdigest()}.csv"
    assert sorted(p.name for p in (tmp_path / "backup" / "uploads").iterdir()) == [loaded]
    assert files_holding(tmp_path / "backup", MARKER) == []
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text())["uploads"] == [loaded]
    assert "1 kept upload" in message


# -- the Upload page -------------------------------------------------------------------------------
def open_upload_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SENDLIB_DB", str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["actor"] = Actor("jo.officer@example.invalid", OFFICER)
    return at.run().switch_page("pages/upload.py").run()


def test_the_upload_page_refuses_personal_columns_and_leaves_no_copy_of_any_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "send.duckdb"
    store = Store.open(db)
    add_user(store, "jo.officer@example.invalid", OFFICER, "a test password", by=TEST_OFFICER)
    store.close()
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    at = open_upload_page(db, monkeypatch)
    names = template_with({"child_name": "Testperson", "date_of_birth": "01/09/2015"}).encode()
    at.file_uploader[0].set_value(("with-names.csv", names, "text/csv"))
    at.button(key="check_file").click().run()
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "'child_name'" in shown and "'date_of_birth'" in shown and "pupil-level" in shown
    assert "Testperson" not in shown and "Load this file" not in [b.label for b in at.button]

    at.file_uploader[0].set_value(("excel.csv", cp1252_upload(), "text/csv"))
    at.button(key="check_file").click().run()
    at.button(key="confirm_load").click().run()
    assert not at.exception and "Loaded excel.csv" in at.success[0].value
    assert files_holding(system_temp, MARKER) == [] and list(work_dir_for(db).iterdir()) == []
    assert files_holding(tmp_path, b"Testperson") == [] and files_holding(tmp_path, MARKER) == []


def test_a_second_open_of_a_store_in_the_same_process_leaves_the_first_ones_work_alone(tmp_path: Path) -> None:
    db = tmp_path / "send.duckdb"
    first = Store.open(db)
    (first.work_dir / "upload-being-checked.csv").write_bytes(MARKER)  # a check the first is running
    second = Store.open(db)  # the same database in this process (DuckDB shares it), e.g. a test's snapshot
    second.close()
    assert files_holding(first.work_dir, MARKER) != []
    first.close()
    Store.open(db).close()  # the process's first open again: a start, which wipes it
    assert files_holding(work_dir_for(db), MARKER) == []
