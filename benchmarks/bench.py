"""The benchmark: loads, pages and the meeting pack as the data grows, against the physical limits.

    make bench                                  # 10k, 100k and 1M rows, 3 runs each (about 3 minutes)
    .venv/bin/python benchmarks/bench.py --sizes 1000000 --loads-only --out /tmp/loads.md   # the loads alone
    .venv/bin/python benchmarks/bench.py --sizes 10000,100000 --runs 3 --out benchmarks/RESULTS.md

Everything is measured in the same run, so ratios compare like with like on this machine:

1. **Load**: the project's full census load as the officers run it (``python -m sendlib ingest census FILE``:
   start-up, detect, decode, validate, normalise, commit) against DuckDB's bare ``CREATE TABLE … AS SELECT *
   FROM read_csv(…)`` and against pandas (``read_csv`` then insert), each a ``python -c`` process, on the same
   file; and the refusal of the same file with one bad row, which must name its line. Wall time and peak RSS of
   whole processes, the methods alternating run by run; the median of ``--runs``.
2. **Pages**: every page's script in Streamlit's AppTest, cold (query cache cleared) and warm (run again), with
   the store holding each size; and, in Chromium, the time from opening the overview and primary-needs
   pages to their first rendered figure, against a bare one-chart Streamlit page on the same machine.
3. **Meeting pack**: building the deck and the PDF; and **the public site**: publishing it whole (every chart
   drawn) and again with the data unchanged (``sendlib.publish``).
4. **EHC plans**: DfE's 2025 EHC plan release zip as shipped, loaded as the officers load it (``python -m sendlib
   ingest ehcp ZIP``: unzip, check, unpivot every data file to tidy rows, commit), against a bare ``python -c``
   that unzips the same data files and unpivots each straight into a DuckDB table with no checks; whole
   processes, alternating, the median of ``--runs``.

It prints a table and writes it, with the machine's CPU count, memory and versions, to ``--out``.
Benchmarks are not tests: nothing here asserts a time (a smoke run in the test suite checks that it runs).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_census, write_one_bad_row  # noqa: E402 (found through the path set just above)

PAGES = (
    "overview",
    "primary_needs",
    "stakeholders",
    "participation",
    "reach_gaps",
    "commitments",
    "you_said",
    "upload",
)
LOAD_METHODS = ("duckdb", "project", "refusal", "pandas")
EHCP_RELEASE = ROOT / "data" / "reference" / "sen2" / "education-health-and-care-plans_2025.zip"
# The bare way with the release: unzip its data files and unpivot each into one table, nothing checked.
EHCP_BARE = """
import sys, tempfile, zipfile, duckdb
con = duckdb.connect(sys.argv[2])
ids = ('time_period, time_identifier, geographic_level, country_code, country_name, region_code, region_name, '
       'new_la_code, old_la_code, la_name, breakdown_topic, breakdown')
with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        if not info.filename.startswith('data/') or not info.filename.endswith('.csv'):
            continue
        path = archive.extract(info, folder)
        name = info.filename[5:-4]
        select = (f"SELECT '{name}' AS dataset, {ids}, measure, TRY_CAST(raw AS DOUBLE) AS value, raw FROM "
                  f"(UNPIVOT (SELECT * FROM read_csv('{path}', all_varchar = true)) "
                  f"ON COLUMNS(* EXCLUDE ({ids})) INTO NAME measure VALUE raw)")
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ehcp'").fetchone()[0]
        con.execute(f"INSERT INTO ehcp {select}" if exists else f"CREATE TABLE ehcp AS {select}")
