"""The command line as an officer's script uses it: a real process, a real DuckDB file."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT, copy_store, held_by_another_process
from tests.fixtures import run_cli
from tests.hostile_files import OVER_ONE_MB, OVER_ONE_MB_ROWS

EXPORT_HEADER = "period,geographic_level,area_code,old_la_code,area_name,phase,provision,primary_need,pupils,symbol"


def test_init_demo_then_export_prints_the_sunderland_rows(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    init = run_cli("init", "--demo", db=db)
    assert init.returncode == 0
    # The first run says every demo dataset it loaded, not only the census files.
    for loaded in (
        "Loaded england-2019-20.csv",
        "Loaded sunderland-2019-20.csv",
        "EHC plans: DfE's 2025 release, 153 local authorities, 12 files",
        "Stakeholder grid: 6 groups",
        "Engagement: 26 activities",
        "Commitments: 30",
        "'you said, we did' items",
    ):
        assert loaded in init.stdout, loaded
    result = run_cli("export", "census", db=db)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == EXPORT_HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    sunderland = [r for r in rows if r["area_name"] == "Sunderland"]
    assert {r["provision"] for r in sunderland} == {"SEN support", "EHC plan", "No SEN"}
    assert all(
        r["phase"] == "Total" and r["old_la_code"] == "394" and r["area_code"] == "E08000024" for r in sunderland
    )
    by_cell = {(r["provision"], r["primary_need"]): r["pupils"] for r in sunderland}
    assert by_cell[("SEN support", "SLCN")] == "1308"
    assert by_cell[("EHC plan", "ASD")] == "552"
    assert sum(int(r["pupils"]) for r in sunderland if r["provision"] == "SEN support") == 5620


def test_init_twice_does_not_load_the_demo_twice(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    run_cli("init", "--demo", db=db)
    run_cli("init", "--demo", db=db)
    history = run_cli("history", db=db).stdout.splitlines()
    assert len(history) == 4  # two census files, DfE's EHC plan release and the engagement file
    assert [line.split("\t")[0] for line in history] == ["4", "3", "2", "1"]


def test_db_can_come_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    assert run_cli("init", env={"SENDLIB_DB": str(db)}).returncode == 0
    assert db.exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("frobnicate", db=tmp_path / "x.duckdb").returncode == 2


def test_symbols_export_with_blank_pupils(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    source = tmp_path / "t.csv"
    source.write_text("period,provision,primary_need,pupils\n202324,EHC plan,MSI,c\n202324,EHC plan,ASD,40\n")
    assert run_cli("ingest", "census", str(source), db=db).returncode == 0
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "census", db=db).stdout)))
    msi = next(r for r in rows if r["primary_need"] == "MSI")
    assert (msi["pupils"], msi["symbol"]) == ("", "c")


def test_rejected_file_exits_1_with_reasons_on_stderr_and_no_traceback(built_demo: Path, tmp_path: Path) -> None:
    db = copy_store(built_demo, tmp_path / "x.duckdb")  # what init --demo makes (tested above), built once
    before = run_cli("export", "census", db=db).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("period,provision,primary_need,pupils\n202425,SEN support,ASD,-3\n202425,EHCP,Autsim,4\n")
    result = run_cli("ingest", "census", str(bad), db=db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "bad.csv was not loaded" in result.stderr
    assert "Line 2, column 'pupils': '-3' is negative" in result.stderr
    assert "'Autsim' is not a primary need we recognise" in result.stderr
    assert run_cli("export", "census", db=db).stdout == before
    assert "\trejected\tbad.csv" in run_cli("history", db=db).stdout


def test_the_command_line_loads_a_file_over_the_upload_limit(tmp_path: Path) -> None:
    """upload.max_file_mb is the Upload page's limit: a 2 MB file with the limit at 1 MB loads from the command
    line (as a national school-level file of 200 MB and more does), every row of it."""
    db, config, big = tmp_path / "x.duckdb", tmp_path / "config.yaml", tmp_path / "big.csv"
    config.write_text("upload:\n  max_file_mb: 1\n")
    big.write_bytes(OVER_ONE_MB)
    assert big.stat().st_size > 2 * 1_000_000
    loaded = run_cli("--config", str(config), "ingest", "census", str(big), db=db)
    assert (loaded.returncode, loaded.stderr) == (0, "")
    assert f"{OVER_ONE_MB_ROWS:,} rows stored from {OVER_ONE_MB_ROWS:,} read" in loaded.stdout
    exported = list(csv.DictReader(io.StringIO(run_cli("export", "census", db=db).stdout)))
    assert len(exported) == OVER_ONE_MB_ROWS and {row["phase"] for row in exported} >= {"P00000", "P61999"}


def test_ingest_history_undo_round_trip(built_demo: Path, tmp_path: Path) -> None:
    db = copy_store(built_demo, tmp_path / "x.duckdb")  # what init --demo makes (tested above), built once
    before = run_cli("export", "census", db=db).stdout
    update = tmp_path / "update.csv"
    update.write_text("period,provision,primary_need,pupils\n201920,SEN support,SLCN,1400\n201920,EHC plan,ASD,600\n")
    loaded = run_cli("ingest", "census", str(update), db=db)
    assert loaded.returncode == 0 and "as load 5" in loaded.stdout
    assert "1400" in run_cli("export", "census", db=db).stdout
    assert run_cli("history", db=db).stdout.startswith("5\t")
    assert (
        run_cli("ingest", "census", str(update), db=db)
        .stdout.strip()
        .endswith("was already loaded (load 5); nothing changed.")
    )
    undone = run_cli("undo", "5", db=db)
    assert undone.returncode == 0 and "Undid load 5" in undone.stdout
    assert run_cli("export", "census", db=db).stdout == before
    again = run_cli("undo", "5", db=db)
    assert again.returncode == 1 and "only a load in force can be undone" in again.stderr


def test_pupil_extract_needs_a_period_and_is_counted(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    extract = tmp_path / "extract.csv"
    extract.write_text(
        "UPN,Surname,Forename,DOB,Gender,NCyearActual,SENprovision,SENtype\n"
        "Z999000000001,Testperson,Alex,2012-01-01,F,7,K,SLCN\n"
        "Z999000000002,Testperson,Sam,2012-02-02,M,7,K,SLCN\n"
    )
    missing = run_cli("ingest", "census", str(extract), db=db)
    assert missing.returncode == 1 and "no census period of its own" in missing.stderr
    assert run_cli("ingest", "census", str(extract), "--period", "202425", db=db).returncode == 0
    export = run_cli("export", "census", db=db).stdout
    assert "202425,Local authority,E08000024,394,Sunderland,Total,SEN support,SLCN,2," in export
    assert "Z999000000001" not in export and "Testperson" not in export


def test_ingest_while_the_store_is_held_says_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    run_cli("init", db=db)
    with held_by_another_process(db):
        result = run_cli("ingest", "census", str(PROJECT_ROOT / "data/templates/census-example.csv"), db=db)
        assert result.returncode == 1
        assert "in use by another program" in result.stderr and "Upload page" in result.stderr
        assert "Traceback" not in result.stderr


def test_missing_file_exits_1(tmp_path: Path) -> None:
    result = run_cli("ingest", "census", str(tmp_path / "nope.csv"), db=tmp_path / "x.duckdb")
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_bad_format_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("ingest", "census", "x.csv", "--format", "xlsx", db=tmp_path / "x.duckdb")
    assert result.returncode == 2


def add_account(db: Path, email: str, role: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), "user", "add", email, "--role", role, "--password-stdin"],
        input=f"{password}\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def test_user_management_never_prints_or_stores_the_password(tmp_path: Path) -> None:
    db = tmp_path / "users.duckdb"
    added = add_account(db, "Jo@Example.org", "officer", "sup3r secret words")
    assert added.returncode == 0 and "Added jo@example.org as officer" in added.stdout
    listing = run_cli("user", "list", db=db)
    assert listing.stdout.startswith("jo@example.org\tofficer")
    assert "argon2" not in listing.stdout and "sup3r" not in listing.stdout
    refused = run_cli("user", "set-role", "jo@example.org", "forum", db=db)  # the only officer
    assert refused.returncode == 1 and "only officer account: add another officer first" in refused.stderr
    assert add_account(db, "sam@example.org", "officer", "another secret").returncode == 0
    assert run_cli("user", "set-role", "jo@example.org", "forum", db=db).returncode == 0
    assert "jo@example.org\tforum\t" in run_cli("user", "list", db=db).stdout
    assert run_cli("user", "remove", "jo@example.org", db=db).returncode == 0
    assert run_cli("user", "list", db=db).stdout.startswith("sam@example.org\tofficer")
    assert b"sup3r secret words" not in db.read_bytes()


def test_user_commands_write_the_account_audit_log(tmp_path: Path) -> None:
    db = tmp_path / "audit.duckdb"
    assert add_account(db, "jo@example.org", "officer", "sup3r secret words").returncode == 0
    assert add_account(db, "sam@example.org", "forum", "another secret").returncode == 0
    assert run_cli("user", "set-role", "sam@example.org", "commissioner", db=db).returncode == 0
    reset = run_cli("user", "reset-password", "sam@example.org", db=db)
    assert reset.returncode == 0 and "One-time password for sam@example.org (shown once, not stored)" in reset.stdout
    one_time = reset.stdout.split(": ", 1)[1].split()[0]
    assert "must choose a new password" in run_cli("user", "list", db=db).stdout
    assert run_cli("user", "remove", "sam@example.org", db=db).returncode == 0
    log = run_cli("user", "log", db=db)
    assert log.returncode == 0
    rows = [line.split("\t") for line in log.stdout.splitlines()]
    assert [(row[2], row[3], row[4]) for row in rows] == [
        ("removed", "sam@example.org", "was commissioner"),
        ("password reset", "sam@example.org", "one-time password issued"),
        ("role changed", "sam@example.org", "from forum to commissioner"),
        ("added", "sam@example.org", "as forum"),
        ("added", "jo@example.org", "as officer"),
    ]
    assert all(row[1].endswith("(command line)") for row in rows)  # who: the system user, as the command line
    for secret in ("sup3r secret words", "another secret", one_time, "$argon2"):
        assert secret not in log.stdout


def test_user_commands_on_a_store_the_dashboard_holds_point_to_the_accounts_page(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    run_cli("init", db=db)
    with held_by_another_process(db):
        result = run_cli("user", "remove", "someone@example.org", db=db)
    assert result.returncode == 1 and "in use by another program" in result.stderr
    assert "officers manage accounts on its Accounts page" in result.stderr and "Traceback" not in result.stderr


def test_user_add_without_a_terminal_needs_password_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendlib",
            "--db",
            str(tmp_path / "u.duckdb"),
            "user",
            "add",
            "a@example.org",
            "--role",
            "forum",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert result.returncode == 1 and "--password-stdin" in result.stderr


def test_init_demo_prints_demo_passwords_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    first = run_cli("init", "--demo", db=db).stdout
    assert "DEMO ONLY" in first and "officer@demo.invalid" in first
    assert "DEMO ONLY" not in run_cli("init", "--demo", db=db).stdout


def test_ingest_engagement_loads_the_template_example_and_refuses_a_bad_file(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    example = PROJECT_ROOT / "data" / "templates" / "engagement-example.csv"
    loaded = run_cli("ingest", "engagement", str(example), db=db)
    assert (
        loaded.returncode == 0 and "Loaded engagement-example.csv as load 1: 2 engagement activities." in loaded.stdout
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(example.read_text().replace("2026-02-06", "06/02/2099").replace("SB-2026-01", "SB-2026-02"))
    refused = run_cli("ingest", "engagement", str(bad), db=db)
    assert refused.returncode == 1 and "Line 2: The activity date must be between" in refused.stderr
    assert "nothing was written" in refused.stderr
    history = run_cli("history", db=db).stdout
    assert "\trejected\tbad.csv" in history and "\tloaded\tengagement-example.csv" in history


def test_the_run_command_prints_the_address_of_the_port_asked_for() -> None:
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8600"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "http://localhost:8600/" in planned and "--server.port 8600" in planned
