"""One load, in a process of its own, so that its peak memory is its own: prints JSON {seconds, peak_rss_mb,
start_rss_mb}.

    python benchmarks/load_worker.py project|duckdb|pandas FILE.csv STORE.duckdb
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(method: str, csv_path: str, db_path: str) -> None:
    import duckdb
    import pandas as pd

    if method == "project":
        from sendlib.auth import OFFICER, Actor
        from sendlib.config import Config
        from sendlib.ingest import load_census
        from sendlib.store import Store

        store = Store.open(db_path)  # migrations are set-up, not load: done before the clock starts
        start_rss = _rss_mb()
        started = time.perf_counter()
        load_census(store, Path(csv_path), config=Config(), actor=Actor("benchmark", OFFICER))
        seconds = time.perf_counter() - started
        store.close()
    elif method == "duckdb":
        con = duckdb.connect(db_path)
        start_rss = _rss_mb()
        started = time.perf_counter()
        con.execute("CREATE TABLE census AS SELECT * FROM read_csv(?)", [csv_path])
        seconds = time.perf_counter() - started
        con.close()
    elif method == "pandas":
        con = duckdb.connect(db_path)
        start_rss = _rss_mb()
        started = time.perf_counter()
        frame = pd.read_csv(csv_path)
        con.register("frame", frame)
        con.execute("CREATE TABLE census AS SELECT * FROM frame")
        seconds = time.perf_counter() - started
        con.close()
    else:
        raise SystemExit(f"unknown method {method}")
    print(json.dumps({"seconds": seconds, "peak_rss_mb": _rss_mb(), "start_rss_mb": start_rss}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