"""


@dataclass
class Results:
    """Every figure measured, by size."""

    machine: dict[str, str] = field(default_factory=dict)
    loads: dict[int, dict[str, dict[str, float]]] = field(default_factory=dict)  # size → method → figures
    pages: dict[int, dict[str, dict[str, float]]] = field(default_factory=dict)  # size → page → cold/warm
    browser: dict[int, dict[str, float]] = field(default_factory=dict)  # size → page → seconds
    pack: dict[int, float] = field(default_factory=dict)  # size → seconds
    publish: dict[int, dict[str, float]] = field(default_factory=dict)  # size → "whole" | "republish" → seconds
    ehcp: dict[str, dict[str, float]] = field(default_factory=dict)  # "project" | "bare" → seconds, peak RSS, rows


def machine_facts() -> dict[str, str]:
    import duckdb
    import pandas
    import plotly
    import streamlit

    memory = ""
    try:
        with open("/proc/meminfo") as fh:
            memory = f"{int(fh.readline().split()[1]) / 1_048_576:.1f} GB"
    except OSError:
        pass
    return {
        "CPUs": str(os.cpu_count()),
        "memory": memory,
        "Python": platform.python_version(),
        "DuckDB": duckdb.__version__,
        "Streamlit": streamlit.__version__,
        "pandas": pandas.__version__,
        "Plotly": plotly.__version__,
        "platform": platform.platform(),
        "date": date.today().isoformat(),
    }


# The bare read and the pandas way, each a whole process of its own like the project's command line:
# python -c SCRIPT FILE.csv STORE.duckdb.
BARE_READ = (
    "import sys, duckdb; duckdb.connect(sys.argv[2]).execute("
    "'CREATE TABLE census AS SELECT * FROM read_csv(?)', [sys.argv[1]])"
)
PANDAS_READ = (
    "import sys, duckdb, pandas; frame = pandas.read_csv(sys.argv[1]); con = duckdb.connect(sys.argv[2]); "
    "con.register('frame', frame); con.execute('CREATE TABLE census AS SELECT * FROM frame')"
)


def load_command(method: str, csv_path: Path, db: Path) -> list[str]:
    """The whole process each load method runs: the project's is the officers' own command line."""
    if method in ("project", "refusal"):
        return [sys.executable, "-m", "sendlib", "--db", str(db), "ingest", "census", str(csv_path)]
    script = {"duckdb": BARE_READ, "pandas": PANDAS_READ}[method]
    return [sys.executable, "-c", script, str(csv_path), str(db)]


def run_process(command: list[str]) -> tuple[dict[str, float], int, str]:
    """Run ``command`` to its end: wall seconds from start to exit and its own peak RSS (MB, from wait4, so no
    other child counts), with its exit code and standard error."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}, process.returncode, stderr


def measure_loads(csv_path: Path, bad_path: Path, bad_line: int, runs: int, work: Path) -> dict[str, dict[str, float]]:
    """Every load method ``runs`` times as whole processes on fresh stores, alternating (one of each, then again),
    so that whatever else the machine is doing falls on every method alike; the medians.

    ``refusal`` loads ``bad_path`` (the same file with one bad count on ``bad_line``), which must be refused
    naming that line.
    """
    samples: dict[str, list[dict[str, float]]] = {method: [] for method in LOAD_METHODS}
    for run in range(runs):
        for method in LOAD_METHODS:
            folder = work / f"load-{method}-{run}"  # the store, its work folder and its uploads/: fresh each run
            folder.mkdir()
            db = folder / "store.duckdb"
            figures, code, stderr = run_process(load_command(method, bad_path if method == "refusal" else csv_path, db))
            if method == "refusal":
                if code != 1 or f"Line {bad_line}, column 'pupil_count'" not in stderr:
                    raise RuntimeError(f"the file with a bad row on line {bad_line} was not refused by line: {stderr}")
            elif code != 0:
                raise RuntimeError(f"{method} load failed: {stderr[-2000:]}")
            samples[method].append(figures)
            shutil.rmtree(folder)
    return {
        method: {key: statistics.median(s[key] for s in runs_) for key in runs_[0]} for method, runs_ in samples.items()
    }


def measure_ehcp(runs: int, work: Path) -> dict[str, dict[str, float]]:
    """DfE's EHC plan release loaded by the command line and by the bare unpivot, ``runs`` times each on fresh
    stores, alternating; the medians, with the tidy rows each stored."""
    samples: dict[str, list[dict[str, float]]] = {"project": [], "bare": []}
    for run in range(runs):
        for method in samples:
            folder = work / f"ehcp-{method}-{run}"
            folder.mkdir()
            db = folder / "store.duckdb"
            if method == "project":
                command = [sys.executable, "-m", "sendlib", "--db", str(db), "ingest", "ehcp", str(EHCP_RELEASE)]
            else:
                command = [sys.executable, "-c", EHCP_BARE, str(EHCP_RELEASE), str(db)]
            figures, code, stderr = run_process(command)
            if code != 0:
                raise RuntimeError(f"the {method} load of the EHC plan release failed: {stderr[-2000:]}")
            import duckdb

            with duckdb.connect(str(db), read_only=True) as con:
                figures["rows"] = float(con.execute("SELECT count(*) FROM ehcp").fetchone()[0])  # type: ignore[index]
            samples[method].append(figures)
            shutil.rmtree(folder)
    return {
        method: {key: statistics.median(s[key] for s in runs_) for key in runs_[0]} for method, runs_ in samples.items()
    }


