"""Shared fixtures: tiny stores built in tmp_path, never the live file in data/; the test groups.

Groups (markers registered in pytest.ini, assigned here, never by hand): ``browser`` for a test that drives
Chromium or starts a Streamlit server, ``app`` for one that runs the app in Streamlit's AppTest, ``process`` for
one that starts another Python process (the CLI, a process killed mid-load, the benchmark), ``unit`` for the
rest (sendlib in this process on tiny stores), so ``pytest -m unit`` is quick.

The demo store is built once per run, shared by the xdist workers (``built_once``: the first worker to ask builds
it under a file lock, the other waits and reuses it), and each test gets its own copy of the file, so a test that
writes cannot disturb another and none rebuilds it.
"""

from __future__ import annotations

import fcntl
import inspect
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_OFFICER = Actor("test officer", OFFICER)


@pytest.fixture
def config() -> Config:
    """The default settings (Sunderland)."""
    return Config()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a temporary DuckDB file."""
    opened = Store.open(tmp_path / "test.duckdb")
    yield opened
    opened.close()


def copy_store(built: Path, to: Path) -> Path:
    """A copy of the closed store ``built`` (its file and its ``uploads/`` beside it) at ``to``; returns ``to``.

    The work folder is not copied: every read-write open wipes it anyway."""
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, to)
    uploads = built.parent / "uploads"
    if uploads.is_dir():
        shutil.copytree(uploads, to.parent / "uploads", dirs_exist_ok=True)
    return to


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run that every xdist worker sees (each worker's own temporary folders are inside it);
    without xdist, the run's own temporary folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``<run folder>/<name>/<name>.duckdb``, made by ``build(path)`` (which leaves the store closed) once per run:
    the first worker to ask builds it under a file lock while the other waits, then both read the same file.
    Nobody writes to it afterwards: tests copy it (``copy_store``) or open it read only.

    It is built in a folder of its own (an upload's kept copy lives in ``uploads/`` beside the store) and moved
    into place whole, so a build that failed halfway is never taken for a built store."""
    shared = run_folder(tmp_path_factory)
    done = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes (and by the kernel if the worker dies)
        if not done.is_dir():
            building = shared / f"{name}.building-{os.getpid()}"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            build(building / f"{name}.duckdb")
            building.rename(done)
    return done / f"{name}.duckdb"


def _build_demo(path: Path) -> None:
    built = Store.open(path)
    load_demo(built, Config())
    built.close()


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo data loaded once per run through the normal load path, shared by the workers (closed:
    tests copy it or open it read only)."""
    return built_once(tmp_path_factory, "built-demo", _build_demo)


@pytest.fixture(scope="session")
def built_all_las(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding a census for every LA in force, England and the regions, in DfE's LA-level layout
    (tests/la_census.py: figures designed so that each LA's rank is known), loaded once per run (closed)."""
    from sendlib.ingest import load_census
    from tests.la_census import write_la_census

    def build(path: Path) -> None:
        built = Store.open(path)
        census = write_la_census(path.parent / "sen-la-2024-25.csv")
        load_census(built, census, config=Config(), actor=TEST_OFFICER)
        built.close()
        census.unlink()

    return built_once(tmp_path_factory, "built-all-las", build)


@pytest.fixture
def all_las_store(built_all_las: Path, tmp_path: Path) -> Iterator[Store]:
    """This test's own copy of the store with every LA's census (``built_all_las``)."""
    opened = Store.open(copy_store(built_all_las, tmp_path / "las.duckdb"))
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def built_demo_with_accounts(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store plus one local account per role (ROLE_ACTORS in tests/fixtures.py), built once."""
    from tests.fixtures import ROLE_ACTORS

    def build(path: Path) -> None:
        built = Store.open(copy_store(built_demo, path))
        for actor in ROLE_ACTORS.values():  # the accounts the AppTest sessions are signed in with
            add_user(built, actor.name, actor.role, "a test password", by=TEST_OFFICER)
        built.close()

    return built_once(tmp_path_factory, "built-demo-accounts", build)


@pytest.fixture
def demo_store(built_demo: Path, tmp_path: Path) -> Iterator[Store]:
    """A store holding the shipped demo data: this test's own copy of the session's demo store."""
    opened = Store.open(copy_store(built_demo, tmp_path / "test.duckdb"))
    yield opened
    opened.close()


@pytest.fixture
def demo_db(built_demo_with_accounts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The path of this test's own copy of the demo store with the role accounts; the app (SENDLIB_DB) uses it."""
    path = copy_store(built_demo_with_accounts, tmp_path / "app.duckdb")
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


# -- browser tests: one Chromium and one demo server per module -------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server_url(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server on a free port over a module's own demo store, with <role>@example.invalid accounts
    (password tests.browser.PASSWORD). Module-scoped: tests in a module may change its data."""
    from tests.browser import PASSWORD, running_server

    db = copy_store(built_demo, tmp_path_factory.mktemp("browser") / "demo.duckdb")
    opened = Store.open(db)
    for role in ("officer", "commissioner", "forum"):
        add_user(opened, f"{role}@example.invalid", role, PASSWORD, by=TEST_OFFICER)
    opened.close()
    with running_server(db) as url:
        yield url


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """Another process holds the store ``path`` open for writing (as the running dashboard would)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from sendlib.store import Store; s = Store.open({str(path)!r}); print('ready', flush=True); input()",
        ],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.communicate("\n", timeout=30)


