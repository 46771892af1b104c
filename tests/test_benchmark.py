"""A tiny run of the benchmark, so it cannot rot (its figures are not judged here: benchmarks are not tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def test_the_benchmark_runs_end_to_end_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/bench.py",
            "--sizes",
            "600",
            "--runs",
            "1",
            "--samples",
            "1",
            "--pages",
            "overview,primary_needs,participation,commitments,upload",
            "--out",
            str(out),
            "--data",
            str(tmp_path / "data"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text()
    for heading in (
        "## Load",
        "## Refusing a file with one bad row",
        "## Pages",
        "## Time to first rendered figure in Chromium",
        "## Meeting pack",
        "## Publishing the public site",
        "## Loading DfE's EHC plan release",
    ):
        assert heading in text
    assert "| project load |" in text and "| 4,111,156 |" in text  # every figure of the release, tidy
    load_row = next(line for line in text.splitlines() if line.startswith("| 600 |"))
    assert len(load_row.split("|")) == 11  # every load figure is there
    for page in ("overview", "primary_needs", "participation", "commitments", "upload"):
        assert f"| {page} |" in text
    assert (tmp_path / "data" / "census-600.csv").read_text().startswith("time_period,time_identifier,geographic_level")


def test_the_load_profiler_times_every_statement_of_a_real_load(tmp_path: Path, capsys) -> None:
    from benchmarks.profile_load import main, profile_load
    from benchmarks.synth import write_census

    path = tmp_path / "census.csv"
    write_census(path, 2_000)
    seconds, timings = profile_load(path)
    steps = [what for _, _, what in timings]
    assert any(step.startswith("INSERT INTO census") for step in steps)  # the rows were written, and timed
    assert "open_source" in steps and sum(spent for spent, _, _ in timings) <= seconds  # disjoint steps of the load
    assert [spent for spent, _, _ in timings] == sorted((spent for spent, _, _ in timings), reverse=True)
    assert main([str(path), "--top", "3"]) == 0
    assert "the whole load" in capsys.readouterr().out