def build_store(csv_path: Path, db: Path) -> None:
    """A store with the demo data and the synthetic census loaded through the normal path."""
    from sendlib.auth import OFFICER, Actor, add_user
    from sendlib.config import Config
    from sendlib.demo import load_demo
    from sendlib.ingest import load_census
    from sendlib.store import Store

    store = Store.open(db)
    load_demo(store, Config())
    load_census(store, csv_path, config=Config(), actor=Actor("benchmark", OFFICER))
    add_user(store, "bench@example.invalid", OFFICER, "benchmark password", by=Actor("benchmark", OFFICER))
    store.close()


@contextmanager
def store_env(db: Path):
    old = os.environ.get("SENDLIB_DB")
    os.environ["SENDLIB_DB"] = str(db)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SENDLIB_DB", None)
        else:
            os.environ["SENDLIB_DB"] = old


def measure_pages(db: Path, pages: tuple[str, ...], samples: int = 3) -> dict[str, dict[str, float]]:
    """Each page's script run in AppTest: cold (query cache cleared) and warm (run again), medians of ``samples``."""
    import streamlit as st
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    from sendlib.auth import OFFICER, Actor

    set_log_level("error")  # AppTest runs without a server: its "no runtime" warnings are expected noise
    figures: dict[str, dict[str, float]] = {}
    with store_env(db):
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            at.session_state["actor"] = Actor("bench@example.invalid", OFFICER)
            at.run()  # the frame opens the store: set-up, not the page
            at.switch_page(f"pages/{page}.py")
            cold_samples = []
            for _ in range(samples):  # one cold run is one sample: take the median, like the warm runs
                st.cache_data.clear()  # the page's own queries start cold
                started = time.perf_counter()
                at.run()
                cold_samples.append(time.perf_counter() - started)
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].message}")
            cold = statistics.median(cold_samples)
            warm_samples = []
            for _ in range(samples):
                started = time.perf_counter()
                at.run()
                warm_samples.append(time.perf_counter() - started)
            figures[page] = {"cold": cold, "warm": statistics.median(warm_samples)}
        # Close the app's store before the browser measures start their own server on the same file (DuckDB
        # allows one writing process): clearing the cache alone would leave the connection open.
        import ui

        ui.get_store().close()
        st.cache_resource.clear()
    return figures


