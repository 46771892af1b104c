"""A tiny run of the benchmark, so it cannot rot (its figures are not judged here: benchmarks are not tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def test_the_benchmark_runs_end_to_end_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "benchmarks/bench.py", "--sizes", "600", "--runs", "1", "--out", str(out),
                           "--data", str(tmp_path / "data")], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text()
    for heading in ("## Load", "## Pages", "## Time to first rendered figure in Chromium", "## Meeting pack"):
        assert heading in text
    load_row = next(line for line in text.splitlines() if line.startswith("| 600 |"))
    assert len(load_row.split("|")) == 11  # every load figure is there
    for page in ("overview", "primary_needs", "participation", "commitments", "upload"):
        assert f"| {page} |" in text
    assert (tmp_path / "data" / "census-600.csv").read_text().startswith("time_period,time_identifier,geographic_level")
