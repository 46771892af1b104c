"""Where one census load spends its time: every statement of the load timed, slowest first.

    .venv/bin/python benchmarks/profile_load.py benchmarks/data/census-1000000.csv [--top 15]

The load runs as the product runs it (``load_census`` on a fresh store in a temporary folder); each SQL
statement of its transaction, and the Python steps around it (opening and hashing the file, keeping the
upload), is timed, the way DuckDB's ``EXPLAIN ANALYZE`` times a plan's operators. This is how the
figures in benchmarks/NOTES.md were found. It prints a table; it asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sendlib.auth import OFFICER, Actor
from sendlib.config import Config
from sendlib.ingest import census
from sendlib.store import Store, Transaction

Timing = tuple[float, str, str]  # seconds, kind, what


_depth = [0]  # how many timed steps are running: a step inside another (SQL a Python step runs) is its part


def _timed(
    function: Callable[..., Any], kind: str, timings: list[Timing], describe: Callable[..., str]
) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        _depth[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            _depth[0] -= 1
            if _depth[0] == 0:  # only the outermost step is listed, so the steps are disjoint and add up
                timings.append((time.perf_counter() - started, kind, describe(*args, **kwargs)))

    return timed


def profile_load(csv_path: Path) -> tuple[float, list[Timing]]:
    """Load ``csv_path`` into a fresh store with every statement timed; the load's seconds and the timings."""
    timings: list[Timing] = []
    statement = lambda _tx, sql, *rest, **kw: " ".join(str(sql).split())  # noqa: E731 - the SQL, on one line
    patched = {(Transaction, name): getattr(Transaction, name) for name in ("execute", "fetchall", "fetch_df")}
    patched |= {(census, name): getattr(census, name) for name in ("open_source", "_keep_raw_file", "_find_loaded")}
    try:
        for (owner, name), function in patched.items():
            kind = "sql" if owner is Transaction else "python"
            describe = statement if owner is Transaction else (lambda *_a, _n=name, **_k: _n)
            setattr(owner, name, _timed(function, kind, timings, describe))
        with tempfile.TemporaryDirectory(prefix="sendlib-profile-") as folder:
            store = Store.open(Path(folder) / "profile.duckdb")
            timings.clear()  # the schema's migrations are set-up, not the load
            started = time.perf_counter()
            census.load_census(store, csv_path, config=Config(), actor=Actor("profile", OFFICER))
            seconds = time.perf_counter() - started
            store.close()
    finally:
        for (owner, name), function in patched.items():
            setattr(owner, name, function)
    return seconds, sorted(timings, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", type=Path, help="a census file (make one with benchmarks/synth.py or make bench)")
    parser.add_argument("--top", type=int, default=15, help="how many of the slowest steps to list")
    args = parser.parse_args(argv)
    seconds, timings = profile_load(args.csv)
    print(f"{'seconds':>8}  {'kind':<6}  step")
    for spent, kind, what in timings[: args.top]:
        print(f"{spent:8.3f}  {kind:<6}  {what[:120]}")
    print(f"{seconds:8.3f}  total   the whole load ({sum(t[0] for t in timings):.3f} s in the steps timed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