def measure_browser(db: Path, runs: int) -> dict[str, float]:
    """Seconds from opening a page to its first rendered figure (median of ``runs``), in Chromium, for the
    overview (first metric), primary needs (first chart) and the bare one-chart page."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_server

    timings: dict[str, list[float]] = {"overview": [], "primary_needs": [], "bare one-chart page": []}
    config = db.with_suffix(".public.yaml")
    config.write_text("access:\n  public: true\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with running_server(db, {"SENDLIB_CONFIG": str(config)}) as url:
            for page_name, selector in (
                ("overview", "[data-testid='stMetricValue']"),
                ("primary_needs", "[data-testid='stPlotlyChart'] .main-svg"),
            ):
                for run in range(runs + 1):  # the first visit warms the server's caches: not counted
                    seconds = _time_to_first(browser, f"{url}/{page_name}", selector)
                    if run:
                        timings[page_name].append(seconds)
        with running_server(db, script=str(Path(__file__).parent / "bare_chart_app.py")) as url:
            for run in range(runs + 1):
                seconds = _time_to_first(browser, url, "[data-testid='stPlotlyChart'] .main-svg")
                if run:
                    timings["bare one-chart page"].append(seconds)
        browser.close()
    return {name: statistics.median(values) for name, values in timings.items()}


def _time_to_first(browser, url: str, selector: str) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, state="visible", timeout=600_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def measure_pack(db: Path) -> float:
    """Seconds to gather the charts and build the deck and the PDF for a commissioner."""
    from sendlib import pack
    from sendlib.config import Config
    from sendlib.store import Store
    from sendlib.views import Audience

    store = Store.open(db)
    try:
        started = time.perf_counter()
        config = Config()
        pack.make_pack(store, config, Audience.of("commissioner", config), date.today())
        return time.perf_counter() - started
    finally:
        store.close()


def measure_publish(db: Path, work: Path) -> dict[str, float]:
    """Seconds to publish the whole public site with every chart drawn afresh, and to publish it again with the
    data unchanged (as a republish after an edit that changes no chart: only the views are built again)."""
    from sendlib import publish
    from sendlib.config import Config
    from sendlib.store import Store

    store = Store.open(db)
    try:
        publish._SVG_CACHE.clear()  # every chart drawn by Kaleido, as on a fresh start (Kaleido itself is running)
        whole = publish.publish(store, Config(), work / "site").seconds
        again = publish.publish(store, Config(), work / "site").seconds
        return {"whole": whole, "republish": again}
    finally:
        store.close()


def render(results: Results) -> str:
    """The results as Markdown: machine, then one table per measure, with the ratios the targets use."""
    lines = [
        "# Benchmark results",
        "",
        ("Written by `make bench` (benchmarks/bench.py); the README's Performance section states the targets."),
        "",
        "| machine | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in results.machine.items()]
    lines += [
        "",
        "## Load (whole processes on fresh stores, alternating, median of runs)",
        "",
        (
            "The project load is `python -m sendlib ingest census FILE`; the bare read is `python -c` with DuckDB's "
            "`CREATE TABLE census AS SELECT * FROM read_csv(FILE)`; the pandas way is `python -c` with "
            "`pandas.read_csv` then an insert. Each is one process from start to exit, and peak RSS is its own."
        ),
        "",
        (
            "| rows | DuckDB bare read (s) | project load (s) | ratio | pandas way (s) | DuckDB peak RSS (MB) | "
            "project peak RSS (MB) | ratio | pandas peak RSS (MB) |"
        ),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, methods in sorted(results.loads.items()):
        bare, ours, pandas_way = methods["duckdb"], methods["project"], methods["pandas"]
        lines.append(
            f"| {size:,} | {bare['seconds']:.2f} | {ours['seconds']:.2f} | "
            f"{ours['seconds'] / bare['seconds']:.2f} | {pandas_way['seconds']:.2f} | "
            f"{bare['peak_rss_mb']:.0f} | {ours['peak_rss_mb']:.0f} | "
            f"{ours['peak_rss_mb'] / bare['peak_rss_mb']:.2f} | {pandas_way['peak_rss_mb']:.0f} |"
        )
    lines += [
        "",
        "## Refusing a file with one bad row (whole process, median of runs)",
        "",
        (
            "The same file with one count made not a number, half way down: refused by `python -m sendlib ingest "
            "census`, naming its line and column."
        ),
        "",
        "| rows | DuckDB bare read (s) | refusal (s) | ratio | refusal peak RSS (MB) | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, methods in sorted(results.loads.items()):
        bare, refusal = methods["duckdb"], methods["refusal"]
        lines.append(
            f"| {size:,} | {bare['seconds']:.2f} | {refusal['seconds']:.2f} | "
            f"{refusal['seconds'] / bare['seconds']:.2f} | {refusal['peak_rss_mb']:.0f} | "
            f"{refusal['peak_rss_mb'] / bare['peak_rss_mb']:.2f} |"
        )
    if results.pages:
        sizes = sorted(results.pages)
        lines += [
            "",
            "## Pages (AppTest script run, seconds, median of 3: cold = query cache cleared first, warm = run again)",
            "",
            "| page | "
            + " | ".join(f"{s:,} cold | {s:,} warm" for s in sizes)
            + f" | warm {sizes[-1]:,} ÷ {sizes[0]:,} | cold ÷ warm at {sizes[-1]:,} |",
            "| --- | " + " | ".join("---: | ---:" for _ in sizes) + " | ---: | ---: |",
        ]
        for page in results.pages[sizes[0]]:
            cells = " | ".join(
                f"{results.pages[s][page]['cold']:.2f} | {results.pages[s][page]['warm']:.2f}" for s in sizes
            )
            first, last = results.pages[sizes[0]][page], results.pages[sizes[-1]][page]
            lines.append(
                f"| {page} | {cells} | {last['warm'] / first['warm']:.2f} | {last['cold'] / last['warm']:.2f} |"
            )
    if results.browser:
        lines += [
            "",
            "## Time to first rendered figure in Chromium (seconds, median)",
            "",
            "| rows | overview | primary needs | bare one-chart page | primary needs ÷ bare | overview ÷ bare |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size, figures in sorted(results.browser.items()):
            bare = figures["bare one-chart page"]
            lines.append(
                f"| {size:,} | {figures['overview']:.2f} | {figures['primary_needs']:.2f} | {bare:.2f} | "
                f"{figures['primary_needs'] / bare:.2f} | {figures['overview'] / bare:.2f} |"
            )
    if results.pack:
        lines += ["", "## Meeting pack (deck and PDF, commissioner)", "", "| rows | seconds |", "| ---: | ---: |"]
        lines += [f"| {size:,} | {seconds:.2f} |" for size, seconds in sorted(results.pack.items())]
    if results.publish:
        lines += [
            "",
            "## Publishing the public site (`python -m sendlib publish`: every forum view, charts as SVG)",
            "",
            "| rows | whole site, every chart drawn (s) | republish, charts unchanged (s) |",
            "| ---: | ---: | ---: |",
        ]
        lines += [
            f"| {size:,} | {times['whole']:.2f} | {times['republish']:.2f} |"
            for size, times in sorted(results.publish.items())
        ]
    if results.ehcp:
        ours, bare = results.ehcp["project"], results.ehcp["bare"]
        lines += [
            "",
            "## Loading DfE's EHC plan release (the 2025 zip as shipped; whole processes, median of runs)",
            "",
            (
                "The project load is `python -m sendlib ingest ehcp ZIP` (unzip safely, check every file, row and "
                "figure, unpivot to tidy rows, one transaction); the bare way is `python -c` unzipping the same data "
                "files and unpivoting each into a DuckDB table, nothing checked."
            ),
            "",
            "| | seconds | peak RSS (MB) | tidy rows stored |",
            "| --- | ---: | ---: | ---: |",
            f"| project load | {ours['seconds']:.2f} | {ours['peak_rss_mb']:.0f} | {ours['rows']:,.0f} |",
            f"| bare unpivot | {bare['seconds']:.2f} | {bare['peak_rss_mb']:.0f} | {bare['rows']:,.0f} |",
            f"| ratio | {ours['seconds'] / bare['seconds']:.2f} | {ours['peak_rss_mb'] / bare['peak_rss_mb']:.2f} | |",
        ]
    notes = Path(__file__).parent / "NOTES.md"
    if notes.exists():  # what was profiled and changed, with before/after figures: kept by hand
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="rows per synthetic file, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per load measure (the median is kept)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "RESULTS.md"), help="where to write the table")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to time, comma-separated")
    parser.add_argument("--samples", type=int, default=3, help="cold and warm runs per page (the median is kept)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measures")
    parser.add_argument("--loads-only", action="store_true", help="measure the loads alone (no pages, browser, pack)")
    parser.add_argument("--data", default=str(Path(__file__).parent / "data"), help="folder for the synthetic files")
    parser.add_argument("--no-ehcp", action="store_true", help="skip loading DfE's EHC plan release")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = tuple(p for p in args.pages.split(",") if p)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    results = Results(machine=machine_facts())
    with tempfile.TemporaryDirectory(prefix="sendlib-bench-") as scratch:
        work = Path(scratch)
        if not args.no_ehcp:
            print("[EHC plan release] loads …", flush=True)
            results.ehcp = measure_ehcp(args.runs, work)
        for size in sizes:
            csv_path = data / f"census-{size}.csv"
            if not csv_path.exists():
                write_census(csv_path, size)
            bad_path = data / f"census-{size}-one-bad-row.csv"
            bad_line = write_one_bad_row(csv_path, bad_path)
            print(f"[{size:,} rows] loads …", flush=True)
            results.loads[size] = measure_loads(csv_path, bad_path, bad_line, args.runs, work)
            if args.loads_only:
                continue
            db = work / f"pages-{size}.duckdb"
            build_store(csv_path, db)
            print(f"[{size:,} rows] pages …", flush=True)
            results.pages[size] = measure_pages(db, pages, args.samples)
            if not args.no_browser:
                print(f"[{size:,} rows] browser …", flush=True)
                results.browser[size] = measure_browser(db, max(1, args.runs))
            print(f"[{size:,} rows] meeting pack …", flush=True)
            results.pack[size] = measure_pack(db)
            print(f"[{size:,} rows] public site …", flush=True)
            results.publish[size] = measure_publish(db, work / f"site-{size}")
    text = render(results)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