def census_snapshot(store: Store) -> list[tuple]:
    """Everything in force in the census, sorted: compare before/after to prove nothing changed."""
    return store.query_rows("SELECT * EXCLUDE (load_id) FROM census_current ORDER BY ALL")


def as_read(markdown: str) -> str:
    """Markdown made by ``sendlib.text.markdown`` as a reader sees it: escapes resolved, word joiners dropped."""
    from sendlib.text import WORD_JOINER

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


# -- the test groups: unit / app / browser ------------------------------------------------------------------
# A test is in a group by what it reaches: its own code, the tests/ helpers it calls and the fixtures it uses,
# followed through their code objects. Names that mean a browser or a server, and names that mean AppTest:
BROWSER_NAMES = frozenset({"sync_playwright", "running_server"})
APP_NAMES = frozenset({"AppTest"})
PROCESS_NAMES = frozenset({"subprocess", "multiprocessing"})  # another Python process: the CLI, a kill -9, the bench
HEAVIEST_FIRST = ("browser", "process", "app", "unit")  # the order modules run in: see pytest_collection_modifyitems


def _names_reached(function: object, seen: set[int]) -> set[str]:
    """Every global or imported name the code of ``function`` uses, following the functions it names that are
    defined under tests/ (helpers, fixtures), nested functions and lambdas included."""
    function = getattr(getattr(function, "hypothesis", None), "inner_test", function)  # a @given test's own body
    function = inspect.unwrap(function)  # type: ignore[arg-type]
    code = getattr(function, "__code__", None)
    if code is None or id(code) in seen:
        return set()
    seen.add(id(code))
    names: set[str] = set()
    pending = [code]
    while pending:
        current = pending.pop()
        names.update(current.co_names)
        pending.extend(const for const in current.co_consts if inspect.iscode(const))
    module_globals = getattr(function, "__globals__", {})
    for name in list(names):
        value = module_globals.get(name)
        if callable(value) and getattr(value, "__module__", "").startswith("tests."):
            names |= _names_reached(value, seen)
    return names


def _group(item: pytest.Item) -> str:
    info = getattr(item, "_fixtureinfo", None)
    fixtures = set(info.names_closure) if info is not None else set()
    seen: set[int] = set()
    names = _names_reached(getattr(item, "obj", None), seen)
    for name in fixtures:
        for definition in info.name2fixturedefs.get(name, ()) if info is not None else ():
            if getattr(definition.func, "__module__", "").startswith("tests."):  # ours, not pytest's own
                names |= _names_reached(definition.func, seen)
    if names & BROWSER_NAMES or "browser" in fixtures:
        return "browser"
    if names & APP_NAMES:
        return "app"
    if names & PROCESS_NAMES:
        return "process"
    return "unit"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test unit, process, app or browser; keep a module's tests on one xdist worker when they share a
    module-scoped fixture (a server, a store built for the module), so it is built once, not once per worker.

    Then put the modules that start servers and processes first (a module's tests stay together, in their order):
    the workers take work from the front, so the long tests start at once and the many quick ones fill the gaps at
    the end, instead of one long test running alone while the other worker idles."""
    groups = {item.nodeid: _group(item) for item in items}
    for item in items:
        item.add_marker(getattr(pytest.mark, groups[item.nodeid]))
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(
            definition.scope in ("module", "class", "package")
            for definitions in info.name2fixturedefs.values()
            for definition in definitions
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else item.nodeid))
    module_rank: dict[str, int] = {}
    for item in items:
        module = item.module.__name__ if item.module else item.nodeid
        module_rank[module] = min(
            module_rank.get(module, len(HEAVIEST_FIRST)), HEAVIEST_FIRST.index(groups[item.nodeid])
        )
    items.sort(key=lambda item: module_rank[item.module.__name__ if item.module else item.nodeid])
