"""The command line as an officer's script uses it: a real process, a real DuckDB file."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

EXPORT_HEADER = "period,geographic_level,area_code,old_la_code,area_name,phase,provision,primary_need,pupils,symbol"


def run_cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sendlib"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_init_demo_then_export_prints_the_sunderland_rows(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    assert run_cli("init", "--demo", db=db).returncode == 0
    result = run_cli("export", "census", db=db)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == EXPORT_HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    sunderland = [r for r in rows if r["area_name"] == "Sunderland"]
    assert {r["provision"] for r in sunderland} == {"SEN support", "EHC plan", "No SEN"}
    assert all(r["phase"] == "Total" and r["old_la_code"] == "394" and r["area_code"] == "E08000024" for r in sunderland)
    by_cell = {(r["provision"], r["primary_need"]): r["pupils"] for r in sunderland}
    assert by_cell[("SEN support", "SLCN")] == "1308"
    assert by_cell[("EHC plan", "ASD")] == "552"
    assert sum(int(r["pupils"]) for r in sunderland if r["provision"] == "SEN support") == 5620


def test_init_twice_does_not_load_the_demo_twice(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    run_cli("init", "--demo", db=db)
    run_cli("init", "--demo", db=db)
    history = run_cli("history", db=db).stdout.splitlines()
    assert len(history) == 2
    assert history[0].startswith("2\t") and history[1].startswith("1\t")


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
